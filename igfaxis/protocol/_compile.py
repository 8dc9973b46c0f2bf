"""Compile a person and a protocol into forcing: event times and piecewise-constant inputs.

The engine integrates the model between consecutive event times with the inputs held
constant, passing the event times to the step-size controller as ``jump_ts`` (STYLE A6):
the solver never discovers a discontinuity by rejecting steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from igfaxis.model import BASELINE_INPUTS, BurstModulation, Inputs, burst_train, personalise
from igfaxis.model.pulse_generator import BurstTrain, operational_clock
from igfaxis.protocol._lifestyle_compile import energy_status_at, lifestyle_events
from igfaxis.protocol._person import Person
from igfaxis.protocol._protocol import Protocol

__all__ = ["BURST_ORIGIN_H", "Forcing", "compile_protocol", "compile_protocol_seeds"]

#: the burst train of a run starts this long before t = 0 [h] (the former 21-day warm-up),
#: so that a seed keeps its bursts when the warm-up is shortened
BURST_ORIGIN_H = 24.0 * 21.0

_INDEX = {name: i for i, name in enumerate(Inputs._fields)}


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

    def fasting_factor(grid: np.ndarray) -> np.ndarray:
        energy = energy_status_at(life, t0, grid, p.energy_tau, 1.0)
        return 1.0 + p.fast_freq_gain * np.clip(1.0 - energy, 0.0, 1.0)

    rates_h = {"rate_wake": p.pulse_rate_wake * mod.rate_factor,
               "rate_sleep": p.pulse_rate_sleep * mod.rate_factor}  # fmt: skip
    clock = operational_clock(t0, t1, sleep, rate_multiplier=fasting_factor, **rates_h)
    return [(p, _forcing(protocol, person, p, mod, seed, t_start, t0, t1, sleep, life, clock,
                         rates_h)) for seed in seeds]  # fmt: skip


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
    keep = start < t1
    start, stop, col, rate = start[keep], stop[keep], col[keep], rate[keep]
    finite_stop = stop[np.isfinite(stop) & (stop < t1)]
    boundaries = np.unique(np.concatenate([[t0], np.clip(start, t0, None), finite_stop]))
    boundaries = boundaries[(boundaries >= t0) & (boundaries < t1)]
    deltas = np.zeros((boundaries.size + 1, len(Inputs._fields)))
    i_on = np.searchsorted(boundaries, np.clip(start, t0, None))
    np.add.at(deltas, (i_on, col), rate)
    fin = np.isfinite(stop) & (stop < t1)
    i_off = np.searchsorted(boundaries, stop[fin])
    np.add.at(deltas, (i_off, col[fin]), -rate[fin])
    values = np.asarray(BASELINE_INPUTS, dtype=float)[None, :] + np.cumsum(deltas, axis=0)[:-1]
    values[np.abs(values) < 1e-9] = 0.0
    if t_start > t0:  # cut at the start of the solve: the row in force then comes first
        i0 = int(np.searchsorted(boundaries, t_start, side="right")) - 1
        boundaries = np.concatenate([[t_start], boundaries[i0 + 1:]])
        values = values[i0:]
    return Forcing(t0=t_start, t1=t1, boundaries=boundaries, values=values, bursts=bursts)
