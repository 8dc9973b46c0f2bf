"""Pharmacokinetic building blocks shared by the drug modules.

Amounts are in µg, volumes in L, clearances in L/h, so a central amount divided by its
volume is a concentration in µg/L = ng/mL. Input rates come from the forcing as µg/h (a
bolus is a zero-order input over one minute, design_notes/doses.md). Each function is a
plain scalar rate law written in the backend-neutral vocabulary of
:mod:`igfaxis.model._math`, so it compiles to JAX and to SBML alike.

Equations::

    depot:    dA_d/dt = F r_in - ka A_d
    transit:  dA_t/dt = k (A_prev - A_t)
    central:  dA_c/dt = inflow - (CL + Vmax / (Km + C)) C - Q (C - A_p / Vp)
    periph:   dA_p/dt = Q (C - A_p / Vp)

with C = A_c / V. ``Vmax`` is in µg/h and ``Km`` in ng/mL (saturable, receptor-mediated
elimination); ``Vmax = 0`` gives linear kinetics.
"""

from __future__ import annotations

from typing import Any

__all__ = ["central_rate", "depot_rate", "elimination", "peripheral_rate", "transit_rate"]


def depot_rate(depot: Any, bioavailability: Any, ka: Any, rate_in: Any) -> Any:
    """Absorption depot [µg/h]: the bioavailable share of the input in, first order out."""
    return bioavailability * rate_in - ka * depot


def transit_rate(transit: Any, upstream: Any, k: Any) -> Any:
    """One transit (or release) compartment fed first-order by ``upstream`` [µg/h]."""
    return k * upstream - k * transit


def elimination(conc: Any, cl: Any, vmax: Any = 0.0, km: Any = 1.0) -> Any:
    """Elimination rate [µg/h] at concentration ``conc`` [ng/mL]: linear plus saturable."""
    return cl * conc + vmax * conc / (km + conc)


def central_rate(
    central: Any,
    inflow: Any,
    v: Any,
    cl: Any,
    *,
    vmax: Any = 0.0,
    km: Any = 1.0,
    q: Any = 0.0,
    periph: Any = 0.0,
    vp: Any = 1.0,
) -> Any:
    """Central compartment [µg/h]; ``inflow`` [µg/h] is absorption plus IV input."""
    conc = central / v
    return inflow - elimination(conc, cl, vmax, km) - q * (conc - periph / vp)


def peripheral_rate(central: Any, periph: Any, v: Any, q: Any, vp: Any) -> Any:
    """Peripheral compartment [µg/h]."""
    return q * (central / v - periph / vp)
