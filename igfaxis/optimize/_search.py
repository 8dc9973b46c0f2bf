"""Search protocols that keep a person's IGF-1 in a target band, under their posterior.

A plan is judged over posterior draws of the person (a fit to their labs,
:class:`~igfaxis.calibrate.CalibrationResult`, or without labs the population prior,
:meth:`~igfaxis.calibrate.CalibrationResult.prior`), at day resolution: each draw is
simulated under the candidate protocol from the day after the latest lab over the horizon
(:meth:`~igfaxis.calibrate.CalibrationResult.daily_draws`). Per candidate:

- ``p_in_band``: at each planned lab (every ``lab_every_days``), the share of draws whose
  daily-mean IGF-1 lies in the band on a day of the week ending at the lab's date (the
  lab's weekday is not planned, so a weekly pattern such as 5 days on / 2 off is judged
  over its whole week); its last value is the plan's probability of success;
- ``time_in_band``: the share of draw-days in the band after the first planned lab (the
  first weeks are the approach);
- ``p_above_2sds``: the share of draws above +2 SDS (LIFE, the person's age and sex) over
  the last ``lab_every_days``;
- ``burden``: injections, fasting hours and exercise hours a week.

The levers and their options within label are in :mod:`igfaxis.optimize._levers`, the
search methods (enumeration, optuna's TPE and NSGA-II, a bounded Brent search of a
continuous dose) in :mod:`igfaxis.optimize._methods`. Whatever the method, the best plan
has the highest probability of success, then the most time in band, then the least
burden, of all evaluated; the Pareto set trades time in band against burden and the risk
of IGF-1 above +2 SDS.

Model predictions and published associations, not medical advice; discuss with a clinician.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from igfaxis.calibrate import CalibrationResult
from igfaxis.errors import ProtocolError
from igfaxis.optimize._levers import (
    DRUG_LEVERS,
    LEVERS,
    build_protocol,
    check_lever_set,
    drug_spaces,
    lifestyle_options,
)
from igfaxis.optimize._methods import METHODS, Space, expected_total, pick, rank, run_method
from igfaxis.protocol import Person, Protocol

__all__ = ["LEVERS", "NOTE", "OptimizationResult", "OptimizeConfig", "Outcome", "Target",
           "optimize"]

NOTE = "Model prediction, not medical advice; discuss any change with a clinician."


@dataclass(frozen=True)
class Target:
    """The target band: an SDS band (LIFE reference at the person's age and sex) or an
    absolute band in ng/mL.

    Examples
    --------
    >>> Target.parse("ng_ml:120..160")
    Target(kind='ng_ml', low=120.0, high=160.0)
    """

    kind: Literal["sds", "ng_ml"]
    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> Target:
        """``sds:LOW..HIGH`` or ``ng_ml:LOW..HIGH``."""
        m = re.fullmatch(r"\s*(sds|ng_ml)\s*:\s*([-+]?\d+(?:\.\d+)?)\s*\.\.\s*"
                         r"([-+]?\d+(?:\.\d+)?)\s*", str(text))  # fmt: skip
        if m is None:
            raise ProtocolError(
                f"target {text!r} is not `sds:LOW..HIGH` or `ng_ml:LOW..HIGH`; for example "
                "`sds:0..1` (the usual aim of GH replacement) or `ng_ml:120..160`."
            )
        low, high = float(m.group(2)), float(m.group(3))
        if not low < high:
            raise ProtocolError(f"target {text!r}: LOW must be below HIGH.")
        if m.group(1) == "ng_ml" and low <= 0.0:
            raise ProtocolError(f"target {text!r}: an ng/mL band must be above 0.")
        if m.group(1) == "sds" and not (low >= -5.0 and high <= 5.0):
            raise ProtocolError(f"target {text!r}: an SDS band must lie within -5..+5.")
        return cls(m.group(1), low, high)  # type: ignore[arg-type]

    def band_ng_ml(self, age_y: float, sex: str) -> tuple[float, float]:
        """The band in ng/mL for a person of this age and sex."""
        if self.kind == "ng_ml":
            return self.low, self.high
        from igfaxis.risk import centile_value

        return centile_value(self.low, age_y, sex), centile_value(self.high, age_y, sex)

    def describe(self) -> str:
        if self.kind == "ng_ml":
            return f"IGF-1 {self.low:g}-{self.high:g} ng/mL"

        def sds(v: float) -> str:
            return "0" if v == 0.0 else f"{v:+g}"

        return f"IGF-1 SDS {sds(self.low)} to {sds(self.high)} (LIFE reference, age and sex)"


@dataclass(frozen=True)
class OptimizeConfig:
    """Settings of :func:`optimize`.

    Attributes
    ----------
    draws
        Posterior draws each candidate is simulated for.
    lab_every_days
        Planned labs: every this many days over the horizon.
    somatropin_mg
        Daily somatropin doses tried [mg], in pen steps (0.1 mg: the smallest step of the
        common adult pens at the doses adults use); capped by the label maximum. Non-daily
        patterns try the same weekly amounts on fewer injections, rounded to the pen step.
    dose_time_h
        Clock time of the injection without the ``dose_time`` lever [h] (evening: the
        physiological night-time GH peak).
    dose_hours, dose_time_step_h
        With the ``dose_time`` lever: clock times tried, every ``dose_time_step_h`` from the
        first to the last of ``dose_hours`` [h] (18:00-23:00: the labels' "evening";
        :mod:`igfaxis.optimize._levers`).
    somapacitan_mg
        Weekly somapacitan doses tried [mg] (Sogroya label: 1-1.5 mg start, steps of
        0.5-1.5 mg, at most 8 mg a week).
    tesamorelin_mg
        Daily tesamorelin doses tried [mg] (the Egrifta label dose, 2 mg).
    protein_g_per_kg
        Daily protein intakes tried [g/kg].
    method
        ``auto`` (enumeration up to ``max_enumerate`` candidates, else ``continuous``
        when a drug has a dose grid, else ``tpe``),
        ``enumerate``, ``tpe``, ``nsga2``, ``continuous`` or ``gradient``
        (:mod:`igfaxis.optimize._methods`).
    trials, seed
        Trials of the optuna methods and their sampler's seed.
    population
        NSGA-II population size.
    continuous_maxiter
        Most Brent iterations of the ``continuous`` dose search.
    gradient_steps
        Most Newton steps of the ``gradient`` dose search (each one 28-day pulse-resolved
        JAX run with its forward-mode derivative).
    max_enumerate
        ``auto`` enumerates up to this many candidates.
    """

    draws: int = 40
    lab_every_days: int = 28
    somatropin_mg: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)
    dose_time_h: float = 22.0
    dose_hours: tuple[float, float] = (18.0, 23.0)
    dose_time_step_h: float = 1.0
    somapacitan_mg: tuple[float, ...] = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
    tesamorelin_mg: tuple[float, ...] = (2.0,)
    protein_g_per_kg: tuple[float, ...] = (0.8, 1.0, 1.6)
    method: str = "auto"
    trials: int = 40
    seed: int = 0
    population: int = 12
    continuous_maxiter: int = 12
    gradient_steps: int = 4
    max_enumerate: int = 40

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ProtocolError(
                f"`method` must be one of {', '.join(METHODS)}; got {self.method!r}."
            )
        for name in ("trials", "population", "continuous_maxiter", "gradient_steps",
                     "max_enumerate", "draws"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ProtocolError(f"`{name}` must be a whole number >= 1; got {v!r}.")
        lo, hi = self.dose_hours
        if not (0.0 <= lo <= hi < 24.0) or not 0.0 < self.dose_time_step_h <= 24.0:
            raise ProtocolError(
                f"`dose_hours` must be two clock times FIRST <= LAST within 0-24 h and "
                f"`dose_time_step_h` > 0; got {self.dose_hours} every "
                f"{self.dose_time_step_h} h. E.g. (18, 23) every 1 h."
            )


#: a planned lab is drawn on one of the last this many days before its date (a week)
LAB_WEEK_DAYS = 7


@dataclass(frozen=True)
class Outcome:
    """A candidate protocol and its expected outcome under the posterior."""

    protocol: Protocol
    levers: tuple[str, ...]
    lab_days: tuple[float, ...]
    p_in_band: tuple[float, ...]
    time_in_band: float
    p_above_2sds: float
    median_end_ng_ml: float
    band_end_ng_ml: tuple[float, float]
    burden: dict[str, float]
    #: daily-mean IGF-1 over the horizon: ``day`` (labs' time line) and the 5/25/50/75/95%
    #: quantiles over the draws [ng/mL]
    trajectory: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: probability that the last planned lab *reads* in band: the draws' values with the lab
    #: noise of calibration (:func:`igfaxis.calibrate.lab_sigma`); smooth in a dose
    p_lab_in_band: float = 0.0
    #: the changes to the current protocol that make this plan (:mod:`._levers`)
    changes: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def p_success(self) -> float:
        """Probability of being in band at the last planned lab (drawn on any day of the
        week ending at its date)."""
        return self.p_in_band[-1] if self.p_in_band else 0.0

    @property
    def burden_score(self) -> float:
        """One number for ordering: injections + fasting hours / 16 + exercise hours a week."""
        b = self.burden
        return (b["injections_per_week"] + b["fasting_h_per_week"] / 16.0
                + b["exercise_h_per_week"])

    def to_dict(self) -> dict[str, Any]:
        return {"protocol": self.protocol.to_dict(), "levers": list(self.levers),
                "expected": {"p_in_band": self.p_success,
                             "p_in_band_at_labs": [{"day": d, "p": p} for d, p in
                                                   zip(self.lab_days, self.p_in_band,
                                                       strict=True)],
                             "time_in_band": self.time_in_band,
                             "p_above_2sds": self.p_above_2sds,
                             "p_lab_in_band": self.p_lab_in_band,
                             "median_end_ng_ml": self.median_end_ng_ml,
                             "band90_end_ng_ml": list(self.band_end_ng_ml)},
                "burden": dict(self.burden)}  # fmt: skip


@dataclass(frozen=True, eq=False)
class OptimizationResult:
    """What :func:`optimize` found.

    Attributes
    ----------
    target, band_ng_ml
        The target and the band it means for the person [ng/mL].
    best
        The best plan (:class:`Outcome`); ``best.protocol`` runs in ``igfaxis simulate``.
    baseline
        No change (the current protocol continued).
    pareto
        Plans no other plan beats on time in band, burden and risk above +2 SDS together.
    evaluated
        Every candidate.
    reached
        Whether the best plan is in band at the last planned lab with probability >= 0.5.
    from_labs
        Whether the person was fitted to labs (else: the population prior).
    message, explanation
        What was found, and what each lever did.
    method
        The search method used (:data:`igfaxis.optimize._methods.METHODS`, ``auto``
        resolved).
    """

    target: Target
    band_ng_ml: tuple[float, float]
    best: Outcome
    baseline: Outcome
    pareto: tuple[Outcome, ...]
    evaluated: tuple[Outcome, ...]
    reached: bool
    from_labs: bool
    horizon_days: int
    message: str
    explanation: tuple[str, ...] = field(default_factory=tuple)
    method: str = "enumerate"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``protocol``, ``expected``, ``burden`` of the best plan, ``pareto``,
        ``baseline`` and more."""
        best = self.best.to_dict()
        return {"target": {"kind": self.target.kind, "low": self.target.low,
                           "high": self.target.high, "view": self.target.describe()},
                "band_ng_ml": list(self.band_ng_ml), "horizon_days": self.horizon_days,
                "protocol": best["protocol"], "expected": best["expected"],
                "burden": best["burden"], "reached": self.reached,
                "from_labs": self.from_labs, "message": self.message,
                "explanation": list(self.explanation),
                "baseline": self.baseline.to_dict(),
                "pareto": [o.to_dict() for o in self.pareto],
                "evaluated": len(self.evaluated), "method": self.method,
                "note": NOTE}  # fmt: skip


def _excluded(drug: str, person: Person) -> str | None:
    """Why a drug lever is not proposed to the person (a contraindication), or None."""
    from igfaxis.model.drugs import resolve
    from igfaxis.protocol import contraindicated

    return contraindicated(resolve(drug), person)


def _burden(protocol: Protocol, horizon: int) -> dict[str, float]:
    weeks = horizon / 7.0
    injections = sum(len(d.times_h()) for d in protocol.doses if d.route != "po") / weeks
    fasting = 0.0
    for f in protocol.fasting:
        if getattr(f, "kind", "") == "tre":
            a, b = f.window_h
            fasting += 7.0 * (24.0 - (b - a))
    exercise = sum(e.duration_min / 60.0 * len(e.weekdays) for e in protocol.exercise)
    return {"injections_per_week": round(injections, 3), "fasting_h_per_week": fasting,
            "exercise_h_per_week": exercise}  # fmt: skip


def _evaluate(subject: CalibrationResult, protocol: Protocol, levers: tuple[str, ...],
              band: tuple[float, float], above: float, horizon: int,
              cfg: OptimizeConfig, changes: dict[str, Any] | None = None) -> Outcome:  # fmt: skip
    start = subject.last_day + 1
    days, series = subject.daily_draws(protocol, until_day=start + horizon - 1,
                                       n_draws=cfg.draws)  # fmt: skip
    keep = days >= start
    days, series = days[keep], series[:, keep]
    lo, hi = band
    inside = (series >= lo) & (series <= hi)
    labs = list(np.arange(start + cfg.lab_every_days - 1, start + horizon, cfg.lab_every_days))
    if not labs:
        labs = [start + horizon - 1]
    idx = [int(np.searchsorted(days, d)) for d in labs]
    # a planned lab is drawn on some day of the week ending at its date: a weekly pattern
    # (5 days on / 2 off, once-weekly somapacitan) cannot place it on its best weekday
    weeks = [slice(max(0, i - LAB_WEEK_DAYS + 1), i + 1) for i in idx]
    p_in = tuple(float(np.mean(inside[:, w])) for w in weeks)
    settle = days >= labs[0]
    tail = days >= days[-1] - cfg.lab_every_days + 1
    end = series[:, tail].mean(axis=1)
    from scipy.stats import norm

    from igfaxis.calibrate import lab_sigma

    last = np.log(series[:, weeks[-1]])
    sigma = lab_sigma()
    p_lab = float(np.mean(norm.cdf((np.log(hi) - last) / sigma)
                          - norm.cdf((np.log(lo) - last) / sigma)))  # fmt: skip
    return Outcome(protocol=protocol, levers=levers, lab_days=tuple(float(d) for d in labs),
                   p_in_band=p_in, time_in_band=float(np.mean(inside[:, settle])),
                   p_above_2sds=float(np.mean(end > above)),
                   median_end_ng_ml=float(np.median(end)),
                   band_end_ng_ml=(float(np.quantile(end, 0.05)),
                                   float(np.quantile(end, 0.95))),
                   burden=_burden(protocol, horizon),
                   trajectory={"day": days, **{
                       f"q{int(100 * q):02d}": np.quantile(series, q, axis=0)
                       for q in (0.05, 0.25, 0.5, 0.75, 0.95)}},
                   p_lab_in_band=p_lab, changes=dict(changes or {}))  # fmt: skip


def _pareto(outcomes: Sequence[Outcome]) -> tuple[Outcome, ...]:
    """Plans no other beats on time in band, burden and risk above +2 SDS together; of
    plans equal on all three (a diet change that does nothing) the first evaluated (no
    change first, then the fewest levers) stands for them."""
    def objectives(o: Outcome) -> tuple[float, float, float]:
        return (round(o.time_in_band, 6), round(o.burden_score, 6), round(o.p_above_2sds, 6))

    seen: set[tuple[float, float, float]] = set()
    unique = []
    for o in outcomes:
        if objectives(o) not in seen:
            seen.add(objectives(o))
            unique.append(o)
    outcomes = unique

    def dominates(a: Outcome, b: Outcome) -> bool:
        ge = (a.time_in_band >= b.time_in_band and a.burden_score <= b.burden_score
              and a.p_above_2sds <= b.p_above_2sds)  # fmt: skip
        gt = (a.time_in_band > b.time_in_band or a.burden_score < b.burden_score
              or a.p_above_2sds < b.p_above_2sds)  # fmt: skip
        return ge and gt

    front = [o for o in outcomes if not any(dominates(q, o) for q in outcomes if q is not o)]
    return tuple(sorted(front, key=lambda o: (o.burden_score, -o.time_in_band)))


def _alone(o: Outcome) -> str | None:
    """The one lever a plan pulls (a drug with its modifiers counts as one), or None."""
    drug = o.changes.get("drug", "somatropin") if "dose_mg" in o.changes else None
    life = [k for k in ("protein", "tre", "exercise") if k in o.changes]
    if drug is not None:
        return None if life else drug
    return life[0] if len(life) == 1 else None


def optimize(
    subject: Person | CalibrationResult,
    target: Target | str,
    *,
    levers: Sequence[str] = ("somatropin",),
    horizon_days: int = 180,
    protocol: Protocol | None = None,
    config: OptimizeConfig = OptimizeConfig(),
    progress: Any = None,
) -> OptimizationResult:
    """Find the protocol that keeps the person's IGF-1 in ``target`` (module docstring).

    Parameters
    ----------
    subject
        A fit to the person's labs (:func:`igfaxis.calibrate.calibrate`), or a person (then
        the population prior of their age and sex is used, and the result says so).
    target
        :class:`Target` or its text (``"sds:0..1"``, ``"ng_ml:120..160"``).

    Other Parameters
    ----------------
    levers
        Any of :data:`LEVERS`.
    horizon_days
        Planning horizon from the day after the latest lab [days], 28-730.
    protocol
        The current protocol, which each plan changes (default: the fit's last protocol, or
        a usual day).
    config
        :class:`OptimizeConfig`.
    progress
        Called as ``progress(done, total, label)`` after each candidate, if given.
    """
    tgt = target if isinstance(target, Target) else Target.parse(target)
    if not 28 <= int(horizon_days) <= 730:
        raise ProtocolError(f"horizon_days must be 28-730 days, got {horizon_days}.")
    horizon = int(horizon_days)
    levers = check_lever_set(levers)
    fit = subject if isinstance(subject, CalibrationResult) else CalibrationResult.prior(subject)
    person = fit.person
    if protocol is None:
        segs = fit.timeline.segments
        protocol = segs[-1][1] if segs else Protocol(name="usual day")
    age_end = person.age_y + (fit.last_day + horizon) / 365.25
    band = tgt.band_ng_ml(age_end, person.sex)
    from igfaxis.risk import centile_value

    above = centile_value(2.0, age_end, person.sex)
    excluded = {lv: m for lv in levers if lv in DRUG_LEVERS and (m := _excluded(lv, person))}
    spaces = {k: v for k, v in drug_spaces(levers, person, config).items() if k not in excluded}
    space = Space(spaces, lifestyle_options(levers, protocol, config), config)
    method = pick(config.method, space, config)
    total = expected_total(method, space, config)
    done = 0

    def run(changes: dict[str, Any]) -> Outcome:
        nonlocal done, total
        label = space.label(changes)
        out = _evaluate(fit, build_protocol(protocol, changes, horizon, config, label),
                        space.levers(changes), band, above, horizon, config, changes)  # fmt: skip
        done += 1
        total = max(total, done)
        if progress is not None:
            progress(done, total, label or "no change")
        return out

    def smooth(changes: dict[str, Any]) -> float:
        return run(changes).p_lab_in_band

    centre = math.sqrt(band[0] * band[1])
    median_person = fit.fitted_person().model_copy(
        update={"age_y": person.age_y + (fit.last_day + 1) / 365.25})

    def respond(changes: dict[str, Any]) -> tuple[float, float]:
        from igfaxis.simulate import dose_elasticity

        plan = build_protocol(protocol, changes, 28, config, space.label(changes))
        r = dose_elasticity(median_person, plan, changes["drug"], days=28, window_days=7)
        return math.log(centre / r.igf1_ng_ml), r.elasticity

    seen = run_method(method, space, run, smooth, config, respond)
    evaluated = list(seen.values())
    baseline = evaluated[0]
    best_single: dict[str, Outcome] = {}  # per lever, its best plan pulling it alone
    for o in evaluated[1:]:
        head = _alone(o)
        if head is not None and (head not in best_single or rank(o) < rank(best_single[head])):
            best_single[head] = o
    best = min(evaluated, key=rank)
    reached = best.p_success >= 0.5
    lo, hi = band
    if reached:
        message = (f"{best.protocol.name}: in the band at the last planned lab with probability "
                   f"{best.p_success:.0%} (time in band {best.time_in_band:.0%}).")  # fmt: skip
    elif lo <= best.median_end_ng_ml <= hi:
        why = ("without labs the population prior of the person is wide; labs (a fit) would "
               "narrow it" if not fit.from_labs else "the posterior is wide; more labs, or a "
               "dose change between labs, would narrow it")  # fmt: skip
        message = (f"{best.protocol.name} puts the median IGF-1 in the band "
                   f"({best.median_end_ng_ml:.0f} ng/mL in {lo:.0f}-{hi:.0f}), but the person "
                   f"is in band at the last planned lab with probability {best.p_success:.0%} "
                   f"only: {why}.")  # fmt: skip
    else:
        gap = lo - best.median_end_ng_ml if best.median_end_ng_ml < lo else \
            best.median_end_ng_ml - hi
        message = (f"no plan with these levers reaches {lo:.0f}-{hi:.0f} ng/mL with probability "
                   f">= 50%; the closest, {best.protocol.name}, ends at a median "
                   f"{best.median_end_ng_ml:.0f} ng/mL ({gap:.0f} ng/mL outside the band, "
                   f"in band with probability {best.p_success:.0%}).")  # fmt: skip
    if not fit.from_labs:
        message += " No labs: planned for the population prior of the person's age and sex."
    for m in excluded.values():
        message += f" Not proposed: {m.split(';')[0]}."
    explanation = tuple(
        f"{o.protocol.name}: median IGF-1 at the end {o.median_end_ng_ml:.0f} ng/mL "
        f"({o.median_end_ng_ml - baseline.median_end_ng_ml:+.0f} vs no change), in band "
        f"{o.p_success:.0%}" for o in best_single.values())  # fmt: skip
    return OptimizationResult(target=tgt, band_ng_ml=band, best=best, baseline=baseline,
                              pareto=_pareto(evaluated), evaluated=tuple(evaluated),
                              reached=reached, from_labs=fit.from_labs, horizon_days=horizon,
                              message=message, explanation=explanation,
                              method=method)  # fmt: skip
