"""The drug library: pharmacokinetics and the site where each drug acts in the model.

One module per drug or class, each with its sources in the docstring and its constants in
``igfaxis/data/parameters.csv``:

============================  ==========================  ================================
module                        drugs                       site of action
============================  ==========================  ================================
:mod:`.somatropin`            somatropin, mecasermin      GH pool, IGF-1 pool
:mod:`.long_acting_gh`        somapacitan, somatrogon,    GH receptor (agonists); GH pool
                              lonapegsomatropin           (prodrug releasing somatropin)
:mod:`.ghrh_analogues`        sermorelin, tesamorelin,    somatotroph GHRH receptor
                              CJC-1295 (with/without DAC)
:mod:`.ghs_agonists`          ipamorelin, MK-677          GHS receptor (ghrelin's site)
:mod:`.somatostatin_analogues` octreotide (IR, LAR),      somatostatin receptor (normal and
                              lanreotide                  adenoma somatotrophs)
:mod:`.pegvisomant`           pegvisomant                 GH receptor (antagonist)
:mod:`.rapamycin`             rapamycin (sirolimus)       mTORC1 (cell model)
============================  ==========================  ================================

Drugs act only through these sites, so synergies (GHRH analogue + GHS agonist), limits
(somatostatin tone, somatotroph capacity, IGF-1 feedback) and pulsatility come out of the
network rather than being written per drug.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from igfaxis.model.drugs import (
    ghrh_analogues,
    ghs_agonists,
    long_acting_gh,
    pegvisomant,
    rapamycin,
    somatostatin_analogues,
    somatropin,
)
from igfaxis.model.drugs._registry import CONTRAINDICATIONS, DrugInfo, Route

__all__ = [
    "CONTRAINDICATIONS",
    "DRUGS",
    "DRUG_CONCENTRATIONS",
    "DRUG_INPUTS",
    "DRUG_STATES",
    "DrugInfo",
    "Route",
    "concentrations",
    "rates",
    "resolve",
]

_ALL = (
    somatropin.SOMATROPIN,
    somatropin.MECASERMIN,
    long_acting_gh.SOMAPACITAN,
    long_acting_gh.SOMATROGON,
    long_acting_gh.LONAPEGSOMATROPIN,
    ghrh_analogues.SERMORELIN,
    ghrh_analogues.TESAMORELIN,
    ghrh_analogues.CJC1295,
    ghrh_analogues.CJC1295_DAC,
    ghs_agonists.IPAMORELIN,
    ghs_agonists.MK677,
    somatostatin_analogues.OCTREOTIDE,
    somatostatin_analogues.LANREOTIDE,
    pegvisomant.PEGVISOMANT,
    rapamycin.RAPAMYCIN,
)

#: canonical name -> :class:`DrugInfo`
DRUGS: Mapping[str, DrugInfo] = MappingProxyType({d.name: d for d in _ALL})

#: drug compartments appended to the model state, in order [µg]
DRUG_STATES: tuple[str, ...] = tuple(s for d in _ALL for s in d.states)

#: dosing inputs the drug library adds to the model inputs [µg/h]; drugs without
#: compartments of their own (somatropin, mecasermin) feed the body model's inputs
DRUG_INPUTS: tuple[str, ...] = tuple(
    r.input for d in _ALL if d.states for r in d.routes.values()
)

#: drug concentration observables [ng/mL] (lonapegsomatropin shows as serum GH)
DRUG_CONCENTRATIONS: tuple[str, ...] = tuple(
    f"{d.name}_ng_ml" for d in _ALL if d.states and d.name != "lonapegsomatropin"
)

_ALIASES = {a: d.name for d in _ALL for a in (d.name, *d.aliases)}


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


_LOOKUP = {_key(k): v for k, v in _ALIASES.items()}


def resolve(name: str) -> DrugInfo | None:
    """The drug called ``name`` (canonical name or alias, any case), or ``None``."""
    canonical = _LOOKUP.get(_key(name))
    return DRUGS[canonical] if canonical is not None else None


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of every drug compartment [µg/h]."""
    out: dict[str, Any] = {}
    for module in (long_acting_gh, ghrh_analogues, ghs_agonists, somatostatin_analogues,
                   pegvisomant, rapamycin):  # fmt: skip
        out.update(module.rates(y, u, p))
    return out


def concentrations(y: Any, p: Any) -> dict[str, Any]:
    """Serum (rapamycin: whole-blood) drug concentrations [ng/mL], one per drug state."""
    out: dict[str, Any] = {}
    out.update(long_acting_gh.concentrations(y, p))
    out.update(ghrh_analogues.concentrations(y, p))
    out.update(ghs_agonists.concentrations(y, p))
    out.update(somatostatin_analogues.concentrations(y, p))
    out["pegvisomant_ng_ml"] = pegvisomant.concentration(y, p)
    out["rapamycin_ng_ml"] = rapamycin.concentration(y, p)
    return out
