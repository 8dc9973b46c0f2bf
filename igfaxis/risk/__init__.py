"""Risk layer: age- and sex-specific reference intervals (SDS, percentiles).

Hazard curves and trajectory scoring will join the reference intervals here.
"""

from igfaxis.risk._assess import (
    DISCLAIMER as DISCLAIMER,
    TARGET_BAND_NG_ML as TARGET_BAND_NG_ML,
    Assessment as Assessment,
    assess as assess,
)
from igfaxis.risk._reference import (
    BCPEParameters as BCPEParameters,
    ReferenceTable as ReferenceTable,
    bcpe_cdf as bcpe_cdf,
    bcpe_pdf as bcpe_pdf,
    bcpe_quantile as bcpe_quantile,
    centile_value as centile_value,
    percentile as percentile,
    reference_table as reference_table,
    sds as sds,
)

__all__ = [
    "DISCLAIMER",
    "TARGET_BAND_NG_ML",
    "Assessment",
    "BCPEParameters",
    "ReferenceTable",
    "assess",
    "bcpe_cdf",
    "bcpe_pdf",
    "bcpe_quantile",
    "centile_value",
    "percentile",
    "reference_table",
    "sds",
]
