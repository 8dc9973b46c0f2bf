"""Validation as data: the packaged targets file, its schema errors, and the full table."""

import textwrap

import pytest

from igfaxis.errors import ProtocolError
from igfaxis.validation import count_bursts, load_targets, validate

# issue 2: every V-PHY, V-REF and V-DIS target of shared/validation/targets.csv, and V-DRG-01
REQUIRED = [f"V-PHY-{i:02d}" for i in range(1, 14)] + ["V-REF-01", "V-REF-02", "V-REF-03",
            "V-REF-04", "V-DIS-01", "V-DIS-02", "V-DIS-03", "V-DIS-04", "V-DRG-01"]  # fmt: skip


def test_packaged_targets_cover_the_required_observations():
    ids = [t.id for t in load_targets()]
    for required in REQUIRED:
        assert any(i == required or i.startswith(required + "-") for i in ids), required


def _write(tmp_path, text):
    path = tmp_path / "targets.yaml"
    path.write_text(textwrap.dedent(text))
    return path


TINY = """
- id: X-01
  target: 150
  low: 50
  high: 400
  unit: ng/mL
  scenarios:
    main: {person: {age_y: 40}, days: 1}
  metric: {kind: mean, variable: igf1_total_ng_ml, start_h: 0, end_h: 24}
"""


def test_a_reader_can_add_an_observation_as_data(tmp_path):
    report = validate(_write(tmp_path, TINY))
    (row,) = report.rows
    assert row.id == "X-01"
    assert row.passed
    assert 50 <= row.value <= 400


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (("kind: mean", "kind: median"), r"`metric.kind` must be one of"),
        (("low: 50", "low: 500"), r"`low` \(500.0\) must not exceed `high`"),
        (("age_y: 40", "age_y: 400"), r"age_y"),
        (("unit: ng/mL", "unit: ng/mL\n  colour: red"), r"`colour` is not a known field"),
    ],
)
def test_bad_targets_files_are_refused(tmp_path, edit, match):
    with pytest.raises(ProtocolError, match=match):
        load_targets(_write(tmp_path, TINY.replace(*edit)))


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ProtocolError, match="repeated: X-01"):
        load_targets(_write(tmp_path, TINY + TINY))


def test_burst_detector_counts_the_generated_bursts_of_a_quiet_day():
    # an independent check of the rule: with bursts far apart every generated burst is seen.
    # Basal secretion is held constant: its irregular activity (pit_basal_cv) adds a
    # fluctuation that the rule counts as one more burst on this day (6 for 5)
    from igfaxis import Person, SolverConfig, simulate
    from igfaxis.model import default_params

    p = default_params()._replace(pulse_rate_wake=0.15, pulse_rate_sleep=0.15,
                                  pulse_regularity=20.0, sws_boost=1.0,
                                  pit_basal_cv=0.0)  # fmt: skip
    tr = simulate(Person(age_y=30), days=2, params=p, seed=5,
                  solver=SolverConfig(warmup_days=3))  # fmt: skip
    # bursts starting inside the window, late enough for their rise to be sampled
    generated = int(((tr.bursts_h >= 24.0) & (tr.bursts_h < 47.9)).sum())
    assert count_bursts(tr, 24.0, 48.0) == generated


@pytest.mark.slow
def test_every_packaged_target_passes():
    report = validate()
    failed = [(r.id, round(r.value, 3), (r.low, r.high)) for r in report.rows if not r.passed]
    assert not failed, failed
