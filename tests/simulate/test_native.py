"""Native backend (issue 10, items 2 and 7): the expression graph, the generated code and the
fused DOPRI5 kernel against the JAX engine, scipy LSODA and libRoadRunner.

Agreement measure (all cross-solver checks): for each state, ``|native - ref| / max(|ref|,
floor)`` with ``floor = FLOOR_REL * max_t |ref|`` (relative to the value, except where the
state is below 1e-4 of its own peak over the run, e.g. a drug compartment before the dose
or a depot that has emptied; there the difference is measured against 1e-4 of the peak),
and at least ``FLOOR_ABS`` = 1e-4 state units (µg, ng/mL, nmol/L; so a difference of 1e-10
units is allowed near zero: diffrax gives -2e-11 µg for an empty depot at its dose time).
"""

import json
import os
import subprocess
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from igfaxis import Dose, Person, Protocol
from igfaxis.model import (
    STATE_UNITS,
    Inputs,
    Observables,
    Params,
    State,
    default_params,
    initial_state,
    observables as model_observables,
    vector_field,
)
from igfaxis.model._graph import (
    count_nodes,
    hoisted_rhs_source,
    python_source,
    system_graph,
)
from igfaxis.model._math import Sym, exp, hill, inhibit, log, pos
from igfaxis.model.drugs import DRUG_INPUTS, DRUG_STATES, DRUGS
from igfaxis.protocol import BURST_ORIGIN_H, compile_protocol
from igfaxis.simulate import state_atol
from igfaxis.simulate._engine import ForcingArrays, SolveConfig, pad_forcing, solve_batch
from igfaxis.simulate._native import (
    _active_key,
    _graph,
    _load,
    integrator_source,
    module_source,
    set_threads,
    solve_cuda_batch,
    solve_native,
    solve_native_batch,
)
from igfaxis.simulate._tableau import DOPRI5

pytest.importorskip("numba")

MAN = Person(age_y=30, sex="male", weight_kg=70)
DAYS, WARMUP_DAYS = 2.0, 1.0
TIGHT = {"rtol": 1e-10, "atol": 1e-12}
RTOL, FLOOR_REL, FLOOR_ABS = 1e-6, 1e-4, 1e-4
SAVE = np.linspace(0.0, 24.0 * DAYS, int(24 * DAYS * 2) + 1)  # every 30 min
PAD = 256  # forcing boundaries, padded: one JAX compilation for every scenario

SCENARIOS = {
    "baseline": Protocol(name="baseline"),
    "somatropin_sc": Protocol(doses=(Dose(drug="somatropin", amt=1.0, time_h=8.0),)),
    "somapacitan": Protocol(doses=(Dose(drug="somapacitan", amt=1.5, time_h=9.0),)),
    "tesamorelin": Protocol(doses=(Dose(drug="tesamorelin", amt=2.0, time_h=22.0),)),
    "mk677": Protocol(doses=(Dose(drug="mk677", amt=25.0, route="po", time_h=8.0),)),
    "octreotide_sc": Protocol(doses=(Dose(drug="octreotide", amt=0.1, time_h=12.0),)),
    "pegvisomant": Protocol(doses=(Dose(drug="pegvisomant", amt=15.0, time_h=9.0),)),
    "mecasermin_iv": Protocol(
        doses=(Dose(drug="mecasermin", amt=0.05, amt_unit="mg/kg", route="iv", time_h=10.0),)
    ),
    "water_fast": Protocol.from_yaml("fasting: [{kind: water, start_h: 6, duration_h: 40}]\n"),
    "exercise": Protocol.from_yaml("exercise: [{kind: endurance, duration_min: 60, at_h: 17}]\n"),
    "dose_at_horizon_end": Protocol(
        doses=(Dose(drug="somatropin", amt=1.0, time_h=24.0 * DAYS - 0.5 / 60.0),)
    ),
}


def _compiled(protocol):
    # the burst origin of simulate and the SBML export, so the roadrunner check sees the
    # same bursts
    return compile_protocol(protocol, MAN, default_params(), days=DAYS, seed=0,
                            warmup_h=24.0 * WARMUP_DAYS,
                            burst_origin_h=BURST_ORIGIN_H)  # fmt: skip


def _native_module(active):
    return _load(_active_key(active), "cpu")


def _dosed_states(protocol):
    return tuple(s for d in protocol.doses for s in DRUGS[d.drug].states)


def _native(p, f, active=None, **tol):
    return solve_native(p, initial_state(p), f.boundaries, f.values, f.t0, f.t1, SAVE,
                        max_steps=10**7, active=active, **(tol or TIGHT))  # fmt: skip


@pytest.fixture(scope="module")
def jax_runs():
    """The JAX engine (diffrax Tsit5, all compartments) on every scenario in one vmapped
    solve: one compilation."""
    names = list(SCENARIOS)
    compiled = [_compiled(SCENARIOS[n]) for n in names]
    padded = [pad_forcing(f.boundaries, f.values, f.t1, PAD) for _, f in compiled]
    stack = lambda xs: jnp.asarray(np.stack([np.asarray(x, dtype=float) for x in xs]))  # noqa: E731
    forcing = ForcingArrays(stack([b for b, _ in padded]), stack([v for _, v in padded]),
                            stack([f.t0 for _, f in compiled]),
                            stack([f.t1 for _, f in compiled]))  # fmt: skip
    ps = Params(*stack([tuple(p) for p, _ in compiled]).T)
    y0 = State(*stack([tuple(initial_state(p)) for p, _ in compiled]).T)
    sol = solve_batch(ps, forcing, y0, SolveConfig(save_ts=SAVE, max_steps=10**7, **TIGHT))
    codes = np.asarray(sol.result)
    return {n: (State(*(np.asarray(a)[i] for a in sol.ys)), int(codes[i]))
            for i, n in enumerate(names)}  # fmt: skip


def _lsoda(p, f):
    """scipy LSODA on the same rate laws, restarted at every forcing boundary; output at
    SAVE. The right-hand side is the generated one compiled by numba (a JAX call per
    evaluation would take minutes); that it equals JAX's ``vector_field`` is
    test_generated_code_reproduces_the_jax_vector_field."""
    rhs, pv = _native_module(None).rhs, np.asarray(tuple(p), dtype=float)

    def fun(t, yy, u):
        dy = np.empty(yy.size)
        rhs(yy, u, pv, dy)
        return dy

    y = np.asarray(initial_state(p), dtype=float)
    out = np.full((SAVE.size, y.size), np.nan)
    edges = np.append(np.clip(f.boundaries, f.t0, f.t1), f.t1)
    for i in range(f.boundaries.size):
        a, b = edges[i], edges[i + 1]
        if b <= a:
            continue
        u = np.ascontiguousarray(f.values[i], dtype=float)
        last = i == f.boundaries.size - 1 or b >= f.t1
        sel = (a <= SAVE) & ((b >= SAVE) if last else (b > SAVE))
        t_eval = SAVE[sel] if sel.any() and SAVE[sel][-1] == b else np.append(SAVE[sel], b)
        sol = solve_ivp(fun, (a, b), y, method="LSODA", t_eval=t_eval, args=(u,), **TIGHT)
        assert sol.success, sol.message
        out[sel] = sol.y[:, : int(sel.sum())].T
        y = sol.y[:, -1]
        if last:
            break
    return State(*out.T)


def _assert_close(ours, ref, what):
    for name in State._fields:
        a, r = np.asarray(getattr(ours, name)), np.asarray(getattr(ref, name))
        peak = float(np.max(np.abs(r)))
        if peak == 0.0:  # an empty compartment stays exactly empty
            assert np.all(a == 0.0), f"{what}: {name} should stay 0"
            continue
        rel = np.abs(a - r) / np.maximum(np.abs(r), max(FLOOR_REL * peak, FLOOR_ABS))
        k = int(np.argmax(rel))
        assert rel[k] <= RTOL, (f"{what}: {name} differs by {rel[k]:.3g} (relative) at "
                                f"t = {SAVE[k]} h: {a[k]!r} vs {r[k]!r}")  # fmt: skip


# --- the expression graph --------------------------------------------------------------


def test_graph_is_hash_consed_and_folds_constants():
    x, k, n = Sym("x"), Sym("k"), Sym("n")
    assert Sym("x") is x
    assert (x * k + 1.0) is (x * k + 1.0)  # one node for one structure
    assert 0.0 * x == 0.0
    assert x * 0 == 0.0
    assert 0.0 / k == 0.0
    assert x + 0.0 is x
    assert 0.0 + x is x
    assert x * 1.0 is x
    assert x / 1.0 is x
    assert x - 0.0 is x
    assert x**1.0 is x
    assert x**0.0 == 1.0
    assert 0.0**n == 0.0
    assert 1.0**n == 1.0
    minus_x = -x
    assert -minus_x is x
    assert (0.0 - x).op == "neg"
    assert pos(0.0) == 0.0
    assert pos(-2.0) == 0.0
    assert exp(0.0) == 1.0
    assert log(1.0) == 0.0
    assert hill(0.0, k, n) == 0.0
    assert inhibit(0.0, k, n) == 1.0
    assert str(hill(x, k, 2.0)) == (
        "(pow((piecewise(x, x > 0, 0) / k), 2.0) / (1.0 + pow((piecewise(x, x > 0, 0) / k), 2.0)))"
    )


def test_inactive_drugs_vanish_from_the_generated_code():
    body, full = system_graph(()), system_graph(None)
    assert len(full.states) == len(State._fields)
    assert len(body.states) == len(State._fields) - len(DRUG_STATES)
    assert set(body.zero_inputs) == set(DRUG_INPUTS)
    src = python_source(body)
    leaves = {w.split(" = ")[0].strip()[2:] for w in src.splitlines() if "v_" in w and "= " in w
              and w.strip().startswith("v_")}  # fmt: skip
    assert not leaves & set(DRUG_STATES), "a drug compartment survived folding"
    assert not leaves & set(DRUG_INPUTS), "a drug dosing input survived folding"
    assert count_nodes(body.rhs) < 0.7 * count_nodes(full.rhs)
    one = system_graph(DRUGS["pegvisomant"].states)
    assert one.states == body.states + DRUGS["pegvisomant"].states
    assert count_nodes(body.rhs) < count_nodes(one.rhs) < count_nodes(full.rhs)


def test_generated_code_reproduces_the_jax_vector_field():
    """The generated source (plain Python and numba-compiled) and the infix text of the graph
    equal the JAX evaluation of the same rate laws at a non-trivial state (every drug
    compartment filled, every input on)."""
    p, f = _compiled(SCENARIOS["somatropin_sc"])
    rng = np.random.default_rng(7)
    n = len(State._fields)
    y = State(*(np.asarray(initial_state(p), dtype=float) * rng.uniform(0.5, 1.5, n) + 0.3))
    u = Inputs(*(f.values[3] + rng.uniform(0.0, 2.0, len(Inputs._fields))))
    ref = np.asarray(vector_field(y, u, p), dtype=float)
    ref_obs = np.asarray(model_observables(y, u, p), dtype=float)

    graph = system_graph(None)
    scope: dict = {"math": __import__("math")}
    exec(python_source(graph), scope)  # plain Python, no numba
    dy, o = np.empty(len(graph.states)), np.empty(len(Observables._fields))
    yv, uv, pv = (np.asarray(tuple(x), dtype=float) for x in (y, u, p))
    scope["rhs"](yv, uv, pv, dy)
    scope["obs"](yv, uv, pv, o)
    np.testing.assert_allclose(dy, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(o, ref_obs, rtol=1e-12, atol=1e-12)
    mod = _native_module(None)
    mod.rhs(yv, uv, pv, dy)
    mod.obs(yv, uv, pv, o)
    np.testing.assert_allclose(dy, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(o, ref_obs, rtol=1e-12, atol=1e-12)

    env = {**y._asdict(), **u._asdict(), **{k: float(v) for k, v in p._asdict().items()},
           "pow": pow, "exp": np.exp, "ln": np.log,
           "piecewise": lambda a, cond, b: a if cond else b}  # fmt: skip
    text = np.array([eval(str(e), env) for e in graph.rhs])  # the SBML infix text
    np.testing.assert_allclose(text, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("active", [(), None])
def test_hoisted_rhs_equals_the_plain_rhs(active):
    """The kernel's right-hand side (state-free terms computed once per forcing segment by
    ``pre``, divisions by them as products with reciprocals) equals the plain one to
    round-off, in plain Python and compiled, at states on both sides of every Hill
    threshold; and it really moved work: fewer operations and divisions per call."""
    p, f = _compiled(SCENARIOS["somatropin_sc"])
    graph = system_graph(active)
    hoisted, nc = hoisted_rhs_source(graph)
    assert nc > 10
    plain = python_source(graph)
    body = hoisted.split("def rhs_c")[1]
    assert body.count(" / ") < 0.5 * plain.split("def obs")[0].count(" / ")
    scope: dict = {"math": __import__("math"), "ipow": lambda x, n: x**n}
    exec(plain + "\n" + hoisted, scope)
    mod = _native_module(active)
    rng = np.random.default_rng(11)
    pv = np.asarray(tuple(p), dtype=float)
    pos = {n: i for i, n in enumerate(State._fields)}
    for scale in (0.01, 0.3, 1.0, 3.0, 100.0):
        full = np.asarray(initial_state(p), dtype=float) * rng.uniform(0.5, 1.5) * scale + 0.1
        yv = full[[pos[n] for n in graph.states]]
        uv = np.asarray(f.values[rng.integers(f.values.shape[0])], dtype=float)
        uv = uv + rng.uniform(0.0, 1.0, uv.size) * (scale > 1.0)
        uv[[Inputs._fields.index(n) for n in graph.zero_inputs]] = 0.0
        for rhs, pre, rhs_c in ((scope["rhs"], scope["pre"], scope["rhs_c"]),
                                (mod.rhs, mod.pre, mod.rhs_c)):  # fmt: skip
            ref, out, c = np.empty(yv.size), np.empty(yv.size), np.full(max(nc, 1), np.nan)
            rhs(yv, uv, pv, ref)
            pre(uv, pv, c)
            rhs_c(yv, uv, pv, c, out)
            assert np.all(np.isfinite(ref))
            np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12 * np.max(np.abs(ref)))


def test_ipow_half_integer_and_integer_exponents():
    mod = _native_module(())
    x = np.array([0.0, 1e-300, 0.37, 1.0, 2.5, 1e5])
    for n in (1.0, 2.0, 2.5, 2.9, 3.0, 4.0, 5.0):
        got = np.array([mod.ipow(v, n) for v in x])
        np.testing.assert_allclose(got, x**n, rtol=2e-15, atol=0.0)
    assert np.isnan(mod.ipow(-1.0, 2.5))
    assert np.isnan(mod.ipow(-1.0, 2.9))


def test_dopri5_tableau_order_conditions():
    a = np.zeros((7, 7))
    for i, row in enumerate(DOPRI5.a):
        a[i, : len(row)] = row
    c, b, bl = np.array(DOPRI5.c), np.array(DOPRI5.b), np.array(DOPRI5.b_low)
    np.testing.assert_allclose(a.sum(axis=1), c, atol=1e-15)
    for w, order in ((b, 5), (bl, 4)):
        for q in range(1, order + 1):  # bushy trees: sum b c^(q-1) = 1/q
            assert w @ c ** (q - 1) == pytest.approx(1.0 / q, abs=1e-14)
        assert w @ a @ c == pytest.approx(1.0 / 6.0, abs=1e-14)
    assert b @ a @ c**2 == pytest.approx(1.0 / 12.0, abs=1e-14)
    assert b @ (c * (a @ c)) == pytest.approx(1.0 / 8.0, abs=1e-14)
    assert b @ a @ a @ c == pytest.approx(1.0 / 24.0, abs=1e-14)
    assert b @ a @ a @ a @ c == pytest.approx(1.0 / 120.0, abs=1e-14)
    assert b @ c**5 != pytest.approx(1.0 / 6.0, abs=1e-6)  # order 5, not 6
    np.testing.assert_allclose(a[6], b, atol=0)  # first same as last


def _dopri5_dense_error(h, theta):
    """Error of one DOPRI5 step's continuous extension on y' = y^2, y(0) = 1 (exact
    1 / (1 - t)), at t = theta h."""
    a = DOPRI5.a
    k = []
    for i in range(7):
        yi = 1.0 + h * sum(a[i][j] * k[j] for j in range(i))
        k.append(yi * yi)
    y1 = 1.0 + h * sum(bj * kj for bj, kj in zip(DOPRI5.b, k, strict=True))
    r1 = y1 - 1.0
    r2 = h * k[0] - r1
    r3 = r1 - h * k[6] - r2
    r4 = h * sum(d * kj for d, kj in zip(DOPRI5.dense, k, strict=True))
    y = 1.0 + theta * (r1 + (1 - theta) * (r2 + theta * (r3 + (1 - theta) * r4)))
    return abs(y - 1.0 / (1.0 - theta * h))


@pytest.mark.parametrize("theta", [0.3, 0.5, 0.8])
def test_dopri5_dense_output_is_fourth_order(theta):
    # local error O(h^5): halving h divides it by ~32 (a wrong coefficient gives ~16 or less)
    ratio = _dopri5_dense_error(0.02, theta) / _dopri5_dense_error(0.01, theta)
    assert 26.0 < ratio < 38.0, ratio


# --- cross-solver agreement ------------------------------------------------------------


@pytest.mark.reference
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_native_matches_jax_and_lsoda(name, jax_runs):
    protocol = SCENARIOS[name]
    p, f = _compiled(protocol)
    ys, obs, code, steps = _native(p, f)
    assert code == 0
    assert steps > 0
    assert all(np.all(np.isfinite(v)) for v in (*ys, *obs))
    jy, jcode = jax_runs[name]
    assert jcode == 0
    _assert_close(ys, jy, f"{name}: native vs JAX")
    _assert_close(ys, _lsoda(p, f), f"{name}: native vs LSODA")


@pytest.mark.parametrize("name", ["baseline", "somatropin_sc", "somapacitan", "pegvisomant"])
def test_dosed_compartments_only_give_the_same_run(name):
    """Structure follows the protocol: integrating only the dosed drugs' compartments gives
    the states of the run over every compartment."""
    protocol = SCENARIOS[name]
    p, f = _compiled(protocol)
    full = _native(p, f)
    sub = _native(p, f, active=_dosed_states(protocol))
    assert sub[2] == 0
    _assert_close(sub[0], full[0], f"{name}: dosed compartments only vs all")


@pytest.mark.reference
def test_native_matches_roadrunner_on_the_sbml_export():
    roadrunner = pytest.importorskip("roadrunner")
    from igfaxis.io import to_sbml

    protocol = SCENARIOS["somapacitan"]
    p, f = _compiled(protocol)
    ys, _, code, _ = _native(p, f, active=_dosed_states(protocol))
    assert code == 0
    rr = roadrunner.RoadRunner(to_sbml(MAN, protocol, days=DAYS, warmup_days=WARMUP_DAYS,
                                          start="initial"))
    rr.setIntegrator("cvode")
    rr.integrator.relative_tolerance = TIGHT["rtol"]
    rr.integrator.absolute_tolerance = TIGHT["atol"]
    rr.integrator.maximum_num_steps = 1_000_000
    species = [n if STATE_UNITS._asdict()[n] == "ug" else f"[{n}]" for n in State._fields]
    rr.timeCourseSelections = species
    offset = 24.0 * WARMUP_DAYS
    out = np.asarray(rr.simulate(times=np.concatenate([[0.0], SAVE + offset])))[1:]
    ref = State(*out.T)
    # CVODE and DOPRI5 at 1e-10 agree less tightly than two explicit solvers; the bound is
    # test_sbml's (engine vs libRoadRunner)
    for name in State._fields:
        a, r = getattr(ys, name), getattr(ref, name)
        peak = float(np.max(np.abs(r)))
        if peak == 0.0:
            assert np.all(a == 0.0), name
            continue
        rel = np.abs(a - r) / np.maximum(np.abs(r), FLOOR_REL * peak)
        assert np.max(rel) <= 1e-5, (name, float(np.max(rel)))


# --- kernel behaviour ------------------------------------------------------------------


@pytest.mark.parametrize("threads", [1, 2])
def test_batch_equals_loop(threads):
    """A batch gives each subject's own run bit for bit: on one thread the compiled driver
    runs both subjects in one call, one after the other (a driver's local once overwrote the
    state count after the first subject), on two each thread takes one."""
    import numba

    before = numba.get_num_threads()
    set_threads(threads)
    try:
        _batch_equals_loop()
    finally:
        set_threads(before)


def _batch_equals_loop():
    persons = [MAN, Person(age_y=62, sex="female", weight_kg=58)]
    compiled = [compile_protocol(SCENARIOS["baseline"], x, default_params(), days=1.0, seed=s,
                                 warmup_h=24.0) for s, x in enumerate(persons)]  # fmt: skip
    size = max(f.boundaries.size for _, f in compiled)
    padded = [pad_forcing(f.boundaries, f.values, f.t1, size) for _, f in compiled]
    save = np.linspace(0.0, 24.0, 97)
    stack = lambda xs: np.stack([np.asarray(x, dtype=float) for x in xs])  # noqa: E731
    ps = Params(*stack([tuple(p) for p, _ in compiled]).T)
    y0 = State(*stack([tuple(initial_state(p)) for p, _ in compiled]).T)
    tol = {"rtol": 1e-7, "atol": 1e-9, "max_steps": 10**6, "active": ()}
    ys, obs, codes, steps = solve_native_batch(
        ps, y0, stack([b for b, _ in padded]), stack([v for _, v in padded]),
        np.array([f.t0 for _, f in compiled]), np.array([f.t1 for _, f in compiled]), save,
        **tol,
    )  # fmt: skip
    assert codes.tolist() == [0, 0]
    for i, (p, f) in enumerate(compiled):
        one = solve_native(p, initial_state(p), f.boundaries, f.values, f.t0, f.t1, save, **tol)
        assert one[2] == 0
        assert one[3] == steps[i]
        for a, b in zip(ys, one[0], strict=True):
            np.testing.assert_array_equal(a[i], b)
        for a, b in zip(obs, one[1], strict=True):
            np.testing.assert_array_equal(a[i], b)
    assert not np.allclose(ys.gh[0], ys.gh[1])  # two different people


def test_a_dose_into_a_compartment_left_out_is_refused():
    p, f = _compiled(SCENARIOS["tesamorelin"])
    with pytest.raises(ValueError, match=r"doses inputs \['tesamorelin_sc'\]"):
        _native(p, f, active=())
    p, f = _compiled(SCENARIOS["baseline"])
    nan = f.values.copy()
    nan[0, Inputs._fields.index("tesamorelin_sc")] = np.nan  # never silently read as 0
    with pytest.raises(ValueError, match=r"doses inputs \['tesamorelin_sc'\]"):
        solve_native(p, initial_state(p), f.boundaries, nan, f.t0, f.t1, SAVE,
                     max_steps=10**7, active=(), **TIGHT)  # fmt: skip


def test_max_steps_reached_and_step_count():
    p, f = _compiled(SCENARIOS["baseline"])
    _ys, _obs, code, steps = _native(p, f, active=(), rtol=1e-6, atol=1e-8)
    assert code == 0
    assert 1000 < steps < 10**6
    tight = _native(p, f, active=(), **TIGHT)
    assert tight[3] > 3 * steps  # tighter tolerances take more steps
    short = solve_native(p, initial_state(p), f.boundaries, f.values, f.t0, f.t1, SAVE,
                         rtol=1e-6, atol=1e-8, max_steps=50, active=())  # fmt: skip
    assert short[2] == 1
    assert short[3] == 50
    assert np.all(np.isnan(short[0].igf_free))  # t0 = -24 h: no output time was reached


def test_per_state_absolute_tolerance():
    """A float atol is the floor of each state's absolute tolerance, rtol x its declared
    resting value (GHRH 50 pg/mL; a drug compartment, declared 0, keeps atol); an array is
    used as it is, one value per integrated state."""
    got = state_atol(("ghrh", "srif_arc", "gh", "training", "somapacitan_depot"), 1e-6, 1e-8)
    np.testing.assert_allclose(got, [5e-5, 5e-6, 5e-7, 1e-8, 1e-8], rtol=1e-15)
    p, f = _compiled(SCENARIOS["baseline"])
    n = len(_graph(()).states)
    scalar = _native(p, f, active=(), rtol=1e-6, atol=np.full(n, 1e-8))
    scaled = _native(p, f, active=(), rtol=1e-6, atol=1e-8)
    assert scalar[2] == scaled[2] == 0
    assert scaled[3] < 0.95 * scalar[3]  # the scalar 1e-8 held GHRH to 1e-6 of itself
    np.testing.assert_allclose(scaled[1].igf1_total_ng_ml, scalar[1].igf1_total_ng_ml,
                               rtol=1e-5)  # fmt: skip
    with pytest.raises(ValueError, match="one value per integrated state"):
        _native(p, f, active=(), rtol=1e-6, atol=np.full(n + 1, 1e-8))


def test_non_negative_outputs_and_observables():
    p, f = _compiled(SCENARIOS["somatropin_sc"])
    ys, obs, code, _ = _native(p, f, active=(), rtol=1e-6, atol=1e-8)
    assert code == 0
    assert all(np.min(v) >= 0.0 for v in ys)
    igf_total_ng = (ys.igf_free + ys.igf_binary + ys.igf_ternary) / 0.1307
    np.testing.assert_allclose(obs.igf1_total_ng_ml, igf_total_ng, rtol=1e-3)
    assert np.all(obs.somapacitan_ng_ml == 0.0)  # an inactive drug's concentration


def test_inconsistent_structure_is_refused():
    p, f = _compiled(SCENARIOS["pegvisomant"])
    with pytest.raises(ValueError, match="not in `active`"):
        _native(p, f, active=())
    p, f = _compiled(SCENARIOS["baseline"])
    y0 = initial_state(p)._replace(pegvisomant_central=1.0)
    with pytest.raises(ValueError, match="non-zero in compartments left out"):
        solve_native(p, y0, f.boundaries, f.values, f.t0, f.t1, SAVE, rtol=1e-6, atol=1e-8,
                     max_steps=10, active=())  # fmt: skip
    with pytest.raises(ValueError, match="must name drug compartments"):
        _native(p, f, active=("gh",))


# --- caches and targets ----------------------------------------------------------------

_CHILD = """
import json, sys
import numpy as np
from igfaxis import Person, Protocol
from igfaxis.model import default_params, initial_state
from igfaxis.protocol import compile_protocol
from igfaxis.simulate import _native
p, f = compile_protocol(Protocol(name="x"), Person(age_y=30, sex="male"), default_params(),
                        days=0.25, seed=0, warmup_h=0.0)
args = (p, initial_state(p), f.boundaries, f.values, f.t0, f.t1, np.linspace(0, 6, 7))
kw = dict(rtol=1e-8, atol=1e-10, max_steps=100000, active=())
if sys.argv[1] == "cpu":
    ys, obs, code, steps = _native.solve_native(*args, **kw)
    mod = _native._load((), "cpu")
    hits = lambda f: sum(f.stats.cache_hits.values())  # noqa: E731
    print(json.dumps({"hits": hits(_native._integrator().solve_range),
                      "set_hits": min(hits(mod.rhs_c), hits(mod.pre), hits(mod.obs)),
                      "gh": ys.gh.tolist(), "code": code, "steps": steps}))
else:
    from igfaxis.model import Params, State
    one = lambda tree: type(tree)(*(np.array([float(v)]) for v in tree))
    ys, obs, code, steps = _native.solve_cuda_batch(
        one(p), one(initial_state(p)), f.boundaries[None], f.values[None],
        np.array([f.t0]), np.array([f.t1]), args[-1], **kw)
    print(json.dumps({"gh": ys.gh[0].tolist(), "code": int(code[0]), "steps": int(steps[0])}))
"""


def _child(target, cache, **env):
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(_CHILD), target],
                         capture_output=True, text=True, timeout=900,
                         env={**os.environ, "IGFAXIS_CACHE_DIR": str(cache), **env})  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def fresh_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("native_cache")


def test_a_new_process_loads_the_compiled_kernel_from_disk(fresh_cache):
    tmp_path = fresh_cache
    first = _child("cpu", tmp_path)
    second = _child("cpu", tmp_path)
    assert first["hits"] == first["set_hits"] == 0
    assert second["hits"] >= 1  # the shared integrator
    assert second["set_hits"] >= 1  # and each function of the drug set
    assert first["gh"] == second["gh"]
    assert first["code"] == 0
    shared = list(tmp_path.glob("igfaxis_cpu_integrator_*.py"))
    generated = [f for f in tmp_path.glob("igfaxis_cpu_*.py") if f not in shared]
    assert len(generated) == len(shared) == 1
    assert generated[0].read_text("utf-8") == module_source((), "cpu")
    assert shared[0].read_text("utf-8") == integrator_source()


def test_cuda_kernel_under_the_simulator_matches_the_cpu_kernel(fresh_cache):
    pytest.importorskip("numba.cuda")
    cpu = _child("cpu", fresh_cache)
    sim = _child("cuda", fresh_cache, NUMBA_ENABLE_CUDASIM="1")
    assert sim["code"] == 0
    assert sim["steps"] == cpu["steps"]
    np.testing.assert_allclose(sim["gh"], cpu["gh"], rtol=1e-12)


@pytest.mark.gpu
def test_cuda_kernel_on_a_gpu_matches_the_cpu_kernel():
    cuda = pytest.importorskip("numba.cuda")
    if not cuda.is_available():
        pytest.skip("no CUDA GPU")
    persons = [Person(age_y=float(a), sex="male") for a in (25, 45, 65)]
    compiled = [
        compile_protocol(
            SCENARIOS["somapacitan"], x, default_params(), days=DAYS, seed=s, warmup_h=24.0
        )
        for s, x in enumerate(persons)
    ]
    size = max(f.boundaries.size for _, f in compiled)
    padded = [pad_forcing(f.boundaries, f.values, f.t1, size) for _, f in compiled]
    stack = lambda xs: np.stack([np.asarray(x, dtype=float) for x in xs])  # noqa: E731
    args = (
        Params(*stack([tuple(p) for p, _ in compiled]).T),
        State(*stack([tuple(initial_state(p)) for p, _ in compiled]).T),
        stack([b for b, _ in padded]),
        stack([v for _, v in padded]),
        np.array([f.t0 for _, f in compiled]),
        np.array([f.t1 for _, f in compiled]),
        SAVE,
    )
    kw = {"max_steps": 10**6, "active": DRUGS["somapacitan"].states, **TIGHT}
    gpu = solve_cuda_batch(*args, **kw)
    cpu = solve_native_batch(*args, **kw)
    assert gpu[2].tolist() == [0, 0, 0]
    for a, b in zip(gpu[0], cpu[0], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
