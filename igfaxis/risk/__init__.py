"""Risk layer: reference intervals (SDS, percentiles), hazard curves and trajectory scoring.

- Reference intervals: :func:`sds`, :func:`percentile`, :func:`centile_value` against a
  :class:`ReferenceTable` (packaged: LIFE; or a laboratory's own, :func:`load_reference_table`).
- Hazard curves: :func:`hazard_curves` (packaged, with sources), :func:`hazard_ratio` (with a
  Monte Carlo interval over the published CIs).
- Observation model: :data:`IGF1_CV_I` (within-person) and :data:`IGF1_CV_A` (assay
  default); per platform :func:`find_assay`/:func:`assay_cv`; a lab's own reference
  interval: :func:`harmonise_lab`.
- One value: :func:`assess`. A trajectory: :func:`score_risk`; time in a band (the one
  definition): :func:`time_in_band`.

Model predictions and published associations; not medical advice.
"""

from igfaxis.risk._assays import (
    Assay as Assay,
    assay_cv as assay_cv,
    assay_reference as assay_reference,
    assays as assays,
    find_assay as find_assay,
    harmonise_lab as harmonise_lab,
    lab_reference as lab_reference,
    reference_scale_ng_ml as reference_scale_ng_ml,
)
from igfaxis.risk._assess import (
    DISCLAIMER as DISCLAIMER,
    OBSERVATIONAL_NOTE as OBSERVATIONAL_NOTE,
    TARGET_BAND_NG_ML as TARGET_BAND_NG_ML,
    Assessment as Assessment,
    assess as assess,
)
from igfaxis.risk._band import BandTime as BandTime, time_in_band as time_in_band
from igfaxis.risk._bcpe import (
    BCPEParameters as BCPEParameters,
    bcpe_cdf as bcpe_cdf,
    bcpe_pdf as bcpe_pdf,
    bcpe_quantile as bcpe_quantile,
)
from igfaxis.risk._hazard_data import hazard_curve as hazard_curve, hazard_curves as hazard_curves
from igfaxis.risk._hazards import (
    AbstractHazardCurve as AbstractHazardCurve,
    Anchor as Anchor,
    CurveInfo as CurveInfo,
    HingeHazard as HingeHazard,
    InterpolatedHazard as InterpolatedHazard,
    LogLinearHazard as LogLinearHazard,
    PerSdBelowHazard as PerSdBelowHazard,
    QuadraticSdsHazard as QuadraticSdsHazard,
    StepSdsHazard as StepSdsHazard,
    draw_curves as draw_curves,
)
from igfaxis.risk._observation import IGF1_CV_A as IGF1_CV_A, IGF1_CV_I as IGF1_CV_I
from igfaxis.risk._plausibility import suspect_unit as suspect_unit
from igfaxis.risk._ratios import (
    HazardRatio as HazardRatio,
    check_menopausal as check_menopausal,
    hazard_ratio as hazard_ratio,
    population_mean_hr as population_mean_hr,
    select_curves as select_curves,
)
from igfaxis.risk._reference import (
    centile_value as centile_value,
    percentile as percentile,
    sds as sds,
    sds_array as sds_array,
)
from igfaxis.risk._score import (
    TrajectoryScore as TrajectoryScore,
    score_risk as score_risk,
    score_series as score_series,
)
from igfaxis.risk._tables import (
    ReferenceTable as ReferenceTable,
    load_reference_table as load_reference_table,
    reference_table as reference_table,
    reference_tables as reference_tables,
)

__all__ = [
    "DISCLAIMER",
    "IGF1_CV_A",
    "IGF1_CV_I",
    "OBSERVATIONAL_NOTE",
    "TARGET_BAND_NG_ML",
    "AbstractHazardCurve",
    "Anchor",
    "Assay",
    "Assessment",
    "BCPEParameters",
    "BandTime",
    "CurveInfo",
    "HazardRatio",
    "HingeHazard",
    "InterpolatedHazard",
    "LogLinearHazard",
    "PerSdBelowHazard",
    "QuadraticSdsHazard",
    "ReferenceTable",
    "StepSdsHazard",
    "TrajectoryScore",
    "assay_cv",
    "assay_reference",
    "assays",
    "assess",
    "bcpe_cdf",
    "bcpe_pdf",
    "bcpe_quantile",
    "centile_value",
    "check_menopausal",
    "draw_curves",
    "find_assay",
    "harmonise_lab",
    "hazard_curve",
    "hazard_curves",
    "hazard_ratio",
    "lab_reference",
    "load_reference_table",
    "percentile",
    "population_mean_hr",
    "reference_scale_ng_ml",
    "reference_table",
    "reference_tables",
    "score_risk",
    "score_series",
    "sds",
    "sds_array",
    "select_curves",
    "suspect_unit",
    "time_in_band",
]
