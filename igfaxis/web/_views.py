"""What a run's page shows, from its stored result JSON: summary rows, figures, hazard tables.

Pure functions (no database, no request): the stored result is what the CLI's ``--json``
prints for the run's kind (:mod:`igfaxis.app`'s ``simulate_json``, ``compare_json``,
``CalibrationRun.to_dict``, ``PlanRun.to_dict``) plus the figure series the job stored
(``{"t_days", "igf1_ng_ml"[, "low", "high"]}`` per label).
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from igfaxis.errors import ExtrapolationWarning, IgfaxisError
from igfaxis.risk import TARGET_BAND_NG_ML
from igfaxis.web._figures import RangeMark, centile_figure, hazard_rows, trajectory_figure

__all__ = ["Figure", "RunView", "run_view"]


def _num(digits: int) -> Callable[[Any], str]:
    def fmt(v: Any) -> str:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            return "n/a" if v is None or isinstance(v, int | float) else str(v)
        return f"{v:.{digits}f}"

    return fmt


def _pct(v: Any) -> str:
    return f"{100 * v:.0f}%" if isinstance(v, int | float) and math.isfinite(v) else "n/a"


def _text(v: Any) -> str:
    return "n/a" if v is None else str(v)


#: the summary rows shown, in order: key, label (with unit), format
_SUMMARY_ROWS: Final = (
    ("days", "days simulated", _num(1)),
    ("igf1_daily_mean_ng_ml", "IGF-1 daily mean [ng/mL]", _num(1)),
    ("igf1_daily_mean_min_ng_ml", "lowest daily mean IGF-1 [ng/mL]", _num(1)),
    ("igf1_daily_mean_max_ng_ml", "highest daily mean IGF-1 [ng/mL]", _num(1)),
    ("igf1_first_day_mean_ng_ml", "IGF-1 first-day mean [ng/mL]", _num(1)),
    ("igf1_last_day_mean_ng_ml", "IGF-1 last-day mean [ng/mL]", _num(1)),
    ("igf1_min_ng_ml", "lowest IGF-1 [ng/mL]", _num(1)),
    ("igf1_max_ng_ml", "highest IGF-1 [ng/mL]", _num(1)),
    ("mean_gh_ng_ml", "mean GH [ng/mL]", _num(2)),
    ("time_in_band_fraction", "time in the 120-160 ng/mL band", _pct),
    ("time_below_band_fraction", "time below the band", _pct),
    ("time_above_band_fraction", "time above the band", _pct),
    ("mean_sds", "mean SDS (LIFE, age and sex)", _num(2)),
    ("gh_secretory_bursts_per_day", "GH secretory bursts per day", _num(1)),
    ("gh_approximate_entropy", "GH approximate entropy [-]", _num(2)),
    ("resolution", "resolution", _text),
)
_POSTERIOR_KEYS: Final = ("median", "q05", "q95")
#: the largest result shown as JSON text on the page [characters]
_MAX_JSON_CHARS: Final = 200_000


@dataclass(frozen=True)
class Figure:
    """One plotly figure of the page (``id`` is the element's id)."""

    id: str
    title: str
    figure: dict[str, Any]
    caption: str = ""


@dataclass(frozen=True)
class RunView:
    """Everything the result part of a run page shows."""

    labels: tuple[str, ...] = ()
    summary_title: str = "Summary"
    summary_rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    figures: tuple[Figure, ...] = ()
    hazards: tuple[tuple[str, list[dict[str, str]]], ...] = ()
    notes: tuple[str, ...] = ()
    json_text: str = ""
    report: str = ""
    pdf: bool = False
    plan_yaml: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _summaries(kind: str, result: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    if kind == "compare":
        return {
            label: p.get("summary") or {} for label, p in (result.get("protocols") or {}).items()
        }
    if kind == "simulate" and isinstance(result.get("summary"), Mapping):
        return {str(result.get("protocol") or "protocol"): result["summary"]}
    return {}


def _summary_rows(
    summaries: Mapping[str, Mapping[str, Any]],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = []
    for key, label, fmt in _SUMMARY_ROWS:
        if any(key in s for s in summaries.values()):
            rows.append((label, tuple(fmt(s.get(key)) for s in summaries.values())))
    return tuple(rows)


def _posterior_rows(result: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = []
    for name, entry in (result.get("posterior") or {}).items():
        if isinstance(entry, Mapping):
            rows.append((str(name), tuple(_num(3)(entry.get(k)) for k in _POSTERIOR_KEYS)))
    return tuple(rows)


def _next_lab(mi: Any) -> str:
    """The most informative next lab of a calibration, in words (as ``igfaxis calibrate``)."""
    if not isinstance(mi, Mapping) or not isinstance(mi.get("median"), int | float):
        return ""
    when = mi.get("date") or f"day {_num(0)(mi.get('day'))}"
    pred = (
        f"predicted {_num(0)(mi['median'])} ng/mL (90% {_num(0)(mi.get('q05'))}-"
        f"{_num(0)(mi.get('q95'))})"
    )
    if mi.get("all_days_alike"):
        return (
            f"Next lab: every day of the next {mi.get('window_days')} is about as "
            f"informative (unchanged protocol); e.g. {when} at 08:00, {pred}."
        )
    return (
        f"Most informative next lab: {when} at 08:00 ({_num(2)(mi.get('information'))} "
        f"nats about the parameters), {pred}."
    )


def _plan_rows(
    result: Mapping[str, Any],
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The plan against no change: probability in band, time in band, IGF-1 at the end,
    burden (``igfaxis optimize``'s table)."""
    columns = []
    for entry in (result, result.get("baseline")):
        if isinstance(entry, Mapping) and isinstance(entry.get("expected"), Mapping):
            columns.append(entry)
    labels = tuple(str((c.get("protocol") or {}).get("name", "plan")) for c in columns)
    spec = (
        ("p_in_band", "in the band at the last planned lab", _pct),
        ("time_in_band", "time in the band", _pct),
        ("median_end_ng_ml", "median IGF-1 at the end [ng/mL]", _num(0)),
        ("p_above_2sds", "probability above +2 SDS", _pct),
    )
    rows = [
        (label, tuple(fmt(c["expected"].get(key)) for c in columns)) for key, label, fmt in spec
    ]
    rows.append(
        (
            "90% band at the end [ng/mL]",
            tuple(
                "-".join(_num(0)(v) for v in c["expected"].get("band90_end_ng_ml") or ())
                for c in columns
            ),
        )
    )
    for key, label in (
        ("injections_per_week", "injections per week"),
        ("fasting_h_per_week", "fasting [h/week]"),
        ("exercise_h_per_week", "exercise [h/week]"),
    ):
        rows.append((label, tuple(_num(1)((c.get("burden") or {}).get(key)) for c in columns)))
    return labels, tuple(rows)


def _centiles(
    person: Mapping[str, Any], summaries: Mapping[str, Mapping[str, Any]]
) -> Figure | None:
    age, sex = person.get("age_y"), person.get("sex")
    if not isinstance(age, int | float) or sex not in ("female", "male"):
        return None
    marks = []
    for label, s in summaries.items():
        mean = s.get("igf1_daily_mean_ng_ml", s.get("igf1_last_day_mean_ng_ml"))
        lo = s.get("igf1_daily_mean_min_ng_ml", s.get("igf1_min_ng_ml"))
        hi = s.get("igf1_daily_mean_max_ng_ml", s.get("igf1_max_ng_ml"))
        if all(isinstance(v, int | float) for v in (mean, lo, hi)):
            marks.append(RangeMark(label, float(age), float(mean), float(lo), float(hi)))
    if not marks:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        fig = centile_figure(
            str(sex),
            [float(age)],
            ranges=marks,
            title="Predicted IGF-1 against the LIFE reference centiles",
        )
    return Figure(
        "centile-plot",
        "Centiles",
        fig,
        "Diamonds: each protocol's mean with its lowest and highest daily mean, at the "
        "person's age; lines: the LIFE reference's 2.5th, 50th and 97.5th "
        "percentiles by age for the person's sex.",
    )


def _trajectory(figure: Any) -> Figure | None:
    """The trajectory figure of the stored ``figure`` (``series``: label -> ``t_days``,
    ``igf1_ng_ml``, optional ``low``/``high``; ``band_ng_ml``; ``labs``: measured points)."""
    if not isinstance(figure, Mapping) or not isinstance(figure.get("series"), Mapping):
        return None
    band = figure.get("band_ng_ml")
    band_ng_ml = (
        (float(band[0]), float(band[1]))
        if isinstance(band, list) and len(band) == 2
        else TARGET_BAND_NG_ML
    )
    labs = [p for p in figure.get("labs") or () if isinstance(p, Mapping)]
    try:
        fig = trajectory_figure(figure["series"], band_ng_ml=band_ng_ml, labs=labs)
    except (KeyError, TypeError, ValueError):  # a result stored by another version
        return None
    return Figure(
        "trajectory-plot",
        "Trajectory",
        fig,
        "Predicted total IGF-1; shaded around a line: its "
        "posterior 5th-95th percentile band (a fitted person); red dots: measured "
        "labs; green: the target band.",
    )


def run_view(
    kind: str,
    result: Mapping[str, Any] | None,
    *,
    person: Mapping[str, Any] | None = None,
    pdf: bool = False,
) -> RunView | None:
    """The result part of a run page (``None`` before the run is done).

    Parameters
    ----------
    kind
        ``"simulate"``, ``"compare"``, ``"calibrate"`` or ``"optimize"``.
    result
        The stored result JSON.

    Other Parameters
    ----------------
    person
        The person's fields the run used (for the centile chart); default the result's
        ``person``.
    pdf
        Whether a PDF report can be printed (Chromium is installed).
    """
    if result is None:
        return None
    person = person or result.get("person") or {}
    summaries = _summaries(kind, result)
    figures: list[Figure] = []
    trajectory = _trajectory(result.get("figure"))
    if trajectory is not None:
        figures.append(trajectory)
    try:
        centiles = _centiles(person, summaries)
    except IgfaxisError:
        centiles = None
    if centiles is not None:
        figures.append(centiles)
    hazards: list[tuple[str, list[dict[str, str]]]] = []
    if kind == "compare":
        for label, p in (result.get("protocols") or {}).items():
            rows = hazard_rows(p.get("score") or {})
            if rows:
                hazards.append((str(label), rows))
    elif isinstance(result.get("score"), Mapping):
        hazards.append(("", hazard_rows(result["score"])))
    labels = tuple(summaries)
    rows = _summary_rows(summaries)
    title = "Summary"
    notes = [*(result.get("warnings") or ()), *(result.get("notes") or ())]
    plan_yaml = ""
    if kind == "calibrate":
        labels, rows = ("median", "5th percentile", "95th percentile"), _posterior_rows(result)
        title = "Posterior of the personal parameters (multipliers of the average person)"
        notes = [_next_lab(result.get("most_informative")), *notes]
    elif kind == "optimize":
        labels, rows = _plan_rows(result)
        title = "Plan against no change"
        notes = [*(result.get("explanation") or ()), *notes]
        if isinstance(result.get("plan_protocol"), Mapping):
            import yaml

            plan_yaml = yaml.safe_dump(
                dict(result["plan_protocol"]), sort_keys=False, allow_unicode=True
            )
            if result.get("plan_note"):
                plan_yaml = f"# {result['plan_note']}\n{plan_yaml}"
    message = result.get("message")
    if kind in ("calibrate", "optimize") and isinstance(message, str) and message:
        notes = [message, *notes]
    notes = [str(n) for n in notes if n]
    text = json.dumps(result, indent=1, allow_nan=False, default=str)
    if len(text) > _MAX_JSON_CHARS:
        text = text[:_MAX_JSON_CHARS] + "\n... (cut; the API's GET /api/v1/runs/{id} has it all)"
    report = ""
    if kind in ("simulate", "compare"):
        report = labels[0] if labels else "the protocol"
    return RunView(
        labels=labels,
        summary_title=title,
        plan_yaml=plan_yaml,
        summary_rows=rows,
        figures=tuple(figures),
        hazards=tuple(hazards),
        notes=tuple(notes),
        json_text=text,
        report=report,
        pdf=pdf,
    )
