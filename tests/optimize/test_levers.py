"""Levers of the protocol search (issue 12, item 3): dose time, interval, cycling and the
weekly somapacitan, within label and in pen steps; the protocols they make validate, hold
the doses on the days they say, and run."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from igfaxis.app import check_levers
from igfaxis.errors import ProtocolError
from igfaxis.optimize import LEVERS, OptimizeConfig, check_lever_set
from igfaxis.optimize._levers import PEN_STEP_MG, build_protocol, drug_spaces
from igfaxis.protocol import Person, Protocol, dose_warnings
from igfaxis.simulate import simulate_days

GHD = Person(age_y=45, sex="male", weight_kg=85, condition="gh_deficiency", ghd_severity=0.95)
ALL_DRUG = ("somatropin", "dose_time", "interval", "cycling", "somapacitan", "tesamorelin")


def _dose_days(p: Protocol, drug: str = "somatropin") -> list[float]:
    return sorted(t / 24.0 for d in p.doses if d.drug == drug for t in d.times_h())


def test_cycled_protocols_have_the_doses_on_the_days_they_say() -> None:
    cfg = OptimizeConfig()
    base = Protocol(name="usual day")
    days = 28

    def plan(pattern: str, drug: str = "somatropin", dose: float = 0.3) -> Protocol:
        p = build_protocol(base, {"drug": drug, "pattern": pattern, "time_h": 21.0,
                                  "dose_mg": dose}, days, cfg, pattern)  # fmt: skip
        assert Protocol.from_dict(p.to_dict()) == p  # validates and round-trips
        assert Protocol.from_yaml(yaml.safe_dump(p.to_dict())) == p  # as plan.yaml is read
        return p

    on = {"daily": list(range(28)), "eod": list(range(0, 28, 2)),
          "6on1off": [d for d in range(28) if d % 7 <= 5],
          "5on2off": [d for d in range(28) if d % 7 <= 4]}  # fmt: skip
    for pattern, want in on.items():
        got = _dose_days(plan(pattern))
        assert got == pytest.approx([d + 21.0 / 24.0 for d in want]), pattern
    # 5 on / 2 off: Monday-Friday, weekday 0 being the plan's first day as for exercise
    assert {math.floor(t) % 7 for t in _dose_days(plan("5on2off"))} == {0, 1, 2, 3, 4}
    weekly = plan("weekly", "somapacitan", 2.0)
    assert _dose_days(weekly, "somapacitan") == pytest.approx([0.875, 7.875, 14.875, 21.875])


def test_a_cycled_plan_runs_and_lowers_igf1_against_daily() -> None:
    """Same dose per injection, two days a week off: less GH a week, so less IGF-1 at the
    end of the last off weekend than on daily dosing, and more than untreated."""
    cfg = OptimizeConfig()
    base = Protocol(name="usual day")
    runs = {}
    for pattern in ("daily", "5on2off"):
        p = build_protocol(base, {"drug": "somatropin", "pattern": pattern, "time_h": 22.0,
                                  "dose_mg": 0.4}, 28, cfg, pattern)  # fmt: skip
        igf = simulate_days(GHD, p, days=28).variables["igf1_total_ng_ml"]
        assert np.all(np.isfinite(igf))
        runs[pattern] = float(np.mean(igf[-2:]))  # days 26-27: a weekend off
    untreated = float(np.mean(simulate_days(GHD, base, days=28)
                              .variables["igf1_total_ng_ml"][-2:]))  # fmt: skip
    assert untreated < runs["5on2off"] < runs["daily"]


@pytest.mark.parametrize("weight_kg", [45.0, 85.0, 120.0])
def test_every_option_is_within_label_and_on_the_pen_steps(weight_kg: float) -> None:
    """A property over the whole option space: every dose of every drug, pattern and time
    passes the label check of dose_warnings, lies on its pen step, and the largest daily
    somatropin dose is what the label allows (0.016 mg/kg) when the grid reaches it."""
    person = GHD.model_copy(update={"weight_kg": weight_kg})
    cfg = OptimizeConfig(somapacitan_mg=(1.0, 4.0, 8.0, 10.0),
                         somatropin_mg=(0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0))  # fmt: skip
    spaces = drug_spaces(ALL_DRUG, person, cfg)
    base = Protocol(name="usual day")
    label_mg = 0.016 * weight_kg
    for drug, space in spaces.items():
        assert space.size > 0
        for ch in space.options():
            p = build_protocol(base, ch, 28, cfg, "x")
            assert dose_warnings(p, person) == [], ch
            steps = ch["dose_mg"] / PEN_STEP_MG[drug]
            assert abs(steps - round(steps)) < 1e-6, ch
            assert 18.0 <= ch["time_h"] <= 23.0
    soma = spaces["somatropin"]
    assert max(soma.doses_mg["daily"]) <= label_mg
    assert [d for d in cfg.somatropin_mg if d > label_mg]  # the grid goes above the label ...
    assert max(soma.doses_mg["eod"]) <= label_mg  # ... and so would every other day
    assert 10.0 not in spaces["somapacitan"].doses_mg["weekly"]  # Sogroya: at most 8 mg/week
    assert spaces["somapacitan"].times_h == (22.0,)  # weekly: "any time of the day"
    assert spaces["somatropin"].times_h == (18.0, 19.0, 20.0, 21.0, 22.0, 23.0)
    assert spaces["tesamorelin"].doses_mg == {"daily": (2.0,)}  # the Egrifta label dose


def test_non_daily_patterns_keep_the_weekly_amount() -> None:
    """Every other day gives twice the daily dose, 5 days a week 7/5 of it, rounded to the
    0.1 mg pen step (so within half a step of the daily dose's weekly amount)."""
    cfg = OptimizeConfig(somatropin_mg=(0.2, 0.3, 0.5))
    s = drug_spaces(("somatropin", "interval", "cycling"), GHD, cfg)["somatropin"]
    assert s.patterns == ("daily", "eod", "6on1off", "5on2off")
    assert s.doses_mg["eod"] == (0.4, 0.6, 1.0)
    assert s.doses_mg["5on2off"] == (0.3, 0.4, 0.7)
    for pattern, per_week in (("eod", 3.5), ("6on1off", 6.0), ("5on2off", 5.0)):
        for d, e in zip(cfg.somatropin_mg, s.doses_mg[pattern], strict=True):
            assert abs(e * per_week - 7.0 * d) <= 0.05 * per_week + 1e-9


def test_a_modifier_needs_a_drug_it_changes() -> None:
    assert set(ALL_DRUG) <= set(LEVERS)
    assert check_lever_set(["Somatropin", "cycling", "cycling"]) == ("somatropin", "cycling")
    with pytest.raises(ProtocolError, match="lever 'cycling' changes how somatropin is given"):
        check_lever_set(["cycling", "protein"])
    with pytest.raises(ProtocolError, match="somatropin or tesamorelin"):
        check_lever_set(["dose_time", "somapacitan"])
    assert check_lever_set(["tesamorelin", "dose_time"]) == ("tesamorelin", "dose_time")
    with pytest.raises(ProtocolError, match=r"^`--levers`: lever 'interval'"):
        check_levers("interval,tre", field="--levers")


def test_bad_search_settings_are_refused() -> None:
    with pytest.raises(ProtocolError, match="`method` must be one of auto, enumerate, tpe"):
        OptimizeConfig(method="grid")
    with pytest.raises(ProtocolError, match="`trials` must be a whole number >= 1; got 0"):
        OptimizeConfig(trials=0)
    with pytest.raises(ProtocolError, match="`dose_hours`"):
        OptimizeConfig(dose_hours=(23.0, 18.0))


def test_a_weekly_pattern_cannot_pick_the_weekday_of_its_last_lab() -> None:
    """5 days on / 2 off moves IGF-1 within each week. The day the last planned lab falls
    on must not decide the plan's probability of success: moving that lab over the seven
    weekdays moves the single-day share of draws in band (the old measure) by far more than
    the plan's ``p_success`` (a lab on any day of the week ending there)."""
    from igfaxis.calibrate import CalibrationResult
    from igfaxis.optimize._search import _evaluate

    subject = CalibrationResult.prior(GHD)
    plan = {"drug": "somatropin", "pattern": "5on2off", "time_h": 22.0, "dose_mg": 0.4}
    p = build_protocol(Protocol(name="usual day"), plan, 70, OptimizeConfig(), "5on2off")
    start = subject.last_day + 1
    days, series = subject.daily_draws(p, until_day=start + 69, n_draws=20)
    keep = days >= start + 50
    lo = float(np.median(series[:, keep]))  # the weekly swing crosses it
    single, week = [], []
    for horizon in range(56, 63):  # the only planned lab, at the end, on each weekday once
        cfg = OptimizeConfig(draws=20, lab_every_days=horizon)
        o = _evaluate(subject, p, ("somatropin", "cycling"), (lo, 10.0 * lo), 1e9, horizon, cfg)
        assert o.lab_days == (start + horizon - 1,)
        end = int(np.searchsorted(days, start + horizon - 1))
        single.append(float(np.mean(series[:, end] >= lo)))
        week.append(o.p_success)
    assert max(single) - min(single) > 0.2  # the pattern does move a single day's share
    assert max(week) - min(week) <= 0.5 * (max(single) - min(single)), (single, week)
