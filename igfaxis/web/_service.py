"""The per-user data operations of the web app, shared by the REST API and the pages.

Every function takes the SQLAlchemy session and the logged-in :class:`User`, filters by
that user, validates input with :mod:`igfaxis.protocol` and :mod:`igfaxis.io.labs` (the
CLI's messages), and commits what it changes. Bad input raises
:class:`~igfaxis.errors.ProtocolError` (the API answers 422 with its one-line message);
another user's id, or one that does not exist, raises :class:`NotFound` (404). Runs are
only queued here: :mod:`igfaxis.web._jobs` executes them in worker processes.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from igfaxis._messages import one_line, short_repr
from igfaxis.app import (
    RESOLUTIONS,
    check_horizon,
    check_levers,
    check_method,
    check_target,
)
from igfaxis.errors import IgfaxisError, LabWarning, ProtocolError
from igfaxis.io.labs import assemble_labs, parse_lab_rows, parse_labs_csv
from igfaxis.protocol import (
    MAX_DAYS,
    MAX_SEED,
    LabValue,
    Person,
    Protocol,
    format_validation_error,
)
from igfaxis.web._models import RUN_KINDS, LabRow, PersonRow, ProtocolRow, RunRow, User, utcnow

__all__ = [
    "MAX_COMPARE_PROTOCOLS",
    "MAX_WEB_DAYS",
    "AddedLabs",
    "NotFound",
    "add_labs",
    "count_runs",
    "create_person",
    "create_protocol",
    "delete_lab",
    "delete_person",
    "delete_protocol",
    "get_person",
    "get_protocol",
    "get_run",
    "lab_values",
    "list_labs",
    "list_persons",
    "list_protocols",
    "list_runs",
    "person_of",
    "protocol_of",
    "retry_run",
    "submit_run",
    "update_person",
    "update_protocol",
]

#: most protocols one compare run takes
MAX_COMPARE_PROTOCOLS: Final = 8
#: longest horizon of a web run [days] (10 years; the CLI goes further at day resolution)
MAX_WEB_DAYS: Final = min(float(MAX_DAYS), 3653.0)
#: most characters of a display name
_MAX_NAME: Final = 200
_LAB_FIELDS: Final = ("day", "date", "value", "unit", "igf1_ng_ml", "time", "assay",
                      "igfbp3_ng_ml", "gh_ng_ml")  # fmt: skip


class NotFound(LookupError):
    """No such row for this user (another user's rows are not found either): 404."""

    def __init__(self, what: str, id: int) -> None:
        self.what, self.id = what, id
        super().__init__(f"{what} {id} not found; list yours with GET /api/v1/{what}s.")


# --------------------------------------------------------------------------------------
# Persons
# --------------------------------------------------------------------------------------


def _name(value: object, default: str, field: str = "name") -> str:
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_NAME:
        raise ProtocolError(
            f"`{field}` must be text of 1-{_MAX_NAME} characters; got {short_repr(value)} "
            f"({type(value).__name__}). Give a label such as 'Ann, 60'."
        )
    return value.strip()


def _validate_person(data: Mapping[str, Any]) -> Person:
    try:
        return Person.model_validate(dict(data))
    except ValidationError as exc:
        raise ProtocolError(format_validation_error(exc, "person")) from None


def _split_person(person_dict: Mapping[str, Any]) -> tuple[str | None, Person]:
    if not isinstance(person_dict, Mapping):
        raise ProtocolError(
            f"a person must be a mapping of fields (name, age_y, sex, weight_kg, ...); got "
            f"{type(person_dict).__name__}."
        )
    fields = dict(person_dict)
    name = fields.pop("name", None)
    return name, _validate_person(fields)


def _default_name(p: Person) -> str:
    return f"{p.age_y:g}-year-old {p.sex}"


def person_of(row: PersonRow) -> Person:
    """The validated :class:`~igfaxis.protocol.Person` of a stored row."""
    return Person.model_validate(row.data)


def create_person(session: Session, user: User, person_dict: Mapping[str, Any]) -> PersonRow:
    """Add a person of ``user``: ``name`` (optional display label) and the
    :class:`~igfaxis.protocol.Person` fields (``age_y``, ``sex``, ``weight_kg``, ...).

    Raises
    ------
    ProtocolError
        A field is unknown or invalid (the message names it, the value and the fix).
    """
    name, person = _split_person(person_dict)
    row = PersonRow(user_id=user.id, name=_name(name, _default_name(person)),
                    data=person.model_dump(mode="json", exclude_none=True))  # fmt: skip
    session.add(row)
    session.commit()
    return row


def list_persons(session: Session, user: User) -> list[PersonRow]:
    """The persons of ``user``, oldest first."""
    return list(session.scalars(select(PersonRow).where(PersonRow.user_id == user.id)
                                .order_by(PersonRow.id)))  # fmt: skip


def get_person(session: Session, user: User, id: int) -> PersonRow:
    """The person ``id`` of ``user``; :class:`NotFound` when it is not theirs."""
    row = session.get(PersonRow, id)
    if row is None or row.user_id != user.id:
        raise NotFound("person", id)
    return row


def update_person(
    session: Session, user: User, id: int, person_dict: Mapping[str, Any]
) -> PersonRow:
    """Replace the person's fields (and name, if given) with ``person_dict``; the labs and
    runs stay. Raises as :func:`create_person` and :func:`get_person`."""
    row = get_person(session, user, id)
    name, person = _split_person(person_dict)
    row.name = _name(name, row.name)
    row.data = person.model_dump(mode="json", exclude_none=True)
    session.commit()
    return row


def delete_person(session: Session, user: User, id: int) -> None:
    """Delete the person with their labs (their runs stay, without the person)."""
    row = get_person(session, user, id)
    session.query(LabRow).filter(LabRow.person_id == row.id).delete()
    session.delete(row)
    session.commit()


# --------------------------------------------------------------------------------------
# Labs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddedLabs:
    """What :func:`add_labs` stored: the new rows and the warnings about them (e.g. two
    different IGF-1 values at the same date and time)."""

    labs: tuple[LabRow, ...]
    warnings: tuple[str, ...]


def _lab_value(row: LabRow, line: int) -> LabValue:
    return LabValue(day=row.day, date=row.date, value=row.value, unit=row.unit,
                    igf1_ng_ml=row.igf1_ng_ml, line=line, time=row.time, assay=row.assay,
                    igfbp3_ng_ml=row.igfbp3_ng_ml, gh_ng_ml=row.gh_ng_ml,
                    ref_low_ng_ml=row.ref_low_ng_ml,
                    ref_high_ng_ml=row.ref_high_ng_ml)  # fmt: skip


def lab_values(rows: Sequence[LabRow], person: Person) -> tuple[LabValue, ...]:
    """Stored labs as the validated, sorted :class:`~igfaxis.protocol.LabValue` tuple that
    the flows take (dated labs placed with the latest at day 0)."""
    values = [_lab_value(r, i) for i, r in enumerate(rows, start=1)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabWarning)  # shown when the labs were added
        return assemble_labs("labs", values, age_y=person.age_y)


def add_labs(
    session: Session,
    user: User,
    person_id: int,
    *,
    rows: Sequence[Mapping[str, object]] | None = None,
    csv_text: str | None = None,
    fhir_json: Any = None,
) -> AddedLabs:
    """Validate labs and add them to a person of ``user``: exactly one of ``rows`` (JSON
    records with the CSV columns: ``date`` or ``day``, ``igf1``, ``unit``, ...),
    ``csv_text`` (a labs CSV, docs/labs.md) or ``fhir_json`` (a FHIR R4 Observation or
    Bundle, parsed JSON or its text).

    All labs of a person are dated, or all by ``day``. Everything is checked (together with
    the labs already stored: dates in the future or before birth) before anything is
    written; then all rows are stored in one transaction.

    Raises
    ------
    ProtocolError
        Invalid labs (the same messages as ``igfaxis calibrate --labs``), none or several
        of the three inputs, or dated and undated labs mixed.
    NotFound
        The person is not ``user``'s.
    """
    row = get_person(session, user, person_id)
    person = person_of(row)
    given = [k for k, v in (("rows", rows), ("csv_text", csv_text), ("fhir_json", fhir_json))
             if v is not None]  # fmt: skip
    if len(given) != 1:
        raise ProtocolError(
            f"give the labs once, as JSON rows, CSV text or a FHIR Bundle; got "
            f"{', '.join(given) or 'none'}."
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LabWarning)
        if rows is not None:
            if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
                raise ProtocolError(
                    f"`rows` must be a list of labs; got {type(rows).__name__}. Example: "
                    '[{"date": "2024-03-04", "igf1": 112, "unit": "ng/mL"}].'
                )
            new = parse_lab_rows(rows, name="labs", age_y=person.age_y)
        elif csv_text is not None:
            new = parse_labs_csv(csv_text, name="labs CSV", age_y=person.age_y)
        else:
            from igfaxis.io.fhir import parse_fhir_labs

            data = fhir_json
            if isinstance(fhir_json, str | bytes):
                try:
                    data = json.loads(fhir_json)
                except ValueError as exc:
                    message = one_line(str(exc))
                    raise ProtocolError(f"the FHIR labs are not JSON: {message}.") from None
            new = parse_fhir_labs(data, name="FHIR labs", age_y=person.age_y)
    existing = list_labs(session, user, person_id)
    if existing and (existing[0].date is None) != (new[0].date is None):
        have = "dated" if existing[0].date is not None else "given by day"
        raise ProtocolError(
            f"this person's labs are {have}; the new labs must be too (a `date` column for "
            "dated labs, `day` otherwise). Delete the old labs first to switch."
        )
    stored = [LabRow(person_id=row.id, date=lab.date,
                     day=lab.day if lab.date is None else 0.0, time=lab.time, value=lab.value,
                     unit=lab.unit, igf1_ng_ml=lab.igf1_ng_ml, assay=lab.assay,
                     igfbp3_ng_ml=lab.igfbp3_ng_ml, gh_ng_ml=lab.gh_ng_ml,
                     ref_low_ng_ml=lab.ref_low_ng_ml, ref_high_ng_ml=lab.ref_high_ng_ml)
              for lab in new]  # fmt: skip
    lab_values([*existing, *stored], person)  # the whole set, checked before writing
    session.add_all(stored)
    session.commit()
    messages = tuple(dict.fromkeys(one_line(str(w.message)) for w in caught))
    return AddedLabs(labs=tuple(stored), warnings=messages)


def list_labs(session: Session, user: User, person_id: int) -> list[LabRow]:
    """The labs of a person of ``user``, in the order added."""
    row = get_person(session, user, person_id)
    return list(session.scalars(select(LabRow).where(LabRow.person_id == row.id)
                                .order_by(LabRow.id)))  # fmt: skip


def delete_lab(session: Session, user: User, person_id: int, lab_id: int) -> None:
    """Delete one lab of a person of ``user``."""
    row = get_person(session, user, person_id)
    lab = session.get(LabRow, lab_id)
    if lab is None or lab.person_id != row.id:
        raise NotFound("lab", lab_id)
    session.delete(lab)
    session.commit()


# --------------------------------------------------------------------------------------
# Protocols
# --------------------------------------------------------------------------------------


def _parse_protocol(yaml_text: str) -> Protocol:
    if not isinstance(yaml_text, str):
        raise ProtocolError(
            f"a protocol must be YAML text; got {type(yaml_text).__name__}. Start from an "
            "example in examples/."
        )
    return Protocol.from_yaml(yaml_text if "\n" in yaml_text else yaml_text + "\n")


def protocol_of(row: ProtocolRow) -> Protocol:
    """The validated :class:`~igfaxis.protocol.Protocol` of a stored row."""
    return Protocol.from_dict(row.data, source=f"protocol {row.id}")


def create_protocol(session: Session, user: User, yaml_text: str) -> ProtocolRow:
    """Save a protocol of ``user`` from its YAML text (validated: the messages of
    ``igfaxis simulate PROTOCOL.yaml``). Its ``name`` is the protocol's."""
    protocol = _parse_protocol(yaml_text)
    row = ProtocolRow(user_id=user.id, name=protocol.name[:_MAX_NAME], yaml_text=yaml_text,
                      data=protocol.to_dict())  # fmt: skip
    session.add(row)
    session.commit()
    return row


def list_protocols(session: Session, user: User) -> list[ProtocolRow]:
    """The saved protocols of ``user``, oldest first."""
    return list(session.scalars(select(ProtocolRow).where(ProtocolRow.user_id == user.id)
                                .order_by(ProtocolRow.id)))  # fmt: skip


def get_protocol(session: Session, user: User, id: int) -> ProtocolRow:
    """The saved protocol ``id`` of ``user``; :class:`NotFound` when it is not theirs."""
    row = session.get(ProtocolRow, id)
    if row is None or row.user_id != user.id:
        raise NotFound("protocol", id)
    return row


def update_protocol(session: Session, user: User, id: int, yaml_text: str) -> ProtocolRow:
    """Replace a saved protocol's YAML (validated as in :func:`create_protocol`)."""
    row = get_protocol(session, user, id)
    protocol = _parse_protocol(yaml_text)
    row.name, row.yaml_text, row.data = protocol.name[:_MAX_NAME], yaml_text, protocol.to_dict()
    session.commit()
    return row


def delete_protocol(session: Session, user: User, id: int) -> None:
    """Delete a saved protocol of ``user``."""
    session.delete(get_protocol(session, user, id))
    session.commit()


# --------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------


def _as_protocol(value: Protocol | Mapping[str, Any] | str, field: str) -> Protocol:
    if isinstance(value, Protocol):
        return value
    if isinstance(value, str):
        return _parse_protocol(value)
    return Protocol.from_dict(value, source=f"`{field}`")


def _labelled(protocols: Sequence[Protocol]) -> dict[str, Protocol]:
    """Label -> protocol, the names made unique as the CLI does (``name (2)``)."""
    names = [p.name for p in protocols]
    labels = [n if names.count(n) == 1 else f"{n} ({i + 1})" for i, n in enumerate(names)]
    return dict(zip(labels, protocols, strict=True))


def _check_days(days: float | None) -> float | None:
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int | float) or not (
        0.0 < float(days) <= MAX_WEB_DAYS
    ):
        raise ProtocolError(
            f"`days` must be a number of days in (0, {MAX_WEB_DAYS:g}]; got {short_repr(days)}. "
            "Leave it out to use the protocol's `days`."
        )
    return float(days)


def _check_int(value: object, field: str, low: int, high: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError(
            f"`{field}` must be a whole number {low}-{high}; got {short_repr(value)}. {hint}"
        )
    return value


def _run_params(
    kind: str,
    person: Person | None,
    labs: tuple[LabValue, ...],
    protocol: Protocol | Mapping[str, Any] | str | None,
    protocols: Sequence[Protocol | Mapping[str, Any] | str] | None,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    """Check a run's input now (a 422 instead of a failed job) and snapshot it as JSON."""
    opts = dict(options)
    known = {"days", "seed", "resolution", "menopausal", "method", "predict", "target",
             "levers", "horizon_days", "draws"}  # fmt: skip
    unknown = sorted(set(opts) - known)
    if unknown:
        raise ProtocolError(
            f"unknown run option(s) {short_repr(unknown)}; known: {', '.join(sorted(known))}."
        )
    params: dict[str, Any] = {"person": person.model_dump(mode="json") if person else None,
                              "labs": [{f: getattr(lab, f) for f in _LAB_FIELDS}
                                       for lab in labs]}  # fmt: skip
    if kind == "compare":
        if protocol is not None or not protocols or len(protocols) < 2:
            raise ProtocolError(
                "a compare run needs `protocols`: a list of two or more protocols (not "
                f"`protocol`); got {len(protocols or [])}. Use kind simulate for one."
            )
        if len(protocols) > MAX_COMPARE_PROTOCOLS:
            raise ProtocolError(
                f"a compare run takes at most {MAX_COMPARE_PROTOCOLS} protocols; got "
                f"{len(protocols)}. Split the comparison."
            )
        parsed = [_as_protocol(p, f"protocols.{i}") for i, p in enumerate(protocols)]
        params["protocols"] = {k: p.to_dict() for k, p in _labelled(parsed).items()}
    else:
        if protocols is not None:
            raise ProtocolError(
                f"`protocols` is for compare runs; a {kind} run takes one `protocol`."
            )
        if protocol is None and kind == "simulate":
            raise ProtocolError("a simulate run needs a `protocol`; give one (or `{}` for a "
                                "usual day with no intervention).")  # fmt: skip
        params["protocol"] = (_as_protocol(protocol, "protocol").to_dict()
                              if protocol is not None else None)  # fmt: skip
    params["days"] = _check_days(opts.get("days"))
    params["seed"] = _check_int(opts.get("seed", 0), "seed", 0, MAX_SEED,
                                "It seeds the endogenous GH burst train.")  # fmt: skip
    resolution = opts.get("resolution", "auto")
    if resolution not in RESOLUTIONS:
        raise ProtocolError(
            f"`resolution` must be auto, pulse or day; got {short_repr(resolution)}. Use day "
            "for years, pulse to resolve every GH burst."
        )
    params["resolution"] = resolution
    menopausal = opts.get("menopausal")
    if menopausal is not None and not isinstance(menopausal, bool):
        raise ProtocolError(f"`menopausal` must be true, false or null; got "
                            f"{short_repr(menopausal)}.")  # fmt: skip
    if menopausal is not None and person is not None and person.sex == "male":
        raise ProtocolError("`menopausal` applies to women; the person is male. Leave it out.")
    params["menopausal"] = menopausal
    if kind == "calibrate":
        if not labs:
            raise ProtocolError("a calibrate run needs the person's labs; add labs first "
                                "(POST /api/v1/persons/{id}/labs).")  # fmt: skip
        params["method"] = check_method(opts.get("method", "laplace"))
        predict = opts.get("predict") or []
        if not isinstance(predict, list) or not all(
            isinstance(x, str | int | float) and not isinstance(x, bool) for x in predict
        ):
            raise ProtocolError(f"`predict` must be a list of days or dates; got "
                                f"{short_repr(predict)}.")  # fmt: skip
        params["predict"] = predict
    if kind == "optimize":
        target = opts.get("target", "sds:0..1")
        if not isinstance(target, str):
            raise ProtocolError(f"`target` must be text such as 'sds:0..1'; got "
                                f"{short_repr(target)}.")  # fmt: skip
        check_target(target, field="target")
        params["target"] = target
        levers = opts.get("levers", "somatropin")
        if isinstance(levers, list):
            levers = ",".join(str(x) for x in levers)
        if not isinstance(levers, str):
            raise ProtocolError(f"`levers` must be a list or comma-separated text; got "
                                f"{short_repr(levers)}.")  # fmt: skip
        check_levers(levers, field="levers")
        params["levers"] = levers
        horizon = opts.get("horizon_days", 180)
        params["horizon_days"] = check_horizon(horizon, field="horizon_days")
        params["draws"] = _check_int(opts.get("draws", 40), "draws", 2, 400,
                                     "40 gives probabilities to about 5%.")  # fmt: skip
    return params


def submit_run(
    session: Session,
    user: User,
    kind: str,
    person_id: int | None = None,
    *,
    protocol: Protocol | Mapping[str, Any] | str | None = None,
    protocols: Sequence[Protocol | Mapping[str, Any] | str] | None = None,
    **options: Any,
) -> RunRow:
    """Queue a run of ``user`` and return its row (status ``"queued"``).

    Parameters
    ----------
    kind
        ``"simulate"`` (one ``protocol``), ``"compare"`` (two or more ``protocols``),
        ``"calibrate"`` (the person's labs; ``protocol`` optional: what they followed) or
        ``"optimize"`` (the person, with their labs if any; ``protocol`` optional: the
        current one).
    person_id
        A person of ``user``; required except for simulate and compare (then the default
        person: a healthy 45-year-old man of 80 kg).
    protocol, protocols
        :class:`~igfaxis.protocol.Protocol`, its fields (a mapping) or its YAML text.

    Other Parameters
    ----------------
    days, seed, resolution, menopausal
        As ``igfaxis simulate`` / ``compare``.
    method, predict
        Calibrate: ``"laplace"`` or ``"nuts"``; days or dates to predict a lab at.
    target, levers, horizon_days, draws
        Optimize: as ``igfaxis optimize``.

    The person's fields and labs are copied into the run, so that it (and a retry) uses
    them as they were at submission.

    Raises
    ------
    ProtocolError
        An unknown kind or option, or invalid input (the CLI's messages).
    NotFound
        ``person_id`` is not ``user``'s.
    """
    if kind not in RUN_KINDS:
        raise ProtocolError(
            f"`kind` must be one of {', '.join(RUN_KINDS)}; got {short_repr(kind)}."
        )
    person: Person | None = None
    labs: tuple[LabValue, ...] = ()
    if person_id is not None:
        row = get_person(session, user, person_id)
        person = person_of(row)
        stored = list_labs(session, user, person_id)
        labs = lab_values(stored, person) if stored else ()
    elif kind in ("calibrate", "optimize"):
        raise ProtocolError(f"a {kind} run needs a `person_id`; create the person first "
                            "(POST /api/v1/persons).")  # fmt: skip
    try:
        params = _run_params(kind, person, labs, protocol, protocols, options)
    except IgfaxisError:
        raise
    except (TypeError, ValueError) as exc:  # a malformed option the checks above let through
        raise ProtocolError(f"invalid run options: {one_line(str(exc))}") from None
    run = RunRow(user_id=user.id, person_id=person_id, kind=kind, params=params,
                 status="queued", progress=0.0)  # fmt: skip
    session.add(run)
    session.commit()
    _wake(session)
    return run


def _wake(session: Session) -> None:
    """Tell the job runner (``session.info["jobs"]``, set by the app) there is work."""
    jobs = session.info.get("jobs")
    if jobs is not None:
        jobs.wake()


def get_run(session: Session, user: User, id: int) -> RunRow:
    """The run ``id`` of ``user`` (fresh from the database); :class:`NotFound` otherwise."""
    row = session.get(RunRow, id, populate_existing=True)
    if row is None or row.user_id != user.id:
        raise NotFound("run", id)
    return row


def list_runs(
    session: Session, user: User, person_id: int | None = None, *, limit: int = 200
) -> list[RunRow]:
    """The runs of ``user`` (of one person, if given), newest first, at most ``limit``."""
    query = select(RunRow).where(RunRow.user_id == user.id)
    if person_id is not None:
        get_person(session, user, person_id)
        query = query.where(RunRow.person_id == person_id)
    return list(session.scalars(query.order_by(RunRow.id.desc()).limit(limit)))


def count_runs(session: Session, user: User, status: str) -> int:
    """How many runs of ``user`` have ``status``."""
    query = select(func.count()).select_from(RunRow)
    return int(session.scalar(query.where(RunRow.user_id == user.id, RunRow.status == status))
               or 0)  # fmt: skip


def retry_run(session: Session, user: User, id: int) -> RunRow:
    """Queue a failed or interrupted run again (same input); its old message is cleared.

    Raises
    ------
    ProtocolError
        The run is queued, running or done (nothing to retry).
    NotFound
        The run is not ``user``'s.
    """
    run = get_run(session, user, id)
    if run.status not in ("failed", "interrupted"):
        raise ProtocolError(
            f"run {id} is {run.status}; only failed or interrupted runs can be retried."
        )
    run.status, run.progress, run.message, run.result = "queued", 0.0, None, None
    run.started_at = run.finished_at = None
    run.created_at = utcnow()
    session.commit()
    _wake(session)
    return run
