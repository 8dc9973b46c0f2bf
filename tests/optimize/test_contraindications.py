"""Contraindications (issue 12, item 8): a person states conditions that drug labels rule
out; the optimiser never proposes such a drug and says so; simulating one warns."""

from __future__ import annotations

import pytest

from igfaxis.errors import ProtocolError
from igfaxis.model.drugs import CONTRAINDICATIONS, DRUGS
from igfaxis.optimize import OptimizeConfig, optimize
from igfaxis.protocol import Dose, Person, dose_warnings

GHD = {"age_y": 45, "sex": "male", "weight_kg": 85, "condition": "gh_deficiency",
       "ghd_severity": 0.95}  # fmt: skip


def _somatropin() -> Dose:
    return Dose(drug="somatropin", amt=0.3, amt_unit="mg", route="sc", time_h=22.0)


def test_every_listed_contraindication_is_a_known_condition():
    for drug in DRUGS.values():
        assert set(drug.contraindications) <= set(CONTRAINDICATIONS), drug.name
    # the GH labels rule out active malignancy for every drug that raises GH or IGF-1
    for name in ("somatropin", "somapacitan", "tesamorelin", "mk677", "mecasermin"):
        assert "active_malignancy" in DRUGS[name].contraindications
    # and not for those that lower it
    for name in ("pegvisomant", "octreotide"):
        assert "active_malignancy" not in DRUGS[name].contraindications


def test_a_contraindicated_drug_warns_when_simulated():
    ill = Person(**GHD, contraindications=["active_malignancy"])
    (msg,) = dose_warnings([_somatropin()], ill)
    assert "contraindicated" in msg
    assert "active_malignancy" in msg
    assert dose_warnings([_somatropin()], Person(**GHD)) == []


def test_an_unknown_condition_is_refused_with_the_choices():
    with pytest.raises(ProtocolError, match="active_malignancy"):
        Person(**GHD, contraindications=["cancer"])


def test_the_optimiser_never_proposes_a_contraindicated_drug():
    ill = Person(**GHD, contraindications=["active_malignancy"])
    res = optimize(ill, "sds:0..1", levers=("somatropin", "protein"), horizon_days=28,
                   config=OptimizeConfig(draws=6))  # fmt: skip
    for o in res.evaluated:
        assert not o.protocol.doses, o.protocol.name
    assert "Not proposed: somatropin is contraindicated" in res.message
    # the same person without it gets somatropin plans
    res = optimize(Person(**GHD), "sds:0..1", levers=("somatropin",), horizon_days=28,
                   config=OptimizeConfig(draws=6))  # fmt: skip
    assert any(o.protocol.doses for o in res.evaluated)
