"""Assess one measured IGF-1 value: SDS, percentile, reference zone and the 120-160 ng/mL band.

The age- and sex-specific position comes from the LIFE reference (:mod:`igfaxis.risk._reference`).
The absolute band of 120-160 ng/mL is the range with the lowest all-cause mortality in the
meta-analysis the seed article cites (Rahmani et al., Aging Cell 2022); it is an association on
pooled assays, so values from another assay are compared with it only approximately.

Hazard ratios are not reported yet (research/risk.md §7 lists the candidate curves).
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

from igfaxis.errors import ProtocolError
from igfaxis.risk._reference import _normalise_sex, percentile, reference_table, sds
from igfaxis.units import IGF1_NMOL_PER_NG, canonical_igf1_unit, igf1_to_ng_ml

__all__ = ["DISCLAIMER", "TARGET_BAND_NG_ML", "Assessment", "assess"]

#: The lowest-mortality range of total IGF-1 [ng/mL] (Rahmani 2022; seed article).
TARGET_BAND_NG_ML: Final = (120.0, 160.0)

#: Citation of :data:`TARGET_BAND_NG_ML`.
BAND_CITATION: Final = (
    "Rahmani J, Montesanto A, Giovannucci E et al. Association between IGF-1 levels ranges "
    "and all-cause mortality: a meta-analysis. Aging Cell 2022;21(2):e13540. "
    "doi:10.1111/acel.13540"
)

#: The line every user-facing output of igfaxis carries.
DISCLAIMER: Final = "Model predictions and published associations; not medical advice."

_ASSAY_NOTE: Final = (
    "IGF-1 values are assay-specific: the SDS applies best to the LIFE assay, and the "
    "120-160 ng/mL band comes from pooled cohorts with different assays."
)

#: SDS outside [-2, +2] (about the 2.3rd and 97.7th percentiles) lies outside the reference.
_SDS_LIMIT: Final = 2.0

#: beyond this |SDS| a value is more likely a unit or transcription error than physiology
_SDS_IMPLAUSIBLE: Final = 5.0

SdsZone = Literal["low", "within reference", "high"]
BandZone = Literal["below band", "in band", "above band"]


@dataclass(frozen=True)
class Assessment:
    """Where one IGF-1 value stands, for a person of a given age and sex.

    Attributes
    ----------
    igf1_ng_ml, igf1_nmol_l
        The value in both units [ng/mL], [nmol/L] (1 ng/mL = 0.1307 nmol/L).
    age_y
        Age [y].
    sex
        ``"male"`` or ``"female"``.
    sds
        Age- and sex-specific standard deviation score under the LIFE reference [-].
    percentile
        Age- and sex-specific percentile under the LIFE reference [%].
    zone_sds
        ``"low"`` (SDS < -2), ``"high"`` (SDS > +2) or ``"within reference"``.
    zone_band
        ``"below band"``, ``"in band"`` or ``"above band"`` against :attr:`band_ng_ml`.
    band_ng_ml
        The absolute lowest-mortality band [ng/mL] (120, 160).
    reference
        Citation of the reference interval used for ``sds`` and ``percentile``.
    band_reference
        Citation of the band.
    notes
        Caveats, always including :data:`DISCLAIMER`.
    """

    igf1_ng_ml: float
    igf1_nmol_l: float
    age_y: float
    sex: str
    sds: float
    percentile: float
    zone_sds: SdsZone
    zone_band: BandZone
    band_ng_ml: tuple[float, float]
    reference: str
    band_reference: str
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible mapping of every field."""
        out = asdict(self)
        out["band_ng_ml"] = list(self.band_ng_ml)
        out["notes"] = list(self.notes)
        return out


def _zone_sds(z: float) -> SdsZone:
    if z < -_SDS_LIMIT:
        return "low"
    if z > _SDS_LIMIT:
        return "high"
    return "within reference"


def _zone_band(igf1_ng_ml: float) -> BandZone:
    low, high = TARGET_BAND_NG_ML
    if igf1_ng_ml < low:
        return "below band"
    if igf1_ng_ml > high:
        return "above band"
    return "in band"


def assess(igf1: float, unit: str, age_y: float, sex: str) -> Assessment:
    """Place a measured total IGF-1 value on the age/sex reference and the 120-160 ng/mL band.

    Parameters
    ----------
    igf1
        Measured total serum IGF-1, in ``unit``.
    unit
        ``"ng/mL"`` (also ``"µg/L"``) or ``"nmol/L"``.
    age_y
        Age [y], at least 0.17; ages above 80 are scored against the 80-year reference.
    sex
        ``"male"`` or ``"female"`` (``"m"``/``"f"``, any case).

    Returns
    -------
    Assessment
        SDS, percentile, zones, citations and notes.

    Raises
    ------
    ProtocolError
        The value is not a finite number > 0, or the unit, age or sex is invalid
        (:class:`~igfaxis.errors.UnitError` for the unit).

    Warns
    -----
    ExtrapolationWarning
        ``age_y`` lies above the reference table (80 y) and was clamped; the warning is also
        kept in ``notes``.

    Examples
    --------
    >>> a = assess(100.0, "ng/mL", 60, "male")
    >>> round(a.sds, 2), a.zone_sds, a.zone_band
    (-0.71, 'within reference', 'below band')
    """
    if isinstance(igf1, bool) or not isinstance(igf1, numbers.Real):
        raise ProtocolError(
            f"`igf1` must be a number; got {igf1!r} ({type(igf1).__name__}). Pass the "
            "measured total IGF-1, e.g. 150 with unit 'ng/mL'."
        )
    value = float(igf1)
    canonical_igf1_unit(unit)  # raises UnitError with the accepted spellings
    if not math.isfinite(value) or value <= 0.0:
        raise ProtocolError(
            f"`igf1` must be a finite concentration > 0 {unit}; got {igf1!r} "
            f"({type(igf1).__name__}). Check the lab value (e.g. 150 ng/mL or 19.6 nmol/L)."
        )
    ng_ml = igf1_to_ng_ml(value, unit)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        z = sds(ng_ml, age_y, sex)
        pct = percentile(ng_ml, age_y, sex)
    notes = [DISCLAIMER, _ASSAY_NOTE]
    if abs(z) > _SDS_IMPLAUSIBLE:
        notes.append(
            f"An SDS of {z:+.1f} is implausible even in GH-axis disease; check the value and "
            f"its unit ({value:g} {unit} = {ng_ml:.4g} ng/mL)."
        )
    unique: dict[str, type[Warning]] = {}  # sds and percentile both warn about the same age
    for w in caught:
        unique.setdefault(str(w.message), w.category)
    for message, category in unique.items():
        warnings.warn(message, category, stacklevel=2)
        notes.append(message)
    return Assessment(
        igf1_ng_ml=ng_ml,
        igf1_nmol_l=ng_ml * IGF1_NMOL_PER_NG,
        age_y=float(age_y),
        sex=_normalise_sex(sex),
        sds=z,
        percentile=pct,
        zone_sds=_zone_sds(z),
        zone_band=_zone_band(ng_ml),
        band_ng_ml=TARGET_BAND_NG_ML,
        reference=reference_table("igf1").citation,
        band_reference=BAND_CITATION,
        notes=tuple(notes),
    )
