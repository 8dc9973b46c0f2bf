"""Runs (simulate, compare, plan, calibrate), their pages and their reports."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from igfaxis.app import DEFAULT_PERSON, configure_jax, make_report, write_report_files
from igfaxis.errors import IgfaxisError, ProtocolError
from igfaxis.io.pdf import find_chromium
from igfaxis.optimize import LEVERS
from igfaxis.protocol import LabValue, Person, Protocol
from igfaxis.web import _service as service
from igfaxis.web._auth import csrf_token
from igfaxis.web._models import User
from igfaxis.web._pages._common import (
    CSRF,
    DB,
    KINDS,
    TEMPLATES,
    OptionalUser,
    message,
    render,
    to_login,
)
from igfaxis.web._pages._persons import person_page_response
from igfaxis.web._pages._protocols import check_protocol, choice_list, protocol_choices
from igfaxis.web._views import run_view

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# --------------------------------------------------------------------------------------
# runs
# --------------------------------------------------------------------------------------


def _run_form(
    request: Request,
    session: Session,
    user: User,
    person_id: int,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    person = service.get_person(session, user, person_id)
    examples = protocol_choices(session, user)
    first, second = "somatropin-low-dose", "tre-16-8"
    context.setdefault("form", {})
    context.setdefault("text_a", examples.get(first, ("", ""))[1])
    context.setdefault("text_b", examples.get(second, ("", ""))[1])
    context.setdefault("chosen_a", first)
    context.setdefault("chosen_b", second)
    return render(
        request,
        "run_form.html",
        user,
        status,
        person=person,
        kinds=KINDS,
        levers=", ".join(LEVERS),
        examples=choice_list(examples),
        **context,
    )


@router.get("/persons/{person_id}/run", response_class=HTMLResponse)
def run_form(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return to_login(request)
    return _run_form(request, session, user, person_id)


def _number(form: Mapping[str, str], key: str, kind: type[int] | type[float]) -> Any:
    """A form's number field (``None`` when empty); the message names the field and the fix."""
    text = form.get(key, "").strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        word = "a whole number" if kind is int else "a number"
        raise ProtocolError(
            f"`{key}` must be {word}; got {text!r}. Correct it or leave it empty."
        ) from None


@router.post("/persons/{person_id}/run", dependencies=CSRF)
async def run_submit(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return to_login(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    kind = form.get("kind", "compare")
    texts = {"a": form.get("protocol_a", ""), "b": form.get("protocol_b", "")}
    keep = {
        "form": form,
        "text_a": texts["a"],
        "text_b": texts["b"],
        "chosen_a": "",
        "chosen_b": "",
    }
    # each editor's own messages first: the field and the fix, under its textarea
    wanted = ("a", "b") if kind == "compare" else ("a",)
    checked = {k: check_protocol(texts[k], f"protocol {k.upper()}") for k in wanted}
    bad = {f"messages_{k}": msgs for k, (_, msgs) in checked.items() if msgs}
    if bad:
        slot, msgs = next(iter(bad.items()))
        first = f"protocol {slot[-1].upper()}: {msgs[0]}"
        return _run_form(request, session, user, person_id, 422, form_error=first, **bad, **keep)
    try:
        options: dict[str, Any] = {"seed": _number(form, "seed", int) or 0}
        days = _number(form, "days", float)
        if days is not None:
            options["days"] = days
        if kind == "compare":
            run = service.submit_run(
                session, user, kind, person_id, protocols=[texts["a"], texts["b"]], **options
            )
        elif kind == "optimize":
            options.pop("days", None)
            for key in ("target", "levers"):
                if form.get(key, "").strip():
                    options[key] = form[key].strip()
            horizon = _number(form, "horizon_days", float)
            if horizon is not None:
                options["horizon_days"] = horizon
            run = service.submit_run(session, user, kind, person_id, protocol=texts["a"], **options)
        else:
            run = service.submit_run(session, user, kind, person_id, protocol=texts["a"], **options)
    except IgfaxisError as exc:
        return _run_form(request, session, user, person_id, 422, form_error=message(exc), **keep)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.post("/persons/{person_id}/calibrate", dependencies=CSRF)
def calibrate_submit(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return to_login(request)
    try:
        run = service.submit_run(session, user, "calibrate", person_id)
    except IgfaxisError as exc:
        return person_page_response(
            request, session, user, person_id, 422, calibrate_error=message(exc)
        )
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, session: DB, user: OptionalUser) -> Response:
    if user is None:
        return to_login(request)
    return render(request, "runs.html", user, runs=service.list_runs(session, user))


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    if user is None:
        return to_login(request)
    run = service.get_run(session, user, run_id)
    person = None
    if run.person_id is not None:
        try:
            person = service.get_person(session, user, run.person_id)
        except service.NotFound:  # deleted since
            person = None
    view = None
    if run.status == "done":
        view = run_view(
            run.kind,
            run.result,
            person=(run.params or {}).get("person"),
            pdf=find_chromium() is not None,
        )
    return render(
        request,
        "run.html",
        user,
        run=run,
        person=person,
        view=view,
        plots=bool(view and view.figures),
    )


@router.get("/runs/{run_id}/status", response_class=HTMLResponse)
def run_status(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    """htmx: the status box (polled every second while the run is queued or running); when
    the run has ended, the page reloads to show the result."""
    if user is None:
        return Response(status_code=401)
    try:
        run = service.get_run(session, user, run_id)
    except service.NotFound:
        return Response(status_code=404)
    response = TEMPLATES.TemplateResponse(
        request, "partials/run_status.html", {"run": run, "csrf": csrf_token(request)}
    )
    if run.status not in ("queued", "running"):
        response.headers["HX-Refresh"] = "true"
    return response


@router.post("/runs/{run_id}/retry", dependencies=CSRF)
def run_retry(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    if user is None:
        return to_login(request)
    try:
        service.retry_run(session, user, run_id)
    except IgfaxisError as exc:
        return render(request, "error.html", user, 409, title="Cannot retry", message=message(exc))
    return RedirectResponse(f"/runs/{run_id}", status_code=303)


# --------------------------------------------------------------------------------------
# report download (the app layer's report flow, in a worker process)
# --------------------------------------------------------------------------------------

#: longest wait for a report (a person with labs is calibrated first) [s]
_REPORT_TIMEOUT_S: Final = 600.0


def _report_inputs(params: Mapping[str, Any]) -> tuple[Person, Protocol, tuple[LabValue, ...]]:
    """The person, the first protocol and the labs a run's stored parameters hold."""
    person = Person.model_validate(params["person"]) if params.get("person") else DEFAULT_PERSON
    protocols = params.get("protocols")
    data = next(iter(protocols.values())) if protocols else (params.get("protocol") or {})
    protocol = Protocol.from_dict(dict(data), source="the run's protocol")
    labs = tuple(LabValue(line=i, **lab) for i, lab in enumerate(params.get("labs") or (), 1))
    return person, protocol, labs


def write_run_report(params: Mapping[str, Any], folder: str, pdf: bool) -> dict[str, str]:
    """Write the report of a run's first protocol into ``folder`` (``report.html``, and
    ``report.pdf`` with ``pdf``) through :func:`igfaxis.app.make_report` and
    :func:`igfaxis.app.write_report_files`; runs in a worker process."""
    configure_jax()
    person, protocol, labs = _report_inputs(params)
    report = make_report(
        person,
        protocol,
        labs=labs or None,
        days=params.get("days"),
        seed=int(params.get("seed") or 0),
        menopausal=params.get("menopausal"),
        resolution=str(params.get("resolution") or "auto"),
        dose_warnings=False,
    )
    files = write_report_files(report, Path(folder) / "report.html", pdf=pdf)
    return {k: str(v) for k, v in files.items()}


async def _report(
    request: Request, session: Session, user: User | None, run_id: int, kind: str
) -> Response:
    if user is None:
        return to_login(request)
    run = service.get_run(session, user, run_id)
    if run.status != "done" or run.kind not in ("simulate", "compare"):
        return render(
            request,
            "error.html",
            user,
            409,
            title="No report",
            message=f"run {run_id} is a {run.status} {run.kind} run; reports are made "
            "of finished simulate and compare runs.",
        )
    if kind == "pdf" and find_chromium() is None:
        return render(
            request,
            "error.html",
            user,
            409,
            title="No PDF",
            message="PDF reports need Chromium on the server (Debian: apt-get "
            "install chromium); download the HTML report and print it instead.",
        )
    params = dict(run.params or {})
    loop = asyncio.get_running_loop()
    with (
        tempfile.TemporaryDirectory(prefix="igfaxis-report-") as folder,
        concurrent.futures.ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn")
        ) as pool,
    ):
        try:
            files = await asyncio.wait_for(
                loop.run_in_executor(pool, write_run_report, params, folder, kind == "pdf"),
                _REPORT_TIMEOUT_S,
            )
        except (IgfaxisError, OSError) as exc:
            return render(
                request, "error.html", user, 500, title="Report failed", message=message(exc)
            )
        body = Path(files[kind]).read_bytes()
    media = "text/html; charset=utf-8" if kind == "html" else "application/pdf"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="igfaxis-run-{run_id}.{kind}"'},
    )


@router.get("/runs/{run_id}/report.html")
async def report_html(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    return await _report(request, session, user, run_id, "html")


@router.get("/runs/{run_id}/report.pdf")
async def report_pdf(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    return await _report(request, session, user, run_id, "pdf")
