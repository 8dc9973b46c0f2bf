"""Day resolution against the pulse-resolved model (issue 10, item 5).

The reference is the mean of ``N_REF`` pulse-resolved runs (seeds 0..N_REF-1): one run's
daily-mean total IGF-1 scatters by 2-4% SD about the burst-averaged value that the day
resolution computes (8-12% at worst over a year), so a single seed is no reference.
Tolerance (issue 10): 3% on every day's mean total IGF-1 and IGFBP-3 over one year.
"""

from __future__ import annotations

import glob
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from igfaxis.protocol import Person, Protocol
from igfaxis.simulate import SolverConfig, simulate
from igfaxis.simulate._day import simulate_days
from igfaxis.validation import load_targets

N_REF = 4
PERSONS = {
    "pegvisomant-acromegaly": "examples/persons/acromegaly.yaml",
    "somapacitan-weekly": "examples/persons/adult-ghd.yaml",
    "somatropin-titration": "examples/persons/adult-ghd.yaml",
}


def _cases():
    out = []
    for f in sorted(glob.glob("examples/*.yaml")):
        name = os.path.basename(f)[:-5]
        text = Path(PERSONS[name]).read_text("utf-8") if name in PERSONS else "{}"
        person = Person(**yaml.safe_load(text))
        out.append((name, person, Protocol.from_yaml(f)))
    for t in load_targets():
        out += [(f"{t.id}:{k}", s.person, s.protocol) for k, s in t.scenarios.items()
                if s.days > 7]  # fmt: skip
    return out


CASES = _cases()


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("IGFAXIS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


def _reference(person, protocol, days):
    solver = SolverConfig(save_every_h=1.0 / 12.0, max_steps=10**8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = [simulate(person, protocol, days=days, seed=s, solver=solver)
                for s in range(N_REF)]  # fmt: skip
    return {k: np.mean([r.daily_mean(k) for r in runs], axis=0)
            for k in ("igf1_total_ng_ml", "igfbp3_total_ng_ml")}  # fmt: skip


def test_day_trajectory_shape_and_metadata():
    tr = simulate_days(Person(age_y=40), days=10)
    assert tr.metadata["resolution"] == "day"
    assert tr.times_h.tolist() == [24.0 * d for d in range(10)]
    for k in ("igf1_total_ng_ml", "igfbp3_total_ng_ml", "als_free_ng_ml", "igf1_free_ng_ml",
              "gh_ng_ml", "state_energy_status", "state_protein_status",
              "state_liver_nutrition", "state_training"):  # fmt: skip
        assert tr[k].shape == (10,)
        assert np.all(np.isfinite(tr[k]))
    again = simulate_days(Person(age_y=40), days=10)
    np.testing.assert_array_equal(again["igf1_total_ng_ml"], tr["igf1_total_ng_ml"])


@pytest.mark.slow
@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0] for c in CASES])
def test_day_resolution_agrees_with_pulse_resolved_over_one_year(i):
    _, person, protocol = CASES[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        day = simulate_days(person, protocol, days=365)
    ref = _reference(person, protocol, 365)
    for k, r in ref.items():
        err = np.abs(day[k] / r - 1.0)
        assert err.max() < 0.03, (CASES[i][0], k, float(err.max()), int(err.argmax()))
