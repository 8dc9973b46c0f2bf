"""The persons and their labs."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from igfaxis.errors import ExtrapolationWarning, IgfaxisError, ProtocolError
from igfaxis.risk import harmonise_lab, sds
from igfaxis.web import _service as service
from igfaxis.web._figures import CentilePoint, centile_figure
from igfaxis.web._models import User
from igfaxis.web._pages._common import (
    CONDITIONS,
    CSRF,
    DB,
    LARGEST_UPLOAD,
    OptionalUser,
    message,
    render,
    to_login,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# --------------------------------------------------------------------------------------
# persons and labs
# --------------------------------------------------------------------------------------


def _person_fields(form: Mapping[str, str]) -> dict[str, Any]:
    """The :class:`~igfaxis.protocol.Person` fields of the create form (empty ones left out,
    so that the model's defaults and messages apply)."""
    keys = ("age_y", "sex", "weight_kg", "height_m", "condition")
    return {k: form[k].strip() for k in keys if form.get(k, "").strip()}


def _persons_page(
    request: Request, session: Session, user: User, status: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("form", {})
    return render(
        request,
        "persons.html",
        user,
        status,
        persons=service.list_persons(session, user),
        conditions=CONDITIONS,
        **context,
    )


@router.get("/persons", response_class=HTMLResponse)
def persons_page(request: Request, session: DB, user: OptionalUser) -> Response:
    if user is None:
        return to_login(request)
    return _persons_page(request, session, user)


@router.post("/persons", dependencies=CSRF)
async def persons_create(request: Request, session: DB, user: OptionalUser) -> Response:
    if user is None:
        return to_login(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        fields = {"name": form.get("name", "").strip() or None, **_person_fields(form)}
        row = service.create_person(session, user, fields)
    except IgfaxisError as exc:
        return _persons_page(request, session, user, 422, form=form, form_error=message(exc))
    return RedirectResponse(f"/persons/{row.id}", status_code=303)


def _lab_rows(person: Any, labs: list[Any]) -> tuple[list[dict[str, str]], list[CentilePoint]]:
    """The labs, in time order, as table rows (with the SDS under LIFE at the age of each
    lab) and as points of the centile chart; dated labs are placed on the person's time
    line (the latest at ``age_y``) as the flows place them."""
    if not labs:
        return [], []
    subject = service.person_of(person)
    rows, points = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)  # beyond the table: its edge
        # a lab with its laboratory's own interval is read against it (same SDS in LIFE)
        read = [harmonise_lab(lab, subject.age_y, subject.sex)
                for lab in service.lab_values(labs, subject)]  # fmt: skip
        for lab in read:
            age = lab.age_y(subject.age_y)
            try:
                z = f"{sds(lab.igf1_ng_ml, age, subject.sex):+.2f}"
            except IgfaxisError:  # an age the reference does not cover
                z = "n/a"
            rows.append(
                {
                    "when": lab.label,
                    "time": lab.time,
                    "given": f"{lab.value:g} {lab.unit}",
                    "ng_ml": f"{lab.igf1_ng_ml:.1f}",
                    "sds": z,
                    "assay": lab.assay or "",
                    "id": str(labs[lab.line - 1].id),  # lab_values numbers them 1..n
                }
            )
            points.append(CentilePoint(age_y=age, igf1_ng_ml=lab.igf1_ng_ml, label=lab.label))
    return rows, points


def person_page_response(
    request: Request,
    session: Session,
    user: User,
    person_id: int,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    person = service.get_person(session, user, person_id)
    labs = list(service.list_labs(session, user, person_id))
    rows, points = _lab_rows(person, labs)
    figure = None
    if points:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExtrapolationWarning)  # the table's last age
            figure = centile_figure(
                str(person.data.get("sex", "male")),
                [float(person.data.get("age_y", 40.0))],
                points=points,
            )
    runs = service.list_runs(session, user, person_id=person_id)
    context.setdefault("lab_form", {})
    return render(
        request,
        "person.html",
        user,
        status,
        person=person,
        labs=labs,
        lab_rows=rows,
        centile_figure=figure,
        plots=figure is not None,
        runs=runs,
        **context,
    )


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return to_login(request)
    return person_page_response(request, session, user, person_id)


@router.post("/persons/{person_id}/labs/{lab_id}/delete", dependencies=CSRF)
def lab_delete(
    request: Request, session: DB, user: OptionalUser, person_id: int, lab_id: int
) -> Response:
    if user is None:
        return to_login(request)
    service.delete_lab(session, user, person_id, lab_id)
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.post("/persons/{person_id}/delete", dependencies=CSRF)
def person_delete(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    """Delete the person and their labs (their runs stay, without the person)."""
    if user is None:
        return to_login(request)
    service.delete_person(session, user, person_id)
    return RedirectResponse("/persons", status_code=303)


def _labs_added(
    request: Request, session: Session, user: User, person_id: int, **kwargs: Any
) -> Response:
    try:
        added = service.add_labs(session, user, person_id, **kwargs)
    except IgfaxisError as exc:
        form = kwargs.get("rows", [{}])[0] if kwargs.get("rows") else {}
        return person_page_response(
            request, session, user, person_id, 422, lab_error=message(exc), lab_form=form
        )
    n = len(added.labs)
    warned = " ".join(added.warnings)
    return person_page_response(
        request,
        session,
        user,
        person_id,
        lab_ok=f"Added {n} lab{'s' if n != 1 else ''}.",
        lab_warning=warned,
    )


@router.post("/persons/{person_id}/labs/upload", dependencies=CSRF)
async def labs_upload(
    request: Request, session: DB, user: OptionalUser, person_id: int, labs_file: UploadFile
) -> Response:
    if user is None:
        return to_login(request)
    raw = await labs_file.read(LARGEST_UPLOAD + 1)
    name = labs_file.filename or "labs"
    try:
        if len(raw) > LARGEST_UPLOAD:
            raise ProtocolError(
                f"{name} is larger than {LARGEST_UPLOAD // 2**20} MiB; "
                "upload at most 10 000 labs at a time."
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProtocolError(
                f"{name} is not UTF-8 text; save it as a UTF-8 CSV or JSON file."
            ) from None
    except ProtocolError as exc:
        return person_page_response(request, session, user, person_id, 422, lab_error=message(exc))
    is_json = name.lower().endswith(".json") or text.lstrip().startswith("{")
    kind = {"fhir_json": text} if is_json else {"csv_text": text}
    return _labs_added(request, session, user, person_id, **kind)


@router.post("/persons/{person_id}/labs", dependencies=CSRF)
async def labs_enter(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return to_login(request)
    form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
    row = {k: form[k] for k in ("date", "time", "igf1", "unit", "assay") if form.get(k)}
    row.setdefault("date", dt.date.today().isoformat())  # a lab without a date: today
    return _labs_added(request, session, user, person_id, rows=[row])
