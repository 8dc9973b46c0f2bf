"""Assess one measured IGF-1 value: SDS, percentile, zones and hazard ratios with intervals.

The age- and sex-specific position comes from a reference table (default LIFE, Leipzig;
:mod:`igfaxis.risk._tables`). The absolute band of 120-160 ng/mL is the range with the lowest
all-cause mortality in Rahmani et al. (Aging Cell 2022); it is an association on pooled
assays, so values from another assay are compared with it only approximately.

Two views of "optimal" are reported side by side (research/risk.md 2.4, 7.2, 7.3):

- **SDS view**: optimal where the "meta" all-cause mortality curve (Burgers 2011) lies within
  10% of its minimum, SDS -0.54 to +0.89 (about the 30th to 81st percentile); a judgement
  threshold, stated with the result;
- **absolute view**: optimal at 120-160 ng/mL (Rahmani 2022).

They disagree most in older women, for whom 160 ng/mL is near +2 SDS.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

from igfaxis._messages import short_repr
from igfaxis.errors import ModelError, ProtocolError, UnitWarning
from igfaxis.risk._hazard_data import hazard_curve
from igfaxis.risk._hazards import LogLinearHazard, QuadraticSdsHazard
from igfaxis.risk._plausibility import suspect_unit
from igfaxis.risk._ratios import (
    DEFAULT_DRAWS,
    HazardRatio,
    check_menopausal,
    hazard_ratio,
    select_curves,
)
from igfaxis.risk._reference import centile_value, percentile, sds
from igfaxis.risk._tables import ReferenceTable, _normalise_sex, _resolve
from igfaxis.units import (
    IGF1_NMOL_PER_NG,
    canonical_igf1_unit,
    canonical_igfbp3_unit,
    igf1_to_ng_ml,
    igfbp3_to_ng_ml,
)

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

OBSERVATIONAL_NOTE: Final = (
    "The hazard ratios are observational associations (cohort studies), relative to a person "
    "of the same age and sex at the reference median; they do not show that changing IGF-1 "
    "changes risk. Use the all-cause curve or the cause-specific ones, not both multiplied."
)

#: the SDS view's "optimal": the meta mortality curve within this factor of its minimum
OPTIMAL_HR_MARGIN: Final = 1.10

#: SDS outside [-2, +2] (about the 2.3rd and 97.7th percentiles) lies outside the reference.
_SDS_LIMIT: Final = 2.0
#: beyond this |SDS| a value is more likely a unit or transcription error than physiology
_SDS_IMPLAUSIBLE: Final = 5.0

SdsZone = Literal["low", "within reference", "high"]
BandZone = Literal["below band", "in band", "above band"]
RiskZone = Literal["low", "optimal", "high"]


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
    sds, percentile
        Age- and sex-specific SDS [-] and percentile [%] under the reference table.
    zone_sds
        Reference-interval zone: ``"low"`` (SDS < -2), ``"high"`` (SDS > +2), else
        ``"within reference"``.
    zone_band
        ``"below band"``, ``"in band"`` or ``"above band"`` against :attr:`band_ng_ml`.
    zone_risk_sds, zone_risk_absolute
        ``"low"``, ``"optimal"`` or ``"high"`` by the SDS view (:attr:`optimal_sds`) and by
        the absolute view (:attr:`band_ng_ml`).
    zones_agree
        Whether the two views give the same zone (a note explains when they do not).
    optimal_sds
        The SDS view's optimal range [-]: where the meta mortality curve is within 10% of
        its minimum.
    band_ng_ml
        The absolute lowest-mortality band [ng/mL] (120, 160).
    menopausal
        Menopausal status used for the breast-cancer curve (``None``: unknown).
    igfbp3_ng_ml, igfbp3_sds, igfbp3_percentile
        IGFBP-3 [ng/mL], its SDS [-] and percentile [%], when given (else ``None``).
    hazard_ratios
        HR (or OR) with a 95% Monte Carlo interval for every curve that applies.
    not_used
        Published associations listed but not used for prediction, with the reason.
    reference, reference_name, reference_assay
        Citation, registry name and assay of the reference table.
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
    zone_risk_sds: RiskZone
    zone_risk_absolute: RiskZone
    zones_agree: bool
    optimal_sds: tuple[float, float]
    band_ng_ml: tuple[float, float]
    menopausal: bool | None
    igfbp3_ng_ml: float | None
    igfbp3_sds: float | None
    igfbp3_percentile: float | None
    hazard_ratios: tuple[HazardRatio, ...]
    not_used: tuple[str, ...]
    reference: str
    reference_name: str
    reference_assay: str
    band_reference: str
    notes: tuple[str, ...]

    def hr(self, curve_id: str) -> HazardRatio:
        """The hazard ratio of one curve (``KeyError`` if it does not apply)."""
        for r in self.hazard_ratios:
            if r.curve_id == curve_id:
                return r
        raise KeyError(f"no hazard ratio {short_repr(curve_id)} in this assessment")

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible mapping of every field."""
        out = asdict(self)
        for key in ("band_ng_ml", "optimal_sds", "not_used", "notes"):
            out[key] = list(getattr(self, key))
        out["hazard_ratios"] = [r.to_dict() for r in self.hazard_ratios]
        return out


@functools.cache
def optimal_sds_range() -> tuple[float, float]:
    """SDS range where the "meta" mortality curve is within 10% of its minimum [-].

    Examples
    --------
    >>> tuple(round(z, 2) for z in optimal_sds_range())
    (-0.54, 0.89)
    """
    curve = hazard_curve("mortality_meta")
    if not isinstance(curve, QuadraticSdsHazard):
        raise ModelError(
            "`mortality_meta` must be an sds_quadratic curve in hazards.yaml. "
            "This is a bug in igfaxis; please report it."
        )
    a, b = (float(c) for c in curve.coefficients())
    # a z + b z^2 = ln(min HR) + ln(margin), with ln(min HR) = -a^2 / 4b
    c = a * a / (4.0 * b) + math.log(OPTIMAL_HR_MARGIN)
    root = math.sqrt(a * a + 4.0 * b * c)
    return (-a - root) / (2.0 * b), (-a + root) / (2.0 * b)


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


def _risk_zone(x: float, bounds: tuple[float, float]) -> RiskZone:
    return "low" if x < bounds[0] else "high" if x > bounds[1] else "optimal"


def _positive(name: str, value: object, unit: str, example: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ProtocolError(
            f"`{name}` must be a number; got {short_repr(value)} ({type(value).__name__}). "
            "Pass the "
            f"measured concentration, e.g. {example}."
        )
    v = float(value)
    if not math.isfinite(v) or v <= 0.0:
        raise ProtocolError(
            f"`{name}` must be a finite concentration > 0 {unit}; got {short_repr(value)} "
            f"({type(value).__name__}). Check the lab value (e.g. {example})."
        )
    return v


def _disagreement(z: float, x: float, zs: RiskZone, za: RiskZone, sex: str, age: float) -> str:
    text = (
        f"The two views disagree: by age/sex SDS ({z:+.2f}) this value is {zs}, by the "
        f"absolute 120-160 ng/mL band ({x:.0f} ng/mL) it is {za}."
    )
    if sex == "female" and age >= 60:
        text += (
            " For older women the absolute band sits high on the age-specific scale "
            "(160 ng/mL is about +2 SDS at 70 y)."
        )
    return text + " Neither view is settled; both are shown (research/risk.md 2.4)."


def _caveats(sex: str, age: float, table: ReferenceTable) -> list[str]:
    notes = [
        DISCLAIMER,
        OBSERVATIONAL_NOTE,
        f"IGF-1 values are assay-specific (eight immunoassays agreed only moderately, weighted "
        f"kappa 0.57; Sabbah 2021): the SDS applies best to the assay of the reference table "
        f"({table.name}: {table.assay}); the 120-160 ng/mL band comes from pooled cohorts "
        f"with different assays.",
    ]
    if sex == "female":
        notes.append(
            "In SHIP and DETECT the excess mortality at low IGF-1 was seen in men "
            "only; the curves are applied to both sexes."
        )
        if age >= 90:
            notes.append(
                "In nonagenarian women, IGF-1 at or below 96 ng/mL went with longer "
                "survival (Milman 2014): the curves may not apply at this age."
            )
    return notes


def assess(
    igf1: float,
    unit: str,
    age_y: float,
    sex: str,
    *,
    assay: ReferenceTable | str | None = None,
    menopausal: bool | None = None,
    igfbp3: float | None = None,
    igfbp3_unit: str = "ng/mL",
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> Assessment:
    """Place a measured total IGF-1 value on the age/sex reference and the evidence.

    Parameters
    ----------
    igf1
        Measured total serum IGF-1, in ``unit``.
    unit
        ``"ng/mL"`` (also ``"µg/L"``) or ``"nmol/L"``.
    age_y
        Age [y], from 0.17 to 120; above 80 the 80-year reference is used (extrapolated).
    sex
        ``"male"`` or ``"female"`` (``"m"``/``"f"``, any case).

    Other Parameters
    ----------------
    assay
        Reference table: ``None`` (LIFE), a packaged table name, or a
        :class:`~igfaxis.risk.ReferenceTable` for the laboratory's own assay.
    menopausal
        Women: ``True`` post-, ``False`` premenopausal; selects the breast-cancer curve.
    igfbp3, igfbp3_unit
        Optional IGFBP-3 and its unit (``"ng/mL"``, ``"mg/L"`` or ``"nmol/L"``).
    n_draws, seed
        Monte Carlo draws and seed of the HR intervals.

    Returns
    -------
    Assessment

    Raises
    ------
    ProtocolError
        A value is not a finite number > 0, or the unit, age, sex or assay is invalid
        (:class:`~igfaxis.errors.UnitError` for a unit).

    Warns
    -----
    ExtrapolationWarning
        ``age_y`` lies above the reference table (80 y) and was clamped.
    UnitWarning
        The value is implausible in ``unit`` but plausible in another unit.

    Examples
    --------
    >>> a = assess(100.0, "ng/mL", 60, "male")
    >>> round(a.sds, 2), a.zone_sds, a.zone_band, round(a.hr("mortality_meta").hr, 2)
    (-0.71, 'within reference', 'below band', 1.17)
    """
    value = _positive("igf1", igf1, str(unit), "150 ng/mL or 19.6 nmol/L")
    canonical = canonical_igf1_unit(unit)  # raises UnitError with the accepted spellings
    sex_ = _normalise_sex(sex)
    menopausal = check_menopausal(menopausal)
    if menopausal is not None and sex_ == "male":
        raise ProtocolError(
            "`menopausal` applies to women only; got menopausal="
            f"{short_repr(menopausal)} with sex 'male'. Leave it unset for men."
        )
    table = _resolve("igf1", assay)
    ng_ml = igf1_to_ng_ml(value, canonical)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        z = sds(ng_ml, age_y, sex_, reference=table)
        pct = percentile(ng_ml, age_y, sex_, reference=table)
        median = centile_value(0.0, age_y, sex_, reference=table)
    notes = _caveats(sex_, float(age_y), table)
    suspicion = suspect_unit(value, str(unit), canonical, float(age_y), sex_, table)
    if suspicion is not None:
        warnings.warn(suspicion, UnitWarning, stacklevel=2)
        notes.append(suspicion)
    elif abs(z) > _SDS_IMPLAUSIBLE:
        notes.append(
            f"An SDS of {z:+.1f} is implausible even in GH-axis disease; check the "
            f"value and its unit ({value:g} {unit} = {ng_ml:.4g} ng/mL)."
        )
    unique: dict[str, type[Warning]] = {}  # sds and percentile both warn about the same age
    for w in caught:
        unique.setdefault(str(w.message), w.category)
    for message, category in unique.items():
        warnings.warn(message, category, stacklevel=2)
        notes.append(message)
    bp3 = _igfbp3(igfbp3, igfbp3_unit, float(age_y), sex_, notes)
    zs, za = _risk_zone(z, optimal_sds_range()), _risk_zone(ng_ml, TARGET_BAND_NG_ML)
    if zs != za:
        notes.append(_disagreement(z, ng_ml, zs, za, sex_, float(age_y)))
    ratios = []
    for c in select_curves(sex_, menopausal=menopausal):
        x = ng_ml if c.scale == "ng_ml" else z
        curve = c.with_reference(median) if isinstance(c, LogLinearHazard) else c
        ratios.append(hazard_ratio(curve, x, n_draws=n_draws, seed=seed))
    not_used = tuple(
        f"{c.info.outcome}: {c.info.assumption}"
        for c in select_curves(sex_, uses=("not-for-prediction",))
    )
    return Assessment(
        igf1_ng_ml=ng_ml,
        igf1_nmol_l=ng_ml * IGF1_NMOL_PER_NG,
        age_y=float(age_y),
        sex=sex_,
        sds=z,
        percentile=pct,
        zone_sds=_zone_sds(z),
        zone_band=_zone_band(ng_ml),
        zone_risk_sds=zs,
        zone_risk_absolute=za,
        zones_agree=zs == za,
        optimal_sds=optimal_sds_range(),
        band_ng_ml=TARGET_BAND_NG_ML,
        menopausal=menopausal,
        igfbp3_ng_ml=bp3[0],
        igfbp3_sds=bp3[1],
        igfbp3_percentile=bp3[2],
        hazard_ratios=tuple(ratios),
        not_used=not_used,
        reference=table.citation,
        reference_name=table.name,
        reference_assay=table.assay,
        band_reference=BAND_CITATION,
        notes=tuple(notes),
    )


def _igfbp3(
    value: float | None, unit: str, age_y: float, sex: str, notes: list[str]
) -> tuple[float | None, float | None, float | None]:
    """IGFBP-3 in ng/mL, its SDS and percentile (LIFE), or ``None``s when not given."""
    if value is None:
        return None, None, None
    v = _positive("igfbp3", value, str(unit), "3.5 mg/L or 3500 ng/mL")
    canonical = canonical_igfbp3_unit(unit)
    table = _resolve("igfbp3", None)
    suspicion = suspect_unit(v, str(unit), canonical, age_y, sex, table)
    if suspicion is not None:
        warnings.warn(suspicion, UnitWarning, stacklevel=3)
        notes.append(suspicion)
    ng = igfbp3_to_ng_ml(v, unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the age warning was given for IGF-1 already
        z = sds(ng, age_y, sex, analyte="igfbp3")
        pct = percentile(ng, age_y, sex, analyte="igfbp3")
    return ng, z, pct
