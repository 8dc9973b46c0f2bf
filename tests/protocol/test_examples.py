"""Every shipped example protocol validates and runs (docs examples are tests, STYLE G11)."""

from pathlib import Path

import numpy as np
import pytest

from igfaxis import Person, Protocol, SolverConfig, simulate

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def test_examples_exist():
    names = {p.stem for p in EXAMPLES}
    assert {"tre-16-8", "fmd-monthly", "plant-moderate-protein", "resistance-3x-week",
            "water-fast-3-day"} <= names  # fmt: skip


# the first two days of multi-month regimens: later dose records are not simulated, on purpose
@pytest.mark.filterwarnings("ignore:.*after the horizon:igfaxis.errors.DoseWarning")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_for_two_days(path):
    protocol = Protocol.from_yaml(path)
    tr = simulate(Person(age_y=45, weight_kg=80), protocol, days=2,
                  solver=SolverConfig(warmup_days=3))  # fmt: skip
    assert np.all(np.isfinite(tr["igf1_total_ng_ml"]))


def test_water_fast_lowers_igf1_and_raises_gh():
    protocol = Protocol.from_yaml(Path(__file__).parents[2] / "examples/water-fast-3-day.yaml")
    fed = simulate(Person(age_y=30), days=4, seed=1)
    fast = simulate(Person(age_y=30), protocol, days=4, seed=1)
    assert fast.mean("igf1_total_ng_ml", 72, 96) < 0.8 * fed.mean("igf1_total_ng_ml", 72, 96)
    assert fast.mean("gh_ng_ml", 48, 96) > fed.mean("gh_ng_ml", 48, 96)


DRUG_EXAMPLES = {  # issue 4 item 5: example regimens, with the person each is meant for
    "sermorelin-nightly": None,
    "ipamorelin-cjc1295": None,
    "tesamorelin-2mg": None,
    "somatropin-titration": "adult-ghd",
    "somapacitan-weekly": "adult-ghd",
    "pegvisomant-acromegaly": "acromegaly",
}


@pytest.mark.parametrize("name", sorted(DRUG_EXAMPLES))
def test_drug_examples_are_within_label_for_their_person(name):
    import warnings

    import yaml

    root = Path(__file__).parents[2] / "examples"
    protocol = Protocol.from_yaml(root / f"{name}.yaml")
    person_file = DRUG_EXAMPLES[name]
    person = (Person.model_validate(yaml.safe_load((root / "persons" / f"{person_file}.yaml")
                                                   .read_text("utf-8")))
              if person_file else Person())  # fmt: skip
    assert protocol.doses, name
    from igfaxis.protocol import dose_warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dose_warnings(protocol, person) == []
