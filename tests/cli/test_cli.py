"""Tests of the ``igfaxis`` command line (typer CliRunner; STYLE G11)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from igfaxis.cli import app, load_person
from igfaxis.errors import ProtocolError
from igfaxis.risk import DISCLAIMER

runner = CliRunner()

ONE_DAY = """\
name: one evening dose
days: 1
doses:
  - {drug: somatropin, amt: 0.3, time_h: 22}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    return lines[0]


# --------------------------------------------------------------------------------------
# Help
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [[], ["simulate"], ["assess"], ["validate"], ["export-sbml"], ["demo"]]
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout


def test_top_level_help_lists_the_commands() -> None:
    out = runner.invoke(app, ["--help"]).stdout
    for name in ("simulate", "assess", "validate", "export-sbml", "demo", "--debug"):
        assert name in out


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "igfaxis", "--help"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "assess" in proc.stdout


# --------------------------------------------------------------------------------------
# assess
# --------------------------------------------------------------------------------------


def test_assess_json_numbers() -> None:
    args = ["assess", "--igf1", "100", "--unit", "ng/mL", "--age", "60", "--sex", "male"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sds"] == pytest.approx(-0.71, abs=0.02)
    assert data["percentile"] == pytest.approx(23.9, abs=0.5)
    assert data["igf1_nmol_l"] == pytest.approx(13.07, abs=0.01)
    assert data["zone_sds"] == "within reference"
    assert data["zone_band"] == "below band"
    assert DISCLAIMER in data["notes"]


def test_assess_nmol_per_l_matches_ng_per_ml() -> None:
    args = ["assess", "--igf1", "13.07", "--unit", "nmol/L", "--age", "60", "--sex", "m"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert data["sds"] == pytest.approx(-0.71, abs=0.02)
    assert data["igf1_ng_ml"] == pytest.approx(100.0, abs=0.05)


def test_assess_text_output() -> None:
    args = ["assess", "--igf1", "150", "--unit", "ng/mL", "--age", "45", "--sex", "female"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "SDS" in result.stdout
    assert "in band" in result.stdout
    assert DISCLAIMER in result.stdout


def test_assess_old_age_warns_on_one_line() -> None:
    args = ["assess", "--igf1", "100", "--unit", "ng/mL", "--age", "90", "--sex", "male"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # stdout stays pure JSON
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: `age_y` = 90 y")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--igf1", "-5", "--unit", "ng/mL", "--age", "60", "--sex", "male"], "`igf1`"),
        (["--igf1", "100", "--unit", "furlong", "--age", "60", "--sex", "male"], "`unit`"),
        (["--igf1", "100", "--unit", "ng/mL", "--age", "60", "--sex", "x"], "`sex`"),
        (["--igf1", "100", "--unit", "ng/mL", "--age", "0", "--sex", "male"], "`age_y`"),
    ],
    ids=["negative-igf1", "unknown-unit", "bad-sex", "bad-age"],
)
def test_assess_bad_input(args: list[str], match: str) -> None:
    line = _one_line_error(runner.invoke(app, ["assess", *args]))
    assert match in line


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["assess", "--unit", "ng/mL", "--age", "60", "--sex", "male"])
    assert result.exit_code == 2
    assert "--igf1" in result.output


def test_debug_shows_the_exception() -> None:
    args = ["assess", "--igf1", "-5", "--unit", "ng/mL", "--age", "60", "--sex", "male"]
    result = runner.invoke(app, ["--debug", *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, ProtocolError)


# --------------------------------------------------------------------------------------
# Bad files
# --------------------------------------------------------------------------------------


def test_missing_protocol_file(tmp_path: Path) -> None:
    line = _one_line_error(runner.invoke(app, ["simulate", str(tmp_path / "nope.yaml")]))
    assert "does not exist" in line


def test_protocol_with_unknown_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "name: x\nsleeep: {onset_h: 23}\n")
    line = _one_line_error(runner.invoke(app, ["simulate", str(path)]))
    assert "`sleeep` is not a known field" in line


def test_dose_with_negative_amount(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "doses:\n  - {drug: somatropin, amt: -0.2}\n")
    line = _one_line_error(runner.invoke(app, ["simulate", str(path)]))
    assert "`doses.0.amt`" in line


def test_protocol_that_is_not_yaml(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "doses: [\n  {drug: : :\n")
    line = _one_line_error(runner.invoke(app, ["simulate", str(path)]))
    assert "not valid YAML" in line


def test_bad_person_files(tmp_path: Path) -> None:
    protocol = _write(tmp_path, "p.yaml", ONE_DAY)
    missing = runner.invoke(app, ["simulate", str(protocol), "--person", "nobody.yaml"])
    assert "person file 'nobody.yaml' does not exist" in _one_line_error(missing)
    person = _write(tmp_path, "who.json", '{"age_y": 45, "height_cm": 180}')
    unknown = runner.invoke(app, ["simulate", str(protocol), "--person", str(person)])
    assert "`height_cm` is not a known field" in _one_line_error(unknown)


def test_bad_days(tmp_path: Path) -> None:
    protocol = _write(tmp_path, "p.yaml", ONE_DAY)
    line = _one_line_error(runner.invoke(app, ["simulate", str(protocol), "--days", "-1"]))
    assert "`days`" in line


def test_load_person_reads_yaml_and_json(tmp_path: Path) -> None:
    yml = _write(tmp_path, "p.yaml", "age_y: 60\nsex: female\nweight_kg: 65\n")
    jsn = _write(tmp_path, "p.json", '{"age_y": 60, "sex": "female", "weight_kg": 65}')
    assert load_person(yml) == load_person(jsn)
    assert load_person(yml).age_y == 60
    with pytest.raises(ProtocolError, match="must hold a mapping"):
        load_person(_write(tmp_path, "list.yaml", "- 1\n- 2\n"))


# --------------------------------------------------------------------------------------
# simulate (short horizons)
# --------------------------------------------------------------------------------------


def test_simulate_writes_csv_and_png(tmp_path: Path) -> None:
    protocol = _write(tmp_path, "p.yaml", ONE_DAY)
    person = _write(tmp_path, "who.yaml", "age_y: 50\nsex: female\nweight_kg: 70\n")
    csv, png = tmp_path / "out" / "run.csv", tmp_path / "out" / "run.png"
    args = ["simulate", str(protocol), "--person", str(person), "--seed", "3"]
    result = runner.invoke(app, [*args, "--out", str(csv), "--plot", str(png), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    summary = data["summary"]
    assert summary["days"] == pytest.approx(1.0)
    assert 50.0 < summary["igf1_first_day_mean_ng_ml"] < 500.0
    assert summary["igf1_min_ng_ml"] <= summary["igf1_max_ng_ml"]
    assert 0.0 <= summary["time_in_band_fraction"] <= 1.0
    assert summary["mean_gh_ng_ml"] > 0.0
    assert data["person"]["sex"] == "female"
    assert data["seed"] == 3
    assert data["note"] == DISCLAIMER
    assert png.is_file()
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    df = pd.read_csv(csv)
    assert {"time_h", "gh_ng_ml", "igf1_total_ng_ml"} <= set(df.columns)
    assert df["time_h"].iloc[-1] == pytest.approx(24.0)


# the demo (both parts, with its files) runs in tests/cli/test_demo_cli.py


# --------------------------------------------------------------------------------------
# validate and export-sbml, with their back ends replaced
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    id: str
    metric: str
    value: float
    low: float
    high: float
    unit: str
    passed: bool
    note: str = ""


@dataclass(frozen=True)
class _Report:
    rows: tuple[_Row, ...]

    @property
    def all_passed(self) -> bool:
        return all(r.passed for r in self.rows)


def _fake_validate(rows: tuple[_Row, ...], calls: list):
    def validate(path=None, *, ids=None, progress=None):
        calls.append((path, ids))
        for k, r in enumerate(rows):
            if progress is not None:
                progress(r.id, k, len(rows))
        return _Report(rows)

    return validate


PASS = _Row("V-PHY-01", "GH half-life [min]", 19.9, 8.0, 26.0, "min", True)
FAIL = _Row("V-REF-01", "IGF-1 at 60 y", 250.0, 90.0, 200.0, "ng/mL", False, "too high")


def test_validate_table_and_exit_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list = []
    monkeypatch.setattr("igfaxis.validation.validate", _fake_validate((PASS,), calls))
    ok = runner.invoke(app, ["validate"])
    assert ok.exit_code == 0, ok.output
    assert "V-PHY-01" in ok.stdout
    assert "PASS" in ok.stdout
    assert "1/1" in ok.stdout
    assert "GH half-life [min]" in ok.stdout  # brackets are text, not rich markup
    monkeypatch.setattr("igfaxis.validation.validate", _fake_validate((PASS, FAIL), calls))
    bad = runner.invoke(app, ["validate", "--targets", "t.yaml", "--id", "V-REF"])
    assert bad.exit_code == 1
    assert "FAIL" in bad.stdout
    assert "1/2" in bad.stdout
    assert calls[-1] == (Path("t.yaml"), ["V-REF"])


def test_validate_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("igfaxis.validation.validate", _fake_validate((PASS, FAIL), []))
    result = runner.invoke(app, ["validate", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["all_passed"] is False
    assert [r["passed"] for r in data["rows"]] == [True, False]
    assert data["rows"][1]["note"] == "too high"


def test_validate_missing_targets_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--targets", str(tmp_path / "none.yaml")])
    assert "does not exist" in _one_line_error(result)


def test_export_sbml_passes_the_protocol_horizon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}

    def write_sbml(path, person, protocol, *, days, seed=0):
        seen.update(person=person, protocol=protocol, days=days, seed=seed)
        Path(path).write_text("<sbml/>", encoding="utf-8")
        return Path(path)

    monkeypatch.setattr("igfaxis.io.sbml.write_sbml", write_sbml)
    protocol = _write(tmp_path, "p.yaml", ONE_DAY.replace("days: 1", "days: 3"))
    out = tmp_path / "x" / "model.xml"
    result = runner.invoke(app, ["export-sbml", str(protocol), "--out", str(out), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert out.read_text() == "<sbml/>"
    assert seen["days"] == 3.0
    assert seen["seed"] == 7
    assert seen["person"].age_y == 45.0
    assert seen["protocol"].name == "one evening dose"


def test_export_sbml_missing_protocol(tmp_path: Path) -> None:
    args = ["export-sbml", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "m.xml")]
    assert "does not exist" in _one_line_error(runner.invoke(app, args))
