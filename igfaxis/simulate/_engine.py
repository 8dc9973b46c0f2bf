"""The JAX/diffrax engine: the only module of igfaxis that imports diffrax.

:func:`solve` is pure: parameters, forcing and initial state in, states and observables
out. It can be jit-compiled, vmapped and differentiated (reverse mode by default;
forward mode, and so Hessians by ``jax.jacfwd(jax.jacfwd(...))``, with
``adjoint="forward"``). :func:`igfaxis.simulate.simulate` is a thin shell around it.

One ``diffeqsolve`` covers the whole horizon. The inputs are a step function looked up by
``searchsorted``; every step boundary is passed to ``ClipStepSizeController(jump_ts=...)``
so that steps end exactly at input changes (diffrax documentation,
``ClipStepSizeController``). Only the compartments of the drugs a protocol doses are
integrated (``SolveConfig.active``): the others are the constant 0 and fold away. The
vector field is the folded expression graph of the native kernel evaluated with JAX
operations, over one array of states (:func:`_field_of`: half the compile time of a
gradient or Hessian).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from igfaxis.errors import ConfigurationError
from igfaxis.model import MODEL, Inputs, Observables, State, observables
from igfaxis.model._graph import evaluation_order, system_graph
from igfaxis.simulate._config import Outcome, state_atol
from igfaxis.simulate._forcing import pad_forcing

__all__ = ["ForcingArrays", "Solution", "SolveConfig", "pad_forcing", "solve", "solve_batch"]

_ADJOINTS = ("recursive", "forward", "direct")


class ForcingArrays(NamedTuple):
    """The forcing as arrays: ``values[i]`` holds on ``[boundaries[i], boundaries[i+1])``.

    Attributes
    ----------
    boundaries
        Sorted event times [h], shape ``(B,)``; padding beyond ``t1`` is allowed.
    values
        Inputs on each segment, shape ``(B, len(Inputs._fields))``, columns in
        :class:`~igfaxis.model.Inputs` order.
    t0, t1
        Start and end of the solve [h].
    """

    boundaries: Any
    values: Any
    t0: Any
    t1: Any


class Solution(NamedTuple):
    """What :func:`solve` returns.

    Attributes
    ----------
    ys
        :class:`~igfaxis.model.State` of arrays at the save times (compartments of drugs
        that were not integrated are zeros).
    obs
        :class:`~igfaxis.model.Observables` of arrays at the save times.
    result
        :class:`~igfaxis.simulate.Outcome` code (0 = successful).
    num_steps
        Accepted and rejected solver steps.
    """

    ys: Any
    obs: Any
    result: Any
    num_steps: Any


class SolveConfig(eqx.Module):
    """Numerical settings of :func:`solve` (arrays traced, the rest static).

    Attributes
    ----------
    save_ts
        Output times [h], inside ``[t0, t1]``.
    rtol, atol
        Tolerances of the PID step-size controller; state ``i`` is held to
        ``atol_i + rtol * |y_i|`` with ``atol_i`` = :func:`~igfaxis.simulate.state_atol`
        (``max(atol, rtol * resting value)``), as in the native kernel.
    max_steps
        Step budget.
    active
        Drug compartments to integrate (``None``: all of them). The body states are always
        integrated; see :meth:`igfaxis.model.ModelDescription.active_states`.
    adjoint
        ``"recursive"`` (reverse mode, diffrax's default), ``"forward"`` (forward mode:
        ``jax.jvp``/``jax.jacfwd``, and so Hessians) or ``"direct"`` (both, heavier).
    """

    save_ts: Any
    rtol: float = eqx.field(static=True, default=1e-6)
    atol: float = eqx.field(static=True, default=1e-8)
    max_steps: int = eqx.field(static=True, default=2_000_000)
    active: tuple[str, ...] | None = eqx.field(static=True, default=None)
    adjoint: str = eqx.field(static=True, default="recursive")

    def __check_init__(self) -> None:
        if self.adjoint not in _ADJOINTS:
            raise ValueError(f"`adjoint` must be one of {_ADJOINTS}; got {self.adjoint!r}.")


@functools.cache
def _layout(active: tuple[str, ...] | None) -> tuple[str, ...]:
    """State names integrated for ``active`` drug compartments (record order)."""
    if active is None:
        return State._fields
    every_drug = {s for ss in MODEL.drug_states.values() for s in ss}
    unknown = set(active) - every_drug
    if unknown:
        raise ValueError(f"unknown drug compartments in `active`: {sorted(unknown)}")
    return tuple(n for n in State._fields if n not in every_drug or n in active)


def _full(y: dict[str, Any], zero: Any) -> Any:
    return State(*(y.get(n, zero) for n in State._fields))


def _inputs_at(t: Any, boundaries: Any, values: Any) -> Any:
    i = jnp.clip(jnp.searchsorted(boundaries, t, side="right") - 1, 0, values.shape[0] - 1)
    return Inputs(*values[i])


#: JAX operation of each op of the expression graph, as :mod:`igfaxis.model._math` applies
#: it to JAX values (``pos`` is ``jnp.maximum(x, 0)``, so derivatives at the kink are too)
_JAX_OPS: dict[str, Callable[..., Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "pow": operator.pow, "neg": operator.neg, "exp": jnp.exp, "log": jnp.log,
    "pos": lambda x: jnp.maximum(x, 0.0),
}  # fmt: skip


@functools.cache
def _program(names: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[Any, ...], tuple[Any, ...]]:
    """The right-hand side over the integrated states ``names`` as a straight-line program:
    ``(columns of the inputs it reads, steps, outputs)``; a step is ``(op, operands)``
    with an operand ``("s", k)`` the value of step ``k`` or ``("c", x)`` a constant, or
    ``("y", i)`` / ``("u", j)`` / ``("p", name)`` for a leaf.

    Why not :func:`~igfaxis.model.vector_field` on traced values: evaluated on JAX scalars
    it traces every rate law, also the terms of the drugs left out (their states are the
    constant 0, but ``p.k * 0.0`` is still an operation), every repeated subexpression, and
    unpacks all inputs: 881 traced equations for the body states, 1049 with every drug. The
    expression graph of :func:`igfaxis.model._graph.system_graph` (the one the native
    kernel compiles) has those folded and shared: 253 operations (411 with every drug).
    Each step applies the JAX operation that :mod:`igfaxis.model._math` applies to the
    same operands, so the numbers are those of ``vector_field`` to round-off (constants
    folded in Python rather than by XLA, a shared node computed once; bit for bit on the
    body states, within 2e-14 with drugs; tests/simulate/test_engine.py compares them).
    """
    every_drug = {s for ss in MODEL.drug_states.values() for s in ss}
    graph = system_graph(tuple(n for n in names if n in every_drug))
    if graph.states != names:  # both in State order
        raise AssertionError(f"{graph.states} != {names}. This is a bug in igfaxis.")
    order = evaluation_order(list(graph.rhs))
    slot = {id(n): k for k, n in enumerate(order)}
    inputs = [n for n in Inputs._fields if any(m.op == "sym" and m.args[0] == n for m in order)]

    def leaf(name: str) -> tuple[str, Any]:
        if name in names:
            return ("y", names.index(name))
        if name in inputs:
            return ("u", inputs.index(name))
        return ("p", name)

    steps = tuple(
        ("leaf", leaf(n.args[0])) if n.op == "sym"
        else (n.op, tuple(("s", slot[id(a)]) if hasattr(a, "op") else ("c", a) for a in n.args))
        for n in order
    )  # fmt: skip
    outs = tuple(("s", slot[id(v)]) if hasattr(v, "op") else ("c", float(v)) for v in graph.rhs)
    return tuple(Inputs._fields.index(n) for n in inputs), steps, outs


@functools.cache
def _field_of(names: tuple[str, ...]) -> Callable[[Any, Any, Any], Any]:
    """The vector field diffrax integrates for the states ``names``: ``z`` is one array,
    the states divided by their units (:func:`_units`), in ``names`` order.

    One array rather than a pytree of scalars (a dict, as before): diffrax applies every
    operation of a step (the Runge-Kutta combinations, the error estimate, the
    interpolation, the checks of the controller) leaf by leaf, so 26 to 56 scalar leaves
    made 26 to 56 copies of each. With :func:`_program`, the jaxpr of a 6 h solve of the
    body states fell from 5010 to 1928 equations, of its gradient from 19154 to 6179, and
    trace + compile of the gradient and of the forward-mode Hessian halved (2 cores;
    docs/engine.md "What the JAX engine compiles"). Elementwise the arithmetic is the
    same; only the error norm sums its squares in another order (round-off: one step
    decision in 2723 moved on a 12 h run at rtol 1e-10).
    """
    columns, steps, outs = _program(names)
    cols = np.asarray(columns, dtype=np.intp) if columns else None

    def field(t: Any, z: Any, args: Any) -> Any:
        p, boundaries, values, unit = args
        i = jnp.clip(jnp.searchsorted(boundaries, t, side="right") - 1, 0, values.shape[0] - 1)
        y = z * unit
        u = values[i][cols] if cols is not None else None
        load = {"y": lambda k: y[k], "u": lambda k: u[k], "p": lambda n: getattr(p, n)}
        v: list[Any] = []
        for op, a in steps:
            if op == "leaf":
                v.append(load[a[0]](a[1]))
            else:
                v.append(_JAX_OPS[op](*(v[k] if kind == "s" else k for kind, k in a)))
        zero = jnp.zeros_like(t)
        dy = jnp.stack([v[k] if kind == "s" else zero + k for kind, k in outs])
        return dy / unit

    return field


@functools.cache
def _units(names: tuple[str, ...], rtol: float, atol: float) -> tuple[float, ...]:
    """The unit each state is integrated in: ``atol_i / atol`` (:func:`state_atol`), so
    that diffrax's scalar ``atol`` holds state ``i`` to ``atol_i + rtol |y_i|``, as the
    native kernel does."""
    return tuple(a / atol for a in state_atol(names, rtol, atol))


def _require_float64() -> None:
    if jnp.asarray(1.0).dtype != jnp.float64:
        raise ConfigurationError(
            "igfaxis.simulate.solve runs in float64, but JAX is in float32 mode. Call "
            "`jax.config.update('jax_enable_x64', True)` at start-up, or run inside "
            "`with jax.enable_x64(True):` (igfaxis.simulate does this for you)."
        )


def _adjoint(name: str) -> Any:
    if name == "forward":
        return diffrax.ForwardMode()
    if name == "direct":
        return diffrax.DirectAdjoint()
    return diffrax.RecursiveCheckpointAdjoint()


def _outcome(result: Any) -> Any:
    return jnp.where(
        result == diffrax.RESULTS.successful, int(Outcome.SUCCESSFUL),
        jnp.where(result == diffrax.RESULTS.max_steps_reached, int(Outcome.MAX_STEPS_REACHED),
                  jnp.where(result == diffrax.RESULTS.dt_min_reached, int(Outcome.STEP_FAILED),
                            int(Outcome.OTHER))),
    )  # fmt: skip


def solve(params: Any, forcing: ForcingArrays, y0: Any, config: SolveConfig) -> Solution:
    """Integrate the model for one subject: a pure function of its arguments.

    Parameters
    ----------
    params
        Personalised :class:`~igfaxis.model.Params` (scalars or 0-d arrays).
    forcing
        :class:`ForcingArrays` (from :func:`igfaxis.protocol.compile_protocol` via
        :func:`pad_forcing`).
    y0
        Initial :class:`~igfaxis.model.State` at ``forcing.t0``.
    config
        :class:`SolveConfig`.

    Returns
    -------
    Solution

    Raises
    ------
    ConfigurationError
        When JAX runs in float32 (a forgotten ``jax_enable_x64`` must never give silently
        different numbers).
    """
    _require_float64()
    names = _layout(config.active)
    unit = np.asarray(_units(names, config.rtol, config.atol), dtype=np.float64)
    y0_active = jnp.stack([jnp.asarray(getattr(y0, n), dtype=jnp.float64) for n in names]) / unit
    boundaries = jnp.asarray(forcing.boundaries, dtype=jnp.float64)
    values = jnp.asarray(forcing.values, dtype=jnp.float64)
    save_ts = jnp.asarray(config.save_ts, dtype=jnp.float64)
    controller = diffrax.ClipStepSizeController(
        diffrax.PIDController(rtol=config.rtol, atol=config.atol), jump_ts=boundaries
    )
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(_field_of(names)),
        diffrax.Tsit5(),
        t0=jnp.asarray(forcing.t0, dtype=jnp.float64),
        t1=jnp.asarray(forcing.t1, dtype=jnp.float64),
        dt0=1.0 / 60.0,
        y0=y0_active,
        args=(params, boundaries, values, unit),
        saveat=diffrax.SaveAt(ts=save_ts),
        stepsize_controller=controller,
        adjoint=_adjoint(config.adjoint),
        max_steps=config.max_steps,
        throw=False,
    )
    y = sol.ys * unit
    ys = _full({n: y[:, k] for k, n in enumerate(names)}, jnp.zeros_like(save_ts))
    us = jax.vmap(lambda t: _inputs_at(t, boundaries, values))(save_ts)
    obs = jax.vmap(observables, in_axes=(0, 0, None))(ys, us, params)
    return Solution(ys, Observables(*obs), _outcome(sol.result), sol.stats["num_steps"])


_solve_jit = eqx.filter_jit(solve)


@eqx.filter_jit
def _solve_vmap(params: Any, forcing: ForcingArrays, y0: Any, config: SolveConfig) -> Solution:
    return jax.vmap(solve, in_axes=(0, 0, 0, None))(params, forcing, y0, config)


def solve_batch(params: Any, forcing: ForcingArrays, y0: Any, config: SolveConfig) -> Solution:
    """:func:`solve` under ``jax.vmap``: a leading subject axis on every array of
    ``params``, ``forcing`` and ``y0``; ``config`` is shared."""
    return _solve_vmap(params, forcing, y0, config)


def solve_compiled(params: Any, forcing: ForcingArrays, y0: Any, config: SolveConfig) -> Solution:
    """:func:`solve`, jit-compiled (one compilation per shape and static configuration)."""
    return _solve_jit(params, forcing, y0, config)
