"""The engine: compile a protocol, integrate the model, return a Trajectory."""

from igfaxis.simulate._config import (
    Outcome as Outcome,
    SolverConfig as SolverConfig,
    state_atol as state_atol,
)
from igfaxis.simulate._deconvolution import (
    Deconvolution as Deconvolution,
    deconvolve as deconvolve,
    gh_disposition as gh_disposition,
)
from igfaxis.simulate._forcing import pad_forcing as pad_forcing
from igfaxis.simulate._pulsatility import (
    GH_RESOLUTION_NG_ML as GH_RESOLUTION_NG_ML,
    approximate_entropy as approximate_entropy,
    basal_secretion as basal_secretion,
    burst_mass as burst_mass,
    burst_peaks as burst_peaks,
    pulsatility as pulsatility,
    resample as resample,
    secretory_bursts as secretory_bursts,
)
from igfaxis.simulate._run import (
    BACKENDS as BACKENDS,
    RESOLUTIONS as RESOLUTIONS,
    daily_summaries as daily_summaries,
    kernel_threads as kernel_threads,
    resolve_backend as resolve_backend,
    simulate as simulate,
    simulate_batch as simulate_batch,
    start_state as start_state,
)
from igfaxis.simulate._steady import habitual_state as habitual_state
from igfaxis.simulate._trajectory import Trajectory as Trajectory

# The JAX/diffrax engine is imported on first use: `import igfaxis` stays fast for the
# native backend, and diffrax loads only when a JAX solve is asked for.
# The cell signalling model likewise (it loads JAX only for backend="jax").
_ENGINE = ("ForcingArrays", "Solution", "SolveConfig", "solve", "solve_batch")
_CELL = ("autophagy_hours_above", "cell_daily_metrics", "simulate_cell")
# A dose's elasticity of IGF-1, by forward-mode differentiation through the JAX engine
_SENS = ("DoseResponse", "dose_elasticity")
# Day resolution, and its tables of a history that calibration and cohorts re-run cheaply
_DAY = ("GH_LOG_EDGES", "LIVER_FIELDS", "DayConfig", "DaySchedule", "ScheduleSolution",
        "day_schedule", "gh_draw_shares", "simulate_days", "solve_schedule")


def __getattr__(name: str):
    if name in _ENGINE:
        from igfaxis.simulate import _engine

        return getattr(_engine, name)
    if name in _CELL:
        from igfaxis.simulate import _cell

        return getattr(_cell, name)
    if name in _SENS:
        from igfaxis.simulate import _sensitivity

        return getattr(_sensitivity, name)
    if name in _DAY:
        from igfaxis.simulate import _day

        return getattr(_day, name)
    raise AttributeError(f"module 'igfaxis.simulate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_ENGINE, *_CELL, *_SENS, *_DAY])
