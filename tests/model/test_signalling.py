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
