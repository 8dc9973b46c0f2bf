"""The person being simulated, validated once at the boundary."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from igfaxis._messages import short_repr
from igfaxis.model import Covariates
from igfaxis.protocol._errors import InputModel

__all__ = ["Person"]

_DEFAULT_HEIGHT_M = {"male": 1.78, "female": 1.65}


class Person(InputModel):
    """A person: age, sex, body size and an optional GH-axis condition.

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
        description="GH deficiency only: lost share of pituitary GH secretory capacity [-] "
        "(default 0.9).",
    )
    acromegaly_mean_gh_ng_ml: float | None = Field(
        None, gt=0.0, le=200.0,
        description="Acromegaly only: mean 24-h GH held by the adenoma [ng/mL] (default 10).",
    )

    @model_validator(mode="after")
    def _condition_fields(self) -> Person:
        if self.ghd_severity is not None and self.condition != "gh_deficiency":
            raise ValueError(
                f"`ghd_severity` applies only to condition 'gh_deficiency'; got condition "
                f"{short_repr(self.condition)}. Set `condition: gh_deficiency` or remove "
                "`ghd_severity`."
            )
        if self.acromegaly_mean_gh_ng_ml is not None and self.condition != "acromegaly":
            raise ValueError(
                f"`acromegaly_mean_gh_ng_ml` applies only to condition 'acromegaly'; got "
                f"condition {short_repr(self.condition)}. Set `condition: acromegaly` or "
                "remove the field."
            )
        return self

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
            pit_capacity=(
                1.0 - (0.9 if self.ghd_severity is None else self.ghd_severity)
                if self.condition == "gh_deficiency"
                else 1.0
            ),
            ghr_function=0.0 if self.condition == "laron" else 1.0,
            acromegaly_mean_gh_ng_ml=(
                (self.acromegaly_mean_gh_ng_ml or 10.0) if self.condition == "acromegaly" else 0.0
            ),
        )
