"""Read the files the CLI is given: persons and protocols (YAML or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from igfaxis._files import MAX_YAML_BYTES, load_json, load_yaml, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.protocol import Person, Protocol, format_validation_error

__all__ = ["load_person", "load_protocol"]


def _read_mapping(path: Path, what: str) -> dict[str, Any]:
    text = read_text(path, what, max_bytes=MAX_YAML_BYTES)
    if path.suffix.lower() == ".json":
        data = load_json(text, path.name)
    else:
        data = load_yaml(text, path.name)
    if data is None:
        raise ProtocolError(
            f"{short_repr(path.name)} is empty; write the {what}'s fields, e.g. `age_y: 45` "
            "on its own line."
        )
    if not isinstance(data, dict):
        raise ProtocolError(
            f"{short_repr(path.name)} must hold a mapping of {what} fields; got "
            f"{type(data).__name__}. Write e.g. `age_y: 45` on its own line."
        )
    return data


def load_person(path: str | Path) -> Person:
    """Read a :class:`~igfaxis.protocol.Person` from a YAML or JSON file of its fields.

    Raises
    ------
    ProtocolError
        The file is missing, not YAML/JSON, not a mapping, or a field is invalid.

    Examples
    --------
    A file with ``age_y: 60``, ``sex: female`` and ``weight_kg: 65`` on three lines.
    """
    p = Path(path)
    data = _read_mapping(p, "person")
    try:
        return Person.model_validate(data)
    except ValidationError as exc:
        raise ProtocolError(format_validation_error(exc, p.name)) from None


def load_protocol(path: str | Path) -> Protocol:
    """Read a :class:`~igfaxis.protocol.Protocol` from a YAML (or JSON) file."""
    return Protocol.from_yaml(Path(path))
