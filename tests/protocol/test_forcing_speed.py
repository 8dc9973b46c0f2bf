"""The linear-time forcing compiler (issue 10, speed target c) against the straightforward
algorithms it replaced, kept here as references: the same numbers to round-off.

- ``energy_status_at``: the step-by-step recurrence of dE/dt = (intake - E)/tau over every
  edge, with each intake step masked over the whole edge array.
- ``_operational_time``: a clip of the whole grid per night.
- the slow-wave-sleep absorption in ``burst_train``: the full onset x night distance matrix.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from igfaxis import Person, Protocol
from igfaxis.model import default_params
from igfaxis.model.pulse_generator import _operational_time, burst_train
from igfaxis.protocol import compile_protocol
from igfaxis.protocol._compile import _sleep_intervals
from igfaxis.protocol._lifestyle_compile import Events, energy_status_at, lifestyle_events

EXAMPLES = Path(__file__).parents[2] / "examples"
WARMUP_H = 24.0 * 21.0


def _reference_energy(ev: Events, t0: float, grid: np.ndarray, tau: float, e0: float) -> np.ndarray:
    idx = [i for i, nm in enumerate(ev.name) if nm == "intake_energy"]
    edges = np.unique(np.concatenate([[t0], grid, [ev.start[i] for i in idx],
                                      [ev.stop[i] for i in idx]]))  # fmt: skip
    edges = edges[edges >= t0]
    level = np.zeros(edges.size)
    for i in idx:
        level[(edges >= ev.start[i]) & (edges < ev.stop[i])] += ev.rate[i]
    e = np.empty(edges.size)
    e[0] = e0
    decay = np.exp(-np.diff(edges) / tau)
    for k in range(edges.size - 1):
        e[k + 1] = level[k] + (e[k] - level[k]) * decay[k]
    return np.interp(grid, edges, e)


def _reference_operational_time(t: np.ndarray, sleep, rw: float, rs: float) -> np.ndarray:
    lam = rw * t
    for on, off in sleep:
        lam = lam + (rs - rw) * (np.clip(t, on, off) - on)
    return lam


def _protocol(source: str) -> Protocol:
    if source.endswith(".yaml"):
        return Protocol.from_yaml(EXAMPLES / source)
    return Protocol.from_yaml(source)


CASES = [
    ("water-fast-3-day.yaml", 7.0),
    ("fmd-monthly.yaml", 90.0),
    # multi-year horizons (the references are quadratic in the horizon, hence slow)
    pytest.param("fmd-monthly.yaml", 3 * 365.0, marks=pytest.mark.slow),
    pytest.param(
        "fasting: [{kind: '5:2', energy_fraction: 0.25}]\n", 2 * 365.0, marks=pytest.mark.slow
    ),
    ("name: usual\n", 365.0),
]


@pytest.mark.parametrize(("source", "days"), CASES)
def test_energy_status_matches_the_step_by_step_recurrence(source, days):
    protocol, p = _protocol(source), default_params()
    t0, t1 = -WARMUP_H, 24.0 * days
    ev = lifestyle_events(protocol, p, t0, t1)
    grid = np.linspace(t0, t1, int((t1 - t0) * 60) + 1)
    tau = float(p.energy_tau)
    new = energy_status_at(ev, t0, grid, tau, 1.0)
    ref = _reference_energy(ev, t0, grid, tau, 1.0)
    assert np.all(np.isfinite(new))
    np.testing.assert_allclose(new, ref, rtol=1e-12, atol=1e-14)
    if "water" in source or "fmd" in source:
        assert ref.min() < 0.7  # the fast really is in the compared window


@pytest.mark.parametrize("tau", [0.05, 2.0, 12.0, 200.0])
def test_energy_status_on_a_sparse_irregular_grid(tau):
    """Long gaps (several tau in one step), overlapping intakes and a grid off the edges."""
    ev = Events([], [], [], [])
    ev.add(-3.0, 5.0, "intake_energy", 2.0)
    ev.add(1.0, 2.5, "intake_energy", 0.7)  # overlaps the first
    ev.add(40.0, 41.0, "intake_energy", 9.0)
    ev.add(0.0, 900.0, "meal", 1.0)  # not energy: ignored
    ev.add(600.0, 2000.0, "intake_energy", 0.5)
    grid = np.array([-10.0, -2.0, 0.3, 1.7, 3.0, 39.9, 40.5, 80.0, 500.0, 1999.0, 5000.0])
    new = energy_status_at(ev, -10.0, grid, tau, 0.8)
    ref = _reference_energy(ev, -10.0, grid, tau, 0.8)
    np.testing.assert_allclose(new, ref, rtol=1e-12, atol=1e-300)
    # an unsorted grid (and one starting before t0) takes the general path: same values
    order = np.array([5, 0, 10, 3, 8, 1, 9, 2, 7, 4, 6])
    np.testing.assert_allclose(energy_status_at(ev, -10.0, grid[order], tau, 0.8), new[order],
                               rtol=1e-12, atol=1e-300)  # fmt: skip
    early = energy_status_at(ev, -2.0, grid, tau, 0.8)
    np.testing.assert_allclose(early, _reference_energy(ev, -2.0, grid, tau, 0.8), rtol=1e-12)


@pytest.mark.parametrize(("source", "days"), [CASES[0], CASES[2]])
def test_operational_time_matches_the_clip_per_night(source, days):
    protocol, t0, t1 = _protocol(source), -WARMUP_H, 24.0 * days
    sleep = _sleep_intervals(protocol, t0, t1)
    grid = np.linspace(t0, t1, int((t1 - t0) * 60) + 1)
    new = _operational_time(grid, sleep, 0.3125, 0.625)
    ref = _reference_operational_time(grid, sleep, 0.3125, 0.625)
    np.testing.assert_allclose(new - new[0], ref - ref[0], rtol=1e-12, atol=1e-9)
    inside = np.array([-1e6, -500.0, -499.0, 23.5, t1 + 100.0])  # before, in and after nights
    np.testing.assert_allclose(_operational_time(inside, sleep, 0.2, 0.9),
                               _reference_operational_time(inside, sleep, 0.2, 0.9),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_array_equal(_operational_time(grid, [], 0.3, 0.6), 0.3 * grid)
    # touching and empty nights (no strictly increasing knots): the searchsorted path
    odd = [(-20.0, -12.0), (-12.0, -4.0), (5.0, 5.0), (30.0, 38.0)]
    t = np.linspace(-30.0, 50.0, 801)
    np.testing.assert_allclose(_operational_time(t, odd, 0.3, 0.6),
                               _reference_operational_time(t, odd, 0.3, 0.6), rtol=1e-12,
                               atol=1e-12)  # fmt: skip


@pytest.mark.parametrize(
    ("source", "days", "seed"),
    [
        ("fmd-monthly.yaml", 90.0, 3),
        pytest.param("fmd-monthly.yaml", 3 * 365.0, 11, marks=pytest.mark.slow),
    ],
)
def test_the_burst_train_is_unchanged_and_reproducible(source, days, seed):
    """Against the old generator (reference operational time and distance matrix) with the
    same seed and fasting factor; and the same seed twice gives the same train."""
    protocol, p = _protocol(source), default_params()
    t0, t1 = -WARMUP_H, 24.0 * days
    sleep = _sleep_intervals(protocol, t0, t1)
    life = lifestyle_events(protocol, p, t0, t1)
    tau, gain = float(p.energy_tau), float(p.fast_freq_gain)
    kw = {"rate_wake": float(p.pulse_rate_wake), "rate_sleep": float(p.pulse_rate_sleep),
          "regularity": float(p.pulse_regularity), "amp_cv": float(p.pulse_amp_cv),
          "width": float(p.pulse_width), "sws_boost": float(p.sws_boost),
          "sws_delay": float(p.sws_delay), "sws_width": float(p.sws_width)}  # fmt: skip

    def factor(energy_fn):
        return lambda g: 1.0 + gain * np.clip(1.0 - energy_fn(life, t0, g, tau, 1.0), 0.0, 1.0)

    new = burst_train(seed, t0, t1, sleep, rate_multiplier=factor(energy_status_at), **kw)
    again = burst_train(seed, t0, t1, sleep, rate_multiplier=factor(energy_status_at), **kw)
    for a, b in zip((new.onsets_h, new.sizes, new.widths_h),
                    (again.onsets_h, again.sizes, again.widths_h), strict=True):  # fmt: skip
        np.testing.assert_array_equal(a, b)

    ref = _reference_burst_train(seed, t0, t1, sleep, factor(_reference_energy), **kw)
    assert new.onsets_h.size == ref[0].size
    np.testing.assert_allclose(new.onsets_h, ref[0], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(new.sizes, ref[1], rtol=1e-12)
    np.testing.assert_array_equal(new.widths_h, ref[2])


def _reference_burst_train(seed, start_h, end_h, sleep, rate_multiplier, *, rate_wake,
                           rate_sleep, regularity, amp_cv, width, sws_boost, sws_delay,
                           sws_width):  # fmt: skip
    rng = np.random.Generator(np.random.PCG64(seed))
    grid = np.linspace(start_h, end_h, max(int((end_h - start_h) * 60), 2) + 1)
    lam = _reference_operational_time(grid, sleep, rate_wake, rate_sleep)
    rate = np.gradient(lam, grid) * rate_multiplier(grid)
    lam = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(grid))])
    lam = lam - lam[0]
    n_max = int(lam[-1] * 1.5 + 20)
    gaps = rng.gamma(regularity, 1.0 / regularity, size=n_max)
    phase = rng.uniform(0.0, 1.0)
    marks = np.cumsum(gaps) - phase * gaps[0]
    marks = marks[(marks >= 0) & (marks < lam[-1])]
    onsets = np.interp(marks, lam, grid)
    sigma = np.sqrt(np.log1p(amp_cv**2))
    sizes = rng.lognormal(-0.5 * sigma**2, sigma, size=onsets.size)
    widths = np.full(onsets.size, width)
    sws_t = np.array([on + sws_delay for on, _ in sleep if start_h <= on + sws_delay < end_h])
    near = np.min(np.abs(onsets[:, None] - sws_t[None, :]), axis=1) < 0.5 / rate_sleep
    onsets, sizes, widths = onsets[~near], sizes[~near], widths[~near]
    sws_sizes = sws_boost * rng.lognormal(-0.5 * sigma**2, sigma, size=sws_t.size)
    onsets = np.concatenate([onsets, sws_t])
    sizes = np.concatenate([sizes, sws_sizes])
    widths = np.concatenate([widths, np.full(sws_t.size, sws_width)])
    order = np.argsort(onsets)
    return onsets[order], sizes[order], widths[order]


def test_compiling_forcing_is_linear_and_fast(monkeypatch):
    """A person-year compiles in well under 0.1 s (a loose bound here: shared CI cores), and
    four years take about four times one year, not sixteen (both computed afresh: the memo
    of a window's grid and fasting factor off, or the repeats of one year would find it)."""
    import igfaxis.protocol._compile as comp

    monkeypatch.setattr(comp, "_MEMO_MINUTES", 0)
    protocol, person, p = Protocol(name="usual"), Person(age_y=40, sex="male"), default_params()

    def cost(days: float) -> float:
        best = np.inf
        for _ in range(3):
            start = time.perf_counter()
            compile_protocol(protocol, person, p, days=days, seed=0, warmup_h=WARMUP_H)
            best = min(best, time.perf_counter() - start)
        return best

    cost(1.0)  # warm personalise
    one, four = cost(365.0), cost(4 * 365.0)
    assert one < 0.5
    assert four < 8.0 * one


@pytest.mark.parametrize(
    ("source", "person"),
    [("water-fast-3-day.yaml", {"age_y": 40}),
     ("somatropin-low-dose.yaml", {"age_y": 62, "sex": "female"}),
     ("name: usual\n", {"age_y": 45, "condition": "acromegaly"})],
)  # fmt: skip
def test_the_seeds_compile_shares_only_what_does_not_depend_on_the_seed(source, person):
    """``compile_protocol_seeds`` (one personalisation, lifestyle compile and operational
    clock for several burst trains, issue 10 (f)) gives each seed the very forcing of
    ``compile_protocol``: a day table's window (3 days before, a negative warm-up) and a
    run's (warm-up and burst origin)."""
    from igfaxis.protocol import compile_protocol_seeds

    protocol, who, base = _protocol(source), Person(**person), default_params()
    seeds = [0, 7, 10_003]
    for kw in ({"days": 6.0, "warmup_h": -48.0}, {"days": 2.0, "warmup_h": 24.0,
                                                  "burst_origin_h": WARMUP_H}):  # fmt: skip
        shared = compile_protocol_seeds(protocol, who, base, seeds=seeds, **kw)
        for seed, (p, f) in zip(seeds, shared, strict=True):
            q, g = compile_protocol(protocol, who, base, seed=seed, **kw)
            assert p == q
            assert (f.t0, f.t1) == (g.t0, g.t1)
            for a, b in ((f.boundaries, g.boundaries), (f.values, g.values),
                         (f.bursts.onsets_h, g.bursts.onsets_h), (f.bursts.sizes, g.bursts.sizes),
                         (f.bursts.widths_h, g.bursts.widths_h)):  # fmt: skip
                np.testing.assert_array_equal(a, b)
        assert not np.array_equal(shared[0][1].bursts.onsets_h, shared[1][1].bursts.onsets_h)


# --- the shared minute grid, the fasting-factor memo and the touched-columns step sum -------


def _reference_clock(t0, t1, sleep, rw, rs, multiplier):
    """``operational_clock`` as it was: a fresh grid, ``np.gradient`` and ``np.diff``."""
    grid = np.linspace(t0, t1, max(int((t1 - t0) * 60), 2) + 1)
    lam = _operational_time(grid, sleep, rw, rs)
    rate = np.gradient(lam, grid) * multiplier(grid)
    lam = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(grid))])
    return grid, lam - lam[0]


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.uint64)


def test_the_gradient_of_the_minute_grid_is_numpys():
    """``_gradient`` on a MinuteGrid's weights gives ``np.gradient``'s very numbers, on an
    uneven linspace grid (the usual case) and on an even one (numpy's uniform formula)."""
    from igfaxis.model.pulse_generator import MinuteGrid, _gradient, minute_grid

    rng = np.random.default_rng(0)
    g = minute_grid(-504.0, 24.0 * 30)
    assert g.weights is not None
    assert not g.t.flags.writeable
    f = np.cumsum(rng.uniform(0.1, 2.0, g.t.size))
    np.testing.assert_array_equal(_bits(_gradient(f, g)), _bits(np.gradient(f, g.t)))
    t = np.arange(9.0) * 0.5
    even = MinuteGrid(t, np.diff(t), None)
    f = rng.normal(size=t.size)
    np.testing.assert_array_equal(_bits(_gradient(f, even)), _bits(np.gradient(f, t)))


@pytest.mark.parametrize(("source", "days"), [("name: usual\n", 365.0),
                                              ("water-fast-3-day.yaml", 7.0),
                                              ("fmd-monthly.yaml", 90.0)])  # fmt: skip
def test_the_clock_is_the_one_it_replaced_bit_for_bit(source, days, monkeypatch):
    """The compile's clock (a memo grid and fasting factor shared by compiles of the same
    window and diet, or computed afresh beyond the memo's window) gives the burst train of
    the clock it replaced, bit for bit; a second compile (memo hit) the same forcing."""
    import igfaxis.protocol._compile as comp
    from igfaxis.model.pulse_generator import operational_clock

    protocol, person, base = _protocol(source), Person(age_y=52, sex="female"), default_params()
    first = compile_protocol(protocol, person, base, days=days, seed=5, warmup_h=WARMUP_H)
    again = compile_protocol(protocol, person, base, days=days, seed=5, warmup_h=WARMUP_H)
    monkeypatch.setattr(comp, "_MEMO_MINUTES", 0)  # no memo: computed in the compile
    fresh = compile_protocol(protocol, person, base, days=days, seed=5, warmup_h=WARMUP_H)
    p, f = first
    t0, t1 = -WARMUP_H, 24.0 * days
    sleep = _sleep_intervals(protocol, t0, t1)
    life = lifestyle_events(protocol, p, t0, t1)
    from igfaxis.model import personalise

    _, mod = personalise(type(base)(*(float(x) for x in base)), person.covariates())
    rw = p.pulse_rate_wake * float(mod.rate_factor)
    rs = p.pulse_rate_sleep * float(mod.rate_factor)

    def factor(g):
        return 1.0 + p.fast_freq_gain * np.clip(1.0 - energy_status_at(life, t0, g, p.energy_tau,
                                                                       1.0), 0.0, 1.0)  # fmt: skip

    ref = _reference_clock(t0, t1, sleep, rw, rs, factor)
    new = operational_clock(t0, t1, sleep, rate_wake=rw, rate_sleep=rs, rate_multiplier=factor)
    for a, b in zip(ref, new, strict=True):
        np.testing.assert_array_equal(_bits(a), _bits(b))
    kw = {"regularity": p.pulse_regularity, "amp_cv": p.pulse_amp_cv, "width": p.pulse_width,
          "sws_boost": p.sws_boost, "sws_delay": p.sws_delay, "sws_width": p.sws_width}
    bursts = burst_train(5, t0, t1, sleep, rate_wake=rw, rate_sleep=rs, clock=ref, **kw)
    np.testing.assert_array_equal(_bits(f.bursts.onsets_h), _bits(bursts.onsets_h))
    np.testing.assert_array_equal(_bits(f.bursts.sizes), _bits(bursts.sizes))
    for _, g in (again, fresh):
        for a, b in ((f.boundaries, g.boundaries), (f.values, g.values),
                     (f.bursts.onsets_h, g.bursts.onsets_h)):  # fmt: skip
            np.testing.assert_array_equal(_bits(a), _bits(b))
    with pytest.raises(ValueError, match="spans"):
        operational_clock(t0 + 1.0, t1, sleep, rate_wake=rw, rate_sleep=rs,
                          grid=comp.minute_grid(t0, t1))  # fmt: skip


def test_the_fasting_factor_memo_keeps_diets_apart(monkeypatch):
    """Two diets on the same window, one after the other: the second gets its own fasting
    factor (the memo's key is the energy intake itself), the one it gets without the memo."""
    import igfaxis.protocol._compile as comp

    base, person = default_params(), Person(age_y=40)
    usual, fast = _protocol("name: usual\n"), _protocol("water-fast-3-day.yaml")
    kw = {"days": 10.0, "seed": 1, "warmup_h": 48.0}
    fa = compile_protocol(usual, person, base, **kw)[1]
    fb = compile_protocol(fast, person, base, **kw)[1]
    monkeypatch.setattr(comp, "_MEMO_MINUTES", 0)
    ref = compile_protocol(fast, person, base, **kw)[1]
    assert not np.array_equal(fa.bursts.onsets_h, fb.bursts.onsets_h)
    np.testing.assert_array_equal(_bits(fb.bursts.onsets_h), _bits(ref.bursts.onsets_h))
    np.testing.assert_array_equal(_bits(fb.values), _bits(ref.values))


def _reference_step_values(start, stop, col, rate, t0, t1):
    """The step function as it was summed: every input column, dense."""
    from igfaxis.model import BASELINE_INPUTS, Inputs

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
    return boundaries, values


@pytest.mark.parametrize("seed", range(6))
def test_the_touched_columns_step_sum_is_the_dense_one(seed):
    """Random steps (overlapping, starting before t0, open-ended, ending after t1, cancelling
    to round-off, on repeated and on every column): the same boundaries and rows, bit for
    bit, as the dense sum over every input column."""
    from igfaxis.model import Inputs
    from igfaxis.protocol._compile import _step_values

    rng = np.random.default_rng(seed)
    n, t0, t1 = 400, -30.0, 200.0
    start = np.round(rng.uniform(-60.0, 230.0, n), 2)
    stop = start + np.round(rng.exponential(5.0, n), 2)
    stop[rng.random(n) < 0.05] = np.inf
    cols = rng.choice([0, 3, 7] if seed % 2 else np.arange(len(Inputs._fields)), n)
    rate = rng.normal(size=n) * rng.choice([1e-12, 1.0, 1e3], n)
    rate[:10] = [0.1, -0.1, 0.2, -0.2, 1e-10, 0.3, -0.3, 5.0, -5.0, 1e-10]
    got = _step_values(start, stop, cols, rate, t0, t1)
    ref = _reference_step_values(start, stop, cols, rate, t0, t1)
    for a, b in zip(got, ref, strict=True):
        assert a.shape == b.shape
        np.testing.assert_array_equal(_bits(a), _bits(b))
