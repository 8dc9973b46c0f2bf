"""``Person.personal``: validation, files, round trips (issue 11, items 1 and 9)."""

from __future__ import annotations

import json

import pytest

from igfaxis.cli import load_person
from igfaxis.errors import ProtocolError
from igfaxis.model import PERSONAL_PARAMETERS, default_params, personalise
from igfaxis.protocol import Person


def test_default_is_the_population_median():
    p = Person(age_y=52, sex="female")
    assert p.personal == {}
    assert p.covariates().personal == {}
    base = default_params()
    a, _ = personalise(base, p.covariates())
    b, _ = personalise(base, Person(age_y=52, sex="female", personal={}).covariates())
    assert tuple(a) == tuple(b)


def test_personal_reaches_the_parameters():
    base = default_params()
    ref, _ = personalise(base, Person(age_y=52, sex="female").covariates())
    p = Person(age_y=52, sex="female", personal={"hepatic_gh_sensitivity": 0.8,
                                                  "pituitary_secretion_capacity": 2})  # fmt: skip
    new, _ = personalise(base, p.covariates())
    assert new.liver_sens == pytest.approx(0.8 * ref.liver_sens)
    assert new.pit_kr1 == pytest.approx(2.0 * ref.pit_kr1)
    assert new.bp3_syn_max == ref.bp3_syn_max


def test_round_trips_through_model_dump_and_json():
    p = Person(age_y=40, personal={"igfbp3_als_production": 1.25})
    assert Person.model_validate(p.model_dump()) == p
    assert Person.model_validate_json(p.model_dump_json()) == p
    assert Person(**p.model_dump(mode="json")) == p
    assert hash(Person.model_validate(p.model_dump())) == hash(p)
    assert hash(Person()) == hash(Person(personal={}))


def test_yaml_and_json_person_files(tmp_path):
    y = tmp_path / "p.yaml"
    y.write_text("age_y: 52\nsex: female\npersonal:\n  hepatic_gh_sensitivity: 0.75\n")
    j = tmp_path / "p.json"
    j.write_text(json.dumps({"age_y": 52, "sex": "female",
                             "personal": {"hepatic_gh_sensitivity": 0.75}}))  # fmt: skip
    assert load_person(y) == load_person(j)
    assert load_person(y).personal == {"hepatic_gh_sensitivity": 0.75}


@pytest.mark.parametrize(
    ("personal", "match"),
    [
        ({"liver": 0.9}, r"`personal.liver` is not a personal parameter.*Valid names: "
                         r"hepatic_gh_sensitivity, pituitary_secretion_capacity"),
        ({"hepatic_gh_sensitivity": 0}, r"`personal.hepatic_gh_sensitivity` must be a finite "
                                        r"multiplier > 0.*got 0.0"),
        ({"hepatic_gh_sensitivity": -1.5}, r"> 0.*got -1.5"),
        ({"pituitary_secretion_capacity": float("inf")}, r"finite multiplier.*got inf"),
        ({"pituitary_secretion_capacity": float("nan")}, r"finite multiplier.*got nan"),
        ({"igfbp3_als_production": "high"}, r"must be a number.*'high' \(str\)"),
        ({"igfbp3_als_production": True}, r"must be a number.*True \(bool\)"),
        ({"igfbp3_als_production": 50}, r"within \[0.05, 20\].*got 50"),
        ([0.9], r"`personal` must be a mapping.*Valid names"),
    ],
)
def test_bad_personal_values_are_refused(personal, match):
    with pytest.raises(ProtocolError, match=match):
        Person(personal=personal)


def test_bad_personal_in_a_file_names_the_file(tmp_path):
    y = tmp_path / "p.yaml"
    y.write_text("personal:\n  hepatic: 0.8\n")
    with pytest.raises(ProtocolError, match=r"p\.yaml.*personal\.hepatic.*Valid names"):
        load_person(y)


def test_every_name_is_accepted():
    p = Person(personal=dict.fromkeys(PERSONAL_PARAMETERS, 1.1))
    assert set(p.personal) == set(PERSONAL_PARAMETERS)
