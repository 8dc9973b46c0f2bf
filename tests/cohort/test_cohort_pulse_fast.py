"""The pulse-resolved cohort path reduced inside the native driver (daily means and 08:00
values computed there, habitual states batched) equals the Trajectory path it replaces."""

import numpy as np
import pytest

import igfaxis
from igfaxis.cohort import sample_population, simulate_cohort
from igfaxis.simulate import simulate_batch
from igfaxis.simulate._run import daily_summaries

pytest.importorskip("numba")


def test_daily_summaries_equal_the_trajectory_figures():
    persons = [igfaxis.Person(age_y=35, sex="female", weight_kg=62),
               igfaxis.Person(age_y=70, sex="male", weight_kg=90)]  # fmt: skip
    protocol = igfaxis.Protocol(name="usual life")
    names = ["igf1_total_ng_ml", "gh_ng_ml", "igfbp3_total_ng_ml"]
    seeds = [4, 9]
    for at_h in (8.0, 7.0 + 1.0 / 30.0):  # on a sample, and between two samples
        fast = daily_summaries(persons, protocol, days=3.0, seeds=seeds, names=names,
                               at_h=at_h)  # fmt: skip
        trajs = simulate_batch(persons, protocol, days=3.0, seeds=seeds, backend="native")
        for name in names:
            ref = np.stack([t.daily_mean(name) for t in trajs])
            np.testing.assert_allclose(fast[name], ref, rtol=1e-13, atol=0.0)
            at = np.stack([[t.at(name, 24.0 * d + at_h) for d in range(3)] for t in trajs])
            np.testing.assert_allclose(fast[name + "@"], at, rtol=1e-13, atol=0.0)
    assert not np.allclose(fast["gh_ng_ml"][0], fast["gh_ng_ml"][1])


def test_cohort_pulse_fast_path_equals_the_trajectory_path():
    pop = sample_population(3, seed=5)
    arms = {"usual": igfaxis.Protocol(name="usual life"),
            "somatropin": igfaxis.Protocol(doses=(igfaxis.Dose(drug="somatropin", amt=0.5,
                                                               time_h=8.0),))}  # fmt: skip
    fast = simulate_cohort(pop, arms, days=2, resolution="pulse", backend="native")
    slow = simulate_cohort(pop, arms, days=2, resolution="pulse", backend="native",
                           traces=True)  # the Trajectory path (it keeps the traces)
    assert not np.allclose(fast.gh_ng_ml.values[:, 0], fast.gh_ng_ml.values[:, 1])
    for name in ("igf1_total_ng_ml", "igf1_08h_ng_ml", "igfbp3_total_ng_ml", "gh_ng_ml",
                 "igf1_baseline_ng_ml"):  # fmt: skip
        np.testing.assert_allclose(fast[name].values, slow[name].values, rtol=1e-13, atol=0.0)
