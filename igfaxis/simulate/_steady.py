"""The person's habitual state: where their habitual lifestyle holds them, instead of a warm-up.

Definition (seed-independent). The habitual lifestyle is the protocol's base ``diet`` and
``sleep`` with no fasts, exercise, diet phases or doses (what the warm-up before t = 0 of
:func:`igfaxis.simulate.simulate` eats). The pulse-resolved model is run under it for
``_SETTLE_DAYS`` days from :func:`igfaxis.model.initial_state` (long enough for every state
to forget its start, below), then ``_AVERAGE_DAYS`` more days; this is done for ``_SEEDS``
burst trains (seeds 0, 1, ...). The habitual state is the **mean of the state at midnight**
over those days and seeds. Because the burst train is random, the state at one midnight of
one seed differs from this mean (total IGF-1 by about 3%, from the bursts of the last day);
the mean over ``_AVERAGE_DAYS x _SEEDS`` midnights has a standard error of about 0.5% of
that spread's scale, and states driven only by meals and sleep (energy, protein, hepatic
nutrition, ghrelin, training, IGFBP-1, the protein reserve) are periodic, so their mean is
their exact midnight value.

Relaxation (measured, version 2): the slowest mode from ``initial_state`` is the labile
protein reserve (``reserve_gain_tau`` 10 days against ``reserve_loss_tau`` 4.5: on the
default diet its distance from the periodic orbit shrinks by a factor 0.885 a day, from
1.2e-3 at the start to 3e-5 after 28 days; on a habitual 75%-energy, 0.6 g/kg/day diet from
5.7e-2 to 2.2e-3); the IGF-1 system forgets a start 2.5 times off by a factor of about 3 a
day (1e-5 after 10-12 days). The means after 28 settling days differ from those after 90
(same burst trains) by at most 1.4e-5 to 3.9e-5 of their values on the default diet and
1.2e-3 on that low-energy, low-protein diet.

Tolerances (version 2; version 1 ran every day at rtol 1e-8 / atol 1e-10, at 2.1 times the
steps of a day at 1e-6): the averaging days run at ``HABITUAL_SOLVER`` (the ordinary
simulation tolerances, rtol 1e-6 / atol 1e-8), the settling days at 100 times its
tolerances (``_SETTLE_LOOSENING``; 489 instead of 855 steps a day): their integration error
is forgotten with the start. Against version 1 (the same burst trains) each mean moved by at
most 2.2e-5 of its value over ten persons (ages 25-80, both sexes, GH deficiency,
acromegaly, obesity, two diets), 200 times less than its standard error; 1000 times the
tolerances on the settling days moved them by up to 2.7e-3. A person's two burst trains
take 51,000 solver steps instead of 151,000 (2.5-2.7 times less CPU time for 20 and for 216
persons).

Use: :func:`habitual_state` returns a :class:`~igfaxis.model.State` for t = 0 (midnight);
:func:`habitual_start` gives the initial state and start time for ``simulate`` with an
optional short pulse-resolved settling in front (the settling lets the fast states and the
seed's recent bursts act before t = 0).

Cache: by (person, parameter hash, habitual diet and sleep, tolerances, definition version)
in memory and on disk under ``$IGFAXIS_CACHE_DIR`` (default ``~/.cache/igfaxis``), folder
``habitual/``; files are written atomically (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._cache import SIMULATION_SOURCES, cache_dir, source_fingerprint
from igfaxis._files import write_text_atomic
from igfaxis.model import State, default_params, initial_state, param_hash
from igfaxis.protocol import Person, Protocol, compile_protocol_seeds
from igfaxis.simulate._config import SolverConfig

__all__ = ["cache_dir", "habitual_protocol", "habitual_start", "habitual_state",
           "habitual_states", "solve_any"]

#: days from initial_state before averaging; days averaged; burst trains averaged
_SETTLE_DAYS = 28
_AVERAGE_DAYS = 14
_SEEDS = 2
#: bump when the definition changes (old cache files are then ignored); 2: the settling days
#: at ``_SETTLE_LOOSENING`` times the averaging tolerances, and those at rtol 1e-6
_VERSION = 2

_MEMORY: dict[str, Any] = {}

#: tolerances of the averaging days that define the habitual state: part of its definition,
#: not of the run that starts from it, so every run (pulse or day) and the SBML export share
#: one; the ordinary simulation tolerances (module docstring: 1e-8 moved no mean by more
#: than 3.4e-6 of its value)
HABITUAL_SOLVER = SolverConfig(rtol=1e-6, atol=1e-8, warmup_days=0.0)
#: the settling days run at this many times the averaging tolerances (module docstring: 100
#: moved the means by at most 2.2e-5, 1000 by up to 2.7e-3)
_SETTLE_LOOSENING = 100.0




def habitual_protocol(protocol: Protocol | None) -> Protocol:
    """The protocol's habitual lifestyle: base diet and sleep only."""
    protocol = protocol if protocol is not None else Protocol(name="usual day")
    return Protocol(name="habitual", diet=protocol.diet, sleep=protocol.sleep)


def solve_any(ps, y0s, forcings, save_ts, solver: SolverConfig, active=()) -> tuple:
    """Integrate several subjects on the same save times in one batched solve, with the
    backend ``simulate(backend="auto")`` takes.

    ``forcings`` are ``(boundaries, values, t0, t1)`` tuples. Returns ``(ys, obs, codes)``:
    :class:`State` and :class:`Observables` of ``(n, len(save_ts))`` arrays and a code
    array (0 success).
    """
    from igfaxis.simulate._run import _backend, solve_many

    ys, obs, codes, _ = solve_many(ps, y0s, forcings, np.asarray(save_ts, dtype=float), solver,
                                   tuple(active), _backend("auto"))  # fmt: skip
    return (type(ys)(*(np.asarray(a) for a in ys)), type(obs)(*(np.asarray(a) for a in obs)),
            np.asarray(codes))


@functools.cache
def _code() -> str:
    """Fingerprint of the equations, forcing compiler and this definition."""
    return source_fingerprint(*SIMULATION_SOURCES) + hashlib.sha256(
        Path(__file__).read_bytes()).hexdigest()[:8]


def _key(person: Person, base: Any, protocol: Protocol, solver: SolverConfig) -> str:
    text = json.dumps({
        "v": _VERSION, "code": _code(), "person": person.model_dump(mode="json"),
        "params": param_hash(base),
        "diet": protocol.diet.model_dump(mode="json"),
        "sleep": protocol.sleep.model_dump(mode="json"), "rtol": solver.rtol,
        "atol": solver.atol, "settle_loosening": _SETTLE_LOOSENING,
    }, sort_keys=True)  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()[:24]



def _compute(person: Person, base: Any, protocol: Protocol, solver: SolverConfig) -> Any:
    return _compute_many([person], base, protocol, solver)[0]


def _compute_many(persons: list[Person], base: Any, protocol: Protocol,
                  solver: SolverConfig) -> list[Any]:  # fmt: skip
    """The habitual states of several persons in one batched solve of the settling days and
    one of the averaging days (every person's seeds side by side; each subject is
    integrated on its own, so this equals one solve per person)."""
    ps, y0s, settling, averaging = [], [], [], []
    for person in persons:
        for p, f in compile_protocol_seeds(protocol, person, base, days=float(_AVERAGE_DAYS),
                                           seeds=range(_SEEDS),
                                           warmup_h=24.0 * _SETTLE_DAYS):  # fmt: skip
            ps.append(p)
            y0s.append(initial_state(p))
            settling.append((f.boundaries, f.values, f.t0, 0.0))
            averaging.append(_from_midnight(f.boundaries, f.values, f.t1))
    loose = replace(solver, rtol=solver.rtol * _SETTLE_LOOSENING,
                    atol=solver.atol * _SETTLE_LOOSENING)  # fmt: skip
    settled, _, codes = solve_any(ps, y0s, settling, np.zeros(1), loose, active=())
    _check(codes)
    starts = [State(*(float(a[i, 0]) for a in settled)) for i in range(len(ps))]
    midnights = 24.0 * np.arange(_AVERAGE_DAYS + 1)
    ys, _, codes = solve_any(ps, starts, averaging, midnights, solver, active=())
    _check(codes)
    rows = [slice(_SEEDS * i, _SEEDS * (i + 1)) for i in range(len(persons))]
    return [State(*(float(np.mean(np.asarray(a)[r])) for a in ys)) for r in rows]


def _from_midnight(boundaries: np.ndarray, values: np.ndarray, t1: float) -> tuple:
    """The forcing ``(boundaries, values, 0, t1)`` from t = 0 on: the same rows (so the same
    bursts), the one holding at midnight starting there."""
    i = int(np.searchsorted(boundaries, 0.0, side="right") - 1)
    b = boundaries[i:].copy()
    b[0] = 0.0
    return b, values[i:], 0.0, t1


def _check(codes: np.ndarray) -> None:
    if np.any(codes != 0):
        from igfaxis.errors import SimulationError

        raise SimulationError(f"the habitual-state run failed (codes {codes.tolist()})",
                              int(np.max(codes)))  # fmt: skip


def _cached(key: str) -> Any:
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / "habitual" / f"{key}.json"
    if path.is_file():
        try:
            data = json.loads(path.read_text("utf-8"))
            if list(data) == list(State._fields):
                state = State(**{k: float(v) for k, v in data.items()})
                _MEMORY[key] = state
                return state
        except (OSError, ValueError):
            return None
    return None


def _remember(key: str, state: Any) -> None:
    path = cache_dir() / "habitual" / f"{key}.json"
    write_text_atomic(path, json.dumps(dict(zip(State._fields, map(float, state),
                                                strict=True))))  # fmt: skip
    _MEMORY[key] = state


def habitual_states(persons: list[Person], protocol: Protocol | None = None, params: Any = None,
                    *, solver: SolverConfig = HABITUAL_SOLVER) -> list[Any]:  # fmt: skip
    """:func:`habitual_state` of each of ``persons``; those not cached are computed in one
    batched solve (the same states, all cores busy)."""
    base = params if params is not None else default_params()
    habit = habitual_protocol(protocol)
    keys = [_key(x, base, habit, solver) for x in persons]
    out = [_cached(k) for k in keys]
    todo = {k: x for k, x, s in zip(keys, persons, out, strict=True) if s is None}
    if todo:
        for k, state in zip(todo, _compute_many(list(todo.values()), base, habit, solver),
                            strict=True):  # fmt: skip
            _remember(k, state)
        out = [_MEMORY[k] for k in keys]
    return out


def habitual_state(
    person: Person,
    protocol: Protocol | None = None,
    params: Any = None,
    *,
    solver: SolverConfig = HABITUAL_SOLVER,
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
        Tolerances of the averaging days that define it (the settling days run at
        ``_SETTLE_LOOSENING`` times them).

    Returns
    -------
    State
        Floats; drug compartments 0.
    """
    return habitual_states([person], protocol, params, solver=solver)[0]


def habitual_start(
    person: Person,
    protocol: Protocol | None = None,
    params: Any = None,
    *,
    settle_days: float = 2.0,
    solver: SolverConfig = HABITUAL_SOLVER,
) -> tuple[Any, float]:
    """Initial state and start time for a run that begins at the habitual state.

    Returns ``(y0, t0)`` with ``t0 = -24 settle_days`` [h]: compile the protocol with
    ``warmup_h = 24 settle_days`` (the settling days live the habitual lifestyle, as the
    warm-up does) and integrate from ``y0`` at ``t0``. ``settle_days = 0`` starts at t = 0.
    """
    return habitual_state(person, protocol, params, solver=solver), -24.0 * float(settle_days)
