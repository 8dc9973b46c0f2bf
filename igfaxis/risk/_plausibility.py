"""Does a lab value look like it was given in the wrong unit?

A value is suspicious when it lies beyond ``|SDS| > 3`` for the person's age and sex in the
unit given, while the same number read in the other common unit lies within ``|SDS| < 2.5``.
The classic case is IGF-1 in nmol/L typed as ng/mL: 25 "ng/mL" in a 60-year-old man is
SDS -4.1 (LIFE), whereas 25 nmol/L (191 ng/mL) is SDS +2.0. True GH deficiency or acromegaly
can also give such SDS, so this is a warning (:class:`~igfaxis.errors.UnitWarning`), not an
error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import numpy as np

from igfaxis.risk._reference import sds_array
from igfaxis.risk._tables import ReferenceTable
from igfaxis.units import igf1_to_ng_ml, igfbp3_to_ng_ml

__all__ = ["suspect_unit"]

#: beyond this |SDS| in the given unit a value is suspicious ...
_SUSPICIOUS_SDS: Final = 3.0
#: ... if it lies within this |SDS| in another unit
_PLAUSIBLE_SDS: Final = 2.5

_CONVERTERS: Final[Mapping[str, Callable[[float, str], float]]] = {
    "igf1": igf1_to_ng_ml,
    "igfbp3": igfbp3_to_ng_ml,
}
_ALTERNATIVES: Final[Mapping[str, tuple[str, ...]]] = {
    "igf1": ("ng/mL", "nmol/L"),
    "igfbp3": ("ng/mL", "mg/L", "nmol/L"),
}


def _z(value_ng_ml: float, age_y: float, sex: str, table: ReferenceTable) -> float:
    age = min(age_y, table.age_range_y[1])
    return float(sds_array(value_ng_ml, age, sex, analyte=table.analyte, reference=table))


def suspect_unit(
    value: float, unit: str, canonical: str, age_y: float, sex: str, table: ReferenceTable
) -> str | None:
    """A warning text if ``value`` is implausible in ``unit`` but plausible in another.

    Parameters
    ----------
    value
        The number as given [``unit``].
    unit
        The unit as given; ``canonical`` is its canonical name (e.g. ``"nmol/L"``).
    age_y, sex
        The person [y].
    table
        The reference table of the analyte (``table.analyte``).

    Returns
    -------
    The message naming the likely mix-up, or ``None``.
    """
    convert = _CONVERTERS[table.analyte]
    name = {"igf1": "IGF-1", "igfbp3": "IGFBP-3"}[table.analyte]
    given = _z(convert(value, canonical), age_y, sex, table)
    if abs(given) <= _SUSPICIOUS_SDS:
        return None
    best: tuple[float, str, float] | None = None
    for other in _ALTERNATIVES[table.analyte]:
        if other == canonical:
            continue
        ng = convert(value, other)
        z = _z(ng, age_y, sex, table)
        if np.isfinite(z) and abs(z) < _PLAUSIBLE_SDS and (best is None or abs(z) < abs(best[0])):
            best = (z, other, ng)
    if best is None:
        return None
    z, other, ng = best
    in_ng = "" if other == "ng/mL" else f" ({ng:.0f} ng/mL)"
    return (
        f"{name} {value:g} {unit} is SDS {given:+.1f} for a {age_y:.3g}-year-old {sex}, but "
        f"{value:g} {other}{in_ng} would be SDS {z:+.1f}: was the value reported in "
        f"{other}? Check the unit on the lab report; if {unit} is right, the value is far "
        f"outside the reference (GH-axis disease?)."
    )
