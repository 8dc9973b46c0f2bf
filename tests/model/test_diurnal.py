"""The day's IGF-1 curve: IGFBP-1 and total IGF-1 over a usual day, and what the model still
gets wrong (free IGF-1).

Published anchors (abstracts):

- Holden JP et al. 1995 J Soc Gynecol Investig 2:38: hourly samples for 24 h in seven
  women, meals at 08:00, 12:00 and 18:00; IGFBP-1 falls rapidly while fed and rises
  progressively, 3.5-fold, during the nocturnal fast; IGF-I unchanged.
- Frystyk J et al. 1997 J Clin Endocrinol Metab 82:3124: after oral glucose in 13 healthy
  adults, IGFBP-1 falls by 37-52% from 150 to 210 min.
- Cotterill AM, Holly JMP, Wass JAH 1993 Clin Endocrinol 39:357: IGFBP-1 32 +/- 5 ng/mL
  after the 11-h overnight fast, a maximum of 144 +/- 24 after 32 h of fasting.
- Skjaerbaek C et al. 2000 Clin Endocrinol 52:25 (PMID 10651750), citing the healthy-subject
  studies: no clinically significant circadian variation of total IGF-I, a nocturnal
  decrease of free IGF-I as IGFBP-1 rises; the same in healthy children by ultrafiltration
  (free IGF-I nadir at 07:00, peak 09:00-12:00, total IGF-I without diurnal variation).

Model outputs are predictions, not medical advice.
"""

import itertools

import numpy as np
import pytest

import igfaxis
from igfaxis.model import default_params, nutrition

P = default_params()


def _hourly(person, protocol=None, days=2):
    """Window means of a pulse-resolved run: ``mean(column, start_h, end_h)``."""
    df = igfaxis.simulate(person, protocol, days=days, seed=0).to_dataframe()
    t = df["time_h"].to_numpy()

    def mean(col, a, b):
        return float(df[col].to_numpy()[(t >= a) & (t < b)].mean())

    return mean


def test_igfbp1_production_is_suppressed_by_the_fed_state():
    # monotone: more energy status (fed), less IGFBP-1 target; fasting approaches the maximum
    levels = [float(P.igfbp1_max * (1.0 - nutrition.hill(e, P.igfbp1_energy_k,
                                                        P.igfbp1_energy_n)))
              for e in (0.0, 0.3, 0.6, 1.0, 1.4)]  # fmt: skip
    assert levels[0] == pytest.approx(float(P.igfbp1_max))
    assert all(a > b for a, b in itertools.pairwise(levels))


def test_igfbp1_rises_overnight_and_falls_after_breakfast():
    mean = _hourly(igfaxis.Person(age_y=30, sex="female"))
    before_breakfast = mean("state_igfbp1", 31.0, 32.0)  # 07:00-08:00, day 2
    after_dinner = mean("state_igfbp1", 22.0, 23.0)  # 22:00-23:00, day 1
    rise = before_breakfast / after_dinner
    # Holden 1995: 3.5-fold nocturnal rise; the band reaches Lee's 4.5-fold under somatostatin
    assert 2.5 <= rise <= 5.0
    fall = 100.0 * (mean("state_igfbp1", 34.5, 35.5) / before_breakfast - 1.0)
    # Frystyk 1997: -37% to -52% at 150-210 min after glucose (Prior 2012: -58% after a meal)
    assert -58.0 <= fall <= -37.0


def test_igfbp1_keeps_rising_over_a_32_hour_fast():
    water = {"kind": "water", "start_h": 46.0, "duration_h": 72.0}
    fast = igfaxis.Protocol(name="fast from 22:00", fasting=[water])
    mean = _hourly(igfaxis.Person(age_y=28, sex="female"), fast, days=4)
    after_11_h, after_32_h = mean("state_igfbp1", 56.5, 57.5), mean("state_igfbp1", 77.5, 78.5)
    # Cotterill 1993: 32 +/- 5 -> 144 +/- 24 ng/mL; the ratio's band from the SEMs
    assert 3.2 <= after_32_h / after_11_h <= 6.2
    assert 120.0 <= after_32_h <= 168.0


def _swing(person):
    df = igfaxis.simulate(person, days=3, seed=0).to_dataframe()
    t = df["time_h"].to_numpy()
    sel = t >= 24.0
    hour = (t[sel] % 24.0).astype(int)
    out = {}
    for col in ("igf1_total_ng_ml", "igf1_free_ng_ml"):
        y = df[col].to_numpy()[sel]
        out[col] = np.array([y[hour == h].mean() for h in range(24)])
    return out


def test_total_igf1_has_no_clinically_relevant_daily_rhythm():
    # hepatic synthesis reads the GH signal through the delay igf_signal_tau (8 h), not each
    # nocturnal burst within minutes (19.6% swing without it; docs/model.md)
    for sex in ("male", "female"):
        total = _swing(igfaxis.Person(age_y=40, sex=sex))["igf1_total_ng_ml"]
        # no diurnal variation of total IGF-I in hourly or 2-hourly 24-h sampling (Holden
        # 1995, seven women; Skjaerbaek 2000 citing the healthy-subject studies; healthy
        # children by ultrafiltration, 2-hourly total IGF-I): peak-to-trough of hourly means
        # within 10% of the mean [design bound, about twice an IGF-I assay's within-run CV;
        # the studies report no significant variation, not a number]
        assert (total.max() - total.min()) / total.mean() <= 0.10


@pytest.mark.xfail(strict=True, reason=(
    "known miss (issue 13, item 1): free IGF-1 is set by the synthesis flux (it still peaks "
    "with the night's GH, max/min 1.85 with the hepatic delay), and IGFBP-1 does not bind "
    "IGF-1 in the model; docs/model.md"))  # fmt: skip
def test_free_igf1_is_lower_at_night_than_by_day():
    free = _swing(igfaxis.Person(age_y=40, sex="male"))["igf1_free_ng_ml"]
    # Skjaerbaek 2000 / healthy children: nocturnal decrease, nadir 07:00, peak 09:00-12:00
    assert free[0:7].mean() < free[9:21].mean()
