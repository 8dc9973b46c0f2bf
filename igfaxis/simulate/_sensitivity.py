"""How IGF-1 answers a drug's dose: the level and its elasticity, by forward-mode
differentiation through the JAX engine (:func:`igfaxis.simulate.solve`).

A dose enters the forcing as a rate on its drug's input column for the injection's duration
(:func:`igfaxis.protocol.compile_protocol`), so scaling that column by ``s`` scales every
dose of the drug by ``s``. :func:`dose_elasticity` integrates the pulse-resolved model once
with ``jax.jvp`` in ``log s`` and returns the mean total IGF-1 over the last
``window_days`` and ``d log(mean) / d log(dose)``: the derivative the protocol search's
``gradient`` method steps on (:mod:`igfaxis.optimize`). The compiled function is kept per
shape, so repeated calls at other doses of the same plan reuse it.

Model predictions, not medical advice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from igfaxis.errors import ProtocolError, SimulationError
from igfaxis.model import Inputs
from igfaxis.protocol import Person, Protocol
from igfaxis.simulate._config import Outcome, SolverConfig
from igfaxis.simulate._forcing import pad_forcing
from igfaxis.simulate._run import (
    _active,
    _as_arrays,
    _compile,
    _pad_size,
    check_run,
    start_state,
)

__all__ = ["DoseResponse", "dose_elasticity"]


@dataclass(frozen=True)
class DoseResponse:
    """Mean total IGF-1 over a window and its elasticity to a drug's dose.

    Attributes
    ----------
    igf1_ng_ml
        Mean total IGF-1 over the last ``window_days`` of the run [ng/mL].
    elasticity
        ``d log(igf1_ng_ml) / d log(dose)`` [-]: 0.3 means +10% dose, about +3% IGF-1.
    drug, days, window_days
        What was differentiated, and over which run.
    """

    igf1_ng_ml: float
    elasticity: float
    drug: str
    days: float
    window_days: float


@functools.cache
def _jvp_fn(active: tuple[str, ...], n_save: int, rtol: float, atol: float,
            max_steps: int) -> Any:  # fmt: skip
    import jax
    import jax.numpy as jnp

    from igfaxis.simulate._engine import ForcingArrays, SolveConfig, solve

    def log_mean(log_s: Any, params: Any, b: Any, v: Any, mask: Any, t0: Any, t1: Any,
                 y0: Any, ts: Any) -> Any:  # fmt: skip
        values = v * (1.0 + (jnp.exp(log_s) - 1.0) * mask)
        cfg = SolveConfig(ts, rtol=rtol, atol=atol, max_steps=max_steps, active=active,
                          adjoint="forward")
        sol = solve(params, ForcingArrays(b, values, t0, t1), y0, cfg)
        return jnp.log(jnp.mean(sol.obs.igf1_total_ng_ml)), sol.result

    def run(params: Any, b: Any, v: Any, mask: Any, t0: Any, t1: Any, y0: Any, ts: Any) -> Any:
        def f(log_s: Any) -> Any:
            return log_mean(log_s, params, b, v, mask, t0, t1, y0, ts)

        (value, code), (slope, _) = jax.jvp(f, (jnp.float64(0.0),), (jnp.float64(1.0),))
        return value, slope, code

    return jax.jit(run)


def dose_elasticity(person: Person, protocol: Protocol, drug: str, *, days: float = 28.0,
                    window_days: float = 7.0, seed: int = 0, params: Any = None,
                    solver: SolverConfig = SolverConfig()) -> DoseResponse:  # fmt: skip
    """Mean total IGF-1 over the last ``window_days`` of a pulse-resolved run of ``days``
    and its elasticity to every dose of ``drug`` in ``protocol`` (forward-mode derivative
    through the JAX engine, float64), from the person's habitual state.

    Raises
    ------
    ProtocolError
        ``drug`` is not dosed in ``protocol``, or the window is not within the run.
    SimulationError
        The solver failed.
    """
    import jax
    import jax.numpy as jnp

    person, protocol, days, seed = check_run(person, protocol, days, seed,
                                             save_every_h=solver.save_every_h)  # fmt: skip
    names = sorted({d.input_name() for d in protocol.doses if d.drug == drug})
    if not names:
        raise ProtocolError(f"`drug` {drug!r} is not dosed in protocol {protocol.name!r}; "
                            "add its dose first.")  # fmt: skip
    if not 0.0 < window_days <= days:
        raise ProtocolError(f"`window_days` must be within the run's {days:g} days; got "
                            f"{window_days!r}.")  # fmt: skip
    p, f = _compile(person, protocol, params, days, seed, solver)
    b, v = pad_forcing(f.boundaries, f.values, f.t1, _pad_size(f.boundaries.size))
    mask = np.zeros(len(Inputs._fields))
    mask[[Inputs._fields.index(n) for n in names]] = 1.0
    ts = np.arange((days - window_days) * 24.0, days * 24.0, 0.25)  # every 15 min
    y0 = start_state(person, protocol, params, p, solver)
    fn = _jvp_fn(_active(protocol), ts.size, solver.rtol, solver.atol, solver.max_steps)
    with jax.enable_x64(True):
        value, slope, code = fn(_as_arrays(p), jnp.asarray(b), jnp.asarray(v),
                                jnp.asarray(mask), jnp.asarray(f.t0), jnp.asarray(f.t1),
                                _as_arrays(y0), jnp.asarray(ts))  # fmt: skip
    code = int(code)
    if code != Outcome.SUCCESSFUL:
        outcome = Outcome(code) if code in iter(Outcome) else Outcome.OTHER
        raise SimulationError(outcome.message, code)
    value, slope = float(value), float(slope)
    if not (np.isfinite(value) and np.isfinite(slope)):
        raise SimulationError("the dose derivative is not finite. This is a bug in igfaxis; "
                              "please report it with the scenario.")  # fmt: skip
    return DoseResponse(float(np.exp(value)), slope, drug, float(days), float(window_days))
