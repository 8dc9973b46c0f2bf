"""Endogenous GH burst generator: when the GHRH neurones fire, and how strongly.

Structure: an unpatterned stochastic drive of the GHRH neurones (MacGregor & Leng 2005 J
Neuroendocrinol 17:788; Keenan-Veldhuis point-process constructs), as proposed in
research/models.md 8.2(a)::

    u(t) = drive * sum_k a_k * 1[t_k <= t < t_k + w]

Burst times t_k form a gamma renewal process (shape ``regularity``) in operational time
Lambda(t) = integral of lambda(s) ds, with lambda = ``rate_sleep`` during sleep and
``rate_wake`` otherwise (about twice as many bursts asleep, Van Cauter 2000), times an
optional time-varying factor (fasting raises burst frequency, Ho 1988). At each sleep
onset the first slow-wave-sleep period releases a long, large burst (``sws_boost`` times
the usual size, lasting ``sws_width``) ``sws_delay`` hours after sleep onset; generated
bursts closer than half a mean interval to it are absorbed into it. Sizes a_k are
log-normal with mean 1 and CV ``amp_cv``.

The generator is pure: the same seed and arguments give the same bursts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["BurstTrain", "MinuteGrid", "burst_train", "minute_grid", "operational_clock"]


@dataclass(frozen=True)
class BurstTrain:
    """Burst onsets [h], relative sizes [-] (before the person's factor) and widths [h]."""

    onsets_h: np.ndarray
    sizes: np.ndarray
    widths_h: np.ndarray


def _operational_time(t: np.ndarray, sleep: Sequence[tuple[float, float]], rw: float,
                      rs: float) -> np.ndarray:
    """Lambda(t) relative to t = 0: rw * t plus (rs - rw) * time asleep in [0, t].

    The time asleep sums ``clip(t, on, off) - on`` over the nights: the whole nights with
    ``off <= t`` (a running sum) plus the part of the night in progress. Sorted ``t`` and
    ``sleep`` make this one interpolation: linear in ``t`` and in the number of nights.
    """
    t = np.asarray(t, dtype=float)
    if len(sleep) == 0:
        return rw * t
    on, off = (np.asarray(x, dtype=float) for x in zip(*sleep, strict=True))
    done = np.concatenate([[0.0], np.cumsum(off - on)])  # sleep of the first i nights
    knots = np.column_stack([on, off]).ravel()
    if np.all(np.diff(knots) > 0.0):
        # time asleep is piecewise linear: done[k] at on[k], done[k + 1] at off[k], flat
        # while awake and clamped outside the nights: one interpolation
        values = np.column_stack([done[:-1], done[1:]]).ravel()
        return rw * t + (rs - rw) * np.interp(t, knots, values)
    i = np.searchsorted(on, t, side="right")  # nights begun by t
    last = np.maximum(i - 1, 0)
    partial = np.where(i > 0, np.minimum(t, off[last]) - on[last], 0.0)
    return rw * t + (rs - rw) * (done[last] + partial)


def _nearest_distance(x: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Distance from each ``x`` to the nearest of the sorted, non-empty ``ref``."""
    j = np.searchsorted(ref, x)
    below = np.abs(x - ref[np.maximum(j - 1, 0)])
    above = np.abs(x - ref[np.minimum(j, ref.size - 1)])
    return np.minimum(below, above)


@dataclass(frozen=True)
class MinuteGrid:
    """The one-minute grid of :func:`operational_clock` on [start_h, end_h] and the
    spacing terms that the clock reads on it, computed once for every clock of the window:
    ``t``, its steps ``dt`` (``np.diff(t)``) and the weights of ``np.gradient(f, t)``'s
    central differences (``None`` where the steps are all equal: numpy's uniform formula).
    The arrays are read-only."""

    t: np.ndarray
    dt: np.ndarray
    weights: tuple[np.ndarray, np.ndarray, np.ndarray] | None


def minute_grid(start_h: float, end_h: float) -> MinuteGrid:
    """The :class:`MinuteGrid` of :func:`operational_clock` on [start_h, end_h]."""
    t = np.linspace(start_h, end_h, max(int((end_h - start_h) * 60), 2) + 1)
    dt = np.diff(t)
    weights = None
    if not (dt == dt[0]).all():
        # np.gradient's non-uniform interior weights, term by term as numpy forms them
        dx1, dx2 = dt[0:-1], dt[1:]
        weights = (-(dx2) / (dx1 * (dx1 + dx2)), (dx2 - dx1) / (dx1 * dx2),
                   dx1 / (dx2 * (dx1 + dx2)))  # fmt: skip
    for a in (t, dt, *(weights or ())):
        a.flags.writeable = False
    return MinuteGrid(t, dt, weights)


def _gradient(f: np.ndarray, g: MinuteGrid) -> np.ndarray:
    """``np.gradient(f, g.t)`` (edge order 1) from the grid's precomputed weights: the same
    operations in the same order, so the same numbers."""
    out = np.empty_like(f)
    if g.weights is None:
        out[1:-1] = (f[2:] - f[:-2]) / (2.0 * g.dt[0])
    else:
        a, b, c = g.weights
        out[1:-1] = a * f[:-2] + b * f[1:-1] + c * f[2:]
    out[0] = (f[1] - f[0]) / g.dt[0]
    out[-1] = (f[-1] - f[-2]) / g.dt[-1]
    return out


def operational_clock(
    start_h: float,
    end_h: float,
    sleep: Sequence[tuple[float, float]],
    *,
    rate_wake: float,
    rate_sleep: float,
    rate_multiplier: Callable[[np.ndarray], np.ndarray] | None = None,
    grid: MinuteGrid | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The one-minute grid on [start_h, end_h] and the operational time on it (from 0 at
    ``start_h``), whose unit-rate renewal process :func:`burst_train` maps back to clock
    time: the part of a burst train that does not depend on the seed.

    ``grid`` is :func:`minute_grid` of the same window, computed once for several clocks
    (``None``: computed here); the result is the same either way."""
    # fine grid inversion of the piecewise-linear operational time
    g = grid if grid is not None else minute_grid(start_h, end_h)
    if g.t[0] != start_h or g.t[-1] != end_h:
        raise ValueError(f"`grid` spans [{g.t[0]}, {g.t[-1]}], not [{start_h}, {end_h}]")
    lam = _operational_time(g.t, sleep, rate_wake, rate_sleep)
    if rate_multiplier is not None:
        rate = _gradient(lam, g) * rate_multiplier(g.t)
        lam = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * g.dt)])
    return g.t, lam - lam[0]


def burst_train(
    seed: int,
    start_h: float,
    end_h: float,
    sleep: Sequence[tuple[float, float]],
    *,
    rate_wake: float,
    rate_sleep: float,
    regularity: float,
    amp_cv: float,
    width: float,
    sws_boost: float,
    sws_delay: float,
    sws_width: float,
    rate_multiplier: Callable[[np.ndarray], np.ndarray] | None = None,
    clock: tuple[np.ndarray, np.ndarray] | None = None,
) -> BurstTrain:
    """Draw the burst train on [start_h, end_h).

    Parameters
    ----------
    seed
        Seed of the numpy PCG64 generator; the only source of randomness.
    start_h, end_h
        Window [h] (start may be negative: the warm-up before the protocol).
    sleep
        Sleep intervals (onset, end) [h], sorted and not overlapping.
    rate_wake, rate_sleep
        Mean burst rates awake and asleep [1/h].
    regularity
        Gamma shape of the inter-burst intervals in operational time [-].
    amp_cv
        Coefficient of variation of burst size [-].
    width
        Duration of an ordinary burst [h].
    sws_boost, sws_delay, sws_width
        Size multiplier [-], delay after sleep onset [h] and duration [h] of the burst of
        the first slow-wave-sleep period.
    rate_multiplier
        Optional factor on the burst rate as a function of time (e.g. fasting), evaluated
        on a one-minute grid.
    clock
        :func:`operational_clock` of the same window, sleep, rates and multiplier, computed
        once for several seeds (it does not depend on the seed); ``None``: computed here.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    if clock is None:
        clock = operational_clock(start_h, end_h, sleep, rate_wake=rate_wake,
                                  rate_sleep=rate_sleep, rate_multiplier=rate_multiplier)
    grid, lam = clock
    n_max = int(lam[-1] * 1.5 + 20)
    gaps = rng.gamma(regularity, 1.0 / regularity, size=n_max)
    phase = rng.uniform(0.0, 1.0)
    marks = (np.cumsum(gaps) - phase * gaps[0])
    marks = marks[(marks >= 0) & (marks < lam[-1])]
    onsets = np.interp(marks, lam, grid)
    sigma = np.sqrt(np.log1p(amp_cv**2))
    sizes = rng.lognormal(-0.5 * sigma**2, sigma, size=onsets.size)
    widths = np.full(onsets.size, width)

    sws_t = np.array([on + sws_delay for on, _ in sleep if start_h <= on + sws_delay < end_h])
    if sws_t.size:
        mean_gap = 1.0 / rate_sleep
        near = _nearest_distance(onsets, sws_t) < 0.5 * mean_gap
        onsets, sizes, widths = onsets[~near], sizes[~near], widths[~near]
        sws_sizes = sws_boost * rng.lognormal(-0.5 * sigma**2, sigma, size=sws_t.size)
        onsets = np.concatenate([onsets, sws_t])
        sizes = np.concatenate([sizes, sws_sizes])
        widths = np.concatenate([widths, np.full(sws_t.size, sws_width)])
    order = np.argsort(onsets)
    return BurstTrain(onsets_h=onsets[order], sizes=sizes[order], widths_h=widths[order])
