"""HTML of a :class:`~igfaxis.io.report.Report`: one self-contained page, figures inline.

Every text that comes from input or data goes through :func:`html.escape`; the page loads
nothing from outside (no scripts, fonts or links), so it renders offline and prints to PDF.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any, Final

from igfaxis.optimize import NOTE as PLAN_NOTE
from igfaxis.risk import DISCLAIMER, OBSERVATIONAL_NOTE, HazardRatio, select_curves

if TYPE_CHECKING:
    from igfaxis.io.report import Report

__all__ = ["render_html", "summary_paragraphs"]

_CSS: Final = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:60rem;color:#1b1b1b;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #2ca02c;padding-bottom:.2rem;margin-top:2rem}
.who{color:#555;margin-top:0}.disclaimer{background:#fff4e5;border-left:4px solid #f0a000;
padding:.6rem .9rem}img{max-width:100%;height:auto;border:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f6f3}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.up{color:#b00020;font-weight:600}.down{color:#1b7f3b;font-weight:600}.small{font-size:.8rem;color:#555}
footer{margin-top:2rem;color:#555;font-size:.85rem;border-top:1px solid #ddd;padding-top:.5rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,img{break-inside:avoid}}
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'


def _hr_cell(r: HazardRatio | None) -> str:
    if r is None:
        return '<td class="num">-</td>'
    cls = {1: "up", -1: "down", 0: ""}[r.direction]
    return f'<td class="num {cls}">{escape(r.interval_text())}</td>'


def _who(report: Report) -> str:
    p = report.person
    condition = "" if p.condition == "healthy" else f", {p.condition.replace('_', ' ')}"
    return f"{p.age_y:g}-year-old {p.sex}, {p.weight_kg:g} kg{condition}"


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f}%"


def summary_paragraphs(report: Report) -> list[str]:
    """The plain-language summary, as plain-text paragraphs (escaped when rendered)."""
    s, p = report.score, report.person
    low, high = s.band_ng_ml
    out = [
        f"This report describes a {_who(report)} under the protocol \u201c{report.protocol.name}"
        f"\u201d over {report.days:g} simulated days.",
    ]
    if report.latest is not None:
        a = report.latest
        last = report.labs[-1].lab
        out.append(
            f"The latest measured IGF-1, {last.value:g} {last.unit} on {last.label}, is at the "
            f"{a.percentile:.0f}th percentile for age and sex (SDS {a.sds:+.2f}): "
            f"{a.zone_risk_sds} by the age/sex view and {a.zone_risk_absolute} by the "
            f"absolute {low:g}-{high:g} ng/mL view."
        )
    if report.fitted is not None:
        f = report.fitted
        end = f.band.at(f.end_day)
        out.append(
            f"The model was fitted to the person's {len(f.labs)} labs: at the end of the run "
            f"under the protocol it puts their daily mean IGF-1 at {end['q50']:.0f} ng/mL "
            f"(90% band {end['q05']:.0f}-{end['q95']:.0f} ng/mL)."
        )
    out.append(
        f"Under the protocol the model predicts a daily mean IGF-1 of "
        f"{report.daily_mean_ng_ml:.0f} ng/mL (mean SDS {s.mean_sds:+.2f}), inside "
        f"{low:g}-{high:g} ng/mL {_pct(s.time_in_band_fraction)} of the time, below it "
        f"{_pct(s.time_below_band_fraction)} and above it {_pct(s.time_above_band_fraction)}."
    )
    ratios = {r.curve_id: r for r in s.hazard_ratios}
    if "mortality_meta" in ratios and "mortality_ukb" in ratios:
        m, u = ratios["mortality_meta"], ratios["mortality_ukb"]
        out.append(
            f"On the primary all-cause mortality curve ({m.cite}, meta-analysis) this IGF-1 "
            f"pattern goes with a hazard ratio of {m.interval_text()} compared with a person "
            f"of the same age and sex at the median; the UK Biobank curve, a lower-bound "
            f"sensitivity, gives {u.interval_text()}."
        )
    up = [r.outcome for r in s.hazard_ratios if r.direction > 0 and r.use == "predict"]
    down = [r.outcome for r in s.hazard_ratios if r.direction < 0 and r.use == "predict"]
    if up:
        out.append("Associations whose whole interval lies above 1: " + ", ".join(up) + ".")
    if down:
        out.append("Associations whose whole interval lies below 1: " + ", ".join(down) + ".")
    if not up and not down:
        out.append("No association's interval lies wholly above or below 1.")
    out.append(
        "These are observational associations: they describe people who had such levels, "
        "not what changing IGF-1 would do. IGF-1 values depend on the assay. "
        + (
            "For women the low-IGF-1 mortality signal was seen in men only. "
            if p.sex == "female"
            else ""
        )
        + DISCLAIMER
    )
    return out


def _labs_table(report: Report) -> str:
    if not report.labs:
        return '<p class="small">No measured values were given (<code>--labs</code>).</p>'
    rows = "".join(
        f"<tr><td>{escape(p.lab.label)}</td><td class='num'>{p.lab.value:g} {escape(p.lab.unit)}"
        f"</td><td class='num'>{p.lab.igf1_ng_ml:.0f}</td><td class='num'>{p.age_y:.1f}</td>"
        f"<td class='num'>{p.sds:+.2f}</td></tr>"
        for p in report.labs
    )
    return (
        "<table id='labs-table'><thead><tr><th>measured</th><th>value</th><th>ng/mL</th>"
        f"<th>age [y]</th><th>SDS</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _band_cells(q: dict[str, float]) -> str:
    return (f"<td class='num'>{q['q50']:.0f}</td><td class='num'>{q['q25']:.0f}-{q['q75']:.0f}"
            f"</td><td class='num'>{q['q05']:.0f}-{q['q95']:.0f}</td>")  # fmt: skip


def _learned(v: Mapping[str, Any]) -> str:
    if v["prior_dominated"]:
        return "prior-dominated: the labs say little about it"
    return f"learned from the labs (posterior SD {100 * v['sd_ratio']:.0f}% of the prior's)"


def _fitted_section(report: Report) -> str:
    """The fitted trajectory through the labs, its band at each lab and at the end of the
    run, and the posterior of the personal parameters (empty without a fit)."""
    f = report.fitted
    if f is None or report.fitted_png is None:
        return ""
    band = f.band
    rows = "".join(
        f"<tr><td>{escape(lab.label)}</td><td class='num'>{lab.igf1_ng_ml:.0f}</td>"
        f"{_band_cells(band.at(lab.day))}</tr>"
        for lab in f.labs
    )
    rows += (
        f"<tr class='fitted-end'><td>{escape(f.day_label(f.end_day))} (end of the run)</td>"
        f"<td class='num'>-</td>{_band_cells(band.at(f.end_day))}</tr>"
    )
    params = "".join(
        f"<tr><td>{escape(name)}</td><td class='num'>{v['prior_median']:.2f} "
        f"({v['prior_q05']:.2f}-{v['prior_q95']:.2f})</td><td class='num'>{v['median']:.2f} "
        f"({v['q05']:.2f}-{v['q95']:.2f})</td><td>{_learned(v)}</td></tr>"
        for name, v in f.posterior.items()
    )
    start = f.day_label(band.start_day) if band.start_day is not None else "the start"
    return (
        "<section id='fitted'><h2>Fitted to the labs</h2>"
        f"<p>The twin's personal parameters were fitted to {len(f.labs)} labs "
        f"({escape(f.method)}). The red line is the posterior median of the daily-mean total "
        "IGF-1 and the shaded areas its 50% and 90% bands (the spread of the fitted "
        f"parameters, {f.draws} posterior draws, day resolution): through the labs and, from "
        f"{escape(start)}, under the protocol \u201c{escape(report.protocol.name)}\u201d for "
        f"{f.days} days. A single lab also scatters by about 13% around the person's value "
        "(within-person and assay variation).</p>"
        f"{_img(report.fitted_png, 'Measured IGF-1 with the fitted trajectory and its bands')}"
        "<table id='fitted-table'><thead><tr><th>when</th><th>measured [ng/mL]</th>"
        "<th>fitted median</th><th>50% band</th><th>90% band</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "<table id='posterior-table'><thead><tr><th>personal parameter (multiplier)</th>"
        "<th>prior median (90%)</th><th>posterior median (90%)</th><th>learned?</th></tr>"
        f"</thead><tbody>{params}</tbody></table></section>"
    )


def _plan_section(report: Report) -> str:
    """The plan the search found against no change, the Pareto set, what each lever did
    (empty without a plan)."""
    r = report.plan
    if r is None or report.plan_png is None:
        return ""
    best, base = r.best, r.baseline
    low, high = r.band_ng_ml

    def burden(o: Any) -> str:
        b = o.burden
        return (f"{b['injections_per_week']:g} injections, {b['fasting_h_per_week']:g} h "
                f"fasting, {b['exercise_h_per_week']:g} h exercise a week")  # fmt: skip

    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(o.protocol.name)}</td>"
        f"<td class='num'>{_pct(o.p_success)}</td><td class='num'>{_pct(o.time_in_band)}</td>"
        f"<td class='num'>{_pct(o.p_above_2sds)}</td><td class='num'>"
        f"{o.median_end_ng_ml:.0f} ({o.band_end_ng_ml[0]:.0f}-{o.band_end_ng_ml[1]:.0f})</td>"
        f"<td class='small'>{escape(burden(o))}</td></tr>"
        for name, o in (("plan", best), ("no change", base))
    )
    pareto = "".join(
        f"<tr><td>{escape(o.protocol.name)}</td><td class='num'>{_pct(o.time_in_band)}</td>"
        f"<td class='num'>{_pct(o.p_above_2sds)}</td><td class='small'>{escape(burden(o))}"
        "</td></tr>" for o in r.pareto
    )
    explain = "".join(f"<li>{escape(line)}</li>" for line in r.explanation)
    basis = ("fitted to the person's labs" if r.from_labs
             else "the population prior of the person's age and sex (no labs)")  # fmt: skip
    head = ("<tr><th></th><th>protocol</th><th>P in band at the last planned lab</th>"
            "<th>time in band</th><th>P above +2 SDS</th><th>IGF-1 at the end, median "
            "(90%) [ng/mL]</th><th>burden</th></tr>")  # fmt: skip
    return (
        "<section id='plan'><h2>Plan</h2>"
        f"<p>Target: {escape(r.target.describe())} = {low:.0f}-{high:.0f} ng/mL at the end "
        f"of {r.horizon_days} days, judged over posterior draws {escape(basis)} at day "
        f"resolution ({len(r.evaluated)} candidate plans). {escape(r.message)}</p>"
        f"{_img(report.plan_png, 'The plan against no change: IGF-1 with its 90% band')}"
        f"<table id='plan-table'><thead>{head}</thead><tbody>{rows}</tbody></table>"
        "<h3>Pareto set (time in band, burden, risk above +2 SDS)</h3>"
        "<table id='pareto-table'><thead><tr><th>protocol</th><th>time in band</th>"
        f"<th>P above +2 SDS</th><th>burden</th></tr></thead><tbody>{pareto}</tbody></table>"
        f"<h3>What each lever did</h3><ul>{explain}</ul>"
        f"<p class='disclaimer'><strong>{escape(PLAN_NOTE)}</strong></p></section>"
    )


def _risk_table(report: Report) -> str:
    latest = {r.curve_id: r for r in report.latest.hazard_ratios} if report.latest else None
    head = "<th>outcome</th><th>curve</th>"
    head += "<th>HR latest lab</th>" if latest is not None else ""
    head += "<th>HR simulated protocol</th><th>population</th><th>source</th>"
    rows = []
    for r in report.score.hazard_ratios:
        outcome = escape(r.outcome) + (
            " <span class='small'>(OR)</span>" if r.measure == "OR" else ""
        )
        lab_cell = _hr_cell(latest.get(r.curve_id)) if latest is not None else ""
        rows.append(
            f"<tr class='risk-row' data-curve='{escape(r.curve_id)}'><td>{outcome}</td>"
            f"<td>{escape(r.use)}</td>{lab_cell}{_hr_cell(r)}"
            f"<td class='small'>{escape(r.population)}</td>"
            f"<td class='small'><strong>{escape(r.cite)}</strong>. {escape(r.source)}"
            f"<br><em>{escape(r.assumption)}</em></td></tr>"
        )
    return (
        f"<table id='risk-table'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
        "</tbody></table>"
    )


def render_html(report: Report) -> str:
    """The report as one HTML document (UTF-8 text)."""
    s = report.score
    low, high = s.band_ng_ml
    summary = "".join(f"<p>{escape(par)}</p>" for par in summary_paragraphs(report))
    unique = dict.fromkeys(n for n in (OBSERVATIONAL_NOTE, *report.notes) if n != DISCLAIMER)
    notes = "".join(f"<li>{escape(n)}</li>" for n in unique)
    excluded = select_curves(report.person.sex, uses=("not-for-prediction",))
    not_used = (
        "<h3>Listed but not used for prediction</h3><ul>"
        + "".join(
            f"<li>{escape(c.info.outcome)} ({escape(c.info.cite)}): {escape(c.info.assumption)}"
            "</li>"
            for c in excluded
        )
        + "</ul>"
    )
    numbers = (
        f"<table id='trajectory-table'><tbody>"
        f"<tr><td>IGF-1 daily mean</td><td class='num'>{report.daily_mean_ng_ml:.1f} ng/mL"
        "</td></tr>"
        f"<tr><td>IGF-1 min / max</td><td class='num'>{s.min_igf1_ng_ml:.1f} / "
        f"{s.max_igf1_ng_ml:.1f} ng/mL</td></tr>"
        f"<tr><td>mean GH</td><td class='num'>{report.mean_gh_ng_ml:.2f} ng/mL</td></tr>"
        f"<tr><td>time in {low:g}-{high:g} ng/mL</td><td class='num'>"
        f"{_pct(s.time_in_band_fraction)}</td></tr>"
        f"<tr><td>mean age/sex SDS</td><td class='num'>{s.mean_sds:+.2f}</td></tr>"
        "</tbody></table>"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="igfaxis {escape(report.version)}">
<title>igfaxis report: {escape(report.protocol.name)}</title><style>{_CSS}</style></head>
<body>
<header><h1>IGF-1 report</h1>
<p class="who">{escape(_who(report))} &middot; protocol \u201c{escape(report.protocol.name)}\u201d
&middot; {report.days:g} days simulated (seed {report.seed}) &middot; igfaxis
{escape(report.version)} &middot; {escape(report.generated)}</p></header>
<p class="disclaimer" id="disclaimer"><strong>{escape(DISCLAIMER)}</strong> Discuss any
decision with a physician.</p>
<section id="summary"><h2>Summary</h2>{summary}</section>
<section id="position"><h2>Position on the reference centiles</h2>
{_img(report.centile_png, "IGF-1 reference centiles by age with the person's values")}
{_labs_table(report)}</section>
{_fitted_section(report)}
{_plan_section(report)}
<section id="trajectory"><h2>Simulated trajectory</h2>
{_img(report.trajectory_png, "Simulated GH and IGF-1 with the 120-160 ng/mL band")}
{numbers}</section>
<section id="risk"><h2>Hazard ratios with 95% intervals and sources</h2>
<p class="small">Relative to a person of the same age and sex at the reference median
(absolute-view rows: relative to the 120-160 ng/mL plateau); 95% Monte Carlo intervals over
the published confidence intervals. Cancer rows use the long-term mean IGF-1; the others
average the hazard over the simulated days. Red: the whole interval lies above 1; green:
below 1.</p>
{_risk_table(report)}{not_used}</section>
<section id="caveats"><h2>Caveats</h2><ul>{notes}</ul></section>
<footer><p id="not-medical-advice">{escape(DISCLAIMER)}</p></footer>
</body></html>
"""
