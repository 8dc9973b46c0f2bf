"""Somatropin (recombinant human GH, daily SC or IV) and mecasermin (rhIGF-1, IV).

Somatropin enters the GH pool of :mod:`igfaxis.model.gh_kinetics` (Thorsted 2016 two-path
SC absorption, two-compartment disposition with saturable clearance); there is no separate
state here. Mecasermin enters the free IGF-1 pool of :mod:`igfaxis.model.liver`.

Label maxima: adult GH deficiency, Norditropin US label, up to 0.016 mg/kg/day (recalled:
check before use); mecasermin (Increlex) 0.12 mg/kg per dose, twice daily.
"""

from __future__ import annotations

from igfaxis.model.drugs._registry import GH_LABEL, DrugInfo, Route

__all__ = ["MECASERMIN", "SOMATROPIN"]

SOMATROPIN = DrugInfo(
    name="somatropin",
    title="somatropin (rhGH)",
    drug_class="growth hormone",
    site="gh_pool",
    molar_mass_g_mol=22125.0,
    routes={
        "sc": Route("gh_sc_rate", 0.016, "mg/kg", "Norditropin label, adult GHD daily maximum"),
        "iv": Route("gh_iv_rate", 0.016, "mg/kg", "Norditropin label, adult GHD daily maximum"),
    },
    aliases=("rhgh", "gh", "growth hormone", "norditropin", "genotropin"),
    source="Thorsted 2016 Br J Pharmacol 173:1742",
    contraindications=GH_LABEL,
)

MECASERMIN = DrugInfo(
    name="mecasermin",
    title="mecasermin (rhIGF-1)",
    drug_class="IGF-1",
    site="igf1_pool",
    molar_mass_g_mol=7649.0,
    routes={"iv": Route("igf1_iv_rate", 0.12, "mg/kg", "Increlex label, per dose")},
    aliases=("rhigf-1", "increlex"),
    source="IGF-1 molar mass 7649 g/mol",
    contraindications=("active_malignancy",),  # Increlex label: active or suspected neoplasia
)
