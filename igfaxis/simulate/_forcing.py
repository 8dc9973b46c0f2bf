"""Forcing arrays shared by every backend (numpy only, so that importing igfaxis does not
import a solver)."""

from __future__ import annotations

import numpy as np

__all__ = ["pad_forcing"]


def pad_forcing(boundaries: np.ndarray, values: np.ndarray, t1: float, size: int) -> tuple:
    """Pad the step function to ``size`` boundaries (fewer recompilations, vmap-able): the
    extra boundaries lie after ``t1`` and repeat the last inputs."""
    n = boundaries.size
    extra = size - n
    if extra < 0:
        raise ValueError(f"size {size} < number of boundaries {n}")
    b = np.concatenate([boundaries, t1 + 1.0 + np.arange(extra, dtype=float)])
    v = np.concatenate([values, np.repeat(values[-1:], extra, axis=0)])
    return b, v
