"""The web app's database: a SQLAlchemy 2 engine and sessions; migrations run on start.

The embedded default is a SQLite file. Every SQLite connection is put in WAL mode (readers
do not block the one writer), waits up to :data:`BUSY_TIMEOUT_MS` for a lock instead of
failing with "database is locked", and enforces foreign keys. A PostgreSQL URL
(``postgresql+psycopg://user:password@host/db``) works the same for a shared deployment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError

__all__ = ["BUSY_TIMEOUT_MS", "get_session", "make_engine", "make_sessionmaker", "migrate"]

#: how long a SQLite connection waits for another writer's lock [ms]
BUSY_TIMEOUT_MS: Final = 30_000


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL mode, a busy timeout and foreign keys on every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode up to the last commit
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (SQLite file or PostgreSQL), with the SQLite settings above.

    Raises
    ------
    ProtocolError
        The URL does not parse, names an unknown driver, or a SQLite file's folder does
        not exist.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ProtocolError(
            f"`--db` must be a database URL such as sqlite:///igfaxis-web.sqlite or "
            f"postgresql+psycopg://user:password@host/dbname; got {short_repr(url)}."
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ProtocolError(
            f"`--db` must be a SQLite or PostgreSQL URL; got the backend {short_repr(backend)}. "
            "Use sqlite:///FILE.sqlite or postgresql+psycopg://user:password@host/dbname."
        )
    # as many connections as the server's thread pool (40) has threads, so that a request
    # never waits for another's connection
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 30}
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise ProtocolError(
                f"`--db` must name a SQLite file (the jobs run in other processes, which "
                f"cannot see an in-memory database); got {short_repr(url)}. Use e.g. "
                "sqlite:///igfaxis-web.sqlite."
            )
        folder = Path(database).expanduser().resolve().parent
        if not folder.is_dir():
            raise ProtocolError(
                f"`--db`: the folder {short_repr(str(folder))} of the SQLite file does not "
                "exist; create it or choose another path."
            )
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    elif parsed.drivername == "postgresql":  # the bare scheme: use psycopg 3, not psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ProtocolError(
            f"`--db`: the database driver of {short_repr(parsed.drivername)} is not installed "
            f"({exc}); for PostgreSQL install psycopg: pip install 'psycopg[binary]'."
        ) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (``expire_on_commit``
    off), so that a route can render what it just wrote."""
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (Alembic ``upgrade head``).

    Runs on every server start and in ``igfaxis users add``; a database already at head is
    left as it is. The migration scripts live in ``igfaxis/web/migrations``.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


async def get_session(request: Request) -> AsyncIterator[Session]:
    """FastAPI dependency: a SQLAlchemy :class:`~sqlalchemy.orm.Session` for this request.

    The session comes from the app's sessionmaker (``request.app.state.sessionmaker``, set
    by :func:`igfaxis.web.create_app`) and is closed after the response; the route (or the
    service function it calls) commits what it changes. An async generator on purpose: a
    sync one is entered and closed on the thread pool, and under load (all 40 threads busy
    in routes) its closing waits for a free thread while the routes wait for it.

    Examples
    --------
    ``def page(session: Annotated[Session, Depends(get_session)]): ...``
    """
    with request.app.state.sessionmaker() as session:
        yield session
