"""GHRH analogues: sermorelin, tesamorelin, CJC-1295 without DAC and CJC-1295 with DAC.

They act at the somatotroph GHRH receptor: the serum concentration, converted to molar
native-GHRH(1-44) equivalents and scaled by a relative potency, adds to portal GHRH in the
pituitary stimulation term of :func:`igfaxis.model.pituitary.gh_secretion`. Somatostatin
tone, GHS synergy and IGF-1 feedback therefore act on them as on endogenous GHRH: a GHRH
analogue cannot push secretion past the somatotroph's capacity, is blunted while
somatostatin is high, and leaves the pulse generator (which drives hypothalamic GHRH) in
place, so pulsatility is kept.

Sources
-------
- Sermorelin (GRF 1-29 NH2): Geref US label via RxList: V 23.7-25.8 L, CL 2.4-2.8 L/min,
  t1/2 11-12 min (IV or SC), SC tmax 5-20 min, SC bioavailability about 6%. One
  compartment cannot hold V, CL and t1/2 together (25 L and 2.6 L/min give 6.7 min); the
  model keeps CL and t1/2 and derives V = 43 L.
- Tesamorelin: Egrifta label: SC bioavailability < 4 %, tmax 0.15 h, t1/2 26 min (healthy),
  V/F 9.4 L/kg; Gonzalez-Sales M et al. Clin Pharmacokinet 2015;54: CL/F 1060 L/h. With
  F = 0.04 these give V 26 L and CL 42 L/h (t1/2 26 min). The IV route (the label's
  absolute-bioavailability reference) feeds the central compartment.
- CJC-1295 without DAC (modified GRF 1-29): no published human PK; t1/2 about 30 min is a
  design value (tetra-substituted, DPP-4 resistant GRF 1-29), V and F as sermorelin.
- CJC-1295 with DAC: Teichman SL et al. JCEM 2006;91:799: t1/2 5.8-8.1 days after SC
  doses (7 days used); binds albumin (V set to the albumin space, 0.1 L/kg: design value).
  Its potency is calibrated to the IGF-1 rise one week after 60 ug/kg (V-DRG-04, Ionescu &
  Frohman JCEM 2006); the unchanged pulse frequency (V-DRG-05) is a prediction. Calibrated
  to the same study's +46% mean overnight GH instead, IGF-1 would rise 94%: the model's
  IGF-1 responds more to raised GH troughs than the published one does.

Relative molar potency is 1 (native GHRH) for sermorelin, tesamorelin and CJC-1295
without DAC unless the parameter table says otherwise.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model.drugs._pk import central_rate, depot_rate
from igfaxis.model.drugs._registry import GH_CLASS, DrugInfo, Route

__all__ = [
    "CJC1295",
    "CJC1295_DAC",
    "SERMORELIN",
    "TESAMORELIN",
    "concentrations",
    "ghrh_equivalent",
    "rates",
]

#: molar mass of native human GHRH(1-44) NH2 [g/mol], the unit of portal GHRH in the model
GHRH_MOLAR_MASS = 5039.7

SERMORELIN = DrugInfo(
    name="sermorelin",
    title="sermorelin (GRF 1-29)",
    drug_class="GHRH analogue",
    site="ghrh_receptor",
    molar_mass_g_mol=3357.9,
    routes={
        "sc": Route("sermorelin_sc", 2.0, "mg", "Geref label, largest SC dose studied"),
        "iv": Route("sermorelin_iv", 1.0, "mg", "Geref label, largest IV dose studied"),
    },
    aliases=("geref", "grf 1-29", "grf(1-29)"),
    source="Geref label (RxList)",
    states=("sermorelin_depot", "sermorelin_central"),
    contraindications=GH_CLASS,
)

TESAMORELIN = DrugInfo(
    name="tesamorelin",
    title="tesamorelin (Egrifta)",
    drug_class="GHRH analogue",
    site="ghrh_receptor",
    molar_mass_g_mol=5135.9,
    routes={"sc": Route("tesamorelin_sc", 2.0, "mg", "Egrifta label, daily dose"),
            "iv": Route("tesamorelin_iv", 2.0, "mg", "not approved IV; the label's SC dose, "
                        "as in its absolute-bioavailability comparison")},
    aliases=("egrifta", "th9507"),
    source="Egrifta label; Gonzalez-Sales 2015 Clin Pharmacokinet 54",
    states=("tesamorelin_depot", "tesamorelin_central"),
    contraindications=("active_malignancy", "pregnancy"),  # Egrifta label [UNVERIFIED]
)

CJC1295 = DrugInfo(
    name="cjc1295",
    title="CJC-1295 without DAC (mod GRF 1-29)",
    drug_class="GHRH analogue",
    site="ghrh_receptor",
    molar_mass_g_mol=3367.9,
    routes={"sc": Route("cjc1295_sc", 0.1, "mg", "not approved; no label. Common "
                        "unlicensed single dose 100 ug used as the limit")},
    approved=False,
    aliases=("cjc-1295", "cjc-1295 no dac", "mod grf 1-29", "modgrf", "mod-grf"),
    source="no published human PK (design values)",
    states=("cjc1295_depot", "cjc1295_central"),
    contraindications=GH_CLASS,
)

CJC1295_DAC = DrugInfo(
    name="cjc1295_dac",
    title="CJC-1295 with DAC",
    drug_class="GHRH analogue (albumin-binding)",
    site="ghrh_receptor",
    molar_mass_g_mol=3647.3,
    routes={"sc": Route("cjc1295_dac_sc", 0.125, "mg/kg",
                        "not approved; largest single dose studied (Teichman 2006)")},
    approved=False,
    aliases=("cjc-1295 dac", "cjc-1295 with dac", "cjc1295-dac", "cjc-1295-dac"),
    source="Teichman 2006 JCEM 91:799; Ionescu & Frohman 2006 JCEM 91:4792",
    states=("cjc1295_dac_depot", "cjc1295_dac_central"),
    contraindications=GH_CLASS,
)

_DRUGS = (("sermorelin", SERMORELIN), ("tesamorelin", TESAMORELIN), ("cjc1295", CJC1295),
          ("cjc1295_dac", CJC1295_DAC))  # fmt: skip


def _volume(p: Any, name: str) -> Any:
    return getattr(p, f"{name}_v") * (p.body_weight if name == "cjc1295_dac" else 1.0)


def concentrations(y: Any, p: Any) -> dict[str, Any]:
    """Serum drug concentrations [ng/mL]."""
    return {f"{n}_ng_ml": getattr(y, f"{n}_central") / _volume(p, n) for n, _ in _DRUGS}


def ghrh_equivalent(y: Any, p: Any) -> Any:
    """GHRH-receptor agonism of all analogues as native-GHRH equivalents [pg/mL]."""
    total = 0.0
    for name, info in _DRUGS:
        conc_pg = 1000.0 * getattr(y, f"{name}_central") / _volume(p, name)
        total = total + getattr(p, f"{name}_potency") * conc_pg * (
            GHRH_MOLAR_MASS / info.molar_mass_g_mol)
    return total


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of the GHRH-analogue compartments [µg/h]."""
    out: dict[str, Any] = {}
    for name, info in _DRUGS:
        depot, central = getattr(y, f"{name}_depot"), getattr(y, f"{name}_central")
        ka = getattr(p, f"{name}_ka")
        w = p.body_weight if name == "cjc1295_dac" else 1.0
        iv = getattr(u, f"{name}_iv") if "iv" in info.routes else 0.0
        out[f"{name}_depot"] = depot_rate(depot, getattr(p, f"{name}_f"), ka,
                                          getattr(u, f"{name}_sc"))
        out[f"{name}_central"] = central_rate(central, ka * depot + iv, _volume(p, name),
                                              getattr(p, f"{name}_cl") * w)
    return out
