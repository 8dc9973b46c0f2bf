"""The JSON of each flow's result, one definition shared by the CLI's ``--json`` and the
web app's stored results, and the figure series the web pages draw.

``simulate_json`` and ``compare_json`` build what ``igfaxis simulate --json`` and
``igfaxis compare --json`` print; calibrate and optimize already have
:meth:`CalibrationRun.to_dict` and :meth:`PlanRun.to_dict`. ``figure_series`` gives, per
label, ``{"t_days", "igf1_ng_ml"[, "low", "high"]}`` (the posterior 5th and 95th
percentiles where the person is a fit), plain lists of at most :data:`MAX_FIGURE_POINTS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from igfaxis.app._compare import Comparison
from igfaxis.app._run import RunResult
from igfaxis.io.plots import Band
from igfaxis.protocol import Person
from igfaxis.risk import DISCLAIMER
from igfaxis.simulate import Trajectory

__all__ = [
    "MAX_FIGURE_POINTS",
    "band_series",
    "compare_json",
    "simulate_json",
    "trajectory_series",
]

#: most points of one figure series (a 2-day pulse-resolved run saves about 600)
MAX_FIGURE_POINTS: Final = 2000
_IGF1: Final = "igf1_total_ng_ml"


def _floats(values: Any) -> list[float | None]:
    """Plain floats; a non-finite value becomes ``None`` (JSON null, a gap in the plot)."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def trajectory_series(traj: Trajectory, *, max_points: int = MAX_FIGURE_POINTS) -> dict[str, Any]:
    """Total IGF-1 over time of one run: ``{"t_days", "igf1_ng_ml"}``, every k-th saved
    point so that at most ``max_points`` remain (the last point always kept)."""
    t = np.asarray(traj.times_h, dtype=float)
    y = np.asarray(traj[_IGF1], dtype=float)
    step = max(1, int(np.ceil(t.size / max_points)))
    idx = np.arange(0, t.size, step)
    if idx[-1] != t.size - 1:
        idx = np.append(idx[: max_points - 1], t.size - 1)
    return {"t_days": _floats(t[idx] / 24.0), "igf1_ng_ml": _floats(y[idx])}


def band_series(band: Band) -> dict[str, Any]:
    """A posterior band as a figure series: the median with the 5th-95th percentiles, on
    the labs' time line [days, ng/mL]."""
    return {"t_days": _floats(band.day), "igf1_ng_ml": _floats(band.q50),
            "low": _floats(band.q05), "high": _floats(band.q95)}  # fmt: skip


def simulate_json(
    run: RunResult,
    *,
    person: Person | None = None,
    fit: Mapping[str, Any] | None = None,
    files: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What ``igfaxis simulate --json`` prints for ``run``.

    ``person``: who to report (default ``run.person``); ``fit``: where a fitted person came
    from (the CLI's ``--person fit.json``), else ``None``; ``files``: what was written.
    """
    band = run.posterior_band.to_dict() if run.posterior_band is not None else None
    return {
        "protocol": run.protocol.name,
        "person": (person or run.person).model_dump(mode="json"),
        "seed": run.seed,
        "summary": run.summary.to_dict(),
        "fit": dict(fit) if fit is not None else None,
        "posterior_band": band,
        "files": dict(files or {}),
        "note": DISCLAIMER,
    }


def compare_json(
    comparison: Comparison,
    *,
    person: Person | None = None,
    sources: Mapping[str, str | None] | None = None,
    fit: Mapping[str, Any] | None = None,
    files: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What ``igfaxis compare --json`` prints for ``comparison``.

    ``sources``: label -> the protocol's file (``None`` when it came from elsewhere, e.g.
    the web app); ``person``, ``fit`` and ``files`` as in :func:`simulate_json`.
    """
    sources = sources or {}
    bands = {r.label: r.posterior_band.to_dict() for r in comparison.runs
             if r.posterior_band is not None}  # fmt: skip
    return {
        "person": (person or comparison.person).model_dump(mode="json"),
        "seed": comparison.seed,
        "protocols": {
            r.label: {
                "file": sources.get(r.label),
                "summary": r.summary.to_dict(),
                "score": r.score.to_dict(),
            }
            for r in comparison.runs
        },
        "fit": dict(fit) if fit is not None else None,
        "posterior_band": bands or None,
        "files": dict(files or {}),
        "notes": list(comparison.notes),
        "note": DISCLAIMER,
    }
