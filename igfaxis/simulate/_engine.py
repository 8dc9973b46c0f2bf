"""The JAX/diffrax engine: the only module of igfaxis that imports diffrax.

:func:`solve` is pure: parameters, forcing and initial state in, states and observables
out. It can be jit-compiled, vmapped and differentiated (reverse mode by default;
forward mode, and so Hessians by ``jax.jacfwd(jax.jacfwd(...))``, with
``adjoint="forward"``). :func:`igfaxis.simulate.simulate` is a thin shell around it.

One ``diffeqsolve`` covers the whole horizon. The inputs are a step function looked up by
``searchsorted``; every step boundary is passed to ``ClipStepSizeController(jump_ts=...)``
so that steps end exactly at input changes (diffrax documentation,
``ClipStepSizeController``). Only the compartments of the drugs a protocol doses are
integrated (``SolveConfig.active``): the others are the constant 0 and fold away.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp

from igfaxis.errors import ConfigurationError
from igfaxis.model import MODEL, Inputs, Observables, State, observables, vector_field
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


def _field(t: Any, z: dict[str, Any], args: Any) -> dict[str, Any]:
    p, boundaries, values, unit = args
    y = {n: z[n] * unit[n] for n in z}
    dy = vector_field(_full(y, 0.0), _inputs_at(t, boundaries, values), p)
    return {n: getattr(dy, n) / unit[n] for n in z}


@functools.cache
def _units(names: tuple[str, ...], rtol: float, atol: float) -> dict[str, float]:
    """The unit each state is integrated in: ``atol_i / atol`` (:func:`state_atol`), so
    that diffrax's scalar ``atol`` holds state ``i`` to ``atol_i + rtol |y_i|``, as the
    native kernel does."""
    return dict(zip(names, (a / atol for a in state_atol(names, rtol, atol)), strict=True))


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
    unit = _units(names, config.rtol, config.atol)
    y0_active = {n: jnp.asarray(getattr(y0, n), dtype=jnp.float64) / unit[n] for n in names}
    boundaries = jnp.asarray(forcing.boundaries, dtype=jnp.float64)
    values = jnp.asarray(forcing.values, dtype=jnp.float64)
    save_ts = jnp.asarray(config.save_ts, dtype=jnp.float64)
    controller = diffrax.ClipStepSizeController(
        diffrax.PIDController(rtol=config.rtol, atol=config.atol), jump_ts=boundaries
    )
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(_field),
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
    ys = _full({n: v * unit[n] for n, v in sol.ys.items()}, jnp.zeros_like(save_ts))
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
