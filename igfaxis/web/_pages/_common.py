"""Shared by the page modules: templates, constants, the page renderer and the answers
every page gives (to login, not found)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from igfaxis._messages import one_line
from igfaxis._version import __version__
from igfaxis.web._auth import csrf_token, optional_user, require_csrf
from igfaxis.web._db import get_session
from igfaxis.web._models import User
from igfaxis.web._service import NotFound

__all__ = [
    "CONDITIONS",
    "CSRF",
    "DB",
    "FILES",
    "KINDS",
    "LARGEST_UPLOAD",
    "PAGE_NOTE",
    "SLOTS",
    "STATIC",
    "TEMPLATES",
    "OptionalUser",
    "message",
    "not_found",
    "render",
    "run_title",
    "safe_next",
    "static_url",
    "to_login",
]

#: shown at the foot of every page (issue 14)
PAGE_NOTE: Final = "Model predictions and published associations, not medical advice."

HERE: Final = Path(__file__).parent.parent
STATIC: Final = HERE / "static"
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
#: the protocol editors' form fields and titles
SLOTS: Final = {
    "protocol": "Protocol",
    "protocol_a": "Protocol A",
    "protocol_b": "Protocol B (compare)",
}
CONDITIONS: Final = ("healthy", "gh_deficiency", "acromegaly", "laron")
KINDS: Final = (
    ("compare", "Compare A and B"),
    ("simulate", "Simulate A"),
    ("optimize", "Plan: search a protocol (from A)"),
)
LARGEST_UPLOAD: Final = 4 * 1024 * 1024
#: the static files served, and their media types
FILES: Final = {
    "app.css": (STATIC / "app.css", "text/css"),
    "app.js": (STATIC / "app.js", "text/javascript"),
    "htmx.min.js": (STATIC / "htmx" / "htmx.min.js", "text/javascript"),
}

OptionalUser = Annotated[User | None, Depends(optional_user)]
DB = Annotated[Session, Depends(get_session)]
CSRF = [Depends(require_csrf)]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def static_url(name: str) -> str:
    return f"/static/{name}?v={quote(__version__)}"


def run_title(run: Any) -> str:
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


def render(
    request: Request, name: str, user: User | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("plots", False)
    return TEMPLATES.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "note": PAGE_NOTE,
            "csrf": csrf_token(request),
            "static_url": static_url,
            "run_title": run_title,
            **context,
        },
        status_code=status_code,
    )


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def not_found(request: Request, exc: NotFound) -> HTMLResponse:
    """The page for a :class:`~igfaxis.web._service.NotFound` raised by a page's route (the
    app's handler calls it for every path outside the API): another user's rows, or ones
    that do not exist, are "not found" alike."""
    return render(
        request,
        "error.html",
        getattr(request.state, "user", None),  # set by the route's `optional_user`
        404,
        title="Not found",
        message=f"No {exc.what} with this id among yours; pick one from the list.",
    )


def message(exc: BaseException) -> str:
    return one_line(str(exc) or type(exc).__name__)


def safe_next(url: str) -> str:
    """A local path to go to after login (never another site)."""
    return url if url.startswith("/") and not url.startswith("//") else "/persons"
