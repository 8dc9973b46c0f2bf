"""The demo (``igfaxis demo``): no intervention vs low-dose somatropin in a healthy
45-year-old man."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from igfaxis.app._run import (
    DEFAULT_PERSON,
    Progress,
    RunResult,
    no_progress,
    simulate_and_summarise,
)
from igfaxis.protocol import Person, Protocol

__all__ = ["DEMO_PROTOCOL", "DemoResult", "run_demo"]

#: the demo's intervention; the file lives in the source tree next to the other examples
DEMO_PROTOCOL: Final = Path(__file__).resolve().parents[2] / "examples" / "somatropin-low-dose.yaml"

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
