"""The calibration flow's argument checks (igfaxis.app): all refused before anything is fitted.

The fit itself runs in tests/cli/test_calibrate_cli.py (and tests/calibrate).
"""

from __future__ import annotations

import pytest

from igfaxis.app import (
    CALIBRATION_METHODS,
    MAX_PREDICT_DAYS,
    band_draws,
    calibrate_person,
    check_fit_path,
    check_method,
    lab_days,
    split_subject,
)
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.protocol import History, Person, Protocol

WOMAN = Person(age_y=52.0, sex="female")


def _lab(day: float, value: float, date: str | None = None) -> LabValue:
    return LabValue(day=day, date=date, value=value, unit="ng/mL", igf1_ng_ml=value, line=1)


DAY_LABS = (_lab(-365.0, 98.0), _lab(-180.0, 104.0), _lab(0.0, 91.0))
DATED_LABS = (_lab(-364.0, 98.0, "2024-03-04"), _lab(0.0, 91.0, "2025-03-03"))


def test_lab_days_reads_numbers_and_dates() -> None:
    assert lab_days(["30", 60, 7.5, " -100 "], DAY_LABS) == [30.0, 60.0, 7.5, -100.0]
    assert lab_days(["2025-06-01", "45"], DATED_LABS) == ["2025-06-01", 45.0]
    assert lab_days([], DAY_LABS) == []


@pytest.mark.parametrize(
    ("values", "labs", "match"),
    [
        (["2025-06-01"], DAY_LABS, r"the date 2025-06-01 needs dated labs"),
        (["next week"], DAY_LABS, r"cannot read 'next week' as a day"),
        (["2025-13-01"], DATED_LABS, r"cannot read '2025-13-01'"),
        (["-366"], DAY_LABS, r"from the first lab \(day -365\)"),
        ([MAX_PREDICT_DAYS + 1], DAY_LABS, r"7305 days after the latest"),
        (["2024-01-01"], DATED_LABS, r"got 2024-01-01"),
        ([float("nan")], DAY_LABS, r"got day nan"),
        ([True], DAY_LABS, r"must be a number or an ISO date"),
    ],
)
def test_lab_days_refuses(values, labs, match) -> None:
    with pytest.raises(ProtocolError, match=match):
        lab_days(values, labs)


def test_method_and_fit_path_checks() -> None:
    assert CALIBRATION_METHODS == ("laplace", "nuts")
    assert check_method("nuts") == "nuts"
    with pytest.raises(ProtocolError, match=r"`method` must be laplace or nuts; got 'map'"):
        check_method("map")
    assert check_fit_path("out/fit.JSON").name == "fit.JSON"
    with pytest.raises(ProtocolError, match=r"must end in \.json"):
        check_fit_path("fit.yaml")


def test_calibrate_person_refuses_before_fitting() -> None:
    history = History(segments=[{"day": -200, "protocol": {"name": "x"}}])
    with pytest.raises(ProtocolError, match="`method` must be laplace or nuts"):
        calibrate_person(WOMAN, DAY_LABS, method="mcmc")
    with pytest.raises(ProtocolError, match="at least one lab"):
        calibrate_person(WOMAN, ())
    with pytest.raises(ProtocolError, match="a history or a protocol, not both"):
        calibrate_person(WOMAN, DAY_LABS, history=history, protocol=Protocol(name="y"))
    with pytest.raises(ProtocolError, match="needs dated labs"):
        calibrate_person(WOMAN, DAY_LABS, predict=["2025-06-01"])


def test_band_draws_and_split_subject() -> None:
    assert band_draws(400) == 100
    assert band_draws(365.25 * 40) == 30
    assert 30 < band_draws(3000) < 100
    assert split_subject(WOMAN) == (WOMAN, None)
