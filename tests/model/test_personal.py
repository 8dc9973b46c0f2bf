"""Personal parameters: the table, personalise, and gradients (issue 11, item 1)."""

from __future__ import annotations

import csv
import math
from importlib import resources

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from igfaxis.model import (
    BASELINE_INPUTS,
    PERSONAL_PARAMETERS,
    Covariates,
    Params,
    default_params,
    initial_state,
    personalise,
    vector_field,
)
from igfaxis.risk import IGF1_CV_A, IGF1_CV_I

COV = {"age_y": 52.0, "female": True, "weight_kg": 68.0, "bmi": 25.0}


def _rows() -> list[dict[str, str]]:
    text = resources.files("igfaxis.data").joinpath("personal_parameters.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_code_matches_the_table():
    rows = _rows()
    assert [r["name"] for r in rows] == list(PERSONAL_PARAMETERS)
    for r in rows:
        prior = PERSONAL_PARAMETERS[r["name"]]
        assert prior.parameter == r["parameter"]
        assert prior.coupled == tuple(r["coupled"].split())
        assert prior.median == float(r["median"])
        assert prior.log_sd == float(r["log_sd"])
        assert prior.unit == r["unit"]
        assert prior.source == r["source"]
        assert prior.doc == r["doc"]


def test_the_documented_set_is_there():
    fields = {name: p.fields for name, p in PERSONAL_PARAMETERS.items()}
    assert fields == {
        "hepatic_gh_sensitivity": ("liver_sens",),
        "pituitary_secretion_capacity": ("pit_kr1", "pit_basal"),
        "igfbp3_als_production": ("bp3_syn_max", "als_syn_max"),
    }


@pytest.mark.parametrize("name", list(PERSONAL_PARAMETERS))
def test_each_prior_is_well_formed(name):
    p = PERSONAL_PARAMETERS[name]
    assert set(p.fields) <= set(Params._fields)
    assert p.median == 1.0  # the average person is the default
    assert 0.0 < p.log_sd < 1.5
    assert p.lower < p.median < p.upper
    # the range admits the prior's central 99.9%
    assert p.lower < p.quantile(0.0005)
    assert p.quantile(0.9995) < p.upper
    assert p.source.startswith("[D]")
    assert len(p.source) > 80


def test_quantile_is_the_lognormal_one():
    p = PERSONAL_PARAMETERS["hepatic_gh_sensitivity"]
    assert p.quantile(0.5) == pytest.approx(1.0)
    assert math.log(p.quantile(0.8413447460685429)) == pytest.approx(p.log_sd, rel=1e-9)


def test_hepatic_prior_fits_the_life_spread():
    """The hepatic and pituitary priors, through the model's elasticities (docs/labs.md),
    together with within-person and assay noise, give the LIFE spread of IGF-1 at fixed age
    and sex (BCPE sigma 0.23-0.28 in adults 30-70 y)."""
    e_liver, e_pit = 0.57, 0.23  # d log IGF-1 / d log multiplier, docs/labs.md
    implied = math.sqrt(
        (e_liver * PERSONAL_PARAMETERS["hepatic_gh_sensitivity"].log_sd) ** 2
        + (e_pit * PERSONAL_PARAMETERS["pituitary_secretion_capacity"].log_sd) ** 2
        + IGF1_CV_I**2
        + IGF1_CV_A**2
    )
    text = resources.files("igfaxis.data").joinpath("igf1_reference_life.csv").read_text("utf-8")
    sigmas = [float(r["sigma"]) for r in csv.DictReader(text.splitlines())
              if 30.0 <= float(r["age"]) <= 70.0]  # fmt: skip
    assert min(sigmas) - 0.01 < implied < max(sigmas) + 0.01


def test_without_personal_values_nothing_changes_bit_for_bit():
    base = default_params()
    a, ma = personalise(base, Covariates(**COV))
    b, mb = personalise(base, Covariates(**COV, personal={}))
    c, _ = personalise(base, Covariates(**COV, personal=dict.fromkeys(PERSONAL_PARAMETERS, 1.0)))
    assert tuple(a) == tuple(b) == tuple(c)
    assert (ma.rate_factor, ma.size_factor) == (mb.rate_factor, mb.size_factor)


def test_a_multiplier_scales_its_fields_only():
    base = default_params()
    ref, _ = personalise(base, Covariates(**COV))
    new, _ = personalise(base, Covariates(**COV, personal={"igfbp3_als_production": 1.3}))
    for f in Params._fields:
        if f in ("bp3_syn_max", "als_syn_max"):
            assert getattr(new, f) == pytest.approx(1.3 * getattr(ref, f), rel=1e-15)
        else:
            assert getattr(new, f) == getattr(ref, f), f


def _output(m):
    """d(IGF-1 free)/dt + d(GH)/dt at the declared initial state, as a function of m."""
    base = type(default_params())(*(jnp.asarray(float(x)) for x in default_params()))
    out = 0.0
    for name in PERSONAL_PARAMETERS:
        p, _ = personalise(base, Covariates(**COV, personal={name: m}))
        y = initial_state(p)
        dy = vector_field(y, BASELINE_INPUTS, p)
        out = out + dy.igf_free + dy.gh + dy.bp3
    return out


@pytest.mark.parametrize("m", [0.7, 1.0, 1.6])
def test_gradient_wrt_a_multiplier_matches_finite_differences(m):
    g = jax.grad(_output)(jnp.asarray(m))
    h = 1e-6
    fd = (_output(jnp.asarray(m + h)) - _output(jnp.asarray(m - h))) / (2 * h)
    assert np.isfinite(float(g))
    assert float(g) != 0.0
    assert float(g) == pytest.approx(float(fd), rel=1e-6)
