"""``igfaxis cohort`` (virtual cohorts and trials) and ``igfaxis sensitivity``.

Thin adapters: parse, call the cohort flows of :mod:`igfaxis.app` (population, run and
trial, files; sensitivity), render.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from igfaxis._messages import short_repr
from igfaxis.app import (
    COHORT_NOTE,
    check_cohort_paths,
    check_cohort_run,
    cohort_population,
    need_cohort_extra,
    run_cohort,
    run_sensitivity,
    write_cohort_files,
    write_sensitivity_files,
)
from igfaxis.cli._load import load_protocol
from igfaxis.cli._render import err_console, out_console, print_json
from igfaxis.errors import ProtocolError

_NOTE = COHORT_NOTE


def _band(text: str) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise ProtocolError(f"`--band` must be LOW,HIGH in ng/mL; got {short_repr(text)}. "
                            "Pass e.g. --band 120,160.") from None  # fmt: skip
    return low, high


def _bar(label: str) -> tuple[Progress, Callable[[int, int], None]]:
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=err_console(), transient=True)  # fmt: skip
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def register(app: typer.Typer, handled: Callable[[Any], Any]) -> None:
    """Add ``cohort`` and ``sensitivity`` to ``app``; ``handled`` is the app's error wrapper."""

    @app.command("cohort")
    @handled
    def cohort_cmd(
        ctx: typer.Context,
        protocol_files: Annotated[list[Path], typer.Option(
            "--protocol", metavar="FILE.yaml", help="An arm (repeat for more arms).")],
        population_file: Annotated[Path | None, typer.Option(
            "--population", metavar="FILE.csv|FILE.parquet", help="Persons to simulate.")] = None,
        n: Annotated[int | None, typer.Option(
            "--n", help="Without --population: sample this many persons (default ages).")] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of --n's sampling.")] = 0,
        exposure: Annotated[bool, typer.Option(
            "--exposure", help="With --n: draw each person's drug exposure (log-normal "
            "dose multipliers, docs/cohorts.md).")] = False,
        days: Annotated[int, typer.Option("--days", help="Days of each arm.")] = 180,
        resolution: Annotated[str, typer.Option("--resolution", metavar="day|pulse")] = "day",
        out: Annotated[Path | None, typer.Option(
            "--out", metavar="FILE.zarr|FILE.nc", help="Write the results Dataset.")] = None,
        scheduler: Annotated[str | None, typer.Option(
            "--scheduler", metavar="ADDRESS", help="Run on this Dask scheduler.")] = None,
        workers: Annotated[int | None, typer.Option(
            "--workers", help="Without --scheduler: processes on this machine.")] = None,
        band: Annotated[str, typer.Option("--band", metavar="LOW,HIGH")] = "120,160",
        plot: Annotated[Path | None, typer.Option(
            "--plot", metavar="FILE.png", help="One panel per arm: the change of IGF-1.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Simulate a virtual cohort under one or more protocols and summarise it as a trial."""
        need_cohort_extra()
        check_cohort_run(population_file=population_file, n=n, scheduler=scheduler,
                         workers=workers)  # fmt: skip
        check_cohort_paths(out, plot)
        if exposure and n is None:
            raise ProtocolError("`--exposure` draws exposure for sampled persons (`--n`); a "
                                "population file carries its own `exposure_<drug>` columns.")
        low_high = _band(band)
        protocols = {}
        for f in protocol_files:
            p = load_protocol(f)
            name = p.name if p.name not in protocols else f"{p.name} ({f.name})"
            protocols[name] = p
        pop = cohort_population(population_file, n, seed=seed, exposure=exposure)
        bar, update = _bar("cohort")
        with bar:
            run = run_cohort(pop, protocols, days=days, resolution=resolution,
                             scheduler=scheduler, workers=workers, band=low_high,
                             progress=update)  # fmt: skip
        trial = run.trial
        written = write_cohort_files(run, out=out, plot=plot)
        if as_json:
            print_json(run.to_dict(written))
            return
        console = out_console()
        console.print(Text(f"{len(pop)} persons x {len(protocols)} arms x {days} days "
                           f"({resolution} resolution)", style="bold"))  # fmt: skip
        table = Table("arm", "IGF-1 08:00 [ng/mL]", "change mean (SD)", "in band at end",
                      "responders", "time in band", "HR median (5-95%)")  # fmt: skip
        for r in trial.summary().itertuples():
            table.add_row(str(r.arm), f"{r.baseline_median_ng_ml:.0f} -> {r.end_median_ng_ml:.0f}",
                          f"{r.change_mean_ng_ml:+.1f} ({r.change_sd_ng_ml:.1f})",
                          f"{100 * r.share_in_band_end:.0f}%", f"{100 * r.share_responders:.0f}%",
                          f"{100 * r.time_in_band_mean:.0f}%",
                          f"{r.hazard_ratio_median:.2f} ({r.hazard_ratio_p05:.2f}-"
                          f"{r.hazard_ratio_p95:.2f})")  # fmt: skip
        console.print(table)
        for kind, path in written.items():
            console.print(f"wrote {kind}: {path}")
        console.print(Text(_NOTE, style="italic"))

    @app.command("sensitivity")
    @handled
    def sensitivity_cmd(
        ctx: typer.Context,
        protocol_file: Annotated[Path | None, typer.Option(
            "--protocol", metavar="FILE.yaml", help="Protocol (default: a usual day).")] = None,
        params: Annotated[list[str] | None, typer.Option(
            "--param", metavar="NAME", help="A parameter of the table (repeat).")] = None,
        method: Annotated[str, typer.Option("--method", metavar="sobol|morris")] = "morris",
        samples: Annotated[int, typer.Option(
            "--samples", help="Sobol base samples (power of 2) or Morris trajectories.")] = 8,
        days: Annotated[int, typer.Option("--days", help="Days simulated per sample.")] = 2,
        age: Annotated[float, typer.Option("--age", help="Age of the person [y].")] = 45.0,
        sex: Annotated[str, typer.Option("--sex", metavar="male|female")] = "male",
        out: Annotated[Path | None, typer.Option("--out", metavar="FILE.csv")] = None,
        plot: Annotated[Path | None, typer.Option("--plot", metavar="FILE.png")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Global sensitivity (SALib Sobol or Morris) of IGF-1, time in band and GH
        pulsatility to the parameter table's bounds."""
        need_cohort_extra()
        from igfaxis import Person

        protocol = load_protocol(protocol_file) if protocol_file is not None else None
        bar, update = _bar("sensitivity")
        with bar:
            res = run_sensitivity(Person(age_y=age, sex=sex), protocol, params=params,
                                  method=method, samples=samples, days=days, progress=update)
        written = write_sensitivity_files(res, out=out, plot=plot)
        if as_json:
            print_json({**res.to_dict(), "files": written})
            return
        console = out_console()
        console.print(Text(f"{res.method}: {res.runs} runs of {days} days", style="bold"))
        table = Table(*res.table.columns)
        for row in res.table.itertuples(index=False):
            table.add_row(*(f"{v:.3g}" if isinstance(v, float) else str(v) for v in row))
        console.print(table)
        for kind, path in written.items():
            console.print(f"wrote {kind}: {path}")
        console.print(Text(_NOTE, style="italic"))
