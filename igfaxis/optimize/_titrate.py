"""A virtual clinic: titrate a daily somatropin dose to a target band on noisy labs.

The clinic knows the person's age, sex, body size and condition, not their personal
parameters; the person (their ``personal`` multipliers, the "truth") is simulated at day
resolution from their own tables (:func:`igfaxis.calibrate.model_labs` with
``surrogate=False``), the model that calibration's forward model interpolates.
Per visit, every ``visit_every_days`` from the start of treatment:

1. a lab is drawn at 08:00: the person's model IGF-1 times ``exp(e)``, ``e ~ N(0, sigma)``
   with the within-person and assay variation that calibration assumes
   (:func:`igfaxis.calibrate.lab_sigma`);
2. ``rule="model"``: the clinic recalibrates the person on every lab so far and their dose
   history (:func:`igfaxis.calibrate.calibrate`) and reads the posterior-predicted lab at the
   next visit under the current dose; ``rule="guideline"``: it reads the lab itself;
3. the step rule (guideline, facts DRG-004: +0.1-0.2 mg/day every 1-2 months, titrated to
   IGF-1 in range, DRG-005): below the band, +0.1 mg (+0.2 mg when more than
   ``big_step_sds`` below it); above, -0.1 mg; in the band, no change. Doses stay on
   0.1 mg pen steps, at least 0.1 mg, within the label maximum for the person.

The start dose is the guideline's by age (:func:`start_dose`). The result reports the weeks
to the first lab in the band, the final dose and the share of labs above the band; over a
virtual population (:func:`titrate_population`) these are compared with published
titration studies (docs/planning.md, "Titration").

Model predictions and published associations, not medical advice; discuss with a clinician.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from igfaxis.errors import ProtocolError
from igfaxis.optimize._search import NOTE, Target
from igfaxis.protocol import Dose, History, Person, Protocol

__all__ = ["GUIDELINE_START_MG", "TitrationConfig", "TitrationResult", "TitrationVisit",
           "sample_personal", "start_dose", "titrate", "titrate_population"]  # fmt: skip

#: guideline start doses of daily somatropin in adult GH deficiency [mg/day] by age:
#: (age below [y], (low, high) of the recommended range). Molitch ME et al. 2011 J Clin
#: Endocrinol Metab 96:1587 (Endocrine Society): < 30 y 0.4-0.5 (facts DRG-001), 30-60 y
#: 0.2-0.3 (DRG-002), > 60 y 0.1-0.2 (DRG-003, recalled: check before use)
GUIDELINE_START_MG: tuple[tuple[float, tuple[float, float]], ...] = (
    (30.0, (0.4, 0.5)), (60.0, (0.2, 0.3)), (math.inf, (0.1, 0.2)))  # fmt: skip
_PEN_STEP_MG = 0.1


def start_dose(person: Person) -> tuple[float, str]:
    """The guideline start dose [mg/day] for the person and why.

    The low end of the age band (:data:`GUIDELINE_START_MG`); a woman on oral oestrogen
    starts at its high end, because the guidelines note that oral oestrogen raises the dose
    needed (the first-pass hepatic GH resistance; Cook 1999's titrated doses, targets
    V-DRG-21/22).

    Examples
    --------
    >>> start_dose(Person(age_y=45, sex="male", weight_kg=85))[0]
    0.2
    """
    for below, (low, high) in GUIDELINE_START_MG:
        if person.age_y < below:
            band = f"{low:g}-{high:g} mg/day at age {_age_band(below)}"
            if person.sex == "female" and person.estrogen == "oral":
                return high, (f"guideline start {band} (Molitch 2011); the high end on oral "
                              "oestrogen, which raises the dose needed")  # fmt: skip
            return low, f"guideline start {band} (Molitch 2011); the low end"
    raise AssertionError("GUIDELINE_START_MG ends at infinity")


def _age_band(below: float) -> str:
    bounds = [b for b, _ in GUIDELINE_START_MG]
    i = bounds.index(below)
    if i == 0:
        return f"under {below:g} y"
    if math.isinf(below):
        return f"over {bounds[i - 1]:g} y"
    return f"{bounds[i - 1]:g}-{below:g} y"


@dataclass(frozen=True)
class TitrationConfig:
    """Settings of :func:`titrate`.

    Attributes
    ----------
    visits
        Labs after the start of treatment (plus one at baseline, day 0).
    visit_every_days
        Days between labs (guideline: 1-2 months, facts DRG-004).
    step_mg, big_step_mg
        The dose step, and the larger step taken more than ``big_step_sds`` below the band
        (DRG-004: 0.1-0.2 mg/day).
    big_step_sds
        SDS below the band's low edge beyond which the larger step is taken.
    start_mg
        The start dose; ``None``: :func:`start_dose`.
    dose_time_h
        Clock time of the nightly injection.
    rule
        ``"model"`` (recalibrate on every lab, decide on the predicted next lab) or
        ``"guideline"`` (decide on the lab itself).
    lab_noise
        Draw labs with noise (``False``: the model value, for checks).
    draws
        Posterior draws for the predicted next lab.
    seed
        Seed of the lab noise.
    """

    visits: int = 6
    visit_every_days: int = 42
    step_mg: float = 0.1
    big_step_mg: float = 0.2
    big_step_sds: float = 1.0
    start_mg: float | None = None
    dose_time_h: float = 22.0
    rule: Literal["model", "guideline"] = "model"
    lab_noise: bool = True
    draws: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= int(self.visits) <= 24:
            raise ProtocolError(f"visits must be 1-24, got {self.visits}.")
        if not 14 <= int(self.visit_every_days) <= 182:
            raise ProtocolError(
                f"visit_every_days must be 14-182 (2 weeks to 6 months), got "
                f"{self.visit_every_days}.")  # fmt: skip
        if self.rule not in ("model", "guideline"):
            raise ProtocolError(f"rule must be 'model' or 'guideline', got {self.rule!r}.")
        for name in ("step_mg", "big_step_mg"):
            v = getattr(self, name)
            if not (_PEN_STEP_MG - 1e-9 <= v <= 0.5 + 1e-9):
                raise ProtocolError(f"{name} must be 0.1-0.5 mg, got {v}.")
        if self.start_mg is not None and not (0.1 - 1e-9 <= self.start_mg <= 2.0):
            raise ProtocolError(f"start_mg must be 0.1-2 mg/day, got {self.start_mg}.")


@dataclass(frozen=True)
class TitrationVisit:
    """One lab and the decision taken on it.

    Attributes
    ----------
    day
        Day of the lab (treatment starts on day 0, after the baseline lab).
    dose_mg
        The dose taken up to this lab (0 at baseline).
    lab_ng_ml, lab_sds
        What the lab read (with noise) and its SDS (LIFE, age and sex then).
    true_ng_ml
        The person's model value at that moment (what a noise-free lab would read).
    predicted
        ``rule="model"``: the posterior-predicted next lab under the current dose
        ``(median, q05, q95)`` [ng/mL]; ``None`` with the guideline rule.
    read_sds
        The SDS the decision was taken on (the lab's, or the predicted median's).
    next_dose_mg
        The dose from this visit on.
    decision
        In words.
    """

    day: int
    dose_mg: float
    lab_ng_ml: float
    lab_sds: float
    true_ng_ml: float
    predicted: tuple[float, float, float] | None
    read_sds: float
    next_dose_mg: float
    decision: str

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "week": round(self.day / 7.0, 1), "dose_mg": self.dose_mg,
                "lab_ng_ml": round(self.lab_ng_ml, 1), "lab_sds": round(self.lab_sds, 2),
                "true_ng_ml": round(self.true_ng_ml, 1),
                "predicted_next_ng_ml": (None if self.predicted is None else
                                         [round(v, 1) for v in self.predicted]),
                "read_sds": round(self.read_sds, 2), "next_dose_mg": self.next_dose_mg,
                "decision": self.decision}  # fmt: skip


@dataclass(frozen=True)
class TitrationResult:
    """What the virtual clinic did for one person (:func:`titrate`).

    Attributes
    ----------
    person
        The person as simulated (with their true ``personal`` multipliers).
    target
        The band titrated to.
    start_mg, start_reason
        The start dose and where it comes from.
    visits
        The baseline lab and every visit, in order.
    rule
        ``"model"`` or ``"guideline"``.
    """

    person: Person
    target: Target
    start_mg: float
    start_reason: str
    visits: tuple[TitrationVisit, ...]
    rule: str
    config: TitrationConfig = field(repr=False)

    @property
    def final_dose_mg(self) -> float:
        """The dose after the last visit's decision."""
        return self.visits[-1].next_dose_mg

    @property
    def weeks_to_target(self) -> float | None:
        """Weeks from the start to the first lab in the band (``None``: never)."""
        for v in self.visits[1:]:
            if self.target.low <= v.lab_sds <= self.target.high:
                return v.day / 7.0
        return None

    @property
    def share_above(self) -> float:
        """Share of on-treatment labs above the band."""
        on = self.visits[1:]
        return sum(v.lab_sds > self.target.high for v in on) / len(on)

    def history(self) -> History:
        """The dose history the clinic prescribed (treatment from day 0)."""
        return _history(self.visits, self.config)

    def protocol(self) -> Protocol:
        """The final dose as a protocol (runs in ``igfaxis simulate``)."""
        return _protocol(self.final_dose_mg, self.config,
                         days=self.config.visit_every_days)  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person.model_dump(mode="json"),
                "target": {"kind": self.target.kind, "low": self.target.low,
                           "high": self.target.high, "view": self.target.describe()},
                "rule": self.rule, "start_mg": self.start_mg,
                "start_reason": self.start_reason,
                "visit_every_days": self.config.visit_every_days,
                "visits": [v.to_dict() for v in self.visits],
                "final_dose_mg": self.final_dose_mg,
                "weeks_to_target": self.weeks_to_target,
                "share_above": self.share_above, "note": NOTE}  # fmt: skip


def _protocol(dose_mg: float, cfg: TitrationConfig, *, days: int) -> Protocol:
    if dose_mg <= 0.0:
        return Protocol(name="untreated (baseline)")
    return Protocol(
        name=f"somatropin {dose_mg:g} mg SC nightly",
        doses=[Dose(drug="somatropin", amt=dose_mg, amt_unit="mg", route="sc",
                    time_h=cfg.dose_time_h, ii_h=24.0, addl=max(days - 1, 0))],
    )  # fmt: skip


def _history(visits: Sequence[TitrationVisit], cfg: TitrationConfig) -> History:
    """Segments from day 0: each visit's next dose runs from the visit's day (the lab is
    drawn at 08:00 under the old dose; the new one starts that evening)."""
    horizon = cfg.visit_every_days * (cfg.visits + 1)
    segs = [{"day": float(v.day), "protocol": _protocol(v.next_dose_mg, cfg, days=horizon)}
            for v in visits]  # fmt: skip
    return History(segments=segs)


def _dose_ok(dose_mg: float, person: Person, cfg: TitrationConfig) -> bool:
    from igfaxis.protocol import dose_warnings

    return not dose_warnings([Dose(drug="somatropin", amt=dose_mg, amt_unit="mg", route="sc",
                                   time_h=cfg.dose_time_h)], person)  # fmt: skip


def _step(dose: float, read_sds: float, target: Target, person: Person,
          cfg: TitrationConfig) -> tuple[float, str]:  # fmt: skip
    """The step rule (module docstring): the next dose and the decision in words."""
    if read_sds < target.low:
        big = read_sds < target.low - cfg.big_step_sds
        new = dose + (cfg.big_step_mg if big else cfg.step_mg)
        why = f"SDS {read_sds:+.2f} below the band"
    elif read_sds > target.high:
        new = dose - cfg.step_mg
        why = f"SDS {read_sds:+.2f} above the band"
    else:
        return dose, f"SDS {read_sds:+.2f} in the band: keep {dose:g} mg"
    new = max(round(round(new / _PEN_STEP_MG) * _PEN_STEP_MG, 3), _PEN_STEP_MG)
    while new > dose and not _dose_ok(new, person, cfg):
        new = round(new - _PEN_STEP_MG, 3)
    if new == dose:
        return dose, f"{why}, but {dose:g} mg is the label maximum for this person: keep it"
    return new, f"{why}: {'+' if new > dose else ''}{new - dose:.1f} mg -> {new:g} mg"


def titrate(
    person: Person,
    target: Target | str = "sds:0..1",
    *,
    config: TitrationConfig = TitrationConfig(),
    progress: Callable[[int, int, str], None] | None = None,
) -> TitrationResult:
    """Run the virtual clinic for one person (module docstring).

    Parameters
    ----------
    person
        The patient; ``personal`` holds their true multipliers (``{}``: the average person
        of their age, sex and condition), which the clinic does not see.
    target
        :class:`Target` or its text (default ``"sds:0..1"``, the usual aim of GH
        replacement).

    Other Parameters
    ----------------
    config
        :class:`TitrationConfig`.
    progress
        Called as ``progress(done, total, label)`` after each visit.
    """
    from igfaxis.calibrate import CalibrationConfig, calibrate, lab_sigma, model_labs
    from igfaxis.model.drugs import resolve
    from igfaxis.protocol import LabValue, contraindicated
    from igfaxis.risk import sds

    tgt = target if isinstance(target, Target) else Target.parse(target)
    why_not = contraindicated(resolve("somatropin"), person)
    if why_not:
        raise ProtocolError(f"titrate: somatropin is not proposed for this person: {why_not}")
    if config.start_mg is not None:
        start, reason = round(config.start_mg, 3), "given (config.start_mg)"
    else:
        start, reason = start_dose(person)
    if not _dose_ok(start, person, config):
        raise ProtocolError(f"titrate: the start dose {start:g} mg/day is above the label "
                            "maximum for this person; give a smaller start_mg.")  # fmt: skip
    rng = np.random.default_rng(config.seed)
    sigma = lab_sigma("igf1")
    clinic = person.model_copy(update={"personal": {}})
    visits: list[TitrationVisit] = []
    dose_now = 0.0
    labs: list[Any] = []
    total = config.visits + 1
    for k in range(total):
        day = k * config.visit_every_days
        history = _history(visits, config) if visits else None
        # every lab day so far, so that the schedule starts where it did at the first visit
        # (same start, same age, same tables: only the new days are tabulated)
        true_v = model_labs(person, [*(v.day for v in visits), day], history=history,
                            protocol=None if history else Protocol(name="usual day"),
                            surrogate=False)[-1]  # the person's own tables
        noise = float(rng.normal(0.0, sigma)) if config.lab_noise else 0.0
        lab = float(true_v * math.exp(noise))
        age = person.age_y + day / 365.25
        lab_sds = float(sds(lab, age, person.sex))
        labs.append(LabValue(day=float(day), date=None, value=lab, unit="ng/mL",
                             igf1_ng_ml=lab, line=k + 1, time="08:00"))  # fmt: skip
        if k == 0:
            visits.append(TitrationVisit(0, 0.0, lab, lab_sds, float(true_v), None, lab_sds,
                                         start, f"baseline; start at {start:g} mg ({reason})"))
            dose_now = start
            if progress is not None:
                progress(1, total, "baseline lab")
            continue
        predicted = None
        read = lab_sds
        if config.rule == "model":
            fit = calibrate(clinic, labs, history=history,
                            config=CalibrationConfig(draws=max(config.draws, 50),
                                                     seed=config.seed))  # fmt: skip
            (p,) = fit.predict_labs([day + config.visit_every_days], clock_h=8.0,
                                    n_draws=config.draws)  # fmt: skip
            predicted = (p.median, p.q05, p.q95)
            read = float(sds(p.median, age + config.visit_every_days / 365.25, person.sex))
        new, decision = _step(dose_now, read, tgt, person, config)
        if config.rule == "model":
            decision = f"predicted next lab {decision}"
        visits.append(TitrationVisit(day, dose_now, lab, lab_sds, float(true_v), predicted,
                                     read, new, decision))  # fmt: skip
        dose_now = new
        if progress is not None:
            progress(k + 1, total, f"week {day / 7:g}: {decision}")
    return TitrationResult(person=person, target=tgt, start_mg=start, start_reason=reason,
                           visits=tuple(visits), rule=config.rule, config=config)  # fmt: skip


def sample_personal(n: int, *, seed: int = 0) -> list[dict[str, float]]:
    """``n`` draws of the fitted personal multipliers from their population priors
    (:data:`igfaxis.model.PERSONAL_PARAMETERS`, the log-normal priors calibration uses)."""
    from igfaxis.calibrate import NAMES
    from igfaxis.model import PERSONAL_PARAMETERS

    rng = np.random.default_rng(seed)
    z = rng.standard_normal((int(n), len(NAMES)))
    return [{name: float(PERSONAL_PARAMETERS[name].median
                         * math.exp(PERSONAL_PARAMETERS[name].log_sd * zi))
             for name, zi in zip(NAMES, row, strict=True)} for row in z]  # fmt: skip


def titrate_population(
    person: Person,
    n: int,
    target: Target | str = "sds:0..1",
    *,
    config: TitrationConfig = TitrationConfig(),
    seed: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[TitrationResult, ...]:
    """The virtual clinic for ``n`` persons like ``person`` whose personal multipliers are
    drawn from the population priors (:func:`sample_personal`); person ``i``'s labs use seed
    ``seed + i``."""
    if not 1 <= int(n) <= 1000:
        raise ProtocolError(f"n must be 1-1000 persons, got {n}.")
    out = []
    for i, personal in enumerate(sample_personal(n, seed=seed)):
        who = person.model_copy(update={"personal": personal})
        cfg = replace(config, seed=seed + i)
        out.append(titrate(who, target, config=cfg))
        if progress is not None:
            progress(i + 1, int(n), f"person {i + 1}: final {out[-1].final_dose_mg:g} mg")
    return tuple(out)
