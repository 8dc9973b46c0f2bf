"""The native backend: the model's expression graph compiled by numba into a fused kernel.

:func:`igfaxis.model._graph.system_graph` gives the vector field over the integrated states
(the body plus the dosed drugs' compartments; the others are the constant 0 and folded
away). This module writes Python source for it, stores the text in a cache folder under a
name made from its hash (written atomically: temporary file, then ``os.replace``) and
imports it. numba compiles the functions with ``cache=True``, so a new process loads the
machine code from numba's disk cache next to the generated file.

On the CPU there are two kinds of generated module. One per set of integrated drug
compartments holds that set's ``pre``, ``rhs_c`` and ``obs`` (and ``ipow``); one, the same
for every set, holds the integrator of :mod:`igfaxis.simulate._kernel`, its serial driver
``solve_range`` and the ``prange`` driver ``solve_all`` over subjects, which take the sizes
from the arrays and the set's three functions as arguments (numba first-class function
values, called at their jit address with numba's calling convention, as a direct call is;
``rhs_c`` was a call before too, not inlined: the machine code of the old integrator was
the size of its parts). numba links every callee's code into each caller's LLVM module and
optimises and emits it again there, so the integrator linked with a set's functions was
compiled again for every set and for each of its three entry points. Now it is compiled
once per cache folder (the serial driver 3.4 s of CPU cold, the parallel one a few seconds
more), and a new drug set costs its own three functions (1.5-1.7 s; it was 5.2-5.3 s
through the ``prange`` driver ``solve_many`` and 2.5 s more for ``solve_many_means``:
docs/engine.md, "Cold compile of the native kernel"). On CUDA, one module per set holds all
of it, with a ``cuda.jit`` driver.

The cache folder is ``$IGFAXIS_CACHE_DIR`` or ``~/.cache/igfaxis``.

numba is imported here and in the generated modules only (igfaxis.simulate's rule).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from igfaxis._cache import cache_dir, import_generated
from igfaxis.model import Inputs, Observables, Params, State, drugs
from igfaxis.model._graph import SystemGraph, hoisted_rhs_source, python_source, system_graph
from igfaxis.simulate._config import state_atol
from igfaxis.simulate._kernel import INTEGRATOR_MARKER, KERNEL_MARKER
from igfaxis.simulate._tableau import DOPRI5

__all__ = ["cache_dir", "solve_cuda_batch", "solve_native", "solve_native_batch",
           "solve_native_means"]

#: first step tried [h], as the JAX engine's ``dt0``
H0 = 1.0 / 60.0

#: LLVM fast-math flags of the CPU kernel: division by a reciprocal ("arcp") only. It moves
#: results by round-off per operation, and assumes away neither NaN nor infinity
#: ("nnan"/"ninf" would break the non-finite-state handling), nor reassociates sums. Fused
#: multiply-add ("contract", 5-13% faster) is not used: with the per-state absolute
#: tolerances the kernel compiled in a process and the same kernel loaded from numba's cache
#: by another contracted differently, so a cold process and its pool workers differed by
#: ~1e-13 (outputs 1e-10 after the habitual state), and same seeds must give the same numbers
#: in every process (tests/cohort/test_cohort.py, from cold kernels)
_FASTMATH = '{"arcp"}'

_CPU_HEADER = """\
import math

import numba
import numpy as np

device = numba.njit(cache=True, nogil=True, error_model="numpy",
                    fastmath=""" + _FASTMATH + """)
"""

_CPU_DRIVER = """

_A1 = numba.types.Array(numba.float64, 1, "C")
_A2 = numba.types.Array(numba.float64, 2, "C")
_A3 = numba.types.Array(numba.float64, 3, "C")
_I1 = numba.types.Array(numba.int64, 1, "C")
_I2 = numba.types.Array(numba.int64, 2, "C")
_F, _I = numba.float64, numba.int64
_RHS = numba.types.FunctionType(numba.types.none(_A1, _A1, _A1, _A1, _A1))
_PRE = numba.types.FunctionType(numba.types.none(_A1, _A1, _A1))
_OBS = numba.types.FunctionType(numba.types.none(_A1, _A1, _A1, _A1))


_ARGS = (_A2, _A2, _A2, _A3, _A1, _A1, _A1, _F, _A1, _I, _F, _A3, _A3, _I1, _I1,
         numba.boolean, _I2, _I1, _I1, _A3, _A3, _I, _RHS, _PRE, _OBS)


@numba.njit([numba.types.none(*_ARGS, _I, _I)], cache=True, nogil=True, error_model="numpy",
            fastmath=""" + _FASTMATH + """)
def solve_range(ps, y0s, bnds, vals, t0s, t1s, save_ts, rtol, atol, max_steps, h0, out_y,
                out_o, codes, steps, reduce, win, cols, rows, out_mean, out_at, nc, rhs_c,
                pre, obs, lo, hi):
    ns = save_ts.shape[0]
    n = y0s.shape[1]
    no = out_o.shape[2]
    for s in range(lo, hi):
        w = np.empty((10, n))
        cc = np.empty(nc)
        if reduce:
            oy = np.empty((ns, n))
            oo = np.empty((ns, no))
        else:
            oy = out_y[s]
            oo = out_o[s]
        c, taken = integrate(ps[s], y0s[s], bnds[s], vals[s], t0s[s], t1s[s], save_ts, rtol,
                         atol, max_steps, h0, oy, oo, w[0], w[1], w[2], w[3], w[4], w[5],
                         w[6], w[7], w[8], w[9], cc, rhs_c, pre, obs)
        codes[s] = c
        steps[s] = taken
        if reduce:
            for j in range(win.shape[0]):
                a = win[j, 0]
                b = win[j, 1]
                for q in range(cols.shape[0]):
                    col = cols[q]
                    acc = 0.0
                    for k in range(a, b):  # the trapezoid rule, term by term as np.trapezoid
                        acc += (save_ts[k + 1] - save_ts[k]) * (oo[k + 1, col] + oo[k, col]) / 2.0
                    out_mean[s, j, q] = acc / (save_ts[b] - save_ts[a])
            for j in range(rows.shape[0]):
                for q in range(cols.shape[0]):
                    out_at[s, j, q] = oo[rows[j], cols[q]]


@numba.njit([numba.types.none(*_ARGS)], cache=True, parallel=True, error_model="numpy",
            fastmath=""" + _FASTMATH + """)
def solve_all(ps, y0s, bnds, vals, t0s, t1s, save_ts, rtol, atol, max_steps, h0, out_y,
              out_o, codes, steps, reduce, win, cols, rows, out_mean, out_at, nc, rhs_c, pre,
              obs):
    for s in numba.prange(ps.shape[0]):
        solve_range(ps, y0s, bnds, vals, t0s, t1s, save_ts, rtol, atol, max_steps, h0, out_y,
                    out_o, codes, steps, reduce, win, cols, rows, out_mean, out_at, nc, rhs_c,
                    pre, obs, s, s + 1)
"""

_CUDA_HEADER = """\
import math

from numba import cuda, float64

device = cuda.jit(device=True)
"""

_CUDA_DRIVER = """

@cuda.jit
def solve_kernel(ps, y0s, bnds, vals, t0s, t1s, save_ts, rtol, atol, max_steps, h0, out_y,
                 out_o, codes, steps):
    s = cuda.grid(1)
    if s < ps.shape[0]:
        y = cuda.local.array(N, float64)
        y1 = cuda.local.array(N, float64)
        yt = cuda.local.array(N, float64)
        k1 = cuda.local.array(N, float64)
        k2 = cuda.local.array(N, float64)
        k3 = cuda.local.array(N, float64)
        k4 = cuda.local.array(N, float64)
        k5 = cuda.local.array(N, float64)
        k6 = cuda.local.array(N, float64)
        k7 = cuda.local.array(N, float64)
        cc = cuda.local.array(NC, float64)
        c, n = integrate(ps[s], y0s[s], bnds[s], vals[s], t0s[s], t1s[s], save_ts, rtol,
                         atol, max_steps, h0, out_y[s], out_o[s], y, y1, yt, k1, k2, k3, k4,
                         k5, k6, k7, cc)
        codes[s] = c
        steps[s] = n
"""




def _kernel_text() -> tuple[str, str]:
    """The kernel source of :mod:`igfaxis.simulate._kernel`: ``ipow`` (called by the
    right-hand side) and the integrator."""
    text = Path(__file__).with_name("_kernel.py").read_text(encoding="utf-8")
    _head, sep, body = text.rpartition(KERNEL_MARKER)
    powers, sep2, integrator = body.partition(INTEGRATOR_MARKER)
    if not (sep and sep2):
        raise RuntimeError("a kernel marker is missing from _kernel.py. This is a bug in "
                           "igfaxis; please report it.")  # fmt: skip
    return powers, integrator


def _active_key(active: Sequence[str] | None) -> tuple[str, ...]:
    if active is None:
        return drugs.DRUG_STATES
    chosen = set(active)
    unknown = chosen.difference(drugs.DRUG_STATES)
    if unknown:
        raise ValueError(
            f"`active` must name drug compartments of igfaxis.model.drugs.DRUG_STATES; got "
            f"{sorted(unknown)}. Body states are always integrated; use e.g. "
            f"active=DRUGS['somapacitan'].states."
        )
    return tuple(n for n in drugs.DRUG_STATES if n in chosen)


@functools.lru_cache(maxsize=64)
def _graph(key: tuple[str, ...]) -> SystemGraph:
    return system_graph(key)


#: the functions of a drug set's module that the shared CPU integrator calls
_SET_FUNCTIONS = ("rhs_c", "pre", "obs")


def _through_arguments(text: str) -> str:
    """``text`` with every function that calls one of :data:`_SET_FUNCTIONS` (itself or
    through another) taking them as its last arguments, and its calls passing them on: the
    integrator of every drug set, compiled once, calls the drug set's functions through
    numba first-class function values instead of by their global names."""
    tree = ast.parse(text)
    defs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    uses = {k: {x.id for x in ast.walk(f) if isinstance(x, ast.Name)} for k, f in defs.items()}
    takes = set(_SET_FUNCTIONS)
    while True:
        more = {k for k, used in uses.items() if used & takes} - takes
        if not more:
            break
        takes |= more
    takes -= set(_SET_FUNCTIONS)
    for k in takes:
        defs[k].args.args += [ast.arg(a) for a in _SET_FUNCTIONS]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in takes:
            node.args += [ast.Name(a, ast.Load()) for a in _SET_FUNCTIONS]
    return ast.unparse(tree) + "\n"


def module_source(active: Sequence[str] | None, target: str) -> str:
    """Full source of the generated module of a drug set for ``target`` ``"cpu"`` or
    ``"cuda"``: on the CPU the right-hand side and observables only (the integrator is
    :func:`integrator_source`, shared by every drug set), on CUDA with the integrator and
    its driver."""
    graph = _graph(_active_key(active))
    hoisted, nc = hoisted_rhs_source(graph, decorator="device", power="ipow")
    sizes = f"N = {len(graph.states)}\nNO = {len(Observables._fields)}\nNC = {max(nc, 1)}\n"
    doc = (
        f'"""Generated by igfaxis.simulate._native for {target}: '
        f'{len(graph.states)} states ({", ".join(graph.states)}). Do not edit."""\n\n'
    )
    code = python_source(graph, decorator="device", power="ipow") + "\n\n" + hoisted
    powers, integrator = _kernel_text()
    if target == "cpu":
        return doc + _CPU_HEADER + "\n" + sizes + "\n\n" + code + "\n" + powers
    consts = "".join(f"{k} = {v!r}\n" for k, v in DOPRI5.constants().items())
    return (doc + _CUDA_HEADER + "\n" + sizes + consts + "\n\n" + code + "\n" + powers
            + integrator + _CUDA_DRIVER)  # fmt: skip


def integrator_source() -> str:
    """Source of the CPU integrator and its driver ``solve_range``, the same for every drug
    set: the sizes come from the arrays, the drug set's ``rhs_c``, ``pre`` and ``obs`` are
    arguments (:func:`_through_arguments`)."""
    consts = "".join(f"{k} = {v!r}\n" for k, v in DOPRI5.constants().items())
    doc = '"""Generated by igfaxis.simulate._native: the CPU integrator. Do not edit."""\n\n'
    _powers, integrator = _kernel_text()
    return (doc + _CPU_HEADER + "\n" + consts + "\n\n" + _through_arguments(integrator)
            + _CPU_DRIVER)  # fmt: skip


@functools.lru_cache(maxsize=64)
def _load(key: tuple[str, ...], target: str) -> ModuleType:
    text = module_source(key, target)
    return import_generated(f"igfaxis_{target}", text)


@functools.lru_cache(maxsize=1)
def _integrator() -> ModuleType:
    return import_generated("igfaxis_cpu_integrator", integrator_source())


# --- argument packing ------------------------------------------------------------------


def _f64(x: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x, dtype=np.float64))


def _pack_params(p: Any) -> np.ndarray:
    """Params of floats -> (P,); Params of (n,) arrays -> (n, P)."""
    return _f64(np.stack([np.asarray(v, dtype=np.float64) for v in p], axis=-1))


def _pack_states(y0: Any, graph: SystemGraph) -> np.ndarray:
    full = np.stack([np.asarray(v, dtype=np.float64) for v in y0], axis=-1)
    index = {n: i for i, n in enumerate(State._fields)}
    idle = [n for n in State._fields if n not in graph.states]
    bad = [n for n in idle if np.any(full[..., index[n]] != 0.0)]
    if bad:
        raise ValueError(
            f"`y0` is non-zero in compartments left out of `active`: {bad}. Add them to "
            "`active` (or None for all) or start them at 0."
        )
    return _f64(full[..., [index[n] for n in graph.states]])


def _check_forcing(values: np.ndarray, graph: SystemGraph) -> None:
    cols = [Inputs._fields.index(n) for n in graph.zero_inputs]
    # one reduction over the leading axes (a fancy-indexed copy of the left-out columns
    # cost ~0.1 s a 20-person year); NaN counts as non-zero, as in `!= 0`
    dosed = np.any(values, axis=tuple(range(values.ndim - 1))) if cols else None
    if cols and np.any(dosed[cols]):
        names = [n for n, c in zip(graph.zero_inputs, cols, strict=True) if dosed[c]]
        raise ValueError(
            f"the forcing doses inputs {names} whose drug compartments are not in `active`. "
            "Add the drug's states to `active` (or pass active=None)."
        )


#: the unused reduction arguments of ``solve_range`` when it stores full output
_NO_MEANS = (np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64),
             np.zeros(0, dtype=np.int64), np.zeros((0, 0, 0)), np.zeros((0, 0, 0)))


def _unpack(out_y: np.ndarray, out_o: np.ndarray, graph: SystemGraph) -> tuple[Any, Any]:
    shape = out_y.shape[:-1]
    pos = {n: i for i, n in enumerate(graph.states)}
    # one transposing copy, then its contiguous rows (a strided copy per field cost ~10 ms
    # a day-table batch): each field is a row of one fresh array that no caller holds
    y = np.ascontiguousarray(np.moveaxis(out_y, -1, 0))
    o = np.ascontiguousarray(np.moveaxis(out_o, -1, 0))
    ys = State(*(y[pos[n]] if n in pos else np.zeros(shape) for n in State._fields))
    obs = Observables(*(o[j] for j in range(len(Observables._fields))))
    return ys, obs


def _atol(rtol: float, atol: Any, graph: SystemGraph) -> np.ndarray:
    """Absolute tolerance per integrated state: for a float ``atol``,
    :func:`igfaxis.simulate.state_atol` (``max(atol, rtol * resting value)``); an array
    gives one value per state of ``graph.states``, used as it is."""
    if np.ndim(atol) == 0:
        return _f64(state_atol(graph.states, float(rtol), float(atol)))
    out = _f64(atol)
    if out.shape != (len(graph.states),):
        raise ValueError(f"`atol` must be a float or one value per integrated state "
                         f"({len(graph.states)}); got shape {out.shape}")  # fmt: skip
    return out


def _check_params(p: np.ndarray) -> None:
    if p.shape[-1] != len(Params._fields):
        raise ValueError(f"`p` must have the {len(Params._fields)} fields of Params; got "
                         f"{p.shape[-1]}")  # fmt: skip


# --- public ----------------------------------------------------------------------------


def solve_native(p, y0, boundaries, values, t0, t1, save_ts, *, rtol, atol, max_steps,
                 active=None):  # fmt: skip
    """Integrate one subject with the native (numba, CPU) kernel.

    Parameters
    ----------
    p
        :class:`~igfaxis.model.Params` of floats (personalised).
    y0
        :class:`~igfaxis.model.State` of floats (full layout).
    boundaries, values
        Piecewise-constant forcing: ``values[i]`` (one column per
        :class:`~igfaxis.model.Inputs` field) holds on ``[boundaries[i], boundaries[i+1])``,
        the last row until ``t1``; ``boundaries`` sorted [h].
    t0, t1
        Start and end [h].
    save_ts
        Output times in ``[t0, t1]``, non-decreasing [h].

    Other Parameters
    ----------------
    rtol, atol
        Tolerances of the error norm (as diffrax's ``PIDController``): state ``i`` is held
        to ``atol_i + rtol * |y_i|``; a float ``atol`` gives ``atol_i =``
        :func:`~igfaxis.simulate.state_atol` (``max(atol, rtol * resting value)``), an
        array one value per integrated state.
    max_steps
        Most steps (accepted plus rejected).
    active
        Drug compartments to integrate (``None``: all of ``DRUG_STATES``); the others are
        held at 0 and their dosing inputs must be 0.

    Returns
    -------
    tuple
        ``(ys, obs, code, steps)``: :class:`State` of ``(S,)`` arrays (inactive
        compartments 0), :class:`Observables` of ``(S,)`` arrays, result code (0 success,
        1 max steps reached, 2 step size underflow / non-finite state), steps taken.
    """
    key = _active_key(active)
    graph = _graph(key)
    mod = _load(key, "cpu")
    pv = _pack_params(p)
    _check_params(pv)
    vals = _f64(values)
    _check_forcing(vals, graph)
    ts = _f64(save_ts)
    out_y = np.empty((ts.size, len(graph.states)))
    out_o = np.empty((ts.size, len(Observables._fields)))
    codes = np.zeros(1, dtype=np.int64)
    counts = np.zeros(1, dtype=np.int64)
    _integrator().solve_range(pv[None], _pack_states(y0, graph)[None],
                              _f64(boundaries)[None], vals[None], np.array([float(t0)]),
                              np.array([float(t1)]), ts, float(rtol),
                              _atol(rtol, atol, graph), int(max_steps), H0, out_y[None],
                              out_o[None], codes, counts, False, *_NO_MEANS,
                              *_set_functions(mod), 0, 1)  # fmt: skip
    code, steps = codes[0], counts[0]
    ys, obs = _unpack(out_y, out_o, graph)
    return ys, obs, int(code), int(steps)


def _batch_args(ps, y0s, boundaries, values, t0, t1, save_ts, graph):
    pv = _pack_params(ps)
    _check_params(pv)
    n = pv.shape[0]
    vals = _f64(values)
    _check_forcing(vals, graph)
    bnd = _f64(boundaries)
    if bnd.shape[0] != n or vals.shape[0] != n:
        raise ValueError(f"`boundaries` and `values` need a leading axis of {n} subjects; got "
                         f"{bnd.shape} and {vals.shape}")  # fmt: skip
    # copies (a broadcast view is read-only, and the compiled signature takes writable arrays)
    t0v = np.array(np.broadcast_to(np.asarray(t0, dtype=float), (n,)))
    t1v = np.array(np.broadcast_to(np.asarray(t1, dtype=float), (n,)))
    return pv, _pack_states(y0s, graph), bnd, vals, t0v, t1v, _f64(save_ts), n


def solve_native_batch(ps, y0s, boundaries, values, t0, t1, save_ts, *, rtol, atol, max_steps,
                       active=None):  # fmt: skip
    """:func:`solve_native` for many subjects at once, one thread per subject (``prange``).

    ``ps`` is :class:`~igfaxis.model.Params` of ``(n,)`` arrays, ``y0s``
    :class:`~igfaxis.model.State` of ``(n,)`` arrays, ``boundaries`` ``(n, B)``, ``values``
    ``(n, B, len(Inputs._fields))``, ``t0`` and ``t1`` ``(n,)``; ``save_ts`` ``(S,)`` is
    shared. Returns ``(ys, obs, codes, steps)`` with ``(n, S)`` arrays and ``(n,)`` codes and
    steps. Uses numba's thread count (``numba.set_num_threads``).
    """
    key = _active_key(active)
    graph = _graph(key)
    mod = _load(key, "cpu")
    pv, y0v, bnd, vals, t0v, t1v, ts, n = _batch_args(ps, y0s, boundaries, values, t0, t1,
                                                      save_ts, graph)  # fmt: skip
    out_y = np.empty((n, ts.size, len(graph.states)))
    out_o = np.empty((n, ts.size, len(Observables._fields)))
    codes = np.zeros(n, dtype=np.int64)
    steps = np.zeros(n, dtype=np.int64)
    _run_subjects(n, pv, y0v, bnd, vals, t0v, t1v, ts,
                  float(rtol), _atol(rtol, atol, graph), int(max_steps), H0, out_y, out_o,
                  codes, steps, False, *_NO_MEANS, *_set_functions(mod))  # fmt: skip
    ys, obs = _unpack(out_y, out_o, graph)
    return ys, obs, codes, steps


def solve_native_means(ps, y0s, boundaries, values, t0, t1, save_ts, windows, columns, rows,
                       *, rtol, atol, max_steps, active=None):  # fmt: skip
    """:func:`solve_native_batch` reduced inside the compiled driver: time-means of some
    observables over windows of the output, and their values at some output rows, instead
    of every state and observable at every output time.

    Each subject's full output lives only in its thread's buffer while it is reduced, so
    memory stays at a few output grids however many subjects run (a pulse-resolved year at
    5-minute output is ~35 MB per subject).

    Parameters
    ----------
    ps, y0s, boundaries, values, t0, t1, save_ts
        As :func:`solve_native_batch`.
    windows
        ``(W, 2)`` integer ``[first, last]`` rows of ``save_ts``: the mean over
        ``save_ts[first] ... save_ts[last]`` by the trapezoid rule (as
        :meth:`igfaxis.simulate.Trajectory.mean` on the same samples, to round-off).
    columns
        ``(K,)`` indices into :class:`~igfaxis.model.Observables` fields.
    rows
        ``(R,)`` output rows whose values of ``columns`` are returned.

    Returns
    -------
    tuple
        ``(means, at, codes, steps)``: ``(n, W, K)``, ``(n, R, K)``, ``(n,)``, ``(n,)``.
        Subjects that failed (code not 0) have NaN where their output was not reached.
    """
    key = _active_key(active)
    graph = _graph(key)
    mod = _load(key, "cpu")
    pv, y0v, bnd, vals, t0v, t1v, ts, n = _batch_args(ps, y0s, boundaries, values, t0, t1,
                                                      save_ts, graph)  # fmt: skip
    win = np.ascontiguousarray(np.asarray(windows, dtype=np.int64).reshape(-1, 2))
    cols = np.ascontiguousarray(np.asarray(columns, dtype=np.int64).reshape(-1))
    rws = np.ascontiguousarray(np.asarray(rows, dtype=np.int64).reshape(-1))
    if win.size and (win.min() < 0 or win.max() >= ts.size or np.any(win[:, 1] <= win[:, 0])):
        raise ValueError(f"`windows` must be [first, last] rows of save_ts with first < last; "
                         f"got {win.tolist()[:4]}...")  # fmt: skip
    if cols.size and (cols.min() < 0 or cols.max() >= len(Observables._fields)):
        raise ValueError(f"`columns` must index Observables fields; got {cols.tolist()}")
    if rws.size and (rws.min() < 0 or rws.max() >= ts.size):
        raise ValueError(f"`rows` must be rows of save_ts; got {rws.tolist()[:4]}...")
    out_mean = np.empty((n, win.shape[0], cols.size))
    out_at = np.empty((n, rws.size, cols.size))
    codes = np.zeros(n, dtype=np.int64)
    steps = np.zeros(n, dtype=np.int64)
    no_y = np.empty((0, 0, len(graph.states)))
    no_o = np.empty((0, 0, len(Observables._fields)))
    _run_subjects(n, pv, y0v, bnd, vals, t0v, t1v, ts,
                  float(rtol), _atol(rtol, atol, graph), int(max_steps), H0, no_y, no_o,
                  codes, steps, True, win, cols, rws, out_mean, out_at,
                  *_set_functions(mod))  # fmt: skip
    return out_mean, out_at, codes, steps


def set_threads(n: int) -> None:
    """Threads that this process's batch solves use (numba's thread count, read by
    :func:`_run_subjects`): 1 in each process of a pool that runs one process per core."""
    import numba

    numba.set_num_threads(int(n))


def _set_functions(mod: ModuleType) -> tuple[Any, ...]:
    """The arguments of ``solve_range`` that name a drug set: its size of ``pre``'s terms
    and its ``rhs_c``, ``pre`` and ``obs``."""
    return (mod.NC, mod.rhs_c, mod.pre, mod.obs)


def _run_subjects(n: int, *args: Any) -> None:
    """Run the shared driver over subjects ``0 .. n-1``: ``solve_all`` (``prange``, one
    subject at a time to each of numba's threads, :func:`set_threads`), or ``solve_range``
    directly for one subject or one thread.

    ``solve_all`` sits in the shared integrator module with an explicit signature (the drug
    set's functions are first-class function values), so its parallel lowering (the parfor
    body and its gufunc wrapper, which link and optimise the whole integrator again: about
    2.2 s of CPU each time) is done once per cache folder, not once per drug set.
    """
    import numba

    mod = _integrator()
    if n <= 1 or numba.get_num_threads() <= 1:
        mod.solve_range(*args, 0, n)
        return
    # subjects differ in cost by 1.5x and other processes take cores: a static split
    # leaves one thread waiting, so hand them out one at a time
    before = numba.get_parallel_chunksize()
    numba.set_parallel_chunksize(1)
    try:
        mod.solve_all(*args)
    finally:
        numba.set_parallel_chunksize(before)


def solve_cuda_batch(ps, y0s, boundaries, values, t0, t1, save_ts, *, rtol, atol, max_steps,
                     active=None, threads_per_block=64):  # fmt: skip
    """:func:`solve_native_batch` on a CUDA GPU, one GPU thread per subject (numba.cuda).

    Same arguments and results. Runs under numba's CUDA simulator when
    ``NUMBA_ENABLE_CUDASIM=1`` is set before numba is imported.
    """
    from numba import cuda

    key = _active_key(active)
    graph = _graph(key)
    mod = _load(key, "cuda")
    pv, y0v, bnd, vals, t0v, t1v, ts, n = _batch_args(ps, y0s, boundaries, values, t0, t1,
                                                      save_ts, graph)  # fmt: skip
    out_y = cuda.device_array((n, ts.size, len(graph.states)))
    out_o = cuda.device_array((n, ts.size, len(Observables._fields)))
    codes = cuda.to_device(np.zeros(n, dtype=np.int64))
    steps = cuda.to_device(np.zeros(n, dtype=np.int64))
    blocks = (n + threads_per_block - 1) // threads_per_block
    mod.solve_kernel[blocks, threads_per_block](
        cuda.to_device(pv), cuda.to_device(y0v), cuda.to_device(bnd), cuda.to_device(vals),
        cuda.to_device(t0v), cuda.to_device(t1v), cuda.to_device(ts), float(rtol),
        cuda.to_device(_atol(rtol, atol, graph)),
        int(max_steps), H0, out_y, out_o, codes, steps,
    )  # fmt: skip
    ys, obs = _unpack(out_y.copy_to_host(), out_o.copy_to_host(), graph)
    return ys, obs, codes.copy_to_host(), steps.copy_to_host()
