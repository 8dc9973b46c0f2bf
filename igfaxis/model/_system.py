"""The whole-body system: states, inputs, the vector field and derived observables.

The vector field is a composition of the named rate laws of :mod:`hypothalamus`,
:mod:`pituitary`, :mod:`gh_kinetics` and :mod:`liver`. It is written once, in the
backend-neutral vocabulary of :mod:`igfaxis.model._math`, so that the same function
evaluated on JAX values drives diffrax and evaluated on :class:`Sym` values yields the
infix rate expressions of the SBML export.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model import (
    drugs,
    exercise,
    gh_kinetics,
    hypothalamus,
    liver,
    nutrition,
    pituitary,
)
from igfaxis.model._description import MODEL, record_type
from igfaxis.model.drugs import (
    ghrh_analogues,
    ghs_agonists,
    long_acting_gh,
    pegvisomant,
    somatostatin_analogues,
)
from igfaxis.units import (
    ALS_NMOL_PER_NG,
    IGF1_NMOL_PER_NG,
    IGFBP1_NMOL_PER_NG,
    IGFBP3_NMOL_PER_NG,
)

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


#: Model state: one field per compartment (body, then the drug library's amounts [µg]),
#: generated from :data:`igfaxis.model._description.MODEL`.
State: Any = record_type("State", MODEL.states, "Model state; one field per compartment.")

#: unit of every state field
STATE_UNITS = State(*(v.unit for v in MODEL.states))

#: Piecewise-constant forcing, one value per segment between event times: the body inputs,
#: then the drug library's dosing rates [µg/h].
Inputs: Any = record_type(
    "Inputs", MODEL.inputs, "Piecewise-constant forcing; one value per segment between event times."
)

#: unit of every input field
INPUT_UNITS = Inputs(*(v.unit for v in MODEL.inputs))

#: input values with nothing happening
BASELINE_INPUTS = Inputs(*(v.value for v in MODEL.inputs))


def _ghs(y: Any, p: Any) -> Any:
    """GHS-receptor drive [Farhy GHS units]: the published basal level scaled by ghrelin,
    plus the GHS-R agonists of the drug library."""
    return p.ghs_basal * y.ghrelin + ghs_agonists.ghs_drive(y, p)


def _secretion(y: Any, u: Any, p: Any) -> Any:
    """Pituitary GH secretion [ng/mL/h] with the drugs acting at their receptors."""
    igf_total_ng = igf1_total_nmol(y) / IGF1_NMOL_PER_NG
    return u.secretion_gate * pituitary.gh_secretion(
        y.ghrh + ghrh_analogues.ghrh_equivalent(y, p), y.srif_pev, _ghs(y, p), igf_total_ng,
        p, ssa=somatostatin_analogues.srif_equivalent(y, p), adenoma_activity=u.adenoma_activity,
        pool=y.gh_pool, basal_activity=u.basal_activity,
    )


def _somatotroph_rate(y: Any, u: Any, p: Any) -> Any:
    """Regulated release per unit capacity from a full store [ng/mL/h], 0 while clamped."""
    igf_total_ng = igf1_total_nmol(y) / IGF1_NMOL_PER_NG
    return u.secretion_gate * pituitary.somatotroph_rate(
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
    drive = u.ghrh_drive + exercise.exercise_drive(y.exercise_stimulus, p)
    hepatic = y.liver_nutrition * (1.0 + p.train_igf_gain * y.training)
    return State(
        ghrh=hypothalamus.ghrh_rate(y.ghrh, y.srif_pev, y.srif_arc, drive, ghs, p),
        srif_pev=hypothalamus.srif_pev_rate(y.srif_pev, y.gh, p),
        srif_arc=hypothalamus.srif_arc_rate(y.srif_arc, y.ghrh, p),
        gh_pool=pituitary.releasable_pool_rate(y.gh_pool, _somatotroph_rate(y, u, p), p),
        gh=gh_kinetics.gh_central_rate(y.gh, y.gh_periph, secretion, absorbed, u.gh_iv_rate, p),
        gh_periph=gh_kinetics.gh_peripheral_rate(y.gh, y.gh_periph, p),
        gh_depot1=gh_kinetics.depot_rate(y.gh_depot1, p.gh_f1, p.gh_ka1, u.gh_sc_rate),
        gh_transit1=gh_kinetics.transit_rate(y.gh_transit1, y.gh_depot1, p.gh_ka1),
        gh_depot2=gh_kinetics.depot_rate(y.gh_depot2, p.gh_f2, p.gh_ka2, u.gh_sc_rate),
        gh_transit2=gh_kinetics.transit_rate(y.gh_transit2, y.gh_depot2, p.gh_ka2),
        igf_free=liver.free_igf1_rate(y.igf_free, y.liver_signal, r_b, igf_iv, hepatic, p),
        igf_binary=liver.binary_rate(y.igf_binary, r_b, r_t, p),
        igf_ternary=liver.ternary_rate(y.igf_ternary, r_t, p),
        bp3=liver.bp3_rate(y.bp3, effect, r_b, p),
        als=liver.als_rate(y.als, y.liver_signal, r_t, p),
        liver_signal=liver.hepatic_signal_rate(y.liver_signal, y.liver_signal_2, p),
        liver_signal_1=liver.hepatic_signal_rate(y.liver_signal_1, effect, p),
        liver_signal_2=liver.hepatic_signal_rate(y.liver_signal_2, y.liver_signal_1, p),
        energy_status=nutrition.energy_rate(y.energy_status, u.intake_energy, p),
        protein_status=nutrition.protein_rate(y.protein_status, u.intake_protein, p),
        liver_nutrition=nutrition.nutrition_rate(y.liver_nutrition, y.energy_status,
                                                 y.protein_status, y.protein_reserve, p),
        ghrelin=nutrition.ghrelin_rate(y.ghrelin, y.energy_status, u.meal, p),
        training=exercise.training_rate(y.training, u.exercise, p),
        exercise_stimulus=exercise.stimulus_rate(y.exercise_stimulus, u.exercise, y.training, p),
        igfbp1=nutrition.igfbp1_rate(y.igfbp1, y.energy_status, p),
        protein_reserve=nutrition.reserve_rate(y.protein_reserve, y.energy_status,
                                               y.protein_status, p),
        **drugs.rates(y, u, p),
    )  # fmt: skip


#: Derived outputs, in the units users read: the body outputs, then the drug
#: concentrations [ng/mL].
Observables: Any = record_type("Observables", MODEL.observables,
                               "Derived outputs, in the units users read.")

#: unit of every observable
OBSERVABLE_UNITS = Observables(*(v.unit for v in MODEL.observables))


def observables(y: Any, u: Any, p: Any) -> Any:
    """Observables at one time point."""
    igf_total_ng = igf1_total_nmol(y) / IGF1_NMOL_PER_NG
    secretion = _secretion(y, u, p)
    free = liver.free_igf1_unbound(y.igf_free, y.igfbp1 * IGFBP1_NMOL_PER_NG, p)
    return Observables(
        **drugs.concentrations(y, p),
        gh_ng_ml=y.gh,
        gh_secretion_ng_ml_h=secretion,
        igf1_total_ng_ml=igf_total_ng,
        igf1_free_ng_ml=free / IGF1_NMOL_PER_NG,
        igf1_igfbp1_ng_ml=(y.igf_free - free) / IGF1_NMOL_PER_NG,
        igf1_binary_ng_ml=y.igf_binary / IGF1_NMOL_PER_NG,
        igf1_ternary_ng_ml=y.igf_ternary / IGF1_NMOL_PER_NG,
        igfbp3_total_ng_ml=(y.bp3 + y.igf_binary + y.igf_ternary) / IGFBP3_NMOL_PER_NG,
        als_free_ng_ml=y.als / ALS_NMOL_PER_NG,
        ghrh_pg_ml=y.ghrh,
        srif_pg_ml=y.srif_pev,
    )


def initial_state(p: Any) -> Any:
    """The declared initial state (a rough healthy adult); ``simulate`` starts each person
    from their own habitual state instead."""
    del p
    return State(*(v.value for v in MODEL.states))
