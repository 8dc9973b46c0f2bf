"""Unit tests per rate law: sign, monotonicity, limits, zero input (STYLE G3)."""

import math

import jax.numpy as jnp
import numpy as np
import pytest

from igfaxis.model import default_params, gh_kinetics, hypothalamus, liver, pituitary
from igfaxis.model._math import Sym, exp, hill, inhibit, log, pos

P = default_params()


def test_hill_half_maximum_and_limits():
    assert float(hill(3.0, 3.0, 2.0)) == pytest.approx(0.5)
    assert float(hill(0.0, 3.0, 2.0)) == 0.0
    assert float(hill(1e9, 3.0, 2.0)) == pytest.approx(1.0)
    xs = jnp.linspace(0.0, 10.0, 50)
    assert bool(jnp.all(jnp.diff(hill(xs, 2.0, 3.0)) > 0))
    assert float(inhibit(3.0, 3.0, 2.0)) == pytest.approx(0.5)


def test_pos_clips_round_off_so_fractional_powers_stay_finite():
    assert bool(jnp.isfinite(hill(-1e-12, 200.0, 2.9)))


def test_symbolic_and_numeric_backends_agree():
    # the same rate law, rendered to text and evaluated by Python, equals the JAX value
    ns = {"pow": math.pow, "exp": math.exp, "ln": math.log,
          "piecewise": lambda a, c, b: a if c else b}  # fmt: skip
    x, k, n = 2.7, 1.3, 2.4
    text = str(hill(Sym("x"), Sym("k"), Sym("n")) * exp(Sym("x")) - log(Sym("k")))
    text = text.replace(">", "> ")
    got = eval(text, ns, {"x": x, "k": k, "n": n})
    want = float(hill(x, k, n) * exp(x) - log(k))
    assert got == pytest.approx(want, rel=1e-12)
    assert str(pos(Sym("a"))) == "piecewise(a, a > 0, 0)"


def test_gh_secretion_direction_of_each_input():
    base = float(pituitary.gh_secretion(400.0, 30.0, 20.0, 150.0, P))
    assert float(pituitary.gh_secretion(600.0, 30.0, 20.0, 150.0, P)) > base  # GHRH stimulates
    assert float(pituitary.gh_secretion(400.0, 60.0, 20.0, 150.0, P)) < base  # SRIF inhibits
    assert float(pituitary.gh_secretion(400.0, 30.0, 20.0, 300.0, P)) < base  # IGF-1 feedback
    assert float(pituitary.gh_secretion(400.0, 30.0, 60.0, 150.0, P)) > base  # GHS stimulates
    none = P._replace(pit_capacity=0.0)
    assert float(pituitary.gh_secretion(400.0, 30.0, 20.0, 150.0, none)) == 0


def test_srif_and_ghrh_rates_have_first_order_loss():
    assert float(hypothalamus.srif_arc_rate(10.0, 0.0, P)) == pytest.approx(-P.srif_arc_k2 * 10)
    g0 = float(hypothalamus.ghrh_rate(0.0, 30.0, 0.0, 0.0, 20.0, P))
    g1 = float(hypothalamus.ghrh_rate(0.0, 30.0, 0.0, 1e5, 20.0, P))
    assert g1 > g0 > 0


def test_sc_absorption_conserves_the_bioavailable_dose():
    # d(depot + transit)/dt + absorbed = F * input, for any state
    d, a = 7.0, 3.0
    total = gh_kinetics.depot_rate(d, 0.5, 0.2, 10.0) + gh_kinetics.transit_rate(a, d, 0.2)
    assert float(total) == pytest.approx(0.5 * 10.0 - 0.2 * a)


def test_gh_clearance_is_saturable():
    # at high GH the elimination per unit GH is lower (Michaelis-Menten term saturates)
    def per_unit(c):
        return -float(gh_kinetics.gh_central_rate(c, c, 0.0, 0.0, 0.0, P)) / c

    assert per_unit(1.0) > per_unit(1000.0)
    assert per_unit(1.0) == pytest.approx((P.gh_cl + P.gh_vmax / (P.gh_km + 1.0)) / P.gh_vc)


def test_laron_removes_the_gh_effect_on_the_liver():
    assert float(liver.gh_liver_effect(50.0, P._replace(ghr_function=0.0))) == 0.0
    e = np.array([float(liver.gh_liver_effect(g, P)) for g in (0.0, 1.0, 10.0, 100.0)])
    assert e[0] == 0.0
    assert np.all(np.diff(e) > 0)
    assert e[-1] < 1.0


def test_binding_is_at_equilibrium_when_the_kd_relation_holds():
    free, bp3 = 0.2, 50.0
    binary = free * (1 - P.igf2_occupancy) * bp3 / P.igf_kd3
    assert float(liver.igf1_binding(free, binary, bp3, P)) == pytest.approx(0.0, abs=1e-12)
