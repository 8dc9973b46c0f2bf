"""Forcing arrays shared by every backend (numpy only, so that importing igfaxis does not
import a solver)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["pad_forcing", "stack_forcings"]


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


def stack_forcings(forcings: Sequence[tuple[np.ndarray, np.ndarray, float]],
                   size: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """:func:`pad_forcing` of each ``(boundaries, values, t1)`` to ``size``, stacked:
    ``(n, size)`` boundaries and ``(n, size, inputs)`` values, the same numbers as
    ``np.stack`` of the padded arrays.

    Each forcing is written once into arrays allocated once (padding then stacking copied
    the values twice: ~30 ms a person-year, a sixth of a 1,000-person-year cohort's time).
    """
    if len(forcings) == 0:
        raise ValueError("no forcings to stack")
    inputs = np.shape(forcings[0][1])[-1]
    b = np.empty((len(forcings), size))
    v = np.empty((len(forcings), size, inputs))
    for i, (bi, vi, t1) in enumerate(forcings):
        bi, vi = np.asarray(bi, dtype=float), np.asarray(vi, dtype=float)
        n = bi.size
        if n > size:
            raise ValueError(f"size {size} < number of boundaries {n}")
        if vi.shape != (n, inputs):
            raise ValueError(f"forcing {i}: values of shape {vi.shape}, expected {(n, inputs)}")
        b[i, :n] = bi
        b[i, n:] = t1 + 1.0 + np.arange(size - n, dtype=float)
        v[i, :n] = vi
        v[i, n:] = vi[-1]
    return b, v
