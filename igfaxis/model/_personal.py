"""Personal parameters: the few between-person multipliers that calibration fits.

Each row of ``igfaxis/data/personal_parameters.csv`` is one multiplier on one
:class:`~igfaxis.model.Params` field (``parameter``; ``coupled`` fields are multiplied by the
same factor) with a log-normal population prior: ``log(m) ~ Normal(log(median), log_sd)``.
The medians are 1, so a person without personal values is the average person of their age,
sex and body size. The spreads come from published between-subject variability (the
``source`` column; their derivation is in docs/labs.md, "Personal parameters").

:data:`PERSONAL_PARAMETERS` is the immutable in-memory form (STYLE A8, A9); a test holds it
to the table.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

__all__ = ["PERSONAL_PARAMETERS", "PersonalPrior"]


@dataclass(frozen=True)
class PersonalPrior:
    """The population prior of one personal multiplier (a row of the table).

    Attributes
    ----------
    name
        The key in ``Person.personal``.
    parameter
        The :class:`~igfaxis.model.Params` field that the multiplier multiplies.
    coupled
        Further fields multiplied by the same factor (e.g. ALS with IGFBP-3 synthesis).
    median, log_sd
        Log-normal prior: ``log(m) ~ Normal(log(median), log_sd)``.
    lower, upper
        The accepted range of a multiplier (input validation, not part of the prior).
    unit
        Unit of the multiplier (``"1"``: dimensionless).
    doc, source
        What it means; where its spread comes from.
    """

    name: str
    parameter: str
    coupled: tuple[str, ...]
    median: float
    log_sd: float
    lower: float
    upper: float
    unit: str
    doc: str
    source: str

    @property
    def fields(self) -> tuple[str, ...]:
        """Every Params field the multiplier multiplies: ``parameter`` then ``coupled``."""
        return (self.parameter, *self.coupled)

    def quantile(self, q: float) -> float:
        """The prior's ``q`` quantile (0 < q < 1)."""
        from statistics import NormalDist

        return self.median * math.exp(self.log_sd * NormalDist().inv_cdf(q))


def _load(filename: str) -> MappingProxyType[str, PersonalPrior]:
    text = resources.files("igfaxis.data").joinpath(filename).read_text("utf-8")
    rows = {}
    for r in csv.DictReader(io.StringIO(text)):
        prior = PersonalPrior(
            name=r["name"],
            parameter=r["parameter"],
            coupled=tuple(r["coupled"].split()),
            median=float(r["median"]),
            log_sd=float(r["log_sd"]),
            lower=float(r["lower"]),
            upper=float(r["upper"]),
            unit=r["unit"],
            doc=r["doc"],
            source=r["source"],
        )
        rows[prior.name] = prior
    return MappingProxyType(rows)


#: name -> prior, from ``igfaxis/data/personal_parameters.csv``
PERSONAL_PARAMETERS: MappingProxyType[str, PersonalPrior] = _load("personal_parameters.csv")
