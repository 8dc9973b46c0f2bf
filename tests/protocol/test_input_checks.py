"""Bad input through the Python API gets an igfaxis error or a warning, never a silent
wrong answer or a stray AttributeError (issue 16, items 1-3)."""

from __future__ import annotations

from pathlib import Path

import pytest

import igfaxis
from igfaxis import Person, Protocol, SolverConfig
from igfaxis.errors import DoseWarning, ExtrapolationWarning, ProtocolError
from igfaxis.protocol import Dose, Exercise, check_run

FAST = SolverConfig(warmup_days=1)
MAN = Person(age_y=40, sex="male", weight_kg=80)


# item 1: silent wrong answers -----------------------------------------------------------


@pytest.mark.parametrize("field", ["ii_h", "time_h", "amt"])
@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_dose_refuses_infinite_and_nan_numbers(field, value):
    fields = {"drug": "somatropin", "amt": 0.3, "ii_h": 24.0, "addl": 1, field: value}
    with pytest.raises(ProtocolError, match=f"`{field}`"):
        Dose(**fields)


def test_yaml_inf_interval_is_refused():
    text = "doses:\n  - {drug: somatropin, amt: 0.3, ii_h: .inf, addl: 1}\n"
    with pytest.raises(ProtocolError, match=r"doses\.0\.ii_h.*finite"):
        Protocol.from_yaml(text)


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_protocol_file_is_refused(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"p\.yaml is empty"):
        Protocol.from_yaml(path)


def test_empty_mapping_is_still_a_usual_day(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("{}\n", encoding="utf-8")
    assert Protocol.from_yaml(path) == Protocol()


@pytest.mark.parametrize("seed", [None, 1.5, True, "0", -1, 2**64])
def test_seed_must_be_a_non_negative_integer(seed):
    with pytest.raises(ProtocolError, match="`seed` must be a whole number"):
        igfaxis.simulate(MAN, days=0.25, seed=seed, solver=FAST)


def test_dose_records_after_the_horizon_warn():
    protocol = Protocol(doses=["somatropin 0.3 mg sc once at 22:00"])
    with pytest.warns(DoseWarning, match=r"1 of the protocol's 1 dose records .* not simulated"):
        check_run(MAN, protocol, 0.5, 0)


@pytest.mark.parametrize("age", [1e-9, 0.5, 10.0, 85.0, 120.0])
def test_ages_outside_the_calibration_warn(age):
    with pytest.warns(ExtrapolationWarning, match="outside the adult ages"):
        check_run(Person(age_y=age), None, 1.0, 0)


def test_simulate_warns_about_age_and_late_doses():
    protocol = Protocol(doses=["somatropin 0.3 mg sc once at 22:00"])
    with pytest.warns(UserWarning, match="outside the adult ages|not simulated") as record:
        igfaxis.simulate(Person(age_y=0.5), protocol, days=0.25, solver=FAST)
    categories = {w.category for w in record}
    assert {ExtrapolationWarning, DoseWarning} <= categories


def test_overlapping_exercise_sessions_are_refused():
    with pytest.raises(ProtocolError, match=r"exercise sessions overlap: `exercise\.0`"):
        Protocol(
            exercise=[
                {"kind": "resistance", "at_h": 17.0, "weekdays": [0, 2]},
                {"kind": "endurance", "at_h": 17.5, "weekdays": [2, 5]},
            ]
        )


def test_exercise_on_other_days_or_times_is_accepted():
    a = Exercise(kind="resistance", at_h=17.0, weekdays=(0,), end_day=7.0)
    b = Exercise(kind="endurance", at_h=17.5, weekdays=(0,), start_day=7.0)
    c = Exercise(kind="intervals", at_h=7.0, weekdays=(0,))
    assert len(Protocol(exercise=[a, b, c]).exercise) == 3


# item 2: wrong types in Python ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"person": {"age_y": 40}}, "`person` must be an igfaxis.Person"),
        ({"protocol": "name: x"}, r"`protocol` must be .*Protocol.from_yaml"),
        ({"protocol": {"name": "x"}}, "`protocol` must be an igfaxis.Protocol"),
        ({"days": "3"}, "`days` must be a number of days"),
        ({"days": 1e-9}, r"`days` must be a number in \["),
        ({"days": float("inf")}, r"`days` must be a number in \["),
    ],
)
def test_simulate_wrong_types_raise_protocol_error(kwargs, match):
    args = {"person": MAN, "protocol": None, "days": 0.25, **kwargs}
    with pytest.raises(ProtocolError, match=match):
        igfaxis.simulate(args["person"], args["protocol"], days=args["days"], solver=FAST)


def test_app_flows_check_types_before_anything_runs():
    from igfaxis.app import compare_protocols, make_report, simulate_and_summarise

    with pytest.raises(ProtocolError, match="`person` must be"):
        simulate_and_summarise({"age_y": 40}, Protocol())  # type: ignore[arg-type]
    with pytest.raises(ProtocolError, match="`days` must be"):
        compare_protocols(MAN, {"a": Protocol(), "b": Protocol()}, days="3")  # type: ignore[arg-type]
    with pytest.raises(ProtocolError, match="`menopausal` must be True"):
        make_report(Person(sex="female"), Protocol(), menopausal="no")  # type: ignore[arg-type]


def test_person_construction_raises_protocol_error_not_pydantic():
    with pytest.raises(ProtocolError, match=r"invalid Person: `age_y`.*greater than 0"):
        Person(age_y=-1)
    with pytest.raises(ProtocolError, match="invalid Person: `sex`"):
        Person(sex="x")  # type: ignore[arg-type]
    with pytest.raises(ProtocolError, match=r"`height`.*not a known field"):
        Person(height=1.8)  # type: ignore[call-arg]


def test_nested_errors_are_reported_once_by_their_container():
    with pytest.raises(ProtocolError) as info:
        Protocol.from_dict({"sleep": {"onset_h": 30}}, source="p.yaml")
    assert str(info.value).startswith("invalid p.yaml: `sleep.onset_h`")
    assert "invalid Sleep" not in str(info.value)


# item 3: bounded messages ---------------------------------------------------------------


def test_a_huge_bad_value_gives_a_short_message():
    huge = "x" * 5_000_000
    for build in (
        lambda: Person(sex=huge),  # type: ignore[arg-type]
        lambda: Protocol(doses=[huge]),
        lambda: Protocol(doses=[{"drug": huge, "amt": 1}]),
        lambda: Protocol.from_dict({huge: 1}),
        lambda: igfaxis.assess(100, huge, 40, "male"),
    ):
        with pytest.raises(ProtocolError) as info:
            build()
        message = str(info.value)
        assert len(message) < 2_000, len(message)
        assert "\n" not in message


def test_many_errors_are_counted_not_listed():
    doses = [{"drug": "somatropin", "amt": -1}] * 500
    with pytest.raises(ProtocolError, match=r"and \d+ more problems") as info:
        Protocol(doses=doses)
    assert len(str(info.value)) < 2_000


def test_protocol_text_larger_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("name: x\ndescription: " + "y" * (2 << 20) + "\n", encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"'big.yaml' is 2.0 MiB; at most 1 MiB"):
        Protocol.from_yaml(path)


def test_billion_laughs_protocol_is_refused_quickly(tmp_path):
    path = _laughs(tmp_path / "p.yaml")
    with pytest.raises(ProtocolError, match="expands to more than"):
        Protocol.from_yaml(path)


def _laughs(path: Path) -> Path:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, 10):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
