"""What the drug library knows about each drug: class, site of action, routes, label limits.

This is data the protocol layer validates doses against (unknown drug, unsupported route,
dose above the label maximum) and the forcing compiler uses to route a dose to its input.
Pharmacokinetic and pharmacodynamic constants live in ``igfaxis/data/parameters.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["CONTRAINDICATIONS", "DrugInfo", "Route"]

#: conditions a person can state (``Person.contraindications``) that a drug's label lists
#: as contraindications; what each drug lists is ``DrugInfo.contraindications``
CONTRAINDICATIONS: tuple[str, ...] = ("active_malignancy", "acute_critical_illness",
                                      "diabetic_retinopathy", "pregnancy")  # fmt: skip
#: US labels of somatropin (Norditropin, Genotropin) and somapacitan (Sogroya), section 4
#: (recalled [UNVERIFIED]: check the current label): acute critical illness, active
#: malignancy, active proliferative or severe non-proliferative diabetic retinopathy
GH_LABEL = ("active_malignancy", "acute_critical_illness", "diabetic_retinopathy")
#: drugs that raise GH or IGF-1 without a label (secretagogues, research peptides): the GH
#: labels' malignancy contraindication applied as a class precaution
GH_CLASS = ("active_malignancy",)


@dataclass(frozen=True)
class Route:
    """One route of administration of one drug.

    Attributes
    ----------
    input
        Name of the :class:`~igfaxis.model.Inputs` field the dose feeds [µg/h].
    label_max
        Largest single dose on the label (or, for unapproved drugs, the largest dose
        studied in humans), in ``label_max_unit``; ``None`` when no limit is known.
    label_max_unit
        ``"mg"`` or ``"mg/kg"``.
    label_note
        Where the limit comes from, shown in the warning.
    formulation
        What this route delivers when the route selects a formulation (e.g. octreotide
        IM is the LAR depot).
    """

    input: str
    label_max: float | None = None
    label_max_unit: str = "mg"
    label_note: str = ""
    formulation: str = ""


@dataclass(frozen=True)
class DrugInfo:
    """A drug of the library.

    Attributes
    ----------
    name
        Canonical name used in protocols (``drug:`` field).
    title
        Display name.
    drug_class
        Pharmacological class.
    site
        Where it acts in the model: ``"gh_pool"`` (exogenous GH), ``"gh_receptor"``
        (GH-receptor agonist or antagonist), ``"ghrh_receptor"``, ``"ghs_receptor"``,
        ``"somatostatin_receptor"``, ``"igf1_pool"`` or ``"mtorc1"``.
    molar_mass_g_mol
        Molar mass used to convert nmol doses to mass.
    routes
        Supported routes.
    approved
        Whether a regulator has approved it for any indication.
    aliases
        Other accepted spellings (lower case).
    source
        Short citation of the PK sources (details in the module docstring and the
        parameter table).
    contraindications
        Conditions of :data:`CONTRAINDICATIONS` the label lists (for unapproved drugs
        that raise GH or IGF-1, the GH labels' malignancy contraindication as a class
        precaution); the optimiser never proposes such a drug to a person who states one.
    """

    name: str
    title: str
    drug_class: str
    site: str
    molar_mass_g_mol: float
    routes: Mapping[str, Route]
    approved: bool = True
    aliases: tuple[str, ...] = ()
    source: str = ""
    states: tuple[str, ...] = field(default=())
    contraindications: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "routes", MappingProxyType(dict(self.routes)))
