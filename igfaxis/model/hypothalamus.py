"""Hypothalamus: GHRH and the two somatostatin (SRIF) pools.

Source: Farhy LS, Bowers CY, Veldhuis JD. Model-projected mechanistic bases for sex
differences in growth hormone regulation in humans. Am J Physiol Regul Integr Comp Physiol
2007;292:R1577-R1593 (SBML MODEL0912096133), with the endogenous burst drive ``u(t)`` of
research/models.md section 8.2(a) added, as the published SBML has no spontaneous pulses.

Equations (time in hours, H(x; t, n) = (x/t)^n / (1 + (x/t)^n))::

    F2          = g2 H(GHS; tg2, ng2)
    dGHRH/dt    = f_GHRH (kr3 + u(t)) (1 + F2) / (1 + ((S_PeV + S_ArC)/t4)^n4 + F2) - k3 GHRH
    dS_ArC/dt   = kr2 H(GHRH; t3, n3) - k2 S_ArC
    dS_PeV/dt   = S_basal + kr4 H(GH; t5, n5) - k4 S_PeV

GHRH and SRIF in pg/mL, GH in ng/mL, u(t) in pg/mL/h. ``f_GHRH`` (``ghrh_function``) is
the person's share of normal GHRH-neurone output: 1 in health, below 1 in hypothalamic GH
deficiency (:mod:`igfaxis.model.person`). GHS agonists raise GHRH release through F2, so
their effect shrinks with f_GHRH, as GHRP-6 fails in hypothalamo-pituitary disconnection
(Popovic V et al. JCEM 1995;80:942).
"""

from __future__ import annotations

from typing import Any

from igfaxis.model._math import hill

__all__ = ["ghrh_rate", "srif_arc_rate", "srif_pev_rate"]


def ghrh_rate(ghrh: Any, srif_pev: Any, srif_arc: Any, drive: Any, ghs: Any, p: Any) -> Any:
    """dGHRH/dt [pg/mL/h]: release (basal + burst drive), SRIF-inhibited, GHS-disinhibited.

    Parameters
    ----------
    ghrh
        Portal GHRH [pg/mL].
    srif_pev, srif_arc
        Periventricular and arcuate somatostatin [pg/mL].
    drive
        Burst drive of the GHRH neurones, u(t) [pg/mL/h].
    ghs
        Ghrelin / GHS-receptor drive [Farhy GHS units].
    p
        Uses ``ghrh_function``, ``ghrh_kr3``, ``ghrh_k3``, ``ghrh_t4``, ``ghrh_n4``,
        ``ghs_g2``, ``ghs_tg2``, ``ghs_ng2``.
    """
    f2 = p.ghs_g2 * hill(ghs, p.ghs_tg2, p.ghs_ng2)
    release = p.ghrh_function * (p.ghrh_kr3 + drive) * (1.0 + f2)
    inhibition = 1.0 + ((srif_pev + srif_arc) / p.ghrh_t4) ** p.ghrh_n4 + f2
    return release / inhibition - p.ghrh_k3 * ghrh


def srif_arc_rate(srif_arc: Any, ghrh: Any, p: Any) -> Any:
    """dS_ArC/dt [pg/mL/h]: arcuate SRIF released by GHRH (ultrashort loop)."""
    return p.srif_arc_kr2 * hill(ghrh, p.srif_arc_t3, p.srif_arc_n3) - p.srif_arc_k2 * srif_arc


def srif_pev_rate(srif_pev: Any, gh: Any, p: Any) -> Any:
    """dS_PeV/dt [pg/mL/h]: periventricular SRIF, basal plus GH short-loop feedback."""
    return (
        p.srif_pev_basal
        + p.srif_pev_kr4 * hill(gh, p.srif_pev_t5, p.srif_pev_n5)
        - p.srif_pev_k4 * srif_pev
    )
