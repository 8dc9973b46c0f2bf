"""A history of protocols at day resolution (:func:`igfaxis.simulate.day_schedule`) against
the pulse-resolved model of the same history written as one protocol.

The reference is independent of the day-resolution reduction: the pulse-resolved model
(native kernel) integrates the whole history with both dose blocks in one forcing, averaged
over ``N_REF`` burst trains. The check that matters is the first days after a dose step,
where a segment's first day must carry the previous segment's evening dose into its night
(a lab at 08:00 the morning after a step read 22-28% low when it did not).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml

from igfaxis.protocol import Dose, Person, Protocol
from igfaxis.simulate import SolverConfig, day_schedule, simulate, solve_schedule

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("simulate/test_day_schedule")

N_REF = 6
STEP = 14
DAYS = 28


@pytest.fixture(scope="module", autouse=True)
def _cache(cache_without_tables):
    """Day tables and habitual states computed afresh (the compiled kernels shared)."""
    return cache_without_tables


def _dose(mg: float, first_h: float, n: int) -> Dose:
    return Dose(drug="somatropin", amt=mg, amt_unit="mg", route="sc", time_h=first_h,
                ii_h=24.0, addl=n - 1)  # fmt: skip


@pytest.fixture(scope="module")
def runs():
    with open("examples/persons/adult-ghd.yaml", encoding="utf-8") as fh:
        person = Person(**yaml.safe_load(fh))
    low = Protocol(name="low", days=STEP, doses=[_dose(0.2, 20.0, STEP)])
    high = Protocol(name="high", days=DAYS - STEP, doses=[_dose(0.6, 20.0, DAYS - STEP)])
    both = Protocol(name="both", days=DAYS,
                    doses=[_dose(0.2, 20.0, STEP), _dose(0.6, 24.0 * STEP + 20.0, DAYS - STEP)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sol = solve_schedule(day_schedule(person, [(0, low), (STEP, high)], days=DAYS))
        solver = SolverConfig(save_every_h=1.0 / 12.0, max_steps=10**8)
        ref = [simulate(person, both, days=DAYS, seed=s, solver=solver) for s in range(N_REF)]
    return sol, ref


def test_first_days_after_a_dose_step_follow_the_pulse_resolved_history(runs):
    sol, ref = runs
    daily = np.mean([r.daily_mean("igf1_total_ng_ml") for r in ref], axis=0)[:DAYS]
    err = sol.igf1_daily_mean_ng_ml / daily - 1.0
    print("daily-mean error, days 12-20 [%]:", np.round(100 * err[12:21], 2))
    # the week after the step, day by day and on its mean (3%: the issue-10 tolerance; the
    # mean of N_REF burst trains scatters by about 1% a day)
    assert np.max(np.abs(err[STEP:STEP + 7])) < 0.05, err[STEP:STEP + 7]
    assert abs(err[STEP:STEP + 7].mean()) < 0.03, err[STEP:STEP + 7]


def test_a_lab_the_morning_after_a_dose_step(runs):
    sol, ref = runs
    for day in (STEP, STEP + 1):
        t = 24.0 * day + 8.0
        model = float(sol.at(t))
        pulse = float(np.mean([np.interp(t, r.times_h, r["igf1_total_ng_ml"]) for r in ref]))
        print(f"day {day} 08:00: day resolution {model:.1f}, pulse-resolved {pulse:.1f} ng/mL")
        assert abs(model / pulse - 1.0) < 0.05, (day, model, pulse)


def test_the_step_raises_igf1(runs):
    sol, _ = runs
    before = sol.igf1_daily_mean_ng_ml[STEP - 3:STEP].mean()
    after = sol.igf1_daily_mean_ng_ml[-3:].mean()
    assert after > 1.2 * before
