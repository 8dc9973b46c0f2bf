"""Risk layer: age- and sex-specific reference intervals (SDS, percentiles).

Hazard curves and trajectory scoring will join the reference intervals here.
"""

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
    "BCPEParameters",
    "ReferenceTable",
    "bcpe_cdf",
    "bcpe_pdf",
    "bcpe_quantile",
    "centile_value",
    "percentile",
    "reference_table",
    "sds",
]
