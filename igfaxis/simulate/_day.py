"""Day resolution: years and decades with the fast GH subsystem replaced by its daily effect.

Reduction. The only path from the fast subsystem (GHRH, somatostatin, GH, SC depots,
short-lived drugs; minutes to hours) to the slow IGF-1 system is the hepatic GH-receptor
signal ``E`` of :func:`igfaxis.model.liver.gh_liver_effect`; the only path back is the
IGF-1 feedback on the pituitary (total IGF-1). Everything else the fast subsystem reads
(energy, protein, hepatic nutrition, ghrelin, training, IGFBP-1, every drug compartment:
the *exogenous* states) follows the protocol alone. So:

1. **Tabulate the hourly GH effect of each distinct day.** A day is identified by its
   non-burst forcing relative to midnight (meals, exercise, doses, clamps) and its
   exogenous states at midnight (rounded to ``key_rtol``). For a new day the
   pulse-resolved model (native kernel, else JAX) is run over it with total IGF-1 clamped
   at ``levels`` x the habitual level (the IGF-1 rate constants set to 0, so the pools hold)
   for ``seeds`` burst trains. Each run starts ``lead_in_h`` before midnight (at 18:00 by
   default), from the habitual fast states and the exogenous states the previous day had
   then, under the previous evening's forcing at the same clamped level: the fast states
   forget their start (GH within an hour) before the day begins, so a dose or burst late in
   the evening carries into the small hours as it does in the pulse-resolved run (a 22:00
   tesamorelin dose raised the next day's GH effect enough to move daily IGF-1 by 3-5% when
   the fast states were instead reset at midnight). The first day starts at midnight from
   the habitual state, as pulse-resolved runs do. The first day of a later segment of a
   history (:func:`day_schedule`) has its lead-in under the previous segment's evening
   forcing (its bursts and doses, spliced at midnight onto the new protocol's day) and
   integrates the previous segment's drugs as well: the evening dose of a dose step's last
   old day carries into its first new night (without it, 08:00 labs on the first day of a
   new dose read 22-28% low). IGFBP-3 is turned into an integrator of the effect (``bp3_k = 0``,
   no binding), which gives the exact daily integral of ``E``; its hourly shape comes from ``E``
   on the 5-minute output grid. Stored per level: the hourly mean of ``E`` over the burst trains,
   the daily-mean GH; and the exogenous states at the next midnight, their daily means and the
   hourly hepatic modulation ``liver_nutrition (1 + train_igf_gain training)``.
2. **Integrate the slow liver system** (free, binary and ternary IGF-1, IGFBP-3, ALS and the
   hepatic synthesis signal ``S``, the first-order lag of ``E`` that IGF-1 and ALS synthesis
   read; the equations of :mod:`igfaxis.model.liver`) driven by the hour's ``E`` read from the
   table at the *lagged* total IGF-1 (log-log linear between the clamped levels, extrapolated
   beyond them), the hourly modulation and any IV IGF-1: classical RK4 with ``substeps`` steps a
   day, compiled by numba from the same rate-law functions of
   :mod:`igfaxis.model.liver`. The lag is a first-order filter with the terminal time
   constant of GH disposition (:func:`gh_memory_h`, about 2.5 h): serum GH carries GH
   secreted hours before under the feedback of then, which matters when IGF-1 moves fast
   within a day (the night after a first tesamorelin dose IGF-1 rose 75% in 10 h, and the
   current level under-read the next day's GH effect by 11%).

Why hourly and not a daily mean of ``E``: GH comes mostly at night and the binding is
bilinear; before the hepatic delay (``igf_signal_tau``) made synthesis follow the GH of the
past hours, total IGF-1 swung by about 15-20% over the day, and a constant daily-mean ``E``
biased the daily-mean IGF-1 low by about 3%, the hourly profile by under 0.2% (measured on
single pulse-resolved days); the delay smooths synthesis, and the hourly profile is kept.

Ageing: the person is re-personalised every ``age_step_years`` (liver constants and the
age node of the table). The GH-effect tables are computed at age nodes every
``table_age_step_years`` and interpolated (log E, linear in age) between nodes.

Repeated days cost nothing (a habitual day is tabulated once per age node); a new day
costs ``seeds x len(levels)`` pulse-resolved days. The tables of each age node are kept in
memory and on disk (``$IGFAXIS_CACHE_DIR/day``, keyed by the node and a fingerprint of the
model, protocol and data sources and of this module), so a new process reuses them. The
result is the burst-averaged daily mean (``seed`` chooses the averaged burst trains). A
single pulse-resolved run scatters about it day to day (daily-mean total IGF-1 by 2-4% SD
in a healthy adult, up to about 12% on the worst day of a year). ``same_bursts=True``
instead tabulates every day from the very burst train of ``simulate(..., seed=seed)`` (one
train, no reuse): the reduction without the burst averaging, for checking it against the
pulse-resolved run day by day.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import pickle
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._cache import SIMULATION_SOURCES, cache_dir, source_fingerprint
from igfaxis._files import staged_outputs
from igfaxis._version import __version__
from igfaxis.model import default_params, param_hash, personalise
from igfaxis.model.drugs import resolve
from igfaxis.model.liver import free_igf1_unbound
from igfaxis.protocol import Person, Protocol, compile_protocol, compile_protocol_seeds
from igfaxis.protocol._lifestyle_compile import lifestyle_events
from igfaxis.simulate._config import SolverConfig
from igfaxis.simulate._steady import habitual_state, solve_any
from igfaxis.simulate._trajectory import Trajectory
from igfaxis.units import (
    ALS_NMOL_PER_NG,
    IGF1_NMOL_PER_NG,
    IGFBP1_NMOL_PER_NG,
    IGFBP3_NMOL_PER_NG,
)

__all__ = ["GH_LOG_EDGES", "LIVER_FIELDS", "DayConfig", "DaySchedule", "ScheduleSolution",
           "day_schedule", "gh_draw_shares", "simulate_days", "solve_schedule"]

_FAST = ("ghrh", "srif_pev", "srif_arc", "gh_pool", "gh", "gh_periph")
_LIVER = ("igf_free", "igf_binary", "igf_ternary", "bp3", "als", "liver_signal",
          "liver_signal_1", "liver_signal_2")  # fmt: skip
_REPORTED = ("energy_status", "protein_status", "liver_nutrition", "ghrelin", "training",
             "igfbp1")  # fmt: skip
#: 5-min samples of serum GH in an hour of a table run
_GH_SAMPLES_PER_HOUR = 12
#: bin edges [log ng/mL] of the tables' hourly distributions of serum GH: 0.2 wide (a factor
#: 1.22; 0.4-wide bins, linear within, put the 5th centile 0.1-0.3 lower) from 0.0017 to
#: 600 ng/mL; samples beyond fall into the outer bins (current GH immunoassays read down to
#: 0.01-0.05 ug/L)
GH_LOG_EDGES = np.linspace(-6.4, 6.4, 65)
_CLAMP = dict.fromkeys(("igf_syn_max", "igf_k_free", "igf_kon3", "igf_kon_als",
                        "igf_koff_als", "igf_k_binary", "igf_k_ternary", "bp3_k"), 0.0)  # fmt: skip
_UNITS = {"igf1_total_ng_ml": "ng/mL", "igf1_free_ng_ml": "ng/mL",
          "igfbp3_total_ng_ml": "ng/mL", "als_free_ng_ml": "ng/mL", "gh_ng_ml": "ng/mL",
          "state_energy_status": "1", "state_protein_status": "g/kg/d",
          "state_liver_nutrition": "1", "state_ghrelin": "1", "state_training": "1",
          "state_igfbp1": "ng/mL"}  # fmt: skip


@dataclass(frozen=True)
class DayConfig:
    """Settings of the day-resolution reduction (module docstring).

    Attributes
    ----------
    seeds
        Burst trains averaged for each tabulated day.
    max_seeds
        A day that recurs ``n`` times in a re-personalisation interval is refined to
        ``min(max_seeds, 2**floor(log2 n))`` burst trains (less noise where it counts).
    levels
        Clamped total IGF-1 levels, relative to the habitual level (down to a quarter: a
        10-day fast takes IGF-1 to about 0.3 of it, where extrapolating from 0.5 erred by
        3%).
    age_step_years
        Re-personalisation interval.
    table_age_step_years
        Spacing of the age nodes of the GH-effect tables.
    substeps
        RK4 steps a day of the liver system.
    key_rtol
        Rounding of the exogenous states that identify a day.
    lead_in_h
        Hours each table run starts before midnight (module docstring).
    same_bursts
        Tabulate every day from the burst train of ``simulate(..., seed=seed)`` (checks).
    """

    seeds: int = 8
    max_seeds: int = 32
    levels: tuple[float, ...] = (0.25, 0.5, 0.71, 1.0, 1.41, 2.0)
    age_step_years: float = 1.0
    table_age_step_years: float = 10.0
    substeps: int = 96
    key_rtol: float = 0.01
    lead_in_h: float = 6.0
    same_bursts: bool = False


@dataclass(frozen=True)
class _Day:
    log_i: np.ndarray  # (L,) clamped total IGF-1 levels [log ng/mL]
    log_e: np.ndarray  # (L, 24) logit of the hourly-mean GH effect (E / ghr_function)
    gh: np.ndarray  # (L,) daily-mean GH at each level [ng/mL]
    x_end: np.ndarray  # exogenous states at the next day's lead-in start (24 - lead_in_h)
    jac: np.ndarray  # (X, X) d x_end / d x at the tabulated start (the linearised day map)
    means: np.ndarray  # daily means of _REPORTED
    modulation: np.ndarray  # (24,) hourly hepatic modulation
    iv: np.ndarray  # (24,) hourly IV IGF-1 [nmol/L/h]
    # (L, 24, B) share of each hour's 5-min samples of serum GH over the burst trains in each
    # bin of GH_LOG_EDGES (what a blood draw in that hour meets)
    gh_hist: np.ndarray


def _window(b: np.ndarray, v: np.ndarray, a: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """The step function restricted to [a, z)."""
    i = int(np.searchsorted(b, a, side="right") - 1)
    j = int(np.searchsorted(b, z, side="left"))
    bb = b[i:j].copy()
    bb[0] = a
    return bb, v[i:j].copy()


def _hourly(b: np.ndarray, col: np.ndarray, a: float) -> np.ndarray:
    """Hourly means over [a, a + 24) of one column of a step function."""
    edges = a + np.arange(25.0)
    grid = np.unique(np.concatenate([edges, b[(b > a) & (b < a + 24.0)]]))
    vals = col[np.clip(np.searchsorted(b, grid[:-1], side="right") - 1, 0, col.size - 1)]
    cum = np.concatenate([[0.0], np.cumsum(vals * np.diff(grid))])
    return np.diff(np.interp(edges, grid, cum))


def _day_part(values: Any, lead: int) -> Any:
    """The samples of the day itself (after the lead-in) of one output field."""
    a = np.asarray(values)
    return a[:, lead:] if a.ndim == 2 else a


def _lead_steps(cfg: DayConfig, day: int) -> int:
    """5-minute steps a table run of ``day`` starts before its midnight (0 on day 0)."""
    return 0 if day == 0 else round(12.0 * cfg.lead_in_h)


def _step(v: float) -> float:
    """Finite-difference step of an exogenous state: half a key bucket (``key_rtol`` 1% in
    ``log(|x| + 1e-4)``), the largest distance of a day's states from its table's."""
    return 0.005 * (abs(float(v)) + 1e-4)


def _effect(ys: Any, p: Any) -> Any:
    """Hepatic GH-receptor signal E on saved states, as in the vector field."""
    from igfaxis.model import liver
    from igfaxis.model.drugs import long_acting_gh, pegvisomant

    return liver.gh_liver_effect(ys.gh + long_acting_gh.gh_equivalent(ys, p), p,
                                 pegvisomant.concentration(ys, p))  # fmt: skip


#: day signatures by (protocol, person, plant potency, start, end): a warm projection does
#: not rebuild its lifestyle events (a quarter of a 40-year run); a few horizons are kept
_SIGNATURES: dict[tuple, list[str]] = {}
_SIGNATURES_KEPT = 8


def _day_signatures(protocol: Protocol, person: Person, p: Any, start: int,
                    end: int) -> list[str]:  # fmt: skip
    """:func:`_signatures`, memoised (the events depend on the protocol, the person's
    weight and ``plant_potency`` only)."""
    key = (json.dumps(protocol.to_dict(), sort_keys=True, default=str), person.weight_kg,
           float(p.plant_potency), start, end)  # fmt: skip
    if key not in _SIGNATURES:
        if len(_SIGNATURES) >= _SIGNATURES_KEPT:
            _SIGNATURES.pop(next(iter(_SIGNATURES)))
        _SIGNATURES[key] = _signatures(protocol, person, p, start, end)
    return _SIGNATURES[key]


def _signatures(protocol: Protocol, person: Person, p: Any, start: int, end: int) -> list[str]:
    """Non-burst forcing of each day in [start, end), relative to its midnight."""
    ev = lifestyle_events(protocol, p, 24.0 * start, 24.0 * end)
    names = {n: i for i, n in enumerate(sorted(set(ev.name)))}
    t0, t1 = np.asarray(ev.start, dtype=float), np.asarray(ev.stop, dtype=float)
    cols = [t0, t1, np.array([names[n] for n in ev.name], dtype=float),
            np.asarray(ev.rate, dtype=float)]  # fmt: skip
    for i, dose in enumerate(protocol.doses):
        times = np.asarray(dose.times_h(), dtype=float)
        amount, dur = dose.amount_ug(person.weight_kg), dose.duration_h()
        cols = [np.concatenate([cols[0], times]), np.concatenate([cols[1], times + dur]),
                np.concatenate([cols[2], np.full(times.size, -1.0 - i)]),
                np.concatenate([cols[3], np.full(times.size, amount)])]  # fmt: skip
    day = np.floor(cols[0] / 24.0).astype(np.int64)
    rows = np.column_stack([cols[0] - 24.0 * day, cols[1] - 24.0 * day, cols[2], cols[3]])
    rows = np.round(rows, 6)
    keep = (day >= start) & (day < end)
    day, rows = day[keep], rows[keep]
    order = np.argsort(day, kind="stable")
    day, rows = day[order], rows[order]
    cuts = np.searchsorted(day, np.arange(start, end + 1))
    gate = "g" if protocol.endogenous_gh_suppressed else "-"
    return [gate + rows[cuts[i]:cuts[i + 1]].tobytes().hex() for i in range(end - start)]


@functools.cache
def _code() -> str:
    """Fingerprint of the equations, the forcing compiler and this module (cache keys)."""
    return source_fingerprint(*SIMULATION_SOURCES) + hashlib.sha256(
        Path(__file__).read_bytes()).hexdigest()[:8]


class _Node:
    """The GH-effect tables of one person at one age (filled lazily)."""

    def __init__(self, person, protocol, base, cfg, solver, seed, active, habit,
                 path: Path | None = None) -> None:  # fmt: skip
        self.person, self.protocol, self.base, self.cfg = person, protocol, base, cfg
        self.solver, self.seed, self.active, self.habit = solver, seed, active, habit
        self.p, _ = personalise(base, person.covariates())
        self.exo = [n for n in habit._fields if n not in _FAST and n not in _LIVER]
        self.i_ref = (habit.igf_free + habit.igf_binary + habit.igf_ternary) / IGF1_NMOL_PER_NG
        self.table: dict[tuple[str, int], _Day] = {}
        # key -> (day, x, {n: (hourly sum, gh sum, hourly counts of GH samples by bin)
        # over the first n burst trains}, rest)
        self.raw: dict[str, tuple] = {}
        self.full: tuple[np.ndarray, np.ndarray] | None = None
        self.path, self.saved = path, 0  # on-disk copy of ``raw``; entries it holds
        if path is not None and path.is_file():
            try:
                raw = pickle.loads(path.read_bytes())  # our own cache folder
            except (OSError, ValueError, EOFError, pickle.UnpicklingError):
                raw = None
            if isinstance(raw, dict):
                self.raw = raw
                self.saved = self._size()

    def _size(self) -> int:
        return sum(len(v[2]) for v in self.raw.values()) + len(self.raw)

    def save(self) -> None:
        """Write the tables to disk if they grew since they were read (atomically)."""
        if self.path is None or self._size() == self.saved:
            return
        with staged_outputs(self.path) as (tmp,):
            tmp.write_bytes(pickle.dumps(self.raw, protocol=pickle.HIGHEST_PROTOCOL))
        self.saved = self._size()

    def _forcings(self, day: int, horizon: int, k0: int, k1: int,
                  before: tuple | None = None) -> list[tuple]:  # fmt: skip
        if self.cfg.same_bursts:
            if self.full is None:
                _, f = compile_protocol(self.protocol, self.person, self.base,
                                        days=float(horizon), seed=self.seed,
                                        warmup_h=24.0 * self.solver.warmup_days)  # fmt: skip
                self.full = (f.boundaries, f.values)
            return [self.full]
        seeds = [10_000 * self.seed + k for k in range(k0, k1)]
        # a window from 3 days before: the burst rate's fasting factor and the previous
        # evening's bursts are in place at midnight (the seeds' compiles share their
        # seed-free part)
        today = compile_protocol_seeds(self.protocol, self.person, self.base,
                                       days=float(day + 1), seeds=seeds,
                                       warmup_h=24.0 * (3.0 - day))  # fmt: skip
        if before is None or day != 0:
            return [(f.boundaries, f.values) for _, f in today]
        protocol, person, last = before
        evenings = compile_protocol_seeds(protocol, person, self.base, days=float(last + 1),
                                          seeds=seeds, warmup_h=24.0 * (3.0 - last))  # fmt: skip
        return [self._spliced(last, e, f.boundaries, f.values)
                for (_, e), (_, f) in zip(evenings, today, strict=True)]  # fmt: skip

    def _spliced(self, last: int, evening: Any, b: np.ndarray, v: np.ndarray) -> tuple:
        """The forcing of a segment's first day with its lead-in (the evening before) from
        the previous segment: ``evening`` is that segment's forcing up to its ``last`` day
        (in its own time), of the same burst-train seed as this day's."""
        lead = self.cfg.lead_in_h
        bp, vp = _window(evening.boundaries, evening.values, 24.0 * (last + 1) - lead,
                         24.0 * (last + 1))  # fmt: skip
        bn, vn = _window(b, v, 0.0, 24.0)
        return (np.concatenate([bp - 24.0 * (last + 1), bn]), np.concatenate([vp, vn]))

    def start(self, key: str) -> np.ndarray:
        """The exogenous states the day of ``key`` was tabulated from."""
        return self.raw[key][1]

    def day(self, key: str, day: int, x: np.ndarray, horizon: int,
            before: tuple | None = None) -> _Day:  # fmt: skip
        """The table of ``key`` over ``cfg.seeds`` burst trains, tabulated from ``x`` on
        ``day`` if the key is new (``before``: :meth:`_spliced`)."""
        if key not in self.raw:
            *sums, rest, k = self._tabulate(day, x, horizon, 0, self.cfg.seeds, before)
            self.raw[key] = (day, x, {k: tuple(sums)}, rest, before)
        return self.entry(key, None)

    def entry(self, key: str, n: int | None) -> _Day:
        """The table of a known ``key`` averaged over ``n`` burst trains (:meth:`_trains`)."""
        n = self._trains(n)
        if (key, n) not in self.table:
            self.refine(key, n)
            self.table[(key, n)] = self._entry(key, n)
        return self.table[(key, n)]

    def _trains(self, n: int | None) -> int:
        """Burst trains of a table: ``cfg.seeds`` doubled up to ``n`` (capped)."""
        if self.cfg.same_bursts or n is None:
            return 1 if self.cfg.same_bursts else self.cfg.seeds
        m = self.cfg.seeds
        while 2 * m <= min(n, self.cfg.max_seeds):
            m *= 2
        return m

    def refine(self, key: str, target: int) -> None:
        """Make the average over ``target`` burst trains of ``key`` available: the sums over
        the first 8, 16, 32 trains are kept apart, so a table never depends on what else a
        run (or an earlier process, through the disk cache) asked for."""
        day, x, sums, _, before = self.raw[key]
        n = max(sums)
        while n < target:
            *more, _, _ = self._tabulate(day, x, None, n, 2 * n, before)
            sums[2 * n] = tuple(a + b for a, b in zip(sums[n], more, strict=True))
            n *= 2

    def _entry(self, key: str, n: int) -> _Day:
        _, _, sums, rest, _ = self.raw[key]
        hourly, gh, counts = sums[n]
        top = max(float(self.p.ghr_function), 1e-12)
        effect = np.clip(hourly / n, 1e-12 * top, top * (1.0 - 1e-9))
        # E = top s / (1 + s): the GH-receptor saturation taken out, so that what is
        # interpolated in log IGF-1 is nearly linear
        logit = np.log(effect / (top - effect))
        return _Day(rest[0], logit, gh / n, *rest[1:],
                    counts.astype(float) / (_GH_SAMPLES_PER_HOUR * n))  # fmt: skip

    def _moving(self) -> list[int]:
        """Exogenous states that can change: the lifestyle states and the protocol's drugs."""
        from igfaxis.model.drugs import DRUGS

        drug_states = {s for d in DRUGS.values() for s in d.states}
        return [i for i, n in enumerate(self.exo) if n not in drug_states or n in self.active]

    def _tabulate(self, day: int, x: np.ndarray, horizon: int | None, k0: int, k1: int,
                  before: tuple | None = None) -> tuple:  # fmt: skip
        from igfaxis.errors import SimulationError
        from igfaxis.model import Inputs

        p, habit, a = self.p, self.habit, 24.0 * day
        lead = _lead_steps(self.cfg, day if before is None else 1)  # 5-min steps before 0 h
        a0 = a - lead / 12.0
        forcings = self._forcings(day, horizon, k0, k1, before)
        col_iv = Inputs._fields.index("igf1_iv_rate")
        levels = self.i_ref * np.asarray(self.cfg.levels)
        ps, y0s, fs = [], [], []
        pc = p._replace(**_CLAMP)
        for lev in levels:
            scale = lev / self.i_ref
            y0 = habit._replace(**dict(zip(self.exo, map(float, x), strict=True)),
                                igf_free=habit.igf_free * scale,
                                igf_binary=habit.igf_binary * scale,
                                igf_ternary=habit.igf_ternary * scale, bp3=0.0)  # fmt: skip
            for b, v in forcings:
                bb, vv = _window(b, v, a0, a + 24.0)
                vv[:, col_iv] = 0.0  # IV IGF-1 enters the liver system, not the clamp
                ps.append(pc)
                y0s.append(y0)
                fs.append((bb, vv, a0, a + 24.0))
        k, n_lev = len(forcings), len(levels)
        moving = self._moving() if k0 == 0 else []
        if moving:
            # one run per moving exogenous state, started a step off the bucket centre:
            # the columns of the linearised day map (:meth:`_jacobian`)
            y_ref = y0s[n_lev // 2 * k]
            for i in moving:
                n = self.exo[i]
                ps.append(pc)
                y0s.append(y_ref._replace(**{n: float(x[i]) + _step(x[i])}))
                fs.append(fs[n_lev // 2 * k])
        ts = a0 + np.arange(lead + 24 * 12 + 1) / 12.0
        ys_all, obs_all, codes = solve_any(ps, y0s, fs, ts, self.solver, active=self.active)
        if np.any(codes != 0):
            raise SimulationError(f"a day-resolution table run failed on day {day}",
                                  int(np.max(codes)))  # fmt: skip
        # the exogenous states where the next day's lead-in starts (they follow the protocol
        # alone, so the first run's are every run's)
        hand = 24 * 12 - _lead_steps(self.cfg, day + 1)
        x_end = np.array([float(np.asarray(getattr(ys_all, n))[0, lead + hand]) for n in self.exo])
        jac = np.eye(len(self.exo))
        for j, i in enumerate(moving):
            row = n_lev * k + j
            end = np.array([float(np.asarray(getattr(ys_all, n))[row, lead + hand])
                            for n in self.exo])  # fmt: skip
            jac[:, i] = (end - x_end) / _step(x[i])
        ys, obs = (type(r)(*(_day_part(np.asarray(f)[:n_lev * k], lead) for f in r))
                   for r in (ys_all, obs_all))  # fmt: skip
        ts = ts[lead:]
        exact = (np.asarray(ys.bp3)[:, -1] - np.asarray(ys.bp3)[:, 0]) / (
            24.0 * p.liver_sens * p.bp3_syn_max) - p.bp3_basal_frac  # fmt: skip
        e_t = np.asarray(_effect(ys, p))
        hourly = np.stack([np.trapezoid(e_t[:, 12 * h:12 * h + 13], ts[12 * h:12 * h + 13],
                                        axis=1) for h in range(24)], axis=1)  # fmt: skip
        # the hourly shape from the 5-min grid, the daily integral exact (IGFBP-3 integrator)
        hourly *= (exact / np.maximum(hourly.sum(axis=1) / 24.0, 1e-300))[:, None]
        sum_e = hourly.reshape(n_lev, k, 24).sum(axis=1)
        gh = np.trapezoid(np.asarray(obs.gh_ng_ml), ts, axis=1) / 24.0
        # the 5-min samples of serum GH in each hour, as a blood draw would meet them
        lg = np.log(np.maximum(np.asarray(obs.gh_ng_ml)[:, :24 * 12], 1e-300))
        nb = GH_LOG_EDGES.size - 1
        b_ix = np.clip(np.searchsorted(GH_LOG_EDGES, lg, side="right") - 1, 0, nb - 1)
        b_ix = b_ix.reshape(n_lev, k, 24, _GH_SAMPLES_PER_HOUR)
        counts = (b_ix[..., None] == np.arange(nb)).sum(axis=(1, 3)).astype(np.float32)
        means = np.array([np.trapezoid(np.asarray(getattr(ys, n))[0], ts) / 24.0
                          for n in _REPORTED])  # fmt: skip
        mod = np.asarray(ys.liver_nutrition)[0] * (1.0 + p.train_igf_gain
                                                   * np.asarray(ys.training)[0])  # fmt: skip
        hourly_mod = np.array([np.trapezoid(mod[12 * h:12 * h + 13], ts[12 * h:12 * h + 13])
                               for h in range(24)])  # fmt: skip
        b, v = forcings[0]
        iv = _hourly(b, v[:, col_iv], a) * IGF1_NMOL_PER_NG / (p.plasma_volume * p.body_weight)
        rest = (np.log(levels), x_end, jac, means, hourly_mod, iv)
        return sum_e, gh.reshape(n_lev, k).sum(axis=1), counts, rest, k


_LIVER_RATES = ("igf1_binding", "ternary_formation", "free_igf1_rate", "binary_rate",
                "ternary_rate", "bp3_rate", "als_rate", "hepatic_signal_rate")  # fmt: skip

_LIVER_KERNEL = """

jit = numba.njit(cache=True, error_model="numpy")
binding, capture = jit(igf1_binding), jit(ternary_formation)
free_r, binary_r, ternary_r = jit(free_igf1_rate), jit(binary_rate), jit(ternary_rate)
bp3_r, als_r, signal_r = jit(bp3_rate), jit(als_rate), jit(hepatic_signal_rate)


@jit
def rhs(p, y, li, le, hour, top, m, r_iv, tau, out):
    total = (y[0] + y[1] + y[2]) / TO_NMOL
    x = math.log(y[8])  # the feedback level the GH now in the blood was secreted under
    n = li.size
    j = 0
    while j < n - 2 and x > li[j + 1]:
        j += 1
    w = (x - li[j]) / (li[j + 1] - li[j])  # log-log linear, extrapolated at the ends
    s = math.exp(le[j, hour] + w * (le[j + 1, hour] - le[j, hour]))
    e = top * s / (1.0 + s)
    r_b = binding(y[0], y[1], y[3], p)
    r_t = capture(y[1], y[2], y[4], p)
    out[0] = free_r(y[0], y[5], r_b, r_iv, m, p)
    out[1] = binary_r(y[1], r_b, r_t, p)
    out[2] = ternary_r(y[2], r_t, p)
    out[3] = bp3_r(y[3], e, r_b, p)
    out[4] = als_r(y[4], y[5], r_t, p)
    out[5] = signal_r(y[5], y[7], p)
    out[6] = signal_r(y[6], e, p)
    out[7] = signal_r(y[7], y[6], p)
    out[8] = (total - y[8]) / tau


@jit
def run(p, y0, log_i, log_e, mod, iv, substeps, top, tau, means, ends, hours):
    # element loops instead of array expressions: no temporary arrays per step, the same
    # operations in the same order (bit-identical to ``y + dt / 6.0 * (k1 + 2.0 * k2 + ...)``)
    dt = 24.0 / substeps
    h2, h6 = 0.5 * dt, dt / 6.0
    per_hour = substeps // 24
    y = y0.copy()
    k1, k2, k3, k4, tmp = np.empty(9), np.empty(9), np.empty(9), np.empty(9), np.empty(9)
    acc = np.empty(9)
    for d in range(log_e.shape[0]):
        acc[:] = 0.0
        li, le = log_i[d], log_e[d]
        for k in range(substeps):
            hour = min(int(k * dt), 23)
            if k % per_hour == 0:
                hours[d, k // per_hour] = y
            m, r = mod[d, hour], iv[d, hour]
            rhs(p, y, li, le, hour, top, m, r, tau, k1)
            for i in range(9):
                tmp[i] = y[i] + h2 * k1[i]
            rhs(p, tmp, li, le, hour, top, m, r, tau, k2)
            for i in range(9):
                tmp[i] = y[i] + h2 * k2[i]
            rhs(p, tmp, li, le, hour, top, m, r, tau, k3)
            for i in range(9):
                tmp[i] = y[i] + dt * k3[i]
            rhs(p, tmp, li, le, hour, top, m, r, tau, k4)
            for i in range(9):
                y_new = y[i] + h6 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])
                acc[i] += h2 * (y[i] + y_new)
                y[i] = y_new
        for i in range(9):
            means[d, i] = acc[i] / 24.0
            ends[d, i] = y[i]
"""


@functools.cache
def _liver_kernel() -> Any:
    """The slow liver system, RK4 over days, compiled by numba from the rate laws of
    :mod:`igfaxis.model.liver` (the physiology is not rewritten here): their source and
    this kernel go into one generated module (:func:`igfaxis._cache.import_generated`,
    content-addressed), so numba's ``cache=True`` holds across processes and a change of a
    rate law makes a new module rather than reusing stale machine code."""
    import inspect

    from igfaxis._cache import import_generated
    from igfaxis.model import liver

    head = ("# generated by igfaxis.simulate._day: the liver rate laws and the day kernel\n"
            "import math\nfrom typing import Any\n\nimport numba\nimport numpy as np\n\n"
            f"TO_NMOL = {IGF1_NMOL_PER_NG!r}\n\n\n")  # fmt: skip
    rates = "\n\n".join(inspect.getsource(getattr(liver, n)) for n in _LIVER_RATES)
    return import_generated("igfaxis_liver", head + rates + _LIVER_KERNEL).run


#: GH-effect tables by (person at the node age, protocol, parameters, config, seed)
_NODES: dict[str, _Node] = {}


def gh_memory_h(p: Any) -> float:
    """Terminal time constant of GH disposition [h]: 1 / the slow eigenvalue of the
    two-compartment GH kinetics of :mod:`igfaxis.model.gh_kinetics` at low GH (elimination
    ``(CL + V_max / K_m) / V_c``, exchange ``Q / V_c`` and ``Q / V_p``).

    Serum GH, hence the hepatic effect, at time t still carries GH secreted this long
    before, under the IGF-1 feedback of then (and the somatostatin it raised): the liver
    system reads the GH-effect tables at total IGF-1 lagged by a first-order filter of this
    time constant (module docstring), not at the current total IGF-1.
    """
    k10 = (p.gh_cl + p.gh_vmax / p.gh_km) / p.gh_vc
    k12, k21 = p.gh_q / p.gh_vc, p.gh_q / p.gh_vp
    a = k10 + k12 + k21
    slow = 0.5 * (a - math.sqrt(a * a - 4.0 * k10 * k21))
    return float(1.0 / slow)


def _stacked(seq: list[_Day]) -> dict[str, np.ndarray]:
    """The tables of a day sequence as contiguous arrays (the liver kernel's inputs)."""
    stack = lambda f: np.ascontiguousarray(np.stack([f(d) for d in seq]), dtype=float)  # noqa: E731
    return {"log_i": stack(lambda d: d.log_i), "log_e": stack(lambda d: d.log_e),
            "gh": stack(lambda d: d.gh), "modulation": stack(lambda d: d.modulation),
            "iv": stack(lambda d: d.iv), "gh_hist": stack(lambda d: d.gh_hist)}  # fmt: skip


def _run_arrays(p: Any, y0: np.ndarray, arrays: dict[str, np.ndarray], substeps: int) -> tuple:
    """Run the liver kernel over stacked tables: daily means (n, 9) of the liver states
    (:data:`_LIVER`) and the lagged IGF-1, the states at the start of each hour (n, 24, 9)
    and at the end."""
    n = arrays["log_e"].shape[0]
    if substeps % 24:
        raise ValueError(f"DayConfig.substeps must be a multiple of 24, got {substeps}")
    means, ends, hours = np.empty((n, 9)), np.empty((n, 9)), np.empty((n, 24, 9))
    pf = type(p)(*(float(v) for v in p))
    _liver_kernel()(pf, np.asarray(y0, dtype=float), arrays["log_i"], arrays["log_e"],
                    arrays["modulation"], arrays["iv"], int(substeps),
                    max(float(p.ghr_function), 1e-12), gh_memory_h(p), means, ends,
                    hours)  # fmt: skip
    return means, hours, ends[n - 1]


def _run_liver(p: Any, y0: np.ndarray, seq: list[_Day], substeps: int) -> tuple:
    """Daily means (n, 9) of the liver states and the lagged IGF-1, and the state at the end
    of the last day."""
    means, _, end = _run_arrays(p, y0, _stacked(seq), substeps)
    return means, end


def _node(person, protocol, base, cfg, solver, seed, active, habit) -> _Node:
    # the protocol's labels never enter a simulation: two arms' habitual segments
    # ("habitual (A)", "habitual (B)") with one diet and sleep share their tables
    what = protocol.model_dump(mode="json", exclude={"name", "description"})
    key = json.dumps({"person": person.model_dump(mode="json"), "protocol": what,
                      "params": param_hash(base), "cfg": asdict(cfg), "seed": seed,
                      "rtol": solver.rtol, "atol": solver.atol, "active": list(active),
                      "warmup": solver.warmup_days}, sort_keys=True, default=str)  # fmt: skip
    if cfg.same_bursts:
        return _Node(person, protocol, base, cfg, solver, seed, active, habit)
    if key not in _NODES:
        digest = hashlib.sha256(f"{_code()}:{__version__}:{key}".encode()).hexdigest()[:32]
        _NODES[key] = _Node(person, protocol, base, cfg, solver, seed, active, habit,
                            cache_dir("day") / f"{digest}.pkl")  # fmt: skip
    return _NODES[key]


def _levels(log_i: np.ndarray, onto: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The levels ``log_i`` as floats, and for each of ``onto`` the index ``j`` of the lower
    of its two bracketing levels and its weight ``w`` between them (extrapolated at the ends)."""
    li, lo = np.asarray(log_i, dtype=float), np.asarray(onto, dtype=float)
    n = li.shape[-1]
    j = np.clip(np.sum(lo[..., :, None] > li[..., None, 1:n - 1], axis=-1), 0, n - 2)
    a = np.take_along_axis(li, j, axis=-1)
    b = np.take_along_axis(li, j + 1, axis=-1)
    return li, j, (lo - a) / (b - a)


def _gather_levels(values: np.ndarray, j: np.ndarray, w: np.ndarray, nd: int) -> np.ndarray:
    """``values`` read between levels ``j`` and ``j + 1`` with weights ``w`` (level axis
    ``nd - 1``): take_along_axis with the index broadcast over every trailing axis."""
    extra = values.ndim - nd
    rest = values.shape[nd:]
    jj = j.reshape(j.shape + (1,) * extra)
    ww = w.reshape(w.shape + (1,) * extra)
    va = np.take_along_axis(values, np.broadcast_to(jj, j.shape + rest), axis=nd - 1)
    vb = np.take_along_axis(values, np.broadcast_to(jj + 1, j.shape + rest), axis=nd - 1)
    return va + ww * (vb - va)


def _regrid(log_i: np.ndarray, values: np.ndarray, onto: np.ndarray) -> np.ndarray:
    """Tables ``values`` (..., L, ...) tabulated at clamped levels ``log_i`` (..., L), read at
    the levels ``onto`` (..., L): linear in log IGF-1 between levels, extrapolated at the
    ends, as the liver kernel reads them. The level axis is the one after ``log_i``'s
    leading axes."""
    li, j, w = _levels(log_i, onto)
    lead = li.shape[:-1]
    if values.shape[:li.ndim - 1] != lead or j.shape[:-1] != lead:
        return _gather_levels(values, j, w, li.ndim)
    # the same gather as :func:`_gather_levels`, but by whole trailing blocks (one fancy
    # index per leading row and level, not per element: the day tables' GH histograms made
    # this a fifth of a plan)
    rest = values.shape[li.ndim:]
    ww = w.reshape(w.shape + (1,) * (values.ndim - li.ndim))
    m = math.prod(lead)
    flat = values.reshape((m, li.shape[-1], *rest))
    rows, jr = np.arange(m)[:, None], j.reshape(m, j.shape[-1])
    va = flat[rows, jr].reshape(j.shape + rest)
    vb = flat[rows, jr + 1].reshape(j.shape + rest)
    return va + ww * (vb - va)


def _blend(a: _Day, b: _Day | None, w: float) -> _Day:
    """``(1 - w) a + w b`` of two tables of one day (two age nodes), with ``b`` read at
    ``a``'s levels: the levels are relative to each node's habitual IGF-1, which differs
    between ages (blending level by level mixed GH effects at different IGF-1)."""
    if b is None or w == 0.0:
        return a
    log_e = _regrid(b.log_i, b.log_e, a.log_i)
    gh = _regrid(b.log_i, b.gh, a.log_i)
    gh_hist = _regrid(b.log_i, b.gh_hist, a.log_i)
    return _Day(a.log_i, (1.0 - w) * a.log_e + w * log_e, (1.0 - w) * a.gh + w * gh,
                a.x_end, a.jac, a.means, a.modulation, a.iv,
                (1.0 - w) * a.gh_hist + w * gh_hist)


def _interval(person, protocol, base, config, solver, seed, active, habit, start, end,
              n_days, x, before=None) -> tuple[list[_Day], np.ndarray, Any]:  # fmt: skip
    """The day tables of days [start, end) of one re-personalisation interval (ages from
    ``person.age_y`` at day 0), the exogenous states after them and the interval's
    parameters. ``before``: the previous segment of a history, ``(protocol, person, its
    last day)``, whose evening leads into day 0 (:meth:`_Node._spliced`)."""
    node_step = config.table_age_step_years
    tol = math.log1p(config.key_rtol)
    age = person.age_y + start / 365.25
    j = math.floor((age - person.age_y) / node_step + 1e-9)
    w = (age - person.age_y) / node_step - j
    nodes = [_node(person.model_copy(update={"age_y": person.age_y + (j + i) * node_step}),
                   protocol, base, config, solver, seed, active, habit)
             for i in ((0, 1) if w > 1e-9 else (0,))]  # fmt: skip
    p, _ = personalise(base, person.model_copy(update={"age_y": age}).covariates())
    first = max(start - 1, 0)  # a day's lead-in lives the previous evening
    sigs = _day_signatures(protocol, person, p, first, end)
    keys = []
    if before is not None and start == 0 and not config.same_bursts:
        prev, who, last = before
        first_evening = "after " + _day_signatures(prev, who, p, last, last + 1)[0]
    else:
        before, first_evening = None, "first day"
    for d in range(start, end):
        evening = sigs[d - 1 - first] if d > 0 else first_evening
        if config.same_bursts:
            key, x_tab = f"{d}", x
        else:
            # a table is a function of its key alone: tabulated from the rounded states
            # (the centre of the bucket), never from whichever day met it first
            q = np.round(np.log(np.abs(x) + 1e-4) / tol)
            x_tab = np.maximum(np.exp(q * tol) - 1e-4, 0.0)
            key = hashlib.sha1((sigs[d - first] + evening).encode()
                               + q.astype(np.int64).tobytes()).hexdigest()  # fmt: skip
        lead = before if d == 0 else None
        entries = [nd.day(key, d, x_tab, n_days, lead) for nd in nodes]  # every node's table
        entry = entries[0]
        keys.append(key)
        # a table hands on the day map linearised about its start: its end state plus
        # the Jacobian times this day's offset from its start. Its end state alone froze
        # a state that drifts by under ``key_rtol`` a day (a drug loading over weeks,
        # training); its change alone made a relaxing state walk off its periodic orbit
        # across buckets (energy status by 7% in two habitual years, 50 tables)
        x = np.maximum(entry.x_end + entry.jac @ (x - nodes[0].start(key)), 0.0)
    # a day that recurs n times in the interval averages up to 2**floor(log2 n) trains
    trains = {k: 1 << math.floor(math.log2(c)) for k, c in Counter(keys).items()}
    tables = [{k: nd.entry(k, trains[k]) for k in trains} for nd in nodes]
    for nd in nodes:
        nd.save()
    blends = {k: _blend(tables[0][k], tables[1][k] if len(nodes) > 1 else None, w)
              for k in trains}  # fmt: skip
    return [blends[k] for k in keys], x, p


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

    Parameters
    ----------
    person
        Who; their age is the age at t = 0 (re-personalised as they age).
    protocol
        What happens; ``None`` is the habitual lifestyle.

    Other Parameters
    ----------------
    days
        Horizon [days] (whole days are simulated).
    seed
        Chooses the burst trains that are averaged (``config.same_bursts``: the train).
    params
        Base :class:`~igfaxis.model.Params`; table defaults if None.
    solver
        Tolerances of the pulse-resolved table runs.
    config
        :class:`DayConfig`.

    Returns
    -------
    Trajectory
        ``times_h[d] = 24 d``; each value is the mean over ``[24 d, 24 d + 24)`` h of the
        IGF-1 outputs, IGFBP-3, ALS, GH and the nutrition and training states;
        ``metadata["resolution"] == "day"``. Starts at the habitual state.
    """
    protocol = protocol if protocol is not None else Protocol(name="usual day")
    base = params if params is not None else default_params()
    n_days = math.floor(days + 1e-9)
    drugs = {resolve(x.drug).name for x in protocol.doses}
    active = tuple(s for d in sorted(drugs) for s in resolve(d).states)
    habit = habitual_state(person, protocol, base)  # the same start as pulse runs
    y_liver = np.array([float(getattr(habit, n)) for n in _LIVER])
    lagged = (habit.igf_free + habit.igf_binary + habit.igf_ternary) / IGF1_NMOL_PER_NG
    y_liver = np.append(y_liver, float(lagged))
    exo = [n for n in habit._fields if n not in _FAST and n not in _LIVER]
    x = np.array([float(getattr(habit, n)) for n in exo])
    step = max(round(365.25 * config.age_step_years), 1) if not config.same_bursts else n_days
    out: dict[str, list[np.ndarray]] = {k: [] for k in _UNITS}
    p = None
    runs: list[tuple[tuple, list[_Day]]] = []
    for start in range(0, n_days, step):
        end = min(start + step, n_days)
        seq, x, p = _interval(person, protocol, base, config, solver, seed, active, habit,
                              start, end, n_days, x)  # fmt: skip
        if runs and runs[-1][0] == tuple(p):
            runs[-1][1].extend(seq)
        else:
            runs.append((tuple(p), seq))
    for pt, seq in runs:
        # personalise does not make the liver constants depend on age, so one scan covers
        # every year; a change of parameters starts a new scan from the last state
        p = type(p)(*pt)
        means, y_liver = _run_liver(p, y_liver, seq, config.substeps)
        f, b, t, bp3, als = means.T[:5]
        # free IGF-1 at the day's mean IGFBP-1 (an approximation: the equilibrium is not
        # linear, and IGFBP-1 swings within the day)
        bp1 = np.array([e.means[_REPORTED.index("igfbp1")] for e in seq]) * IGFBP1_NMOL_PER_NG
        out["igf1_total_ng_ml"].append((f + b + t) / IGF1_NMOL_PER_NG)
        out["igf1_free_ng_ml"].append(free_igf1_unbound(f, bp1, p) / IGF1_NMOL_PER_NG)
        out["igfbp3_total_ng_ml"].append((bp3 + b + t) / IGFBP3_NMOL_PER_NG)
        out["als_free_ng_ml"].append(als / ALS_NMOL_PER_NG)
        log_total = np.log((f + b + t) / IGF1_NMOL_PER_NG)
        gh = [np.interp(li, e.log_i, e.gh) for li, e in zip(log_total, seq, strict=True)]
        out["gh_ng_ml"].append(np.array(gh))
        for i, n in enumerate(_REPORTED):
            out[f"state_{n}"].append(np.array([e.means[i] for e in seq]))
    variables = {k: np.concatenate(v) if v else np.array([]) for k, v in out.items()}
    meta = {
        "igfaxis_version": __version__, "resolution": "day",
        "sample": "mean over [t, t + 24 h)", "person": person.model_dump(mode="json"),
        "protocol": protocol.to_dict(), "seed": seed,
        "param_hash": param_hash(p) if p is not None else "",
        "solver": {"rtol": solver.rtol, "atol": solver.atol},
        "day": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config).items()},
    }  # fmt: skip
    return Trajectory(24.0 * np.arange(n_days, dtype=float), variables, dict(_UNITS),
                      np.array([]), meta)  # fmt: skip


#: Params fields that :func:`solve_schedule` may scale: read by the liver system only, so a
#: schedule's GH-effect tables stay valid under them
LIVER_FIELDS = ("liver_sens", "igf_syn_max", "bp3_syn_max", "als_syn_max")


@dataclass(frozen=True)
class DaySchedule:
    """The day-resolution tables of one person over a history of protocols.

    Built by :func:`day_schedule`; :func:`solve_schedule` integrates the liver system over
    them for any scaling of the :data:`LIVER_FIELDS` (the hepatic synthesis constants, which
    the fast GH subsystem and so the tables do not read), in milliseconds. Calibration and
    cohorts re-run that part only.

    Attributes
    ----------
    log_i, log_e, gh, modulation, iv
        The tables of each day (module docstring of :mod:`igfaxis.simulate._day`): ``(D, L)``
        log clamped IGF-1 levels, ``(D, L, 24)`` logit hourly GH effect, ``(D, L)`` daily-mean
        GH, ``(D, 24)`` hepatic modulation and IV IGF-1.
    params
        The person's parameters (first day's age).
    y0
        Liver states (free, binary, ternary IGF-1, IGFBP-3, ALS [nmol/L], the hepatic
        synthesis signal [-]) and lagged total IGF-1 [ng/mL] at the start: the habitual
        state of the first protocol.
    substeps
        RK4 steps a day.
    gh_hist
        ``(D, L, 24, B)`` distribution of serum GH in each hour: the share of the hour's
        5-min samples over the burst trains in each bin of :data:`GH_LOG_EDGES` (what a
        blood draw in that hour meets); ``None`` when not tabulated (a cohort grid's
        schedules).
    """

    log_i: np.ndarray
    log_e: np.ndarray
    gh: np.ndarray
    modulation: np.ndarray
    iv: np.ndarray
    params: Any
    y0: np.ndarray
    substeps: int
    gh_hist: np.ndarray | None = None

    @property
    def days(self) -> int:
        """Number of days."""
        return int(self.log_e.shape[0])

    def gh_at(self, t_h: np.ndarray | float, solution: ScheduleSolution) -> np.ndarray:
        """Distribution ``(n, B)`` of serum GH of a blood draw at times ``t_h`` [h from the
        schedule's start] over the bins of :data:`GH_LOG_EDGES`: the table of the hour the
        time falls in (GH is tabulated as hourly distributions, not as a curve), read at that
        hour's lagged IGF-1 in ``solution`` (:func:`solve_schedule` of this schedule)."""
        if self.gh_hist is None or solution.igf1_lagged_ng_ml is None:
            raise ValueError("this schedule carries no GH tables (made by day_schedule, "
                             "they are; a cohort grid's schedules are not)")  # fmt: skip
        t = np.atleast_1d(np.asarray(t_h, dtype=float))
        if np.any(t < 0.0) or np.any(t >= 24 * self.days):
            raise ValueError(f"times must lie within the schedule's {self.days} days")
        d, h = (t // 24.0).astype(np.int64), (np.floor(t) % 24).astype(np.int64)
        return gh_draw_shares(self.log_i[d], self.gh_hist[d, :, h, :],
                              solution.igf1_lagged_ng_ml[d, h])  # fmt: skip

    @classmethod
    def combine(cls, schedules: Any, weights: Any) -> DaySchedule:
        """``sum(w_i s_i)`` of the GH effect (logit), GH and start state of schedules of
        neighbouring persons over the same days (e.g. several pituitary capacities), each
        read at the first one's clamped levels (they are relative to each person's habitual
        IGF-1); the liver-system inputs are the first one's. Weights summing to 1 and
        depending smoothly on a parameter give a smooth interpolation in it."""
        first = schedules[0]
        log_e = np.zeros_like(first.log_e)
        gh = np.zeros_like(first.gh)
        y0 = np.zeros_like(first.y0)
        pulses = all(s.gh_hist is not None for s in schedules)
        gh_hist = np.zeros_like(first.gh_hist) if pulses else None
        for s, w in zip(schedules, weights, strict=True):
            if s.log_e.shape != first.log_e.shape:
                raise ValueError("combine needs schedules over the same days and levels")
            if w == 0.0:
                continue
            log_e += w * _regrid(s.log_i, s.log_e, first.log_i)
            gh += w * _regrid(s.log_i, s.gh, first.log_i)
            y0 += w * s.y0
            if gh_hist is not None:
                gh_hist += w * _regrid(s.log_i, s.gh_hist, first.log_i)
        return cls(first.log_i, log_e, gh, first.modulation, first.iv, first.params, y0,
                   first.substeps, gh_hist)  # fmt: skip


@dataclass(frozen=True)
class ScheduleSolution:
    """What :func:`solve_schedule` returns.

    Attributes
    ----------
    igf1_total_ng_ml, igfbp3_total_ng_ml
        ``(D, 24)`` at the start of each hour of each day [ng/mL].
    igf1_daily_mean_ng_ml
        ``(D,)`` daily means [ng/mL].
    igf1_lagged_ng_ml
        ``(D, 24)`` the lagged total IGF-1 at the start of each hour [ng/mL]: the feedback
        level at which the GH tables are read (:meth:`DaySchedule.gh_at`).
    """

    igf1_total_ng_ml: np.ndarray
    igfbp3_total_ng_ml: np.ndarray
    igf1_daily_mean_ng_ml: np.ndarray
    igf1_lagged_ng_ml: np.ndarray | None = None

    def at(self, t_h: np.ndarray | float, name: str = "igf1_total_ng_ml") -> np.ndarray:
        """Values at times ``t_h`` [h from the schedule's start], linear between hours."""
        series = getattr(self, name).reshape(-1)
        grid = np.arange(series.size, dtype=float)
        t = np.asarray(t_h, dtype=float)
        if np.any(t < 0.0) or np.any(t > series.size - 1):
            raise ValueError(f"times must lie within the schedule's {series.size // 24} days")
        return np.interp(t, grid, series)


def day_schedule(
    person: Person,
    segments: Any,
    *,
    days: int,
    seed: int = 0,
    params: Any = None,
    solver: SolverConfig = SolverConfig(),
    config: DayConfig = DayConfig(),
) -> DaySchedule:
    """Tabulate the days of a history of protocols at day resolution.

    Parameters
    ----------
    person
        Who, with their age at day 0.
    segments
        ``[(start_day, Protocol), ...]``: the first starts at day 0, each runs until the
        next starts (the last until ``days``). The person starts at the habitual state of
        the first; the nutrition, training and drug states carry across a change.

    Other Parameters
    ----------------
    days
        Number of days.
    seed, params, solver, config
        As :func:`simulate_days`.
    """
    base = params if params is not None else default_params()
    segs = sorted(((int(a), pr) for a, pr in segments), key=lambda s: s[0])
    if not segs or segs[0][0] != 0:
        raise ValueError("the first segment of a schedule must start at day 0")
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    first = segs[0][1]
    habit = habitual_state(person, first, base)
    y0 = np.array([float(getattr(habit, n)) for n in _LIVER]
                  + [(habit.igf_free + habit.igf_binary + habit.igf_ternary) / IGF1_NMOL_PER_NG])
    exo = [n for n in habit._fields if n not in _FAST and n not in _LIVER]
    x = np.array([float(getattr(habit, n)) for n in exo])
    step = max(round(365.25 * config.age_step_years), 1)
    seq: list[_Day] = []
    p0 = None
    bounds = [a for a, _ in segs[1:]] + [days]
    before = None  # the previous segment: (protocol, person, last day)
    for (a, protocol), z in zip(segs, bounds, strict=True):
        z = min(z, days)
        if z <= a:
            continue
        who = person.model_copy(update={"age_y": person.age_y + a / 365.25})
        # the previous segment's drugs as well: their depots carry into this one
        drugs = {resolve(d.drug).name for d in protocol.doses}
        if before is not None:
            drugs |= {resolve(d.drug).name for d in before[0].doses}
        active = tuple(s for d in sorted(drugs) for s in resolve(d).states)
        habit_k = habitual_state(who, protocol, base)
        for start in range(0, z - a, step):
            end = min(start + step, z - a)
            part, x, p = _interval(who, protocol, base, config, solver, seed, active, habit_k,
                                   start, end, z - a, x, before)  # fmt: skip
            seq.extend(part)
            p0 = p if p0 is None else p0
        before = (protocol, who, z - a - 1)
    arrays = _stacked(seq)
    return DaySchedule(arrays["log_i"], arrays["log_e"], arrays["gh"], arrays["modulation"],
                       arrays["iv"], p0, y0, config.substeps, arrays["gh_hist"])  # fmt: skip


def solve_schedule(schedule: DaySchedule, scale: Any = None) -> ScheduleSolution:
    """Integrate the slow liver system over a schedule, with the :data:`LIVER_FIELDS` of its
    parameters multiplied by ``scale`` (``{field: factor}``).

    Pure and fast (a compiled RK4 over ``schedule.days`` days; about 10 ms for two years):
    the GH-effect tables are read at the lagged total IGF-1, as in :func:`simulate_days`.
    """
    p = schedule.params
    if scale:
        bad = sorted(set(scale) - set(LIVER_FIELDS))
        if bad:
            raise ValueError(f"solve_schedule scales only {', '.join(LIVER_FIELDS)}; got "
                             f"{', '.join(bad)} (the tables depend on them)")  # fmt: skip
        p = p._replace(**{f: getattr(p, f) * float(v) for f, v in scale.items()})
    arrays = {"log_i": schedule.log_i, "log_e": schedule.log_e,
              "modulation": schedule.modulation, "iv": schedule.iv}  # fmt: skip
    means, hours, _ = _run_arrays(p, schedule.y0, arrays, schedule.substeps)
    f, b, t, bp3 = (hours[..., i] for i in range(4))
    return ScheduleSolution((f + b + t) / IGF1_NMOL_PER_NG, (bp3 + b + t) / IGFBP3_NMOL_PER_NG,
                            means[:, :3].sum(axis=1) / IGF1_NMOL_PER_NG,
                            hours[..., len(_LIVER)].copy())  # fmt: skip


def gh_draw_shares(log_i: np.ndarray, tables: np.ndarray, lagged_ng_ml: np.ndarray) -> np.ndarray:
    """GH tables ``(n, L, B)`` tabulated at clamped levels ``log_i`` ``(n, L)`` [log
    ng/mL], read at lagged total IGF-1 ``lagged_ng_ml`` ``(n,)`` as the liver kernel reads the
    GH effect (linear in log IGF-1 between levels, extrapolated at the ends): ``(n, B)``
    shares of a draw in the bins of :data:`GH_LOG_EDGES`, clipped at 0 (extrapolated or
    blended shares can dip below) and renormalised."""
    lag = np.log(np.asarray(lagged_ng_ml, dtype=float))[:, None]
    out = np.maximum(_regrid(np.asarray(log_i, dtype=float), np.asarray(tables, dtype=float),
                             lag)[:, 0], 0.0)  # fmt: skip
    return out / np.maximum(out.sum(axis=-1, keepdims=True), 1e-300)
