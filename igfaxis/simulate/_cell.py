"""``simulate_cell``: drive the cell-signalling model with a finished body trajectory.

One-way coupling (exact by construction: the cell does not act on the body). The body's
free IGF-1, energy status and whole-blood rapamycin (``rapamycin_ng_ml``, the drug
library's PK, present when the protocol doses rapamycin; 0 otherwise) are read from the
trajectory and interpolated linearly; meals (energy and protein intake) are rebuilt from
the trajectory's own protocol record as the same step inputs the body run used.

Integration (docs/signalling.md, "Speed"). The full cell model is integrated; nothing is
reduced. The core has minute- and second-scale phosphorylation cycles under inputs that
change over tens of minutes, so the system is stiff and an L-stable Rosenbrock method
(RODAS4, Hairer & Wanner 1996) with an exact Jacobian and embedded error control takes about
one step per output interval. The solve runs on a grid of intervals: the trajectory's output
times, every step-input boundary (STYLE A6: no jump falls inside an interval, so the input
is exactly linear within each) and at most ``_H_MAX`` apart; within an interval the step
size is adapted to ``rtol``/``atol``.

Two backends perform the same integration (this module holds the grid, the tableau and the
step-size constants they share):

- ``native`` (the default): :mod:`igfaxis.simulate._cell_native`, a numba kernel generated
  from the symbolic vector field with its symbolic Jacobian; compiled once and cached on
  disk, and never imports JAX.
- ``jax``: :mod:`igfaxis.simulate._cell_jax`, ``jax.lax.scan`` over chunks of intervals with
  the Jacobian from ``jax.jacfwd`` (one compilation per process serves every horizon).

Daily read-outs (pure functions on a cell trajectory) live here too:
:func:`autophagy_hours_above`, :func:`mtorc1_duty_cycle`, :func:`anabolic_balance`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from igfaxis.errors import ProtocolError, SimulationError
from igfaxis.model import default_params, personalise
from igfaxis.model._signalling_params import default_signalling_params
from igfaxis.model.signalling import (
    CELL_OBSERVABLE_UNITS,
    CellState,
    cell_initial_state,
    cell_observables,
)
from igfaxis.protocol import Person, Protocol
from igfaxis.protocol._lifestyle_compile import lifestyle_events
from igfaxis.simulate._run import _backend
from igfaxis.simulate._trajectory import Trajectory

__all__ = [
    "anabolic_balance",
    "autophagy_hours_above",
    "cell_daily_metrics",
    "mtorc1_duty_cycle",
    "simulate_cell",
]

#: hours simulated before t = 0 (habitual meals, body inputs held at their t = 0 values)
CELL_WARMUP_H = 48.0
_H_MAX = 5.0 / 60.0  # longest grid interval [h]: the body's default output spacing
_MERGE_H = 1e-9  # grid points closer than this [h] are one point (float round-off of 08:00)
_MAX_SUBSTEPS = 10_000  # steps within one interval before the solve is declared failed
_H0 = 1e-3  # first trial step [h]; the error control shrinks it for the start-up transient

# RODAS4 (Hairer & Wanner 1996, Solving ODEs II, Sec. IV.7; coefficients of their rodas.f):
#   (I / (h gamma) - J) k_i = f(t + alpha_i h, y + sum_j A_ij k_j) + sum_j C_ij k_j / h
#                             + h D_i df/dt
#   y_new = y + sum_i M_i k_i;  error estimate k_6 (embedded order 3).
# L-stable and stiffly accurate: the fast cycles are damped, not resolved.
_GAMMA = 0.25
_ALPHA = (0.0, 0.386, 0.21, 0.63, 1.0, 1.0)
_D = (0.25, -0.1043, 0.1035, -0.0362, 0.0, 0.0)
_M = (1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895, 1.0, 1.0)
_A = (
    (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    (1.544, 0.0, 0.0, 0.0, 0.0, 0.0),
    (0.9466785280815826, 0.2557011698983284, 0.0, 0.0, 0.0, 0.0),
    (3.314825187068521, 2.896124015972201, 0.9986419139977817, 0.0, 0.0, 0.0),
    (*_M[:4], 0.0, 0.0),
    (*_M[:5], 0.0),
)
_C = (
    (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    (-5.6688, 0.0, 0.0, 0.0, 0.0, 0.0),
    (-2.430093356833875, -0.2063599157091915, 0.0, 0.0, 0.0, 0.0),
    (-0.1073529058151375, -9.594562251023355, -20.47028614809616, 0.0, 0.0, 0.0),
    (7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616, 0.0, 0.0),
    (8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136,
     -6.058818238834054, 0.0),
)  # fmt: skip
_ORDER_EST = 4.0  # local order of the error estimate (embedded order 3, plus one)

# Columns of an interval row (:func:`_interval_inputs`): the inputs linear in time over the
# interval (value at the start in this column, at the end in the next) and those held.
_LINEAR_COLUMNS = {"igf_free": 2, "energy_status": 4, "rapamycin": 6}
_HELD_COLUMNS = {"intake_energy": 8, "intake_protein": 9}


def _steps(protocol: Protocol, person: Person, t0: float,
           t1: float) -> tuple[np.ndarray, np.ndarray]:
    """Step inputs (intake_energy, intake_protein) as boundaries and the values that hold
    from each boundary to the next (the first boundary is ``t0``)."""
    p, _ = personalise(default_params(), person.covariates())
    ev = lifestyle_events(protocol, p, t0, t1)
    starts, stops, cols, rates = [], [], [], []
    for a, b, name, r in zip(ev.start, ev.stop, ev.name, ev.rate, strict=True):
        if name in ("intake_energy", "intake_protein"):
            starts.append(a)
            stops.append(b)
            cols.append(0 if name == "intake_energy" else 1)
            rates.append(r)
    start, stop = np.asarray(starts, float), np.asarray(stops, float)
    col, rate = np.asarray(cols, int), np.asarray(rates, float)
    bounds = np.unique(np.concatenate([[t0], start, stop]))
    bounds = bounds[(bounds >= t0) & (bounds < t1)]
    deltas = np.zeros((bounds.size + 1, 2))
    np.add.at(deltas, (np.searchsorted(bounds, np.clip(start, t0, None)), col), rate)
    keep = stop < t1
    np.add.at(deltas, (np.searchsorted(bounds, stop[keep]), col[keep]), -rate[keep])
    values = np.cumsum(deltas, axis=0)[:-1]
    values[np.abs(values) < 1e-9] = 0.0
    return bounds, values


def _grid(ts: np.ndarray, bounds: np.ndarray, t0: float) -> np.ndarray:
    """Interval end points: ``t0``, the output times and the step-input boundaries, with
    longer gaps cut into equal pieces of at most ``_H_MAX``."""
    pts = np.unique(np.concatenate([[t0], ts, bounds[(bounds > t0) & (bounds < ts[-1])]]))
    pts = pts[np.concatenate([[True], np.diff(pts) > _MERGE_H])]
    gap = np.diff(pts)
    pieces = np.maximum(np.ceil(gap / _H_MAX - 1e-9), 1).astype(int)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    k = np.arange(first.size) - first
    return np.append(np.repeat(pts[:-1], pieces) + k * np.repeat(gap / pieces, pieces), pts[-1])


def _interval_inputs(grid: np.ndarray, ts: np.ndarray, body: np.ndarray, bounds: np.ndarray,
                     values: np.ndarray) -> np.ndarray:
    """One row per interval: start, length, the body inputs (free IGF-1, energy status,
    rapamycin: rows of ``body``) at both ends (linear in between), and the step inputs
    that hold over it."""
    a, b = grid[:-1], grid[1:]
    i = np.clip(np.searchsorted(bounds, 0.5 * (a + b), side="right") - 1, 0, None)
    ends = [np.interp(t, ts, x) for x in body for t in (a, b)]
    return np.column_stack([a, b - a, *ends, values[i]])


def _body_inputs(traj: Trajectory) -> np.ndarray:
    """The body -> cell inputs read from a trajectory, one row each at ``traj.times_h``:
    free IGF-1 [nmol/L], energy status [-] and whole-blood rapamycin [ng/mL] (0 where the
    protocol doses none: the trajectory then has no ``rapamycin_ng_ml`` column)."""
    rapa = (traj["rapamycin_ng_ml"] if "rapamycin_ng_ml" in traj.variables
            else np.zeros_like(traj.times_h))  # fmt: skip
    return np.array([traj["state_igf_free"], traj["state_energy_status"], rapa], float)


def simulate_cell(
    traj: Trajectory,
    *,
    from_h: float = 0.0,
    params: Any = None,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    max_steps: int = 1_000_000,
    rapamycin_mg: float | None = None,
    backend: str = "auto",
) -> Trajectory:
    """Run the cell-signalling model under a body trajectory.

    Parameters
    ----------
    traj
        A body trajectory from :func:`~igfaxis.simulate.simulate` (its metadata records the
        person and protocol, from which the meal inputs are rebuilt). Rapamycin reaches the
        cell as the trajectory's whole-blood ``rapamycin_ng_ml`` (give it as a protocol
        dose, e.g. ``{drug: rapamycin, amt: 2, route: po, time_h: 8, ii_h: 24, addl: 6}``).

    Other Parameters
    ----------------
    from_h
        Start of the cell solve [h] (after a 48-h warm-up); the returned trajectory is
        ``traj`` from this time on. Use it to read the last days of a long run cheaply.
    params
        SignallingParams (``igfaxis/data/signalling_parameters.csv``); defaults if None.
    rtol, atol, max_steps
        Error control of the stiff (RODAS4) solve: relative and absolute tolerance per
        step [state units], and the most steps (accepted and rejected) in all.
    rapamycin_mg
        Removed (the cell's own oral PK is gone): only None is accepted, so that callers
        that pass None keep working; dose rapamycin in the protocol instead.
    backend
        ``"native"`` (numba; never imports JAX), ``"jax"`` (``jax.lax.scan``; traceable) or
        ``"auto"``: native when numba is available, else JAX. Both perform the same
        integration (same grid, tableau, error norm and step-size rule) and agree to
        round-off.

    Returns
    -------
    Trajectory
        ``traj`` with the cell variables added (``mtorc1``, ``s6k``, ``akt``, ``ampk``,
        ``ulk1``, ``autophagy_flux``, ``foxo``, ``insulin_nmol_l``, ``amino_acids_rel``)
        on the same time grid, units in ``.units``.

    Raises
    ------
    ProtocolError
        If ``traj`` does not come from ``simulate``, ``rapamycin_mg`` is given, or
        ``backend`` is not one of the three.
    SimulationError
        If the solve did not reach the end of the trajectory.
    """
    if rapamycin_mg is not None:
        raise ProtocolError(
            "`simulate_cell` no longer doses rapamycin itself (`rapamycin_mg`); got "
            f"{rapamycin_mg!r} ({type(rapamycin_mg).__name__}). Add the dose to the protocol, "
            f"e.g. {{drug: rapamycin, amt: {rapamycin_mg}, amt_unit: mg, route: po, time_h: 8, "
            "ii_h: 24, addl: <days - 1>}, run `simulate` again and pass its trajectory.")
    engine = _backend(backend)
    p = params if params is not None else default_signalling_params()
    meta = traj.metadata
    if "person" not in meta or "protocol" not in meta:
        raise ProtocolError("`simulate_cell` needs a trajectory from `simulate` (its metadata "
                            "records the person and protocol); this one has neither.")  # fmt: skip
    person = Person.model_validate(meta["person"])
    protocol = Protocol.from_dict(meta["protocol"])
    if from_h > 0.0:
        keep = traj.times_h >= from_h - 1e-9
        traj = Trajectory(traj.times_h[keep], {k: v[..., keep] for k, v in traj.variables.items()},
                          traj.units, traj.bursts_h, meta)  # fmt: skip
    ts = np.asarray(traj.times_h, float)
    t0, t1 = float(ts[0]) - CELL_WARMUP_H, float(ts[-1])
    bounds, values = _steps(protocol, person, t0, t1)
    grid = _grid(ts, bounds, t0)
    rows = _interval_inputs(grid, ts, _body_inputs(traj), bounds, values)
    y0 = np.array(cell_initial_state(p), float)
    if engine == "native":
        from igfaxis.simulate._cell_native import integrate
    else:
        from igfaxis.simulate._cell_jax import integrate
    states, done, steps = integrate(p, y0, rows, rtol, atol, max_steps)
    if not done.all():
        t_stop = float(grid[np.argmin(done)])
        advice = (f"it reached `max_steps` = {max_steps}; raise it" if steps >= max_steps else
                  f"the step size collapsed (over {_MAX_SUBSTEPS} steps in one interval), "
                  "usually because the state became non-finite; check `params`")  # fmt: skip
        raise SimulationError(f"the cell-signalling solve stopped at t = {t_stop:g} h of "
                              f"{t1:g} h after {steps} steps: {advice}.", 1)  # fmt: skip
    at_ts = states[np.searchsorted(grid, ts - _MERGE_H)]
    obs = cell_observables(CellState(*at_ts.T), p)
    variables = dict(traj.variables)
    variables.update({k: np.asarray(v, float) for k, v in obs._asdict().items()})
    units = dict(traj.units)
    units.update(CELL_OBSERVABLE_UNITS._asdict())
    meta = dict(meta)
    meta["cell"] = {"warmup_h": CELL_WARMUP_H, "num_steps": steps, "backend": engine,
                    "solver": {"method": "RODAS4", "rtol": rtol, "atol": atol}}  # fmt: skip
    return Trajectory(traj.times_h, variables, units, traj.bursts_h, meta)


# --- daily read-outs -------------------------------------------------------------------


def _day(traj: Trajectory, name: str, start_h: float, end_h: float) -> tuple[np.ndarray, ...]:
    m = traj.window(start_h, end_h)
    return traj.times_h[m], traj[name][m]


def _time_above(t: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Time [h] with y above threshold, on a fine linear interpolation of the samples."""
    grid = np.linspace(t[0], t[-1], 20 * (t.size - 1) + 1)
    above = np.interp(grid, t, y) > threshold
    return float(np.mean(above[:-1]) * (t[-1] - t[0]))


def autophagy_hours_above(traj: Trajectory, start_h: float, end_h: float,
                          threshold: float | None = None) -> float:
    """Hours per day [h/day] with autophagy flux above ``threshold``.

    The default threshold is ``autophagy_ref_median``: the 24-h median of the reference day
    (40-y man, three meals), so that the reference day scores about 12 h/day.
    """
    thr = threshold if threshold is not None else default_signalling_params().autophagy_ref_median
    t, y = _day(traj, "autophagy_flux", start_h, end_h)
    return _time_above(t, y, thr) * 24.0 / (end_h - start_h)


def mtorc1_duty_cycle(traj: Trajectory, start_h: float, end_h: float,
                      threshold: float | None = None) -> float:
    """Fraction of the window [-] with mTORC1 activity above ``threshold`` (default the
    reference-day median ``mtorc1_ref_median``, so the reference day scores about 0.5)."""
    thr = threshold if threshold is not None else default_signalling_params().mtorc1_ref_median
    t, y = _day(traj, "mtorc1", start_h, end_h)
    return _time_above(t, y, thr) / (end_h - start_h)


def anabolic_balance(traj: Trajectory, start_h: float, end_h: float) -> float:
    """log2 of (mean mTORC1 / reference median) over (mean autophagy / reference median) [-]:
    0 on the reference day, > 0 anabolic ("build mode"), < 0 catabolic (clean-up)."""
    p = default_signalling_params()
    m = traj.mean("mtorc1", start_h, end_h) / p.mtorc1_ref_median
    a = traj.mean("autophagy_flux", start_h, end_h) / p.autophagy_ref_median
    return float(np.log2(m / a))


def cell_daily_metrics(traj: Trajectory, start_h: float, end_h: float) -> dict[str, float]:
    """The three daily read-outs over [start_h, end_h] (a whole number of days)."""
    return {
        "autophagy_hours_per_day": autophagy_hours_above(traj, start_h, end_h),
        "mtorc1_duty_cycle": mtorc1_duty_cycle(traj, start_h, end_h),
        "anabolic_catabolic_balance": anabolic_balance(traj, start_h, end_h),
    }
