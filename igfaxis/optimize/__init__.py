"""Protocol search: the plan that keeps a person's IGF-1 in their target band, under their
posterior (:func:`optimize`); a virtual clinic that titrates a dose on noisy labs
(:func:`titrate`, :func:`titrate_population`). Model predictions, not medical advice."""

from igfaxis.optimize._search import (
    LEVERS as LEVERS,
    NOTE as NOTE,
    OptimizationResult as OptimizationResult,
    OptimizeConfig as OptimizeConfig,
    Outcome as Outcome,
    Target as Target,
    optimize as optimize,
)
from igfaxis.optimize._titrate import (
    GUIDELINE_START_MG as GUIDELINE_START_MG,
    TitrationConfig as TitrationConfig,
    TitrationResult as TitrationResult,
    TitrationVisit as TitrationVisit,
    sample_personal as sample_personal,
    start_dose as start_dose,
    titrate as titrate,
    titrate_population as titrate_population,
)

__all__ = [
    "GUIDELINE_START_MG",
    "LEVERS",
    "NOTE",
    "OptimizationResult",
    "OptimizeConfig",
    "Outcome",
    "Target",
    "TitrationConfig",
    "TitrationResult",
    "TitrationVisit",
    "optimize",
    "sample_personal",
    "start_dose",
    "titrate",
    "titrate_population",
]
