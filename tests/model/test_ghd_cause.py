"""GH deficiency by cause: pituitary (somatotroph loss) vs hypothalamic (GHRH deficiency).

Published anchors (abstracts): Bozzola M et al. 1986 J Endocrinol Invest 9:503, GHRH(1-44)
2 ug/kg IV in GH-deficient children: a GH peak above 10 ng/mL marks a hypothalamic origin.
Keret R et al. (Laron Z) Isr J Med Sci, GHRH 1 ug/kg IV: partial hypothalamic lesion 11.6 +/-
4.9 ng/mL (22.8 after 5 days of GHRH priming), pituitary lesion no response. Popovic V et al.
1995 JCEM 80:942: GHRP-6 needs the hypothalamus (blocked in hypothalamo-pituitary
disconnection), so a GHS agonist's GHRH-mediated share shrinks with GHRH-neurone output.
"""

import numpy as np
import pytest

import igfaxis
from igfaxis.errors import ProtocolError
from igfaxis.model import default_params, hypothalamus

GHRH_TEST = [{"drug": "sermorelin", "amt": 1, "amt_unit": "ug/kg", "route": "iv", "time_h": 8}]


def _ghd(cause, severity):
    return igfaxis.Person(age_y=40, sex="male", weight_kg=75, condition="gh_deficiency",
                          ghd_cause=cause, ghd_severity=severity)  # fmt: skip


def _peak(person, doses):
    """Peak GH 08:00-10:30 minus the same day without the test [ng/mL]."""
    control = igfaxis.simulate(person, igfaxis.Protocol(name="c"), days=1, seed=0)
    test = igfaxis.simulate(person, igfaxis.Protocol(name="t", doses=doses), days=1, seed=0)
    window = (test.times_h >= 8.0) & (test.times_h <= 10.5)
    return float(np.max(test["gh_ng_ml"][window] - control["gh_ng_ml"][window]))


def test_default_cause_is_pituitary_and_keeps_todays_parameters():
    default = _ghd(None, 0.9).covariates()
    assert default == _ghd("pituitary", 0.9).covariates()
    assert default.pit_capacity == pytest.approx(0.1)
    assert default.ghrh_function == 1.0
    hypo = _ghd("hypothalamic", 0.9).covariates()
    assert hypo.pit_capacity == 1.0
    assert hypo.ghrh_function == pytest.approx(0.1)
    assert igfaxis.Person(age_y=40).covariates().ghrh_function == 1.0


def test_ghd_cause_needs_gh_deficiency_and_a_known_cause():
    with pytest.raises(ProtocolError, match=r"`ghd_cause` applies only.*'healthy'.*gh_deficiency"):
        igfaxis.Person(age_y=40, ghd_cause="hypothalamic")
    with pytest.raises(ProtocolError, match="ghd_cause"):
        igfaxis.Person(age_y=40, condition="gh_deficiency", ghd_cause="adrenal")


def test_ghrh_neurone_output_scales_ghrh_release():
    p = default_params()
    args = (0.0, 5.0, 5.0, 2000.0, 20.0)
    full = float(hypothalamus.ghrh_rate(*args, p))
    tenth = float(hypothalamus.ghrh_rate(*args, p._replace(ghrh_function=0.1)))
    assert tenth == pytest.approx(0.1 * full)


def test_ghrh_test_separates_hypothalamic_from_pituitary_ghd():
    # Bozzola 1986: a GHRH peak above 10 ng/mL marks hypothalamic GHD; Keret: pituitary
    # lesions do not respond. Same severity (10% of the lost function left) for both causes.
    hypothalamic = _peak(_ghd("hypothalamic", 0.9), GHRH_TEST)
    pituitary = _peak(_ghd("pituitary", 0.9), GHRH_TEST)
    severe_pituitary = _peak(_ghd("pituitary", 0.98), GHRH_TEST)
    assert hypothalamic > 10.0
    assert hypothalamic > 3.0 * pituitary
    assert severe_pituitary < 10.0
