"""SBML export: libsbml consistency, and the G8 cross-check against libRoadRunner."""

import sys

import numpy as np
import pytest

import igfaxis
from igfaxis.errors import ProtocolError
from igfaxis.io import to_sbml, write_sbml
from igfaxis.model import (
    PARAMETERS,
    STATE_UNITS,
    Inputs,
    Observables,
    Params,
    State,
    drugs,
    personalise,
)

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("io/test_sbml")

libsbml = pytest.importorskip("libsbml")

PERSON = igfaxis.Person(age_y=30, sex="male")
#: somatropin plus one drug at each site of the drug library, so that the cross-check covers
#: the drug compartments and their pharmacodynamics (GHRH, GHS and somatostatin receptors,
#: GH-receptor agonist and antagonist, prodrug release, saturable clearance, LAR depot)
PROTOCOL = igfaxis.Protocol(doses=[
    igfaxis.Dose(drug="somatropin", amt=1.0, time_h=8.0),
    igfaxis.Dose(drug="tesamorelin", amt=2.0, time_h=22.0),
    igfaxis.Dose(drug="ipamorelin", amt=40, amt_unit="nmol/kg", route="iv", time_h=10.0,
                 dur_h=0.25),
    igfaxis.Dose(drug="octreotide", amt=20.0, route="im", time_h=12.0),
    igfaxis.Dose(drug="pegvisomant", amt=15.0, time_h=9.0),
    igfaxis.Dose(drug="somapacitan", amt=1.5, time_h=9.0),
    igfaxis.Dose(drug="lonapegsomatropin", amt=2.0, time_h=9.0),
    igfaxis.Dose(drug="mk677", amt=25.0, route="po", time_h=8.0),
])  # fmt: skip
DAYS, WARMUP_DAYS = 2.0, 3.0

#: absolute floor of the relative measure |engine - rr| / max(|rr|, floor), per state, in the
#: state's unit: ~1e-3 of its smallest physiological level (GHRH and SRIF [pg/mL], GH [ng/mL],
#: SC depots [µg] of a 1000 µg dose, IGF-1 / IGFBP-3 / ALS pools [nmol/L]; the dimensionless
#: nutrition, ghrelin, training and releasable-GH-store states, whose levels are ~0.1-1).
FLOORS = State(
    ghrh=1e-3, srif_pev=1e-3, srif_arc=1e-3, gh_pool=1e-4, gh=1e-3, gh_periph=1e-3,
    gh_depot1=1e-3, gh_transit1=1e-3, gh_depot2=1e-3, gh_transit2=1e-3,
    igf_free=1e-4, igf_binary=1e-3, igf_ternary=1e-3, bp3=1e-3, als=1e-3, liver_signal=1e-4,
    liver_signal_1=1e-4, liver_signal_2=1e-4,
    energy_status=1e-4, protein_status=1e-4, liver_nutrition=1e-4, ghrelin=1e-4, training=1e-4,
    exercise_stimulus=1e-4,
    igfbp1=1e-3, protein_reserve=1e-4,
    **dict.fromkeys(drugs.DRUG_STATES, 1e-3),  # drug compartments [µg]
)  # fmt: skip
RTOL = 1e-4
AMOUNT_STATES = tuple(n for n in State._fields if STATE_UNITS._asdict()[n] == "ug")


@pytest.fixture(scope="module")
def sbml_text():
    return to_sbml(PERSON, PROTOCOL, days=DAYS, warmup_days=WARMUP_DAYS)


def test_consistency_checks_pass(sbml_text):
    doc = libsbml.readSBMLFromString(sbml_text)
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    doc.checkConsistency()  # every category, units included
    errors = [
        doc.getError(i).getMessage()
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    assert errors == []


def test_document_content(sbml_text):
    model = libsbml.readSBMLFromString(sbml_text).getModel()
    assert model.getTimeUnits() == "hour"
    assert [model.getSpecies(i).getId() for i in range(model.getNumSpecies())] == list(
        State._fields
    )
    assert model.getNumRules() == len(State._fields) + len(Observables._fields) + 1
    p, _ = personalise(igfaxis.model.default_params(), PERSON.covariates())
    for name in Params._fields:
        q = model.getParameter(name)
        assert q.getConstant()
        # libsbml writes doubles with 15 significant digits, hence not bit-exact
        assert q.getValue() == pytest.approx(float(getattr(p, name)), rel=1e-14)
        assert f"unit: {PARAMETERS[name].unit}" in q.getNotesString()
    for name in Inputs._fields:
        assert not model.getParameter(name).getConstant()
    assert model.getParameter("time_offset_h").getValue() == -24.0 * WARMUP_DAYS
    assert model.getNumEvents() > 2  # bursts and the two edges of the one-minute bolus


def test_write_sbml(tmp_path, sbml_text):
    out = write_sbml(tmp_path / "model.xml", PERSON, PROTOCOL, days=DAYS,
                     warmup_days=WARMUP_DAYS)  # fmt: skip
    assert out.read_text("utf-8") == sbml_text


def test_bad_days_is_protocol_error():
    with pytest.raises(ProtocolError, match=r"`days` must be a number in \[0.003472, 36500\]"):
        to_sbml(PERSON, PROTOCOL, days=-1.0)


def test_missing_libsbml_raises_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "libsbml", None)  # makes `import libsbml` fail
    with pytest.raises(ImportError, match=r"pip install 'igfaxis\[sbml\]'"):
        to_sbml(PERSON, PROTOCOL, days=DAYS)


@pytest.mark.reference
def test_roadrunner_matches_engine(sbml_text):
    """STYLE G8: engine (Tsit5) and libRoadRunner (CVODE) agree at tolerance 1e-10."""
    roadrunner = pytest.importorskip("roadrunner")
    cfg = igfaxis.SolverConfig(warmup_days=WARMUP_DAYS, rtol=1e-10, atol=1e-12)
    traj = igfaxis.simulate(PERSON, PROTOCOL, days=DAYS, solver=cfg)

    rr = roadrunner.RoadRunner(sbml_text)
    rr.setIntegrator("cvode")
    rr.integrator.relative_tolerance = 1e-10
    rr.integrator.absolute_tolerance = 1e-12
    rr.integrator.maximum_num_steps = 1_000_000
    species = [n if n in AMOUNT_STATES else f"[{n}]" for n in State._fields]
    rr.timeCourseSelections = ["time", "model_time_h", *species, "igf1_total_ng_ml"]
    # SBML time s = t - t0 = t + warmup_h; start the output at s = 0 (the initial state)
    offset_h = 24.0 * WARMUP_DAYS
    out = np.asarray(rr.simulate(times=np.concatenate([[0.0], traj.times_h + offset_h])))[1:]

    np.testing.assert_allclose(out[:, 1], traj.times_h, rtol=0, atol=1e-9)
    compared = 0
    for k, name in enumerate(State._fields):
        if f"state_{name}" not in traj.variables:  # a drug this protocol does not dose
            assert np.all(out[:, 2 + k] == 0.0), name
            continue
        compared += 1
        ours, ref = traj[f"state_{name}"], out[:, 2 + k]
        rel = np.abs(ours - ref) / np.maximum(np.abs(ref), getattr(FLOORS, name))
        worst = int(np.argmax(rel))
        assert rel[worst] <= RTOL, (
            f"{name}: relative difference {rel[worst]:.3g} at t = {traj.times_h[worst]} h "
            f"(engine {ours[worst]!r}, roadrunner {ref[worst]!r})"
        )
    assert compared >= 20 + 14  # body states and the dosed drugs' compartments
    np.testing.assert_allclose(out[:, -1], traj["igf1_total_ng_ml"], rtol=RTOL)
