"""Protocol validation: one clear message per rule (G10); compile invariants (G6)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from igfaxis import Dose, Person, Protocol
from igfaxis.errors import ProtocolError
from igfaxis.model import default_params
from igfaxis.protocol import BOLUS_DURATION_H, compile_protocol


@pytest.mark.parametrize(
    ("yaml_text", "match"),
    [
        ("doses:\n  - {drug: somatropin, amt: -1}\n", r"`doses\.0\.amt`.*greater than 0.*-1"),
        ("doses:\n  - {drug: insulin, amt: 1}\n", r"`doses\.0\.drug`"),
        ("colour: blue\n", r"`colour` is not a known field"),
        ("doses:\n  - {drug: somatropin, amt: 1, addl: 3}\n", r"`addl` = 3 needs `ii_h`"),
        ("doses:\n  - {drug: mecasermin, amt: 1, route: sc}\n", r"`route` 'sc' is not supported"),
        ("doses:\n  - {drug: somatropin, amt: 1, ii_h: 1, addl: 2, dur_h: 2}\n", r"overlap"),
        ("sleep: {onset_h: 25}\n", r"`sleep\.onset_h`"),
        ("days: -3\n", r"`days`"),
        ("- just\n- a list\n", r"must be a mapping"),
        ("doses: [\n", r"not valid YAML"),
    ],
)
def test_bad_protocols_are_refused_with_a_clear_message(yaml_text, match):
    with pytest.raises(ProtocolError, match=match):
        Protocol.from_yaml(yaml_text)


def test_missing_protocol_file():
    with pytest.raises(ProtocolError, match="does not exist"):
        Protocol.from_yaml("no/such/file.yaml")


def test_person_condition_fields_must_match_the_condition():
    with pytest.raises(ValueError, match="`ghd_severity` applies only"):
        Person(age_y=40, ghd_severity=0.5)
    with pytest.raises(ValueError, match="greater than 0"):
        Person(age_y=-1)


_dose = st.builds(
    Dose,
    drug=st.just("somatropin"),
    amt=st.floats(0.01, 5.0),
    time_h=st.floats(0.0, 48.0),
    ii_h=st.floats(6.0, 48.0),
    addl=st.integers(0, 5),
    route=st.sampled_from(["sc", "iv"]),
)


@settings(max_examples=30, deadline=None)
@given(doses=st.lists(_dose, min_size=1, max_size=3))
def test_compile_preserves_total_dose_and_sorts_jumps(doses):
    protocol = Protocol(doses=tuple(doses))
    person = Person(age_y=40, weight_kg=80)
    days = 10.0
    _, forcing = compile_protocol(protocol, person, default_params(), days=days, seed=0,
                                  warmup_h=24.0)  # fmt: skip
    b = forcing.boundaries
    assert np.all(np.diff(b) > 0)
    for route in ("sc", "iv"):
        expected = sum(
            d.amount_ug(person.weight_kg)
            * sum(1 for t in d.times_h() if t + BOLUS_DURATION_H <= 24.0 * days)
            for d in doses if d.route == route
        )  # fmt: skip
        got = forcing.total_input(f"gh_{route}_rate")
        partial = sum(1 for d in doses if d.route == route
                      for t in d.times_h() if t < 24 * days < t + BOLUS_DURATION_H)  # fmt: skip
        if partial == 0:
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=20, deadline=None)
@given(st.builds(Protocol, name=st.text(min_size=1, max_size=20),
                 doses=st.lists(_dose, max_size=3).map(tuple)))  # fmt: skip
def test_protocol_json_round_trip(protocol):
    assert Protocol.from_dict(protocol.to_dict()) == protocol


def test_person_round_trips_through_its_json_dump():
    for person in (Person(age_y=40), Person(age_y=45, condition="gh_deficiency"),
                   Person(age_y=45, condition="acromegaly", acromegaly_mean_gh_ng_ml=12)):
        assert Person.model_validate(person.model_dump(mode="json")) == person
