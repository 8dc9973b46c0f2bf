"""Bounded text for error messages: a value's repr cut short, a message kept to one line.

A message quotes what it received (STYLE F1), but a user's value can be megabytes long (a
whole file pasted into one field); every message that shows a user value goes through
:func:`short_repr`, and the CLI passes the final message through :func:`one_line`.
"""

from __future__ import annotations

import reprlib
from typing import Final

__all__ = ["MAX_MESSAGE_CHARS", "MAX_VALUE_CHARS", "one_line", "short_repr"]

#: longest repr of a value quoted in a message [characters]
MAX_VALUE_CHARS: Final = 80
#: longest message the CLI prints [characters]
MAX_MESSAGE_CHARS: Final = 2000


def _make_repr() -> reprlib.Repr:
    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxother, r.maxlong = 2, 60, 60, 40
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = r.maxdeque = 5
    return r


_REPR: Final = _make_repr()


def short_repr(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``repr(value)`` on one line and at most ``limit`` characters (``...`` marks a cut).

    Strings, containers and numbers are cut while being written (:mod:`reprlib`), so a
    52 MB string costs no 52 MB message.

    Examples
    --------
    >>> short_repr("x" * 10_000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
    >>> short_repr({"a": [1, 2, 3, 4, 5, 6, 7]})
    "{'a': [1, 2, 3, 4, 5, ...]}"
    """
    try:
        text = _REPR.repr(value)
    except Exception:  # a user object's __repr__ may raise anything
        text = f"<{type(value).__name__} object>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` with its whitespace runs folded to single spaces, cut to ``limit`` characters.

    Examples
    --------
    >>> one_line("a\\n  b", 10)
    'a b'
    >>> one_line("y" * 50, 20)
    'yyyyyyyyyyy... (cut)'
    """
    if len(text) > 4 * limit:  # fold only what can be shown
        text = text[: 4 * limit]
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 9] + "... (cut)"
