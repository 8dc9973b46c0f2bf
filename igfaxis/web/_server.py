"""``create_app(settings)``: the FastAPI application (API, pages, jobs) over one database.

On creation the database is migrated to the newest schema (Alembic) and the secret key is
settled (``Settings.secret_key``, or on localhost one kept in the database); on startup
(the ASGI lifespan) the :class:`~igfaxis.web._jobs.JobRunner` marks runs left running as
interrupted and starts its worker processes; on shutdown it stops them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from igfaxis._messages import one_line
from igfaxis._version import __version__
from igfaxis.errors import IgfaxisError
from igfaxis.protocol import format_errors
from igfaxis.risk import DISCLAIMER
from igfaxis.web._api import router as api_router
from igfaxis.web._auth import CSRFMiddleware, stored_secret_key
from igfaxis.web._db import make_engine, make_sessionmaker, migrate
from igfaxis.web._jobs import JobRunner
from igfaxis.web._service import NotFound
from igfaxis.web._settings import Settings

__all__ = ["BodyLimitMiddleware", "create_app"]

log = logging.getLogger(__name__)

_Scope = MutableMapping[str, Any]
_Message = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[_Message]]
_Send = Callable[[_Message], Awaitable[None]]
_ASGI = Callable[[_Scope, _Receive, _Send], Awaitable[None]]
_PAGES: Final = "igfaxis.web._pages"
_REQUEST_PARTS: Final = frozenset({"body", "query", "path", "header", "cookie"})


class BodyLimitMiddleware:
    """Answer 413 to a request whose body is larger than ``max_bytes`` (by its
    Content-Length, or by counting a body sent without one), before the app reads it."""

    def __init__(self, app: _ASGI, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        detail = (f"the request body is larger than {self.max_bytes} bytes; send less (e.g. "
                  "split the labs into several uploads).")  # fmt: skip
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_large = int(length) > self.max_bytes
            except ValueError:
                too_large = False
            if too_large:
                await self._too_large(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        if headers.get(b"transfer-encoding") is None:  # no body
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:  # a chunked body: read it (up to the limit), then replay it
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> _Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problem(request: Request, status: int, detail: str) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail}, status_code=status)
    return PlainTextResponse(f"{detail}\n\n{DISCLAIMER}", status_code=status)


def _add_error_handlers(app: FastAPI, page_not_found: Callable[..., Response] | None) -> None:
    """``page_not_found(request, exc)`` renders the 404 page of the HTML pages (``None``
    without them: plain text)."""

    async def igfaxis_error(request: Request, exc: Exception) -> Response:
        return _problem(request, 422, one_line(str(exc)))

    async def not_found(request: Request, exc: Exception) -> Response:
        if page_not_found is not None and not _is_api(request):
            return page_not_found(request, exc)
        return _problem(request, 404, one_line(str(exc)))

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors, parts = [], set()
        for err in exc.errors():
            loc = tuple(err.get("loc", ()))
            if loc and loc[0] in _REQUEST_PARTS:  # "body", "query", ...: not a field
                parts.add(loc[0])
                loc = loc[1:]
            errors.append({**err, "loc": loc})
        source = f"request {parts.pop()}" if len(parts) == 1 else "request"
        return _problem(request, 422, format_errors(errors, source))

    app.add_exception_handler(IgfaxisError, igfaxis_error)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(RequestValidationError, invalid_request)


#: where the Swagger UI's own files are served (from the swagger-ui-bundle package)
DOCS_STATIC: Final = "/docs-static"


def _add_api_docs(app: FastAPI) -> None:
    """The interactive API docs at ``/docs``, with Swagger UI's script and style served
    from the installed swagger-ui-bundle package (FastAPI's default loads them from a CDN,
    which an offline or closed network does not reach)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_STATIC, StaticFiles(directory=swagger_ui_path), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title="igfaxis API",
            swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_STATIC}/favicon-32x32.png")  # fmt: skip


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web app over ``settings.db_url`` (migrated here); run it with uvicorn.

    ``app.state`` holds ``settings`` (with the secret key filled in), ``engine``,
    ``sessionmaker`` and ``jobs`` (the :class:`~igfaxis.web._jobs.JobRunner`, started in
    the lifespan; ``None`` with ``settings.workers == 0``: runs stay queued).

    Raises
    ------
    ProtocolError
        The database URL is invalid (the message names ``--db``).
    """
    settings = settings or Settings()
    engine = make_engine(settings.db_url)
    migrate(engine)
    if settings.secret_key is None:
        with Session(engine) as session:
            settings = dataclasses.replace(settings, secret_key=stored_secret_key(session))
    jobs = (JobRunner(settings.db_url, workers=settings.workers,
                      max_jobs_per_user=settings.max_jobs_per_user)
            if settings.workers > 0 else None)  # fmt: skip

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if jobs is not None:
            jobs.start()
        try:
            yield
        finally:
            if jobs is not None:
                jobs.stop()
            engine.dispose()

    app = FastAPI(
        title="igfaxis",
        version=__version__,
        description="A mechanistic digital twin of the human GH/IGF-1 axis: persons, labs, "
        "protocols and runs (simulate, compare, calibrate, optimize). " + DISCLAIMER,
        lifespan=lifespan,
        docs_url=None,  # served below from the swagger-ui-bundle package: no CDN, offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.sessionmaker.configure(info={"jobs": jobs})
    app.state.jobs = jobs
    pages = importlib.import_module(_PAGES) if importlib.util.find_spec(_PAGES) else None
    _add_error_handlers(app, pages.not_found if pages is not None else None)
    app.include_router(api_router)

    @app.get("/api/v1/health", tags=["api"])
    def health() -> dict[str, str]:
        """Whether the server is up (no login needed)."""
        return {"status": "ok", "version": __version__, "note": DISCLAIMER}

    _add_api_docs(app)
    if pages is not None:
        app.include_router(pages.router)
    app.add_middleware(CSRFMiddleware, secure=settings.cookies_secure)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app
