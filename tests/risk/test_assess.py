"""Tests of ``igfaxis.assess`` (igfaxis.risk._assess)."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

import igfaxis
from igfaxis.errors import ExtrapolationWarning, ProtocolError, UnitError
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


def test_implausible_sds_gets_a_unit_check_note() -> None:
    a = assess(100.0, "nmol/L", 60.0, "male")  # 765 ng/mL: probably meant ng/mL
    assert a.zone_sds == "high"
    assert any("check the value and its unit" in n for n in a.notes)
    assert not any("implausible" in n for n in assess(100.0, "ng/mL", 60.0, "male").notes)
