"""Fit a person to their labs and predict their next lab (``igfaxis calibrate``).

Person + labs [+ history or protocol] -> :func:`igfaxis.calibrate.calibrate` -> the
posterior of the personal parameters, the predicted labs at the asked days or dates, the
most informative day for a next lab, and the fitted daily-mean IGF-1 trajectory with its
50% / 90% bands -> :class:`CalibrationRun`; :func:`write_calibration_files` writes the fit
(``fit.json``, for ``--person fit.json``) and its figure. Model predictions, not medical
advice.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.app._band import BAND_QUANTILES, band_draws
from igfaxis.app._run import Progress, no_progress
from igfaxis.calibrate import CalibrationConfig, CalibrationResult, LabPrediction, calibrate
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.io.plots import Band, check_plot_path, plot_fit
from igfaxis.protocol import History, Person, Protocol

__all__ = [
    "CALIBRATION_METHODS",
    "INFORMATIVE_WINDOW_DAYS",
    "MAX_PREDICT_DAYS",
    "CalibrationRun",
    "calibrate_person",
    "check_fit_path",
    "check_method",
    "lab_days",
    "write_calibration_files",
]

#: what ``method`` may be
CALIBRATION_METHODS: Final = ("laplace", "nuts")
#: the days after the latest lab searched for the most informative next lab [days]
INFORMATIVE_WINDOW_DAYS: Final = 28
#: the latest day a lab is predicted at, after the latest lab [days] (20 years)
MAX_PREDICT_DAYS: Final = 7305.0
#: information within this of the best counts as equal [nats]
_SAME_INFORMATION: Final = 1e-3


def check_method(method: str) -> str:
    """``method`` if it is one of :data:`CALIBRATION_METHODS`.

    Raises
    ------
    ProtocolError
        Any other value.
    """
    if method not in CALIBRATION_METHODS:
        raise ProtocolError(
            f"`method` must be laplace or nuts; got {short_repr(method)}. Use laplace (MAP + "
            "Laplace, seconds) or nuts (the full posterior by NUTS, slower)."
        )
    return method


def check_fit_path(out: str | Path) -> Path:
    """``out`` as a path, if it names a JSON file (a fit is read back by its ``.json``).

    Raises
    ------
    ProtocolError
        ``out`` does not end in ``.json``.
    """
    path = Path(out)
    if path.suffix.lower() != ".json":
        raise ProtocolError(
            f"the fit file must end in .json; got {short_repr(str(path))}. `simulate`, "
            "`compare` and `report` read it back with `--person fit.json`."
        )
    return path


def lab_days(values: Sequence[float | str], labs: Sequence[LabValue]) -> list[float | str]:
    """Check the days or dates a lab is to be predicted at, against the labs.

    Parameters
    ----------
    values
        Numbers (days on the labs' time line; strings such as ``"30"`` are read as numbers)
        or ISO dates ``YYYY-MM-DD`` (dated labs only).
    labs
        The labs the fit uses.

    Returns
    -------
    Days as floats and dates as ISO strings, in the order given.

    Raises
    ------
    ProtocolError
        A value that is neither a finite number nor an ISO date, a date when the labs give
        days, or a time before the first lab or more than :data:`MAX_PREDICT_DAYS` after
        the latest.
    """
    latest = max((dt.date.fromisoformat(str(lab.date)) for lab in labs if lab.date), default=None)
    first = min(lab.day for lab in labs)
    last = max(lab.day for lab in labs)
    out: list[float | str] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ProtocolError(
                f"a day to predict must be a number or an ISO date; got {short_repr(value)} "
                f"({type(value).__name__})."
            )
        day = value if not isinstance(value, str) else _number(value)
        if day is None:  # a date
            date = _date(str(value))
            if latest is None:
                raise ProtocolError(
                    f"the date {date.isoformat()} needs dated labs, but the labs give days; "
                    f"give a day on the labs' time line instead (the latest lab is day "
                    f"{last:g}, e.g. {last + 30:g} for a month later)."
                )
            day, value = float((date - latest).days), date.isoformat()
        else:
            day = value = float(day)
        if not math.isfinite(day) or day < first or day > last + MAX_PREDICT_DAYS:
            when = value if isinstance(value, str) else f"day {day:g}"
            raise ProtocolError(
                f"a lab can be predicted from the first lab (day {first:g}) to "
                f"{MAX_PREDICT_DAYS:g} days after the latest (day {last:g}); got {when}."
            )
        out.append(value)
    return out


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ProtocolError(
            f"cannot read {short_repr(text)} as a day (a number on the labs' time line, e.g. "
            "30) or a date (YYYY-MM-DD, e.g. 2025-03-01)."
        ) from None


@dataclass(frozen=True, eq=False)
class CalibrationRun:
    """A person fitted to their labs, with the predictions asked for.

    Attributes
    ----------
    result
        The fit (:class:`~igfaxis.calibrate.CalibrationResult`).
    predictions
        The predicted lab at each asked day or date, in the order asked.
    most_informative
        Of the :data:`INFORMATIVE_WINDOW_DAYS` days after the latest lab, the one whose lab
        tells most about the personal parameters (the earliest of equals).
    all_days_alike
        Every day of that window is about equally informative (within 0.001 nats): under an
        unchanged protocol any date of a next lab does.
    band
        The fitted daily-mean IGF-1 over the labs' period and the predictions (the fit's own
        history or protocol, continued).
    """

    result: CalibrationResult
    predictions: tuple[LabPrediction, ...]
    most_informative: LabPrediction
    all_days_alike: bool
    band: Band

    @property
    def person(self) -> Person:
        """The person as given (``personal`` not yet fitted)."""
        return self.result.person

    def posterior(self) -> dict[str, dict[str, Any]]:
        """:meth:`~igfaxis.calibrate.CalibrationResult.posterior`."""
        return self.result.posterior()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``posterior``, ``predictions``, ``most_informative``, ``converged``,
        ``message``, ``method`` and ``diagnostics`` (``igfaxis calibrate --json``)."""
        mi = self.most_informative.to_dict()
        return {
            "person": self.person.model_dump(mode="json"),
            "labs": len(self.result.labs),
            "method": self.result.method,
            "converged": bool(self.result.converged),
            "message": self.result.message,
            "posterior": _plain(self.posterior()),
            "predictions": [_plain(p.to_dict()) for p in self.predictions],
            "most_informative": {
                **_plain(mi),
                "window_days": INFORMATIVE_WINDOW_DAYS,
                "all_days_alike": self.all_days_alike,
            },
            "diagnostics": _plain(self.result.diagnostics),
        }


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as Python numbers and lists (for JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _band(result: CalibrationResult, until_day: float) -> Band:
    first = min(lab.day for lab in result.labs)
    raw = result.trajectory_band(until_day=until_day,
                                 n_draws=band_draws(until_day - first + 30.0))  # fmt: skip
    keep = np.asarray(raw["day"]) <= until_day + 1e-9
    return Band(day=np.asarray(raw["day"], dtype=float)[keep],
                **{q: np.asarray(raw[q], dtype=float)[keep] for q in BAND_QUANTILES},
                origin_date=result.timeline.latest_date)  # fmt: skip


def calibrate_person(
    person: Person,
    labs: Sequence[LabValue],
    *,
    history: History | None = None,
    protocol: Protocol | None = None,
    method: str = "laplace",
    predict: Sequence[float | str] = (),
    config: CalibrationConfig | None = None,
    progress: Progress = no_progress,
) -> CalibrationRun:
    """Fit ``person``'s personal parameters to ``labs`` and predict their next labs.

    Parameters
    ----------
    person
        Who, with ``age_y`` at day 0 of the labs' time line (the latest lab when dated).
    labs
        The measured values (:func:`igfaxis.io.read_labs`).

    Other Parameters
    ----------------
    history
        What the person did between labs (:class:`~igfaxis.protocol.History`).
    protocol
        Without ``history``: what the person did throughout (default: a usual day). Give
        one or the other.
    method
        ``"laplace"`` (MAP + Laplace, the fast default) or ``"nuts"`` (full posterior).
    predict
        Days on the labs' time line or ISO dates at which to predict a lab (08:00), under
        the fit's history or protocol, continued (:func:`lab_days`).
    config
        :class:`~igfaxis.calibrate.CalibrationConfig` (default: its defaults).
    progress
        Called around the fit and each prediction, with a label and the labs' span in days
        (:data:`~igfaxis.app.Progress`).

    Returns
    -------
    CalibrationRun

    Raises
    ------
    ProtocolError
        An unknown ``method``; no labs; both ``history`` and ``protocol``; a date to predict
        at when the labs give days, or a day outside the range :func:`lab_days` accepts.
        All checked before anything is fitted.
    """
    method = check_method(method)
    labs = tuple(labs)
    if not labs:
        raise ProtocolError("calibration needs at least one lab; the labs are empty.")
    if history is not None and protocol is not None:
        raise ProtocolError(
            "give a history or a protocol, not both: the protocol is what the person did "
            "throughout when there is no history; with a history, put it in its last segment."
        )
    when = lab_days(predict, labs)
    span = max(lab.day for lab in labs) - min(lab.day for lab in labs)
    label = f"Fitting {len(labs)} lab{'' if len(labs) == 1 else 's'} ({method})"
    with progress(label, span):
        result = calibrate(person, labs, history=history, protocol=protocol, method=method,
                           config=config or CalibrationConfig())  # fmt: skip
    last = max(lab.day for lab in labs)
    with progress("Predicting the next labs", span):
        predictions = tuple(result.predict_labs(list(when))) if when else ()
        window = result.predict_labs([last + k for k in range(1, INFORMATIVE_WINDOW_DAYS + 1)])
    # the rule of CalibrationResult.most_informative_day, on the same predictions
    best = max(p.information for p in window)
    chosen = next(p for p in window if p.information >= best - 1e-9)
    alike = best - min(p.information for p in window) < _SAME_INFORMATION
    until = max([last + INFORMATIVE_WINDOW_DAYS, *(p.day for p in predictions)])
    with progress("Drawing the fitted trajectory", until - min(lab.day for lab in labs)):
        band = _band(result, until)
    return CalibrationRun(result, predictions, chosen, alike, band)


def write_calibration_files(
    run: CalibrationRun, *, out: str | Path | None = None, plot: str | Path | None = None
) -> dict[str, Path]:
    """Write the fit (``out``, JSON) and its figure (``plot``), all or none.

    Returns
    -------
    ``{"fit": path, "plot": path}`` for those given.

    Raises
    ------
    ProtocolError
        ``out`` is not ``.json``, or ``plot`` has a suffix matplotlib cannot write; then
        nothing is written.
    """
    outputs: dict[str, Path] = {}
    if out is not None:
        outputs["fit"] = check_fit_path(out)
    if plot is not None:
        outputs["plot"] = check_plot_path(plot)
    with staged_outputs(*outputs.values()) as temps:  # every file or none
        staged = dict(zip(outputs, temps, strict=True))
        if "fit" in staged:
            staged["fit"].write_text(run.result.to_json(), encoding="utf-8")
        if "plot" in staged:
            plot_fit(run.band, run.result.labs, staged["plot"], predictions=run.predictions,
                     title=_title(run))  # fmt: skip
    return outputs


def _title(run: CalibrationRun) -> str:
    p = run.person
    return (f"IGF-1 fitted to {len(run.result.labs)} labs: {p.age_y:g}-year-old {p.sex} "
            f"({run.result.method})")  # fmt: skip
