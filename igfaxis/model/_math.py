"""The small math vocabulary that rate laws are written in, for every backend.

Rate laws in :mod:`igfaxis.model` are plain Python functions of scalars. They use ordinary
arithmetic (``+ - * / **``) and only the functions defined here. Each function dispatches on
its argument: a JAX array gives a JAX value (the diffrax engine), a :class:`Sym` gives a node
of a symbolic expression graph (the SBML exporter and the generated source of the native
kernel, :mod:`igfaxis.model._graph`), a plain Python number gives a Python number (constant
folding of the symbolic path). This is how the equations are written once and compiled
several ways.

The graph is hash-consed: building the same operation on the same operands twice returns the
same node, so structurally identical subexpressions are one node (common-subexpression
elimination for free), and node identity is node equality. Constants fold as the graph is
built (``0*x -> 0``, ``x+0 -> x``, ``x*1 -> x``, ``0/x -> 0``, ``0**n -> 0``, ``pos(0) -> 0``,
``exp(0) -> 1``), so substituting 0 for the states and inputs of drugs a protocol does not dose
removes their terms from the generated code.
"""

from __future__ import annotations

import math
import weakref
from typing import Any

__all__ = ["Sym", "exp", "hill", "inhibit", "log", "pos", "step", "to_infix"]

#: plain Python numbers, the constants of the symbolic path (numpy and JAX scalars are not
#: included: they take the JAX path, as before)
_NUMBER = (float, int)

#: op -> (arity, infix template); ``pos`` renders as an SBML ``piecewise``
_TEXT = {
    "add": "({0} + {1})",
    "sub": "({0} - {1})",
    "mul": "({0} * {1})",
    "div": "({0} / {1})",
    "pow": "pow({0}, {1})",
    "neg": "(-{0})",
    "exp": "exp({0})",
    "log": "ln({0})",
    "pos": "piecewise({0}, {0} > 0, 0)",
    "step": "piecewise(1, {0} > 0, 0.5, {0} == 0, 0)",
}

# Hash-consing table: (op, args) -> node. Weak values, so a node lives only as long as some
# expression holds it; a cache, not state: which nodes are interned never changes a result.
_INTERN: weakref.WeakValueDictionary[tuple, Sym] = weakref.WeakValueDictionary()


class Sym:
    """A node of a symbolic scalar expression graph.

    ``Sym("name")`` is a named leaf (a state, input or parameter). Arithmetic on nodes and
    the functions of this module build interior nodes with an ``op`` (``add``, ``sub``,
    ``mul``, ``div``, ``pow``, ``neg``, ``exp``, ``log``, ``pos``, and ``step``, the
    derivative of ``pos``) and ``args`` (nodes or
    floats). ``str(node)`` / :attr:`expr` is the infix text in the SBML L3 / Python common
    subset; power is kept as ``pow(a, b)`` so that the same text parses in Python and in
    libsbml's L3 formula parser.
    """

    __slots__ = ("__weakref__", "_text", "args", "op")

    op: str
    args: tuple

    def __new__(cls, name: str) -> Sym:
        """A named leaf."""
        if not isinstance(name, str):
            raise TypeError(f"Sym(name) takes a str; got {name!r} ({type(name).__name__})")
        return _node("sym", (name,))

    @property
    def expr(self) -> str:
        """Infix text of the expression."""
        return to_infix(self)

    @property
    def name(self) -> str:
        """The name of a leaf."""
        if self.op != "sym":
            raise ValueError(f"only a leaf has a name; this node is a {self.op!r}")
        return self.args[0]

    def __add__(self, o: Any) -> Any:
        return add(self, o)

    def __radd__(self, o: Any) -> Any:
        return add(o, self)

    def __sub__(self, o: Any) -> Any:
        return sub(self, o)

    def __rsub__(self, o: Any) -> Any:
        return sub(o, self)

    def __mul__(self, o: Any) -> Any:
        return mul(self, o)

    def __rmul__(self, o: Any) -> Any:
        return mul(o, self)

    def __truediv__(self, o: Any) -> Any:
        return div(self, o)

    def __rtruediv__(self, o: Any) -> Any:
        return div(o, self)

    def __pow__(self, o: Any) -> Any:
        return power(self, o)

    def __rpow__(self, o: Any) -> Any:
        return power(o, self)

    def __neg__(self) -> Any:
        return neg(self)

    def __str__(self) -> str:
        return to_infix(self)

    def __repr__(self) -> str:
        text = to_infix(self)
        return f"Sym({text if len(text) < 80 else text[:77] + '...'})"


def _node(op: str, args: tuple) -> Sym:
    key = (op, *args)
    try:
        hit = _INTERN.get(key)
    except TypeError:  # an unhashable argument: not a valid operand
        raise TypeError(f"cannot build a symbolic {op!r} of {args!r}") from None
    if hit is not None:
        return hit
    node = object.__new__(Sym)
    node.op, node.args, node._text = op, args, None
    _INTERN[key] = node
    return node


def _operand(x: Any) -> Any:
    """A node or a float; anything else (numpy / JAX scalars) is converted to float."""
    if isinstance(x, Sym):
        return x
    if isinstance(x, bool):
        raise TypeError("booleans are not operands of rate laws")
    return float(x)


def _const(x: Any) -> bool:
    return not isinstance(x, Sym)


def add(a: Any, b: Any) -> Any:
    """``a + b`` with folding."""
    a, b = _operand(a), _operand(b)
    if _const(a) and _const(b):
        return a + b
    if _const(a) and a == 0.0:
        return b
    if _const(b) and b == 0.0:
        return a
    return _node("add", (a, b))


def sub(a: Any, b: Any) -> Any:
    """``a - b`` with folding."""
    a, b = _operand(a), _operand(b)
    if _const(a) and _const(b):
        return a - b
    if _const(b) and b == 0.0:
        return a
    if _const(a) and a == 0.0:
        return neg(b)
    if a is b:
        return 0.0
    return _node("sub", (a, b))


def mul(a: Any, b: Any) -> Any:
    """``a * b`` with folding (``0 * x -> 0``: rate laws are finite where they are used)."""
    a, b = _operand(a), _operand(b)
    if _const(a) and _const(b):
        return a * b
    if (_const(a) and a == 0.0) or (_const(b) and b == 0.0):
        return 0.0
    if _const(a) and a == 1.0:
        return b
    if _const(b) and b == 1.0:
        return a
    return _node("mul", (a, b))


def div(a: Any, b: Any) -> Any:
    """``a / b`` with folding (``0 / x -> 0``)."""
    a, b = _operand(a), _operand(b)
    if _const(a) and _const(b):
        return a / b
    if _const(a) and a == 0.0:
        return 0.0
    if _const(b) and b == 1.0:
        return a
    return _node("div", (a, b))


def power(a: Any, b: Any) -> Any:
    """``a ** b`` with folding; ``0 ** n -> 0`` for a symbolic ``n`` (Hill coefficients and
    exponents of the model are positive)."""
    a, b = _operand(a), _operand(b)
    if _const(a) and _const(b):
        return a**b
    if _const(b) and b == 0.0:
        return 1.0
    if _const(b) and b == 1.0:
        return a
    if _const(a) and a == 0.0:
        return 0.0
    if _const(a) and a == 1.0:
        return 1.0
    return _node("pow", (a, b))


def neg(a: Any) -> Any:
    """``-a`` with folding."""
    a = _operand(a)
    if _const(a):
        return -a
    if a.op == "neg":
        return a.args[0]
    return _node("neg", (a,))


def to_infix(x: Any) -> str:
    """Render a number or :class:`Sym` as infix text."""
    if not isinstance(x, Sym):
        value = float(x)
        text = repr(value)
        return f"({text})" if value < 0 else text
    if x._text is not None:
        return x._text
    # iterative post-order walk: expressions of the whole model are deeper than is safe
    # for Python recursion, and each node's text is cached on the node
    stack: list[Sym] = [x]
    while stack:
        node = stack[-1]
        if node._text is not None:
            stack.pop()
            continue
        pending = [a for a in node.args if isinstance(a, Sym) and a._text is None]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        if node.op == "sym":
            node._text = node.args[0]
        else:
            node._text = _TEXT[node.op].format(*(to_infix(a) for a in node.args))
    return x._text


def exp(x: Any) -> Any:
    """Exponential."""
    if isinstance(x, Sym):
        return _node("exp", (x,))
    if isinstance(x, _NUMBER):
        return math.exp(x)
    import jax.numpy as jnp  # JAX values only: the native path never imports JAX

    return jnp.exp(x)


def log(x: Any) -> Any:
    """Natural logarithm."""
    if isinstance(x, Sym):
        return _node("log", (x,))
    if isinstance(x, _NUMBER):
        return math.log(x)
    import jax.numpy as jnp

    return jnp.log(x)


def pos(x: Any) -> Any:
    """``max(x, 0)``: guards fractional powers against tiny negative solver round-off."""
    if isinstance(x, Sym):
        return x if x.op in ("pos", "exp") else _node("pos", (x,))
    if isinstance(x, _NUMBER):
        return max(float(x), 0.0)
    import jax.numpy as jnp

    return jnp.maximum(x, 0.0)


def step(x: Any) -> Any:
    """Heaviside step, the derivative of :func:`pos`: 1 for ``x > 0``, 1/2 at ``x == 0``, 0
    below (and for NaN).

    ``H(0) = 1/2`` is the convention of JAX's derivative of ``jnp.maximum`` (a tie splits
    the derivative evenly), so exact symbolic Jacobians equal ``jax.jacfwd`` on the kink
    too. Rate laws do sit on it: an input that is exactly 0 and starts to rise (rapamycin at
    its first dose) has ``d pos(c)/dt = step(0) dc/dt``. Only symbolic differentiation
    (:mod:`igfaxis.model._symdiff`) builds it; the rate laws never use it.
    """
    if isinstance(x, Sym):
        return _node("step", (x,))
    if isinstance(x, _NUMBER):
        return 1.0 if x > 0.0 else (0.5 if x == 0.0 else 0.0)
    import jax.numpy as jnp

    return jnp.where(x > 0.0, 1.0, jnp.where(x == 0.0, 0.5, 0.0))


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
