"""The immutable result of :func:`igfaxis.calibrate.calibrate`, and its predictions.

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from igfaxis.calibrate._fit import CalibrationConfig, Timeline, _sigma
from igfaxis.calibrate._forward import NAMES, Forward, Observation, multipliers
from igfaxis.model import PERSONAL_PARAMETERS
from igfaxis.protocol import History, Person, Protocol

__all__ = ["CalibrationResult", "LabPrediction"]

#: format tag of a saved fit (``--out fit.json``)
FIT_KIND = "igfaxis.calibration/1"


def _mixture_quantiles(centres: np.ndarray, sigma: float, qs: Any) -> np.ndarray:
    """Quantiles of the posterior predictive on the log scale: the equal mixture of
    ``Normal(centre_i, sigma)`` over the posterior draws' model values (exact for the
    draws, where one noise sample per draw would add Monte Carlo error)."""
    from scipy.optimize import brentq
    from scipy.special import ndtr

    c = np.asarray(centres, dtype=float)
    lo, hi = float(c.min()) - 8.0 * sigma, float(c.max()) + 8.0 * sigma
    cdf = lambda x, q: float(np.mean(ndtr((x - c) / sigma))) - q  # noqa: E731
    return np.array([brentq(cdf, lo, hi, args=(q,), xtol=1e-10) for q in qs])


@dataclass(frozen=True)
class LabPrediction:
    """The predicted lab at one time: median and 50% / 90% intervals [ng/mL], with the
    measurement noise (what the next lab will read), and the model's own median without it.
    """

    day: float
    date: str | None
    median: float
    q05: float
    q25: float
    q75: float
    q95: float
    model_median: float
    information: float
    #: the median and 90% interval as SDS (LIFE reference at the person's age then, sex)
    sds: tuple[float, float, float] = (math.nan, math.nan, math.nan)

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "date": self.date, "median": self.median, "q05": self.q05,
                "q25": self.q25, "q75": self.q75, "q95": self.q95,
                "model_median": self.model_median, "information": self.information,
                "sds": {"median": self.sds[0], "q05": self.sds[1], "q95": self.sds[2]}}  # fmt: skip


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """A person's personal parameters fitted to their labs.

    Attributes
    ----------
    person, labs, history, protocol
        What was fitted.
    timeline
        Labs and history on the schedule's day line.
    z_map, cov
        Posterior mode and Laplace covariance of the prior z-scores (order ``names``).
    draws
        Posterior draws of z (n, 3): Gaussian (Laplace) or NUTS.
    method, converged, message, diagnostics
        How it went; ``message`` says what to do when it did not converge.
    """

    person: Person
    labs: tuple[Any, ...]
    history: History | None
    protocol: Protocol | None
    timeline: Timeline
    z_map: np.ndarray
    cov: np.ndarray
    draws: np.ndarray
    method: str
    converged: bool
    message: str
    diagnostics: dict[str, Any]
    config: CalibrationConfig = field(default_factory=CalibrationConfig)

    names: tuple[str, ...] = NAMES

    # -- the posterior -------------------------------------------------------------------
    def multiplier_draws(self) -> dict[str, np.ndarray]:
        """Posterior draws of each personal multiplier."""
        out = {}
        for i, n in enumerate(self.names):
            pr = PERSONAL_PARAMETERS[n]
            out[n] = pr.median * np.exp(pr.log_sd * self.draws[:, i])
        return out

    def posterior(self) -> dict[str, dict[str, float]]:
        """Per parameter: posterior median, 5% and 95% quantiles, the prior's median and
        90% range, the posterior SD as a share of the prior's and whether the labs left it
        prior-dominated."""
        out = {}
        draws = self.multiplier_draws()
        for i, n in enumerate(self.names):
            pr = PERSONAL_PARAMETERS[n]
            ratio = float(np.std(self.draws[:, i]))
            out[n] = {"median": float(np.median(draws[n])),
                      "q05": float(np.quantile(draws[n], 0.05)),
                      "q95": float(np.quantile(draws[n], 0.95)),
                      "map": float(multipliers(self.z_map)[n]),
                      "prior_median": pr.median, "prior_q05": pr.quantile(0.05),
                      "prior_q95": pr.quantile(0.95), "sd_ratio": ratio,
                      "prior_dominated": bool(ratio > self.config.prior_dominated)}  # fmt: skip
        return out

    def summary(self) -> Any:
        """The posterior as a DataFrame (one row per parameter)."""
        import pandas as pd

        return pd.DataFrame.from_dict(self.posterior(), orient="index")

    def fitted_person(self) -> Person:
        """The person with the posterior-median multipliers."""
        return self.person.model_copy(update={"personal": {
            n: v["median"] for n, v in self.posterior().items()}})  # fmt: skip

    @property
    def last_day(self) -> float:
        """The latest lab's day on the labs' time line (0 without labs)."""
        return max((lab.day for lab in self.labs), default=0.0)

    @property
    def from_labs(self) -> bool:
        """Whether this is a fit to labs (``False``: the population prior, :meth:`prior`)."""
        return bool(self.labs)

    @classmethod
    def prior(cls, person: Person, *, protocol: Protocol | None = None,
              config: CalibrationConfig = CalibrationConfig()) -> CalibrationResult:  # fmt: skip
        """The population prior of ``person`` as a result without labs: draws from the prior,
        the person at their habitual state under ``protocol`` (default: usual day) at day
        0. What planning uses when there are no labs."""
        from igfaxis.calibrate._fit import timeline

        rng = np.random.default_rng(config.seed)
        draws = rng.standard_normal((config.draws, len(NAMES)))
        tl = timeline((), None, protocol, config.warmup_days, 0.0)
        return cls(person=person, labs=(), history=None, protocol=protocol, timeline=tl,
                   z_map=np.zeros(len(NAMES)), cov=np.eye(len(NAMES)), draws=draws,
                   method="prior", converged=True,
                   message="no labs: the population prior of the person's age and sex",
                   diagnostics={"method": "prior", "labs": 0}, config=config)  # fmt: skip

    def daily_draws(self, protocol: Protocol | None, *, until_day: float,
                    start_day: float | None = None,
                    n_draws: int = 40) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Daily-mean total IGF-1 [ng/mL] of ``n_draws`` posterior draws (rows) on each day
        (columns) up to ``until_day``, with ``protocol`` from ``start_day`` (default: the
        day after the latest lab; ``None``: the history continues). Returns the days (labs'
        time line) and the array."""
        fwd, tl = self._forward([], until_day + 1, protocol, start_day)
        idx = np.linspace(0, len(self.draws) - 1, min(n_draws, len(self.draws))).astype(int)
        series = np.array([fwd.solution(self.draws[i]).igf1_daily_mean_ng_ml for i in idx])
        return tl.origin_day + np.arange(series.shape[1], dtype=float), series

    # -- predictions ---------------------------------------------------------------------
    def _forward(self, observations: list[Observation], until_day: float,
                 protocol: Protocol | None,
                 start_day: float | None) -> tuple[Forward, Timeline]:  # fmt: skip
        tl = self.timeline
        segs = list(tl.segments)
        if protocol is not None:
            start = start_day if start_day is not None else self.last_day + 1
            at = round(start - tl.origin_day)
            segs = [s for s in segs if s[0] < at] + [(at, protocol)]
        days = math.ceil(until_day - tl.origin_day) + 1
        fwd = Forward(self.person.model_copy(update={
            "age_y": self.person.age_y + tl.origin_day / 365.25}), segs, days, observations,
            seed=self.config.table_seed)  # fmt: skip
        return fwd, tl

    def _model_draws(self, fwd: Forward, n: int) -> np.ndarray:
        idx = np.linspace(0, len(self.draws) - 1, min(n, len(self.draws))).astype(int)
        return np.array([fwd(self.draws[i]) for i in idx])

    def predict_labs(self, days: Any, *, protocol: Protocol | None = None,
                     start_day: float | None = None, clock_h: float = 8.0,
                     n_draws: int = 200) -> list[LabPrediction]:  # fmt: skip
        """The next lab (IGF-1) at each of ``days`` (numbers on the labs' time line or ISO
        dates), at ``clock_h`` o'clock: posterior-predictive median and 50% / 90% intervals
        including the measurement noise. ``protocol``: a new protocol from ``start_day``
        (default: the day after the latest lab) instead of continuing the last segment.
        ``information`` is the expected information a lab then gives about the parameters,
        ``0.5 log(1 + var_model / sigma^2)`` [nats]."""
        tl = self.timeline
        when = [tl.day_of(d) for d in (days if isinstance(days, (list, tuple)) else [days])]
        if not when:
            return []
        from igfaxis.risk import sds

        obs = [Observation(tl.schedule_h(d, clock_h), "igf1") for d in when]
        fwd, _ = self._forward(obs, max(when) + 1, protocol, start_day)
        logs = self._model_draws(fwd, n_draws)
        sigma = _sigma("igf1", self.labs[-1].assay if self.labs else None)  # the same lab
        out = []
        for j, d in enumerate(when):
            q = np.exp(_mixture_quantiles(logs[:, j], sigma, (0.05, 0.25, 0.5, 0.75, 0.95)))
            var = float(np.var(logs[:, j]))
            date = None
            if tl.latest_date is not None:
                import datetime as dt

                date = (tl.latest_date + dt.timedelta(days=round(d))).isoformat()
            age = self.person.age_y + d / 365.25
            z = tuple(float(sds(float(v), age, self.person.sex)) for v in (q[2], q[0], q[4]))
            out.append(LabPrediction(d, date, float(q[2]), float(q[0]), float(q[1]),
                                     float(q[3]), float(q[4]),
                                     float(np.exp(np.median(logs[:, j]))),
                                     0.5 * math.log1p(var / sigma**2), z))  # fmt: skip
        return out

    def most_informative_day(self, window_days: int = 28, **kwargs: Any) -> LabPrediction:
        """Of the next ``window_days`` days after the latest lab (08:00), the one whose lab
        would tell most about the parameters (largest ``information``; the earliest of
        equals: under an unchanged protocol every day is alike)."""
        last = self.last_day
        preds = self.predict_labs([last + k for k in range(1, window_days + 1)], **kwargs)
        best = max(p.information for p in preds)
        return next(p for p in preds if p.information >= best - 1e-9)

    def trajectory_band(self, *, until_day: float | None = None, protocol: Protocol | None = None,
                        n_draws: int = 100) -> dict[str, np.ndarray]:  # fmt: skip
        """Daily-mean total IGF-1 over the schedule under the posterior: ``day`` (labs'
        time line) and the 5/25/50/75/95% quantiles of the model value [ng/mL]."""
        tl = self.timeline
        end = until_day if until_day is not None else self.last_day
        fwd, _ = self._forward([], end + 1, protocol, None)
        idx = np.linspace(0, len(self.draws) - 1, min(n_draws, len(self.draws))).astype(int)
        series = np.array([fwd.solution(self.draws[i]).igf1_daily_mean_ng_ml for i in idx])
        q = np.quantile(series, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        days = tl.origin_day + np.arange(series.shape[1], dtype=float)
        keep = days >= min((lab.day for lab in self.labs), default=0.0) - 30
        return {"day": days[keep], **{f"q{int(100 * p):02d}": q[i][keep]
                                      for i, p in enumerate((0.05, 0.25, 0.5, 0.75, 0.95))}}

    # -- files ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record of the fit (``--out fit.json``; :meth:`from_dict` reads it
        back). At most 400 of the draws are kept."""
        from dataclasses import asdict

        return {
            "kind": FIT_KIND, "person": self.person.model_dump(mode="json"),
            "labs": [asdict(lab) for lab in self.labs],
            "history": self.history.model_dump(mode="json") if self.history else None,
            "protocol": self.protocol.to_dict() if self.protocol else None,
            "method": self.method, "converged": self.converged, "message": self.message,
            "names": list(self.names), "z_map": self.z_map.tolist(), "cov": self.cov.tolist(),
            "draws_z": self.draws[:: max(1, len(self.draws) // 400)].tolist(),
            "posterior": self.posterior(), "diagnostics": self.diagnostics,
            "config": asdict(self.config),
            "note": "Model predictions and published associations, not medical advice.",
        }  # fmt: skip

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=2, default=float)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "fit") -> CalibrationResult:
        """Read a fit written by :meth:`to_dict` (a ``fit.json``)."""
        from igfaxis.calibrate._fit import timeline
        from igfaxis.errors import ProtocolError
        from igfaxis.protocol import LabValue

        if not isinstance(data, dict) or data.get("kind") != FIT_KIND:
            raise ProtocolError(
                f"{source} is not a calibration written by `igfaxis calibrate --out` (its "
                f"`kind` must be {FIT_KIND!r}); run `igfaxis calibrate` to make one."
            )
        try:
            person = Person.model_validate(data["person"])
            labs = tuple(LabValue(**lab) for lab in data["labs"])
            history = History.model_validate(data["history"]) if data["history"] else None
            protocol = Protocol.from_dict(data["protocol"]) if data["protocol"] else None
            config = CalibrationConfig(**data["config"])
            z_map = np.asarray(data["z_map"], dtype=float)
            cov = np.asarray(data["cov"], dtype=float)
            draws = np.asarray(data["draws_z"], dtype=float)
            if tuple(data["names"]) != NAMES or draws.ndim != 2 or draws.shape[1] != len(NAMES):
                raise ValueError("names or draws do not match this version's parameters")
            if not (np.all(np.isfinite(draws)) and np.all(np.isfinite(z_map))):
                raise ValueError("non-finite draws")
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"{source}: not a readable calibration ({exc}); write it "
                                "again with `igfaxis calibrate --out`.") from None  # fmt: skip
        until = max(lab.day for lab in labs)
        tl = timeline(labs, history, protocol, config.warmup_days, until)
        return cls(person=person, labs=labs, history=history, protocol=protocol, timeline=tl,
                   z_map=z_map, cov=cov, draws=draws, method=str(data["method"]),
                   converged=bool(data["converged"]), message=str(data["message"]),
                   diagnostics=dict(data.get("diagnostics", {})), config=config)  # fmt: skip

    @classmethod
    def read(cls, path: Any) -> CalibrationResult:
        """Read a ``fit.json`` file."""
        from pathlib import Path

        from igfaxis._files import MAX_YAML_BYTES, load_json, read_text

        p = Path(path)
        text = read_text(p, "calibration", max_bytes=16 * MAX_YAML_BYTES)
        return cls.from_dict(load_json(text, p.name), source=p.name)

    def write(self, path: Any) -> Any:
        """Write the fit as JSON, atomically."""
        from pathlib import Path

        from igfaxis._files import write_text_atomic

        return write_text_atomic(Path(path), self.to_json())
