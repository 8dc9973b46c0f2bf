"""Protocol search: the plan that keeps a person's IGF-1 in their target band, under their
posterior (:func:`optimize`). Model predictions, not medical advice."""

from igfaxis.optimize._search import (
    LEVERS as LEVERS,
    NOTE as NOTE,
    OptimizationResult as OptimizationResult,
    OptimizeConfig as OptimizeConfig,
    Outcome as Outcome,
    Target as Target,
    optimize as optimize,
)

__all__ = [
    "LEVERS",
    "NOTE",
    "OptimizationResult",
    "OptimizeConfig",
    "Outcome",
    "Target",
    "optimize",
]
