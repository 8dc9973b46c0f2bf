"""``igfaxis demo`` (make demo): part 1, low-dose somatropin vs none in a healthy man; part 2,
a GH-deficient adult's labs -> fit -> plan -> plan vs no change, with plots.

Real runs with the demo's hidden knobs turned down (1 day for part 1; 8 weeks and six
posterior draws for the plan).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from igfaxis.calibrate import CalibrationResult
from igfaxis.cli import app, load_person
from igfaxis.optimize import NOTE
from igfaxis.protocol import Protocol, dose_warnings
from igfaxis.risk import DISCLAIMER

runner = CliRunner()

# One worker runs the module (make test: --dist loadgroup), so the --json run finds the day
# tables of the fixture's run, with the same knobs, in the cache instead of making its own.
pytestmark = pytest.mark.xdist_group("demo")
KNOBS = ("--days", "1", "--horizon-days", "56", "--draws", "6")

ROOT = Path(__file__).resolve().parents[2]
FILES = ("demo.png", "baseline.csv", "somatropin-low-dose.csv", "fit.json", "fit.png",
         "plan.yaml", "plan.json", "plan.png", "compare.png")  # fmt: skip
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out-dir", str(out), *KNOBS])
    assert result.exit_code == 0, result.output
    return {"out": out, "stdout": result.stdout}


def test_demo_writes_its_files(demo: dict) -> None:
    out = demo["out"]
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # and no temporary file
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
        if name.endswith(".png"):
            assert (out / name).read_bytes()[:8] == PNG, name
    fit = CalibrationResult.read(out / "fit.json")
    assert len(fit.labs) == 3
    assert fit.person == load_person(ROOT / "examples" / "persons" / "adult-ghd.yaml")


def test_the_plan_beats_no_change_within_label(demo: dict) -> None:
    out = demo["out"]
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert data["note"] == NOTE
    assert data["from_labs"] is True
    assert data["target"]["kind"] == "sds"
    assert data["draws"] == 6
    assert data["expected"]["p_in_band"] >= data["baseline"]["expected"]["p_in_band"]
    plan = Protocol.from_yaml(out / "plan.yaml")
    assert plan == Protocol.from_dict(data["protocol"])
    assert dose_warnings(plan, load_person(ROOT / "examples" / "persons" / "adult-ghd.yaml")) == []
    assert {d.drug for d in plan.doses} <= {"somatropin"}


def test_demo_prints_both_parts_and_the_notes(demo: dict) -> None:
    text = " ".join(demo["stdout"].split())  # rich wraps lines at the terminal's width
    for piece in ("Part 1.", "baseline", "somatropin-low-dose", "mean GH [ng/mL]", "Part 2.",
                  "illustrative, not a real patient", "6 posterior draws", "Fit: ",
                  "Personal parameters", "best plan", "no change", "Pareto set",
                  "igfaxis simulate", DISCLAIMER, NOTE):  # fmt: skip
        assert piece in text, piece
    # both comparison tables name their band, to at most one decimal (not 141.049-173.663)
    bands = re.findall(r"time in (\S+)-(\S+) ng/mL band", text)
    assert len(bands) == 2, bands
    assert all(re.fullmatch(r"\d+(\.\d)?", v) for pair in bands for v in pair), bands


def test_demo_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out-dir", str(tmp_path), *KNOBS, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    keys = {"summary", "plan", "fit", "plan_vs_no_change", "files", "note", "plan_note"}
    assert keys <= set(data)
    assert set(data["plan_vs_no_change"]) == {"no change", "plan"}
    for label, run in data["plan_vs_no_change"].items():  # time in the plan's band, not 120-160
        assert run["band_ng_ml"] == data["plan"]["band_ng_ml"], label
    assert data["plan_note"] == NOTE
    plan = data["plan"]
    assert plan["expected"]["p_in_band"] >= plan["baseline"]["expected"]["p_in_band"]
    assert {Path(p).name for p in data["files"].values()} == set(FILES)


def test_demo_refuses_a_bad_horizon(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out-dir", str(tmp_path), "--horizon-days", "3"])
    assert result.exit_code == 2
    assert "`--horizon-days`" in result.stderr
    assert list(tmp_path.iterdir()) == []
