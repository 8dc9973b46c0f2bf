r"""Hazard curves of serum IGF-1: published anchors -> a curve -> HR with a Monte Carlo interval.

Every curve is defined by its published anchor estimates (HR or OR with a 95% CI) and a
functional form that passes through them exactly (research/risk.md section 7):

- :class:`QuadraticSdsHazard`: ``ln HR = a z + b z^2`` in the age/sex SDS ``z``, clipped to
  ``|z| <= z_clip``, with ``HR(0) = 1`` (all-cause mortality, cardiovascular outcomes);
- :class:`HingeHazard`: flat on an absolute ng/mL plateau, log-linear outside it (Rahmani);
- :class:`LogLinearHazard`: ``ln HR = beta (x - x_ref)`` per ng/mL, clamped to the range the
  cohort covered (cancer sites);
- :class:`PerSdBelowHazard`: ``HR = HR_1^max(0, -z)`` (fractures: only below the median);
- :class:`StepSdsHazard`: constant HR below or above percentile thresholds (dementia,
  diabetes, frailty);
- :class:`InterpolatedHazard`: ``ln HR`` linear between anchors of another variable (Sanders
  trajectory modifiers).

A curve holds its anchors' log HRs in ``anchor_log_hr`` (last axis: one entry per anchor).
The published point estimates give the point curve; :func:`draw_curves` replaces them with
Monte Carlo draws, ``ln HR_k ~ N(ln HR_k, SE_k^2)`` with ``SE_k = (ln hi - ln lo) / 3.92``,
independently per anchor (the covariances are not published), so that the curve's
parameters become arrays over draws and every function of the curve carries an interval.
Randomness is an explicit :class:`numpy.random.Generator` (STYLE B4, G12).
"""

from __future__ import annotations

import abc
import dataclasses
import math
from dataclasses import dataclass
from typing import ClassVar, Final, Literal, TypeVar, final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from igfaxis.units import IGF1_NMOL_PER_NG

__all__ = [
    "AbstractHazardCurve",
    "Anchor",
    "CurveInfo",
    "HingeHazard",
    "InterpolatedHazard",
    "LogLinearHazard",
    "PerSdBelowHazard",
    "QuadraticSdsHazard",
    "StepSdsHazard",
    "draw_curves",
]

#: two-sided 95% normal quantile: a 95% CI spans 2 x 1.959964 standard errors on the log scale
Z95: Final = float(special.ndtri(0.975))

Use = Literal["predict", "sensitivity", "alternative-view", "opt-in", "not-for-prediction"]
Scale = Literal["sds", "ng_ml", "variable"]
Array = NDArray[np.float64]


@dataclass(frozen=True)
class Anchor:
    """One published estimate a curve passes through.

    Attributes
    ----------
    at
        Where the estimate sits: a percentile [%], an IGF-1 value [ng/mL], an increment
        [nmol/L], or a value of the modifier variable, depending on the curve.
    hr, lo, hi
        Point estimate and 95% CI of the hazard (or odds) ratio [-].
    label
        The published contrast, e.g. ``"10th vs 50th percentile"``.
    side
        Step curves only: ``"below"`` or ``"above"`` the threshold.
    """

    at: float
    hr: float
    lo: float
    hi: float
    label: str = ""
    side: Literal["below", "above"] = "below"

    @property
    def log_se(self) -> float:
        """Standard error of ``ln hr`` from the 95% CI [-]."""
        return (math.log(self.hi) - math.log(self.lo)) / (2.0 * Z95)


@dataclass(frozen=True)
class CurveInfo:
    """What a curve is about and where it comes from.

    Attributes
    ----------
    id
        Registry key, e.g. ``"mortality_meta"``.
    group, outcome
        E.g. ``"mortality"``, ``"all-cause mortality"``.
    measure
        ``"HR"`` or ``"OR"``.
    use
        How igfaxis uses it: ``predict``, ``sensitivity``, ``alternative-view``, ``opt-in``
        or ``not-for-prediction``.
    sexes
        Sexes the evidence covers.
    menopausal
        Breast cancer only: ``"pre"``, ``"post"`` or ``"any"``.
    cite
        Short citation for tables, e.g. ``"Burgers 2011"``.
    population, source, evidence, assumption
        Study population, full citation, kind of evidence, and the modelling assumptions.
    """

    id: str
    group: str
    outcome: str
    measure: str
    use: Use
    sexes: tuple[str, ...]
    menopausal: str
    cite: str
    population: str
    source: str
    evidence: str
    assumption: str


class AbstractHazardCurve(abc.ABC):
    """A hazard-ratio curve of IGF-1; concrete curves are final (STYLE A3).

    Abstract attributes (fields of every concrete curve): ``info`` (:class:`CurveInfo`),
    ``anchors`` (the published estimates, a tuple of :class:`Anchor`), ``anchor_log_hr``
    (their ``ln HR``: shape ``(k,)``, or ``(draws, 1, k)`` after :func:`draw_curves`) and the
    class constant ``scale`` (``"sds"``, ``"ng_ml"`` or ``"variable"``: what ``x`` is).
    """

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    scale: ClassVar[Scale]

    @abc.abstractmethod
    def log_hr(self, x: ArrayLike) -> Array:
        """``ln HR`` at ``x`` vs the curve's reference.

        Parameters
        ----------
        x
            Age/sex SDS [-], IGF-1 [ng/mL] or the modifier variable, as :attr:`scale` says.

        Returns
        -------
        ``ln HR`` [-]: shape of ``x`` for a point curve, ``(draws, *x.shape)`` after
        :func:`draw_curves` (for 1-d ``x``).
        """


def _z(percentile: float) -> float:
    return float(special.ndtri(percentile / 100.0))


def _anchor(curve: AbstractHazardCurve, k: int) -> Array:
    return curve.anchor_log_hr[..., k]


@final
@dataclass(frozen=True, eq=False)
class QuadraticSdsHazard(AbstractHazardCurve):
    """``ln HR = a z + b z^2`` in the age/sex SDS, through two anchors (risk.md 7.2, 7.4).

    ``a`` and ``b`` solve ``ln HR_k = a (z_k - z_0) + b (z_k^2 - z_0^2)`` exactly, with
    ``z_k`` the anchors' percentiles and ``z_0`` the reference category's, so ``HR(0) = 1``.
    ``z`` is clipped to ``[-z_clip, z_clip]``, where the data end.
    """

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    reference_percentile: float
    z_clip: float
    scale: ClassVar[Scale] = "sds"

    def coefficients(self) -> tuple[Array, Array]:
        """``(a, b)`` [1/SD, 1/SD^2]; arrays over draws after :func:`draw_curves`."""
        (z1, z2), z0 = (_z(a.at) for a in self.anchors), _z(self.reference_percentile)
        d1, d2, q1, q2 = z1 - z0, z2 - z0, z1 * z1 - z0 * z0, z2 * z2 - z0 * z0
        det = d1 * q2 - d2 * q1
        l1, l2 = _anchor(self, 0), _anchor(self, 1)
        return (l1 * q2 - l2 * q1) / det, (d1 * l2 - d2 * l1) / det

    def nadir_sds(self) -> float:
        """SDS of the lowest HR of the point curve, ``-a / 2b`` [-]."""
        a, b = self.coefficients()
        return float(-a / (2.0 * b))

    def log_hr(self, x: ArrayLike) -> Array:
        a, b = self.coefficients()
        z = np.clip(np.asarray(x, dtype=np.float64), -self.z_clip, self.z_clip)
        return a * z + b * z * z


@final
@dataclass(frozen=True, eq=False)
class HingeHazard(AbstractHazardCurve):
    """Flat on ``[low, high]`` ng/mL, log-linear below and above (risk.md 7.3).

    ``beta_lo = ln HR_low / (low - at_low)`` and ``beta_hi = ln HR_high / (at_high - high)``,
    with ``at`` the value each published category is placed at (an assumption).
    """

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    low_ng_ml: float
    high_ng_ml: float
    scale: ClassVar[Scale] = "ng_ml"

    def slopes(self) -> tuple[Array, Array]:
        """``(beta_lo, beta_hi)`` [per ng/mL]."""
        lo_anchor, hi_anchor = self.anchors
        beta_lo = _anchor(self, 0) / (self.low_ng_ml - lo_anchor.at)
        beta_hi = _anchor(self, 1) / (hi_anchor.at - self.high_ng_ml)
        return beta_lo, beta_hi

    def log_hr(self, x: ArrayLike) -> Array:
        beta_lo, beta_hi = self.slopes()
        x_ = np.asarray(x, dtype=np.float64)
        below = np.maximum(0.0, self.low_ng_ml - x_)
        above = np.maximum(0.0, x_ - self.high_ng_ml)
        return beta_lo * below + beta_hi * above


@final
@dataclass(frozen=True, eq=False)
class LogLinearHazard(AbstractHazardCurve):
    """``ln HR = beta (clip(x) - clip(x_ref))`` per ng/mL IGF-1 (risk.md 4.2, 7.5).

    ``beta = ln HR / (increment [nmol/L] x 7.649 ng/mL per nmol/L)``. Use
    :meth:`with_reference` to set ``ref_ng_ml`` (e.g. the age/sex median).
    """

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    clamp_ng_ml: tuple[float, float]
    ref_ng_ml: float = 160.0
    scale: ClassVar[Scale] = "ng_ml"

    def beta_per_ng_ml(self) -> Array:
        """Log-HR slope [per ng/mL]."""
        return _anchor(self, 0) * IGF1_NMOL_PER_NG / self.anchors[0].at

    def with_reference(self, ref_ng_ml: float) -> LogLinearHazard:
        """The same curve, relative to ``ref_ng_ml`` [ng/mL]."""
        return dataclasses.replace(self, ref_ng_ml=float(ref_ng_ml))

    def log_hr(self, x: ArrayLike) -> Array:
        lo, hi = self.clamp_ng_ml
        x_ = np.clip(np.asarray(x, dtype=np.float64), lo, hi)
        return self.beta_per_ng_ml() * (x_ - min(max(self.ref_ng_ml, lo), hi))


@final
@dataclass(frozen=True, eq=False)
class PerSdBelowHazard(AbstractHazardCurve):
    """``HR = HR_1^max(0, -z)``, z clipped at ``-z_clip``: risk below the median only (7.6)."""

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    z_clip: float
    scale: ClassVar[Scale] = "sds"

    def log_hr(self, x: ArrayLike) -> Array:
        z = np.maximum(np.asarray(x, dtype=np.float64), -self.z_clip)
        return _anchor(self, 0) * np.maximum(0.0, -z) / self.anchors[0].at


@final
@dataclass(frozen=True, eq=False)
class StepSdsHazard(AbstractHazardCurve):
    """Constant HR below (or above) percentile thresholds, 1 in between (risk.md 7.6)."""

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    scale: ClassVar[Scale] = "sds"

    def log_hr(self, x: ArrayLike) -> Array:
        z = np.asarray(x, dtype=np.float64)
        total = np.zeros(np.broadcast_shapes(z.shape, self.anchor_log_hr.shape[:-1]))
        for k, a in enumerate(self.anchors):
            hit = z < _z(a.at) if a.side == "below" else z > _z(a.at)
            total = total + np.where(hit, _anchor(self, k), 0.0)
        return total


@final
@dataclass(frozen=True, eq=False)
class InterpolatedHazard(AbstractHazardCurve):
    """``ln HR`` linear in a variable between anchors, constant beyond (Sanders 2018, 7.7)."""

    info: CurveInfo
    anchors: tuple[Anchor, ...]
    anchor_log_hr: Array
    variable: str
    scale: ClassVar[Scale] = "variable"

    def log_hr(self, x: ArrayLike) -> Array:
        at = np.array([a.at for a in self.anchors])
        x_ = np.clip(np.asarray(x, dtype=np.float64), at[0], at[-1])
        k = np.clip(np.searchsorted(at, x_, side="right") - 1, 0, at.size - 2)
        w = ((x_ - at[k]) / (at[k + 1] - at[k]))[..., None]
        eye = np.eye(at.size)
        hats = eye[k] * (1.0 - w) + eye[k + 1] * w  # x.shape + (k,): linear interpolation
        return np.sum(hats * self.anchor_log_hr, axis=-1)


_C = TypeVar("_C", bound=AbstractHazardCurve)


def point_log_hr(anchors: tuple[Anchor, ...]) -> Array:
    """The published point estimates as ``ln HR`` [-], shape ``(k,)``."""
    return np.log(np.array([a.hr for a in anchors], dtype=np.float64))


def draw_curves(curve: _C, rng: np.random.Generator, n: int) -> _C:
    """The same curve with ``n`` Monte Carlo draws of its anchors over their published CIs.

    Parameters
    ----------
    curve
        A point curve.
    rng
        Source of randomness, e.g. ``numpy.random.default_rng(0)``.
    n
        Number of draws.

    Returns
    -------
    A curve whose ``anchor_log_hr`` has shape ``(n, 1, k)``; its :meth:`log_hr` of ``m``
    values then has shape ``(n, m)``.
    """
    mean = point_log_hr(curve.anchors)
    se = np.array([a.log_se for a in curve.anchors], dtype=np.float64)
    draws = mean + se * rng.standard_normal((n, 1, mean.size))
    return dataclasses.replace(curve, anchor_log_hr=draws)  # type: ignore[type-var]
