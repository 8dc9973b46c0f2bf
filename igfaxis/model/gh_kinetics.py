"""GH disposition and exogenous somatropin absorption.

Source: Thorsted A, Thygesen P, Agersø H, Laursen T, Kreilgaard M. Translational
mixed-effects PKPD modelling of recombinant human growth hormone - from hypophysectomized
rat to patients. Br J Pharmacol 2016;173:1742-1755 (human parameters as re-encoded in
nlmixr2lib, with its F2 erratum). Endogenous secretion enters the same central volume.

Equations (amounts in µg, concentrations in ng/mL = µg/L, time in h)::

    dD1/dt = F1 r_sc - ka1 D1          dA1/dt = ka1 D1 - ka1 A1      (fast path)
    dD2/dt = F2 r_sc - ka2 D2          dA2/dt = ka2 D2 - ka2 A2      (slow path)
    dC/dt  = Sec + (ka1 A1 + ka2 A2 + r_iv)/Vc - (CL + Vmax/(KM + C)) C / Vc
             - Q/Vc (C - Cp)
    dCp/dt = Q/Vp (C - Cp)

r_sc and r_iv are the dosing input rates [µg/h]; a bolus is a zero-order input over one
minute (see design_notes/doses.md).
"""

from __future__ import annotations

from typing import Any

__all__ = ["depot_rate", "gh_central_rate", "gh_peripheral_rate", "transit_rate"]


def depot_rate(depot: Any, fraction: Any, ka: Any, sc_rate: Any) -> Any:
    """SC depot [µg/h]: the bioavailable share of the injected rate in, first-order out."""
    return fraction * sc_rate - ka * depot


def transit_rate(transit: Any, depot: Any, ka: Any) -> Any:
    """Transit compartment between depot and plasma [µg/h]."""
    return ka * depot - ka * transit


def gh_central_rate(
    gh: Any, gh_periph: Any, secretion: Any, absorbed: Any, iv_rate: Any, p: Any
) -> Any:
    """Central (serum) GH [ng/mL/h].

    Parameters
    ----------
    gh, gh_periph
        Central and peripheral GH [ng/mL].
    secretion
        Pituitary secretion [ng/mL/h].
    absorbed
        Absorption from the SC transit compartments [µg/h].
    iv_rate
        IV input [µg/h].
    p
        Uses ``gh_cl`` [L/h], ``gh_vmax`` [µg/h], ``gh_km`` [ng/mL], ``gh_vc`` [L],
        ``gh_q`` [L/h].
    """
    clearance = p.gh_cl + p.gh_vmax / (p.gh_km + gh)
    return (
        secretion
        + (absorbed + iv_rate) / p.gh_vc
        - clearance * gh / p.gh_vc
        - p.gh_q / p.gh_vc * (gh - gh_periph)
    )


def gh_peripheral_rate(gh: Any, gh_periph: Any, p: Any) -> Any:
    """Peripheral GH [ng/mL/h]."""
    return p.gh_q / p.gh_vp * (gh - gh_periph)
