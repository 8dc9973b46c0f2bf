"""A report of one person under one protocol, with measured labs (``igfaxis report``).

Person + protocol [+ labs] -> simulation -> :class:`igfaxis.io.report.Report` (scores,
centiles, figures) -> a self-contained HTML file and, with Chromium, a PDF.
"""

from __future__ import annotations

from pathlib import Path

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.app._band import posterior_band, split_subject
from igfaxis.app._run import Progress, horizon_days, no_progress, pick_resolution
from igfaxis.calibrate import CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.io.pdf import html_to_pdf
from igfaxis.io.report import FittedView, Report, build_report, write_report
from igfaxis.optimize import OptimizationResult
from igfaxis.protocol import Person, Protocol, check_run, warn_doses
from igfaxis.risk import check_menopausal
from igfaxis.simulate import simulate

__all__ = ["check_report_path", "make_report", "write_report_files"]

_HTML_SUFFIXES = frozenset({".html", ".htm"})


def check_report_path(out: str | Path) -> Path:
    """``out`` as a path, if it names an HTML file.

    Raises
    ------
    ProtocolError
        ``out`` does not end in ``.html`` (or ``.htm``).
    """
    path = Path(out)
    if path.suffix.lower() not in _HTML_SUFFIXES:
        raise ProtocolError(
            f"`out` must end in .html; got {short_repr(str(path))}. The PDF is written next "
            "to it with "
            "the suffix .pdf."
        )
    return path


def _fit_labs(person: Person, labs: tuple[LabValue, ...], protocol: Protocol) -> CalibrationResult:
    """Calibrate ``person`` to ``labs``: a usual day while the labs before day 0 were drawn,
    ``protocol`` from day 0 (the run's start) when a lab lies after it."""
    from igfaxis.calibrate import calibrate
    from igfaxis.protocol import History

    if max(lab.day for lab in labs) > 0.0:
        history = History(segments=[{"day": 0, "protocol": protocol.to_dict()}])
        return calibrate(person, labs, history=history)
    return calibrate(person, labs)


def make_report(
    person: Person | CalibrationResult,
    protocol: Protocol,
    *,
    labs: tuple[LabValue, ...] | None = None,
    menopausal: bool | None = None,
    days: float | None = None,
    seed: int = 0,
    dose_warnings: bool = True,
    resolution: str = "auto",
    fit_labs: bool = True,
    plan: OptimizationResult | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Simulate ``person`` under ``protocol`` and assemble the report's data and figures.

    Parameters
    ----------
    person
        Who: a :class:`~igfaxis.protocol.Person`, or a calibration
        (:class:`~igfaxis.calibrate.CalibrationResult`): then the fitted person (posterior
        medians) is simulated, and the report draws the fitted trajectory through the labs
        with its 50% / 90% bands, over the labs' period and the run under ``protocol``
        (from the day after the latest lab; :func:`~igfaxis.app.posterior_band`).
    protocol
        Under what.

    Other Parameters
    ----------------
    labs
        Measured values (:func:`igfaxis.io.labs.read_labs`), day 0 the start of the run;
        default none, or for a calibration the labs it was fitted to. A person (not a fit)
        with labs is first calibrated to them (``fit_labs``): a usual day before day 0, the
        protocol after it; the report then runs the fitted person.
    fit_labs
        Calibrate a person with labs (default); ``False`` runs the average person of their
        age and sex beside the labs.
    menopausal
        Women: ``True`` post-, ``False`` pre-menopausal, ``None`` unknown.
    days
        Horizon [days]; default the protocol's ``days``, else 1.
    seed
        Seed of the GH burst train and of the Monte Carlo intervals.
    dose_warnings
        Warn (:class:`~igfaxis.errors.DoseWarning`) about doses above their label maximum,
        before any argument error; an adapter that has already called
        :func:`igfaxis.protocol.warn_doses` passes ``False``.
    resolution
        ``"pulse"``, ``"day"`` or ``"auto"`` (day resolution beyond
        :data:`~igfaxis.app.DAY_RESOLUTION_FROM_DAYS`: a projection over years is drawn
        from daily means).
    plan
        A plan the search found (:class:`~igfaxis.optimize.OptimizationResult`, its best
        plan as ``protocol``): the report gains a plan section (the plan against no change,
        the Pareto set, what each lever did).
    progress
        Called around the simulation (:data:`~igfaxis.app.Progress`).

    Returns
    -------
    Report

    Warns
    -----
    DoseWarning, UnitWarning, ExtrapolationWarning
        With ``dose_warnings``, a dose above its label maximum; for the labs, as
        :func:`igfaxis.assess` does.

    Raises
    ------
    ProtocolError
        ``menopausal`` for a man.
    """
    person, fit = split_subject(person)
    if labs is None:
        labs = tuple(fit.labs) if fit is not None else ()
    elif fit is None and labs and fit_labs:
        # a person with labs: fit them first (Laplace), so that the report shows the
        # person's own trajectory through their labs, not the average person's
        with progress("calibration to the labs", 0.0):
            fit = _fit_labs(person, tuple(labs), protocol)
        person = fit.fitted_person()
    person, protocol, _, seed = check_run(person, protocol, days, seed, warn=False)
    resolution = pick_resolution(resolution, horizon_days(protocol, days))
    menopausal = check_menopausal(menopausal)
    if dose_warnings:
        warn_doses(protocol, person)
    if menopausal is not None and person.sex == "male":
        raise ProtocolError("`menopausal` applies to women; the person is male. Pass None.")
    with progress(protocol.name, horizon_days(protocol, days)):
        traj = simulate(person, protocol, days=days, seed=seed, resolution=resolution)
    fitted = None
    if fit is not None:
        with progress(f"{protocol.name}: posterior band", horizon_days(protocol, days)):
            band = posterior_band(fit, protocol, days=horizon_days(protocol, days))
        fitted = FittedView(band=band.series, labs=tuple(fit.labs), days=band.days,
                            posterior=band.posterior, method=fit.method,
                            converged=bool(fit.converged), message=fit.message,
                            draws=band.draws)  # fmt: skip
    return build_report(person, protocol, traj, labs=labs, menopausal=menopausal, seed=seed,
                        fitted=fitted, plan=plan)  # fmt: skip


def write_report_files(report: Report, out: str | Path, *, pdf: bool = False) -> dict[str, Path]:
    """Write ``report`` as HTML to ``out`` and, with ``pdf``, print it next to it as PDF.

    Returns
    -------
    ``{"html": path}``, plus ``"pdf"`` with ``pdf``.

    Raises
    ------
    ProtocolError
        ``out`` is not an ``.html`` file.
    ExportError
        The PDF could not be printed; then neither file is written (or changed).
    """
    path = check_report_path(out)
    outputs = {"html": path, "pdf": path.with_suffix(".pdf")} if pdf else {"html": path}
    with staged_outputs(*outputs.values()) as temps:  # both files or neither
        write_report(report, temps[0])
        if pdf:
            html_to_pdf(temps[0], temps[1])
    return outputs
