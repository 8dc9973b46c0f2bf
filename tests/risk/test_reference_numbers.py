"""The risk layer reproduces the published anchors and the numbers of research/risk.md.

Expected values and their provenance: tests/risk/reference/ (README.md, risk_md.yaml and the
verbatim risk.md 7.9 snippet risk_md_7_9.py). Monte Carlo intervals use seed 0.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy import special, stats

from igfaxis.risk import (
    HingeHazard,
    LogLinearHazard,
    QuadraticSdsHazard,
    draw_curves,
    hazard_curve,
    hazard_curves,
    hazard_ratio,
    population_mean_hr,
)
from igfaxis.units import IGF1_NMOL_PER_NG

REF: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "reference" / "risk_md.yaml").read_text(encoding="utf-8")
)
MC_DRAWS = 200_000  # enough for the 2-decimal intervals of risk.md 7.2


def _hr(curve_id: str, x: float, ref_ng_ml: float | None = None) -> float:
    curve = hazard_curve(curve_id)
    if ref_ng_ml is not None:
        assert isinstance(curve, LogLinearHazard)
        curve = curve.with_reference(ref_ng_ml)
    return float(np.exp(curve.log_hr(x)))


def _quadratic(curve_id: str) -> QuadraticSdsHazard:
    curve = hazard_curve(curve_id)
    assert isinstance(curve, QuadraticSdsHazard)
    return curve


# --------------------------------------------------------------------------------------
# Published anchors: every curve passes through the estimates it was built from
# --------------------------------------------------------------------------------------


def _z(percentile: float) -> float:
    return float(special.ndtri(percentile / 100.0))


@pytest.mark.parametrize("curve_id", list(hazard_curves()))
def test_curve_reproduces_its_published_anchors(curve_id: str) -> None:
    curve = hazard_curves()[curve_id]
    form = type(curve).__name__
    for anchor in curve.anchors:
        if form == "QuadraticSdsHazard":
            assert isinstance(curve, QuadraticSdsHazard)
            ratio = _hr(curve_id, _z(anchor.at)) / _hr(curve_id, _z(curve.reference_percentile))
        elif form == "HingeHazard":
            ratio = _hr(curve_id, anchor.at)  # vs the plateau
        elif form == "LogLinearHazard":
            increment_ng_ml = anchor.at / IGF1_NMOL_PER_NG  # per 5 nmol/L = 38.2 ng/mL
            ratio = _hr(curve_id, 150.0 + increment_ng_ml, ref_ng_ml=150.0)
        elif form == "PerSdBelowHazard":
            ratio = _hr(curve_id, -anchor.at) / _hr(curve_id, 0.0)  # per SD decrease
        elif form == "StepSdsHazard":
            inside = _z(anchor.at) + (-0.01 if anchor.side == "below" else 0.01)
            ratio = _hr(curve_id, inside) / _hr(curve_id, 0.0)
        else:  # InterpolatedHazard: the anchor itself
            ratio = _hr(curve_id, anchor.at)
        assert ratio == pytest.approx(anchor.hr, rel=1e-12), (curve_id, anchor.label)


def test_anchor_ses_come_from_the_published_cis() -> None:
    anchor = hazard_curve("mortality_meta").anchors[0]  # 1.56 (1.31-1.86)
    assert anchor.log_se == pytest.approx((math.log(1.86) - math.log(1.31)) / (2 * 1.959964))


# --------------------------------------------------------------------------------------
# risk.md 7.9: the reference implementation's checks and constants
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("check", REF["checks_7_9"], ids=lambda c: c["what"])
def test_risk_md_7_9_checks(check: dict[str, Any]) -> None:
    hr = _hr(check["curve"], check["x"], check.get("ref_ng_ml"))
    assert hr == pytest.approx(check["hr"], abs=check["tol"])


@pytest.mark.parametrize("curve_id", ["mortality_meta", "mortality_ukb"])
def test_risk_md_7_9_quadratic_constants(curve_id: str) -> None:
    expected = REF["parameters_7_9"][curve_id]
    curve = _quadratic(curve_id)
    a, b = (float(v) for v in curve.coefficients())
    assert a == pytest.approx(expected["a"], abs=5e-5)
    assert b == pytest.approx(expected["b"], abs=5e-5)
    assert curve.z_clip == expected["z_clip"]
    draws = draw_curves(curve, np.random.default_rng(0), MC_DRAWS)
    a_draws, b_draws = draws.coefficients()
    assert float(np.std(a_draws)) == pytest.approx(expected["se_a"], abs=5e-4)
    assert float(np.std(b_draws)) == pytest.approx(expected["se_b"], abs=5e-4)


def test_risk_md_7_9_hinge_and_cancer_constants() -> None:
    expected = REF["parameters_7_9"]["mortality_absolute"]
    curve = hazard_curve("mortality_absolute")
    assert isinstance(curve, HingeHazard)
    assert (curve.low_ng_ml, curve.high_ng_ml) == (expected["low"], expected["high"])
    beta_lo, beta_hi = (float(v) for v in curve.slopes())
    assert beta_lo == pytest.approx(expected["beta_lo"], abs=5e-5)
    assert beta_hi == pytest.approx(expected["beta_hi"], abs=5e-5)
    for curve_id, (hr, lo, hi) in REF["parameters_7_9"]["cancer_per_5_nmol"].items():
        anchor = hazard_curve(curve_id).anchors[0]
        assert (anchor.at, anchor.hr, anchor.lo, anchor.hi) == (5.0, hr, lo, hi)


def test_clipping_beyond_the_data() -> None:
    # risk.md 7.10: no extrapolation of the quadratic beyond |z| 2 (meta) or 2.5 (ukb).
    assert _hr("mortality_meta", 3.5) == pytest.approx(_hr("mortality_meta", 2.0))
    assert _hr("mortality_meta", -4.0) == pytest.approx(_hr("mortality_meta", -2.0))
    assert _hr("mortality_ukb", 3.0) == pytest.approx(_hr("mortality_ukb", 2.5))
    assert _hr("mortality_ukb", 2.4) < _hr("mortality_ukb", 2.5)


# --------------------------------------------------------------------------------------
# risk.md 7.2, 7.0, 7.4: the SDS curves
# --------------------------------------------------------------------------------------


def _differences() -> dict[tuple[str, float], dict[str, Any]]:
    return {(d["curve"], float(d["x"])): d for d in REF["differences"]}


@pytest.mark.parametrize("z", sorted(float(k) for k in REF["curves_7_2"]))
def test_risk_md_7_2_curve_table(z: float) -> None:
    row = REF["curves_7_2"][z]
    for k, curve_id in enumerate(("mortality_meta", "mortality_ukb")):
        hr, lo, hi = row[3 * k : 3 * k + 3]
        r = hazard_ratio(hazard_curve(curve_id), z, n_draws=MC_DRAWS, seed=0)
        known = _differences().get((curve_id, z))
        expected = known["reproduced"] if known else hr
        assert r.hr == pytest.approx(expected, abs=0.0051), (curve_id, z)
        assert r.low == pytest.approx(lo, abs=0.011), (curve_id, z, "low")
        assert r.high == pytest.approx(hi, abs=0.015), (curve_id, z, "high")


@pytest.mark.parametrize("difference", REF["differences"], ids=lambda d: d["where"])
def test_known_differences_from_risk_md_are_last_digit_only(difference: dict[str, Any]) -> None:
    hr = _hr(difference["curve"], difference["x"])
    assert hr == pytest.approx(difference["reproduced"], abs=5e-4)
    assert abs(hr - difference["printed"]) < 0.01


@pytest.mark.parametrize("curve_id", ["mortality_meta", "mortality_ukb"])
def test_risk_md_7_2_nadir(curve_id: str) -> None:
    expected = REF["fits_7_2"][curve_id]
    nadir = _quadratic(curve_id).nadir_sds()
    assert nadir == pytest.approx(expected["nadir_sds"], abs=0.005)
    assert 100 * stats.norm.cdf(nadir) == pytest.approx(expected["nadir_percentile"], abs=0.5)


@pytest.mark.parametrize(("curve_id", "expected"), list(REF["normalisers_7_0"].items()))
def test_risk_md_7_0_population_means(curve_id: str, expected: float) -> None:
    assert population_mean_hr(hazard_curve(curve_id)) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("curve_id", list(REF["cvd_7_4"]))
def test_risk_md_7_4_cvd_fits(curve_id: str) -> None:
    expected = REF["cvd_7_4"][curve_id]
    curve = _quadratic(curve_id)
    a, b = (float(v) for v in curve.coefficients())
    assert a == pytest.approx(expected["a"], abs=5e-5)
    assert b == pytest.approx(expected["b"], abs=5e-5)
    tol = expected.get("nadir_tol", 0.005)
    assert curve.nadir_sds() == pytest.approx(expected["nadir_sds"], abs=tol)


# --------------------------------------------------------------------------------------
# risk.md 7.3: the absolute hinge
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("calibration", ["calibration_a", "calibration_b"])
def test_risk_md_7_3_slopes_and_their_cis(calibration: str) -> None:
    expected = REF["hinge_7_3"][calibration]
    curve = hazard_curve(expected["curve"])
    assert isinstance(curve, HingeHazard)
    low_anchor, high_anchor = curve.anchors
    distances = {
        "beta_lo": (curve.low_ng_ml - low_anchor.at, low_anchor),
        "beta_hi": (high_anchor.at - curve.high_ng_ml, high_anchor),
    }
    points = dict(zip(("beta_lo", "beta_hi"), (float(v) for v in curve.slopes()), strict=True))
    for name, (distance, anchor) in distances.items():
        if name not in expected:
            continue
        beta, lo, hi = expected[name]
        assert points[name] == pytest.approx(beta, abs=5e-5)
        # risk.md transforms the anchor's CI directly: ln(lo) / distance, ln(hi) / distance.
        assert math.log(anchor.lo) / distance == pytest.approx(lo, abs=5e-5)
        assert math.log(anchor.hi) / distance == pytest.approx(hi, abs=5e-5)
    # The Monte Carlo interval of beta_lo is close to that (README: symmetric on the log scale).
    draws = draw_curves(curve, np.random.default_rng(0), MC_DRAWS).slopes()[0]
    mc_lo, mc_hi = np.percentile(draws, [2.5, 97.5])
    beta, lo, hi = expected["beta_lo"]
    assert mc_lo == pytest.approx(lo, abs=3e-4)
    assert mc_hi == pytest.approx(hi, abs=3e-4)


@pytest.mark.parametrize(
    ("x", "hr"), [(float(k), v) for k, v in REF["hinge_7_3"]["calibration_a"]["examples"].items()]
)
def test_risk_md_7_3_examples(x: float, hr: float) -> None:
    known = _differences().get(("mortality_absolute", x))
    expected = known["reproduced"] if known else hr
    assert _hr("mortality_absolute", x) == pytest.approx(expected, abs=0.0051)


# --------------------------------------------------------------------------------------
# risk.md 4.2 and 2.1: cancer slopes per ng/mL
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("curve_id", "beta_se"), list(REF["cancer_4_2"].items()))
def test_risk_md_4_2_cancer_slopes(curve_id: str, beta_se: list[float]) -> None:
    beta, se = beta_se
    curve = hazard_curve(curve_id)
    assert isinstance(curve, LogLinearHazard)
    assert float(curve.beta_per_ng_ml()) == pytest.approx(beta, rel=2e-3)
    se_per_ng_ml = curve.anchors[0].log_se * IGF1_NMOL_PER_NG / curve.anchors[0].at
    assert se_per_ng_ml == pytest.approx(se, rel=3e-3)


def test_risk_md_2_1_unit_of_5_nmol_per_l() -> None:
    ng_ml_per_5_nmol_l = 5.0 / IGF1_NMOL_PER_NG
    assert ng_ml_per_5_nmol_l == pytest.approx(REF["units_2_1"]["ng_ml_per_5_nmol_l"], abs=0.05)
