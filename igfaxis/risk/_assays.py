"""IGF-1 assays: each platform's analytical CV, and a lab's own reference interval.

IGF-1 values are assay-specific: the same sera read 20-40% apart on different platforms,
and the platforms' reference intervals differ as much (Chanson P et al. 2016 J Clin
Endocrinol Metab 101(9), the VARIETE cohort of 911 adults measured on six immunoassays;
Sabbah N et al. 2021 Endocr Connect 10(9), two more). Two things follow for a person's labs:

- **Analytical CV per assay.** :func:`find_assay` matches the free text of a lab's
  ``assay`` (CSV column or FHIR ``method``) against ``igfaxis/data/assays.csv`` (each
  platform's inter-assay CV near adult levels, with its source); :func:`assay_cv` gives
  that CV, or :data:`~igfaxis.risk.IGF1_CV_A` (0.06) for an assay that is not stated or not
  in the table. Calibration weighs each lab by it.
- **The lab's own reference interval.** A lab report prints its assay's interval for the
  person's age and sex; given as ``ref_low``/``ref_high``, the value is read *against it*:
  :func:`reference_scale_ng_ml` takes the value's SDS within that interval (the interval's
  ends are the 2.5th and 97.5th centiles, log-normal between them) and returns the value
  at the same SDS in the model's reference (LIFE, :func:`~igfaxis.risk.centile_value`),
  to which the model is calibrated. This is the SDS harmonisation that method-comparison
  studies recommend over raw values across assays; its assumption (a log-normal
  distribution within the interval) is the usual one for IGF-1 reference intervals.
- **The assay's own reference table.** Where a lab names a platform for which an IGF-1
  reference table measured on that platform is available (:func:`assay_reference`: a
  packaged table of :func:`~igfaxis.risk.reference_tables` whose ``assay`` names the same
  platform, or one passed in, e.g. from :func:`~igfaxis.risk.load_reference_table`), the
  value's SDS in that table is placed at the same SDS in LIFE; this comes before the lab's
  own interval. Only the LIFE tables are packaged so far (their assay is not stated), so
  with packaged data a lab is read against its own interval or taken as LIFE.
  :func:`lab_reference` says which reading a lab gets.

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING, Final

from igfaxis.risk._observation import IGF1_CV_A

if TYPE_CHECKING:
    from collections.abc import Sequence

    from igfaxis.protocol import LabValue
    from igfaxis.risk._tables import ReferenceTable

__all__ = ["Assay", "assay_cv", "assay_reference", "assays", "find_assay", "harmonise_lab",
           "lab_reference", "reference_scale_ng_ml"]

#: the centiles a printed reference interval spans (2.5th to 97.5th): +-1.96 SDS
_Z_INTERVAL: Final = 1.959963984540054


@dataclass(frozen=True)
class Assay:
    """One IGF-1 immunoassay platform of ``igfaxis/data/assays.csv``.

    Attributes
    ----------
    name, manufacturer, standard
        The platform, its maker and the international standard it is calibrated against.
    cv_a
        Analytical (inter-assay) CV near adult IGF-1 levels [-].
    cv_at
        Where that CV was measured (the levels the source gives).
    source
        Citation of the figure.
    aliases
        Normalised spellings a lab report may use (lower case, letters and digits only;
        ``a&b``: both parts somewhere in the text).
    """

    name: str
    manufacturer: str
    standard: str
    cv_a: float
    cv_at: str
    source: str
    aliases: tuple[str, ...]


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@functools.cache
def assays() -> tuple[Assay, ...]:
    """The packaged assay table, one :class:`Assay` per platform."""
    text = (resources.files("igfaxis") / "data" / "assays.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        names = {"&".join(_normal(part) for part in a.split("&"))
                 for a in (row["name"], *row["aliases"].split("|"))}
        out.append(Assay(name=row["name"], manufacturer=row["manufacturer"],
                         standard=row["standard"], cv_a=float(row["cv_a"]),
                         cv_at=row["cv_at"], source=row["source"],
                         aliases=tuple(sorted(n for n in names if n.strip("&")))))  # fmt: skip
    return tuple(out)


def find_assay(text: str | None) -> Assay | None:
    """The platform a lab report's free-text assay names, or ``None`` (not stated, or not in
    the table). The longest matching spelling wins, so "IMMULITE 2000 (02/254)" finds the
    recalibrated IMMULITE and a bare "Immulite" the one calibrated to IRR 87/518."""
    if not text:
        return None
    key = _normal(text)
    if not key:
        return None
    best: tuple[int, Assay] | None = None
    for a in assays():
        for alias in a.aliases:
            parts = alias.split("&")  # "immulite&02254": every part, in any order
            size = sum(len(p) for p in parts)
            if all(p in key for p in parts) and (best is None or size > best[0]):
                best = (size, a)
    return best[1] if best is not None else None


def assay_cv(text: str | None) -> float:
    """The analytical CV of the assay ``text`` names; :data:`IGF1_CV_A` (0.06) when it is
    not stated or not in the table."""
    found = find_assay(text)
    return found.cv_a if found is not None else IGF1_CV_A


def reference_scale_ng_ml(value_ng_ml: float, ref_low_ng_ml: float, ref_high_ng_ml: float,
                          age_y: float, sex: str) -> float:  # fmt: skip
    """A value read against its lab's own reference interval, on the model's reference scale:
    its SDS within ``[ref_low, ref_high]`` (2.5th-97.5th centiles, log-normal between them),
    then the LIFE value of that SDS at ``age_y`` and ``sex``.

    The lab's upper limit is the LIFE 97.5th centile; its geometric midpoint the LIFE median:

    >>> from igfaxis.risk import centile_value
    >>> top = reference_scale_ng_ml(240.0, 60.0, 240.0, 50.0, "male")
    >>> round(top / centile_value(97.5, 50.0, "male", scale="percentile"), 6)
    1.0
    >>> mid = reference_scale_ng_ml(120.0, 60.0, 240.0, 50.0, "male")
    >>> round(mid / centile_value(0.0, 50.0, "male"), 6)
    1.0
    """
    from igfaxis.risk._reference import centile_value

    lo, hi = math.log(ref_low_ng_ml), math.log(ref_high_ng_ml)
    z = -_Z_INTERVAL + 2.0 * _Z_INTERVAL * (math.log(value_ng_ml) - lo) / (hi - lo)
    return float(centile_value(z, age_y, sex))


def assay_reference(assay: str | None,
                    tables: Sequence[ReferenceTable] | None = None) -> ReferenceTable | None:
    """The IGF-1 reference table measured on the platform that ``assay`` (a lab's free
    text) names: the first of ``tables`` (default: the packaged IGF-1 tables) whose own
    ``assay`` names the same platform of ``igfaxis/data/assays.csv``; ``None`` when the
    platform is not known or has no table."""
    found = find_assay(assay)
    if found is None:
        return None
    if tables is None:
        from igfaxis.risk._tables import reference_table, reference_tables

        tables = [reference_table(a, n) for a, n in reference_tables() if a == "igf1"]
    return next((t for t in tables if t.analyte == "igf1" and find_assay(t.assay) == found),
                None)  # fmt: skip


def lab_reference(lab: LabValue, tables: Sequence[ReferenceTable] | None = None) -> str:
    """Which reading :func:`harmonise_lab` gives ``lab``: ``"assay table NAME"`` (its
    platform's reference table, :func:`assay_reference`), ``"lab interval"`` (its own
    ``ref_low``/``ref_high``) or ``"LIFE"`` (the value as it is, on the model's scale)."""
    table = assay_reference(lab.assay, tables)
    if table is not None:
        return f"assay table {table.name}"
    if lab.ref_low_ng_ml is not None and lab.ref_high_ng_ml is not None:
        return "lab interval"
    return "LIFE"


def harmonise_lab(lab: LabValue, age_at_day0_y: float, sex: str, *,
                  tables: Sequence[ReferenceTable] | None = None) -> LabValue:  # fmt: skip
    """``lab`` with ``igf1_ng_ml`` on the model's reference scale: through its platform's
    reference table when one is available (:func:`assay_reference`; ``tables``: default
    the packaged ones), else through its lab's own reference interval
    (:func:`reference_scale_ng_ml`); unchanged otherwise or when done already
    (:func:`lab_reference` names the reading). ``value``/``unit`` keep what the report
    printed."""
    if lab.harmonised:
        return lab
    table = assay_reference(lab.assay, tables)
    if table is not None:
        from igfaxis.risk._reference import centile_value, sds

        age = lab.age_y(age_at_day0_y)
        z = sds(lab.igf1_ng_ml, age, sex, reference=table)
        return replace(lab, igf1_ng_ml=float(centile_value(z, age, sex)), harmonised=True)
    if lab.ref_low_ng_ml is None or lab.ref_high_ng_ml is None:
        return lab
    v = reference_scale_ng_ml(lab.igf1_ng_ml, lab.ref_low_ng_ml, lab.ref_high_ng_ml,
                              lab.age_y(age_at_day0_y), sex)  # fmt: skip
    return replace(lab, igf1_ng_ml=v, harmonised=True)
