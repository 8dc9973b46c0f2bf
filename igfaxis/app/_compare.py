"""Simulate one person under several protocols and compare them (``igfaxis compare``).

For each protocol: IGF-1 daily mean and range, mean GH and GH secretion, time in the
120-160 ng/mL band, mean SDS, GH pulsatility, the cell read-outs of the last whole day, and
the hazard ratios the IGF-1 pattern implies (:func:`igfaxis.risk.score_risk`). Model
predictions and published associations; not medical advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from igfaxis.app._band import PosteriorBand, posterior_band, split_subject
from igfaxis.app._run import (
    PULSE_WINDOW_DAYS,
    Progress,
    horizon_days,
    no_progress,
    pick_resolution,
)
from igfaxis.calibrate import CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.protocol import Person, Protocol, check_run, warn_doses
from igfaxis.risk import TrajectoryScore, check_menopausal, score_risk
from igfaxis.simulate import Trajectory, cell_daily_metrics, pulsatility, simulate, simulate_cell

__all__ = [
    "SANDERS_MIN_DAYS",
    "CompareSummary",
    "ComparedRun",
    "Comparison",
    "compare_protocols",
    "compare_summary",
]

_IGF1: Final = "igf1_total_ng_ml"

#: the Sanders 2018 trend is per year: the shortest run it can be read from [days]
SANDERS_MIN_DAYS: Final = 365.25


@dataclass(frozen=True)
class CompareSummary:
    """The numbers ``compare`` shows for one protocol.

    Attributes
    ----------
    days
        Simulated horizon [days].
    igf1_daily_mean_ng_ml, igf1_daily_mean_min_ng_ml, igf1_daily_mean_max_ng_ml
        Mean, lowest and highest daily mean total IGF-1 [ng/mL] (with less than a whole day,
        the whole-run mean stands in for the daily means).
    igf1_min_ng_ml, igf1_max_ng_ml
        Lowest and highest total IGF-1 [ng/mL].
    mean_gh_ng_ml, mean_gh_secretion_ng_ml_h
        Mean serum GH [ng/mL] and pituitary GH secretion [ng/mL/h].
    band_ng_ml, time_in_band_fraction, time_below_band_fraction, time_above_band_fraction
        The band [ng/mL] and the share of the run in, below and above it [-].
    mean_sds
        Time-weighted mean age/sex SDS [-].
    gh_pulsatility
        :func:`igfaxis.simulate.pulsatility` over the whole days (a run shorter than a day
        is read whole).
    cell
        :func:`igfaxis.simulate.cell_daily_metrics` of the last whole day (empty for a run
        shorter than a day).
    resolution
        ``"pulse"``, or ``"day"``: IGF-1, the band and the SDS are read from the
        day-resolution run (daily means, so ``igf1_min_ng_ml``/``igf1_max_ng_ml`` are the
        extreme daily means), GH, pulsatility and the cell read-outs from the
        pulse-resolved window over the first ``pulse_window_days``.
    pulse_window_days
        Length of the pulse-resolved run GH is read from [days] (the whole run at
        ``"pulse"``).
    """

    days: float
    igf1_daily_mean_ng_ml: float
    igf1_daily_mean_min_ng_ml: float
    igf1_daily_mean_max_ng_ml: float
    igf1_min_ng_ml: float
    igf1_max_ng_ml: float
    mean_gh_ng_ml: float
    mean_gh_secretion_ng_ml_h: float
    band_ng_ml: tuple[float, float]
    time_in_band_fraction: float
    time_below_band_fraction: float
    time_above_band_fraction: float
    mean_sds: float
    gh_pulsatility: Mapping[str, float]
    cell: Mapping[str, float]
    resolution: str = "pulse"
    pulse_window_days: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible flat mapping: the fields, then ``gh_<key>`` per pulsatility metric,
        then the cell read-outs."""
        return {
            "days": self.days,
            "igf1_daily_mean_ng_ml": self.igf1_daily_mean_ng_ml,
            "igf1_daily_mean_min_ng_ml": self.igf1_daily_mean_min_ng_ml,
            "igf1_daily_mean_max_ng_ml": self.igf1_daily_mean_max_ng_ml,
            "igf1_min_ng_ml": self.igf1_min_ng_ml,
            "igf1_max_ng_ml": self.igf1_max_ng_ml,
            "mean_gh_ng_ml": self.mean_gh_ng_ml,
            "mean_gh_secretion_ng_ml_h": self.mean_gh_secretion_ng_ml_h,
            "band_ng_ml": list(self.band_ng_ml),
            "time_in_band_fraction": self.time_in_band_fraction,
            "time_below_band_fraction": self.time_below_band_fraction,
            "time_above_band_fraction": self.time_above_band_fraction,
            "mean_sds": self.mean_sds,
            **{f"gh_{key}": value for key, value in self.gh_pulsatility.items()},
            **self.cell,
            "resolution": self.resolution,
            "pulse_window_days": self.pulse_window_days,
        }


@dataclass(frozen=True)
class ComparedRun:
    """One protocol of a comparison."""

    label: str
    protocol: Protocol
    trajectory: Trajectory
    score: TrajectoryScore
    summary: CompareSummary
    #: the pulse-resolved run GH is read from when ``trajectory`` is at day resolution
    window: Trajectory | None = None
    #: for a fitted person: the posterior band of the daily-mean IGF-1 under the protocol
    posterior_band: PosteriorBand | None = None


@dataclass(frozen=True)
class Comparison:
    """One person under several protocols.

    Attributes
    ----------
    person
        Who was simulated.
    seed
        Seed of the endogenous GH burst train (the same for every protocol).
    runs
        One :class:`ComparedRun` per protocol, in the order given.
    notes
        Caveats of the first run's score (about the person and the evidence; a run of
        another length may add its own cancer-window note, in its ``score.notes``).
    """

    person: Person
    seed: int
    runs: tuple[ComparedRun, ...]
    notes: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The protocols' labels, in order."""
        return tuple(r.label for r in self.runs)

    def run(self, label: str) -> ComparedRun:
        """The run of one label (``KeyError`` if there is none)."""
        for r in self.runs:
            if r.label == label:
                return r
        raise KeyError(f"no protocol labelled {label!r}; labels: {', '.join(self.labels)}")


def _cell_summary(traj: Trajectory) -> dict[str, float]:
    """Cell read-outs (docs/signalling.md) over the last whole day of a run."""
    n = int(traj.days + 1e-9)
    if n < 1:
        return {}
    a, b = 24.0 * (n - 1), 24.0 * n
    cell = simulate_cell(traj, from_h=max(0.0, a - 24.0))
    return cell_daily_metrics(cell, a, b)


def _pulsatility(traj: Trajectory) -> dict[str, float]:
    """GH pulsatility (docs/validation.md) over the whole days of the run, each day read as
    one 24-h profile; a run shorter than a day is read whole."""
    t0, t1 = float(traj.times_h[0]), float(traj.times_h[-1])
    whole = int(np.floor((t1 - t0) / 24.0 + 1e-9))
    return pulsatility(traj, t0, t0 + 24.0 * whole if whole else t1)


def compare_summary(
    traj: Trajectory,
    score: TrajectoryScore,
    *,
    cell: bool = True,
    window: Trajectory | None = None,
) -> CompareSummary:
    """The numbers ``compare`` shows for one protocol: IGF-1, GH, band, risk, GH
    pulsatility and (with ``cell``) the cell read-outs of the last whole day.

    Daily means need a whole day; with less, the whole-run mean stands in for them. A
    day-resolution ``traj`` needs the pulse-resolved ``window`` (its first days), from which
    GH, pulsatility and the cell read-outs are read.
    """
    if traj.resolution == "day" and window is None:
        raise ProtocolError(
            "a day-resolution trajectory needs its pulse-resolved `window` (GH, pulsatility "
            "and cells need the bursts); pass `window`."
        )
    gh = window if traj.resolution == "day" else traj
    t0, t1 = float(traj.times_h[0]), float(traj.times_h[-1])
    g0, g1 = float(gh.times_h[0]), float(gh.times_h[-1])
    daily = traj.daily_mean(_IGF1)
    if daily.size == 0:
        daily = np.array([traj.mean(_IGF1, t0, t1)])
    return CompareSummary(
        days=traj.days,
        igf1_daily_mean_ng_ml=float(daily.mean()),
        igf1_daily_mean_min_ng_ml=float(daily.min()),
        igf1_daily_mean_max_ng_ml=float(daily.max()),
        igf1_min_ng_ml=score.min_igf1_ng_ml,
        igf1_max_ng_ml=score.max_igf1_ng_ml,
        mean_gh_ng_ml=gh.mean("gh_ng_ml", g0, g1),
        mean_gh_secretion_ng_ml_h=gh.mean("gh_secretion_ng_ml_h", g0, g1),
        band_ng_ml=score.band_ng_ml,
        time_in_band_fraction=score.time_in_band_fraction,
        time_below_band_fraction=score.time_below_band_fraction,
        time_above_band_fraction=score.time_above_band_fraction,
        mean_sds=score.mean_sds,
        gh_pulsatility=_pulsatility(gh),
        cell=_cell_summary(gh) if cell else {},
        resolution=traj.resolution,
        pulse_window_days=gh.days,
    )


def compare_protocols(
    person: Person | CalibrationResult,
    protocols: Mapping[str, Protocol],
    *,
    days: float | None = None,
    seed: int = 0,
    menopausal: bool | None = None,
    trajectory_modifiers: bool = False,
    dose_warnings: bool = True,
    resolution: str = "auto",
    progress: Progress = no_progress,
) -> Comparison:
    """Simulate ``person`` under each protocol and compare IGF-1, GH, band, risk and cells.

    Parameters
    ----------
    person
        Who is simulated: a :class:`~igfaxis.protocol.Person`, or a calibration
        (:class:`~igfaxis.calibrate.CalibrationResult`): then the fitted person (posterior
        medians), and each run carries its posterior band (:func:`posterior_band`).
    protocols
        Label -> protocol, in the order to show them (at least one).

    Other Parameters
    ----------------
    days
        Horizon of every run [days]; default each protocol's ``days``, else 1.
    seed
        Seed of the endogenous GH burst train, the same for every run.
    menopausal
        Women: ``True`` post-, ``False`` pre-menopausal, ``None`` unknown (selects the breast
        cancer curve).
    trajectory_modifiers
        Add the Sanders 2018 trend and variability modifiers; every run must last at least
        :data:`SANDERS_MIN_DAYS`.
    dose_warnings
        Warn (:class:`~igfaxis.errors.DoseWarning`) about doses above their label maximum,
        before any argument error; an adapter that has already called
        :func:`igfaxis.protocol.warn_doses` passes ``False``.
    resolution
        ``"pulse"``, ``"day"`` or ``"auto"`` (day resolution beyond
        :data:`~igfaxis.app.DAY_RESOLUTION_FROM_DAYS`): at day resolution IGF-1 and the
        risk come from the day-resolution run and GH, pulsatility and cells from a
        pulse-resolved run over the first :data:`~igfaxis.app.PULSE_WINDOW_DAYS` days.
    progress
        Called around each simulation (:data:`~igfaxis.app.Progress`).

    Returns
    -------
    Comparison

    Warns
    -----
    DoseWarning
        With ``dose_warnings``, a dose above its label maximum.

    Raises
    ------
    ProtocolError
        No protocols, ``menopausal`` for a man, or ``trajectory_modifiers`` with a run
        shorter than a year.
    """
    if not protocols:
        raise ProtocolError("`protocols` must hold at least one protocol; got none.")
    person, fit = split_subject(person)
    for protocol in protocols.values():  # types and values before anything runs
        person, _, _, seed = check_run(person, protocol, days, seed, warn=False)
    menopausal = check_menopausal(menopausal)
    if dose_warnings:
        for protocol in protocols.values():
            warn_doses(protocol, person)
    if menopausal is not None and person.sex == "male":
        raise ProtocolError("`menopausal` applies to women; the person is male. Pass None.")
    shortest = min(horizon_days(p, days) for p in protocols.values())
    if trajectory_modifiers and shortest < SANDERS_MIN_DAYS:
        raise ProtocolError(
            f"`trajectory_modifiers` needs IGF-1 values spanning a year or more (the Sanders "
            f"2018 trend is per year); the shortest run is {shortest:g} days. Pass `days` of "
            f"366 or more, or leave out `trajectory_modifiers`."
        )
    chosen = {label: pick_resolution(resolution, horizon_days(p, days))
              for label, p in protocols.items()}  # fmt: skip
    runs = []
    for label, protocol in protocols.items():
        window = None
        with progress(label, horizon_days(protocol, days)):
            traj = simulate(person, protocol, days=days, seed=seed, resolution=chosen[label])
            if chosen[label] == "day":
                short = min(horizon_days(protocol, days), PULSE_WINDOW_DAYS)
                window = simulate(person, protocol, days=short, seed=seed)
        score = score_risk(traj, menopausal=menopausal, trajectory_modifiers=trajectory_modifiers)
        summary = compare_summary(traj, score, window=window)
        band = None
        if fit is not None:
            with progress(f"{label}: posterior band", horizon_days(protocol, days)):
                band = posterior_band(fit, protocol, days=horizon_days(protocol, days))
        runs.append(ComparedRun(label, protocol, traj, score, summary, window, band))
    return Comparison(person, seed, tuple(runs), runs[0].score.notes)
