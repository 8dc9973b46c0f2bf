"""Turn pydantic validation errors into one readable message per field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError

from igfaxis._messages import one_line, short_repr
from igfaxis.errors import ProtocolError

__all__ = ["InputModel", "format_errors", "format_validation_error"]

#: problems listed in one message; the rest are counted
_MAX_PROBLEMS: Final = 8


def format_validation_error(exc: ValidationError, source: str) -> str:
    """One entry per problem: field path, what was expected, the value and its type.

    Values are quoted with :func:`igfaxis._messages.short_repr` and at most eight problems
    are listed, so the message stays short whatever the input.
    """
    return format_errors(exc.errors(include_url=False), source)


def format_errors(errors: Sequence[Mapping[str, Any]], source: str) -> str:
    """:func:`format_validation_error` for a list of pydantic error records (``loc``,
    ``msg``, ``type``, ``input``), e.g. those of a web framework's request validation."""
    lines = []
    for err in errors[:_MAX_PROBLEMS]:
        loc = short_repr(".".join(str(x) for x in err["loc"]), 120).strip("'\"") or "(top level)"
        msg = one_line(err["msg"].removeprefix("Value error, "), 400)
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            lines.append(
                f"`{loc}` is not a known field; remove it or check its spelling "
                "(see the protocol schema in docs/protocols.md)."
            )
        elif err["type"] == "missing":
            lines.append(f"`{loc}` is required; add it.")
        elif err["type"] == "value_error":
            lines.append(f"`{loc}`: {msg}" if err["loc"] else msg)
        else:
            lines.append(
                f"`{loc}`: {msg}; got {short_repr(value)} ({type(value).__name__}). Fix the "
                f"value in {source}."
            )
    if len(errors) > _MAX_PROBLEMS:
        lines.append(f"and {len(errors) - _MAX_PROBLEMS} more problems")
    return f"invalid {source}: " + " | ".join(lines)


class InputModel(BaseModel):
    """Base of the validated input records (Person, Protocol, Dose, lifestyle).

    Frozen, unknown fields refused, numbers finite (``inf`` and ``nan`` refused: an
    infinite ``ii_h`` would silently drop a dose). Building one directly
    (``Person(age_y=-1)``) raises :class:`~igfaxis.errors.ProtocolError` with the same
    message as reading it from a file, not pydantic's ``ValidationError``; nested records
    are validated by pydantic itself and reported by their container.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ProtocolError(format_validation_error(exc, type(self).__name__)) from None

    # pydantic calls a model's own ``__init__`` for every nested record unless it is marked
    # as the base one; nested records are reported by their container (one message, with
    # the file name), so only the outermost call converts the error.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]
