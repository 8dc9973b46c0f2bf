"""Tiny negative round-off in non-negative outputs is clipped to 0 when a Trajectory is
built; larger negatives and signed quantities are left alone (issue 16, item 4)."""

import numpy as np

from igfaxis import Person, SolverConfig, simulate
from igfaxis.simulate import Trajectory


def _traj(values, unit):
    t = np.linspace(0.0, 1.0, len(values))
    return Trajectory(t, {"x": np.asarray(values, dtype=float)}, {"x": unit}, np.array([]))


def test_round_off_below_zero_is_clipped_in_concentrations():
    tr = _traj([100.0, 1e-3, -2.5e-12, -4.8e-10, 5.0], "ng/mL")
    assert np.all(tr["x"] >= 0.0)
    assert tr["x"][0] == 100.0
    assert tr["x"][1] == 1e-3
    assert tr.to_dataframe()["x"].min() == 0.0


def test_large_negatives_and_signed_quantities_stay():
    assert _traj([1.0, -0.5], "ng/mL")["x"][1] == -0.5  # a real sign error stays visible
    assert _traj([1.0, -1e-12], "1")["x"][1] == -1e-12  # dimensionless: may be signed
    assert _traj([1.0, -1e-12], "log2")["x"][1] == -1e-12


def test_simulated_outputs_are_non_negative():
    tr = simulate(Person(age_y=40), days=0.25, solver=SolverConfig(warmup_days=1))
    for name, unit in tr.units.items():
        if unit in {"ng/mL", "pg/mL", "nmol/L", "ug", "ng/mL/h"}:
            assert tr[name].min() >= 0.0, name
