"""The default population against the LIFE IGF-1 reference (Hoerenz 2022 JCEM).

400 persons per age and sex, sampled from the population priors (the priors of calibration:
igfaxis/data/personal_parameters.csv) and the body-size table, each measured once at 08:00
with the observation model's within-person (CV_I 0.12) and assay (CV_A 0.06) scatter
(igfaxis.risk), because LIFE's centiles are of single measurements.

Tolerances, and why:

- the median within 0.85-1.15 of LIFE's: the band the validation table grants the average
  person (targets V-REF-01/02); the sampling SE of a median of 400 is 1.6%;
- the 3rd and 97th centiles within 0.80-1.25: the same band widened by 3 SE of a tail
  centile of 400 (about 3% each: sqrt(p(1-p)/n) / density).

Measured (docs/cohorts.md): medians 0.99-1.18 of LIFE's; the simulated log SD 0.25-0.27
against LIFE's 0.25 at 30-70 y. At 75 y in men LIFE's lower tail is longer than the model's
(3rd centile 1.30 of LIFE's, a strict xfail until the three-stage hepatic delay and IGFBP-1
binding; then 1.23, inside the bound near its edge: the priors' spread was derived from
30-70 y and is one log SD for every age, so this tail stays the weakest case; 1.19 with the
basal secretion ``pit_basal``, which the secretion-capacity multiplier scales with
``pit_kr1``: left unscaled, it put a floor under the low tail, 1.34 in men and 1.27 in
women). At 25 y the same held in both sexes (3rd centile 1.25-1.32, men's median 1.18)
until the hepatic delay (``igf_signal_tau``) moved total IGF-1's daily maximum from
04:00-07:00 to 10:00, so the 08:00 sample now reads nearer the daily mean: men 25 y 3rd /
50th / 97th centile 1.15 / 1.13 / 1.15 of LIFE's, women 1.22 / 1.07 / 1.08 (with the
releasable GH store as well; 1.15 / 1.14 / 1.16 and 1.23 / 1.09 / 1.10 with the delay
alone; 1.13 / 1.11 / 1.13 and 1.20 / 1.06 / 1.07 with the basal secretion), inside the
bounds, near their edges.
"""

import math

import numpy as np
import pytest

from igfaxis import Protocol
from igfaxis.cohort import CohortConfig, sample_population, simulate_cohort
from igfaxis.risk import IGF1_CV_A, IGF1_CV_I, centile_value

CONFIG = CohortConfig(pit_nodes_z=(-2.0, 0.0, 2.0), weight_nodes_kg=(75.0,))
CASES = [(sex, age) for sex in ("male", "female") for age in (25, 35, 45, 60, 75)]
KNOWN: dict[tuple[str, int], str] = {}  # known misses (strict xfails); none at present


def _case(sex, age):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN[(sex, age)])] if (sex, age) in KNOWN \
        else []  # fmt: skip
    return pytest.param(sex, age, marks=marks, id=f"{sex}-{age}")


@pytest.mark.reference
@pytest.mark.parametrize(("sex", "age"), [_case(s, a) for s, a in CASES])
def test_simulated_centiles_reproduce_life(sex, age):
    seed = 100 + age + (0 if sex == "male" else 1)
    print(f"seed {seed}")  # STYLE G12
    pop = sample_population(400, age_y=age, sex=sex, seed=seed)
    ds = simulate_cohort(pop, Protocol(), days=1, config=CONFIG)
    model = ds.igf1_08h_ng_ml.isel(arm=0, day=0).values
    rng = np.random.default_rng(seed)
    measured = model * np.exp(math.hypot(IGF1_CV_I, IGF1_CV_A) * rng.standard_normal(model.size))
    sim = np.percentile(measured, [3, 50, 97])
    life = np.array([centile_value(p, age, sex, scale="percentile") for p in (3, 50, 97)])
    ratio = sim / life
    print(f"{sex} {age} y: simulated / LIFE centiles 3rd {ratio[0]:.3f}, 50th {ratio[1]:.3f}, "
          f"97th {ratio[2]:.3f}")
    assert 0.85 <= ratio[1] <= 1.15, ratio
    assert 0.80 <= ratio[0] <= 1.25, ratio
    assert 0.80 <= ratio[2] <= 1.25, ratio
