"""Oestrogen route and hepatic GH responsiveness in GH-deficient adults (issue 13, item 2).

Janssen YJ et al. 2000 JCEM 85:464: switching GH-substituted women with GHD from oral
(2 mg/day) to transdermal (50 ug/day) estradiol raised IGF-1 from 18.7 to 23.4 nmol/L (+25%)
at an unchanged GH dose. Cook DM et al. 1999 JCEM 84:3956: for similar IGF-1, women on oral
oestrogen needed 867 ug/day GH, women not on oral oestrogen 424 and men 376 (2.3x the men's dose).
"""

from __future__ import annotations

import pytest

from igfaxis import Person, Protocol, simulate
from igfaxis.errors import ProtocolError


def _igf1(person: Person, mg: float) -> float:
    protocol = Protocol.model_validate({"name": "somatropin nightly", "doses": [
        {"drug": "somatropin", "amt": mg, "time_h": 22, "ii_h": 24, "addl": 27}]})  # fmt: skip
    return simulate(person, protocol, days=28).mean("igf1_total_ng_ml", 504, 672)


def _ghd(sex: str, kg: float, estrogen: str = "none") -> Person:
    return Person(age_y=45, sex=sex, weight_kg=kg, condition="gh_deficiency", ghd_severity=0.95,
                  estrogen=estrogen)  # fmt: skip


def test_oral_oestrogen_lowers_igf1_at_the_same_gh_dose_as_published() -> None:
    oral = _igf1(_ghd("female", 70, "oral"), 0.5)
    transdermal = _igf1(_ghd("female", 70, "transdermal"), 0.5)
    # Janssen 2000: oral is 18.7 / 23.4 = 0.80 of transdermal; accept 0.70-0.90
    assert 0.70 < oral / transdermal < 0.90


def test_women_on_oral_oestrogen_need_about_twice_the_mens_dose() -> None:
    man = _igf1(_ghd("male", 92), 0.376)
    oral_same_dose = _igf1(_ghd("female", 82, "oral"), 0.376)
    oral_cook_dose = _igf1(_ghd("female", 82, "oral"), 0.867)
    # at the men's dose IGF-1 is clearly lower; at Cook's 2.3-fold dose it is back near the men's
    assert oral_same_dose < 0.8 * man
    assert 0.8 < oral_cook_dose / man < 1.25


@pytest.mark.parametrize("estrogen", ["oral", "transdermal"])
def test_estrogen_is_refused_for_men_naming_field_and_value(estrogen: str) -> None:
    with pytest.raises((ProtocolError, ValueError), match=f"`estrogen`.*'{estrogen}'"):
        Person(sex="male", estrogen=estrogen)


def test_estrogen_route_is_validated_and_defaults_to_none() -> None:
    assert Person(sex="female").estrogen == "none"
    with pytest.raises((ProtocolError, ValueError), match="estrogen"):
        Person(sex="female", estrogen="patch")
