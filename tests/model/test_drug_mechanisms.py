"""Drug effects that must come out of the network, not out of per-drug rules (issue 4).

Each drug acts at one receptor of the Farhy 2007 network (docs/drugs.md). These tests hold
the consequences the literature describes: GHRH analogue + GHS-R agonist synergy
(Bowers 1990s; the basis of the combined GHRH + GHRP tests), somatostatin tone limiting a
GHRH analogue, a GHRH analogue keeping pulsatile secretion while continuous exogenous GH
suppresses it (Ionescu & Frohman 2006; IGF-1 and GH autofeedback), and a GH-receptor
antagonist raising GH (Trainer 2000). Same person and seed in every run, so the burst
train is identical and differences are the drugs'.
"""

from __future__ import annotations

import numpy as np
import pytest

import igfaxis
from igfaxis import Person, Protocol
from igfaxis.simulate import pulsatility

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("model/test_drug_mechanisms")]

PERSON = Person(age_y=40, sex="male", weight_kg=75)
SERMORELIN = {"drug": "sermorelin", "amt": 0.1, "route": "iv", "time_h": 10}
IPAMORELIN = {"drug": "ipamorelin", "amt": 5, "amt_unit": "nmol/kg", "route": "iv", "time_h": 10}


def _gh_response(doses, base, window=(10.0, 13.0)):
    """GH area over 3 h after a 10:00 injection, minus the same window of ``base`` (the run
    without drugs)."""
    run = igfaxis.simulate(PERSON, Protocol(doses=doses), days=1)
    m = (run.times_h >= window[0]) & (run.times_h <= window[1])
    t = run.times_h[m]
    return float(np.trapezoid(run["gh_ng_ml"][m] - base["gh_ng_ml"][m], t))


@pytest.fixture(scope="module")
def responses():
    base = igfaxis.simulate(PERSON, Protocol(), days=1)  # one run without drugs for all five
    return {
        "ghrh": _gh_response([SERMORELIN], base),
        "ghs": _gh_response([IPAMORELIN], base),
        "both": _gh_response([SERMORELIN, IPAMORELIN], base),
        "ghrh_on_octreotide": _gh_response([
            SERMORELIN,
            {"drug": "octreotide", "amt": 0.1, "route": "iv", "time_h": 9, "dur_h": 4},
        ], base),
        "octreotide": _gh_response(
            [{"drug": "octreotide", "amt": 0.1, "route": "iv", "time_h": 9, "dur_h": 4}], base
        ),
    }


def test_ghrh_analogue_and_ghs_agonist_synergise(responses):
    assert responses["ghrh"] > 0
    assert responses["ghs"] > 0
    assert responses["both"] > 1.2 * (responses["ghrh"] + responses["ghs"])


def test_somatostatin_tone_limits_a_ghrh_analogue(responses):
    # the GHRH analogue's own contribution (over octreotide alone) is smaller under SRIF tone
    added = responses["ghrh_on_octreotide"] - responses["octreotide"]
    assert added < 0.5 * responses["ghrh"]


def test_ghrh_analogue_keeps_pulsatility_while_continuous_gh_suppresses_it():
    days = 4
    base = igfaxis.simulate(PERSON, Protocol(), days=days)
    nightly_ghrh = igfaxis.simulate(
        PERSON, Protocol.from_yaml("examples/sermorelin-nightly.yaml"), days=days
    )
    continuous_gh = igfaxis.simulate(PERSON, Protocol(doses=[
        {"drug": "somatropin", "amt": 0.5, "route": "iv", "time_h": 0, "dur_h": 24, "ii_h": 24,
         "addl": days - 1}]), days=days)  # fmt: skip
    window = (48.0, 24.0 * days)
    p_base, p_ghrh, p_gh = (pulsatility(r, *window) for r in (base, nightly_ghrh, continuous_gh))
    # the GHRH analogue raises IGF-1 through the pituitary and keeps the burst count
    assert nightly_ghrh.mean("igf1_total_ng_ml", *window) > base.mean("igf1_total_ng_ml", *window)
    assert p_ghrh["burst_frequency_per_day"] >= 0.8 * p_base["burst_frequency_per_day"]
    # continuous GH feeds back (IGF-1, GH -> somatostatin) and flattens endogenous secretion
    assert continuous_gh.mean("igf1_total_ng_ml", *window) > base.mean("igf1_total_ng_ml", *window)
    assert p_gh["secretion_ng_ml_per_day"] < 0.7 * p_base["secretion_ng_ml_per_day"]
    assert p_gh["approximate_entropy"] < p_base["approximate_entropy"]


def test_pegvisomant_lowers_igf1_and_raises_gh():
    days = 14
    acro = Person(age_y=45, sex="male", weight_kg=85, condition="acromegaly",
                  acromegaly_mean_gh_ng_ml=10)  # fmt: skip
    healthy = PERSON
    for person in (acro, healthy):
        base = igfaxis.simulate(person, Protocol(), days=days)
        peg = igfaxis.simulate(person, Protocol.from_yaml("examples/pegvisomant-acromegaly.yaml"),
                               days=days)  # fmt: skip
        w = (24.0 * (days - 2), 24.0 * days)
        assert peg.mean("igf1_total_ng_ml", *w) < 0.8 * base.mean("igf1_total_ng_ml", *w)
        if person is healthy:  # the adenoma's GH is autonomous; normal somatotrophs respond
            assert peg.mean("gh_ng_ml", *w) > 1.2 * base.mean("gh_ng_ml", *w)
