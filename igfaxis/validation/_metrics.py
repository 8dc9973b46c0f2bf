"""Metric registry: how a number is read off one or more simulated trajectories.

Each metric is a pure function ``(runs, spec) -> float``: ``runs`` maps scenario names to
:class:`~igfaxis.simulate.Trajectory`, ``spec`` is the metric's mapping from the targets
file. New published observations reuse these metrics; a new metric is a new function here
plus a line in docs/validation.md (and its arguments in ``_checks.py``, which refuses bad
ones when the targets file is read).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from igfaxis.errors import ProtocolError
from igfaxis.risk import centile_value, sds
from igfaxis.simulate import (
    GH_RESOLUTION_NG_ML,
    Trajectory,
    approximate_entropy,
    burst_peaks,
    pulsatility,
    resample,
)

__all__ = ["COHORT_STATISTICS", "METRICS", "count_bursts", "interpulse_trough",
           "time_at_interval_mean"]

Runs = Mapping[str, Trajectory]


def _run(runs: Runs, spec: Mapping[str, Any], key: str = "scenario") -> Trajectory:
    name = spec.get(key, "main")
    if name not in runs:
        raise ProtocolError(
            f"metric `{key}` names scenario {name!r}, which the target does not define; "
            f"defined: {', '.join(runs)}."
        )
    return runs[name]


def _windows(spec: Mapping[str, Any]) -> list[tuple[float, float]]:
    start, end = float(spec["start_h"]), float(spec["end_h"])
    repeat = int(spec.get("repeat_days", 1))
    return [(start + 24.0 * k, end + 24.0 * k) for k in range(repeat)]


def count_bursts(
    traj: Trajectory,
    start_h: float,
    end_h: float,
    *,
    variable: str = "gh_ng_ml",
    sample_min: float = 10.0,
    min_rise_ng_ml: float = 0.2,
    min_rise_rel: float = 0.5,
) -> int:
    """Count GH secretory bursts in [start_h, end_h] as pulse-detection programs do.

    Detection rule (docs/validation.md): serum GH is sampled every ``sample_min`` minutes
    (as in the published q10-q20 min protocols); a burst is a local maximum whose rise above
    the nadir since the previous burst is at least ``min_rise_ng_ml`` and at least
    ``min_rise_rel`` times that nadir (a Cluster-like criterion with fixed thresholds).
    """
    _, peaks = _serum_bursts(traj, start_h, end_h, variable, sample_min, min_rise_ng_ml,
                             min_rise_rel)  # fmt: skip
    return int(peaks.size)


def _serum_bursts(
    traj: Trajectory,
    start_h: float,
    end_h: float,
    variable: str = "gh_ng_ml",
    sample_min: float = 10.0,
    min_rise_ng_ml: float = 0.2,
    min_rise_rel: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """The sampled series and the indices of its bursts (the rule of :func:`count_bursts`)."""
    g = resample(traj.times_h, traj[variable], start_h, end_h, sample_min)
    return g, burst_peaks(g, min_rise=min_rise_ng_ml, min_rise_rel=min_rise_rel)


def interpulse_trough(
    traj: Trajectory,
    start_h: float,
    end_h: float,
    *,
    variable: str = "gh_ng_ml",
    sample_min: float = 10.0,
) -> float:
    """Mean interpulse nadir of serum GH in [start_h, end_h], NaN with fewer than 2 bursts.

    The series is sampled and its bursts found as in :func:`count_bursts`; between each
    pair of consecutive bursts the lowest sample is that interval's nadir, and the value is
    the mean of those nadirs [the variable's unit]. Samples before the first and after the
    last burst are not between bursts and do not count.
    """
    g, peaks = _serum_bursts(traj, start_h, end_h, variable, sample_min)
    if peaks.size < 2:
        return float("nan")
    return float(np.mean([g[i:j].min() for i, j in itertools.pairwise(peaks)]))


def _bursts_per_day(runs: Runs, spec: Mapping[str, Any]) -> float:
    tr = _run(runs, spec)
    counts = [count_bursts(tr, a, b) * 24.0 / (b - a) for a, b in _windows(spec)]
    return float(np.mean(counts))


def _interpulse_trough(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Mean interpulse nadir over each window (:func:`interpulse_trough`), averaged."""
    tr = _run(runs, spec)
    v, step = spec.get("variable", "gh_ng_ml"), float(spec.get("sample_min", 10.0))
    return float(np.mean([interpulse_trough(tr, a, b, variable=v, sample_min=step)
                          for a, b in _windows(spec)]))  # fmt: skip


def _approximate_entropy(runs: Runs, spec: Mapping[str, Any]) -> float:
    """ApEn(m, r) of ``variable`` (default serum GH) sampled every ``sample_min`` (10) min,
    averaged over the windows; ``m`` (1) and ``r_fraction`` (0.2 of the SD) as in the GH
    literature, tolerance at least the GH assay resolution."""
    tr = _run(runs, spec)
    v = spec.get("variable", "gh_ng_ml")
    values = [
        approximate_entropy(resample(tr.times_h, tr[v], a, b, float(spec.get("sample_min", 10))),
                            int(spec.get("m", 1)), float(spec.get("r_fraction", 0.2)),
                            r_min=GH_RESOLUTION_NG_ML if v == "gh_ng_ml" else 0.0)
        for a, b in _windows(spec)
    ]  # fmt: skip
    return float(np.mean(values))


def _pulsatility_metric(key: str) -> Callable[[Runs, Mapping[str, Any]], float]:
    """A metric reading ``key`` of :func:`igfaxis.simulate.pulsatility` over each window
    (one block per window), averaged over the windows."""

    def metric(runs: Runs, spec: Mapping[str, Any]) -> float:
        tr = _run(runs, spec)
        return float(np.mean([pulsatility(tr, a, b, block_h=None)[key]
                              for a, b in _windows(spec)]))  # fmt: skip

    metric.__doc__ = f"``{key}`` of ``pulsatility`` over the windows, averaged."
    return metric


def _mean(runs: Runs, spec: Mapping[str, Any]) -> float:
    tr = _run(runs, spec)
    return float(np.mean([tr.mean(spec["variable"], a, b) for a, b in _windows(spec)]))


def _series(runs: Runs, spec: Mapping[str, Any]) -> tuple[Trajectory, np.ndarray]:
    """The variable, minus the same variable in the ``control`` scenario when one is named
    (same person and seed without the intervention: the intervention's own contribution)."""
    tr = _run(runs, spec)
    y = tr[spec["variable"]]
    if "control" in spec:
        y = y - _run(runs, spec, "control")[spec["variable"]]
    return tr, y


def _auc(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Integral over the window (minus baseline or control), times ``scale``."""
    tr, y = _series(runs, spec)
    base = _baseline(tr, spec)
    vals = []
    for a, b in _windows(spec):
        m = tr.window(a, b)
        vals.append(np.trapezoid(y[m], tr.times_h[m]) - base * (b - a))
    return float(np.mean(vals)) * float(spec.get("scale", 1.0))


def _baseline(tr: Trajectory, spec: Mapping[str, Any]) -> float:
    if "baseline_start_h" not in spec:
        return 0.0
    return tr.mean(spec["variable"], float(spec["baseline_start_h"]), float(spec["baseline_end_h"]))


def _peak_value(runs: Runs, spec: Mapping[str, Any]) -> float:
    tr, y = _series(runs, spec)
    (a, b), = _windows(spec)
    return float(np.max(y[tr.window(a, b)]) - _baseline(tr, spec))


def _peak_time(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Time of the maximum in the window, minus ``reference_h``, in ``scale_h`` units."""
    tr, y = _series(runs, spec)
    (a, b), = _windows(spec)
    m = tr.window(a, b)
    t_peak = float(tr.times_h[m][np.argmax(y[m])])
    return (t_peak - float(spec.get("reference_h", a))) / float(spec.get("scale_h", 1.0))


def _half_life(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Log-linear fit of (variable - control) over the window; half-life in minutes."""
    tr, y = _series(runs, spec)
    (a, b), = _windows(spec)
    m = tr.window(a, b)
    y = y[m]
    if np.any(y <= 0):
        raise ProtocolError(f"half-life window [{a}, {b}] h contains non-positive values")
    slope = np.polyfit(tr.times_h[m], np.log(y), 1)[0]
    return float(np.log(2.0) / -slope * 60.0)


_TIME_UNITS_MIN = {"min": 1.0, "h": 60.0, "days": 1440.0}


def _half_life_in(runs: Runs, spec: Mapping[str, Any]) -> float:
    """As ``half_life_min``, expressed in ``time_unit`` (min, h or days; default h)."""
    unit = spec.get("time_unit", "h")
    if unit not in _TIME_UNITS_MIN:
        raise ProtocolError(
            f"metric `time_unit` {unit!r} is not supported; use one of min, h, days."
        )
    return _half_life(runs, spec) / _TIME_UNITS_MIN[unit]


def _share(runs: Runs, spec: Mapping[str, Any]) -> float:
    tr = _run(runs, spec)
    (a, b), = _windows(spec)
    return tr.mean(spec["numerator"], a, b) / tr.mean(spec["denominator"], a, b)


def _percent_change(runs: Runs, spec: Mapping[str, Any]) -> float:
    """100 (after / before - 1); each side a window mean, optionally in another scenario."""
    before = _run(runs, spec, "before_scenario" if "before_scenario" in spec else "scenario")
    after = _run(runs, spec)
    v = spec["variable"]
    x0 = before.mean(v, float(spec["before_start_h"]), float(spec["before_end_h"]))
    x1 = after.mean(v, float(spec["start_h"]), float(spec["end_h"]))
    return 100.0 * (x1 / x0 - 1.0)


def _change(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Absolute change of a window mean, after minus before."""
    before = _run(runs, spec, "before_scenario" if "before_scenario" in spec else "scenario")
    after = _run(runs, spec)
    v = spec["variable"]
    x0 = before.mean(v, float(spec["before_start_h"]), float(spec["before_end_h"]))
    return after.mean(v, float(spec["start_h"]), float(spec["end_h"])) - x0


def _ratio(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Ratio of two sub-metrics (``numerator`` and ``denominator`` are metric specs)."""
    num = METRICS[spec["numerator"]["kind"]](runs, spec["numerator"])
    den = METRICS[spec["denominator"]["kind"]](runs, spec["denominator"])
    return num / den


def _sds(runs: Runs, spec: Mapping[str, Any]) -> float:
    """LIFE IGF-1 SDS of the window mean, for the scenario's person."""
    tr = _run(runs, spec)
    person = tr.metadata["person"]
    value = tr.mean("igf1_total_ng_ml", float(spec["start_h"]), float(spec["end_h"]))
    return sds(value, person["age_y"], person["sex"])


def _ratio_to_median(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Window-mean total IGF-1 over the LIFE median for the person's age and sex."""
    tr = _run(runs, spec)
    person = tr.metadata["person"]
    median = centile_value(0.0, person["age_y"], person["sex"])
    return tr.mean("igf1_total_ng_ml", float(spec["start_h"]), float(spec["end_h"])) / median


def _decline_per_decade(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Least-squares slope of log IGF-1 on age over the named scenarios, in % per decade."""
    ages, logs = [], []
    for name in spec["scenarios"]:
        tr = runs[name]
        ages.append(tr.metadata["person"]["age_y"])
        logs.append(np.log(tr.mean("igf1_total_ng_ml", float(spec["start_h"]),
                                   float(spec["end_h"]))))  # fmt: skip
    slope = np.polyfit(np.asarray(ages) / 10.0, np.asarray(logs), 1)[0]
    return float(100.0 * (np.exp(slope) - 1.0))


def _recovery_days(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Days from ``from_h`` until the variable is back within ``tolerance`` (relative) of its
    pre-treatment level and stays there.

    With ``sample_clock_h`` the variable is read as a study reads it, once a day at that
    clock time (e.g. 8 for morning samples): the pre-treatment level is the sample inside
    [before_start_h, before_end_h] and the answer is the first sampling day from which every
    later sample is within tolerance. Without it, the series is read continuously against
    the window mean and must stay within tolerance for 24 h.
    """
    tr = _run(runs, spec)
    v = spec["variable"]
    t_from, tol = float(spec["from_h"]), float(spec.get("tolerance", 0.1))
    if "sample_clock_h" in spec:
        clock = float(spec["sample_clock_h"])
        days = np.arange(np.ceil((float(spec["before_start_h"]) - clock) / 24.0),
                         np.floor((tr.times_h[-1] - clock) / 24.0) + 1)  # fmt: skip
        t_s = clock + 24.0 * days
        x = np.interp(t_s, tr.times_h, tr[v])
        base = x[(t_s >= float(spec["before_start_h"])) & (t_s <= float(spec["before_end_h"]))]
        if base.size == 0:
            raise ProtocolError("`sample_clock_h` leaves no sample in the before window")
        ok = np.abs(x / float(np.mean(base)) - 1.0) <= tol
        after = np.flatnonzero(t_s > t_from)
        for i in after:
            if np.all(ok[i:]):
                return float((t_s[i] - t_from) / 24.0)
        return float("inf")
    x0 = tr.mean(v, float(spec["before_start_h"]), float(spec["before_end_h"]))
    m = tr.times_h >= t_from
    t, y = tr.times_h[m], tr[v][m]
    dev = np.abs(y / x0 - 1.0)
    inside = np.flatnonzero(dev <= tol)
    for i in inside:
        later = (t >= t[i]) & (t <= t[i] + 24.0)
        if np.all(dev[later] <= tol):
            return float((t[i] - t_from) / 24.0)
    return float("inf")


def _mean_over(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Average of a sub-metric (``metric``) evaluated in each of ``scenarios`` in turn (e.g.
    several burst-generator seeds), with every scenario name in the sub-metric replaced."""
    values = []
    for name in spec["scenarios"]:
        sub = dict(spec["metric"])
        for key in ("scenario", "control", "before_scenario"):
            if key in sub:
                sub[key] = f"{sub[key]}{name}"
        if "scenario" not in sub:
            sub["scenario"] = name
        if sub["kind"] == "ratio":
            sub["numerator"] = {**sub["numerator"], "scenario":
                                f"{sub['numerator'].get('scenario', '')}{name}"}
            sub["denominator"] = {**sub["denominator"], "scenario":
                                  f"{sub['denominator'].get('scenario', '')}{name}"}
        values.append(METRICS[sub["kind"]](runs, sub))
    return float(np.mean(values))


def _lowest_dose(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Lowest dose among ``arms`` (scenario -> dose) whose ``metric`` meets the criterion.

    The sub-metric is read in each arm's scenario; an arm meets the criterion when its value
    is at least ``at_least`` and at most ``at_most`` (either or both given). +inf when no arm
    meets it, so that any finite band fails.
    """
    low, high = float(spec.get("at_least", -np.inf)), float(spec.get("at_most", np.inf))
    met = []
    for name, dose in spec["arms"].items():
        value = METRICS[spec["metric"]["kind"]](runs, {**spec["metric"], "scenario": name})
        if low <= value <= high:  # NaN meets nothing
            met.append(float(dose))
    return min(met, default=float("inf"))


def _ordering(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Smallest step of a sequence of metrics in the ``direction`` asked for, or 1/0.

    The sequence is ``metrics`` (a list of metric specs) or ``metric`` read in each of
    ``scenarios`` in turn. With ``direction: non_decreasing`` the margin of each
    consecutive pair is later minus earlier (``non_increasing``: earlier minus later); the
    value is the smallest margin (``value: margin``, the default: >= 0 when the ordering
    holds), or 1.0 when every margin is >= 0 (> 0 with ``strict: true``) and 0.0 otherwise
    (``value: holds``).
    """
    if "metrics" in spec:
        specs = list(spec["metrics"])
    else:
        specs = [{**spec["metric"], "scenario": name} for name in spec["scenarios"]]
    values = np.array([METRICS[s["kind"]](runs, s) for s in specs], dtype=float)
    steps = np.diff(values)
    margins = steps if spec.get("direction", "non_decreasing") == "non_decreasing" else -steps
    smallest = float(margins.min())
    if spec.get("value", "margin") == "margin":
        return smallest
    holds = smallest > 0.0 if spec.get("strict", False) else smallest >= 0.0
    return 1.0 if holds else 0.0


def time_at_interval_mean(
    traj: Trajectory,
    variable: str,
    dose_h: float,
    interval_h: float,
    *,
    direction: str = "falling",
) -> float:
    """Hours after ``dose_h`` at which ``variable`` first crosses its mean over the interval.

    The mean is the time-average over [dose_h, dose_h + interval_h]; a crossing is where the
    series passes through that mean between two output times (linear interpolation),
    ``falling`` (from above to at-or-below), ``rising`` (from below to at-or-above) or
    ``any``. NaN when the interval holds no crossing of that direction (a flat series).
    """
    if direction not in ("falling", "rising", "any"):
        raise ProtocolError(
            f"`direction` must be falling, rising or any; got {direction!r} "
            f"({type(direction).__name__})."
        )
    m = traj.window(dose_h, dose_h + interval_h)
    if np.count_nonzero(m) < 2:
        raise ProtocolError(
            f"the dosing interval [{dose_h:g}, {dose_h + interval_h:g}] h holds "
            f"{np.count_nonzero(m)} output time(s); it needs two or more. Check `dose_h` "
            "against the scenario horizon."
        )
    t, y = traj.times_h[m], traj[variable][m]
    mean = float(np.trapezoid(y, t) / (t[-1] - t[0]))
    d = y - mean
    # differences below round-off of the mean are no crossing (a flat series has none)
    d = np.where(np.abs(d) <= 1e-12 * max(abs(mean), 1e-300), 0.0, d)
    falling = (d[:-1] > 0.0) & (d[1:] <= 0.0)
    rising = (d[:-1] < 0.0) & (d[1:] >= 0.0)
    cross = {"falling": falling, "rising": rising, "any": falling | rising}[direction]
    hits = np.flatnonzero(cross)
    if hits.size == 0:
        return float("nan")
    i = int(hits[0])
    t_cross = t[i] + (t[i + 1] - t[i]) * d[i] / (d[i] - d[i + 1])
    return float(t_cross - dose_h)


def _time_at_interval_mean(runs: Runs, spec: Mapping[str, Any]) -> float:
    """:func:`time_at_interval_mean` of the scenario, divided by ``scale_h`` (default 1)."""
    tr = _run(runs, spec)
    hours = time_at_interval_mean(tr, spec["variable"], float(spec["dose_h"]),
                                  float(spec["interval_h"]),
                                  direction=spec.get("direction", "falling"))  # fmt: skip
    return hours / float(spec.get("scale_h", 1.0))


def _cell(runs: Runs, spec: Mapping[str, Any], key: str = "scenario") -> Trajectory:
    """The scenario's body trajectory with the cell-signalling model run under it."""
    from igfaxis.simulate import simulate_cell

    return simulate_cell(_run(runs, spec, key))


def _cell_ratio(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Cell variable at ``numerator_h`` over its value at ``denominator_h`` (one scenario)."""
    tr = _cell(runs, spec)
    v = spec["variable"]
    return tr.at(v, float(spec["numerator_h"])) / tr.at(v, float(spec["denominator_h"]))


def _cell_hours_above_median(runs: Runs, spec: Mapping[str, Any]) -> float:
    """Hours per day with autophagy flux above the ``control`` scenario's median over the
    window: scenario minus control (the control scores about 12 h/day by construction)."""
    from igfaxis.simulate import autophagy_hours_above

    tr, ctl = _cell(runs, spec), _cell(runs, spec, "control")
    a, b = float(spec["start_h"]), float(spec["end_h"])
    threshold = float(np.median(ctl["autophagy_flux"][ctl.window(a, b)]))
    return autophagy_hours_above(tr, a, b, threshold) - autophagy_hours_above(ctl, a, b,
                                                                              threshold)


#: statistics of the ``cohort`` kind over the persons' values
COHORT_STATISTICS = ("mean", "median", "sd", "cv", "share_at_least", "share_at_most")


def _cohort(runs: Any, spec: Mapping[str, Any]) -> float:
    """A statistic over a virtual population (a target with ``cohort``): ``per_person`` (a
    one-run metric spec, e.g. ``percent_change``) is read in each person's run of
    ``scenario``, then ``statistic`` (:data:`COHORT_STATISTICS`) is taken over the persons:
    SD with ddof 1; ``cv`` = SD / |mean|; ``share_at_least`` / ``share_at_most`` the share
    of persons with a value >= / <= ``threshold`` [-]. ``add_sd`` (sd and cv only): a
    spread the model does not hold (e.g. a trial's placebo-arm SD: within-person and assay
    variation) added in quadrature, sqrt(SD^2 + add_sd^2)."""
    name = spec.get("scenario", "main")
    if name not in runs:
        raise ProtocolError(f"metric `scenario` names {name!r}, which the target does not "
                            f"define; defined: {', '.join(runs)}.")  # fmt: skip
    inner = spec["per_person"]
    values = np.array([METRICS[inner["kind"]]({"main": tr}, inner) for tr in runs[name]])
    stat = spec["statistic"]
    if stat in ("sd", "cv"):
        sd = float(np.hypot(values.std(ddof=1), float(spec.get("add_sd", 0.0))))
        return sd if stat == "sd" else sd / abs(float(values.mean()))
    if stat == "share_at_least":
        return float(np.mean(values >= float(spec["threshold"])))
    if stat == "share_at_most":
        return float(np.mean(values <= float(spec["threshold"])))
    return float(np.mean(values) if stat == "mean" else np.median(values))


METRICS: Mapping[str, Callable[[Runs, Mapping[str, Any]], float]] = {
    "bursts_per_day": _bursts_per_day,
    "approximate_entropy": _approximate_entropy,
    "basal_secretion": _pulsatility_metric("basal_secretion_ng_ml_h"),
    "burst_mass": _pulsatility_metric("burst_mass_ng_ml"),
    "secretory_bursts_per_day": _pulsatility_metric("secretory_bursts_per_day"),
    "pulsatile_fraction": _pulsatility_metric("pulsatile_fraction"),
    "mean": _mean,
    "auc": _auc,
    "peak_value": _peak_value,
    "peak_time": _peak_time,
    "half_life_min": _half_life,
    "half_life": _half_life_in,
    "share": _share,
    "percent_change": _percent_change,
    "change": _change,
    "ratio": _ratio,
    "sds": _sds,
    "ratio_to_reference_median": _ratio_to_median,
    "decline_per_decade_pct": _decline_per_decade,
    "recovery_days": _recovery_days,
    "interpulse_trough": _interpulse_trough,
    "lowest_dose": _lowest_dose,
    "ordering": _ordering,
    "time_at_interval_mean": _time_at_interval_mean,
    "mean_over": _mean_over,
    "cell_ratio": _cell_ratio,
    "cell_hours_above_median": _cell_hours_above_median,
    "cohort": _cohort,
}
