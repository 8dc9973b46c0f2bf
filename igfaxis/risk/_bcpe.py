r"""The Box-Cox power exponential (BCPE) distribution: cdf, density and quantile.

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

This module is numpy/scipy only (no JAX): it is used at the boundary, on lab values. The
reference tables that supply the parameters live in :mod:`igfaxis.risk._tables`.

References
----------
Rigby RA, Stasinopoulos DM. Smooth centile curves for skew and kurtotic data modelled using
the Box-Cox power exponential distribution. Stat Med 2004;23:3053-76.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = ["BCPEParameters", "bcpe_cdf", "bcpe_pdf", "bcpe_quantile"]


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
