"""Tests of ``igfaxis.assess`` (igfaxis.risk._assess)."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

import igfaxis
from igfaxis.errors import ExtrapolationWarning, ProtocolError, UnitError, UnitWarning
from igfaxis.risk import DISCLAIMER, TARGET_BAND_NG_ML, Assessment, assess, centile_value


def test_sixty_year_old_man_at_100_ng_ml() -> None:
    a = assess(100.0, "ng/mL", 60.0, "male")
    assert a.sds == pytest.approx(-0.71, abs=0.02)
    assert a.percentile == pytest.approx(23.9, abs=0.5)
    assert a.igf1_ng_ml == 100.0
    assert a.igf1_nmol_l == pytest.approx(13.07, abs=0.01)
    assert a.zone_sds == "within reference"
    assert a.zone_band == "below band"
    assert a.sex == "male"


def test_nmol_per_l_gives_the_same_sds() -> None:
    in_ng = assess(100.0, "ng/mL", 60.0, "male")
    in_nmol = assess(13.07, "nmol/L", 60.0, "male")
    assert in_nmol.sds == pytest.approx(in_ng.sds, abs=0.02)
    assert in_nmol.igf1_ng_ml == pytest.approx(100.0, abs=0.05)


def test_public_name_and_frozen_result() -> None:
    a = igfaxis.assess(150, "ug/L", 45, "F")
    assert isinstance(a, Assessment)
    assert a.sex == "female"
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.sds = 0.0  # type: ignore[misc]


def test_notes_reference_and_json() -> None:
    a = assess(140.0, "ng/mL", 50.0, "female")
    assert DISCLAIMER in a.notes
    assert DISCLAIMER == "Model predictions and published associations; not medical advice."
    assert "Hoerenz" in a.reference
    assert "Rahmani" in a.band_reference
    data = json.loads(json.dumps(a.to_dict()))
    assert data["band_ng_ml"] == list(TARGET_BAND_NG_ML)
    assert data["sds"] == pytest.approx(a.sds)
    assert DISCLAIMER in data["notes"]


@pytest.mark.parametrize(
    ("value", "zone"),
    [(119.9, "below band"), (120.0, "in band"), (160.0, "in band"), (160.1, "above band")],
)
def test_band_zone(value: float, zone: str) -> None:
    assert assess(value, "ng/mL", 60.0, "male").zone_band == zone


def test_sds_zones_at_the_reference_limits() -> None:
    low = centile_value(-2.0, 60.0, "male")
    high = centile_value(2.0, 60.0, "male")
    assert assess(low * 0.98, "ng/mL", 60.0, "male").zone_sds == "low"
    assert assess(low * 1.02, "ng/mL", 60.0, "male").zone_sds == "within reference"
    assert assess(high * 0.98, "ng/mL", 60.0, "male").zone_sds == "within reference"
    assert assess(high * 1.02, "ng/mL", 60.0, "male").zone_sds == "high"


def test_age_above_table_warns_once_and_notes_it() -> None:
    with pytest.warns(ExtrapolationWarning, match="age clamped to 80") as record:
        a = assess(100.0, "ng/mL", 90.0, "male")
    assert len(record) == 1
    assert any("age clamped" in n for n in a.notes)


@pytest.mark.parametrize("value", [-5.0, 0.0, math.nan, math.inf])
def test_non_positive_or_non_finite_value_is_refused(value: float) -> None:
    with pytest.raises(ProtocolError, match=r"`igf1` must be a finite concentration > 0"):
        assess(value, "ng/mL", 60.0, "male")


@pytest.mark.parametrize("value", ["100", None, True])
def test_non_numeric_value_is_refused(value: object) -> None:
    with pytest.raises(ProtocolError, match=r"`igf1` must be a number"):
        assess(value, "ng/mL", 60.0, "male")  # type: ignore[arg-type]


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(UnitError, match=r"`unit` must be one of ng/mL"):
        assess(100.0, "mg/dL", 60.0, "male")


def test_bad_sex_and_age_are_refused() -> None:
    with pytest.raises(ProtocolError, match=r"`sex` must be 'male' or 'female'"):
        assess(100.0, "ng/mL", 60.0, "x")
    with pytest.raises(ProtocolError, match=r"`age_y`"):
        assess(100.0, "ng/mL", 0.01, "male")


def test_likely_wrong_unit_warns_and_names_the_mix_up() -> None:
    # 100 "nmol/L" = 765 ng/mL is SDS +8.4 at 60 y; 100 ng/mL would be SDS -0.7.
    with pytest.warns(UnitWarning, match=r"reported in ng/mL\?"):
        a = assess(100.0, "nmol/L", 60.0, "male")
    assert a.zone_sds == "high"
    assert any("was the value reported in ng/mL" in n for n in a.notes)
    assert not any("reported in" in n for n in assess(100.0, "ng/mL", 60.0, "male").notes)


def test_implausible_sds_without_a_plausible_unit_gets_a_check_note() -> None:
    # 3000 ng/mL is SDS > +5, and 3000 nmol/L is worse: no unit explains it.
    a = assess(3000.0, "ng/mL", 60.0, "male")
    assert a.zone_sds == "high"
    assert any("check the value and its unit" in n for n in a.notes)
    assert not any("implausible" in n for n in assess(100.0, "ng/mL", 60.0, "male").notes)


# --------------------------------------------------------------------------------------
# Zones, hazard ratios and caveats
# --------------------------------------------------------------------------------------


def test_done_when_sds_and_meta_hr() -> None:
    # Issue 6 "done when": SDS about -0.71 and the meta-curve HR for that SDS.
    from igfaxis.risk import hazard_curve

    a = assess(100.0, "ng/mL", 60.0, "male")
    meta = a.hr("mortality_meta")
    assert meta.x == pytest.approx(a.sds)
    expected = math.exp(float(hazard_curve("mortality_meta").log_hr(a.sds)))
    assert meta.hr == pytest.approx(expected)
    assert meta.hr == pytest.approx(math.exp(-0.07415 * -0.708 + 0.2129 * 0.708**2), abs=1e-3)
    assert meta.low < meta.hr < meta.high


def test_hazard_ratios_cover_the_outcomes_with_sources() -> None:
    a = assess(100.0, "ng/mL", 60.0, "male")
    groups = {r.group for r in a.hazard_ratios}
    assert groups == {"mortality", "cardiovascular", "cancer", "low-IGF-1 outcomes"}
    for r in a.hazard_ratios:
        assert r.low <= r.hr <= r.high
        assert r.source
        assert r.population
        assert r.cite
    assert a.hr("mortality_absolute").x == 100.0  # the absolute view reads ng/mL
    assert a.hr("cancer_prostate").hr < 1.0  # below the age/sex median
    assert any("liver cancer" in n for n in a.not_used)
    assert "cancer_liver" not in [r.curve_id for r in a.hazard_ratios]
    with pytest.raises(KeyError):
        a.hr("cancer_breast")


def test_zones_by_both_views_and_their_disagreement_in_older_women() -> None:
    # risk.md 2.4: 160 ng/mL at 70 y is about +2 SDS for a woman, yet inside 120-160.
    a = assess(160.0, "ng/mL", 70.0, "female")
    assert a.sds == pytest.approx(1.95, abs=0.02)
    assert (a.zone_risk_sds, a.zone_risk_absolute, a.zones_agree) == ("high", "optimal", False)
    assert any("The two views disagree" in n and "older women" in n for n in a.notes)
    b = assess(130.0, "ng/mL", 50.0, "male")
    assert (b.zone_risk_sds, b.zone_risk_absolute, b.zones_agree) == ("optimal", "optimal", True)
    assert not any("disagree" in n for n in b.notes)
    low, high = a.optimal_sds
    assert low == pytest.approx(-0.54, abs=0.005)
    assert high == pytest.approx(0.89, abs=0.005)


def test_caveats_are_always_there() -> None:
    a = assess(140.0, "ng/mL", 50.0, "male")
    text = " ".join(a.notes)
    assert DISCLAIMER in a.notes
    assert "observational" in text
    assert "assay" in text
    women = " ".join(assess(140.0, "ng/mL", 50.0, "female").notes)
    assert "men only" in women


def test_menopausal_status_selects_the_breast_curve() -> None:
    ids = lambda a: [r.curve_id for r in a.hazard_ratios if "breast" in r.curve_id]  # noqa: E731
    assert ids(assess(140.0, "ng/mL", 45.0, "female")) == ["cancer_breast"]
    assert ids(assess(140.0, "ng/mL", 45.0, "female", menopausal=False)) == [
        "cancer_breast_premenopausal"
    ]
    assert ids(assess(140.0, "ng/mL", 58.0, "female", menopausal=True)) == [
        "cancer_breast_postmenopausal"
    ]
    with pytest.raises(ProtocolError, match="`menopausal` applies to women only"):
        assess(140.0, "ng/mL", 58.0, "male", menopausal=True)


def test_nmol_l_value_typed_as_ng_ml_in_an_adult_warns() -> None:
    with pytest.warns(UnitWarning, match=r"25 ng/mL is SDS -4\.1.*25 nmol/L \(191 ng/mL\)"):
        a = assess(25.0, "ng/mL", 60.0, "male")
    assert any("was the value reported in nmol/L" in n for n in a.notes)


def test_igfbp3_sds_and_its_units() -> None:
    a = assess(140.0, "ng/mL", 60.0, "male", igfbp3=3.5, igfbp3_unit="mg/L")
    assert a.igfbp3_ng_ml == 3500.0
    assert a.igfbp3_sds is not None
    assert -2.0 < a.igfbp3_sds < 2.0
    b = assess(140.0, "ng/mL", 60.0, "male", igfbp3=3500.0, igfbp3_unit="ng/mL")
    assert b.igfbp3_sds == pytest.approx(a.igfbp3_sds)
    with pytest.warns(UnitWarning, match="reported in mg/L"):
        assess(140.0, "ng/mL", 60.0, "male", igfbp3=3.5, igfbp3_unit="ng/mL")
    with pytest.raises(UnitError, match=r"`igfbp3_unit`.*Did you mean 'mg/L'"):
        assess(140.0, "ng/mL", 60.0, "male", igfbp3=3.5, igfbp3_unit="mg/l.")
    assert assess(140.0, "ng/mL", 60.0, "male").igfbp3_sds is None


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"age_y": 300.0}, ProtocolError, r"`age_y` must be a finite age from 0\.17 y"),
        ({"igf1": -3.0}, ProtocolError, r"`igf1` must be a finite concentration > 0"),
        ({"sex": "unknown"}, ProtocolError, r"`sex` must be 'male' or 'female'"),
        ({"unit": "ng/dl"}, UnitError, r"`unit` must be one of .*Did you mean 'ng/mL'"),
        ({"assay": "elisa-x"}, ProtocolError, r"`assay` \(reference table\) must be one of"),
    ],
    ids=["age-300", "negative", "sex", "unit-typo", "assay"],
)
def test_bad_input_has_one_clear_message(kwargs: dict, error: type, match: str) -> None:
    args = {"igf1": 100.0, "unit": "ng/mL", "age_y": 60.0, "sex": "male"} | kwargs
    with pytest.raises(error, match=match):
        assess(**args)


def test_nonagenarian_woman_gets_the_milman_note() -> None:
    with pytest.warns(ExtrapolationWarning):
        a = assess(90.0, "ng/mL", 92.0, "female")
    assert any("Milman 2014" in n for n in a.notes)


def test_json_of_the_full_assessment() -> None:
    data = json.loads(json.dumps(assess(150.0, "ng/mL", 45, "f").to_dict()))
    assert data["hazard_ratios"][0]["curve_id"] == "mortality_meta"
    assert data["optimal_sds"] == pytest.approx([-0.54, 0.89], abs=0.005)
    assert data["reference_name"] == "life"
