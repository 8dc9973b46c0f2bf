"""Age- and sex-specific reference scores: SDS, percentile and centile values.

The reference distribution of a serum concentration at a given age and sex is a BCPE
distribution (:mod:`igfaxis.risk._bcpe`) whose parameters come from a reference table
(:mod:`igfaxis.risk._tables`; default: LIFE, Leipzig). ``SDS = Phi^-1(P(Y <= y))``.

This module is numpy/scipy only (no JAX): it is used at the boundary, on lab values and on
simulated trajectories.

References
----------
Hoerenz C, Vogel M, Wirkner K et al. BMI and contraceptives affect new age-, sex-, and
puberty-adjusted IGF-I and IGFBP-3 reference ranges across life span. J Clin Endocrinol
Metab 2022 (LIFE Child and LIFE Adult, Leipzig); parameters as distributed in the childsds
R package 0.9.11 (``life_igf.ref``). See ``igfaxis/data/SOURCES.md``.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from igfaxis._messages import short_repr
from igfaxis.errors import ProtocolError
from igfaxis.risk._bcpe import _bcpe_tails, _quantile_from_tail
from igfaxis.risk._tables import ReferenceTable, _real, _resolve

__all__ = ["centile_value", "percentile", "sds", "sds_array"]

Reference = ReferenceTable | str | None


def _concentration(value: object, table: ReferenceTable) -> float:
    fix = (
        f"Pass the measured {table.analyte} concentration in {table.unit}; convert other units "
        f"first (for IGF-1 see igfaxis.units.igf1_to_ng_ml)."
    )
    y = _real("value_ng_ml", value, table.unit, fix)
    if not math.isfinite(y) or y <= 0.0:
        raise ProtocolError(
            f"`value_ng_ml` must be a finite concentration > 0 {table.unit}; got "
            f"{short_repr(value)} "
            f"({type(value).__name__}). {fix}"
        )
    return y


def _sds_from_tails(lower: float, upper: float) -> float:
    # Use the smaller tail so that neither end of the scale loses precision.
    return float(special.ndtri(lower)) if lower < 0.5 else -float(special.ndtri(upper))


# --------------------------------------------------------------------------------------
# Public scoring functions
# --------------------------------------------------------------------------------------


def sds(
    value_ng_ml: float,
    age_y: float,
    sex: str,
    *,
    analyte: str = "igf1",
    reference: Reference = None,
) -> float:
    """Age- and sex-specific standard deviation score of a serum concentration.

    Parameters
    ----------
    value_ng_ml
        Measured concentration [ng/mL]; IGF-1 in nmol/L converts with
        ``igfaxis.units.igf1_to_ng_ml``.
    age_y
        Age [y], from 0.17 (2 months) to 120. Ages above 80 are scored against the 80-year
        reference, with an ``ExtrapolationWarning``.
    sex
        ``"male"`` or ``"female"`` (``"m"``/``"f"`` and any case are accepted).

    Other Parameters
    ----------------
    analyte
        ``"igf1"`` (default) or ``"igfbp3"``.
    reference
        The reference table: ``None`` (LIFE), the name of a packaged table (see
        :func:`~igfaxis.risk.reference_tables`) or a :class:`~igfaxis.risk.ReferenceTable`,
        e.g. the laboratory's own from :func:`~igfaxis.risk.load_reference_table`.

    Returns
    -------
    SDS ``= Phi^-1(P(Y <= value))`` under the LIFE BCPE reference [-]; 0 is the age/sex
    median. Absurd concentrations may give ``-inf``/``inf``.

    Raises
    ------
    ProtocolError
        Non-positive or non-finite concentration, age below 0.17 y, above 120 y or not
        finite, unknown sex, analyte or reference table.

    Warns
    -----
    ExtrapolationWarning
        ``age_y`` lies above the table (80 y) and was clamped.

    Examples
    --------
    >>> round(sds(100.0, 60.0, "male"), 2)
    -0.71
    """
    table = _resolve(analyte, reference)
    y = _concentration(value_ng_ml, table)
    params = table._lookup(age_y, sex, stacklevel=3)
    lower, upper = _bcpe_tails(y, *params)
    return _sds_from_tails(float(lower), float(upper))


def percentile(
    value_ng_ml: float,
    age_y: float,
    sex: str,
    *,
    analyte: str = "igf1",
    reference: Reference = None,
) -> float:
    """Age- and sex-specific percentile of a serum concentration.

    Parameters
    ----------
    value_ng_ml, age_y, sex, analyte, reference
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
    table = _resolve(analyte, reference)
    y = _concentration(value_ng_ml, table)
    params = table._lookup(age_y, sex, stacklevel=3)
    return 100.0 * float(_bcpe_tails(y, *params)[0])


def centile_value(
    z_or_p: float,
    age_y: float,
    sex: str,
    *,
    analyte: str = "igf1",
    reference: Reference = None,
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
    analyte, reference
        As in :func:`sds`.
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
    table = _resolve(analyte, reference)
    if scale == "sds":
        z = _real("z_or_p", z_or_p, "-", "Pass an SDS such as 0 (median) or -2.")
        if not math.isfinite(z):
            raise ProtocolError(
                f"`z_or_p` must be a finite SDS with `scale='sds'`; got {short_repr(z_or_p)} "
                f"({type(z_or_p).__name__}). Pass e.g. -2, 0 or 2."
            )
        lower, upper = float(special.ndtr(z)), float(special.ndtr(-z))
    elif scale == "percentile":
        p = _real("z_or_p", z_or_p, "%", "Pass a percentile such as 2.5, 50 or 97.5.")
        if not 0.0 < p < 100.0:
            raise ProtocolError(
                f"`z_or_p` must be a percentile strictly between 0 and 100 [%] with "
                f"`scale='percentile'`; got {short_repr(z_or_p)} ({type(z_or_p).__name__}). "
                "Pass e.g. "
                f"2.5, 50 or 97.5 (percent, not a fraction)."
            )
        lower, upper = p / 100.0, 1.0 - p / 100.0
    else:
        raise ProtocolError(
            f"`scale` must be 'sds' or 'percentile'; got {short_repr(scale)} "
            f"({type(scale).__name__}). "
            f"Use scale='percentile' when `z_or_p` is a percentile in percent."
        )
    params = table._lookup(age_y, sex, stacklevel=3)
    if lower <= 0.5:
        return float(_quantile_from_tail(lower, *params, upper=False))
    return float(_quantile_from_tail(upper, *params, upper=True))


def sds_array(
    values_ng_ml: ArrayLike,
    ages_y: ArrayLike,
    sex: str,
    *,
    analyte: str = "igf1",
    reference: Reference = None,
) -> NDArray[np.float64]:
    """Vectorised :func:`sds`: the SDS of many values, e.g. a simulated trajectory.

    Parameters
    ----------
    values_ng_ml
        Concentrations [ng/mL], all finite and > 0.
    ages_y
        Ages [y], broadcast against ``values_ng_ml`` (a scalar for a fixed age, or one age
        per value for a trajectory that spans years).
    sex
        ``"male"`` or ``"female"``.

    Other Parameters
    ----------------
    analyte, reference
        As in :func:`sds`.

    Returns
    -------
    SDS per value [-], shape of the broadcast inputs.

    Raises
    ------
    ProtocolError
        A value is not finite or not > 0; an age is out of range (as in :func:`sds`).

    Warns
    -----
    ExtrapolationWarning
        An age lies above the table (80 y) and was clamped (one warning per call).

    Examples
    --------
    >>> sds_array([100.0, 119.6], 60.0, "male").round(2).tolist()
    [-0.71, 0.0]
    """
    table = _resolve(analyte, reference)
    values, ages = np.broadcast_arrays(
        np.asarray(values_ng_ml, dtype=np.float64), np.asarray(ages_y, dtype=np.float64)
    )
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0.0):
        bad = values[~(np.isfinite(values) & (values > 0.0))] if values.size else values
        raise ProtocolError(
            f"`values_ng_ml` must be finite concentrations > 0 {table.unit}; got "
            f"{bad[:3].tolist() if bad.size else 'an empty array'}. Remove missing or "
            f"non-positive values first."
        )
    params = table._lookup_many(ages.ravel(), sex, stacklevel=3)
    lower, upper = _bcpe_tails(values.ravel(), *params)
    z = np.where(lower < 0.5, special.ndtri(lower), -special.ndtri(upper))
    return z.reshape(values.shape)
