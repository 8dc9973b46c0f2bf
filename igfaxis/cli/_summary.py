"""The numbers the CLI reports for one simulated run."""

from __future__ import annotations

from typing import Any

import numpy as np

from igfaxis.risk import TARGET_BAND_NG_ML, TrajectoryScore
from igfaxis.simulate import Trajectory, pulsatility

__all__ = ["compare_summary", "summarize"]

_IGF1 = "igf1_total_ng_ml"


def summarize(traj: Trajectory) -> dict[str, Any]:
    """Mean GH, first/last daily mean IGF-1, IGF-1 range and time in the target band.

    With less than one whole day simulated, the first and last "daily" means are the mean of
    the whole run.
    """
    t = traj.times_h
    igf1 = traj[_IGF1]
    daily = traj.daily_mean(_IGF1)
    whole_days = int(daily.size)
    if whole_days == 0:
        daily = np.array([traj.mean(_IGF1, float(t[0]), float(t[-1]))])
    low, high = TARGET_BAND_NG_ML
    in_band = ((igf1 >= low) & (igf1 <= high)).astype(float)
    band_h = float(np.trapezoid(in_band, t))
    total_h = float(t[-1] - t[0])
    return {
        "days": traj.days,
        "mean_gh_ng_ml": traj.mean("gh_ng_ml", float(t[0]), float(t[-1])),
        "igf1_first_day_mean_ng_ml": float(daily[0]),
        "igf1_last_day_mean_ng_ml": float(daily[-1]),
        "igf1_min_ng_ml": float(igf1.min()),
        "igf1_max_ng_ml": float(igf1.max()),
        "band_ng_ml": [low, high],
        "time_in_band_h": band_h,
        "time_in_band_fraction": band_h / total_h,
        "whole_days": whole_days,
    }


def compare_summary(traj: Trajectory, score: TrajectoryScore) -> dict[str, Any]:
    """The numbers ``igfaxis compare`` shows for one protocol: IGF-1, GH, band, risk and GH
    pulsatility (``gh_`` + the keys of :func:`igfaxis.simulate.pulsatility`).

    Daily means need a whole day; with less, the whole-run mean stands in for them.
    """
    t0, t1 = float(traj.times_h[0]), float(traj.times_h[-1])
    daily = traj.daily_mean(_IGF1)
    if daily.size == 0:
        daily = np.array([traj.mean(_IGF1, t0, t1)])
    return {
        "days": traj.days,
        "igf1_daily_mean_ng_ml": float(daily.mean()),
        "igf1_daily_mean_min_ng_ml": float(daily.min()),
        "igf1_daily_mean_max_ng_ml": float(daily.max()),
        "igf1_min_ng_ml": score.min_igf1_ng_ml,
        "igf1_max_ng_ml": score.max_igf1_ng_ml,
        "mean_gh_ng_ml": traj.mean("gh_ng_ml", t0, t1),
        "mean_gh_secretion_ng_ml_h": traj.mean("gh_secretion_ng_ml_h", t0, t1),
        "band_ng_ml": list(score.band_ng_ml),
        "time_in_band_fraction": score.time_in_band_fraction,
        "time_below_band_fraction": score.time_below_band_fraction,
        "time_above_band_fraction": score.time_above_band_fraction,
        "mean_sds": score.mean_sds,
        **_pulsatility_columns(traj),
    }


def _pulsatility_columns(traj: Trajectory) -> dict[str, float]:
    """GH pulsatility (docs/validation.md) over the whole days of the run, each day read as
    one 24-h profile; a run shorter than a day is read whole."""
    t0, t1 = float(traj.times_h[0]), float(traj.times_h[-1])
    whole = int(np.floor((t1 - t0) / 24.0 + 1e-9))
    p = pulsatility(traj, t0, t0 + 24.0 * whole if whole else t1)
    return {f"gh_{key}": value for key, value in p.items()}
