"""Hazard ratios with Monte Carlo intervals, for one IGF-1 value or a weighted set of values.

The point estimate comes from the published point estimates (the curve through them); the
95% interval is the 2.5th and 97.5th percentile over ``n_draws`` curves whose anchors are
drawn over their published CIs (:func:`igfaxis.risk._hazards.draw_curves`). Each curve draws
from its own generator, seeded by ``(seed, curve id)``, so a curve's interval does not depend
on which other curves are computed alongside it.
"""

from __future__ import annotations

import numbers
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.protocol import check_seed
from igfaxis.risk._hazard_data import hazard_curves
from igfaxis.risk._hazards import AbstractHazardCurve, Use, draw_curves

__all__ = [
    "DEFAULT_DRAWS",
    "HazardRatio",
    "hazard_ratio",
    "population_mean_hr",
    "select_curves",
]

#: Monte Carlo draws per curve; the 2.5/97.5 percentiles then move by under 1% between seeds
DEFAULT_DRAWS: Final = 10_000
#: most Monte Carlo draws per interval (memory: draws x values)
MAX_DRAWS: Final = 1_000_000

_ONE_TOL: Final = 1e-9

#: the curves a person's assessment shows by default
DEFAULT_USES: Final[tuple[Use, ...]] = ("predict", "sensitivity", "alternative-view")


@dataclass(frozen=True)
class HazardRatio:
    """A hazard (or odds) ratio with its 95% Monte Carlo interval and provenance.

    Attributes
    ----------
    curve_id, group, outcome, measure, use
        What it is (see :class:`~igfaxis.risk.CurveInfo`).
    x, scale
        Where the curve was read: an SDS [-] or IGF-1 [ng/mL] (``scale`` says which); for a
        trajectory, the time-weighted mean of the values scored.
    hr, low, high
        Point estimate and 95% interval [-]: vs a person of the same age and sex at the
        reference median (SDS 0) for SDS curves and cancer sites, vs the 120-160 ng/mL
        plateau for the absolute-view curves, vs no change for the trajectory modifiers.
    cite, population, source, evidence, assumption
        Where the numbers come from (short and full citation) and what was assumed.
    """

    curve_id: str
    group: str
    outcome: str
    measure: str
    use: str
    x: float
    scale: str
    hr: float
    low: float
    high: float
    cite: str
    population: str
    source: str
    evidence: str
    assumption: str

    @property
    def direction(self) -> int:
        """+1 if the whole interval lies above 1, -1 if below 1, else 0.

        A tolerance of 1e-9 keeps exact 1s (e.g. a step curve away from its step) at 0.
        """
        if self.low > 1.0 + _ONE_TOL:
            return 1
        if self.high < 1.0 - _ONE_TOL:
            return -1
        return 0

    def interval_text(self, digits: int = 2) -> str:
        """``"1.17 (1.08-1.27)"``."""
        return f"{self.hr:.{digits}f} ({self.low:.{digits}f}-{self.high:.{digits}f})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible mapping of every field."""
        return asdict(self)


def _rng(seed: int, curve_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(curve_id.encode())])


def _weights(x: NDArray[np.float64], weights: ArrayLike | None) -> NDArray[np.float64]:
    if weights is None:
        return np.full(x.shape, 1.0 / x.size)
    w = np.broadcast_to(np.asarray(weights, dtype=np.float64), x.shape)
    if not np.all(np.isfinite(w)) or np.any(w < 0.0) or w.sum() <= 0.0:
        raise ProtocolError(
            "`weights` must be finite, non-negative and not all zero; got "
            f"{w[:3].tolist()}... Pass time weights such as interval lengths [h]."
        )
    return w / w.sum()


def hazard_ratio(
    curve: AbstractHazardCurve,
    x: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> HazardRatio:
    """HR of ``curve`` at ``x`` (or its weighted mean over several ``x``), with an interval.

    Parameters
    ----------
    curve
        A packaged or hand-made hazard curve.
    x
        One value, or the values a trajectory took, on the curve's scale: SDS [-] or IGF-1
        [ng/mL]. Several values give the weighted mean HR, ``sum_i w_i HR(x_i)`` (the ratio
        of cumulative hazards over the period the weights span).

    Other Parameters
    ----------------
    weights
        Weights of the values, e.g. the time each represents [h]; equal if ``None``.
    n_draws
        Monte Carlo draws of the curve's anchors over their published CIs.
    seed
        Seed of the draws (with the curve id).

    Returns
    -------
    HazardRatio

    Examples
    --------
    >>> from igfaxis.risk import hazard_curve
    >>> r = hazard_ratio(hazard_curve("mortality_meta"), -1.0)
    >>> round(r.hr, 3), round(r.low, 2), round(r.high, 2)
    (1.332, 1.18, 1.51)
    """
    values = np.atleast_1d(np.asarray(x, dtype=np.float64)).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ProtocolError(f"`x` must be finite numbers; got {values[:3].tolist()}.")
    if (
        isinstance(n_draws, bool)
        or not isinstance(n_draws, numbers.Integral)
        or not 100 <= n_draws <= MAX_DRAWS
    ):
        raise ProtocolError(
            f"`n_draws` must be a whole number from 100 to {MAX_DRAWS}; got "
            f"{short_repr(n_draws)} ({type(n_draws).__name__})."
        )
    seed = check_seed(seed)
    w = _weights(values, weights)
    point = float(np.sum(w * np.exp(curve.log_hr(values))))
    draws = np.exp(draw_curves(curve, _rng(seed, curve.info.id), n_draws).log_hr(values)) @ w
    low, high = np.percentile(draws, [2.5, 97.5])
    info = curve.info
    return HazardRatio(
        curve_id=info.id,
        group=info.group,
        outcome=info.outcome,
        measure=info.measure,
        use=info.use,
        x=float(np.sum(w * values)),
        scale=curve.scale,
        hr=point,
        low=float(low),
        high=float(high),
        cite=info.cite,
        population=info.population,
        source=info.source,
        evidence=info.evidence,
        assumption=info.assumption,
    )


def check_menopausal(menopausal: object) -> bool | None:
    """``menopausal`` if it is ``True``, ``False`` or ``None``; anything else is refused.

    A string such as ``"no"`` is truthy, so it would silently pick the postmenopausal
    curve.

    Raises
    ------
    ProtocolError
        ``menopausal`` is not a bool or ``None``.
    """
    if menopausal is None or isinstance(menopausal, bool | np.bool_):
        return None if menopausal is None else bool(menopausal)
    raise ProtocolError(
        f"`menopausal` must be True (postmenopausal), False (premenopausal) or None "
        f"(unknown); got {short_repr(menopausal)} ({type(menopausal).__name__}). Pass a "
        "bool, not a string."
    )


def select_curves(
    sex: str,
    *,
    menopausal: bool | None = None,
    uses: Iterable[Use] = DEFAULT_USES,
    curves: Mapping[str, AbstractHazardCurve] | None = None,
) -> tuple[AbstractHazardCurve, ...]:
    """The curves that apply to a person, in registry order.

    Parameters
    ----------
    sex
        ``"male"`` or ``"female"`` (already normalised).

    Other Parameters
    ----------------
    menopausal
        Breast cancer: ``True`` selects the postmenopausal curve, ``False`` the premenopausal
        one, ``None`` (unknown) the pooled one.
    uses
        Which uses to include (``predict``, ``sensitivity``, ``alternative-view``,
        ``opt-in``, ``not-for-prediction``).
    curves
        Registry to select from; the packaged one by default.

    Returns
    -------
    The selected point curves.
    """
    wanted = set(uses)
    menopausal = check_menopausal(menopausal)
    status = "any" if menopausal is None else ("post" if menopausal else "pre")
    pool = hazard_curves() if curves is None else curves
    return tuple(
        c
        for c in pool.values()
        if c.info.use in wanted
        and sex in c.info.sexes
        and c.info.menopausal in {"any", status}
        and not (c.info.menopausal == "any" and status != "any" and _has_split(c, pool))
    )


def _has_split(curve: AbstractHazardCurve, pool: Mapping[str, AbstractHazardCurve]) -> bool:
    """Whether a pooled curve has pre/post-menopausal versions (breast cancer)."""
    prefix = curve.info.id + "_"
    return any(k.startswith(prefix) and c.info.menopausal != "any" for k, c in pool.items())


def population_mean_hr(curve: AbstractHazardCurve) -> float:
    """``E[HR(z)]`` for ``z ~ N(0, 1)``: the normaliser of risk.md 7.0 for SDS curves.

    Published HRs are relative to a reference category, not to the population average; a
    life-table hazard is multiplied by ``HR / E[HR]``.

    Raises
    ------
    ProtocolError
        ``curve`` is not on the SDS scale.

    Examples
    --------
    >>> from igfaxis.risk import hazard_curve
    >>> round(population_mean_hr(hazard_curve("mortality_meta")), 2)
    1.26
    """
    if curve.scale != "sds":
        raise ProtocolError(
            f"`curve` must be an SDS curve; {curve.info.id!r} is on the {curve.scale} scale."
        )
    z = np.linspace(-9.0, 9.0, 180_001)
    from scipy import stats  # imported on use: scipy.stats is slow to import

    return float(np.trapezoid(np.exp(curve.log_hr(z)) * stats.norm.pdf(z), z))
