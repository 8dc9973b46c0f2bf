"""Short regimen strings: ``"tesamorelin 2 mg sc daily x 182 at 22:00"`` <-> :class:`Dose`.

Grammar (words are case-insensitive and separated by spaces; clauses after the amount come
in any order, each at most once)::

    regimen   = [drug] amount unit [route] [frequency] [count] [clock] [start] [infusion]
    amount    = positive number               0.3, 2, 1.5, 1e-3
    unit      = mg | ug | nmol | mg/kg | ug/kg | nmol/kg   (mcg and µg mean ug)
    route     = sc | iv | im | po             default: sc, or the drug's only route
    frequency = q<N>h | q<N>d | q<N>w | daily | bid | tid | qid | weekly | once
    count     = x <N>                          total number of doses (N >= 1)
    clock     = at HH:MM                       clock time of the first dose
    start     = from day <N>                   day of the first dose; day 1 starts at t = 0
    infusion  = over <N> min | over <N> h      infusion duration; absent: a bolus

``daily`` is ``q24h``, ``bid`` ``q12h``, ``tid`` ``q8h``, ``qid`` ``q6h`` and ``weekly``
``q1w`` (168 h). A repeating frequency needs a count; a count above one needs a frequency.
The first dose is at ``time_h = 24 (day - 1) + clock``; without ``at`` or ``from day`` it
is at t = 0 (midnight starting day 1). Regimen days count from 1, like a calendar; the
schema's ``start_day`` fields count from 0.

Examples
--------
>>> d = parse_regimen("tesamorelin 2 mg sc daily x 182 at 22:00")
>>> (d.drug, d.amt, d.amt_unit, d.route, d.time_h, d.ii_h, d.addl)
('tesamorelin', 2.0, 'mg', 'sc', 22.0, 24.0, 181)
>>> format_regimen(parse_regimen("40 nmol/kg iv over 15 min at 08:00", drug="ipamorelin"))
'ipamorelin 40 nmol/kg iv once at 08:00 over 15 min'
>>> parse_regimen("mk677 25 mg q24h x 28 at 08:00 from day 2").time_h
32.0
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Final

from pydantic import ValidationError

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.model.drugs import DRUGS, DrugInfo, resolve
from igfaxis.protocol._errors import format_validation_error

if TYPE_CHECKING:
    from igfaxis.protocol._protocol import Dose

__all__ = [
    "default_route",
    "expand_regimen",
    "format_regimen",
    "normalize_unit",
    "parse_regimen",
    "regimen_fields",
]

_NUM: Final = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?"

#: accepted spellings of the dose units -> the unit of ``Dose.amt_unit``
_UNITS: Final = {
    f"{mass}{per}": f"{canonical}{per}"
    for mass, canonical in {
        "mg": "mg",
        "ug": "ug",
        "mcg": "ug",
        "µg": "ug",
        "μg": "ug",
        "nmol": "nmol",
    }.items()
    for per in ("", "/kg")
}

#: named frequencies -> interdose interval [h]
_NAMED_FREQUENCIES: Final = {"daily": 24.0, "qd": 24.0, "bid": 12.0, "tid": 8.0,
                             "qid": 6.0, "weekly": 168.0}  # fmt: skip

_FREQUENCY_UNIT_H: Final = {"h": 1.0, "d": 24.0, "w": 168.0}

_DURATION_UNITS: Final = r"min|mins|minutes?|h|hr|hrs|hours?"

_EXAMPLE: Final = "e.g. 'somatropin 0.3 mg sc q24h x 90 at 22:00'"

_CLAUSES: Final = (
    "a route (sc, iv, im, po), a frequency (q24h, q12h, q3d, q2w, daily, bid, tid, qid, "
    "weekly, once), `x N` (total number of doses), `at HH:MM`, `from day N` or "
    "`over N min` / `over N h`"
)

_HEAD: Final = re.compile(
    rf"^(?P<drug>.*?)\s*(?:^|(?<=\s))(?P<amt>{_NUM})\s*(?P<unit>[a-zµμ]+(?:/kg)?)(?=\s|$)"
)

_CLAUSE_PATTERNS: Final = (
    ("route", re.compile(r"(?P<route>sc|iv|im|po)(?=\s|$)")),
    ("frequency", re.compile(rf"q(?P<every>{_NUM})(?P<per>[hdw])(?=\s|$)")),
    ("frequency", re.compile(r"(?P<named>daily|qd|bid|tid|qid|weekly|once)(?=\s|$)")),
    ("count", re.compile(r"[x×]\s*(?P<count>\d+)(?:\s+doses?)?(?=\s|$)")),
    ("clock", re.compile(r"at\s+(?P<hh>\d{1,2}):(?P<mm>\d{2})(?=\s|$)")),
    ("start", re.compile(r"from\s+day\s+(?P<day>[-+]?\d+)(?=\s|$)")),
    (
        "infusion",
        re.compile(rf"over\s+(?P<over>{_NUM})\s*(?P<over_unit>{_DURATION_UNITS})(?=\s|$)"),
    ),
)

#: longest regimen string read
_MAX_REGIMEN_CHARS = 500


def normalize_unit(text: str) -> str | None:
    """The ``Dose.amt_unit`` spelling of a dose unit (``"mcg/kg"`` -> ``"ug/kg"``), or None."""
    return _UNITS.get(text.strip().lower().replace(" ", ""))


def _fail(text: str, problem: str) -> ProtocolError:
    return ProtocolError(f"`regimen` {short_repr(text)}: {problem}")


def default_route(info: DrugInfo) -> str | None:
    """The route a dose takes when none is given: sc, else the drug's only route, else None."""
    if "sc" in info.routes:
        return "sc"
    return next(iter(info.routes)) if len(info.routes) == 1 else None


def _default_route(drug: str, text: str) -> str | None:
    info = resolve(drug)
    if info is None:
        return None  # the drug check in Dose names the valid drugs
    route = default_route(info)
    if route is None:
        raise _fail(
            text,
            f"{info.name} has several routes ({', '.join(info.routes)}) and none is given; "
            f"add one after the unit, e.g. '... mg {next(iter(info.routes))} ...'.",
        )
    return route


def _head(text: str, low: str) -> tuple[str, float, str, int]:
    m = _HEAD.match(low)
    if m is None:
        raise _fail(
            text,
            "no amount and unit found; write the amount followed by its unit (mg, ug, nmol, "
            f"mg/kg, ug/kg or nmol/kg), {_EXAMPLE}.",
        )
    unit = normalize_unit(m["unit"])
    if unit is None:
        hint = " (somatropin: 1 mg = 3 IU)" if m["unit"] == "iu" else ""
        raise _fail(
            text,
            f"unknown dose unit {short_repr(m['unit'])}; use mg, ug, nmol, mg/kg, ug/kg or "
            f"nmol/kg{hint}.",
        )
    return m["drug"].strip(), float(m["amt"]), unit, m.end()


def _clauses(text: str, low: str, pos: int) -> dict[str, re.Match[str]]:
    """Each clause after the amount, by kind; refuses unknown words and repeats."""
    found: dict[str, re.Match[str]] = {}
    while True:
        while pos < len(low) and low[pos].isspace():
            pos += 1
        if pos == len(low):
            return found
        for kind, pattern in _CLAUSE_PATTERNS:  # noqa: B007 (kind is used after the loop)
            m = pattern.match(low, pos)
            if m is not None:
                break
        else:
            raise _fail(
                text,
                f"cannot read {short_repr(low[pos:])}; after the amount and unit come {_CLAUSES}, "
                f"{_EXAMPLE}.",
            )
        if kind in found:
            raise _fail(
                text,
                f"the {kind} is given twice ({short_repr(found[kind][0])} and "
                f"{short_repr(m[0])}); keep one.",
            )
        found[kind] = m
        pos = m.end()


def _interval_h(text: str, m: re.Match[str] | None) -> float | None:
    if m is None:
        return None
    if "named" in m.groupdict():
        return _NAMED_FREQUENCIES.get(m["named"])  # None for 'once'
    every = float(m["every"])
    if not every > 0.0:
        raise _fail(text, f"the interval in {short_repr(m[0])} must be positive, e.g. q24h.")
    return every * _FREQUENCY_UNIT_H[m["per"]]


def _doses(text: str, found: dict[str, re.Match[str]], ii_h: float | None) -> int:
    """Total number of doses."""
    freq = found["frequency"][0] if "frequency" in found else None
    count = found.get("count")
    if count is None:
        if ii_h is not None:
            raise _fail(
                text,
                f"{short_repr(freq)} repeats, so the regimen needs the total number of doses; add "
                "e.g. 'x 28' (or write 'once' for a single dose).",
            )
        return 1
    n = int(count["count"])
    if n < 1:
        raise _fail(text, f"{short_repr(count[0])} gives no dose; the count is the total number of "
                          "doses, at least 1 ('x 1' or 'once').")  # fmt: skip
    if n > 1 and ii_h is None:
        what = "'once'" if freq is not None else "no frequency"
        raise _fail(
            text,
            f"{short_repr(count[0])} asks for {n} doses but the regimen has {what}; add how often, "
            "e.g. 'q24h', 'daily' or 'weekly'.",
        )
    return n


def _time_h(text: str, found: dict[str, re.Match[str]]) -> float:
    minutes = 0
    if (clock := found.get("clock")) is not None:
        hh, mm = int(clock["hh"]), int(clock["mm"])
        if hh > 23 or mm > 59:
            raise _fail(text, f"{short_repr(clock[0])} is not a clock time; use 00:00 to 23:59.")
        minutes = 60 * hh + mm
    if (start := found.get("start")) is not None:
        day = int(start["day"])
        if day < 1:
            raise _fail(
                text,
                f"{short_repr(start[0])}: regimen days count from 1 (day 1 starts at t = 0); "
                "write 'from day 1' or leave the clause out.",
            )
        minutes += 1440 * (day - 1)
    return minutes / 60.0


def _dur_h(text: str, m: re.Match[str] | None) -> float | None:
    if m is None:
        return None
    value = float(m["over"])
    if not value > 0.0:
        raise _fail(text, f"{short_repr(m[0])}: the infusion duration must be positive; "
                          "leave 'over' "
                          "out for a bolus.")  # fmt: skip
    return value / 60.0 if m["over_unit"].startswith("min") else value


def regimen_fields(text: str, drug: str | None = None) -> dict[str, Any]:
    """The :class:`Dose` fields a regimen string sets (not yet validated by ``Dose``).

    Raises
    ------
    ProtocolError
        The string does not follow the grammar (the message names the part it could not
        read and how to write it).
    """
    if not isinstance(text, str):
        raise ProtocolError(
            f"`regimen` must be a string such as '2 mg sc daily x 28'; got {short_repr(text)} "
            f"({type(text).__name__})."
        )
    if len(text) > _MAX_REGIMEN_CHARS:
        raise _fail(
            text,
            f"is {len(text)} characters long; a regimen is one line of at most "
            f"{_MAX_REGIMEN_CHARS} characters, e.g. '2 mg sc daily x 28'.",
        )
    low = " ".join(text.lower().split())
    named, amt, unit, pos = _head(text, low)
    if named and drug is not None:
        a, b = resolve(named), resolve(drug)
        if a is None or b is None or a.name != b.name:
            raise _fail(
                text,
                f"names the drug {short_repr(named)} but `drug` is {short_repr(drug)}; "
                "remove one of them.",
            )
    name = named or drug
    if not name:
        raise _fail(
            text,
            "no drug named; start the regimen with the drug, e.g. 'tesamorelin 2 mg sc "
            f"daily x 182', or give `drug` next to `regimen`. Drugs: {', '.join(DRUGS)}.",
        )
    found = _clauses(text, low, pos)
    ii_h = _interval_h(text, found.get("frequency"))
    n = _doses(text, found, ii_h)
    route = found["route"]["route"] if "route" in found else _default_route(name, text)
    fields: dict[str, Any] = {
        "drug": name,
        "amt": amt,
        "amt_unit": unit,
        "time_h": _time_h(text, found),
        "ii_h": ii_h,
        "addl": n - 1,
        "dur_h": _dur_h(text, found.get("infusion")),
    }
    if route is not None:
        fields["route"] = route
    return fields


def parse_regimen(text: str, drug: str | None = None) -> Dose:
    """Read a regimen string into a :class:`Dose` (grammar in the module docstring).

    Parameters
    ----------
    text
        E.g. ``"0.3 mg sc q24h x 90 at 22:00"``.
    drug
        The drug when ``text`` does not start with it; when both name it, they must agree.

    Raises
    ------
    ProtocolError
        The string does not follow the grammar, or the dose it describes is invalid
        (unknown drug, unsupported route, non-positive amount, overlapping infusions).
    """
    # Dose validates regimen strings through this module, so it is imported at call time
    from igfaxis.protocol._protocol import Dose

    fields = regimen_fields(text, drug)
    try:
        return Dose.model_validate(fields)
    except ValidationError as exc:
        raise ProtocolError(format_validation_error(exc, f"regimen {short_repr(text)}")) from None


def _num(x: float) -> str:
    """Shortest text that reads back to the same float (``2.0`` -> ``"2"``)."""
    text = repr(float(x))
    return text.removesuffix(".0")


def _frequency(ii_h: float) -> str:
    if ii_h == 24.0:
        return "daily"
    if ii_h == 168.0:
        return "weekly"
    for suffix, unit in (("w", 168.0), ("d", 24.0)):
        n = ii_h / unit
        if n == int(n) and n * unit == ii_h:
            return f"q{int(n)}{suffix}"
    return f"q{_num(ii_h)}h"


def _whole_minutes(hours: float) -> int | None:
    minutes = hours * 60.0
    rounded = round(minutes)
    return rounded if math.isclose(minutes, rounded, rel_tol=0.0, abs_tol=1e-6) else None


def format_regimen(dose: Dose, *, drug: bool = True) -> str:
    """The regimen string of a dose; :func:`parse_regimen` reads it back to an equal dose.

    Parameters
    ----------
    dose
        The dose.
    drug
        Start with the drug name (leave it out for ``{drug: ..., regimen: ...}``).

    Raises
    ------
    ProtocolError
        ``dose.time_h`` is not a whole minute, which ``at HH:MM`` cannot express.
    """
    minutes = _whole_minutes(dose.time_h)
    if minutes is None:
        raise ProtocolError(
            f"`time_h` = {short_repr(dose.time_h)} is not a whole minute, which a regimen's "
            "'at HH:MM' "
            "cannot express; round `time_h` to whole minutes or keep the mapping form."
        )
    parts = [dose.drug] if drug else []
    parts += [_num(dose.amt), dose.amt_unit, dose.route]
    if dose.ii_h is None:
        parts.append("once")
    else:
        parts += [_frequency(dose.ii_h), f"x {dose.addl + 1}"]
    day, clock = divmod(minutes, 1440)
    if clock:
        parts.append(f"at {clock // 60:02d}:{clock % 60:02d}")
    if day:
        parts.append(f"from day {day + 1}")
    if dose.dur_h is not None:
        dur_min = _whole_minutes(dose.dur_h)
        if dose.dur_h < 1.0 and dur_min is not None and dur_min / 60.0 == dose.dur_h:
            parts.append(f"over {dur_min} min")
        else:
            parts.append(f"over {_num(dose.dur_h)} h")
    return " ".join(parts)


def expand_regimen(data: Any) -> Any:
    """Dose input given as a regimen -> the :class:`Dose` fields; anything else unchanged.

    Accepts a regimen string or a mapping ``{"regimen": ..., "drug": ...}`` (``drug``
    optional when the string names it).
    """
    if isinstance(data, str):
        return regimen_fields(data)
    if not (isinstance(data, dict) and "regimen" in data):
        return data
    extra = sorted(str(k) for k in data if k not in ("regimen", "drug"))
    if extra:
        raise ProtocolError(
            f"`regimen` sets amt, amt_unit, route, time_h, ii_h, addl and dur_h, but "
            f"`{'`, `'.join(extra)}` is given as well; give either `regimen` (with `drug`) "
            "or the separate fields, not both."
        )
    drug = data.get("drug")
    if drug is not None and not isinstance(drug, str):
        raise ProtocolError(
            f"`drug` must be a drug name such as 'tesamorelin'; got {short_repr(drug)} "
            f"({type(drug).__name__})."
        )
    return regimen_fields(data["regimen"], drug)
