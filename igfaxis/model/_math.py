"""The small math vocabulary that rate laws are written in, for every backend.

Rate laws in :mod:`igfaxis.model` are plain Python functions of scalars. They use ordinary
arithmetic (``+ - * / **``) and only the functions defined here. Each function dispatches on
its argument: a JAX array or float gives a JAX value (the diffrax engine), a :class:`Sym`
gives a symbolic expression (the SBML exporter and the generated scalar source for other
backends). This is how the equations are written once and compiled several ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax.numpy as jnp

__all__ = ["Sym", "exp", "hill", "inhibit", "log", "pos", "to_infix"]


@dataclass(frozen=True)
class Sym:
    """A symbolic scalar: an infix expression string in the SBML L3 / Python common subset.

    Power is kept as ``pow(a, b)`` so that the same text parses in Python and in
    libsbml's L3 formula parser.
    """

    expr: str

    def _bin(self, op: str, other: Any, swap: bool = False) -> Sym:
        a, b = (to_infix(other), self.expr) if swap else (self.expr, to_infix(other))
        return Sym(f"({a} {op} {b})")

    def __add__(self, o: Any) -> Sym:
        return self._bin("+", o)

    def __radd__(self, o: Any) -> Sym:
        return self._bin("+", o, swap=True)

    def __sub__(self, o: Any) -> Sym:
        return self._bin("-", o)

    def __rsub__(self, o: Any) -> Sym:
        return self._bin("-", o, swap=True)

    def __mul__(self, o: Any) -> Sym:
        return self._bin("*", o)

    def __rmul__(self, o: Any) -> Sym:
        return self._bin("*", o, swap=True)

    def __truediv__(self, o: Any) -> Sym:
        return self._bin("/", o)

    def __rtruediv__(self, o: Any) -> Sym:
        return self._bin("/", o, swap=True)

    def __pow__(self, o: Any) -> Sym:
        return Sym(f"pow({self.expr}, {to_infix(o)})")

    def __rpow__(self, o: Any) -> Sym:
        return Sym(f"pow({to_infix(o)}, {self.expr})")

    def __neg__(self) -> Sym:
        return Sym(f"(-{self.expr})")

    def __str__(self) -> str:
        return self.expr


def to_infix(x: Any) -> str:
    """Render a number or :class:`Sym` as infix text."""
    if isinstance(x, Sym):
        return x.expr
    value = float(x)
    text = repr(value)
    return f"({text})" if value < 0 else text


def _is_sym(*xs: Any) -> bool:
    return any(isinstance(x, Sym) for x in xs)


def exp(x: Any) -> Any:
    """Exponential."""
    return Sym(f"exp({to_infix(x)})") if _is_sym(x) else jnp.exp(x)


def log(x: Any) -> Any:
    """Natural logarithm."""
    return Sym(f"ln({to_infix(x)})") if _is_sym(x) else jnp.log(x)


def pos(x: Any) -> Any:
    """``max(x, 0)``: guards fractional powers against tiny negative solver round-off."""
    if _is_sym(x):
        s = to_infix(x)
        return Sym(f"piecewise({s}, {s} > 0, 0)")
    return jnp.maximum(x, 0.0)


def hill(x: Any, k: Any, n: Any) -> Any:
    """Activating Hill function ``(x/k)^n / (1 + (x/k)^n)`` in [0, 1).

    Parameters
    ----------
    x
        Effector level [any unit, same as ``k``]; negative round-off is clipped to 0.
    k
        Half-maximal level [unit of ``x``].
    n
        Hill coefficient [-].
    """
    r = (pos(x) / k) ** n
    return r / (1.0 + r)


def inhibit(x: Any, k: Any, n: Any) -> Any:
    """Inhibiting Hill function ``1 / (1 + (x/k)^n)`` in (0, 1]."""
    return 1.0 / (1.0 + (pos(x) / k) ** n)
