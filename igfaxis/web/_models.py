"""The web app's tables (SQLAlchemy 2 declarative): users, tokens, persons, labs,
protocols and runs (the job table).

Every row a user owns carries ``user_id`` (labs through their person), and every query of
:mod:`igfaxis.web._service` filters by it: another user's id is simply not found. The schema
is created and changed only by the Alembic migrations in ``igfaxis/web/migrations``; a new
column here needs a new migration there (``tests/web/test_api.py`` checks they agree).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "RUN_KINDS",
    "RUN_STATUSES",
    "ApiToken",
    "AppMeta",
    "Base",
    "LabRow",
    "PersonRow",
    "ProtocolRow",
    "RunRow",
    "UTCDateTime",
    "User",
    "utcnow",
]

#: what a run computes (the app flow it calls)
RUN_KINDS: Final = ("simulate", "compare", "calibrate", "optimize")
#: a run's life: queued -> running -> done | failed; running -> interrupted (server stopped)
RUN_STATUSES: Final = ("queued", "running", "done", "failed", "interrupted")


def utcnow() -> dt.datetime:
    """Now, in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and read back timezone-aware: SQLite keeps no offset, and a
    naive time is not an RFC 3339 ``date-time`` in the API's responses."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    """Base of the web app's tables."""

    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class User(Base):
    """An account: a unique name and an argon2 password hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(Base):
    """A bearer token of a user (``POST /api/v1/token``); only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    user: Mapped[User] = relationship(lazy="joined")


class AppMeta(Base):
    """Key/value settings the server keeps (the generated secret key on localhost)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PersonRow(Base):
    """A person of a user: a display name and the validated
    :class:`~igfaxis.protocol.Person` fields (``data``, JSON)."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )


class LabRow(Base):
    """One measured lab of a person, as validated by :mod:`igfaxis.io.labs` (the fields of
    :class:`~igfaxis.protocol.LabValue`; ``day`` is the given day for undated labs, and is
    recomputed from the dates for dated ones)."""

    __tablename__ = "labs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    day: Mapped[float] = mapped_column(Float)
    time: Mapped[str] = mapped_column(String(5))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    igf1_ng_ml: Mapped[float] = mapped_column(Float)
    assay: Mapped[str | None] = mapped_column(String(200), nullable=True)
    igfbp3_ng_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    gh_ng_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    ref_low_ng_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    ref_high_ng_ml: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProtocolRow(Base):
    """A saved protocol of a user: its YAML text as written and the validated fields."""

    __tablename__ = "protocols"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    yaml_text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )


class RunRow(Base):
    """A run (the job table): what to compute, its status, progress and result.

    ``params`` holds everything the worker needs (the person's fields and labs as they were
    at submission, the protocol(s), days, ...), so a retry reruns exactly the same input.
    ``result`` (JSON, what the CLI's ``--json`` prints plus figure data) is written in the
    same transaction as ``status = "done"``, or not at all. ``attempt`` counts the starts;
    a worker writes only while the row is still ``running`` at its attempt, so a worker
    orphaned by a crash cannot overwrite a retried or interrupted run.
    """

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    __table_args__ = (
        Index("ix_runs_user_status", "user_id", "status"),
        Index("ix_runs_status_id", "status", "id"),
    )
