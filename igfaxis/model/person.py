"""Person covariates -> parameters: age, sex, body size, and conditions.

Somatopause: burst size (relative to 25 y) falls by ``age_amp_decline_young`` (log units
per decade) from 18 to 30 y and by ``age_amp_decline`` per decade after 30 y: GH secretion
falls most steeply between young adulthood and midlife, in parallel with slow-wave sleep
(Van Cauter 2000 JAMA 284:861; 2-3-fold fall in the fourth decade, Van Cauter & Plat
1996), then slowly (Veldhuis 1995 JCEM 80:3209); both rates calibrated to the LIFE medians
(V-REF-01/02/03). Sex: oestrogen raises burst
frequency (PHY-016/017, 11.8 vs 10 per day) and burst mass (PHY-038), and lowers hepatic GH
sensitivity; after menopause (logistic transition centred at 50 y, width 2.5 y [design])
the female burst factors fade. Adiposity: burst size falls ~6% per BMI unit (Iranmanesh
1991); the adiposity and oestrogen factors scale basal somatotroph secretion (``pit_basal``)
as well, and the somatopause does not (Roelfsema 2016 Neuroendocrinology 103:335: basal
secretion falls with BMI, not with age). GH PK scales allometrically from 70 kg (Thorsted
2016: CL, Q, Vmax ^0.75; Vc, Vp ^0.9; ka ^-0.25).

Conditions: adult GH deficiency of pituitary cause (somatotroph loss; the default) lowers
somatotroph capacity to ``1 - severity``; of hypothalamic cause (GHRH deficiency) it lowers
GHRH-neurone output (``ghrh_function``) to ``1 - severity`` and leaves the somatotrophs
intact, so that GHRH analogues act in full and GHS agonists in part;
acromegaly adds autonomous secretion that holds mean GH at the given level; Laron syndrome
removes GH-receptor signalling (``ghr_function = 0``).

Personal multipliers (``Covariates.personal``, the parameters that calibration fits; table
in :data:`~igfaxis.model.PERSONAL_PARAMETERS`) multiply their Params fields after all of the
above, in one place (``_apply_personal``); without them the parameters are unchanged.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from igfaxis.model._personal import PERSONAL_PARAMETERS

__all__ = ["BurstModulation", "Covariates", "personalise"]


@dataclass(frozen=True)
class Covariates:
    """Plain numbers describing a person (validated upstream in :mod:`igfaxis.protocol`).

    Every field may also be a JAX value (``female`` as 0/1), so that
    :func:`personalise` can be differentiated with respect to covariates.
    """

    age_y: float
    female: bool
    weight_kg: float
    bmi: float
    pit_capacity: float = 1.0
    ghrh_function: float = 1.0
    ghr_function: float = 1.0
    acromegaly_mean_gh_ng_ml: float = 0.0
    #: 1 on oestrogen therapy (any route): systemic oestradiol at premenopausal levels
    estrogen_therapy: float = 0.0
    #: 1 when that therapy is oral (first-pass hepatic GH resistance)
    oral_estrogen: float = 0.0
    #: personal multipliers, name -> value (:data:`~igfaxis.model.PERSONAL_PARAMETERS`);
    #: a name left out is at its prior median
    personal: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BurstModulation:
    """Person-level factors applied to the burst generator."""

    rate_factor: float
    size_factor: float


def _array_module(p: Any, c: Covariates) -> Any:
    """:mod:`jax.numpy` when any input is a JAX value (traced or not), else :mod:`numpy`
    (float64, and no per-operation dispatch cost for the plain numbers of a simulation)."""
    jax = sys.modules.get("jax")  # nothing is a JAX value before JAX is imported
    if jax is None:
        return np
    leaves = (*p, *vars(c).values(), *c.personal.values())
    return jax.numpy if any(isinstance(x, jax.Array) for x in leaves) else np


def _premenopausal(xp: Any, age_y: Any) -> Any:
    return 1.0 / (1.0 + xp.exp((age_y - 50.0) / 2.5))


def _apply_personal(p: Any, personal: Mapping[str, Any]) -> Any:
    """Multiply each personal multiplier's Params fields by it (none given: ``p`` itself)."""
    if not personal:
        return p
    scaled = {}
    for name, value in personal.items():
        for f in PERSONAL_PARAMETERS[name].fields:
            scaled[f] = scaled.get(f, getattr(p, f)) * value
    return p._replace(**scaled)


def personalise(p: Any, c: Covariates) -> tuple[Any, BurstModulation]:
    """Return the person's parameters and burst modulation.

    Array-module generic: given JAX values (or under ``jax.grad``/``jax.vmap``) it runs in
    :mod:`jax.numpy`, so gradients flow from ``p`` and ``c`` to the result; given plain
    numbers it runs the same expressions in :mod:`numpy` (float64). Run JAX in float64
    (``jax_enable_x64``).

    Parameters
    ----------
    p
        Base :class:`~igfaxis.model.Params`.
    c
        The person's covariates.
    """
    xp = _array_module(p, c)
    w = c.weight_kg / 70.0
    female = xp.asarray(c.female, dtype=float)
    # systemic oestrogen: endogenous before menopause, or held by therapy at any age
    oestrogen = xp.maximum(_premenopausal(xp, c.age_y), c.estrogen_therapy) * female
    liver_sens = p.liver_sens * (1.0 + (p.female_liver_sens - 1.0) * female)
    liver_sens = liver_sens * (1.0 + (p.oral_estrogen_liver_sens - 1.0) * c.oral_estrogen * female)
    new = p._replace(
        body_weight=c.weight_kg,
        gh_cl=p.gh_cl * w**0.75,
        gh_q=p.gh_q * w**0.75,
        gh_vmax=p.gh_vmax * w**0.75,
        gh_vc=p.gh_vc * w**0.9,
        gh_vp=p.gh_vp * w**0.9,
        gh_ka1=p.gh_ka1 * w**-0.25,
        gh_ka2=p.gh_ka2 * w**-0.25,
        pit_capacity=p.pit_capacity * c.pit_capacity,
        ghrh_function=p.ghrh_function * c.ghrh_function,
        ghr_function=p.ghr_function * c.ghr_function,
        liver_sens=liver_sens,
    )
    # acromegaly: autonomous secretion that holds mean GH at the given level (0 when none)
    g = xp.asarray(c.acromegaly_mean_gh_ng_ml, dtype=float)
    clearance = new.gh_cl + new.gh_vmax / (new.gh_km + g)  # L/h at that level
    new = new._replace(gh_autonomous=xp.where(g > 0.0, g * clearance / new.gh_vc,
                                               new.gh_autonomous))  # fmt: skip
    young = (xp.clip(c.age_y, 18.0, 30.0) - 25.0) / 10.0
    older = xp.maximum(c.age_y - 30.0, 0.0) / 10.0
    log_size = -p.age_amp_decline_young * young - p.age_amp_decline * older
    # adiposity and oestrogen scale basal secretion as they scale bursts; age does not
    person_size = (xp.exp(-p.bmi_amp_slope * (c.bmi - p.bmi_ref))
                   * (1.0 + (p.female_amp_factor - 1.0) * oestrogen))  # fmt: skip
    size = xp.exp(log_size) * person_size
    rate = 1.0 + (p.female_freq_factor - 1.0) * oestrogen
    new = new._replace(pit_basal=new.pit_basal * person_size)
    # personal multipliers (calibration): applied here, last, and only here
    new = _apply_personal(new, c.personal)
    return new, BurstModulation(rate_factor=rate, size_factor=size)
