"""Virtual cohorts and trials: populations, batched and distributed (Dask) runs.

- :func:`sample_population` draws persons (age, sex, body size, condition) and their personal
  parameters from the priors calibration uses (:data:`igfaxis.model.PERSONAL_PARAMETERS`);
  :func:`load_population` and :meth:`Population.save` read and write CSV or Parquet;
  ``exposure=True`` adds each person's drug-exposure multipliers (:data:`EXPOSURE`,
  published CVs; :func:`scale_protocol` applies them, as ``resolution="pulse"`` runs do).
- :func:`simulate_cohort` runs a population under one or more protocols (arms) and returns
  an :class:`xarray.Dataset` (person x arm x day); :func:`save_cohort` writes Zarr or NetCDF.
- :func:`virtual_trial` summarises the arms (change of IGF-1, share in band, responders, time
  in band, hazard ratios); :func:`plot_trial` draws one panel per arm.
- :func:`sensitivity`: SALib Sobol indices or Morris screening of IGF-1, time in band and GH
  pulsatility over the parameter table's bounds.

Model predictions and published associations, not medical advice.
"""

from igfaxis.cohort._exposure import (
    EXPOSURE as EXPOSURE,
    EXPOSURE_COLUMNS as EXPOSURE_COLUMNS,
    exposure_column as exposure_column,
    multipliers as multipliers,
    scale_protocol as scale_protocol,
)
from igfaxis.cohort._grid import CohortConfig as CohortConfig
from igfaxis.cohort._io import load_cohort as load_cohort, save_cohort as save_cohort
from igfaxis.cohort._population import (
    COLUMNS as COLUMNS,
    CONDITIONS as CONDITIONS,
    Population as Population,
    load_population as load_population,
    sample_population as sample_population,
)
from igfaxis.cohort._run import (
    DISCLAIMER as DISCLAIMER,
    MAX_TRACE_PERSONS as MAX_TRACE_PERSONS,
    simulate_cohort as simulate_cohort,
)
from igfaxis.cohort._sensitivity import (
    DEFAULT_PARAMETERS as DEFAULT_PARAMETERS,
    OUTPUTS as OUTPUTS,
    SensitivityResult as SensitivityResult,
    plot_sensitivity as plot_sensitivity,
    sensitivity as sensitivity,
)
from igfaxis.cohort._trial import (
    TrialResult as TrialResult,
    plot_trial as plot_trial,
    virtual_trial as virtual_trial,
)

__all__ = [
    "COLUMNS",
    "CONDITIONS",
    "DEFAULT_PARAMETERS",
    "DISCLAIMER",
    "EXPOSURE",
    "EXPOSURE_COLUMNS",
    "MAX_TRACE_PERSONS",
    "OUTPUTS",
    "CohortConfig",
    "Population",
    "SensitivityResult",
    "TrialResult",
    "exposure_column",
    "load_cohort",
    "load_population",
    "multipliers",
    "plot_sensitivity",
    "plot_trial",
    "sample_population",
    "save_cohort",
    "scale_protocol",
    "sensitivity",
    "simulate_cohort",
    "virtual_trial",
]
