"""GHS-receptor (ghrelin receptor) agonists: ipamorelin (IV/SC) and MK-677 (oral).

They act where ghrelin acts in the Farhy 2007 network: the GHS level raises GHRH release,
stimulates the somatotroph directly and opposes somatostatin's inhibition (F1 term of
:func:`igfaxis.model.pituitary.gh_secretion`). A drug's GHS contribution is its molar
concentration divided by its half-maximal concentration, times the network's half-maximal
GHS level for direct somatotroph stimulation (``ghs_tg0``), so that the published
half-maximal concentration maps onto the model's half-maximal GHS drive. GHRH synergy and
the limit set by IGF-1 feedback come out of the network.

Sources
-------
- Ipamorelin: Gobburu JVS, Agerso H, Jusko WJ, Ynddal L. Pharm Res 1999;16:1412 (15-min IV
  infusions 4.21-140.45 nmol/kg in healthy men): CL 0.078 L/h/kg, Vss 0.22 L/kg,
  terminal t1/2 2 h, SC50 214 nmol/L for GH release, GH peak 0.67 h. SC absorption has no
  published human value: ka 2 /h and F 1 are design values.
- MK-677 (ibutamoren): Chapman IM et al. JCEM 1996;81:4249 (25 mg/day in older adults:
  pulse height and nadir rise, pulse number unchanged). Human PK constants were not
  available in the sources consulted: t1/2 6 h, F 0.6, ka 1 /h and V/F 5 L/kg are design
  values; its half-maximal concentration is calibrated to the IGF-1 rise after 4 weeks of
  25 mg/day (V-DRG-10, Chapman 1996). The 1.8-fold 24-h mean GH and 1.5-fold IGF-1 after
  12 months of Nass R et al. Ann Intern Med 2008;149:601 (facts DRG-063/064) are
  consistent with each other in the model but not with Chapman's larger IGF-1 rise.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model.drugs._pk import central_rate, depot_rate
from igfaxis.model.drugs._registry import GH_CLASS, DrugInfo, Route

__all__ = ["IPAMORELIN", "MK677", "concentrations", "ghs_drive", "rates"]

IPAMORELIN = DrugInfo(
    name="ipamorelin",
    title="ipamorelin",
    drug_class="GHS-R agonist",
    site="ghs_receptor",
    molar_mass_g_mol=711.9,
    routes={
        "iv": Route("ipamorelin_iv", 0.14045 * 711.9 / 1000.0, "mg/kg",
                    "not approved; largest dose studied, 140.45 nmol/kg (Gobburu 1999)"),
        "sc": Route("ipamorelin_sc", 0.14045 * 711.9 / 1000.0, "mg/kg",
                    "not approved; largest dose studied, 140.45 nmol/kg (Gobburu 1999)"),
    },
    approved=False,
    aliases=("nnc 26-0161",),
    source="Gobburu 1999 Pharm Res 16:1412",
    states=("ipamorelin_depot", "ipamorelin_central"),
    contraindications=GH_CLASS,
)

MK677 = DrugInfo(
    name="mk677",
    title="MK-677 (ibutamoren)",
    drug_class="GHS-R agonist (oral)",
    site="ghs_receptor",
    molar_mass_g_mol=528.7,
    routes={"po": Route("mk677_po", 50.0, "mg", "not approved; largest daily dose studied "
                        "(Chapman 1997)")},
    approved=False,
    aliases=("mk-677", "mk-0677", "ibutamoren", "l-163,191"),
    source="Chapman 1996 JCEM 81:4249; Nass 2008 Ann Intern Med 149:601",
    states=("mk677_gut", "mk677_central"),
    contraindications=GH_CLASS,
)


def _conc(y: Any, p: Any) -> tuple[Any, Any]:
    ipa = y.ipamorelin_central / (p.ipamorelin_v * p.body_weight)
    mk = y.mk677_central / (p.mk677_v * p.body_weight)
    return ipa, mk


def concentrations(y: Any, p: Any) -> dict[str, Any]:
    """Plasma drug concentrations [ng/mL]."""
    ipa, mk = _conc(y, p)
    return {"ipamorelin_ng_ml": ipa, "mk677_ng_ml": mk}


def ghs_drive(y: Any, p: Any) -> Any:
    """GHS-receptor drive of the agonists [Farhy GHS units]."""
    ipa, mk = _conc(y, p)
    ipa_nm = 1000.0 * ipa / IPAMORELIN.molar_mass_g_mol
    mk_nm = 1000.0 * mk / MK677.molar_mass_g_mol
    return p.ghs_tg0 * (ipa_nm / p.ipamorelin_ec50 + mk_nm / p.mk677_ec50)


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of the GHS-agonist compartments [µg/h]."""
    w = p.body_weight
    return {
        "ipamorelin_depot": depot_rate(y.ipamorelin_depot, p.ipamorelin_f, p.ipamorelin_ka,
                                       u.ipamorelin_sc),
        "ipamorelin_central": central_rate(
            y.ipamorelin_central, p.ipamorelin_ka * y.ipamorelin_depot + u.ipamorelin_iv,
            p.ipamorelin_v * w, p.ipamorelin_cl * w),
        "mk677_gut": depot_rate(y.mk677_gut, p.mk677_f, p.mk677_ka, u.mk677_po),
        "mk677_central": central_rate(y.mk677_central, p.mk677_ka * y.mk677_gut,
                                      p.mk677_v * w, p.mk677_cl * w),
    }  # fmt: skip
