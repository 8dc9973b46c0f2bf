"""Lifestyle -> step inputs: meals (energy, protein, meal flag) and exercise sessions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from igfaxis.protocol._lifestyle import Diet, Fast
from igfaxis.protocol._protocol import Protocol

__all__ = ["Events", "energy_status_at", "lifestyle_events"]

#: refeeding diets after a water fast (Isley 1983 / Clemmons 1985 study designs: a
#: protein-deficient diet keeps energy, a protein- and energy-deficient one halves energy)
#: [design values, UNVERIFIED]
_REFEED = {"protein_deficient": (1.0, 0.3), "protein_energy_deficient": (0.5, 0.3)}
#: fasting-mimicking diet defaults: ~40% of usual energy with 9-11% of it from protein
#: (Brandhorst 2015; Wei 2017), i.e. ~0.3 g/kg/day for a 75-kg adult
_FMD = (0.4, 0.3)


@dataclass
class Events:
    """Step inputs as parallel lists: [start, stop) of ``rate`` added to input ``name``."""

    start: list[float]
    stop: list[float]
    name: list[str]
    rate: list[float]

    def add(self, a: float, b: float, name: str, rate: float) -> None:
        """Append one step input."""
        if b > a and rate != 0.0:
            self.start.append(a)
            self.stop.append(b)
            self.name.append(name)
            self.rate.append(rate)


def _diet_on(protocol: Protocol, day: int) -> Diet:
    for phase in protocol.diet_phases:
        if phase.start_day <= day < phase.end_day:
            return phase.diet
    return protocol.diet


def _in_days(f: Fast, day: int) -> bool:
    return day >= f.start_day and (f.end_day is None or day < f.end_day)


def _day_scale(protocol: Protocol, day: int) -> float:
    """Energy multiplier of a 5:2 or alternate-day fasting day (1 otherwise)."""
    for f in protocol.fasting:
        if day < 0 or not _in_days(f, day):
            continue
        offset = int(day - f.start_day)
        if f.kind == "5:2" and day % 7 in (0, 3):
            return float(f.energy_fraction or 0.0)
        if f.kind == "adf" and offset % 2 == 1:
            return float(f.energy_fraction or 0.0)
    return 1.0


def _override(protocol: Protocol, t: float) -> tuple[float, float] | None:
    """(energy, protein) forced at time t by a water fast, FMD or refeeding period."""
    for f in protocol.fasting:
        if f.kind not in ("water", "fmd"):
            continue
        for a, b in f.intervals_h():
            if a <= t < b:
                if f.kind == "water":
                    return 0.0, 0.0
                return (f.energy_fraction if f.energy_fraction is not None else _FMD[0],
                        f.protein_g_per_kg if f.protein_g_per_kg is not None else _FMD[1])
            if f.kind == "water" and f.refeed != "normal" and b <= t < b + 24 * f.refeed_days:
                return _REFEED[f.refeed]
    return None


def lifestyle_events(protocol: Protocol, params: Any, t0: float, t1: float) -> Events:
    """Meal and exercise step inputs on [t0, t1) (diet phases and fasts from t = 0 on)."""
    ev = Events([], [], [], [])
    potency = params.plant_potency
    for day in range(math.floor(t0 / 24.0), math.ceil(t1 / 24.0)):
        diet = _diet_on(protocol, day) if day >= 0 else protocol.diet
        scale = _day_scale(protocol, day)
        n = len(diet.meals_h)
        for m in diet.meals_h:
            a = 24.0 * day + m
            b = a + diet.meal_duration_h
            energy, protein = diet.energy_fraction * scale, diet.protein_g_per_kg * scale
            forced = _override(protocol, a) if day >= 0 else None
            if forced is not None:
                energy, protein = forced
            if energy <= 0.0 and protein <= 0.0:
                continue
            eff_protein = protein * (1.0 - diet.plant_protein_share * (1.0 - potency))
            per_h = 24.0 / (n * diet.meal_duration_h)
            ev.add(a, b, "intake_energy", energy * per_h)
            ev.add(a, b, "intake_protein", eff_protein * per_h)
            ev.add(a, b, "meal", 1.0)
        for ex in protocol.exercise:
            if day < 0 or not (day >= ex.start_day and (ex.end_day is None or day < ex.end_day)):
                continue
            if day % 7 in ex.weekdays:
                a = 24.0 * day + ex.at_h
                ev.add(a, a + ex.duration_min / 60.0, "exercise", ex.intensity())
    return ev


#: largest total decay exponent (time / tau) inside one block of the vectorised recurrence:
#: exp(+-_BLOCK_DECAY) stays far inside float64, and the rounding of the exponent (about
#: _BLOCK_DECAY x 1e-16 relative) stays at round-off
_BLOCK_DECAY = 32.0


def energy_status_at(ev: Events, t0: float, grid: np.ndarray, tau: float, e0: float) -> np.ndarray:
    """Energy status on ``grid``: the exact solution of dE/dt = (intake - E)/tau for the
    step intake of ``ev`` (the same equation as the model's ``energy_status`` state).

    Notes
    -----
    Between consecutive edges (grid points and intake steps) the intake is a constant
    ``level`` and ``E(t_{k+1}) = level_k + (E(t_k) - level_k) exp(-(t_{k+1} - t_k)/tau)``.
    That recurrence is solved in closed form, ``E_k = exp(-s_k) (E_0 + sum_{j<k} level_j
    exp(s_j) expm1(s_{j+1} - s_j))`` with ``s_k = (t_k - t_0)/tau``, in blocks of at most
    ``_BLOCK_DECAY`` units of ``s`` (so no exponential over- or underflows), carrying the
    block's last value into the next: linear in the number of edges. All terms of the sums
    are of one sign for a non-negative intake, so the result equals the step-by-step
    recurrence to round-off.
    """
    energy = np.asarray([nm == "intake_energy" for nm in ev.name], dtype=bool)
    start = np.asarray(ev.start, dtype=float)[energy]
    stop = np.asarray(ev.stop, dtype=float)[energy]
    rate = np.asarray(ev.rate, dtype=float)[energy]
    grid = np.asarray(grid, dtype=float)
    edges, at_grid = _merged_edges(grid, np.concatenate([[t0], start, stop]), t0)
    # level on [edges[k], edges[k+1]): the rates of the steps with start <= edges[k] < stop
    delta = np.zeros(edges.size + 1)
    np.add.at(delta, np.searchsorted(edges, start, side="left"), rate)
    np.add.at(delta, np.searchsorted(edges, stop, side="left"), -rate)
    level = np.cumsum(delta)[:-1]
    ds = np.diff(edges) / tau
    total = np.concatenate([[0.0], np.cumsum(ds)])  # only to cut the blocks
    e = np.empty(edges.size)
    e[0] = e0
    first = 0
    while first < edges.size - 1:
        last = int(np.searchsorted(total, total[first] + _BLOCK_DECAY, side="right")) - 1
        if last <= first + 1:  # one step (perhaps a long one): the recurrence itself
            k = first
            e[k + 1] = level[k] + (e[k] - level[k]) * math.exp(-ds[k])
            first = k + 1
            continue
        # s_j - s_first from the times themselves, not a running sum of steps (whose
        # rounding would pile up over thousands of equal steps)
        rel = (edges[first : last + 1] - edges[first]) / tau
        # exp(s_{j+1}) - exp(s_j) = exp(s_j) expm1(ds_j): no cancellation for short steps
        acc = np.cumsum(level[first:last] * np.exp(rel[:-1]) * np.expm1(ds[first:last]))
        e[first + 1 : last + 1] = np.exp(-rel[1:]) * (e[first] + acc)
        first = last
    if at_grid is not None:
        return e[at_grid]
    return np.interp(grid, edges, e)


def _merged_edges(grid: np.ndarray, times: np.ndarray, t0: float
                  ) -> tuple[np.ndarray, np.ndarray | None]:
    """Sorted unique ``grid`` and ``times`` from ``t0`` on, and where each grid point lies in
    them (``None`` unless ``grid`` is strictly increasing and starts at or after ``t0``).

    A strictly increasing grid (the burst generator's minute grid) is merged with the few
    step times in linear time; anything else goes through ``np.unique``.
    """
    if grid.size == 0 or grid[0] < t0 or np.any(np.diff(grid) <= 0.0):
        edges = np.unique(np.concatenate([grid, times]))
        return edges[edges >= t0], None
    times = np.unique(times[times >= t0])
    pos = np.searchsorted(grid, times)
    new = (pos == grid.size) | (grid[np.minimum(pos, grid.size - 1)] != times)
    times, pos = times[new], pos[new]
    edges = np.insert(grid, pos, times)
    # grid point i is preceded by the inserted times with pos <= i
    at_grid = np.arange(grid.size) + np.searchsorted(pos, np.arange(grid.size), side="right")
    return edges, at_grid
