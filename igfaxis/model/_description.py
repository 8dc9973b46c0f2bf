"""The model description: every state, input, observable and parameter, declared once.

Each entry names a quantity, its unit, its one-line meaning and (states and inputs) its
value at rest. Everything else is generated from these declarations: the ``State``,
``Inputs`` and ``Observables`` record types of :mod:`igfaxis.model._system`, their unit
tables, the initial state, the baseline inputs, the SBML species and parameters, and the
state layout of every backend (JAX/diffrax, the native kernel). Parameters are declared by
the rows of ``igfaxis/data/parameters.csv`` (:data:`igfaxis.model.PARAMETERS`).

The drug library (:mod:`igfaxis.model.drugs`) contributes its compartments, dosing inputs
and concentrations from its :class:`~igfaxis.model.drugs.DrugInfo` records, so a new drug
is one record plus its rate laws.

The initial state is a rough healthy adult; :func:`igfaxis.simulate.simulate` replaces it
by the person's own habitual state before t = 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from igfaxis.model import drugs
from igfaxis.model._params import PARAMETERS, ParamSpec

__all__ = ["MODEL", "ModelDescription", "Var", "record_type"]


@dataclass(frozen=True)
class Var:
    """One declared quantity.

    Attributes
    ----------
    name
        Field name in its record (``State``, ``Inputs`` or ``Observables``).
    unit
        Unit string, in the vocabulary of :mod:`igfaxis.units` (``"1"`` = dimensionless).
    doc
        One line: what it is.
    value
        States: the initial value; inputs: the value when nothing happens. Unused for
        observables.
    """

    name: str
    unit: str
    doc: str
    value: float = 0.0


_BODY_STATES = (
    Var("ghrh", "pg/mL", "portal GHRH", 50.0),
    Var("srif_pev", "pg/mL", "periventricular somatostatin", 40.0),
    Var("srif_arc", "pg/mL", "arcuate somatostatin", 5.0),
    Var("gh_pool", "1", "releasable GH store of the somatotrophs, 1 = full", 1.0),
    Var("gh", "ng/mL", "central (serum) GH", 0.5),
    Var("gh_periph", "ng/mL", "peripheral GH", 0.5),
    Var("gh_depot1", "ug", "somatropin SC depot, fast path", 0.0),
    Var("gh_transit1", "ug", "somatropin SC transit, fast path", 0.0),
    Var("gh_depot2", "ug", "somatropin SC depot, slow path", 0.0),
    Var("gh_transit2", "ug", "somatropin SC transit, slow path", 0.0),
    Var("igf_free", "nmol/L",
        "IGF-1 not in IGFBP-3 complexes: free and carried by IGFBP-1 (one exchanging pool)", 0.18),
    Var("igf_binary", "nmol/L", "IGF-1:IGFBP-3 binary complex", 5.7),
    Var("igf_ternary", "nmol/L", "IGF-1:IGFBP-3:ALS ternary complex", 17.6),
    Var("bp3", "nmol/L", "IGFBP-3 not carrying IGF-1", 81.0),
    Var("als", "nmol/L", "free acid-labile subunit", 150.0),
    Var("liver_signal", "1",
        "hepatic synthesis signal: the GH-receptor signal lagged by hepatic transduction", 0.1),
    Var("liver_signal_1", "1", "hepatic transduction chain, first stage", 0.1),
    Var("liver_signal_2", "1", "hepatic transduction chain, second stage", 0.1),
    Var("energy_status", "1", "energy status, 1 = energy balance", 1.0),
    Var("protein_status", "g/kg/d", "potency-weighted protein status", 1.1),
    Var("liver_nutrition", "1", "nutritional hepatic GH sensitivity, 1 = fed reference", 1.0),
    Var("ghrelin", "1", "acyl-ghrelin relative to the fed daily mean", 1.0),
    Var("training", "1", "training status, 0 untrained", 0.0),
    Var("exercise_stimulus", "1",
        "exercise stimulus: lagged intensity relative to the current lactate threshold", 0.0),
    Var("igfbp1", "ng/mL", "serum IGFBP-1", 40.0),
    Var("protein_reserve", "1", "labile body-protein reserve (nitrogen-balance integral), "
        "1 = replete", 1.0),
)

_BODY_INPUTS = (
    Var("ghrh_drive", "pg/mL/h", "burst drive of GHRH neurones", 0.0),
    Var("gh_sc_rate", "ug/h", "somatropin SC input rate", 0.0),
    Var("gh_iv_rate", "ug/h", "somatropin IV input rate", 0.0),
    Var("igf1_iv_rate", "ug/h", "IGF-1 (mecasermin) IV input rate", 0.0),
    Var("secretion_gate", "1", "1, or 0 while endogenous secretion is clamped off", 1.0),
    Var("intake_energy", "1", "energy intake rate, daily mean = fraction of maintenance", 0.0),
    Var("intake_protein", "g/kg/d", "potency-weighted protein intake rate, daily mean", 0.0),
    Var("meal", "1", "1 while a meal is eaten, else 0", 0.0),
    Var("exercise", "1",
        "exercise load in multiples of the untrained lactate threshold, 0 at rest", 0.0),
    Var("adenoma_activity", "1",
        "secretory activity of a GH-secreting adenoma relative to its mean, 1 when none", 1.0),
    Var("basal_activity", "1",
        "basal (nonpulsatile) somatotroph secretory activity relative to its mean", 1.0),
)

_BODY_OBSERVABLES = (
    Var("gh_ng_ml", "ng/mL", "serum GH"),
    Var("gh_secretion_ng_ml_h", "ng/mL/h", "pituitary GH secretion"),
    Var("igf1_total_ng_ml", "ng/mL", "total serum IGF-1"),
    Var("igf1_free_ng_ml", "ng/mL", "free IGF-1 (not bound to IGFBP-3 or IGFBP-1)"),
    Var("igf1_igfbp1_ng_ml", "ng/mL", "IGF-1 carried by IGFBP-1"),
    Var("igf1_binary_ng_ml", "ng/mL", "IGF-1 in binary complexes"),
    Var("igf1_ternary_ng_ml", "ng/mL", "IGF-1 in ternary complexes"),
    Var("igfbp3_total_ng_ml", "ng/mL", "total IGFBP-3"),
    Var("als_free_ng_ml", "ng/mL", "free ALS"),
    Var("ghrh_pg_ml", "pg/mL", "portal GHRH"),
    Var("srif_pg_ml", "pg/mL", "periventricular somatostatin"),
)


def _drug_states() -> tuple[Var, ...]:
    return tuple(
        Var(s, "ug", f"{d.title}: {s.removeprefix(d.name + '_')} compartment")
        for d in drugs.DRUGS.values() for s in d.states
    )  # fmt: skip


def _drug_inputs() -> tuple[Var, ...]:
    return tuple(
        Var(r.input, "ug/h", f"{d.title} dosing rate, {route.upper()}")
        for d in drugs.DRUGS.values() if d.states for route, r in d.routes.items()
    )  # fmt: skip


def _drug_observables() -> tuple[Var, ...]:
    return tuple(
        Var(n, "ng/mL", f"{n.removesuffix('_ng_ml')} concentration")
        for n in drugs.DRUG_CONCENTRATIONS
    )


@dataclass(frozen=True)
class ModelDescription:
    """The declared quantities of the whole-body model, in record order.

    Attributes
    ----------
    states, inputs, observables
        Declarations (body first, then the drug library's).
    parameters
        The parameter table, name -> :class:`~igfaxis.model.ParamSpec`.
    drug_states
        Drug name -> the names of its compartments (those a protocol may leave out).
    """

    states: tuple[Var, ...]
    inputs: tuple[Var, ...]
    observables: tuple[Var, ...]
    parameters: MappingProxyType[str, ParamSpec]
    drug_states: MappingProxyType[str, tuple[str, ...]]

    def active_states(self, dosed: Any = ()) -> tuple[str, ...]:
        """Names of the states integrated when the drugs ``dosed`` are given: the body
        states, then the compartments of those drugs (record order)."""
        keep = {s for d in dosed for s in self.drug_states.get(d, ())}
        every_drug = {s for ss in self.drug_states.values() for s in ss}
        return tuple(v.name for v in self.states if v.name not in every_drug or v.name in keep)


MODEL = ModelDescription(
    states=_BODY_STATES + _drug_states(),
    inputs=_BODY_INPUTS + _drug_inputs(),
    observables=_BODY_OBSERVABLES + _drug_observables(),
    parameters=PARAMETERS,
    drug_states=MappingProxyType({d.name: d.states for d in drugs.DRUGS.values() if d.states}),
)


def record_type(name: str, fields: tuple[Var, ...], doc: str) -> Any:
    """A ``NamedTuple`` type with one field per declaration (a JAX pytree of scalars)."""
    cls: Any = NamedTuple(name, [(v.name, Any) for v in fields])  # type: ignore[misc]
    lines = [doc, "", "Fields", "------"]
    lines += [f"{v.name}\n    {v.doc} [{v.unit}]" for v in fields]
    cls.__doc__ = "\n".join(lines)
    return cls
