"""Numerical knobs of the engine, and the solver outcomes every backend reports."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Outcome", "SolverConfig", "state_atol"]


class Outcome(enum.IntEnum):
    """How a solve ended; every backend (JAX/diffrax, native) reports one of these.

    ``Outcome(code).message`` says what happened and what to do (diffrax's ``RESULTS``
    pattern: outcomes as an enumeration with messages).
    """

    SUCCESSFUL = 0
    MAX_STEPS_REACHED = 1
    STEP_FAILED = 2
    OTHER = 3

    @property
    def message(self) -> str:
        """One line for the user."""
        return _MESSAGES[self]


_MESSAGES = {
    Outcome.SUCCESSFUL: "The solve succeeded.",
    Outcome.MAX_STEPS_REACHED: "The maximum number of solver steps was reached. Try increasing "
    "`SolverConfig.max_steps` (long horizons need more steps).",
    Outcome.STEP_FAILED: "The step size became too small or a state became non-finite (the "
    "equations are too stiff there, or a state left its range). This is a bug in igfaxis; "
    "please report it with the scenario JSON.",
    Outcome.OTHER: "The solver failed for an internal reason. This is a bug in igfaxis; please "
    "report it with the scenario JSON.",
}


@dataclass(frozen=True)
class SolverConfig:
    """Solver settings.

    Attributes
    ----------
    rtol, atol
        Relative and absolute tolerances of the step-size controller. ``atol`` is a floor:
        state ``i`` is held to ``max(atol, rtol * s_i) + rtol * |y_i|``, with ``s_i`` its
        declared resting value (:func:`state_atol`; the drug compartments, declared 0, keep
        ``atol``).
    max_steps
        Upper bound on solver steps for one run; raise it for multi-year runs.
    save_every_h
        Spacing of saved output [h] (5 minutes by default, which resolves GH bursts).
    warmup_days
        Pulse-resolved days simulated before t = 0, under the habitual lifestyle, from the
        start state: they let the fast states and the seed's recent bursts act.
    start
        ``"habitual"``: the run starts from the person's habitual state
        (:func:`igfaxis.simulate.habitual_state`, cached); ``"initial"``: from the model
        description's rough healthy-adult state, which needs a warm-up of about three
        weeks to forget.
    """

    rtol: float = 1e-6
    atol: float = 1e-8
    max_steps: int = 2_000_000
    save_every_h: float = 5.0 / 60.0
    warmup_days: float = 2.0
    start: str = "habitual"

    def __post_init__(self) -> None:
        if self.start not in ("habitual", "initial"):
            raise ValueError(
                f"`SolverConfig.start` must be 'habitual' or 'initial'; got {self.start!r}."
            )


def state_atol(names: Sequence[str], rtol: float, atol: float) -> tuple[float, ...]:
    """Absolute tolerance of each state of ``names``: ``max(atol, rtol * s)``, with ``s`` the
    state's declared resting value (:data:`igfaxis.model.MODEL`; 50 pg/mL for GHRH, 150
    nmol/L for ALS, 0 for the drug compartments and the exercise states).

    The error of state ``i`` is measured against ``atol_i + rtol * |y_i|``: relative to its
    own value, but never finer than ``rtol`` of its physiological scale. A scalar ``atol``
    (1e-8) held a hypothalamic state to 1e-6 of its own value wherever it fell below its
    usual level, which no output resolves (docs/engine.md, "Where the native kernel's time
    goes"). Both engines use it: the native kernel per state, the JAX engine by integrating
    each state in units of ``atol_i / atol``.
    """
    from igfaxis.model import MODEL

    rest = {v.name: abs(float(v.value)) for v in MODEL.states}
    return tuple(max(float(atol), float(rtol) * rest[n]) for n in names)
