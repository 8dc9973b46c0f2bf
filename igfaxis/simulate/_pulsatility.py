"""GH pulsatility read-outs: burst frequency, burst mass, basal secretion, approximate entropy.

Pure numpy functions on arrays, plus :func:`pulsatility`, which reads them off a
:class:`~igfaxis.simulate.Trajectory` over a window. Definitions (docs/validation.md,
"Pulsatility metrics"):

- **Burst frequency** (serum): serum GH is sampled every 10 min and a burst is a local
  maximum whose rise above the nadir since the previous burst is at least 0.2 ng/mL and at
  least 50% of that nadir (the fixed-threshold, Cluster-like rule of
  ``igfaxis.validation.count_bursts``; :func:`burst_peaks`). Counted on *serum* GH, so an
  exogenous GH profile is judged as a clinician's sampled profile would be.
- **Basal secretion**: the floor (minimum) of the pituitary secretion rate
  ``gh_secretion_ng_ml_h`` over each 24-h block [ng/mL/h]: the time-invariant secretion of
  deconvolution analysis (Veldhuis' basal plus pulsatile model). The model outputs the
  secretion rate directly, so no deconvolution is needed. Exogenous GH is not secretion.
- **Burst mass**: pulsatile secretion (the integral of the rate above its floor) divided
  by the number of secretory bursts in the rate [ng/mL of the central volume per burst,
  the µg/L "mass per burst" of deconvolution papers]. Secretory bursts are detected in the
  rate with the same rule as serum bursts, with thresholds of 1 ng/mL/h and 50% of the
  nadir: a rise of 1 ng/mL/h held for the model's 15-min burst width releases 0.25 ng/mL,
  about the 0.2 ng/mL serum threshold. A peak within 30 min of a burst's first peak is part
  of that burst (:func:`secretory_bursts`).
- **Approximate entropy** ApEn(m, r) (Pincus 1991 PNAS 88:2297): for the embedded vectors
  u_i = (x_i, ..., x_{i+m-1}), i = 1..N-m+1, C_i^m(r) is the fraction of vectors u_j
  (self-match included) with max_k |x_{i+k} - x_{j+k}| <= r, Phi^m(r) the mean of
  ln C_i^m(r), and ApEn = Phi^m(r) - Phi^{m+1}(r). The GH literature uses m = 1 and r = 20%
  of the series SD on 24-h profiles sampled every 5-20 min (Pincus, Veldhuis and co-workers;
  [UNVERIFIED] against a methods section);
  larger values mean a more irregular (disorderly) release. Serum GH ApEn is higher in
  acromegaly (Hartman 1994 JCI 94:1277), with age and in women (Roelfsema 2016
  Neuroendocrinology 103:335).

Accuracy: the secretion integrals are trapezoidal sums over the saved output. The model's
bursts open with a spike of a minute or two, which the default 5-min output can step over.
Basal secretion is robust to this, but pulsatile secretion and burst mass come out low:
20-30% and 15-25% for a 45-y man (docs/validation.md). Simulate with
``SolverConfig(save_every_h=1/60)`` when those numbers matter. The serum metrics (burst
frequency, ApEn) resample the saved serum GH, a state of the solution, every 10 min, so the
output step does not affect them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from igfaxis.errors import ProtocolError
from igfaxis.simulate._trajectory import Trajectory

__all__ = [
    "GH_RESOLUTION_NG_ML",
    "approximate_entropy",
    "basal_secretion",
    "burst_mass",
    "burst_peaks",
    "pulsatility",
    "resample",
    "secretory_bursts",
]

#: smallest GH difference [ng/mL] that ApEn treats as real: the detection limit of the
#: ultrasensitive GH assay of Peacey 2001 JCEM (0.002 µg/L). Without a floor, a
#: profile that is flat to solver round-off (a continuous infusion) would score as noise.
GH_RESOLUTION_NG_ML = 0.002

_CHUNK = 512  # rows of the pairwise match matrix held at once (memory ~ _CHUNK x N bools)


def resample(
    times_h: np.ndarray, values: np.ndarray, start_h: float, end_h: float, sample_min: float = 10.0
) -> np.ndarray:
    """Values sampled every ``sample_min`` minutes from the first output time in
    [``start_h``, ``end_h``] (linear interpolation), as a blood-sampling protocol would."""
    m = (times_h >= start_h - 1e-9) & (times_h <= end_h + 1e-9)
    if np.count_nonzero(m) < 2:
        raise ProtocolError(
            f"the window [{start_h:g}, {end_h:g}] h holds {np.count_nonzero(m)} output "
            f"time(s); it needs two or more. Widen the window or simulate a longer horizon."
        )
    t, y = times_h[m], values[m]
    grid = np.arange(t[0], t[-1] + 1e-9, sample_min / 60.0)
    return np.interp(grid, t, y)


def burst_peaks(values: np.ndarray, *, min_rise: float, min_rise_rel: float = 0.5) -> np.ndarray:
    """Indices of burst peaks in a series (fixed-threshold, Cluster-like rule).

    A burst is a local maximum whose rise above the nadir since the previous burst is at
    least ``min_rise`` (absolute, in the series' unit) and at least ``min_rise_rel`` times
    that nadir.

    Examples
    --------
    >>> burst_peaks(np.array([1.0, 3.0, 1.0, 1.2, 1.0, 4.0, 1.0]), min_rise=0.5).tolist()
    [1, 5]
    """
    g = np.asarray(values, dtype=float)
    peaks: list[int] = []
    nadir = g[0] if g.size else 0.0
    for i in range(1, g.size - 1):
        nadir = min(nadir, g[i])
        if g[i] >= g[i - 1] and g[i] > g[i + 1]:
            rise = g[i] - nadir
            if rise >= min_rise and rise >= min_rise_rel * nadir:
                peaks.append(i)
                nadir = g[i]
    return np.asarray(peaks, dtype=int)


def _phi(x: np.ndarray, m: int, r: float) -> float:
    """Pincus' Phi^m(r): mean over i of ln C_i^m(r), self-matches included."""
    emb = sliding_window_view(x, m)
    n = emb.shape[0]
    logs = np.empty(n)
    for a in range(0, n, _CHUNK):
        block = emb[a : a + _CHUNK]
        match = np.ones((block.shape[0], n), dtype=bool)
        for k in range(m):
            match &= np.abs(block[:, k, None] - emb[None, :, k]) <= r
        logs[a : a + _CHUNK] = np.log(np.count_nonzero(match, axis=1) / n)
    return float(logs.mean())


def approximate_entropy(
    values: np.ndarray,
    m: int = 1,
    r_fraction: float = 0.2,
    *,
    r: float | None = None,
    r_min: float = 0.0,
) -> float:
    """Approximate entropy ApEn(m, r) of a series [-] (Pincus 1991).

    Parameters
    ----------
    values
        The series, equally spaced (e.g. serum GH every 10 min) [any unit].
    m
        Embedding (pattern) length; the GH literature uses 1.
    r_fraction
        Tolerance as a fraction of the series' sample SD (n - 1); the GH literature uses 0.2.
    r
        Absolute tolerance [unit of ``values``]; overrides ``r_fraction``.
    r_min
        Lower bound on the tolerance [unit of ``values``], the smallest difference that
        counts as real (assay resolution, solver round-off).

    Returns
    -------
    ApEn >= 0 up to finite-sample effects: about 0 for a constant or a series whose every
    value determines the next (a strictly periodic sawtooth), larger for irregular series.

    Examples
    --------
    >>> approximate_entropy(np.full(50, 1.5))
    0.0
    """
    x = np.asarray(values, dtype=float).ravel()
    if m < 1 or x.size < m + 2:
        raise ProtocolError(
            f"`approximate_entropy` needs m >= 1 and at least m + 2 values; got m = {m} and "
            f"{x.size} values. Pass a longer series (24 h of 10-min samples is 145)."
        )
    if not np.all(np.isfinite(x)):
        raise ProtocolError("`approximate_entropy` got non-finite values; drop them first.")
    tol = r if r is not None else r_fraction * float(np.std(x, ddof=1))
    tol = max(tol, r_min)
    if tol < 0.0:
        raise ProtocolError(f"the ApEn tolerance `r` must be >= 0; got {tol!r}.")
    return _phi(x, m, tol) - _phi(x, m + 1, tol)


def basal_secretion(rate: np.ndarray) -> float:
    """Basal (time-invariant) secretion: the floor of the secretion rate [rate unit]."""
    return float(np.min(rate))


def secretory_bursts(
    times_h: np.ndarray,
    rate: np.ndarray,
    *,
    min_rise: float = 1.0,
    min_rise_rel: float = 0.5,
    merge_h: float = 0.5,
) -> np.ndarray:
    """Peak times [h] of the bursts in a secretion rate.

    Peaks are found with :func:`burst_peaks` (``min_rise`` in the rate's unit); a peak less
    than ``merge_h`` after the previous burst's first peak belongs to that burst. The model's
    bursts open with a spike of a minute or two that somatostatin cuts short, followed by a
    smaller shoulder; 30 min (two 15-min burst widths, three 10-min samples) keeps the pair
    one burst, as pulse detection on sampled serum would.
    """
    t = np.asarray(times_h, dtype=float)
    peaks = t[burst_peaks(rate, min_rise=min_rise, min_rise_rel=min_rise_rel)]
    kept: list[float] = []
    for tp in peaks:
        if not kept or tp - kept[-1] >= merge_h - 1e-9:
            kept.append(float(tp))
    return np.asarray(kept)


def _secretion(
    times_h: np.ndarray, rate: np.ndarray, min_rise: float, min_rise_rel: float, merge_h: float
) -> tuple[float, float, float, int]:
    """(basal, total integral, pulsatile integral, secretory bursts) of one block."""
    basal = basal_secretion(rate)
    total = float(np.trapezoid(rate, times_h))
    pulsatile = float(np.trapezoid(rate - basal, times_h))
    n = secretory_bursts(
        times_h, rate, min_rise=min_rise, min_rise_rel=min_rise_rel, merge_h=merge_h
    ).size
    return basal, total, pulsatile, int(n)


def burst_mass(
    times_h: np.ndarray,
    rate: np.ndarray,
    *,
    min_rise: float = 1.0,
    min_rise_rel: float = 0.5,
    merge_h: float = 0.5,
) -> float:
    """Mean mass per secretory burst [rate unit x h]: the integral of the rate above its
    floor (:func:`basal_secretion`) over the series, divided by the number of
    :func:`secretory_bursts`. NaN when there is no burst."""
    _, _, pulsatile, n = _secretion(
        np.asarray(times_h, float), np.asarray(rate, float), min_rise, min_rise_rel, merge_h
    )
    return pulsatile / n if n else math.nan


def _blocks(start_h: float, end_h: float, block_h: float | None) -> list[tuple[float, float]]:
    if block_h is None or end_h - start_h < block_h - 1e-9:
        return [(start_h, end_h)]
    n = math.floor((end_h - start_h) / block_h + 1e-9)
    return [(start_h + k * block_h, start_h + (k + 1) * block_h) for k in range(n)]


def pulsatility(
    traj: Trajectory,
    start_h: float | None = None,
    end_h: float | None = None,
    *,
    block_h: float | None = 24.0,
    sample_min: float = 10.0,
    min_rise_ng_ml: float = 0.2,
    min_rise_rel: float = 0.5,
    secretion_min_rise_ng_ml_h: float = 1.0,
    secretion_merge_h: float = 0.5,
    apen_m: int = 1,
    apen_r_fraction: float = 0.2,
) -> dict[str, Any]:
    """GH pulsatility of a trajectory over [``start_h``, ``end_h``] (default: the whole run).

    The window is cut into consecutive ``block_h`` blocks (24 h, the length of the published
    profiles; the remainder is dropped; a window shorter than a block is one block), each
    block is read as one sampled profile, and the blocks are pooled.

    Returns
    -------
    A mapping with

    - ``burst_frequency_per_day``: serum GH bursts per 24 h (10-min samples, 0.2 ng/mL and
      50% of the nadir) [1/day];
    - ``approximate_entropy``: mean over blocks of ApEn(1, 20% SD) of serum GH sampled every
      ``sample_min`` min, tolerance at least :data:`GH_RESOLUTION_NG_ML` [-];
    - ``basal_secretion_ng_ml_h``: mean over blocks of the secretion-rate floor [ng/mL/h];
    - ``secretion_ng_ml_per_day``: pituitary secretion per 24 h [ng/mL/day];
    - ``pulsatile_fraction``: share of secretion above the floor [-] (NaN without secretion);
    - ``secretory_bursts_per_day``: bursts in the secretion rate per 24 h [1/day];
    - ``burst_mass_ng_ml``: pulsatile secretion per secretory burst [ng/mL] (NaN without
      bursts).
    """
    t = traj.times_h
    a = float(t[0]) if start_h is None else float(start_h)
    b = float(t[-1]) if end_h is None else float(end_h)
    gh, rate = traj["gh_ng_ml"], traj["gh_secretion_ng_ml_h"]
    blocks = _blocks(a, b, block_h)
    hours = sum(hi - lo for lo, hi in blocks)
    serum_bursts, apen, basal, total, pulsatile, sec_bursts = 0, [], [], 0.0, 0.0, 0
    for lo, hi in blocks:
        g = resample(t, gh, lo, hi, sample_min)
        serum_bursts += burst_peaks(g, min_rise=min_rise_ng_ml, min_rise_rel=min_rise_rel).size
        apen.append(approximate_entropy(g, apen_m, apen_r_fraction, r_min=GH_RESOLUTION_NG_ML))
        w = traj.window(lo, hi)
        bas, tot, pul, n = _secretion(
            t[w], rate[w], secretion_min_rise_ng_ml_h, min_rise_rel, secretion_merge_h
        )
        basal.append(bas)
        total, pulsatile, sec_bursts = total + tot, pulsatile + pul, sec_bursts + n
    per_day = 24.0 / hours
    return {
        "burst_frequency_per_day": serum_bursts * per_day,
        "approximate_entropy": float(np.mean(apen)),
        "basal_secretion_ng_ml_h": float(np.mean(basal)),
        "secretion_ng_ml_per_day": total * per_day,
        "pulsatile_fraction": pulsatile / total if total > 0.0 else math.nan,
        "secretory_bursts_per_day": sec_bursts * per_day,
        "burst_mass_ng_ml": pulsatile / sec_bursts if sec_bursts else math.nan,
    }
