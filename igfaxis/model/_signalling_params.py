"""The signalling parameter table (``igfaxis/data/signalling_parameters.csv``).

Same pattern as :mod:`igfaxis.model._params`: one row per parameter with value, unit,
bounds, module and source; :data:`SIGNALLING_PARAMETERS` is the immutable table and
:class:`SignallingParams` the pytree that the cell equations read. Kept apart from the body
table because the cell model is driven one way by a finished body trajectory.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, NamedTuple

from igfaxis.model._params import ParamSpec, load_table

__all__ = ["SIGNALLING_PARAMETERS", "SignallingParams", "default_signalling_params"]


SIGNALLING_PARAMETERS: MappingProxyType[str, ParamSpec] = load_table("signalling_parameters.csv")

SignallingParams: Any = NamedTuple(
    "SignallingParams", [(name, float) for name in SIGNALLING_PARAMETERS]
)
SignallingParams.__doc__ = (
    "Cell-signalling parameters, one field per row of igfaxis/data/signalling_parameters.csv."
)


def default_signalling_params() -> Any:
    """Return :class:`SignallingParams` at the table's default values."""
    return SignallingParams(**{n: s.value for n, s in SIGNALLING_PARAMETERS.items()})
