"""Exact derivatives of :class:`~igfaxis.model._math.Sym` expression graphs.

Forward-mode differentiation over the graph: every node, children before parents, gets its
partial derivatives with respect to the chosen leaves, built from the same folding
constructors as the rate laws, so zero terms vanish as they arise and shared subexpressions
stay shared nodes (the derivative of ``a / b`` reuses the node ``a / b``). The result is a
graph again, and :func:`igfaxis.model._graph.emit_function` writes it as straight-line
source: this is how the native cell kernel gets the exact Jacobian that the JAX path takes
from ``jax.jacfwd``.

Rules (``'`` is the derivative along one leaf; ``b`` free of the leaves in ``a ** b``
unless ``b'`` is non-zero)::

    (a + b)' = a' + b'          (a - b)' = a' - b'        (-a)' = -a'
    (a b)'   = a' b + a b'      (a / b)' = (a' - (a / b) b') / b
    (a ** b)' = b a ** (b - 1) a' + (a ** b) log(a) b'
    exp(a)'  = exp(a) a'        log(a)'  = a' / a
    pos(a)'  = step(a) a'       step(a)' = 0

``step(a)`` is 1 for ``a > 0``, 0 below, and 1/2 at ``a == 0`` exactly: the convention of
JAX's derivative of ``jnp.maximum``. The cell model does sit on that kink (rapamycin is
exactly 0 until the first dose, then rises linearly within the grid interval), and the
native and JAX solves agree to round-off only if their df/dt agree there too.

This module is pure: it builds graphs and never imports numba.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from igfaxis.model._graph import _walk
from igfaxis.model._math import Sym, add, div, log, mul, neg, power, step, sub

__all__ = ["gradients", "jacobian"]

_Grad = dict[str, Any]  # leaf name -> non-zero partial derivative (Sym or float)


def _nonzero(d: _Grad) -> _Grad:
    return {k: v for k, v in d.items() if isinstance(v, Sym) or v != 0.0}


def _combine(da: _Grad, db: _Grad, fa: Any, fb: Any) -> _Grad:
    """``fa(a') + fb(b')`` per leaf, with a missing partial standing for 0."""
    out: _Grad = {}
    for k in (*da, *(k for k in db if k not in da)):
        out[k] = add(fa(da[k]) if k in da else 0.0, fb(db[k]) if k in db else 0.0)
    return _nonzero(out)


def _rule(node: Sym, grads: list[_Grad]) -> _Grad:
    op, args = node.op, node.args
    if op == "add":
        return _combine(grads[0], grads[1], lambda g: g, lambda g: g)
    if op == "sub":
        return _combine(grads[0], grads[1], lambda g: g, neg)
    if op == "neg":
        return _nonzero({k: neg(g) for k, g in grads[0].items()})
    a = args[0]
    if op == "mul":
        b = args[1]
        return _combine(grads[0], grads[1], lambda g: mul(g, b), lambda g: mul(a, g))
    if op == "div":
        b = args[1]
        return _combine(grads[0], grads[1], lambda g: div(g, b),
                        lambda g: neg(div(mul(node, g), b)))  # fmt: skip
    if op == "pow":
        b = args[1]
        slope = mul(b, power(a, sub(b, 1.0)))
        return _combine(grads[0], grads[1], lambda g: mul(slope, g),
                        lambda g: mul(mul(node, log(a)), g))  # fmt: skip
    if op == "exp":
        return _nonzero({k: mul(node, g) for k, g in grads[0].items()})
    if op == "log":
        return _nonzero({k: div(g, a) for k, g in grads[0].items()})
    if op == "pos":
        s = step(a)
        return _nonzero({k: mul(s, g) for k, g in grads[0].items()})
    if op == "step":
        return {}
    raise ValueError(f"cannot differentiate op {op!r}. This is a bug in igfaxis; please "
                     "report it.")  # fmt: skip


def gradients(roots: Sequence[Any], wrt: Sequence[str]) -> list[_Grad]:
    """Partial derivatives of each of ``roots`` with respect to the leaves named ``wrt``.

    Parameters
    ----------
    roots
        Expressions: :class:`Sym` nodes or plain numbers (constants).
    wrt
        Leaf names to differentiate by; every other leaf is a constant.

    Returns
    -------
    list of dict
        One per root: leaf name -> derivative (a :class:`Sym` or a non-zero float); a leaf
        the root does not depend on is absent.
    """
    names = set(wrt)
    table: dict[int, _Grad] = {}
    for node in _walk(list(roots)):
        if node.op == "sym":
            table[id(node)] = {node.args[0]: 1.0} if node.args[0] in names else {}
            continue
        grads = [table[id(a)] if isinstance(a, Sym) else {} for a in node.args]
        table[id(node)] = _rule(node, grads) if any(grads) else {}
    return [dict(table[id(r)]) if isinstance(r, Sym) else {} for r in roots]


def jacobian(roots: Sequence[Any], wrt: Sequence[str]) -> list[list[Any]]:
    """Dense Jacobian ``d roots[i] / d wrt[j]`` (entries :class:`Sym` or float, 0.0 where
    ``roots[i]`` does not depend on ``wrt[j]``)."""
    return [[g.get(name, 0.0) for name in wrt] for g in gradients(roots, wrt)]
