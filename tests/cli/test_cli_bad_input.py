"""Bad input through the CLI: exit code 2, one bounded red line, no traceback, no output
changed (issue 16, items 1, 2, 3 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from igfaxis.cli import app
from igfaxis.errors import ExportError

runner = CliRunner()

PERSON = "age_y: 45\nsex: male\nweight_kg: 80\n"
LABS = "day,igf1,unit\n0,150,ng/mL\n"
DOSES = "ID,TIME,AMT,DRUG,ROUTE\n1,0,0.3,somatropin,sc\n"


def _files(tmp_path: Path) -> dict[str, Path]:
    texts = {"p.yaml": "name: ok\n", "person.yaml": PERSON, "labs.csv": LABS, "doses.csv": DOSES}
    out = {}
    for name, text in texts.items():
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    return out


def _slots(f: dict[str, Path], bad: Path, tmp_path: Path) -> dict[str, list[str]]:
    """Every file slot of the CLI with ``bad`` in it (the other files valid)."""
    out = str(tmp_path / "out")
    return {
        "simulate": ["simulate", str(bad), "--out", f"{out}.csv"],
        "simulate --person": ["simulate", str(f["p.yaml"]), "--person", str(bad)],
        "compare": ["compare", str(f["p.yaml"]), str(bad)],
        "report --person": [
            "report",
            "--person",
            str(bad),
            "--protocol",
            str(f["p.yaml"]),
            "--out",
            f"{out}.html",
        ],
        "report --protocol": [
            "report",
            "--person",
            str(f["person.yaml"]),
            "--protocol",
            str(bad),
            "--out",
            f"{out}.html",
        ],
        "report --labs": [
            "report",
            "--person",
            str(f["person.yaml"]),
            "--protocol",
            str(f["p.yaml"]),
            "--labs",
            str(bad),
            "--out",
            f"{out}.html",
        ],
        "validate --targets": ["validate", "--targets", str(bad)],
        "export-sbml": ["export-sbml", str(bad), "--out", f"{out}.xml"],
        "doses export": ["doses", "export", str(bad), "--out", f"{out}.csv"],
        "doses import": ["doses", "import", str(bad), "--out", f"{out}.yaml"],
    }


def _error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert len(lines[0]) <= 2_100
    return lines[0]


def _outputs(tmp_path: Path) -> set[str]:
    return {p.name for p in tmp_path.iterdir() if p.name.startswith("out")}


LAUGHS = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 10)]
)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is binary"),
        ("name: café\n".encode("latin-1"), "is not UTF-8 text"),
        (LAUGHS.encode(), "expands to more than"),
    ],
    ids=["binary", "latin-1", "billion-laughs"],
)
def test_every_file_slot_refuses_bad_bytes(tmp_path, content, match):
    f = _files(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(content)
    for slot, args in _slots(f, bad, tmp_path).items():
        if slot in ("report --labs", "doses import"):  # CSV slots
            bad = bad.rename(bad.with_suffix(".csv"))
            args = [str(bad) if a.endswith(("bad.yaml", "bad.csv")) else a for a in args]
        line = _error_line(runner.invoke(app, args))
        if bad.suffix == ".yaml" or match != "expands to more than":  # CSV: not YAML at all
            assert match in line, (slot, line)
        bad = bad.rename(bad.with_suffix(".yaml")) if bad.suffix == ".csv" else bad
    assert not _outputs(tmp_path)


@pytest.mark.parametrize("name", ["labs.csv", "doses.csv"])
def test_a_50_mb_csv_is_refused_without_reading_it(tmp_path, name):
    f = _files(tmp_path)
    with f[name].open("r+b") as fh:
        fh.truncate(50 << 20)
    if name == "labs.csv":
        args = [
            "report",
            "--person",
            str(f["person.yaml"]),
            "--protocol",
            str(f["p.yaml"]),
            "--labs",
            str(f[name]),
            "--out",
            str(tmp_path / "out.html"),
        ]
    else:
        args = ["doses", "import", str(f[name]), "--out", str(tmp_path / "out.yaml")]
    assert "is 50.0 MiB; at most 4 MiB" in _error_line(runner.invoke(app, args))


def test_too_many_lab_rows_are_refused(tmp_path):
    f = _files(tmp_path)
    f["labs.csv"].write_text(LABS + "1,150,ng/mL\n" * 10_001, encoding="utf-8")
    args = [
        "report",
        "--person",
        str(f["person.yaml"]),
        "--protocol",
        str(f["p.yaml"]),
        "--labs",
        str(f["labs.csv"]),
        "--out",
        str(tmp_path / "out.html"),
    ]
    assert "more than 10000 measurements" in _error_line(runner.invoke(app, args))


@pytest.mark.parametrize(
    ("option", "match"),
    [
        (["--seed", "-1"], "`seed` must be a whole number"),
        (["--days", "1e-9"], r"`days` must be a number in \["),
        (["--days", "inf"], r"`days` must be a number in \["),
    ],
)
def test_seed_and_days_out_of_range_exit_2(tmp_path, option, match):
    f = _files(tmp_path)
    line = _error_line(runner.invoke(app, ["simulate", str(f["p.yaml"]), *option]))
    assert match.replace("\\", "") in line or __import__("re").search(match, line)


def test_empty_protocol_file_exits_2(tmp_path):
    (tmp_path / "e.yaml").write_text("", encoding="utf-8")
    assert "e.yaml is empty" in _error_line(
        runner.invoke(app, ["simulate", str(tmp_path / "e.yaml")])
    )


@pytest.mark.parametrize("text", ["[]\n", ""])
def test_validate_with_no_targets_exits_2(tmp_path, text):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    line = _error_line(runner.invoke(app, ["validate", "--targets", str(path)]))
    assert "no targets" in line or "must be a YAML list" in line


def test_validate_with_an_unknown_id_exits_2():
    line = _error_line(runner.invoke(app, ["validate", "--id", "NO-SUCH-TARGET"]))
    assert "no target id is or starts with" in line


def test_assess_menopausal_text_is_checked():
    args = ["assess", "--igf1", "100", "--unit", "ng/mL", "--age", "60", "--sex", "f"]
    assert "`--menopausal` must be yes or no" in _error_line(
        runner.invoke(app, [*args, "--menopausal", "maybe"])
    )
    assert "`seed` must be" in _error_line(runner.invoke(app, [*args, "--seed", "-1"]))


def test_wrong_plot_suffix_fails_before_anything_is_written(tmp_path):
    f = _files(tmp_path)
    csv = tmp_path / "out.csv"
    args = [
        "simulate",
        str(f["p.yaml"]),
        "--days",
        "0.25",
        "--out",
        str(csv),
        "--plot",
        str(tmp_path / "out.xyz"),
    ]
    assert "must end in one of" in _error_line(runner.invoke(app, args))
    assert not _outputs(tmp_path)


def test_a_failing_output_leaves_every_output_unchanged(tmp_path, monkeypatch):
    f = _files(tmp_path)
    csv, png = tmp_path / "out.csv", tmp_path / "out.png"
    csv.write_text("old csv", encoding="utf-8")

    def fail(*args, **kwargs):
        raise ExportError("the figure could not be drawn")

    monkeypatch.setattr("igfaxis.io.plots.plot_trajectory", fail)
    args = ["simulate", str(f["p.yaml"]), "--days", "0.25", "--out", str(csv), "--plot", str(png)]
    assert "the figure could not be drawn" in _error_line(runner.invoke(app, args))
    assert csv.read_text(encoding="utf-8") == "old csv"
    assert not png.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_report_pdf_without_chromium_writes_nothing(tmp_path, monkeypatch):
    f = _files(tmp_path)
    monkeypatch.setattr("igfaxis.io.pdf.find_chromium", lambda: None)
    args = [
        "report",
        "--person",
        str(f["person.yaml"]),
        "--protocol",
        str(f["p.yaml"]),
        "--out",
        str(tmp_path / "out.html"),
        "--pdf",
    ]
    assert "`--pdf` needs Chromium" in _error_line(runner.invoke(app, args))
    assert not _outputs(tmp_path)


def test_dollar_signs_in_a_protocol_name_are_drawn_as_text(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('name: "$5 a day $x^$ \\\\frac{"\n', encoding="utf-8")
    png = tmp_path / "out.png"
    result = runner.invoke(app, ["simulate", str(path), "--days", "0.25", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.stat().st_size > 1000


@pytest.mark.parametrize("command", ["simulate", "compare", "report"])
def test_an_unknown_resolution_exits_2_naming_the_option(tmp_path, command):
    f = _files(tmp_path)
    out = tmp_path / "r.html"
    args = {
        "simulate": ["simulate", str(f["p.yaml"])],
        "compare": ["compare", str(f["p.yaml"]), str(f["p.yaml"])],
        "report": ["report", "--person", str(f["person.yaml"]), "--protocol", str(f["p.yaml"]),
                   "--out", str(out)],
    }[command]
    line = _error_line(runner.invoke(app, [*args, "--resolution", "hourly"]))
    assert "`--resolution` must be auto, pulse or day; got 'hourly'" in line
    assert not out.exists()
