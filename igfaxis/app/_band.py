"""A fitted person's posterior band under a protocol (``--person fit.json``).

When a flow is given a :class:`~igfaxis.calibrate.CalibrationResult` instead of a
:class:`~igfaxis.protocol.Person`, it simulates the fitted person (the posterior medians of the
personal multipliers, :meth:`~igfaxis.calibrate.CalibrationResult.fitted_person`) and adds a
:class:`PosteriorBand`: the 5/25/50/75/95% quantiles over posterior draws of the daily-mean
total IGF-1 (day resolution) when the person continues from their fitted history and follows
the protocol from the day after the latest lab. Model predictions, not medical advice.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from igfaxis.calibrate import CalibrationResult
from igfaxis.io.plots import Band
from igfaxis.protocol import Person, Protocol

__all__ = ["BAND_QUANTILES", "PosteriorBand", "band_draws", "posterior_band", "split_subject"]

#: the quantiles of a band, as their keys
BAND_QUANTILES: Final = ("q05", "q25", "q50", "q75", "q95")
#: posterior draws of a band: at most this many ...
_MAX_DRAWS: Final = 100
#: ... at least this many ...
_MIN_DRAWS: Final = 30
#: ... and about this many draw-days (a draw costs about 2 ms per 1,000 days, warm)
_DRAW_DAYS: Final = 150_000


def band_draws(days: float) -> int:
    """Posterior draws for a band over ``days`` days: 100 up to about 4 years of schedule,
    then fewer (at least 30), so that a decades-long band costs seconds."""
    return int(min(_MAX_DRAWS, max(_MIN_DRAWS, _DRAW_DAYS // max(days, 1.0))))


def split_subject(person: Person | CalibrationResult) -> tuple[Person, CalibrationResult | None]:
    """The person to simulate and the fit, if ``person`` is one (then its fitted person)."""
    if isinstance(person, CalibrationResult):
        return person.fitted_person(), person
    return person, None


@dataclass(frozen=True, eq=False)
class PosteriorBand:
    """The daily-mean total IGF-1 of a fitted person under a protocol, over posterior draws.

    Attributes
    ----------
    series
        The band over the labs' period and the run (:class:`igfaxis.io.plots.Band`; day
        resolution, days on the labs' time line).
    protocol
        The protocol's name.
    start_day, start_date
        The protocol's first day on the labs' time line (the day after the latest lab) and
        its date (``None`` for day-only labs).
    days
        Whole days of the run (at least 1).
    draws
        Posterior draws the quantiles are read from.
    posterior
        The fit's :meth:`~igfaxis.calibrate.CalibrationResult.posterior`.
    """

    series: Band
    protocol: str
    start_day: float
    start_date: str | None
    days: int
    draws: int
    posterior: Mapping[str, Mapping[str, Any]]

    @property
    def last_day(self) -> float:
        """The run's last whole day on the labs' time line."""
        return self.start_day + self.days - 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (``"posterior_band"`` of ``simulate --json`` and ``compare
        --json``): the quantiles on the run's first and last whole day, named like the
        summary's keys, and the personal multipliers they come from."""
        first, last = self.series.at(self.start_day), self.series.at(self.last_day)
        return {
            "quantity": "daily-mean total IGF-1 [ng/mL], day resolution",
            "protocol": self.protocol,
            "start_day": self.start_day,
            "start_date": self.start_date,
            "days": self.days,
            "draws": self.draws,
            "igf1_first_day_mean_ng_ml": first,
            "igf1_last_day_mean_ng_ml": last,
            "personal": {
                name: {k: v[k] for k in ("median", "q05", "q95", "prior_dominated")}
                for name, v in self.posterior.items()
            },
            "note": "Quantiles over posterior draws of the personal parameters: the fitted "
            "person continues from their history and follows the protocol from the day after "
            "the latest lab. Model prediction, not medical advice.",
        }


def posterior_band(
    fit: CalibrationResult, protocol: Protocol, *, days: float, n_draws: int | None = None
) -> PosteriorBand:
    """The posterior band of the fitted person's daily-mean IGF-1 under ``protocol``.

    Parameters
    ----------
    fit
        The calibration (:func:`igfaxis.calibrate.calibrate`, or a ``fit.json``).
    protocol
        What the person does from the day after the latest lab.

    Other Parameters
    ----------------
    days
        Horizon [days]; its whole days (at least one) are covered.
    n_draws
        Posterior draws; default :func:`band_draws` of the schedule's length.

    Returns
    -------
    PosteriorBand
        Over the labs' period (from 30 days before the first lab) and the run.
    """
    first = min(lab.day for lab in fit.labs)
    start = max(lab.day for lab in fit.labs) + 1.0
    n_days = max(1, math.floor(days + 1e-9))
    end = start + n_days - 1
    draws = n_draws if n_draws is not None else band_draws(end - first + 30.0)
    raw = fit.trajectory_band(until_day=end, protocol=protocol, n_draws=draws)
    keep = np.asarray(raw["day"]) <= end + 1e-9
    origin = fit.timeline.latest_date
    series = Band(
        day=np.asarray(raw["day"], dtype=float)[keep],
        **{q: np.asarray(raw[q], dtype=float)[keep] for q in BAND_QUANTILES},
        origin_date=origin,
        start_day=start,
        protocol=protocol.name,
    )
    start_date = None if origin is None else (origin + dt.timedelta(days=round(start))).isoformat()
    return PosteriorBand(
        series=series,
        protocol=protocol.name,
        start_day=start,
        start_date=start_date,
        days=n_days,
        draws=min(draws, len(fit.draws)),
        posterior=fit.posterior(),
    )
