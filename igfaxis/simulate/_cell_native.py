"""The native backend of :func:`igfaxis.simulate.simulate_cell`: RODAS4 compiled by numba.

The cell vector field (:func:`igfaxis.model.signalling.cell_vector_field`) is evaluated on
symbolic leaves (:class:`~igfaxis.model.Sym`) for the state, the inputs and the signalling
parameters; :mod:`igfaxis.model._symdiff` differentiates the graph exactly, and
:func:`igfaxis.model._graph.emit_function` writes two straight-line functions::

    rhs(y, u, p, dy)                   # dy = f(y, u)
    rhs_jac(y, u, p, du, dy, jac, ft)  # and jac = df/dy, ft = df/du . du/dt

``du`` is the time derivative of the inputs, constant within a grid interval (free IGF-1,
energy status and rapamycin are linear in time there, the meal inputs held), so ``ft`` is
the exact df/dt that the JAX path takes from ``jax.jacfwd`` in the time direction.

The kernel below performs exactly the integration of :mod:`igfaxis.simulate._cell_jax`: the
same grid rows, RODAS4 tableau, error norm, step-size rule, ``_MAX_SUBSTEPS`` and
``max_steps`` semantics (all imported from :mod:`igfaxis.simulate._cell`), with the linear
systems solved by a dense LU with partial pivoting (the state has 21 components). The
generated module is stored in the cache folder (:func:`igfaxis._cache.cache_dir`) under a name
made from the hash of its text, written atomically and imported; numba compiles it with
``cache=True``, so a new process loads the machine code from disk. JAX is never imported.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import numpy as np

from igfaxis._cache import import_generated
from igfaxis.model import Sym, default_signalling_params
from igfaxis.model._graph import emit_function
from igfaxis.model._symdiff import gradients
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

__all__ = ["functions_source", "integrate", "module_source"]

_HEADER = """\
import math

import numba
import numpy as np

device = numba.njit(cache=True, nogil=True, error_model="numpy")
"""

# The integrator, after the generated functions and constants (N, NS, tableau, columns).
_KERNEL = '''

@device
def inputs(x, t, u, du):
    """Inputs at time t in interval row x, and their time derivative (as _cell_jax's f)."""
    length = x[1]
    scale = length if length > 0.0 else 1.0
    frac = (t - x[0]) / scale
    for j in range(NU):
        c = LIN_COL[j]
        if c >= 0:
            u[j] = x[c] + frac * (x[c + 1] - x[c])
            du[j] = (1.0 / scale) * (x[c + 1] - x[c])
        else:
            u[j] = x[HELD_COL[j]]
            du[j] = 0.0


@device
def lu_factor(m, piv):
    """In-place LU with partial pivoting (row swaps applied in order, as LAPACK getrf)."""
    for k in range(N):
        r = k
        big = abs(m[k, k])
        for i in range(k + 1, N):
            v = abs(m[i, k])
            if v > big:
                big = v
                r = i
        piv[k] = r
        if r != k:
            for j in range(N):
                tmp = m[k, j]
                m[k, j] = m[r, j]
                m[r, j] = tmp
        d = m[k, k]
        for i in range(k + 1, N):
            if m[i, k] != 0.0:
                f = m[i, k] / d
                m[i, k] = f
                for j in range(k + 1, N):
                    m[i, j] -= f * m[k, j]


@device
def lu_solve(m, piv, b):
    """Solve (LU) x = b in place."""
    for k in range(N):
        r = piv[k]
        if r != k:
            tmp = b[k]
            b[k] = b[r]
            b[r] = tmp
    for i in range(N):
        s = b[i]
        for j in range(i):
            s -= m[i, j] * b[j]
        b[i] = s
    for i in range(N - 1, -1, -1):
        s = b[i]
        for j in range(i + 1, N):
            s -= m[i, j] * b[j]
        b[i] = s / m[i, i]


@device
def rodas4_step(p, x, t, y, h, y_new, k, f0, jac, ft, m, piv, yi, u, du):
    """One RODAS4 step of y' = f(t, y) from (t, y) with step h: y_new; the error is k[NS-1]."""
    inputs(x, t, u, du)
    jac[:, :] = 0.0
    rhs_jac(y, u, p, du, f0, jac, ft)
    g = 1.0 / (h * GAMMA)
    for i in range(N):
        for j in range(N):
            m[i, j] = -jac[i, j]
        m[i, i] += g
    lu_factor(m, piv)
    for i in range(N):
        k[0, i] = f0[i] + h * D[0] * ft[i]
    lu_solve(m, piv, k[0])
    for s in range(1, NS):
        for i in range(N):
            acc = 0.0
            for j in range(s):
                acc += A[s, j] * k[j, i]
            yi[i] = y[i] + acc
        inputs(x, t + ALPHA[s] * h, u, du)
        rhs(yi, u, p, k[s])
        for i in range(N):
            acc = 0.0
            for j in range(s):
                acc += C[s, j] * k[j, i]
            k[s, i] = k[s, i] + acc / h + h * D[s] * ft[i]
        lu_solve(m, piv, k[s])
    for i in range(N):
        acc = 0.0
        for s in range(NS):
            acc += M[s] * k[s, i]
        y_new[i] = y[i] + acc


@device
def nan_max(a, b):
    """max(a, b) that propagates NaN (as jnp.maximum)."""
    if a != a or b != b:
        return math.nan
    return a if a > b else b


@device
def integrate(p, y0, rows, rtol, atol, max_steps, h0, out, done):
    """States at every grid point into out (rows + 1, N), interval success into done;
    returns the number of steps (accepted and rejected)."""
    y = y0.copy()
    y_new = np.empty(N)
    k = np.zeros((NS, N))
    f0 = np.empty(N)
    ft = np.empty(N)
    yi = np.empty(N)
    jac = np.zeros((N, N))
    m = np.empty((N, N))
    piv = np.empty(N, dtype=np.int64)
    u = np.empty(NU)
    du = np.empty(NU)
    for i in range(N):
        out[0, i] = y[i]
    h = h0
    steps = 0
    ok = True
    for r in range(rows.shape[0]):
        x = rows[r]
        ta = x[0]
        tb = ta + x[1]
        t = ta
        n = 0
        while ok and t < tb and n < MAX_SUBSTEPS and steps < max_steps:
            last = h >= tb - t
            hh = tb - t if last else h
            rodas4_step(p, x, t, y, hh, y_new, k, f0, jac, ft, m, piv, yi, u, du)
            acc = 0.0
            for i in range(N):
                scale = atol + rtol * nan_max(abs(y[i]), abs(y_new[i]))
                e = k[NS - 1, i] / scale
                acc += e * e
            norm = math.sqrt(acc / N)
            accept = norm <= 1.0  # False for NaN: the step is retried smaller
            fac = 0.9 * norm ** (-1.0 / ORDER_EST)
            if fac != fac:
                fac = 0.2
            else:
                fac = min(max(fac, 0.2), 6.0)
            h_next = hh * fac
            # a step cut short at the interval end does not shrink the next proposal
            if accept and last:
                h_next = max(h_next, h)
            if accept:
                t = tb if last else t + hh
                for i in range(N):
                    y[i] = y_new[i]
            h = h_next
            n += 1
            steps += 1
        ok = ok and t >= tb
        for i in range(N):
            out[r + 1, i] = y[i]
        done[r] = ok
    return steps
'''


def _names() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    params = default_signalling_params()._fields
    clash = (set(CellState._fields) | set(CellInputs._fields)).intersection(params)
    if clash or set(CellState._fields).intersection(CellInputs._fields):
        raise ValueError(f"cell state, input and parameter names overlap ({sorted(clash)}). "
                         "This is a bug in igfaxis; please report it.")  # fmt: skip
    return CellState._fields, CellInputs._fields, params


def functions_source(decorator: str = "device") -> str:
    """Generated ``rhs`` and ``rhs_jac`` of the cell model (plain Python with
    ``decorator=""``; they use ``math``)."""
    states, inputs, params = _names()
    y = CellState(*(Sym(n) for n in states))
    u = CellInputs(*(Sym(n) for n in inputs))
    p = type(default_signalling_params())(*(Sym(n) for n in params))
    f = tuple(cell_vector_field(y, u, p))
    grads = gradients(f, (*states, *_LINEAR_COLUMNS))
    leaves = {n: f"y[{i}]" for i, n in enumerate(states)}
    leaves.update({n: f"u[{j}]" for j, n in enumerate(inputs)})
    leaves.update({n: f"p[{k}]" for k, n in enumerate(params)})
    leaves.update({f"du_{n}": f"du[{j}]" for j, n in enumerate(inputs)})
    ft = []
    for g in grads:
        acc: Any = 0.0
        for name in _LINEAR_COLUMNS:
            acc = acc + g.get(name, 0.0) * Sym(f"du_{name}")  # folds a 0.0 partial away
        ft.append(acc)
    dy = [(f"dy[{i}]", v) for i, v in enumerate(f)]
    jac = [(f"jac[{i}, {j}]", g[n]) for i, g in enumerate(grads)
           for j, n in enumerate(states) if n in g]  # fmt: skip
    rhs = emit_function("rhs", ("y", "u", "p", "dy"), leaves, dy, decorator)
    rhs_jac = emit_function("rhs_jac", ("y", "u", "p", "du", "dy", "jac", "ft"), leaves,
                            [*dy, *jac, *((f"ft[{i}]", v) for i, v in enumerate(ft))],
                            decorator)  # fmt: skip
    return rhs + "\n\n" + rhs_jac


def _constants() -> str:
    """Sizes, the RODAS4 tableau and step-size constants of :mod:`igfaxis.simulate._cell`,
    and the interval-row columns of each input (-1: not of that kind)."""
    inputs = CellInputs._fields
    lin = tuple(_LINEAR_COLUMNS.get(n, -1) for n in inputs)
    held = tuple(_HELD_COLUMNS.get(n, -1) for n in inputs)
    if any((a < 0) == (b < 0) for a, b in zip(lin, held, strict=True)):
        raise ValueError("every cell input must be either linear or held over an interval. "
                         "This is a bug in igfaxis; please report it.")  # fmt: skip
    rows = [
        f"N = {len(CellState._fields)}",
        f"NU = {len(inputs)}",
        f"NS = {len(_M)}",
        f"GAMMA = {_GAMMA!r}",
        f"ORDER_EST = {_ORDER_EST!r}",
        f"MAX_SUBSTEPS = {_MAX_SUBSTEPS!r}",
        f"ALPHA = np.array({list(_ALPHA)!r})",
        f"D = np.array({list(_D)!r})",
        f"M = np.array({list(_M)!r})",
        f"A = np.array({[list(r) for r in _A]!r})",
        f"C = np.array({[list(r) for r in _C]!r})",
        f"LIN_COL = np.array({list(lin)!r})",
        f"HELD_COL = np.array({list(held)!r})",
    ]
    return "\n".join(rows) + "\n"


@functools.cache
def module_source() -> str:
    """Full text of the generated module."""
    doc = ('"""Generated by igfaxis.simulate._cell_native: the cell-signalling RODAS4 kernel '
           f'({len(CellState._fields)} states). Do not edit."""\n\n')  # fmt: skip
    return doc + _HEADER + "\n" + _constants() + "\n\n" + functions_source() + _KERNEL


@functools.cache
def _load() -> ModuleType:
    text = module_source()
    return import_generated("igfaxis_cell", text)


def integrate(p: Any, y0: np.ndarray, rows: np.ndarray, rtol: float, atol: float,
              max_steps: int) -> tuple[np.ndarray, np.ndarray, int]:  # fmt: skip
    """States at every grid point (``rows`` from
    :func:`igfaxis.simulate._cell._interval_inputs`), whether each interval was completed,
    and the number of steps (accepted and rejected): as ``_cell_jax.integrate``."""
    mod = _load()
    pv = np.ascontiguousarray(np.array([float(v) for v in p], dtype=np.float64))
    rv = np.ascontiguousarray(rows, dtype=np.float64)
    out = np.empty((rv.shape[0] + 1, len(CellState._fields)))
    done = np.zeros(rv.shape[0], dtype=np.bool_)
    steps = mod.integrate(pv, np.ascontiguousarray(y0, dtype=np.float64), rv, float(rtol),
                          float(atol), int(max_steps), _H0, out, done)  # fmt: skip
    return out, done, int(steps)
