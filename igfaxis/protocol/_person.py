"""The person being simulated, validated once at the boundary."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from igfaxis._messages import short_repr
from igfaxis.model import PERSONAL_PARAMETERS, Covariates
from igfaxis.protocol._errors import InputModel

__all__ = ["Person"]

_DEFAULT_HEIGHT_M = {"male": 1.78, "female": 1.65}


class Person(InputModel):
    """A person: age, sex, body size, an optional GH-axis condition and personal multipliers.

    ``personal`` maps names of :data:`igfaxis.model.PERSONAL_PARAMETERS` to multipliers
    (> 0) of the average person's parameters, e.g. ``{"hepatic_gh_sensitivity": 0.8}``;
    a name left out is at its prior median (1), so ``personal: {}`` is the average person.

    Examples
    --------
    >>> Person(age_y=45, sex="male", weight_kg=85).bmi > 0
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    age_y: float = Field(30.0, gt=0.0, le=120.0, description="Age [years].")
    sex: Literal["male", "female"] = Field("male", description="Sex at birth.")
    weight_kg: float = Field(75.0, gt=20.0, le=350.0, description="Body weight [kg].")
    height_m: float | None = Field(
        None, gt=1.0, le=2.5, description="Height [m]; default 1.78 (men) or 1.65 (women)."
    )
    condition: Literal["healthy", "gh_deficiency", "acromegaly", "laron"] = Field(
        "healthy", description="GH-axis condition."
    )
    ghd_severity: float | None = Field(
        None, ge=0.0, le=1.0,
        description="GH deficiency only: lost share of pituitary GH secretory capacity, or of "
        "GHRH-neurone output when `ghd_cause` is 'hypothalamic' [-] (default 0.9).",
    )
    ghd_cause: Literal["pituitary", "hypothalamic"] | None = Field(
        None,
        description="GH deficiency only: 'pituitary' (somatotroph loss: `ghd_severity` is lost "
        "secretory capacity; the default) or 'hypothalamic' (GHRH deficiency: `ghd_severity` is "
        "lost GHRH-neurone output, the somatotrophs are intact, so GHRH analogues and GHS "
        "agonists restore much of the response).",
    )
    acromegaly_mean_gh_ng_ml: float | None = Field(
        None, gt=0.0, le=200.0,
        description="Acromegaly only: mean 24-h GH held by the adenoma [ng/mL] (default 10).",
    )
    estrogen: Literal["none", "oral", "transdermal"] = Field(
        "none",
        description="Women only: oestrogen therapy (hormone replacement or contraception). "
        "'none': endogenous oestrogen only, which fades at menopause (about 50 y); 'oral' or "
        "'transdermal': systemic oestradiol held at premenopausal levels at any age; 'oral' adds "
        "the first-pass hepatic GH resistance (women on oral oestrogen need about twice the GH "
        "dose, Cook 1999).",
    )
    contraindications: tuple[
        Literal["active_malignancy", "acute_critical_illness", "diabetic_retinopathy",
                "pregnancy"], ...] = Field(
        (),
        description="Conditions that drug labels list as contraindications "
        "(igfaxis.model.drugs.CONTRAINDICATIONS): `igfaxis optimize` never proposes a drug "
        "whose label lists one, and simulating such a drug warns.",
    )  # fmt: skip
    personal: dict[str, float] = Field(
        default_factory=dict,
        description="Personal multipliers, name -> value > 0 (igfaxis.model.PERSONAL_PARAMETERS;"
        " default: each prior's median, 1).",
    )

    @field_validator("personal", mode="before")
    @classmethod
    def _personal_values(cls, value: Any) -> Any:
        return _check_personal(value)

    def __hash__(self) -> int:  # ``personal`` is a dict: hash the JSON form instead
        return hash((type(self), self.model_dump_json()))

    @model_validator(mode="after")
    def _condition_fields(self) -> Person:
        if self.ghd_severity is not None and self.condition != "gh_deficiency":
            raise ValueError(
                f"`ghd_severity` applies only to condition 'gh_deficiency'; got condition "
                f"{short_repr(self.condition)}. Set `condition: gh_deficiency` or remove "
                "`ghd_severity`."
            )
        if self.ghd_cause is not None and self.condition != "gh_deficiency":
            raise ValueError(
                f"`ghd_cause` applies only to condition 'gh_deficiency'; got condition "
                f"{short_repr(self.condition)} with `ghd_cause` {short_repr(self.ghd_cause)}. "
                "Set `condition: gh_deficiency` or remove `ghd_cause`."
            )
        if self.estrogen != "none" and self.sex != "female":
            raise ValueError(
                f"`estrogen` applies only to sex 'female'; got `estrogen` "
                f"{short_repr(self.estrogen)} with sex {short_repr(self.sex)}. Set `sex: female` "
                "or `estrogen: none`."
            )
        if self.acromegaly_mean_gh_ng_ml is not None and self.condition != "acromegaly":
            raise ValueError(
                f"`acromegaly_mean_gh_ng_ml` applies only to condition 'acromegaly'; got "
                f"condition {short_repr(self.condition)}. Set `condition: acromegaly` or "
                "remove the field."
            )
        return self

    def _ghd_reserve(self, cause: str) -> float:
        """Remaining share of the function that GH deficiency of ``cause`` takes away
        (``1 - ghd_severity``, default severity 0.9); 1 for any other cause or condition."""
        if self.condition != "gh_deficiency" or (self.ghd_cause or "pituitary") != cause:
            return 1.0
        return 1.0 - (0.9 if self.ghd_severity is None else self.ghd_severity)

    @property
    def bmi(self) -> float:
        """Body-mass index [kg/m²]."""
        h = self.height_m or _DEFAULT_HEIGHT_M[self.sex]
        return self.weight_kg / h**2

    def covariates(self) -> Covariates:
        """The plain-number covariates the model reads."""
        return Covariates(
            age_y=self.age_y,
            female=self.sex == "female",
            weight_kg=self.weight_kg,
            bmi=self.bmi,
            pit_capacity=self._ghd_reserve("pituitary"),
            ghrh_function=self._ghd_reserve("hypothalamic"),
            ghr_function=0.0 if self.condition == "laron" else 1.0,
            acromegaly_mean_gh_ng_ml=(
                (self.acromegaly_mean_gh_ng_ml or 10.0) if self.condition == "acromegaly" else 0.0
            ),
            estrogen_therapy=float(self.estrogen != "none"),
            oral_estrogen=float(self.estrogen == "oral"),
            personal=dict(self.personal),
        )


def _check_personal(value: Any) -> dict[str, float]:
    """``Person.personal``: known names, finite multipliers inside each prior's range."""
    valid = ", ".join(PERSONAL_PARAMETERS)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(
            f"`personal` must be a mapping of name -> multiplier; got {short_repr(value)} "
            f"({type(value).__name__}). Valid names: {valid}."
        )
    out = {}
    for name, m in value.items():
        if name not in PERSONAL_PARAMETERS:
            raise ValueError(
                f"`personal.{name}` is not a personal parameter; got {short_repr(name)}. "
                f"Valid names: {valid}."
            )
        prior = PERSONAL_PARAMETERS[name]
        if isinstance(m, bool) or not isinstance(m, (int, float)):
            raise ValueError(
                f"`personal.{name}` must be a number (a multiplier, median "
                f"{prior.median:g}); got {short_repr(m)} ({type(m).__name__})."
            )
        m = float(m)
        if not math.isfinite(m) or m <= 0.0:
            raise ValueError(
                f"`personal.{name}` must be a finite multiplier > 0 (median {prior.median:g}); "
                f"got {short_repr(m)}. Leave it out for the population median."
            )
        if not prior.lower <= m <= prior.upper:
            raise ValueError(
                f"`personal.{name}` must lie within [{prior.lower:g}, {prior.upper:g}] "
                f"(prior median {prior.median:g}, log SD {prior.log_sd:g}); got {m:g}."
            )
        out[name] = m
    return out
