"""Day resolution against the pulse-resolved model (issue 10, item 5).

Tolerance (issue 10): 3% on every day's mean total IGF-1 and IGFBP-3 over one year, for
every protocol in examples/ and every validation scenario longer than 7 days.

Two comparisons, because the burst train is random:

* ``same_bursts``: the day resolution tabulated from the very burst train of the
  pulse-resolved run (seed 0), and that run started from the same habitual state; every
  day must agree within 3%. This checks the reduction itself (clamped IGF-1 feedback,
  hourly GH effect, slow liver system) day by day.
* the default, burst-averaged day resolution against the mean of ``N_REF`` pulse-resolved
  runs (seeds 0..N_REF-1). One run's daily-mean total IGF-1 scatters by 2-4% SD about the
  burst average (up to about 12% on the worst day of a year), so the mean of 4 runs still
  scatters by up to about 5% on single days: that reference cannot hold a day-by-day 3%.
  The check is on 28-day means of the daily means (3%).

The year-long comparisons are ``slow`` (about 1 min a case on a loaded 2-core machine); the
fast test runs the ``same_bursts`` check over 60 days on three cases.
"""

from __future__ import annotations

import glob
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from igfaxis.model import default_params
from igfaxis.model.drugs import resolve
from igfaxis.protocol import Person, Protocol, compile_protocol
from igfaxis.simulate import SolverConfig, simulate
from igfaxis.simulate._day import DayConfig, _window, simulate_days
from igfaxis.simulate._steady import habitual_state, solve_any
from igfaxis.validation import load_targets

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("simulate/test_day")

N_REF = 4
TOL = 0.03
OUTPUTS = ("igf1_total_ng_ml", "igfbp3_total_ng_ml")
SOLVER = SolverConfig(max_steps=10**8)
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
        out.append((name, Person(**yaml.safe_load(text)), Protocol.from_yaml(f)))
    for t in load_targets():
        out += [(f"{t.id}:{k}", s.person, s.protocol) for k, s in t.scenarios.items()
                if s.days > 7]  # fmt: skip
    return out


CASES = _cases()
IDS = [c[0] for c in CASES]
FAST = ["water-fast-3-day", "somapacitan-weekly", "resistance-3x-week"]


@pytest.fixture(scope="module", autouse=True)
def _cache(cache_without_tables):
    """Day tables and habitual states computed afresh (the compiled kernels shared)."""
    return cache_without_tables


def _pulse_same_bursts(person, protocol, days, seed=0):
    """Daily means of the pulse-resolved run with ``simulate``'s burst train of ``seed``,
    started at t = 0 from the habitual state (as the day resolution is)."""
    p, f = compile_protocol(protocol, person, default_params(), days=days, seed=seed,
                            warmup_h=24.0 * SOLVER.warmup_days)  # fmt: skip
    b, v = _window(f.boundaries, f.values, 0.0, 24.0 * days + 1.0)
    active = tuple(s for d in sorted({resolve(x.drug).name for x in protocol.doses})
                   for s in resolve(d).states)  # fmt: skip
    ts = np.linspace(0.0, 24.0 * days, 288 * days + 1)
    y0 = habitual_state(person, protocol)
    _, obs, codes = solve_any([p], [y0], [(b, v, 0.0, 24.0 * days)], ts, SOLVER, active=active)
    assert np.all(codes == 0)
    out = {}
    for k in OUTPUTS:
        y = np.asarray(getattr(obs, k))[0]
        out[k] = np.array([np.trapezoid(y[288 * d:288 * d + 289], ts[288 * d:288 * d + 289])
                           / 24.0 for d in range(days)])  # fmt: skip
    return out


def _check_same_bursts(name, person, protocol, days):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        day = simulate_days(person, protocol, days=days, config=DayConfig(same_bursts=True))
        ref = _pulse_same_bursts(person, protocol, days)
    for k in OUTPUTS:
        err = np.abs(day[k] / ref[k] - 1.0)
        print(f"{name} {k}: max {100 * err.max():.2f}% (day {int(err.argmax())})")
        assert err.max() < TOL, (name, k, float(err.max()), int(err.argmax()))


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


def test_day_resolution_ages_the_person():
    tr = simulate_days(Person(age_y=30), days=365.25 * 20)
    first, last = tr["igf1_total_ng_ml"][:365].mean(), tr["igf1_total_ng_ml"][-365:].mean()
    assert last < first  # somatopause


@pytest.mark.parametrize("name", FAST)
def test_same_bursts_agrees_over_60_days(name):
    _, person, protocol = CASES[IDS.index(name)]
    _check_same_bursts(name, person, protocol, 60)


#: known defects of the reduction (issue 10 stays open on them): none today. On the first day
#: of oral MK-677 25 mg (V-DRG-10, and V-DRG-14 on the same scenario) IGF-1 rises by 58% within
#: the day and the day resolution read 3.9% high at gh_ec50 12 ng/mL (2.4% at 5): the lagged
#: feedback of the tables (terminal GH time constant, 2.7 h) is slow for a GHS-driven rise,
#: while it is what tesamorelin's evening rise needs. At gh_ec50 7 it reads 2.96% high on day
#: 1 (IGFBP-3 1.38%), 0.04 points under TOL, so the strict xfail is cleared (TOL unchanged).
#: Strict: a listed defect that is fixed turns red. (Tesamorelin, the SSA adenoma
#: and pegvisomant in acromegaly were defects until the tables' lead-in, the lagged feedback
#: and the hand-on of the exogenous states' change.)
_DEFECT_SAME: set[str] = set()
_DEFECT_AVERAGED: set[str] = set()
#: the burst-averaged comparison (four pulse-resolved years per case) runs on a spread of
#: mechanisms: fasting, FMD, protein, exercise, daily and weekly GH, a GHRH analogue, a GHS
#: agonist, somatostatin analogue, acromegaly and the defects above
_AVERAGED = ("water-fast-3-day", "fmd-monthly", "plant-moderate-protein", "resistance-3x-week",
             "somatropin-low-dose", "somapacitan-weekly", "sermorelin-nightly",
             "ipamorelin-cjc1295", "V-DRG-12:main", "pegvisomant-acromegaly",
             "tesamorelin-2mg", "V-NUT-07:main")


def _params(names, defects):
    return [pytest.param(IDS.index(n), id=n, marks=pytest.mark.xfail(
        strict=True, reason="known defect of the day reduction (see _DEFECT_SAME)"))
        if n in defects else pytest.param(IDS.index(n), id=n) for n in names]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("i", _params(IDS, _DEFECT_SAME))
def test_same_bursts_agrees_day_by_day_over_one_year(i):
    _check_same_bursts(*CASES[i], 365)


@pytest.mark.slow
@pytest.mark.parametrize("i", _params([n for n in _AVERAGED if n in IDS], _DEFECT_AVERAGED))
def test_burst_averaged_agrees_with_pulse_ensemble_over_one_year(i):
    name, person, protocol = CASES[i]
    solver = SolverConfig(save_every_h=1.0 / 12.0, max_steps=10**8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        day = simulate_days(person, protocol, days=365)
        runs = [simulate(person, protocol, days=365, seed=s, solver=solver)
                for s in range(N_REF)]  # fmt: skip
    for k in OUTPUTS:
        ref = np.mean([r.daily_mean(k) for r in runs], axis=0)
        n = 365 // 28 * 28
        err = np.abs(day[k][:n].reshape(-1, 28).mean(1) / ref[:n].reshape(-1, 28).mean(1) - 1)
        print(f"{name} {k}: 28-day max {100 * err.max():.2f}%")
        assert err.max() < TOL, (name, k, float(err.max()))


def test_day_tables_are_reused_from_disk_by_a_new_process(monkeypatch):
    from igfaxis.simulate import _day

    person = Person(age_y=52, sex="female")
    first = simulate_days(person, days=6)
    files = sorted((Path(os.environ["IGFAXIS_CACHE_DIR"]) / "day").glob("*.pkl"))
    assert files  # the tables were written
    monkeypatch.setattr(_day, "_NODES", {})  # what a new process starts with

    def no_tables(*args, **kwargs):
        raise AssertionError("a table was recomputed although it is on disk")

    monkeypatch.setattr(_day._Node, "_tabulate", no_tables)
    again = simulate_days(person, days=6)
    np.testing.assert_array_equal(again["igf1_total_ng_ml"], first["igf1_total_ng_ml"])
    monkeypatch.undo()
    monkeypatch.setenv("IGFAXIS_CACHE_DIR", str(files[0].parents[1]))
    for f in files:  # a damaged cache is recomputed, never trusted
        f.write_bytes(b"not a pickle")
    monkeypatch.setattr(_day, "_NODES", {})
    fresh = simulate_days(person, days=6)
    np.testing.assert_array_equal(fresh["igf1_total_ng_ml"], first["igf1_total_ng_ml"])


def test_a_protocol_s_name_and_description_share_its_tables(monkeypatch):
    # a cohort's arms run their habitual segments as "habitual (A)", "habitual (B)": one
    # diet and sleep, so one set of tables (the labels never enter a simulation)
    from igfaxis.simulate import _day

    person = Person(age_y=47, sex="male")
    first = simulate_days(person, Protocol(name="habitual (A)"), days=4)

    def no_tables(*args, **kwargs):
        raise AssertionError("a table was recomputed for a protocol that differs by name")

    monkeypatch.setattr(_day._Node, "_tabulate", no_tables)
    again = simulate_days(person, Protocol(name="habitual (B)", description="arm B"), days=4)
    np.testing.assert_array_equal(again["igf1_total_ng_ml"], first["igf1_total_ng_ml"])


def test_day_trajectory_means_are_its_daily_values():
    tr = simulate_days(Person(age_y=40), days=5)
    igf1 = tr["igf1_total_ng_ml"]
    assert tr.resolution == "day"
    assert tr.days == 5.0
    np.testing.assert_array_equal(tr.daily_mean("igf1_total_ng_ml"), igf1)
    assert tr.mean("igf1_total_ng_ml", 24.0, 72.0) == pytest.approx(igf1[1:3].mean(), rel=1e-14)
    with pytest.raises(ValueError, match="no whole day begins"):
        tr.mean("igf1_total_ng_ml", 30.0, 40.0)


@pytest.mark.slow
def test_a_repeated_projection_gives_the_same_days(monkeypatch):
    """A table is a function of its key: a second call (tables refined by the first call's
    later years, or read from disk by a new process) gives the very same days. Before,
    a table kept the states of the day that first met its key and its refinements, and a
    repeated 25-year projection moved by up to 0.3% from year 6 on."""
    from igfaxis.simulate import _day

    person = Person(age_y=43)
    first = simulate_days(person, days=365.25 * 14)["igf1_total_ng_ml"]
    again = simulate_days(person, days=365.25 * 14)["igf1_total_ng_ml"]
    monkeypatch.setattr(_day, "_NODES", {})  # a new process: the tables come from disk
    fresh = simulate_days(person, days=365.25 * 14)["igf1_total_ng_ml"]
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(fresh, first)
