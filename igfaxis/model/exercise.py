"""Exercise: acute GH release above the lactate threshold, and training adaptation.

Sources: Pritzlaff CJ et al. 1999 J Appl Physiol 87:498 (integrated GH rises linearly with
intensity through more GH per burst, above ~0.32 x lactate threshold; burst frequency and
GH half-life unchanged; research/models.md section 5 fit); Felsing 1992 JCEM 75:157 and
Godfrey 2003 Sports Med 33:599 (a robust response needs >= 10 min above the threshold).
The acute response is modelled as an extra GHRH drive while exercising, so it passes
through the same SRIF and IGF-1 feedback as endogenous bursts. Training status T rises
with sessions and decays with detraining; it attenuates the acute response (Weltman 1997
MSSE 29:669, direction only) and raises hepatic IGF-1 synthesis modestly (resistance
training RCT meta-analysis, Amiri; calibrated).

Equations (h)::

    drive_ex = ex_drive_gain * max(0, I - ex_threshold) * (1 - train_attenuation T)
    dT/dt    = train_rate * I * (1 - T) - T / train_tau
"""

from __future__ import annotations

from typing import Any

from igfaxis.model._math import pos

__all__ = ["exercise_drive", "training_rate"]


def exercise_drive(intensity: Any, training: Any, p: Any) -> Any:
    """Extra GHRH drive while exercising [pg/mL/h]; ``intensity`` is x lactate threshold."""
    above = pos(intensity - p.ex_threshold)
    return p.ex_drive_gain * above * (1.0 - p.train_attenuation * training)


def training_rate(training: Any, intensity: Any, p: Any) -> Any:
    """dT/dt [1/h]: training status (0 untrained, towards 1 with regular training)."""
    return p.train_rate * intensity * (1.0 - training) - training / p.train_tau
