"""Read measured IGF-1 values (labs) from a CSV file or FHIR R4 JSON, validating each one.

The CSV file has a header and one row per measurement::

    date,time,igf1,unit,assay,igfbp3,igfbp3_unit,gh,gh_unit
    2023-03-01,08:30,112,ng/mL,IDS-iSYS,3900,ng/mL,,
    2024-03-04,,14.1,nmol/L,,4.1,mg/L,0.4,ng/mL

Columns (names are case-insensitive):

- ``date`` (ISO ``YYYY-MM-DD``) **or** ``day`` (a number of days, e.g. ``-365`` for a year
  before the simulation starts); exactly one of the two;
- ``igf1``: total IGF-1, a number > 0; ``unit``: ``ng/mL`` (= ``ug/L``) or ``nmol/L``;
- optional ``time``: the clock time of the blood draw, ``HH:MM`` (empty or absent: 08:00);
- optional ``assay``: the assay's name, as the lab report gives it (free text; a platform
  of ``igfaxis/data/assays.csv`` gives the lab its analytical CV, :func:`igfaxis.risk.find_assay`);
- optional ``ref_low`` and ``ref_high``: the lab's own IGF-1 reference interval for the
  person's age and sex as the report prints it, in the row's ``unit``; given, calibration
  reads the value against it (:func:`igfaxis.risk.harmonise_lab`);
- optional ``igfbp3`` with ``igfbp3_unit`` (``ng/mL`` = ``ug/L``, ``mg/L`` = ``ug/mL``, or
  ``nmol/L`` at 28 717 g/mol) and ``gh`` with ``gh_unit`` (``ng/mL`` = ``ug/L``, or
  ``mIU/L`` at 3 IU/mg, WHO IS 98/574); a row may leave them empty.

A file ending in ``.json`` is read as FHIR R4 instead (:mod:`igfaxis.io.fhir`).

Times are placed on the person's time line: with ``day``, day 0 is the start of the
simulation, when the person has ``Person.age_y``; with ``date``, the most recent
measurement is day 0, so ``Person.age_y`` is the age at the latest lab. Any other column, a
missing value, a value <= 0, an unknown unit, a date or time that does not parse, a date in
the future, or (given the person's age) a lab before birth is an error that names the file
and line; two different IGF-1 values at the same date and time are a
:class:`~igfaxis.errors.LabWarning`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final

from igfaxis._files import MAX_CSV_BYTES, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import LabWarning, ProtocolError, UnitError
from igfaxis.protocol import DEFAULT_TIME, LabValue
from igfaxis.units import (
    canonical_gh_unit,
    canonical_igf1_unit,
    canonical_igfbp3_unit,
    gh_to_ng_ml,
    igf1_to_ng_ml,
    igfbp3_to_ng_ml,
)

__all__ = [
    "DEFAULT_TIME",
    "MAX_LAB_ROWS",
    "LabValue",
    "assemble_labs",
    "parse_lab_rows",
    "parse_labs_csv",
    "read_labs",
]

_REQUIRED: Final = frozenset({"igf1", "unit"})
_OPTIONAL: Final = frozenset({"time", "assay", "igfbp3", "igfbp3_unit", "gh", "gh_unit",
                               "ref_low", "ref_high"})
_ALLOWED: Final = frozenset({"date", "day"}) | _REQUIRED | _OPTIONAL
_TIME: Final = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
#: most measurements in one labs file
MAX_LAB_ROWS: Final = 10_000


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


def _positive(name: str, line: int, column: str, text: str) -> float:
    value = _number(name, line, column, text)
    if value <= 0.0:
        raise _fail(
            name, line, f"`{column}` must be > 0; got {short_repr(text)}. Check the value."
        )
    return value


def _clock(name: str, line: int, text: str) -> str:
    if not text:
        return DEFAULT_TIME
    m = _TIME.match(text)
    if m is None:
        raise _fail(
            name, line, f"`time` must be a clock time HH:MM (00:00-23:59); got "
            f"{short_repr(text)}, e.g. 08:30. Leave it empty for 08:00."
        )  # fmt: skip
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _optional(
    name: str,
    line: int,
    cells: dict[str, str],
    column: str,
    convert: Callable[[float, str], float],
    canonical: Callable[[str], str],
) -> float | None:
    """An optional measurement column with its unit column, in ng/mL (None when empty)."""
    text, unit = cells.get(column, ""), cells.get(f"{column}_unit", "")
    if not text:
        return None
    value = _positive(name, line, column, text)
    if not unit:
        raise _fail(name, line, f"`{column}_unit` is empty; `{column}` {text} needs its unit.")
    try:
        canonical(unit)
    except UnitError as exc:
        raise UnitError(f"{name}, line {line}: {exc}") from None
    return float(convert(value, unit))


def _row(name: str, line: int, row: dict[str, str], time_col: str) -> tuple[object, LabValue]:
    cells = {k: (v or "").strip() for k, v in row.items()}
    for column in (time_col, "igf1", "unit"):
        if not cells.get(column):
            raise _fail(
                name, line, f"`{column}` is empty; every row needs {time_col}, igf1 and unit."
            )
    value = _positive(name, line, "igf1", cells["igf1"])
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
    ref = _reference_interval(name, line, cells, unit)
    lab = LabValue(
        day=day,
        date=date,
        value=value,
        unit=cells["unit"],
        igf1_ng_ml=igf1_to_ng_ml(value, unit),
        line=line,
        time=_clock(name, line, cells.get("time", "")),
        assay=cells.get("assay") or None,
        igfbp3_ng_ml=_optional(name, line, cells, "igfbp3", igfbp3_to_ng_ml,
                               canonical_igfbp3_unit),
        gh_ng_ml=_optional(name, line, cells, "gh", gh_to_ng_ml, canonical_gh_unit),
        ref_low_ng_ml=ref[0],
        ref_high_ng_ml=ref[1],
    )
    return key, lab


def _reference_interval(name: str, line: int, cells: dict[str, str],
                        unit: str) -> tuple[float | None, float | None]:  # fmt: skip
    """The lab's own IGF-1 reference interval (``ref_low``, ``ref_high``, in the row's
    ``unit``) in ng/mL; both empty: none."""
    low, high = cells.get("ref_low", ""), cells.get("ref_high", "")
    if not low and not high:
        return None, None
    if not (low and high):
        raise _fail(
            name, line, f"`ref_low` and `ref_high` come together (the lab's reference "
            f"interval); got ref_low {short_repr(low)}, ref_high {short_repr(high)}. Fill "
            "both or leave both empty."
        )  # fmt: skip
    lo = _positive(name, line, "ref_low", low)
    hi = _positive(name, line, "ref_high", high)
    if lo >= hi:
        raise _fail(
            name, line, f"`ref_low` {low} must be below `ref_high` {high} (the lab's "
            "reference interval, in the row's unit)."
        )  # fmt: skip
    return float(igf1_to_ng_ml(lo, unit)), float(igf1_to_ng_ml(hi, unit))


def _check_header(name: str, header: Sequence[str]) -> str:
    """The time column (``date`` or ``day``) of a valid header; else the header's error."""
    if not header:
        raise ProtocolError(
            f"{name} is empty; write a header `date,igf1,unit` and one row per measurement."
        )
    unknown = sorted(set(header) - _ALLOWED)
    times = [c for c in ("date", "day") if c in header]
    if unknown or len(times) != 1 or not set(header) >= _REQUIRED:
        raise ProtocolError(
            f"{name}: the header must name `date` or `day` (one of them), `igf1` and "
            f"`unit` (optional: {', '.join(sorted(_OPTIONAL))}); got {short_repr(header)}"
            + (f" (unknown: {short_repr(unknown)})" if unknown else "")
            + ". Example: date,igf1,unit"
        )
    for column in ("igfbp3", "gh"):
        if column in header and f"{column}_unit" not in header:
            raise ProtocolError(
                f"{name}: the column `{column}` needs a `{column}_unit` column next to it."
            )
    return times[0]


def _read_rows(name: str, text: str) -> tuple[str, list[LabValue]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    time_col = _check_header(name, header)
    reader.fieldnames = header
    rows: list[LabValue] = []
    for row in reader:
        if len(rows) == MAX_LAB_ROWS:
            raise ProtocolError(
                f"{name} has more than {MAX_LAB_ROWS} measurements; keep the ones to show "
                "(a report places each on the centile chart)."
            )
        if None in row:  # more cells than header names
            raise _fail(name, reader.line_num, "more cells than header columns.")
        rows.append(_row(name, reader.line_num, row, time_col)[1])
    return time_col, rows


def _where(name: str, lab: LabValue, places: Sequence[str] | None) -> str:
    return places[lab.line - 1] if places is not None else f"{name}, line {lab.line}"


def assemble_labs(
    name: str,
    labs: Sequence[LabValue],
    *,
    age_y: float | None = None,
    today: dt.date | None = None,
    places: Sequence[str] | None = None,
) -> tuple[LabValue, ...]:
    """Sort parsed labs, place dated ones on the time line and check them as a whole.

    Parameters
    ----------
    name
        The file's name (for messages).
    labs
        Parsed values: all dated (``date`` set, ``day`` ignored) or all by ``day``.
    age_y
        The person's age at day 0; given, a lab before birth is refused.
    today
        Dates after it are refused (default: the computer's date).
    places
        How to name lab ``i`` (its ``line`` is ``i + 1``) in messages; default "line N".

    Raises
    ------
    ProtocolError
        No labs, a date in the future, or a lab before birth.
    """
    if not labs:
        raise ProtocolError(f"{name} has no measurements; add one row (or Observation) per lab.")
    today = today or dt.date.today()
    dated = labs[0].date is not None
    if dated:
        for lab in labs:
            if dt.date.fromisoformat(str(lab.date)) > today:
                raise ProtocolError(
                    f"{_where(name, lab, places)}: the date {lab.date} lies in the future "
                    f"(today is {today.isoformat()}); check the date."
                )
        latest = max(dt.date.fromisoformat(str(lab.date)) for lab in labs)
        labs = [
            replace(lab, day=float((dt.date.fromisoformat(str(lab.date)) - latest).days))
            for lab in labs
        ]
    out = sorted(labs, key=lambda lab: (lab.day, lab.time))
    if age_y is not None:
        for lab in out:
            if lab.age_y(age_y) < 0.0:
                when = f"the date {lab.date}" if dated else f"day {lab.day:g}"
                raise ProtocolError(
                    f"{_where(name, lab, places)}: {when} lies before the person's birth (age "
                    f"{lab.age_y(age_y):.2f} y, given `age_y` {age_y:g} at "
                    f"{'the latest lab' if dated else 'day 0'}); check the date or `age_y`."
                )
    for a, b in itertools.pairwise(out):
        if (a.day, a.time) == (b.day, b.time) and a.igf1_ng_ml != b.igf1_ng_ml:
            warnings.warn(
                f"{_where(name, b, places)}: IGF-1 {b.value:g} {b.unit} at {b.label} {b.time} "
                f"differs from {a.value:g} {a.unit} at the same time "
                f"({_where(name, a, places)}); both are kept. Check for a duplicate sample.",
                LabWarning,
                stacklevel=3,
            )
    return tuple(out)


def read_labs(
    path: str | Path, *, age_y: float | None = None, today: dt.date | None = None
) -> tuple[LabValue, ...]:
    """Read and validate a labs file: CSV (module docstring) or FHIR R4 JSON (``.json``).

    Parameters
    ----------
    path
        The CSV file, or a FHIR Observation or Bundle (:func:`igfaxis.io.fhir.read_fhir_labs`).
    age_y
        The person's age at day 0 (``Person.age_y``); given, a lab before birth is refused.
    today
        Dates after it are refused (default: the computer's date).

    Returns
    -------
    The measurements, sorted by time.

    Raises
    ------
    ProtocolError
        The file is missing, larger than 4 MiB, binary, not UTF-8, empty or malformed, or
        holds more than :data:`MAX_LAB_ROWS` rows; a column is missing or unknown; a value,
        date, time or unit is invalid (:class:`~igfaxis.errors.UnitError` for a unit); a
        date lies in the future or before birth.
    """
    p = Path(path)
    if p.suffix.lower() == ".json":
        from igfaxis.io.fhir import read_fhir_labs

        return read_fhir_labs(p, age_y=age_y, today=today)
    text = read_text(p, "labs", max_bytes=MAX_CSV_BYTES)
    return parse_labs_csv(text, name=p.name, age_y=age_y, today=today)


def parse_labs_csv(
    text: str, *, name: str = "labs", age_y: float | None = None, today: dt.date | None = None
) -> tuple[LabValue, ...]:
    """Validate labs given as CSV text (the module docstring's columns): :func:`read_labs`
    for text that is not in a file (a web upload). ``name`` names it in messages."""
    try:
        _, rows = _read_rows(name, text)
    except csv.Error as exc:
        raise ProtocolError(f"{name} is not a readable CSV table: {exc}.") from None
    if not rows:
        raise ProtocolError(f"{name} has a header but no measurements; add one row per lab.")
    return assemble_labs(name, rows, age_y=age_y, today=today)


def _cell(name: str, line: int, key: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(name, line, f"`{key}` must be a number or text; got {short_repr(value)} "
                                f"({type(value).__name__}).")  # fmt: skip
    return str(value)


def parse_lab_rows(
    rows: Sequence[Mapping[str, object]],
    *,
    name: str = "labs",
    age_y: float | None = None,
    today: dt.date | None = None,
) -> tuple[LabValue, ...]:
    """Validate labs given as records (JSON rows) with the CSV columns as keys, e.g.
    ``{"date": "2024-03-04", "igf1": 112, "unit": "ng/mL"}``; numbers may be numbers or
    text. Every row must have the same keys; messages call row ``i`` (from 1) "line i".

    Raises
    ------
    ProtocolError
        As :func:`read_labs`; also a row that is not a mapping, rows with different keys,
        or more than :data:`MAX_LAB_ROWS` rows.
    """
    if not rows:
        raise ProtocolError(f"{name} has no measurements; add one row per lab.")
    if len(rows) > MAX_LAB_ROWS:
        raise ProtocolError(
            f"{name} has {len(rows)} measurements; at most {MAX_LAB_ROWS} are read."
        )
    first: list[str] | None = None
    labs: list[LabValue] = []
    for line, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise _fail(name, line, f"each row must be a mapping of columns, e.g. "
                                    f'{{"day": 0, "igf1": 112, "unit": "ng/mL"}}; got '
                                    f"{type(row).__name__}.")  # fmt: skip
        keys = [str(k).strip().lower() for k in row]
        if first is None:
            first = keys
            time_col = _check_header(name, keys)
        elif sorted(keys) != sorted(first):
            raise _fail(name, line, f"the row has the columns {short_repr(sorted(keys))}; "
                                    f"the first row has {short_repr(sorted(first))}. Give "
                                    "every row the same columns.")  # fmt: skip
        cells = {str(k).strip().lower(): _cell(name, line, str(k), v) for k, v in row.items()}
        labs.append(_row(name, line, cells, time_col)[1])
    return assemble_labs(name, labs, age_y=age_y, today=today)
