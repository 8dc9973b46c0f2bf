"""The cohort flows of igfaxis.app (the CLI's `cohort` and `sensitivity` call them)."""

import json

import numpy as np
import pytest

from igfaxis.app import (
    check_cohort_paths,
    check_cohort_run,
    cohort_population,
    run_cohort,
    run_sensitivity,
    write_cohort_files,
)
from igfaxis.errors import ProtocolError
from igfaxis.protocol import Protocol

PEG = Protocol.model_validate({"name": "peg", "doses": [
    {"drug": "pegvisomant", "amt": 15, "time_h": 8, "ii_h": 24, "addl": 5}]})  # fmt: skip


def test_population_from_a_file_equals_the_sampled_one(tmp_path):
    pop = cohort_population(n=4, seed=3)
    back = cohort_population(pop.save(tmp_path / "p.csv"))
    assert np.allclose(back.table.age_y, pop.table.age_y)
    with pytest.raises(ProtocolError, match="exactly one of"):
        cohort_population(tmp_path / "p.csv", 4)


@pytest.mark.parametrize(("kw", "match"), [
    ({"population_file": None, "n": None, "scheduler": None, "workers": None}, "exactly one"),
    ({"population_file": None, "n": 3, "scheduler": "tcp://x:1", "workers": 2}, "not both"),
    ({"population_file": None, "n": 3, "scheduler": None, "workers": 0}, "1-512"),
])  # fmt: skip
def test_run_options_are_refused_before_any_run(kw, match):
    with pytest.raises(ProtocolError, match=match):
        check_cohort_run(**kw)


def test_file_names_are_refused_before_any_run(tmp_path):
    with pytest.raises(ProtocolError, match=r"\.zarr or \.nc"):
        check_cohort_paths(tmp_path / "r.csv", None)
    with pytest.raises(ProtocolError, match=r"\.png, \.svg or \.pdf"):
        check_cohort_paths(None, tmp_path / "p.txt")


def test_run_cohort_with_exposure_spreads_the_response_and_writes_files(tmp_path):
    pop = cohort_population(n=4, seed=0, exposure=True)
    pop.table["condition"] = "acromegaly"
    # two arms of one name are numbered, as simulate_cohort numbers them
    run = run_cohort(pop, [PEG, PEG], days=6, resolution="pulse")
    assert run.arms == ("peg", "peg (2)")
    per = run.trial.persons
    spread = per.groupby("arm").change_pct.std()
    # every person has their own pegvisomant exposure: the changes differ (>1 % SD)
    assert (spread > 1.0).all()
    files = write_cohort_files(run, out=tmp_path / "r.nc", plot=tmp_path / "t.png")
    data = json.loads(json.dumps(run.to_dict(files)))
    assert data["persons"] == 4
    assert data["resolution"] == "pulse"
    assert set(data["files"]) == {"results", "plot"}
    assert "not medical advice" in data["note"]


def test_run_sensitivity_defaults_to_a_usual_day_of_a_45_year_old_man():
    res = run_sensitivity(params=["pit_kr1", "liver_sens"], samples=2, days=1)
    assert res.runs == 2 * (2 + 1)  # Morris: trajectories x (k + 1)
    assert set(res.table.parameter) == {"pit_kr1", "liver_sens"}
