"""``simulate_cell``: drive the cell-signalling model with a finished body trajectory.

One-way coupling (exact by construction: the cell does not act on the body). The body's
free IGF-1 and energy status are read from the trajectory and interpolated linearly; meals
(energy and protein intake) are rebuilt from the trajectory's own protocol record as the
same step inputs the body run used, and their boundaries and the rapamycin doses are passed
to ``ClipStepSizeController(jump_ts=...)`` (STYLE A6). The core has minute-scale rates, so
an implicit solver (Kvaerno5) integrates it in hour-scale steps.

Daily read-outs (pure functions on a cell trajectory) live here too:
:func:`autophagy_hours_above`, :func:`mtorc1_duty_cycle`, :func:`anabolic_balance`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from igfaxis.errors import ProtocolError, SimulationError
from igfaxis.model import default_params, personalise
from igfaxis.model._signalling_params import default_signalling_params
from igfaxis.model.signalling import (
    CELL_OBSERVABLE_UNITS,
    CellInputs,
    CellState,
    cell_initial_state,
    cell_observables,
    cell_vector_field,
)
from igfaxis.protocol import Person, Protocol
from igfaxis.protocol._lifestyle_compile import lifestyle_events
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
_DOSE_H = 0.05  # an oral dose enters the gut over 3 min


def _pad(n: int) -> int:
    return int(2 ** np.ceil(np.log2(max(n, 16))))


def _steps(protocol: Protocol, person: Person, t0: float, t1: float, rapa_mg: float | None,
           rapa_times: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Step inputs (intake_energy, intake_protein, rapa_rate) as boundaries and values."""
    p, _ = personalise(default_params(), person.covariates())
    ev = lifestyle_events(protocol, p, t0, t1)
    starts, stops, cols, rates = [], [], [], []
    for a, b, name, r in zip(ev.start, ev.stop, ev.name, ev.rate, strict=True):
        if name in ("intake_energy", "intake_protein"):
            starts.append(a)
            stops.append(b)
            cols.append(0 if name == "intake_energy" else 1)
            rates.append(r)
    if rapa_mg:
        for t in rapa_times:
            starts.append(float(t))
            stops.append(float(t) + _DOSE_H)
            cols.append(2)
            rates.append(1000.0 * rapa_mg / _DOSE_H)
    start, stop = np.asarray(starts, float), np.asarray(stops, float)
    col, rate = np.asarray(cols, int), np.asarray(rates, float)
    bounds = np.unique(np.concatenate([[t0], start, stop]))
    bounds = bounds[(bounds >= t0) & (bounds < t1)]
    deltas = np.zeros((bounds.size + 1, 3))
    np.add.at(deltas, (np.searchsorted(bounds, np.clip(start, t0, None)), col), rate)
    keep = stop < t1
    np.add.at(deltas, (np.searchsorted(bounds, stop[keep]), col[keep]), -rate[keep])
    values = np.cumsum(deltas, axis=0)[:-1]
    values[np.abs(values) < 1e-9] = 0.0
    size = _pad(bounds.size)
    extra = size - bounds.size
    bounds = np.concatenate([bounds, t1 + 1.0 + np.arange(extra, dtype=float)])
    values = np.concatenate([values, np.repeat(values[-1:], extra, axis=0)])
    return bounds, values


def _field(t: Any, y: CellState, args: Any) -> CellState:
    p, bts, bvs, sts, igf, energy, weight = args
    i = jnp.clip(jnp.searchsorted(bts, t, side="right") - 1, 0, bvs.shape[0] - 1)
    u = CellInputs(
        igf_free=jnp.interp(t, sts, igf),
        energy_status=jnp.interp(t, sts, energy),
        intake_energy=bvs[i, 0],
        intake_protein=bvs[i, 1],
        rapa_rate=bvs[i, 2],
        body_weight=weight,
    )
    return cell_vector_field(y, u, p)


@eqx.filter_jit
def _solve(p, y0, bts, bvs, sts, igf, energy, weight, t0, t1, save_ts, rtol, atol, max_steps):
    controller = diffrax.ClipStepSizeController(
        diffrax.PIDController(rtol=rtol, atol=atol), jump_ts=bts
    )
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(_field),
        diffrax.Kvaerno5(),
        t0=t0,
        t1=t1,
        dt0=1.0 / 60.0,
        y0=y0,
        args=(p, bts, bvs, sts, igf, energy, weight),
        saveat=diffrax.SaveAt(ts=save_ts),
        stepsize_controller=controller,
        max_steps=max_steps,
        throw=False,
    )
    obs = jax.vmap(cell_observables, in_axes=(0, None, None))(sol.ys, weight, p)
    return obs, sol.result._value, sol.stats["num_steps"]


def simulate_cell(
    traj: Trajectory,
    *,
    rapamycin_mg: float | None = None,
    rapamycin_times_h: Sequence[float] | None = None,
    from_h: float = 0.0,
    params: Any = None,
    rtol: float = 1e-3,
    atol: float = 1e-5,
    max_steps: int = 1_000_000,
) -> Trajectory:
    """Run the cell-signalling model under a body trajectory.

    Parameters
    ----------
    traj
        A body trajectory from :func:`~igfaxis.simulate.simulate` (its metadata records the
        person and protocol, from which the meal inputs are rebuilt).

    Other Parameters
    ----------------
    rapamycin_mg
        Oral sirolimus dose [mg] given at each of ``rapamycin_times_h``; None for no drug.
    rapamycin_times_h
        Dose times [h]; default once daily at 08:00 over the horizon.
    from_h
        Start of the cell solve [h] (after a 48-h warm-up); the returned trajectory is
        ``traj`` from this time on. Use it to read the last days of a long run cheaply.
    params
        SignallingParams (``igfaxis/data/signalling_parameters.csv``); defaults if None.
    rtol, atol, max_steps
        Solver settings of the implicit (Kvaerno5) solve.

    Returns
    -------
    Trajectory
        ``traj`` with the cell variables added (``mtorc1``, ``s6k``, ``akt``, ``ampk``,
        ``ulk1``, ``autophagy_flux``, ``foxo``, ``insulin_nmol_l``, ``amino_acids_rel``,
        ``rapamycin_ng_ml``) on the same time grid, units in ``.units``.
    """
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
    if rapamycin_mg is not None and rapamycin_times_h is None:
        rapamycin_times_h = [8.0 + 24.0 * d for d in range(int(np.ceil(t1 / 24.0)))
                             if 8.0 + 24.0 * d >= from_h]
    bts, bvs = _steps(protocol, person, t0, t1, rapamycin_mg, rapamycin_times_h or [])
    n = ts.size
    size = _pad(n)
    sts = np.concatenate([ts, t1 + 1.0 + np.arange(size - n, dtype=float)])
    pad = lambda a: np.concatenate([a, np.full(size - n, a[-1])])  # noqa: E731
    igf = pad(np.asarray(traj["state_igf_free"], float))
    energy = pad(np.asarray(traj["state_energy_status"], float))
    save = np.concatenate([ts, np.full(size - n, ts[-1])])
    y0 = CellState(*(jnp.asarray(v, dtype=float) for v in cell_initial_state(p)))
    obs, code, steps = _solve(
        p, y0, jnp.asarray(bts), jnp.asarray(bvs), jnp.asarray(sts), jnp.asarray(igf),
        jnp.asarray(energy), jnp.asarray(float(person.weight_kg)), jnp.asarray(t0),
        jnp.asarray(t1), jnp.asarray(save), rtol, atol, max_steps,
    )  # fmt: skip
    if int(code) != 0:
        raise SimulationError(f"the cell-signalling solve failed (code {int(code)}); try "
                              "raising `max_steps`.", int(code))  # fmt: skip
    variables = dict(traj.variables)
    variables.update({k: np.asarray(v)[:n] for k, v in obs._asdict().items()})
    units = dict(traj.units)
    units.update(CELL_OBSERVABLE_UNITS._asdict())
    meta = dict(meta)
    meta["cell"] = {"rapamycin_mg": rapamycin_mg,
                    "rapamycin_times_h": list(rapamycin_times_h or []),
                    "warmup_h": CELL_WARMUP_H, "num_steps": int(steps)}  # fmt: skip
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
