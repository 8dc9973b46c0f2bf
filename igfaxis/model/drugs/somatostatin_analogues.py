"""Somatostatin analogues: octreotide (SC/IV immediate release, IM LAR depot) and lanreotide.

They act at somatostatin receptors (SSTR2) of the somatotroph: their concentration,
expressed as somatostatin equivalents, adds to periventricular somatostatin in the
somatostatin factor of :func:`igfaxis.model.pituitary.gh_secretion`. Adenoma somatotrophs
(acromegaly) express SSTR2 as well, so the same somatostatin factor multiplies autonomous
secretion; the hypothalamic somatostatin of the network does not (its portal
concentration is already part of the normal somatotroph's regulation).

Sources
-------
- Octreotide IR: SC 100 ug in acromegaly: t1/2abs 5.4 min (ka 7.7 /h), V 29.4 L,
  CL 172 mL/min (10.3 L/h), t1/2 110 min (research/models.md 2.7, [READ]).
- Octreotide LAR 30 mg IM: plateau 1.68 ng/mL from day 7 to about day 70, apparent t1/2
  169 h (research/models.md 2.7). Release is two first-order stages at
  ln 2 / 169 h; the released fraction is set so that a single 30 mg dose peaks at the
  published plateau (table). The small day-1 burst (Cmax 0.96 ng/mL) is not modelled.
- Octreotide potency (somatostatin equivalents) is calibrated to Dimaraki EV et al. 2003:
  765 pg/mL octreotide lowers mean GH in men by 52% (research/models.md 8.3).
- Lanreotide Autogel (deep SC): Swiss label of Somatuline: IV Vss 0.2 L/kg, CL 5 mL/min/kg;
  Bronstein/Ipsen healthy-volunteer study (J Pharm Pharmacol 2004;56:471): apparent
  t1/2 22 days, relative bioavailability 0.82-0.93; US label 69-78 %. Absorption-limited:
  ka = ln 2 / 22 days. Relative molar potency at SSTR2 vs octreotide 0.8 (design value
  from the ratio of published SSTR2 affinities, recalled: check before use).
"""

from __future__ import annotations

from typing import Any

from igfaxis.model.drugs._pk import central_rate, depot_rate, transit_rate
from igfaxis.model.drugs._registry import DrugInfo, Route

__all__ = ["LANREOTIDE", "OCTREOTIDE", "concentrations", "rates", "srif_equivalent"]

OCTREOTIDE = DrugInfo(
    name="octreotide",
    title="octreotide (Sandostatin; IM = LAR)",
    drug_class="somatostatin analogue",
    site="somatostatin_receptor",
    molar_mass_g_mol=1019.2,
    routes={
        "sc": Route("octreotide_sc", 0.5, "mg", "Sandostatin label, per SC dose",
                    "immediate release"),
        "iv": Route("octreotide_iv", 0.5, "mg", "Sandostatin label, per dose",
                    "immediate release"),
        "im": Route("octreotide_im", 40.0, "mg", "Sandostatin LAR label, every 4 weeks",
                    "LAR depot"),
    },
    aliases=("sandostatin", "octreotide lar", "sandostatin lar"),
    source="acromegaly PK study (SC 100 ug); Sandostatin LAR label",
    states=("octreotide_depot", "octreotide_lar1", "octreotide_lar2", "octreotide_central"),
)

LANREOTIDE = DrugInfo(
    name="lanreotide",
    title="lanreotide Autogel (Somatuline)",
    drug_class="somatostatin analogue",
    site="somatostatin_receptor",
    molar_mass_g_mol=1096.3,
    routes={"sc": Route("lanreotide_sc", 120.0, "mg", "Somatuline label, every 4 weeks",
                        "Autogel depot")},
    aliases=("somatuline", "lanreotide autogel", "lanreotide depot"),
    source="Somatuline label; J Pharm Pharmacol 2004;56:471",
    states=("lanreotide_depot", "lanreotide_central"),
)


def _conc(y: Any, p: Any) -> tuple[Any, Any]:
    oct_ng = y.octreotide_central / p.octreotide_v
    lan_ng = y.lanreotide_central / (p.lanreotide_v * p.body_weight)
    return oct_ng, lan_ng


def concentrations(y: Any, p: Any) -> dict[str, Any]:
    """Serum drug concentrations [ng/mL]."""
    oct_ng, lan_ng = _conc(y, p)
    return {"octreotide_ng_ml": oct_ng, "lanreotide_ng_ml": lan_ng}


def srif_equivalent(y: Any, p: Any) -> Any:
    """SSTR agonism of both analogues as somatostatin equivalents [pg/mL]."""
    oct_ng, lan_ng = _conc(y, p)
    molar_ratio = OCTREOTIDE.molar_mass_g_mol / LANREOTIDE.molar_mass_g_mol
    octreotide_eq_pg = 1000.0 * (oct_ng + p.lanreotide_rel_potency * molar_ratio * lan_ng)
    return p.octreotide_potency * octreotide_eq_pg


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of the somatostatin-analogue compartments [µg/h]."""
    w = p.body_weight
    k = p.octreotide_lar_k
    inflow = p.octreotide_ka * y.octreotide_depot + k * y.octreotide_lar2 + u.octreotide_iv
    return {
        "octreotide_depot": depot_rate(y.octreotide_depot, 1.0, p.octreotide_ka,
                                       u.octreotide_sc),
        "octreotide_lar1": depot_rate(y.octreotide_lar1, p.octreotide_lar_f, k,
                                      u.octreotide_im),
        "octreotide_lar2": transit_rate(y.octreotide_lar2, y.octreotide_lar1, k),
        "octreotide_central": central_rate(y.octreotide_central, inflow, p.octreotide_v,
                                           p.octreotide_cl),
        "lanreotide_depot": depot_rate(y.lanreotide_depot, p.lanreotide_f, p.lanreotide_ka,
                                       u.lanreotide_sc),
        "lanreotide_central": central_rate(y.lanreotide_central,
                                           p.lanreotide_ka * y.lanreotide_depot,
                                           p.lanreotide_v * w, p.lanreotide_cl * w),
    }  # fmt: skip
