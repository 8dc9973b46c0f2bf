"""The protocol editor: examples, saved protocols and inline validation."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from igfaxis.errors import IgfaxisError
from igfaxis.protocol import Protocol
from igfaxis.web import _service as service
from igfaxis.web._models import User
from igfaxis.web._pages._common import (
    CSRF,
    DB,
    SLOTS,
    TEMPLATES,
    OptionalUser,
    message,
    render,
    to_login,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


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


def protocol_choices(session: Session, user: User) -> dict[str, tuple[str, str]]:
    """What an editor can start from: the packaged examples, then the user's saved
    protocols (``saved-ID``): key -> (name, YAML text)."""
    saved = {
        f"saved-{row.id}": (f"{row.name} (saved)", row.yaml_text)
        for row in service.list_protocols(session, user)
    }
    return {**_examples(), **saved}


def choice_list(choices: Mapping[str, tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": k, "name": n} for k, (n, _) in choices.items()]


def check_protocol(text: str, what: str = "protocol") -> tuple[Protocol | None, list[str]]:
    """The protocol of ``text``, or the one-line messages of what is wrong (field and fix)."""
    if not text.strip():
        return None, [f"the {what} is empty; choose an example or write e.g. `name: my-protocol`."]
    try:
        return Protocol.from_yaml(text), []
    except IgfaxisError as exc:
        return None, [message(exc)]


def _protocols_page(
    request: Request, session: Session, user: User, status: int = 200, **context: Any
) -> HTMLResponse:
    choices = protocol_choices(session, user)
    return render(
        request,
        "protocols.html",
        user,
        status,
        examples=choice_list(choices),
        saved=service.list_protocols(session, user),
        **context,
    )


@router.get("/protocols", response_class=HTMLResponse)
def protocols_page(
    request: Request, session: DB, user: OptionalUser, example: str = ""
) -> Response:
    if user is None:
        return to_login(request)
    choices = protocol_choices(session, user)
    chosen = example if example in choices else next(iter(choices))
    return _protocols_page(request, session, user, text=choices[chosen][1], chosen=chosen)


@router.post("/protocols", dependencies=CSRF)
async def protocols_save(request: Request, session: DB, user: OptionalUser) -> Response:
    """Save the editor's protocol (validated: the same messages as the inline check)."""
    if user is None:
        return to_login(request)
    value = (await request.form()).get("protocol", "")
    text = value if isinstance(value, str) else ""
    _, messages = check_protocol(text)
    if not messages:
        try:
            row = service.create_protocol(session, user, text)
        except IgfaxisError as exc:
            messages = [message(exc)]
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
    if slot not in SLOTS:
        slot = "protocol"
    choices = protocol_choices(session, user)
    text = choices[example][1] if example in choices else ""
    return TEMPLATES.TemplateResponse(
        request,
        "partials/protocol_editor.html",
        {
            "slot": slot,
            "title": SLOTS[slot],
            "text": text,
            "chosen": example,
            "examples": choice_list(choices),
            "messages": [],
        },
    )


@router.post("/protocols/validate", response_class=HTMLResponse, dependencies=CSRF)
async def protocol_validate(
    request: Request, user: OptionalUser, slot: str = "protocol"
) -> Response:
    """htmx: the validation messages of the YAML in the form field ``slot``."""
    if user is None:
        return Response(status_code=401)
    value = (await request.form()).get(slot, "")
    protocol, messages = check_protocol(value if isinstance(value, str) else "")
    return TEMPLATES.TemplateResponse(
        request,
        "partials/validation.html",
        {
            "messages": messages,
            "valid_name": protocol.name if protocol else "",
            "valid_days": f"{protocol.days:g}" if protocol and protocol.days else "",
        },
    )
