"""``igfaxis optimize`` (issue 12, item 7; real runs, short horizons and few draws).

One plan per module: the GH-deficient adult of examples/ fitted to his three low labs, a
somatropin plan for SDS 0 to +1 over 8 weeks; ``simulate`` runs the written plan.yaml with
the written fit. Bad input: exit code 2, one ``error:`` line, no file touched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from igfaxis.cli import app, load_person
from igfaxis.optimize import LEVERS, NOTE
from igfaxis.protocol import Protocol, dose_warnings

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("cli/test_optimize_cli")

runner = CliRunner()

ROOT = Path(__file__).resolve().parents[2]
PERSON = ROOT / "examples" / "persons" / "adult-ghd.yaml"
LABS = ROOT / "examples" / "labs" / "adult-ghd.csv"
HORIZON = "56"
FAST = ["--horizon-days", HORIZON, "--draws", "8"]


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
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("optimize")
    files = {"plan": folder / "plan.yaml", "plot": folder / "plan.png", "fit": folder / "fit.json"}
    result = runner.invoke(app, ["optimize", "--person", str(PERSON), "--labs", str(LABS),
                                 "--target", "sds:0..1", "--levers", "somatropin", *FAST,
                                 "--out", str(files["plan"]), "--plot", str(files["plot"]),
                                 "--fit-out", str(files["fit"]), "--json"])  # fmt: skip
    return {"folder": folder, "files": files, "data": _json(result)}


def test_json_has_the_keys_of_the_issue(planned: dict) -> None:
    data = planned["data"]
    assert {"protocol", "expected", "burden", "pareto", "note"} <= set(data)
    assert {"p_in_band", "time_in_band", "p_above_2sds"} <= set(data["expected"])
    assert data["note"] == NOTE
    assert data["from_labs"] is True
    assert data["fit"]["labs"] == 3
    assert data["target"]["kind"] == "sds"
    for o in [data, data["baseline"], *data["pareto"]]:
        for key in ("p_in_band", "time_in_band", "p_above_2sds"):
            assert 0.0 <= o["expected"][key] <= 1.0
    assert isinstance(data["pareto"], list)
    assert data["pareto"]
    assert data["files"] == {k: str(p) for k, p in planned["files"].items()}
    for path in planned["files"].values():
        assert path.stat().st_size > 0


def test_plan_is_within_label_and_not_worse_than_no_change(planned: dict) -> None:
    data = planned["data"]
    plan = Protocol.from_yaml(planned["files"]["plan"])
    assert plan == Protocol.from_dict(data["protocol"])  # the file is the plan of the JSON
    assert plan.doses
    assert {d.drug for d in plan.doses} == {"somatropin"}
    assert dose_warnings(plan, load_person(PERSON)) == []  # never above the label
    assert data["expected"]["p_in_band"] >= data["baseline"]["expected"]["p_in_band"]
    # untreated GH deficiency with labs near 70 ng/mL sits below an SDS 0..1 band
    assert data["baseline"]["expected"]["median_end_ng_ml"] < data["band_ng_ml"][0]
    assert data["expected"]["median_end_ng_ml"] > data["baseline"]["expected"]["median_end_ng_ml"]
    assert data["burden"]["injections_per_week"] == pytest.approx(7.0)
    assert planned["files"]["plot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan_runs_unchanged_in_simulate_and_reproduces_the_expected_igf1(planned: dict) -> None:
    """plan.yaml runs in ``igfaxis simulate`` as written, for the fitted person of fit.json
    (posterior medians, pulse-resolved); its last-day IGF-1 lies within the plan's 90%
    posterior band at the end, and the simulate's own posterior median agrees with the
    plan's within that band's half-width."""
    files, expected = planned["files"], planned["data"]["expected"]
    result = runner.invoke(app, ["simulate", str(files["plan"]), "--person", str(files["fit"]),
                                 "--json"])  # fmt: skip
    data = _json(result)
    assert data["summary"]["days"] == pytest.approx(float(HORIZON))
    last = data["summary"]["igf1_last_day_mean_ng_ml"]
    q05, q95 = expected["band90_end_ng_ml"]
    assert q05 <= last <= q95
    band = data["posterior_band"]["igf1_last_day_mean_ng_ml"]
    assert abs(band["q50"] - expected["median_end_ng_ml"]) <= (q95 - q05) / 2


def test_human_output_from_a_fit(planned: dict, tmp_path: Path) -> None:
    """``--person fit.json`` plans from the saved fit; the table, the Pareto set, the message
    and the note are printed; ``--report`` writes the report of the plan with its plan
    section beside the fitted trajectory."""
    fit = planned["files"]["fit"]
    report = tmp_path / "plan-report.html"
    result = runner.invoke(app, ["optimize", "--person", str(fit), "--target",
                                 "ng_ml:120..160", "--levers", "protein",
                                 "--horizon-days", "28", "--draws", "4",
                                 "--report", str(report)])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("best plan", "no change", "Pareto set", "fitted to 3 labs", NOTE):
        assert text in out, text
    assert "Traceback" not in result.output
    html = report.read_text("utf-8")
    assert "<section id='plan'>" in html
    assert "<section id='fitted'>" in html
    assert "IGF-1 120-160 ng/mL" in html


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--target", "sds:1..0"], "`--target`"),
        (["--target", "120-160"], "`--target`"),
        (["--levers", "somatropin,magic"], "`--levers`: unknown lever 'magic'"),
        (["--levers", " , "], "`--levers` names no lever"),
        (["--horizon-days", "7"], "`--horizon-days` must be a whole number of days from 28"),
        (["--out", "plan.txt"], "`--out` must end in .yaml"),
        (["--plot", "plan.xyz"], "must end in one of"),
        (["--draws", "1"], "`--draws` must be 2-400"),
        (["--fit-out", "fit.json"], "`--fit-out` needs `--labs`"),
        (["--report", "report.txt"], "must end in .html"),
        (["--levers", "cycling,tre"], "`--levers`: lever 'cycling' changes how somatropin"),
        (["--method", "grid"], "`--method` must be one of auto, enumerate, tpe, nsga2"),
        (["--trials", "0"], "`--trials` must be 1-2000; got 0"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, args: list[str], match: str) -> None:
    base = {"--target": "sds:0..1", "--levers": "somatropin"}
    given = dict(zip(args[::2], args[1::2], strict=True))
    argv = ["optimize", "--person", str(PERSON)]
    for key, value in {**base, **given}.items():
        argv += [key, value if key not in ("--out", "--plot", "--fit-out")
                 else str(tmp_path / value)]  # fmt: skip
    line = _one_line_error(runner.invoke(app, argv))
    assert match in line
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_unknown_lever_message_lists_the_levers() -> None:
    line = _one_line_error(runner.invoke(app, ["optimize", "--person", str(PERSON), "--target",
                                               "sds:0..1", "--levers", "diet"]))  # fmt: skip
    for lever in LEVERS:
        assert lever in line


def test_an_existing_plan_is_untouched_when_the_command_fails(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: my current plan\n", encoding="utf-8")
    bad_labs = tmp_path / "labs.csv"
    bad_labs.write_text("date,igf1,unit\n2024-01-01,-5,ng/mL\n", encoding="utf-8")
    line = _one_line_error(runner.invoke(app, [
        "optimize", "--person", str(PERSON), "--labs", str(bad_labs), "--target", "sds:0..1",
        "--out", str(plan)]))  # fmt: skip
    assert "labs.csv, line 2" in line
    # fails when the files are written, after the search: the plot's name is a folder
    (tmp_path / "plan.png").mkdir()
    line = _one_line_error(runner.invoke(app, [
        "optimize", "--person", str(PERSON), "--target", "ng_ml:120..160", "--levers",
        "protein", "--horizon-days", "28", "--draws", "4", "--out", str(plan), "--plot",
        str(tmp_path / "plan.png")]))  # fmt: skip
    assert "is a folder" in line
    assert plan.read_text(encoding="utf-8") == "name: my current plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labs.csv", "plan.png", "plan.yaml"]
    assert list((tmp_path / "plan.png").iterdir()) == []


def test_optimize_is_listed_in_the_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "optimize" in result.stdout
    result = runner.invoke(app, ["optimize", "--help"])
    assert result.exit_code == 0
    for option in ("--target", "--levers", "--horizon-days", "--labs", "--out", "--plot",
                   "--method", "--trials", "--seed", "dose_time", "interval", "cycling",
                   "somapacitan", "nsga2"):  # fmt: skip
        assert option in result.stdout, option


def test_new_levers_and_a_library_method(tmp_path: Path) -> None:
    """``--levers tesamorelin,dose_time --method tpe``: the plan is the label dose (2 mg
    daily) at an evening hour of 18:00-23:00, runs as written, and says its method."""
    plan = tmp_path / "plan.yaml"
    data = _json(runner.invoke(app, [
        "optimize", "--person", str(PERSON), "--target", "sds:0..1", "--levers",
        "tesamorelin,dose_time", "--method", "tpe", "--trials", "3", "--seed", "1",
        "--horizon-days", "28", "--draws", "4", "--out", str(plan), "--json"]))  # fmt: skip
    assert data["method"] == "tpe"
    assert data["evaluated"] >= 2
    written = Protocol.from_yaml(plan)
    assert written == Protocol.from_dict(data["protocol"])
    assert dose_warnings(written, load_person(PERSON)) == []
    for dose in written.doses:
        assert (dose.drug, dose.amt, dose.ii_h) == ("tesamorelin", 2.0, 24.0)
        assert 18.0 <= dose.time_h <= 23.0
