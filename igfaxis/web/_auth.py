"""Accounts, logins and CSRF: argon2 passwords, a signed session cookie, bearer tokens.

- Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second
  recommended profile); a login re-hashes a password whose hash used older parameters.
- The session cookie (``igfaxis_session``) is signed with the secret key
  (itsdangerous, timestamped: it expires after ``Settings.session_max_age_s``), HttpOnly and
  SameSite=Lax; it holds the user id and a fingerprint of the password hash, so changing
  a password logs out every session.
- Forms are protected by a double-submit CSRF token: :class:`CSRFMiddleware` gives every
  browser a random ``igfaxis_csrf`` cookie (HttpOnly, SameSite=Lax); pages put
  :func:`csrf_token` in a hidden ``csrf_token`` field (or htmx sends it as the
  ``X-CSRF-Token`` header) and :func:`require_csrf` checks that the two agree. An API call
  authenticated by the cookie (not a bearer token) must send the header too.
- Scripts use bearer tokens (``POST /api/v1/token``): random, 256 bits, only their SHA-256
  stored, valid for :data:`TOKEN_TTL`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.web._db import get_session
from igfaxis.web._models import ApiToken, AppMeta, User, utcnow
from igfaxis.web._settings import Settings

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "TOKEN_TTL",
    "CSRFMiddleware",
    "add_user",
    "authenticate",
    "csrf_token",
    "current_user",
    "hash_password",
    "issue_token",
    "login_response",
    "logout_response",
    "optional_user",
    "require_csrf",
    "stored_secret_key",
]

SESSION_COOKIE: Final = "igfaxis_session"
CSRF_COOKIE: Final = "igfaxis_csrf"
#: the hidden form field and the header that carry the CSRF token
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "X-CSRF-Token"
#: how long a bearer token is valid
TOKEN_TTL: Final = dt.timedelta(days=30)
#: user names: letters, digits and . _ - @, 1-64 characters
_NAME: Final = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
#: shortest password accepted [characters]
MIN_PASSWORD_CHARS: Final = 8
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_hasher = PasswordHasher()
#: verified against when the user does not exist, so that the answer takes as long
_DUMMY_HASH: Final = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (a string with its salt and parameters)."""
    return _hasher.hash(password)


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ProtocolError(
            f"`NAME` must be 1-64 letters, digits or . _ - @; got {short_repr(name)}. "
            "Use e.g. `alice` or `a.smith@clinic`."
        )
    return name


def add_user(session: Session, name: str, password: str, *, is_admin: bool = False) -> User:
    """Create an account and commit it.

    Raises
    ------
    ProtocolError
        The name is not 1-64 of ``A-Za-z0-9._@-``, is taken, or the password is shorter
        than 8 characters.
    """
    _check_name(name)
    if len(password) < MIN_PASSWORD_CHARS:
        raise ProtocolError(
            f"the password must be at least {MIN_PASSWORD_CHARS} characters; got "
            f"{len(password)}. Choose a longer one (a passphrase of a few words works well)."
        )
    user = User(name=name, password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ProtocolError(
            f"the user {short_repr(name)} already exists; choose another name."
        ) from None
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user whose name and password these are, else ``None``.

    Takes about as long for an unknown name as for a wrong password. A hash made with
    older argon2 parameters is replaced (and committed) on a successful login.
    """
    user = session.scalar(select(User).where(User.name == username))
    try:
        _hasher.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:  # pragma: no cover (the dummy hash never matches a real password)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def stored_secret_key(session: Session) -> str:
    """The secret key kept in the database (made once, at random, on first use): what a
    server on localhost signs cookies with when no ``--secret-key`` is given."""
    row = session.get(AppMeta, "secret_key")
    if row is not None:
        return row.value
    session.add(AppMeta(key="secret_key", value=secrets.token_urlsafe(32)))
    try:
        session.commit()
    except IntegrityError:  # another process made it first: use theirs
        session.rollback()
    row = session.get(AppMeta, "secret_key")
    if row is None:  # pragma: no cover (just committed, or another process did)
        raise RuntimeError("the secret key could not be stored; this is a bug in igfaxis.")
    return row.value


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    if settings.secret_key is None:  # create_app always fills it in
        raise RuntimeError("the web app has no secret key; this is a bug in igfaxis.")
    return URLSafeTimedSerializer(settings.secret_key, salt="igfaxis-session")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def login_response(response: Response, user: User, settings: Settings) -> Response:
    """Set the session cookie of ``user`` on ``response`` (and return it).

    ``settings`` is the app's (``request.app.state.settings``), which holds the secret key.
    """
    value = _serializer(settings).dumps({"uid": user.id, "fp": _fingerprint(user)})
    response.set_cookie(SESSION_COOKIE, value, max_age=settings.session_max_age_s,
                        httponly=True, samesite="lax", secure=settings.cookies_secure,
                        path="/")  # fmt: skip
    return response


def logout_response(response: Response) -> Response:
    """Clear the session cookie on ``response`` (and return it)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def issue_token(session: Session, user: User) -> str:
    """A new bearer token of ``user`` (committed; only its SHA-256 is stored)."""
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    session.add(ApiToken(user_id=user.id, token_sha256=digest, expires_at=utcnow() + TOKEN_TTL))
    session.commit()
    return token


def _as_utc(when: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _bearer_user(session: Session, request: Request) -> User | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == digest))
    if row is None or _as_utc(row.expires_at) <= utcnow():
        return None
    return row.user


def _cookie_user(session: Session, request: Request) -> User | None:
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    settings: Settings = request.app.state.settings
    try:
        data = _serializer(settings).loads(value, max_age=settings.session_max_age_s)
    except BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = session.get(User, data["uid"])
    if user is None or not hmac.compare_digest(str(data.get("fp")), _fingerprint(user)):
        return None
    return user


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser, for a hidden ``csrf_token`` form field (or the
    ``X-CSRF-Token`` header of htmx requests); :class:`CSRFMiddleware` sets its cookie."""
    token = request.scope.get("state", {}).get("csrf_token")
    if not token:
        raise RuntimeError("CSRFMiddleware is not installed; this is a bug in igfaxis.")
    return str(token)


async def _sent_csrf(request: Request) -> str:
    sent = request.headers.get(CSRF_HEADER, "")
    if sent:
        return sent
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # cached: the route reads the same form
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def require_csrf(request: Request) -> None:
    """FastAPI dependency for form POSTs (and other unsafe methods): the request must carry
    the browser's CSRF token in the ``csrf_token`` field or the ``X-CSRF-Token`` header.

    Raises
    ------
    HTTPException
        403 when it is missing or wrong.
    """
    if request.method in _SAFE_METHODS:
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = await _sent_csrf(request)
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise HTTPException(
            status_code=403,
            detail="the form's CSRF token is missing or wrong (`csrf_token`); reload the page "
            "and submit it again.",
        )


def optional_user(request: Request, session: Session = Depends(get_session)) -> User | None:  # noqa: B008 (FastAPI's dependency idiom)
    """FastAPI dependency: the logged-in user (bearer token or session cookie), or
    ``None`` (pages redirect to ``/login``). Also kept as ``request.state.user``, for the
    page that the app's error handler renders after the route has raised."""
    user = _bearer_user(session, request) or _cookie_user(session, request)
    request.state.user = user
    return user


def current_user(request: Request, session: Session = Depends(get_session)) -> User:  # noqa: B008
    """FastAPI dependency: the logged-in user; 401 when there is none.

    A bearer token (``Authorization: Bearer ...``) or the session cookie; a state-changing
    request authenticated by the cookie must also carry the CSRF token in the
    ``X-CSRF-Token`` header (403 otherwise). Synchronous on purpose: FastAPI runs it on the
    thread pool, so that waiting for the database never blocks the event loop.
    """
    user = _bearer_user(session, request)
    if user is not None:
        return user
    user = _cookie_user(session, request)
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="not logged in: send `Authorization: Bearer TOKEN` (from POST "
            "/api/v1/token) or log in at /login.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if request.method not in _SAFE_METHODS:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = request.headers.get(CSRF_HEADER, "")
        if not cookie or not sent or not hmac.compare_digest(cookie, sent):
            raise HTTPException(
                status_code=403,
                detail=f"a change made with the session cookie needs the `{CSRF_HEADER}` "
                "header (the page's CSRF token); scripts use a bearer token instead.",
            )
    return user


_Scope = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
_Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class CSRFMiddleware:
    """Give every browser a random CSRF cookie (kept while it has one) and put its value in
    ``request.state.csrf_token`` for :func:`csrf_token` (pure ASGI middleware)."""

    def __init__(self, app: Callable[[_Scope, _Receive, _Send], Awaitable[None]], *,
                 secure: bool = False) -> None:  # fmt: skip
        self.app = app
        self.secure = secure

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie_from_headers(scope.get("headers", []), CSRF_COOKIE)
        new = token is None or not re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
        if new:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_cookie(message: MutableMapping[str, Any]) -> None:
            if new and message["type"] == "http.response.start":
                cookie = (f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
                          + ("; Secure" if self.secure else ""))  # fmt: skip
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie_from_headers(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None
