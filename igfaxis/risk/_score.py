"""Score an IGF-1 history over time: time in band, mean SDS, and expected hazard ratios.

Pure functions over arrays (:func:`score_series`) and an adapter for a simulated
:class:`~igfaxis.simulate.Trajectory` (:func:`score_risk`), so that two protocols can be
compared by the HRs their IGF-1 patterns imply (research/risk.md 7.1, 7.7):

- **SDS and absolute curves** (mortality, cardiovascular, fracture, dementia, diabetes,
  frailty): the time-weighted mean of ``HR(x(t))`` over the scored window, i.e. the ratio of
  cumulative hazards over that window; the SDS uses the age at each time.
- **Cancer sites**: the HR at the time-weighted mean IGF-1 over a lagged window (default 10
  to 2 years before the end), because Knuppel's dilution-corrected HRs describe usual
  long-term levels. A history shorter than the window is used whole, with a note.
- **Sanders trajectory modifiers** (opt-in): percent change per year of a log-linear trend
  and the variability around it (coefficient of variation [%]), each mapped to an HR that
  multiplies the mortality HR. They need at least three values spanning a year.

Model predictions and published associations; not medical advice.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from igfaxis.errors import ProtocolError
from igfaxis.risk._assess import DISCLAIMER, TARGET_BAND_NG_ML, _caveats
from igfaxis.risk._band import time_in_band
from igfaxis.risk._hazards import AbstractHazardCurve, LogLinearHazard, Use
from igfaxis.risk._ratios import (
    DEFAULT_DRAWS,
    DEFAULT_USES,
    HazardRatio,
    hazard_ratio,
    select_curves as _select,
)
from igfaxis.risk._reference import centile_value, sds_array
from igfaxis.risk._tables import ReferenceTable, _normalise_sex, _resolve

if TYPE_CHECKING:
    from igfaxis.simulate import Trajectory

__all__ = ["TrajectoryScore", "score_risk", "score_series"]

H_PER_YEAR: Final = 24.0 * 365.25
#: default lag window of the cancer sites: from 10 to 2 years before the end [h]
CANCER_LAG_H: Final = (10.0 * H_PER_YEAR, 2.0 * H_PER_YEAR)
#: values per curve evaluation; longer histories are binned (weighted) to this many
_MAX_POINTS: Final = 256
_IGF1: Final = "igf1_total_ng_ml"


@dataclass(frozen=True)
class TrajectoryScore:
    """What an IGF-1 history implies, over the scored window.

    Attributes
    ----------
    span_h
        Length of the scored window [h].
    mean_igf1_ng_ml, min_igf1_ng_ml, max_igf1_ng_ml
        Time-weighted mean, minimum and maximum total IGF-1 [ng/mL].
    band_ng_ml
        The absolute band [ng/mL].
    time_in_band_fraction, time_below_band_fraction, time_above_band_fraction
        Share of the window in, below and above the band [-]
        (:func:`~igfaxis.risk.time_in_band`: linear between samples).
    mean_sds, min_sds, max_sds
        Time-weighted mean, minimum and maximum age/sex SDS [-].
    cancer_mean_igf1_ng_ml
        Time-weighted mean IGF-1 over the cancer lag window [ng/mL].
    cancer_window_h
        The window actually used for it, in the history's time [h].
    trend_pct_per_y, variability_pct
        Sanders features (only with ``trajectory_modifiers``; else ``None``) [%/y], [%].
    hazard_ratios
        HR (or OR) with 95% interval per curve.
    notes
        Caveats of this score.
    """

    span_h: float
    mean_igf1_ng_ml: float
    min_igf1_ng_ml: float
    max_igf1_ng_ml: float
    band_ng_ml: tuple[float, float]
    time_in_band_fraction: float
    time_below_band_fraction: float
    time_above_band_fraction: float
    mean_sds: float
    min_sds: float
    max_sds: float
    cancer_mean_igf1_ng_ml: float
    cancer_window_h: tuple[float, float]
    trend_pct_per_y: float | None
    variability_pct: float | None
    hazard_ratios: tuple[HazardRatio, ...]
    notes: tuple[str, ...]

    def hr(self, curve_id: str) -> HazardRatio:
        """The hazard ratio of one curve (``KeyError`` if it was not scored)."""
        for r in self.hazard_ratios:
            if r.curve_id == curve_id:
                return r
        raise KeyError(
            f"curve {curve_id!r} was not scored; scored: "
            f"{', '.join(r.curve_id for r in self.hazard_ratios)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible mapping of every field."""
        out = asdict(self)
        out["band_ng_ml"] = list(self.band_ng_ml)
        out["cancer_window_h"] = list(self.cancer_window_h)
        out["hazard_ratios"] = [r.to_dict() for r in self.hazard_ratios]
        out["notes"] = list(self.notes)
        return out


# --------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------


def time_weights(times_h: NDArray[np.float64]) -> NDArray[np.float64]:
    """Trapezoid weights of samples at ``times_h`` [h]; all 1 for a single sample."""
    if times_h.size == 1:
        return np.ones(1)
    dt = np.diff(times_h)
    return np.concatenate([[0.0], dt]) / 2.0 + np.concatenate([dt, [0.0]]) / 2.0


def _compress(x: NDArray[np.float64], w: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """Bin many weighted values into at most ``_MAX_POINTS`` (weighted bin means)."""
    if x.size <= _MAX_POINTS or float(x.max() - x.min()) == 0.0:
        return x, w
    edges = np.linspace(float(x.min()), float(x.max()), _MAX_POINTS + 1)
    k = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, _MAX_POINTS - 1)
    ws = np.bincount(k, weights=w, minlength=_MAX_POINTS)
    xs = np.bincount(k, weights=w * x, minlength=_MAX_POINTS)
    keep = ws > 0.0
    return xs[keep] / ws[keep], ws[keep]


def trend_and_variability(times_h: ArrayLike, values: ArrayLike) -> tuple[float, float]:
    """Sanders features: log-linear trend [% per year] and variability around it [%].

    The trend is ``100 (exp(slope) - 1)`` of a least-squares line of ``ln IGF-1`` on time in
    years; the variability is ``100 x`` the residual standard deviation of ``ln IGF-1``
    (about the coefficient of variation).

    Raises
    ------
    ProtocolError
        Fewer than three values, or a span under one year.
    """
    t = np.asarray(times_h, dtype=np.float64) / H_PER_YEAR
    y = np.log(np.asarray(values, dtype=np.float64))
    if t.size < 3 or float(t.max() - t.min()) < 1.0 - 1e-9:
        raise ProtocolError(
            f"the Sanders trajectory modifiers need at least 3 IGF-1 values spanning a year "
            f"or more; got {t.size} value(s) over {float(t.max() - t.min()):.2f} y. Score "
            f"without `trajectory_modifiers`, or give a longer history."
        )
    slope, intercept = np.polyfit(t, y, 1)
    resid = y - (slope * t + intercept)
    return 100.0 * math.expm1(float(slope)), 100.0 * float(np.sqrt(np.mean(resid**2)))


def _cancer_window(t: NDArray[np.float64], lag_h: tuple[float, float]) -> tuple[float, float]:
    start, end = float(t[0]), float(t[-1])
    lo, hi = end - lag_h[0], end - lag_h[1]
    if hi <= start:  # the history ends before the window opens: use all of it
        return start, end
    return max(lo, start), hi


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


def _validate(times_h: ArrayLike, values: ArrayLike) -> tuple[NDArray, NDArray]:
    t = np.asarray(times_h, dtype=np.float64).ravel()
    v = np.asarray(values, dtype=np.float64).ravel()
    if t.size == 0 or t.size != v.size:
        raise ProtocolError(
            f"`times_h` and `igf1_ng_ml` must be non-empty and of equal length; got "
            f"{t.size} and {v.size}. Pass one time per IGF-1 value."
        )
    if not (np.all(np.isfinite(t)) and np.all(np.diff(t) > 0.0)):
        raise ProtocolError(
            "`times_h` must be finite and strictly increasing [h]; sort the "
            "values by time and drop duplicates."
        )
    if not (np.all(np.isfinite(v)) and np.all(v > 0.0)):
        raise ProtocolError(
            f"`igf1_ng_ml` must be finite and > 0 ng/mL; got {v[~(v > 0.0)][:3].tolist()}."
        )
    return t, v


def score_series(
    times_h: ArrayLike,
    igf1_ng_ml: ArrayLike,
    age_y: float,
    sex: str,
    *,
    menopausal: bool | None = None,
    reference: ReferenceTable | str | None = None,
    band: tuple[float, float] = TARGET_BAND_NG_ML,
    cancer_lag_h: tuple[float, float] = CANCER_LAG_H,
    trajectory_modifiers: bool = False,
    trend_values: tuple[ArrayLike, ArrayLike] | None = None,
    uses: Iterable[Use] = DEFAULT_USES,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> TrajectoryScore:
    """Score an IGF-1 history given as arrays.

    Parameters
    ----------
    times_h
        Times of the values [h], strictly increasing; ``age_y`` is the age at ``times_h = 0``.
    igf1_ng_ml
        Total IGF-1 at those times [ng/mL].
    age_y
        Age at time 0 [y]; the SDS at time ``t`` uses ``age_y + t / 8766``.
    sex
        ``"male"`` or ``"female"``.

    Other Parameters
    ----------------
    menopausal
        Breast cancer curve: ``True`` post-, ``False`` pre-, ``None`` unknown (pooled).
    reference
        Reference table for the SDS (default LIFE), a packaged name or a table.
    band
        Absolute band [ng/mL].
    cancer_lag_h
        Cancer lag window, (from, to) before the end [h]; default 10 to 2 years.
    trajectory_modifiers
        Add the Sanders 2018 slope and variability modifiers (opt-in).
    trend_values
        ``(times_h, igf1_ng_ml)`` to compute the Sanders features from, e.g. daily means of
        a dense simulation; default: the values themselves.
    uses
        Curve uses to score (default: predict, sensitivity, alternative-view).
    n_draws, seed
        Monte Carlo draws and seed of the intervals.

    Returns
    -------
    TrajectoryScore
    """
    t, v = _validate(times_h, igf1_ng_ml)
    sex_ = _normalise_sex(sex)
    w = time_weights(t)
    z = sds_array(v, age_y + t / H_PER_YEAR, sex_, reference=reference)
    in_band = time_in_band(t, v, band)
    age_end = float(age_y + t[-1] / H_PER_YEAR)
    window = _cancer_window(t, cancer_lag_h)
    in_window = (t >= window[0] - 1e-9) & (t <= window[1] + 1e-9)
    t_c, v_c = t[in_window], v[in_window]
    cancer_mean = float(np.sum(time_weights(t_c) * v_c) / np.sum(time_weights(t_c)))
    notes: list[str] = []
    if window[0] > t[0] + 1e-9 or window[1] < t[-1] - 1e-9:
        notes.append(
            f"Cancer HRs use the mean IGF-1 from {window[0] / H_PER_YEAR:.1f} to "
            f"{window[1] / H_PER_YEAR:.1f} y of the history (lagged usual level)."
        )
    else:
        notes.append(
            "Cancer HRs use the mean IGF-1 of the whole history: it is shorter than "
            "the 10-to-2-year lag window, so this assumes the pattern is kept "
            "long-term (the published HRs describe usual long-term levels)."
        )
    notes += [n for n in _caveats(sex_, age_end, _resolve("igf1", reference)) if n != DISCLAIMER]
    uses_ = tuple(uses) + (("opt-in",) if trajectory_modifiers else ())
    curves = _select(sex_, menopausal=menopausal, uses=uses_)
    zc, wz = _compress(z, w)
    xc, wx = _compress(v, w)
    trend = variability = None
    if trajectory_modifiers:
        tt, tv = trend_values if trend_values is not None else (t, v)
        trend, variability = trend_and_variability(tt, tv)
    median_end = centile_value(0.0, min(age_end, 120.0), sex_, reference=reference)
    ratios = []
    for c in curves:
        ratios.append(
            _score_curve(
                c, zc, wz, xc, wx, cancer_mean, median_end, trend, variability, n_draws, seed
            )
        )
    return TrajectoryScore(
        span_h=float(t[-1] - t[0]),
        mean_igf1_ng_ml=float(np.sum(w * v) / w.sum()),
        min_igf1_ng_ml=float(v.min()),
        max_igf1_ng_ml=float(v.max()),
        band_ng_ml=(float(band[0]), float(band[1])),
        time_in_band_fraction=in_band.in_band_fraction,
        time_below_band_fraction=in_band.below_fraction,
        time_above_band_fraction=in_band.above_fraction,
        mean_sds=float(np.sum(w * z) / w.sum()),
        min_sds=float(z.min()),
        max_sds=float(z.max()),
        cancer_mean_igf1_ng_ml=cancer_mean,
        cancer_window_h=window,
        trend_pct_per_y=trend,
        variability_pct=variability,
        hazard_ratios=tuple(ratios),
        notes=tuple(notes),
    )


def _score_curve(
    c: AbstractHazardCurve,
    zc: NDArray[np.float64],
    wz: NDArray[np.float64],
    xc: NDArray[np.float64],
    wx: NDArray[np.float64],
    cancer_mean: float,
    median: float,
    trend: float | None,
    variability: float | None,
    n: int,
    seed: int,
) -> HazardRatio:
    """One curve's HR: lagged mean for cancer, time-weighted mean HR otherwise."""
    if isinstance(c, LogLinearHazard):
        return hazard_ratio(c.with_reference(median), cancer_mean, n_draws=n, seed=seed)
    if c.scale == "sds":
        return hazard_ratio(c, zc, weights=wz, n_draws=n, seed=seed)
    if c.scale == "ng_ml":
        return hazard_ratio(c, xc, weights=wx, n_draws=n, seed=seed)
    feature = trend if c.info.id == "trajectory_slope" else variability
    if feature is None:
        raise ProtocolError(
            f"curve {c.info.id!r} needs the trajectory features. This is a "
            "bug in igfaxis; please report it."
        )
    return hazard_ratio(c, feature, n_draws=n, seed=seed)


def score_risk(
    traj: Trajectory,
    *,
    menopausal: bool | None = None,
    reference: ReferenceTable | str | None = None,
    trajectory_modifiers: bool = False,
    uses: Iterable[Use] = DEFAULT_USES,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> TrajectoryScore:
    """Score a simulated trajectory: time in band, mean SDS and expected HRs.

    Parameters
    ----------
    traj
        A :class:`~igfaxis.simulate.Trajectory`; the person (age, sex) is read from
        ``traj.metadata["person"]`` and IGF-1 from ``traj["igf1_total_ng_ml"]``.

    Other Parameters
    ----------------
    menopausal, reference, trajectory_modifiers, uses, n_draws, seed
        As in :func:`score_series`; the Sanders features use daily means.

    Returns
    -------
    TrajectoryScore
        Over the whole simulated horizon.

    Raises
    ------
    ProtocolError
        The trajectory has no person metadata or no IGF-1.
    """
    person = traj.metadata.get("person")
    if not isinstance(person, dict) or "age_y" not in person or "sex" not in person:
        raise ProtocolError(
            "`traj.metadata['person']` must hold `age_y` and `sex`; simulate "
            "with igfaxis.simulate, which records them."
        )
    daily = traj.daily_mean(_IGF1)
    trend = ((np.arange(daily.size) + 0.5) * 24.0, daily) if daily.size else None
    return score_series(
        traj.times_h,
        traj[_IGF1],
        float(person["age_y"]),
        str(person["sex"]),
        menopausal=menopausal,
        reference=reference,
        trajectory_modifiers=trajectory_modifiers,
        trend_values=trend,
        uses=uses,
        n_draws=n_draws,
        seed=seed,
    )
