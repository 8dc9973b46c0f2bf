"""The web app's pages: server-rendered Jinja2 with htmx, plots drawn by the packaged plotly.js.

Routes (all HTML; a page of a user that is not logged in redirects to ``/login``):

- ``/login``, ``/logout`` (forms, POST with CSRF);
- ``/`` and ``/persons``: the user's persons and a create form; ``/persons/{id}``: the
  person, labs (CSV/FHIR upload, one lab by hand), the LIFE centile chart, a calibrate
  button; ``/persons/{id}/run``: simulate, compare or plan, from protocol editors;
- ``/protocols``: the protocol editor (examples, YAML, inline validation by htmx);
- ``/runs`` and ``/runs/{id}``: the job page, polling its progress every second, then
  the result (trajectory with its band, centiles, hazard table with intervals and
  sources) and the report download (HTML; PDF when Chromium is installed);
- ``/static/...``: the style sheet, htmx (vendored) and plotly.js (from the plotly
  package): nothing is loaded from a CDN, the app works offline.

The pages parse forms and call :mod:`igfaxis.web._service` (which validates through
:mod:`igfaxis.protocol` and :mod:`igfaxis.io.labs`) and the app layer's report flow; they
compute nothing themselves. Every page says :data:`PAGE_NOTE`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import multiprocessing
import tempfile
import warnings
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from igfaxis._messages import one_line
from igfaxis._version import __version__
from igfaxis.app import DEFAULT_PERSON, configure_jax, make_report, write_report_files
from igfaxis.errors import ExtrapolationWarning, IgfaxisError, ProtocolError
from igfaxis.io.pdf import find_chromium
from igfaxis.optimize import LEVERS
from igfaxis.protocol import LabValue, Person, Protocol
from igfaxis.risk import harmonise_lab, sds
from igfaxis.web import _service as service
from igfaxis.web._auth import (
    authenticate,
    csrf_token,
    login_response,
    logout_response,
    optional_user,
    require_csrf,
)
from igfaxis.web._db import get_session
from igfaxis.web._figures import (
    CentilePoint,
    centile_figure,
)
from igfaxis.web._models import User
from igfaxis.web._views import run_view

__all__ = ["PAGE_NOTE", "router"]

#: shown at the foot of every page (issue 14)
PAGE_NOTE: Final = "Model predictions and published associations, not medical advice."

_HERE: Final = Path(__file__).parent
_STATIC: Final = _HERE / "static"
_TEMPLATES = Jinja2Templates(directory=str(_HERE / "templates"))
#: the protocol editors' form fields and titles
_SLOTS: Final = {
    "protocol": "Protocol",
    "protocol_a": "Protocol A",
    "protocol_b": "Protocol B (compare)",
}
_CONDITIONS: Final = ("healthy", "gh_deficiency", "acromegaly", "laron")
_KINDS: Final = (
    ("compare", "Compare A and B"),
    ("simulate", "Simulate A"),
    ("optimize", "Plan: search a protocol (from A)"),
)
_LARGEST_UPLOAD: Final = 4 * 1024 * 1024
#: the static files served, and their media types
_FILES: Final = {
    "app.css": (_STATIC / "app.css", "text/css"),
    "app.js": (_STATIC / "app.js", "text/javascript"),
    "htmx.min.js": (_STATIC / "htmx" / "htmx.min.js", "text/javascript"),
}

router = APIRouter(include_in_schema=False)

OptionalUser = Annotated[User | None, Depends(optional_user)]
DB = Annotated[Session, Depends(get_session)]
_CSRF = [Depends(require_csrf)]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _static_url(name: str) -> str:
    return f"/static/{name}?v={quote(__version__)}"


def _run_title(run: Any) -> str:
    """What a run ran: its protocols' names (from its stored parameters)."""
    params = run.params or {}
    names: list[str] = []
    protocols = params.get("protocols")
    if protocols and isinstance(protocols, Mapping):
        names = [str(k) for k in protocols]
    elif isinstance(params.get("protocol"), Mapping):
        names = [str(params["protocol"].get("name", "protocol"))]
    days = params.get("days")
    text = " vs ".join(names) if names else run.kind
    return f"{text}, {days:g} days" if isinstance(days, int | float) else text


def _render(
    request: Request, name: str, user: User | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("plots", False)
    return _TEMPLATES.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "note": PAGE_NOTE,
            "csrf": csrf_token(request),
            "static_url": _static_url,
            "run_title": _run_title,
            **context,
        },
        status_code=status_code,
    )


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _not_found(request: Request, user: User | None, what: str) -> HTMLResponse:
    return _render(
        request,
        "error.html",
        user,
        404,
        title="Not found",
        message=f"No {what} with this id among yours; pick one from the list.",
    )


def _message(exc: BaseException) -> str:
    return one_line(str(exc) or type(exc).__name__)


def _safe_next(url: str) -> str:
    """A local path to go to after login (never another site)."""
    return url if url.startswith("/") and not url.startswith("//") else "/persons"


# --------------------------------------------------------------------------------------
# static files
# --------------------------------------------------------------------------------------


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js as bundled in the plotly Python package (no CDN)."""
    path = resources.files("plotly") / "package_data" / "plotly.min.js"
    return FileResponse(
        str(path), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The style sheet, the page script and htmx."""
    if name not in _FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    path, media = _FILES[name]
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=86400"})


# --------------------------------------------------------------------------------------
# login
# --------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/persons") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _render(request, "login.html", None, next_url=_safe_next(next), username="")


@router.post("/login", dependencies=_CSRF)
def login_submit(
    request: Request,
    session: DB,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/persons",
) -> Response:
    user = authenticate(session, username, password)
    if user is None:
        return _render(
            request,
            "login.html",
            None,
            401,
            next_url=_safe_next(next),
            username=username,
            error="Unknown user name or wrong password; check both (an "
            "administrator adds accounts with `igfaxis users add NAME`).",
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    login_response(response, user, request.app.state.settings)
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_page(request: Request, user: OptionalUser) -> Response:
    return _render(request, "logout.html", user)


@router.post("/logout", dependencies=_CSRF)
def logout_submit() -> Response:
    response = RedirectResponse("/login", status_code=303)
    logout_response(response)
    return response


# --------------------------------------------------------------------------------------
# persons and labs
# --------------------------------------------------------------------------------------


def _person_fields(form: Mapping[str, str]) -> dict[str, Any]:
    """The :class:`~igfaxis.protocol.Person` fields of the create form (empty ones left out,
    so that the model's defaults and messages apply)."""
    keys = ("age_y", "sex", "weight_kg", "height_m", "condition")
    return {k: form[k].strip() for k in keys if form.get(k, "").strip()}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return _to_login(request)
    return RedirectResponse("/persons", status_code=303)


def _persons_page(
    request: Request, session: Session, user: User, status: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("form", {})
    return _render(
        request,
        "persons.html",
        user,
        status,
        persons=service.list_persons(session, user),
        conditions=_CONDITIONS,
        **context,
    )


@router.get("/persons", response_class=HTMLResponse)
def persons_page(request: Request, session: DB, user: OptionalUser) -> Response:
    if user is None:
        return _to_login(request)
    return _persons_page(request, session, user)


@router.post("/persons", dependencies=_CSRF)
async def persons_create(request: Request, session: DB, user: OptionalUser) -> Response:
    if user is None:
        return _to_login(request)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        fields = {"name": form.get("name", "").strip() or None, **_person_fields(form)}
        row = service.create_person(session, user, fields)
    except IgfaxisError as exc:
        return _persons_page(request, session, user, 422, form=form, form_error=_message(exc))
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


def _person_page(
    request: Request,
    session: Session,
    user: User,
    person_id: int,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    try:
        person = service.get_person(session, user, person_id)
    except service.NotFound:
        return _not_found(request, user, "person")
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
    return _render(
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
        return _to_login(request)
    return _person_page(request, session, user, person_id)


@router.post("/persons/{person_id}/labs/{lab_id}/delete", dependencies=_CSRF)
def lab_delete(
    request: Request, session: DB, user: OptionalUser, person_id: int, lab_id: int
) -> Response:
    if user is None:
        return _to_login(request)
    try:
        service.delete_lab(session, user, person_id, lab_id)
    except service.NotFound:
        return _not_found(request, user, "lab")
    return RedirectResponse(f"/persons/{person_id}", status_code=303)


@router.post("/persons/{person_id}/delete", dependencies=_CSRF)
def person_delete(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    """Delete the person and their labs (their runs stay, without the person)."""
    if user is None:
        return _to_login(request)
    try:
        service.delete_person(session, user, person_id)
    except service.NotFound:
        return _not_found(request, user, "person")
    return RedirectResponse("/persons", status_code=303)


def _labs_added(
    request: Request, session: Session, user: User, person_id: int, **kwargs: Any
) -> Response:
    try:
        added = service.add_labs(session, user, person_id, **kwargs)
    except service.NotFound:
        return _not_found(request, user, "person")
    except IgfaxisError as exc:
        form = kwargs.get("rows", [{}])[0] if kwargs.get("rows") else {}
        return _person_page(
            request, session, user, person_id, 422, lab_error=_message(exc), lab_form=form
        )
    n = len(added.labs)
    warned = " ".join(added.warnings)
    return _person_page(
        request,
        session,
        user,
        person_id,
        lab_ok=f"Added {n} lab{'s' if n != 1 else ''}.",
        lab_warning=warned,
    )


@router.post("/persons/{person_id}/labs/upload", dependencies=_CSRF)
async def labs_upload(
    request: Request, session: DB, user: OptionalUser, person_id: int, labs_file: UploadFile
) -> Response:
    if user is None:
        return _to_login(request)
    raw = await labs_file.read(_LARGEST_UPLOAD + 1)
    name = labs_file.filename or "labs"
    try:
        if len(raw) > _LARGEST_UPLOAD:
            raise ProtocolError(
                f"{name} is larger than {_LARGEST_UPLOAD // 2**20} MiB; "
                "upload at most 10 000 labs at a time."
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProtocolError(
                f"{name} is not UTF-8 text; save it as a UTF-8 CSV or JSON file."
            ) from None
    except ProtocolError as exc:
        return _person_page(request, session, user, person_id, 422, lab_error=_message(exc))
    is_json = name.lower().endswith(".json") or text.lstrip().startswith("{")
    kind = {"fhir_json": text} if is_json else {"csv_text": text}
    return _labs_added(request, session, user, person_id, **kind)


@router.post("/persons/{person_id}/labs", dependencies=_CSRF)
async def labs_enter(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return _to_login(request)
    form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
    row = {k: form[k] for k in ("date", "time", "igf1", "unit", "assay") if form.get(k)}
    row.setdefault("date", dt.date.today().isoformat())  # a lab without a date: today
    return _labs_added(request, session, user, person_id, rows=[row])


# --------------------------------------------------------------------------------------
# protocols: examples and inline validation
# --------------------------------------------------------------------------------------


def _examples() -> dict[str, tuple[str, str]]:
    """The packaged example protocols: file stem -> (name, YAML text)."""
    out = {}
    folder = resources.files("igfaxis") / "data" / "protocols"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            try:
                name = Protocol.from_yaml(text).name
            except IgfaxisError:  # a packaged example always validates (tested)
                name = entry.name
            out[entry.name.removesuffix(".yaml")] = (name, text)
    return out


def _choices(session: Session, user: User) -> dict[str, tuple[str, str]]:
    """What an editor can start from: the packaged examples, then the user's saved
    protocols (``saved-ID``): key -> (name, YAML text)."""
    saved = {
        f"saved-{row.id}": (f"{row.name} (saved)", row.yaml_text)
        for row in service.list_protocols(session, user)
    }
    return {**_examples(), **saved}


def _choice_list(choices: Mapping[str, tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": k, "name": n} for k, (n, _) in choices.items()]


def _check_protocol(text: str, what: str = "protocol") -> tuple[Protocol | None, list[str]]:
    """The protocol of ``text``, or the one-line messages of what is wrong (field and fix)."""
    if not text.strip():
        return None, [f"the {what} is empty; choose an example or write e.g. `name: my-protocol`."]
    try:
        return Protocol.from_yaml(text), []
    except IgfaxisError as exc:
        return None, [_message(exc)]


def _protocols_page(
    request: Request, session: Session, user: User, status: int = 200, **context: Any
) -> HTMLResponse:
    choices = _choices(session, user)
    return _render(
        request,
        "protocols.html",
        user,
        status,
        examples=_choice_list(choices),
        saved=service.list_protocols(session, user),
        **context,
    )


@router.get("/protocols", response_class=HTMLResponse)
def protocols_page(
    request: Request, session: DB, user: OptionalUser, example: str = ""
) -> Response:
    if user is None:
        return _to_login(request)
    choices = _choices(session, user)
    chosen = example if example in choices else next(iter(choices))
    return _protocols_page(request, session, user, text=choices[chosen][1], chosen=chosen)


@router.post("/protocols", dependencies=_CSRF)
async def protocols_save(request: Request, session: DB, user: OptionalUser) -> Response:
    """Save the editor's protocol (validated: the same messages as the inline check)."""
    if user is None:
        return _to_login(request)
    value = (await request.form()).get("protocol", "")
    text = value if isinstance(value, str) else ""
    _, messages = _check_protocol(text)
    if not messages:
        try:
            row = service.create_protocol(session, user, text)
        except IgfaxisError as exc:
            messages = [_message(exc)]
        else:
            return RedirectResponse(f"/protocols?example=saved-{row.id}", status_code=303)
    return _protocols_page(request, session, user, 422, text=text, chosen="", messages=messages)


@router.get("/protocols/example", response_class=HTMLResponse)
def protocol_example(
    request: Request, session: DB, user: OptionalUser, slot: str = "protocol", example: str = ""
) -> Response:
    """htmx: the editor of ``slot`` filled with an example or a saved protocol."""
    if user is None:
        return Response(status_code=401)
    if slot not in _SLOTS:
        slot = "protocol"
    choices = _choices(session, user)
    text = choices[example][1] if example in choices else ""
    return _TEMPLATES.TemplateResponse(
        request,
        "partials/protocol_editor.html",
        {
            "slot": slot,
            "title": _SLOTS[slot],
            "text": text,
            "chosen": example,
            "examples": _choice_list(choices),
            "messages": [],
        },
    )


@router.post("/protocols/validate", response_class=HTMLResponse, dependencies=_CSRF)
async def protocol_validate(
    request: Request, user: OptionalUser, slot: str = "protocol"
) -> Response:
    """htmx: the validation messages of the YAML in the form field ``slot``."""
    if user is None:
        return Response(status_code=401)
    value = (await request.form()).get(slot, "")
    protocol, messages = _check_protocol(value if isinstance(value, str) else "")
    return _TEMPLATES.TemplateResponse(
        request,
        "partials/validation.html",
        {
            "messages": messages,
            "valid_name": protocol.name if protocol else "",
            "valid_days": f"{protocol.days:g}" if protocol and protocol.days else "",
        },
    )


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
    try:
        person = service.get_person(session, user, person_id)
    except service.NotFound:
        return _not_found(request, user, "person")
    examples = _choices(session, user)
    first, second = "somatropin-low-dose", "tre-16-8"
    context.setdefault("form", {})
    context.setdefault("text_a", examples.get(first, ("", ""))[1])
    context.setdefault("text_b", examples.get(second, ("", ""))[1])
    context.setdefault("chosen_a", first)
    context.setdefault("chosen_b", second)
    return _render(
        request,
        "run_form.html",
        user,
        status,
        person=person,
        kinds=_KINDS,
        levers=", ".join(LEVERS),
        examples=_choice_list(examples),
        **context,
    )


@router.get("/persons/{person_id}/run", response_class=HTMLResponse)
def run_form(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return _to_login(request)
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


@router.post("/persons/{person_id}/run", dependencies=_CSRF)
async def run_submit(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return _to_login(request)
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
    checked = {k: _check_protocol(texts[k], f"protocol {k.upper()}") for k in wanted}
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
    except service.NotFound:
        return _not_found(request, user, "person")
    except IgfaxisError as exc:
        return _run_form(request, session, user, person_id, 422, form_error=_message(exc), **keep)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.post("/persons/{person_id}/calibrate", dependencies=_CSRF)
def calibrate_submit(request: Request, session: DB, user: OptionalUser, person_id: int) -> Response:
    if user is None:
        return _to_login(request)
    try:
        run = service.submit_run(session, user, "calibrate", person_id)
    except service.NotFound:
        return _not_found(request, user, "person")
    except IgfaxisError as exc:
        return _person_page(request, session, user, person_id, 422, calibrate_error=_message(exc))
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, session: DB, user: OptionalUser) -> Response:
    if user is None:
        return _to_login(request)
    return _render(request, "runs.html", user, runs=service.list_runs(session, user))


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    if user is None:
        return _to_login(request)
    try:
        run = service.get_run(session, user, run_id)
    except service.NotFound:
        return _not_found(request, user, "run")
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
    return _render(
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
    response = _TEMPLATES.TemplateResponse(
        request, "partials/run_status.html", {"run": run, "csrf": csrf_token(request)}
    )
    if run.status not in ("queued", "running"):
        response.headers["HX-Refresh"] = "true"
    return response


@router.post("/runs/{run_id}/retry", dependencies=_CSRF)
def run_retry(request: Request, session: DB, user: OptionalUser, run_id: int) -> Response:
    if user is None:
        return _to_login(request)
    try:
        service.retry_run(session, user, run_id)
    except service.NotFound:
        return _not_found(request, user, "run")
    except IgfaxisError as exc:
        return _render(
            request, "error.html", user, 409, title="Cannot retry", message=_message(exc)
        )
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
        return _to_login(request)
    try:
        run = service.get_run(session, user, run_id)
    except service.NotFound:
        return _not_found(request, user, "run")
    if run.status != "done" or run.kind not in ("simulate", "compare"):
        return _render(
            request,
            "error.html",
            user,
            409,
            title="No report",
            message=f"run {run_id} is a {run.status} {run.kind} run; reports are made "
            "of finished simulate and compare runs.",
        )
    if kind == "pdf" and find_chromium() is None:
        return _render(
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
            return _render(
                request, "error.html", user, 500, title="Report failed", message=_message(exc)
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
