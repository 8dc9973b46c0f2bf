"""``igfaxis assess`` (risk columns), ``igfaxis compare`` and ``igfaxis report`` (STYLE G11).

The report is opened in headless Chromium (Debian package ``chromium``; the Makefile's
bootstrap installs it when it can): the DOM must hold the risk-table rows and the
not-medical-advice line, and the screenshot must not be blank.
"""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from igfaxis.cli import app
from igfaxis.io.pdf import CHROMIUM_FLAGS, find_chromium
from igfaxis.risk import DISCLAIMER, hazard_curve, select_curves

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("cli/test_risk_commands")

runner = CliRunner()

PERSON = "age_y: 62\nsex: female\nweight_kg: 66\n"
BASELINE = "name: baseline\ndays: 1\n"
DOSED = "name: evening somatropin\ndays: 1\ndoses:\n  - {drug: somatropin, amt: 0.3, time_h: 20}\n"
LABS = (
    "date,igf1,unit\n2021-05-01,14.9,ng/mL\n2022-05-10,118,ng/mL\n2023-05-02,14.2,nmol/L\n"
    "2024-04-28,104,ng/mL\n"
)  # the first value is nmol/L typed as ng/mL: a warning, not an error


def _one_line_error(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("risk-cli")
    out = {}
    for name, text in (
        ("person.yaml", PERSON),
        ("baseline.yaml", BASELINE),
        ("dosed.yaml", DOSED),
        ("labs.csv", LABS),
    ):
        out[name] = root / name
        out[name].write_text(text, encoding="utf-8")
    out["root"] = root
    return out


# --------------------------------------------------------------------------------------
# assess
# --------------------------------------------------------------------------------------

ASSESS = ["assess", "--igf1", "100", "--unit", "ng/mL", "--age", "60", "--sex", "male"]


def test_assess_done_when() -> None:
    data = json.loads(runner.invoke(app, [*ASSESS, "--json"]).stdout)
    assert data["sds"] == pytest.approx(-0.71, abs=0.01)
    meta = next(r for r in data["hazard_ratios"] if r["curve_id"] == "mortality_meta")
    assert meta["x"] == pytest.approx(data["sds"])
    assert meta["hr"] == pytest.approx(
        math.exp(float(hazard_curve("mortality_meta").log_hr(data["sds"])))
    )
    assert meta["low"] < meta["hr"] < meta["high"]
    nmol = ["assess", "--igf1", "13.0736", "--unit", "nmol/L", "--age", "60", "--sex", "male"]
    same = json.loads(runner.invoke(app, [*nmol, "--json"]).stdout)
    assert same["sds"] == pytest.approx(data["sds"], abs=1e-4)
    assert [r["curve_id"] for r in data["hazard_ratios"]] == [
        c.info.id for c in select_curves("male")
    ]


def test_assess_text_shows_zones_hazard_ratios_and_caveats() -> None:
    args = [
        "assess",
        "--igf1",
        "160",
        "--unit",
        "ng/mL",
        "--age",
        "70",
        "--sex",
        "female",
        "--menopausal",
        "yes",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "zone high by SDS" in out
    assert "optimal by the absolute" in out
    assert "The two views disagree" in out
    assert "Hazard ratios vs the age/sex median" in out
    assert "breast cancer" in out
    assert "postmenopausal" in out
    assert "Burgers 2011" in out
    assert "observational" in out
    assert "assay" in out
    assert DISCLAIMER in out


def test_assess_wrong_unit_warns_on_one_yellow_line() -> None:
    args = ["assess", "--igf1", "25", "--unit", "ng/mL", "--age", "60", "--sex", "male", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("warning: IGF-1 25 ng/mL is SDS -4.1")
    assert "nmol/L" in lines[0]


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        (["--age", "300"], "`age_y` must be a finite age from 0.17 y"),
        (["--igf1", "-10"], "`igf1` must be a finite concentration > 0"),
        (["--sex", "unknown"], "`sex` must be 'male' or 'female'"),
        (["--unit", "ng/ml/"], "Did you mean 'ng/mL'?"),
        (["--unit", "nmoll"], "Did you mean 'nmol/L'?"),
        (["--assay", "elecsys"], "`assay` (reference table) must be one of"),
        (["--sex", "female", "--menopausal", "maybe"], "`--menopausal` must be yes or no"),
        (["--igfbp3", "3.5", "--igfbp3-unit", "mg"], "`igfbp3_unit`"),
    ],
    ids=["age-300", "negative", "sex", "unit-typo", "unit-typo-2", "assay", "menopausal", "bp3"],
)
def test_assess_bad_input_exits_2_with_one_line(changes: list[str], match: str) -> None:
    args = dict(zip(ASSESS[1::2], ASSESS[2::2], strict=True))
    extra = []
    for k in range(0, len(changes), 2):
        if changes[k] in args:
            args[changes[k]] = changes[k + 1]
        else:
            extra += changes[k : k + 2]
    flat = [item for pair in args.items() for item in pair]
    line = _one_line_error(runner.invoke(app, ["assess", *flat, *extra]))
    assert match in line


# --------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compared(files: dict[str, Path]) -> dict:
    plot = files["root"] / "compare.png"
    args = [
        "compare",
        str(files["baseline.yaml"]),
        str(files["dosed.yaml"]),
        "--person",
        str(files["person.yaml"]),
        "--plot",
        str(plot),
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return {"data": json.loads(result.stdout), "plot": plot}


def test_compare_json_has_the_columns_of_both_protocols(compared: dict) -> None:
    data = compared["data"]
    assert list(data["protocols"]) == ["baseline", "evening somatropin"]
    for entry in data["protocols"].values():
        s = entry["summary"]
        for key in (
            "igf1_daily_mean_ng_ml",
            "igf1_daily_mean_min_ng_ml",
            "mean_gh_ng_ml",
            "mean_gh_secretion_ng_ml_h",
            "time_in_band_fraction",
            "mean_sds",
        ):
            assert np.isfinite(s[key]), key
        ids = [r["curve_id"] for r in entry["score"]["hazard_ratios"]]
        assert "mortality_meta" in ids
        assert "cancer_breast" in ids
    base, dosed = (e["summary"] for e in data["protocols"].values())
    assert dosed["mean_gh_ng_ml"] > base["mean_gh_ng_ml"]  # exogenous GH
    assert data["note"] == DISCLAIMER
    assert compared["plot"].stat().st_size > 10_000
    assert data["files"]["plot"] == str(compared["plot"])


def test_compare_json_has_gh_pulsatility(compared: dict) -> None:
    base, dosed = (e["summary"] for e in compared["data"]["protocols"].values())
    for s in (base, dosed):
        for key in (
            "gh_burst_frequency_per_day",
            "gh_approximate_entropy",
            "gh_basal_secretion_ng_ml_h",
            "gh_secretion_ng_ml_per_day",
            "gh_secretory_bursts_per_day",
        ):
            assert np.isfinite(s[key]), key
        assert s["gh_burst_mass_ng_ml"] is None or s["gh_burst_mass_ng_ml"] > 0.0
    # a pulsatile untreated day: bursts (Hartman 1990: about 11 per 24 h in women) and
    # irregularity above zero
    assert base["gh_burst_frequency_per_day"] >= 4.0
    assert base["gh_approximate_entropy"] > 0.1
    assert base["gh_basal_secretion_ng_ml_h"] > 0.0


def test_compare_text_table(files: dict[str, Path]) -> None:
    args = [
        "compare",
        str(files["baseline.yaml"]),
        str(files["dosed.yaml"]),
        "--person",
        str(files["person.yaml"]),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    for text in (
        "IGF-1 daily mean [ng/mL]",
        "mean GH secretion",
        "time in 120-160 ng/mL band",
        "GH bursts (serum, q10 min) [/day]",
        "GH ApEn(1, 20%)",
        "basal GH secretion [ng/mL/h]",
        "GH burst mass [ng/mL]**",
        "** GH pulsatility",
        "all-cause mortality (Burgers 2011)",
        DISCLAIMER,
    ):
        assert text in out


def test_compare_needs_two_protocols_and_sanders_needs_a_year(files: dict[str, Path]) -> None:
    line = _one_line_error(runner.invoke(app, ["compare", str(files["baseline.yaml"])]))
    assert "two or more protocol files" in line
    args = ["compare", str(files["baseline.yaml"]), str(files["dosed.yaml"]), "--sanders"]
    assert "`--sanders` needs IGF-1 values spanning a year" in _one_line_error(
        runner.invoke(app, args)
    )
    args = ["compare", str(files["baseline.yaml"]), str(files["dosed.yaml"]), "--menopausal", "no"]
    assert "applies to women" in _one_line_error(runner.invoke(app, args))


# --------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(files: dict[str, Path]) -> Path:
    out = files["root"] / "out" / "report.html"
    args = [
        "report",
        "--person",
        str(files["person.yaml"]),
        "--protocol",
        str(files["dosed.yaml"]),
        "--labs",
        str(files["labs.csv"]),
        "--out",
        str(out),
        "--menopausal",
        "yes",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"wrote html: {out}" in result.stdout
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1
    assert warning[0].startswith("warning: lab 2021-05-01: IGF-1 14.9 ng/mL is SDS")
    assert "reported in nmol/L?" in warning[0]
    return out


def test_report_html_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # centiles, trajectory, and the fitted trajectory through the labs (report --labs fits)
    assert html.count('src="data:image/png;base64,') == 3
    assert "Fitted to the labs" in html
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html
    assert html.count("class='risk-row'") == len(select_curves("female", menopausal=True))
    for text in (
        "Position on the reference centiles",
        "Simulated trajectory",
        "Summary",
        "HR latest lab",
        "Burgers 2011",
        "2024-04-28",
        "not medical advice",
    ):
        assert text in html


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    browser = find_chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (needs root: apt-get install chromium)")
    cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="risk-row"') == len(select_curves("female", menopausal=True))
    assert 'data-curve="mortality_meta"' in dom.stdout
    assert 'id="not-medical-advice"' in dom.stdout
    assert "not medical advice" in dom.stdout
    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1100,2400", report.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.is_file()
    from matplotlib import image

    pixels = image.imread(str(shot))[..., :3]
    assert pixels.shape[:2] == (2400, 1100)
    assert float(pixels.std()) > 0.05  # not blank: text, tables and figures
    assert float((pixels.mean(axis=2) < 0.5).mean()) > 0.01  # some dark ink


def test_report_pdf(files: dict[str, Path]) -> None:
    if find_chromium() is None:
        pytest.skip("Chromium is not installed (needs root: apt-get install chromium)")
    out = files["root"] / "pdf" / "r.html"
    args = [
        "report",
        "--person",
        str(files["person.yaml"]),
        "--protocol",
        str(files["baseline.yaml"]),
        "--out",
        str(out),
        "--pdf",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pdf = Path(data["files"]["pdf"])
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert data["latest_lab"] is None


@pytest.mark.parametrize(
    ("labs", "match"),
    [
        ("date,igf1\n2024-01-01,100\n", "the header must name"),
        ("date,day,igf1,unit\n2024-01-01,0,100,ng/mL\n", "the header must name"),
        ("date,igf1,unit,comment\n2024-01-01,100,ng/mL,x\n", "unknown: ['comment']"),
        ("date,igf1,unit\n01/02/2024,100,ng/mL\n", "line 2: `date` must be an ISO date"),
        ("date,igf1,unit\n2024-01-01,-4,ng/mL\n", "line 2: `igf1` must be > 0"),
        ("date,igf1,unit\n2024-01-01,abc,ng/mL\n", "line 2: `igf1` must be a number"),
        ("date,igf1,unit\n2024-01-01,100,ng/ml/\n", "line 2: `unit` must be one of"),
        ("day,igf1,unit\n0,100,\n", "line 2: `unit` is empty"),
        ("date,igf1,unit\n", "no measurements"),
        ("", "is empty"),
    ],
    ids=[
        "no-unit-col",
        "both-times",
        "extra-col",
        "date",
        "negative",
        "text",
        "unit",
        "empty-cell",
        "no-rows",
        "empty",
    ],
)
def test_report_bad_labs_exit_2(files: dict[str, Path], labs: str, match: str) -> None:
    path = files["root"] / "bad-labs.csv"
    path.write_text(labs, encoding="utf-8")
    args = [
        "report",
        "--person",
        str(files["person.yaml"]),
        "--protocol",
        str(files["baseline.yaml"]),
        "--labs",
        str(path),
        "--out",
        str(files["root"] / "x.html"),
    ]
    assert match in _one_line_error(runner.invoke(app, args))


def test_report_out_must_be_html(files: dict[str, Path]) -> None:
    args = [
        "report",
        "--person",
        str(files["person.yaml"]),
        "--protocol",
        str(files["baseline.yaml"]),
        "--out",
        str(files["root"] / "r.pdf"),
    ]
    assert "`--out` must end in .html" in _one_line_error(runner.invoke(app, args))


def test_read_labs_places_dates_and_days_on_the_time_line(files: dict[str, Path]) -> None:
    from igfaxis.io.labs import read_labs

    labs = read_labs(files["labs.csv"])
    assert [lab.day for lab in labs] == [-1093.0, -719.0, -362.0, 0.0]
    assert labs[2].igf1_ng_ml == pytest.approx(14.2 * 7.649)
    assert labs[1].age_y(62.0) == pytest.approx(62.0 - 719 / 365.25)
    days = files["root"] / "days.csv"
    days.write_text("DAY,IGF1,Unit\n5,150,ug/L\n-30,120,ng/mL\n", encoding="utf-8")
    assert [(lab.day, lab.label) for lab in read_labs(days)] == [(-30.0, "day -30"), (5.0, "day 5")]


@pytest.mark.parametrize("command", ["compare", "report"])
def test_help_of_the_new_commands(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    assert "not medical advice" in " ".join(result.stdout.split())
    assert command in runner.invoke(app, ["--help"]).stdout
