r"""Age- and sex-specific reference intervals (SDS, percentiles) from BCPE parameter tables.

The reference distribution of a serum concentration ``y`` at a given age and sex is the
Box-Cox power exponential (BCPE) distribution of Rigby & Stasinopoulos (2004), as implemented
in the R package gamlss.dist (``dBCPE``, ``pBCPE``, ``qBCPE``):

.. math::

    z = \frac{(y/\mu)^\nu - 1}{\nu\sigma} \quad (\nu \ne 0), \qquad
    z = \frac{\ln(y/\mu)}{\sigma} \quad (\nu = 0),

and ``z`` follows a standard power-exponential distribution PE(0, 1, tau) *truncated* to the
range that ``y > 0`` allows: ``z > -1/(sigma nu)`` when ``nu > 0`` and ``z < 1/(sigma |nu|)``
when ``nu < 0``. With ``F`` the PE(0, 1, tau) cdf and ``a = 1/(sigma |nu|)``:

- ``nu > 0``: ``P(Y <= y) = (F(z) - F(-a)) / F(a)``
- ``nu < 0``: ``P(Y <= y) = F(z) / F(a)``
- ``nu = 0``: ``P(Y <= y) = F(z)``

and ``F(z) = 1/2 [1 + sign(z) P(1/tau, |z/c|^tau / 2)]`` with
``c = sqrt(2^(-2/tau) Gamma(1/tau) / Gamma(3/tau))`` and ``P`` the regularised lower incomplete
gamma function. The standard deviation score is ``SDS = Phi^-1(P(Y <= y))``. ``mu`` is close
to, but not exactly, the median of ``Y`` (the truncation moves the median slightly).

Parameters ``(mu, sigma, nu, tau)`` come from packaged tables with one row per sex and month
of age and are interpolated linearly in age, each parameter separately, as the childsds R
package does (``stats::approx``; rows that share an age are averaged first, R's default
``ties = mean``).

This module is numpy/scipy only (no JAX): it is used at the boundary, on lab values.

References
----------
Rigby RA, Stasinopoulos DM. Smooth centile curves for skew and kurtotic data modelled using
the Box-Cox power exponential distribution. Stat Med 2004;23:3053-76.

Hoerenz C, Vogel M, Wirkner K et al. BMI and contraceptives affect new age-, sex-, and
puberty-adjusted IGF-I and IGFBP-3 reference ranges across life span. J Clin Endocrinol
Metab 2022 (LIFE Child and LIFE Adult, Leipzig); parameters as distributed in the childsds
R package 0.9.11 (``life_igf.ref``). See ``igfaxis/data/SOURCES.md``.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import numbers
import types
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Final, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from igfaxis.errors import ExtrapolationWarning, ModelError, ProtocolError

__all__ = [
    "BCPEParameters",
    "ReferenceTable",
    "bcpe_cdf",
    "bcpe_pdf",
    "bcpe_quantile",
    "centile_value",
    "percentile",
    "reference_table",
    "sds",
]

Sex = Literal["male", "female"]

_SEX_ALIASES: Final[Mapping[str, Sex]] = types.MappingProxyType(
    {"male": "male", "m": "male", "female": "female", "f": "female"}
)

_BUG: Final = "This is a bug in igfaxis; please report it."


# --------------------------------------------------------------------------------------
# BCPE distribution (numpy / scipy)
# --------------------------------------------------------------------------------------


class BCPEParameters(NamedTuple):
    """Parameters of one BCPE distribution (gamlss parameterisation).

    Attributes
    ----------
    mu
        Location, close to the median [same unit as the analyte, e.g. ng/mL].
    sigma
        Scale, approximately the coefficient of variation [-].
    nu
        Box-Cox power (skewness) [-].
    tau
        Power-exponential shape (kurtosis; 2 = normal tails) [-].
    """

    mu: float
    sigma: float
    nu: float
    tau: float


def _pe_log_c(tau: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log of the PE(0, 1, tau) scale constant ``c`` (gamlss ``log.c``)."""
    return 0.5 * (
        -(2.0 / tau) * math.log(2.0) + special.gammaln(1.0 / tau) - special.gammaln(3.0 / tau)
    )


def _pe_tails(
    z: NDArray[np.float64], tau: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lower and upper tail probabilities ``(F(z), 1 - F(z))`` of PE(0, 1, tau).

    Both tails are computed directly (no ``1 - F``) so that neither loses precision.
    """
    s = 0.5 * np.abs(z / np.exp(_pe_log_c(tau))) ** tau
    half_inner = 0.5 * special.gammaincc(1.0 / tau, s)  # P(PE beyond |z| on one side)
    half_outer = 1.0 - half_inner
    lower = np.where(z < 0.0, half_inner, half_outer)
    upper = np.where(z < 0.0, half_outer, half_inner)
    return lower, upper


def _pe_quantile(p: NDArray[np.float64], tau: NDArray[np.float64]) -> NDArray[np.float64]:
    """Quantile of PE(0, 1, tau) (gamlss ``qPE``)."""
    # gamlss: sign(p - 1/2) c (2 qgamma(|2p - 1|, 1/tau))^(1/tau). Written with the upper
    # incomplete gamma of 2 min(p, 1 - p) so that small tail probabilities keep their digits.
    s = special.gammainccinv(1.0 / tau, 2.0 * np.minimum(p, 1.0 - p))
    return np.sign(p - 0.5) * (2.0 * s) ** (1.0 / tau) * np.exp(_pe_log_c(tau))


def _box_cox_z(
    y: NDArray[np.float64],
    mu: NDArray[np.float64],
    sigma: NDArray[np.float64],
    nu: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Box-Cox score ``((y/mu)^nu - 1)/(nu sigma)``, or ``ln(y/mu)/sigma`` at ``nu = 0``."""
    log_ratio = np.log(y / mu)
    # expm1(nu*log(y/mu))/nu is the exact Box-Cox term and stays accurate as nu -> 0 (the
    # LIFE table has nu as small as 3e-4), where ((y/mu)**nu - 1)/nu would cancel.
    is_log = nu == 0.0
    safe_nu = np.where(is_log, 1.0, nu)
    power = np.where(is_log, log_ratio, np.expm1(np.where(is_log, 0.0, nu * log_ratio)) / safe_nu)
    return power / sigma


def _truncation_bound(sigma: NDArray[np.float64], nu: NDArray[np.float64]) -> NDArray[np.float64]:
    """``a = 1/(sigma |nu|)``, the |z| at which ``y`` reaches 0 or infinity (inf at nu = 0)."""
    abs_nu = np.abs(nu)
    return np.where(abs_nu == 0.0, np.inf, 1.0 / (sigma * np.where(abs_nu == 0.0, 1.0, abs_nu)))


def _bcpe_tails(
    y: ArrayLike, mu: ArrayLike, sigma: ArrayLike, nu: ArrayLike, tau: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(P(Y <= y), P(Y > y))`` of BCPE, each computed without subtracting from 1."""
    y_, mu_, sigma_, nu_, tau_ = (np.asarray(v, dtype=np.float64) for v in (y, mu, sigma, nu, tau))
    z = _box_cox_z(y_, mu_, sigma_, nu_)
    a = _truncation_bound(sigma_, nu_)
    f_z, s_z = _pe_tails(z, tau_)
    f_a, s_a = _pe_tails(a, tau_)  # F(a) and S(a) = F(-a); 1 and 0 when nu = 0
    # gamlss pBCPE: (F(z) - F(-a)) / F(a) for nu > 0 and F(z) / F(a) for nu <= 0. The upper
    # tails are their complements, S(z) / F(a) and (S(z) - S(a)) / F(a), written out so that
    # no tail is computed as 1 - (the other).
    lower = np.where(nu_ > 0.0, f_z - s_a, f_z) / f_a
    upper = np.where(nu_ < 0.0, s_z - s_a, s_z) / f_a
    return np.clip(lower, 0.0, 1.0), np.clip(upper, 0.0, 1.0)


def bcpe_cdf(
    y: ArrayLike, mu: ArrayLike, sigma: ArrayLike, nu: ArrayLike, tau: ArrayLike
) -> NDArray[np.float64]:
    """Cumulative distribution function of BCPE, as gamlss.dist ``pBCPE``.

    Parameters
    ----------
    y
        Concentration, > 0 [unit of ``mu``].
    mu
        Location [unit of ``y``].
    sigma
        Scale, > 0 [-].
    nu
        Box-Cox power [-].
    tau
        Kurtosis, > 0 [-].

    Returns
    -------
    ``P(Y <= y)`` [-], broadcast over the inputs (a 0-d array for scalar inputs).

    Notes
    -----
    Includes the gamlss truncation adjustment (see the module docstring), so the cdf runs
    from exactly 0 at ``y -> 0`` to exactly 1 at ``y -> inf``. No input validation: this is
    the numerical kernel; :func:`sds` validates user input.
    """
    return _bcpe_tails(y, mu, sigma, nu, tau)[0]


def bcpe_pdf(
    y: ArrayLike, mu: ArrayLike, sigma: ArrayLike, nu: ArrayLike, tau: ArrayLike
) -> NDArray[np.float64]:
    """Probability density of BCPE, as gamlss.dist ``dBCPE``.

    Parameters
    ----------
    y, mu, sigma, nu, tau
        As in :func:`bcpe_cdf`.

    Returns
    -------
    Density at ``y`` [1/unit of ``y``].
    """
    y_, mu_, sigma_, nu_, tau_ = (np.asarray(v, dtype=np.float64) for v in (y, mu, sigma, nu, tau))
    z = _box_cox_z(y_, mu_, sigma_, nu_)
    log_c = _pe_log_c(tau_)
    log_pe = (
        np.log(tau_)
        - 0.5 * np.abs(z / np.exp(log_c)) ** tau_
        - log_c
        - (1.0 + 1.0 / tau_) * math.log(2.0)
        - special.gammaln(1.0 / tau_)
    )
    f_a = _pe_tails(_truncation_bound(sigma_, nu_), tau_)[0]
    # dz/dy = y^(nu-1) / (mu^nu sigma)
    log_jacobian = (nu_ - 1.0) * np.log(y_) - nu_ * np.log(mu_) - np.log(sigma_)
    return np.exp(log_pe + log_jacobian) / f_a


def _y_from_z(
    z: NDArray[np.float64],
    mu: NDArray[np.float64],
    sigma: NDArray[np.float64],
    nu: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Invert the Box-Cox score: ``mu (1 + nu sigma z)^(1/nu)``, or ``mu exp(sigma z)``."""
    is_log = nu == 0.0
    safe_nu = np.where(is_log, 1.0, nu)
    # 1 + nu sigma z >= 0 on the support (= 0 at y = 0, reached by p = 0 when nu > 0); the
    # clip absorbs round-off there and the placeholder 0 keeps the unused branch finite.
    term = np.maximum(np.where(is_log, 0.0, safe_nu * sigma * z), -1.0)
    with np.errstate(divide="ignore"):  # log1p(-1) = -inf gives y = 0, the right limit
        log_ratio = np.where(is_log, sigma * z, np.log1p(term) / safe_nu)
    return mu * np.exp(log_ratio)


def _quantile_from_tail(
    prob: ArrayLike,
    mu: ArrayLike,
    sigma: ArrayLike,
    nu: ArrayLike,
    tau: ArrayLike,
    *,
    upper: bool,
) -> NDArray[np.float64]:
    """BCPE quantile from the lower tail ``P(Y <= y)`` or, with ``upper``, from ``P(Y > y)``."""
    q, mu_, sigma_, nu_, tau_ = (
        np.asarray(v, dtype=np.float64) for v in (prob, mu, sigma, nu, tau)
    )
    f_a, s_a = _pe_tails(_truncation_bound(sigma_, nu_), tau_)
    # gamlss qBCPE maps p to the untruncated PE scale: p F(a) for nu < 0, p for nu = 0 and
    # 1 - (1 - p) F(a) = S(a) + p F(a) for nu > 0 (the second form keeps small p accurate).
    # The upper tail is the mirror image (nu -> -nu, z -> -z).
    sign = -1.0 if upper else 1.0
    p_pe = q * f_a + np.where(sign * nu_ > 0.0, s_a, 0.0)
    return _y_from_z(sign * _pe_quantile(p_pe, tau_), mu_, sigma_, nu_)


def bcpe_quantile(
    p: ArrayLike, mu: ArrayLike, sigma: ArrayLike, nu: ArrayLike, tau: ArrayLike
) -> NDArray[np.float64]:
    """Quantile function of BCPE, as gamlss.dist ``qBCPE``.

    Parameters
    ----------
    p
        Probability in [0, 1] [-].
    mu, sigma, nu, tau
        As in :func:`bcpe_cdf`.

    Returns
    -------
    The concentration ``y`` with ``P(Y <= y) = p`` [unit of ``mu``].
    """
    return _quantile_from_tail(p, mu, sigma, nu, tau, upper=False)


# --------------------------------------------------------------------------------------
# Reference tables
# --------------------------------------------------------------------------------------

_CITATION_LIFE: Final = (
    "Hoerenz C, Vogel M, Wirkner K et al. BMI and contraceptives affect new age-, sex-, and "
    "puberty-adjusted IGF-I and IGFBP-3 reference ranges across life span. J Clin Endocrinol "
    "Metab 2022 (LIFE Child and LIFE Adult, Leipzig); BCPE parameters from the childsds R "
    "package 0.9.11 (life_igf.ref)."
)

#: analyte -> (packaged file, unit, citation)
_TABLES: Final[Mapping[str, tuple[str, str, str]]] = types.MappingProxyType(
    {
        "igf1": ("igf1_reference_life.csv", "ng/mL", _CITATION_LIFE),
        "igfbp3": ("igfbp3_reference_life.csv", "ng/mL", _CITATION_LIFE),
    }
)

_COLUMNS: Final = ("sex", "age", "mu", "sigma", "nu", "tau")

#: Ages are tabulated to 6 significant digits (2/12 y is written 0.166667), so an age this
#: close to either end counts as inside the table [y] (1e-5 y is about 5 minutes).
_AGE_TOLERANCE_Y: Final = 1e-5


@dataclass(frozen=True)
class _SexRows:
    """Read-only parameter columns of one sex, ages strictly increasing [y]."""

    age: NDArray[np.float64]
    mu: NDArray[np.float64]
    sigma: NDArray[np.float64]
    nu: NDArray[np.float64]
    tau: NDArray[np.float64]


@dataclass(frozen=True)
class ReferenceTable:
    """An immutable age- and sex-specific BCPE reference table for one analyte.

    Build one with :func:`reference_table`; the columns are read-only numpy arrays.

    Attributes
    ----------
    analyte
        ``"igf1"`` or ``"igfbp3"``.
    unit
        Concentration unit of ``mu`` and of the values scored against it, e.g. ``"ng/mL"``.
    citation
        Source publication and distribution of the parameters.
    source
        Packaged file name under ``igfaxis/data``.
    """

    analyte: str
    unit: str
    citation: str
    source: str
    _rows: Mapping[str, _SexRows] = field(repr=False, compare=False)

    @property
    def age_range_y(self) -> tuple[float, float]:
        """Youngest and oldest tabulated age over both sexes [y]."""
        low = min(float(r.age[0]) for r in self._rows.values())
        high = max(float(r.age[-1]) for r in self._rows.values())
        return low, high

    def parameters(self, age_y: float, sex: str) -> BCPEParameters:
        """BCPE parameters at ``age_y`` for ``sex``, interpolated linearly in age.

        Parameters
        ----------
        age_y
            Age [y]; above the table's maximum it is clamped with an ``ExtrapolationWarning``.
        sex
            ``"male"`` or ``"female"`` (also ``"m"``/``"f"``, any case).

        Returns
        -------
        The interpolated ``(mu, sigma, nu, tau)``; ``mu`` in :attr:`unit`.

        Raises
        ------
        ProtocolError
            ``age_y`` is not finite or below the table's minimum, or ``sex`` is unknown.
        """
        return self._lookup(age_y, sex, stacklevel=3)

    def _lookup(self, age_y: float, sex: str, *, stacklevel: int) -> BCPEParameters:
        """Validate, clamp and interpolate; ``stacklevel`` points the warning at the user."""
        rows = self._rows[_normalise_sex(sex)]
        age = _real("age_y", age_y, "y", "Pass the age in years, e.g. 60 or 60.5.")
        youngest, oldest = float(rows.age[0]), float(rows.age[-1])
        if not math.isfinite(age) or age < youngest - _AGE_TOLERANCE_Y:
            raise ProtocolError(
                f"`age_y` must be a finite age of at least {youngest:.2f} y (2 months), the "
                f"youngest age in the {self.analyte} reference table ({self.source}); got "
                f"{age_y!r} ({type(age_y).__name__}). Pass the age in years (e.g. 0.5 for "
                f"6 months); no reference is available for younger infants."
            )
        if age > oldest + _AGE_TOLERANCE_Y:
            warnings.warn(
                f"`age_y` = {age:g} y lies above the oldest age in the {self.analyte} "
                f"reference table ({oldest:g} y, {self.source}); the {oldest:g}-year "
                f"reference is used instead (age clamped to {oldest:g} y). Read the SDS and "
                f"percentile as approximate.",
                ExtrapolationWarning,
                stacklevel=stacklevel,
            )
        age = min(max(age, youngest), oldest)
        return BCPEParameters(
            mu=float(np.interp(age, rows.age, rows.mu)),
            sigma=float(np.interp(age, rows.age, rows.sigma)),
            nu=float(np.interp(age, rows.age, rows.nu)),
            tau=float(np.interp(age, rows.age, rows.tau)),
        )


def _read_only(values: NDArray[np.float64]) -> NDArray[np.float64]:
    array = np.array(values, dtype=np.float64)  # a copy that owns its data
    array.flags.writeable = False
    return array


def _collapse_ties(
    age: NDArray[np.float64], columns: list[NDArray[np.float64]]
) -> tuple[NDArray[np.float64], list[NDArray[np.float64]]]:
    """Average the rows that share an age, as R ``approx(ties = mean)`` (childsds) does."""
    unique_age, inverse, counts = np.unique(age, return_inverse=True, return_counts=True)
    return unique_age, [np.bincount(inverse, weights=col) / counts for col in columns]


def _parse_table(text: str, source: str) -> dict[str, _SexRows]:
    reader = csv.reader(io.StringIO(text))
    header = tuple(next(reader))
    if header != _COLUMNS:
        raise ModelError(f"{source}: expected columns {_COLUMNS}; got {header}. {_BUG}")
    raw: dict[str, list[list[float]]] = {"male": [], "female": []}
    for line_no, row in enumerate(reader, start=2):
        if len(row) != len(_COLUMNS) or row[0] not in raw:
            raise ModelError(f"{source}, line {line_no}: malformed row {row}. {_BUG}")
        raw[row[0]].append([float(v) for v in row[1:]])
    by_sex: dict[str, _SexRows] = {}
    for sex, values in raw.items():
        data = np.asarray(values, dtype=np.float64)
        if data.ndim != 2 or data.shape[0] < 2 or not np.all(np.isfinite(data)):
            raise ModelError(f"{source}: missing or non-finite {sex} rows. {_BUG}")
        age = data[:, 0]
        if np.any(np.diff(age) < 0.0):
            raise ModelError(f"{source}: {sex} ages are not sorted. {_BUG}")
        age, (mu, sigma, nu, tau) = _collapse_ties(age, [data[:, k] for k in range(1, 5)])
        if np.any(mu <= 0.0) or np.any(sigma <= 0.0) or np.any(tau <= 0.0):
            raise ModelError(f"{source}: {sex} mu, sigma and tau must be > 0. {_BUG}")
        by_sex[sex] = _SexRows(*(_read_only(c) for c in (age, mu, sigma, nu, tau)))
    return by_sex


@functools.cache
def _load(analyte: str) -> ReferenceTable:
    file_name, unit, citation = _TABLES[analyte]
    text = (resources.files("igfaxis") / "data" / file_name).read_text(encoding="utf-8")
    return ReferenceTable(
        analyte=analyte,
        unit=unit,
        citation=citation,
        source=file_name,
        _rows=types.MappingProxyType(_parse_table(text, file_name)),
    )


def reference_table(analyte: str = "igf1") -> ReferenceTable:
    """The packaged LIFE reference table of ``analyte`` (loaded once, then shared).

    Parameters
    ----------
    analyte
        ``"igf1"`` or ``"igfbp3"`` (``"IGF-1"``, ``"IGFBP-3"`` and other cases also work).

    Returns
    -------
    The immutable :class:`ReferenceTable` (ng/mL, ages 0.17-80 y).

    Raises
    ------
    ProtocolError
        ``analyte`` has no packaged reference.
    """
    return _load(_normalise_analyte(analyte))


# --------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------


def _real(name: str, value: object, unit: str, fix: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ProtocolError(
            f"`{name}` must be a real number [{unit}]; got {value!r} "
            f"({type(value).__name__}). {fix}"
        )
    return float(value)


def _normalise_sex(sex: object) -> Sex:
    key = sex.strip().lower() if isinstance(sex, str) else None
    if key is None or key not in _SEX_ALIASES:
        raise ProtocolError(
            f"`sex` must be 'male' or 'female' (or 'm'/'f', any case); got {sex!r} "
            f"({type(sex).__name__}). The reference tables are sex-specific; pass the sex "
            f"the laboratory reference applies to."
        )
    return _SEX_ALIASES[key]


def _normalise_analyte(analyte: object) -> str:
    key = (
        analyte.strip().lower().replace("-", "").replace("_", "")
        if isinstance(analyte, str)
        else None
    )
    if key is None or key not in _TABLES:
        raise ProtocolError(
            f"`analyte` must be one of {sorted(_TABLES)}; got {analyte!r} "
            f"({type(analyte).__name__}). Use 'igf1' for IGF-1 or 'igfbp3' for IGFBP-3."
        )
    return key


def _concentration(value: object, table: ReferenceTable) -> float:
    fix = (
        f"Pass the measured {table.analyte} concentration in {table.unit}; convert other units "
        f"first (for IGF-1 see igfaxis.units.igf1_to_ng_ml)."
    )
    y = _real("value_ng_ml", value, table.unit, fix)
    if not math.isfinite(y) or y <= 0.0:
        raise ProtocolError(
            f"`value_ng_ml` must be a finite concentration > 0 {table.unit}; got {value!r} "
            f"({type(value).__name__}). {fix}"
        )
    return y


def _sds_from_tails(lower: float, upper: float) -> float:
    # Use the smaller tail so that neither end of the scale loses precision.
    return float(special.ndtri(lower)) if lower < 0.5 else -float(special.ndtri(upper))


# --------------------------------------------------------------------------------------
# Public scoring functions
# --------------------------------------------------------------------------------------


def sds(value_ng_ml: float, age_y: float, sex: str, *, analyte: str = "igf1") -> float:
    """Age- and sex-specific standard deviation score of a serum concentration.

    Parameters
    ----------
    value_ng_ml
        Measured concentration [ng/mL]; IGF-1 in nmol/L converts with
        ``igfaxis.units.igf1_to_ng_ml``.
    age_y
        Age [y], at least 0.17 (2 months). Ages above 80 are scored against the 80-year
        reference, with an ``ExtrapolationWarning``.
    sex
        ``"male"`` or ``"female"`` (``"m"``/``"f"`` and any case are accepted).

    Other Parameters
    ----------------
    analyte
        ``"igf1"`` (default) or ``"igfbp3"``.

    Returns
    -------
    SDS ``= Phi^-1(P(Y <= value))`` under the LIFE BCPE reference [-]; 0 is the age/sex
    median. Absurd concentrations may give ``-inf``/``inf``.

    Raises
    ------
    ProtocolError
        Non-positive or non-finite concentration, age below 0.17 y or not finite, unknown
        sex or analyte.

    Warns
    -----
    ExtrapolationWarning
        ``age_y`` lies above the table (80 y) and was clamped.

    Examples
    --------
    >>> round(sds(100.0, 60.0, "male"), 2)
    -0.71
    """
    table = reference_table(analyte)
    y = _concentration(value_ng_ml, table)
    params = table._lookup(age_y, sex, stacklevel=3)
    lower, upper = _bcpe_tails(y, *params)
    return _sds_from_tails(float(lower), float(upper))


def percentile(value_ng_ml: float, age_y: float, sex: str, *, analyte: str = "igf1") -> float:
    """Age- and sex-specific percentile of a serum concentration.

    Parameters
    ----------
    value_ng_ml, age_y, sex, analyte
        As in :func:`sds`.

    Returns
    -------
    ``100 P(Y <= value)`` under the LIFE BCPE reference [%], in [0, 100]; 50 is the age/sex
    median.

    Raises
    ------
    ProtocolError
        As in :func:`sds`.

    Warns
    -----
    ExtrapolationWarning
        ``age_y`` lies above the table (80 y) and was clamped.

    Examples
    --------
    >>> round(percentile(100.0, 60.0, "male"), 1)
    23.9
    """
    table = reference_table(analyte)
    y = _concentration(value_ng_ml, table)
    params = table._lookup(age_y, sex, stacklevel=3)
    return 100.0 * float(_bcpe_tails(y, *params)[0])


def centile_value(
    z_or_p: float,
    age_y: float,
    sex: str,
    *,
    analyte: str = "igf1",
    scale: Literal["sds", "percentile"] = "sds",
) -> float:
    """The concentration at a given SDS (or percentile) for an age and sex.

    Parameters
    ----------
    z_or_p
        With ``scale="sds"`` (default) a finite SDS [-], e.g. 0 for the median or -2 / +2
        for the usual reference limits; with ``scale="percentile"`` a percentile in
        (0, 100) [%], e.g. 2.5 or 97.5.
    age_y, sex
        As in :func:`sds`.

    Other Parameters
    ----------------
    analyte
        ``"igf1"`` (default) or ``"igfbp3"``.
    scale
        How to read ``z_or_p``: ``"sds"`` or ``"percentile"``.

    Returns
    -------
    Concentration [ng/mL] whose SDS (percentile) under the LIFE reference is ``z_or_p``.

    Raises
    ------
    ProtocolError
        ``z_or_p`` not finite (or outside (0, 100) as a percentile), unknown ``scale``, or
        invalid age, sex or analyte as in :func:`sds`.

    Warns
    -----
    ExtrapolationWarning
        ``age_y`` lies above the table (80 y) and was clamped.

    Examples
    --------
    >>> round(centile_value(0.0, 60.0, "male"), 1)  # the median
    119.6
    """
    table = reference_table(analyte)
    if scale == "sds":
        z = _real("z_or_p", z_or_p, "-", "Pass an SDS such as 0 (median) or -2.")
        if not math.isfinite(z):
            raise ProtocolError(
                f"`z_or_p` must be a finite SDS with `scale='sds'`; got {z_or_p!r} "
                f"({type(z_or_p).__name__}). Pass e.g. -2, 0 or 2."
            )
        lower, upper = float(special.ndtr(z)), float(special.ndtr(-z))
    elif scale == "percentile":
        p = _real("z_or_p", z_or_p, "%", "Pass a percentile such as 2.5, 50 or 97.5.")
        if not 0.0 < p < 100.0:
            raise ProtocolError(
                f"`z_or_p` must be a percentile strictly between 0 and 100 [%] with "
                f"`scale='percentile'`; got {z_or_p!r} ({type(z_or_p).__name__}). Pass e.g. "
                f"2.5, 50 or 97.5 (percent, not a fraction)."
            )
        lower, upper = p / 100.0, 1.0 - p / 100.0
    else:
        raise ProtocolError(
            f"`scale` must be 'sds' or 'percentile'; got {scale!r} ({type(scale).__name__}). "
            f"Use scale='percentile' when `z_or_p` is a percentile in percent."
        )
    params = table._lookup(age_y, sex, stacklevel=3)
    if lower <= 0.5:
        return float(_quantile_from_tail(lower, *params, upper=False))
    return float(_quantile_from_tail(upper, *params, upper=True))
