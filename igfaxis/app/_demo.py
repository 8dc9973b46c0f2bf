"""The demo (``igfaxis demo``), in two parts.

1. :func:`run_demo`: no intervention vs low-dose somatropin in a healthy 45-year-old man
   (pulse-resolved, 28 days).
2. :func:`run_plan_demo`: a GH-deficient adult with three low IGF-1 labs
   (:data:`DEMO_PERSON`, :data:`DEMO_LABS`; illustrative, not a real patient) -> their fit
   (MAP + Laplace) -> a plan for IGF-1 SDS 0 to +1 with somatropin and protein over 180
   days -> the plan against no change, pulse-resolved for the fitted person ->
   :class:`PlanDemo`; :func:`write_plan_demo_files` writes ``fit.json``, ``fit.png``,
   ``plan.yaml``, ``plan.json``, ``plan.png`` and ``compare.png``.

Model predictions, not medical advice; discuss with a clinician.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from igfaxis._files import staged_outputs
from igfaxis.app._calibrate import CalibrationRun, _title
from igfaxis.app._optimize import CandidateProgress, PlanRun, plan_protocol
from igfaxis.app._run import (
    DEFAULT_PERSON,
    Progress,
    RunResult,
    no_progress,
    simulate_and_summarise,
)
from igfaxis.errors import ProtocolError
from igfaxis.io.plots import plot_compare, plot_fit, plot_plan
from igfaxis.optimize import OptimizeConfig
from igfaxis.protocol import Person, Protocol

__all__ = [
    "DEMO_DRAWS",
    "DEMO_LABS",
    "DEMO_PERSON",
    "DEMO_PROTOCOL",
    "DemoResult",
    "PlanDemo",
    "run_demo",
    "run_plan_demo",
    "write_plan_demo_files",
]

_EXAMPLES: Final = Path(__file__).resolve().parents[2] / "examples"
#: the demo's intervention; the file lives in the source tree next to the other examples
DEMO_PROTOCOL: Final = _EXAMPLES / "somatropin-low-dose.yaml"
#: the planning demo's person: a GH-deficient man of 45 (his age at the latest lab)
DEMO_PERSON: Final = _EXAMPLES / "persons" / "adult-ghd.yaml"
#: his labs: three low IGF-1 values over a year (illustrative, not a real patient)
DEMO_LABS: Final = _EXAMPLES / "labs" / "adult-ghd.csv"
#: posterior draws per candidate plan in the demo: the default of
#: :class:`~igfaxis.optimize.OptimizeConfig`. A first run costs about 2.3 min on two cores
#: whether it plans with 16 draws or 40 (2:11 vs 2:21 measured): most of it tabulates the
#: day-resolution model for each new protocol, once, into the cache; later runs about 25 s
DEMO_DRAWS: Final = OptimizeConfig.draws
_DEMO_TARGET: Final = "sds:0..1"
_DEMO_LEVERS: Final = ("somatropin", "protein")

_BASELINE: Final = "baseline"
_DRUG: Final = "somatropin-low-dose"


@dataclass(frozen=True)
class DemoResult:
    """The two demo runs.

    Attributes
    ----------
    person
        Who was simulated (:data:`~igfaxis.app.DEFAULT_PERSON`).
    days
        Horizon [days].
    runs
        ``"baseline"`` and ``"somatropin-low-dose"`` -> :class:`~igfaxis.app.RunResult`.
    """

    person: Person
    days: float
    runs: Mapping[str, RunResult]

    @property
    def protocols(self) -> dict[str, Protocol]:
        """Label -> protocol."""
        return {label: run.protocol for label, run in self.runs.items()}

    @property
    def drug_protocol(self) -> Protocol:
        """The intervention."""
        return self.runs[_DRUG].protocol

    @property
    def igf1_change_ng_ml(self) -> float:
        """Last-day mean IGF-1 with somatropin minus baseline [ng/mL]."""
        return self._last(_DRUG) - self._last(_BASELINE)

    @property
    def igf1_change_fraction(self) -> float:
        """Last-day mean IGF-1 with somatropin relative to baseline, minus 1 [-]."""
        return self._last(_DRUG) / self._last(_BASELINE) - 1.0

    def _last(self, label: str) -> float:
        return self.runs[label].summary.igf1_last_day_mean_ng_ml


def run_demo(*, days: float = 28.0, progress: Progress = no_progress) -> DemoResult:
    """Simulate :data:`~igfaxis.app.DEFAULT_PERSON` without intervention and with the
    low-dose somatropin example (:data:`DEMO_PROTOCOL`), seed 0.

    Parameters
    ----------
    days
        Horizon [days].
    progress
        Called around each simulation (:data:`~igfaxis.app.Progress`).
    """
    protocols = {
        _BASELINE: Protocol(name="baseline (no intervention)"),
        _DRUG: Protocol.from_yaml(DEMO_PROTOCOL),
    }
    runs = {
        label: simulate_and_summarise(DEFAULT_PERSON, protocol, days=days, progress=progress)
        for label, protocol in protocols.items()
    }
    return DemoResult(DEFAULT_PERSON, days, runs)


@dataclass(frozen=True, eq=False)
class PlanDemo:
    """Part 2 of the demo: a person with labs, their fit, a plan, the plan vs no change.

    Attributes
    ----------
    plan
        The fit (with its predictions and fitted trajectory: ``plan.calibration``) and the
        plan (:class:`~igfaxis.app.PlanRun`).
    runs
        ``"no change"`` and ``"plan"`` -> the fitted person (posterior medians)
        simulated pulse-resolved over the horizon (:class:`~igfaxis.app.RunResult`).
    """

    plan: PlanRun
    runs: Mapping[str, RunResult]

    @property
    def calibration(self) -> CalibrationRun:
        """The fit to the labs."""
        if self.plan.calibration is None:
            raise ProtocolError(
                "this plan demo holds no fit to labs; make it with `run_plan_demo`, which "
                "fits the example labs."
            )
        return self.plan.calibration

    @property
    def igf1_change_ng_ml(self) -> float:
        """Last-day mean IGF-1 under the plan minus no change, fitted person [ng/mL]."""
        last = {k: r.summary.igf1_last_day_mean_ng_ml for k, r in self.runs.items()}
        return last["plan"] - last["no change"]


def run_plan_demo(
    *,
    horizon_days: int = 180,
    draws: int = DEMO_DRAWS,
    progress: Progress = no_progress,
    on_candidate: CandidateProgress | None = None,
) -> PlanDemo:
    """Fit :data:`DEMO_PERSON` to :data:`DEMO_LABS`, plan IGF-1 SDS 0 to +1 with
    somatropin and protein over ``horizon_days``, and simulate the fitted person under the
    plan and under no change (pulse-resolved, seed 0).

    Other Parameters
    ----------------
    horizon_days
        Planning horizon [days], 28-730.
    draws
        Posterior draws per candidate (:class:`~igfaxis.optimize.OptimizeConfig`).
    progress
        Called around the fit and each simulation (:data:`~igfaxis.app.Progress`).
    on_candidate
        Called after each candidate plan as ``(done, total, label)``.
    """
    from igfaxis._files import load_yaml, read_text
    from igfaxis.io.labs import read_labs

    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 2:
        raise ProtocolError(f"`draws` must be a whole number >= 2; got {draws!r}.")
    person = Person.model_validate(load_yaml(read_text(DEMO_PERSON, "person"),
                                             DEMO_PERSON.name))  # fmt: skip
    labs = read_labs(DEMO_LABS, age_y=person.age_y)
    plan = plan_protocol(person, _DEMO_TARGET, levers=_DEMO_LEVERS, horizon_days=horizon_days,
                         labs=labs, config=OptimizeConfig(draws=draws), progress=progress,
                         on_candidate=on_candidate)  # fmt: skip
    fitted = plan.fit.fitted_person()
    result = plan.result
    protocols = {"no change": result.baseline.protocol, "plan": result.best.protocol}
    runs = {label: simulate_and_summarise(fitted, p, days=float(result.horizon_days),
                                          resolution="pulse", band=result.band_ng_ml,
                                          progress=progress)
            for label, p in protocols.items()}  # fmt: skip
    return PlanDemo(plan, runs)


def write_plan_demo_files(demo: PlanDemo, out_dir: str | Path) -> dict[str, Path]:
    """Write the planning demo's files into ``out_dir``, all or none: ``fit.json``,
    ``fit.png`` (labs and fitted trajectory), ``plan.yaml`` (the best protocol),
    ``plan.json``, ``plan.png`` (plan vs no change over the posterior) and ``compare.png``
    (plan vs no change, the fitted person pulse-resolved).

    Returns
    -------
    Kind -> path.
    """
    folder = Path(out_dir)
    names = {"fit": "fit.json", "fit_plot": "fit.png", "plan": "plan.yaml",
             "plan_json": "plan.json", "plan_plot": "plan.png",
             "compare_plot": "compare.png"}  # fmt: skip
    outputs = {k: folder / n for k, n in names.items()}
    plan, cal = demo.plan, demo.calibration
    with staged_outputs(*outputs.values()) as temps:  # every file or none
        staged = dict(zip(outputs, temps, strict=True))
        staged["fit"].write_text(plan.fit.to_json(), encoding="utf-8")
        plot_fit(cal.band, cal.result.labs, staged["fit_plot"], predictions=cal.predictions,
                 title=_title(cal))  # fmt: skip
        staged["plan"].write_text(plan.plan_yaml(), encoding="utf-8")
        text = json.dumps(plan.to_dict(), indent=2, allow_nan=False, default=float)
        staged["plan_json"].write_text(text + "\n", encoding="utf-8")
        plot_plan(plan.result, staged["plan_plot"], labs=plan.labs,
                  origin_date=plan.fit.timeline.latest_date)  # fmt: skip
        p, r = plan.person, plan.result
        low, high = r.band_ng_ml
        trajs = {("plan: " + plan.protocol.name if k == "plan" else k): run.trajectory
                 for k, run in demo.runs.items()}  # fmt: skip
        plot_compare(trajs, staged["compare_plot"],
                     title=f"Plan vs no change, fitted {p.age_y:g}-year-old {p.sex} "
                     "(posterior medians, pulse-resolved)", band=r.band_ng_ml,
                     band_label=f"target: {low:.0f}-{high:.0f} ng/mL "
                     f"({r.target.describe()})")  # fmt: skip
    return outputs
