"""Nutrition: energy and protein status, hepatic GH sensitivity, ghrelin.

Sources: fasting GH resistance (GH rises while IGF-1 falls; Ho 1988 JCI 81:968; Clemmons
1985 Metabolism 34:391, whose 59% fall over a 5-day fast needs hepatic IGF-1 production at
~35-38% of baseline: ``nutrition_min``, research/models.md section 5); protein dependence
of Hill form (research/models.md section 5 proposes one hand-fitted to Fontana 2008 and
Castaneda 1997; here it acts through hepatic sensitivity, which the GH feedback partly
compensates, so its constants are calibrated, with a floor: amino acids from endogenous
proteolysis keep part of the effect at very low intake); long-term calorie restriction
with adequate protein does not lower IGF-1 in humans (Fontana 2008 Aging Cell 7:681;
CALERIE 2, Fontana 2016), hence a steep energy dependence that only bites near fasting;
acyl-ghrelin half-life 24 min (Vestergaard 2007), meals suppress and fasting raises it.

Equations (h)::

    dE/dt  = (intake_energy - E) / tau_E                  energy status (1 = balance)
    dP/dt  = (intake_protein - P) / tau_P                 protein status [g/kg/day]
    g_E    = H(E; K_E, n_E) / H(1; K_E, n_E)
    g_P    = floor + (1 - floor) H(P; K_P, n_P) / H(P_ref; K_P, n_P)
    dN/dt  = ((N_min + (1 - N_min) g_E g_P) R - N) / tau_N        hepatic GH sensitivity
    R*     = R_min + (1 - R_min) H(P min(E, 1); K_R, n_R) / H(P_ref; K_R, n_R)
    dR/dt  = pos(R* - R) / tau_gain - pos(R - R*) / tau_loss      labile protein reserve
    dG/dt  = k_G ((1 + a_fast (1 - min(E, 1))) (1 - m meal) - G)     ghrelin (1 = fed mean)
    dB1/dt = k_B1 (B1_max (1 - H(E; K_B1, n_B1)) - B1)                IGFBP-1 [ng/mL]

The labile protein reserve R is the slow part of nutritional GH resistance: IGF-1 falls with
nitrogen loss (Clemmons DR et al. 1981 JCEM 53:1247, a 10-day fast: -75%, r = 0.74 with
urinary urea nitrogen; Isley WL, Underwood LE, Clemmons DR 1983 JCI 71:175, r = 0.90 with
nitrogen balance), keeps falling after day 5 of a fast, recovers over days on refeeding
(Isley: 68% of the pre-fast level after 5 days of a normal diet) and only as far as protein
and energy together allow (dietary protein is burned as fuel below energy balance). It
depends on the protocol alone (energy and protein status), as the day resolution assumes.

IGFBP-1 is made by the liver and suppressed by portal insulin (Lee PDK, Jensen MD, Divertie
GD et al., Metabolism [year, volume UNVERIFIED]: under an insulin infusion it falls with
t1/2 89 min, under somatostatin it rises 4.5-fold in 3 h): low after meals, rising through
the overnight fast (Holden JP et al. 1995 J Soc Gynecol Investig 2:38, hourly for 24 h: a
rapid fall while fed and a progressive 3.5-fold rise overnight) and further in a prolonged
fast (Cotterill AM, Holly JMP, Wass JAH 1993 Clin Endocrinol 39:357: 32 ng/mL after an 11-h
overnight fast, 144 after 32 h). The model has no insulin state: energy status ``E`` stands
in for the fed state (it jumps at each meal and decays over the fast, ``energy_tau``), and
hepatic IGFBP-1 production is a falling Hill function of it (``igfbp1_energy_k``,
``igfbp1_energy_n`` calibrated to Holden's nocturnal rise and Cotterill's 32-h level,
``igfbp1_k`` from Lee's t1/2). IGFBP-1 binds IGF-1 in the small exchanging pool, which sets
free IGF-1 (:func:`igfaxis.model.liver.free_igf1_unbound`; docs/model.md, "The day's IGF-1
curve").
"""

from __future__ import annotations

from typing import Any

from igfaxis.model._math import hill, pos

__all__ = [
    "energy_rate",
    "ghrelin_rate",
    "igfbp1_rate",
    "nutrition_rate",
    "protein_rate",
    "reserve_rate",
    "reserve_target",
]


def energy_rate(energy: Any, intake_energy: Any, p: Any) -> Any:
    """dE/dt [1/h]: energy status follows intake (fraction of maintenance) over ~a day."""
    return (intake_energy - energy) / p.energy_tau


def protein_rate(protein: Any, intake_protein: Any, p: Any) -> Any:
    """dP/dt [g/kg/day per h]: protein status follows potency-weighted protein intake."""
    return (intake_protein - protein) / p.protein_tau


def nutrition_rate(nutrition: Any, energy: Any, protein: Any, reserve: Any, p: Any) -> Any:
    """dN/dt [1/h]: hepatic GH sensitivity relaxes towards its nutritional set point, the
    acute energy and protein gate times the labile protein reserve ``reserve`` [-]."""
    g_e = hill(energy, p.energy_k, p.energy_n) / hill(1.0, p.energy_k, p.energy_n)
    relative = hill(protein, p.protein_k, p.protein_n) / hill(p.protein_ref, p.protein_k,
                                                              p.protein_n)  # fmt: skip
    g_p = p.protein_floor + (1.0 - p.protein_floor) * relative
    target = (p.nutrition_min + (1.0 - p.nutrition_min) * g_e * g_p) * reserve
    return (target - nutrition) / p.nutrition_tau


def reserve_target(energy: Any, protein: Any, p: Any) -> Any:
    """Set point of the labile protein reserve [-] at energy status ``energy`` [-] and
    protein status ``protein`` [g/kg/day]: 1 at the reference intake in energy balance.

    Dietary protein builds the reserve only as far as energy allows (below energy balance
    it is burned as fuel): the usable protein is ``protein x min(energy, 1)``.
    """
    usable = protein * (1.0 - pos(1.0 - energy))
    relative = hill(usable, p.reserve_k, p.reserve_n) / hill(p.protein_ref, p.reserve_k,
                                                             p.reserve_n)  # fmt: skip
    return p.reserve_min + (1.0 - p.reserve_min) * relative


def reserve_rate(reserve: Any, energy: Any, protein: Any, p: Any) -> Any:
    """dR/dt [1/h]: the labile protein reserve is lost over days in a negative nitrogen
    balance (``reserve_loss_tau``) and rebuilt more slowly (``reserve_gain_tau``)."""
    gap = reserve_target(energy, protein, p) - reserve
    return pos(gap) / p.reserve_gain_tau - pos(-gap) / p.reserve_loss_tau


def ghrelin_rate(ghrelin: Any, energy: Any, meal: Any, p: Any) -> Any:
    """dG/dt [1/h]: ghrelin rises with energy deficit and falls while a meal is absorbed."""
    deficit = pos(1.0 - energy)
    target = (1.0 + p.ghrelin_fast_gain * deficit) * (1.0 - p.ghrelin_meal_suppression * meal)
    return p.ghrelin_k * (target - ghrelin)


def igfbp1_rate(igfbp1: Any, energy: Any, p: Any) -> Any:
    """dIGFBP-1/dt [ng/mL/h]: hepatic IGFBP-1 is suppressed in the fed state (energy status
    ``energy`` [-] standing in for portal insulin) and rises over a fast towards
    ``igfbp1_max`` [ng/mL]; it follows with the rate ``igfbp1_k`` [1/h]."""
    target = p.igfbp1_max * (1.0 - hill(energy, p.igfbp1_energy_k, p.igfbp1_energy_n))
    return p.igfbp1_k * (target - igfbp1)
