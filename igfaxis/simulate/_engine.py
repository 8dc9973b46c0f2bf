"""The diffrax engine: the only module of igfaxis that imports diffrax.

One ``diffeqsolve`` covers the whole horizon. The inputs are a step function looked up by
``searchsorted``; every step boundary is passed to ``ClipStepSizeController(jump_ts=...)``
so that steps end exactly at input changes (diffrax documentation, ``ClipStepSizeController``).
"""

from __future__ import annotations

from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from igfaxis.model import Inputs, State, observables, vector_field

__all__ = ["pad_forcing", "solve", "solve_batch"]


def _inputs_at(t: Any, boundaries: Any, values: Any) -> Inputs:
    i = jnp.clip(jnp.searchsorted(boundaries, t, side="right") - 1, 0, values.shape[0] - 1)
    return Inputs(*values[i])


def _field(t: Any, y: Any, args: Any) -> Any:
    p, boundaries, values = args
    return vector_field(y, _inputs_at(t, boundaries, values), p)


def pad_forcing(boundaries: np.ndarray, values: np.ndarray, t1: float, size: int) -> tuple:
    """Pad the step function to ``size`` boundaries (fewer recompilations, vmap-able)."""
    n = boundaries.size
    extra = size - n
    if extra < 0:
        raise ValueError(f"size {size} < number of boundaries {n}")
    b = np.concatenate([boundaries, t1 + 1.0 + np.arange(extra, dtype=float)])
    v = np.concatenate([values, np.repeat(values[-1:], extra, axis=0)])
    return b, v


@eqx.filter_jit
def _solve(p, y0, boundaries, values, t0, t1, save_ts, rtol, atol, max_steps):
    term = diffrax.ODETerm(_field)
    controller = diffrax.ClipStepSizeController(
        diffrax.PIDController(rtol=rtol, atol=atol), jump_ts=boundaries
    )
    sol = diffrax.diffeqsolve(
        term,
        diffrax.Tsit5(),
        t0=t0,
        t1=t1,
        dt0=1.0 / 60.0,
        y0=State(*(jnp.asarray(a, dtype=float) for a in y0)),
        args=(p, boundaries, values),
        saveat=diffrax.SaveAt(ts=save_ts),
        stepsize_controller=controller,
        max_steps=max_steps,
        throw=False,
    )
    ys = sol.ys
    us = jax.vmap(lambda t: _inputs_at(t, boundaries, values))(save_ts)
    obs = jax.vmap(observables, in_axes=(0, 0, None))(ys, us, p)
    return ys, obs, sol.result._value, sol.stats["num_steps"]


def solve(p, y0, boundaries, values, t0, t1, save_ts, *, rtol, atol, max_steps):
    """Integrate one subject. Returns (states, observables, result code, steps)."""
    return _solve(
        p, y0, jnp.asarray(boundaries), jnp.asarray(values), jnp.asarray(t0),
        jnp.asarray(t1), jnp.asarray(save_ts), rtol, atol, max_steps,
    )  # fmt: skip


def solve_batch(p, y0, boundaries, values, t0, t1, save_ts, *, rtol, atol, max_steps):
    """Integrate a batch with ``jax.vmap`` (leading axis on every argument but save_ts)."""
    fn = eqx.filter_vmap(
        lambda p_, y_, b_, v_, a_, z_: _solve(p_, y_, b_, v_, a_, z_, save_ts, rtol, atol,
                                              max_steps),
    )  # fmt: skip
    return fn(p, y0, jnp.asarray(boundaries), jnp.asarray(values), jnp.asarray(t0),
              jnp.asarray(t1))  # fmt: skip
