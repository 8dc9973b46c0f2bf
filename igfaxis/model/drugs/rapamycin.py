"""Rapamycin (sirolimus), oral: pharmacokinetics; it inhibits mTORC1 in the cell model.

Whole-blood kinetics, one compartment with first-order absorption. Sources: Brattstrom C
et al. Ther Drug Monit 2000;22:537 (single oral doses in healthy men: terminal t1/2
82 +/- 12 h, CL/F 278 mL/h/kg, Vss/F 23 L/kg, absorption within 1 h); Rapamune label
(bioavailability about 14 %, tmax 1-2 h, t1/2 about 62 h; loading doses above 40 mg are
split). CL/F and V/F are Brattstrom's apparent values (F folded in, so ``rapamycin_f`` is
1); ka 3.8 /h is set to a 1.5-h tmax. The cellular effect (mTORC1 inhibition through
FKBP12) is in :mod:`igfaxis.model.signalling`.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model.drugs._pk import central_rate, depot_rate
from igfaxis.model.drugs._registry import DrugInfo, Route

__all__ = ["RAPAMYCIN", "concentration", "rates"]

RAPAMYCIN = DrugInfo(
    name="rapamycin",
    title="rapamycin (sirolimus)",
    drug_class="mTOR inhibitor",
    site="mtorc1",
    molar_mass_g_mol=914.2,
    routes={"po": Route("rapamycin_po", 40.0, "mg",
                        "Rapamune label: loading doses above 40 mg are split over 2 days")},
    aliases=("sirolimus", "rapamune"),
    source="Brattstrom 2000 Ther Drug Monit 22:537; Rapamune label",
    states=("rapamycin_gut", "rapamycin_central"),
)


def concentration(y: Any, p: Any) -> Any:
    """Whole-blood rapamycin [ng/mL]."""
    return y.rapamycin_central / (p.rapamycin_v * p.body_weight)


def rates(y: Any, u: Any, p: Any) -> dict[str, Any]:
    """d(state)/dt of the rapamycin compartments [µg/h]."""
    w = p.body_weight
    return {
        "rapamycin_gut": depot_rate(y.rapamycin_gut, p.rapamycin_f, p.rapamycin_ka,
                                    u.rapamycin_po),
        "rapamycin_central": central_rate(y.rapamycin_central,
                                          p.rapamycin_ka * y.rapamycin_gut,
                                          p.rapamycin_v * w, p.rapamycin_cl * w),
    }  # fmt: skip
