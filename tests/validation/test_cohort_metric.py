"""The ``cohort`` metric kind: statistics over a virtual population (issue 15)."""

import math
import textwrap

import numpy as np
import pytest

from igfaxis.errors import ProtocolError
from igfaxis.simulate import Trajectory, simulate
from igfaxis.validation import METRICS, cohort_persons, load_targets, validate


def _traj(before, after):
    t = np.array([0.0, 1.0, 2.0, 3.0])
    v = np.array([before, before, after, after], dtype=float)
    return Trajectory(t, {"x": v}, {"x": "ng/mL"}, np.array([]), {})


# percent changes of the four persons: -50, -20, -60, 0 (by construction)
_RUNS = {"main": (_traj(100, 50), _traj(200, 160), _traj(50, 20), _traj(80, 80))}
_PER = {"kind": "percent_change", "variable": "x", "before_start_h": 0.0, "before_end_h": 1.0,
        "start_h": 2.0, "end_h": 3.0}  # fmt: skip


def _value(**spec):
    return METRICS["cohort"](_RUNS, {"kind": "cohort", "per_person": _PER, **spec})


def test_statistics_by_hand():
    values = [-50.0, -20.0, -60.0, 0.0]
    mean = sum(values) / 4  # -32.5
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 3)  # ddof 1: 27.54
    assert _value(statistic="mean") == pytest.approx(-32.5)
    assert _value(statistic="median") == pytest.approx(-35.0)
    assert _value(statistic="sd") == pytest.approx(sd)
    assert _value(statistic="cv") == pytest.approx(sd / 32.5)
    assert _value(statistic="sd", add_sd=20.0) == pytest.approx(math.sqrt(sd**2 + 400.0))
    assert _value(statistic="share_at_most", threshold=-50.0) == pytest.approx(0.5)
    assert _value(statistic="share_at_least", threshold=-20.0) == pytest.approx(0.5)


_BASE = """
- id: C-1
  target: 0
  low: -1000
  high: 1000
  unit: ng/mL
  {cohort}
  scenarios:
    main:
      person: {{age_y: 50, sex: male}}
      days: 2
  metric:
    kind: cohort
    statistic: {statistic}
    {extra}
    per_person: {{kind: mean, variable: igf1_total_ng_ml, start_h: 24, end_h: 48}}
"""


def _file(tmp_path, cohort="cohort: {n: 3, seed: 1, age_y: [40, 60]}", statistic="mean",
          extra=""):  # fmt: skip
    p = tmp_path / "t.yaml"
    p.write_text(textwrap.dedent(_BASE.format(cohort=cohort, statistic=statistic, extra=extra)))
    return p


@pytest.mark.parametrize(("kw", "match"), [
    ({"cohort": ""}, "go together"),
    ({"statistic": "sdev"}, "metric.statistic"),
    ({"statistic": "share_at_least"}, "threshold"),
    ({"extra": "add_sd: 3"}, "add_sd"),
    ({"cohort": "cohort: {n: 3, vary: {age_y: {median: 50, log_sd: 0.1}}}"}, "cohort.vary"),
    ({"cohort": "cohort: {n: 1}"}, "cohort.n"),
])  # fmt: skip
def test_bad_cohort_targets_are_refused_when_read(tmp_path, kw, match):
    with pytest.raises(ProtocolError, match=match):
        load_targets(_file(tmp_path, **kw))


def test_cohort_target_is_the_statistic_over_each_persons_own_run(tmp_path):
    path = _file(tmp_path)
    (t,) = load_targets(path)
    value = validate(path).rows[0].value
    sc = t.scenarios["main"]
    persons = cohort_persons(t.cohort, sc)
    means = [simulate(x, p, days=2, seed=s).mean("igf1_total_ng_ml", 24, 48)
             for x, p, s in persons]  # fmt: skip
    assert value == pytest.approx(float(np.mean(means)), rel=1e-6)
    # three different persons (ages within the span, their own priors): different IGF-1
    assert np.ptp(means) > 1.0
    assert all(40 <= x.age_y <= 60 for x, _, _ in persons)
