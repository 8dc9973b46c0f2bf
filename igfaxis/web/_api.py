"""The REST API under ``/api/v1`` (OpenAPI at ``/docs``): tokens, persons, labs, protocols
and runs, each a thin call of :mod:`igfaxis.web._service`.

Authentication: ``POST /api/v1/token`` (form ``username``, ``password``) gives a bearer
token; every other route needs ``Authorization: Bearer TOKEN`` (or the pages' session
cookie with the CSRF header). Request bodies reuse the protocol schema (:class:`Person`,
:class:`Protocol`); invalid input answers 422 with the CLI's one-line message in
``detail``; another user's id answers 404; a body above the size limit answers 413.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from igfaxis.errors import ProtocolError
from igfaxis.protocol import MAX_SEED, Person, Protocol
from igfaxis.risk import DISCLAIMER
from igfaxis.web import _service as service
from igfaxis.web._auth import authenticate, current_user, issue_token
from igfaxis.web._db import get_session
from igfaxis.web._models import LabRow, PersonRow, ProtocolRow, RunRow, User

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["api"])

DB = Annotated[Session, Depends(get_session)]
#: a row id: a positive integer that fits the databases' 64-bit keys
MAX_ID: Final = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A row id.")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
CurrentUser = Annotated[User, Depends(current_user)]

_ERRORS: dict[int, str] = {
    401: "Not logged in",
    404: "Not found (or another user's)",
    413: "Request body too large",
    422: "Invalid input: `detail` names the field, the value and the fix",
}


class Problem(BaseModel):
    """An error: ``detail`` is one line naming the field, the value and how to fix it."""

    detail: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: {"description": _ERRORS[c], "model": Problem} for c in codes}


# --------------------------------------------------------------------------------------
# Models (responses carry `note`: the tool's disclaimer)
# --------------------------------------------------------------------------------------


class TokenOut(BaseModel):
    """A bearer token for ``Authorization: Bearer ...``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"


class PersonIn(Person):
    """A person: an optional display ``name`` and the fields of the protocol schema's
    :class:`~igfaxis.protocol.Person` (``age_y``, ``sex``, ``weight_kg``, ...)."""

    name: str | None = Field(None, min_length=1, max_length=200, description="Display label.")


class PersonOut(BaseModel):
    """A stored person."""

    id: int
    name: str
    person: dict[str, Any] = Field(description="The Person fields (protocol schema).")
    created_at: dt.datetime
    updated_at: dt.datetime
    note: str = DISCLAIMER


def _person_out(row: PersonRow) -> PersonOut:
    return PersonOut(id=row.id, name=row.name, person=row.data, created_at=row.created_at,
                     updated_at=row.updated_at)  # fmt: skip


class LabRowIn(BaseModel):
    """One lab as JSON: the columns of a labs CSV (docs/labs.md); ``date`` or ``day``."""

    model_config = ConfigDict(extra="forbid")

    date: str | None = Field(None, description="ISO date YYYY-MM-DD (or give `day`).")
    day: float | None = Field(None, description="Day on the person's time line [days].")
    time: str | None = Field(None, description="Clock time of the draw, HH:MM.")
    igf1: float | str = Field(description="Total IGF-1.")
    unit: str = Field(description="ng/mL (= ug/L) or nmol/L.")
    assay: str | None = None
    igfbp3: float | str | None = None
    igfbp3_unit: str | None = None
    gh: float | str | None = None
    gh_unit: str | None = None


class LabOut(BaseModel):
    """A stored lab (IGF-1, IGFBP-3 and GH in ng/mL)."""

    id: int
    date: str | None
    day: float | None
    time: str
    value: float
    unit: str
    igf1_ng_ml: float
    assay: str | None
    igfbp3_ng_ml: float | None
    gh_ng_ml: float | None
    ref_low_ng_ml: float | None = None
    ref_high_ng_ml: float | None = None


def _lab_out(row: LabRow) -> LabOut:
    return LabOut(id=row.id, date=row.date, day=row.day if row.date is None else None,
                  time=row.time, value=row.value, unit=row.unit, igf1_ng_ml=row.igf1_ng_ml,
                  assay=row.assay, igfbp3_ng_ml=row.igfbp3_ng_ml,
                  gh_ng_ml=row.gh_ng_ml, ref_low_ng_ml=row.ref_low_ng_ml,
                  ref_high_ng_ml=row.ref_high_ng_ml)  # fmt: skip


class LabsAddedOut(BaseModel):
    """The labs just stored, and warnings about them (e.g. a duplicate sample)."""

    labs: list[LabOut]
    warnings: list[str]


class ProtocolIn(BaseModel):
    """A protocol to save: its YAML text (docs/protocols.md), or its fields."""

    model_config = ConfigDict(extra="forbid")

    yaml: str | None = Field(None, max_length=1_000_000, description="The protocol as YAML.")
    protocol: Protocol | None = Field(None, description="The protocol's fields.")


class ProtocolOut(BaseModel):
    """A saved protocol."""

    id: int
    name: str
    yaml: str
    protocol: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


def _protocol_out(row: ProtocolRow) -> ProtocolOut:
    return ProtocolOut(id=row.id, name=row.name, yaml=row.yaml_text, protocol=row.data,
                       created_at=row.created_at, updated_at=row.updated_at)  # fmt: skip


class RunIn(BaseModel):
    """A run to queue. ``simulate``: one ``protocol``; ``compare``: two or more
    ``protocols``; ``calibrate``: the person's labs (``protocol``: what they followed);
    ``optimize``: ``target``, ``levers``, ``horizon_days``, ``draws`` (the person's labs
    are fitted first when there are any)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["simulate", "compare", "calibrate", "optimize"]
    person_id: int | None = Field(None, ge=1, le=MAX_ID,
                                  description="One of your persons; simulate and compare "
                                  "default to a healthy 45-year-old man.")  # fmt: skip
    protocol: Protocol | None = None
    protocols: list[Protocol] | None = Field(None, min_length=2, max_length=8)
    days: float | None = Field(None, gt=0, le=service.MAX_WEB_DAYS, description="Horizon [days].")
    seed: int = Field(0, ge=0, le=MAX_SEED)
    resolution: Literal["auto", "pulse", "day"] = "auto"
    menopausal: bool | None = None
    method: Literal["laplace", "nuts"] = "laplace"
    predict: list[float | str] = Field(default_factory=list, max_length=50)
    target: str = Field("sds:0..1", max_length=100, description="sds:LOW..HIGH or "
                        "ng_ml:LOW..HIGH.")  # fmt: skip
    levers: str | list[str] = "somatropin"
    horizon_days: int = Field(180, ge=28, le=730)
    draws: int = Field(40, ge=2, le=400)


class RunCreated(BaseModel):
    """A queued run."""

    id: int
    status: str


class RunOut(BaseModel):
    """A run: its status (queued, running, done, failed, interrupted), progress 0..1, the
    failure's message, and when done its result (what the CLI's ``--json`` prints, with
    ``figure`` series)."""

    id: int
    kind: str
    person_id: int | None
    status: str
    progress: float
    message: str | None
    result: dict[str, Any] | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    note: str = DISCLAIMER


def _run_out(row: RunRow, *, with_result: bool = True) -> RunOut:
    return RunOut(id=row.id, kind=row.kind, person_id=row.person_id, status=row.status,
                  progress=row.progress, message=row.message,
                  result=row.result if with_result else None, created_at=row.created_at,
                  started_at=row.started_at, finished_at=row.finished_at)  # fmt: skip


# --------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------


@router.post("/token", response_model=TokenOut, responses=_errors(401, 422))
def token(
    session: DB,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
) -> TokenOut:
    """Log in with a user's name and password; the token is valid for 30 days."""
    user = authenticate(session, username, password)
    if user is None:
        raise HTTPException(status_code=401, detail="wrong user name or password; check both "
                            "(users are added with `igfaxis users add NAME`).",
                            headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    return TokenOut(access_token=issue_token(session, user))


@router.post("/persons", status_code=201, response_model=PersonOut,
             responses=_errors(401, 413, 422))  # fmt: skip
def create_person(session: DB, user: CurrentUser, body: PersonIn) -> PersonOut:
    """Add a person."""
    data = body.model_dump(exclude_unset=True)
    return _person_out(service.create_person(session, user, data))


@router.get("/persons", response_model=list[PersonOut], responses=_errors(401))
def list_persons(session: DB, user: CurrentUser) -> list[PersonOut]:
    """Your persons."""
    return [_person_out(r) for r in service.list_persons(session, user)]


@router.get("/persons/{person_id}", response_model=PersonOut, responses=_errors(401, 404, 422))
def get_person(session: DB, user: CurrentUser, person_id: RowId) -> PersonOut:
    """One of your persons."""
    return _person_out(service.get_person(session, user, person_id))


@router.put("/persons/{person_id}", response_model=PersonOut,
            responses=_errors(401, 404, 413, 422))  # fmt: skip
def update_person(session: DB, user: CurrentUser, person_id: RowId, body: PersonIn) -> PersonOut:
    """Replace a person's fields (labs and runs stay)."""
    data = body.model_dump(exclude_unset=True)
    return _person_out(service.update_person(session, user, person_id, data))


@router.delete("/persons/{person_id}", status_code=204, responses=_errors(401, 404, 422))
def delete_person(session: DB, user: CurrentUser, person_id: RowId) -> Response:
    """Delete a person and their labs."""
    service.delete_person(session, user, person_id)
    return Response(status_code=204)


_LABS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "JSON rows (a list, or {\"rows\": [...]}), a FHIR R4 Observation or "
        "Bundle (JSON), a labs CSV (text/csv), or a file upload (multipart, field `file`; "
        "`.json` is read as FHIR).",
        "content": {
            "application/json": {"schema": {"oneOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/LabRowIn"},
                 "maxItems": 10000},
                {"type": "object", "properties": {"rows": {
                    "type": "array", "items": {"$ref": "#/components/schemas/LabRowIn"}}},
                 "required": ["rows"], "additionalProperties": False},
                {"type": "object", "properties": {"resourceType": {
                    "type": "string", "enum": ["Bundle", "Observation"]}},
                 "required": ["resourceType"]},
            ]}},
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
        },
    }
}  # fmt: skip


async def _labs_input(request: Request) -> dict[str, Any]:
    """``rows``, ``csv_text`` or ``fhir_json`` from the body, by its content type."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ProtocolError("the upload needs a file in the form field `file` (a labs CSV, "
                                "or FHIR JSON ending in .json).")  # fmt: skip
        text = _decode(await upload.read(), "`file`")
        if (upload.filename or "").lower().endswith(".json"):
            return {"fhir_json": text}
        return {"csv_text": text}
    raw = await request.body()
    if content_type in ("text/csv", "text/plain"):
        return {"csv_text": _decode(raw, "the CSV")}
    if content_type not in ("application/json", "application/fhir+json", ""):
        raise ProtocolError(
            f"the labs' Content-Type must be application/json, text/csv or "
            f"multipart/form-data; got {content_type!r}."
        )
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ProtocolError(f"the labs are not valid JSON: {exc}.") from None
    if isinstance(data, list):
        return {"rows": data}
    if isinstance(data, dict) and "resourceType" in data:
        return {"fhir_json": data}
    if isinstance(data, dict) and set(data) == {"rows"}:
        return {"rows": data["rows"]}
    raise ProtocolError(
        "the labs must be a list of rows (e.g. [{\"date\": \"2024-03-04\", \"igf1\": 112, "
        f"\"unit\": \"ng/mL\"}}]), {{\"rows\": [...]}} or a FHIR Bundle; got "
        f"{type(data).__name__}" + (f" with keys {sorted(data)[:5]}" if isinstance(data, dict)
                                    else "") + "."
    )  # fmt: skip


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProtocolError(f"{what} is not UTF-8 text; save it as UTF-8 (CSV or JSON).") from None


@router.post("/persons/{person_id}/labs", status_code=201, response_model=LabsAddedOut,
             responses=_errors(401, 404, 413, 422), openapi_extra=_LABS_BODY)  # fmt: skip
async def add_labs(request: Request, session: DB, user: CurrentUser,
                   person_id: RowId) -> LabsAddedOut:  # fmt: skip
    """Add labs to a person (all dated or all by day; validated as `igfaxis calibrate
    --labs` validates a file)."""
    service.get_person(session, user, person_id)  # 404 before reading the body
    added = service.add_labs(session, user, person_id, **await _labs_input(request))
    return LabsAddedOut(labs=[_lab_out(r) for r in added.labs], warnings=list(added.warnings))


@router.get("/persons/{person_id}/labs", response_model=list[LabOut],
            responses=_errors(401, 404, 422))  # fmt: skip
def list_labs(session: DB, user: CurrentUser, person_id: RowId) -> list[LabOut]:
    """A person's labs, in the order added."""
    return [_lab_out(r) for r in service.list_labs(session, user, person_id)]


@router.delete("/persons/{person_id}/labs/{lab_id}", status_code=204,
               responses=_errors(401, 404, 422))  # fmt: skip
def delete_lab(session: DB, user: CurrentUser, person_id: RowId, lab_id: RowId) -> Response:
    """Delete one lab."""
    service.delete_lab(session, user, person_id, lab_id)
    return Response(status_code=204)


def _protocol_yaml(body: ProtocolIn) -> str:
    if (body.yaml is None) == (body.protocol is None):
        raise ProtocolError("give the protocol once: `yaml` (its YAML text) or `protocol` (its "
                            "fields).")  # fmt: skip
    if body.yaml is not None:
        return body.yaml
    import yaml

    assert body.protocol is not None
    return yaml.safe_dump(body.protocol.to_dict(), sort_keys=False)


@router.post("/protocols", status_code=201, response_model=ProtocolOut,
             responses=_errors(401, 413, 422))  # fmt: skip
def create_protocol(session: DB, user: CurrentUser, body: ProtocolIn) -> ProtocolOut:
    """Save a protocol."""
    return _protocol_out(service.create_protocol(session, user, _protocol_yaml(body)))


@router.get("/protocols", response_model=list[ProtocolOut], responses=_errors(401))
def list_protocols(session: DB, user: CurrentUser) -> list[ProtocolOut]:
    """Your saved protocols."""
    return [_protocol_out(r) for r in service.list_protocols(session, user)]


@router.get("/protocols/{protocol_id}", response_model=ProtocolOut,
            responses=_errors(401, 404, 422))  # fmt: skip
def get_protocol(session: DB, user: CurrentUser, protocol_id: RowId) -> ProtocolOut:
    """One saved protocol."""
    return _protocol_out(service.get_protocol(session, user, protocol_id))


@router.put("/protocols/{protocol_id}", response_model=ProtocolOut,
            responses=_errors(401, 404, 413, 422))  # fmt: skip
def update_protocol(session: DB, user: CurrentUser, protocol_id: RowId,
                    body: ProtocolIn) -> ProtocolOut:  # fmt: skip
    """Replace a saved protocol."""
    row = service.update_protocol(session, user, protocol_id, _protocol_yaml(body))
    return _protocol_out(row)


@router.delete("/protocols/{protocol_id}", status_code=204, responses=_errors(401, 404, 422))
def delete_protocol(session: DB, user: CurrentUser, protocol_id: RowId) -> Response:
    """Delete a saved protocol."""
    service.delete_protocol(session, user, protocol_id)
    return Response(status_code=204)


@router.post("/runs", status_code=202, response_model=RunCreated,
             responses=_errors(401, 404, 413, 422))  # fmt: skip
def submit_run(session: DB, user: CurrentUser, body: RunIn) -> RunCreated:
    """Queue a run; poll ``GET /api/v1/runs/{id}`` for its progress and result."""
    options = body.model_dump(include=body.model_fields_set - {"kind", "person_id", "protocol",
                                                               "protocols"})  # fmt: skip
    row = service.submit_run(session, user, body.kind, body.person_id, protocol=body.protocol,
                             protocols=body.protocols, **options)  # fmt: skip
    return RunCreated(id=row.id, status=row.status)


@router.get("/runs", response_model=list[RunOut], responses=_errors(401, 404, 422))
def list_runs(session: DB, user: CurrentUser, person_id: QueryId = None) -> list[RunOut]:
    """Your runs (of one person, with ``person_id``), newest first, without results."""
    return [_run_out(r, with_result=False)
            for r in service.list_runs(session, user, person_id)]  # fmt: skip


@router.get("/runs/{run_id}", response_model=RunOut, responses=_errors(401, 404, 422))
def get_run(session: DB, user: CurrentUser, run_id: RowId) -> RunOut:
    """A run's status, progress (0..1) and, when done, its result."""
    return _run_out(service.get_run(session, user, run_id))


@router.post("/runs/{run_id}/retry", status_code=202, response_model=RunCreated,
             responses=_errors(401, 404, 422))  # fmt: skip
def retry_run(session: DB, user: CurrentUser, run_id: RowId) -> RunCreated:
    """Queue a failed or interrupted run again."""
    row = service.retry_run(session, user, run_id)
    return RunCreated(id=row.id, status=row.status)
