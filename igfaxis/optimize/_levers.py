"""The levers a plan may pull, and the protocols they make.

A plan is a set of *changes* to the person's current protocol: at most one GH-axis drug
(its dose, clock time and dosing pattern) and lifestyle options (protein, 16:8 eating,
resistance training). This module lists the options of each lever within its product's
label, and builds the protocol of a set of changes.

Drug levers (one at a time; a plan never combines two GH-axis drugs):

- ``somatropin``: the daily dose in 0.1 mg pen steps (``OptimizeConfig.somatropin_mg``),
  never above the label maximum for the person (the check of
  :func:`igfaxis.protocol.dose_warnings`: Norditropin label, 0.016 mg/kg a day in adult
  GHD).
- ``somapacitan``: once weekly (Sogroya label: adults start at 1.5 mg/week, or 1 mg at 60
  or over, and step by 0.5-1.5 mg every 2-4 weeks up to 8 mg/week; the pen dials 0.05 mg
  increments; any time of day): ``OptimizeConfig.somapacitan_mg``, 1-8 mg in 0.5-1 mg
  steps.
- ``tesamorelin``: the Egrifta label dose, 2 mg SC once daily (approved for HIV-associated
  abdominal fat, not for GH deficiency; it needs a pituitary that can answer GHRH).
  Sermorelin (Geref, withdrawn) and CJC-1295 (never approved, no label dose) are not
  offered as levers.

Modifiers of the daily drugs:

- ``dose_time``: the injection's clock time, every ``dose_time_step_h`` within
  ``dose_hours`` (default 18:00-23:00): the evening, when the somatropin labels advise the
  daily injection (Genotropin and Norditropin SmPC 4.2, "in the evening" [recalled: check
  the current label]) so that serum GH peaks in the night like the physiological sleep-onset
  pulse (Takahashi 1968 J Clin Invest 47:2079). Without it: ``dose_time_h`` (22:00).
- ``interval``: somatropin every other day besides daily (the Humatrope label divides the
  weekly dose over 3 alternate days, 6 days or 7 in children [recalled: check the current
  label]; adult labels dose daily).
- ``cycling``: somatropin on 6 days a week (Mon-Sat; Genotropin: the weekly dose in 6-7
  injections) or 5 days on / 2 off (Mon-Fri; not a label regimen). Weekday 0 is the plan's
  first day, as in :class:`~igfaxis.protocol.Exercise`.

A non-daily pattern gives the same weekly amounts as the daily doses, on fewer injections,
rounded to the pen step, each dose within the label maximum. Cycling needs no new schema: a
weekday pattern is one :class:`~igfaxis.protocol.Dose` record per dosing weekday, repeated
weekly (``ii_h: 168``, ``addl``).

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from igfaxis.errors import ProtocolError
from igfaxis.protocol import Dose, Person, Protocol

if TYPE_CHECKING:
    from igfaxis.optimize._search import OptimizeConfig

__all__ = ["DRUG_LEVERS", "LEVERS", "MODIFIERS", "PATTERNS", "DrugSpace", "Pattern",
           "build_protocol", "check_lever_set", "drug_spaces", "lifestyle_options"]  # fmt: skip

#: drugs a plan may propose (at most one at a time)
DRUG_LEVERS: tuple[str, ...] = ("somatropin", "somapacitan", "tesamorelin")
#: levers that change how a daily drug is given, and the drugs each applies to
MODIFIERS: dict[str, tuple[str, ...]] = {"dose_time": ("somatropin", "tesamorelin"),
                                         "interval": ("somatropin",),
                                         "cycling": ("somatropin",)}  # fmt: skip
LIFESTYLE_LEVERS: tuple[str, ...] = ("protein", "tre", "exercise")
#: levers the search can pull
LEVERS: tuple[str, ...] = ("somatropin", "dose_time", "interval", "cycling", "somapacitan",
                           "tesamorelin", *LIFESTYLE_LEVERS)  # fmt: skip

#: the pen step of each drug's dose [mg] (somatropin: 0.1 mg, the smallest step of the
#: common adult pens at adult doses; somapacitan: the label's 0.05 mg dial increment)
PEN_STEP_MG: dict[str, float] = {"somatropin": 0.1, "somapacitan": 0.05, "tesamorelin": 2.0}


@dataclass(frozen=True)
class Pattern:
    """A dosing pattern: an interval, or weekdays repeated weekly.

    Attributes
    ----------
    name
        Key (``daily``, ``eod``, ``6on1off``, ``5on2off``, ``weekly``).
    text
        What a plan's name says.
    interval_h
        Hours between doses (every day, every other day, weekly); ``None`` for weekdays.
    weekdays
        Dosing weekdays (0 = the plan's first day) for a weekly repeated pattern.
    label
        Where the pattern comes from.
    """

    name: str
    text: str
    interval_h: float | None = None
    weekdays: tuple[int, ...] = ()
    label: str = ""

    @property
    def per_week(self) -> float:
        """Injections a week."""
        return len(self.weekdays) if self.interval_h is None else 168.0 / self.interval_h

    def doses(self, drug: str, amount_mg: float, time_h: float, horizon_days: int) -> list[Dose]:
        """The dose records of this pattern over the horizon (first dose on day 0 at
        ``time_h`` o'clock, or on its first dosing weekday)."""
        end_h = 24.0 * horizon_days
        starts = ([time_h] if self.interval_h is not None
                  else [24.0 * d + time_h for d in self.weekdays])  # fmt: skip
        ii = self.interval_h if self.interval_h is not None else 168.0
        out = []
        for t0 in starts:
            if t0 >= end_h:
                continue
            addl = math.floor((end_h - 1e-9 - t0) / ii)
            out.append(Dose(drug=drug, amt=amount_mg, amt_unit="mg", route="sc", time_h=t0,
                            ii_h=ii, addl=addl))  # fmt: skip
        return out


PATTERNS: dict[str, Pattern] = {p.name: p for p in (
    Pattern("daily", "nightly", 24.0, label="label: once daily"),
    Pattern("eod", "every other day", 48.0,
            label="Humatrope label (children): 3 alternate days a week"),
    Pattern("6on1off", "6 days on / 1 off (Mon-Sat)", None, (0, 1, 2, 3, 4, 5),
            label="Genotropin label: the weekly dose in 6-7 injections"),
    Pattern("5on2off", "5 days on / 2 off (Mon-Fri)", None, (0, 1, 2, 3, 4),
            label="not a label regimen"),
    Pattern("weekly", "weekly", 168.0, label="label: once weekly"),
)}  # fmt: skip


@dataclass(frozen=True)
class DrugSpace:
    """The options of one drug lever for one person.

    Attributes
    ----------
    drug
        Canonical name.
    patterns
        Dosing patterns tried (:data:`PATTERNS` keys).
    times_h
        Clock times of the injection tried [h].
    doses_mg
        Per pattern, the amounts per dose tried [mg], ascending, each within the label
        maximum for the person; index ``i`` of each is the same weekly amount (before
        rounding to the pen step) where the label allows it.
    """

    drug: str
    patterns: tuple[str, ...]
    times_h: tuple[float, ...]
    doses_mg: dict[str, tuple[float, ...]]

    def options(self) -> list[dict[str, Any]]:
        """Every (pattern, time, dose) as changes to a protocol."""
        return [{"drug": self.drug, "pattern": p, "time_h": t, "dose_mg": d}
                for p in self.patterns for t in self.times_h
                for d in self.doses_mg[p]]  # fmt: skip

    @property
    def size(self) -> int:
        return len(self.times_h) * sum(len(self.doses_mg[p]) for p in self.patterns)


def check_lever_set(levers: Sequence[str]) -> tuple[str, ...]:
    """The levers, lower case and without duplicates, each known, and each modifier with a
    drug it applies to.

    Raises
    ------
    ProtocolError
        An unknown lever, none, or a modifier (``dose_time``, ``interval``, ``cycling``)
        without a drug lever it changes.
    """
    names = tuple(dict.fromkeys(str(x).strip().lower() for x in levers if str(x).strip()))
    if not names:
        raise ProtocolError(f"give at least one lever: {', '.join(LEVERS)}.")
    for lever in names:
        if lever not in LEVERS:
            raise ProtocolError(
                f"unknown lever {lever!r}; choose from {', '.join(LEVERS)} (comma-separated)."
            )
    for mod, drugs in MODIFIERS.items():
        if mod in names and not any(d in names for d in drugs):
            raise ProtocolError(
                f"lever {mod!r} changes how {' or '.join(drugs)} is given; add "
                f"{drugs[0]} to the levers (e.g. {drugs[0]},{mod})."
            )
    return names


def _within_label(drug: str, amount_mg: float, person: Person) -> bool:
    from igfaxis.protocol import dose_warnings

    return not dose_warnings([Dose(drug=drug, amt=amount_mg, amt_unit="mg", route="sc")], person)


def _pen(amount: float, step: float) -> float:
    return round(max(step, round(amount / step) * step), 4)


def drug_spaces(levers: Sequence[str], person: Person, cfg: OptimizeConfig) -> dict[str, DrugSpace]:
    """The options of each drug lever for the person (contraindicated drugs excluded by
    the caller)."""
    out: dict[str, DrugSpace] = {}
    lo, hi = cfg.dose_hours
    n = math.floor((hi - lo) / cfg.dose_time_step_h + 1e-9) + 1
    hours = tuple(round(lo + i * cfg.dose_time_step_h, 4) for i in range(n))
    for drug in DRUG_LEVERS:
        if drug not in levers:
            continue
        timed = "dose_time" in levers and drug in MODIFIERS["dose_time"]
        times = hours if timed else (cfg.dose_time_h,)
        if drug == "somatropin":
            pats = ["daily"]
            if "interval" in levers:
                pats.append("eod")
            if "cycling" in levers:
                pats += ["6on1off", "5on2off"]
            doses: dict[str, tuple[float, ...]] = {}
            for p in pats:
                per_week = PATTERNS[p].per_week
                amounts = [_pen(d * 7.0 / per_week, PEN_STEP_MG[drug]) for d in cfg.somatropin_mg]
                doses[p] = tuple(sorted({a for a in amounts if _within_label(drug, a, person)}))
            out[drug] = DrugSpace(drug, tuple(p for p in pats if doses[p]), times, doses)
        elif drug == "somapacitan":
            doses = {"weekly": tuple(a for a in cfg.somapacitan_mg
                                     if _within_label(drug, a, person))}  # fmt: skip
            out[drug] = DrugSpace(drug, ("weekly",) if doses["weekly"] else (),
                                  (cfg.dose_time_h,), doses)  # fmt: skip
        else:  # tesamorelin: the label dose
            doses = {"daily": tuple(a for a in cfg.tesamorelin_mg
                                    if _within_label(drug, a, person))}  # fmt: skip
            out[drug] = DrugSpace(drug, ("daily",) if doses["daily"] else (), times, doses)
    return out


Options = dict[str, list[tuple[str, dict[str, Any]]]]


def lifestyle_options(levers: Sequence[str], base: Protocol, cfg: OptimizeConfig) -> Options:
    """Per lifestyle lever: (label, changes) options, "no change" excluded."""
    out: Options = {}
    for lever in levers:
        if lever == "protein":
            out[lever] = [(f"protein {g:g} g/kg/day", {"protein": g})
                          for g in cfg.protein_g_per_kg
                          if abs(g - base.diet.protein_g_per_kg) > 1e-9]  # fmt: skip
        elif lever == "tre":
            out[lever] = [("16:8 time-restricted eating (12:00-20:00)", {"tre": True})]
        elif lever == "exercise":
            out[lever] = [("resistance training 3x/week, 60 min", {"exercise": True})]
    return out


def _clock(h: float) -> str:
    return f"{int(h) % 24:02d}:{round((h % 1) * 60):02d}"


def drug_label(changes: dict[str, Any], cfg: OptimizeConfig) -> str:
    """The plan's name for a drug change (e.g. ``somatropin 0.4 mg SC nightly``)."""
    drug = changes.get("drug", "somatropin")
    pattern = PATTERNS[changes.get("pattern", "weekly" if drug == "somapacitan" else "daily")]
    time_h = changes.get("time_h", cfg.dose_time_h)
    moved = drug != "somapacitan" and abs(time_h - cfg.dose_time_h) > 1e-9
    what = "daily" if moved and pattern.name == "daily" else pattern.text
    text = f"{drug} {changes['dose_mg']:g} mg SC {what}"
    if moved:
        text += f" at {_clock(time_h)}"
    return text


def build_protocol(base: Protocol, changes: dict[str, Any], horizon: int, cfg: OptimizeConfig,
                   label: str) -> Protocol:  # fmt: skip
    """The current protocol with these changes, over ``horizon`` days.

    ``changes``: ``dose_mg`` (with ``drug``, default somatropin; ``pattern``, default daily
    or weekly for somapacitan; ``time_h``, default ``cfg.dose_time_h``), ``protein``
    [g/kg/day], ``tre`` and ``exercise`` (booleans). A planned drug replaces any dose the
    protocol had of the drug levers' drugs (a switch, not a second GH-axis drug).
    """
    from igfaxis.model.drugs import resolve
    from igfaxis.optimize._search import NOTE

    data = base.to_dict()
    data["name"] = label or "no change"
    data["days"] = horizon
    data["description"] = (f"Planned by igfaxis optimize: {label or 'no change'}. " + NOTE)
    if "dose_mg" in changes:
        drug = changes.get("drug", "somatropin")
        pattern = PATTERNS[changes.get("pattern", "weekly" if drug == "somapacitan" else "daily")]
        kept = [d for d in data.get("doses", []) if resolve(d["drug"]).name not in DRUG_LEVERS]
        new = pattern.doses(drug, float(changes["dose_mg"]),
                            float(changes.get("time_h", cfg.dose_time_h)), horizon)  # fmt: skip
        data["doses"] = [*kept, *(d.model_dump(mode="json", exclude_none=True) for d in new)]
    if "protein" in changes:
        data["diet"] = {**data.get("diet", {}), "protein_g_per_kg": changes["protein"]}
    if changes.get("tre"):
        data["diet"] = {**data.get("diet", {}), "meals_h": [12.0, 16.5],
                        "meal_duration_h": 1.0}  # fmt: skip
        data["fasting"] = [*data.get("fasting", []), {"kind": "tre", "window_h": [12, 20]}]
    if changes.get("exercise"):
        session = {"kind": "resistance", "duration_min": 60, "at_h": 17, "weekdays": [0, 2, 4]}
        data["exercise"] = [*data.get("exercise", []), session]
    return Protocol.from_dict(data, source="plan")
