"""Static files, login and logout."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from igfaxis.web._auth import authenticate, login_response, logout_response
from igfaxis.web._pages._common import CSRF, DB, FILES, OptionalUser, render, safe_next, to_login

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


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
    if name not in FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    path, media = FILES[name]
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=86400"})


# --------------------------------------------------------------------------------------
# login
# --------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/persons") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", None, next_url=safe_next(next), username="")


@router.post("/login", dependencies=CSRF)
def login_submit(
    request: Request,
    session: DB,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/persons",
) -> Response:
    user = authenticate(session, username, password)
    if user is None:
        return render(
            request,
            "login.html",
            None,
            401,
            next_url=safe_next(next),
            username=username,
            error="Unknown user name or wrong password; check both (an "
            "administrator adds accounts with `igfaxis users add NAME`).",
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    login_response(response, user, request.app.state.settings)
    return response


@router.get("/logout", response_class=HTMLResponse)
def logout_page(request: Request, user: OptionalUser) -> Response:
    return render(request, "logout.html", user)


@router.post("/logout", dependencies=CSRF)
def logout_submit() -> Response:
    response = RedirectResponse("/login", status_code=303)
    logout_response(response)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return to_login(request)
    return RedirectResponse("/persons", status_code=303)
