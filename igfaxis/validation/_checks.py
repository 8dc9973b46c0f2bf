"""Arguments of the metric kinds, checked when a targets file is read.

A metric spec is data; a misspelt or missing argument should be refused with the field
named when the file is loaded, not found an hour into ``igfaxis validate``. The kinds listed
in :data:`_ARGUMENTS` are checked here (their accepted arguments, types and values); the
older kinds are read as they are run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import Any

from igfaxis._messages import short_repr
from igfaxis.validation._metrics import COHORT_STATISTICS, METRICS

__all__ = ["check_metric"]

_WINDOW = frozenset({"start_h", "end_h", "repeat_days"})
#: kind -> accepted arguments besides ``kind``
_ARGUMENTS: Mapping[str, frozenset[str]] = {
    "cohort": frozenset({"scenario", "per_person", "statistic", "threshold", "add_sd"}),
    "interpulse_trough": _WINDOW | {"scenario", "variable", "sample_min"},
    "lowest_dose": frozenset({"arms", "metric", "at_least", "at_most"}),
    "ordering": frozenset({"metrics", "metric", "scenarios", "direction", "value", "strict"}),
    "time_at_interval_mean": frozenset(
        {"scenario", "variable", "dose_h", "interval_h", "direction", "scale_h"}
    ),
}


def _fail(field: str, expected: str, value: Any) -> None:
    raise ValueError(
        f"`{field}` must be {expected}; got {short_repr(value)} ({type(value).__name__})."
    )


def _number(spec: Mapping[str, Any], where: str, key: str, *, positive: bool = False) -> None:
    value = spec.get(key)
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or (positive and value <= 0):
        _fail(f"{where}.{key}", "a positive number" if positive else "a finite number", value)


def _choice(spec: Mapping[str, Any], where: str, key: str, choices: tuple[str, ...]) -> None:
    if key in spec and spec[key] not in choices:
        _fail(f"{where}.{key}", f"one of {', '.join(choices)}", spec[key])


def _scenario(name: Any, field: str, scenarios: Collection[str]) -> None:
    if name not in scenarios:
        raise ValueError(
            f"`{field}` names scenario {short_repr(name)}, which the target does not define; "
            f"defined: {', '.join(scenarios)}."
        )


def _window(spec: Mapping[str, Any], where: str) -> None:
    _number(spec, where, "start_h")
    _number(spec, where, "end_h")
    if spec["end_h"] <= spec["start_h"]:
        _fail(f"{where}.end_h", f"greater than `{where}.start_h` ({spec['start_h']})",
              spec["end_h"])  # fmt: skip
    repeat = spec.get("repeat_days", 1)
    if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
        _fail(f"{where}.repeat_days", "a whole number >= 1", repeat)


def _per_scenario(spec: Any, where: str, scenarios: Collection[str]) -> None:
    """A sub-metric read in each of several scenarios: its own ``scenario`` would be lost."""
    check_metric(spec, scenarios, where)
    if "scenario" in spec:
        raise ValueError(f"`{where}.scenario` is set for each arm or scenario in turn; remove it.")


def _check_trough(spec: Mapping[str, Any], where: str, scenarios: Collection[str]) -> None:
    _window(spec, where)
    if "variable" in spec and not isinstance(spec["variable"], str):
        _fail(f"{where}.variable", "a variable name such as gh_ng_ml", spec["variable"])
    if "sample_min" in spec:
        _number(spec, where, "sample_min", positive=True)


def _check_lowest_dose(spec: Mapping[str, Any], where: str, scenarios: Collection[str]) -> None:
    arms = spec.get("arms")
    if not isinstance(arms, Mapping) or not arms:
        _fail(f"{where}.arms", "a non-empty mapping of scenario name -> dose", arms)
    for name in arms:
        _scenario(name, f"{where}.arms", scenarios)
        _number(arms, f"{where}.arms", name)
    _per_scenario(spec.get("metric"), f"{where}.metric", scenarios)
    if "at_least" not in spec and "at_most" not in spec:
        raise ValueError(f"`{where}` needs a criterion: `at_least`, `at_most` or both (a band).")
    for key in ("at_least", "at_most"):
        if key in spec:
            _number(spec, where, key)
    if spec.get("at_least", -math.inf) > spec.get("at_most", math.inf):
        _fail(f"{where}.at_least", f"at most `{where}.at_most` ({spec['at_most']})",
              spec["at_least"])  # fmt: skip


def _check_ordering(spec: Mapping[str, Any], where: str, scenarios: Collection[str]) -> None:
    if ("metrics" in spec) == ("metric" in spec):
        raise ValueError(
            f"`{where}` needs either `metrics` (a list of metric specs) or `metric` with "
            "`scenarios` (one metric read in each scenario), not both or neither."
        )
    if "metrics" in spec:
        items = spec["metrics"]
        if not isinstance(items, list) or len(items) < 2:
            _fail(f"{where}.metrics", "a list of two or more metric specs", items)
        for k, item in enumerate(items):
            check_metric(item, scenarios, f"{where}.metrics.{k}")
        if "scenarios" in spec:
            raise ValueError(f"`{where}.scenarios` goes with `metric`, not with `metrics`.")
    else:
        names = spec.get("scenarios")
        if not isinstance(names, list) or len(names) < 2:
            _fail(f"{where}.scenarios", "a list of two or more scenario names", names)
        for name in names:
            _scenario(name, f"{where}.scenarios", scenarios)
        _per_scenario(spec["metric"], f"{where}.metric", scenarios)
    _choice(spec, where, "direction", ("non_decreasing", "non_increasing"))
    _choice(spec, where, "value", ("margin", "holds"))
    if "strict" in spec and not isinstance(spec["strict"], bool):
        _fail(f"{where}.strict", "true or false", spec["strict"])


def _check_time_at_mean(spec: Mapping[str, Any], where: str, scenarios: Collection[str]) -> None:
    if not isinstance(spec.get("variable"), str):
        _fail(f"{where}.variable", "a variable name such as igf1_total_ng_ml",
              spec.get("variable"))  # fmt: skip
    _number(spec, where, "dose_h")
    _number(spec, where, "interval_h", positive=True)
    _choice(spec, where, "direction", ("falling", "rising", "any"))
    if "scale_h" in spec:
        _number(spec, where, "scale_h", positive=True)


def _check_cohort(spec: Mapping[str, Any], where: str, scenarios: Collection[str]) -> None:
    if "scenario" in spec:
        _scenario(spec["scenario"], f"{where}.scenario", scenarios)
    inner = spec.get("per_person")
    if not isinstance(inner, Mapping) or inner.get("kind") in (None, "cohort"):
        _fail(f"{where}.per_person", "a one-run metric spec (e.g. kind: percent_change)", inner)
    _per_scenario(inner, f"{where}.per_person", scenarios)
    if spec.get("statistic") not in COHORT_STATISTICS:
        _fail(f"{where}.statistic", f"one of {', '.join(COHORT_STATISTICS)}",
              spec.get("statistic"))  # fmt: skip
    share = spec["statistic"].startswith("share")
    if share != ("threshold" in spec):
        raise ValueError(f"`{where}.threshold` goes with statistic share_at_least or "
                         "share_at_most, and only with them.")  # fmt: skip
    if share:
        _number(spec, where, "threshold")
    if "add_sd" in spec:
        if spec["statistic"] not in ("sd", "cv"):
            raise ValueError(f"`{where}.add_sd` goes with statistic sd or cv only.")
        _number(spec, where, "add_sd")
        if spec["add_sd"] < 0:
            _fail(f"{where}.add_sd", "a number >= 0", spec["add_sd"])


_CHECKS: Mapping[str, Callable[[Mapping[str, Any], str, Collection[str]], None]] = {
    "cohort": _check_cohort,
    "interpulse_trough": _check_trough,
    "lowest_dose": _check_lowest_dose,
    "ordering": _check_ordering,
    "time_at_interval_mean": _check_time_at_mean,
}


def check_metric(spec: Any, scenarios: Collection[str], where: str = "metric") -> None:
    """Refuse a metric spec with an unknown kind or, for the checked kinds, bad arguments.

    Raises ``ValueError`` naming the field (``metric.arms``, ``metric.metrics.1.kind``) so
    that the targets loader can prefix the target id.
    """
    if not isinstance(spec, Mapping):
        _fail(where, "a mapping with `kind` and its arguments", spec)
    kind = spec.get("kind")
    if kind not in METRICS:
        raise ValueError(
            f"`{where}.kind` must be one of {', '.join(sorted(METRICS))}; got {short_repr(kind)}."
        )
    if kind not in _CHECKS:
        return
    unknown = sorted(set(spec) - {"kind"} - _ARGUMENTS[kind])
    if unknown:
        raise ValueError(
            f"`{where}.{unknown[0]}` is not an argument of `{kind}`; it takes "
            f"{', '.join(sorted(_ARGUMENTS[kind]))} (docs/validation.md)."
        )
    if "scenario" in spec:
        _scenario(spec["scenario"], f"{where}.scenario", scenarios)
    _CHECKS[kind](spec, where, scenarios)
