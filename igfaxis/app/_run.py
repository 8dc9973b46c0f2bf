"""Simulate one person under one protocol and summarise GH and IGF-1 (``igfaxis simulate``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from igfaxis._messages import short_repr
from igfaxis.app._band import PosteriorBand, posterior_band, split_subject
from igfaxis.calibrate import CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.protocol import Person, Protocol, check_run, warn_doses
from igfaxis.risk import TARGET_BAND_NG_ML, time_in_band
from igfaxis.simulate import Trajectory, simulate

__all__ = [
    "DAY_RESOLUTION_FROM_DAYS",
    "DEFAULT_PERSON",
    "PULSE_WINDOW_DAYS",
    "RESOLUTIONS",
    "Progress",
    "RunResult",
    "RunSummary",
    "horizon_days",
    "no_progress",
    "pick_resolution",
    "simulate_and_summarise",
    "summarise_trajectory",
]

#: who is simulated when no person is given: a healthy 45-year-old man of 80 kg
DEFAULT_PERSON: Final = Person(age_y=45.0, sex="male", weight_kg=80.0)

#: called around each simulation with ``(label, horizon in days)``; the CLI shows a spinner
Progress = Callable[[str, float], AbstractContextManager[object]]

_IGF1: Final = "igf1_total_ng_ml"

#: what a flow's ``resolution`` may be: ``"auto"`` picks by horizon (:func:`pick_resolution`)
RESOLUTIONS: Final = ("auto", "pulse", "day")
#: with ``resolution="auto"``, horizons longer than this run at day resolution [days]. A
#: pulse-resolved year costs about 0.5 s on one core; the day resolution's first call
#: tabulates its days (seconds) and then costs about 1 s for 40 years (docs/engine.md), so
#: it pays from a few years on, which is where risk projections over decades live
DAY_RESOLUTION_FROM_DAYS: Final = 3.0 * 365.25
#: a day-resolution run comes with a pulse-resolved run over its first days, from which GH,
#: its pulsatility and the cell read-outs are read (they need the bursts) [days]
PULSE_WINDOW_DAYS: Final = 14.0


def pick_resolution(resolution: str, days: float) -> str:
    """``"pulse"`` or ``"day"`` for a run of ``days``: ``"auto"`` takes the day resolution
    beyond :data:`DAY_RESOLUTION_FROM_DAYS`.

    Raises
    ------
    ProtocolError
        ``resolution`` is not one of :data:`RESOLUTIONS`.
    """
    if resolution not in RESOLUTIONS:
        raise ProtocolError(
            f"`resolution` must be one of {', '.join(RESOLUTIONS)}; got "
            f"{short_repr(resolution)}. Use 'day' for years and decades, 'pulse' to resolve "
            "every GH burst, 'auto' to choose by horizon."
        )
    if resolution == "auto":
        return "day" if days > DAY_RESOLUTION_FROM_DAYS else "pulse"
    return resolution


def no_progress(label: str, days: float) -> AbstractContextManager[object]:
    """The default :data:`Progress`: shows nothing."""
    return contextlib.nullcontext()


def horizon_days(protocol: Protocol, days: float | None) -> float:
    """The horizon a run will use [days]: ``days``, else the protocol's, else 1 day."""
    if days is not None:
        return days
    return protocol.days if protocol.days is not None else 1.0


@dataclass(frozen=True)
class RunSummary:
    """GH and IGF-1 of one simulated run.

    Attributes
    ----------
    days
        Simulated horizon [days].
    mean_gh_ng_ml
        Time-weighted mean serum GH over the run [ng/mL].
    igf1_first_day_mean_ng_ml, igf1_last_day_mean_ng_ml
        Mean total IGF-1 of the first and last whole day [ng/mL]; with less than one whole
        day, both are the mean of the whole run.
    igf1_min_ng_ml, igf1_max_ng_ml
        Lowest and highest total IGF-1 of the run [ng/mL].
    band_ng_ml
        The absolute band [ng/mL].
    time_in_band_h, time_in_band_fraction
        Time in the band [h] and as a share of the run [-] (:func:`igfaxis.risk.time_in_band`).
    whole_days
        Number of whole days simulated.
    resolution
        ``"pulse"`` or ``"day"`` (then GH and the IGF-1 range are those of daily means).
    """

    days: float
    mean_gh_ng_ml: float
    igf1_first_day_mean_ng_ml: float
    igf1_last_day_mean_ng_ml: float
    igf1_min_ng_ml: float
    igf1_max_ng_ml: float
    band_ng_ml: tuple[float, float]
    time_in_band_h: float
    time_in_band_fraction: float
    whole_days: int
    resolution: str = "pulse"

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible mapping of every field, in field order."""
        return {
            "days": self.days,
            "mean_gh_ng_ml": self.mean_gh_ng_ml,
            "igf1_first_day_mean_ng_ml": self.igf1_first_day_mean_ng_ml,
            "igf1_last_day_mean_ng_ml": self.igf1_last_day_mean_ng_ml,
            "igf1_min_ng_ml": self.igf1_min_ng_ml,
            "igf1_max_ng_ml": self.igf1_max_ng_ml,
            "band_ng_ml": list(self.band_ng_ml),
            "time_in_band_h": self.time_in_band_h,
            "time_in_band_fraction": self.time_in_band_fraction,
            "whole_days": self.whole_days,
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class RunResult:
    """One person simulated under one protocol, with its :class:`RunSummary`.

    ``posterior_band``: for a fitted person (a calibration given as the person), the
    posterior band of the daily-mean IGF-1 under the protocol (:class:`PosteriorBand`),
    else ``None``.
    """

    person: Person
    protocol: Protocol
    seed: int
    trajectory: Trajectory
    summary: RunSummary
    posterior_band: PosteriorBand | None = None


def summarise_trajectory(
    traj: Trajectory, *, band: tuple[float, float] = TARGET_BAND_NG_ML
) -> RunSummary:
    """Mean GH, first/last daily mean IGF-1, IGF-1 range and time in the target band.

    With less than one whole day simulated, the first and last "daily" means are the mean of
    the whole run.
    """
    t = traj.times_h
    t0, t1 = float(t[0]), float(t[-1])
    igf1 = traj[_IGF1]
    daily = traj.daily_mean(_IGF1)
    whole_days = int(daily.size)
    if whole_days == 0:
        daily = np.array([traj.mean(_IGF1, t0, t1)])
    in_band = time_in_band(t, igf1, band)
    return RunSummary(
        days=traj.days,
        mean_gh_ng_ml=traj.mean("gh_ng_ml", t0, t1),
        igf1_first_day_mean_ng_ml=float(daily[0]),
        igf1_last_day_mean_ng_ml=float(daily[-1]),
        igf1_min_ng_ml=float(igf1.min()),
        igf1_max_ng_ml=float(igf1.max()),
        band_ng_ml=in_band.band_ng_ml,
        time_in_band_h=in_band.in_band_h,
        time_in_band_fraction=in_band.in_band_fraction,
        whole_days=whole_days,
        resolution=traj.resolution,
    )


def simulate_and_summarise(
    person: Person | CalibrationResult,
    protocol: Protocol,
    *,
    days: float | None = None,
    seed: int = 0,
    resolution: str = "auto",
    band: tuple[float, float] = TARGET_BAND_NG_ML,
    progress: Progress = no_progress,
) -> RunResult:
    """Simulate ``person`` under ``protocol`` and summarise GH and IGF-1.

    Parameters
    ----------
    person
        Who: a :class:`~igfaxis.protocol.Person`, or a calibration
        (:class:`~igfaxis.calibrate.CalibrationResult`): then the fitted person (posterior
        medians) is simulated and the result carries the posterior band
        (:func:`posterior_band`).
    protocol
        Under what.

    Other Parameters
    ----------------
    days
        Horizon [days]; default the protocol's ``days``, else 1.
    seed
        Seed of the endogenous GH burst train.
    resolution
        ``"pulse"``, ``"day"`` or ``"auto"`` (:func:`pick_resolution`).
    band
        The IGF-1 band [ng/mL] of the summary's time in band (default
        :data:`igfaxis.risk.TARGET_BAND_NG_ML`; a plan passes its own target band).
    progress
        Called around the simulation (:data:`Progress`).

    Returns
    -------
    RunResult

    Warns
    -----
    DoseWarning
        A dose above its label maximum (:func:`igfaxis.protocol.warn_doses`).
    """
    person, fit = split_subject(person)
    person, protocol, _, seed = check_run(person, protocol, days, seed, warn=False)
    horizon = horizon_days(protocol, days)
    resolution = pick_resolution(resolution, horizon)
    warn_doses(protocol, person)
    with progress(protocol.name, horizon):
        traj = simulate(person, protocol, days=days, seed=seed, resolution=resolution)
    posterior = None
    if fit is not None:
        with progress(f"{protocol.name}: posterior band", horizon):
            posterior = posterior_band(fit, protocol, days=horizon)
    return RunResult(person, protocol, seed, traj, summarise_trajectory(traj, band=band),
                     posterior)
