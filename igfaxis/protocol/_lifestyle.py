"""Lifestyle input: diet, fasting schedules and exercise, validated once at the boundary."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from igfaxis._messages import short_repr
from igfaxis.protocol._errors import InputModel

__all__ = ["Diet", "DietPhase", "Exercise", "Fast"]

_CFG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Diet(InputModel):
    """Habitual or phase diet: daily energy and protein, and when meals are eaten.

    Examples
    --------
    >>> Diet(protein_g_per_kg=0.9, plant_protein_share=1.0).meals_h
    (8.0, 13.0, 19.0)
    """

    model_config = _CFG

    energy_fraction: float = Field(
        1.0, ge=0.0, le=2.5, description="Energy intake as a fraction of maintenance [-]."
    )
    protein_g_per_kg: float = Field(
        1.2, ge=0.0, le=4.0, description="Protein intake [g per kg body weight per day]."
    )
    plant_protein_share: float = Field(
        0.3, ge=0.0, le=1.0, description="Share of protein from plant sources [-]."
    )
    meals_h: tuple[float, ...] = Field(
        (8.0, 13.0, 19.0), min_length=1, max_length=12,
        description="Clock times at which meals start [h]; intake is split equally.",
    )
    meal_duration_h: float = Field(1.0, gt=0.0, le=4.0, description="Duration of a meal [h].")

    @model_validator(mode="after")
    def _meals(self) -> Diet:
        for m in self.meals_h:
            if not 0.0 <= m < 24.0:
                raise ValueError(
                    f"`meals_h` times must lie in [0, 24) (clock hours); got {m}. "
                    "Write 19.5 for 19:30."
                )
        if list(self.meals_h) != sorted(set(self.meals_h)):
            raise ValueError(
                f"`meals_h` must be increasing and unique; got {list(self.meals_h)}. "
                "Sort the meal times."
            )
        gaps = [b - a for a, b in zip(self.meals_h, self.meals_h[1:], strict=False)]
        if gaps and min(gaps) < self.meal_duration_h:
            raise ValueError(
                f"meals overlap: `meal_duration_h` = {self.meal_duration_h} is longer than the "
                f"shortest gap between meals ({min(gaps)} h). Space the meals or shorten them."
            )
        return self


class DietPhase(InputModel):
    """A diet that replaces the habitual one from ``start_day`` to ``end_day``."""

    model_config = _CFG

    start_day: float = Field(0.0, ge=0.0, description="First day of the phase [day].")
    end_day: float = Field(gt=0.0, description="Day the phase ends (exclusive) [day].")
    diet: Diet

    @model_validator(mode="after")
    def _order(self) -> DietPhase:
        if self.end_day <= self.start_day:
            raise ValueError(
                f"`end_day` ({self.end_day}) must be after `start_day` ({self.start_day})."
            )
        return self


_FAST_KINDS = Literal["water", "fmd", "tre", "5:2", "adf"]
_REFEEDS = Literal["normal", "protein_deficient", "protein_energy_deficient"]


class Fast(InputModel):
    """A fasting schedule.

    Kinds:

    - ``water``: no intake for ``duration_h`` from ``start_h`` (repeated ``cycles`` times
      every ``every_days``); ``refeed`` sets the diet for ``refeed_days`` afterwards.
    - ``fmd``: fasting-mimicking diet for ``duration_h`` (default 5 days) at
      ``energy_fraction`` and ``protein_g_per_kg``, repeated every ``every_days``.
    - ``tre``: time-restricted eating: meals only within ``window_h`` = (start, end) clock
      hours, from ``start_day`` to ``end_day``.
    - ``5:2``: two non-consecutive days a week (Monday, Thursday) at ``energy_fraction``.
    - ``adf``: alternate days at ``energy_fraction``.
    """

    model_config = _CFG

    kind: _FAST_KINDS
    start_h: float = Field(0.0, ge=0.0, description="Start of the first fast [h from t=0].")
    duration_h: float | None = Field(
        None, gt=0.0, le=21 * 24.0, description="Length of one fast [h] (water, fmd)."
    )
    every_days: float | None = Field(None, gt=0.0, le=366.0, description="Cycle period [day].")
    cycles: int = Field(1, ge=1, le=1000, description="Number of cycles.")
    energy_fraction: float | None = Field(
        None, ge=0.0, le=1.0, description="Intake on fasting days, of maintenance [-]."
    )
    protein_g_per_kg: float | None = Field(
        None, ge=0.0, le=4.0, description="Protein on fasting days [g/kg/day] (fmd)."
    )
    window_h: tuple[float, float] | None = Field(
        None, description="Eating window (start, end) clock hours (tre)."
    )
    start_day: float = Field(0.0, ge=0.0, description="First day (tre, 5:2, adf) [day].")
    end_day: float | None = Field(None, gt=0.0, description="Last day, exclusive [day].")
    refeed: _REFEEDS = Field("normal", description="Diet after a water fast.")
    refeed_days: float = Field(0.0, ge=0.0, le=60.0, description="Refeeding period [day].")

    @model_validator(mode="after")
    def _kind_fields(self) -> Fast:
        k = self.kind
        if k in ("water", "fmd"):
            if self.window_h is not None:
                raise ValueError(f"`window_h` applies to kind 'tre', not {short_repr(k)}; "
                                 "remove it.")
            if self.cycles > 1 and self.every_days is None:
                raise ValueError(
                    f"`cycles` = {self.cycles} needs `every_days` (e.g. 30 for a monthly "
                    "cycle)."
                )
            dur = self.length_h()
            if self.every_days is not None and dur > 24.0 * self.every_days:
                raise ValueError(
                    f"one fast lasts {dur} h but `every_days` = {self.every_days}: the fasts "
                    "would overlap. Shorten `duration_h` or lengthen `every_days`."
                )
        if k == "tre":
            if self.window_h is None:
                raise ValueError("kind 'tre' needs `window_h`, e.g. [12, 20] for 16:8.")
            a, b = self.window_h
            if not (0.0 <= a < b <= 24.0):
                raise ValueError(
                    f"`window_h` must be (start, end) clock hours with 0 <= start < end <= 24; "
                    f"got {list(self.window_h)}."
                )
        if k in ("5:2", "adf") and self.energy_fraction is None:
            raise ValueError(f"kind {short_repr(k)} needs `energy_fraction` on fasting "
                             "days, e.g. 0.25.")
        if self.refeed != "normal" and k != "water":
            raise ValueError("`refeed` applies to kind 'water' only; remove it.")
        if self.end_day is not None and self.end_day <= self.start_day:
            raise ValueError(
                f"`end_day` ({self.end_day}) must be after `start_day` ({self.start_day})."
            )
        return self

    def length_h(self) -> float:
        """Duration of one fast [h] (water: required; fmd: 5 days by default)."""
        if self.duration_h is not None:
            return self.duration_h
        if self.kind == "fmd":
            return 120.0
        if self.kind == "water":
            raise ValueError("kind 'water' needs `duration_h`, e.g. 72.")
        return 0.0

    def intervals_h(self) -> list[tuple[float, float]]:
        """(start, end) of each fasting period [h] (water and fmd)."""
        step = 24.0 * (self.every_days or 0.0)
        return [(self.start_h + i * step, self.start_h + i * step + self.length_h())
                for i in range(self.cycles)]  # fmt: skip


_KINDS = Literal["resistance", "endurance", "intervals"]
#: default intensity relative to the lactate threshold, by kind [design: a high-volume
#: resistance session and intervals run above the lactate threshold; steady endurance
#: work just below it]
DEFAULT_INTENSITY = {"resistance": 1.3, "endurance": 0.8, "intervals": 1.5}


class Exercise(InputModel):
    """A weekly exercise schedule.

    Examples
    --------
    >>> Exercise(kind="resistance", weekdays=(0, 2, 4)).intensity()
    1.3
    """

    model_config = _CFG

    kind: _KINDS
    duration_min: float = Field(45.0, gt=0.0, le=360.0, description="Session length [min].")
    intensity_lt: float | None = Field(
        None, gt=0.0, le=3.0,
        description="Intensity relative to the lactate threshold [-]; default by kind.",
    )
    at_h: float = Field(17.0, ge=0.0, lt=24.0, description="Clock time of the session [h].")
    weekdays: tuple[int, ...] = Field(
        (0, 2, 4), min_length=1, max_length=7, description="Days of the week, 0 = Monday."
    )
    start_day: float = Field(0.0, ge=0.0, description="First day [day].")
    end_day: float | None = Field(None, gt=0.0, description="Last day, exclusive [day].")

    @model_validator(mode="after")
    def _check(self) -> Exercise:
        if any(not 0 <= d <= 6 for d in self.weekdays) or len(set(self.weekdays)) != len(
            self.weekdays
        ):
            raise ValueError(
                f"`weekdays` must be distinct integers 0 (Monday) to 6 (Sunday); got "
                f"{list(self.weekdays)}."
            )
        if self.at_h + self.duration_min / 60.0 > 24.0:
            raise ValueError(
                f"the session starting at {self.at_h} h and lasting {self.duration_min} min "
                "runs past midnight; start it earlier."
            )
        if self.end_day is not None and self.end_day <= self.start_day:
            raise ValueError(
                f"`end_day` ({self.end_day}) must be after `start_day` ({self.start_day})."
            )
        return self

    def intensity(self) -> float:
        """Intensity relative to the lactate threshold [-]."""
        return self.intensity_lt if self.intensity_lt is not None else DEFAULT_INTENSITY[self.kind]
