"""Units vocabulary and the few conversions igfaxis needs at its boundary.

Canonical units inside the model: time in hours, GH in ng/mL (= µg/L), IGF-1, IGFBP-3 and
ALS in nmol/L where binding stoichiometry matters, doses in µg (amounts) or mg (input fields).

IGF-1 molar mass: 7649 g/mol (70 amino acids, C331H512N94O101S7; UniProt P05019 mature
chain, 7649 Da). Hence 1 ng/mL = 1/7.649 nmol/L = 0.1307 nmol/L, the factor used by the
IDS-iSYS and Immulite package inserts and by DESIGN.md.

IGFBP-3 molar mass: 28 717 g/mol, the non-glycosylated core (UniProt P17936, mature chain
264 aa). Glycosylated serum IGFBP-3 runs at 40-45 kDa on SDS-PAGE, but ELISA calibrators
are mass-based on the recombinant core, so the core mass is the right one for converting
assay values. ALS molar mass: 66 035 g/mol core (UniProt P35858, mature chain).
IGFBP-1 molar mass: 25 300 g/mol (UniProt P08833, mature chain of 234 residues, about
25.3 kDa [UNVERIFIED to the dalton]), non-glycosylated, as for IGFBP-3.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Final

from igfaxis._messages import short_repr
from igfaxis.errors import UnitError

IGF1_MOLAR_MASS_G_MOL: Final = 7649.0
IGFBP3_MOLAR_MASS_G_MOL: Final = 28717.0
ALS_MOLAR_MASS_G_MOL: Final = 66035.0
IGFBP1_MOLAR_MASS_G_MOL: Final = 25300.0

#: nmol/L per ng/mL of IGF-1 (= 1000 / 7649)
IGF1_NMOL_PER_NG: Final = 1000.0 / IGF1_MOLAR_MASS_G_MOL
IGFBP3_NMOL_PER_NG: Final = 1000.0 / IGFBP3_MOLAR_MASS_G_MOL
ALS_NMOL_PER_NG: Final = 1000.0 / ALS_MOLAR_MASS_G_MOL
IGFBP1_NMOL_PER_NG: Final = 1000.0 / IGFBP1_MOLAR_MASS_G_MOL

#: accepted spellings of IGF-1 concentration units, mapped to a canonical name
_IGF1_UNITS: Final = {
    "ng/ml": "ng/mL",
    "ng/mL": "ng/mL",
    "ug/l": "ng/mL",
    "µg/l": "ng/mL",
    "ug/L": "ng/mL",
    "µg/L": "ng/mL",
    "mcg/l": "ng/mL",
    "nmol/l": "nmol/L",
    "nmol/L": "nmol/L",
    "nm": "nmol/L",
}


#: accepted spellings of IGFBP-3 concentration units -> (canonical name, ng/mL per unit)
_IGFBP3_UNITS: Final = {
    "ng/ml": ("ng/mL", 1.0),
    "ug/l": ("ng/mL", 1.0),
    "µg/l": ("ng/mL", 1.0),
    "mcg/l": ("ng/mL", 1.0),
    "ug/ml": ("mg/L", 1000.0),
    "µg/ml": ("mg/L", 1000.0),
    "mcg/ml": ("mg/L", 1000.0),
    "mg/l": ("mg/L", 1000.0),
    "nmol/l": ("nmol/L", 1.0 / IGFBP3_NMOL_PER_NG),
}


def _did_you_mean(key: str, known: Mapping[str, object]) -> str:
    """`` Did you mean 'x'?`` for a near miss of a unit spelling, else ``""``."""
    close = difflib.get_close_matches(key.lower().replace(" ", ""), list(known), n=1, cutoff=0.6)
    if not close:
        return ""
    found = known[close[0]]
    return f" Did you mean {short_repr(found[0] if isinstance(found, tuple) else found)}?"


def canonical_igf1_unit(unit: str) -> str:
    """Return ``"ng/mL"`` or ``"nmol/L"`` for any accepted spelling of an IGF-1 unit.

    Raises
    ------
    UnitError
        The unit is not a concentration unit igfaxis knows for IGF-1.
    """
    key = unit.strip() if isinstance(unit, str) else ""
    found = _IGF1_UNITS.get(key) or _IGF1_UNITS.get(key.lower())
    if found is None:
        raise UnitError(
            f"`unit` must be one of ng/mL, µg/L (same as ng/mL) or nmol/L for IGF-1; "
            f"got {short_repr(unit)} "
            f"({type(unit).__name__}).{_did_you_mean(key, _IGF1_UNITS)} Check "
            f"the lab report's unit column."
        )
    return found


def igf1_to_ng_ml(value: float, unit: str) -> float:
    """Convert an IGF-1 concentration to ng/mL.

    Examples
    --------
    >>> round(igf1_to_ng_ml(13.07, "nmol/L"), 1)
    100.0
    """
    if canonical_igf1_unit(unit) == "nmol/L":
        return value / IGF1_NMOL_PER_NG
    return value


def igf1_from_ng_ml(value_ng_ml: float, unit: str) -> float:
    """Convert an IGF-1 concentration from ng/mL into ``unit``."""
    if canonical_igf1_unit(unit) == "nmol/L":
        return value_ng_ml * IGF1_NMOL_PER_NG
    return value_ng_ml


def canonical_igfbp3_unit(unit: str) -> str:
    """Return ``"ng/mL"``, ``"mg/L"`` or ``"nmol/L"`` for an accepted IGFBP-3 unit spelling.

    Raises
    ------
    UnitError
        The unit is not a concentration unit igfaxis knows for IGFBP-3.
    """
    key = unit.strip().lower() if isinstance(unit, str) else ""
    if key not in _IGFBP3_UNITS:
        raise UnitError(
            f"`igfbp3_unit` must be one of ng/mL (= µg/L), mg/L (= µg/mL) or nmol/L for "
            f"IGFBP-3; got {short_repr(unit)} "
            f"({type(unit).__name__}).{_did_you_mean(key, _IGFBP3_UNITS)}"
            f" Check the lab report's unit column."
        )
    return _IGFBP3_UNITS[key][0]


def igfbp3_to_ng_ml(value: float, unit: str) -> float:
    """Convert an IGFBP-3 concentration to ng/mL.

    Examples
    --------
    >>> igfbp3_to_ng_ml(3.5, "mg/L")
    3500.0
    """
    canonical_igfbp3_unit(unit)
    return value * _IGFBP3_UNITS[unit.strip().lower()][1]


#: GH: 1 mg of somatropin = 3.0 IU (WHO International Standard 98/574, the GH assay
#: consensus; cf. facts PHY-067, 1.2 IU = about 0.4 mg), so 1 mIU/L = 1/3 ng/mL (GH assays
#: restandardised to IS 98/574 report mU/L at 3x ug/L: Barth JH, Sibley PE 2008 Ann Clin
#: Biochem 45:598; the older IS 80/505 had no assigned mass, factors 2-3 were used)
GH_IU_PER_MG: Final = 3.0
#: accepted spellings of GH concentration units -> (canonical name, ng/mL per unit)
_GH_UNITS: Final = {
    "ng/ml": ("ng/mL", 1.0),
    "ug/l": ("ng/mL", 1.0),
    "µg/l": ("ng/mL", 1.0),
    "mcg/l": ("ng/mL", 1.0),
    "miu/l": ("mIU/L", 1.0 / GH_IU_PER_MG),
    "mu/l": ("mIU/L", 1.0 / GH_IU_PER_MG),
    "m[iu]/l": ("mIU/L", 1.0 / GH_IU_PER_MG),
}


def canonical_gh_unit(unit: str) -> str:
    """Return ``"ng/mL"`` or ``"mIU/L"`` for an accepted spelling of a GH unit.

    Raises
    ------
    UnitError
        The unit is not a concentration unit igfaxis knows for GH.
    """
    key = unit.strip().lower() if isinstance(unit, str) else ""
    if key not in _GH_UNITS:
        raise UnitError(
            f"`gh_unit` must be one of ng/mL (= µg/L) or mIU/L (3 mIU per µg, WHO IS 98/574) "
            f"for GH; got {short_repr(unit)} ({type(unit).__name__})."
            f"{_did_you_mean(key, _GH_UNITS)} Check the lab report's unit column."
        )
    return _GH_UNITS[key][0]


def gh_to_ng_ml(value: float, unit: str) -> float:
    """Convert a GH concentration to ng/mL.

    Examples
    --------
    >>> gh_to_ng_ml(3.0, "mIU/L")
    1.0
    """
    canonical_gh_unit(unit)
    return value * _GH_UNITS[unit.strip().lower()][1]
