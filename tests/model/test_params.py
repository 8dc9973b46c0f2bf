"""The parameter table and the code agree (STYLE A8)."""

import re

import pytest

from igfaxis.model import PARAMETERS, Inputs, Params, State, default_params, vector_field
from igfaxis.model._math import Sym

# parameters read outside the vector field: by the burst generator, person covariates and
# the lifestyle compiler
_NOT_IN_VECTOR_FIELD = {
    "pulse_rate_wake", "pulse_rate_sleep", "pulse_regularity", "pulse_width", "pulse_amp_cv",
    "pulse_drive", "sws_boost", "sws_delay", "sws_width", "age_amp_decline",
    "age_amp_decline_young", "female_freq_factor", "female_amp_factor", "female_liver_sens",
    "oral_estrogen_liver_sens",  # personalisation (person.py), like female_liver_sens
    "bmi_amp_slope", "bmi_ref", "fast_freq_gain", "plant_potency",
    "adenoma_cv", "adenoma_step",  # the adenoma's activity is forcing (protocol._compile)
    "pit_basal_cv", "pit_basal_step",  # so is the basal activity
    "igfbp1_kd",  # an observable: free IGF-1 at equilibrium with IGFBP-1 (liver.py)
}  # fmt: skip

_UNIT_TOKENS = {"1", "h", "d", "L", "g", "kg", "m2", "ng", "pg", "ug", "mL", "nmol", "decade"}


def _symbolic_rates() -> str:
    y = State(*[Sym(n) for n in State._fields])
    u = Inputs(*[Sym(n) for n in Inputs._fields])
    p = Params(*[Sym(n) for n in Params._fields])
    return " ".join(str(e) for e in vector_field(y, u, p))


def test_fields_match_table_exactly():
    assert tuple(Params._fields) == tuple(PARAMETERS)


def test_every_parameter_is_used():
    text = _symbolic_rates()
    used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    unused = set(PARAMETERS) - used - _NOT_IN_VECTOR_FIELD
    assert not unused, f"parameters in the table but not in the equations: {sorted(unused)}"


def test_generator_parameters_are_not_in_the_equations():
    used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", _symbolic_rates()))
    assert not (used & _NOT_IN_VECTOR_FIELD)


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_default_within_bounds_and_sourced(name):
    spec = PARAMETERS[name]
    assert spec.lower <= spec.value <= spec.upper
    assert len(spec.source) > 10, "every parameter needs a source or its calibration targets"


@pytest.mark.parametrize("name", list(PARAMETERS))
def test_unit_parses(name):
    unit = PARAMETERS[name].unit
    tokens = re.split(r"[/*()]", unit)
    assert all(t in _UNIT_TOKENS for t in tokens if t), unit


def test_calibrated_parameters_name_existing_targets():
    from igfaxis.validation import load_targets

    ids = {t.id for t in load_targets()}
    for spec in PARAMETERS.values():
        if "calibrated to:" in spec.source:
            named = re.findall(r"V-[A-Z]+-\d+(?:-\d+)?", spec.source.split("calibrated to:")[1])
            assert named, spec.name
            for target in named:
                assert any(i == target or i.startswith(target + "-") for i in ids), target


def test_default_params_values():
    p = default_params()
    assert p.gh_cl == PARAMETERS["gh_cl"].value
