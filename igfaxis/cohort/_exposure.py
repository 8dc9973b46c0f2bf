"""Between-person drug exposure: one log-normal dose multiplier per person and drug.

The model's drug parameters (bioavailability, clearance, volume) are one set for everyone;
in a trial, persons given the same dose reach different concentrations. The cohort layer
carries that spread as a per-person multiplier of every dose of a drug (the *exposure*,
standing for bioavailability x 1 / clearance), ``log(m) ~ Normal(0, log_sd)`` clipped to
+/- 3 SD, median 1. Each protocol a person runs has its doses scaled by their multiplier
(:func:`scale_protocol`; at day resolution the node tables are computed at scaled doses
and read by interpolation in log multiplier, :mod:`igfaxis.cohort._grid`); a drug not in
:data:`EXPOSURE` keeps multiplier 1 (no spread).

Where the log SDs come from (facts rows of /work/shared/validation/facts.csv):

- **pegvisomant** 0.31: the steady-state serum concentration at 15 mg/day in acromegaly is
  16000 +/- 2200 ng/mL (SEM; Somavert label, DRG-082); with the 26 patients of the 15 mg
  arm of Trainer 2000 [n recalled, UNVERIFIED] the SD is 2200 x sqrt(26) = 11200 ng/mL,
  a CV of 70%, log SD sqrt(ln(1 + 0.70^2)) = 0.63. Steady-state concentration rises with
  dose to the power 2.0 (6600 -> 27000 ng/mL from 10 to 20 mg: ln 4.09 / ln 2 = 2.03, the
  saturable clearance), so a dose multiplier with log SD 0.63 / 2.03 = 0.31 gives that
  concentration spread.
- **tesamorelin** 0.32: volume of distribution 9.4 +/- 3.1 L/kg in healthy adults (US label,
  DRG-029), CV 33%, log SD sqrt(ln(1 + 0.33^2)) = 0.32; the label gives no spread of
  clearance or bioavailability, so this is the volume's spread standing in for exposure
  [design; a lower bound if clearance varies independently].
- **somatropin** 0.35: AUC of GH after 4 IU/m^2 SC, 134 +/- 48 ng.h/mL in 12 healthy
  volunteers (PHY-063; the +/- read as SD [UNVERIFIED]), CV 36%, log SD 0.35.

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from igfaxis.model.drugs import resolve
from igfaxis.protocol import Protocol

__all__ = ["EXPOSURE", "EXPOSURE_COLUMNS", "exposure_column", "scale_protocol"]


def _log_sd(cv: float) -> float:
    return math.sqrt(math.log1p(cv * cv))


#: log SD of each drug's between-person dose multiplier (module docstring)
EXPOSURE: Mapping[str, float] = MappingProxyType({
    "pegvisomant": round(_log_sd(2200.0 * math.sqrt(26.0) / 16000.0) / 2.03, 3),
    "tesamorelin": round(_log_sd(3.1 / 9.4), 3),
    "somatropin": round(_log_sd(48.0 / 134.0), 3),
})  # fmt: skip

#: clip of the multipliers' z-scores
Z_CLIP = 3.0


def exposure_column(drug: str) -> str:
    """The population column of a drug's multiplier, e.g. ``exposure_pegvisomant``."""
    return f"exposure_{drug}"


#: population columns holding the multipliers, one per drug of :data:`EXPOSURE`
EXPOSURE_COLUMNS = tuple(exposure_column(d) for d in EXPOSURE)


def draw_exposure(n: int, seed: int) -> dict[str, np.ndarray]:
    """The multipliers of ``n`` persons, from a stream of their own (seeded by ``seed``), so
    the other columns of a population do not depend on whether exposure is drawn."""
    rng = np.random.default_rng([int(seed), 0xE0])
    return {exposure_column(d): np.exp(s * np.clip(rng.standard_normal(n), -Z_CLIP, Z_CLIP))
            for d, s in EXPOSURE.items()}  # fmt: skip


def multipliers(row: Any) -> dict[str, float]:
    """A person's multipliers by drug (1 where the row has no column)."""
    return {d: float(getattr(row, exposure_column(d), 1.0)) for d in EXPOSURE}


def scale_protocol(protocol: Protocol, factors: Mapping[str, float]) -> Protocol:
    """``protocol`` with each dose of a drug in ``factors`` multiplied by its factor (the
    protocol itself when no dose changes)."""
    doses, changed = [], False
    for d in protocol.doses:
        info = resolve(d.drug)
        f = factors.get(info.name, 1.0) if info is not None else 1.0
        if f != 1.0:
            d = d.model_copy(update={"amt": d.amt * f})
            changed = True
        doses.append(d)
    return protocol.model_copy(update={"doses": tuple(doses)}) if changed else protocol


def dosed_drugs(protocol: Protocol) -> set[str]:
    """The drugs (canonical names) that ``protocol`` doses."""
    return {info.name for d in protocol.doses if (info := resolve(d.drug)) is not None}


def varies(protocol: Protocol, rows: Any) -> bool:
    """Whether any person of ``rows`` gets a scaled dose under ``protocol``."""
    drugs = dosed_drugs(protocol)
    cols = [exposure_column(x) for x in drugs if x in EXPOSURE]
    return any(c in rows.columns and bool(np.any(rows[c].to_numpy() != 1.0)) for c in cols)
