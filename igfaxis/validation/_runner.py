"""Run a targets file: simulate each target's scenarios, read its metric, compare to band."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from igfaxis._files import MAX_YAML_BYTES, load_yaml, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import DoseWarning, ProtocolError
from igfaxis.protocol import Person, Protocol, format_validation_error
from igfaxis.simulate import SolverConfig, Trajectory, simulate
from igfaxis.validation._checks import check_metric
from igfaxis.validation._metrics import METRICS

__all__ = ["CohortSpec", "LogNormal", "Scenario", "Target", "TargetResult", "ValidationReport",
           "cohort_persons", "load_targets", "validate"]


class Scenario(BaseModel):
    """A person, a protocol, a horizon and a seed."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    person: Person = Field(default_factory=Person)
    protocol: Protocol = Field(default_factory=Protocol)
    days: float = Field(2.0, gt=0.0, le=36500.0)
    seed: int = Field(0, ge=0)

    def key(self) -> str:
        """Canonical JSON: equal scenarios are simulated once per validation run."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


class LogNormal(BaseModel):
    """A person field drawn log-normally across a cohort: ``median x exp(log_sd x z)``,
    ``z`` standard normal clipped to +/- 3."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    median: float = Field(gt=0.0)
    log_sd: float = Field(ge=0.0, le=3.0)


class CohortSpec(BaseModel):
    """A virtual population in place of the scenario's one person (``cohort`` metric).

    Each person is the scenario's person with age, sex, body size and personal multipliers
    drawn by :func:`igfaxis.cohort.sample_population` (the scenario person's condition),
    each field of ``vary`` drawn log-normally, and, with ``exposure``, the doses of the
    scenario's protocol scaled by the person's drug-exposure multipliers
    (:mod:`igfaxis.cohort`). Every person is simulated pulse-resolved with their own seed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    n: int = Field(ge=2, le=1000)
    seed: int = Field(0, ge=0)
    age_y: float | tuple[float, float] | None = None
    sex: Literal["male", "female"] | None = None
    exposure: bool = True
    vary: dict[str, LogNormal] = Field(default_factory=dict)


def cohort_persons(spec: CohortSpec, sc: Scenario) -> list[tuple[Person, Protocol, int]]:
    """Each person of a cohort target's scenario: (person, their protocol, burst seed)."""
    import numpy as np

    from igfaxis.cohort import multipliers, sample_population, scale_protocol

    pop = sample_population(spec.n, age_y=spec.age_y if spec.age_y is not None else
                            sc.person.age_y, sex=spec.sex, condition=sc.person.condition,
                            seed=spec.seed, exposure=spec.exposure)  # fmt: skip
    rng = np.random.default_rng([spec.seed, 0x5C])
    z = {k: np.clip(rng.standard_normal(spec.n), -3.0, 3.0) for k in spec.vary}
    base = sc.person.model_dump()
    personal = [x.personal for x in pop.persons()]
    out = []
    for i, r in enumerate(pop.table.itertuples(index=False)):
        fields = {**base, "age_y": float(r.age_y), "sex": r.sex, "weight_kg": float(r.weight_kg),
                  "height_m": float(r.height_m),
                  "personal": {**base.get("personal", {}), **personal[i]}}
        fields.update({k: v.median * float(np.exp(v.log_sd * z[k][i]))
                       for k, v in spec.vary.items()})  # fmt: skip
        out.append((Person.model_validate(fields), scale_protocol(sc.protocol, multipliers(r)),
                    int(r.seed)))  # fmt: skip
    return out


class Target(BaseModel):
    """One published observation as data."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1)
    group: str = ""
    description: str = ""
    target: float
    low: float
    high: float
    unit: str
    source: str = ""
    facts: list[str] = Field(default_factory=list)
    scenarios: dict[str, Scenario] = Field(min_length=1)
    metric: dict[str, Any]
    output_step_min: float | None = Field(None, ge=0.25, le=60.0)
    cohort: CohortSpec | None = None
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> Target:
        if not self.low <= self.high:
            raise ValueError(f"`low` ({self.low}) must not exceed `high` ({self.high}).")
        check_metric(self.metric, self.scenarios)
        if (self.cohort is not None) != (self.metric.get("kind") == "cohort"):
            raise ValueError("`cohort` (a virtual population) and `metric.kind: cohort` go "
                             "together: give both or neither.")  # fmt: skip
        for name in self.cohort.vary if self.cohort is not None else ():
            if name not in Person.model_fields or name in ("age_y", "sex", "weight_kg",
                                                            "height_m", "personal"):
                raise ValueError(f"`cohort.vary.{name}` must be a numeric Person field other "
                                 "than age, sex and body size (e.g. acromegaly_mean_gh_ng_ml).")
        return self


@dataclass(frozen=True)
class TargetResult:
    """One row of the validation table."""

    id: str
    metric: str
    value: float
    target: float
    low: float
    high: float
    unit: str
    passed: bool
    source: str
    note: str = ""


@dataclass(frozen=True)
class ValidationReport:
    """All rows; ``all_passed`` when every model value lies in its band."""

    rows: tuple[TargetResult, ...]

    @property
    def all_passed(self) -> bool:
        """True when every target passed."""
        return all(r.passed for r in self.rows)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per target."""
        import pandas as pd  # imported on use

        return pd.DataFrame([r.__dict__ for r in self.rows])


def default_targets_path() -> Path:
    """The project's own targets file (package data)."""
    return Path(str(resources.files("igfaxis.validation").joinpath("targets.yaml")))


def load_targets(path: str | Path | None = None) -> list[Target]:
    """Read and validate a targets file (YAML list of targets)."""
    p = Path(path) if path is not None else default_targets_path()
    data = load_yaml(read_text(p, "targets", max_bytes=MAX_YAML_BYTES), p.name)
    if not isinstance(data, list):
        raise ProtocolError(f"{p.name} must be a YAML list of targets; got {type(data).__name__}.")
    if not data:
        raise ProtocolError(
            f"{p.name} holds no targets; add at least one (see igfaxis/validation/targets.yaml)."
        )
    out = []
    for i, item in enumerate(data):
        try:
            out.append(Target.model_validate(item))
        except ValidationError as exc:
            name = item.get("id", f"entry {i}") if isinstance(item, dict) else f"entry {i}"
            raise ProtocolError(format_validation_error(exc, f"target {name}")) from None
    ids = [t.id for t in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ProtocolError(f"target ids must be unique; repeated: {', '.join(sorted(dupes))}.")
    return out


def _output_step_h(s: Scenario, output_step_min: float | None) -> float:
    """The target's ``output_step_min``, else 5 min up to 30 days and 30 min beyond [h]."""
    if output_step_min is not None:
        return output_step_min / 60.0
    return 5.0 / 60.0 if s.days <= 30 else 0.5


def _solver_for(s: Scenario, every_h: float) -> SolverConfig:
    return SolverConfig(save_every_h=every_h, max_steps=max(2_000_000, int(2_000 * s.days)))


def _cohort_runs(spec: CohortSpec, sc: Scenario, every_h: float) -> tuple[Trajectory, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DoseWarning)
        return tuple(simulate(x, p, days=sc.days, seed=s, solver=_solver_for(sc, every_h))
                     for x, p, s in cohort_persons(spec, sc))  # fmt: skip


def validate(
    path: str | Path | None = None,
    *,
    ids: list[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ValidationReport:
    """Run every target of a targets file and compare the model to each band.

    Parameters
    ----------
    path
        Targets file; the packaged ``targets.yaml`` if None.

    Other Parameters
    ----------------
    ids
        Only these target ids (or id prefixes such as ``"V-PHY"``).
    progress
        Called as ``progress(target_id, index, total)`` before each target.
    """
    targets = load_targets(path)
    if ids:
        targets = [t for t in targets if any(t.id == i or t.id.startswith(i) for i in ids)]
        if not targets:
            raise ProtocolError(
                f"no target id is or starts with {short_repr(list(ids))}; pick ids from the "
                "targets file (`igfaxis validate --json` lists them)."
            )
    cache: dict[str, Any] = {}  # a Trajectory, or a cohort's tuple of them
    rows = []
    for k, t in enumerate(targets):
        if progress is not None:
            progress(t.id, k, len(targets))
        runs: dict[str, Any] = {}
        for name, sc in t.scenarios.items():
            every_h = _output_step_h(sc, t.output_step_min)
            if t.cohort is not None:
                key = f"cohort|{t.cohort.model_dump_json()}|{sc.key()}|{every_h!r}"
                if key not in cache:
                    cache[key] = _cohort_runs(t.cohort, sc, every_h)
                runs[name] = cache[key]
                continue
            key = f"{sc.key()}|{every_h!r}"  # one run per scenario and output step
            if key not in cache:
                with warnings.catch_warnings():
                    # published PK studies used doses above today's labels on purpose
                    warnings.simplefilter("ignore", DoseWarning)
                    cache[key] = simulate(sc.person, sc.protocol, days=sc.days, seed=sc.seed,
                                          solver=_solver_for(sc, every_h))  # fmt: skip
            runs[name] = cache[key]
        value = float(METRICS[t.metric["kind"]](runs, t.metric))
        rows.append(TargetResult(
            id=t.id, metric=t.description or t.metric["kind"], value=value, target=t.target,
            low=t.low, high=t.high, unit=t.unit, passed=bool(t.low <= value <= t.high),
            source=t.source, note=t.note,
        ))  # fmt: skip
    return ValidationReport(tuple(rows))
