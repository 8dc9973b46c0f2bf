"""Virtual trials: a cohort's results per arm -> the distribution of response.

Per person and arm (from :func:`igfaxis.cohort.simulate_cohort`'s Dataset):

- **change of IGF-1**: the mean 08:00 total IGF-1 over the last ``end_days`` days of the arm
  minus the habitual 08:00 value before it (``igf1_baseline_ng_ml``) [ng/mL and %];
- **in band at the end**: that end value within ``band`` (closed);
- **responder**: a rise of at least ``responder_rise`` (relative) [design: 20% by default,
  about 1.5 x the 13% combined within-person and assay CV of one IGF-1 measurement,
  igfaxis.risk, so a single follow-up lab would usually see it];
- **time in band**: :func:`igfaxis.risk.time_in_band` over the daily means (the one
  definition);
- **hazard ratio**: of the end value's SDS (LIFE, the person's age and sex) on a packaged
  hazard curve (``mortality_meta`` by default, :func:`igfaxis.risk.hazard_curve`), its point
  estimate per person: a published association, not an effect of the protocol.

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.cohort._run import DISCLAIMER
from igfaxis.errors import ProtocolError
from igfaxis.risk import TARGET_BAND_NG_ML, hazard_curve, sds_array, time_in_band

__all__ = ["TrialResult", "plot_trial", "virtual_trial"]


@dataclass(frozen=True)
class TrialResult:
    """Per-person responses of a virtual trial and their summary.

    Attributes
    ----------
    persons
        :class:`pandas.DataFrame`, one row per person and arm: ``arm``, ``person``,
        ``baseline_ng_ml``, ``end_ng_ml``, ``change_ng_ml``, ``change_pct``, ``in_band_end``,
        ``responder``, ``time_in_band``, ``end_sds``, ``hazard_ratio``.
    band_ng_ml, responder_rise, curve
        The settings.
    """

    persons: Any
    band_ng_ml: tuple[float, float]
    responder_rise: float
    curve: str

    def summary(self) -> Any:
        """One row per arm: persons, the change of IGF-1 (mean, SD, median, 5th-95th
        centile, in ng/mL; median in %), the shares in band at the end and responding, the
        mean time in band, and the median and 5th-95th centile of the hazard ratio."""
        import pandas as pd

        rows = []
        for arm, g in self.persons.groupby("arm", sort=False):
            c = g.change_ng_ml.to_numpy()
            hr = g.hazard_ratio.to_numpy()
            rows.append({
                "arm": arm, "persons": len(g), "baseline_median_ng_ml": g.baseline_ng_ml.median(),
                "end_median_ng_ml": g.end_ng_ml.median(), "change_mean_ng_ml": c.mean(),
                "change_sd_ng_ml": c.std(ddof=1) if c.size > 1 else 0.0,
                "change_median_ng_ml": np.median(c), "change_p05_ng_ml": np.percentile(c, 5),
                "change_p95_ng_ml": np.percentile(c, 95),
                "change_median_pct": g.change_pct.median(),
                "share_in_band_end": g.in_band_end.mean(), "share_responders": g.responder.mean(),
                "time_in_band_mean": g.time_in_band.mean(), "hazard_ratio_median": np.median(hr),
                "hazard_ratio_p05": np.percentile(hr, 5), "hazard_ratio_p95": np.percentile(hr, 95),
            })  # fmt: skip
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (``--json``), with the settings and the disclaimer."""
        return {"band_ng_ml": list(self.band_ng_ml), "responder_rise": self.responder_rise,
                "hazard_curve": self.curve, "arms": self.summary().to_dict(orient="records"),
                "note": DISCLAIMER}  # fmt: skip


def virtual_trial(
    results: Any,
    *,
    band: tuple[float, float] = TARGET_BAND_NG_ML,
    responder_rise: float = 0.2,
    end_days: int = 7,
    curve: str = "mortality_meta",
) -> TrialResult:
    """Summarise a cohort run as a trial (module docstring).

    Parameters
    ----------
    results
        The Dataset of :func:`igfaxis.cohort.simulate_cohort`.

    Other Parameters
    ----------------
    band
        ``(low, high)`` total IGF-1 [ng/mL].
    responder_rise
        Relative rise of IGF-1 that counts as a response [-].
    end_days
        Days at the end of the arm whose 08:00 values are averaged.
    curve
        Hazard curve id (:func:`igfaxis.risk.hazard_curves`), on the SDS scale.
    """
    import pandas as pd

    low, high = (float(x) for x in band)
    if not (np.isfinite(low) and np.isfinite(high) and 0.0 < low <= high):
        raise ProtocolError(f"`band` must be (low, high) with 0 < low <= high [ng/mL]; got "
                            f"{short_repr(band)}. Pass e.g. (120, 160).")  # fmt: skip
    if not (np.isfinite(responder_rise) and -1.0 < responder_rise < 10.0):
        raise ProtocolError(f"`responder_rise` must be a relative rise in (-1, 10); got "
                            f"{short_repr(responder_rise)}. Pass e.g. 0.2 for 20%.")  # fmt: skip
    hc = hazard_curve(curve)
    if hc.scale != "sds":
        raise ProtocolError(f"`curve` must be a hazard curve on the SDS scale; {curve!r} is on "
                            f"the {hc.scale!r} scale. Use e.g. 'mortality_meta'.")  # fmt: skip
    n_days = results.sizes["day"]
    k = max(1, min(int(end_days), n_days))
    end = results.igf1_08h_ng_ml.isel(day=slice(n_days - k, n_days)).mean("day").values
    base = results.igf1_baseline_ng_ml.values
    daily = results.igf1_total_ng_ml.values
    ages = results.age_y.values + (n_days - 0.5 * k) / 365.25
    sexes = results.sex.values
    t_h = 24.0 * np.arange(n_days, dtype=float)
    frames = []
    for a, arm in enumerate(results.arm.values):
        z = np.empty(end.shape[0])
        for s in ("male", "female"):
            m = sexes == s
            if m.any():
                z[m] = sds_array(end[m, a], ages[m], s)
        tib = np.array([time_in_band(t_h, daily[i, a], (low, high)).in_band_fraction
                        for i in range(daily.shape[0])])  # fmt: skip
        change = end[:, a] - base[:, a]
        frames.append(pd.DataFrame({
            "arm": str(arm), "person": results.person.values, "baseline_ng_ml": base[:, a],
            "end_ng_ml": end[:, a], "change_ng_ml": change,
            "change_pct": 100.0 * change / base[:, a],
            "in_band_end": (end[:, a] >= low) & (end[:, a] <= high),
            "responder": end[:, a] >= (1.0 + responder_rise) * base[:, a],
            "time_in_band": tib, "end_sds": z, "hazard_ratio": np.exp(hc.log_hr(z)),
        }))  # fmt: skip
    return TrialResult(pd.concat(frames, ignore_index=True), (low, high), float(responder_rise),
                       curve)  # fmt: skip


def plot_trial(trial: TrialResult, path: str | Path) -> Path:
    """One panel per arm: the distribution of the change of IGF-1 [%], the responder
    threshold, and the arm's share in band and responding; written atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ProtocolError(f"the plot must be .png, .svg or .pdf; got {short_repr(out.name)}.")
    summary = trial.summary().set_index("arm")
    arms = list(summary.index)
    fig, axes = plt.subplots(1, len(arms), figsize=(4.2 * len(arms), 3.4), squeeze=False,
                             sharey=True)  # fmt: skip
    for ax, arm in zip(axes[0], arms, strict=True):
        g = trial.persons[trial.persons.arm == arm]
        ax.hist(g.change_pct, bins=30, color="#4c72b0", alpha=0.85)
        ax.axvline(100.0 * trial.responder_rise, color="k", ls="--", lw=1,
                   label=f"responder: +{100 * trial.responder_rise:.0f}%")  # fmt: skip
        s = summary.loc[arm]
        ax.set_title(f"{arm}\nin band {100 * s.share_in_band_end:.0f}%, responders "
                     f"{100 * s.share_responders:.0f}%", fontsize=9)  # fmt: skip
        ax.set_xlabel("change of 08:00 IGF-1 [%]")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("persons")
    fig.text(0.5, 0.005, DISCLAIMER, ha="center", fontsize=7, style="italic")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    with staged_outputs(out) as (tmp,):
        fig.savefig(tmp)
    plt.close(fig)
    return out
