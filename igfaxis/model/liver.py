"""Liver and circulation: GH-driven IGF-1, IGFBP-3 and ALS, and the three IGF-1 pools.

Sources: the GH -> synthesis law has the form of Papathanasiou T et al. 2021 (Clin
Pharmacokinet 60:1217), production = Kin0 + Emax GH/(EC50 + GH), keeping
their Kin0/Emax ratio; its scale and EC50 (7 ng/mL: the receptor does not saturate inside
every endogenous burst, and the dose response saturates as published: docs/model.md) are
calibrated (parameter table).
The binding scheme is mass action between free IGF-1, IGFBP-3 and the acid-labile
subunit (ALS): free -> binary (IGF-1:IGFBP-3, ~50 kDa) -> ternary (+ALS, ~150 kDa),
Guler HP et al. 1989 Acta Endocrinol 121:753 (pools and tracer half-lives),
IGFBP-3 Kd from a solid-phase assay;
derivation of the rate constants in docs/model.md.

IGF-1 and ALS synthesis read the hepatic signal S, E passed through a chain of three
first-order stages S1 -> S2 -> S of time constant igf_signal_tau / 3 each (mean delay
igf_signal_tau: GH receptor -> STAT5 -> transcription, translation and secretion in the
hepatocyte, whose GH/STAT5 target genes both are): they do not follow each GH burst within
minutes, nor jump with it as a single first-order lag does, but the GH exposure of the past
hours, peaking hours after it (calibration and sources: parameter table, docs/model.md).
IGFBP-3 synthesis reads E itself: the liver's IGFBP-3 is made mostly by non-parenchymal
(sinusoidal endothelial and Kupffer) cells, not hepatocytes [UNVERIFIED], and with the
delay the women's lowest IGFBP-3-raising GH dose fell to the men's (V-PHY-15, Am J
Physiol 1999: 5 vs 10 ug/kg/day).

Equations (nmol/L, h)::

    E      = ghr_function GH / (EC50 + GH)
    dS1/dt = 3 (E - S1) / igf_signal_tau,  dS2/dt = 3 (S1 - S2) / igf_signal_tau,
    dS/dt  = 3 (S2 - S) / igf_signal_tau
    s_igf  = M liver_sens igf_syn_max (kin0_frac + S)     M: nutrition x training
    s_bp3  = liver_sens bp3_syn_max (bp3_basal_frac + E)
    s_als  = liver_sens als_syn_max (als_basal_frac + S)
    r_b    = kon3 (1 - occ_II) BP3 F - kon3 Kd3 B               free + IGFBP-3 <-> binary
    r_t    = kon_als B ALS - koff_als T                         binary + ALS <-> ternary
    dF/dt   = s_igf - k_free F - r_b + r_iv / V_plasma
    dB/dt   = r_b - r_t - k_binary B
    dT/dt   = r_t - k_ternary T
    dBP3/dt = s_bp3 - bp3_k BP3 - r_b
    dALS/dt = s_als - als_k ALS - r_t

BP3 is IGFBP-3 not carrying IGF-I (free or carrying IGF-II, which is not modelled; the
share occ_II of it is taken as occupied).

F is the small, rapidly exchanging pool: IGF-1 not in IGFBP-3 complexes, truly free or
carried by IGFBP-1 (a ~30-kDa complex that, like free IGF-1, crosses the capillary wall),
which leaves and exchanges as one pool (its tracer half-life is V-PHY-08's). Within it
IGF-1 and IGFBP-1 (B1, total, nmol/L) are taken in rapid equilibrium with the apparent
dissociation constant K1 (``igfbp1_kd``; IGF-II competing for IGFBP-1 is folded into it),
so that free IGF-1 is the root of F_u + B1 F_u / (K1 + F_u) = F::

    F_u = 2 K1 F / (b + sqrt(b^2 + 4 K1 F)),   b = B1 + K1 - F

(Westwood M, Gibson JM, White A 1997 Endocrinology 138:1130 for the affinity; Frystyk J et
al. 1997 Am J Physiol 273:E507: IGFBP-1 lowered by insulin doubles ultrafiltrable free
IGF-1 at unchanged total IGF-1). Free IGF-1 does not feed back on the pituitary (total
IGF-1 does) and does not enter the rates of the pools.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "als_rate",
    "binary_rate",
    "bp3_rate",
    "free_igf1_rate",
    "free_igf1_unbound",
    "gh_liver_effect",
    "hepatic_signal_rate",
    "igf1_binding",
    "ternary_formation",
    "ternary_rate",
]


def gh_liver_effect(gh: Any, p: Any, antagonist: Any = 0.0) -> Any:
    """Fractional GH-receptor signal in the liver, E in [0, 1) [-].

    Uses ``ghr_function`` [-], ``gh_ec50`` [ng/mL] and ``pegvisomant_ki`` [ng/mL]; ``gh`` is
    the GH-receptor agonist level (serum GH plus GH-equivalent long-acting GH) [ng/mL] and
    ``antagonist`` the serum pegvisomant [ng/mL], a competitive antagonist that raises the
    apparent EC50 by ``1 + antagonist / Ki``.
    """
    ec50 = p.gh_ec50 * (1.0 + antagonist / p.pegvisomant_ki)
    return p.ghr_function * gh / (ec50 + gh)


def hepatic_signal_rate(signal: Any, upstream: Any, p: Any) -> Any:
    """d(stage)/dt [1/h] of one of the three stages S1, S2, S of the hepatic transduction
    chain: each follows the one before it (``upstream``: E for S1) with the time constant
    ``igf_signal_tau`` / 3 [h], so that the chain's mean delay is ``igf_signal_tau``."""
    return 3.0 * (upstream - signal) / p.igf_signal_tau


def igf1_binding(free: Any, binary: Any, bp3: Any, p: Any) -> Any:
    """Net binding of free IGF-1 to IGFBP-3, r_b [nmol/L/h]."""
    return p.igf_kon3 * (1.0 - p.igf2_occupancy) * bp3 * free - p.igf_kon3 * p.igf_kd3 * binary


def free_igf1_unbound(pool: Any, igfbp1: Any, p: Any) -> Any:
    """Free IGF-1 [nmol/L] in the small pool ``pool`` [nmol/L] (IGF-1 not in IGFBP-3
    complexes) at rapid equilibrium with IGFBP-1 ``igfbp1`` [nmol/L, total], apparent Kd
    ``igfbp1_kd`` [nmol/L]; the rest of the pool is carried by IGFBP-1.

    The root of a quadratic, written without the cancellation of the textbook form
    (``b`` > 0 in health; ``pool`` >= 0).
    """
    b = igfbp1 + p.igfbp1_kd - pool
    return 2.0 * p.igfbp1_kd * pool / (b + (b * b + 4.0 * p.igfbp1_kd * pool) ** 0.5)


def ternary_formation(binary: Any, ternary: Any, als: Any, p: Any) -> Any:
    """Net capture of binary complexes by ALS, r_t [nmol/L/h]."""
    return p.igf_kon_als * binary * als - p.igf_koff_als * ternary


def free_igf1_rate(
    free: Any, signal: Any, r_b: Any, iv_nmol_l_h: Any, modulation: Any, p: Any
) -> Any:
    """dF/dt [nmol/L/h]: hepatic synthesis, clearance, binding and IV IGF-1.

    ``signal`` [-] is the lagged hepatic signal S (:func:`hepatic_signal_rate`).
    ``modulation`` [-] multiplies hepatic synthesis: nutritional GH sensitivity and
    training (1 in a fed, untrained reference adult).
    """
    synthesis = modulation * p.liver_sens * p.igf_syn_max * (p.igf_kin0_frac + signal)
    return synthesis - p.igf_k_free * free - r_b + iv_nmol_l_h


def binary_rate(binary: Any, r_b: Any, r_t: Any, p: Any) -> Any:
    """dB/dt [nmol/L/h]."""
    return r_b - r_t - p.igf_k_binary * binary


def ternary_rate(ternary: Any, r_t: Any, p: Any) -> Any:
    """dT/dt [nmol/L/h]."""
    return r_t - p.igf_k_ternary * ternary


def bp3_rate(bp3: Any, effect: Any, r_b: Any, p: Any) -> Any:
    """dBP3/dt [nmol/L/h]: GH-dependent synthesis (GH-receptor signal E, not lagged),
    clearance, use by binding."""
    synthesis = p.liver_sens * p.bp3_syn_max * (p.bp3_basal_frac + effect)
    return synthesis - p.bp3_k * bp3 - r_b


def als_rate(als: Any, signal: Any, r_t: Any, p: Any) -> Any:
    """dALS/dt [nmol/L/h]: GH-dependent synthesis (lagged signal S), clearance, use in
    ternary complexes."""
    synthesis = p.liver_sens * p.als_syn_max * (p.als_basal_frac + signal)
    return synthesis - p.als_k * als - r_t
