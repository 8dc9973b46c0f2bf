"""The model as an expression graph, and Python source generated from it.

:func:`system_graph` evaluates :func:`~igfaxis.model.vector_field` and
:func:`~igfaxis.model.observables` on symbolic values (:class:`igfaxis.model._math.Sym`,
hash-consed, so common subexpressions are shared nodes). The states of drugs left out of
``active`` and the dosing inputs that only feed them are the constant 0, and constant
folding removes every term they enter. :func:`python_source` emits straight-line Python
for the right-hand side over the active states and for the observables; the native kernel
(:mod:`igfaxis.simulate._native`) compiles it with numba for CPU and CUDA.

The generated functions are::

    rhs(y, u, p, dy)   # y: active states, u: all Inputs, p: all Params, dy: out
    obs(y, u, p, o)    # o: all Observables (those of inactive drugs are constants)

This module is pure: it builds text and never imports numba.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from igfaxis.model import drugs
from igfaxis.model._math import Sym
from igfaxis.model._params import Params
from igfaxis.model._system import Inputs, Observables, State, observables, vector_field

__all__ = [
    "SystemGraph", "count_nodes", "drug_inputs_of", "evaluation_order", "python_source",
    "system_graph",
]  # fmt: skip

_BODY_STATES = tuple(n for n in State._fields if n not in drugs.DRUG_STATES)


def drug_inputs_of(active: Sequence[str]) -> tuple[str, ...]:
    """Dosing inputs that feed no active drug compartment (they are folded to 0)."""
    active_set = set(active)
    used: set[str] = set()
    unused: set[str] = set()
    for info in drugs.DRUGS.values():
        if not info.states:
            continue
        target = used if active_set.intersection(info.states) else unused
        target.update(r.input for r in info.routes.values())
    return tuple(n for n in Inputs._fields if n in unused - used)


@dataclass(frozen=True)
class SystemGraph:
    """The symbolic system over a set of active states.

    Attributes
    ----------
    states
        Names of the integrated states, in :class:`State` order (body states, then the
        active drug compartments).
    zero_inputs
        Inputs replaced by the constant 0 (dosing inputs of inactive drugs).
    rhs
        d(state)/dt of each of ``states``: a :class:`Sym` or a float.
    observables
        Every :class:`Observables` field: a :class:`Sym` or a float.
    """

    states: tuple[str, ...]
    zero_inputs: tuple[str, ...]
    rhs: tuple[Any, ...]
    observables: tuple[Any, ...]


def system_graph(active: Sequence[str] | None = None) -> SystemGraph:
    """The symbolic vector field and observables with only ``active`` drug states.

    Parameters
    ----------
    active
        Drug compartments (names in :data:`igfaxis.model.drugs.DRUG_STATES`) to keep;
        ``None`` keeps all. The body states are always kept.
    """
    chosen = set(drugs.DRUG_STATES if active is None else active)
    unknown = chosen.difference(drugs.DRUG_STATES)
    if unknown:
        raise ValueError(
            f"`active` must name drug compartments of igfaxis.model.drugs.DRUG_STATES; got "
            f"{sorted(unknown)}. Body states are always integrated."
        )
    states = tuple(n for n in State._fields if n in _BODY_STATES or n in chosen)
    zero_inputs = drug_inputs_of(tuple(chosen))
    y = State(*(Sym(n) if n in states else 0.0 for n in State._fields))
    u = Inputs(*(0.0 if n in zero_inputs else Sym(n) for n in Inputs._fields))
    p = Params(*(Sym(n) for n in Params._fields))
    dy = vector_field(y, u, p)
    obs = observables(y, u, p)
    return SystemGraph(states, zero_inputs, tuple(getattr(dy, n) for n in states), tuple(obs))


def _walk(roots: Sequence[Any]) -> list[Sym]:
    """Every node reachable from ``roots``, children before parents (iterative)."""
    order: list[Sym] = []
    seen: set[int] = set()
    stack: list[tuple[Sym, bool]] = [(r, False) for r in reversed(roots) if isinstance(r, Sym)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((a, False) for a in reversed(node.args)
                     if isinstance(a, Sym) and id(a) not in seen)  # fmt: skip
    return order


def evaluation_order(roots: Sequence[Any]) -> list[Sym]:
    """Every node under ``roots`` (leaves included), each after its operands: the order in
    which straight-line code evaluates them (the JAX engine's, :mod:`igfaxis.simulate`)."""
    return _walk(roots)


def count_nodes(roots: Sequence[Any]) -> int:
    """Number of distinct interior nodes (operations) under ``roots``."""
    return sum(1 for n in _walk(roots) if n.op != "sym")


def _num(x: float) -> str:
    text = repr(float(x))
    return f"({text})" if x < 0 else text


def _expr(node: Sym, name: Mapping[int, str], power: str) -> str:
    a = [name[id(x)] if isinstance(x, Sym) else _num(x) for x in node.args]
    op = node.op
    if op == "add":
        return f"{a[0]} + {a[1]}"
    if op == "sub":
        return f"{a[0]} - {a[1]}"
    if op == "mul":
        return f"{a[0]} * {a[1]}"
    if op == "div":
        return f"{a[0]} / {a[1]}"
    if op == "neg":
        return f"-{a[0]}"
    if op == "exp":
        return f"math.exp({a[0]})"
    if op == "log":
        return f"math.log({a[0]})"
    if op == "pos":  # as SBML's piecewise(x, x > 0, 0): NaN gives 0
        return f"{a[0]} if {a[0]} > 0.0 else 0.0"
    if op == "step":  # d pos(x) / dx, 1/2 at the tie as JAX's jnp.maximum; NaN gives 0
        return f"1.0 if {a[0]} > 0.0 else (0.5 if {a[0]} == 0.0 else 0.0)"
    if op == "pow":
        e = node.args[1]
        if not isinstance(e, Sym) and e == 2.0:
            return f"{a[0]} * {a[0]}"
        if not isinstance(e, Sym) and e == 0.5:
            return f"math.sqrt({a[0]})"
        if power and isinstance(e, Sym):
            return f"{power}({a[0]}, {a[1]})"
        return f"{a[0]} ** {a[1]}"
    raise ValueError(f"unknown op {op!r}. This is a bug in igfaxis; please report it.")


def emit_function(fname: str, args: Sequence[str], leaves: Mapping[str, str],
                  outputs: Sequence[tuple[str, Any]], decorator: str = "",
                  power: str = "") -> str:  # fmt: skip
    """Straight-line Python source of one function.

    Parameters
    ----------
    fname, args
        Function name and argument names.
    leaves
        Leaf name -> Python expression that loads it (``"y[3]"``).
    outputs
        ``(target, value)`` pairs: ``target = value`` is the last block (``"dy[0]"``).
    decorator
        A decorator line without ``@`` (empty for none).
    power
        Name of a function ``f(x, n)`` used for powers with a symbolic exponent (empty:
        ``x ** n``); the native kernel's ``ipow`` takes integer exponents by multiplication.
    """
    order = _walk([v for _, v in outputs])
    name: dict[int, str] = {}
    lines = [f"@{decorator}"] if decorator else []
    lines.append(f"def {fname}({', '.join(args)}):")
    k = 0
    for node in order:
        if node.op == "sym":
            leaf = node.args[0]
            if leaf not in leaves:
                raise ValueError(f"leaf {leaf!r} has no loader. This is a bug in igfaxis.")
            name[id(node)] = f"v_{leaf}"
            lines.append(f"    v_{leaf} = {leaves[leaf]}")
    for node in order:
        if node.op != "sym":
            name[id(node)] = f"t{k}"
            lines.append(f"    t{k} = {_expr(node, name, power)}")
            k += 1
    for target, value in outputs:
        rhs = name[id(value)] if isinstance(value, Sym) else _num(value)
        lines.append(f"    {target} = {rhs}")
    lines.append("")
    return "\n".join(lines)


def python_source(graph: SystemGraph, decorator: str = "", power: str = "") -> str:
    """Source of ``rhs(y, u, p, dy)`` and ``obs(y, u, p, o)`` for ``graph``.

    ``y`` holds ``graph.states`` in order, ``u`` all :class:`Inputs` fields, ``p`` all
    :class:`Params` fields, ``o`` receives all :class:`Observables` fields. ``decorator`` and
    ``power`` are passed to :func:`emit_function`.
    """
    leaves = {n: f"y[{i}]" for i, n in enumerate(graph.states)}
    leaves.update({n: f"u[{j}]" for j, n in enumerate(Inputs._fields)})
    leaves.update({n: f"p[{k}]" for k, n in enumerate(Params._fields)})
    names = set(State._fields) | set(Inputs._fields)
    clash = names.intersection(Params._fields)
    if clash:  # leaves are looked up by name, so the three name spaces must not overlap
        raise ValueError(f"names shared by states/inputs and parameters: {sorted(clash)}")
    rhs = emit_function(
        "rhs",
        ("y", "u", "p", "dy"),
        leaves,
        [(f"dy[{i}]", v) for i, v in enumerate(graph.rhs)],
        decorator,
        power,
    )
    obs = emit_function(
        "obs",
        ("y", "u", "p", "o"),
        leaves,
        [(f"o[{i}]", v) for i, v in enumerate(graph.observables)],
        decorator,
        power,
    )
    assert len(graph.observables) == len(Observables._fields)
    return rhs + "\n\n" + obs


def _kinds(nodes: Sequence[Sym]) -> dict[int, int]:
    """Per node: 0 a function of parameters only, 1 of parameters and inputs, 2 of a state."""
    params, inputs = set(Params._fields), set(Inputs._fields)
    kind: dict[int, int] = {}
    for n in nodes:
        if n.op == "sym":
            leaf = n.args[0]
            kind[id(n)] = 0 if leaf in params else (1 if leaf in inputs else 2)
        else:
            kind[id(n)] = max((kind[id(a)] for a in n.args if isinstance(a, Sym)), default=0)
    return kind


def hoisted_rhs_source(graph: SystemGraph, decorator: str = "",
                       power: str = "") -> tuple[str, int]:  # fmt: skip
    """Source of ``pre(u, p, c)`` and ``rhs_c(y, u, p, c, dy)``: the right-hand side with its
    state-free part computed once per forcing segment.

    Every operation whose operands are parameters and inputs only (constant while the
    inputs hold) moves to ``pre``, which stores those results that state-dependent
    operations (or outputs) use in ``c``; a division of a state-dependent numerator by such
    a denominator becomes a product with its reciprocal, also computed in ``pre``.
    ``rhs_c`` is what remains. ``rhs_c(y, u, p, c, dy)`` after ``pre(u, p, c)`` equals
    ``rhs(y, u, p, dy)`` of :func:`python_source` to round-off (a reciprocal product
    differs from the quotient by at most one rounding). Returns ``(source, len(c))``.
    """
    from igfaxis.model._math import div

    outputs = list(graph.rhs)
    nodes = _walk(outputs)
    kind = _kinds(nodes)
    slot: dict[int, int] = {}  # hoisted node -> index in c
    roots: list[Any] = []  # what pre stores, by slot
    recip: dict[int, int] = {}  # denominator node -> slot of its reciprocal

    def hoist(node: Sym) -> int:
        if id(node) not in slot:
            slot[id(node)] = len(roots)
            roots.append(node)
        return slot[id(node)]

    for n in nodes:
        if n.op == "sym" or kind[id(n)] < 2:
            continue
        if n.op == "div" and isinstance(n.args[1], Sym) and kind[id(n.args[1])] < 2:
            den = n.args[1]
            if id(den) not in recip:
                r = div(1.0, den)
                recip[id(den)] = len(roots)
                roots.append(r)
                slot[id(r)] = recip[id(den)]
            args = n.args[:1]
        else:
            args = n.args
        for a in args:
            if isinstance(a, Sym) and a.op != "sym" and kind[id(a)] < 2:
                hoist(a)
    for v in outputs:
        if isinstance(v, Sym) and v.op != "sym" and kind[id(v)] < 2:
            hoist(v)
    leaves = {n: f"u[{j}]" for j, n in enumerate(Inputs._fields)}
    leaves.update({n: f"p[{k}]" for k, n in enumerate(Params._fields)})
    if roots:
        pre = emit_function("pre", ("u", "p", "c"), leaves,
                            [(f"c[{k}]", r) for k, r in enumerate(roots)], decorator,
                            power)  # fmt: skip
    else:
        pre = "\n".join([*([f"@{decorator}"] if decorator else []),
                         "def pre(u, p, c):", "    return", ""])  # fmt: skip
    leaves.update({n: f"y[{i}]" for i, n in enumerate(graph.states)})
    name: dict[int, str] = {}
    lines = [f"@{decorator}"] if decorator else []
    lines.append("def rhs_c(y, u, p, c, dy):")
    body: list[str] = []
    used: dict[int, str] = {}

    def ref(a: Any) -> str:
        if not isinstance(a, Sym):
            return _num(a)
        if id(a) in name:
            return name[id(a)]
        if a.op == "sym":
            leaf = a.args[0]
            if leaf not in leaves:
                raise ValueError(f"leaf {leaf!r} has no loader. This is a bug in igfaxis.")
            name[id(a)] = f"v_{leaf}"
            used[id(a)] = f"    v_{leaf} = {leaves[leaf]}"
            return name[id(a)]
        k = slot[id(a)]  # a hoisted operation
        name[id(a)] = f"c_{k}"
        used[id(a)] = f"    c_{k} = c[{k}]"
        return name[id(a)]

    k = 0
    for n in nodes:
        if n.op == "sym" or kind[id(n)] < 2:
            continue
        if n.op == "div" and isinstance(n.args[1], Sym) and kind[id(n.args[1])] < 2:
            r = recip[id(n.args[1])]
            used.setdefault(-r - 1, f"    r_{r} = c[{r}]")
            text = f"{ref(n.args[0])} * r_{r}"
        else:
            for a in n.args:
                ref(a)
            text = _expr(n, name, power)
        name[id(n)] = f"t{k}"
        body.append(f"    t{k} = {text}")
        k += 1
    outs = [f"    dy[{i}] = {ref(v)}" for i, v in enumerate(outputs)]
    lines += list(used.values()) + body + outs + [""]
    return pre + "\n\n" + "\n".join(lines), len(roots)
