"""``igfaxis doses export/import``, regimen errors and label warnings on the CLI (G11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from igfaxis.cli import app
from igfaxis.protocol import Dose, Protocol, parse_regimen

runner = CliRunner()

REGIMENS = """\
name: mixed
doses:
  - tesamorelin 2 mg sc daily x 182 at 22:00
  - {drug: ipamorelin, regimen: "40 nmol/kg iv at 08:00 from day 3 over 15 min"}
"""

TABLE = """\
ID,TIME,EVID,AMT,CMT,II,ADDL,RATE,DRUG,ROUTE,AMT_UNIT
1,22.0,1,2.0,tesamorelin_sc,24.0,181,0.0,tesamorelin,sc,mg
1,56.0,1,40.0,ipamorelin_iv,0.0,0,160.0,ipamorelin,iv,nmol/kg
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", [["doses"], ["doses", "export"], ["doses", "import"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout


def test_export_writes_the_nonmem_table(tmp_path):
    out = tmp_path / "out" / "doses.csv"
    result = runner.invoke(app, ["doses", "export", str(_write(tmp_path, "p.yaml", REGIMENS)),
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_text() == TABLE
    assert "wrote 2 dosing records" in result.stdout


def test_import_writes_a_protocol_that_reads_back(tmp_path):
    out = tmp_path / "protocol.yaml"
    table = _write(tmp_path, "trial.csv", TABLE.lower())  # mrgsolve users write lower case
    result = runner.invoke(app, ["doses", "import", str(table), "--out", str(out)])
    assert result.exit_code == 0, result.output
    protocol = Protocol.from_yaml(out)
    assert protocol.name == "trial"
    assert protocol.doses == (
        Dose(drug="tesamorelin", amt=2, time_h=22, ii_h=24, addl=181),
        Dose(drug="ipamorelin", amt=40, amt_unit="nmol/kg", route="iv", time_h=56, dur_h=0.25),
    )
    assert "tesamorelin 2 mg sc daily x 182 at 22:00" in result.stdout
    assert "ipamorelin 40 nmol/kg iv once at 08:00 from day 3 over 15 min" in result.stdout


def test_export_then_import_keeps_the_doses(tmp_path):
    csv, yaml_out = tmp_path / "d.csv", tmp_path / "p.yaml"
    source = _write(tmp_path, "src.yaml", REGIMENS)
    assert runner.invoke(app, ["doses", "export", str(source), "--out", str(csv)]).exit_code == 0
    result = runner.invoke(app, ["doses", "import", str(csv), "--out", str(yaml_out),
                                 "--name", "again", "--id", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert Protocol.from_yaml(yaml_out).doses == Protocol.from_yaml(source).doses
    assert Protocol.from_yaml(yaml_out).name == "again"


@pytest.mark.parametrize(
    ("dose", "match"),
    [
        ("{drug: somatropin, amt: -1}", r"`doses\.0\.amt`: Input should be greater than 0; got -1"),
        ("{drug: somatropin, amt: 0}", r"`doses\.0\.amt`: Input should be greater than 0; got 0"),
        ('"insulin 1 mg sc once"', r"unknown drug 'insulin'; use one of .*tesamorelin"),
        ('"octreotide 0.1 mg po once"', r"`route` 'po' is not supported for octreotide; use one "
                                        r"of sc, iv, im"),
        ("{drug: somatropin, amt: 1, addl: 3}", r"`addl` = 3 needs `ii_h`"),
        ('"somatropin 1 mg sc dialy x 3"', r"`doses\.0`: `regimen` 'somatropin 1 mg sc dialy x 3'"
                                           r": cannot read 'dialy x 3'"),
    ],
)  # fmt: skip
def test_bad_doses_exit_2_with_one_line(tmp_path, dose, match):
    protocol = _write(tmp_path, "bad.yaml", f"doses:\n  - {dose}\n")
    result = runner.invoke(app, ["doses", "export", str(protocol), "--out", str(tmp_path / "x")])
    line = _one_line_error(result)
    assert line.startswith("error: invalid bad.yaml: ")
    assert re.search(match, line), line


def test_bad_csv_cell_exits_2_naming_line_and_column(tmp_path):
    table = _write(tmp_path, "d.csv", TABLE.replace("1,56.0,1,40.0", "1,56.0,1,-40.0"))
    result = runner.invoke(app, ["doses", "import", str(table), "--out", str(tmp_path / "p")])
    line = _one_line_error(result)
    assert line.startswith("error: d.csv line 3, column `AMT`: -40.0 is negative")
    assert not (tmp_path / "p").exists()


def test_evid_4_is_refused(tmp_path):
    table = _write(tmp_path, "d.csv", TABLE.replace("1,22.0,1,", "1,22.0,4,"))
    result = runner.invoke(app, ["doses", "import", str(table), "--out", str(tmp_path / "p")])
    assert "line 2, column `EVID`: 4 is not supported" in _one_line_error(result)


ABOVE_LABEL = """\
name: high
days: 1
doses:
  - tesamorelin 4 mg sc once at 22:00
  - tesamorelin 4 mg sc once at 22:00
"""


def test_simulate_prints_each_label_warning_once(tmp_path):
    protocol = _write(tmp_path, "high.yaml", ABOVE_LABEL)
    result = runner.invoke(app, ["simulate", str(protocol), "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # stdout stays pure JSON
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: tesamorelin 4 mg sc exceeds the label maximum of 2 mg per dose (Egrifta "
        "label, daily dose); the simulation runs, but the model is not checked against such "
        "doses and its result is not a dosing recommendation; check the amount and its unit."
    ]


def test_compare_and_report_warn_before_their_own_errors(tmp_path):
    high = _write(tmp_path, "high.yaml", ABOVE_LABEL)
    person = _write(tmp_path, "person.yaml", "age_y: 50\nweight_kg: 60\n")
    low = _write(tmp_path, "low.yaml", "doses: [mk677 75 mg po once]\n")
    # --sanders with a 1-day run is refused after the doses were checked
    result = runner.invoke(app, ["compare", str(high), str(low), "--sanders"])
    assert "`--sanders` needs IGF-1 values spanning a year" in _one_line_error(result)
    assert "warning: tesamorelin 4 mg sc exceeds the label maximum" in result.stderr
    assert "warning: mk677 75 mg po exceeds 50 mg per dose" in result.stderr
    # report refuses an --out that is not .html, after the doses were checked
    result = runner.invoke(app, ["report", "--person", str(person), "--protocol", str(high),
                                 "--out", str(tmp_path / "r.pdf")])  # fmt: skip
    assert "`--out` must end in .html" in _one_line_error(result)
    assert "warning: tesamorelin 4 mg sc exceeds the label maximum" in result.stderr


def test_regimen_of_printed_doses_parses(tmp_path):
    # what `doses import` prints is valid regimen text
    table = _write(tmp_path, "d.csv", TABLE)
    result = runner.invoke(app, ["doses", "import", str(table), "--out", str(tmp_path / "p.yaml")])
    printed = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [parse_regimen(t) for t in printed] == list(
        Protocol.from_yaml(tmp_path / "p.yaml").doses
    )
