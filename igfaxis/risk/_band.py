"""Time in band: the one definition of how long an IGF-1 history spends in, below and above a
band (default the meta-analytic 120-160 ng/mL, :data:`~igfaxis.risk.TARGET_BAND_NG_ML`).

The history is read as the straight line between consecutive samples (what the plots draw and
what the trapezoid means use), and the time that line spends below, inside and above the band
is measured exactly, crossing by crossing. The band is closed: a value equal to its low or
high end is in band.

An earlier definition weighted each *sample* by its trapezoid cell and counted the whole cell
in the sample's zone. That misplaces up to half a sampling step at every crossing and depends
on where the samples fall (a ramp from 100 to 200 ng/mL over 10 h spends 4 h in 120-160;
sampled hourly it scored 5 h); see CHANGELOG.md, Numerical changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.risk._assess import TARGET_BAND_NG_ML

__all__ = ["BandTime", "time_in_band"]


@dataclass(frozen=True)
class BandTime:
    """How long a history spends below, in and above a band.

    Attributes
    ----------
    band_ng_ml
        The band, closed at both ends [ng/mL].
    below_h, in_band_h, above_h
        Time below, inside and above the band [h]; they add up to ``span_h``.
    span_h
        From the first to the last sample [h].
    below_fraction, in_band_fraction, above_fraction
        The same as shares of ``span_h`` [-]; a single sample (``span_h`` 0) counts whole in
        its own zone.
    """

    band_ng_ml: tuple[float, float]
    below_h: float
    in_band_h: float
    above_h: float
    span_h: float
    below_fraction: float
    in_band_fraction: float
    above_fraction: float


def _share_below(v0: NDArray, v1: NDArray, level: float) -> NDArray:
    """Share of each segment from ``v0`` to ``v1`` (linear) that lies strictly below ``level``."""
    dv = v1 - v0
    flat = dv == 0.0
    cross = np.clip((level - v0) / np.where(flat, 1.0, dv), 0.0, 1.0)
    rising = np.where(dv > 0.0, cross, 1.0 - cross)
    return np.where(flat, (v0 < level).astype(np.float64), rising)


def time_in_band(
    times_h: ArrayLike, values: ArrayLike, band: tuple[float, float] = TARGET_BAND_NG_ML
) -> BandTime:
    """Time a sampled history spends below, in and above ``band``, linear between samples.

    Parameters
    ----------
    times_h
        Sample times [h], non-decreasing (a repeated time, as at a segment boundary, adds no
        time).
    values
        The values at those times, in the band's unit (total IGF-1 [ng/mL] by default).
    band
        ``(low, high)``, closed at both ends; default 120-160 ng/mL.

    Returns
    -------
    BandTime

    Raises
    ------
    ProtocolError
        Empty or unequal inputs, times that go backwards, non-finite values, or a band with
        ``low > high``.

    Examples
    --------
    A ramp from 100 to 200 ng/mL over 10 h is in 120-160 ng/mL from hour 2 to hour 6:

    >>> bt = time_in_band([0.0, 10.0], [100.0, 200.0])
    >>> round(bt.in_band_h, 9), round(bt.below_h, 9), round(bt.above_h, 9)
    (4.0, 2.0, 4.0)
    """
    t = np.asarray(times_h, dtype=np.float64).ravel()
    v = np.asarray(values, dtype=np.float64).ravel()
    low, high = float(band[0]), float(band[1])
    if t.size == 0 or t.size != v.size:
        raise ProtocolError(
            f"`times_h` and `values` must be non-empty and of equal length; got {t.size} and "
            f"{v.size}. Pass one time per value."
        )
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v)) and np.all(np.diff(t) >= 0.0)):
        raise ProtocolError(
            "`times_h` must be finite and non-decreasing [h] and `values` finite; sort the "
            "samples by time and drop missing values."
        )
    if not low <= high:
        raise ProtocolError(f"`band` must be (low, high) with low <= high; got {short_repr(band)}.")
    if t.size == 1:
        zone = np.array([v[0] < low, low <= v[0] <= high, v[0] > high], dtype=np.float64)
        return BandTime((low, high), 0.0, 0.0, 0.0, 0.0, *map(float, zone))
    dt = np.diff(t)
    v0, v1 = v[:-1], v[1:]
    below = float(np.sum(dt * _share_below(v0, v1, low)))
    above = float(np.sum(dt * _share_below(-v0, -v1, -high)))  # above high = below -high
    span = float(t[-1] - t[0])
    inside = max(span - below - above, 0.0)
    if span == 0.0:  # all samples at one time: the first one's zone, as for one sample
        return time_in_band(t[:1], v[:1], band)
    return BandTime(
        band_ng_ml=(low, high),
        below_h=below,
        in_band_h=inside,
        above_h=above,
        span_h=span,
        below_fraction=below / span,
        in_band_fraction=inside / span,
        above_fraction=above / span,
    )
