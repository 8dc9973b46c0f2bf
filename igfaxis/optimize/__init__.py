"""Protocol search: the plan that keeps a person's IGF-1 in their target band, under their
posterior (:func:`optimize`); a virtual clinic that titrates a dose on noisy labs
(:func:`titrate`, :func:`titrate_population`). Model predictions, not medical advice."""

from igfaxis.optimize._levers import (
    LEVERS as LEVERS,
    PATTERNS as PATTERNS,
    Pattern as Pattern,
    check_lever_set as check_lever_set,
)
from igfaxis.optimize._methods import METHODS as METHODS
from igfaxis.optimize._search import (
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
    "METHODS",
    "NOTE",
    "PATTERNS",
    "OptimizationResult",
    "OptimizeConfig",
    "Outcome",
    "Pattern",
    "Target",
    "TitrationConfig",
    "TitrationResult",
    "TitrationVisit",
    "check_lever_set",
    "optimize",
    "sample_personal",
    "start_dose",
    "titrate",
    "titrate_population",
]
