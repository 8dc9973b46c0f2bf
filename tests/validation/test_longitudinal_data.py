"""The published longitudinal series (igfaxis/validation/longitudinal.yaml) load as data.

Only the file is checked here: each person builds as :class:`igfaxis.Person`, each history
as :class:`igfaxis.protocol.History`, the labs are in time order with positive values. The
calibration against the series (fit all labs but the last, predict the last) is a separate
test.
"""

import re
from pathlib import Path

import pytest
import yaml

import igfaxis.validation
from igfaxis import Person
from igfaxis.io.labs import LabValue
from igfaxis.protocol import History

PATH = Path(igfaxis.validation.__file__).with_name("longitudinal.yaml")
SERIES = yaml.safe_load(PATH.read_text(encoding="utf-8"))
IDS = [s["id"] for s in SERIES]
NG_ML_PER_NMOL_L = 7.649  # IGF-1, 7649 g/mol (docs/labs.md)


def test_file_is_a_list_of_uniquely_named_series():
    assert isinstance(SERIES, list)
    assert len(SERIES) >= 2
    assert len(set(IDS)) == len(IDS)
    assert all(re.fullmatch(r"V-LONG-\d\d", i) for i in IDS)


@pytest.mark.parametrize("series", SERIES, ids=IDS)
def test_series_has_its_source_and_unit(series):
    src = series["source"]
    assert src["citation"].strip()
    assert "[read in abstract]" in src["read"] or "[read in source]" in src["read"]
    assert series["unit"]["factor_to_ng_ml"] in (1.0, NG_ML_PER_NMOL_L)
    assert isinstance(series["model_calibrated_on"], list)


@pytest.mark.parametrize("series", SERIES, ids=IDS)
def test_person_builds(series):
    person = Person(**series["population"]["person"])
    assert person.age_y > 0


@pytest.mark.parametrize("series", SERIES, ids=IDS)
def test_history_parses_with_whole_ascending_days(series):
    history = History(segments=series["history"])
    days = [seg.day for seg in history.segments]
    assert all(d is not None and float(d).is_integer() for d in days)  # day-resolution schedule
    assert days == sorted(days)
    assert len(set(days)) == len(days)


@pytest.mark.parametrize("series", SERIES, ids=IDS)
def test_labs_ascend_with_positive_values(series):
    labs = series["labs"]
    assert len(labs) >= 2
    days = [lab["day"] for lab in labs]
    assert days == sorted(days)
    assert len(set(days)) == len(days)
    for lab in labs:
        assert lab["igf1_ng_ml"] > 0
        assert lab.get("igfbp3_ng_ml") is None or lab["igfbp3_ng_ml"] > 0
        assert lab.get("se_ng_ml") is None or lab["se_ng_ml"] > 0
        assert lab.get("n") is None or (isinstance(lab["n"], int) and lab["n"] >= 1)
        assert lab["kind"] in ("mean", "individual")
        assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", lab["time"])
        assert lab["reported"].strip()


@pytest.mark.parametrize("series", SERIES, ids=IDS)
def test_a_change_lies_between_the_first_and_the_last_lab(series):
    """What makes the last lab informative: a segment starts after the first lab's day
    begins and before the last lab (a dose or diet change between the labs)."""
    starts = [seg["day"] for seg in series["history"]]
    first, last = series["labs"][0]["day"], series["labs"][-1]["day"]
    assert any(first <= s < last for s in starts)


@pytest.mark.parametrize("series", SERIES, ids=IDS)
def test_labs_build_as_lab_values(series):
    labs = [LabValue(day=float(lab["day"]), date=None, value=float(lab["igf1_ng_ml"]),
                     unit="ng/mL", igf1_ng_ml=float(lab["igf1_ng_ml"]), line=i + 1,
                     time=lab["time"], igfbp3_ng_ml=lab.get("igfbp3_ng_ml"))
            for i, lab in enumerate(series["labs"])]  # fmt: skip
    assert [lab.t_h for lab in labs] == sorted(lab.t_h for lab in labs)
