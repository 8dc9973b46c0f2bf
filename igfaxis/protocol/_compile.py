"""Compile a person and a protocol into forcing: event times and piecewise-constant inputs.

The engine integrates the model between consecutive event times with the inputs held
constant, passing the event times to the step-size controller as ``jump_ts`` (STYLE A6):
the solver never discovers a discontinuity by rejecting steps.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from igfaxis.model import BASELINE_INPUTS, BurstModulation, Inputs, burst_train, personalise
from igfaxis.model.pulse_generator import BurstTrain, MinuteGrid, minute_grid, operational_clock
from igfaxis.protocol._lifestyle_compile import Events, energy_status_at, lifestyle_events
from igfaxis.protocol._person import Person
from igfaxis.protocol._protocol import Protocol

__all__ = ["BURST_ORIGIN_H", "Forcing", "compile_protocol", "compile_protocol_seeds"]

#: the burst train of a run starts this long before t = 0 [h] (the former 21-day warm-up),
#: so that a seed keeps its bursts when the warm-up is shortened
BURST_ORIGIN_H = 24.0 * 21.0

_INDEX = {name: i for i, name in enumerate(Inputs._fields)}

#: windows of up to this many minutes (two years) keep their one-minute grid and fasting
#: factor in a memo for the next compile of the same window and diet (the persons of a
#: cohort, the seeds of a day table): ~40 bytes a minute for a grid (two kept), 8 for a
#: factor (four kept); longer windows are computed each time
_MEMO_MINUTES = 2 * 365 * 24 * 60


@dataclass(frozen=True)
class Forcing:
    """Inputs as a step function of time.

    ``values[i]`` holds on ``[boundaries[i], boundaries[i+1])``; the last row holds from the
    last boundary on. ``boundaries`` is sorted, unique and starts at ``t0``.
    """

    t0: float
    t1: float
    boundaries: np.ndarray
    values: np.ndarray
    bursts: BurstTrain

    def total_input(self, name: str) -> float:
        """Integral of one input over [t0, t1] (e.g. total drug amount [µg])."""
        col = self.values[:, _INDEX[name]]
        widths = np.diff(np.append(self.boundaries, self.t1))
        return float(np.sum(col * widths))


def _sleep_intervals(protocol: Protocol, start_h: float, end_h: float) -> list[tuple[float, float]]:
    onset, dur = protocol.sleep.onset_h, protocol.sleep.duration_h
    first_day = int(np.floor((start_h - onset) / 24.0)) - 1
    last_day = int(np.ceil((end_h - onset) / 24.0)) + 1
    return [(onset + 24.0 * d, onset + 24.0 * d + dur) for d in range(first_day, last_day)]


def adenoma_activity(
    seed: int, start_h: float, end_h: float, *, cv: float, step_h: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Irregular secretory activity of a GH-secreting adenoma on [start_h, end_h).

    Log-normal levels with mean 1 and CV ``cv``, each held for ``step_h`` hours on a grid
    from ``start_h``: autonomous secretion as a noisy, low-regularity process (Hartman 1994
    JCI 94:1277; Prank 1996 Phys Rev Lett 77:1909). Drawn from a stream of its own,
    ``SeedSequence((seed, 1))``, so that the burst train of a seed is unchanged.

    Returns
    -------
    Step starts [h], step ends [h] and levels [-].
    """
    return _lognormal_steps(seed, 1, start_h, end_h, cv, step_h)


def basal_activity(
    seed: int, start_h: float, end_h: float, *, cv: float, step_h: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Irregular basal (nonpulsatile) secretory activity of the normal somatotrophs on
    [start_h, end_h): log-normal levels with mean 1 and CV ``cv``, each held for ``step_h``
    hours (:func:`igfaxis.model.pituitary.basal_rate`). Drawn from a stream of its own,
    ``SeedSequence((seed, 2))``, so that the burst train and the adenoma activity of a seed
    are unchanged.

    Returns
    -------
    Step starts [h], step ends [h] and levels [-].
    """
    return _lognormal_steps(seed, 2, start_h, end_h, cv, step_h)


def _lognormal_steps(
    seed: int, stream: int, start_h: float, end_h: float, cv: float, step_h: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    on = np.arange(start_h, end_h, step_h)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence((seed, stream))))
    sigma = np.sqrt(np.log1p(cv**2))
    level = rng.lognormal(-0.5 * sigma**2, sigma, size=on.size)
    return on, np.minimum(on + step_h, end_h), level


def compile_protocol(
    protocol: Protocol,
    person: Person,
    params: Any,
    *,
    days: float,
    seed: int,
    warmup_h: float,
    burst_origin_h: float | None = None,
) -> tuple[Any, Forcing]:
    """Personalise parameters and build the forcing on [-warmup_h, 24 days].

    ``burst_origin_h`` (>= ``warmup_h``) starts the random burst train (and everything
    else) at ``-burst_origin_h`` and cuts the forcing at ``-warmup_h``: a seed then gives the
    same bursts whatever the warm-up length (:data:`BURST_ORIGIN_H`).

    Returns
    -------
    The person's :class:`~igfaxis.model.Params` and the :class:`Forcing`.
    """
    ((p, forcing),) = compile_protocol_seeds(protocol, person, params, days=days, seeds=(seed,),
                                             warmup_h=warmup_h, burst_origin_h=burst_origin_h)
    return p, forcing


def compile_protocol_seeds(
    protocol: Protocol,
    person: Person,
    params: Any,
    *,
    days: float,
    seeds: Sequence[int],
    warmup_h: float,
    burst_origin_h: float | None = None,
) -> list[tuple[Any, Forcing]]:
    """:func:`compile_protocol` for each of ``seeds``, the same forcings, with the work that
    does not depend on the seed done once: the personalisation, the lifestyle events and the
    operational time of the burst rate (with its fasting factor) on the one-minute grid, about
    two thirds of a compile (the day tables compile eight burst trains of each day)."""
    # plain numbers in, so personalise runs in numpy float64 whatever JAX's mode
    p_any, mod_any = personalise(type(params)(*(float(x) for x in params)),
                                 person.covariates())  # fmt: skip
    p = type(p_any)(*(float(x) for x in p_any))
    mod = BurstModulation(float(mod_any.rate_factor), float(mod_any.size_factor))
    t_start = -float(warmup_h)
    origin = max(float(burst_origin_h), float(warmup_h)) if burst_origin_h is not None else None
    t0, t1 = (-origin if origin is not None else t_start), 24.0 * float(days)
    sleep = _sleep_intervals(protocol, t0, t1)
    life = lifestyle_events(protocol, p, t0, t1)

    memo = (t1 - t0) * 60.0 <= _MEMO_MINUTES
    grid = _memo_grid(t0, t1) if memo else minute_grid(t0, t1)
    energy = [i for i, nm in enumerate(life.name) if nm == "intake_energy"]
    steps = tuple(np.asarray([[life.start[i], life.stop[i], life.rate[i]] for i in energy],
                             dtype=float).reshape(-1).tolist())  # fmt: skip
    tau, gain = float(p.energy_tau), float(p.fast_freq_gain)
    factor = (_memo_fasting_factor(t0, t1, steps, tau, gain) if memo
              else _fasting_factor(grid.t, t0, steps, tau, gain))  # fmt: skip

    rates_h = {"rate_wake": p.pulse_rate_wake * mod.rate_factor,
               "rate_sleep": p.pulse_rate_sleep * mod.rate_factor}  # fmt: skip
    clock = operational_clock(t0, t1, sleep, rate_multiplier=lambda _t: factor, grid=grid,
                              **rates_h)  # fmt: skip
    return [(p, _forcing(protocol, person, p, mod, seed, t_start, t0, t1, sleep, life, clock,
                         rates_h)) for seed in seeds]  # fmt: skip


@functools.lru_cache(maxsize=2)
def _memo_grid(t0: float, t1: float) -> MinuteGrid:
    """:func:`~igfaxis.model.pulse_generator.minute_grid`, kept for the next compile of the
    window (the arrays are read-only)."""
    return minute_grid(t0, t1)


def _fasting_factor(t: np.ndarray, t0: float, steps: tuple[float, ...], tau: float,
                    gain: float) -> np.ndarray:  # fmt: skip
    """The burst-rate factor of fasting on the grid ``t``: ``1 + gain x`` the energy deficit
    (:func:`energy_status_at` from 1 at ``t0``, time constant ``tau``) for the energy intake
    ``steps`` (start, stop, rate triples in the order of the lifestyle events). Read-only."""
    s = np.asarray(steps, dtype=float).reshape(-1, 3)
    ev = Events(list(s[:, 0]), list(s[:, 1]), ["intake_energy"] * s.shape[0], list(s[:, 2]))
    out = 1.0 + gain * np.clip(1.0 - energy_status_at(ev, t0, t, tau, 1.0), 0.0, 1.0)
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=4)
def _memo_fasting_factor(t0: float, t1: float, steps: tuple[float, ...], tau: float,
                         gain: float) -> np.ndarray:  # fmt: skip
    """:func:`_fasting_factor` on the window's memo grid, kept for the next compile of the
    same window and diet."""
    return _fasting_factor(_memo_grid(t0, t1).t, t0, steps, tau, gain)


def _step_values(start: np.ndarray, stop: np.ndarray, col: np.ndarray, rate: np.ndarray,
                t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The step function of inputs that the steps ``[start, stop)`` of ``rate`` added to
    column ``col`` give on [t0, t1): its sorted unique boundaries and the row of inputs in
    force from each (the baseline inputs plus the steps under way; below 1e-9 in magnitude
    is 0).

    Only the columns that some step touches are summed in time (a few of the inputs): every
    other column is its baseline, which the dense sum of zeros it replaced gave exactly.
    """
    keep = start < t1
    start, stop, col, rate = start[keep], stop[keep], col[keep], rate[keep]
    finite_stop = stop[np.isfinite(stop) & (stop < t1)]
    boundaries = np.unique(np.concatenate([[t0], np.clip(start, t0, None), finite_stop]))
    boundaries = boundaries[(boundaries >= t0) & (boundaries < t1)]
    used, local = np.unique(col, return_inverse=True)
    deltas = np.zeros((boundaries.size + 1, used.size))
    i_on = np.searchsorted(boundaries, np.clip(start, t0, None))
    np.add.at(deltas, (i_on, local), rate)
    fin = np.isfinite(stop) & (stop < t1)
    i_off = np.searchsorted(boundaries, stop[fin])
    np.add.at(deltas, (i_off, local[fin]), -rate[fin])
    base = np.asarray(BASELINE_INPUTS, dtype=float)
    values = np.empty((boundaries.size, base.size))
    values[:] = base
    values[:, used] = base[used] + np.cumsum(deltas, axis=0)[:-1]
    values[np.abs(values) < 1e-9] = 0.0
    return boundaries, values


def _forcing(protocol: Protocol, person: Person, p: Any, mod: BurstModulation, seed: int,
             t_start: float, t0: float, t1: float, sleep: list[tuple[float, float]],
             life: Any, clock: tuple[np.ndarray, np.ndarray],
             rates_h: dict[str, float]) -> Forcing:  # fmt: skip
    """The forcing of one seed (:func:`compile_protocol_seeds`)."""
    bursts = burst_train(
        seed, t0, t1, sleep,
        **rates_h,
        regularity=p.pulse_regularity,
        amp_cv=p.pulse_amp_cv,
        width=p.pulse_width,
        sws_boost=p.sws_boost,
        sws_delay=p.sws_delay,
        sws_width=p.sws_width,
        clock=clock,
    )  # fmt: skip
    starts, stops, cols, rates = [], [], [], []
    if not protocol.endogenous_gh_suppressed:
        starts.append(bursts.onsets_h)
        stops.append(bursts.onsets_h + bursts.widths_h)
        cols.append(np.full(bursts.onsets_h.size, _INDEX["ghrh_drive"]))
        rates.append(p.pulse_drive * mod.size_factor * bursts.sizes)
    else:
        # clamp from t = 0; the warm-up before it is the person's usual state
        on = bursts.onsets_h < 0.0
        starts.append(bursts.onsets_h[on])
        stops.append(np.minimum(bursts.onsets_h[on] + bursts.widths_h[on], 0.0))
        cols.append(np.full(int(on.sum()), _INDEX["ghrh_drive"]))
        rates.append(p.pulse_drive * mod.size_factor * bursts.sizes[on])
        starts.append(np.array([0.0]))
        stops.append(np.array([np.inf]))
        cols.append(np.array([_INDEX["secretion_gate"]]))
        rates.append(np.array([-1.0]))
    # irregular secretory activities: log-normal steps about their baseline of 1
    activities = ((p.gh_autonomous > 0.0, "adenoma_activity", adenoma_activity, p.adenoma_cv,
                   p.adenoma_step),
                  (p.pit_basal_cv > 0.0, "basal_activity", basal_activity, p.pit_basal_cv,
                   p.pit_basal_step))  # fmt: skip
    for active, col, draw, cv, step_h in activities:
        if active:
            on, off, level = draw(seed, t0, t1, cv=cv, step_h=step_h)
            starts.append(on)
            stops.append(off)
            cols.append(np.full(on.size, _INDEX[col]))
            rates.append(level - 1.0)
    for dose in protocol.doses:
        name = dose.input_name()
        amount, dur = dose.amount_ug(person.weight_kg), dose.duration_h()
        times = np.asarray(dose.times_h())
        starts.append(times)
        stops.append(times + dur)
        cols.append(np.full(times.size, _INDEX[name]))
        rates.append(np.full(times.size, amount / dur))
    starts.append(np.asarray(life.start))
    stops.append(np.asarray(life.stop))
    cols.append(np.asarray([_INDEX[n] for n in life.name], dtype=int))
    rates.append(np.asarray(life.rate))
    start = np.concatenate(starts)
    stop = np.concatenate(stops)
    col = np.concatenate(cols).astype(int)
    rate = np.concatenate(rates)
    boundaries, values = _step_values(start, stop, col, rate, t0, t1)
    if t_start > t0:  # cut at the start of the solve: the row in force then comes first
        i0 = int(np.searchsorted(boundaries, t_start, side="right")) - 1
        boundaries = np.concatenate([[t_start], boundaries[i0 + 1:]])
        values = values[i0:]
    return Forcing(t0=t_start, t1=t1, boundaries=boundaries, values=values, bursts=bursts)
