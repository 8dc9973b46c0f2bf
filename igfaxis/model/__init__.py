"""Pure physiology: parameters, rate laws, the vector field, person covariates."""

from igfaxis.model._description import (
    MODEL as MODEL,
    ModelDescription as ModelDescription,
    Var as Var,
)
from igfaxis.model._math import Sym as Sym
from igfaxis.model._params import (
    PARAMETERS as PARAMETERS,
    Params as Params,
    ParamSpec as ParamSpec,
    default_params as default_params,
    param_hash as param_hash,
)
from igfaxis.model._personal import (
    PERSONAL_PARAMETERS as PERSONAL_PARAMETERS,
    PersonalPrior as PersonalPrior,
)
from igfaxis.model._signalling_params import (
    default_signalling_params as default_signalling_params,
)
from igfaxis.model._system import (
    BASELINE_INPUTS as BASELINE_INPUTS,
    INPUT_UNITS as INPUT_UNITS,
    OBSERVABLE_UNITS as OBSERVABLE_UNITS,
    STATE_UNITS as STATE_UNITS,
    Inputs as Inputs,
    Observables as Observables,
    State as State,
    initial_state as initial_state,
    observables as observables,
    vector_field as vector_field,
)
from igfaxis.model.person import (
    BurstModulation as BurstModulation,
    Covariates as Covariates,
    personalise as personalise,
)
from igfaxis.model.pulse_generator import BurstTrain as BurstTrain, burst_train as burst_train
