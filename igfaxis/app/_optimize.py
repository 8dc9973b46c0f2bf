"""Plan a protocol that keeps a person in their IGF-1 band (``igfaxis optimize``).

Person [+ labs [+ history]] or a fit -> (with labs: :func:`calibrate_person` first) ->
:func:`igfaxis.optimize.optimize` over the posterior draws (the population prior without
labs) -> :class:`PlanRun`; :func:`write_plan_files` writes the best protocol
(``plan.yaml``, which ``igfaxis simulate`` runs unchanged), the plan's figure and its JSON,
all or none. Model predictions, not medical advice; discuss with a clinician.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.app._calibrate import CalibrationRun, _plain, calibrate_person
from igfaxis.app._run import Progress, no_progress
from igfaxis.calibrate import CalibrationConfig, CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.io.plots import check_plot_path, plot_plan
from igfaxis.optimize import (
    LEVERS,
    NOTE,
    OptimizationResult,
    OptimizeConfig,
    Target,
    check_lever_set,
    optimize,
)
from igfaxis.protocol import History, Person, Protocol

__all__ = [
    "MAX_HORIZON_DAYS",
    "MIN_HORIZON_DAYS",
    "PLAN_NOTE",
    "CandidateProgress",
    "PlanRun",
    "check_horizon",
    "check_levers",
    "check_plan_path",
    "check_target",
    "plan_protocol",
    "write_plan_files",
]

#: what every displayed or written plan carries
PLAN_NOTE: Final = NOTE
#: the planning horizon's bounds [days] (those of :func:`igfaxis.optimize.optimize`)
MIN_HORIZON_DAYS: Final = 28
MAX_HORIZON_DAYS: Final = 730

#: called after each candidate protocol as ``(done, total, label)``
CandidateProgress = Callable[[int, int, str], None]


def check_target(target: Target | str, *, field: str = "target") -> Target:
    """``target`` as a :class:`~igfaxis.optimize.Target` (``sds:LOW..HIGH`` or
    ``ng_ml:LOW..HIGH``).

    Raises
    ------
    ProtocolError
        Text that is not a band, or a band out of range; the message names ``field``.
    """
    if isinstance(target, Target):
        return target
    if not isinstance(target, str):
        raise ProtocolError(
            f"`{field}` must be text such as sds:0..1 or ng_ml:120..160; got "
            f"{short_repr(target)} ({type(target).__name__})."
        )
    try:
        return Target.parse(target)
    except ProtocolError as exc:
        raise ProtocolError(f"`{field}`: {exc}") from None


def check_levers(levers: str | Sequence[str], *, field: str = "levers") -> tuple[str, ...]:
    """The levers as a tuple (a comma-separated text works), each one of
    :data:`igfaxis.optimize.LEVERS`, duplicates dropped.

    Raises
    ------
    ProtocolError
        No lever, or an unknown one; the message names ``field``.
    """
    items = levers.split(",") if isinstance(levers, str) else list(levers)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ProtocolError(
                f"`{field}` must be lever names ({', '.join(LEVERS)}); got "
                f"{short_repr(item)} ({type(item).__name__})."
            )
        name = item.strip().lower()
        if not name:
            continue
        if name not in LEVERS:
            raise ProtocolError(
                f"`{field}`: unknown lever {short_repr(item.strip())}; choose from "
                f"{', '.join(LEVERS)}, comma-separated (e.g. somatropin,protein)."
            )
        if name not in out:
            out.append(name)
    if not out:
        raise ProtocolError(
            f"`{field}` names no lever; give one or more of {', '.join(LEVERS)}, "
            "comma-separated (e.g. somatropin,protein)."
        )
    try:  # a modifier (dose_time, interval, cycling) needs a drug it changes
        return check_lever_set(out)
    except ProtocolError as exc:
        raise ProtocolError(f"`{field}`: {exc}") from None


def check_horizon(days: object, *, field: str = "horizon_days") -> int:
    """The planning horizon as whole days, :data:`MIN_HORIZON_DAYS` to
    :data:`MAX_HORIZON_DAYS`.

    Raises
    ------
    ProtocolError
        Not a whole number of days in that range; the message names ``field``.
    """
    ok = (isinstance(days, int | float) and not isinstance(days, bool)
          and math.isfinite(days) and float(days).is_integer())  # fmt: skip
    if not ok or not MIN_HORIZON_DAYS <= days <= MAX_HORIZON_DAYS:  # type: ignore[operator]
        raise ProtocolError(
            f"`{field}` must be a whole number of days from {MIN_HORIZON_DAYS} to "
            f"{MAX_HORIZON_DAYS}; got {short_repr(days)}. Plans are judged at labs every "
            "4 weeks over the horizon; e.g. 180 for six months."
        )
    return int(days)  # type: ignore[arg-type]


def check_plan_path(out: str | Path, *, field: str = "out") -> Path:
    """``out`` as a path, if it names a YAML file (``igfaxis simulate`` reads it back).

    Raises
    ------
    ProtocolError
        ``out`` does not end in ``.yaml`` or ``.yml``.
    """
    path = Path(out)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ProtocolError(
            f"`{field}` must end in .yaml (the plan is a protocol file that `igfaxis "
            f"simulate` runs); got {short_repr(str(path))}. Use e.g. plan.yaml."
        )
    return path


def _check_json_path(out: str | Path) -> Path:
    path = Path(out)
    if path.suffix.lower() != ".json":
        raise ProtocolError(
            f"the plan's JSON file must end in .json; got {short_repr(str(path))}. Use e.g. "
            "plan.json."
        )
    return path


@dataclass(frozen=True, eq=False)
class PlanRun:
    """A plan for one person: the posterior it was judged under and what was found.

    Attributes
    ----------
    fit
        The person's fit to their labs, or (no labs) the population prior of their age and
        sex (:meth:`~igfaxis.calibrate.CalibrationResult.prior`).
    result
        What the search found (:class:`~igfaxis.optimize.OptimizationResult`).
    calibration
        The fit with its predictions and fitted trajectory, when the labs were fitted here
        (:class:`~igfaxis.app.CalibrationRun`), else ``None``.
    draws
        Posterior draws each candidate was simulated for.
    """

    fit: CalibrationResult
    result: OptimizationResult
    calibration: CalibrationRun | None = None
    draws: int = OptimizeConfig.draws

    @property
    def person(self) -> Person:
        """The person as given (``personal`` not fitted)."""
        return self.fit.person

    @property
    def protocol(self) -> Protocol:
        """The best plan's protocol."""
        return self.result.best.protocol

    @property
    def labs(self) -> tuple[LabValue, ...]:
        """The labs of the fit (none for the prior)."""
        return tuple(self.fit.labs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``igfaxis optimize --json``): :meth:`OptimizationResult.to_dict`
        (``protocol``, ``expected``, ``burden``, ``pareto``, ``baseline``, ``message``,
        ...), the fit it was judged under, and ``note``."""
        fit = self.fit
        return {
            **_plain(self.result.to_dict()),
            "person": self.person.model_dump(mode="json"),
            "fit": {
                "method": fit.method,
                "converged": bool(fit.converged),
                "message": fit.message,
                "labs": len(fit.labs),
                "from_labs": fit.from_labs,
            },
            "draws": self.draws,
            "note": PLAN_NOTE,
        }

    def plan_yaml(self) -> str:
        """The best protocol as YAML, with a header saying what it is (``plan.yaml``)."""
        r = self.result
        best = r.best
        n = len(self.labs)
        basis = f"fitted to {n} lab{'' if n == 1 else 's'}" if n else "population prior, no labs"
        header = [
            f"# Planned by `igfaxis optimize` for a {self.person.age_y:g}-year-old "
            f"{self.person.sex} ({basis}).",
            f"# Target: {r.target.describe()} = {r.band_ng_ml[0]:.0f}-{r.band_ng_ml[1]:.0f} "
            "ng/mL;",
            f"# in band at the last planned lab (day {best.lab_days[-1]:g}) with probability "
            f"{best.p_success:.0%}.",
            "# It starts the day after the latest lab; run it with",
            "#   igfaxis simulate plan.yaml --person fit.json",
            f"# {PLAN_NOTE}",
        ]
        body = yaml.safe_dump(self.protocol.to_dict(), sort_keys=False, default_flow_style=None)
        return "\n".join(header) + "\n" + body


def plan_protocol(
    subject: Person | CalibrationResult,
    target: Target | str,
    *,
    levers: str | Sequence[str] = ("somatropin",),
    horizon_days: int = 180,
    labs: Sequence[LabValue] | None = None,
    history: History | None = None,
    protocol: Protocol | None = None,
    method: str = "laplace",
    config: OptimizeConfig | None = None,
    calibration_config: CalibrationConfig | None = None,
    progress: Progress = no_progress,
    on_candidate: CandidateProgress | None = None,
) -> PlanRun:
    """Find the protocol that keeps ``subject``'s IGF-1 in ``target`` under their posterior.

    Parameters
    ----------
    subject
        A person (then fitted to ``labs`` first, or without labs planned for the population
        prior of their age and sex), or a fit (:func:`igfaxis.calibrate.calibrate`, a
        ``fit.json``).
    target
        ``"sds:LOW..HIGH"`` (LIFE reference, age and sex), ``"ng_ml:LOW..HIGH"`` or a
        :class:`~igfaxis.optimize.Target`.

    Other Parameters
    ----------------
    levers
        Any of :data:`igfaxis.optimize.LEVERS` (a sequence, or comma-separated text).
    horizon_days
        Planning horizon from the day after the latest lab [days], 28-730.
    labs
        The person's measured IGF-1 (:func:`igfaxis.io.read_labs`); only with a person.
    history
        What the person did between labs (with ``labs``).
    protocol
        The current protocol the plan changes. With labs and no ``history``, also what the
        person did throughout the labs' period. Default: the fit's last protocol, or a usual
        day.
    method
        Calibration method with labs: ``"laplace"`` (default) or ``"nuts"``.
    config
        :class:`~igfaxis.optimize.OptimizeConfig` (default: its defaults).
    calibration_config
        :class:`~igfaxis.calibrate.CalibrationConfig` of the fit (with labs).
    progress
        Called around the fit (:data:`~igfaxis.app.Progress`).
    on_candidate
        Called after each candidate protocol as ``(done, total, label)``.

    Returns
    -------
    PlanRun

    Raises
    ------
    ProtocolError
        A bad target, lever or horizon, labs or a history with a fit (it has its own), a
        history without labs, or an unknown method; all checked before anything is fitted
        or simulated.
    """
    tgt = check_target(target)
    names = check_levers(levers)
    horizon = check_horizon(horizon_days)
    cfg = config if config is not None else OptimizeConfig()
    if isinstance(subject, CalibrationResult):
        if labs is not None or history is not None:
            raise ProtocolError(
                "a fit already holds its labs and history; give the person file with the "
                "labs to fit them again, or leave out the labs and history."
            )
        fit, calibration = subject, None
    elif labs is None:
        if history is not None:
            raise ProtocolError(
                "a history needs the labs it explains; give the labs too, or leave out the "
                "history to plan from the population prior."
            )
        fit, calibration = CalibrationResult.prior(subject, protocol=protocol), None
    else:
        calibration = calibrate_person(
            subject, labs, history=history, protocol=None if history else protocol,
            method=method, config=calibration_config, progress=progress,
        )  # fmt: skip
        fit = calibration.result
    result = optimize(fit, tgt, levers=names, horizon_days=horizon, protocol=protocol,
                      config=cfg, progress=on_candidate)  # fmt: skip
    return PlanRun(fit, result, calibration, cfg.draws)


def write_plan_files(
    run: PlanRun,
    *,
    out: str | Path | None = None,
    plot: str | Path | None = None,
    json_out: str | Path | None = None,
    fit: str | Path | None = None,
) -> dict[str, Path]:
    """Write the plan (``out``, YAML), its figure (``plot``), its JSON (``json_out``) and,
    when the labs were fitted here, the fit (``fit``, JSON), all or none.

    Returns
    -------
    ``{"plan": path, "plot": path, "json": path, "fit": path}`` for those given.

    Raises
    ------
    ProtocolError
        ``out`` is not ``.yaml``, ``plot`` has a suffix matplotlib cannot write, ``json_out``
        or ``fit`` is not ``.json``, or two are the same file; then nothing is written.
    """
    from igfaxis.app._calibrate import check_fit_path

    outputs: dict[str, Path] = {}
    if out is not None:
        outputs["plan"] = check_plan_path(out)
    if plot is not None:
        outputs["plot"] = check_plot_path(plot)
    if json_out is not None:
        outputs["json"] = _check_json_path(json_out)
    if fit is not None:
        if not run.fit.from_labs:
            raise ProtocolError(
                "there is no fit to write: the plan used the population prior (no labs). "
                "Give the labs to fit the person, or leave out the fit file."
            )
        outputs["fit"] = check_fit_path(fit)
    with staged_outputs(*outputs.values()) as temps:  # every file or none
        staged = dict(zip(outputs, temps, strict=True))
        if "plan" in staged:
            staged["plan"].write_text(run.plan_yaml(), encoding="utf-8")
        if "plot" in staged:
            plot_plan(run.result, staged["plot"], labs=run.labs,
                      origin_date=run.fit.timeline.latest_date)  # fmt: skip
        if "json" in staged:
            text = json.dumps(run.to_dict(), indent=2, allow_nan=False, default=float)
            staged["json"].write_text(text + "\n", encoding="utf-8")
        if "fit" in staged:
            staged["fit"].write_text(run.fit.to_json(), encoding="utf-8")
    return outputs
