"""Long-acting GH: somapacitan, somatrogon and lonapegsomatropin (weekly SC).

Sources
-------
- Somapacitan: Juul RV et al. Clin Pharmacokinet 2019;58:63 (structure: absorption
  through a transit compartment, one-compartment disposition); Swiss label (children:
  V/F 1.7 L, t1/2 34 h); adults with GHD: terminal t1/2 2-3 days (Bentley/Novo Nordisk
  kidney/hepatic impairment trials, Clin Pharmacokinet 2021, doi 10.1007/s40262-021-00990-7);
  US label: tmax 4-25.5 h, adult maximum 8 mg/week. Juul's saturable elimination is
  replaced by linear elimination at the adult half-life (its Vmax/Km were not available).
- Somatrogon: NGENLA US prescribing information section 12: two-compartment,
  CL/F 0.0398 L/h/kg, Vc/F 0.342 L/kg, Vp/F 0.671 L/kg, median tmax 11 h; Q and ka
  fitted to tmax and the steady-state Cmax 495 ng/mL at 0.66 mg/kg/week (table).
- Lonapegsomatropin: a PEG prodrug that releases unmodified somatropin; released hGH
  apparent t1/2 about 25 h (research/models.md 2.5). The released somatropin joins the GH
  pool of :mod:`igfaxis.model.gh_kinetics`, so its effect needs no potency constant.

Pharmacodynamics: somapacitan and somatrogon bind the GH receptor; their concentrations
add to serum GH at the liver's GH receptor with a potency (GH-equivalent ng/mL per ng/mL)
calibrated to the label dose equivalence with daily somatropin (parameter table). They do
not feed back on hypothalamic somatostatin directly; their feedback runs through IGF-1.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model.drugs._pk import central_rate, depot_rate, peripheral_rate, transit_rate
from igfaxis.model.drugs._registry import GH_LABEL, DrugInfo, Route

__all__ = [
    "LONAPEGSOMATROPIN",
    "SOMAPACITAN",
    "SOMATROGON",
    "concentrations",
    "gh_equivalent",
    "gh_release",
    "rates",
]

SOMAPACITAN = DrugInfo(
    name="somapacitan",
    title="somapacitan (Sogroya)",
    drug_class="long-acting growth hormone",
    site="gh_receptor",
    molar_mass_g_mol=23305.0,
    routes={"sc": Route("somapacitan_sc", 8.0, "mg", "Sogroya label, adult maximum per week")},
    aliases=("sogroya",),
    source="Juul 2019 Clin Pharmacokinet 58:63; Sogroya label",
    states=("somapacitan_depot", "somapacitan_transit", "somapacitan_central"),
    contraindications=GH_LABEL,
)

SOMATROGON = DrugInfo(
    name="somatrogon",
    title="somatrogon (Ngenla)",
    drug_class="long-acting growth hormone",
    site="gh_receptor",
    molar_mass_g_mol=47500.0,
    routes={"sc": Route("somatrogon_sc", 0.66, "mg/kg", "Ngenla label, weekly dose")},
    aliases=("ngenla", "mod-4023"),
    source="NGENLA prescribing information section 12",
    states=("somatrogon_depot", "somatrogon_central", "somatrogon_periph"),
    contraindications=GH_LABEL,
)

LONAPEGSOMATROPIN = DrugInfo(
    name="lonapegsomatropin",
    title="lonapegsomatropin (Skytrofa)",
    drug_class="long-acting growth hormone (prodrug)",
    site="gh_pool",
    molar_mass_g_mol=22125.0,
    routes={"sc": Route("lonapegsomatropin_sc", 0.24, "mg/kg",
                        "Skytrofa label, weekly dose (mg somatropin)")},
    aliases=("skytrofa", "transcon hgh"),
    source="Lin 2021 J Endocr Soc 6:bvab168; released hGH t1/2 about 25 h",
    states=("lonapegsomatropin_depot", "lonapegsomatropin_prodrug"),
    contraindications=GH_LABEL,
)


def _conc_somapacitan(y: Any, p: Any) -> Any:
    return y.somapacitan_central / p.somapacitan_v


def _conc_somatrogon(y: Any, p: Any) -> Any:
    return y.somatrogon_central / (p.somatrogon_v * p.body_weight)


def gh_equivalent(y: Any, p: Any) -> Any:
    """GH-receptor agonist activity of somapacitan and somatrogon [GH-equivalent ng/mL]."""
    return (p.somapacitan_potency * _conc_somapacitan(y, p)
            + p.somatrogon_potency * _conc_somatrogon(y, p))  # fmt: skip


def gh_release(y: Any, p: Any) -> Any:
    """Somatropin released by lonapegsomatropin into the GH central volume [µg/h]."""
    return p.lonapeg_krel * y.lonapegsomatropin_prodrug


def concentrations(y: Any, p: Any) -> dict[str, Any]:
    """Serum drug concentrations [ng/mL]; lonapegsomatropin shows as released somatropin."""
    return {
        "somapacitan_ng_ml": _conc_somapacitan(y, p),
        "somatrogon_ng_ml": _conc_somatrogon(y, p),
    }


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of the long-acting GH compartments [µg/h]."""
    w = p.body_weight
    return {
        "somapacitan_depot": depot_rate(y.somapacitan_depot, 1.0, p.somapacitan_ktr,
                                        u.somapacitan_sc),
        "somapacitan_transit": transit_rate(y.somapacitan_transit, y.somapacitan_depot,
                                            p.somapacitan_ktr),
        "somapacitan_central": central_rate(y.somapacitan_central,
                                            p.somapacitan_ktr * y.somapacitan_transit,
                                            p.somapacitan_v, p.somapacitan_cl),
        "somatrogon_depot": depot_rate(y.somatrogon_depot, 1.0, p.somatrogon_ka,
                                       u.somatrogon_sc),
        "somatrogon_central": central_rate(
            y.somatrogon_central, p.somatrogon_ka * y.somatrogon_depot,
            p.somatrogon_v * w, p.somatrogon_cl * w,
            q=p.somatrogon_q * w, periph=y.somatrogon_periph, vp=p.somatrogon_vp * w),
        "somatrogon_periph": peripheral_rate(y.somatrogon_central, y.somatrogon_periph,
                                             p.somatrogon_v * w, p.somatrogon_q * w,
                                             p.somatrogon_vp * w),
        "lonapegsomatropin_depot": depot_rate(y.lonapegsomatropin_depot, p.lonapeg_f,
                                              p.lonapeg_ka, u.lonapegsomatropin_sc),
        "lonapegsomatropin_prodrug": p.lonapeg_ka * y.lonapegsomatropin_depot
        - gh_release(y, p),
    }  # fmt: skip
