"""NONMEM-style dosing tables (CSV) that mrgsolve and nlmixr2 users exchange.

One row per dosing record, sorted by time::

    ID,TIME,EVID,AMT,CMT,II,ADDL,RATE,DRUG,ROUTE,AMT_UNIT
    1,22.0,1,2.0,tesamorelin_sc,24.0,181,0.0,tesamorelin,sc,mg

``TIME`` is the first dose [h from t = 0], ``AMT`` the amount per dose in ``AMT_UNIT``
(mg, ug, nmol, mg/kg, ug/kg or nmol/kg), ``II`` the interdose interval [h] (0: none),
``ADDL`` the number of additional doses, ``RATE`` the infusion rate [``AMT_UNIT``/h] (0: a
bolus) and ``CMT`` the name of the model input the dose feeds
(``DrugInfo.routes[route].input``). ``DRUG``, ``ROUTE`` and ``AMT_UNIT`` make a record
unambiguous.

Reading is lenient where tables differ and strict where a dose could change meaning:
headers in any case; ``EVID`` 0 rows (observations) skipped; ``DV``, ``MDV``, ``CENS``,
``LIMIT``, ``BLQ`` and ``LLOQ`` ignored; ``EVID`` absent means every row is a dose;
``AMT_UNIT`` absent means mg; ``DRUG`` and ``ROUTE`` may be left out when ``CMT`` names a
model input; empty or ``.`` cells of ``II``, ``ADDL`` and ``RATE`` mean 0. Everything else is
refused with the file, line, column and fix.

Examples
--------
>>> import tempfile, pathlib
>>> from igfaxis.protocol import Protocol
>>> p = Protocol(doses=["tesamorelin 2 mg sc daily x 182 at 22:00"])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "doses.csv"
>>> print(write_dosing_csv(p, path).read_text().strip())
ID,TIME,EVID,AMT,CMT,II,ADDL,RATE,DRUG,ROUTE,AMT_UNIT
1,22.0,1,2.0,tesamorelin_sc,24.0,181,0.0,tesamorelin,sc,mg
>>> read_dosing_csv(path) == p.doses
True
"""

from __future__ import annotations

import csv
import decimal
import fractions
import io
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import pandas as pd
from pydantic import ValidationError

from igfaxis._files import MAX_CSV_BYTES, read_text, write_text_atomic
from igfaxis._messages import one_line, short_repr
from igfaxis.errors import ProtocolError
from igfaxis.model.drugs import DRUGS, DrugInfo, resolve
from igfaxis.protocol import (
    Dose,
    Protocol,
    default_route,
    format_validation_error,
    normalize_unit,
)

__all__ = ["COLUMNS", "MAX_DOSING_ROWS", "doses_to_table", "read_dosing_csv", "write_dosing_csv"]

#: columns written, in order
COLUMNS: Final = (
    "ID",
    "TIME",
    "EVID",
    "AMT",
    "CMT",
    "II",
    "ADDL",
    "RATE",
    "DRUG",
    "ROUTE",
    "AMT_UNIT",
)

#: NONMEM columns that carry no dosing information and are skipped when read
_IGNORED: Final = frozenset({"DV", "MDV", "CENS", "LIMIT", "BLQ", "LLOQ"})

_KNOWN: Final = frozenset(COLUMNS) | {"SS"} | _IGNORED

#: model input name -> (drug, route)
_INPUTS: Final = {r.input: (d.name, k) for d in DRUGS.values() for k, r in d.routes.items()}

_EMPTY: Final = frozenset({"", "."})

#: most rows read from one dosing table
MAX_DOSING_ROWS: Final = 10_000


def _rate_text(amt: float, dur_h: float | None) -> str:
    """The shortest ``RATE`` text from which :func:`_duration_h` gives back ``dur_h`` exactly.

    A float rate cannot always carry the duration (``amt / (amt / dur)`` may miss ``dur`` by
    a unit in the last place), so when the plain float text does not, more digits of the
    exact quotient are written; every tool still reads the same float rate from it.
    """
    if dur_h is None:
        return "0.0"
    for digits in range(17, 40):
        with decimal.localcontext(prec=digits):
            text = str(decimal.Decimal(amt) / decimal.Decimal(dur_h))
        if digits == 17:  # the plain float text first, when it suffices
            text = repr(amt / dur_h) if _duration_h(amt, repr(amt / dur_h)) == dur_h else text
        if _duration_h(amt, text) == dur_h:
            return text
    raise AssertionError(  # pragma: no cover - 40 digits always suffice
        f"no RATE text for AMT {short_repr(amt)} over {short_repr(dur_h)} h. This is a bug "
        "in igfaxis; please "
        "report it with the protocol."
    )


def _duration_h(amt: float, rate_text: str) -> float:
    """Infusion duration [h] = AMT / RATE, from the exact decimal value of the RATE text."""
    return float(fractions.Fraction(amt) / fractions.Fraction(rate_text.strip()))


def _doses(protocol_or_doses: Protocol | Iterable[Dose]) -> tuple[Dose, ...]:
    if isinstance(protocol_or_doses, Protocol):
        return protocol_or_doses.doses
    return tuple(protocol_or_doses)


def doses_to_table(
    protocol_or_doses: Protocol | Iterable[Dose], *, subject_id: int = 1
) -> pd.DataFrame:
    """The dosing records as a NONMEM-style table (columns :data:`COLUMNS`), sorted by time.

    Examples
    --------
    >>> from igfaxis.protocol import parse_regimen
    >>> t = doses_to_table([parse_regimen("ipamorelin 40 nmol/kg iv over 15 min at 08:00")])
    >>> t[["TIME", "AMT", "CMT", "RATE", "AMT_UNIT"]].to_dict("records")
    [{'TIME': 8.0, 'AMT': 40.0, 'CMT': 'ipamorelin_iv', 'RATE': 160.0, 'AMT_UNIT': 'nmol/kg'}]
    """
    doses = sorted(_doses(protocol_or_doses), key=lambda d: d.time_h)
    rows = [
        {
            "ID": subject_id,
            "TIME": d.time_h,
            "EVID": 1,
            "AMT": d.amt,
            "CMT": d.input_name(),
            "II": d.ii_h if d.ii_h is not None else 0.0,
            "ADDL": d.addl,
            "RATE": d.amt / d.dur_h if d.dur_h is not None else 0.0,
            "DRUG": d.drug,
            "ROUTE": d.route,
            "AMT_UNIT": d.amt_unit,
        }
        for d in doses
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(
        {
            "ID": int,
            "TIME": float,
            "EVID": int,
            "AMT": float,
            "II": float,
            "ADDL": int,
            "RATE": float,
        }
    )


def write_dosing_csv(
    protocol_or_doses: Protocol | Iterable[Dose], path: str | Path, *, subject_id: int = 1
) -> Path:
    """Write the dosing records as a NONMEM-style CSV (floats written exactly); returns the path."""
    doses = _doses(protocol_or_doses)
    table = doses_to_table(doses, subject_id=subject_id).astype({"RATE": object})
    table["RATE"] = [_rate_text(d.amt, d.dur_h) for d in sorted(doses, key=lambda d: d.time_h)]
    return write_text_atomic(path, table.to_csv(index=False))


class _Row:
    """One row of a dosing table; each reader names the file, line and column it failed on."""

    def __init__(self, source: str, line: int, cells: Mapping[str, str]) -> None:
        self.source, self.line, self.cells = source, line, cells

    def error(self, column: str | None, problem: str) -> ProtocolError:
        where = f"{self.source} line {self.line}" + (f", column `{column}`" if column else "")
        return ProtocolError(f"{where}: {problem}")

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def number(self, column: str, default: float | None = None) -> float:
        text = self.text(column)
        if text in _EMPTY:
            if default is None:
                raise self.error(column, "is empty; give a number.")
            return default
        try:
            value = float(text)
        except ValueError:
            raise self.error(
                column, f"{short_repr(text)} is not a number; write e.g. 24 or 0.5."
            ) from None
        if not math.isfinite(value):
            raise self.error(column, f"{short_repr(text)} is not a finite number.")
        return value

    def count(self, column: str) -> int:
        value = self.number(column, 0.0)
        if value != int(value):
            raise self.error(column, f"{short_repr(value)} is not a whole number.")
        return int(value)


def _amount(row: _Row) -> float:
    amt = row.number("AMT")
    if amt < 0.0:
        raise row.error("AMT", f"{short_repr(amt)} is negative; a dose needs a positive amount.")
    if amt == 0.0:
        raise row.error(
            "AMT",
            "0 is not a dose; give the amount per dose, or set `EVID` to 0 for an observation row.",
        )
    return amt


def _drug_route(row: _Row) -> tuple[DrugInfo, str]:
    cmt, name, route = row.text("CMT"), row.text("DRUG"), row.text("ROUTE").lower()
    from_cmt = _INPUTS.get(cmt)
    if not name:
        if from_cmt is None:
            raise row.error(
                "DRUG",
                f"is missing and `CMT` {short_repr(cmt)} names no model input; add a DRUG column "
                f"(one of {', '.join(DRUGS)}) or use a model input name as CMT, e.g. "
                "'tesamorelin_sc'.",
            )
        name = from_cmt[0]
    info = resolve(name)
    if info is None:
        raise row.error("DRUG", f"unknown drug {short_repr(name)}; use one of {', '.join(DRUGS)}.")
    if not route:
        if from_cmt is not None and from_cmt[0] == info.name:
            route = from_cmt[1]
        elif (route := default_route(info) or "") == "":
            raise row.error(
                "ROUTE",
                f"is missing and {info.name} has several routes but not sc; add a ROUTE "
                f"column with one of {', '.join(info.routes)}.",
            )
    if route not in info.routes:
        raise row.error(
            "ROUTE",
            f"{short_repr(route)} is not a route of {info.name}; use one of "
            f"{', '.join(info.routes)}.",
        )
    expected = info.routes[route].input
    if from_cmt is not None and cmt != expected:
        raise row.error(
            "CMT",
            f"{short_repr(cmt)} is the input of {from_cmt[0]} {from_cmt[1]}, not of {info.name} "
            f"{route} ({short_repr(expected)}); fix CMT or leave it empty.",
        )
    return info, route


def _dose(row: _Row) -> Dose:
    amt = _amount(row)
    info, route = _drug_route(row)
    unit_text = row.text("AMT_UNIT") or "mg"
    unit = normalize_unit(unit_text)
    if unit is None:
        raise row.error(
            "AMT_UNIT",
            f"unknown unit {short_repr(unit_text)}; use mg, ug, nmol, mg/kg, ug/kg or nmol/kg.",
        )
    time_h = row.number("TIME")
    ii_h = row.number("II", 0.0)
    addl = row.count("ADDL")
    rate = row.number("RATE", 0.0)
    if row.number("SS", 0.0) != 0.0:
        raise row.error(
            "SS",
            "steady-state dosing is not supported; list the doses from the first one (SS = 0).",
        )
    for column, value in (("TIME", time_h), ("II", ii_h), ("ADDL", addl)):
        if value < 0.0:
            raise row.error(column, f"{short_repr(value)} is negative; use 0 or more.")
    if rate < 0.0:
        raise row.error(
            "RATE",
            f"{short_repr(rate)} (a modelled rate or duration) is not supported; give the "
            "infusion rate AMT / duration [AMT_UNIT/h], or 0 for a bolus.",
        )
    if addl > 0 and ii_h == 0.0:
        raise row.error(
            "II",
            f"is 0 but ADDL = {addl} asks for more doses; give the interval between "
            "doses [h], e.g. 24, or set ADDL to 0.",
        )
    fields = {
        "drug": info.name,
        "amt": amt,
        "amt_unit": unit,
        "route": route,
        "time_h": time_h,
        "ii_h": ii_h or None,
        "addl": addl,
        "dur_h": _duration_h(amt, row.text("RATE")) if rate > 0.0 else None,
    }
    try:
        return Dose.model_validate(fields)
    except ValidationError as exc:
        raise ProtocolError(format_validation_error(exc, f"{row.source} line {row.line}")) from None


def _read_table(path: Path) -> pd.DataFrame:
    text = read_text(path, "dosing table", max_bytes=MAX_CSV_BYTES)
    try:
        table = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        detail = one_line(str(exc), 300)
        raise ProtocolError(f"{path.name} is not a readable CSV table: {detail}") from None
    if len(table) > MAX_DOSING_ROWS:
        raise ProtocolError(
            f"{path.name} has {len(table)} rows; at most {MAX_DOSING_ROWS} are read. Use "
            "`ADDL` and `II` for repeated doses, or split the table by subject."
        )
    columns = [str(c).strip().upper() for c in table.columns]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ProtocolError(
            f"{path.name}: column(s) {one_line(', '.join(repeated), 200)} appear twice "
            "(headers are read "
            "in any case); keep one of each."
        )
    unknown = [c for c in columns if c not in _KNOWN]
    if unknown:
        raise ProtocolError(
            f"{path.name}: unknown column(s) {one_line(', '.join(unknown), 200)}; a dosing "
            "table has "
            f"{', '.join(COLUMNS)}, SS (must be 0) and the skipped {', '.join(sorted(_IGNORED))}"
            "; rename or remove them."
        )
    for required in ("TIME", "AMT"):
        if required not in columns:
            raise ProtocolError(f"{path.name}: the column {required} is missing; add it.")
    table.columns = columns
    return table


def read_dosing_csv(path: str | Path, *, subject_id: int | None = None) -> tuple[Dose, ...]:
    """Read the dosing records (``EVID`` 1) of a NONMEM-style CSV; observations are skipped.

    Parameters
    ----------
    path
        The CSV file (columns as in the module docstring, headers in any case).
    subject_id
        Which ``ID`` to read when the table holds several subjects.

    Raises
    ------
    ProtocolError
        The file is missing or not a CSV, a column is unknown, or a cell is invalid (the
        message names the line, the column and the fix).
    """
    p = Path(path)
    table = _read_table(p)
    rows = [_Row(p.name, i + 2, cells) for i, cells in enumerate(table.to_dict("records"))]
    if "ID" in table.columns:
        ids = list(dict.fromkeys(int(r.number("ID")) for r in rows))
        if subject_id is None and len(ids) > 1:
            raise ProtocolError(
                f"{p.name} holds the doses of several subjects (ID "
                f"{one_line(', '.join(map(str, ids)), 200)});"
                " pass `subject_id` to read one."
            )
        if subject_id is not None:
            if subject_id not in ids:
                raise ProtocolError(
                    f"{p.name} has no ID {subject_id}; it holds ID "
                    f"{one_line(', '.join(map(str, ids)), 200)}. Pass one of them as `subject_id`."
                )
            rows = [r for r in rows if r.number("ID") == subject_id]
    doses = []
    for row in rows:
        evid = row.count("EVID") if row.text("EVID") not in _EMPTY else 1
        if evid == 0:
            continue
        if evid != 1:
            raise row.error(
                "EVID",
                f"{evid} is not supported; igfaxis reads doses (EVID 1) and skips "
                "observations (EVID 0). Remove reset and other events.",
            )
        doses.append(_dose(row))
    return tuple(doses)
