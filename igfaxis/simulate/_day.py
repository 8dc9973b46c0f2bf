"""Day resolution: years and decades with the fast GH subsystem replaced by its daily effect.

Reduction. The only path from the fast subsystem (GHRH, somatostatin, GH, SC depots,
short-lived drugs; minutes to hours) to the slow IGF-1 system is the hepatic GH-receptor
signal ``E`` of :func:`igfaxis.model.liver.gh_liver_effect`, and the only path back is the
IGF-1 feedback on the pituitary (total IGF-1). Everything else that the fast subsystem
reads (energy, protein, hepatic nutrition, ghrelin, training, IGFBP-1, every drug
compartment: the *exogenous* states) follows the protocol alone. So:

1. **Tabulate the daily-mean GH effect.** For each distinct day (its non-burst forcing
   relative to midnight, the exogenous states at midnight rounded to ``key_rtol``, and the
   age node) the pulse-resolved model is run over that day with total IGF-1 clamped at the
   levels ``levels x`` the habitual level (the IGF-1 rate constants are set to 0, so the
   pools hold), for ``seeds`` burst trains. IGFBP-3 is turned into an integrator of the
   effect (``bp3_k = 0``, no binding): ``BP3(24 h) = liver_sens bp3_syn_max (24 basal +
   integral of E)``, which gives the exact daily mean of ``E``. The mean over burst trains
   is stored per level, with the daily-mean GH, the exogenous states at the next midnight,
   their daily means and the hourly hepatic modulation ``liver_nutrition (1 +
   train_igf_gain training)``.
2. **Integrate the slow liver system** (free, binary and ternary IGF-1, IGFBP-3, ALS) with
   the equations of :mod:`igfaxis.model.liver`, driven by ``E = Ebar_day(I(t))`` (log-log
   linear interpolation in total IGF-1 between the clamped levels, extrapolated beyond
   them), the hourly hepatic modulation and any IV IGF-1: classical RK4 with
   ``substeps`` steps a day, compiled with ``jax.lax.scan`` over days.

Repeated days cost nothing (a habitual day is tabulated once per age node); a day whose
exogenous state is new (a fast, a dose, the decay after a regimen) costs ``seeds x
len(levels)`` pulse-resolved days. The person is re-personalised every ``age_step_years``
(one age node, one table). The result does not resolve the random burst train: it is the
burst-averaged daily mean (``seed`` only chooses which burst trains are averaged). A single
pulse-resolved run scatters about it day to day (daily-mean total IGF-1 by 2-4% SD in a
healthy adult, from the bursts of that day and the day before).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from igfaxis._version import __version__
from igfaxis.model import default_params, param_hash, personalise
from igfaxis.model.drugs import resolve
from igfaxis.protocol import Person, Protocol, compile_protocol
from igfaxis.protocol._lifestyle_compile import lifestyle_events
from igfaxis.simulate._config import SolverConfig
from igfaxis.simulate._steady import habitual_state, solve_any
from igfaxis.simulate._trajectory import Trajectory
from igfaxis.units import ALS_NMOL_PER_NG, IGF1_NMOL_PER_NG, IGFBP3_NMOL_PER_NG

__all__ = ["DayConfig", "simulate_days"]

_FAST = ("ghrh", "srif_pev", "srif_arc", "gh", "gh_periph")
_LIVER = ("igf_free", "igf_binary", "igf_ternary", "bp3", "als")
_REPORTED = ("energy_status", "protein_status", "liver_nutrition", "ghrelin", "training",
             "igfbp1")  # fmt: skip
_CLAMP = dict.fromkeys(("igf_syn_max", "igf_k_free", "igf_kon3", "igf_kon_als",
                        "igf_koff_als", "igf_k_binary", "igf_k_ternary", "bp3_k"), 0.0)  # fmt: skip


@dataclass(frozen=True)
class DayConfig:
    """Settings of the day-resolution reduction (module docstring)."""

    seeds: int = 16
    levels: tuple[float, ...] = (0.5, 1.0, 2.0)
    age_step_years: float = 1.0
    substeps: int = 96
    key_rtol: float = 0.01


@dataclass(frozen=True)
class _Day:
    log_i: np.ndarray  # clamped total IGF-1 levels [log ng/mL]
    log_e: np.ndarray  # (levels, 24) log hourly-mean GH effect at each level
    gh: np.ndarray  # daily-mean GH at each level [ng/mL]
    x_end: np.ndarray  # exogenous states at the next midnight
    means: np.ndarray  # daily means of _REPORTED
    modulation: np.ndarray  # (24,) hourly hepatic modulation
    iv: np.ndarray  # (24,) hourly IV IGF-1 [nmol/L/h]


def _window(b: np.ndarray, v: np.ndarray, a: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    i = int(np.searchsorted(b, a, side="right") - 1)
    j = int(np.searchsorted(b, z, side="left"))
    bb = b[i:j].copy()
    bb[0] = a
    return bb, v[i:j].copy()


def _hourly(b: np.ndarray, col: np.ndarray, a: float) -> np.ndarray:
    edges = a + np.arange(25.0)
    grid = np.unique(np.concatenate([edges, b[(b > a) & (b < a + 24.0)]]))
    vals = col[np.clip(np.searchsorted(b, grid[:-1], side="right") - 1, 0, col.size - 1)]
    cum = np.concatenate([[0.0], np.cumsum(vals * np.diff(grid))])
    return np.diff(np.interp(edges, grid, cum))


class _Tables:
    """Lazily tabulated days of one age node."""

    def __init__(self, person, protocol, base, cfg, solver, seed, start_day, end_day, active,
                 habit) -> None:  # fmt: skip
        from igfaxis.model import Inputs

        self.cfg, self.solver, self.active, self.habit = cfg, solver, active, habit
        self.person, self.protocol, self.base, self.seed = person, protocol, base, seed
        self.p, _ = personalise(base, person.covariates())
        self.col_drive = Inputs._fields.index("ghrh_drive")
        self.col_iv = Inputs._fields.index("igf1_iv_rate")
        self.table: dict[bytes, _Day] = {}
        self.exo = [n for n in habit._fields if n not in _FAST and n not in _LIVER]
        self.i_ref = (habit.igf_free + habit.igf_binary + habit.igf_ternary) / IGF1_NMOL_PER_NG

    def _signature(self, day: int, x: np.ndarray) -> bytes:
        """The day's non-burst forcing relative to midnight, and its rounded start state."""
        a = 24.0 * day
        ev = lifestyle_events(self.protocol, self.p, a, a + 24.0)
        rows = [(s - a, z - a, n, r) for s, z, n, r in zip(ev.start, ev.stop, ev.name,
                                                          ev.rate, strict=True) if s < a + 24.0]
        doses = [(d.input_name(), round(t - a, 6), d.amount_ug(self.person.weight_kg),
                  d.duration_h()) for d in self.protocol.doses for t in d.times_h()
                 if a - 24.0 <= t < a + 24.0]  # fmt: skip
        tol = np.log1p(self.cfg.key_rtol)
        xq = np.round(np.log(np.abs(x) + 1e-4) / tol).astype(int).tolist()
        text = repr((sorted(rows), sorted(doses), self.protocol.endogenous_gh_suppressed, xq))
        return hashlib.sha1(text.encode()).digest()

    def _forcings(self, day: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Forcing of each burst train on a window ending with ``day`` (3 days before it,
        so that the burst rate's fasting factor and the previous evening are in place)."""
        out = []
        for k in range(self.cfg.seeds):
            _, f = compile_protocol(self.protocol, self.person, self.base, days=float(day + 1),
                                    seed=1000 * self.seed + 97 * day + k,
                                    warmup_h=24.0 * (3.0 - day))  # fmt: skip
            out.append((f.boundaries, f.values))
        return out

    def day(self, day: int, x: np.ndarray) -> _Day:
        key = self._signature(day, x)
        if key not in self.table:
            self.table[key] = self._tabulate(day, x)
        return self.table[key]

    def _tabulate(self, day: int, x: np.ndarray) -> _Day:
        p, habit, a = self.p, self.habit, 24.0 * day
        forcings = self._forcings(day)
        pc = p._replace(**_CLAMP)
        levels = self.i_ref * np.asarray(self.cfg.levels)
        ps, y0s, fs = [], [], []
        for lev in levels:
            scale = lev / self.i_ref
            y0 = habit._replace(**dict(zip(self.exo, map(float, x), strict=True)),
                                igf_free=habit.igf_free * scale,
                                igf_binary=habit.igf_binary * scale,
                                igf_ternary=habit.igf_ternary * scale, bp3=0.0)  # fmt: skip
            for b, v in forcings:
                bb, vv = _window(b, v, a, a + 24.0)
                vv[:, self.col_iv] = 0.0
                ps.append(pc)
                y0s.append(y0)
                fs.append((bb, vv, a, a + 24.0))
        ts = a + np.linspace(0.0, 24.0, 24 * 12 + 1)
        ys, obs, codes = solve_any(ps, y0s, fs, ts, self.solver, active=self.active)
        if np.any(codes != 0):
            from igfaxis.errors import SimulationError

            raise SimulationError(f"a day-resolution table run failed on day {day}",
                                  int(np.max(codes)))  # fmt: skip
        k, n_lev = self.cfg.seeds, len(levels)
        exact = (np.asarray(ys.bp3)[:, -1] / (24.0 * p.liver_sens * p.bp3_syn_max)
                 - p.bp3_basal_frac)  # fmt: skip
        e_t = np.asarray(_effect(ys, p))  # (runs, 289) on the 5-min grid
        hourly = np.stack([np.trapezoid(e_t[:, 12 * h:12 * h + 13], ts[12 * h:12 * h + 13],
                                        axis=1) for h in range(24)], axis=1)  # fmt: skip
        # shape from the 5-min grid, daily integral exact (from the IGFBP-3 integrator)
        hourly *= (exact / np.maximum(hourly.sum(axis=1) / 24.0, 1e-300))[:, None]
        effect = np.maximum(hourly.reshape(n_lev, k, 24).mean(axis=1), 1e-12)
        gh = np.trapezoid(np.asarray(obs.gh_ng_ml), ts, axis=1) / 24.0
        x_end = np.array([float(np.asarray(getattr(ys, n))[0, -1]) for n in self.exo])
        means = np.array([np.trapezoid(np.asarray(getattr(ys, n))[0], ts) / 24.0
                          for n in _REPORTED])  # fmt: skip
        mod = np.asarray(ys.liver_nutrition)[0] * (1.0 + p.train_igf_gain
                                                   * np.asarray(ys.training)[0])  # fmt: skip
        hourly_mod = np.array([np.trapezoid(mod[12 * h:12 * h + 13], ts[12 * h:12 * h + 13])
                               for h in range(24)])  # fmt: skip
        b, v = forcings[0]
        iv = _hourly(b, v[:, self.col_iv], a) * IGF1_NMOL_PER_NG / (p.plasma_volume
                                                                   * p.body_weight)  # fmt: skip
        return _Day(np.log(levels), np.log(effect), gh.reshape(n_lev, k).mean(axis=1),
                    x_end, means, hourly_mod, iv)  # fmt: skip


def _effect(ys: Any, p: Any) -> Any:
    """Hepatic GH-receptor signal E on saved states, as in the vector field."""
    from igfaxis.model import liver
    from igfaxis.model.drugs import long_acting_gh, pegvisomant

    return liver.gh_liver_effect(ys.gh + long_acting_gh.gh_equivalent(ys, p), p,
                                 pegvisomant.concentration(ys, p))  # fmt: skip


def _liver_scan(substeps: int) -> Any:
    import jax
    import jax.numpy as jnp

    from igfaxis.model import liver

    dt = 24.0 / substeps

    def interp(li, xs, ys):
        # log-log linear between the clamped levels, extrapolated beyond the end levels
        j = jnp.clip(jnp.searchsorted(xs, li) - 1, 0, xs.size - 2)
        w = (li - xs[j]) / (xs[j + 1] - xs[j])
        return ys[j] + w * (ys[j + 1] - ys[j])

    def rhs(p, y, e, m, r_iv):
        f, b, t, bp3, als = y
        r_b = liver.igf1_binding(f, b, bp3, p)
        r_t = liver.ternary_formation(b, t, als, p)
        return jnp.stack([
            liver.free_igf1_rate(f, e, r_b, r_iv, m, p),
            liver.binary_rate(b, r_b, r_t, p),
            liver.ternary_rate(t, r_t, p),
            liver.bp3_rate(bp3, e, r_b, p),
            liver.als_rate(als, e, r_t, p),
        ])  # fmt: skip

    @jax.jit
    def run(p, y0, log_i, log_e, mod, iv):
        def day(y, inp):
            li, le, m24, iv24 = inp

            def effect(yy, hour):
                total = (yy[0] + yy[1] + yy[2]) / IGF1_NMOL_PER_NG
                return jnp.exp(interp(jnp.log(total), li, le[:, hour]))

            def sub(carry, k):
                yy, acc = carry
                hour = jnp.clip(jnp.floor(k * dt).astype(int), 0, 23)
                m, r = m24[hour], iv24[hour]
                k1 = rhs(p, yy, effect(yy, hour), m, r)
                y2 = yy + 0.5 * dt * k1
                k2 = rhs(p, y2, effect(y2, hour), m, r)
                y3 = yy + 0.5 * dt * k2
                k3 = rhs(p, y3, effect(y3, hour), m, r)
                y4 = yy + dt * k3
                k4 = rhs(p, y4, effect(y4, hour), m, r)
                y_new = yy + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
                return (y_new, acc + 0.5 * dt * (yy + y_new)), None

            (y_end, acc), _ = jax.lax.scan(sub, (y, jnp.zeros(5)), jnp.arange(substeps))
            return y_end, (acc / 24.0, y_end)

        return jax.lax.scan(day, y0, (log_i, log_e, mod, iv))[1]

    return run


_SCAN: dict[int, Any] = {}


def _run_liver(p: Any, y0: np.ndarray, seq: list[_Day], substeps: int) -> tuple:
    """Daily means (n, 5) of the liver states and the state at the end of the last day."""
    import jax
    import jax.numpy as jnp

    if substeps not in _SCAN:
        _SCAN[substeps] = _liver_scan(substeps)
    n = len(seq)
    size = 1 << max(int(np.ceil(np.log2(max(n, 1)))), 4)  # padded: fewer recompilations
    pad = seq + [seq[-1]] * (size - n)
    with jax.enable_x64(True):
        stack = lambda f: jnp.asarray(np.stack([f(d) for d in pad]))  # noqa: E731
        means, ends = _SCAN[substeps](
            type(p)(*(jnp.asarray(float(v)) for v in p)), jnp.asarray(y0, dtype=float),
            stack(lambda d: d.log_i), stack(lambda d: d.log_e), stack(lambda d: d.modulation),
            stack(lambda d: d.iv),
        )  # fmt: skip
        return np.asarray(means)[:n], np.asarray(ends)[n - 1]


def simulate_days(
    person: Person,
    protocol: Protocol | None = None,
    *,
    days: float,
    seed: int = 0,
    params: Any = None,
    solver: SolverConfig = SolverConfig(),
    config: DayConfig = DayConfig(),
) -> Trajectory:
    """Simulate at day resolution (module docstring): one sample per day.

    Returns
    -------
    Trajectory
        ``times_h[d] = 24 d``; each value is the mean over ``[24 d, 24 d + 24)`` h;
        ``metadata["resolution"] == "day"``.
    """
    protocol = protocol if protocol is not None else Protocol(name="usual day")
    base = params if params is not None else default_params()
    n_days = int(np.floor(days + 1e-9))
    active = tuple(s for d in {resolve(x.drug).name for x in protocol.doses}
                   for s in resolve(d).states)  # fmt: skip
    habit0 = habitual_state(person, protocol, base, solver=solver)
    y_liver = np.array([float(getattr(habit0, n)) for n in _LIVER])
    exo_names = [n for n in habit0._fields if n not in _FAST and n not in _LIVER]
    x = np.array([float(getattr(habit0, n)) for n in exo_names])
    step = max(round(365.25 * config.age_step_years), 1)
    out: dict[str, list[np.ndarray]] = {k: [] for k in (
        "igf1_total_ng_ml", "igf1_free_ng_ml", "igfbp3_total_ng_ml", "als_free_ng_ml",
        "gh_ng_ml", *(f"state_{n}" for n in _REPORTED))}  # fmt: skip
    p_last = None
    for start in range(0, n_days, step):
        end = min(start + step, n_days)
        aged = person.model_copy(update={"age_y": person.age_y + start / 365.25})
        habit = habitual_state(aged, protocol, base, solver=solver)
        tables = _Tables(aged, protocol, base, config, solver, seed, start, end, active, habit)
        seq = []
        for d in range(start, end):
            entry = tables.day(d, x)
            seq.append(entry)
            x = entry.x_end
        p = tables.p
        p_last = p
        means, y_liver = _run_liver(p, y_liver, seq, config.substeps)
        f, b, t, bp3, als = means.T
        log_total = np.log((f + b + t) / IGF1_NMOL_PER_NG)
        gh = np.array([np.interp(li, e.log_i, e.gh) for li, e in zip(log_total, seq,
                                                                      strict=True)])  # fmt: skip
        out["igf1_total_ng_ml"].append((f + b + t) / IGF1_NMOL_PER_NG)
        out["igf1_free_ng_ml"].append(f / IGF1_NMOL_PER_NG)
        out["igfbp3_total_ng_ml"].append((bp3 + b + t) / IGFBP3_NMOL_PER_NG)
        out["als_free_ng_ml"].append(als / ALS_NMOL_PER_NG)
        out["gh_ng_ml"].append(gh)
        for j, n in enumerate(_REPORTED):
            out[f"state_{n}"].append(np.array([e.means[j] for e in seq]))
    variables = {k: np.concatenate(v) for k, v in out.items()}
    units = {"igf1_total_ng_ml": "ng/mL", "igf1_free_ng_ml": "ng/mL",
             "igfbp3_total_ng_ml": "ng/mL", "als_free_ng_ml": "ng/mL", "gh_ng_ml": "ng/mL",
             "state_energy_status": "1", "state_protein_status": "g/kg/d",
             "state_liver_nutrition": "1", "state_ghrelin": "1", "state_training": "1",
             "state_igfbp1": "ng/mL"}  # fmt: skip
    meta = {
        "igfaxis_version": __version__, "resolution": "day",
        "person": person.model_dump(mode="json"), "protocol": protocol.to_dict(),
        "seed": seed, "param_hash": param_hash(p_last) if p_last is not None else "",
        "solver": {"rtol": solver.rtol, "atol": solver.atol},
        "day": {"seeds": config.seeds, "levels": list(config.levels),
                "age_step_years": config.age_step_years, "substeps": config.substeps,
                "key_rtol": config.key_rtol},
    }  # fmt: skip
    return Trajectory(24.0 * np.arange(n_days, dtype=float), variables, units,
                      np.array([]), meta)  # fmt: skip


