"""Effectful boundary of igfaxis: exports and file formats.

``import igfaxis.io`` never needs the optional dependencies; each exporter imports its
library when it is *used* and raises an :class:`ImportError` with the install hint if the
library is missing (STYLE F3). The public names below load their module on first use
(PEP 562), so a command that reads one lab file does not import pandas for the NONMEM
tables.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["doses_to_table", "read_dosing_csv", "to_sbml", "write_dosing_csv", "write_sbml"]

_WHERE = {
    "doses_to_table": "igfaxis.io.nonmem",
    "read_dosing_csv": "igfaxis.io.nonmem",
    "write_dosing_csv": "igfaxis.io.nonmem",
    "to_sbml": "igfaxis.io.sbml",
    "write_sbml": "igfaxis.io.sbml",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'igfaxis.io' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
