"""Numerics of the day resolution made faster (issue 10 (f)) against their plain forms.

The liver kernel (:func:`igfaxis.simulate.solve_schedule`) against a plain numpy RK4 of the
same rate laws (:mod:`igfaxis.model.liver`), written with array expressions: the kernel's
element loops (no temporary arrays per step) do the same operations in the same order, so
the two agree to the last bit. The tables' regrid against its take_along_axis form."""

from __future__ import annotations

import math

import numpy as np

from igfaxis.model import default_params, liver
from igfaxis.simulate import DaySchedule, solve_schedule
from igfaxis.simulate._day import _gather_levels, _levels, gh_memory_h
from igfaxis.units import IGF1_NMOL_PER_NG, IGFBP3_NMOL_PER_NG


def _rhs(p, y, li, le, hour, top, m, r_iv, tau):
    x = math.log(y[8])
    n = li.size
    j = 0
    while j < n - 2 and x > li[j + 1]:
        j += 1
    w = (x - li[j]) / (li[j + 1] - li[j])
    s = math.exp(le[j, hour] + w * (le[j + 1, hour] - le[j, hour]))
    e = top * s / (1.0 + s)
    r_b = liver.igf1_binding(y[0], y[1], y[3], p)
    r_t = liver.ternary_formation(y[1], y[2], y[4], p)
    return np.array([
        liver.free_igf1_rate(y[0], y[5], r_b, r_iv, m, p),
        liver.binary_rate(y[1], r_b, r_t, p),
        liver.ternary_rate(y[2], r_t, p),
        liver.bp3_rate(y[3], e, r_b, p),
        liver.als_rate(y[4], y[5], r_t, p),
        liver.hepatic_signal_rate(y[5], y[7], p),
        liver.hepatic_signal_rate(y[6], e, p),
        liver.hepatic_signal_rate(y[7], y[6], p),
        ((y[0] + y[1] + y[2]) / IGF1_NMOL_PER_NG - y[8]) / tau,
    ])  # fmt: skip


def _reference(s: DaySchedule) -> tuple[np.ndarray, np.ndarray]:
    """Daily means and hourly states, RK4 in numpy array expressions."""
    p = s.params
    top, tau = max(float(p.ghr_function), 1e-12), gh_memory_h(p)
    dt, per_hour = 24.0 / s.substeps, s.substeps // 24
    y = np.asarray(s.y0, dtype=float).copy()
    means, hours = np.empty((s.days, 9)), np.empty((s.days, 24, 9))
    for d in range(s.days):
        acc = np.zeros(9)
        for k in range(s.substeps):
            hour = min(int(k * dt), 23)
            if k % per_hour == 0:
                hours[d, k // per_hour] = y
            args = (s.log_i[d], s.log_e[d], hour, top, s.modulation[d, hour], s.iv[d, hour], tau)
            k1 = _rhs(p, y, *args)
            k2 = _rhs(p, y + 0.5 * dt * k1, *args)
            k3 = _rhs(p, y + 0.5 * dt * k2, *args)
            k4 = _rhs(p, y + dt * k3, *args)
            y_new = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            acc += 0.5 * dt * (y + y_new)
            y = y_new
        means[d] = acc / 24.0
    return means, hours


def test_the_liver_kernel_is_bit_identical_to_a_numpy_rk4() -> None:
    """Four days of synthetic tables (a GH effect that moves with the hour and the level,
    hepatic modulation and an IV IGF-1 infusion), started off the steady state so that
    every state moves and the lagged IGF-1 crosses table levels."""
    rng = np.random.default_rng(7)
    p = default_params()
    days, levels = 4, 6
    y0 = np.array([0.8, 6.0, 25.0, 60.0, 150.0, 0.4, 0.45, 0.42, 160.0])
    log_i = (np.log(160.0) + np.linspace(-0.6, 0.6, levels)[None, :]
             + 0.01 * np.arange(days)[:, None])  # fmt: skip
    hour = np.arange(24)
    log_e = (0.5 - 1.2 * np.linspace(-1.0, 1.0, levels)[None, :, None]
             + 0.8 * np.sin(2.0 * np.pi * hour / 24.0)[None, None, :]
             + 0.1 * rng.standard_normal((days, levels, 24)))  # fmt: skip
    modulation = 1.0 + 0.2 * rng.random((days, 24))
    iv = np.where(hour[None, :] % 7 == 3, 0.05, 0.0) * np.ones((days, 1))
    sched = DaySchedule(np.ascontiguousarray(log_i), np.ascontiguousarray(log_e),
                        np.zeros((days, levels)), modulation, iv, p, y0, 48)  # fmt: skip
    sol = solve_schedule(sched)
    means, hours = _reference(sched)
    f, b, t, bp3 = (hours[..., i] for i in range(4))
    np.testing.assert_array_equal(sol.igf1_total_ng_ml, (f + b + t) / IGF1_NMOL_PER_NG)
    np.testing.assert_array_equal(sol.igfbp3_total_ng_ml, (bp3 + b + t) / IGFBP3_NMOL_PER_NG)
    np.testing.assert_array_equal(sol.igf1_lagged_ng_ml, hours[..., 8])
    np.testing.assert_array_equal(sol.igf1_daily_mean_ng_ml,
                                  means[:, :3].sum(axis=1) / IGF1_NMOL_PER_NG)  # fmt: skip
    # the states moved, and the lagged IGF-1 moved across levels
    assert np.ptp(hours[..., 8]) > 1.0


def _regrid_reference(log_i, values, onto):
    """The regrid as it was written before the block gather: take_along_axis with the index
    broadcast over every trailing axis (the bracketing of the levels is shared)."""
    li, j, w = _levels(log_i, onto)
    return _gather_levels(values, j, w, li.ndim)


def test_regrid_equals_the_take_along_axis_form() -> None:
    """The tables' regrid (:func:`igfaxis.simulate._day._regrid`) on the shapes it meets: a
    schedule's (D, L) levels with (D, L), (D, L, 24) and (D, L, 24, B) tables, one day's
    (L,) levels, GH draws read at (n, 1) levels; onto levels inside, between and beyond."""
    from igfaxis.simulate._day import _regrid

    rng = np.random.default_rng(3)
    days, levels = 9, 6
    li = np.sort(rng.normal(5.0, 0.5, (days, levels)), axis=-1)
    onto = np.sort(rng.normal(5.0, 0.8, (days, levels)), axis=-1)
    for rest in ((), (24,), (24, 31)):
        v = rng.standard_normal((days, levels, *rest))
        np.testing.assert_array_equal(_regrid(li, v, onto), _regrid_reference(li, v, onto))
    v = rng.standard_normal((levels, 24, 31))
    np.testing.assert_array_equal(_regrid(li[0], v, onto[1]), _regrid_reference(li[0], v, onto[1]))
    v = rng.standard_normal((days, levels, 31))
    lag = rng.normal(5.0, 0.8, (days, 1))
    np.testing.assert_array_equal(_regrid(li, v, lag), _regrid_reference(li, v, lag))
    # no draws at all
    np.testing.assert_array_equal(_regrid(li[:0], v[:0], lag[:0]),
                                  _regrid_reference(li[:0], v[:0], lag[:0]))  # fmt: skip
