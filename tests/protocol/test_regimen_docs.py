"""The "Regimens" section of docs/protocols.md says what the code does (STYLE E2, G11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from igfaxis.io import read_dosing_csv, write_dosing_csv
from igfaxis.protocol import Person, Protocol, dose_warnings, format_regimen, parse_regimen

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocols.md"
SECTION = DOC.read_text(encoding="utf-8").split("## Regimens", 1)[1]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", SECTION, flags=re.DOTALL)


def _table_rows() -> list[list[str]]:
    rows = [line.strip("|").split("|") for line in SECTION.splitlines()
            if line.startswith("| `") and line.count("|") == 10]  # fmt: skip
    return [[cell.strip().strip("`") for cell in row] for row in rows]


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


def test_the_example_table_has_rows():
    assert len(_table_rows()) == 9


@pytest.mark.parametrize("row", _table_rows(), ids=lambda row: row[0])
def test_each_example_row(row):
    text, amt, unit, route, time_h, ii_h, addl, dur_h, written = row
    dose = parse_regimen(text)
    assert dose.amt == float(amt)
    assert (dose.amt_unit, dose.route) == (unit, route)
    assert dose.time_h == pytest.approx(float(time_h), rel=1e-12)
    assert dose.ii_h == _number(ii_h)
    assert dose.addl == int(addl)
    assert dose.dur_h == _number(dur_h)
    assert format_regimen(dose) == written


def test_yaml_examples_validate():
    mixed, regimens = _blocks("yaml")
    assert len(Protocol.from_yaml(mixed).doses) == 3
    assert len(Protocol.from_yaml(regimens).doses) == 3


def test_csv_sample_is_what_write_dosing_csv_writes(tmp_path):
    _, regimens = _blocks("yaml")
    written_table, _ = _blocks("csv")
    protocol = Protocol.from_yaml(regimens)
    path = write_dosing_csv(protocol, tmp_path / "doses.csv")
    assert path.read_text() == written_table
    assert read_dosing_csv(path) == protocol.doses


def test_hand_written_mrgsolve_sample_gives_the_documented_regimens(tmp_path):
    _, mrgsolve = _blocks("csv")
    path = tmp_path / "mrgsolve.csv"
    path.write_text(mrgsolve, encoding="utf-8")
    claimed = re.search(r"gives `(.*?)` and\s+`(.*?)`", SECTION)
    assert claimed is not None
    assert read_dosing_csv(path) == tuple(parse_regimen(t) for t in claimed.groups())


def test_label_warning_examples():
    (block,) = re.findall(r"For an 80-kg person:\n\n```\n(.*?)```", SECTION, flags=re.DOTALL)
    documented = [" ".join(w.split()) for w in block.split("warning: ")[1:]]
    doses = ["tesamorelin 4 mg sc once", "somatropin 2 mg sc once", "mk677 75 mg po once"]
    messages = dose_warnings(Protocol(doses=doses), Person(weight_kg=80))
    assert len(messages) == len(documented) == 3
    for doc, message in zip(documented, messages, strict=True):
        assert message.startswith(doc.removesuffix("..."))
