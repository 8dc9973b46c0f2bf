"""The shape of the hepatic GH response, held to the secretagogue trials (issue 13, item 2).

Both trials' drugs are calibrated to IGF-1 (``cjc1295_dac_potency`` to V-DRG-04,
``mk677_ec50`` to V-DRG-10); these tests read the GH each calibration implies and compare it
with the GH the same trials published. They run the targets' own scenarios (one seed), so a
recalibration moves them together.

- MK-677 25 mg/day in older adults, 24-h sampling every 20 min on day 14: mean 24-h GH
  +97 +/- 23% (mean +/- SE), pulse height and interpulse nadir increased, pulse number
  unchanged (Chapman IM et al. 1996 JCEM 81:4249, abstract; facts DRG-057, DRG-059).
- CJC-1295 with DAC, single SC 30-250 ug/kg in healthy adults: dose-dependent rises of mean
  plasma GH by 2- to 10-fold for 6 days or more and of IGF-1 by 1.5- to 3-fold for 9-11 days
  (Teichman SL et al. 2006 JCEM 91:799, abstract).

A hepatic desensitisation state that penalises sustained GH (design_notes/
hepatic_desensitisation.md) raised the CJC-1295 GH rise into Teichman's range and moved the
MK-677 one out of Chapman's: the first test is the constraint it failed. The misses measured
there: the model's CJC-1295 raises mean GH too little for its IGF-1 rise (strict xfail), and
its MK-677 flattened the GH
profile where Chapman found higher pulses. With the basal (nonpulsatile) secretion and its
refit (issue 13, item 6) the pulses now rise, but the 24-h mean GH rises 2.83-fold, above
Chapman's band (strict xfail): the two MK-677 figures moved together, in opposite directions.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import igfaxis
from igfaxis.errors import DoseWarning
from igfaxis.validation import load_targets

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("model/test_hepatic_response")]

#: Chapman 1996: mean 24-h GH on day 14 of MK-677 25 mg/day, +97 +/- 23% (SE); band +/- 2 SE
CHAPMAN_GH_FOLD = (1.0 + 0.97 - 2 * 0.23, 1.0 + 0.97 + 2 * 0.23)


def _run(target_id: str) -> igfaxis.Trajectory:
    (t,) = [t for t in load_targets() if t.id == target_id]
    sc = t.scenarios["main"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DoseWarning)  # published doses above the labels
        return igfaxis.simulate(sc.person, sc.protocol, days=sc.days, seed=sc.seed)


def _gh(tr: igfaxis.Trajectory, a: float, b: float, *, every_min: float = 5.0) -> np.ndarray:
    """Serum GH [ng/mL] sampled every ``every_min`` minutes over [a, b) h."""
    t = tr.times_h
    m = (t >= a - 1e-9) & (t < b - 1e-9)
    step = max(1, round(every_min / (60.0 * float(np.median(np.diff(t))))))
    return np.asarray(tr["gh_ng_ml"])[m][::step]


@pytest.fixture(scope="module")
def mk677() -> igfaxis.Trajectory:
    # V-DRG-10: first dose at 32 h (08:00 of day 1), the 14th at 344 h
    return _run("V-DRG-10")


@pytest.mark.xfail(
    strict=True,
    reason="known miss since the basal secretion's refit: 2.83-fold (0.51 -> 1.43 ng/mL; "
    "2.10 before); the 70-y baseline fell with age_amp_decline 0.4 -> 0.7",
)
def test_mk677_raises_24h_mean_gh_as_chapman_1996(mk677):
    baseline = _gh(mk677, 8.0, 32.0).mean()  # the 24 h before the first dose
    day14 = _gh(mk677, 344.0, 368.0).mean()  # 24 h from the 14th dose
    low, high = CHAPMAN_GH_FOLD
    assert low <= day14 / baseline <= high, day14 / baseline


def test_mk677_raises_gh_pulse_height(mk677):
    # was a strict xfail (the day's highest sample fell 5.6 -> 3.9 ng/mL); since the basal
    # secretion and its refit it rises, 2.0 -> 4.4 ng/mL, as Chapman found
    # 20-min sampling, as Chapman's; the day's highest sample stands for its highest pulse
    baseline = _gh(mk677, 8.0, 32.0, every_min=20.0).max()
    day14 = _gh(mk677, 344.0, 368.0, every_min=20.0).max()
    assert day14 > baseline


@pytest.mark.xfail(
    strict=True,
    reason="known miss: at the potency calibrated to V-DRG-04's "
    "IGF-1 the model raises mean GH 1.81-fold over days 1-6 (1.75 before the basal secretion)",
)
def test_cjc1295_dac_raises_mean_gh_at_least_twofold():
    tr = _run("V-DRG-04")  # 60 ug/kg SC at 80 h; the 3 days before are the baseline
    fold = _gh(tr, 80.0, 80.0 + 6 * 24.0).mean() / _gh(tr, 0.0, 72.0).mean()
    # Teichman's range spans 30-250 ug/kg and rises with dose: 60 ug/kg is at least 2-fold
    assert fold >= 2.0, fold
