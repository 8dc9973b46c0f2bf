"""The packaged hazard curves: ``igfaxis/data/hazards.yaml`` -> an immutable registry.

The file holds the published anchors (HR or OR with 95% CI), the form, population, source,
evidence and assumptions of every curve; provenance is in ``igfaxis/data/SOURCES.md``.
The registry is built once, on first use, and never changes (STYLE A8, A9).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any, Final

import yaml

from igfaxis.errors import ModelError, ProtocolError
from igfaxis.risk._hazards import (
    AbstractHazardCurve,
    Anchor,
    CurveInfo,
    HingeHazard,
    InterpolatedHazard,
    LogLinearHazard,
    PerSdBelowHazard,
    QuadraticSdsHazard,
    StepSdsHazard,
    point_log_hr,
)

__all__ = ["hazard_curve", "hazard_curves"]

_FILE: Final = "hazards.yaml"
_BUG: Final = "This is a bug in igfaxis; please report it."
_USES: Final = frozenset(
    {"predict", "sensitivity", "alternative-view", "opt-in", "not-for-prediction"}
)
_INFO_KEYS: Final = (
    "id",
    "group",
    "outcome",
    "measure",
    "use",
    "cite",
    "population",
    "source",
    "evidence",
    "assumption",
)


def _info(entry: Mapping[str, Any]) -> CurveInfo:
    missing = [k for k in (*_INFO_KEYS, "sexes", "anchors", "form") if k not in entry]
    if missing:
        raise ModelError(f"{_FILE}: curve {entry.get('id')!r} lacks {missing}. {_BUG}")
    if entry["use"] not in _USES:
        raise ModelError(f"{_FILE}: curve {entry['id']!r} has use {entry['use']!r}. {_BUG}")
    return CurveInfo(
        **{k: " ".join(str(entry[k]).split()) for k in _INFO_KEYS},
        sexes=tuple(entry["sexes"]),
        menopausal=str(entry.get("menopausal", "any")),
    )


def _anchors(entry: Mapping[str, Any]) -> tuple[Anchor, ...]:
    anchors = []
    for a in entry["anchors"]:
        anchor = Anchor(
            at=float(a["at"]),
            hr=float(a["hr"]),
            lo=float(a["lo"]),
            hi=float(a["hi"]),
            label=str(a.get("label", "")),
            side=a.get("side", "below"),
        )
        if not 0.0 < anchor.lo <= anchor.hr <= anchor.hi:
            raise ModelError(f"{_FILE}: {entry['id']!r} anchor {a} is not lo<=hr<=hi. {_BUG}")
        anchors.append(anchor)
    return tuple(anchors)


def _quadratic(e: Mapping[str, Any], info: CurveInfo, an: tuple[Anchor, ...]) -> Any:
    return QuadraticSdsHazard(
        info, an, point_log_hr(an), float(e["reference_percentile"]), float(e["z_clip"])
    )


def _hinge(e: Mapping[str, Any], info: CurveInfo, an: tuple[Anchor, ...]) -> Any:
    low, high = (float(v) for v in e["plateau_ng_ml"])
    return HingeHazard(info, an, point_log_hr(an), low, high)


def _log_linear(e: Mapping[str, Any], info: CurveInfo, an: tuple[Anchor, ...]) -> Any:
    low, high = (float(v) for v in e["clamp_ng_ml"])
    return LogLinearHazard(info, an, point_log_hr(an), (low, high))


def _per_sd(e: Mapping[str, Any], info: CurveInfo, an: tuple[Anchor, ...]) -> Any:
    return PerSdBelowHazard(info, an, point_log_hr(an), float(e["z_clip"]))


def _step(e: Mapping[str, Any], info: CurveInfo, an: tuple[Anchor, ...]) -> Any:
    return StepSdsHazard(info, an, point_log_hr(an))


def _interpolated(e: Mapping[str, Any], info: CurveInfo, an: tuple[Anchor, ...]) -> Any:
    return InterpolatedHazard(info, an, point_log_hr(an), str(e["variable"]))


_FORMS: Final[Mapping[str, Callable[..., AbstractHazardCurve]]] = types.MappingProxyType(
    {
        "sds_quadratic": _quadratic,
        "absolute_hinge": _hinge,
        "log_linear": _log_linear,
        "sds_per_sd_below": _per_sd,
        "sds_step": _step,
        "interpolated": _interpolated,
    }
)
_N_ANCHORS: Final = types.MappingProxyType(
    {"sds_quadratic": 2, "absolute_hinge": 2, "log_linear": 1, "sds_per_sd_below": 1}
)


@functools.cache
def hazard_curves() -> Mapping[str, AbstractHazardCurve]:
    """Every packaged hazard curve by id, in the order of ``hazards.yaml`` (read-only).

    Returns
    -------
    Mapping of curve id (e.g. ``"mortality_meta"``) -> point curve.

    Examples
    --------
    >>> curve = hazard_curves()["mortality_meta"]
    >>> round(float(curve.log_hr(-1.0)), 3)  # ln 1.332
    0.287
    """
    text = (resources.files("igfaxis") / "data" / _FILE).read_text(encoding="utf-8")
    out: dict[str, AbstractHazardCurve] = {}
    for entry in yaml.safe_load(text):
        info = _info(entry)
        form = entry["form"]
        if form not in _FORMS:
            raise ModelError(f"{_FILE}: curve {info.id!r} has unknown form {form!r}. {_BUG}")
        anchors = _anchors(entry)
        expected = _N_ANCHORS.get(form)
        if (expected is not None and len(anchors) != expected) or info.id in out:
            raise ModelError(f"{_FILE}: curve {info.id!r} is duplicated or malformed. {_BUG}")
        out[info.id] = _FORMS[form](entry, info, anchors)
    return types.MappingProxyType(out)


def hazard_curve(curve_id: str) -> AbstractHazardCurve:
    """One packaged hazard curve.

    Parameters
    ----------
    curve_id
        Its id in ``hazards.yaml``, e.g. ``"mortality_meta"`` or ``"cancer_prostate"``.

    Returns
    -------
    The point curve (published estimates).

    Raises
    ------
    ProtocolError
        No curve has that id.
    """
    curves = hazard_curves()
    if curve_id not in curves:
        raise ProtocolError(
            f"`curve_id` must be one of {', '.join(curves)}; got {curve_id!r} "
            f"({type(curve_id).__name__})."
        )
    return curves[curve_id]
