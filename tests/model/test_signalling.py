"""The cell-signalling model: fidelity to BIOMD0000000581, parameter table, qualitative checks.

Cross-check with the published model (Dalle Pezze 2012, run by libRoadRunner):

- Both models get the same step inputs from an unstimulated start, as in the paper's
  experiments: insulin 100 and amino acids 100 a.u.; amino acids alone; insulin alone.
- Mapping: the project's core keeps the published species, totals and mass-action laws in
  conserved form (unphosphorylated = total - phosphoforms), in minutes. PRAS40 is dropped
  (an output-only branch: its kinases act catalytically), which is exact. Compared
  quantities are normalised phosphoform fractions: mTORC1-pS2448 / mTORC1 total,
  p70S6K-pT389 / p70S6K total, (Akt-pT308 + Akt-pT308-pS473) / Akt total.
- With the published constants the core must match to 1e-4 (absolute, in fraction units;
  the observed difference is ~2e-6, integrator tolerance).
- The project's defaults change two constants for day-long runs (the S6K -| IRS1 feedback
  k_irs_fb 1.0 -> 0.01 and IRS1-pS636 turnover k_irs_deg 1e-4 -> 0.01 per min; see
  signalling_parameters.csv). Over the paper's 0-120 min window the mTORC1 and S6K fractions
  must stay within 0.05 of the published time courses (observed 0.037 and 0.012); Akt, whose
  late decline is the feedback itself, within 0.2 (observed 0.16): the weaker feedback
  leaves Akt ~0.15 higher at 120 min, which the test documents rather than hides.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from igfaxis.model import signalling as S
from igfaxis.model._math import Sym
from igfaxis.model._signalling_params import SIGNALLING_PARAMETERS, default_signalling_params

SBML = Path(__file__).parents[1] / "reference" / "data" / "BIOMD0000000581.xml"
INPUTS = [(100.0, 100.0), (0.0, 100.0), (100.0, 0.0)]
TIMES = np.linspace(0.0, 120.0, 121)  # minutes


def _published(p):
    return p._replace(k_irs_fb=1.0, k_irs_deg=1.00001e-4)


def _core(p, ins, aa):
    from scipy.integrate import solve_ivp

    def f(t, y):
        return np.array(S.core_rates(S.CoreState(*y), ins, aa, 0.0, 0.0, p), float)

    sol = solve_ivp(f, (0.0, TIMES[-1]), np.zeros(len(S.CoreState._fields)), method="LSODA",
                    rtol=1e-9, atol=1e-12, t_eval=TIMES)  # fmt: skip
    y = S.CoreState(*sol.y)
    return (y.mtorc1_p / p.mtorc1_total, y.s6k_p / p.s6k_total,
            (y.akt_t308 + y.akt_dp) / p.akt_total)  # fmt: skip


def _roadrunner(ins, aa):
    roadrunner = pytest.importorskip("roadrunner")
    rr = roadrunner.RoadRunner(str(SBML))
    rr.model["species_41"] = ins  # Insulin (boundary, constant)
    rr.model["species_28"] = aa  # Amino_Acids (boundary, constant)
    r = rr.simulate(0.0, TIMES[-1], TIMES.size,
                    ["time", "[species_2]", "[species_17]", "[species_3]", "[species_4]"])
    return r[:, 1] / 4.3225, r[:, 2] / 127.0725, (r[:, 3] + r[:, 4]) / 144.13


@pytest.mark.parametrize(("ins", "aa"), INPUTS)
def test_core_with_published_constants_reproduces_biomd0000000581(ins, aa):
    ref = _roadrunner(ins, aa)
    got = _core(_published(default_signalling_params()), ins, aa)
    for name, a, b in zip(("mTORC1", "S6K", "Akt"), got, ref, strict=True):
        assert np.max(np.abs(a - b)) < 1e-4, name


@pytest.mark.parametrize(("ins", "aa"), INPUTS)
def test_core_with_project_constants_tracks_published_time_courses(ins, aa):
    ref = _roadrunner(ins, aa)
    m, s6k, akt = _core(default_signalling_params(), ins, aa)
    assert np.max(np.abs(m - ref[0])) < 0.05
    assert np.max(np.abs(s6k - ref[1])) < 0.05
    assert np.max(np.abs(akt - ref[2])) < 0.2


_UNITS = {"1", "min", "h", "L", "kg", "ng", "mL", "nmol", "g"}


@pytest.mark.parametrize("name", list(SIGNALLING_PARAMETERS))
def test_parameter_row(name):
    spec = SIGNALLING_PARAMETERS[name]
    assert spec.lower <= spec.value <= spec.upper
    assert all(t in _UNITS for t in re.split(r"[/*()]", spec.unit) if t), spec.unit
    assert spec.source


def test_vector_field_is_backend_neutral():
    """The rate laws also evaluate on the symbolic tracer used by the SBML exporter."""
    p = default_signalling_params()
    y = S.CellState(*(Sym(f) for f in S.CellState._fields))
    u = S.CellInputs(*(Sym(f) for f in S.CellInputs._fields))
    out = S.cell_vector_field(y, u, p)
    assert all(isinstance(d, Sym) for d in out)


# --- whole-body driven runs --------------------------------------------------------------


@pytest.fixture(scope="module")
def person():
    from igfaxis.protocol import Person

    return Person(age_y=40, sex="male", weight_kg=75)


@pytest.fixture(scope="module")
def usual(person):
    from igfaxis.protocol import Protocol
    from igfaxis.simulate import simulate

    return simulate(person, Protocol(name="three meals"), days=3)


@pytest.fixture(scope="module")
def usual_cell(usual):
    from igfaxis.simulate import simulate_cell

    return simulate_cell(usual)


def test_cell_outputs_and_units(usual_cell):
    for name in ("mtorc1", "s6k", "akt", "ampk", "ulk1", "autophagy_flux", "foxo"):
        y = usual_cell[name]
        assert usual_cell.units[name] == "1"
        assert np.all(np.isfinite(y)), name
        assert np.all((y > -1e-6) & (y < 1 + 1e-6)), name
    assert "igf1_free_ng_ml" in usual_cell.variables  # body variables are kept


def test_reference_medians_match_table(usual_cell):
    """autophagy_ref_median and mtorc1_ref_median are the reference day's medians."""
    p = default_signalling_params()
    m = usual_cell.window(48.0, 72.0)
    assert np.median(usual_cell["autophagy_flux"][m]) == pytest.approx(p.autophagy_ref_median,
                                                                       rel=0.05)
    assert np.median(usual_cell["mtorc1"][m]) == pytest.approx(p.mtorc1_ref_median, rel=0.05)


def test_meal_activates_mtorc1_and_fasting_autophagy(usual_cell):
    # breakfast 08:00 on day 3: mTORC1 up within the hour, autophagy highest before it
    assert usual_cell.at("mtorc1", 57.0) > 1.3 * usual_cell.at("mtorc1", 56.0)
    assert usual_cell.at("autophagy_flux", 56.0) > usual_cell.at("autophagy_flux", 60.0)


def test_rapamycin_lowers_mtorc1_and_raises_autophagy(usual, usual_cell):
    from igfaxis.simulate import simulate_cell

    rapa = simulate_cell(usual, rapamycin_mg=2.0)
    assert rapa.mean("mtorc1", 48, 72) < 0.7 * usual_cell.mean("mtorc1", 48, 72)
    assert rapa.mean("s6k", 48, 72) < usual_cell.mean("s6k", 48, 72)
    assert rapa.mean("autophagy_flux", 48, 72) > usual_cell.mean("autophagy_flux", 48, 72)
    assert 2.0 < rapa.at("rapamycin_ng_ml", 60.0) < 30.0  # near label whole-blood levels


def test_continuous_gh_raises_mtorc1_duty_cycle(person, usual_cell):
    """Somatropin 2 mg SC daily (supraphysiological, continuous exposure) vs the baseline
    pulsatile state: higher free IGF-1, more time with mTORC1 above the reference median."""
    from igfaxis.protocol import Protocol
    from igfaxis.simulate import simulate, simulate_cell
    from igfaxis.simulate._cell import mtorc1_duty_cycle

    gh = Protocol.from_dict({"name": "GH 2 mg", "doses": [
        {"drug": "somatropin", "amt": 2, "amt_unit": "mg", "time_h": 0, "ii_h": 24, "addl": 3}]})
    tr = simulate_cell(simulate(person, gh, days=3))
    assert tr.mean("igf1_free_ng_ml", 48, 72) > usual_cell.mean("igf1_free_ng_ml", 48, 72)
    # direction only: over 3 days the rise is small (~0.02 with the design values), because
    # free IGF-1 is one ligand beside insulin and the amino-acid input dominates mTORC1
    assert mtorc1_duty_cycle(tr, 48, 72) > mtorc1_duty_cycle(usual_cell, 48, 72)
