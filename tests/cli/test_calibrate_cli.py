"""``igfaxis calibrate`` and fits as ``--person fit.json`` (issue 11, item 6; real runs).

One fit per module (three dated labs over a year, a 52-year-old woman); ``simulate``,
``compare`` and ``report`` read it back. Bad input is refused before anything is fitted:
exit code 2, one ``error:`` line, nothing written.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from igfaxis.calibrate import NAMES
from igfaxis.cli import app
from igfaxis.risk import DISCLAIMER

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("cli/test_calibrate_cli")

runner = CliRunner()

PERSON = "age_y: 52\nsex: female\nweight_kg: 68\n"
LABS = "date,time,igf1,unit\n2024-03-04,08:30,98,ng/mL\n2024-09-10,,104,ng/mL\n" \
       "2025-03-03,07:45,11.9,nmol/L\n"  # fmt: skip
DAY_LABS = "day,igf1,unit\n-365,98,ng/mL\n-180,104,ng/mL\n0,91,ng/mL\n"
SOMATROPIN = """\
name: somatropin 0.2 mg nightly
days: 20
doses:
  - {drug: somatropin, amt: 0.2, time_h: 22, ii_h: 24, addl: 19}
"""
QUANTILES = ("q05", "q25", "q50", "q75", "q95")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``calibrate --json --out fit.json --plot fit.png --predict DATE --predict DAY``."""
    folder = tmp_path_factory.mktemp("calibrate")
    person = _write(folder, "woman.yaml", PERSON)
    labs = _write(folder, "labs.csv", LABS)
    result = runner.invoke(app, ["calibrate", "--person", str(person), "--labs", str(labs),
                                 "--predict", "2025-06-01", "--predict", "30",
                                 "--out", str(folder / "fit.json"),
                                 "--plot", str(folder / "fit.png"), "--json"])  # fmt: skip
    return {"folder": folder, "person": person, "labs": labs, "data": _json(result)}


def test_calibrate_json_has_the_keys_of_the_issue(fitted: dict) -> None:
    data = fitted["data"]
    assert set(data["posterior"]) == set(NAMES)
    for v in data["posterior"].values():
        assert {"median", "q05", "q95", "prior_median", "prior_dominated"} <= set(v)
        assert v["q05"] <= v["median"] <= v["q95"]
    assert [p["day"] for p in data["predictions"]] == [90.0, 30.0]  # 2025-06-01, then day 30
    assert [p["date"] for p in data["predictions"]] == ["2025-06-01", "2025-04-02"]
    for p in data["predictions"]:
        assert {"day", "date", "median", "q05", "q95"} <= set(p)
        assert 40.0 < p["q05"] < p["median"] < p["q95"] < 250.0
    assert isinstance(data["diagnostics"], dict)
    assert data["diagnostics"]["labs"] == 3
    assert data["converged"] is True
    assert data["message"] == "converged"
    mi = data["most_informative"]
    assert mi["window_days"] == 28
    assert 1.0 <= mi["day"] <= 28.0
    assert mi["date"] is not None
    assert isinstance(mi["all_days_alike"], bool)
    assert set(data["files"]) == {"fit", "plot"}
    assert data["note"] == DISCLAIMER
    # three IGF-1 values on an unchanged protocol inform about one parameter at most, and
    # without IGFBP-3 labs IGFBP-3/ALS production stays with its prior
    assert sum(not v["prior_dominated"] for v in data["posterior"].values()) <= 1
    assert data["posterior"]["igfbp3_als_production"]["prior_dominated"] is True


def test_calibrate_writes_the_fit_and_the_figure(fitted: dict) -> None:
    folder = fitted["folder"]
    fit = json.loads((folder / "fit.json").read_text())
    assert fit["kind"] == "igfaxis.calibration/1"
    assert len(fit["labs"]) == 3
    assert (folder / "fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files


def test_calibrate_text_output(fitted: dict) -> None:
    result = runner.invoke(app, ["calibrate", "--person", str(fitted["person"]),
                                 "--labs", str(fitted["labs"]), "--predict", "60"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    for name in NAMES:
        assert name in out
    assert re.search(r"Prior-dominated: [a-z_, ]*igfbp3_als_production", out)
    assert "Predicted next labs" in out
    assert "2025-05-02 (day 60)" in out
    assert "Next lab:" in out or "Most informative next lab:" in out
    assert "Fit: converged" in out
    assert DISCLAIMER in out


def test_simulate_with_a_fit_carries_the_posterior_band(fitted: dict) -> None:
    folder = fitted["folder"]
    protocol = _write(folder, "usual.yaml", "name: usual\n")
    args = ["simulate", str(protocol), "--person", str(folder / "fit.json"), "--days", "3"]
    data = _json(runner.invoke(app, [*args, "--json"]))
    posterior = fitted["data"]["posterior"]
    # the fitted person: posterior medians (the fit file keeps a subset of the draws)
    for name, value in data["person"]["personal"].items():
        assert value == pytest.approx(posterior[name]["median"], rel=0.05)
    band = data["posterior_band"]
    assert band["days"] == 3
    assert band["start_day"] == 1.0
    assert band["start_date"] == "2025-03-04"
    last = band["igf1_last_day_mean_ng_ml"]
    assert [last[q] for q in QUANTILES] == sorted(last[q] for q in QUANTILES)
    assert last["q05"] < last["q95"]
    # the band is about the fitted person's own run
    assert last["q05"] < data["summary"]["igf1_last_day_mean_ng_ml"] < last["q95"]
    assert data["fit"]["labs"] == 3
    assert data["fit"]["converged"] is True


def test_simulate_without_a_fit_has_no_band(fitted: dict) -> None:
    folder = fitted["folder"]
    protocol = _write(folder, "usual.yaml", "name: usual\n")
    args = ["simulate", str(protocol), "--person", str(fitted["person"]), "--json"]
    data = _json(runner.invoke(app, args))
    assert data["posterior_band"] is None
    assert data["fit"] is None


def test_compare_with_a_fit_has_a_band_per_protocol(fitted: dict) -> None:
    folder = fitted["folder"]
    usual = _write(folder, "usual.yaml", "name: usual\n")
    dosed = _write(folder, "somatropin.yaml", SOMATROPIN)
    args = ["compare", str(usual), str(dosed), "--person", str(folder / "fit.json")]
    data = _json(runner.invoke(app, [*args, "--days", "3", "--json"]))
    bands = data["posterior_band"]
    assert set(bands) == {"usual", "somatropin 0.2 mg nightly"}
    usual_end = bands["usual"]["igf1_last_day_mean_ng_ml"]["q50"]
    dosed_end = bands["somatropin 0.2 mg nightly"]["igf1_last_day_mean_ng_ml"]["q50"]
    assert dosed_end > usual_end + 5.0  # the band follows each protocol


def test_report_with_a_fit_draws_the_fitted_band_through_the_labs(fitted: dict) -> None:
    folder = fitted["folder"]
    dosed = _write(folder, "somatropin.yaml", SOMATROPIN)
    out = folder / "report.html"
    args = ["report", "--person", str(folder / "fit.json"), "--protocol", str(dosed)]
    data = _json(runner.invoke(app, [*args, "--out", str(out), "--json"]))  # no --labs
    html = out.read_text(encoding="utf-8")
    section = html[html.index("<section id='fitted'>") :]
    section = section[: section.index("</section>")]
    assert "Fitted to the labs" in section
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', section)
    assert len(images) == 1
    assert base64.b64decode(images[0])[:4] == b"\x89PNG"
    table = section[section.index("<table id='fitted-table'>") :]
    rows = re.findall(r"<tr(?: class='fitted-end')?><td>([^<]+)</td>", table)
    assert rows[:3] == ["2024-03-04", "2024-09-10", "2025-03-03"]
    assert rows[3].startswith("2025-03-23 (end of the run)")  # 20 days from 2025-03-04
    cells = [float(c) for c in re.findall(r"<td class='num'>(\d+)</td>", table)]
    lab_fit, end_fit = cells[1], cells[-1]  # fitted medians at the first lab and at the end
    assert end_fit > lab_fit + 10.0  # the band follows the report's protocol (somatropin)
    assert "id='posterior-table'" in section
    assert "prior-dominated" in section
    labs_table = html[html.index("<table id='labs-table'>") :]
    assert labs_table[: labs_table.index("</table>")].count("<tr><td>") == 3  # the fit's labs
    end = data["fitted_band_end"]
    assert end["date"] == "2025-03-23"
    assert end["q05"] < end["q50"] < end["q95"]
    assert data["latest_lab"] is not None
    assert data["fit"]["method"] == "laplace"


# --------------------------------------------------------------------------------------
# Bad input: exit code 2, one line, nothing written (and nothing fitted)
# --------------------------------------------------------------------------------------


def _obs(ident, code="2484-4", kind="Observation"):
    return {"resourceType": kind, "id": ident, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "effectiveDateTime": "2024-03-04",
            "valueQuantity": {"value": 120, "unit": "ng/mL", "code": "ng/mL"}}  # fmt: skip


BUNDLE = json.dumps({"resourceType": "Bundle", "type": "collection",
                     "entry": [{"resource": _obs("a")},
                               {"resource": _obs("p1", kind="Patient")}]})  # fmt: skip

#: case -> (labs file name, labs text, extra arguments, expected message)
BAD = {
    "unknown method": ("labs.csv", LABS, ["--method", "mcmc"],
                       r"`method` must be laplace or nuts; got 'mcmc'"),
    "date with day-only labs": ("labs.csv", DAY_LABS, ["--predict", "2025-06-01"],
                                r"the date 2025-06-01 needs dated labs, but the labs give days"),
    "unreadable day": ("labs.csv", LABS, ["--predict", "soon"], r"cannot read 'soon' as a day"),
    "day before the labs": ("labs.csv", DAY_LABS, ["--predict", "-400"],
                            r"from the first lab \(day -365\)"),
    "empty labs": ("labs.csv", "", [], r"labs.csv is empty"),
    "other FHIR resource": ("labs.json", BUNDLE, [],
                            r"labs.json, entry 1, Patient 'p1': a FHIR resource of kind"),
    "missing history": ("labs.csv", LABS, ["--history", "nowhere.yaml"],
                        r"history file .*nowhere.yaml.* does not exist"),
    "bad history": ("labs.csv", LABS, ["--history", "{folder}/history.yaml"],
                    r"history.yaml"),
    "history and protocol": ("labs.csv", LABS, ["--history", "{folder}/history.yaml",
                                                "--protocol", "{folder}/usual.yaml"],
                             r"give `--history` or `--protocol`, not both"),
    "fit not json": ("labs.csv", LABS, ["--out", "{folder}/out.txt"],
                     r"the fit file must end in .json"),
    "plot suffix": ("labs.csv", LABS, ["--plot", "{folder}/out.xyz"], r"must end in one of"),
    "GH of zero": ("labs.csv", "date,igf1,unit,gh,gh_unit\n2024-03-04,98,ng/mL,0,ng/mL\n", [],
                   r"labs.csv, line 2: `gh`"),
    "GH unit unknown": ("labs.csv", "date,igf1,unit,gh,gh_unit\n2024-03-04,98,ng/mL,2,pmol/L\n",
                        [], r"labs.csv, line 2: `gh_unit` must be one of ng/mL"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, case: str) -> None:
    name, text, extra, match = BAD[case]
    person = _write(tmp_path, "person.yaml", PERSON)
    labs = _write(tmp_path, name, text)
    _write(tmp_path, "usual.yaml", "name: usual\n")
    _write(tmp_path, "history.yaml", "segments:\n  - protocol: usual.yaml\n")  # no day or date
    before = set(tmp_path.iterdir())
    args = [a.replace("{folder}", str(tmp_path)) for a in extra]
    for option, file in (("--out", "out.json"), ("--plot", "out.png")):
        if option not in args:  # every output asked for, none written
            args += [option, str(tmp_path / file)]
    result = runner.invoke(app, ["calibrate", "--person", str(person), "--labs", str(labs),
                                 *args])  # fmt: skip
    line = _one_line_error(result)
    assert re.search(match, line), line
    assert set(tmp_path.iterdir()) == before


def test_a_json_person_of_another_kind_is_refused(tmp_path: Path) -> None:
    fake = _write(tmp_path, "fit.json", json.dumps({"kind": "something/1", "age_y": 50}))
    protocol = _write(tmp_path, "usual.yaml", "name: usual\n")
    result = runner.invoke(app, ["simulate", str(protocol), "--person", str(fake),
                                 "--out", str(tmp_path / "out.csv")])  # fmt: skip
    line = _one_line_error(result)
    assert "is not a calibration written by `igfaxis calibrate --out`" in line
    assert not (tmp_path / "out.csv").exists()


def test_calibrate_help_names_its_options() -> None:
    result = runner.invoke(app, ["calibrate", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--person", "--labs", "--history", "--protocol", "--method", "--predict",
                   "--out", "--plot", "--json"):  # fmt: skip
        assert option in result.stdout
