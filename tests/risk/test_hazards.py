"""Hazard-curve classes, the packaged registry, Monte Carlo intervals and curve selection."""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pytest

from igfaxis.errors import ProtocolError
from igfaxis.risk import (
    AbstractHazardCurve,
    Anchor,
    CurveInfo,
    HazardRatio,
    HingeHazard,
    InterpolatedHazard,
    LogLinearHazard,
    PerSdBelowHazard,
    QuadraticSdsHazard,
    StepSdsHazard,
    draw_curves,
    hazard_curve,
    hazard_curves,
    hazard_ratio,
    population_mean_hr,
    select_curves,
)

CONCRETE = [
    HingeHazard,
    InterpolatedHazard,
    LogLinearHazard,
    PerSdBelowHazard,
    QuadraticSdsHazard,
    StepSdsHazard,
]


def test_abstract_base_cannot_be_instantiated_and_concrete_classes_are_final() -> None:
    with pytest.raises(TypeError):
        AbstractHazardCurve()  # type: ignore[abstract]
    for cls in CONCRETE:
        assert issubclass(cls, AbstractHazardCurve)
        assert getattr(cls, "__final__", False), cls
        assert "log_hr" in vars(cls)
    forms = {type(c) for c in hazard_curves().values()}
    assert forms == set(CONCRETE)


def test_registry_is_read_only_and_complete() -> None:
    curves = hazard_curves()
    assert curves is hazard_curves()
    with pytest.raises(TypeError):
        curves["x"] = curves["mortality_meta"]  # type: ignore[index]
    ids = set(curves)
    for required in (
        "mortality_meta",
        "mortality_ukb",
        "mortality_absolute",
        "cvd_incident",
        "cvd_death",
        "cancer_breast",
        "cancer_breast_premenopausal",
        "cancer_breast_postmenopausal",
        "cancer_prostate",
        "cancer_colorectal",
        "cancer_thyroid",
        "fracture_hip",
        "dementia_alzheimer",
        "diabetes",
        "frailty",
        "trajectory_slope",
        "trajectory_variability",
        "cancer_liver",
        "cancer_lung_ever_smokers",
        "cancer_ovary",
    ):
        assert required in ids
    for curve in curves.values():
        info = curve.info
        assert isinstance(info, CurveInfo)
        assert info.source
        assert info.population
        assert info.evidence
        assert info.cite
        assert info.sexes
        assert set(info.sexes) <= {"male", "female"}
        for a in curve.anchors:
            assert 0 < a.lo <= a.hr <= a.hi


def test_inverse_associations_are_never_used_for_prediction() -> None:
    curves = hazard_curves()
    for curve_id in (
        "cancer_liver",
        "cancer_lung_ever_smokers",
        "cancer_ovary",
        "cancer_head_neck",
    ):
        assert curves[curve_id].info.use == "not-for-prediction"
        assert curves[curve_id].anchors[0].hr < 1.0
    assert "reverse causation" in curves["cancer_liver"].info.evidence
    for c in curves.values():
        if c.info.use == "predict" and c.info.group == "cancer":
            assert c.anchors[0].hr > 1.0


def test_absolute_curve_is_labelled_with_its_assumption() -> None:
    info = hazard_curve("mortality_absolute").info
    assert info.use == "alternative-view"
    assert "ASSUMED" in info.assumption
    assert "90 and 220 ng/mL" in info.assumption


def test_unknown_curve_id() -> None:
    with pytest.raises(ProtocolError, match=r"`curve_id` must be one of mortality_meta"):
        hazard_curve("immortality")


# --------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------


def test_draws_have_one_curve_per_draw_and_shapes_broadcast() -> None:
    rng = np.random.default_rng(1)
    for curve in hazard_curves().values():
        drawn = draw_curves(curve, rng, 50)
        assert drawn.anchor_log_hr.shape == (50, 1, len(curve.anchors))
        x = np.array([-1.0, 0.0, 1.0]) if curve.scale == "sds" else np.array([90.0, 140.0, 190.0])
        if curve.scale == "variable":
            x = np.array([-12.0, 0.0, 12.0])
        assert drawn.log_hr(x).shape == (50, 3), curve.info.id
        assert curve.log_hr(x).shape == (3,)
        assert curve.anchor_log_hr.shape == (len(curve.anchors),)  # the point curve is untouched


def test_interval_is_reproducible_and_independent_of_other_curves() -> None:
    meta = hazard_curve("mortality_meta")
    first = hazard_ratio(meta, -1.0, seed=3)
    hazard_ratio(hazard_curve("cancer_prostate"), 120.0, seed=3)  # other draws in between
    again = hazard_ratio(meta, -1.0, seed=3)
    assert first == again
    other_seed = hazard_ratio(meta, -1.0, seed=4)
    assert other_seed.low != first.low
    assert other_seed.low == pytest.approx(first.low, abs=0.01)


def test_hazard_ratio_record() -> None:
    r = hazard_ratio(hazard_curve("mortality_meta"), -1.0)
    assert isinstance(r, HazardRatio)
    assert r.low < r.hr < r.high
    assert r.cite == "Burgers 2011"
    assert "Burgers" in r.source
    assert r.interval_text() == f"{r.hr:.2f} ({r.low:.2f}-{r.high:.2f})"
    assert r.direction == 1
    assert r.to_dict()["curve_id"] == "mortality_meta"
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.hr = 1.0  # type: ignore[misc]


def test_weighted_mean_hr_of_several_values() -> None:
    meta = hazard_curve("mortality_meta")
    r = hazard_ratio(meta, [-1.0, 0.0], weights=[1.0, 3.0])
    expected = 0.25 * float(np.exp(meta.log_hr(-1.0))) + 0.75
    assert r.hr == pytest.approx(expected)
    assert r.x == pytest.approx(-0.25)
    with pytest.raises(ProtocolError, match="`weights`"):
        hazard_ratio(meta, [-1.0, 0.0], weights=[0.0, 0.0])
    with pytest.raises(ProtocolError, match="`x` must be finite"):
        hazard_ratio(meta, [np.nan])


def test_step_and_one_sided_curves() -> None:
    hip = hazard_curve("fracture_hip")
    assert float(np.exp(hip.log_hr(0.5))) == 1.0  # above the median: no risk
    assert float(np.exp(hip.log_hr(-3.0))) == pytest.approx(1.45**2)  # clipped at -2 SDS
    diabetes = hazard_curve("diabetes")
    assert np.exp(diabetes.log_hr([-1.5, 0.0, 1.5])) == pytest.approx([1.44, 1.0, 1.55])
    exact = hazard_ratio(hazard_curve("dementia_alzheimer"), 0.0)
    assert (exact.hr, exact.low, exact.high, exact.direction) == (1.0, 1.0, 1.0, 0)


def test_sanders_modifiers_interpolate_in_log_hr_and_stay_flat_beyond() -> None:
    slope = hazard_curve("trajectory_slope")
    assert float(np.exp(slope.log_hr(-12.5))) == pytest.approx(np.sqrt(1.40 * 2.22))
    assert float(np.exp(slope.log_hr(-40.0))) == pytest.approx(2.22)
    variability = hazard_curve("trajectory_variability")
    assert float(np.exp(variability.log_hr(55.0))) == pytest.approx(1.59)
    assert slope.info.use == variability.info.use == "opt-in"


def test_population_mean_needs_an_sds_curve() -> None:
    with pytest.raises(ProtocolError, match="must be an SDS curve"):
        population_mean_hr(hazard_curve("cancer_prostate"))


def test_a_hand_made_curve() -> None:
    info = CurveInfo(
        "toy",
        "toy",
        "toy outcome",
        "HR",
        "predict",
        ("male",),
        "any",
        "Toy 2024",
        "toy cohort",
        "Toy A. 2024",
        "observational",
        "none",
    )
    anchors = (Anchor(at=5.0, hr=1.2, lo=1.1, hi=1.3),)
    curve = LogLinearHazard(info, anchors, np.log([1.2]), (50.0, 300.0), ref_ng_ml=100.0)
    at_plus_5_nmol = 100.0 + 5.0 * 7.649
    assert float(np.exp(curve.log_hr(at_plus_5_nmol))) == pytest.approx(1.2)
    assert typing.get_type_hints(LogLinearHazard)["ref_ng_ml"] is float


# --------------------------------------------------------------------------------------
# Selection for a person
# --------------------------------------------------------------------------------------


def _ids(curves: tuple[AbstractHazardCurve, ...]) -> list[str]:
    return [c.info.id for c in curves]


def test_selection_by_sex_and_menopausal_status() -> None:
    men = _ids(select_curves("male"))
    assert "cancer_prostate" in men
    assert not any("breast" in i for i in men)
    assert "fracture_hip" in men
    women = _ids(select_curves("female"))
    assert "cancer_prostate" not in women
    assert "fracture_hip" not in women
    assert [i for i in women if "breast" in i] == ["cancer_breast"]
    post = _ids(select_curves("female", menopausal=True))
    assert [i for i in post if "breast" in i] == ["cancer_breast_postmenopausal"]
    pre = _ids(select_curves("female", menopausal=False))
    assert [i for i in pre if "breast" in i] == ["cancer_breast_premenopausal"]


def test_selection_by_use() -> None:
    default = _ids(select_curves("male"))
    assert "trajectory_slope" not in default
    assert "cancer_liver" not in default
    assert "mortality_ukb" in default
    assert "mortality_absolute" in default
    excluded = _ids(select_curves("male", uses=("not-for-prediction",)))
    assert "cancer_liver" in excluded
    assert "cancer_ovary" not in excluded
