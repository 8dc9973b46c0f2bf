"""The flows users ask for, one definition each, shared by the CLI and (later) the web app.

Each flow is a plain function from validated input (:class:`~igfaxis.protocol.Person`,
:class:`~igfaxis.protocol.Protocol`, labs) to an immutable result record; adapters parse
their input, call one flow and render its result (text, JSON, plots, HTML).

- :func:`simulate_and_summarise`: one person, one protocol -> :class:`RunResult`.
- :func:`compare_protocols`: one person, several protocols -> :class:`Comparison` (IGF-1,
  GH, time in band, risk, GH pulsatility, cell read-outs).
- :func:`make_report` and :func:`write_report_files`: person + protocol [+ labs] -> report
  data -> HTML [+ PDF].
- :func:`run_demo`: no intervention vs low-dose somatropin -> :class:`DemoResult`.
- :func:`calibrate_person` and :func:`write_calibration_files`: person + labs [+ history]
  -> :class:`CalibrationRun` (posterior, predicted labs, most informative next lab, fitted
  trajectory) -> ``fit.json`` [+ figure].
- :func:`plan_protocol` and :func:`write_plan_files`: person [+ labs] or a fit + target
  band + levers -> :class:`PlanRun` (the best protocol under the posterior, no change, the
  Pareto set) -> ``plan.yaml`` (runs in ``igfaxis simulate``) [+ figure, JSON].
- :func:`run_titration` and :func:`write_titration_files`: person + target -> a virtual
  clinic titrating somatropin on noisy labs (one person, or a virtual population like
  them) -> :class:`TitrationRun` -> the final dose as ``titration.yaml`` [+ figure, JSON].
- :func:`cohort_population`, :func:`run_cohort` and :func:`write_cohort_files`: a virtual
  population (sampled or from a file) under one or more protocols -> :class:`CohortRun`
  (the cohort Dataset and its virtual-trial summary) -> Zarr/NetCDF [+ figure];
  :func:`run_sensitivity` and :func:`write_sensitivity_files`: Sobol or Morris indices of one
  person's outputs over the parameter table's bounds -> CSV [+ figure].
- :func:`run_plan_demo`: a GH-deficient adult's labs -> fit -> plan -> plan vs no change
  -> :class:`PlanDemo`.
- :func:`simulate_json` and :func:`compare_json`: the JSON of a run or a comparison (the
  CLI's ``--json``, the web app's stored results); :func:`trajectory_series` and
  :func:`band_series`: the figure series the web pages draw.
- :func:`configure_jax`: the process-wide JAX settings of every entry point.

Where a flow takes a person, a :class:`~igfaxis.calibrate.CalibrationResult` (a fit) also
works: the fitted person (posterior medians) is simulated and the result carries a
:class:`PosteriorBand` (:func:`posterior_band`).

Long flows take ``progress`` (:data:`Progress`), called around each simulation.
"""

from igfaxis.app._band import (
    PosteriorBand as PosteriorBand,
    band_draws as band_draws,
    posterior_band as posterior_band,
    split_subject as split_subject,
)
from igfaxis.app._calibrate import (
    CALIBRATION_METHODS as CALIBRATION_METHODS,
    INFORMATIVE_WINDOW_DAYS as INFORMATIVE_WINDOW_DAYS,
    MAX_PREDICT_DAYS as MAX_PREDICT_DAYS,
    CalibrationRun as CalibrationRun,
    calibrate_person as calibrate_person,
    check_fit_path as check_fit_path,
    check_method as check_method,
    lab_days as lab_days,
    write_calibration_files as write_calibration_files,
)
from igfaxis.app._cohort import (
    COHORT_NOTE as COHORT_NOTE,
    CohortRun as CohortRun,
    check_cohort_paths as check_cohort_paths,
    check_cohort_run as check_cohort_run,
    cohort_population as cohort_population,
    need_cohort_extra as need_cohort_extra,
    run_cohort as run_cohort,
    run_sensitivity as run_sensitivity,
    write_cohort_files as write_cohort_files,
    write_sensitivity_files as write_sensitivity_files,
)
from igfaxis.app._compare import (
    SANDERS_MIN_DAYS as SANDERS_MIN_DAYS,
    ComparedRun as ComparedRun,
    CompareSummary as CompareSummary,
    Comparison as Comparison,
    compare_protocols as compare_protocols,
    compare_summary as compare_summary,
)
from igfaxis.app._demo import (
    DEMO_DRAWS as DEMO_DRAWS,
    DEMO_LABS as DEMO_LABS,
    DEMO_PERSON as DEMO_PERSON,
    DEMO_PROTOCOL as DEMO_PROTOCOL,
    DemoResult as DemoResult,
    PlanDemo as PlanDemo,
    run_demo as run_demo,
    run_plan_demo as run_plan_demo,
    write_plan_demo_files as write_plan_demo_files,
)
from igfaxis.app._json import (
    MAX_FIGURE_POINTS as MAX_FIGURE_POINTS,
    band_series as band_series,
    compare_json as compare_json,
    simulate_json as simulate_json,
    trajectory_series as trajectory_series,
)
from igfaxis.app._optimize import (
    MAX_HORIZON_DAYS as MAX_HORIZON_DAYS,
    MIN_HORIZON_DAYS as MIN_HORIZON_DAYS,
    PLAN_NOTE as PLAN_NOTE,
    CandidateProgress as CandidateProgress,
    PlanRun as PlanRun,
    check_horizon as check_horizon,
    check_levers as check_levers,
    check_plan_path as check_plan_path,
    check_target as check_target,
    plan_protocol as plan_protocol,
    write_plan_files as write_plan_files,
)
from igfaxis.app._report import (
    check_report_path as check_report_path,
    make_report as make_report,
    write_report_files as write_report_files,
)
from igfaxis.app._run import (
    DAY_RESOLUTION_FROM_DAYS as DAY_RESOLUTION_FROM_DAYS,
    DEFAULT_PERSON as DEFAULT_PERSON,
    PULSE_WINDOW_DAYS as PULSE_WINDOW_DAYS,
    RESOLUTIONS as RESOLUTIONS,
    Progress as Progress,
    RunResult as RunResult,
    RunSummary as RunSummary,
    horizon_days as horizon_days,
    no_progress as no_progress,
    pick_resolution as pick_resolution,
    simulate_and_summarise as simulate_and_summarise,
    summarise_trajectory as summarise_trajectory,
)
from igfaxis.app._runtime import configure_jax as configure_jax, jax_settings as jax_settings
from igfaxis.app._titrate import (
    MAX_POPULATION as MAX_POPULATION,
    TitrationRun as TitrationRun,
    run_titration as run_titration,
    titration_yaml as titration_yaml,
    write_titration_files as write_titration_files,
)

__all__ = [
    "CALIBRATION_METHODS",
    "COHORT_NOTE",
    "DAY_RESOLUTION_FROM_DAYS",
    "DEFAULT_PERSON",
    "DEMO_DRAWS",
    "DEMO_LABS",
    "DEMO_PERSON",
    "DEMO_PROTOCOL",
    "INFORMATIVE_WINDOW_DAYS",
    "MAX_FIGURE_POINTS",
    "MAX_HORIZON_DAYS",
    "MAX_POPULATION",
    "MAX_PREDICT_DAYS",
    "MIN_HORIZON_DAYS",
    "PLAN_NOTE",
    "PULSE_WINDOW_DAYS",
    "RESOLUTIONS",
    "SANDERS_MIN_DAYS",
    "CalibrationRun",
    "CandidateProgress",
    "CohortRun",
    "CompareSummary",
    "ComparedRun",
    "Comparison",
    "DemoResult",
    "PlanDemo",
    "PlanRun",
    "PosteriorBand",
    "Progress",
    "RunResult",
    "RunSummary",
    "TitrationRun",
    "band_draws",
    "band_series",
    "calibrate_person",
    "check_cohort_paths",
    "check_cohort_run",
    "check_fit_path",
    "check_horizon",
    "check_levers",
    "check_method",
    "check_plan_path",
    "check_report_path",
    "check_target",
    "cohort_population",
    "compare_json",
    "compare_protocols",
    "compare_summary",
    "configure_jax",
    "horizon_days",
    "jax_settings",
    "lab_days",
    "make_report",
    "need_cohort_extra",
    "no_progress",
    "pick_resolution",
    "plan_protocol",
    "posterior_band",
    "run_cohort",
    "run_demo",
    "run_plan_demo",
    "run_sensitivity",
    "simulate_and_summarise",
    "simulate_json",
    "split_subject",
    "summarise_trajectory",
    "titration_yaml",
    "trajectory_series",
    "write_calibration_files",
    "write_cohort_files",
    "write_plan_demo_files",
    "write_plan_files",
    "write_report_files",
    "write_sensitivity_files",
    "write_titration_files",
]
