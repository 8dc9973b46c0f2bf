"""Pegvisomant: PEGylated GH-receptor antagonist with non-linear (receptor-mediated) clearance.

Pegvisomant competes with GH (and GH-receptor agonists) at the hepatic GH receptor: the
GH concentration for half-maximal effect rises by ``1 + C / Ki``
(:func:`igfaxis.model.liver.gh_liver_effect`). Because it does not act on the pituitary,
falling IGF-1 lifts the feedback on GH secretion and serum GH rises, as observed.

Sources
-------
Somavert US label (via RxList, drugs.com): SC bioavailability 57 %, V 7 L, tmax 33-77 h,
exposure rising more than dose-proportionally; steady-state concentrations 6600 / 16000 /
27000 ng/mL at 10 / 15 / 20 mg/day; loading dose 40 mg, maximum 30 mg/day. Clearance is
linear plus saturable (Muto C et al. J Clin Pharmacol 2011;51:1628 describe dose-dependent
clearance); CL, Vmax and Km were fitted to the three steady-state concentrations and ka to
tmax (parameter table). Ki is calibrated to the -50% IGF-1 at 15 mg/day of Trainer PJ et al.
NEJM 2000;342:1171 (V-DRG-11); the 10 and 20 mg arms are predictions. The IV route (the
label's bioavailability study: 20 mg SC against 10 mg IV) feeds the central compartment.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model.drugs._pk import central_rate, depot_rate
from igfaxis.model.drugs._registry import DrugInfo, Route

__all__ = ["PEGVISOMANT", "concentration", "rates"]

PEGVISOMANT = DrugInfo(
    name="pegvisomant",
    title="pegvisomant (Somavert)",
    drug_class="GH-receptor antagonist",
    site="gh_receptor",
    molar_mass_g_mol=47000.0,
    routes={"sc": Route("pegvisomant_sc", 40.0, "mg",
                        "Somavert label: 40 mg loading dose; maintenance at most 30 mg/day"),
            "iv": Route("pegvisomant_iv", 10.0, "mg",
                        "Somavert label: the IV dose of the bioavailability study")},
    aliases=("somavert",),
    source="Somavert label; Trainer 2000 NEJM 342:1171",
    states=("pegvisomant_depot", "pegvisomant_central"),
)


def concentration(y: Any, p: Any) -> Any:
    """Serum pegvisomant [ng/mL]."""
    return y.pegvisomant_central / p.pegvisomant_v


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of the pegvisomant compartments [µg/h]."""
    return {
        "pegvisomant_depot": depot_rate(y.pegvisomant_depot, p.pegvisomant_f,
                                        p.pegvisomant_ka, u.pegvisomant_sc),
        "pegvisomant_central": central_rate(
            y.pegvisomant_central, p.pegvisomant_ka * y.pegvisomant_depot + u.pegvisomant_iv,
            p.pegvisomant_v,
            p.pegvisomant_cl, vmax=p.pegvisomant_vmax, km=p.pegvisomant_km),
    }  # fmt: skip
