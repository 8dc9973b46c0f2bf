"""Terminal output of the CLI: rich tables on stdout, one-line messages on stderr, JSON."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from igfaxis.risk import DISCLAIMER, Assessment, HazardRatio

__all__ = [
    "assessment_lines",
    "band_line",
    "compare_table",
    "err_console",
    "next_lab_line",
    "out_console",
    "pareto_table",
    "plan_table",
    "posterior_note",
    "posterior_table",
    "prediction_table",
    "print_json",
    "risk_table",
    "summary_table",
    "validation_table",
]


def out_console() -> Console:
    """Console on stdout (created per call, so that redirected streams are honoured)."""
    return Console(highlight=False, markup=False)


def err_console() -> Console:
    """Console on stderr, for errors, warnings and progress."""
    return Console(stderr=True, highlight=False, markup=False)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def print_json(data: Mapping[str, Any]) -> None:
    """Print ``data`` as JSON on stdout (non-finite numbers become ``null``)."""
    print(json.dumps(_json_safe(data), indent=2, allow_nan=False))


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:.{digits}f}"


def summary_table(summaries: Mapping[str, Mapping[str, Any]]) -> Table:
    """One column per run; rows: :meth:`igfaxis.app.RunSummary.to_dict` of each."""
    table = Table(box=None, pad_edge=False)
    table.add_column("", style="bold")
    for label in summaries:
        table.add_column(label, justify="right")
    first = next(iter(summaries.values()))
    low, high = first["band_ng_ml"]
    n = first["whole_days"]
    rows: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
        ("mean GH [ng/mL]", lambda s: _num(s["mean_gh_ng_ml"], 2)),
    ]
    if n >= 2:
        rows += [
            ("IGF-1 daily mean, day 1 [ng/mL]", lambda s: _num(s["igf1_first_day_mean_ng_ml"])),
            (f"IGF-1 daily mean, day {n} [ng/mL]", lambda s: _num(s["igf1_last_day_mean_ng_ml"])),
        ]
    else:
        label = "IGF-1 mean, day 1 [ng/mL]" if n == 1 else "IGF-1 mean [ng/mL]"
        rows.append((label, lambda s: _num(s["igf1_first_day_mean_ng_ml"])))
    rows += [
        (
            "IGF-1 min / max [ng/mL]",
            lambda s: f"{_num(s['igf1_min_ng_ml'])} / {_num(s['igf1_max_ng_ml'])}",
        ),
        (
            f"time in {round(low, 1):g}-{round(high, 1):g} ng/mL band",
            lambda s: f"{100 * s['time_in_band_fraction']:.0f}% ({s['time_in_band_h']:.0f} h)",
        ),
    ]
    for name, cell in rows:
        table.add_row(name, *(cell(s) for s in summaries.values()))
    return table


def _ratio_cell(r: HazardRatio) -> Text:
    style = {1: "red", -1: "green", 0: ""}[r.direction]
    return Text(r.interval_text(), style=style)


def risk_table(columns: Mapping[str, Sequence[HazardRatio]], *, title: str | None = None) -> Table:
    """One row per curve; one HR (95% interval) column per labelled set of ratios."""
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("outcome", style="bold", ratio=3)
    for label in columns:
        table.add_column(
            f"HR (95% CI) {label}" if label else "HR (95% CI)", justify="right", no_wrap=True
        )
    table.add_column("curve", ratio=2)
    table.add_column("source", ratio=2)
    first = next(iter(columns.values()), ())
    for k, r in enumerate(first):
        outcome = r.outcome + (" [OR]" if r.measure == "OR" else "")
        cells = [_ratio_cell(col[k]) for col in columns.values()]
        table.add_row(outcome, *cells, r.use, r.cite)
    return table


def assessment_lines(a: Assessment) -> list[Text | str | Table]:
    """The human-readable assessment of one IGF-1 value."""
    low, high = a.band_ng_ml
    zone_style = "green" if a.zone_sds == "within reference" else "red"
    band_style = "green" if a.zone_band == "in band" else "yellow"
    z_lo, z_hi = a.optimal_sds
    lines: list[Text | str | Table] = [
        Text(
            f"IGF-1 {a.igf1_ng_ml:.1f} ng/mL ({a.igf1_nmol_l:.2f} nmol/L), "
            f"{a.age_y:g}-year-old {a.sex}",
            style="bold",
        ),
        Text.assemble(
            "  SDS         ", f"{a.sds:+.2f}  ", (f"({a.zone_sds}; reference -2 to +2)", zone_style)
        ),
        f"  percentile  {a.percentile:.1f}",
        Text.assemble(f"  absolute    {round(low, 1):g}-{round(high, 1):g} ng/mL band: ",
                      (a.zone_band, band_style)),
        Text.assemble(
            "  zone        ",
            (a.zone_risk_sds, "green" if a.zone_risk_sds == "optimal" else "yellow"),
            f" by SDS (optimal {z_lo:+.2f} to {z_hi:+.2f}); ",
            (a.zone_risk_absolute, "green" if a.zone_risk_absolute == "optimal" else "yellow"),
            f" by the absolute {low:g}-{high:g} ng/mL view",
        ),
    ]
    if a.igfbp3_ng_ml is not None and a.igfbp3_sds is not None:
        lines.append(
            f"  IGFBP-3     {a.igfbp3_ng_ml:.0f} ng/mL, SDS {a.igfbp3_sds:+.2f}, "
            f"percentile {a.igfbp3_percentile:.1f}"
        )
    lines += [
        "",
        risk_table({"": a.hazard_ratios}, title="Hazard ratios vs the age/sex median"),
        "",
        f"Reference interval: {a.reference_name} ({a.reference_assay}). {a.reference}",
        f"Band: {a.band_reference}",
    ]
    lines += [f"Not used for prediction: {n}" for n in a.not_used]
    lines += [f"Note: {n}" for n in a.notes if n != DISCLAIMER]
    lines.append(Text(DISCLAIMER, style="italic"))
    return lines


def compare_table(
    summaries: Mapping[str, Mapping[str, Any]], ratios: Mapping[str, Sequence[HazardRatio]]
) -> Table:
    """Protocols side by side (:meth:`igfaxis.app.CompareSummary.to_dict` of each): IGF-1,
    GH, time in band, mean SDS, pulsatility, cell read-outs, then one row per HR."""
    table = Table(box=None, pad_edge=False)
    table.add_column("", style="bold", ratio=3)
    for label in summaries:
        table.add_column(label, justify="right", ratio=2)
    first = next(iter(summaries.values()))
    low, high = first["band_ng_ml"]
    rows: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
        ("IGF-1 daily mean [ng/mL]", lambda s: _num(s["igf1_daily_mean_ng_ml"])),
        (
            "IGF-1 daily mean, range [ng/mL]",
            lambda s: (
                f"{_num(s['igf1_daily_mean_min_ng_ml'])}-{_num(s['igf1_daily_mean_max_ng_ml'])}"
            ),
        ),
        (
            "IGF-1 min / max [ng/mL]",
            lambda s: f"{_num(s['igf1_min_ng_ml'])} / {_num(s['igf1_max_ng_ml'])}",
        ),
        ("mean GH [ng/mL]", lambda s: _num(s["mean_gh_ng_ml"], 2)),
        ("mean GH secretion [ng/mL/h]", lambda s: _num(s["mean_gh_secretion_ng_ml_h"], 2)),
        (
            f"time in {round(low, 1):g}-{round(high, 1):g} ng/mL band",
            lambda s: f"{100 * s['time_in_band_fraction']:.0f}%",
        ),
        ("mean age/sex SDS", lambda s: f"{s['mean_sds']:+.2f}"),
    ]
    if all("gh_approximate_entropy" in s for s in summaries.values()):
        rows += [
            ("GH bursts (serum, q10 min) [/day]",
             lambda s: _num(s["gh_burst_frequency_per_day"])),
            ("GH ApEn(1, 20%) (serum, q10 min)", lambda s: _num(s["gh_approximate_entropy"], 3)),
            ("basal GH secretion [ng/mL/h]", lambda s: _num(s["gh_basal_secretion_ng_ml_h"], 3)),
            ("GH burst mass [ng/mL]**", lambda s: _num(s["gh_burst_mass_ng_ml"], 2)),
        ]  # fmt: skip
    if all("autophagy_hours_per_day" in s for s in summaries.values()):
        rows += [
            ("autophagy above ref. median [h/day]*",
             lambda s: f"{s['autophagy_hours_per_day']:.1f}"),
            ("mTORC1 duty cycle*", lambda s: f"{100 * s['mtorc1_duty_cycle']:.0f}%"),
            ("anabolic/catabolic balance*",
             lambda s: f"{s['anabolic_catabolic_balance']:+.2f}"),
        ]  # fmt: skip
    for name, cell in rows:
        table.add_row(name, *(cell(s) for s in summaries.values()))
    columns = list(ratios.values())
    table.add_row("")
    table.add_row(Text("Hazard ratios vs the age/sex median, HR (95% CI)", style="bold"))
    for k, r in enumerate(columns[0]):
        label = f"{r.outcome} ({r.cite})" + (" [OR]" if r.measure == "OR" else "")
        table.add_row(label, *(_ratio_cell(col[k]) for col in columns))
    return table


def validation_table(rows: Sequence[Any]) -> Table:
    """One row per target: id, metric, model value, band, unit, PASS/FAIL, note."""
    table = Table(title="Validation targets", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("metric", ratio=3)
    table.add_column("model", justify="right", no_wrap=True)
    table.add_column("band", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("note", ratio=2)
    for r in rows:
        result = Text("PASS", style="green") if r.passed else Text("FAIL", style="bold red")
        table.add_row(
            r.id, r.metric, f"{r.value:.4g}", f"{r.low:g}-{r.high:g}", r.unit, result, r.note or ""
        )
    return table


def posterior_table(posterior: Mapping[str, Mapping[str, Any]]) -> Table:
    """One row per personal parameter (:meth:`igfaxis.calibrate.CalibrationResult.posterior`):
    prior and posterior median with 90% ranges, and whether the labs informed it."""
    table = Table(
        title="Personal parameters (multipliers of the average person's)",
        title_justify="left",
        box=None,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("parameter", style="bold", no_wrap=True)
    table.add_column("prior (90%)", justify="right", no_wrap=True)
    table.add_column("posterior (90%)", justify="right", no_wrap=True)
    table.add_column("from the labs?", no_wrap=True)
    for name, v in posterior.items():
        if v["prior_dominated"]:
            verdict = Text("prior-dominated", style="yellow")
        else:
            verdict = Text(f"learned (SD {100 * v['sd_ratio']:.0f}%)", style="green")
        table.add_row(
            name,
            f"{v['prior_median']:.2f} ({v['prior_q05']:.2f}-{v['prior_q95']:.2f})",
            f"{v['median']:.2f} ({v['q05']:.2f}-{v['q95']:.2f})",
            verdict,
        )
    return table


def posterior_note(posterior: Mapping[str, Mapping[str, Any]], threshold: float) -> str | None:
    """What "prior-dominated" means (posterior SD above ``threshold`` of the prior's), when a
    parameter is."""
    names = [n for n, v in posterior.items() if v["prior_dominated"]]
    if not names:
        return None
    them = "it" if len(names) == 1 else "them"
    return (f"Prior-dominated: {', '.join(names)}; the labs say little about {them} (posterior "
            f"SD above {100 * threshold:.0f}% of the prior's). Learned: the posterior SD as a "
            "share of the prior's. A dose change between labs, or IGFBP-3 values, make more "
            "parameters learnable (docs/labs.md).")  # fmt: skip


def gh_note(observed: Sequence[Mapping[str, Any]]) -> str | None:
    """The GH values of a fit beside the model's 90% range of a single draw at that clock
    hour (``diagnostics["observed"]``), when there are any."""
    rows = [o for o in observed if o["analyte"] == "gh"]
    if not rows:
        return None
    parts = [f"day {o['day']:g} {int(o['clock_h']):02d}:{round(60 * (o['clock_h'] % 1)):02d} "
             f"{_num(o['value_ng_ml'], 2)} (model {_num(o['model_q05_ng_ml'], 2)}-"
             f"{_num(o['model_q95_ng_ml'], 2)})" for o in rows]  # fmt: skip
    return ("GH values [ng/mL] beside the model's 90% range of one draw at that hour (GH "
            "comes in bursts, so one value says little): " + "; ".join(parts) + ".")


def prediction_table(predictions: Sequence[Mapping[str, Any]]) -> Table:
    """One row per predicted lab (:meth:`igfaxis.calibrate.LabPrediction.to_dict`)."""
    table = Table(title="Predicted next labs, total IGF-1 [ng/mL] at 08:00 (measurement "
                  "noise included)", title_justify="left", box=None, pad_edge=False)  # fmt: skip
    table.add_column("when", style="bold", no_wrap=True)
    table.add_column("median", justify="right")
    table.add_column("50%", justify="right", no_wrap=True)
    table.add_column("90%", justify="right", no_wrap=True)
    for p in predictions:
        table.add_row(_when(p), _num(p["median"], 0), f"{_num(p['q25'], 0)}-{_num(p['q75'], 0)}",
                      f"{_num(p['q05'], 0)}-{_num(p['q95'], 0)}")  # fmt: skip
    return table


def _when(p: Mapping[str, Any]) -> str:
    day = f"day {p['day']:g}"
    return f"{p['date']} ({day})" if p.get("date") else day


def band_line(band: Mapping[str, Any]) -> str:
    """One line for a posterior band (:meth:`igfaxis.app.PosteriorBand.to_dict`)."""
    q = band["igf1_last_day_mean_ng_ml"]
    return (f"Posterior band (fit, {band['draws']} draws): daily mean IGF-1 on the last day "
            f"{_num(q['q50'], 0)} ng/mL, 50% {_num(q['q25'], 0)}-{_num(q['q75'], 0)}, 90% "
            f"{_num(q['q05'], 0)}-{_num(q['q95'], 0)}")  # fmt: skip


def next_lab_line(mi: Mapping[str, Any]) -> str:
    """The most informative next lab (``most_informative`` of ``calibrate --json``)."""
    pred = (f"predicted {_num(mi['median'], 0)} ng/mL (90% {_num(mi['q05'], 0)}-"
            f"{_num(mi['q95'], 0)})")  # fmt: skip
    if mi["all_days_alike"]:
        return (f"Next lab: every day of the next {mi['window_days']} is about as informative "
                f"(unchanged protocol); e.g. {_when(mi)} at 08:00, {pred}.")  # fmt: skip
    return (f"Most informative next lab: {_when(mi)} at 08:00 ({mi['information']:.2f} nats "
            f"about the parameters), {pred}.")  # fmt: skip


def _burden_text(b: Mapping[str, Any]) -> str:
    parts = []
    if b["injections_per_week"]:
        parts.append(f"{b['injections_per_week']:.0f} inj")
    if b["fasting_h_per_week"]:
        parts.append(f"{b['fasting_h_per_week']:.0f} h fast")
    if b["exercise_h_per_week"]:
        parts.append(f"{b['exercise_h_per_week']:.0f} h exercise")
    return ", ".join(parts) + " /week" if parts else "none"


def plan_table(plan: Mapping[str, Any]) -> Table:
    """The best plan against no change (``igfaxis optimize --json``'s ``protocol``,
    ``expected`` and ``burden``, and ``baseline``)."""
    best = {"protocol": plan["protocol"], "expected": plan["expected"], "burden": plan["burden"]}
    columns = {"best plan": best, "no change": plan["baseline"]}
    table = Table(box=None, pad_edge=False)
    table.add_column("", style="bold")
    for label in columns:
        table.add_column(label, justify="right")
    last = plan["expected"]["p_in_band_at_labs"][-1]["day"]
    rows: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
        ("protocol", lambda o: str(o["protocol"]["name"])),
        (f"P in band at the last lab (day {last:g})",
         lambda o: f"{100 * o['expected']['p_in_band']:.0f}%"),
        ("time in band after the first lab",
         lambda o: f"{100 * o['expected']['time_in_band']:.0f}%"),
        ("P(IGF-1 above +2 SDS), last 4 weeks",
         lambda o: f"{100 * o['expected']['p_above_2sds']:.0f}%"),
        ("IGF-1 at the end, median (90%) [ng/mL]",
         lambda o: f"{_num(o['expected']['median_end_ng_ml'], 0)} "
                   f"({_num(o['expected']['band90_end_ng_ml'][0], 0)}-"
                   f"{_num(o['expected']['band90_end_ng_ml'][1], 0)})"),
        ("burden", lambda o: _burden_text(o["burden"])),
    ]  # fmt: skip
    for name, cell in rows:
        table.add_row(name, *(cell(o) for o in columns.values()))
    return table


def pareto_table(pareto: Sequence[Mapping[str, Any]]) -> Table:
    """The Pareto set (``pareto`` of ``igfaxis optimize --json``): no plan beats these on
    time in band, burden and risk above +2 SDS together."""
    table = Table(title="Pareto set (time in band vs burden vs IGF-1 above +2 SDS)",
                  title_justify="left", box=None, pad_edge=False)  # fmt: skip
    table.add_column("plan", style="bold")
    table.add_column("P in band", justify="right")
    table.add_column("time in band", justify="right")
    table.add_column("P > +2 SDS", justify="right")
    table.add_column("burden", justify="right")
    for o in pareto:
        e = o["expected"]
        table.add_row(str(o["protocol"]["name"]), f"{100 * e['p_in_band']:.0f}%",
                      f"{100 * e['time_in_band']:.0f}%", f"{100 * e['p_above_2sds']:.0f}%",
                      _burden_text(o["burden"]))  # fmt: skip
    return table
