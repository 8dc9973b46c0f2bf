"""Secretagogue responses with age (issue 13, item 3): known misses, as strict xfails.

Published: the GH response to GHRH 1 ug/kg IV is low in the healthy elderly and is restored
by arginine, which inhibits hypothalamic somatostatin release (Ghigo E et al., J Endocrinol
Invest, doi 10.1007/BF03347695: 27 healthy adults 70-86 y, BMI 21-25, GHRH alone peaked at
3.5 +/- 0.9 to 11.7 +/- 5.3 ug/L in four groups, 41.5 +/- 4.4 with 30 g arginine), against
15.4 +/- 4.5 (0.5 ug/kg) and 19.4 +/- 5.0 ng/mL (2 ug/kg) in men 26-53 y (J Nippon Med Sch
55:23) and 24.1 +/- 5.1 after 50 ug (Losa et al.); the GH response to hexarelin 2 ug/kg IV
is large in young adults and modest in the elderly (Bellone J, ..., Ghigo E, "Hexarelin ...
is a powerful stimulus of GH secretion in pubertal children and in adults but not in
prepubertal children and in elderly subjects"). The model's responses *rise* with age: the
lower IGF-1 of the elderly releases the pituitary feedback (docs/model.md "GH deficiency:
its causes"). Somatostatin tone rising with age was measured as the mechanism and not
adopted (design_notes/basal_secretion.md, "Somatostatin tone rising with age").
"""

import numpy as np
import pytest

import igfaxis

GHRH_TEST = [{"drug": "sermorelin", "amt": 1, "amt_unit": "ug/kg", "route": "iv", "time_h": 8}]
GHS_TEST = [{"drug": "ipamorelin", "amt": 40, "amt_unit": "nmol/kg", "route": "iv",
             "time_h": 8, "dur_h": 0.25}]  # fmt: skip


def _peak(age_y: float, doses: list[dict]) -> float:
    """Peak GH 08:00-10:30 minus the same day without the test, healthy man 75 kg [ng/mL]."""
    person = igfaxis.Person(age_y=age_y, sex="male", weight_kg=75)
    control = igfaxis.simulate(person, igfaxis.Protocol(name="c"), days=1, seed=0)
    test = igfaxis.simulate(person, igfaxis.Protocol(name="t", doses=doses), days=1, seed=0)
    window = (test.times_h >= 8.0) & (test.times_h <= 10.5)
    return float(np.max(test["gh_ng_ml"][window] - control["gh_ng_ml"][window]))


@pytest.mark.xfail(
    strict=True,
    reason="known miss: the GHRH-test peak rises with age in the model "
    "(32.9 ng/mL at 25 y, 73.1 at 70 y; 30.5 and 55.1 with somatostatin tone "
    "rising 50% per decade, not adopted)",
)
def test_ghrh_response_falls_with_age():
    # the highest elderly group mean over the lowest young-adult mean: 11.7 / 15.4 = 0.76
    assert _peak(70.0, GHRH_TEST) / _peak(25.0, GHRH_TEST) <= 0.76


@pytest.mark.xfail(
    strict=True,
    reason="known miss: the GHS-test peak rises with age in the model "
    "(ipamorelin 40 nmol/kg IV: 8.8 ng/mL at 25 y, 29.9 at 70 y; 8.0 and 35.1 with "
    "somatostatin tone rising with age, which the GHS opposition F1 overcomes)",
)
def test_ghs_response_falls_with_age():
    # Bellone/Ghigo: hexarelin's GH response is modest in the elderly (direction)
    assert _peak(70.0, GHS_TEST) < _peak(25.0, GHS_TEST)
