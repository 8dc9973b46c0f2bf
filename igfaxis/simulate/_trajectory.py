"""Trajectory: the immutable result of one simulation, with units as metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Trajectory"]


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
        Variable name -> unit string (like xarray ``attrs["units"]``).
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

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.variables[name]
        except KeyError:
            raise KeyError(
                f"no variable {name!r} in this trajectory; available: "
                f"{', '.join(sorted(self.variables))}"
            ) from None

    @property
    def days(self) -> float:
        """Horizon [days]."""
        return float(self.times_h[-1] / 24.0)

    def window(self, start_h: float, end_h: float) -> np.ndarray:
        """Boolean mask of output times in [start_h, end_h]."""
        return (self.times_h >= start_h - 1e-9) & (self.times_h <= end_h + 1e-9)

    def mean(self, name: str, start_h: float, end_h: float) -> float:
        """Time-average of a variable over [start_h, end_h] (trapezoidal)."""
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
        df = pd.DataFrame({"time_h": self.times_h, **self.variables})
        df.attrs["units"] = {"time_h": "h", **self.units}
        df.attrs["metadata"] = self.metadata
        return df
