"""The forward model of calibration: personal parameters -> the person's labs.

A person's history (protocol segments on the labs' time line) is tabulated once at day
resolution (:func:`igfaxis.simulate.day_schedule`) for a few pituitary secretion capacities
(the nodes ``PIT_NODES_Z``, in prior SD units): pituitary capacity changes the fast GH
subsystem, so it needs its own tables; the GH effect is interpolated linearly in log
capacity between neighbouring nodes (extrapolated beyond the outer ones). Hepatic
sensitivity and IGFBP-3/ALS production only scale the liver's synthesis, which the tables
do not read, so they are applied in :func:`igfaxis.simulate.solve_schedule` (about 10 ms
for two years) without new tables.

Parameters are handled as prior z-scores: ``log(m) = log(median) + log_sd z`` with
``z ~ Normal(0, 1)`` for each name of :data:`igfaxis.model.PERSONAL_PARAMETERS`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from igfaxis.model import PERSONAL_PARAMETERS
from igfaxis.protocol import Person, Protocol
from igfaxis.simulate import DayConfig, day_schedule, solve_schedule

__all__ = ["NAMES", "PIT_NODES_Z", "SUBSTEPS", "Forward", "Observation", "liver_scale"]

#: the fitted personal parameters, in this order
NAMES: tuple[str, ...] = ("hepatic_gh_sensitivity", "pituitary_secretion_capacity",
                          "igfbp3_als_production")  # fmt: skip
_PIT = "pituitary_secretion_capacity"
#: RK4 steps a day of the liver system (within 3e-4 of 96 on IGF-1)
SUBSTEPS = 48
#: pituitary capacities (prior z-scores) at which the history is tabulated
PIT_NODES_Z: tuple[float, ...] = (-2.0, -1.0, 0.0, 1.0, 2.0)


@dataclass(frozen=True)
class Observation:
    """One modelled quantity at one time: what a lab measured, or a time to predict.

    ``t_h`` is on the schedule's time line (hours from its first day); ``analyte`` is
    ``"igf1"``, ``"igfbp3"`` or ``"gh"`` (serum GH of a blood draw: the model value is the
    mean of log GH in that hour; :meth:`Forward.evaluate` gives its distribution).
    """

    t_h: float
    analyte: str


def multipliers(z: np.ndarray) -> dict[str, float]:
    """Personal multipliers from prior z-scores (order :data:`NAMES`)."""
    return {n: PERSONAL_PARAMETERS[n].median * math.exp(PERSONAL_PARAMETERS[n].log_sd * float(v))
            for n, v in zip(NAMES, z, strict=True)}  # fmt: skip


def z_scores(values: dict[str, float]) -> np.ndarray:
    """Prior z-scores of personal multipliers (missing names: 0, the median)."""
    out = []
    for n in NAMES:
        pr = PERSONAL_PARAMETERS[n]
        out.append(math.log(values.get(n, pr.median) / pr.median) / pr.log_sd)
    return np.array(out)


@functools.cache
def _spline_basis() -> Any:
    """The natural cubic spline through :data:`PIT_NODES_Z` of each node's unit vector
    (built once: its construction cost more than an evaluation)."""
    from scipy.interpolate import CubicSpline

    nodes = np.asarray(PIT_NODES_Z)
    return CubicSpline(nodes, np.eye(nodes.size), bc_type="natural")


def _spline_weights(z: float) -> np.ndarray:
    """Weights of the node values in the natural cubic spline through :data:`PIT_NODES_Z`
    at ``z`` (linear extrapolation beyond the outer nodes)."""
    nodes = np.asarray(PIT_NODES_Z)
    basis = _spline_basis()
    if z > nodes[-1]:
        return basis(nodes[-1]) + (z - nodes[-1]) * basis(nodes[-1], 1)
    if z < nodes[0]:
        return basis(nodes[0]) + (z - nodes[0]) * basis(nodes[0], 1)
    return basis(z)


def liver_scale(z: np.ndarray) -> dict[str, float]:
    """The Params fields that the hepatic multipliers scale (hepatic GH sensitivity,
    IGFBP-3/ALS production) and their factors at prior z-scores ``z``: applied in
    :func:`igfaxis.simulate.solve_schedule`, as the day tables do not read them."""
    m = multipliers(np.asarray(z, dtype=float))
    scale: dict[str, float] = {}
    for n in (NAMES[0], NAMES[2]):
        for f in PERSONAL_PARAMETERS[n].fields:
            scale[f] = scale.get(f, 1.0) * m[n]
    return scale


#: node schedules by (person, segments, days, seed, substeps): a fit and its predictions
#: (and a cohort of synthetic persons with one history) share them
_SCHEDULES: dict[str, list[Any]] = {}
_SCHEDULES_KEPT = 8


def _node_schedules(person: Person, segments: tuple, days: int, seed: int,
                    substeps: int) -> list[Any]:  # fmt: skip
    """The history tabulated at each pituitary node, every node's tables read at the middle
    node's clamped levels (the common grid), so that an evaluation only sums them."""
    import json

    key = json.dumps([person.model_dump(mode="json"), [(a, p.to_dict()) for a, p in segments],
                      days, seed, substeps], sort_keys=True, default=str)  # fmt: skip
    if key in _SCHEDULES:
        return _SCHEDULES[key]
    base = person.model_copy(update={"personal": {}})
    schedules = []
    for zn in PIT_NODES_Z:
        m = multipliers(np.array([0.0, zn, 0.0]))[_PIT]
        who = base.model_copy(update={"personal": {_PIT: m}})
        s = day_schedule(who, list(segments), days=days, seed=seed, config=DayConfig())
        schedules.append(replace(s, substeps=substeps))
    mid = len(schedules) // 2
    kind = type(schedules[0])
    grid = [kind.combine([schedules[mid], s], [0.0, 1.0]) if i != mid else schedules[mid]
            for i, s in enumerate(schedules)]  # fmt: skip
    if len(_SCHEDULES) >= _SCHEDULES_KEPT:
        _SCHEDULES.pop(next(iter(_SCHEDULES)))
    _SCHEDULES[key] = grid
    return grid


class Forward:
    """Log model values at a fixed set of observations as a function of prior z-scores.

    Parameters
    ----------
    person
        Who (``personal`` is replaced by the fitted values).
    segments
        ``[(start_day, Protocol)]`` on the schedule's day line (first at 0).
    days
        Length of the schedule [days].
    observations
        What is modelled.
    substeps
        RK4 steps a day of the liver system (48: within 3e-4 of 96 on IGF-1).
    """

    def __init__(self, person: Person, segments: list[tuple[int, Protocol]], days: int,
                 observations: list[Observation], *, seed: int = 0,
                 substeps: int = SUBSTEPS) -> None:  # fmt: skip
        self.observations = tuple(observations)
        self.t_h = np.array([o.t_h for o in observations], dtype=float)
        self.is_bp3 = np.array([o.analyte == "igfbp3" for o in observations])
        self.is_gh = np.array([o.analyte == "gh" for o in observations], dtype=bool)
        self.has_gh = bool(np.any(self.is_gh))
        self._grid = _node_schedules(person, tuple(segments), int(days), int(seed),
                                     int(substeps))  # fmt: skip
        if self.has_gh:
            # each node's GH table of each GH draw's day and hour, (nodes, n_gh, L, B): an
            # evaluation blends these few, not every day's
            t = self.t_h[self.is_gh]
            d, h = (t // 24.0).astype(np.int64), (np.floor(t) % 24).astype(np.int64)
            self._gh_levels = self._grid[0].log_i[d]
            self._gh_tables = np.stack([g.gh_hist[d, :, h, :] for g in self._grid])
        self.evaluations = 0

    def _schedule(self, z_pit: float) -> Any:
        """The tables at pituitary capacity ``z_pit``: a natural cubic spline through the
        nodes in each table value (smooth in ``z``, unlike a linear blend, whose kinks at
        the nodes a smooth posterior cannot follow), linear beyond the outer nodes."""
        w = _spline_weights(z_pit)
        g = self._grid

        def blend(field: str) -> Any:
            return sum(wi * getattr(s, field) for wi, s in zip(w, g, strict=True))

        return replace(g[0], log_e=blend("log_e"), gh=blend("gh"), y0=blend("y0"))

    def solution(self, z: np.ndarray) -> Any:
        """The day-resolution solution of the liver system at ``z``."""
        self.evaluations += 1
        return solve_schedule(self._schedule(float(z[1])), liver_scale(z))

    def evaluate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Log model values [log ng/mL] at the observations (GH: the mean of log GH over
        the draw's hour) and, when there are GH observations, each one's distribution of
        a draw (``(n, B)`` shares in the bins of :data:`igfaxis.simulate.GH_LOG_EDGES`;
        rows of other analytes meaningless)."""
        sol = self.solution(z)
        igf = sol.at(self.t_h, "igf1_total_ng_ml")
        bp3 = sol.at(self.t_h, "igfbp3_total_ng_ml")
        out = np.log(np.where(self.is_bp3, bp3, igf))
        if not self.has_gh:
            return out, None
        from igfaxis.simulate import GH_LOG_EDGES, gh_draw_shares

        w = _spline_weights(float(z[1]))
        t = self.t_h[self.is_gh]
        d, h = (t // 24.0).astype(np.int64), (np.floor(t) % 24).astype(np.int64)
        tables = np.tensordot(w, self._gh_tables, axes=1)
        shares = np.zeros((self.t_h.size, tables.shape[-1]))
        shares[self.is_gh] = gh_draw_shares(self._gh_levels, tables,
                                            sol.igf1_lagged_ng_ml[d, h])  # fmt: skip
        centres = 0.5 * (GH_LOG_EDGES[1:] + GH_LOG_EDGES[:-1])
        return np.where(self.is_gh, shares @ centres, out), shares

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """Log model values [log ng/mL] at the observations (:meth:`evaluate`)."""
        return self.evaluate(z)[0]
