"""The web app's configuration: one frozen record built by ``igfaxis serve`` (or a test)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Final

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError

__all__ = [
    "DEFAULT_DB_URL",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_JOBS_PER_USER",
    "MIN_SECRET_KEY_CHARS",
    "Settings",
    "is_loopback",
]

#: the embedded default database: a SQLite file in the current directory
DEFAULT_DB_URL: Final = "sqlite:///igfaxis-web.sqlite"
#: jobs of one user that run at the same time; more wait, queued
DEFAULT_MAX_JOBS_PER_USER: Final = 2
#: largest request body (a labs CSV of 10 000 rows is about 0.5 MB) [bytes]
DEFAULT_MAX_BODY_BYTES: Final = 4 * 1024 * 1024
#: shortest secret key accepted (``secrets.token_urlsafe(32)`` gives 43) [characters]
MIN_SECRET_KEY_CHARS: Final = 32


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """How the web app runs.

    Attributes
    ----------
    db_url
        SQLAlchemy URL: ``sqlite:///path.sqlite`` (default, WAL mode) or
        ``postgresql+psycopg://user:password@host:5432/dbname`` for a shared deployment.
    secret_key
        Signs session cookies and CSRF tokens. Required (at least 32 characters) when
        ``host`` is not a loopback address; on localhost without one, a random key is
        made once and kept in the database.
    host, port
        Where ``igfaxis serve`` listens (default 127.0.0.1:8000).
    max_jobs_per_user
        Runs of one user that execute at the same time; later ones wait, queued.
    workers
        Worker processes that execute runs (all users together); 0 queues runs without
        executing them (tests of the API alone).
    max_body_bytes
        Requests with a larger body answer 413.
    session_max_age_s
        Lifetime of a login cookie [s].
    secure_cookies
        Mark cookies ``Secure`` (HTTPS only); default on when serving beyond localhost.
    """

    db_url: str = DEFAULT_DB_URL
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    max_jobs_per_user: int = DEFAULT_MAX_JOBS_PER_USER
    workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    session_max_age_s: int = 14 * 24 * 3600
    secure_cookies: bool | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.max_jobs_per_user <= 64:
            raise ProtocolError(
                f"`max_jobs_per_user` must be 1-64; got {self.max_jobs_per_user!r}. It is the "
                "number of one user's runs that execute at once (the default is 2)."
            )
        if not 0 <= self.workers <= 256:
            raise ProtocolError(
                f"`workers` must be 0-256; got {self.workers!r}. Use about the number of cores "
                "(0: runs are queued but not executed)."
            )
        if not 1 <= self.port <= 65535:
            raise ProtocolError(f"`port` must be 1-65535; got {self.port!r}. 8000 is usual.")
        if self.secret_key is not None and len(self.secret_key) < MIN_SECRET_KEY_CHARS:
            raise ProtocolError(
                f"`secret_key` must be at least {MIN_SECRET_KEY_CHARS} characters; got "
                f"{len(self.secret_key)}. Make one with `python -c \"import secrets; "
                "print(secrets.token_urlsafe(32))\"`."
            )
        if self.secret_key is None and not is_loopback(self.host):
            raise ProtocolError(
                f"serving on {short_repr(self.host)} (beyond this machine) needs a secret key; "
                "pass `--secret-key` or set IGFAXIS_SECRET_KEY (at least "
                f"{MIN_SECRET_KEY_CHARS} characters), or bind to 127.0.0.1."
            )

    @property
    def cookies_secure(self) -> bool:
        """Whether cookies carry ``Secure`` (default: when serving beyond localhost)."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return not is_loopback(self.host)
