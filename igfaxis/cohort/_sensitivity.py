"""Global sensitivity: SALib Sobol indices and Morris screening over the parameter table.

Each sample is a full pulse-resolved run (:func:`igfaxis.simulate.simulate`, native kernel)
of one person under one protocol with some parameters of ``igfaxis/data/parameters.csv``
moved within the table's ``lower``-``upper`` bounds: log-uniform when both bounds are
positive and span a factor of 10 or more (most do: e.g. ``pit_kr1`` 10-100,000), uniform
otherwise [design]. The run starts from the description's initial state after
``warmup_days`` (the habitual state would be recomputed for every parameter set). Outputs,
over the simulated days after the warm-up:

- ``igf1_mean_ng_ml``: mean total IGF-1;
- ``time_in_band``: share of the time within 120-160 ng/mL (:func:`igfaxis.risk.time_in_band`);
- ``gh_burst_frequency_per_day``, ``gh_approximate_entropy``, ``gh_pulsatile_fraction``: GH
  pulsatility (:func:`igfaxis.simulate.pulsatility`).

Sobol: Saltelli sampling (``samples x (2k + 2)`` runs), first-order ``S1`` and total ``ST``.
Morris: ``samples`` trajectories (``samples x (k + 1)`` runs), ``mu_star`` and ``sigma``
(scaled by the output's SD over the samples, so outputs can be compared).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from igfaxis._files import staged_outputs
from igfaxis._messages import short_repr
from igfaxis.cohort._run import DISCLAIMER
from igfaxis.errors import ProtocolError, SimulationError
from igfaxis.model import PARAMETERS, default_params
from igfaxis.protocol import Person, Protocol

__all__ = ["DEFAULT_PARAMETERS", "OUTPUTS", "SensitivityResult", "plot_sensitivity",
           "sensitivity"]  # fmt: skip

#: parameters screened by default: secretion, feedback, clearance, hepatic response, pulses
DEFAULT_PARAMETERS = ("pit_kr1", "igf_fb_ic50", "gh_cl", "liver_sens", "pulse_rate_sleep",
                      "srif_pev_basal")  # fmt: skip
OUTPUTS = ("igf1_mean_ng_ml", "time_in_band", "gh_burst_frequency_per_day",
           "gh_approximate_entropy", "gh_pulsatile_fraction")  # fmt: skip


@dataclass(frozen=True)
class SensitivityResult:
    """Indices per parameter and output.

    Attributes
    ----------
    method
        ``"sobol"`` or ``"morris"``.
    table
        :class:`pandas.DataFrame`: ``output``, ``parameter``, then ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf`` (Sobol) or ``mu_star``, ``mu_star_conf``, ``sigma`` (Morris, scaled by the
        output's SD).
    runs
        Model runs made.
    bounds
        ``{parameter: (low, high, scale)}``.
    """

    method: str
    table: Any
    runs: int
    bounds: dict[str, tuple[float, float, str]]

    def save(self, path: str | Path) -> Path:
        """Write the table as CSV (atomically)."""
        out = Path(path)
        if out.suffix.lower() != ".csv":
            raise ProtocolError(f"the sensitivity table is written as .csv; got "
                                f"{short_repr(out.name)}.")  # fmt: skip
        with staged_outputs(out) as (tmp,):
            self.table.to_csv(tmp, index=False)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``--json``)."""
        return {"method": self.method, "runs": self.runs,
                "bounds": {k: list(v) for k, v in self.bounds.items()},
                "indices": self.table.to_dict(orient="records"), "note": DISCLAIMER}  # fmt: skip


def _bounds(params: Sequence[str]) -> dict[str, tuple[float, float, str]]:
    rows = dict(PARAMETERS)
    out = {}
    for name in params:
        if name not in rows:
            raise ProtocolError(f"`--param` {short_repr(name)} is not in the parameter table "
                                "(igfaxis/data/parameters.csv); use a name of its `name` "
                                "column, e.g. pit_kr1.")  # fmt: skip
        lo, hi = float(rows[name].lower), float(rows[name].upper)
        scale = "log" if lo > 0.0 and hi / lo >= 10.0 else "linear"
        out[name] = (lo, hi, scale)
    if len(out) < 2:
        raise ProtocolError("sensitivity needs at least two parameters; repeat `--param`.")
    return out


def _outputs(traj: Any, start_h: float) -> list[float]:
    from igfaxis.risk import time_in_band

    t, v = traj.times_h, traj["igf1_total_ng_ml"]
    keep = t >= start_h
    pulses = traj.pulsatility(start_h, None)
    return [float(np.mean(v[keep])), time_in_band(t[keep], v[keep]).in_band_fraction,
            float(pulses["burst_frequency_per_day"]), float(pulses["approximate_entropy"]),
            float(pulses["pulsatile_fraction"])]  # fmt: skip


def sensitivity(
    person: Person,
    protocol: Protocol | None = None,
    *,
    params: Sequence[str] | None = None,
    method: str = "morris",
    samples: int = 8,
    days: int = 2,
    warmup_days: float = 7.0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Sobol indices or Morris screening of the outputs (module docstring).

    Parameters
    ----------
    person
        Who.
    protocol
        What (``None``: a usual day).

    Other Parameters
    ----------------
    params
        Parameter names of the table (default :data:`DEFAULT_PARAMETERS`).
    method
        ``"sobol"`` or ``"morris"``.
    samples
        Sobol base samples (a power of 2) or Morris trajectories.
    days
        Days simulated per sample after the warm-up.
    warmup_days
        Days from the initial state before the outputs are read.
    seed
        Seed of the sampling and of the burst train (one train for every sample).
    progress
        Called as ``progress(done, total)`` after each run.
    """
    from SALib.analyze import morris as morris_analyze, sobol as sobol_analyze
    from SALib.sample import morris as morris_sample, sobol as sobol_sample

    from igfaxis.simulate import SolverConfig, simulate

    if method not in ("sobol", "morris"):
        raise ProtocolError(f"`method` must be 'sobol' or 'morris'; got {short_repr(method)}.")
    if isinstance(samples, bool) or not isinstance(samples, int) or not 2 <= samples <= 4096:
        raise ProtocolError(f"`samples` must be a whole number from 2 to 4096; got "
                            f"{short_repr(samples)}.")  # fmt: skip
    if method == "sobol" and samples & (samples - 1):
        raise ProtocolError(f"Sobol `samples` must be a power of 2; got {samples}. Pass e.g. 16.")
    if not isinstance(days, int) or not 1 <= days <= 60:
        raise ProtocolError(f"`days` must be a whole number from 1 to 60; got {short_repr(days)}.")
    bounds = _bounds(list(params) if params is not None else list(DEFAULT_PARAMETERS))
    names = list(bounds)
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[math.log(lo), math.log(hi)] if s == "log" else [lo, hi]
                          for lo, hi, s in bounds.values()]}  # fmt: skip
    if method == "sobol":
        x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    else:
        x = morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    base = default_params()
    solver = SolverConfig(start="initial", warmup_days=float(warmup_days))
    y = np.empty((x.shape[0], len(OUTPUTS)))
    for i, row in enumerate(x):
        values = {n: (math.exp(v) if bounds[n][2] == "log" else float(v))
                  for n, v in zip(names, row, strict=True)}  # fmt: skip
        try:
            traj = simulate(person, protocol, days=float(days), seed=seed,
                            params=base._replace(**values), solver=solver)  # fmt: skip
        except SimulationError as exc:
            raise SimulationError(
                f"sample {i + 1} ({', '.join(f'{k}={v:.4g}' for k, v in values.items())}) "
                f"failed: {exc}. Narrow the parameters (fewer `--param`) or report it.",
                getattr(exc, "result", None)) from None  # fmt: skip
        y[i] = _outputs(traj, 0.0)
        if progress is not None:
            progress(i + 1, x.shape[0])
    if not np.all(np.isfinite(y)):
        bad = [OUTPUTS[j] for j in range(y.shape[1]) if not np.all(np.isfinite(y[:, j]))]
        raise SimulationError(f"outputs {', '.join(bad)} were not finite for some samples (e.g. "
                              "no GH bursts at all); drop the parameter that silences them.")
    import pandas as pd

    rows = []
    for j, out in enumerate(OUTPUTS):
        yj = y[:, j]
        sd = float(np.std(yj))
        if method == "sobol":
            r = sobol_analyze.analyze(problem, yj, calc_second_order=False, seed=seed) if sd > 0 \
                else None  # fmt: skip
            for k, n in enumerate(names):
                rows.append({"output": out, "parameter": n,
                             "S1": float(r["S1"][k]) if r else 0.0,
                             "S1_conf": float(r["S1_conf"][k]) if r else 0.0,
                             "ST": float(r["ST"][k]) if r else 0.0,
                             "ST_conf": float(r["ST_conf"][k]) if r else 0.0})  # fmt: skip
        else:
            r = morris_analyze.analyze(problem, x, yj, num_levels=4, seed=seed)
            scale = sd if sd > 0 else 1.0
            for k, n in enumerate(names):
                rows.append({"output": out, "parameter": n,
                             "mu_star": float(r["mu_star"][k]) / scale,
                             "mu_star_conf": float(r["mu_star_conf"][k]) / scale,
                             "sigma": float(r["sigma"][k]) / scale})  # fmt: skip
    return SensitivityResult(method, pd.DataFrame(rows), int(x.shape[0]), bounds)


def plot_sensitivity(result: SensitivityResult, path: str | Path) -> Path:
    """A heat map of ``ST`` (Sobol) or scaled ``mu_star`` (Morris), parameter x output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ProtocolError(f"the plot must be .png, .svg or .pdf; got {short_repr(out.name)}.")
    key = "ST" if result.method == "sobol" else "mu_star"
    grid = result.table.pivot(index="parameter", columns="output", values=key)
    grid = grid[[c for c in OUTPUTS if c in grid.columns]]
    fig, ax = plt.subplots(figsize=(1.6 * grid.shape[1] + 2.5, 0.45 * grid.shape[0] + 1.8))
    im = ax.imshow(grid.to_numpy(), cmap="viridis", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=8)
    for (i, j), v in np.ndenumerate(grid.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", color="w", fontsize=7)
    fig.colorbar(im, ax=ax, label=f"{key} ({result.method})")
    fig.text(0.5, 0.005, DISCLAIMER, ha="center", fontsize=7, style="italic")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    with staged_outputs(out) as (tmp,):
        fig.savefig(tmp)
    plt.close(fig)
    return out
