"""Engine checks: analytic PK, an independent solver, tolerances, invariants (G4, G5, G6)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from igfaxis import Dose, Person, Protocol, SolverConfig, simulate, simulate_batch
from igfaxis.model import Inputs, State, default_params, vector_field
from igfaxis.protocol import BOLUS_DURATION_H, BURST_ORIGIN_H, compile_protocol
from igfaxis.simulate import start_state

MAN = Person(age_y=30, sex="male", weight_kg=70)
FAST = SolverConfig(warmup_days=3)


def _linear_pk_params():
    # linear one-compartment GH disposition: no MM term, no peripheral exchange
    return default_params()._replace(gh_vmax=0.0, gh_q=0.0)


def test_iv_bolus_matches_the_closed_form_of_a_one_minute_infusion():
    dose_ug, t_on = 150.0, 8.0
    protocol = Protocol(endogenous_gh_suppressed=True,
                        doses=(Dose(drug="somatropin", amt=dose_ug, amt_unit="ug",
                                    time_h=t_on, route="iv"),))  # fmt: skip
    tr = simulate(MAN, protocol, days=0.5, params=_linear_pk_params(),
                  solver=SolverConfig(warmup_days=3, rtol=1e-10, atol=1e-12))  # fmt: skip
    p = default_params()
    k, v, tau = p.gh_cl / p.gh_vc, p.gh_vc, BOLUS_DURATION_H  # 70 kg: no allometric change
    rate = dose_ug / tau / v
    t = tr.times_h
    after = t >= t_on + tau
    # residual endogenous GH decays from the clamp at t = 0 with the same k: subtract it
    control = simulate(MAN, Protocol(endogenous_gh_suppressed=True), days=0.5,
                       params=_linear_pk_params(),
                       solver=SolverConfig(warmup_days=3, rtol=1e-10, atol=1e-12))  # fmt: skip
    exo = tr["gh_ng_ml"] - control["gh_ng_ml"]
    c_end = rate / k * (1 - np.exp(-k * tau))
    expected = c_end * np.exp(-k * (t[after] - t_on - tau))
    np.testing.assert_allclose(exo[after], expected, rtol=1e-6, atol=1e-9)


def test_sc_dose_matches_the_closed_form_of_the_two_transit_paths():
    # depot -> transit -> central with equal rate constants ka (each path), linear
    # elimination k: C(t) = F D ka^2 / V * sum of the known three-exponential solution
    p = default_params()
    dose_ug, t_on = 1000.0, 6.0
    protocol = Protocol(endogenous_gh_suppressed=True,
                        doses=(Dose(drug="somatropin", amt=dose_ug, amt_unit="ug",
                                    time_h=t_on, route="sc"),))  # fmt: skip
    cfg = SolverConfig(warmup_days=3, rtol=1e-10, atol=1e-12)
    tr = simulate(MAN, protocol, days=2, params=_linear_pk_params(), solver=cfg)
    ctl = simulate(MAN, Protocol(endogenous_gh_suppressed=True), days=2,
                   params=_linear_pk_params(), solver=cfg)  # fmt: skip
    exo = tr["gh_ng_ml"] - ctl["gh_ng_ml"]
    k = p.gh_cl / p.gh_vc

    def path(f, ka, s):
        # response of a chain ka -> ka -> k to a unit impulse at s = 0 (s > 0)
        a = ka**2 / (k - ka) ** 2 * (np.exp(-ka * s) * ((k - ka) * s - 1) + np.exp(-k * s))
        return f * dose_ug * a / p.gh_vc

    s = tr.times_h - t_on - BOLUS_DURATION_H / 2  # a one-minute input ~ impulse at its middle
    late = tr.times_h > t_on + 0.5
    expected = path(p.gh_f1, p.gh_ka1, s[late]) + path(p.gh_f2, p.gh_ka2, s[late])
    np.testing.assert_allclose(exo[late], expected, rtol=2e-4, atol=1e-6)


def _scipy_reference(person, protocol, days, warmup_days):
    p, forcing = compile_protocol(protocol, person, default_params(), days=days, seed=0,
                                  warmup_h=24 * warmup_days,
                                  burst_origin_h=BURST_ORIGIN_H)  # fmt: skip
    # the same rate laws, compiled once by jax.jit and called by scipy's own integrator
    rhs = jax.jit(lambda yy, uu: jnp.stack(vector_field(State(*yy), Inputs(*uu), p)))
    y = np.asarray(start_state(person, protocol, None, p, SolverConfig()), dtype=float)
    edges = np.append(forcing.boundaries, forcing.t1)
    save = np.linspace(0.0, 24.0 * days, int(24 * days * 12) + 1)
    out = np.empty((save.size, y.size))
    for i in range(edges.size - 1):
        a, b = edges[i], edges[i + 1]
        u = jnp.asarray(forcing.values[i])

        def f(t, yy, u=u):
            return np.asarray(rhs(jnp.asarray(yy), u), dtype=float)

        sel = (save >= a) & (save < b) if i < edges.size - 2 else (save >= a)
        sol = solve_ivp(f, (a, b), y, method="LSODA", rtol=1e-10, atol=1e-12,
                        t_eval=save[sel] if sel.any() else None)  # fmt: skip
        if sel.any():
            out[sel] = sol.y[:, : int(sel.sum())].T
        y = sol.y[:, -1] if sol.t[-1] == b else solve_ivp(f, (a, b), y, method="LSODA",
                                                          rtol=1e-10, atol=1e-12).y[:, -1]
    return save, out


@pytest.mark.reference
@pytest.mark.slow
def test_full_model_matches_scipy_lsoda():
    protocol = Protocol(doses=(Dose(drug="somatropin", amt=0.5, time_h=20.0),))
    _t, ref = _scipy_reference(MAN, protocol, days=1, warmup_days=2)
    tr = simulate(MAN, protocol, days=1,
                  solver=SolverConfig(warmup_days=2, rtol=1e-10, atol=1e-12))  # fmt: skip
    for j, name in enumerate(State._fields):
        if f"state_{name}" not in tr.variables:  # a drug compartment this protocol leaves empty
            assert np.all(ref[:, j] == 0.0), name
            continue
        got = tr[f"state_{name}"]
        scale = max(np.max(np.abs(ref[:, j])), 1e-6)
        np.testing.assert_allclose(got, ref[:, j], rtol=1e-5, atol=1e-6 * scale, err_msg=name)


def test_tolerance_study():
    protocol = Protocol(doses=(Dose(drug="somatropin", amt=0.3, time_h=22.0),))
    loose = simulate(MAN, protocol, days=2, solver=SolverConfig(warmup_days=3, rtol=1e-6))
    tight = simulate(MAN, protocol, days=2,
                     solver=SolverConfig(warmup_days=3, rtol=1e-10, atol=1e-12))  # fmt: skip
    # stated bound: daily IGF-1 within 0.01 %, GH within 1 % of its range
    np.testing.assert_allclose(loose["igf1_total_ng_ml"], tight["igf1_total_ng_ml"], rtol=1e-4)
    gh_range = np.ptp(tight["gh_ng_ml"])
    assert np.max(np.abs(loose["gh_ng_ml"] - tight["gh_ng_ml"])) < 0.01 * gh_range


def test_same_seed_same_run_and_different_seed_different_bursts():
    a = simulate(MAN, days=1, seed=3, solver=FAST)
    b = simulate(MAN, days=1, seed=3, solver=FAST)
    c = simulate(MAN, days=1, seed=4, solver=FAST)
    np.testing.assert_array_equal(a["gh_ng_ml"], b["gh_ng_ml"])
    assert not np.array_equal(a.bursts_h, c.bursts_h)


def test_steady_state_without_inputs_stays_at_baseline():
    # no bursts, no meals, no doses, a constant basal secretion: every input is constant
    # and the axis sits at its fixed point
    p = default_params()._replace(pulse_drive=0.0, pit_basal_cv=0.0)
    no_intake = Protocol.from_yaml("diet: {energy_fraction: 0, protein_g_per_kg: 0}\n")
    tr = simulate(MAN, no_intake, days=3, params=p, solver=SolverConfig(warmup_days=40))
    igf = tr["igf1_total_ng_ml"]
    assert np.ptp(igf) / igf.mean() < 1e-4


def test_doubling_the_dose_increases_exposure():
    def auc(mg):
        pr = Protocol(doses=(Dose(drug="somatropin", amt=mg, time_h=8.0),))
        tr = simulate(MAN, pr, days=2, seed=1, solver=FAST)
        return tr.auc("gh_ng_ml", 0, 48), tr.auc("igf1_total_ng_ml", 0, 48)

    (g1, i1), (g2, i2) = auc(0.5), auc(1.0)
    assert g2 > g1
    assert i2 > i1


@pytest.mark.slow
def test_a_year_of_daily_dosing_stays_finite_and_non_negative():
    pr = Protocol(doses=(Dose(drug="somatropin", amt=0.5, time_h=22.0, ii_h=24.0, addl=364),))
    tr = simulate(Person(age_y=50, sex="female", weight_kg=70), pr, days=365,
                  solver=SolverConfig(save_every_h=1.0))  # fmt: skip
    for name, values in tr.variables.items():
        assert np.all(np.isfinite(values)), name
        assert np.min(values) > -1e-6, name


def test_batch_equals_loop():
    persons = [MAN, Person(age_y=60, sex="female", weight_kg=60)]
    batch = simulate_batch(persons, days=1, seeds=[1, 2], solver=FAST)
    loop = [simulate(x, days=1, seed=s, solver=FAST) for x, s in zip(persons, [1, 2], strict=False)]
    for b, lo in zip(batch, loop, strict=False):
        np.testing.assert_allclose(b["igf1_total_ng_ml"], lo["igf1_total_ng_ml"], rtol=1e-6)
        np.testing.assert_allclose(b["gh_ng_ml"], lo["gh_ng_ml"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("active", [(), ("tesamorelin_depot", "tesamorelin_central"), None])
def test_the_engine_vector_field_equals_the_rate_laws(active):
    # the engine integrates the folded expression graph (igfaxis.simulate._engine._field_of)
    # rather than tracing vector_field; both must give the same derivatives to round-off
    from igfaxis.simulate._engine import _field_of, _layout, _units

    names = _layout(active)
    unit = np.asarray(_units(names, 1e-6, 1e-8))
    p = default_params()
    params = type(p)(*(jnp.asarray(x, dtype=float) for x in p))
    rng = np.random.default_rng(1)
    values = jnp.asarray(rng.uniform(0.0, 2.0, size=(3, len(Inputs._fields))))
    boundaries = jnp.asarray([0.0, 1.0, 2.0])
    field = jax.jit(_field_of(names))
    for t in (0.5, 1.5, 2.5):
        y = {n: float(rng.uniform(0.1, 3.0)) for n in names}
        z = jnp.asarray([y[n] for n in names]) / unit
        got = np.asarray(field(t, z, (params, boundaries, values, unit))) * unit
        u = Inputs(*values[int(t)])
        full = State(*(jnp.asarray(y.get(n, 0.0)) for n in State._fields))
        want = np.asarray([float(getattr(vector_field(full, u, params), n)) for n in names])
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)
