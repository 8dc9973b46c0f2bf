"""Metric kinds of issue 13 (item 7) on trajectories whose answer is known by hand.

Each trajectory here is built from a function or a table, not simulated, so each expected
value is computed from that function (closed form or by hand), not read from the code.
"""

import math
import textwrap

import numpy as np
import pytest

from igfaxis.errors import ProtocolError
from igfaxis.simulate import Trajectory
from igfaxis.validation import METRICS, load_targets, validate


def _traj(times_h, **variables):
    t = np.asarray(times_h, dtype=float)
    values = {k: np.asarray(v, dtype=float) for k, v in variables.items()}
    return Trajectory(t, values, dict.fromkeys(values, "ng/mL"), np.array([]), {})


def _metric(runs, **spec):
    return METRICS[spec["kind"]](runs, spec)


# --- interpulse_trough ---------------------------------------------------------------

# GH every 10 min: bursts at samples 2, 7 and 10 (rises 2.5, 3.7, 1.9 ng/mL); the 0.35 at
# sample 5 rises 0.05 above 0.3 and is no burst. Nadirs between bursts: 0.3 and 0.1.
_TABLE = [0.5, 0.5, 3.0, 0.3, 0.3, 0.35, 0.3, 4.0, 0.1, 0.1, 2.0, 0.05]
_TABLE_H = np.arange(len(_TABLE)) / 6.0


def test_trough_is_the_mean_nadir_between_bursts_not_the_window_minimum():
    runs = {"main": _traj(_TABLE_H, gh_ng_ml=_TABLE)}
    value = _metric(runs, kind="interpulse_trough", start_h=0.0, end_h=_TABLE_H[-1])
    # (0.3 + 0.1) / 2; the 0.5 before the first burst and the 0.05 after the last are
    # not between bursts
    assert value == pytest.approx(0.2, abs=1e-12)


def test_trough_of_a_cosine_pulse_train_is_its_minimum():
    # GH = 1.2 + cos(2 pi t / 2 h): peaks every 2 h, troughs 0.2 ng/mL at odd hours (on
    # the 10-min sampling grid); output every minute
    t = np.arange(0.0, 24.0 + 1e-9, 1.0 / 60.0)
    runs = {"main": _traj(t, gh_ng_ml=1.2 + np.cos(2.0 * np.pi * t / 2.0))}
    value = _metric(runs, kind="interpulse_trough", start_h=0.0, end_h=24.0)
    assert value == pytest.approx(0.2, abs=1e-9)


def test_trough_averages_the_repeated_days():
    # day 1 troughs 0.2 ng/mL, day 2 troughs 0.4 ng/mL: 0.3 over both days
    t = np.arange(0.0, 48.0 + 1e-9, 1.0 / 60.0)
    floor = np.where(t < 24.0, 0.2, 0.4)
    gh = floor + 1.0 + np.cos(2.0 * np.pi * t / 2.0)
    runs = {"main": _traj(t, gh_ng_ml=gh)}
    value = _metric(runs, kind="interpulse_trough", start_h=0.5, end_h=23.5, repeat_days=2)
    assert value == pytest.approx(0.3, abs=1e-9)


def test_trough_without_two_bursts_is_nan_and_fails_any_band():
    t = np.arange(0.0, 24.0 + 1e-9, 1.0 / 6.0)
    gh = 0.2 + 3.0 * np.exp(-(((t - 12.0) / 0.5) ** 2))  # a single burst
    runs = {"main": _traj(t, gh_ng_ml=gh)}
    assert math.isnan(_metric(runs, kind="interpulse_trough", start_h=0.0, end_h=24.0))


# --- lowest_dose ---------------------------------------------------------------------

# arm scenario -> dose; IGFBP-3 in each arm constant at 2000 + 100 dose ng/mL
_DOSES = {"d1": 1.0, "d2": 2.0, "d5": 5.0, "d10": 10.0}


def _arms(response=lambda d: 2000.0 + 100.0 * d):
    t = np.linspace(0.0, 24.0, 25)
    return {n: _traj(t, igfbp3_total_ng_ml=np.full_like(t, response(d))) for n, d in _DOSES.items()}


_MEAN = {"kind": "mean", "variable": "igfbp3_total_ng_ml", "start_h": 0, "end_h": 24}


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        ({"at_least": 2150.0}, 2.0),  # arms at 2100, 2200, 2500, 3000 ng/mL
        ({"at_least": 2500.0}, 5.0),  # meets with equality
        ({"at_most": 2150.0}, 1.0),
        ({"at_least": 2300.0, "at_most": 2600.0}, 5.0),
        ({"at_least": 2300.0, "at_most": 2400.0}, math.inf),  # no arm in the band
        ({"at_least": 5000.0}, math.inf),  # no arm meets it
    ],
)
def test_lowest_dose_meeting_a_criterion(criterion, expected):
    value = _metric(_arms(), kind="lowest_dose", arms=_DOSES, metric=_MEAN, **criterion)
    assert value == expected


def test_lowest_dose_is_the_lowest_arm_that_meets_it_even_if_a_higher_one_does_not():
    # a non-monotone response: only the 2-unit arm reaches 2500
    resp = {1.0: 2000.0, 2.0: 2600.0, 5.0: 2100.0, 10.0: 2000.0}
    value = _metric(_arms(resp.__getitem__), kind="lowest_dose", arms=_DOSES, metric=_MEAN,
                    at_least=2500.0)  # fmt: skip
    assert value == 2.0


def test_lowest_dose_keeps_a_shared_control_scenario():
    runs = _arms()
    t = runs["d1"].times_h
    runs["placebo"] = _traj(t, igfbp3_total_ng_ml=np.full_like(t, 2000.0))
    change = {"kind": "percent_change", "variable": "igfbp3_total_ng_ml",
              "before_scenario": "placebo", "before_start_h": 0, "before_end_h": 24,
              "start_h": 0, "end_h": 24}  # fmt: skip
    # rise over placebo = 5 d %: at least 8% from d = 2 (10%), not d = 1 (5%)
    value = _metric(runs, kind="lowest_dose", arms=_DOSES, metric=change, at_least=8.0)
    assert value == 2.0


# --- ordering ------------------------------------------------------------------------


def _levels(*levels):
    t = np.linspace(0.0, 24.0, 25)
    return {f"s{i}": _traj(t, igf1_total_ng_ml=np.full_like(t, v)) for i, v in enumerate(levels)}


_IGF = {"kind": "mean", "variable": "igf1_total_ng_ml", "start_h": 0, "end_h": 24}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, 0.0),  # steps 100, 0, 300: smallest margin 0 (non-decreasing holds)
        ({"direction": "non_increasing"}, -300.0),  # margins -100, 0, -300
        ({"value": "holds"}, 1.0),
        ({"value": "holds", "strict": True}, 0.0),  # the equal pair is not an increase
        ({"value": "holds", "direction": "non_increasing"}, 0.0),
    ],
)
def test_ordering_across_scenarios(options, expected):
    runs = _levels(100.0, 200.0, 200.0, 500.0)
    value = _metric(runs, kind="ordering", metric=_IGF, scenarios=["s0", "s1", "s2", "s3"],
                    **options)  # fmt: skip
    assert value == expected


def test_ordering_of_two_metrics_one_at_least_the_other():
    # a linear rise 100 -> 148 ng/mL over 24 h: the second half's mean (136) is at least the
    # first half's (112) by 24 ng/mL
    t = np.linspace(0.0, 24.0, 49)
    runs = {"main": _traj(t, igf1_total_ng_ml=100.0 + 2.0 * t)}
    first, second = {**_IGF, "end_h": 12}, {**_IGF, "start_h": 12}
    assert _metric(runs, kind="ordering", metrics=[first, second]) == pytest.approx(24.0)
    assert _metric(runs, kind="ordering", metrics=[second, first], value="holds") == 0.0


def test_ordering_with_an_undefined_value_does_not_hold():
    # one scenario has a single burst, so its trough is NaN: the ordering cannot be judged
    t = np.arange(0.0, 24.0 + 1e-9, 1.0 / 60.0)
    train = 1.2 + np.cos(2.0 * np.pi * t / 2.0)
    single = 0.2 + 3.0 * np.exp(-(((t - 12.0) / 0.5) ** 2))
    runs = {"a": _traj(t, gh_ng_ml=train), "b": _traj(t, gh_ng_ml=single)}
    trough = {"kind": "interpulse_trough", "start_h": 0, "end_h": 24}
    spec = {"kind": "ordering", "metric": trough, "scenarios": ["a", "b"]}
    assert _metric(runs, **spec, value="holds") == 0.0
    assert math.isnan(_metric(runs, **spec))


# --- time_at_interval_mean ------------------------------------------------------------


@pytest.mark.parametrize(("direction", "expected_h"), [("falling", 42.0), ("rising", 126.0),
                                                       ("any", 42.0)])  # fmt: skip
def test_time_at_mean_of_a_cosine_over_a_weekly_interval(direction, expected_h):
    # IGF-1 = 300 + 100 cos(2 pi (t - dose) / 168 h): mean 300 over the week, reached
    # falling a quarter-period (42 h) and rising three quarters (126 h) after the dose
    dose, t = 30.0, np.arange(0.0, 400.0, 0.1)
    y = 300.0 + 100.0 * np.cos(2.0 * np.pi * (t - dose) / 168.0)
    runs = {"main": _traj(t, igf1_total_ng_ml=y)}
    value = _metric(runs, kind="time_at_interval_mean", variable="igf1_total_ng_ml",
                    dose_h=dose, interval_h=168.0, direction=direction)  # fmt: skip
    assert value == pytest.approx(expected_h, abs=1e-6)


def test_time_at_mean_of_an_exponential_decay_in_days():
    # y = exp(-k s), s hours after the dose: the mean over [0, T] is (1 - e^{-kT}) / (kT),
    # reached at s* = -ln(mean) / k
    k, period = 0.03, 168.0
    t = np.arange(0.0, 400.0, 1.0 / 60.0)
    s = t - 100.0
    y = np.where(s >= 0.0, np.exp(-k * s), 1.0)
    mean = (1.0 - math.exp(-k * period)) / (k * period)
    expected_days = -math.log(mean) / k / 24.0
    runs = {"main": _traj(t, igf1_total_ng_ml=y)}
    value = _metric(runs, kind="time_at_interval_mean", variable="igf1_total_ng_ml",
                    dose_h=100.0, interval_h=period, scale_h=24.0)  # fmt: skip
    assert value == pytest.approx(expected_days, rel=1e-4)


def test_time_at_mean_of_a_flat_series_is_nan():
    t = np.linspace(0.0, 48.0, 97)
    runs = {"main": _traj(t, igf1_total_ng_ml=np.full_like(t, 150.0))}
    value = _metric(runs, kind="time_at_interval_mean", variable="igf1_total_ng_ml",
                    dose_h=0.0, interval_h=24.0, direction="any")  # fmt: skip
    assert math.isnan(value)


# --- arguments are checked when the targets file is read ------------------------------

_TARGET = """
- id: X-07
  target: 1
  low: 0
  high: 10
  unit: '-'
  scenarios:
    low: {person: {age_y: 40}, days: 1}
    high: {person: {age_y: 40}, days: 1, seed: 1}
  metric:
    kind: ordering
    scenarios: [low, high]
    metric: {kind: mean, variable: igf1_total_ng_ml, start_h: 0, end_h: 24}
"""


def _load(tmp_path, text):
    path = tmp_path / "targets.yaml"
    path.write_text(textwrap.dedent(text))
    return load_targets(path)


def test_a_well_formed_new_kind_loads(tmp_path):
    (target,) = _load(tmp_path, _TARGET)
    assert target.metric["kind"] == "ordering"


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (("[low, high]", "[low, middle]"), r"X-07.*`metric.scenarios` names scenario 'middle'"),
        (("[low, high]", "[low]"), r"X-07.*`metric.scenarios` must be a list of two or more"),
        (("scenarios: [low, high]", "scenarios: [low, high]\n    direction: up"),
         r"X-07.*`metric.direction` must be one of non_decreasing, non_increasing; got 'up'"),
        (("scenarios: [low, high]", "scenarios: [low, high]\n    strict: yes please"),
         r"X-07.*`metric.strict` must be true or false"),
        (("scenarios: [low, high]", "scenarios: [low, high]\n    directoin: non_increasing"),
         r"X-07.*`metric.directoin` is not an argument of `ordering`"),
        (("kind: mean,", "kind: median,"), r"X-07.*`metric.metric.kind` must be one of"),
        (("{kind: mean,", "{scenario: low, kind: mean,"),
         r"X-07.*`metric.metric.scenario` is set for each arm"),
        (("unit: '-'", "unit: '-'\n  output_step_min: 0"), r"X-07.*output_step_min"),
    ],
)  # fmt: skip
def test_bad_ordering_arguments_name_the_target_and_field(tmp_path, edit, match):
    with pytest.raises(ProtocolError, match=match):
        _load(tmp_path, _TARGET.replace(*edit))


_METRIC_AT = "  metric:\n    kind: ordering\n"
_OTHER_KINDS = [
    ("kind: lowest_dose\n    arms: {low: 1, high: two}\n    at_least: 1\n    metric: {kind: mean}",
     r"X-07.*`metric.arms.high` must be a finite number; got 'two'"),
    ("kind: lowest_dose\n    arms: {low: 1, top: 2}\n    at_least: 1\n    metric: {kind: mean}",
     r"X-07.*`metric.arms` names scenario 'top'"),
    ("kind: lowest_dose\n    arms: {low: 1, high: 2}\n    metric: {kind: mean}",
     r"X-07.*`metric` needs a criterion: `at_least`, `at_most` or both"),
    ("kind: lowest_dose\n    arms: {low: 1, high: 2}\n    at_least: 5\n    at_most: 2\n"
     "    metric: {kind: mean}", r"X-07.*`metric.at_least` must be at most `metric.at_most`"),
    ("kind: time_at_interval_mean\n    variable: igf1_total_ng_ml\n    dose_h: 8",
     r"X-07.*`metric.interval_h` must be a positive number; got None"),
    ("kind: time_at_interval_mean\n    variable: igf1_total_ng_ml\n    dose_h: 8\n"
     "    interval_h: 168\n    direction: down",
     r"X-07.*`metric.direction` must be one of falling"),
    ("kind: interpulse_trough\n    start_h: 24\n    end_h: 12",
     r"X-07.*`metric.end_h` must be greater than `metric.start_h`"),
    ("kind: interpulse_trough\n    start_h: 0\n    end_h: 24\n    repeat_days: 1.5",
     r"X-07.*`metric.repeat_days` must be a whole number"),
    ("kind: interpulse_trough\n    start_h: 0\n    end_h: 24\n    scenario: other",
     r"X-07.*`metric.scenario` names scenario 'other'"),
]  # fmt: skip


@pytest.mark.parametrize(("metric", "match"), _OTHER_KINDS)
def test_bad_arguments_of_the_other_new_kinds_name_the_target_and_field(tmp_path, metric, match):
    head = _TARGET.split("  metric:\n")[0]
    with pytest.raises(ProtocolError, match=match):
        _load(tmp_path, head + "  metric:\n    " + metric + "\n")


# --- output_step_min ------------------------------------------------------------------


def test_each_distinct_output_step_is_simulated_once(tmp_path, monkeypatch):
    # three targets on one scenario, two at the default step and one at 1 min: two runs,
    # at 5 min and 1 min output, and each target reads the run at its own step
    calls = []

    def fake_simulate(person, protocol, *, days, seed, solver):
        calls.append(solver.save_every_h)
        t = np.arange(0.0, 24.0 * days + 1e-9, solver.save_every_h)
        return _traj(t, igf1_total_ng_ml=np.full_like(t, 1.0 / solver.save_every_h))

    monkeypatch.setattr("igfaxis.validation._runner.simulate", fake_simulate)
    one = """
    - id: X-{n}
      target: 1
      low: 0
      high: 100
      unit: '-'{step}
      scenarios:
        main: {{person: {{age_y: 40}}, days: 1}}
      metric: {{kind: mean, variable: igf1_total_ng_ml, start_h: 0, end_h: 24}}
    """
    text = "".join(textwrap.dedent(one).format(n=n, step=s) for n, s in
                   [(1, ""), (2, "\n  output_step_min: 1"), (3, "")])  # fmt: skip
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    report = validate(path)
    assert sorted(calls) == pytest.approx([1.0 / 60.0, 5.0 / 60.0])
    assert [r.value for r in report.rows] == pytest.approx([12.0, 60.0, 12.0])


def test_time_at_mean_outside_the_run_is_refused():
    t = np.linspace(0.0, 48.0, 97)
    runs = {"main": _traj(t, igf1_total_ng_ml=np.full_like(t, 150.0))}
    with pytest.raises(ProtocolError, match=r"\[100, 268\] h holds 0 output time"):
        _metric(runs, kind="time_at_interval_mean", variable="igf1_total_ng_ml", dose_h=100.0,
                interval_h=168.0)  # fmt: skip
