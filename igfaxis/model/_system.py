"""The whole-body system: states, inputs, the vector field and derived observables.

The vector field is a composition of the named rate laws of :mod:`hypothalamus`,
:mod:`pituitary`, :mod:`gh_kinetics` and :mod:`liver`. It is written once, in the
backend-neutral vocabulary of :mod:`igfaxis.model._math`, so that the same function
evaluated on JAX values drives diffrax and evaluated on :class:`Sym` values yields the
infix rate expressions of the SBML export.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from igfaxis.model import (
    drugs,
    exercise,
    gh_kinetics,
    hypothalamus,
    liver,
    nutrition,
    pituitary,
)
from igfaxis.model.drugs import (
    ghrh_analogues,
    ghs_agonists,
    long_acting_gh,
    pegvisomant,
    somatostatin_analogues,
)
from igfaxis.units import ALS_NMOL_PER_NG, IGF1_NMOL_PER_NG, IGFBP3_NMOL_PER_NG

__all__ = [
    "BASELINE_INPUTS",
    "INPUT_UNITS",
    "OBSERVABLE_UNITS",
    "STATE_UNITS",
    "Inputs",
    "State",
    "initial_state",
    "observables",
    "vector_field",
]


class _BodyState(NamedTuple):
    """Body compartments (the drug library appends its own)."""

    ghrh: Any  #: portal GHRH [pg/mL]
    srif_pev: Any  #: periventricular somatostatin [pg/mL]
    srif_arc: Any  #: arcuate somatostatin [pg/mL]
    gh: Any  #: central (serum) GH [ng/mL]
    gh_periph: Any  #: peripheral GH [ng/mL]
    gh_depot1: Any  #: SC depot, fast path [µg]
    gh_transit1: Any  #: SC transit, fast path [µg]
    gh_depot2: Any  #: SC depot, slow path [µg]
    gh_transit2: Any  #: SC transit, slow path [µg]
    igf_free: Any  #: free IGF-1 [nmol/L]
    igf_binary: Any  #: IGF-1:IGFBP-3 binary complex [nmol/L]
    igf_ternary: Any  #: IGF-1:IGFBP-3:ALS ternary complex [nmol/L]
    bp3: Any  #: IGFBP-3 not carrying IGF-I [nmol/L]
    als: Any  #: free ALS [nmol/L]
    energy_status: Any  #: energy status, 1 = energy balance [-]
    protein_status: Any  #: potency-weighted protein status [g/kg/day]
    liver_nutrition: Any  #: nutritional hepatic GH sensitivity, 1 = fed reference [-]
    ghrelin: Any  #: acyl-ghrelin relative to the fed daily mean [-]
    training: Any  #: training status, 0 untrained [-]
    igfbp1: Any  #: serum IGFBP-1 [ng/mL]


#: Model state: the body compartments above, then the drug compartments of
#: :data:`igfaxis.model.drugs.DRUG_STATES` (amounts [µg]).
State: Any = NamedTuple(  # type: ignore[misc]
    "State", [(f, Any) for f in (*_BodyState._fields, *drugs.DRUG_STATES)]
)
State.__doc__ = "Model state; one field per compartment (body, then drug library)."

STATE_UNITS = State(
    **dict.fromkeys(drugs.DRUG_STATES, "ug"),
    ghrh="pg/mL", srif_pev="pg/mL", srif_arc="pg/mL", gh="ng/mL", gh_periph="ng/mL",
    gh_depot1="ug", gh_transit1="ug", gh_depot2="ug", gh_transit2="ug",
    igf_free="nmol/L", igf_binary="nmol/L", igf_ternary="nmol/L", bp3="nmol/L", als="nmol/L",
    energy_status="1", protein_status="g/kg/d", liver_nutrition="1", ghrelin="1", training="1",
    igfbp1="ng/mL",
)  # fmt: skip


class _BodyInputs(NamedTuple):
    """Body inputs (the drug library appends one dosing rate per drug and route)."""

    ghrh_drive: Any  #: burst drive of GHRH neurones [pg/mL/h]
    gh_sc_rate: Any  #: somatropin SC input rate [µg/h]
    gh_iv_rate: Any  #: somatropin IV input rate [µg/h]
    igf1_iv_rate: Any  #: IGF-1 (mecasermin) IV input rate [µg/h]
    secretion_gate: Any  #: 1, or 0 while endogenous secretion is clamped off [-]
    intake_energy: Any  #: energy intake rate, daily mean = fraction of maintenance [-]
    intake_protein: Any  #: potency-weighted protein intake rate, daily mean [g/kg/day]
    meal: Any  #: 1 while a meal is eaten, else 0 [-]
    exercise: Any  #: exercise intensity relative to the lactate threshold, 0 at rest [-]


#: Piecewise-constant forcing, one value per segment between event times: the body
#: inputs above, then :data:`igfaxis.model.drugs.DRUG_INPUTS` (dosing rates [µg/h]).
Inputs: Any = NamedTuple(  # type: ignore[misc]
    "Inputs", [(f, Any) for f in (*_BodyInputs._fields, *drugs.DRUG_INPUTS)]
)
Inputs.__doc__ = "Piecewise-constant forcing; one value per segment between event times."

INPUT_UNITS = Inputs(**dict.fromkeys(drugs.DRUG_INPUTS, "ug/h"),
                     ghrh_drive="pg/mL/h", gh_sc_rate="ug/h", gh_iv_rate="ug/h",
                     igf1_iv_rate="ug/h", secretion_gate="1", intake_energy="1",
                     intake_protein="g/kg/d", meal="1", exercise="1")  # fmt: skip

#: input values with nothing happening
BASELINE_INPUTS = Inputs(**dict.fromkeys(drugs.DRUG_INPUTS, 0.0),
                         ghrh_drive=0.0, gh_sc_rate=0.0, gh_iv_rate=0.0, igf1_iv_rate=0.0,
                         secretion_gate=1.0, intake_energy=0.0, intake_protein=0.0, meal=0.0,
                         exercise=0.0)  # fmt: skip


def _ghs(y: Any, p: Any) -> Any:
    """GHS-receptor drive [Farhy GHS units]: the published basal level scaled by ghrelin,
    plus the GHS-R agonists of the drug library."""
    return p.ghs_basal * y.ghrelin + ghs_agonists.ghs_drive(y, p)


def _secretion(y: Any, u: Any, p: Any) -> Any:
    """Pituitary GH secretion [ng/mL/h] with the drugs acting at their receptors."""
    igf_total_ng = igf1_total_nmol(y) / IGF1_NMOL_PER_NG
    return u.secretion_gate * pituitary.gh_secretion(
        y.ghrh + ghrh_analogues.ghrh_equivalent(y, p), y.srif_pev, _ghs(y, p), igf_total_ng,
        p, ssa=somatostatin_analogues.srif_equivalent(y, p),
    )


def igf1_total_nmol(y: State) -> Any:
    """Total serum IGF-1 [nmol/L]."""
    return y.igf_free + y.igf_binary + y.igf_ternary


def vector_field(y: Any, u: Any, p: Any) -> Any:
    """d(state)/dt [state unit per h] at state ``y``, inputs ``u``, parameters ``p``."""
    ghs = _ghs(y, p)
    secretion = _secretion(y, u, p)
    absorbed = (p.gh_ka1 * y.gh_transit1 + p.gh_ka2 * y.gh_transit2
                + long_acting_gh.gh_release(y, p))  # fmt: skip
    effect = liver.gh_liver_effect(y.gh + long_acting_gh.gh_equivalent(y, p), p,
                                   pegvisomant.concentration(y, p))
    r_b = liver.igf1_binding(y.igf_free, y.igf_binary, y.bp3, p)
    r_t = liver.ternary_formation(y.igf_binary, y.igf_ternary, y.als, p)
    igf_iv = u.igf1_iv_rate * IGF1_NMOL_PER_NG / (p.plasma_volume * p.body_weight)
    drive = u.ghrh_drive + exercise.exercise_drive(u.exercise, y.training, p)
    hepatic = y.liver_nutrition * (1.0 + p.train_igf_gain * y.training)
    return State(
        ghrh=hypothalamus.ghrh_rate(y.ghrh, y.srif_pev, y.srif_arc, drive, ghs, p),
        srif_pev=hypothalamus.srif_pev_rate(y.srif_pev, y.gh, p),
        srif_arc=hypothalamus.srif_arc_rate(y.srif_arc, y.ghrh, p),
        gh=gh_kinetics.gh_central_rate(y.gh, y.gh_periph, secretion, absorbed, u.gh_iv_rate, p),
        gh_periph=gh_kinetics.gh_peripheral_rate(y.gh, y.gh_periph, p),
        gh_depot1=gh_kinetics.depot_rate(y.gh_depot1, p.gh_f1, p.gh_ka1, u.gh_sc_rate),
        gh_transit1=gh_kinetics.transit_rate(y.gh_transit1, y.gh_depot1, p.gh_ka1),
        gh_depot2=gh_kinetics.depot_rate(y.gh_depot2, p.gh_f2, p.gh_ka2, u.gh_sc_rate),
        gh_transit2=gh_kinetics.transit_rate(y.gh_transit2, y.gh_depot2, p.gh_ka2),
        igf_free=liver.free_igf1_rate(y.igf_free, effect, r_b, igf_iv, hepatic, p),
        igf_binary=liver.binary_rate(y.igf_binary, r_b, r_t, p),
        igf_ternary=liver.ternary_rate(y.igf_ternary, r_t, p),
        bp3=liver.bp3_rate(y.bp3, effect, r_b, p),
        als=liver.als_rate(y.als, effect, r_t, p),
        energy_status=nutrition.energy_rate(y.energy_status, u.intake_energy, p),
        protein_status=nutrition.protein_rate(y.protein_status, u.intake_protein, p),
        liver_nutrition=nutrition.nutrition_rate(y.liver_nutrition, y.energy_status,
                                                 y.protein_status, p),
        ghrelin=nutrition.ghrelin_rate(y.ghrelin, y.energy_status, u.meal, p),
        training=exercise.training_rate(y.training, u.exercise, p),
        igfbp1=nutrition.igfbp1_rate(y.igfbp1, y.energy_status, p),
        **drugs.rates(y, u, p),
    )  # fmt: skip


class _BodyObservables(NamedTuple):
    """Derived body outputs (the drug library appends its concentrations)."""

    gh_ng_ml: Any
    gh_secretion_ng_ml_h: Any
    igf1_total_ng_ml: Any
    igf1_free_ng_ml: Any
    igf1_binary_ng_ml: Any
    igf1_ternary_ng_ml: Any
    igfbp3_total_ng_ml: Any
    als_free_ng_ml: Any
    ghrh_pg_ml: Any
    srif_pg_ml: Any


#: Derived outputs, in the units users read: the body outputs above, then the drug
#: concentrations of :data:`igfaxis.model.drugs.DRUG_CONCENTRATIONS` [ng/mL].
Observables: Any = NamedTuple(  # type: ignore[misc]
    "Observables", [(f, Any) for f in (*_BodyObservables._fields, *drugs.DRUG_CONCENTRATIONS)]
)
Observables.__doc__ = "Derived outputs, in the units users read."

OBSERVABLE_UNITS = Observables(
    **dict.fromkeys(drugs.DRUG_CONCENTRATIONS, "ng/mL"),
    gh_ng_ml="ng/mL", gh_secretion_ng_ml_h="ng/mL/h", igf1_total_ng_ml="ng/mL",
    igf1_free_ng_ml="ng/mL", igf1_binary_ng_ml="ng/mL", igf1_ternary_ng_ml="ng/mL",
    igfbp3_total_ng_ml="ng/mL", als_free_ng_ml="ng/mL", ghrh_pg_ml="pg/mL", srif_pg_ml="pg/mL",
)  # fmt: skip


def observables(y: Any, u: Any, p: Any) -> Any:
    """Observables at one time point."""
    igf_total_ng = igf1_total_nmol(y) / IGF1_NMOL_PER_NG
    secretion = _secretion(y, u, p)
    return Observables(
        **drugs.concentrations(y, p),
        gh_ng_ml=y.gh,
        gh_secretion_ng_ml_h=secretion,
        igf1_total_ng_ml=igf_total_ng,
        igf1_free_ng_ml=y.igf_free / IGF1_NMOL_PER_NG,
        igf1_binary_ng_ml=y.igf_binary / IGF1_NMOL_PER_NG,
        igf1_ternary_ng_ml=y.igf_ternary / IGF1_NMOL_PER_NG,
        igfbp3_total_ng_ml=(y.bp3 + y.igf_binary + y.igf_ternary) / IGFBP3_NMOL_PER_NG,
        als_free_ng_ml=y.als / ALS_NMOL_PER_NG,
        ghrh_pg_ml=y.ghrh,
        srif_pg_ml=y.srif_pev,
    )


def initial_state(p: Any) -> Any:
    """A rough healthy-adult state; the warm-up carries the person to their own state."""
    del p
    return State(
        **dict.fromkeys(drugs.DRUG_STATES, 0.0),
        ghrh=50.0, srif_pev=40.0, srif_arc=5.0, gh=0.5, gh_periph=0.5,
        gh_depot1=0.0, gh_transit1=0.0, gh_depot2=0.0, gh_transit2=0.0,
        igf_free=0.18, igf_binary=5.7, igf_ternary=17.6, bp3=81.0, als=150.0,
        energy_status=1.0, protein_status=1.1, liver_nutrition=1.0, ghrelin=1.0, training=0.0,
        igfbp1=40.0,
    )  # fmt: skip
