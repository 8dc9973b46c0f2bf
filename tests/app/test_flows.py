"""The application layer (igfaxis.app): flows return immutable records, one definition each.

That it imports neither typer nor rich is a contract of ``lint-imports`` (pyproject.toml).
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings

import pytest

from igfaxis.app import (
    DAY_RESOLUTION_FROM_DAYS,
    DEFAULT_PERSON,
    PULSE_WINDOW_DAYS,
    SANDERS_MIN_DAYS,
    Comparison,
    RunResult,
    check_report_path,
    compare_protocols,
    compare_summary,
    horizon_days,
    make_report,
    pick_resolution,
    simulate_and_summarise,
    summarise_trajectory,
)
from igfaxis.errors import DoseWarning, ProtocolError
from igfaxis.protocol import Dose, Person, Protocol
from igfaxis.risk import time_in_band

BASELINE = Protocol(name="baseline", days=1)
DOSED = Protocol(name="dosed", days=1, doses=[Dose(drug="somatropin", amt=0.3, time_h=22.0)])
WOMAN = Person(age_y=55.0, sex="female", weight_kg=65.0)


def test_horizon_days() -> None:
    assert horizon_days(BASELINE, None) == 1.0
    assert horizon_days(BASELINE, 3.0) == 3.0
    assert horizon_days(Protocol(name="no days"), None) == 1.0


def test_argument_errors_come_before_any_simulation() -> None:
    with pytest.raises(ProtocolError, match="at least one protocol"):
        compare_protocols(DEFAULT_PERSON, {})
    with pytest.raises(ProtocolError, match="`menopausal` applies to women"):
        compare_protocols(DEFAULT_PERSON, {"a": BASELINE}, menopausal=True)
    with pytest.raises(ProtocolError, match="spanning a year"):
        compare_protocols(WOMAN, {"a": BASELINE}, trajectory_modifiers=True)
    with pytest.raises(ProtocolError, match="`menopausal` applies to women"):
        make_report(DEFAULT_PERSON, BASELINE, menopausal=False)
    with pytest.raises(ProtocolError, match=r"must end in \.html"):
        check_report_path("report.pdf")
    assert check_report_path("out/report.HTML").name == "report.HTML"
    assert SANDERS_MIN_DAYS == 365.25


def test_dose_warnings_come_before_argument_errors() -> None:
    high = Protocol(name="high", days=1, doses=[Dose(drug="tesamorelin", amt=4.0, time_h=22.0)])
    with pytest.warns(DoseWarning), pytest.raises(ProtocolError, match="spanning a year"):
        compare_protocols(DEFAULT_PERSON, {"high": high}, trajectory_modifiers=True)
    with pytest.warns(DoseWarning), pytest.raises(ProtocolError, match="applies to women"):
        make_report(DEFAULT_PERSON, high, menopausal=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when the adapter has checked the doses
        with pytest.raises(ProtocolError, match="applies to women"):
            make_report(DEFAULT_PERSON, high, menopausal=True, dose_warnings=False)


def test_simulate_and_summarise_returns_a_frozen_record() -> None:
    seen: list[tuple[str, float]] = []

    def progress(label: str, days: float):
        seen.append((label, days))
        return contextlib.nullcontext()

    run = simulate_and_summarise(DEFAULT_PERSON, DOSED, seed=1, progress=progress)
    assert isinstance(run, RunResult)
    assert seen == [("dosed", 1.0)]
    assert (run.person, run.protocol, run.seed) == (DEFAULT_PERSON, DOSED, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.summary.days = 2.0  # type: ignore[misc]
    assert run.summary == summarise_trajectory(run.trajectory)
    t, igf1 = run.trajectory.times_h, run.trajectory["igf1_total_ng_ml"]
    assert run.summary.time_in_band_h == time_in_band(t, igf1).in_band_h
    data = run.summary.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(run.summary)]
    assert data["band_ng_ml"] == [120.0, 160.0]
    assert data["whole_days"] == 1


def test_compare_protocols() -> None:
    cmp = compare_protocols(WOMAN, {"base": BASELINE, "drug": DOSED}, menopausal=True)
    assert isinstance(cmp, Comparison)
    assert cmp.labels == ("base", "drug")
    drug = cmp.run("drug")
    assert drug.protocol == DOSED
    assert drug.summary.time_in_band_fraction == drug.score.time_in_band_fraction
    assert drug.summary.igf1_daily_mean_ng_ml > cmp.run("base").summary.igf1_daily_mean_ng_ml
    assert cmp.notes == cmp.runs[0].score.notes
    data = drug.summary.to_dict()
    assert {"gh_burst_frequency_per_day", "gh_approximate_entropy"} <= set(data)
    assert {"autophagy_hours_per_day", "mtorc1_duty_cycle", "anabolic_catabolic_balance"} <= set(
        data
    )
    assert drug.score.hr("cancer_breast_postmenopausal").hr > 0.0
    with pytest.raises(KeyError, match="no protocol labelled"):
        cmp.run("other")


def test_pick_resolution_by_horizon() -> None:
    assert pick_resolution("auto", 365.0) == "pulse"
    assert pick_resolution("auto", DAY_RESOLUTION_FROM_DAYS) == "pulse"
    assert pick_resolution("auto", DAY_RESOLUTION_FROM_DAYS + 1.0) == "day"
    assert pick_resolution("pulse", 40 * 365.25) == "pulse"
    assert pick_resolution("day", 3.0) == "day"
    with pytest.raises(ProtocolError, match="must be one of auto, pulse, day; got 'hourly'"):
        pick_resolution("hourly", 3.0)
    with pytest.raises(ProtocolError, match="`resolution`"):
        compare_protocols(DEFAULT_PERSON, {"a": BASELINE}, resolution="daily")


def test_compare_at_day_resolution_reads_gh_from_a_pulse_window() -> None:
    week = Protocol(name="week", days=20)
    other = BASELINE.model_copy(update={"days": 20})
    cmp = compare_protocols(DEFAULT_PERSON, {"a": week, "b": other}, resolution="day")
    run = cmp.run("a")
    traj, window, s = run.trajectory, run.window, run.summary
    assert (traj.resolution, traj.days, traj.times_h.size) == ("day", 20.0, 20)
    assert window is not None
    assert window.resolution == "pulse"
    assert window.days == PULSE_WINDOW_DAYS
    assert (s.resolution, s.pulse_window_days, s.days) == ("day", PULSE_WINDOW_DAYS, 20.0)
    daily = traj["igf1_total_ng_ml"]
    assert s.igf1_daily_mean_ng_ml == pytest.approx(daily.mean(), rel=1e-12)
    assert s.igf1_daily_mean_min_ng_ml == daily.min()
    assert s.igf1_daily_mean_max_ng_ml == daily.max()
    assert s.mean_gh_ng_ml == window.mean("gh_ng_ml", 0.0, 24.0 * PULSE_WINDOW_DAYS)
    # the day resolution describes the same person: over the window's 14 days its mean agrees
    # with the pulse-resolved run's (one burst train scatters 2-4% a day about the burst
    # average, docs/model.md, so single days are not compared)
    pulse = window.daily_mean("igf1_total_ng_ml")
    assert daily[:14].mean() == pytest.approx(pulse.mean(), rel=0.03)
    assert s.to_dict()["resolution"] == "day"
    with pytest.raises(ProtocolError, match="needs its pulse-resolved `window`"):
        compare_summary(traj, run.score)


def test_simulate_and_summarise_at_day_resolution_says_so() -> None:
    run = simulate_and_summarise(DEFAULT_PERSON, Protocol(name="week", days=7), resolution="day")
    assert run.trajectory.resolution == "day"
    assert (run.summary.resolution, run.summary.whole_days, run.summary.days) == ("day", 7, 7.0)
    daily = run.trajectory["igf1_total_ng_ml"]
    assert run.summary.igf1_first_day_mean_ng_ml == daily[0]
    assert run.summary.igf1_last_day_mean_ng_ml == daily[-1]
    assert run.summary.to_dict()["resolution"] == "day"
