"""A readable report of one person under one protocol: centiles, trajectory, risk, summary.

:func:`build_report` simulates nothing itself: it takes the simulated
:class:`~igfaxis.simulate.Trajectory` (and optional measured labs), scores them with
:mod:`igfaxis.risk`, draws the figures and returns an immutable :class:`Report`.
:func:`write_report` renders it as one self-contained HTML file (figures inline as base64
PNG, no external resources), and :func:`igfaxis.io.pdf.html_to_pdf` prints that to PDF.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from igfaxis._files import write_text_atomic
from igfaxis._version import __version__
from igfaxis.errors import UnitWarning
from igfaxis.io._html import render_html
from igfaxis.io.labs import LabValue
from igfaxis.io.plots import (
    Band,
    CentilePoint,
    plot_centiles,
    plot_fit,
    plot_plan,
    plot_trajectory,
)
from igfaxis.protocol import Person, Protocol
from igfaxis.risk import (
    Assessment,
    TrajectoryScore,
    assess,
    harmonise_lab,
    reference_table,
    score_risk,
    sds,
    suspect_unit,
)
from igfaxis.units import canonical_igf1_unit

if TYPE_CHECKING:
    from igfaxis.optimize import OptimizationResult
    from igfaxis.simulate import Trajectory

__all__ = ["FittedView", "LabPoint", "Report", "build_report", "write_report"]


@dataclass(frozen=True)
class LabPoint:
    """A measured value placed on the reference.

    Attributes
    ----------
    lab
        The measurement.
    age_y
        Age at the measurement [y].
    sds
        Age/sex SDS [-].
    """

    lab: LabValue
    age_y: float
    sds: float


@dataclass(frozen=True, eq=False)
class FittedView:
    """What the report shows of a calibration (``--person fit.json``).

    Attributes
    ----------
    band
        The fitted daily-mean IGF-1 with its posterior quantiles over the labs' period and
        the report's run (:class:`igfaxis.io.plots.Band`; ``start_day`` is where the
        report's protocol starts).
    labs
        The labs the fit was made to.
    days
        Whole days of the report's run the band covers.
    posterior
        :meth:`igfaxis.calibrate.CalibrationResult.posterior`.
    method, converged, message
        How the fit was made and whether it converged (``message`` says what to do if not).
    draws
        Posterior draws the band is read from.
    """

    band: Band
    labs: tuple[LabValue, ...]
    days: int
    posterior: Mapping[str, Mapping[str, Any]]
    method: str
    converged: bool
    message: str
    draws: int

    @property
    def end_day(self) -> float:
        """The run's last whole day on the labs' time line."""
        start = self.band.start_day if self.band.start_day is not None else 0.0
        return start + self.days - 1

    def end_band(self) -> dict[str, Any]:
        """The band on the run's last whole day: ``day`` (labs' time line), ``date``
        (``None`` for day-only labs) and the five quantiles [ng/mL]."""
        date = self.day_label(self.end_day) if self.band.origin_date is not None else None
        return {"day": self.end_day, "date": date, **self.band.at(self.end_day)}

    def day_label(self, day: float) -> str:
        """A day on the labs' time line as a date (dated labs) or ``"day N"``."""
        origin = self.band.origin_date
        if origin is None:
            return f"day {day:g}"
        return (origin + dt.timedelta(days=round(day))).isoformat()


@dataclass(frozen=True)
class Report:
    """Everything the report shows (figures as PNG bytes).

    Attributes
    ----------
    person, protocol
        Who and what was simulated.
    score
        The simulated trajectory's :class:`~igfaxis.risk.TrajectoryScore`.
    daily_mean_ng_ml
        Mean of the daily mean IGF-1 over the run [ng/mL].
    mean_gh_ng_ml
        Mean GH over the run [ng/mL].
    labs
        Measured values with their SDS (may be empty).
    latest
        Assessment of the latest lab value (``None`` without labs).
    centile_png, trajectory_png
        The two figures.
    notes
        Caveats and warnings raised while scoring.
    generated
        ISO date of generation; ``version``: igfaxis version.
    fitted, fitted_png
        For a fitted person: the fitted trajectory through the labs with its bands, and its
        figure (``None`` otherwise).
    plan, plan_png
        For a report of a plan (``igfaxis optimize --report``): what the search found
        (:class:`~igfaxis.optimize.OptimizationResult`; ``protocol`` is its best plan) and its
        figure, the plan against no change (``None`` otherwise).
    """

    person: Person
    protocol: Protocol
    days: float
    seed: int
    score: TrajectoryScore
    daily_mean_ng_ml: float
    mean_gh_ng_ml: float
    labs: tuple[LabPoint, ...]
    latest: Assessment | None
    centile_png: bytes
    trajectory_png: bytes
    notes: tuple[str, ...]
    generated: str
    version: str
    fitted: FittedView | None = None
    fitted_png: bytes | None = None
    plan: OptimizationResult | None = None
    plan_png: bytes | None = None


def _png(draw: Callable[[Path], object], name: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="igfaxis-report-") as tmp:
        path = Path(tmp) / name
        draw(path)
        return path.read_bytes()


def _labs(labs: tuple[LabValue, ...], person: Person) -> tuple[LabPoint, ...]:
    """SDS of every lab; a value that looks like the wrong unit warns (UnitWarning)."""
    points = []
    table = reference_table("igf1")
    for lab in labs:
        age = lab.age_y(person.age_y)
        canonical = canonical_igf1_unit(lab.unit)
        suspicion = suspect_unit(lab.value, lab.unit, canonical, age, person.sex, table)
        if suspicion is not None:
            warnings.warn(f"lab {lab.label}: {suspicion}", UnitWarning, stacklevel=3)
        points.append(LabPoint(lab, age, sds(lab.igf1_ng_ml, age, person.sex)))
    return tuple(points)


def build_report(
    person: Person,
    protocol: Protocol,
    traj: Trajectory,
    *,
    labs: tuple[LabValue, ...] = (),
    menopausal: bool | None = None,
    seed: int = 0,
    fitted: FittedView | None = None,
    plan: OptimizationResult | None = None,
) -> Report:
    """Score a simulated trajectory (and labs) and draw the report's figures.

    Parameters
    ----------
    person, protocol
        Who was simulated under what.
    traj
        The simulation of ``person`` under ``protocol``.

    Other Parameters
    ----------------
    labs
        Measured values (:func:`igfaxis.io.labs.read_labs`); their day 0 is the start of
        the simulation (the person's ``age_y``).
    menopausal
        Breast-cancer curve selection for women (``None``: unknown).
    seed
        Seed of the Monte Carlo intervals (recorded with the simulation's seed).
    fitted
        For a fitted person (``person`` with the fit's posterior medians): the fitted
        trajectory through the labs, drawn as its own figure.
    plan
        For a report of a plan: the search's result (``protocol`` its best plan); the plan
        against no change is drawn as its own figure.

    Returns
    -------
    Report

    Warns
    -----
    UnitWarning, ExtrapolationWarning
        As :func:`igfaxis.assess` does for the lab values; they are also kept in ``notes``.
    """
    labs = tuple(harmonise_lab(lab, person.age_y, person.sex) for lab in labs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        score = score_risk(traj, menopausal=menopausal, seed=seed)
        points = _labs(labs, person)
        latest = None
        if labs:
            last = labs[-1]
            latest = assess(
                last.igf1_ng_ml if last.harmonised else last.value,
                "ng/mL" if last.harmonised else last.unit,
                last.age_y(person.age_y),
                person.sex,
                menopausal=menopausal,
                seed=seed,
            )
    notes = list(score.notes)
    if any(lab.harmonised for lab in labs):
        notes.append(
            "Labs given with their laboratory's own reference interval are read against it: "
            "each is shown (and fitted) at the value of the same SDS in the LIFE reference, "
            "the scale the model is calibrated to."
        )
    for w in caught:
        message = str(w.message)
        if message not in notes:
            notes.append(message)
        warnings.warn(message, w.category, stacklevel=2)
    if latest is not None:
        notes += [n for n in latest.notes if n not in notes]
    daily = traj.daily_mean("igf1_total_ng_ml")
    daily_mean = float(daily.mean()) if daily.size else score.mean_igf1_ng_ml
    marks = [CentilePoint(p.age_y, p.lab.igf1_ng_ml, f"lab {p.lab.label}") for p in points]
    marks.append(CentilePoint(person.age_y, daily_mean, "simulated daily mean", "model"))
    centile = _png(lambda path: plot_centiles(person.sex, marks, path), "centiles.png")
    trajectory = _png(lambda path: plot_trajectory(traj, path, title=protocol.name), "traj.png")
    fitted_png = None
    if fitted is not None:
        title = f"IGF-1 fitted to {len(fitted.labs)} labs, then \u201c{protocol.name}\u201d"
        fitted_png = _png(lambda path: plot_fit(fitted.band, fitted.labs, path, title=title),
                          "fitted.png")  # fmt: skip
        if labs and tuple((lab.day, lab.igf1_ng_ml) for lab in labs) != tuple(
            (lab.day, lab.igf1_ng_ml) for lab in fitted.labs
        ):
            notes.append(
                f"The labs given ({len(labs)}) are not those the fit was made to "
                f"({len(fitted.labs)}); the fitted trajectory shows the fit's labs. Run "
                "`igfaxis calibrate` with these labs to fit them."
            )
        if not fitted.converged:
            notes.append(f"The calibration did not converge: {fitted.message}.")
    plan_png = None
    if plan is not None:
        fit_labs = fitted.labs if fitted is not None else ()
        plan_png = _png(lambda path: plot_plan(plan, path, labs=fit_labs), "plan.png")
    return Report(
        person=person,
        protocol=protocol,
        days=traj.days,
        seed=int(traj.metadata.get("seed", 0)),
        score=score,
        daily_mean_ng_ml=daily_mean,
        mean_gh_ng_ml=traj.mean("gh_ng_ml", float(traj.times_h[0]), float(traj.times_h[-1])),
        labs=points,
        latest=latest,
        centile_png=centile,
        trajectory_png=trajectory,
        notes=tuple(notes),
        generated=dt.date.today().isoformat(),
        version=__version__,
        fitted=fitted,
        fitted_png=fitted_png,
        plan=plan,
        plan_png=plan_png,
    )


def write_report(report: Report, path: str | Path) -> Path:
    """Write ``report`` as one self-contained HTML file (parent folders are created).

    Parameters
    ----------
    report
        From :func:`build_report`.
    path
        Output file, e.g. ``report.html``.

    Returns
    -------
    The path written (atomically: the old file or the whole new one, never a part).
    """
    return write_text_atomic(path, render_html(report))
