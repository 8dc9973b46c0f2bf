"""Trajectory: the immutable result of one simulation, with units as metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

import numpy as np

__all__ = ["Trajectory"]

#: units of quantities that cannot be negative (concentrations, amounts, secretion rates)
NON_NEGATIVE_UNITS: Final = frozenset(
    {"ng/mL", "pg/mL", "ug/L", "nmol/L", "ng/mL/h", "ug", "mg", "g/kg/d"}
)
#: round-off below zero that is set to zero: relative to the variable's largest magnitude,
#: plus an absolute floor [-]
_ROUND_OFF_REL: Final = 1e-6
_ROUND_OFF_ABS: Final = 1e-9


def _clip_round_off(values: np.ndarray) -> np.ndarray:
    """``values`` with tiny negative round-off (|v| <= 1e-6 max|v| + 1e-9) set to 0.

    The solver's error control lets a concentration that decays to zero undershoot by a
    few ulps of the tolerance (-2.5e-12 to -4.8e-10 ng/mL were seen); larger negative
    values are left as they are, so that a real sign error stays visible.
    """
    v = np.asarray(values)
    if v.size == 0 or not np.issubdtype(v.dtype, np.floating) or not np.any(v < 0.0):
        return v
    scale = float(np.max(np.abs(v[np.isfinite(v)]), initial=0.0))
    tol = _ROUND_OFF_REL * scale + _ROUND_OFF_ABS
    return np.where((v < 0.0) & (v >= -tol), 0.0, v)


@dataclass(frozen=True)
class Trajectory:
    """Time series of one simulated person.

    Attributes
    ----------
    times_h
        Output times [h]; t = 0 is midnight at the start of day 1.
    variables
        Observable and state name -> values at ``times_h``.
    units
        Variable name -> unit string (like xarray ``attrs["units"]``). Variables in a
        non-negative unit (concentrations, amounts) have round-off below zero (down to
        -1e-6 of their largest value) set to 0 when the trajectory is built.
    bursts_h
        Onsets of the endogenous GHRH bursts that drove this run [h].
    metadata
        Reproducibility record: igfaxis version, person, protocol, seed, parameter hash,
        solver settings, solver status.
    """

    times_h: np.ndarray
    variables: dict[str, np.ndarray]
    units: dict[str, str]
    bursts_h: np.ndarray
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Output, not state: the solver integrates what it integrates; what users read
        # never shows a concentration of -1e-10 ng/mL (issue 16, item 4).
        variables = {
            k: _clip_round_off(v) if self.units.get(k) in NON_NEGATIVE_UNITS else v
            for k, v in self.variables.items()
        }
        object.__setattr__(self, "variables", variables)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.variables[name]
        except KeyError:
            raise KeyError(
                f"no variable {name!r} in this trajectory; available: "
                f"{', '.join(sorted(self.variables))}"
            ) from None

    @property
    def resolution(self) -> str:
        """``"pulse"`` (samples of the pulse-resolved model) or ``"day"`` (each sample at
        ``24 d`` is the mean over ``[24 d, 24 d + 24)`` h: ``simulate(..., resolution="day")``)."""
        return str(self.metadata.get("resolution", "pulse"))

    @property
    def days(self) -> float:
        """Horizon [days]."""
        if self.resolution == "day":  # the last sample is the mean of the last whole day
            return float(self.times_h[-1] / 24.0 + 1.0) if self.times_h.size else 0.0
        return float(self.times_h[-1] / 24.0)

    def window(self, start_h: float, end_h: float) -> np.ndarray:
        """Boolean mask of output times in [start_h, end_h]."""
        return (self.times_h >= start_h - 1e-9) & (self.times_h <= end_h + 1e-9)

    def mean(self, name: str, start_h: float, end_h: float) -> float:
        """Time-average of a variable over [start_h, end_h] (trapezoidal; at day resolution
        the mean of the days that begin in [start_h, end_h))."""
        if self.resolution == "day":
            days = (self.times_h >= start_h - 1e-9) & (self.times_h < end_h - 1e-9)
            if not days.any():
                raise ValueError(f"no whole day begins in [{start_h:g}, {end_h:g}) h: a "
                                 "day-resolution trajectory holds one mean per day")  # fmt: skip
            return float(np.mean(self[name][days]))
        m = self.window(start_h, end_h)
        t, y = self.times_h[m], self[name][m]
        return float(np.trapezoid(y, t) / (t[-1] - t[0]))

    def auc(self, name: str, start_h: float, end_h: float) -> float:
        """Integral of a variable over [start_h, end_h] [unit x h]."""
        m = self.window(start_h, end_h)
        return float(np.trapezoid(self[name][m], self.times_h[m]))

    def at(self, name: str, t_h: float) -> float:
        """Value of a variable at time ``t_h`` (linear interpolation)."""
        return float(np.interp(t_h, self.times_h, self[name]))

    def daily_mean(self, name: str) -> np.ndarray:
        """Mean of a variable over each whole day of the horizon."""
        if self.resolution == "day":
            return np.array(self[name], dtype=float)
        n = int(np.floor(self.days + 1e-9))
        return np.array([self.mean(name, 24.0 * d, 24.0 * (d + 1)) for d in range(n)])

    def pulsatility(self, start_h: float | None = None, end_h: float | None = None,
                    **options: Any) -> dict[str, Any]:
        """GH pulsatility over a window: burst frequency, ApEn, basal secretion, burst mass.

        Same as :func:`igfaxis.simulate.pulsatility` (its keyword options pass through).
        """
        from igfaxis.simulate._pulsatility import pulsatility

        return pulsatility(self, start_h, end_h, **options)

    def to_dataframe(self) -> pd.DataFrame:
        """A DataFrame with ``time_h`` and one column per variable; units in ``attrs``."""
        import pandas as pd  # imported on use: `import igfaxis` stays light

        df = pd.DataFrame({"time_h": self.times_h, **self.variables})
        df.attrs["units"] = {"time_h": "h", **self.units}
        df.attrs["metadata"] = self.metadata
        return df
