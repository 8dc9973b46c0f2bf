"""The titration flow: person + target -> a virtual clinic's titration (one person, or a
virtual population like them) -> summary, files (the final dose as a protocol, a figure).

Model predictions and published associations, not medical advice; discuss with a clinician.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._files import staged_outputs
from igfaxis.errors import ProtocolError
from igfaxis.optimize import NOTE, Target, TitrationConfig, TitrationResult
from igfaxis.protocol import Person

__all__ = ["MAX_POPULATION", "TitrationRun", "run_titration", "titration_yaml",
           "write_titration_files"]

#: the largest virtual population one call titrates (each person is a full clinic course)
MAX_POPULATION = 200


@dataclass(frozen=True)
class TitrationRun:
    """One person's titration, or a virtual population's (``population``).

    Attributes
    ----------
    results
        Each person's :class:`~igfaxis.optimize.TitrationResult`.
    population
        Whether the persons are a virtual population drawn from the priors (else one
        person, as given).
    """

    results: tuple[TitrationResult, ...]
    population: bool

    def summary(self) -> dict[str, Any]:
        """Weeks to the first lab in band, the final dose and the share of labs above the
        band, over the persons."""
        finals = np.array([r.final_dose_mg for r in self.results])
        reached = [r.weeks_to_target for r in self.results if r.weeks_to_target is not None]
        above = np.array([r.share_above for r in self.results])
        return {
            "persons": len(self.results),
            "share_reached": len(reached) / len(self.results),
            "median_weeks_to_target": float(np.median(reached)) if reached else None,
            "final_dose_mg": {"mean": float(finals.mean()), "median": float(np.median(finals)),
                              "min": float(finals.min()), "max": float(finals.max())},
            "share_labs_above_band": float(above.mean()),
        }  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        first = self.results[0]
        out: dict[str, Any] = {"population": self.population, "rule": first.rule,
                               "target": {"kind": first.target.kind, "low": first.target.low,
                                          "high": first.target.high,
                                          "view": first.target.describe()},
                               "summary": self.summary(), "note": NOTE}  # fmt: skip
        if self.population:
            out["persons"] = [{"personal": r.person.personal, "start_mg": r.start_mg,
                               "final_dose_mg": r.final_dose_mg,
                               "weeks_to_target": r.weeks_to_target,
                               "share_above": r.share_above} for r in self.results]  # fmt: skip
        else:
            out.update(first.to_dict())
        return out


def run_titration(person: Person, target: Target | str = "sds:0..1", *,
                  config: TitrationConfig = TitrationConfig(), population: int | None = None,
                  seed: int = 0, progress: Any = None) -> TitrationRun:  # fmt: skip
    """Titrate ``person`` (their ``personal`` multipliers are the truth the clinic does not
    see), or, with ``population``, that many persons like them whose multipliers are drawn
    from the priors (:func:`igfaxis.optimize.titrate_population`)."""
    from igfaxis.optimize import titrate, titrate_population

    if population is None:
        from dataclasses import replace

        return TitrationRun((titrate(person, target, config=replace(config, seed=seed),
                                     progress=progress),), population=False)  # fmt: skip
    if not 1 <= int(population) <= MAX_POPULATION:
        raise ProtocolError(f"`population` must be 1-{MAX_POPULATION} persons, got "
                            f"{population}.")  # fmt: skip
    return TitrationRun(titrate_population(person, int(population), target, config=config,
                                           seed=seed, progress=progress),
                        population=True)  # fmt: skip


def write_titration_files(run: TitrationRun, *, out: str | Path | None = None,
                          plot: str | Path | None = None,
                          json_out: str | Path | None = None) -> dict[str, Path]:  # fmt: skip
    """Write the final dose as a protocol (``out``, YAML; one person only), the figure
    (``plot``) and the JSON (``json_out``): all of them or none (a failure leaves what was
    there before).

    Returns
    -------
    ``{"protocol": path, "plot": path, "json": path}`` for those given.
    """
    from igfaxis.app._optimize import _check_json_path, check_plan_path
    from igfaxis.io.plots import check_plot_path, plot_titration, plot_titrations

    outputs: dict[str, Path] = {}
    if out is not None:
        if run.population:
            raise ProtocolError("a virtual population has no single final protocol to write; "
                                "leave out the protocol file, or titrate one person.")  # fmt: skip
        outputs["protocol"] = check_plan_path(out)
    if plot is not None:
        outputs["plot"] = check_plot_path(plot)
    if json_out is not None:
        outputs["json"] = _check_json_path(json_out)
    with staged_outputs(*outputs.values()) as temps:
        staged = dict(zip(outputs, temps, strict=True))
        if "protocol" in staged:
            staged["protocol"].write_text(titration_yaml(run.results[0]), encoding="utf-8")
        if "plot" in staged:
            if run.population:
                plot_titrations(run.results, staged["plot"])
            else:
                plot_titration(run.results[0], staged["plot"])
        if "json" in staged:
            text = json.dumps(run.to_dict(), indent=2, allow_nan=False, default=float)
            staged["json"].write_text(text + "\n", encoding="utf-8")
    return outputs


def titration_yaml(result: TitrationResult) -> str:
    """The final dose as a protocol file, with a header saying where it comes from."""
    import yaml

    weeks = result.weeks_to_target
    header = [
        f"# Final dose of a simulated titration (`igfaxis titrate`, {result.rule} rule) for a "
        f"{result.person.age_y:g}-year-old {result.person.sex}.",
        f"# Target: {result.target.describe()}; first lab in band: "
        + (f"week {weeks:g}." if weeks is not None else "none."),
        f"# {NOTE}",
    ]
    body = yaml.safe_dump(result.protocol().to_dict(), sort_keys=False, default_flow_style=None)
    return "\n".join(header) + "\n" + body
