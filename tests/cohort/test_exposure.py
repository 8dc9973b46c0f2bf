"""Between-person drug exposure: the published CVs, the draws, and their effect in a run."""

import math

import numpy as np
import pytest

from igfaxis.cohort import (
    COLUMNS,
    EXPOSURE,
    EXPOSURE_COLUMNS,
    load_population,
    sample_population,
    scale_protocol,
    simulate_cohort,
    virtual_trial,
)
from igfaxis.errors import ProtocolError
from igfaxis.protocol import Protocol

PEG = Protocol.model_validate({"name": "peg", "doses": [
    {"drug": "pegvisomant", "amt": 15, "time_h": 8, "ii_h": 24, "addl": 5}]})  # fmt: skip


def test_log_sds_are_the_published_spreads():
    # Somavert label (facts DRG-082): 16000 +/- 2200 ng/mL SEM at 15 mg, 26 patients; the
    # concentration rises as dose^ln(27000/6600)/ln(2) between 10 and 20 mg
    cv = 2200 * math.sqrt(26) / 16000
    elasticity = math.log(27000 / 6600) / math.log(2)
    assert EXPOSURE["pegvisomant"] == pytest.approx(math.sqrt(math.log(1 + cv**2)) / elasticity,
                                                    abs=2e-3)  # fmt: skip
    assert EXPOSURE["pegvisomant"] == pytest.approx(0.31, abs=0.005)
    # tesamorelin label (DRG-029): V 9.4 +/- 3.1 L/kg; somatropin SC AUC 134 +/- 48 (PHY-063)
    assert EXPOSURE["tesamorelin"] == pytest.approx(0.32, abs=0.005)
    assert EXPOSURE["somatropin"] == pytest.approx(0.35, abs=0.005)


def test_exposure_draws_are_log_normal_and_leave_the_other_columns_alone():
    on = sample_population(20_000, seed=4, exposure=True).table
    off = sample_population(20_000, seed=4).table
    for drug, log_sd in EXPOSURE.items():
        logs = np.log(on[f"exposure_{drug}"].to_numpy())
        # n = 20,000: SE of the log SD 0.5%; the +/- 3 SD clip takes 1.4% off the SD
        assert abs(logs.std() / log_sd - 1.0) < 0.03, drug
        assert abs(logs.mean()) < 0.03 * log_sd, drug
    assert list(off.columns) == list(COLUMNS)
    assert list(on.columns) == [*COLUMNS, *EXPOSURE_COLUMNS]
    assert on[list(COLUMNS)].equals(off)
    # the drugs' multipliers are independent draws
    r = np.corrcoef(np.log(on.exposure_pegvisomant), np.log(on.exposure_somatropin))[0, 1]
    assert abs(r) < 0.03


def test_scale_protocol_scales_only_that_drugs_doses_and_knows_aliases():
    p = Protocol.model_validate({"doses": [
        {"drug": "Somavert", "amt": 10, "time_h": 8},
        {"drug": "somatropin", "amt": 0.3, "time_h": 22}]})  # fmt: skip
    s = scale_protocol(p, {"pegvisomant": 1.5})
    assert [d.amt for d in s.doses] == [pytest.approx(15.0), pytest.approx(0.3)]
    assert scale_protocol(p, {"tesamorelin": 2.0}) is p
    assert s.model_dump(mode="json")["doses"][0]["amt"] == pytest.approx(15.0)


def test_population_file_round_trips_exposure_and_defaults_it(tmp_path):
    pop = sample_population(5, seed=2, exposure=True)
    back = load_population(pop.save(tmp_path / "p.csv"))
    assert np.allclose(back.table.exposure_pegvisomant, pop.table.exposure_pegvisomant)
    bare = tmp_path / "bare.csv"
    bare.write_text("age_y,sex,weight_kg,height_m\n50,male,80,1.8\n")
    assert list(load_population(bare).table.columns) == list(COLUMNS)
    bad = tmp_path / "bad.csv"
    bad.write_text("age_y,sex,weight_kg,height_m,exposure_pegvisomant\n50,male,80,1.8,0\n")
    with pytest.raises(ProtocolError, match="exposure_pegvisomant"):
        load_population(bad)


def test_pulse_cohort_applies_each_persons_exposure():
    pop = sample_population(3, age_y=45, sex="male", condition="acromegaly", seed=0,
                            exposure=True)  # fmt: skip
    t = pop.table
    for c in t.columns:  # three copies of one person but for the pegvisomant exposure
        if c not in ("person_id", "exposure_pegvisomant"):
            t[c] = t[c].iloc[0]
    t["exposure_pegvisomant"] = [0.5, 1.0, 2.0]
    ds = simulate_cohort(pop, PEG, days=6, resolution="pulse")
    change = virtual_trial(ds, end_days=1).persons.change_pct.to_numpy()
    # more antagonist, lower IGF-1: strictly ordered, and not a rounding difference
    assert change[0] > change[1] > change[2]
    assert change[0] - change[2] > 5.0
    ones = pop.table.drop(columns=list(EXPOSURE_COLUMNS))
    same = simulate_cohort(type(pop)(ones), PEG, days=6, resolution="pulse")
    assert np.ptp(virtual_trial(same, end_days=1).persons.change_pct) < 1e-9


SOMATROPIN = Protocol.model_validate({"name": "gh", "doses": [
    {"drug": "somatropin", "amt": 0.2, "amt_unit": "mg", "route": "sc", "time_h": 22,
     "ii_h": 24, "addl": 9}]})  # fmt: skip


def test_day_resolution_reads_each_persons_exposure_off_the_grid():
    """Exposure is one more (additive) axis of the node grid: persons off its nodes, and off
    the pituitary nodes, against their own day-resolution run (:func:`day_schedule` of the
    person, with the same habitual burn-in and their doses scaled), daily-mean IGF-1 within
    2% (measured 0.0-1.4% with these 3 exposure nodes and 3 pituitary nodes; the largest
    where a high capacity meets a low exposure, the interaction the additive axis leaves
    out; docs/cohorts.md). A GH-raising drug: a multiplier above 1 ends higher."""
    import dataclasses

    import pandas as pd

    from igfaxis.cohort import CohortConfig, Population
    from igfaxis.cohort._grid import habitual_of
    from igfaxis.simulate import day_schedule, solve_schedule

    base = {"age_y": 40.0, "sex": "male", "condition": "healthy", "seed": 0,
            "weight_kg": 75.0, "height_m": math.sqrt(75 / 25), "hepatic_gh_sensitivity": 1.0,
            "pituitary_secretion_capacity": 1.0, "igfbp3_als_production": 1.0}  # fmt: skip
    col = "exposure_somatropin"
    rows = [{"pituitary_secretion_capacity": 1.6, col: 0.6},
            {"pituitary_secretion_capacity": 0.6, col: 1.45},
            {col: 0.8, "hepatic_gh_sensitivity": 1.3},
            {col: 0.5}, {col: 1.0}, {col: 2.0}]  # fmt: skip
    table = pd.DataFrame([{**base, **r, "person_id": i} for i, r in enumerate(rows)])
    pop = Population(table[[*COLUMNS, col]])
    cfg = CohortConfig(pit_nodes_z=(-2.0, 0.0, 2.0), bmi_nodes=(25.0,), weight_nodes_kg=(75.0,),
                       exposure_nodes_z=(-3.0, 0.0, 3.0))  # fmt: skip
    days, b = 5, cfg.burn_in_days
    ds = simulate_cohort(pop, SOMATROPIN, days=days, config=cfg)
    for i, (person, m) in enumerate(zip(pop.persons(), table[col], strict=True)):
        arm = scale_protocol(SOMATROPIN, {"somatropin": float(m)})
        s = day_schedule(person, [(0, habitual_of(SOMATROPIN)), (b, arm)], days=b + days)
        own = solve_schedule(dataclasses.replace(s, substeps=48)).igf1_daily_mean_ng_ml[b:]
        err = ds.igf1_total_ng_ml.values[i, 0] / own - 1.0
        assert np.max(np.abs(err)) < 0.02, (i, err)
    end = ds.igf1_total_ng_ml.values[3:, 0, -1]  # one person at multipliers 0.5, 1, 2
    assert end[0] < end[1] < end[2]
    assert end[2] / end[0] > 1.1, end


def test_exposure_adds_node_schedules_only_for_dosed_drugs_that_vary():
    from igfaxis.cohort import CohortConfig
    from igfaxis.cohort._grid import exposure_axes, node_jobs

    cfg = CohortConfig()
    on = sample_population(50, age_y=45, sex="male", seed=0, exposure=True).table
    off = sample_population(50, age_y=45, sex="male", seed=0).table
    assert exposure_axes(Protocol(), on, cfg) == ()  # no doses
    assert exposure_axes(PEG, off, cfg) == ()  # no multipliers
    ((drug, nodes),) = exposure_axes(PEG, on, cfg)
    assert drug == "pegvisomant"
    assert nodes[2] == 0.0
    # the outer nodes: +/- 3 prior SD, widened to cover the drawn multipliers
    u = np.log(on.exposure_pegvisomant)
    assert nodes[0] <= min(-3 * EXPOSURE[drug], u.min())
    assert nodes[-1] >= max(3 * EXPOSURE[drug], u.max())
    groups = {("male", "healthy"): on.age_y.to_numpy()}
    plain = node_jobs(groups, [PEG], 2, cfg)
    assert len(node_jobs(groups, [PEG], 2, cfg, [exposure_axes(PEG, on, cfg)])) == (
        len(plain) + len(cfg.exposure_nodes_z) - 1)  # fmt: skip
