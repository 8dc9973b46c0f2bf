"""Plotly figures of the pages, as plain JSON-ready dicts (``{"data": [...], "layout": {...}}``).

Pure functions from stored values (labs, a run's result JSON) to figure specifications;
the browser draws them with the packaged plotly.js (``static/app.js`` calls
``Plotly.newPlot``), so that nothing is fetched from a CDN. The reference centiles are
the LIFE IGF-1 reference of :mod:`igfaxis.risk` (BCPE by age and sex; Friedrich 2014 as
packaged in ``igfaxis/data``): the lines at the 2.5th, 50th and 97.5th percentile.

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from igfaxis.risk import TARGET_BAND_NG_ML, centile_value, reference_table

__all__ = [
    "CENTILES",
    "CentilePoint",
    "RangeMark",
    "centile_figure",
    "hazard_rows",
    "trajectory_figure",
]

#: percentiles drawn as reference lines [%]
CENTILES: Final = (2.5, 50.0, 97.5)
#: the reference is drawn this far either side of the person's ages [years]
_AGE_MARGIN_Y: Final = 5.0
#: age grid step of the centile lines [years]
_AGE_STEP_Y: Final = 0.25
_COLOURS: Final = ("#1f6fb2", "#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#66a61e")
_BAND_FILL: Final = "rgba(44, 160, 44, 0.12)"
_REF_FILL: Final = "rgba(120, 130, 150, 0.15)"
_NOTE: Final = "Model predictions and published associations, not medical advice."


@dataclass(frozen=True)
class CentilePoint:
    """A measured value on the centile chart: ``igf1_ng_ml`` [ng/mL] at ``age_y`` [years]."""

    age_y: float
    igf1_ng_ml: float
    label: str = ""


@dataclass(frozen=True)
class RangeMark:
    """A predicted range on the centile chart, drawn at ``age_y`` [years]: the mean and
    the lowest/highest daily mean IGF-1 [ng/mL] of one protocol."""

    label: str
    age_y: float
    mean_ng_ml: float
    low_ng_ml: float
    high_ng_ml: float


def _finite(values: Iterable[Any]) -> list[float | None]:
    """Floats for plotly; a missing or non-finite value becomes a gap (``None``)."""
    out: list[float | None] = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            out.append(None)
            continue
        out.append(f if math.isfinite(f) else None)
    return out


def _age_grid(ages: Sequence[float]) -> list[float]:
    lo_table, hi_table = reference_table("igf1").age_range_y
    lo = max(lo_table, min(ages) - _AGE_MARGIN_Y)
    hi = min(hi_table, max(ages) + _AGE_MARGIN_Y)
    if hi <= lo:  # an age outside the table: draw the table's nearest five years
        lo, hi = (
            (lo_table, lo_table + 2 * _AGE_MARGIN_Y)
            if hi <= lo_table
            else (hi_table - 2 * _AGE_MARGIN_Y, hi_table)
        )
    n = max(2, round((hi - lo) / _AGE_STEP_Y) + 1)
    return [float(a) for a in np.linspace(lo, hi, n)]


def _layout(title: str, x_title: str, y_title: str) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 15}},
        "xaxis": {"title": {"text": x_title, "standoff": 4}, "zeroline": False, "automargin": True},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "margin": {"l": 56, "r": 16, "t": 48, "b": 110},
        # at the foot of the figure, below the x-axis title, on any width (a phone's too)
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "hovermode": "closest",
        "annotations": [
            {
                "text": _NOTE,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10, "color": "#5b6577"},
            },
        ],
    }


def centile_figure(
    sex: str,
    ages_y: Sequence[float],
    *,
    points: Sequence[CentilePoint] = (),
    ranges: Sequence[RangeMark] = (),
    title: str = "IGF-1 against the LIFE reference centiles",
) -> dict[str, Any]:
    """The LIFE IGF-1 centile lines (2.5th, 50th, 97.5th) by age for ``sex``, with measured
    values (``points``) and predicted ranges (``ranges``).

    Parameters
    ----------
    sex
        ``"female"`` or ``"male"``.
    ages_y
        The ages the chart must show [years]; the lines run 5 years either side, within
        the reference's age range.

    Other Parameters
    ----------------
    points
        Measured IGF-1, drawn as markers.
    ranges
        Predicted IGF-1 of protocols, drawn as a marker with an error bar (lowest and
        highest daily mean).
    title
        The chart's title.

    Returns
    -------
    A plotly figure ``{"data", "layout"}`` of plain JSON values.
    """
    ages = [float(a) for a in ages_y] or [40.0]
    ages += [p.age_y for p in points] + [r.age_y for r in ranges]
    grid = _age_grid(ages)
    lines = {c: [centile_value(c, a, sex, scale="percentile") for a in grid] for c in CENTILES}
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": grid,
            "y": lines[CENTILES[0]],
            "name": f"{CENTILES[0]:g}th percentile",
            "line": {"color": "#8a93a6", "dash": "dot"},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": grid,
            "y": lines[CENTILES[-1]],
            "name": f"{CENTILES[-1]:g}th percentile",
            "fill": "tonexty",
            "fillcolor": _REF_FILL,
            "line": {"color": "#8a93a6", "dash": "dot"},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": grid,
            "y": lines[50.0],
            "name": "median (LIFE)",
            "line": {"color": "#5b6577"},
        },
    ]
    if points:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "measured",
                "x": [p.age_y for p in points],
                "y": _finite(p.igf1_ng_ml for p in points),
                "text": [p.label for p in points],
                "marker": {"size": 10, "color": "#a3231a", "symbol": "circle"},
            }
        )
    for i, r in enumerate(ranges):
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": r.label,
                "x": [r.age_y],
                "y": _finite([r.mean_ng_ml]),
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": _finite([r.high_ng_ml - r.mean_ng_ml]),
                    "arrayminus": _finite([r.mean_ng_ml - r.low_ng_ml]),
                },
                "marker": {"size": 11, "color": _COLOURS[i % len(_COLOURS)], "symbol": "diamond"},
            }
        )
    sex_word = "women" if str(sex).lower().startswith("f") else "men"
    layout = _layout(f"{title} ({sex_word})", "age [years]", "total IGF-1 [ng/mL]")
    return {"data": data, "layout": layout}


def _days(entry: Mapping[str, Any]) -> list[float | None]:
    if "t_days" in entry:
        return _finite(entry["t_days"])
    if "day" in entry:
        return _finite(entry["day"])
    if "times_h" in entry:
        return [None if h is None else h / 24.0 for h in _finite(entry["times_h"])]
    raise KeyError("a series needs `t_days`, `day` or `times_h`")


def trajectory_figure(
    series: Mapping[str, Mapping[str, Any]],
    *,
    band_ng_ml: tuple[float, float] = TARGET_BAND_NG_ML,
    labs: Sequence[Mapping[str, Any]] = (),
    title: str = "Predicted total IGF-1",
) -> dict[str, Any]:
    """IGF-1 over time of one or more protocols, with each one's band when it has one.

    Parameters
    ----------
    series
        Label -> ``{"t_days" (or "day", or "times_h"), "igf1_ng_ml", optionally "low" and
        "high"}`` (the band's edges, e.g. the posterior 5th and 95th percentiles), all
        lists of equal length [days, hours, ng/mL].

    Other Parameters
    ----------------
    band_ng_ml
        The target band shaded behind the lines [ng/mL].
    labs
        Measured values ``{"t_days", "igf1_ng_ml", "label"}``, drawn as markers.
    title
        The chart's title.

    Returns
    -------
    A plotly figure ``{"data", "layout"}`` of plain JSON values.
    """
    data: list[dict[str, Any]] = []
    x_all: list[float] = []
    for i, (label, entry) in enumerate(series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        x = _days(entry)
        x_all += [v for v in x if v is not None]
        if entry.get("low") is not None and entry.get("high") is not None:
            fill = colour + "33"  # the line's colour at 20% opacity (#RRGGBBAA)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": _finite(entry["low"]),
                    "line": {"width": 0, "color": colour},
                    "showlegend": False,
                    "hoverinfo": "skip",
                    "legendgroup": label,
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": x,
                    "y": _finite(entry["high"]),
                    "line": {"width": 0, "color": colour},
                    "fill": "tonexty",
                    "fillcolor": fill,
                    "name": f"{label}: band",
                    "legendgroup": label,
                }
            )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": x,
                "y": _finite(entry["igf1_ng_ml"]),
                "name": label,
                "line": {"color": colour, "width": 2},
                "legendgroup": label,
            }
        )
    if labs:
        x = _finite(p.get("t_days") for p in labs)
        x_all += [v for v in x if v is not None]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "measured",
                "x": x,
                "y": _finite(p.get("igf1_ng_ml") for p in labs),
                "text": [str(p.get("label", "")) for p in labs],
                "marker": {"size": 10, "color": "#a3231a"},
            }
        )
    layout = _layout(title, "day", "total IGF-1 [ng/mL]")
    lo, hi = band_ng_ml
    if x_all:
        layout["shapes"] = [
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": min(x_all),
                "x1": max(x_all),
                "y0": lo,
                "y1": hi,
                "fillcolor": _BAND_FILL,
                "line": {"width": 0},
                "layer": "below",
            },
        ]
        layout["annotations"].append(
            {
                "text": f"target band {lo:g}-{hi:g} ng/mL",
                "xref": "paper",
                "yref": "y",
                "x": 1.0,
                "xanchor": "right",
                "y": hi,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 10, "color": "#1d6b33"},
            }
        )
    return {"data": data, "layout": layout}


def hazard_rows(score: Mapping[str, Any]) -> list[dict[str, str]]:
    """The hazard table of a run's score (``TrajectoryScore.to_dict()``): one row per
    curve with its outcome, the ratio with its 95% interval, the evidence and the source.

    Missing fields read as empty text; a ratio that is not a finite number reads "n/a".
    """

    def num(v: Any) -> str:
        try:
            f = float(v)
        except (TypeError, ValueError):
            return "n/a"
        return f"{f:.2f}" if math.isfinite(f) else "n/a"

    rows = []
    for hr in score.get("hazard_ratios") or ():
        rows.append(
            {
                "outcome": str(hr.get("outcome", "")),
                "use": str(hr.get("use", "")),
                "measure": str(hr.get("measure", "HR")),
                "ratio": num(hr.get("hr")),
                "interval": f"{num(hr.get('low'))}-{num(hr.get('high'))}",
                "cite": str(hr.get("cite", "")),
                "source": str(hr.get("source", "")),
                "evidence": str(hr.get("evidence", "")),
                "assumption": str(hr.get("assumption", "")),
            }
        )
    return rows
