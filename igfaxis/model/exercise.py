"""Exercise: a lagged exercise stimulus with a threshold at the lactate threshold, and
training adaptation that raises the lactate threshold.

Sources: Felsing NE, Brasel JA, Cooper DM 1992 JCEM 75:157 (GH rose only after 10 min
above the lactate threshold, LT: +7.7 +/- 2.4 ug/L; not after 1 or 5 min above it, nor
after 10 min below it, +1.5 +/- 2.0 ug/L, NS); Godfrey RJ et al. 2003 Sports Med 33:599
(a robust response needs >= 10 min above the LT); Pritzlaff CJ et al. 1999 J Appl Physiol
87:498 (30-min bouts: integrated GH rises with intensity through more GH per burst, burst
frequency and GH half-life unchanged; it exceeds control only above ~0.32 x LT,
research/models.md section 5); Weltman A et al. 1997 MSSE 29:669 (6 weeks of training
raised the power output at the LT from 103 to 132 W, +28%).

Mechanism. The exercise stimulus ``s`` is the running mean of the intensity relative to
the person's *current* LT, with time constant ``ex_stimulus_tau``; GH release is driven
(as an extra GHRH drive, so it passes through the same SRIF and IGF-1 feedback as
endogenous bursts) by the excess of ``s`` over ``ex_threshold``. Two published thresholds
fix the two constants: a bout of any length needs more than ``ex_threshold`` x LT
(Pritzlaff), and 10 min at the LT is just enough (Felsing, Godfrey), so
``ex_stimulus_tau = -10 min / ln(1 - ex_threshold)`` = 25.9 min. For a bout of length d
the intensity threshold is ``ex_threshold / (1 - exp(-d / tau))``: 1.8 x LT for 5 min,
1.0 x LT for 10 min (threshold-like at the LT, as in Felsing's design), 0.47 x LT for
30 min, 0.32 x LT for very long bouts.

Intensity in a protocol (``Exercise.intensity_lt``) is a fixed load in multiples of the
person's LT at the start of the protocol (untrained, training status 0): an absolute
load, as a training plan prescribes it from an exercise test. Training status T rises with
sessions and decays with detraining; it raises the LT by the factor
``1 + lt_train_gain T``, so the same load becomes a smaller relative intensity (Weltman
1997: the GH response to a fixed absolute load falls with training), and it raises
hepatic IGF-1 synthesis modestly (resistance-training RCT meta-analysis, Amiri 2021;
calibrated).

Equations (h)::

    x        = I / (1 + lt_train_gain T)            relative to the current LT
    ds/dt    = (x - s) / ex_stimulus_tau
    drive_ex = ex_drive_gain * max(0, s - ex_threshold)
    dT/dt    = train_rate * I * (1 - T) - T / train_tau

The stimulus and the training status follow the protocol alone (no GH or IGF-1 enters
them), as the day resolution requires.
"""

from __future__ import annotations

from typing import Any

from igfaxis.model._math import pos

__all__ = ["exercise_drive", "relative_intensity", "stimulus_rate", "training_rate"]


def relative_intensity(intensity: Any, training: Any, p: Any) -> Any:
    """Intensity relative to the current lactate threshold [-].

    Parameters
    ----------
    intensity
        Load in multiples of the untrained (start-of-protocol) lactate threshold [-].
    training
        Training status T [-].
    p
        Uses ``lt_train_gain`` [-].
    """
    return intensity / (1.0 + p.lt_train_gain * training)


def stimulus_rate(stimulus: Any, intensity: Any, training: Any, p: Any) -> Any:
    """ds/dt [1/h]: the exercise stimulus follows the relative intensity with lag
    ``ex_stimulus_tau`` [h]."""
    return (relative_intensity(intensity, training, p) - stimulus) / p.ex_stimulus_tau


def exercise_drive(stimulus: Any, p: Any) -> Any:
    """Extra GHRH drive [pg/mL/h] from the exercise stimulus above ``ex_threshold``."""
    return p.ex_drive_gain * pos(stimulus - p.ex_threshold)


def training_rate(training: Any, intensity: Any, p: Any) -> Any:
    """dT/dt [1/h]: training status (0 untrained, towards 1 with regular training)."""
    return p.train_rate * intensity * (1.0 - training) - training / p.train_tau
