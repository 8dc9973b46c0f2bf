"""``igfaxis serve`` (the web app on uvicorn) and ``igfaxis users add`` (accounts).

:func:`register` adds them to the ``igfaxis`` typer app; errors are one red line and exit
code 2 through the app's error wrapper, as for every other command.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from igfaxis._messages import one_line, short_repr
from igfaxis.errors import ProtocolError

__all__ = ["register"]

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        envvar="IGFAXIS_DB",
        show_envvar=True,
        help="Database URL: sqlite:///FILE.sqlite (default sqlite:///igfaxis-web.sqlite in "
        "the current folder) or postgresql+psycopg://USER:PASSWORD@HOST/DB (docs/web.md).",
    ),
]


def _database_error(exc: Exception, url: str) -> ProtocolError:
    """A database that cannot be reached or opened, as one line naming ``--db``."""
    cause = one_line(str(getattr(exc, "orig", None) or exc), 300)
    return ProtocolError(
        f"`--db`: cannot open the database {short_repr(_redacted(url))}: {cause}. Check the "
        "URL, that the server runs and the user may connect."
    )


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # reported by make_engine, with the fix
        return url


def _check_port(host: str, port: int) -> None:
    """Refuse a port that is taken, before the app starts (uvicorn would exit with 1)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ProtocolError(
                    f"`--port` {port} is in use on {host}; stop what runs there or pass "
                    "another port, e.g. --port 8001."
                ) from None
            raise ProtocolError(
                f"`--host` {short_repr(host)}: cannot listen there ({exc.strerror}); use "
                "127.0.0.1 (this machine) or 0.0.0.0 (every interface)."
            ) from None


def register(app: typer.Typer, handled: Callable[[Any], Any]) -> None:
    """Add ``serve`` and ``users add`` to ``app``; ``handled`` is the app's error wrapper."""

    @app.command("serve")
    @handled
    def serve_cmd(
        ctx: typer.Context,
        host: Annotated[
            str,
            typer.Option("--host", help="Address to listen on; beyond 127.0.0.1 a secret key "
                         "is required (and put HTTPS in front: cookies are then Secure)."),
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
        db: DbOpt = None,
        secret_key: Annotated[
            str | None,
            typer.Option("--secret-key", envvar="IGFAXIS_SECRET_KEY", show_envvar=True,
                         help="Signs session cookies (32+ characters). Needed beyond "
                         "localhost; on localhost one is made and kept in the database."),
        ] = None,
        max_jobs_per_user: Annotated[
            int,
            typer.Option("--max-jobs-per-user", metavar="N",
                         help="Runs of one user executing at once; the rest wait, queued."),
        ] = 2,
        workers: Annotated[
            int | None,
            typer.Option("--workers", metavar="N",
                         help="Worker processes for runs, all users together (default: the "
                         "number of cores, at most 4)."),
        ] = None,
    ) -> None:
        """Serve the web app and REST API (OpenAPI at /docs) on uvicorn.

        Model predictions and published associations, not medical advice.
        """
        from sqlalchemy.exc import DBAPIError

        from igfaxis.web import DEFAULT_DB_URL, Settings, create_app

        url = db or DEFAULT_DB_URL
        options: dict[str, Any] = {"workers": workers} if workers is not None else {}
        settings = Settings(db_url=url, secret_key=secret_key, host=host, port=port,
                            max_jobs_per_user=max_jobs_per_user, **options)  # fmt: skip
        _check_port(host, port)
        try:
            web_app = create_app(settings)
        except DBAPIError as exc:
            raise _database_error(exc, url) from None
        import uvicorn

        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"igfaxis web app on http://{shown}:{port}/ (API docs: /docs), database "
                   f"{_redacted(url)}. Stop with Ctrl+C.", err=True)  # fmt: skip
        uvicorn.run(web_app, host=host, port=port, log_level="info",
                    timeout_graceful_shutdown=5)  # fmt: skip

    users_app = typer.Typer(name="users", help="Accounts of the web app.", no_args_is_help=True)
    app.add_typer(users_app)

    @users_app.command("add")
    @handled
    def users_add_cmd(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME", help="User name (log-in name).")],
        admin: Annotated[bool, typer.Option("--admin", help="Make the user an admin.")] = False,
        password_stdin: Annotated[
            bool,
            typer.Option("--password-stdin",
                         help="Read the password from the first line of standard input "
                         "(scripts); otherwise it is asked for twice."),
        ] = False,
        db: DbOpt = None,
    ) -> None:
        """Add a user to the web app's database (created and migrated if needed)."""
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm import Session

        from igfaxis.web import DEFAULT_DB_URL, add_user, make_engine, migrate

        url = db or DEFAULT_DB_URL
        engine = make_engine(url)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise ProtocolError(
                    "`--password-stdin`: standard input is empty; pipe the password, e.g. "
                    "`printf '%s\\n' \"$PASSWORD\" | igfaxis users add NAME --password-stdin`."
                )
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            migrate(engine)
            with Session(engine) as session:
                user = add_user(session, name, password, is_admin=admin)
                kind = "admin" if user.is_admin else "user"
        except DBAPIError as exc:
            raise _database_error(exc, url) from None
        finally:
            engine.dispose()
        typer.echo(f"added {kind} {name} to {_redacted(url)}")
