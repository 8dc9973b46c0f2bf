"""Validation as data: published observations, run against the model."""

from igfaxis.validation._metrics import (
    METRICS as METRICS,
    count_bursts as count_bursts,
    interpulse_trough as interpulse_trough,
    time_at_interval_mean as time_at_interval_mean,
)
from igfaxis.validation._runner import (
    CohortSpec as CohortSpec,
    LogNormal as LogNormal,
    Scenario as Scenario,
    Target as Target,
    TargetResult as TargetResult,
    ValidationReport as ValidationReport,
    cohort_persons as cohort_persons,
    load_targets as load_targets,
    validate as validate,
)
