"""Time in band (igfaxis.risk.time_in_band): analytic values on hand-built histories."""

from __future__ import annotations

import numpy as np
import pytest

from igfaxis.errors import ProtocolError
from igfaxis.risk import TARGET_BAND_NG_ML, score_risk, score_series, time_in_band
from igfaxis.simulate import Trajectory


def _ramp_day() -> tuple[np.ndarray, np.ndarray]:
    """Hourly samples: 100 -> 200 ng/mL linearly over 10 h, then 200 ng/mL to 24 h.

    In 120-160 ng/mL from hour 2 to hour 6 exactly: 4 h of 24, 2 h below, 18 h above. The
    sample-weighted definition used before counted the 5 samples 120..160 with their whole
    trapezoid cells: 5 h.
    """
    t = np.arange(25.0)
    return t, np.minimum(100.0 + 10.0 * t, 200.0)


def _traj(t: np.ndarray, igf1: np.ndarray) -> Trajectory:
    one = np.ones_like(t)
    return Trajectory(
        times_h=t,
        variables={"igf1_total_ng_ml": igf1, "gh_ng_ml": one, "gh_secretion_ng_ml_h": one},
        units={"igf1_total_ng_ml": "ng/mL", "gh_ng_ml": "ng/mL", "gh_secretion_ng_ml_h": "ng/mL/h"},
        bursts_h=np.array([]),
        metadata={"person": {"age_y": 50.0, "sex": "male"}},
    )


def test_ramp_is_exact() -> None:
    t, v = _ramp_day()
    bt = time_in_band(t, v)
    assert bt.band_ng_ml == TARGET_BAND_NG_ML
    assert (bt.below_h, bt.in_band_h, bt.above_h) == pytest.approx((2.0, 4.0, 18.0), abs=1e-12)
    assert bt.span_h == 24.0
    assert bt.in_band_fraction == pytest.approx(4.0 / 24.0, abs=1e-12)
    assert bt.below_fraction + bt.in_band_fraction + bt.above_fraction == pytest.approx(1.0)


def test_does_not_depend_on_where_the_samples_fall() -> None:
    t, v = _ramp_day()
    coarse = time_in_band([0.0, 10.0, 24.0], [100.0, 200.0, 200.0])
    fine_t = np.linspace(0.0, 24.0, 24 * 60 + 1)
    fine = time_in_band(fine_t, np.interp(fine_t, t, v))
    for bt in (coarse, fine):
        assert (bt.below_h, bt.in_band_h, bt.above_h) == pytest.approx((2.0, 4.0, 18.0))


def test_sine_spends_a_third_in_band() -> None:
    """140 + 40 sin: in 120-160 while |sin| <= 1/2, a third of each period."""
    t = np.linspace(0.0, 48.0, 48 * 12 + 1)
    bt = time_in_band(t, 140.0 + 40.0 * np.sin(2.0 * np.pi * t / 24.0))
    assert bt.in_band_fraction == pytest.approx(1.0 / 3.0, abs=1e-4)
    assert bt.below_fraction == pytest.approx(1.0 / 3.0, abs=1e-4)
    assert bt.above_fraction == pytest.approx(1.0 / 3.0, abs=1e-4)


def test_band_is_closed_and_falling_segments_count() -> None:
    at_edges = time_in_band([0.0, 1.0, 2.0], [120.0, 120.0, 160.0])
    assert at_edges.in_band_h == 2.0
    falling = time_in_band([0.0, 4.0], [180.0, 100.0])  # 160 at 1 h, 120 at 3 h
    assert (falling.above_h, falling.in_band_h, falling.below_h) == pytest.approx((1.0, 2.0, 1.0))


def test_single_sample_counts_whole_in_its_zone() -> None:
    bt = time_in_band([5.0], [100.0])
    assert (bt.below_fraction, bt.in_band_fraction, bt.above_fraction) == (1.0, 0.0, 0.0)
    assert bt.span_h == 0.0


def test_bad_input() -> None:
    with pytest.raises(ProtocolError, match="equal length"):
        time_in_band([0.0, 1.0], [140.0])
    with pytest.raises(ProtocolError, match="non-decreasing"):
        time_in_band([1.0, 0.0], [140.0, 140.0])
    with pytest.raises(ProtocolError, match="low <= high"):
        time_in_band([0.0, 1.0], [140.0, 140.0], (160.0, 120.0))


def test_score_and_run_summary_agree_with_the_analytic_value() -> None:
    """The disagreement this definition ended: every report of time in band is this one."""
    from igfaxis.app import summarise_trajectory

    t, v = _ramp_day()
    traj = _traj(t, v)
    assert score_series(t, v, 50.0, "male", n_draws=200).time_in_band_fraction == pytest.approx(
        4.0 / 24.0
    )
    assert score_risk(traj, n_draws=200).time_in_band_fraction == pytest.approx(4.0 / 24.0)
    summary = summarise_trajectory(traj)
    assert summary.time_in_band_h == pytest.approx(4.0)
    assert summary.time_in_band_fraction == pytest.approx(4.0 / 24.0)


def test_run_summary_takes_the_band_it_is_given() -> None:
    """A plan's own band (here 141-174 ng/mL) is the summary's: on the ramp 141 is crossed
    at 4.1 h and 174 at 7.4 h, so 3.3 h of 24 in band (the default band gives 4 h)."""
    from igfaxis.app import summarise_trajectory

    summary = summarise_trajectory(_traj(*_ramp_day()), band=(141.0, 174.0))
    assert summary.band_ng_ml == (141.0, 174.0)
    assert summary.time_in_band_h == pytest.approx(3.3)
