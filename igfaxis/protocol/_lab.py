"""One measured lab value: the validated record that readers (:mod:`igfaxis.io.labs`, FHIR)
produce and calibration and reports consume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_TIME", "LabValue"]

_DAYS_PER_YEAR: Final = 365.25
#: clock time of a lab whose file gives none (a morning blood draw)
DEFAULT_TIME: Final = "08:00"


@dataclass(frozen=True)
class LabValue:
    """One measured IGF-1 value (with IGFBP-3 and GH when drawn with it).

    Attributes
    ----------
    day
        Calendar day on the person's time line [days]; 0 is when the person has ``age_y``.
    date
        The date as written (``None`` when the file uses ``day``).
    value, unit
        The IGF-1 value as reported and its unit.
    igf1_ng_ml
        The IGF-1 value in ng/mL.
    line
        Line number in the file, or the Observation's place in a FHIR file (for messages).
    time
        Clock time of the blood draw, ``HH:MM`` (08:00 when the file gives none).
    assay
        The assay as the file names it (``None``: not stated).
    igfbp3_ng_ml, gh_ng_ml
        IGFBP-3 and GH measured in the same sample, in ng/mL (``None``: not measured).
    ref_low_ng_ml, ref_high_ng_ml
        The lab's own reference interval for IGF-1 at the person's age and sex, as the report
        prints it (2.5th-97.5th centiles), in ng/mL (``None``: not given).
    harmonised
        ``igf1_ng_ml`` has been moved onto the model's reference scale by that interval
        (:func:`igfaxis.risk.harmonise_lab`); ``value``/``unit`` keep the printed value.
    """

    day: float
    date: str | None
    value: float
    unit: str
    igf1_ng_ml: float
    line: int
    time: str = DEFAULT_TIME
    assay: str | None = None
    igfbp3_ng_ml: float | None = None
    gh_ng_ml: float | None = None
    ref_low_ng_ml: float | None = None
    ref_high_ng_ml: float | None = None
    harmonised: bool = False

    def age_y(self, age_at_day0_y: float) -> float:
        """Age at this measurement [y], given the age at day 0."""
        return age_at_day0_y + self.day / _DAYS_PER_YEAR

    @property
    def t_h(self) -> float:
        """Time of the blood draw on the model's time line [h]: day x 24 + clock time."""
        hours, minutes = self.time.split(":")
        return self.day * 24.0 + int(hours) + int(minutes) / 60.0

    @property
    def label(self) -> str:
        """The date, or ``"day N"``."""
        return self.date if self.date is not None else f"day {self.day:g}"
