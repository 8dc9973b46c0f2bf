"""Static figures of simulated trajectories (PNG, SVG, PDF: whatever the suffix says).

matplotlib is imported when a figure is drawn, and only its object-oriented API is used
(``Figure`` rendered by the Agg canvas): no pyplot, no global backend switch, no state left
behind in the caller's process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.risk import TARGET_BAND_NG_ML, ReferenceTable, centile_value, reference_table

if TYPE_CHECKING:
    from igfaxis.io.labs import LabValue
    from igfaxis.optimize import OptimizationResult, TitrationResult
    from igfaxis.simulate import Trajectory

__all__ = [
    "Band",
    "BandPoint",
    "CentilePoint",
    "check_plot_path",
    "plot_centiles",
    "plot_compare",
    "plot_fit",
    "plot_plan",
    "plot_titration",
    "plot_titrations",
    "plot_trajectory",
]

FOOTER: Final = "Model prediction, not medical advice"

_GH: Final = "gh_ng_ml"
_IGF1: Final = "igf1_total_ng_ml"
_BAND_COLOUR: Final = "#2ca02c"
_DPI: Final = 150


def _plain(text: str) -> str:
    """``text`` shown as written: a ``$`` would start matplotlib's math text (and a
    protocol name such as ``"$5 $x^"`` would fail to draw)."""
    return text.replace("$", r"\$")


def check_plot_path(path: str | Path) -> Path:
    """``path`` as a :class:`~pathlib.Path` if matplotlib can write its format (suffix).

    Call it before simulating, so that a wrong suffix fails fast and writes nothing.

    Raises
    ------
    ProtocolError
        The suffix names no format matplotlib writes (e.g. ``.xyz``, or none).
    """
    from matplotlib.backend_bases import FigureCanvasBase

    out = Path(path)
    formats = FigureCanvasBase.get_supported_filetypes()
    if out.suffix.lower().lstrip(".") not in formats:
        raise ProtocolError(
            f"the figure file {short_repr(str(out))} must end in one of "
            f"{', '.join('.' + f for f in sorted(formats))} (the suffix picks the format); "
            "e.g. plot.png."
        )
    return out


def _new_figure(n_rows: int, height_in: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.0, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    fig.subplots(n_rows, 1, sharex=True, squeeze=False)
    return fig


def _shade_band(
    ax: Any, band: tuple[float, float] | None = None, label: str | None = None
) -> tuple[float, float]:
    """Shade ``band`` (default: the 120-160 ng/mL band) and return it."""
    low, high = band if band is not None else TARGET_BAND_NG_ML
    if label is None:
        label = f"{low:g}-{high:g} ng/mL band (lowest mortality, Rahmani 2022)"
    ax.axhspan(low, high, color=_BAND_COLOUR, alpha=0.15, lw=0, label=_plain(label))
    return low, high


def _save(fig: Any, path: str | Path) -> Path:
    fig.text(
        0.995, 0.005, FOOTER, ha="right", va="bottom", fontsize=8, color="0.35", style="italic"
    )
    out = check_plot_path(path)
    with staged_outputs(out) as (tmp,):
        fig.savefig(tmp, dpi=_DPI, format=out.suffix.lower().lstrip("."))
    return out


def plot_trajectory(traj: Trajectory, path: str | Path, *, title: str | None = None) -> Path:
    """Draw GH and total IGF-1 of one run, with the IGF-1 target band, and save it.

    Parameters
    ----------
    traj
        A simulated :class:`~igfaxis.simulate.Trajectory`.
    path
        Output file; the suffix picks the format (``.png``, ``.svg``, ``.pdf``).

    Other Parameters
    ----------------
    title
        Figure title; defaults to the protocol name from the trajectory's metadata.

    Returns
    -------
    The path written.
    """
    hours = traj.days < 2.0
    x = traj.times_h if hours else traj.times_h / 24.0
    fig = _new_figure(2, 6.0)
    ax_gh, ax_igf = fig.axes
    ax_gh.plot(x, traj[_GH], color="#1f77b4", lw=0.8)
    ax_gh.set_ylabel("GH [ng/mL]")
    ax_gh.set_ylim(bottom=0.0)
    daily = traj.resolution == "day"  # one mean per day: the bursts are averaged out
    ax_gh.set_title("Serum growth hormone, daily mean (day resolution)" if daily
                    else "Serum growth hormone (pulsatile)", loc="left", fontsize=10)  # fmt: skip

    igf1 = traj[_IGF1]
    _shade_band(ax_igf)
    ax_igf.plot(x, igf1, color="#d62728", lw=1.2, label="total IGF-1")
    low, high = TARGET_BAND_NG_ML
    span = [min(float(igf1.min()), low), max(float(igf1.max()), high)]
    pad = 0.1 * (span[1] - span[0])
    ax_igf.set_ylim(max(0.0, span[0] - pad), span[1] + pad)
    ax_igf.set_ylabel("total IGF-1 [ng/mL]")
    ax_igf.set_title("Serum total IGF-1, daily mean" if daily else "Serum total IGF-1",
                     loc="left", fontsize=10)  # fmt: skip
    ax_igf.legend(loc="best", fontsize=8, frameon=False)
    ax_igf.set_xlabel("time [h]" if hours else "time [days]")
    ax_igf.set_xlim(float(x[0]), float(x[-1]))
    if hours:  # clock-like ticks: every 3 h for one day, every 6 h for two
        ax_igf.xaxis.get_major_locator().set_params(steps=[3, 6])
    for ax in fig.axes:
        ax.grid(alpha=0.3, lw=0.5)
    name = traj.metadata.get("protocol", {}).get("name", "simulation")
    fig.suptitle(_plain(title if title is not None else name), fontsize=12)
    return _save(fig, path)


def plot_compare(
    trajs: Mapping[str, Trajectory],
    path: str | Path,
    *,
    title: str | None = None,
    band: tuple[float, float] | None = None,
    band_label: str | None = None,
) -> Path:
    """Overlay the daily mean total IGF-1 of several runs, with the target band, and save it.

    Parameters
    ----------
    trajs
        Label -> trajectory; each must cover at least one whole day.
    path
        Output file; the suffix picks the format.

    Other Parameters
    ----------------
    title
        Figure title.
    band, band_label
        The band to shade [ng/mL] and its legend text (default: 120-160 ng/mL, the band of
        lowest all-cause mortality).

    Returns
    -------
    The path written.

    Raises
    ------
    ProtocolError
        ``trajs`` is empty, or a trajectory is shorter than one day.
    """
    if not trajs:
        raise ProtocolError("`trajs` must hold at least one labelled trajectory; got none.")
    fig = _new_figure(1, 4.5)
    (ax,) = fig.axes
    low, high = _shade_band(ax, band, band_label)
    lows, highs = [low], [high]
    n_days = 1
    for label, traj in trajs.items():
        daily = traj.daily_mean(_IGF1)
        if daily.size == 0:
            raise ProtocolError(
                f"trajectory {label!r} covers {traj.days:g} days; daily means need at least "
                "one whole day. Simulate with `days >= 1`."
            )
        days = np.arange(1, daily.size + 1)
        ax.plot(days, daily, marker="o", ms=3.5, lw=1.5, label=_plain(label))
        n_days = max(n_days, daily.size)
        lows.append(float(daily.min()))
        highs.append(float(daily.max()))
    pad = 0.1 * (max(highs) - min(lows))
    ax.set_ylim(max(0.0, min(lows) - pad), max(highs) + pad)
    ax.set_xlim(0.5, n_days + 0.5)
    ax.set_xlabel("day")
    ax.set_ylabel("daily mean total IGF-1 [ng/mL]")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="best", fontsize=8, frameon=False)
    fig.suptitle(_plain(title if title is not None else "Daily mean IGF-1"), fontsize=12)
    return _save(fig, path)


@dataclass(frozen=True)
class CentilePoint:
    """One IGF-1 value to mark on the centile chart.

    Attributes
    ----------
    age_y
        Age at the value [y].
    igf1_ng_ml
        Total IGF-1 [ng/mL].
    label
        Legend text, e.g. ``"lab 2024-03-04"``.
    kind
        ``"lab"`` (measured, circles) or ``"model"`` (simulated, a diamond).
    """

    age_y: float
    igf1_ng_ml: float
    label: str
    kind: str = "lab"


#: SDS of the centile lines and their percentiles
_CENTILES: Final = ((-2.0, "2.3rd"), (-1.0, "16th"), (0.0, "50th"), (1.0, "84th"), (2.0, "97.7th"))


def plot_centiles(
    sex: str,
    points: Sequence[CentilePoint],
    path: str | Path,
    *,
    reference: ReferenceTable | None = None,
    min_age_y: float = 18.0,
    title: str | None = None,
) -> Path:
    """Draw the age/sex centile curves of total IGF-1, the band, and the person's values.

    Parameters
    ----------
    sex
        ``"male"`` or ``"female"``.
    points
        Values to mark (labs and the simulated mean); may be empty.
    path
        Output file; the suffix picks the format.

    Other Parameters
    ----------------
    reference
        Reference table (default: LIFE). Beyond its oldest age the curves continue flat,
        dashed, as the extrapolated oldest reference.
    min_age_y
        Youngest age drawn [y] (lowered to the youngest point).
    title
        Figure title.

    Returns
    -------
    The path written.
    """
    table = reference if reference is not None else reference_table("igf1")
    oldest = table.age_range_y[1]
    ages_pts = [p.age_y for p in points]
    lo_age = min([min_age_y, *ages_pts]) if ages_pts else min_age_y
    hi_age = max([oldest, *[a + 2.0 for a in ages_pts]]) if ages_pts else oldest
    ages = np.linspace(max(lo_age, table.age_range_y[0]), oldest, 200)
    fig = _new_figure(1, 4.8)
    (ax,) = fig.axes
    _shade_band(ax)
    for z, name in _CENTILES:
        y = [centile_value(z, a, sex, reference=table) for a in ages]
        style = {"color": "0.2", "lw": 1.6 if z == 0.0 else 0.9, "ls": "-" if z == 0.0 else "--"}
        ax.plot(ages, y, **style)
        ax.text(ages[-1], y[-1], f" {name}", va="center", fontsize=7, color="0.3")
        if hi_age > oldest:
            ax.plot([oldest, hi_age], [y[-1], y[-1]], color="0.6", lw=0.8, ls=":")
    for kind, marker, colour in (("lab", "o", "#1f77b4"), ("model", "D", "#d62728")):
        sel = [p for p in points if p.kind == kind]
        for k, p in enumerate(sel):
            ax.plot(
                [p.age_y],
                [p.igf1_ng_ml],
                marker=marker,
                ms=7,
                color=colour,
                ls="none",
                label=(
                    ("measured (labs)" if kind == "lab" else _plain(p.label)) if k == 0 else None
                ),
                zorder=5,
            )
    ax.set_xlim(lo_age, hi_age + 4.0)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("age [years]")
    ax.set_ylabel("total IGF-1 [ng/mL]")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_title(
        f"Reference centiles ({sex}, table {table.name!r}); dotted: beyond {oldest:g} y, "
        "extrapolated",
        loc="left",
        fontsize=9,
    )
    fig.suptitle(_plain(title if title is not None else "IGF-1 for age and sex"), fontsize=12)
    return _save(fig, path)


@dataclass(frozen=True, eq=False)
class Band:
    """A daily series with its posterior quantiles: what :func:`plot_fit` draws.

    Attributes
    ----------
    day
        Days on the labs' time line [days] (0: the latest dated lab, or day 0 of day-only
        labs).
    q05, q25, q50, q75, q95
        Quantiles of the daily-mean total IGF-1 over posterior draws [ng/mL], one per day.
    origin_date
        The date of day 0 when the labs are dated (the x axis then shows dates), else
        ``None``.
    start_day
        The day a new protocol starts (drawn as a dashed line), or ``None``.
    protocol
        The name of that protocol, for the legend.
    """

    day: np.ndarray
    q05: np.ndarray
    q25: np.ndarray
    q50: np.ndarray
    q75: np.ndarray
    q95: np.ndarray
    origin_date: dt.date | None = None
    start_day: float | None = None
    protocol: str | None = None

    def at(self, day: float) -> dict[str, float]:
        """The five quantiles at ``day`` (linear between days) [ng/mL]."""
        return {q: float(np.interp(day, self.day, getattr(self, q)))
                for q in ("q05", "q25", "q50", "q75", "q95")}  # fmt: skip


@dataclass(frozen=True)
class BandPoint:
    """A predicted lab with its intervals (:class:`igfaxis.calibrate.LabPrediction`).

    Attributes
    ----------
    day
        Day on the labs' time line [days].
    median, q05, q25, q75, q95
        Posterior-predictive median and quantiles of the lab, measurement noise included
        [ng/mL].
    """

    day: float
    median: float
    q05: float
    q25: float
    q75: float
    q95: float


def _x(days: Any, origin: dt.date | None) -> Any:
    """Days as matplotlib x values: dates from ``origin`` (numpy datetime64), else days."""
    d = np.asarray(days, dtype=float)
    if origin is None:
        return d
    return np.datetime64(origin, "D") + np.rint(d).astype("timedelta64[D]")


def plot_fit(
    band: Band,
    labs: Sequence[LabValue],
    path: str | Path,
    *,
    predictions: Sequence[BandPoint] = (),
    title: str | None = None,
) -> Path:
    """Draw a person's labs with the fitted daily-mean IGF-1 trajectory and its bands.

    The fitted trajectory is the posterior median of the daily-mean total IGF-1, shaded with
    its 50% and 90% bands (model uncertainty: the spread of the personal parameters); the
    measured labs are points; predicted labs are drawn with their 50% (thick) and 90% (thin)
    intervals, which include the measurement noise (what a next lab would read).

    Parameters
    ----------
    band
        The fitted trajectory (:class:`Band`).
    labs
        The measured values (:class:`igfaxis.io.labs.LabValue`).
    path
        Output file; the suffix picks the format.

    Other Parameters
    ----------------
    predictions
        Predicted labs (:class:`BandPoint` or anything with the same attributes).
    title
        Figure title.

    Returns
    -------
    The path written.
    """
    origin = band.origin_date
    fig = _new_figure(1, 4.8)
    (ax,) = fig.axes
    _shade_band(ax)
    x = _x(band.day, origin)
    ax.fill_between(x, band.q05, band.q95, color="#d62728", alpha=0.15, lw=0,
                    label="fitted, 90% band")  # fmt: skip
    ax.fill_between(x, band.q25, band.q75, color="#d62728", alpha=0.3, lw=0,
                    label="fitted, 50% band")  # fmt: skip
    ax.plot(x, band.q50, color="#d62728", lw=1.5, label="fitted daily mean IGF-1 (median)")
    lows = [float(np.min(band.q05)), TARGET_BAND_NG_ML[0]]
    highs = [float(np.max(band.q95)), TARGET_BAND_NG_ML[1]]
    if labs:
        values = [lab.igf1_ng_ml for lab in labs]
        ax.plot(_x([lab.day for lab in labs], origin), values, "o", ms=7, color="#1f77b4",
                label="measured IGF-1 (labs)", zorder=5)  # fmt: skip
        lows.append(min(values))
        highs.append(max(values))
    if predictions:
        px = _x([p.day for p in predictions], origin)
        med = np.array([p.median for p in predictions])
        q05, q95 = [p.q05 for p in predictions], [p.q95 for p in predictions]
        ax.vlines(px, q05, q95, color="#9467bd", lw=1.2, zorder=4)
        ax.vlines(px, [p.q25 for p in predictions], [p.q75 for p in predictions],
                  color="#9467bd", lw=3.5, zorder=4)  # fmt: skip
        lows.append(min(q05))
        highs.append(max(q95))
        ax.plot(px, med, "D", ms=6, color="#9467bd", zorder=6,
                label="predicted lab (median, 50% and 90% intervals)")  # fmt: skip
    if band.start_day is not None:
        ax.axvline(_x([band.start_day], origin)[0], color="0.4", lw=0.9, ls="--",
                   label=_plain(f"from here: {band.protocol}" if band.protocol
                                else "protocol starts"))  # fmt: skip
    pad = 0.1 * (max(highs) - min(lows))
    ax.set_ylim(max(0.0, min(lows) - pad), max(highs) + pad)
    days = [float(band.day[0]), float(band.day[-1]), *(p.day for p in predictions)]
    pad_days = 0.03 * (max(days) - min(days)) + 1.0
    ax.set_xlim(*_x([min(days) - pad_days, max(days) + pad_days], origin))
    ax.set_xlabel("date" if origin is not None else "day on the labs' time line [days]")
    ax.set_ylabel("total IGF-1 [ng/mL]")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="best", fontsize=7, frameon=False)
    ax.set_title("Bands: spread of the fitted personal parameters; predicted labs also "
                 "include the measurement noise", loc="left", fontsize=8)  # fmt: skip
    fig.suptitle(_plain(title if title is not None else "IGF-1 fitted to the labs"),
                 fontsize=12)  # fmt: skip
    return _save(fig, path)


#: colours of the plan and of no change in :func:`plot_plan`
_PLAN_COLOUR: Final = "#d62728"
_BASELINE_COLOUR: Final = "#7f7f7f"


def _signed(value: float) -> str:
    return "0" if value == 0 else f"{value:+g}"


def _target_text(result: OptimizationResult) -> str:
    """``IGF-1 SDS 0 to +1 (141-174 ng/mL)`` or ``IGF-1 120-160 ng/mL``."""
    t, (low, high) = result.target, result.band_ng_ml
    if t.kind == "ng_ml":
        return f"IGF-1 {low:g}-{high:g} ng/mL"
    return f"IGF-1 SDS {_signed(t.low)} to {_signed(t.high)} ({low:.0f}-{high:.0f} ng/mL)"


def plot_plan(
    result: OptimizationResult,
    path: str | Path,
    *,
    labs: Sequence[LabValue] = (),
    origin_date: dt.date | None = None,
    title: str | None = None,
) -> Path:
    """Draw the best plan against no change: daily-mean IGF-1 over the horizon, median and
    90% band over the posterior draws, the target band, the planned labs and the person's
    labs.

    Parameters
    ----------
    result
        What :func:`igfaxis.optimize.optimize` found; ``best`` and ``baseline`` carry their
        daily-mean trajectories (``day`` on the labs' time line, quantiles ``q05`` to
        ``q95`` [ng/mL]).
    path
        Output file; the suffix picks the format.

    Other Parameters
    ----------------
    labs
        The measured labs of the fit (points); may be empty (the population prior).
    origin_date
        The date of day 0 when the labs are dated (the x axis then shows dates).
    title
        Figure title; default: the target and the plan's probability of being in band at
        the last planned lab.

    Returns
    -------
    The path written.

    Raises
    ------
    ProtocolError
        An outcome without a trajectory.
    """
    best, base = result.best, result.baseline
    for name, o in (("best", best), ("baseline", base)):
        if len(o.trajectory.get("day", ())) == 0:
            raise ProtocolError(
                f"`result.{name}` has no trajectory to draw; pass the result of "
                "`igfaxis.optimize.optimize` as it was returned."
            )
    fig = _new_figure(1, 5.0)
    (ax,) = fig.axes
    low, high = result.band_ng_ml
    ax.axhspan(low, high, color=_BAND_COLOUR, alpha=0.15, lw=0,
               label=_plain(f"target: {_target_text(result)}"))
    lows, highs = [low], [high]
    for o, colour, name in ((base, _BASELINE_COLOUR, "no change"),
                            (best, _PLAN_COLOUR, f"plan: {best.protocol.name}")):  # fmt: skip
        t = o.trajectory
        x = _x(t["day"], origin_date)
        ax.fill_between(x, t["q05"], t["q95"], color=colour, alpha=0.18, lw=0)
        ax.plot(x, t["q50"], color=colour, lw=1.6,
                label=_plain(f"{name}: median, 90% band"))  # fmt: skip
        lows.append(float(np.min(t["q05"])))
        highs.append(float(np.max(t["q95"])))
    for k, (day, p) in enumerate(zip(best.lab_days, best.p_in_band, strict=True)):
        xd = _x([day], origin_date)[0]
        ax.axvline(xd, color="0.45", lw=0.8, ls=":",
                   label="planned lab (P in band with the plan)" if k == 0 else None)
        ax.annotate(f"{p:.0%}", (xd, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(0, -10), textcoords="offset points", ha="center", fontsize=7,
                    color=_PLAN_COLOUR)  # fmt: skip
    days = [float(best.trajectory["day"][0]), float(best.trajectory["day"][-1])]
    if labs:
        values = [lab.igf1_ng_ml for lab in labs]
        ax.plot(_x([lab.day for lab in labs], origin_date), values, "o", ms=7, color="#1f77b4",
                label="measured IGF-1 (labs)", zorder=5)  # fmt: skip
        lows.append(min(values))
        highs.append(max(values))
        days.append(min(lab.day for lab in labs))
    pad = 0.1 * (max(highs) - min(lows))
    ax.set_ylim(max(0.0, min(lows) - pad), max(highs) + 1.8 * pad)
    pad_days = 0.02 * (max(days) - min(days)) + 1.0
    ax.set_xlim(*_x([min(days) - pad_days, max(days) + pad_days], origin_date))
    ax.set_xlabel("date" if origin_date is not None else "day on the labs' time line [days]")
    ax.set_ylabel("daily mean total IGF-1 [ng/mL]")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="upper left", fontsize=7, frameon=True, framealpha=0.85, edgecolor="none")
    basis = "fitted to the labs" if result.from_labs else "population prior (no labs)"
    ax.set_title(f"Bands: 90% of the posterior draws ({basis}); no change "
                 f"in band {result.baseline.p_success:.0%}", loc="left", fontsize=8)  # fmt: skip
    default = (f"Plan for {_target_text(result)}: in band at the last planned lab with "
               f"probability {best.p_success:.0%}")  # fmt: skip
    fig.suptitle(_plain(title if title is not None else default), fontsize=11)
    return _save(fig, path)


def plot_titration(result: TitrationResult, path: str | Path, *,
                   title: str | None = None) -> Path:  # fmt: skip
    """Draw a virtual clinic's titration: the labs (as drawn, with noise) and the person's
    model IGF-1 at each visit against the target band (top), the dose taken (bottom).

    Parameters
    ----------
    result
        What :func:`igfaxis.optimize.titrate` returned.
    path
        Output file; the suffix picks the format.
    title
        Figure title; default: the rule, the weeks to the first lab in band and the final
        dose.
    """
    person = result.person
    visits = result.visits
    weeks = np.array([v.day / 7.0 for v in visits])
    fig = _new_figure(2, 6.0)
    ax, axd = fig.axes
    ages = person.age_y + np.array([v.day for v in visits]) / 365.25
    lows = [centile_value(result.target.low, a, person.sex) if result.target.kind == "sds"
            else result.target.low for a in ages]  # fmt: skip
    highs = [centile_value(result.target.high, a, person.sex) if result.target.kind == "sds"
             else result.target.high for a in ages]  # fmt: skip
    ax.fill_between(weeks, lows, highs, color=_BAND_COLOUR, alpha=0.15, lw=0,
                    label=_plain(f"target: {result.target.describe()}"))  # fmt: skip
    ax.plot(weeks, [v.true_ng_ml for v in visits], "x:", color="0.35", lw=1.0, ms=7,
            label="the person's model IGF-1 at each visit (a noise-free lab)")  # fmt: skip
    ax.plot(weeks, [v.lab_ng_ml for v in visits], "o", ms=7, color="#1f77b4", zorder=5,
            label="lab as drawn (within-person and assay noise)")  # fmt: skip
    pred = [(v.day / 7.0 + result.config.visit_every_days / 7.0, v.predicted)
            for v in visits if v.predicted is not None]  # fmt: skip
    if pred:
        x = [p[0] for p in pred]
        med = np.array([p[1][0] for p in pred])
        err = np.array([[p[1][0] - p[1][1] for p in pred], [p[1][2] - p[1][0] for p in pred]])
        ax.errorbar(x, med, yerr=err, fmt="s", ms=4, color="#ff7f0e", capsize=3, lw=0.9,
                    label="recalibrated prediction of the next lab (median, 90%)")  # fmt: skip
    ax.set_ylabel("total IGF-1 at 08:00 [ng/mL]")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="lower right", fontsize=7, frameon=True, framealpha=0.85, edgecolor="none")
    doses = [v.next_dose_mg for v in visits]
    axd.step(weeks, doses, where="post", color="#d62728", lw=1.6)
    axd.plot(weeks, doses, "o", ms=4, color="#d62728")
    axd.set_ylabel("somatropin [mg/day]")
    axd.set_xlabel("weeks from the start of treatment")
    axd.set_ylim(0.0, max(doses) * 1.25 + 0.05)
    axd.grid(alpha=0.3, lw=0.5)
    reached = result.weeks_to_target
    default = (f"Virtual clinic ({result.rule} rule): "
               + (f"first lab in band at week {reached:g}" if reached is not None
                  else "no lab in band")
               + f", final dose {result.final_dose_mg:g} mg/day")  # fmt: skip
    fig.suptitle(_plain(title if title is not None else default), fontsize=11)
    return _save(fig, path)


def plot_titrations(results: Sequence[TitrationResult], path: str | Path, *,
                    title: str | None = None) -> Path:  # fmt: skip
    """Draw a virtual population's titrations: each person's lab SDS at each visit against
    the target band (top) and their dose (bottom), one thin line per person.

    Parameters
    ----------
    results
        What :func:`igfaxis.optimize.titrate_population` returned (at least one).
    path
        Output file; the suffix picks the format.
    """
    if not results:
        raise ProtocolError("plot_titrations needs at least one titration result.")
    fig = _new_figure(2, 6.0)
    ax, axd = fig.axes
    tgt = results[0].target
    for r in results:
        w = [v.day / 7.0 for v in r.visits]
        if tgt.kind == "sds":
            ax.plot(w, [v.lab_sds for v in r.visits], "-o", ms=2.5, lw=0.7, alpha=0.6)
        else:
            ax.plot(w, [v.lab_ng_ml for v in r.visits], "-o", ms=2.5, lw=0.7, alpha=0.6)
        axd.step(w, [v.next_dose_mg for v in r.visits], where="post", lw=0.8, alpha=0.6)
    ax.axhspan(tgt.low, tgt.high, color=_BAND_COLOUR, alpha=0.15, lw=0,
               label=_plain(f"target: {tgt.describe()}"))  # fmt: skip
    ax.set_ylabel("lab IGF-1 SDS (LIFE)" if tgt.kind == "sds" else "lab IGF-1 [ng/mL]")
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(loc="lower right", fontsize=7, frameon=True, framealpha=0.85, edgecolor="none")
    axd.set_ylabel("somatropin [mg/day]")
    axd.set_xlabel("weeks from the start of treatment")
    axd.grid(alpha=0.3, lw=0.5)
    finals = np.array([r.final_dose_mg for r in results])
    reached = [r.weeks_to_target for r in results if r.weeks_to_target is not None]
    default = (f"Virtual clinic, {len(results)} persons ({results[0].rule} rule): final dose "
               f"mean {finals.mean():.2f} mg/day, {len(reached)}/{len(results)} reached the "
               "band")  # fmt: skip
    fig.suptitle(_plain(title if title is not None else default), fontsize=11)
    return _save(fig, path)
