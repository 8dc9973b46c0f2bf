"""Read the files the CLI is given: persons (or fits), protocols and histories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from igfaxis._files import MAX_YAML_BYTES, load_json, load_yaml, read_text
from igfaxis._messages import short_repr
from igfaxis.calibrate import CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.protocol import History, Person, Protocol, format_validation_error

__all__ = ["load_history", "load_person", "load_protocol", "load_subject"]

#: largest fit file read as ``--person fit.json`` (its draws and labs) [bytes]
_MAX_FIT_BYTES = 16 * MAX_YAML_BYTES


def _read_mapping(path: Path, what: str, max_bytes: int = MAX_YAML_BYTES) -> dict[str, Any]:
    text = read_text(path, what, max_bytes=max_bytes)
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


def load_subject(path: str | Path) -> tuple[Person, CalibrationResult | None]:
    """Read a person file, or a fit (``igfaxis calibrate --out fit.json``).

    A JSON file with a ``kind`` key is a fit (:meth:`CalibrationResult.from_dict`); its
    person is the fitted one (posterior medians of the personal parameters).

    Returns
    -------
    The person, and the fit (``None`` for a person file).

    Raises
    ------
    ProtocolError
        The file is missing, not YAML/JSON, not a mapping, a field is invalid, or a fit
        that cannot be read.
    """
    p = Path(path)
    is_json = p.suffix.lower() == ".json"
    data = _read_mapping(p, "person", _MAX_FIT_BYTES if is_json else MAX_YAML_BYTES)
    if is_json and "kind" in data:
        fit = CalibrationResult.from_dict(data, source=p.name)
        return fit.fitted_person(), fit
    if is_json and p.stat().st_size > MAX_YAML_BYTES:
        read_text(p, "person", max_bytes=MAX_YAML_BYTES)  # the usual message for a person
    try:
        return Person.model_validate(data), None
    except ValidationError as exc:
        raise ProtocolError(format_validation_error(exc, p.name)) from None


def load_person(path: str | Path) -> Person:
    """Read a :class:`~igfaxis.protocol.Person` from a YAML or JSON file of its fields (or
    the fitted person of a fit, :func:`load_subject`).

    Raises
    ------
    ProtocolError
        The file is missing, not YAML/JSON, not a mapping, or a field is invalid.

    Examples
    --------
    A file with ``age_y: 60``, ``sex: female`` and ``weight_kg: 65`` on three lines.
    """
    return load_subject(path)[0]


def load_history(path: str | Path) -> History:
    """Read a :class:`~igfaxis.protocol.History` (YAML; docs/labs.md)."""
    return History.from_yaml(Path(path))


def load_protocol(path: str | Path) -> Protocol:
    """Read a :class:`~igfaxis.protocol.Protocol` from a YAML (or JSON) file."""
    return Protocol.from_yaml(Path(path))
