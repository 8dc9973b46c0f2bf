"""``igfaxis titrate``: a simulated virtual clinic titrating somatropin on noisy labs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from igfaxis.app import MAX_POPULATION, check_plan_path, check_target, run_titration
from igfaxis.cli._app import JsonOpt, _candidate_bar, _handled, _person_text, _subject, app
from igfaxis.cli._render import out_console, print_json
from igfaxis.errors import ProtocolError
from igfaxis.optimize import NOTE, TitrationConfig

__all__: list[str] = []


def _visit_table(data: dict[str, Any]) -> Table:
    table = Table(title="Visits (labs at 08:00, as drawn with noise; the decision reads "
                  "the SDS in `read`)", title_justify="left")  # fmt: skip
    for col in ("week", "dose", "lab", "lab SDS", "model", "predicted next (90%)", "read",
                "next dose"):  # fmt: skip
        table.add_column(col, justify="right")
    for v in data["visits"]:
        pred = v["predicted_next_ng_ml"]
        table.add_row(f"{v['week']:g}", f"{v['dose_mg']:g} mg", f"{v['lab_ng_ml']:.0f}",
                      f"{v['lab_sds']:+.2f}", f"{v['true_ng_ml']:.0f}",
                      "" if pred is None else f"{pred[0]:.0f} [{pred[1]:.0f}-{pred[2]:.0f}]",
                      f"{v['read_sds']:+.2f}", f"{v['next_dose_mg']:g} mg")  # fmt: skip
    table.caption = "ng/mL; model: the person's model IGF-1 (a noise-free lab)"
    return table


@app.command("titrate")
@_handled
def titrate_cmd(
    ctx: typer.Context,
    person_file: Annotated[
        Path | None,
        typer.Option("--person", metavar="FILE",
                     help="The patient (YAML/JSON). Their `personal` multipliers are the "
                     "truth the virtual clinic does not see; default: the average person of "
                     "the default age and sex."),
    ] = None,
    target: Annotated[
        str,
        typer.Option("--target", metavar="sds:LOW..HIGH|ng_ml:LOW..HIGH",
                     help="The band titrated to (default sds:0..1, the usual aim of GH "
                     "replacement)."),
    ] = "sds:0..1",
    rule: Annotated[
        str,
        typer.Option("--rule", metavar="model|guideline",
                     help="model: recalibrate on every lab and decide on the predicted next "
                     "lab; guideline: decide on the lab itself."),
    ] = "model",
    visits: Annotated[
        int, typer.Option("--visits", metavar="N", help="Labs after the start, 1-24."),
    ] = 6,
    every: Annotated[
        int,
        typer.Option("--every-days", metavar="D",
                     help="Days between labs, 14-182 (guideline: 1-2 months)."),
    ] = 42,
    start_mg: Annotated[
        float | None,
        typer.Option("--start-mg", metavar="MG",
                     help="Start dose [mg/day]; default the guideline's for age and oral "
                     "oestrogen."),
    ] = None,
    population: Annotated[
        int | None,
        typer.Option("--population", metavar="N",
                     help=f"Titrate N persons like this one whose personal multipliers are "
                     f"drawn from the population priors (1-{MAX_POPULATION})."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the lab noise (and persons).")] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="titration.yaml",
                     help="Write the final dose as a protocol (runs in `igfaxis simulate`)."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", metavar="FILE.png",
                     help="Draw the labs, the model IGF-1 and the dose at each visit."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate a clinic titrating daily somatropin to a target band on noisy labs.

    The guideline start dose (Molitch 2011, by age; the high end on oral oestrogen), a lab
    every --every-days, the step rule +0.1 mg below the band (+0.2 mg far below), -0.1 mg
    above, no change in band; with --rule model the clinic recalibrates the twin on every
    lab and decides on its predicted next lab. Prints each visit, the weeks to the first lab
    in band, the final dose and the share of labs above the band. Model prediction, not
    medical advice; discuss with a clinician.
    """
    from igfaxis.io.plots import check_plot_path

    tgt = check_target(target, field="--target")
    if rule not in ("model", "guideline"):
        raise ProtocolError(f"`--rule` must be model or guideline; got {rule!r}.")
    if not 1 <= visits <= 24:
        raise ProtocolError(f"`--visits` must be 1-24; got {visits}.")
    if not 14 <= every <= 182:
        raise ProtocolError(f"`--every-days` must be 14-182 (2 weeks to 6 months); got {every}.")
    if start_mg is not None and not 0.1 <= start_mg <= 2.0:
        raise ProtocolError(f"`--start-mg` must be 0.1-2 mg/day; got {start_mg:g}.")
    if population is not None and not 1 <= population <= MAX_POPULATION:
        raise ProtocolError(f"`--population` must be 1-{MAX_POPULATION}; got {population}.")
    if out is not None:
        if population is not None:
            raise ProtocolError("`--out` writes one person's final dose; leave it out with "
                                "`--population`.")  # fmt: skip
        check_plan_path(out, field="--out")
    if plot is not None:
        check_plot_path(plot)
    person, fit = _subject(person_file)
    if fit is not None:
        raise ProtocolError("`--person` is a fit; titrate takes a person file (the clinic "
                            "fits the labs it draws itself).")  # fmt: skip
    cfg = TitrationConfig(visits=visits, visit_every_days=every, start_mg=start_mg,
                          rule=rule, seed=seed)  # type: ignore[arg-type]  # fmt: skip
    with _candidate_bar(quiet=as_json) as bar:
        run = run_titration(person, tgt, config=cfg, population=population, seed=seed,
                            progress=bar)  # fmt: skip
    from igfaxis.app import write_titration_files

    files = write_titration_files(run, out=out, plot=plot)
    written = {k: str(p) for k, p in files.items()}
    data = run.to_dict()
    if as_json:
        print_json({**data, "files": written})
        return
    console = out_console()
    s = data["summary"]
    who = _person_text(person)
    if run.population:
        console.print(Text(f"Virtual clinic: {s['persons']} persons like a {who} "
                           f"({rule} rule), {tgt.describe()}", style="bold"))  # fmt: skip
    else:
        console.print(Text(f"Virtual clinic: {who} ({rule} rule), {tgt.describe()}",
                           style="bold"))  # fmt: skip
        console.print(f"Start: {data['start_mg']:g} mg/day ({data['start_reason']})")
        console.print(_visit_table(data))
    weeks = s["median_weeks_to_target"]
    d = s["final_dose_mg"]
    console.print(f"reached the band: {s['share_reached']:.0%} of persons"
                  + (f", median {weeks:g} weeks to the first lab in band" if weeks is not None
                     else ""))  # fmt: skip
    console.print(f"final dose: mean {d['mean']:.2f} mg/day (median {d['median']:g}, "
                  f"{d['min']:g}-{d['max']:g})")  # fmt: skip
    console.print(f"labs above the band: {s['share_labs_above_band']:.0%}")
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    console.print(Text(NOTE, style="italic"))
