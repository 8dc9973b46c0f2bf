"""What a worker computes for each kind of run: rebuild the validated input from the run's
JSON, call the one app flow, and return its JSON (what the CLI's ``--json`` prints, built by
the same :mod:`igfaxis.app` functions) with the figure series the pages draw.

No flow is implemented here; this is the web's adapter to :mod:`igfaxis.app`, as
``igfaxis/cli/_app.py`` is the terminal's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol as TypingProtocol

from igfaxis.app import (
    DEFAULT_PERSON,
    PLAN_NOTE,
    band_series,
    calibrate_person,
    compare_json,
    compare_protocols,
    plan_protocol,
    simulate_and_summarise,
    simulate_json,
    trajectory_series,
)
from igfaxis.errors import ProtocolError
from igfaxis.protocol import LabValue, Person, Protocol
from igfaxis.risk import DISCLAIMER

__all__ = ["compute"]


class _Progress(TypingProtocol):
    def steps(self, total: int | None) -> Any: ...

    def candidates(self, done: int, total: int, label: str) -> None: ...


def _person(params: Mapping[str, Any]) -> Person:
    data = params.get("person")
    return Person.model_validate(data) if data is not None else DEFAULT_PERSON


def _protocol(data: Mapping[str, Any] | None, source: str = "protocol") -> Protocol | None:
    return Protocol.from_dict(dict(data), source=source) if data is not None else None


def _labs(params: Mapping[str, Any]) -> tuple[LabValue, ...]:
    return tuple(LabValue(**lab, line=i) for i, lab in enumerate(params.get("labs") or [], 1))


def _lab_points(labs: tuple[LabValue, ...]) -> list[dict[str, Any]]:
    return [{"t_days": lab.day, "igf1_ng_ml": lab.igf1_ng_ml, "label": lab.label}
            for lab in labs]  # fmt: skip


def _simulate(params: Mapping[str, Any], progress: _Progress) -> dict[str, Any]:
    protocol = _protocol(params["protocol"])
    if protocol is None:
        raise ProtocolError("a simulate run needs a `protocol`.")
    run = simulate_and_summarise(_person(params), protocol, days=params["days"],
                                 seed=params["seed"], resolution=params["resolution"],
                                 progress=progress.steps(1))  # fmt: skip
    figure = {"series": {protocol.name: trajectory_series(run.trajectory)},
              "band_ng_ml": list(run.summary.band_ng_ml)}  # fmt: skip
    return {**simulate_json(run), "figure": figure}


def _compare(params: Mapping[str, Any], progress: _Progress) -> dict[str, Any]:
    protocols = {label: Protocol.from_dict(data, source=f"protocol {label!r}")
                 for label, data in params["protocols"].items()}  # fmt: skip
    comparison = compare_protocols(_person(params), protocols, days=params["days"],
                                   seed=params["seed"], menopausal=params.get("menopausal"),
                                   resolution=params["resolution"],
                                   progress=progress.steps(len(protocols)))  # fmt: skip
    first = comparison.runs[0].summary
    figure = {"series": {r.label: trajectory_series(r.trajectory) for r in comparison.runs},
              "band_ng_ml": list(first.band_ng_ml)}  # fmt: skip
    return {**compare_json(comparison), "figure": figure}


def _calibrate(params: Mapping[str, Any], progress: _Progress) -> dict[str, Any]:
    labs = _labs(params)
    run = calibrate_person(_person(params), labs, protocol=_protocol(params.get("protocol")),
                           method=params["method"], predict=params.get("predict") or (),
                           progress=progress.steps(None))  # fmt: skip
    figure = {"series": {"fitted": band_series(run.band)}, "labs": _lab_points(labs),
              "band_ng_ml": [120.0, 160.0]}  # fmt: skip
    return {**run.to_dict(), "files": {}, "note": DISCLAIMER, "figure": figure}


def _optimize(params: Mapping[str, Any], progress: _Progress) -> dict[str, Any]:
    from igfaxis.optimize import OptimizeConfig

    labs = _labs(params)
    run = plan_protocol(_person(params), params["target"], levers=params["levers"],
                        horizon_days=params["horizon_days"], labs=labs or None,
                        protocol=_protocol(params.get("protocol")),
                        config=OptimizeConfig(draws=params["draws"]),
                        progress=progress.steps(None),
                        on_candidate=progress.candidates)  # fmt: skip
    data: dict[str, Any] = {**run.to_dict(), "files": {}, "plan_protocol": run.protocol.to_dict(),
                            "plan_note": PLAN_NOTE, "note": DISCLAIMER}  # fmt: skip
    if run.calibration is not None:
        series = {"fitted": band_series(run.calibration.band)}
        data["figure"] = {"series": series, "labs": _lab_points(labs),
                          "band_ng_ml": list(run.result.band_ng_ml)}  # fmt: skip
    return data


_KINDS = {"simulate": _simulate, "compare": _compare, "calibrate": _calibrate,
          "optimize": _optimize}  # fmt: skip


def compute(kind: str, params: Mapping[str, Any], progress: _Progress) -> dict[str, Any]:
    """The result JSON of a run of ``kind`` with ``params`` (the run row's snapshot)."""
    if kind not in _KINDS:
        raise ProtocolError(f"unknown run kind {kind!r}; this is a bug in igfaxis.")
    return _KINDS[kind](params, progress)
