"""One exception tree and the warning categories of igfaxis.

Every message says what was expected, what was received (value and type) and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "ConvergenceError",
    "DoseWarning",
    "ExportError",
    "ExtrapolationWarning",
    "FeatureNotSupportedError",
    "IgfaxisError",
    "LabWarning",
    "ModelError",
    "PhysiologyWarning",
    "ProtocolError",
    "SimulationError",
    "UnitError",
    "UnitWarning",
]


class IgfaxisError(Exception):
    """Base of every error raised on purpose by igfaxis."""


class ProtocolError(IgfaxisError, ValueError):
    """User input (person, protocol, targets, labs) is invalid."""


class UnitError(ProtocolError):
    """A unit is unknown, or a value looks like it was given in another unit."""


class ModelError(IgfaxisError):
    """The model definition or parameter table is inconsistent (a bug, not a user error)."""


class SimulationError(IgfaxisError, RuntimeError):
    """The solver failed; ``result`` carries the solver's status code."""

    def __init__(self, message: str, result: int | None = None) -> None:
        super().__init__(message)
        self.result = result


class ConfigurationError(IgfaxisError, RuntimeError):
    """The environment is set up in a way igfaxis cannot run in (e.g. JAX in float32)."""


class ConvergenceError(IgfaxisError, RuntimeError):
    """A fit or search did not converge; the message is a numbered checklist."""


class ExportError(IgfaxisError):
    """A model could not be exported (SBML, tables)."""


class FeatureNotSupportedError(ExportError):
    """The exporter does not support a feature the model uses."""


class PhysiologyWarning(UserWarning):
    """A state left its physiologically plausible range."""


class ExtrapolationWarning(UserWarning):
    """An age, dose or value lies outside the range the model or reference was built on."""


class DoseWarning(UserWarning):
    """A dose exceeds its label maximum (or, unapproved drugs, the largest dose studied), or
    a dose record lies wholly after the simulated horizon."""


class UnitWarning(UserWarning):
    """A value is plausible only in another unit (e.g. IGF-1 25 "ng/mL" in an adult)."""


class LabWarning(UserWarning):
    """Measured labs are usable but odd (e.g. two different values at the same time)."""
