"""Numerical knobs of the engine, as one small immutable object."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SolverConfig"]


@dataclass(frozen=True)
class SolverConfig:
    """Solver settings.

    Attributes
    ----------
    rtol, atol
        Relative and absolute tolerances of the PID step-size controller.
    max_steps
        Upper bound on solver steps for one run; raise it for multi-year runs.
    save_every_h
        Spacing of saved output [h] (5 minutes by default, which resolves GH bursts).
    warmup_days
        Days simulated before t = 0 so that the person starts at their habitual state.
    """

    rtol: float = 1e-6
    atol: float = 1e-8
    max_steps: int = 2_000_000
    save_every_h: float = 5.0 / 60.0
    warmup_days: float = 21.0
