"""Trajectory scoring (igfaxis.risk._score): pure functions and the Trajectory adapter."""

from __future__ import annotations

import json

import numpy as np
import pytest

from igfaxis.errors import ProtocolError
from igfaxis.risk import TrajectoryScore, assess, score_risk, score_series, time_in_band
from igfaxis.risk._score import (
    CANCER_LAG_H,
    H_PER_YEAR,
    time_weights,
    trend_and_variability,
)
from igfaxis.simulate import Trajectory

DAY_H = np.linspace(0.0, 24.0, 289)  # 5-minute grid over one day


def _traj(igf1: np.ndarray, times_h: np.ndarray, age_y: float = 60.0, sex: str = "male"):
    gh = np.full_like(times_h, 1.0)
    return Trajectory(
        times_h=times_h,
        variables={"igf1_total_ng_ml": igf1, "gh_ng_ml": gh, "gh_secretion_ng_ml_h": gh},
        units={"igf1_total_ng_ml": "ng/mL", "gh_ng_ml": "ng/mL", "gh_secretion_ng_ml_h": "ng/mL/h"},
        bursts_h=np.array([]),
        metadata={"person": {"age_y": age_y, "sex": sex}},
    )


def test_time_weights_and_time_in_band() -> None:
    t = np.array([0.0, 1.0, 3.0])
    assert time_weights(t) == pytest.approx([0.5, 1.5, 1.0])
    assert time_weights(np.array([5.0])) == pytest.approx([1.0])
    bt = time_in_band(DAY_H, np.full(DAY_H.size, 140.0), (120.0, 160.0))
    assert (bt.below_fraction, bt.in_band_fraction, bt.above_fraction) == (0.0, 1.0, 0.0)
    half = np.where(DAY_H < 12.0, 100.0, 140.0)
    bt = time_in_band(DAY_H, half, (120.0, 160.0))
    # the 5-min step from 100 to 140 crosses 120 half-way: 12 h below, less 2.5 min
    assert bt.below_h == pytest.approx(12.0 - 2.5 / 60.0, abs=1e-12)
    assert bt.above_h == 0.0


def test_constant_history_scores_like_a_single_value() -> None:
    score = score_series(DAY_H, np.full(DAY_H.size, 100.0), 60.0, "male")
    single = assess(100.0, "ng/mL", 60.0, "male")
    assert score.mean_sds == pytest.approx(single.sds, abs=1e-3)  # age moves by 1 day only
    for r in score.hazard_ratios:
        expected = single.hr(r.curve_id)
        assert r.hr == pytest.approx(expected.hr, rel=2e-3), r.curve_id
        assert r.low == pytest.approx(expected.low, rel=5e-3), r.curve_id
    assert score.time_in_band_fraction == 0.0
    assert score.time_below_band_fraction == 1.0
    assert score.trend_pct_per_y is None


def test_mortality_is_the_time_average_of_the_hazard() -> None:
    igf1 = np.where(DAY_H < 12.0, 80.0, 200.0)
    score = score_series(DAY_H, igf1, 60.0, "male")
    low, high = assess(80.0, "ng/mL", 60, "male"), assess(200.0, "ng/mL", 60, "male")
    average = 0.5 * (low.hr("mortality_meta").hr + high.hr("mortality_meta").hr)
    assert score.hr("mortality_meta").hr == pytest.approx(average, rel=0.02)
    assert score.min_igf1_ng_ml == 80.0
    assert score.max_igf1_ng_ml == 200.0


def test_protocols_are_ranked_by_their_hrs() -> None:
    near_median = score_series(DAY_H, np.full(DAY_H.size, 125.0), 60.0, "male")
    high = score_series(DAY_H, np.full(DAY_H.size, 230.0), 60.0, "male")
    assert high.hr("mortality_meta").hr > near_median.hr("mortality_meta").hr
    assert high.hr("cancer_prostate").hr > near_median.hr("cancer_prostate").hr
    assert near_median.time_in_band_fraction == 1.0
    assert high.time_above_band_fraction == 1.0


def test_cancer_uses_the_lagged_window_when_the_history_covers_it() -> None:
    years = np.linspace(0.0, 12.0, 12 * 12 + 1)
    t = years * H_PER_YEAR
    igf1 = np.where(years < 6.0, 200.0, 100.0)  # high early, low late
    score = score_series(t, igf1, 50.0, "male")
    start, end = score.cancer_window_h
    assert start == pytest.approx(t[-1] - CANCER_LAG_H[0])
    assert end == pytest.approx(t[-1] - CANCER_LAG_H[1])
    assert score.cancer_mean_igf1_ng_ml == pytest.approx((4 * 200 + 4 * 100) / 8, abs=3.0)
    assert "from 2.0 to 10.0 y" in score.notes[0]
    short = score_series(DAY_H, np.full(DAY_H.size, 150.0), 50.0, "male")
    assert short.cancer_window_h == (0.0, 24.0)
    assert "whole history" in short.notes[0]


def test_sanders_features_of_an_exponential_decline() -> None:
    t = np.linspace(0.0, 6.0, 7) * H_PER_YEAR
    igf1 = 150.0 * 0.95 ** (t / H_PER_YEAR)
    trend, variability = trend_and_variability(t, igf1)
    assert trend == pytest.approx(-5.0)
    assert variability == pytest.approx(0.0, abs=1e-9)
    score = score_series(t, igf1, 70.0, "female", trajectory_modifiers=True)
    slope = score.hr("trajectory_slope")
    assert slope.x == pytest.approx(-5.0)
    assert slope.hr == pytest.approx(1.40**0.5)  # halfway (in ln HR) from 0% to -10%
    assert score.hr("trajectory_variability").hr == pytest.approx(1.0)


def test_sanders_modifiers_need_a_year_of_history() -> None:
    with pytest.raises(ProtocolError, match="spanning a year"):
        score_series(DAY_H, np.full(DAY_H.size, 150.0), 70.0, "male", trajectory_modifiers=True)
    plain = score_series(DAY_H, np.full(DAY_H.size, 150.0), 70.0, "male")
    assert not any(r.curve_id.startswith("trajectory_") for r in plain.hazard_ratios)


@pytest.mark.parametrize(
    ("times", "values", "match"),
    [
        ([0.0, 1.0], [100.0], "equal length"),
        ([1.0, 0.0], [100.0, 100.0], "strictly increasing"),
        ([0.0, 1.0], [100.0, -1.0], "finite and > 0"),
        ([], [], "non-empty"),
    ],
)
def test_bad_series(times: list[float], values: list[float], match: str) -> None:
    with pytest.raises(ProtocolError, match=match):
        score_series(times, values, 60.0, "male")


def test_trajectory_adapter_reads_the_person() -> None:
    t = np.linspace(0.0, 48.0, 577)
    traj = _traj(np.full(t.size, 150.0), t, age_y=70.0, sex="female")
    score = score_risk(traj, menopausal=True, n_draws=500)
    assert isinstance(score, TrajectoryScore)
    assert score.span_h == 48.0
    assert "cancer_breast_postmenopausal" in [r.curve_id for r in score.hazard_ratios]
    data = json.loads(json.dumps(score.to_dict()))
    assert data["band_ng_ml"] == [120.0, 160.0]
    assert data["hazard_ratios"][0]["curve_id"] == "mortality_meta"
    with pytest.raises(KeyError, match="was not scored"):
        score.hr("cancer_prostate")


def test_trajectory_without_person_metadata() -> None:
    traj = _traj(np.full(DAY_H.size, 150.0), DAY_H)
    bare = Trajectory(traj.times_h, traj.variables, traj.units, traj.bursts_h, {})
    with pytest.raises(ProtocolError, match=r"metadata\['person'\]"):
        score_risk(bare)


def test_long_histories_are_binned_without_changing_the_result() -> None:
    t = np.linspace(0.0, 24.0 * 30, 30 * 288 + 1)
    igf1 = 140.0 + 30.0 * np.sin(2 * np.pi * t / 24.0)
    score = score_series(t, igf1, 60.0, "male", n_draws=500)
    meta = score.hr("mortality_meta")
    from igfaxis.risk import hazard_curve, sds_array

    z = sds_array(igf1, 60.0 + t / H_PER_YEAR, "male")
    w = time_weights(t)
    exact = float(np.sum(w * np.exp(hazard_curve("mortality_meta").log_hr(z))) / w.sum())
    assert meta.hr == pytest.approx(exact, rel=1e-4)
