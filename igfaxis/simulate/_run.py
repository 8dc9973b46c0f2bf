"""``simulate``: person + protocol -> :class:`Trajectory`."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from igfaxis._version import __version__
from igfaxis.errors import ConfigurationError, ProtocolError, SimulationError
from igfaxis.model import (
    MODEL,
    OBSERVABLE_UNITS,
    STATE_UNITS,
    default_params,
    initial_state,
    param_hash,
)
from igfaxis.model.drugs import DRUGS
from igfaxis.protocol import (
    BURST_ORIGIN_H,
    Forcing,
    Person,
    Protocol,
    check_run,
    compile_protocol,
    warn_doses,
)
from igfaxis.simulate._config import Outcome, SolverConfig
from igfaxis.simulate._forcing import stack_forcings
from igfaxis.simulate._trajectory import Trajectory

__all__ = ["BACKENDS", "RESOLUTIONS", "daily_summaries", "kernel_threads", "resolve_backend",
           "simulate", "simulate_batch", "start_state"]

logger = logging.getLogger(__name__)

#: accepted values of ``backend``
BACKENDS = ("auto", "native", "jax")

#: accepted values of ``resolution``
RESOLUTIONS = ("pulse", "day")


def _horizon(protocol: Protocol, days: float | None) -> float:
    d = days if days is not None else protocol.days
    if d is None:
        d = 1.0
    if not (np.isfinite(d) and 0.0 < d <= 36500.0):
        raise ProtocolError(
            f"`days` must be a number in (0, 36500]; got {d!r} ({type(d).__name__}). "
            "Pass e.g. `days=7`."
        )
    last_dose = max((t for dose in protocol.doses for t in dose.times_h()), default=0.0)
    if last_dose > 24.0 * d:
        logger.info("doses after the horizon (%.1f h > %.1f h) are ignored", last_dose, 24 * d)
    return float(d)


def _save_ts(days: float, every_h: float) -> np.ndarray:
    n = round(24.0 * days / every_h)
    return np.linspace(0.0, 24.0 * days, n + 1)


def _pad_size(n: int) -> int:
    return int(2 ** np.ceil(np.log2(max(n, 16))))


def _padded_save_ts(save_ts: np.ndarray) -> np.ndarray:
    """Pad output times to a power-of-two length (repeating the last time) so that runs of
    similar length share one compiled solver."""
    size = _pad_size(save_ts.size)
    return np.concatenate([save_ts, np.full(size - save_ts.size, save_ts[-1])])


def _first(tree: Any) -> Any:
    return type(tree)(*(np.asarray(a)[0] for a in tree))


def _trim(tree: Any, n: int) -> Any:
    return type(tree)(*(np.asarray(a)[..., :n] for a in tree))


def _compile(person, protocol, params, days, seed, cfg) -> tuple[Any, Forcing]:
    base = params if params is not None else default_params()
    return compile_protocol(
        protocol, person, base, days=days, seed=seed, warmup_h=24.0 * cfg.warmup_days,
        burst_origin_h=BURST_ORIGIN_H,
    )


def _cores() -> int:
    """Cores this process may use (the affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _compile_all(persons, protocol, params, days, seeds, cfg) -> list[tuple[Any, Forcing]]:
    """:func:`_compile` for each person, on a thread per core: the burst trains and the
    lifestyle grid are numpy work that releases the GIL for most of its time (20 persons x
    365 days: 1.44 s serial, 0.98 s on 2 threads); the results do not depend on the order."""
    args = list(zip(persons, seeds, strict=True))
    workers = min(len(args), _cores())
    if workers <= 1:
        return [_compile(x, protocol, params, days, sd, cfg) for x, sd in args]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda a: _compile(a[0], protocol, params, days, a[1], cfg), args))


def _unused_drug_columns(protocol: Protocol) -> set[str]:
    """Drug concentration and compartment columns of drugs the protocol does not dose."""
    used = {d.drug for d in protocol.doses}
    out: set[str] = set()
    for name, info in DRUGS.items():
        if name not in used:
            out.add(f"{name}_ng_ml")
            out.update(f"state_{s}" for s in info.states)
    return out


def _trajectory(ys, obs, code, steps, forcing, p, person, protocol, seed, cfg, save_ts, backend):
    code = int(code)
    if code != Outcome.SUCCESSFUL:
        outcome = Outcome(code) if code in iter(Outcome) else Outcome.OTHER
        raise SimulationError(outcome.message, code)
    unused = _unused_drug_columns(protocol)
    variables = {k: np.asarray(v) for k, v in obs._asdict().items() if k not in unused}
    variables.update({f"state_{k}": np.asarray(v) for k, v in ys._asdict().items()
                      if f"state_{k}" not in unused})  # fmt: skip
    if not all(np.all(np.isfinite(v)) for v in variables.values()):
        raise SimulationError("the solution contains non-finite values. This is a bug in "
                              "igfaxis; please report it with the scenario JSON.")  # fmt: skip
    units = {k: v for k, v in OBSERVABLE_UNITS._asdict().items() if k in variables}
    units.update({f"state_{k}": v for k, v in STATE_UNITS._asdict().items()
                  if f"state_{k}" in variables})  # fmt: skip
    meta = {
        "igfaxis_version": __version__,
        "person": person.model_dump(mode="json"),
        "protocol": protocol.to_dict(),
        "seed": seed,
        "param_hash": param_hash(p),
        "backend": backend,
        "solver": {"rtol": cfg.rtol, "atol": cfg.atol, "save_every_h": cfg.save_every_h,
                   "warmup_days": cfg.warmup_days, "num_steps": int(steps)},
    }  # fmt: skip
    bursts = forcing.bursts.onsets_h
    return Trajectory(save_ts, variables, units, bursts[bursts >= 0.0], meta)


def start_state(person: Person, protocol: Protocol | None, params: Any, p: Any,
                solver: SolverConfig) -> Any:
    """The state at the forcing's ``t0``: the person's habitual state (``solver.start ==
    "habitual"``) or the description's initial state (``"initial"``).

    ``params`` are the base parameters (``None``: table defaults) and ``p`` the person's
    personalised ones.
    """
    if solver.start == "initial":
        return initial_state(p)
    from igfaxis.simulate._steady import habitual_state

    return habitual_state(person, protocol, params)


def _start_states(persons: Sequence[Person], protocol: Protocol | None, params: Any,
                  ps: Sequence[Any], solver: SolverConfig) -> list[Any]:  # fmt: skip
    """:func:`start_state` of each person; habitual states not cached yet are computed in
    one batched solve."""
    if solver.start == "initial":
        return [initial_state(p) for p in ps]
    from igfaxis.simulate._steady import habitual_states

    return habitual_states(list(persons), protocol, params)


def daily_summaries(persons: Sequence[Person], protocol: Protocol, *, days: float,
                    seeds: Sequence[int], names: Sequence[str], at_h: float,
                    params: Any = None,
                    solver: SolverConfig = SolverConfig()) -> dict[str, np.ndarray]:  # fmt: skip
    """Daily figures of many persons, pulse-resolved on the native kernel, without their
    full output: what :func:`simulate_batch` then :meth:`Trajectory.daily_mean` and
    :meth:`Trajectory.at` give, from the same samples (``solver.save_every_h``), reduced
    inside the compiled driver (:func:`igfaxis.simulate._native.solve_native_means`).

    Returns ``{name: (n, days) daily means}`` and ``{name + "@": (n, days) values at hour
    at_h of each day}`` for each observable of ``names``. Raises
    :class:`~igfaxis.errors.SimulationError` as :func:`simulate_batch` does.
    """
    from igfaxis.model import Observables

    native = _native_module()
    seeds = list(seeds)
    checked = [check_run(x, protocol, days, sd, save_every_h=solver.save_every_h)
               for x, sd in zip(persons, seeds, strict=True)]  # fmt: skip
    persons, seeds = [c[0] for c in checked], [c[3] for c in checked]
    for x in persons:
        warn_doses(protocol, x, stacklevel=2)
    d = _horizon(protocol, days)
    compiled = _compile_all(persons, protocol, params, d, seeds, solver)
    ps = [p for p, _ in compiled]
    y0s = _start_states(persons, protocol, params, ps, solver)
    save_ts = _save_ts(d, solver.save_every_h)
    n_days = int(np.floor(d + 1e-9))
    lo = 24.0 * np.arange(n_days)
    first = np.searchsorted(save_ts, lo - 1e-9, side="left")  # Trajectory.window's rows
    last = np.searchsorted(save_ts, lo + 24.0 + 1e-9, side="right") - 1
    x_at = lo + float(at_h)
    j = np.clip(np.searchsorted(save_ts, x_at, side="right") - 1, 0, save_ts.size - 2)
    forcings = [(f.boundaries, f.values, f.t0, f.t1) for _, f in compiled]
    size = _pad_size(max(f[0].size for f in forcings))
    bs, vs = stack_forcings([(b, v, t1) for b, v, _, t1 in forcings], size)
    stack = lambda xs: np.stack([np.asarray(x, dtype=float) for x in xs])  # noqa: E731
    cols = [Observables._fields.index(n) for n in names]
    means, at, codes, _ = native.solve_native_means(
        type(ps[0])(*stack([tuple(p) for p in ps]).T),
        type(y0s[0])(*stack([tuple(y) for y in y0s]).T),
        bs, vs,
        np.array([f[2] for f in forcings]), np.array([f[3] for f in forcings]), save_ts,
        np.stack([first, last], axis=1), cols, np.stack([j, j + 1], axis=1).reshape(-1),
        rtol=solver.rtol, atol=solver.atol, max_steps=solver.max_steps,
        active=_active(protocol),
    )  # fmt: skip
    for code in np.asarray(codes):
        if int(code) != Outcome.SUCCESSFUL:
            outcome = Outcome(int(code)) if int(code) in iter(Outcome) else Outcome.OTHER
            raise SimulationError(outcome.message, int(code))
    if not (np.all(np.isfinite(means)) and np.all(np.isfinite(at))):
        raise SimulationError("the solution contains non-finite values. This is a bug in "
                              "igfaxis; please report it with the scenario JSON.")  # fmt: skip
    at = at.reshape(len(persons), n_days, 2, len(cols))
    x0, x1 = save_ts[j], save_ts[j + 1]
    out: dict[str, np.ndarray] = {}
    for q, name in enumerate(names):
        f0, f1 = at[:, :, 0, q], at[:, :, 1, q]
        slope = (f1 - f0) / (x1 - x0)  # np.interp's formula
        out[name] = means[:, :, q]
        out[name + "@"] = np.where(x_at == x1, f1, slope * (x_at - x0) + f0)
    return out


def _active(protocol: Protocol) -> tuple[str, ...]:
    """Drug compartments integrated for this protocol (static per protocol)."""
    dosed = {d.drug for d in protocol.doses}
    return tuple(s for name, states in MODEL.drug_states.items() if name in dosed
                 for s in states)  # fmt: skip


def _native_module() -> Any:
    try:
        from igfaxis.simulate import _native
    except ImportError as exc:  # numba missing or broken
        raise ConfigurationError(
            f"the native backend needs numba ({exc}); install it (`pip install numba`) "
            "or pass backend='jax'."
        ) from exc
    return _native


def kernel_threads(n: int) -> None:
    """Let the native kernel's batch solves in this process run on ``n`` threads (e.g. 1 in
    each worker of a process pool with a process per core, so that the pool does not run
    cores x cores threads)."""
    _native_module().set_threads(n)


def resolve_backend(backend: str) -> str:
    """The engine ``backend`` names: ``"native"`` or ``"jax"`` (``"auto"``: native when numba
    is installed)."""
    return _backend(backend)


def _backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ProtocolError(
            f"`backend` must be one of {', '.join(BACKENDS)}; got {backend!r}. "
            "Use 'auto' unless you need one engine."
        )
    if backend == "auto":
        try:
            _native_module()
        except ConfigurationError:
            logger.info("numba unavailable: backend 'auto' uses JAX")
            return "jax"
        return "native"
    return backend


def _as_arrays(tree: Any) -> Any:
    import jax.numpy as jnp

    return type(tree)(*(jnp.asarray(x, dtype=jnp.float64) for x in tree))


def _float64(engine: str) -> Any:
    """JAX in float64 for the JAX engine, whatever the global setting; the native kernel
    needs no JAX at all."""
    if engine != "jax":
        return contextlib.nullcontext()
    import jax

    return jax.enable_x64(True)


def simulate(
    person: Person,
    protocol: Protocol | None = None,
    *,
    days: float | None = None,
    seed: int = 0,
    params: Any = None,
    solver: SolverConfig = SolverConfig(),
    backend: str = "auto",
    resolution: str = "pulse",
) -> Trajectory:
    """Simulate one person under a protocol.

    Parameters
    ----------
    person
        Who is simulated.
    protocol
        What happens to them; ``None`` is a usual day with no intervention.

    Other Parameters
    ----------------
    days
        Horizon [days]; defaults to ``protocol.days`` or 1.
    seed
        Seed of the endogenous burst generator (same seed, same bursts).
    params
        Base :class:`~igfaxis.model.Params` (before personalisation); table defaults if None.
    solver
        Numerical settings.
    backend
        ``"native"`` (the compiled numba kernel), ``"jax"`` (JAX/diffrax, differentiable;
        see :func:`igfaxis.simulate.solve`) or ``"auto"`` (native when numba is installed).
        Both integrate the same generated equations and agree to solver tolerance.
    resolution
        ``"pulse"`` (minutes: GH bursts, meals, doses) or ``"day"`` (years and decades: the
        fast GH subsystem replaced by its tabulated effect on the liver, one sample a day,
        each the mean of that day; see :func:`igfaxis.simulate._day.simulate_days` and
        docs/model.md for the reduction and its measured error).

    Returns
    -------
    Trajectory
        Observables and states every ``solver.save_every_h`` hours from 0 to ``24 days``.

    Examples
    --------
    >>> traj = simulate(Person(age_y=30, sex="male"), days=1)
    >>> bool(50 < traj.mean("igf1_total_ng_ml", 0, 24) < 500)
    True
    """
    person, protocol, days, seed = check_run(person, protocol, days, seed,
                                             save_every_h=solver.save_every_h)  # fmt: skip
    engine = _backend(backend)
    if resolution not in RESOLUTIONS:
        raise ProtocolError(f"`resolution` must be 'pulse' or 'day'; got {resolution!r}.")
    warn_doses(protocol, person, stacklevel=2)
    d = _horizon(protocol, days)
    if resolution == "day":
        from igfaxis.simulate._day import simulate_days

        return simulate_days(person, protocol, days=d, seed=seed, params=params, solver=solver)
    p, forcing = _compile(person, protocol, params, d, seed, solver)
    save_ts = _save_ts(d, solver.save_every_h)
    ys, obs, codes, steps = solve_many(
        [p], [start_state(person, protocol, params, p, solver)],
        [(forcing.boundaries, forcing.values, forcing.t0, forcing.t1)],
        _padded_save_ts(save_ts), solver, _active(protocol), engine,
    )  # fmt: skip
    ys, obs = _first(ys), _first(obs)
    code, steps = np.asarray(codes)[0], np.asarray(steps)[0]
    ys, obs = _trim(ys, save_ts.size), _trim(obs, save_ts.size)
    return _trajectory(ys, obs, code, steps, forcing, p, person, protocol, seed, solver, save_ts,
                       engine)


def solve_many(ps: Sequence[Any], y0s: Sequence[Any], forcings: Sequence[tuple],
               save_ts: np.ndarray, solver: SolverConfig, active: tuple[str, ...],
               engine: str) -> tuple:
    """Integrate several subjects on shared save times in one batched solve: the native
    kernel across cores, or JAX under ``vmap``.

    ``ps`` and ``y0s`` hold one :class:`~igfaxis.model.Params` and one
    :class:`~igfaxis.model.State` per subject, ``forcings`` one ``(boundaries, values, t0,
    t1)`` each (padded here to a common size). Returns ``(ys, obs, codes, steps)`` with a
    leading subject axis.
    """
    size = _pad_size(max(f[0].size for f in forcings))
    bs, vs = stack_forcings([(b, v, t1) for b, v, _, t1 in forcings], size)
    stack = lambda xs: np.stack([np.asarray(x, dtype=float) for x in xs])  # noqa: E731
    pstack = type(ps[0])(*stack([tuple(p) for p in ps]).T)
    ystack = type(y0s[0])(*stack([tuple(y) for y in y0s]).T)
    t0s = np.array([f[2] for f in forcings], dtype=float)
    t1s = np.array([f[3] for f in forcings], dtype=float)
    if engine == "native":
        return _native_module().solve_native_batch(
            pstack, ystack, bs, vs, t0s, t1s, save_ts, rtol=solver.rtol, atol=solver.atol,
            max_steps=solver.max_steps, active=active,
        )  # fmt: skip
    import jax.numpy as jnp

    from igfaxis.simulate._engine import ForcingArrays, SolveConfig, solve_batch

    with _float64(engine):
        cfg = SolveConfig(jnp.asarray(save_ts), rtol=solver.rtol, atol=solver.atol,
                          max_steps=solver.max_steps, active=active)  # fmt: skip
        sol = solve_batch(_as_arrays(pstack),
                          ForcingArrays(jnp.asarray(bs), jnp.asarray(vs), jnp.asarray(t0s),
                                        jnp.asarray(t1s)),
                          _as_arrays(ystack), cfg)  # fmt: skip
        return tuple(sol)


def simulate_batch(
    persons: Sequence[Person],
    protocol: Protocol | None = None,
    *,
    days: float | None = None,
    seeds: Sequence[int] | None = None,
    params: Any = None,
    solver: SolverConfig = SolverConfig(),
    backend: str = "auto",
) -> list[Trajectory]:
    """Simulate many persons under one protocol: the native kernel across cores, or one
    vectorised (``jax.vmap``) JAX solve.

    Equivalent to ``[simulate(x, protocol, seed=s) for x, s in zip(persons, seeds)]``.
    """
    seeds = list(seeds) if seeds is not None else list(range(len(persons)))
    if len(seeds) != len(persons):
        raise ProtocolError(
            f"`seeds` must have one seed per person ({len(persons)}); got {len(seeds)}."
        )
    checked = [check_run(x, protocol, days, sd, save_every_h=solver.save_every_h)
               for x, sd in zip(persons, seeds, strict=True)]  # fmt: skip
    persons, seeds = [c[0] for c in checked], [c[3] for c in checked]
    protocol = protocol if protocol is not None else Protocol(name="usual day")
    engine = _backend(backend)
    for x in persons:
        warn_doses(protocol, x, stacklevel=2)
    d = _horizon(protocol, days)
    compiled = _compile_all(persons, protocol, params, d, seeds, solver)
    y0s = _start_states(persons, protocol, params, [p for p, _ in compiled], solver)
    save_ts = _save_ts(d, solver.save_every_h)
    ys, obs, codes, steps = solve_many(
        [p for p, _ in compiled], y0s,
        [(f.boundaries, f.values, f.t0, f.t1) for _, f in compiled],
        _padded_save_ts(save_ts), solver, _active(protocol), engine,
    )  # fmt: skip
    ys, obs = _trim(ys, save_ts.size), _trim(obs, save_ts.size)
    out = []
    for i, ((p, f), x, s) in enumerate(zip(compiled, persons, seeds, strict=True)):
        take = lambda tree, i=i: type(tree)(*(np.asarray(a)[i] for a in tree))  # noqa: E731
        out.append(_trajectory(take(ys), take(obs), np.asarray(codes)[i],
                               np.asarray(steps)[i], f, p, x, protocol, s, solver, save_ts,
                               engine))  # fmt: skip
    return out
