"""The person's habitual state: where their habitual lifestyle holds them, instead of a warm-up.

Definition (seed-independent). The habitual lifestyle is the protocol's base ``diet`` and
``sleep`` with no fasts, exercise, diet phases or doses (what the warm-up before t = 0 of
:func:`igfaxis.simulate.simulate` eats). The pulse-resolved model is run under it for
``_SETTLE_DAYS`` days from :func:`igfaxis.model.initial_state` (long enough for every state
to forget its start: the slowest relaxation is IGF-1 turnover, ~0.04 /h, coupled to ALS;
training is 0 without exercise), then ``_AVERAGE_DAYS`` more days; this is done for
``_SEEDS`` burst trains (seeds 0, 1, ...). The habitual state is the **mean of the state at
midnight** over those days and seeds. Because the burst train is random, the state at one
midnight of one seed differs from this mean (total IGF-1 by about 3%, from the bursts of the
last day); the mean over ``_AVERAGE_DAYS x _SEEDS`` midnights has a standard error of about
0.5% of that spread's scale, and states driven only by meals and sleep (energy, protein,
hepatic nutrition, ghrelin, training, IGFBP-1) are periodic, so their mean is their exact
midnight value.

Use: :func:`habitual_state` returns a :class:`~igfaxis.model.State` for t = 0 (midnight);
:func:`habitual_start` gives the initial state and start time for ``simulate`` with an
optional short pulse-resolved settling in front (the settling lets the fast states and the
seed's recent bursts act before t = 0).

Cache: by (person, parameter hash, habitual diet and sleep, definition version) in memory
and on disk under ``$IGFAXIS_CACHE_DIR`` (default ``~/.cache/igfaxis``), folder
``habitual/``; files are written atomically (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._cache import atomic_write_bytes, cache_dir, source_fingerprint
from igfaxis.model import State, default_params, initial_state, param_hash
from igfaxis.protocol import Person, Protocol, compile_protocol
from igfaxis.simulate._config import SolverConfig

__all__ = ["cache_dir", "habitual_protocol", "habitual_start", "habitual_state", "solve_any"]

#: days from initial_state before averaging; days averaged; burst trains averaged
_SETTLE_DAYS = 28
_AVERAGE_DAYS = 14
_SEEDS = 2
#: bump when the definition changes (old cache files are then ignored)
_VERSION = 1

_MEMORY: dict[str, Any] = {}




def habitual_protocol(protocol: Protocol | None) -> Protocol:
    """The protocol's habitual lifestyle: base diet and sleep only."""
    protocol = protocol if protocol is not None else Protocol(name="usual day")
    return Protocol(name="habitual", diet=protocol.diet, sleep=protocol.sleep)


def _native() -> Any:
    """``solve_native`` when the native kernel imports and runs, else ``None``."""
    if "native" not in _MEMORY:
        try:
            from igfaxis.simulate._native import solve_native

            p = default_params()
            y0 = initial_state(p)
            from igfaxis.model import BASELINE_INPUTS

            vals = np.asarray(BASELINE_INPUTS, dtype=float)[None, :]
            solve_native(p, y0, np.array([0.0]), vals, 0.0, 0.1, np.array([0.0, 0.1]),
                         rtol=1e-6, atol=1e-8, max_steps=1000, active=())  # fmt: skip
            _MEMORY["native"] = solve_native
        except Exception:
            _MEMORY["native"] = None
    return _MEMORY["native"]


def _pad(n: int) -> int:
    return int(2 ** np.ceil(np.log2(max(n, 16))))


def solve_any(ps, y0s, forcings, save_ts, solver: SolverConfig, active=()) -> tuple:
    """Integrate several subjects on the same save times; the native kernel when it is
    available, else the JAX engine under ``vmap``.

    ``forcings`` are ``(boundaries, values, t0, t1)`` tuples. Returns ``(ys, obs, codes)``:
    :class:`State` and :class:`Observables` of ``(n, len(save_ts))`` arrays and a code
    array (0 success).
    """
    save_ts = np.asarray(save_ts, dtype=float)
    native = _native()
    if native is not None:
        outs = [native(p, y0, b, v, t0, t1, save_ts, rtol=solver.rtol, atol=solver.atol,
                       max_steps=solver.max_steps, active=active)
                for p, y0, (b, v, t0, t1) in zip(ps, y0s, forcings, strict=True)]  # fmt: skip
        ys = type(outs[0][0])(*(np.stack(a) for a in zip(*(o[0] for o in outs), strict=True)))
        obs = type(outs[0][1])(*(np.stack(a) for a in zip(*(o[1] for o in outs), strict=True)))
        return ys, obs, np.array([o[2] for o in outs])
    import jax

    from igfaxis.simulate._engine import ForcingArrays, SolveConfig, pad_forcing, solve_batch

    size = _pad(max(f[0].size for f in forcings))
    padded = [pad_forcing(b, v, t1, size) for b, v, _, t1 in forcings]
    stack = lambda xs: np.stack([np.asarray(x, dtype=float) for x in xs])  # noqa: E731
    with jax.enable_x64(True):
        pstack = type(ps[0])(*stack([tuple(p) for p in ps]).T)
        ystack = type(y0s[0])(*stack([tuple(y) for y in y0s]).T)
        forcing = ForcingArrays(stack([b for b, _ in padded]), stack([v for _, v in padded]),
                                np.array([f[2] for f in forcings], dtype=float),
                                np.array([f[3] for f in forcings], dtype=float))  # fmt: skip
        cfg = SolveConfig(save_ts=save_ts, rtol=solver.rtol, atol=solver.atol,
                          max_steps=solver.max_steps, active=tuple(active))  # fmt: skip
        sol = solve_batch(pstack, forcing, ystack, cfg)
        ys = type(sol.ys)(*(np.asarray(a) for a in sol.ys))
        obs = type(sol.obs)(*(np.asarray(a) for a in sol.obs))
        return ys, obs, np.asarray(sol.result)


@functools.cache
def _code() -> str:
    """Fingerprint of the equations, forcing compiler and this definition."""
    return source_fingerprint("model", "protocol", "data") + hashlib.sha256(
        Path(__file__).read_bytes()).hexdigest()[:8]


def _key(person: Person, base: Any, protocol: Protocol, solver: SolverConfig) -> str:
    text = json.dumps({
        "v": _VERSION, "code": _code(), "person": person.model_dump(mode="json"),
        "params": param_hash(base),
        "diet": protocol.diet.model_dump(mode="json"),
        "sleep": protocol.sleep.model_dump(mode="json"), "rtol": solver.rtol,
        "atol": solver.atol,
    }, sort_keys=True)  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, text.encode("utf-8"))


def _compute(person: Person, base: Any, protocol: Protocol, solver: SolverConfig) -> Any:
    days = float(_AVERAGE_DAYS)
    ps, y0s, forcings = [], [], []
    for seed in range(_SEEDS):
        p, f = compile_protocol(protocol, person, base, days=days, seed=seed,
                                warmup_h=24.0 * _SETTLE_DAYS)  # fmt: skip
        ps.append(p)
        y0s.append(initial_state(p))
        forcings.append((f.boundaries, f.values, f.t0, f.t1))
    midnights = 24.0 * np.arange(_AVERAGE_DAYS + 1)
    ys, _, codes = solve_any(ps, y0s, forcings, midnights, solver, active=())
    if np.any(codes != 0):
        from igfaxis.errors import SimulationError

        raise SimulationError(f"the habitual-state run failed (codes {codes.tolist()})",
                              int(np.max(codes)))  # fmt: skip
    return State(*(float(np.mean(np.asarray(a))) for a in ys))


def habitual_state(
    person: Person,
    protocol: Protocol | None = None,
    params: Any = None,
    *,
    solver: SolverConfig = SolverConfig(),
) -> Any:
    """The person's state at midnight under their habitual lifestyle (module docstring).

    Parameters
    ----------
    person
        Who.
    protocol
        Only its base ``diet`` and ``sleep`` are read; ``None`` is the default lifestyle.
    params
        Base :class:`~igfaxis.model.Params` (before personalisation); table defaults if None.

    Other Parameters
    ----------------
    solver
        Tolerances of the pulse-resolved runs that define it.

    Returns
    -------
    State
        Floats; drug compartments 0.
    """
    base = params if params is not None else default_params()
    habit = habitual_protocol(protocol)
    key = _key(person, base, habit, solver)
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / "habitual" / f"{key}.json"
    state = None
    if path.is_file():
        try:
            data = json.loads(path.read_text("utf-8"))
            if list(data) == list(State._fields):
                state = State(**{k: float(v) for k, v in data.items()})
        except (OSError, ValueError):
            state = None
    if state is None:
        state = _compute(person, base, habit, solver)
        _write_atomically(path, json.dumps(dict(zip(State._fields, map(float, state),
                                                    strict=True))))  # fmt: skip
    _MEMORY[key] = state
    return state


def habitual_start(
    person: Person,
    protocol: Protocol | None = None,
    params: Any = None,
    *,
    settle_days: float = 2.0,
    solver: SolverConfig = SolverConfig(),
) -> tuple[Any, float]:
    """Initial state and start time for a run that begins at the habitual state.

    Returns ``(y0, t0)`` with ``t0 = -24 settle_days`` [h]: compile the protocol with
    ``warmup_h = 24 settle_days`` (the settling days live the habitual lifestyle, as the
    warm-up does) and integrate from ``y0`` at ``t0``. ``settle_days = 0`` starts at t = 0.
    """
    return habitual_state(person, protocol, params, solver=solver), -24.0 * float(settle_days)
