"""The flows users ask for, one definition each, shared by the CLI and (later) the web app.

Each flow is a plain function from validated input (:class:`~igfaxis.protocol.Person`,
:class:`~igfaxis.protocol.Protocol`, labs) to an immutable result record; adapters parse
their input, call one flow and render its result (text, JSON, plots, HTML).

- :func:`simulate_and_summarise`: one person, one protocol -> :class:`RunResult`.
- :func:`compare_protocols`: one person, several protocols -> :class:`Comparison` (IGF-1,
  GH, time in band, risk, GH pulsatility, cell read-outs).
- :func:`make_report` and :func:`write_report_files`: person + protocol [+ labs] -> report
  data -> HTML [+ PDF].
- :func:`run_demo`: no intervention vs low-dose somatropin -> :class:`DemoResult`.

Long flows take ``progress`` (:data:`Progress`), called around each simulation.
"""

from igfaxis.app._compare import (
    SANDERS_MIN_DAYS as SANDERS_MIN_DAYS,
    ComparedRun as ComparedRun,
    CompareSummary as CompareSummary,
    Comparison as Comparison,
    compare_protocols as compare_protocols,
    compare_summary as compare_summary,
)
from igfaxis.app._demo import (
    DEMO_PROTOCOL as DEMO_PROTOCOL,
    DemoResult as DemoResult,
    run_demo as run_demo,
)
from igfaxis.app._report import (
    check_report_path as check_report_path,
    make_report as make_report,
    write_report_files as write_report_files,
)
from igfaxis.app._run import (
    DAY_RESOLUTION_FROM_DAYS as DAY_RESOLUTION_FROM_DAYS,
    DEFAULT_PERSON as DEFAULT_PERSON,
    PULSE_WINDOW_DAYS as PULSE_WINDOW_DAYS,
    RESOLUTIONS as RESOLUTIONS,
    Progress as Progress,
    RunResult as RunResult,
    RunSummary as RunSummary,
    horizon_days as horizon_days,
    no_progress as no_progress,
    pick_resolution as pick_resolution,
    simulate_and_summarise as simulate_and_summarise,
    summarise_trajectory as summarise_trajectory,
)

__all__ = [
    "DAY_RESOLUTION_FROM_DAYS",
    "DEFAULT_PERSON",
    "DEMO_PROTOCOL",
    "PULSE_WINDOW_DAYS",
    "RESOLUTIONS",
    "SANDERS_MIN_DAYS",
    "CompareSummary",
    "ComparedRun",
    "Comparison",
    "DemoResult",
    "Progress",
    "RunResult",
    "RunSummary",
    "check_report_path",
    "compare_protocols",
    "compare_summary",
    "horizon_days",
    "make_report",
    "no_progress",
    "pick_resolution",
    "run_demo",
    "simulate_and_summarise",
    "summarise_trajectory",
    "write_report_files",
]
