"""Turn pydantic validation errors into one readable message per field."""

from __future__ import annotations

from pydantic import ValidationError

__all__ = ["format_validation_error"]


def format_validation_error(exc: ValidationError, source: str) -> str:
    """One line per problem: field path, what was expected, the value and its type."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
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
                f"`{loc}`: {msg}; got {value!r} ({type(value).__name__}). Fix the value in "
                f"{source}."
            )
    return f"invalid {source}: " + " | ".join(lines)
