"""``igfaxis report --labs`` with bad labs (CSV or FHIR): exit code 2, one line, nothing
written (issue 11, item 9); ``--person`` files with ``personal`` values."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from igfaxis.cli import app

runner = CliRunner()

PERSON = "age_y: 45\nsex: male\nweight_kg: 80\n"
NEXT_YEAR = (dt.date.today() + dt.timedelta(days=400)).isoformat()


def _obs(ident, code="2484-4", unit="ng/mL", value=120, kind="Observation"):
    return {"resourceType": kind, "id": ident, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "effectiveDateTime": "2024-03-04",
            "valueQuantity": {"value": value, "unit": unit, "code": unit}}  # fmt: skip


def _bundle(*res):
    return json.dumps({"resourceType": "Bundle", "type": "collection",
                       "entry": [{"resource": r} for r in res]})  # fmt: skip


CASES = {
    "before birth": ("labs.csv", "date,igf1,unit\n1950-01-01,100,ng/mL\n2024-01-01,110,ng/mL\n",
                     r"labs.csv, line 2: the date 1950-01-01 lies before the person's birth"),
    "future": ("labs.csv", f"date,igf1,unit\n{NEXT_YEAR},100,ng/mL\n",
               rf"labs.csv, line 2: the date {NEXT_YEAR} lies in the future"),
    "value <= 0": ("labs.csv", "day,igf1,unit\n0,0,ng/mL\n", r"line 2: `igf1` must be > 0"),
    "unknown unit": ("labs.csv", "day,igf1,unit\n0,100,mmol/L\n", r"line 2: `unit` must be one"),
    "empty": ("labs.csv", "", r"labs.csv is empty"),
    "empty json": ("labs.json", "", r"labs.json"),
    "other resource": ("labs.json", _bundle(_obs("a"), _obs("p1", kind="Patient")),
                       r"labs.json, entry 1, Patient 'p1': a FHIR resource of kind 'Patient'"),
    "other code": ("labs.json", _bundle(_obs("g", code="2345-7")),
                   r"Observation 'g': code .*2345-7.* is not IGF-1"),
    "bad fhir unit": ("labs.json", _bundle(_obs("u", unit="mg/dL")),
                      r"Observation 'u': `valueQuantity` unit does not fit"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_labs_exit_2_with_one_line_and_nothing_written(tmp_path: Path, case):
    name, text, match = CASES[case]
    (tmp_path / "person.yaml").write_text(PERSON)
    (tmp_path / "p.yaml").write_text("name: ok\n")
    (tmp_path / name).write_text(text)
    result = runner.invoke(app, ["report", "--person", str(tmp_path / "person.yaml"),
                                 "--protocol", str(tmp_path / "p.yaml"),
                                 "--labs", str(tmp_path / name),
                                 "--out", str(tmp_path / "out.html")])  # fmt: skip
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert re.search(match, lines[0]), lines[0]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out")]


def test_bad_personal_in_a_person_file_exits_2(tmp_path: Path):
    (tmp_path / "person.yaml").write_text(PERSON + "personal:\n  liver: 2\n")
    (tmp_path / "p.yaml").write_text("name: ok\n")
    result = runner.invoke(app, ["simulate", str(tmp_path / "p.yaml"), "--person",
                                 str(tmp_path / "person.yaml"), "--days", "1",
                                 "--out", str(tmp_path / "out.csv")])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "`personal.liver` is not a personal parameter" in result.stderr
    assert "Valid names: hepatic_gh_sensitivity" in result.stderr
    assert not (tmp_path / "out.csv").exists()
