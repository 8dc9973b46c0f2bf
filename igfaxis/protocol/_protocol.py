"""Protocols: what happens to a person, as validated data (YAML, JSON or Python).

Dosing uses the NONMEM vocabulary so that regimens exchange with mrgsolve / nlmixr2
tables: ``amt`` (with ``amt_unit``), ``time_h`` (first dose), ``ii_h`` (interdose
interval), ``addl`` (additional doses), ``route`` and ``dur_h`` (infusion duration; absent
for a bolus).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from igfaxis._files import MAX_YAML_BYTES, load_yaml, read_text
from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.model.drugs import DRUGS, DrugInfo, resolve
from igfaxis.protocol._errors import InputModel, format_validation_error
from igfaxis.protocol._lifestyle import Diet, DietPhase, Exercise, Fast
from igfaxis.protocol._regimen import expand_regimen

__all__ = ["BOLUS_DURATION_H", "Dose", "Protocol", "Sleep"]

#: a bolus is delivered as a zero-order input over one minute (design_notes/doses.md)
BOLUS_DURATION_H = 1.0 / 60.0

#: latest dose time and longest interval: the longest horizon, 100 years [h]
_MAX_TIME_H = 24.0 * 36500.0


class Sleep(InputModel):
    """Daily sleep window; sleep onset times the large slow-wave-sleep GH burst."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    onset_h: float = Field(23.0, ge=0.0, lt=24.0, description="Clock time of sleep onset [h].")
    duration_h: float = Field(8.0, gt=0.0, le=16.0, description="Sleep duration [h].")


class Dose(InputModel):
    """One dosing record in NONMEM terms (``amt``, ``time``, ``ii``, ``addl``, route).

    Examples
    --------
    >>> d = Dose(drug="somatropin", amt=0.3, time_h=22, ii_h=24, addl=2)
    >>> d.times_h()
    [22.0, 46.0, 70.0]
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    drug: str = Field(
        description="Drug name (canonical or alias, any case); see `igfaxis.model.drugs.DRUGS`."
    )
    amt: float = Field(gt=0.0, le=1e5, description="Amount per dose, in `amt_unit`.")
    amt_unit: Literal["mg", "ug", "nmol", "mg/kg", "ug/kg", "nmol/kg"] = Field(
        "mg", description="Unit of `amt`; nmol doses use the drug's molar mass."
    )
    time_h: float = Field(
        0.0, ge=0.0, le=_MAX_TIME_H, description="Time of the first dose after start [h]."
    )
    ii_h: float | None = Field(None, gt=0.0, le=_MAX_TIME_H, description="Interdose interval [h].")
    addl: int = Field(0, ge=0, le=100_000, description="Number of additional doses.")
    route: Literal["sc", "iv", "im", "po"] = Field(
        "sc", description="Route: sc, iv, im (depot formulations) or po (oral)."
    )
    dur_h: float | None = Field(
        None, gt=0.0, le=168.0, description="Infusion duration [h]; absent for a bolus."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_regimen(cls, data: Any) -> Any:
        """A regimen string, or ``{drug, regimen}``, stands for the fields it sets."""
        return expand_regimen(data)

    @field_validator("drug")
    @classmethod
    def _known_drug(cls, value: str) -> str:
        info = resolve(value)
        if info is None:
            raise ValueError(
                f"unknown drug {short_repr(value)}; use one of {', '.join(sorted(DRUGS))} "
                "(aliases such as 'ibutamoren' or 'sirolimus' are accepted)."
            )
        return info.name

    @property
    def info(self) -> DrugInfo:
        """The drug library's entry for this drug."""
        return DRUGS[self.drug]

    @model_validator(mode="after")
    def _consistent(self) -> Dose:
        if self.addl > 0 and self.ii_h is None:
            raise ValueError(
                f"`addl` = {self.addl} needs `ii_h`, the interval between doses; "
                "add e.g. `ii_h: 24` for daily dosing or set `addl: 0`."
            )
        routes = DRUGS[self.drug].routes
        if self.route not in routes:
            raise ValueError(
                f"`route` {short_repr(self.route)} is not supported for {self.drug}; "
                f"use one of {', '.join(routes)}."
            )
        if self.ii_h is not None and self.dur_h is not None and self.dur_h > self.ii_h:
            raise ValueError(
                f"`dur_h` = {self.dur_h} is longer than `ii_h` = {self.ii_h}, so infusions "
                "would overlap; shorten the infusion or lengthen the interval."
            )
        return self

    def times_h(self) -> list[float]:
        """Start time of every dose [h]."""
        step = self.ii_h or 0.0
        return [self.time_h + i * step for i in range(self.addl + 1)]

    def amount_ug(self, weight_kg: float) -> float:
        """Amount per dose [µg] for a person of ``weight_kg``."""
        nmol_ug = DRUGS[self.drug].molar_mass_g_mol / 1000.0
        factor = {"mg": 1000.0, "ug": 1.0, "nmol": nmol_ug, "mg/kg": 1000.0 * weight_kg,
                  "ug/kg": weight_kg, "nmol/kg": nmol_ug * weight_kg}  # fmt: skip
        return self.amt * factor[self.amt_unit]

    def input_name(self) -> str:
        """Name of the model input this dose feeds."""
        return DRUGS[self.drug].routes[self.route].input

    def duration_h(self) -> float:
        """Input duration [h] (one minute for a bolus)."""
        return self.dur_h if self.dur_h is not None else BOLUS_DURATION_H


def _shared_session_day(a: Exercise, b: Exercise) -> int | None:
    """The first day on which sessions of ``a`` and ``b`` overlap in time, or ``None``.

    Sessions end before midnight (:class:`Exercise` checks it), so only sessions on the
    same day, a weekday of both schedules while both are active, can overlap.
    """
    if not (a.at_h < b.at_h + b.duration_min / 60.0 and b.at_h < a.at_h + a.duration_min / 60.0):
        return None
    weekdays = set(a.weekdays) & set(b.weekdays)
    first = math.ceil(max(a.start_day, b.start_day))
    ends = [e for e in (a.end_day, b.end_day) if e is not None]
    end = min(ends) if ends else math.inf
    return next((d for d in range(first, first + 7) if d < end and d % 7 in weekdays), None)


class Protocol(InputModel):
    """What happens to the person: sleep, diet, fasting, exercise, doses, clamps.

    More drugs extend this schema in later versions; unknown fields are refused, never
    ignored.

    Examples
    --------
    >>> p = Protocol.from_yaml("name: gh\\ndoses:\\n  - {drug: somatropin, amt: 0.4}\\n")
    >>> p.doses[0].amount_ug(70)
    400.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field("protocol", min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    days: float | None = Field(
        None, gt=0.0, le=36500.0, description="Default horizon [days] when none is given."
    )
    sleep: Sleep = Field(default_factory=Sleep)
    doses: tuple[Dose, ...] = Field(default=())
    diet: Diet = Field(default_factory=Diet, description="Habitual diet (also before t = 0).")
    diet_phases: tuple[DietPhase, ...] = Field(
        default=(), description="Diets replacing the habitual one for a while."
    )
    fasting: tuple[Fast, ...] = Field(default=(), description="Fasting schedules.")
    exercise: tuple[Exercise, ...] = Field(default=(), description="Exercise schedules.")
    endogenous_gh_suppressed: bool = Field(
        False,
        description="Clamp endogenous GH secretion off from t = 0 (the octreotide / SRIF "
        "infusion used in GH pharmacokinetic studies).",
    )

    @model_validator(mode="before")
    @classmethod
    def _dose_regimens(cls, data: Any) -> Any:
        """Expand regimen strings in ``doses``; errors name the dose by its index."""
        if not (isinstance(data, dict) and isinstance(data.get("doses"), list | tuple)):
            return data
        doses = []
        for i, entry in enumerate(data["doses"]):
            try:
                doses.append(expand_regimen(entry))
            except ProtocolError as exc:
                raise ValueError(f"`doses.{i}`: {exc}") from None
        return {**data, "doses": doses}

    @model_validator(mode="after")
    def _lifestyle_consistent(self) -> Protocol:
        phases = sorted(self.diet_phases, key=lambda ph: ph.start_day)
        for a, b in itertools.pairwise(phases):
            if b.start_day < a.end_day:
                raise ValueError(
                    f"diet phases overlap: one runs to day {a.end_day}, the next starts on day "
                    f"{b.start_day}. Make `start_day` of the later one >= {a.end_day}."
                )
        spans = sorted((a, b) for f in self.fasting if f.kind in ("water", "fmd")
                       for a, b in f.intervals_h())  # fmt: skip
        for (a0, b0), (a1, _) in itertools.pairwise(spans):
            if a1 < b0:
                raise ValueError(
                    f"fasts overlap: one runs {a0}-{b0} h, the next starts at {a1} h. "
                    "Move `start_h` or merge them into one longer fast."
                )
        for (i, a), (j, b) in itertools.combinations(enumerate(self.exercise), 2):
            day = _shared_session_day(a, b)
            if day is not None:
                raise ValueError(
                    f"exercise sessions overlap: `exercise.{i}` ({a.kind}, {a.at_h:g} h for "
                    f"{a.duration_min:g} min) and `exercise.{j}` ({b.kind}, {b.at_h:g} h for "
                    f"{b.duration_min:g} min) both run on day {day}. Move `at_h`, change "
                    "`weekdays` or merge them into one session."
                )
        tre = [f for f in self.fasting if f.kind == "tre"]
        if len(tre) > 1:
            raise ValueError("only one `tre` schedule is allowed; merge the eating windows.")
        for f in tre:
            lo, hi = f.window_h or (0.0, 24.0)
            for d in self._diets_during(f):
                for m in d.meals_h:
                    if not (lo <= m and m + d.meal_duration_h <= hi):
                        raise ValueError(
                            f"the meal at {m} h lies inside the declared fast (eating window "
                            f"{lo}-{hi} h of `tre`). Move `meals_h` into the window, e.g. "
                            f"[{lo}, {min(lo + 6.0, hi - d.meal_duration_h)}]."
                        )
        return self

    def _diets_during(self, f: Fast) -> list[Diet]:
        """The diets in force on some day of the schedule ``f``: the phases that overlap its
        days, and the habitual diet unless phases cover every one of them (whole days, as the
        forcing compiler reads them). A diet before the schedule starts, or after it ends, may
        eat outside its window."""
        end = f.end_day if f.end_day is not None else math.inf
        phases = [ph for ph in self.diet_phases if ph.start_day < end and ph.end_day > f.start_day]
        habitual = math.isinf(end) or any(
            not any(ph.start_day <= d < ph.end_day for ph in phases)
            for d in range(math.ceil(f.start_day), math.ceil(end)))  # fmt: skip
        return ([self.diet] if habitual else []) + [ph.diet for ph in phases]

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "protocol") -> Protocol:
        """Validate a mapping; errors become one :class:`ProtocolError` naming each field."""
        if not isinstance(data, dict):
            raise ProtocolError(
                f"{source} must be a mapping of protocol fields; got {type(data).__name__}. "
                "Start the file with e.g. `name: my-protocol`."
            )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ProtocolError(format_validation_error(exc, source)) from None

    @classmethod
    def from_yaml(cls, path_or_text: str | Path) -> Protocol:
        """Read a protocol from a YAML file path or YAML text.

        A file is read through :func:`igfaxis._files.read_text` (at most 1 MiB of UTF-8)
        and parsed with bounded alias expansion; an empty file, or one with only comments,
        is an error (an empty mapping, ``{}``, is a usual day with no intervention).

        Raises
        ------
        ProtocolError
            The file is missing, too large, binary, not UTF-8, not YAML, empty, or a field
            is invalid.
        """
        source = "protocol"
        text = str(path_or_text)
        if isinstance(path_or_text, Path) or (
            "\n" not in text and text.endswith((".yaml", ".yml", ".json"))
        ):
            path = Path(path_or_text)
            if not path.is_file():
                raise ProtocolError(
                    f"protocol file {short_repr(str(path))} does not exist; check the path "
                    "(examples/ holds ready-made protocols)."
                )
            text, source = read_text(path, "protocol", max_bytes=MAX_YAML_BYTES), path.name
        elif len(text) > MAX_YAML_BYTES:
            raise ProtocolError(
                f"protocol text is {len(text)} characters; at most {MAX_YAML_BYTES} are read."
            )
        data = load_yaml(text, source)
        if data is None:
            raise ProtocolError(
                f"{source} is empty (no YAML content); write the protocol's fields, e.g. "
                "`name: my-protocol`, or `{}` for a usual day with no intervention."
            )
        return cls.from_dict(data, source=source)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible mapping that :meth:`from_dict` reads back to an equal protocol."""
        return self.model_dump(mode="json")
