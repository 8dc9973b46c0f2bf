"""The parameter table: one row per parameter with value, unit, bounds and source.

The table is package data (``igfaxis/data/parameters.csv``); :data:`PARAMETERS` is its
immutable in-memory form and :class:`Params` the pytree the equations read. ``Params`` is
built from the table, so a parameter exists in code exactly when it has a row (value, unit,
bounds, and a source or the targets it was calibrated to).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

__all__ = ["PARAMETERS", "ParamSpec", "Params", "default_params", "load_table", "param_hash"]


@dataclass(frozen=True)
class ParamSpec:
    """One row of the parameter table."""

    name: str
    value: float
    unit: str
    lower: float
    upper: float
    module: str
    source: str


def load_table(filename: str) -> MappingProxyType[str, ParamSpec]:
    """Read a parameter table shipped in ``igfaxis/data`` (columns as in ParamSpec)."""
    text = resources.files("igfaxis.data").joinpath(filename).read_text("utf-8")
    rows = {}
    for r in csv.DictReader(io.StringIO(text)):
        spec = ParamSpec(
            name=r["name"],
            value=float(r["value"]),
            unit=r["unit"],
            lower=float(r["lower"]),
            upper=float(r["upper"]),
            module=r["module"],
            source=r["source"],
        )
        rows[spec.name] = spec
    return MappingProxyType(rows)


PARAMETERS: MappingProxyType[str, ParamSpec] = load_table("parameters.csv")

# A NamedTuple is a JAX pytree of scalars (vmap-able) whose fields are named, as C2 asks.
Params: Any = NamedTuple("Params", [(name, float) for name in PARAMETERS])
Params.__doc__ = "Model parameters, one field per row of igfaxis/data/parameters.csv."


def default_params() -> Any:
    """Return :class:`Params` at the table's default values."""
    return Params(**{name: spec.value for name, spec in PARAMETERS.items()})


def param_hash(p: Any) -> str:
    """Short SHA-256 of parameter values, for reproducibility records."""
    text = ",".join(f"{k}={float(v)!r}" for k, v in zip(p._fields, p, strict=True))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
