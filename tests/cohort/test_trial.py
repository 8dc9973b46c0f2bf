"""Virtual trials and sensitivity, and their commands."""

import json

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from igfaxis.cli import app
from igfaxis.cohort import plot_trial, sample_population, virtual_trial
from igfaxis.errors import ProtocolError
from igfaxis.risk import hazard_curve, hazard_ratio, sds

runner = CliRunner()


def _results():
    """Three women of 60 y, one arm of 10 days: IGF-1 steps from 100 to an end value."""
    end = np.array([150.0, 110.0, 170.0])
    daily = np.repeat(end[:, None], 10, axis=1)
    daily[:, :5] = 100.0
    return xr.Dataset(
        {"igf1_total_ng_ml": (("person", "arm", "day"), daily[:, None, :]),
         "igf1_08h_ng_ml": (("person", "arm", "day"), daily[:, None, :]),
         "igf1_baseline_ng_ml": (("person", "arm"), np.full((3, 1), 100.0))},
        coords={"person": [0, 1, 2], "arm": ["drug"], "day": np.arange(10),
                "age_y": ("person", np.full(3, 60.0)), "sex": ("person", ["female"] * 3)},
    )  # fmt: skip


def test_trial_statistics_from_a_known_cohort():
    trial = virtual_trial(_results(), band=(120, 160), responder_rise=0.2, end_days=3)
    (row,) = trial.summary().to_dict(orient="records")
    assert row["share_in_band_end"] == pytest.approx(1 / 3)  # only 150
    assert row["share_responders"] == pytest.approx(2 / 3)  # 150 and 170 >= 120
    assert row["change_sd_ng_ml"] == pytest.approx(np.std([50, 10, 70], ddof=1))
    # time in band: 150 is in band from day 5 on; the step from 100 is linear over a day,
    # crossing 120 at 0.4 of it: (0.6 + 4) / 9 days of the span
    tib = trial.persons.time_in_band.to_numpy()
    assert tib[0] == pytest.approx(4.6 / 9)
    assert tib[1] == 0.0
    # age at the end window (day 8.5 of 10) and the risk layer's own SDS and hazard ratio
    z = sds(170.0, 60.0 + 8.5 / 365.25, "female")
    hr = hazard_ratio(hazard_curve("mortality_meta"), z).hr
    assert trial.persons.hazard_ratio.iloc[2] == pytest.approx(hr, rel=1e-12)
    with pytest.raises(ProtocolError, match="`band` must be"):
        virtual_trial(_results(), band=(160, 120))


def test_trial_plot_is_written(tmp_path):
    out = plot_trial(virtual_trial(_results()), tmp_path / "t.png")
    assert out.stat().st_size > 10_000
    with pytest.raises(ProtocolError, match=r"\.png"):
        plot_trial(virtual_trial(_results()), tmp_path / "t.txt")


def test_cohort_command_end_to_end(tmp_path):
    pop = tmp_path / "pop.csv"
    sample_population(3, age_y=60, sex="male", seed=4).save(pop)
    res = runner.invoke(app, ["cohort", "--population", str(pop), "--protocol",
                              "examples/tre-16-8.yaml", "--days", "3", "--out",
                              str(tmp_path / "r.nc"), "--plot", str(tmp_path / "p.png"),
                              "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["persons"] == 3
    assert len(data["arms"]) == 1
    assert "not medical advice" in data["note"]
    assert (tmp_path / "r.nc").is_file()
    assert (tmp_path / "p.png").is_file()


@pytest.mark.parametrize(
    ("args", "match"),
    [(["--n", "3", "--population", "p.csv"], "exactly one of"),
     (["--n", "3", "--out", "r.csv"], "--out` must end in .zarr or .nc"),
     (["--n", "3", "--band", "x"], "--band` must be LOW,HIGH"),
     (["--n", "0"], "`n` must be a whole number"),
      (["--population", "p.csv", "--exposure", "--resolution", "pulse"],
      "`--exposure` draws exposure for sampled persons")],
)  # fmt: skip
def test_cohort_command_refuses_bad_input_with_exit_2(args, match):
    res = runner.invoke(app, ["cohort", "--protocol", "examples/tre-16-8.yaml", *args])
    assert res.exit_code == 2
    assert match in res.output
    assert "Traceback" not in res.output


def test_sensitivity_command_morris(tmp_path):
    res = runner.invoke(app, ["sensitivity", "--param", "pit_kr1", "--param", "liver_sens",
                              "--samples", "2", "--days", "1", "--out", str(tmp_path / "s.csv"),
                              "--plot", str(tmp_path / "s.png"), "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["runs"] == 2 * (2 + 1)  # Morris: trajectories x (k + 1)
    assert {r["parameter"] for r in data["indices"]} == {"pit_kr1", "liver_sens"}
    assert data["bounds"]["pit_kr1"] == [10.0, 100000.0, "log"]  # the table's bounds
    assert (tmp_path / "s.png").is_file()
    bad = runner.invoke(app, ["sensitivity", "--param", "nope", "--param", "pit_kr1"])
    assert bad.exit_code == 2
    assert "not in the parameter table" in bad.output


def test_cohort_command_draws_drug_exposure(tmp_path):
    """``--exposure``: the same sampled persons, each with a dose multiplier; whoever draws
    more than 1 ends a somatropin arm higher than without exposure, less than 1 lower."""
    import xarray as xr

    end = {}
    for flag in ([], ["--exposure"]):
        out = tmp_path / f"r{len(flag)}.nc"
        res = runner.invoke(app, ["cohort", "--n", "4", "--seed", "3", *flag, "--resolution",
                                  "pulse", "--days", "3", "--protocol",
                                  "examples/somatropin-low-dose.yaml", "--out", str(out),
                                  "--json"])  # fmt: skip
        assert res.exit_code == 0, res.output
        with xr.open_dataset(out) as ds:
            end[len(flag)] = ds["igf1_total_ng_ml"].isel(arm=0, day=-1).values
    m = sample_population(4, seed=3, exposure=True).table["exposure_somatropin"].to_numpy()
    moved = abs(m - 1.0) > 0.02
    assert moved.any()
    assert ((end[1] > end[0]) == (m > 1.0))[moved].all(), (m, end)
