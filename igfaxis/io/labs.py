"""Read measured IGF-1 values (labs) from a CSV file, validating every row.

The file has a header and one row per measurement::

    date,igf1,unit
    2023-03-01,112,ng/mL
    2024-03-04,14.1,nmol/L

Columns (names are case-insensitive):

- ``date`` (ISO ``YYYY-MM-DD``) **or** ``day`` (a number of days, e.g. ``-365`` for a year
  before the simulation starts); exactly one of the two;
- ``igf1``: total IGF-1, a number > 0;
- ``unit``: ``ng/mL`` (= ``ug/L``) or ``nmol/L``, per row.

Times are placed on the person's time line: with ``day``, day 0 is the start of the
simulation, when the person has ``Person.age_y``; with ``date``, the most recent
measurement is day 0, so ``Person.age_y`` is the age at the latest lab. Any other column, a
missing value, an unknown unit or a date that does not parse is an error that names the
file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from igfaxis._files import MAX_CSV_BYTES, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError, UnitError
from igfaxis.units import canonical_igf1_unit, igf1_to_ng_ml

__all__ = ["MAX_LAB_ROWS", "LabValue", "read_labs"]

_ALLOWED: Final = frozenset({"date", "day", "igf1", "unit"})
_DAYS_PER_YEAR: Final = 365.25
#: most measurements in one labs file
MAX_LAB_ROWS: Final = 10_000


@dataclass(frozen=True)
class LabValue:
    """One measured IGF-1 value.

    Attributes
    ----------
    day
        Time on the person's time line [days]; 0 is when the person has ``age_y``.
    date
        The date as written (``None`` when the file uses ``day``).
    value, unit
        The value as reported and its unit.
    igf1_ng_ml
        The value in ng/mL.
    line
        Line number in the file (for messages).
    """

    day: float
    date: str | None
    value: float
    unit: str
    igf1_ng_ml: float
    line: int

    def age_y(self, age_at_day0_y: float) -> float:
        """Age at this measurement [y], given the age at day 0."""
        return age_at_day0_y + self.day / _DAYS_PER_YEAR

    @property
    def label(self) -> str:
        """The date, or ``"day N"``."""
        return self.date if self.date is not None else f"day {self.day:g}"


def _fail(name: str, line: int, message: str) -> ProtocolError:
    return ProtocolError(f"{name}, line {line}: {message}")


def _number(name: str, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _fail(name, line, f"`{column}` must be a number; got {short_repr(text)}.") from None
    if not math.isfinite(value):
        raise _fail(name, line, f"`{column}` must be finite; got {short_repr(text)}.")
    return value


def _row(name: str, line: int, row: dict[str, str], time_col: str) -> tuple[object, LabValue]:
    cells = {k: (v or "").strip() for k, v in row.items()}
    for column in (time_col, "igf1", "unit"):
        if not cells.get(column):
            raise _fail(
                name, line, f"`{column}` is empty; every row needs {time_col}, igf1 and unit."
            )
    value = _number(name, line, "igf1", cells["igf1"])
    if value <= 0.0:
        raise _fail(
            name, line, f"`igf1` must be > 0; got {short_repr(cells['igf1'])}. Check the value."
        )
    try:
        unit = canonical_igf1_unit(cells["unit"])
    except UnitError as exc:
        raise UnitError(f"{name}, line {line}: {exc}") from None
    if time_col == "date":
        try:
            key: object = dt.date.fromisoformat(cells["date"])
        except ValueError:
            raise _fail(
                name,
                line,
                f"`date` must be an ISO date YYYY-MM-DD; got {short_repr(cells['date'])}, "
                "e.g. 2024-03-04.",
            ) from None
        day, date = 0.0, cells["date"]
    else:
        day, date = _number(name, line, "day", cells["day"]), None
        key = day
    lab = LabValue(
        day=day,
        date=date,
        value=value,
        unit=cells["unit"],
        igf1_ng_ml=igf1_to_ng_ml(value, unit),
        line=line,
    )
    return key, lab


def _read_rows(name: str, text: str) -> tuple[str, list[tuple[object, LabValue]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise ProtocolError(
            f"{name} is empty; write a header `date,igf1,unit` and one row per measurement."
        )
    unknown = sorted(set(header) - _ALLOWED)
    times = [c for c in ("date", "day") if c in header]
    if unknown or len(times) != 1 or not {"igf1", "unit"} <= set(header):
        raise ProtocolError(
            f"{name}: the header must name `date` or `day` (one of them), `igf1` and "
            f"`unit`; got {short_repr(header)}"
            + (f" (unknown: {short_repr(unknown)})" if unknown else "")
            + ". Example: date,igf1,unit"
        )
    reader.fieldnames = header
    rows: list[tuple[object, LabValue]] = []
    for row in reader:
        if len(rows) == MAX_LAB_ROWS:
            raise ProtocolError(
                f"{name} has more than {MAX_LAB_ROWS} measurements; keep the ones to show "
                "(a report places each on the centile chart)."
            )
        if None in row:  # more cells than header names
            raise _fail(name, reader.line_num, "more cells than header columns.")
        rows.append(_row(name, reader.line_num, row, times[0]))
    return times[0], rows


def read_labs(path: str | Path) -> tuple[LabValue, ...]:
    """Read and validate a labs CSV (see the module docstring for the format).

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    The measurements, sorted by time.

    Raises
    ------
    ProtocolError
        The file is missing, larger than 4 MiB, binary, not UTF-8, empty or malformed, or
        holds more than :data:`MAX_LAB_ROWS` rows; a column is missing or unknown; a value,
        date or unit is invalid (:class:`~igfaxis.errors.UnitError` for a unit).
    """
    p = Path(path)
    text = read_text(p, "labs", max_bytes=MAX_CSV_BYTES)
    try:
        time_col, rows = _read_rows(p.name, text)
    except csv.Error as exc:
        raise ProtocolError(f"{p.name} is not a readable CSV table: {exc}.") from None
    if not rows:
        raise ProtocolError(f"{p.name} has a header but no measurements; add one row per lab.")
    rows.sort(key=lambda kv: kv[0])  # type: ignore[arg-type, return-value]
    if time_col == "date":
        latest = dt.date.fromisoformat(str(rows[-1][1].date))
        labs = [
            LabValue(
                day=float((dt.date.fromisoformat(str(lab.date)) - latest).days),
                date=lab.date,
                value=lab.value,
                unit=lab.unit,
                igf1_ng_ml=lab.igf1_ng_ml,
                line=lab.line,
            )
            for _, lab in rows
        ]
        return tuple(labs)
    return tuple(lab for _, lab in rows)
