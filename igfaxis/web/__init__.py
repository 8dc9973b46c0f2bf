"""The web app and REST API (FastAPI): accounts, persons, labs, protocols and runs in a
database (a SQLite file, or PostgreSQL for a shared deployment), over the same app layer
as the CLI (docs/web.md).

``igfaxis serve`` runs :func:`create_app` on uvicorn; ``igfaxis users add NAME`` adds an
account (:func:`add_user`). Model predictions and published associations, not medical
advice.
"""

from igfaxis.web._auth import add_user as add_user
from igfaxis.web._db import make_engine as make_engine, migrate as migrate
from igfaxis.web._server import create_app as create_app
from igfaxis.web._settings import (
    DEFAULT_DB_URL as DEFAULT_DB_URL,
    DEFAULT_MAX_JOBS_PER_USER as DEFAULT_MAX_JOBS_PER_USER,
    Settings as Settings,
    is_loopback as is_loopback,
)

__all__ = [
    "DEFAULT_DB_URL",
    "DEFAULT_MAX_JOBS_PER_USER",
    "Settings",
    "add_user",
    "create_app",
    "is_loopback",
    "make_engine",
    "migrate",
]
