"""The ``igfaxis`` command line: parse, call one verb, render (STYLE A1, F5).

Every :class:`~igfaxis.errors.IgfaxisError` and every file error becomes one red line on
stderr and exit code 2, as typer's own usage errors do; ``igfaxis --debug ...`` shows the
traceback instead. ``validate`` exits with 1 when a target fails.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from igfaxis._files import staged_outputs, write_text_atomic
from igfaxis._messages import one_line, short_repr
from igfaxis.app import (
    DEFAULT_PERSON,
    DEMO_DRAWS,
    PLAN_NOTE,
    RESOLUTIONS,
    SANDERS_MIN_DAYS,
    CandidateProgress,
    PlanRun,
    Progress as FlowProgress,
    calibrate_person,
    check_fit_path,
    check_horizon,
    check_levers,
    check_method,
    check_plan_path,
    check_report_path,
    check_target,
    compare_json,
    compare_protocols,
    configure_jax,
    horizon_days,
    make_report,
    plan_protocol,
    run_demo,
    run_plan_demo,
    simulate_and_summarise,
    simulate_json,
    write_calibration_files,
    write_plan_demo_files,
    write_plan_files,
    write_report_files,
)
from igfaxis.calibrate import CalibrationResult
from igfaxis.cli._cohort import register as register_cohort
from igfaxis.cli._load import load_history, load_person, load_protocol, load_subject
from igfaxis.cli._render import (
    assessment_lines,
    band_line,
    compare_table,
    err_console,
    gh_note,
    next_lab_line,
    out_console,
    pareto_table,
    plan_table,
    posterior_note,
    posterior_table,
    prediction_table,
    print_json,
    summary_table,
    validation_table,
)
from igfaxis.cli._web import register as register_web
from igfaxis.errors import (
    DoseWarning,
    ExportError,
    ExtrapolationWarning,
    IgfaxisError,
    LabWarning,
    PhysiologyWarning,
    ProtocolError,
    UnitWarning,
)
from igfaxis.protocol import Person, Protocol, format_regimen, warn_doses
from igfaxis.risk import DISCLAIMER, assess
from igfaxis.simulate import Trajectory

__all__ = ["app", "main"]

#: runs longer than this get a spinner on stderr [days]
_SPINNER_DAYS: Final = 30.0

_F = TypeVar("_F", bound=Callable[..., Any])

#: warnings of igfaxis itself: one yellow line each on stderr
_OWN_WARNINGS: Final = (
    DoseWarning,
    ExtrapolationWarning,
    LabWarning,
    PhysiologyWarning,
    UnitWarning,
)

_YES: Final = frozenset({"yes", "y", "true", "1", "post", "postmenopausal"})
_NO: Final = frozenset({"no", "n", "false", "0", "pre", "premenopausal"})

app = typer.Typer(
    name="igfaxis",
    help="A mechanistic digital twin of the human GH / IGF-1 axis. " + DISCLAIMER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _one_line(exc: BaseException | Warning | str) -> str:
    """The message on one line, at most :data:`igfaxis._messages.MAX_MESSAGE_CHARS` long."""
    if isinstance(exc, OSError) and exc.filename is not None:
        text = f"{exc.strerror or exc}: {exc.filename}"
    else:
        text = str(exc) or type(exc).__name__
    return one_line(text)


def _handled(func: _F) -> _F:
    """Turn igfaxis and file errors into one red stderr line and exit code 2.

    The command takes ``ctx: typer.Context`` (typer passes it by keyword); the root
    context holds the global ``--debug`` flag.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs["ctx"].find_root().params.get("debug"))
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                for category in _OWN_WARNINGS:
                    warnings.simplefilter("always", category)
                return func(*args, **kwargs)
        except (IgfaxisError, OSError) as exc:
            if debug:
                raise
            err_console().print(Text(f"error: {_one_line(exc)}", style="bold red"), soft_wrap=True)
            raise typer.Exit(code=2) from None
        finally:  # outside catch_warnings, so that other warnings show as usual
            for w in {(w.category, str(w.message)): w for w in caught}.values():  # once each
                _show_warning(w)

    return wrapper  # type: ignore[return-value]


def _show_warning(w: warnings.WarningMessage) -> None:
    if issubclass(w.category, _OWN_WARNINGS):
        err_console().print(
            Text(f"warning: {_one_line(w.message)}", style="yellow"), soft_wrap=True
        )
    else:
        warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)


@contextlib.contextmanager
def _spinner(days: float, quiet: bool = False) -> Iterator[None]:
    if days <= _SPINNER_DAYS or quiet:
        yield
        return
    with err_console().status(f"Simulating {days:g} days ...", spinner="dots"):
        yield


def _progress(quiet: bool = False) -> FlowProgress:
    """The app's ``progress`` hook: a spinner on stderr around each run over 30 days."""
    return lambda label, days: _spinner(days, quiet)


def _steps(quiet: bool = False) -> FlowProgress:
    """A ``progress`` hook that names each step on stderr (calibration: seconds each)."""
    if quiet:
        return lambda label, days: contextlib.nullcontext()
    return lambda label, days: err_console().status(f"{label} ...", spinner="dots")


@contextlib.contextmanager
def _candidate_bar(quiet: bool = False) -> Iterator[CandidateProgress | None]:
    """A progress bar on stderr over the candidate plans: done / total, the last one's
    name. The total grows when the search adds combinations of levers."""
    if quiet:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=err_console(), transient=True) as bar:
        task = bar.add_task("planning", total=None)

        def update(done: int, total: int, label: str) -> None:
            bar.update(task, description=one_line(label, 60), completed=done,
                       total=max(total, done))  # fmt: skip

        yield update


def _subject(path: Path | None) -> tuple[Person, CalibrationResult | None]:
    """``--person``: a person file or a fit (``calibrate --out``); default: the default
    person."""
    return load_subject(path) if path is not None else (DEFAULT_PERSON, None)


def _fit_json(path: Path | None, fit: CalibrationResult | None) -> dict[str, Any] | None:
    """``"fit"`` of ``--json`` for a fitted person: where it came from and how it went."""
    if fit is None:
        return None
    return {"file": str(path), "method": fit.method, "converged": bool(fit.converged),
            "message": fit.message, "labs": len(fit.labs)}  # fmt: skip


def _person_text(p: Person) -> str:
    condition = "" if p.condition == "healthy" else f", {p.condition.replace('_', ' ')}"
    return f"{p.age_y:g}-year-old {p.sex}, {p.weight_kg:g} kg{condition}"


def _write_csv(traj: Trajectory, path: Path) -> Path:
    traj.to_dataframe().to_csv(path, index=False, float_format="%.8g")
    return path


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of errors.")
    ] = False,
) -> None:
    """A mechanistic digital twin of the human GH / IGF-1 axis.

    Model predictions and published associations; not medical advice.
    """
    configure_jax()  # float64 and the compilation cache (igfaxis.app.configure_jax)




# --------------------------------------------------------------------------------------
# Options shared by several commands
# --------------------------------------------------------------------------------------

ProtocolArg = Annotated[
    Path, typer.Argument(metavar="PROTOCOL.yaml", help="Protocol file (YAML), see examples/.")
]
PersonOpt = Annotated[
    Path | None,
    typer.Option(
        "--person",
        metavar="FILE",
        help="Person file (YAML/JSON with age_y, sex, weight_kg, ...), or a fit "
        "(`igfaxis calibrate --out fit.json`: the fitted person, with posterior bands); "
        "default: a healthy 45-year-old man of 80 kg.",
    ),
]
DaysOpt = Annotated[
    float | None,
    typer.Option(
        "--days", metavar="N", help="Horizon [days]; default: the protocol's `days`, else 1."
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the endogenous GH burst train.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print only JSON on stdout.")]
ResolutionOpt = Annotated[
    str,
    typer.Option(
        "--resolution",
        metavar="auto|pulse|day",
        help="pulse: every GH burst (minutes); day: daily means for years and decades "
        "(docs/engine.md); auto (default): day beyond 3 years.",
    ),
]


def _resolution(value: str) -> str:
    """``--resolution`` checked here, so that the message names the option."""
    if value not in RESOLUTIONS:
        raise ProtocolError(
            f"`--resolution` must be auto, pulse or day; got {short_repr(value)}. Use day for "
            "years and decades, pulse to resolve every GH burst."
        )
    return value


# --------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------


@app.command("simulate")
@_handled
def simulate_cmd(
    ctx: typer.Context,
    protocol_file: ProtocolArg,
    person_file: PersonOpt = None,
    days: DaysOpt = None,
    seed: SeedOpt = 0,
    resolution: ResolutionOpt = "auto",
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE.csv", help="Write the trajectory CSV.")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", metavar="FILE.png", help="Draw GH and IGF-1 (PNG, SVG or PDF)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate a person under a protocol and summarise GH and IGF-1."""
    from igfaxis.io.plots import check_plot_path, plot_trajectory

    resolution = _resolution(resolution)
    protocol = load_protocol(protocol_file)
    person, fit = _subject(person_file)
    if plot is not None:
        check_plot_path(plot)  # before simulating: a wrong suffix writes nothing
    run = simulate_and_summarise(fit or person, protocol, days=days, seed=seed,
                                 resolution=resolution, progress=_progress())  # fmt: skip
    band = run.posterior_band.to_dict() if run.posterior_band is not None else None
    traj = run.trajectory
    outputs = {k: p for k, p in (("csv", out), ("plot", plot)) if p is not None}
    with staged_outputs(*outputs.values()) as temps:  # all files or none
        staged = dict(zip(outputs, temps, strict=True))
        if "csv" in staged:
            _write_csv(traj, staged["csv"])
        if "plot" in staged:
            plot_trajectory(traj, staged["plot"], title=protocol.name)
    written = {k: str(p) for k, p in outputs.items()}
    summary = run.summary.to_dict()
    if as_json:
        print_json(simulate_json(run, person=person, fit=_fit_json(person_file, fit),
                                 files=written))  # fmt: skip
        return
    console = out_console()
    title = f"{protocol.name}: {_person_text(person)}, {traj.days:g} days, seed {seed}"
    console.print(Text(title, style="bold"))
    console.print(summary_table({"model": summary}))
    if band is not None:
        console.print(band_line(band))
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    console.print(Text(DISCLAIMER, style="italic"))


def _yes_no(value: str | None, option: str) -> bool | None:
    """``--menopausal yes/no`` -> True/False; ``None`` stays unknown."""
    if value is None:
        return None
    key = value.strip().lower()
    if key in _YES | _NO:
        return key in _YES
    raise ProtocolError(
        f"`{option}` must be yes or no (post/pre also work); got {short_repr(value)}. "
        f"Leave it out when the menopausal status is unknown."
    )


MenopausalOpt = Annotated[
    str | None,
    typer.Option(
        "--menopausal",
        metavar="yes/no",
        help="Women: postmenopausal yes or no (selects the breast-cancer curve); default unknown.",
    ),
]
AssayOpt = Annotated[
    str,
    typer.Option("--assay", metavar="NAME", help="Reference table (assay) for the SDS."),
]


@app.command("assess")
@_handled
def assess_cmd(
    ctx: typer.Context,
    igf1: Annotated[float, typer.Option("--igf1", metavar="V", help="Measured total IGF-1.")],
    unit: Annotated[
        str, typer.Option("--unit", metavar="U", help="Unit of --igf1: ng/mL, ug/L or nmol/L.")
    ],
    age: Annotated[float, typer.Option("--age", metavar="A", help="Age [years].")],
    sex: Annotated[str, typer.Option("--sex", metavar="S", help="male or female (m/f).")],
    assay: AssayOpt = "life",
    menopausal: MenopausalOpt = None,
    igfbp3: Annotated[
        float | None, typer.Option("--igfbp3", metavar="V", help="Measured IGFBP-3 (optional).")
    ] = None,
    igfbp3_unit: Annotated[
        str,
        typer.Option("--igfbp3-unit", metavar="U", help="Unit of --igfbp3: ng/mL, mg/L, nmol/L."),
    ] = "ng/mL",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo intervals.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Place an IGF-1 value on the age/sex reference, the 120-160 ng/mL band and the evidence.

    Prints the SDS, percentile, zones and hazard ratios (95% Monte Carlo intervals over the
    published CIs) with their sources. Model predictions and published associations; not
    medical advice.
    """
    result = assess(
        igf1,
        unit,
        age,
        sex,
        assay=assay,
        menopausal=_yes_no(menopausal, "--menopausal"),
        igfbp3=igfbp3,
        igfbp3_unit=igfbp3_unit,
        seed=seed,
    )
    if as_json:
        print_json(result.to_dict())
        return
    console = out_console()
    for line in assessment_lines(result):
        console.print(line, soft_wrap=False)


@app.command("compare")
@_handled
def compare_cmd(
    ctx: typer.Context,
    protocol_files: Annotated[
        list[Path],
        typer.Argument(metavar="A.yaml B.yaml [...]", help="Two or more protocol files."),
    ],
    person_file: PersonOpt = None,
    days: DaysOpt = None,
    seed: SeedOpt = 0,
    menopausal: MenopausalOpt = None,
    resolution: ResolutionOpt = "auto",
    sanders: Annotated[
        bool,
        typer.Option(
            "--sanders",
            help="Add the Sanders 2018 IGF-1 trend and variability "
            "modifiers (needs 1 year or more of simulation).",
        ),
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", metavar="FILE.png", help="Overlay the daily mean IGF-1."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Simulate one person under several protocols and compare IGF-1, GH, band and risk.

    Side by side: IGF-1 daily mean and range, mean GH and GH secretion, time in the
    120-160 ng/mL band, mean SDS, GH pulsatility (bursts per day, approximate entropy, basal
    secretion, burst mass), and the hazard ratios the IGF-1 pattern implies (95%
    Monte Carlo intervals), assuming the simulated pattern is kept long-term. Model
    predictions and published associations; not medical advice.
    """
    if len(protocol_files) < 2:
        raise ProtocolError(
            f"`compare` needs two or more protocol files; got "
            f"{len(protocol_files)}. Use `igfaxis simulate` for one."
        )
    resolution = _resolution(resolution)
    person, fit = _subject(person_file)
    status = _yes_no(menopausal, "--menopausal")
    if status is not None and person.sex == "male":
        raise ProtocolError("`--menopausal` applies to women; the person is male. Leave it out.")
    if plot is not None:
        from igfaxis.io.plots import check_plot_path

        check_plot_path(plot)
    protocols = [load_protocol(f) for f in protocol_files]
    for protocol in protocols:  # warn before the option errors below
        warn_doses(protocol, person)
    shortest = min(horizon_days(p, days) for p in protocols)
    if sanders and shortest < SANDERS_MIN_DAYS:
        raise ProtocolError(
            f"`--sanders` needs IGF-1 values spanning a year or more (the Sanders 2018 trend "
            f"is per year); the shortest run is {shortest:g} days. Pass `--days 366` or more, "
            f"or leave out `--sanders`."
        )
    names = [p.name for p in protocols]
    labels = [
        n if names.count(n) == 1 else f"{n} ({f.stem})"
        for n, f in zip(names, protocol_files, strict=True)
    ]
    comparison = compare_protocols(
        fit or person,
        dict(zip(labels, protocols, strict=True)),
        days=days,
        seed=seed,
        menopausal=status,
        trajectory_modifiers=sanders,
        dose_warnings=False,
        resolution=resolution,
        progress=_progress(quiet=as_json),
    )
    trajs = {r.label: r.trajectory for r in comparison.runs}
    summaries = {r.label: r.summary.to_dict() for r in comparison.runs}
    scores = {r.label: r.score for r in comparison.runs}
    bands = {r.label: r.posterior_band.to_dict() for r in comparison.runs
             if r.posterior_band is not None}  # fmt: skip
    written: dict[str, str] = {}
    if plot is not None:
        from igfaxis.io.plots import plot_compare

        title = f"Daily mean IGF-1, {_person_text(person)}"
        written["plot"] = str(plot_compare(trajs, plot, title=title))
    if as_json:
        sources = {label: str(f) for label, f in zip(labels, protocol_files, strict=True)}
        print_json(compare_json(comparison, person=person, sources=sources,
                                fit=_fit_json(person_file, fit), files=written))  # fmt: skip
        return
    console = out_console()
    console.print(Text(f"Compare: {_person_text(person)}, seed {seed}", style="bold"))
    ratios = {label: s.hazard_ratios for label, s in scores.items()}
    console.print(compare_table(summaries, ratios))
    for label, band in bands.items():
        console.print(f"{label}: {band_line(band)}")
    for note in comparison.notes:
        console.print(f"Note: {note}")
    console.print(
        "* cell model (docs/signalling.md), last whole day: autophagy hours above the "
        "reference three-meal median, share of time with mTORC1 above its reference "
        "median, log2 mTORC1/autophagy vs reference. Design values; the direction "
        "has qualitative evidence, the size does not."
    )
    console.print(
        "** GH pulsatility (docs/validation.md), whole days: pituitary secretion above "
        "its daily floor per secretory burst, integrated over the saved 5-min output, "
        "which misses spikes shorter than a step (about 15-25% low); bursts and ApEn "
        "are read from serum GH sampled every 10 min, as in clinical studies."
    )
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    console.print(Text(DISCLAIMER, style="italic"))


@app.command("report")
@_handled
def report_cmd(
    ctx: typer.Context,
    person_file: Annotated[
        Path, typer.Option("--person", metavar="FILE", help="Person file (YAML/JSON).")
    ],
    protocol_file: Annotated[
        Path, typer.Option("--protocol", metavar="FILE", help="Protocol file (YAML).")
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="report.html", help="HTML report to write.")
    ],
    labs_file: Annotated[
        Path | None,
        typer.Option(
            "--labs",
            metavar="FILE.csv|FILE.json",
            help="Measured IGF-1: CSV with columns date (or day), igf1, unit [, time, assay, "
            "igfbp3, igfbp3_unit, gh, gh_unit], or FHIR R4 Observations/Bundle (.json); "
            "default with a fit as --person: the fit's labs.",
        ),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print the report to PDF (needs Chromium).")
    ] = False,
    days: DaysOpt = None,
    seed: SeedOpt = 0,
    menopausal: MenopausalOpt = None,
    resolution: ResolutionOpt = "auto",
    fit_labs: Annotated[
        bool,
        typer.Option(
            "--fit/--no-fit",
            help="With --labs and a person file: calibrate the person to the labs first "
            "(default) and report the fitted person with its band; --no-fit reports the "
            "average person of their age and sex beside the labs.",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Write a self-contained HTML report: centiles, trajectory, risk table, summary.

    The person is simulated under the protocol; measured labs (optional) are placed on the
    LIFE reference centiles, with day 0 the start of the simulation (for dated labs: the
    latest lab, at the person's age). With a fit as --person (igfaxis calibrate --out), the
    fitted person is simulated and the report draws the fitted trajectory through the labs
    with its 50%/90% bands. Model predictions and published associations; not medical
    advice.
    """
    from igfaxis.io.labs import read_labs

    resolution = _resolution(resolution)
    person, fit = load_subject(person_file)
    protocol = load_protocol(protocol_file)
    warn_doses(protocol, person)  # before the option errors below
    labs = read_labs(labs_file, age_y=person.age_y) if labs_file is not None else None
    status = _yes_no(menopausal, "--menopausal")
    if status is not None and person.sex == "male":
        raise ProtocolError("`--menopausal` applies to women; the person is male. Leave it out.")
    try:
        check_report_path(out)
    except ProtocolError:
        raise ProtocolError(
            f"`--out` must end in .html; got {short_repr(str(out))}. The PDF (--pdf) is "
            "written next to it with the suffix .pdf."
        ) from None
    if pdf:
        from igfaxis.io.pdf import find_chromium

        if find_chromium() is None:
            raise ExportError(
                "`--pdf` needs Chromium on PATH (chromium, chromium-browser or "
                "google-chrome); none was found. Install it, or leave out `--pdf` and print "
                "the HTML report from a browser."
            )
    report = make_report(
        fit or person,
        protocol,
        labs=labs,
        menopausal=status,
        days=days,
        seed=seed,
        dose_warnings=False,
        resolution=resolution,
        fit_labs=fit_labs,
        progress=_progress(quiet=as_json),
    )
    written = {k: str(p) for k, p in write_report_files(report, out, pdf=pdf).items()}
    fitted = report.fitted
    if as_json:
        print_json(
            {
                "files": written,
                "score": report.score.to_dict(),
                "latest_lab": report.latest.to_dict() if report.latest else None,
                "fit": _fit_json(person_file, fit),
                "fitted_band_end": fitted.end_band() if fitted is not None else None,
                "note": DISCLAIMER,
            }
        )
        return
    console = out_console()
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    console.print(Text(DISCLAIMER, style="italic"))


LabsOpt = Annotated[
    Path,
    typer.Option(
        "--labs",
        metavar="FILE.csv|FILE.json",
        help="Measured IGF-1: CSV with columns date (or day), igf1, unit [, time, assay, "
        "igfbp3, igfbp3_unit, gh, gh_unit], or FHIR R4 Observations/Bundle (.json).",
    ),
]


@app.command("calibrate")
@_handled
def calibrate_cmd(
    ctx: typer.Context,
    person_file: Annotated[
        Path, typer.Option("--person", metavar="FILE", help="Person file (YAML/JSON).")
    ],
    labs_file: LabsOpt,
    history_file: Annotated[
        Path | None,
        typer.Option(
            "--history",
            metavar="FILE.yaml",
            help="What the person did between labs: dated protocol segments (docs/labs.md).",
        ),
    ] = None,
    protocol_file: Annotated[
        Path | None,
        typer.Option(
            "--protocol",
            metavar="FILE.yaml",
            help="Without --history: the protocol followed throughout; default a usual day.",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            metavar="laplace|nuts",
            help="laplace: MAP + Laplace (seconds); nuts: full posterior by NUTS (slower).",
        ),
    ] = "laplace",
    predict: Annotated[
        list[str] | None,
        typer.Option(
            "--predict",
            metavar="DAY_OR_DATE",
            help="Predict the next lab at this day (labs' time line) or date (YYYY-MM-DD, "
            "dated labs); repeatable.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="fit.json",
            help="Write the fit (read back by simulate/compare/report --person fit.json).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE.png",
            help="Draw the labs, the fitted IGF-1 trajectory with 50%/90% bands and the "
            "predictions.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit the person's personal parameters to their labs and predict the next lab.

    Prints the posterior of the personal parameters (saying which the labs leave
    prior-dominated), the predicted labs with 50% and 90% intervals, the most informative
    day for a next lab and whether the fit converged. Model predictions, not medical advice.
    """
    from igfaxis.io.labs import read_labs
    from igfaxis.io.plots import check_plot_path

    method = check_method(method)
    if out is not None:
        check_fit_path(out)
    if plot is not None:
        check_plot_path(plot)
    if history_file is not None and protocol_file is not None:
        raise ProtocolError(
            "give `--history` or `--protocol`, not both: `--protocol` is what the person did "
            "throughout when there is no history; with `--history`, put it in its last segment."
        )
    person = load_person(person_file)
    labs = read_labs(labs_file, age_y=person.age_y)
    history = load_history(history_file) if history_file is not None else None
    protocol = load_protocol(protocol_file) if protocol_file is not None else None
    for followed in [protocol] if history is None else [s.protocol for s in history.segments]:
        if followed is not None:
            warn_doses(followed, person)
    run = calibrate_person(person, labs, history=history, protocol=protocol, method=method,
                           predict=predict or (), progress=_steps(quiet=as_json))  # fmt: skip
    written = {k: str(p) for k, p in write_calibration_files(run, out=out, plot=plot).items()}
    data = run.to_dict()
    if as_json:
        print_json({**data, "files": written, "note": DISCLAIMER})
        return
    console = out_console()
    console.print(Text(f"Calibration: {_person_text(person)}, {len(labs)} labs, "
                       f"{run.result.method}", style="bold"))  # fmt: skip
    console.print(posterior_table(data["posterior"]))
    note = posterior_note(data["posterior"], run.result.config.prior_dominated)
    if note is not None:
        console.print(note)
    gh = gh_note(data["diagnostics"].get("observed", []))
    if gh is not None:
        console.print(gh)
    if data["predictions"]:
        console.print(prediction_table(data["predictions"]))
    console.print(next_lab_line(data["most_informative"]))
    style = "green" if data["converged"] else "bold red"
    console.print(Text(f"Fit: {data['message']}", style=style))
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    console.print(Text(DISCLAIMER, style="italic"))


@app.command("optimize")
@_handled
def optimize_cmd(
    ctx: typer.Context,
    person_file: Annotated[
        Path,
        typer.Option(
            "--person",
            metavar="FILE",
            help="Person file (YAML/JSON), or a fit (`igfaxis calibrate --out fit.json`).",
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target",
            metavar="sds:LOW..HIGH|ng_ml:LOW..HIGH",
            help="The band: SDS (LIFE reference, age and sex; e.g. sds:0..1, the usual aim "
            "of GH replacement) or ng/mL (e.g. ng_ml:120..160).",
        ),
    ],
    levers: Annotated[
        str,
        typer.Option(
            "--levers",
            metavar="L1,L2",
            help="What the plan may change, comma-separated: drugs somatropin, "
            "somapacitan (weekly), tesamorelin; how a daily drug is given: dose_time "
            "(clock time 18:00-23:00), interval (every other day), cycling (6 on / 1 off, "
            "5 on / 2 off); lifestyle protein, tre, exercise. E.g. "
            "somatropin,dose_time,cycling,protein.",
        ),
    ] = "somatropin",
    horizon: Annotated[
        int,
        typer.Option(
            "--horizon-days",
            metavar="N",
            help="Planning horizon from the day after the latest lab [days], 28-730.",
        ),
    ] = 180,
    labs_file: Annotated[
        Path | None,
        typer.Option(
            "--labs",
            metavar="FILE.csv|FILE.json",
            help="With a person file: measured IGF-1 to fit the person to first "
            "(calibrate); without labs the plan uses the population prior.",
        ),
    ] = None,
    history_file: Annotated[
        Path | None,
        typer.Option(
            "--history",
            metavar="FILE.yaml",
            help="With --labs: what the person did between labs (docs/labs.md).",
        ),
    ] = None,
    protocol_file: Annotated[
        Path | None,
        typer.Option(
            "--protocol",
            metavar="FILE.yaml",
            help="The current protocol the plan changes; default the fit's last protocol, "
            "or a usual day.",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            metavar="N",
            help="Posterior draws each candidate plan is simulated for (fewer: faster, "
            "coarser probabilities).",
        ),
    ] = 40,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            metavar="auto|enumerate|tpe|nsga2|continuous|gradient",
            help="Search: auto (enumerate up to 40 candidates, else continuous when a drug "
            "has a dose grid, else tpe), enumerate, tpe "
            "(optuna TPE + a pen-step hill climb), nsga2 (optuna NSGA-II, for the Pareto "
            "set), continuous (a bounded Brent search of the dose, then pen steps) or "
            "gradient (Newton steps on the dose with the JAX engine's derivative, then pen "
            "steps).",
        ),
    ] = "auto",
    trials: Annotated[
        int,
        typer.Option(
            "--trials",
            metavar="N",
            help="Trials of tpe / nsga2 (1-2000).",
        ),
    ] = 40,
    seed: Annotated[
        int,
        typer.Option("--seed", metavar="N", help="Seed of the tpe / nsga2 sampler."),
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="plan.yaml",
            help="Write the best plan as a protocol file (runs in `igfaxis simulate`).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE.png",
            help="Draw the best plan vs no change (median and 90% band), the band, the "
            "planned labs and the labs.",
        ),
    ] = None,
    report_out: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE.html",
            help="Also write the report of the person under the best plan, with a plan "
            "section (the plan against no change, the Pareto set, what each lever did).",
        ),
    ] = None,
    fit_out: Annotated[
        Path | None,
        typer.Option(
            "--fit-out",
            metavar="fit.json",
            help="With --labs: also write the fit (for `simulate plan.yaml --person "
            "fit.json`).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Find the protocol that keeps the person's IGF-1 in a target band, under their
    posterior.

    Each candidate plan (drug doses in pen steps within label, their clock times and
    patterns, protein intakes, 16:8 eating, resistance training, and combinations; found
    by --method) is simulated for posterior draws of the person at day resolution; the best
    has the highest probability of being in band at the last planned lab (labs every 4
    weeks), then the most time in band, then the least burden. Prints the best plan against
    no change, the Pareto set and what each lever did. Model prediction, not medical
    advice; discuss with a clinician.
    """
    from igfaxis.io.labs import read_labs
    from igfaxis.io.plots import check_plot_path

    tgt = check_target(target, field="--target")
    names = check_levers(levers, field="--levers")
    days = check_horizon(horizon, field="--horizon-days")
    if draws < 2 or draws > 400:
        raise ProtocolError(
            f"`--draws` must be 2-400; got {draws}. 40 (the default) gives probabilities to "
            "about 5%; fewer run faster."
        )
    from igfaxis.optimize import METHODS, OptimizeConfig

    if method not in METHODS:
        raise ProtocolError(
            f"`--method` must be one of {', '.join(METHODS)}; got {method!r}. auto (the "
            "default) enumerates small searches and uses continuous (a drug's dose) or tpe for "
            "large ones."
        )
    if not 1 <= trials <= 2000:
        raise ProtocolError(f"`--trials` must be 1-2000; got {trials}. 40 is the default.")
    if out is not None:
        check_plan_path(out, field="--out")
    if plot is not None:
        check_plot_path(plot)
    if fit_out is not None:
        check_fit_path(fit_out)
    if report_out is not None:
        check_report_path(report_out)
    person, fit = load_subject(person_file)
    if fit is not None and (labs_file is not None or history_file is not None):
        raise ProtocolError(
            "`--person` is a fit, which holds its labs and history; leave out `--labs` and "
            "`--history`, or give the person file to fit the labs again."
        )
    if labs_file is None and (history_file is not None or fit_out is not None):
        option = "--history" if history_file is not None else "--fit-out"
        raise ProtocolError(
            f"`{option}` needs `--labs` (with a person file); give the labs, or leave out "
            f"`{option}`."
        )
    labs = read_labs(labs_file, age_y=person.age_y) if labs_file is not None else None
    history = load_history(history_file) if history_file is not None else None
    protocol = load_protocol(protocol_file) if protocol_file is not None else None
    if protocol is not None:
        warn_doses(protocol, person)
    config = OptimizeConfig(draws=draws, method=method, trials=trials, seed=seed)
    with _candidate_bar(quiet=as_json) as on_candidate:
        run = plan_protocol(fit or person, tgt, levers=names, horizon_days=days, labs=labs,
                            history=history, protocol=protocol,
                            config=config, progress=_steps(quiet=as_json),
                            on_candidate=on_candidate)  # fmt: skip
    report = None
    if report_out is not None:  # made before anything is written: a failure writes nothing
        subject = run.fit if run.result.from_labs else run.person
        report = make_report(subject, run.protocol, days=run.result.horizon_days,
                             plan=run.result, dose_warnings=False,
                             progress=_steps(quiet=as_json))  # fmt: skip
    files = write_plan_files(run, out=out, plot=plot, fit=fit_out)
    if report is not None:
        files["report"] = write_report_files(report, report_out)["html"]
    written = {k: str(p) for k, p in files.items()}
    data = run.to_dict()
    if as_json:
        print_json({**data, "files": written})
        return
    _print_plan(run, data, person)
    console = out_console()
    for kind, path in written.items():
        console.print(f"wrote {kind}: {path}")
    console.print(Text(PLAN_NOTE, style="italic"))


def _print_plan(run: PlanRun, data: dict[str, Any], person: Person) -> None:
    """The best plan vs no change, the Pareto set, the message and the explanation."""
    console = out_console()
    r = run.result
    basis = (f"fitted to {len(run.labs)} labs ({run.fit.method})" if r.from_labs
             else "population prior (no labs)")  # fmt: skip
    title = (f"Plan: {_person_text(person)}, {basis}, {r.horizon_days} days, "
             f"{len(r.evaluated)} candidates ({r.method}) x {run.draws} draws")  # fmt: skip
    console.print(Text(title, style="bold"))
    lo, hi = r.band_ng_ml
    console.print(f"Target: {r.target.describe()} = {lo:.0f}-{hi:.0f} ng/mL at the end of "
                  "the horizon")  # fmt: skip
    console.print(plan_table(data))
    console.print(pareto_table(data["pareto"]))
    style = "green" if r.reached else "yellow"
    console.print(Text(r.message, style=style))
    for line in r.explanation:
        console.print(f"  {line}")


@app.command("validate")
@_handled
def validate_cmd(
    ctx: typer.Context,
    targets: Annotated[
        Path | None,
        typer.Option("--targets", metavar="FILE", help="Targets file; default: the packaged one."),
    ] = None,
    ids: Annotated[
        list[str] | None,
        typer.Option("--id", metavar="ID", help="Only this target id or prefix (repeatable)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the published validation targets; exit code 1 if any fails."""
    from igfaxis.validation import validate

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console(), transient=True) as bar:
        task = bar.add_task("validation", total=None)

        def progress(target_id: str, index: int, total: int) -> None:
            bar.update(task, description=target_id, completed=index, total=total)

        report = validate(targets, ids=ids or None, progress=progress)
    rows = report.rows
    if as_json:
        fields = (
            "id",
            "metric",
            "value",
            "target",
            "low",
            "high",
            "unit",
            "passed",
            "source",
            "note",
        )
        print_json(
            {
                "all_passed": report.all_passed,
                "passed": sum(r.passed for r in rows),
                "total": len(rows),
                "rows": [{f: getattr(r, f, None) for f in fields} for r in rows],
            }
        )
    else:
        console = out_console()
        console.print(validation_table(rows))
        n_pass = sum(r.passed for r in rows)
        style = "green" if report.all_passed else "bold red"
        console.print(Text(f"{n_pass}/{len(rows)} targets passed", style=style))
    if not report.all_passed:
        raise typer.Exit(code=1)


@app.command("export-sbml")
@_handled
def export_sbml_cmd(
    ctx: typer.Context,
    protocol_file: ProtocolArg,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.xml", help="SBML file to write.")],
    person_file: PersonOpt = None,
    days: DaysOpt = None,
    seed: SeedOpt = 0,
) -> None:
    """Export the person's model under a protocol as SBML (Level 3 Version 2)."""
    protocol = load_protocol(protocol_file)
    person = load_person(person_file) if person_file is not None else DEFAULT_PERSON
    try:
        from igfaxis.io.sbml import write_sbml
    except ImportError as exc:  # an optional dependency is missing: say which
        raise ExportError(str(exc)) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        path = write_sbml(out, person, protocol, days=horizon_days(protocol, days), seed=seed)
    except ImportError as exc:
        raise ExportError(str(exc)) from exc
    out_console().print(f"wrote SBML: {path}")


@app.command("demo")
@_handled
def demo_cmd(
    ctx: typer.Context,
    out_dir: Annotated[
        Path,
        typer.Option("--out-dir", metavar="DIR", help="Folder for the figures, CSVs and plan."),
    ] = Path("demo-output"),
    days: Annotated[float, typer.Option("--days", hidden=True)] = 28.0,
    horizon: Annotated[int, typer.Option("--horizon-days", hidden=True)] = 180,
    draws: Annotated[int, typer.Option("--draws", hidden=True)] = DEMO_DRAWS,
    as_json: JsonOpt = False,
) -> None:
    """Two parts: low-dose somatropin vs none in a healthy man; then a GH-deficient adult's
    labs -> their fit -> a plan for IGF-1 SDS 0 to +1 -> the plan against no change.

    Writes the figures, the fit (fit.json), the plan (plan.yaml, for `igfaxis simulate`)
    and the CSVs to --out-dir. Model predictions, not medical advice.
    """
    from igfaxis.io.plots import plot_compare

    check_horizon(horizon, field="--horizon-days")
    demo = run_demo(days=days, progress=_progress(quiet=as_json))
    protocols = demo.protocols
    trajs = {label: run.trajectory for label, run in demo.runs.items()}
    outputs = {label: out_dir / f"{label}.csv" for label in trajs} | {"plot": out_dir / "demo.png"}
    summaries = {label: run.summary.to_dict() for label, run in demo.runs.items()}
    if not as_json:
        console = out_console()
        console.print(Text(f"Part 1. {_person_text(DEFAULT_PERSON)}, {days:g} days, seed 0: "
                           "no intervention vs low-dose somatropin", style="bold"))  # fmt: skip
        console.print(summary_table(summaries))
        console.print(f"\n{demo.drug_protocol.description.strip()}")
        console.print(
            f"Last-day mean IGF-1 with somatropin: {demo.igf1_change_ng_ml:+.1f} ng/mL "
            f"({100 * demo.igf1_change_fraction:+.0f}%) vs baseline.\n"
        )
        console.print(Text("Part 2. A GH-deficient adult with three low IGF-1 labs "
                           "(illustrative, not a real patient): fit -> plan -> plan vs no "
                           "change", style="bold"))  # fmt: skip
        if draws != DEMO_DRAWS:
            console.print(f"Planning with {draws} posterior draws per candidate (the "
                          f"default is {DEMO_DRAWS}): faster, with coarser "
                          "probabilities.")  # fmt: skip
    with _candidate_bar(quiet=as_json) as on_candidate:
        plan_demo = run_plan_demo(horizon_days=horizon, draws=draws,
                                  progress=_steps(quiet=as_json),
                                  on_candidate=on_candidate)  # fmt: skip
    with staged_outputs(*outputs.values()) as temps:  # the files of both parts, or none
        staged = dict(zip(outputs, temps, strict=True))
        for label, t in trajs.items():
            _write_csv(t, staged[label])
        plot_compare(
            {protocols[k].name: t for k, t in trajs.items()},
            staged["plot"],
            title=f"Daily mean IGF-1, {_person_text(demo.person)}",
        )
        part2 = write_plan_demo_files(plan_demo, out_dir)  # last: renamed before part 1's
    files = {k: str(p) for k, p in (outputs | part2).items()}
    plan = plan_demo.plan
    plan_data = plan.to_dict()
    compared = {label: run.summary.to_dict() for label, run in plan_demo.runs.items()}
    if as_json:
        print_json(
            {
                "person": DEFAULT_PERSON.model_dump(mode="json"),
                "days": days,
                "protocols": {k: p.to_dict() for k, p in protocols.items()},
                "summary": summaries,
                "plan": plan_data,
                "fit": plan_demo.calibration.to_dict(),
                "plan_vs_no_change": compared,
                "files": files,
                "note": DISCLAIMER,
                "plan_note": PLAN_NOTE,
            }
        )
        return
    console = out_console()
    cal = plan_demo.calibration
    console.print(Text(f"Fit: {cal.result.message}", style="green" if cal.result.converged
                       else "bold red"))  # fmt: skip
    console.print(posterior_table(cal.posterior()))
    _print_plan(plan, plan_data, plan.fit.fitted_person())
    console.print(Text("\nThe plan against no change, the fitted person (posterior medians) "
                       f"simulated pulse-resolved for {plan.result.horizon_days} days:",
                       style="bold"))  # fmt: skip
    console.print(summary_table(compared))
    console.print(f"Last-day mean IGF-1 with the plan: {plan_demo.igf1_change_ng_ml:+.1f} "
                  "ng/mL vs no change.")  # fmt: skip
    console.print(f"Run the plan yourself: igfaxis simulate {files['plan']} --person "
                  f"{files['fit']}")  # fmt: skip
    for path in files.values():
        console.print(f"wrote {path}")
    console.print(Text(DISCLAIMER, style="italic"))
    console.print(Text(PLAN_NOTE, style="italic"))


# --------------------------------------------------------------------------------------
# Dosing tables
# --------------------------------------------------------------------------------------

doses_app = typer.Typer(
    name="doses",
    help="Dosing tables: a protocol's doses to a NONMEM-style CSV (mrgsolve, nlmixr2) and back.",
    no_args_is_help=True,
)
app.add_typer(doses_app)


@doses_app.command("export")
@_handled
def doses_export_cmd(
    ctx: typer.Context,
    protocol_file: ProtocolArg,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.csv", help="CSV file to write.")],
) -> None:
    """Write the protocol's doses as a NONMEM-style CSV (ID, TIME, EVID, AMT, CMT, ...)."""
    from igfaxis.io.nonmem import write_dosing_csv

    protocol = load_protocol(protocol_file)
    path = write_dosing_csv(protocol, out)
    n = len(protocol.doses)
    out_console().print(f"wrote {n} dosing record{'' if n == 1 else 's'} to {path}")


@doses_app.command("import")
@_handled
def doses_import_cmd(
    ctx: typer.Context,
    table: Annotated[
        Path, typer.Argument(metavar="DOSES.csv", help="NONMEM-style dosing table (CSV).")
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE.yaml", help="Protocol file to write.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Protocol name; default: the CSV file name.")
    ] = None,
    subject_id: Annotated[
        int | None, typer.Option("--id", metavar="ID", help="Subject to read (ID column).")
    ] = None,
) -> None:
    """Write a protocol file with the doses (EVID 1 rows) of a NONMEM-style CSV."""
    import yaml

    from igfaxis.io.nonmem import read_dosing_csv

    doses = read_dosing_csv(table, subject_id=subject_id)
    protocol = Protocol(name=name or table.stem, doses=doses)
    data = {"name": protocol.name, "doses": [d.model_dump(exclude_none=True) for d in doses]}
    header = f"# doses imported from {table.name} by `igfaxis doses import`\n"
    write_text_atomic(out, header + yaml.safe_dump(data, sort_keys=False, default_flow_style=None))
    console = out_console()
    for dose in doses:
        try:
            console.print(f"  {format_regimen(dose)}")
        except ProtocolError:  # a first-dose time between whole minutes has no regimen text
            console.print(f"  {dose}")
    console.print(f"wrote {len(doses)} dosing record{'' if len(doses) == 1 else 's'} to {out}")


register_web(app, _handled)  # `igfaxis serve` and `igfaxis users add` (igfaxis/cli/_web.py)
register_cohort(app, _handled)  # `igfaxis cohort` and `igfaxis sensitivity` (cli/_cohort.py)


def main() -> None:
    """Entry point of the ``igfaxis`` console script."""
    app(prog_name="igfaxis")
