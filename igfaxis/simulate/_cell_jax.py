"""The JAX backend of :func:`igfaxis.simulate.simulate_cell`: RODAS4 in ``jax.lax.scan``.

The grid intervals (:func:`igfaxis.simulate._cell._interval_inputs`) are scanned in chunks
of ``_CHUNK``; within each interval a ``jax.lax.while_loop`` takes adaptive RODAS4 steps with
the Jacobian and df/dt of one ``jax.jacfwd`` pass. The chunks have a fixed length, so one
compiled kernel serves every horizon (compiled once per process). Traceable, so the solve can
be differentiated; :mod:`igfaxis.simulate._cell_native` performs the same integration with
numba and is the default.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.linalg import lu_factor, lu_solve

from igfaxis.model.signalling import CellInputs, CellState, cell_vector_field
from igfaxis.simulate._cell import (
    _A,
    _ALPHA,
    _C,
    _D,
    _GAMMA,
    _H0,
    _HELD_COLUMNS,
    _LINEAR_COLUMNS,
    _M,
    _MAX_SUBSTEPS,
    _ORDER_EST,
)

__all__ = ["integrate"]

_CHUNK = 1024  # grid intervals per call of the compiled kernel


def _rodas4_step(f: Any, t: Any, y: Any, h: Any) -> tuple[Any, Any]:
    """One RODAS4 step of ``y' = f(t, y)``: (new state, error estimate)."""
    n = y.size

    def f_z(z: Any) -> tuple[Any, Any]:
        v = f(z[n], z[:n])
        return v, v

    # one forward-mode pass gives the Jacobian, df/dt and f itself
    jac_z, f0 = jax.jacfwd(f_z, has_aux=True)(jnp.append(y, t))
    lu = lu_factor(jnp.eye(n, dtype=y.dtype) / (h * _GAMMA) - jac_z[:, :n])
    f_t = jac_z[:, n]
    a, c, d = jnp.asarray(_A), jnp.asarray(_C), jnp.asarray(_D)
    k0 = jnp.zeros((len(_M), n), y.dtype).at[0].set(lu_solve(lu, f0 + h * _D[0] * f_t))

    def stage(i: Any, k: Any) -> Any:
        fi = f(t + jnp.asarray(_ALPHA)[i] * h, y + a[i] @ k)
        return k.at[i].set(lu_solve(lu, fi + (c[i] @ k) / h + h * d[i] * f_t))

    k = jax.lax.fori_loop(1, len(_M), stage, k0)
    return y + jnp.asarray(_M) @ k, k[-1]


def _interval(p: Any, tol: Any, carry: Any, x: Any) -> tuple[Any, Any]:
    """Integrate over one grid interval with adaptive RODAS4 steps."""
    rtol, atol, max_steps = tol
    y, h, steps, ok = carry  # after a failed interval, the rest are skipped
    ta, length = x[0], x[1]
    tb = ta + length

    def f(t: Any, z: Any) -> Any:
        frac = (t - ta) / jnp.where(length > 0, length, 1.0)
        u = CellInputs(**{k: x[c] + frac * (x[c + 1] - x[c]) for k, c in _LINEAR_COLUMNS.items()},
                       **{k: x[c] for k, c in _HELD_COLUMNS.items()})  # fmt: skip
        return jnp.stack(cell_vector_field(CellState(*z), u, p))

    def cond(s: Any) -> Any:
        t, _, _, n, total = s
        return ok & (t < tb) & (n < _MAX_SUBSTEPS) & (total < max_steps)

    def body(s: Any) -> Any:
        t, y, h, n, total = s
        last = h >= tb - t
        hh = jnp.where(last, tb - t, h)
        y_new, err = _rodas4_step(f, t, y, hh)
        scale = atol + rtol * jnp.maximum(jnp.abs(y), jnp.abs(y_new))
        norm = jnp.sqrt(jnp.mean((err / scale) ** 2))
        accept = norm <= 1.0  # False for NaN: the step is retried smaller
        fac = jnp.clip(0.9 * norm ** (-1.0 / _ORDER_EST), 0.2, 6.0)
        h_next = hh * jnp.where(jnp.isfinite(fac), fac, 0.2)
        # a step cut short at the interval end does not shrink the next proposal
        h_next = jnp.where(accept & last, jnp.maximum(h_next, h), h_next)
        t = jnp.where(accept, jnp.where(last, tb, t + hh), t)
        return t, jnp.where(accept, y_new, y), h_next, n + 1, total + 1

    t, y, h, _, steps = jax.lax.while_loop(cond, body, (ta, y, h, 0, steps))
    done = ok & (t >= tb)
    return (y, h, steps, done), (y, done)


@jax.jit
def _solve_chunk(p: Any, tol: Any, carry: Any, xs: Any) -> tuple[Any, Any]:
    return jax.lax.scan(partial(_interval, p, tol), carry, xs)


def integrate(p: Any, y0: np.ndarray, rows: np.ndarray, rtol: float, atol: float,
               max_steps: int) -> tuple[np.ndarray, np.ndarray, int]:
    """States at every grid point (``rows`` from :func:`_interval_inputs`), whether each
    interval was completed, and the number of steps (accepted and rejected)."""
    n = rows.shape[0]
    pad = -n % _CHUNK
    end = np.array([rows[-1, 0] + rows[-1, 1], 0.0, *rows[-1, 2:]])
    xs = np.concatenate([rows, np.repeat(end[None], pad, axis=0)])  # zero-length intervals
    dtype = jnp.asarray(0.0).dtype  # float64 if the caller enabled x64, else float32
    arr = partial(jnp.asarray, dtype=dtype)
    pj = type(p)(*(arr(v) for v in p))
    tol = (arr(rtol), arr(atol), jnp.asarray(max_steps, jnp.int32))
    carry = (arr(y0), arr(_H0), jnp.asarray(0, jnp.int32), jnp.asarray(True))
    out, done = [y0[None]], []
    for k in range(0, xs.shape[0], _CHUNK):
        carry, (ys, ok) = _solve_chunk(pj, tol, carry, arr(xs[k:k + _CHUNK]))
        out.append(ys)
        done.append(ok)
    states = np.concatenate([np.asarray(o, float) for o in out])[: n + 1]
    return states, np.concatenate([np.asarray(d) for d in done])[:n], int(carry[2])
