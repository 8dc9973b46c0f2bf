"""Read labs from FHIR R4 JSON: one Observation, or a Bundle of Observations.

Each resource is parsed and validated by the ``fhir.resources`` models (R4B,
``fhir.resources.R4B``), never by hand; this is the only module that imports them. Read:

- ``code``: a LOINC coding (system ``http://loinc.org``) **2484-4** (IGF-1, total, serum or
  plasma), **2483-6** (IGFBP-3) or **2963-7** (somatotropin, GH, serum or plasma);
- ``valueQuantity``: ``value`` > 0 and a UCUM ``code`` (or ``unit``): IGF-1 ``ng/mL``,
  ``ug/L`` or ``nmol/L``; IGFBP-3 ``ng/mL``, ``ug/L``, ``mg/L``, ``ug/mL`` or ``nmol/L``;
  GH ``ng/mL``, ``ug/L`` or ``m[IU]/L`` (3 mIU per ug, the CSV reader's conversion);
- ``effectiveDateTime`` (or ``effectivePeriod.start``): the date, and the clock time as
  written (08:00 when only a date is given);
- ``method`` (text or first coding's display/code): the assay, when stated;
- ``referenceRange`` (IGF-1; the first with ``low`` and ``high``): the lab's own interval,
  read as the CSV's ``ref_low``/``ref_high`` (:func:`igfaxis.risk.harmonise_lab`).

An IGFBP-3 or GH Observation is attached to the IGF-1 Observation of the same date and time
(as the CSV's ``igfbp3`` and ``gh`` columns sit in the IGF-1 row); one without such an IGF-1
is refused, as is a resource of another kind, an Observation of
another code, a unit that does not fit, a missing value or date, and a status
``entered-in-error``/``cancelled``. Every message names the resource (its ``id`` or its
place in the file). Afterwards the labs are checked as a CSV's are
(:func:`igfaxis.io.labs.assemble_labs`: future dates, before birth, same-time values).

Examples
--------
A Bundle with one IGF-1 Observation::

    {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
      "resourceType": "Observation", "id": "igf1-2024", "status": "final",
      "code": {"coding": [{"system": "http://loinc.org", "code": "2484-4"}]},
      "effectiveDateTime": "2024-03-04T08:30:00+01:00",
      "valueQuantity": {"value": 112, "unit": "ng/mL",
                        "system": "http://unitsofmeasure.org", "code": "ng/mL"}}}]}
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, Final

from igfaxis._files import MAX_CSV_BYTES, load_json, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError, UnitError
from igfaxis.io.labs import MAX_LAB_ROWS, LabValue, assemble_labs
from igfaxis.units import canonical_igf1_unit, gh_to_ng_ml, igf1_to_ng_ml, igfbp3_to_ng_ml

__all__ = ["LOINC_CODES", "parse_fhir_labs", "read_fhir_labs"]

LOINC: Final = "http://loinc.org"
#: LOINC code -> what igfaxis reads it as
LOINC_CODES: Final = {"2484-4": "igf1", "2483-6": "igfbp3", "2963-7": "gh"}
#: what an Observation of a kind that rides on its sample's IGF-1 is: (name, LabValue field)
_PAIRED: Final = {"igfbp3": ("IGFBP-3", "igfbp3_ng_ml"), "gh": ("GH", "gh_ng_ml")}
#: kind -> its converter to ng/mL (the CSV reader's own; each refuses a unit that does not fit)
_TO_NG_ML: Final = {"igf1": igf1_to_ng_ml, "igfbp3": igfbp3_to_ng_ml, "gh": gh_to_ng_ml}
_REFUSED_STATUS: Final = frozenset({"entered-in-error", "cancelled"})


def _models() -> tuple[Any, Any]:
    try:
        from fhir.resources.R4B.bundle import Bundle
        from fhir.resources.R4B.observation import Observation
    except ImportError:
        raise ImportError(
            "reading FHIR labs requires fhir.resources: pip install 'fhir.resources>=8'"
        ) from None
    return Bundle, Observation


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        return f"`{loc}`: {first.get('msg', '')}" if loc else str(first.get("msg", ""))
    return str(exc).splitlines()[0]


def _resources(name: str, data: Any) -> list[tuple[str, Any]]:
    """(how to name it, raw resource) for each Observation in an Observation or Bundle."""
    if not isinstance(data, dict) or "resourceType" not in data:
        raise ProtocolError(
            f"{name} is not a FHIR resource: expected a JSON object with `resourceType` "
            "Observation or Bundle."
        )
    kind = data["resourceType"]
    if kind == "Observation":
        return [(_name(name, data, None), data)]
    if kind != "Bundle":
        raise ProtocolError(
            f"{name}: a FHIR resource of kind {short_repr(kind)}"
            f"{_id_text(data)} is not labs; give an Observation or a Bundle of Observations."
        )
    Bundle, _ = _models()
    try:
        Bundle.model_validate({**data, "entry": []})  # the entries one by one, below
    except (ValueError, TypeError) as exc:
        raise ProtocolError(f"{name}: not a valid FHIR R4 Bundle: {_first_error(exc)}") from None
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise ProtocolError(f"{name}: `Bundle.entry` must be a list of entries.")
    if len(entries) > MAX_LAB_ROWS:
        raise ProtocolError(f"{name} has more than {MAX_LAB_ROWS} entries; keep the labs to show.")
    out = []
    for i, entry in enumerate(entries):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(res, dict):
            raise ProtocolError(f"{name}, entry {i}: has no `resource`.")
        if res.get("resourceType") != "Observation":
            raise ProtocolError(
                f"{_name(name, res, i)}: a FHIR resource of kind "
                f"{short_repr(res.get('resourceType'))} is not labs; the Bundle may hold "
                "Observations only (LOINC 2484-4 IGF-1, 2483-6 IGFBP-3, 2963-7 GH)."
            )
        out.append((_name(name, res, i), res))
    return out


def _id_text(res: dict[str, Any]) -> str:
    return f" (id {short_repr(res['id'])})" if isinstance(res.get("id"), str) else ""


def _name(name: str, res: dict[str, Any], entry: int | None) -> str:
    kind = res.get("resourceType", "resource")
    ident = f" {short_repr(res['id'])}" if isinstance(res.get("id"), str) else ""
    place = f"entry {entry}, " if entry is not None else ""
    return f"{name}, {place}{kind}{ident}"


def _kind(where: str, obs: Any) -> str:
    codings = (obs.code.coding or []) if obs.code is not None else []
    for c in codings:
        if c.system == LOINC and c.code in LOINC_CODES:
            return LOINC_CODES[c.code]
    got = [f"{c.system or '?'}|{c.code}" for c in codings] or [str(obs.code.text or "none")]
    raise ProtocolError(
        f"{where}: code {short_repr(got)} is not IGF-1 (LOINC 2484-4), IGFBP-3 (LOINC "
        "2483-6) or GH (LOINC 2963-7); remove the Observation or fix its code."
    )


def _when(where: str, obs: Any) -> tuple[str, str]:
    """(ISO date, HH:MM) of the blood draw."""
    value = obs.effectiveDateTime
    if value is None and obs.effectivePeriod is not None:
        value = obs.effectivePeriod.start
    if value is None:
        raise ProtocolError(
            f"{where}: has no `effectiveDateTime`; give the date (and time) of the blood draw."
        )
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return value.isoformat(), "08:00"
    raise ProtocolError(
        f"{where}: `effectiveDateTime` {short_repr(str(value))} is not a full date; give "
        "YYYY-MM-DD (and a time)."
    )


def _quantity(where: str, obs: Any, kind: str) -> tuple[float, str, float]:
    """(value as given, its unit, value in ng/mL)."""
    q = obs.valueQuantity
    if q is None or q.value is None:
        raise ProtocolError(
            f"{where}: has no `valueQuantity.value`; an Observation without a value cannot be "
            "used (a `dataAbsentReason` is not a lab)."
        )
    value = float(q.value)
    if not math.isfinite(value) or value <= 0.0:
        raise ProtocolError(f"{where}: `valueQuantity.value` must be > 0; got {value:g}.")
    unit = q.code or q.unit
    if not unit:
        raise UnitError(f"{where}: `valueQuantity` has no UCUM `code` or `unit`.")
    try:
        return value, unit, _TO_NG_ML[kind](value, unit)  # each converter checks its unit
    except UnitError as exc:
        raise UnitError(f"{where}: `valueQuantity` unit does not fit: {exc}") from None


def _assay(obs: Any) -> str | None:
    m = obs.method
    if m is None:
        return None
    if m.text:
        return str(m.text)
    for c in m.coding or []:
        if c.display or c.code:
            return str(c.display or c.code)
    return None


def _reference_range(where: str, obs: Any) -> tuple[float | None, float | None]:
    """The IGF-1 Observation's first ``referenceRange`` with both ``low`` and ``high`` (the
    lab's own interval) in ng/mL; none given: ``(None, None)``."""
    for rr in obs.referenceRange or []:
        if rr.low is None and rr.high is None:
            continue
        if rr.low is None or rr.high is None or rr.low.value is None or rr.high.value is None:
            raise ProtocolError(
                f"{where}: `referenceRange` needs both `low` and `high` values (the lab's "
                "interval); a one-sided range cannot place the value. Remove it or add the "
                "other limit."
            )
        ends = []
        for side, q in (("low", rr.low), ("high", rr.high)):
            value = float(q.value)
            unit = q.code or q.unit
            if not math.isfinite(value) or value <= 0.0 or not unit:
                raise ProtocolError(
                    f"{where}: `referenceRange.{side}` must be a value > 0 with a UCUM unit; "
                    f"got {value:g} {short_repr(unit)}."
                )
            try:
                canonical_igf1_unit(unit)
            except UnitError as exc:
                raise UnitError(
                    f"{where}: `referenceRange.{side}` unit does not fit: {exc}"
                ) from None
            ends.append(float(igf1_to_ng_ml(value, unit)))
        if ends[0] >= ends[1]:
            raise ProtocolError(
                f"{where}: `referenceRange` low {ends[0]:g} ng/mL must be below high "
                f"{ends[1]:g} ng/mL."
            )
        return ends[0], ends[1]
    return None, None


def read_fhir_labs(
    path: str | Path, *, age_y: float | None = None, today: dt.date | None = None
) -> tuple[LabValue, ...]:
    """Read labs from a FHIR R4 Observation or Bundle (JSON; module docstring).

    Parameters
    ----------
    path
        The JSON file.
    age_y
        The person's age at the latest lab; given, a lab before birth is refused.
    today
        Dates after it are refused (default: the computer's date).

    Returns
    -------
    One :class:`~igfaxis.io.labs.LabValue` per IGF-1 Observation (IGFBP-3 of the same
    date and time attached), sorted by time; the latest is day 0.

    Raises
    ------
    ProtocolError
        See the module docstring; :class:`~igfaxis.errors.UnitError` for a unit.
    """
    p = Path(path)
    text = read_text(p, "labs", max_bytes=MAX_CSV_BYTES)
    return parse_fhir_labs(load_json(text, p.name), name=p.name, age_y=age_y, today=today)


def parse_fhir_labs(
    data: Any, *, name: str = "FHIR labs", age_y: float | None = None,
    today: dt.date | None = None,
) -> tuple[LabValue, ...]:
    """:func:`read_fhir_labs` for parsed JSON (an Observation or a Bundle) that is not in a
    file (a web upload); ``name`` names it in messages."""
    _, Observation = _models()
    igf1: list[tuple[str, LabValue]] = []
    paired: list[tuple[str, str, tuple[str, str], float]] = []
    for where, raw in _resources(name, data):
        try:
            obs = Observation.model_validate(raw)
        except (ValueError, TypeError) as exc:
            raise ProtocolError(
                f"{where}: not a valid FHIR R4 Observation: {_first_error(exc)}"
            ) from None
        if obs.status in _REFUSED_STATUS:
            raise ProtocolError(
                f"{where}: status {short_repr(obs.status)}; remove the Observation."
            )
        kind = _kind(where, obs)
        date, clock = _when(where, obs)
        value, unit, ng_ml = _quantity(where, obs, kind)
        if kind in _PAIRED:
            paired.append((where, kind, (date, clock), ng_ml))
            continue
        low, high = _reference_range(where, obs)
        lab = LabValue(day=0.0, date=date, value=value, unit=unit, igf1_ng_ml=ng_ml,
                       line=len(igf1) + 1, time=clock, assay=_assay(obs),
                       ref_low_ng_ml=low, ref_high_ng_ml=high)  # fmt: skip
        igf1.append((where, lab))
    if not igf1:
        raise ProtocolError(
            f"{name} holds no IGF-1 Observation (LOINC 2484-4); add at least one."
        )
    at = {(lab.date, lab.time): i for i, (_, lab) in enumerate(igf1)}
    labs = [lab for _, lab in igf1]
    for where, kind, key, ng_ml in paired:
        what, field = _PAIRED[kind]
        if key not in at:
            raise ProtocolError(
                f"{where}: {what} at {key[0]} {key[1]} has no IGF-1 Observation at the same "
                f"date and time; igfaxis reads {what} with the IGF-1 of its sample."
            )
        if getattr(labs[at[key]], field) is not None:
            raise ProtocolError(
                f"{where}: a second {what} at {key[0]} {key[1]}; keep one {what} Observation "
                "per blood draw."
            )
        labs[at[key]] = LabValue(**{**vars(labs[at[key]]), field: ng_ml})
    places = [where for where, _ in igf1]
    return assemble_labs(name, labs, age_y=age_y, today=today, places=places)
