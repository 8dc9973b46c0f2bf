"""The dose elasticity of IGF-1 by forward-mode differentiation through the JAX engine
(issue 12, item 6: gradients for continuous levers) against central finite differences of
the same pulse-resolved runs at neighbouring doses, and what is refused."""

from __future__ import annotations

import math

import pytest

from igfaxis import Person, Protocol
from igfaxis.errors import ProtocolError
from igfaxis.simulate import dose_elasticity

GHD = Person(age_y=45, sex="male", condition="gh_deficiency")


def _somatropin(mg: float) -> Protocol:
    return Protocol.from_dict({"name": f"somatropin {mg} mg", "days": 14, "doses": [
        {"drug": "somatropin", "amt": mg, "amt_unit": "mg", "route": "sc", "time_h": 22.0,
         "ii_h": 24.0, "addl": 13}]})  # fmt: skip


def test_elasticity_matches_finite_differences_of_the_runs() -> None:
    h = 0.05
    mid = dose_elasticity(GHD, _somatropin(0.3), "somatropin", days=14, window_days=3)
    lo = dose_elasticity(GHD, _somatropin(0.3 * math.exp(-h)), "somatropin", days=14,
                         window_days=3)  # fmt: skip
    hi = dose_elasticity(GHD, _somatropin(0.3 * math.exp(h)), "somatropin", days=14,
                         window_days=3)  # fmt: skip
    fd = (math.log(hi.igf1_ng_ml) - math.log(lo.igf1_ng_ml)) / (2 * h)
    assert mid.elasticity == pytest.approx(fd, rel=5e-3)
    # more GH, more IGF-1, but less than proportionally (hepatic receptor occupancy)
    assert 0.05 < mid.elasticity < 1.0
    assert lo.igf1_ng_ml < mid.igf1_ng_ml < hi.igf1_ng_ml


def test_a_drug_that_is_not_dosed_is_refused() -> None:
    with pytest.raises(ProtocolError, match="`drug` 'tesamorelin' is not dosed"):
        dose_elasticity(GHD, _somatropin(0.3), "tesamorelin", days=14)
    with pytest.raises(ProtocolError, match="`window_days` must be within"):
        dose_elasticity(GHD, _somatropin(0.3), "somatropin", days=14, window_days=20)
