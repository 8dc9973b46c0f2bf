"""Fit a person's personal parameters to their labs: MAP + Laplace, or NUTS.

Model. For prior z-scores ``z`` of :data:`~igfaxis.calibrate._forward.NAMES` (``z ~ N(0, I)``),
a lab ``y`` measured at time ``t`` is ``log y = log F_t(z) + e`` with
``e ~ N(0, sigma)``: ``F_t`` the model's total IGF-1 (or IGFBP-3) at the lab's clock time
under the person's history (day resolution, :mod:`igfaxis.calibrate._forward`) and
``sigma = sqrt(CV_I**2 + CV_A**2)``, the within-person biological and the assay's analytical
variation (:data:`igfaxis.risk.IGF1_CV_I`; CV_A the lab's platform's,
:func:`igfaxis.risk.assay_cv`, :data:`igfaxis.risk.IGF1_CV_A` = 0.06 when not stated or not
known; IGFBP-3: :data:`IGFBP3_CV_I` and 0.06). A GH value is a blood draw from a pulsatile
secretion: its distribution is the model's own, the 5-min samples of serum GH of the
tabulated burst trains in the draw's clock hour, read at the modelled IGF-1 feedback
(:meth:`igfaxis.simulate.DaySchedule.gh_at`: shares in 0.2-wide bins of log GH). Log GH
is right-skewed there (mostly troughs, sometimes a burst: its median 0.2-0.5 SD below its
mean), so no log-normal about the mean fits; its median and 5th and 95th centiles are
joined by a two-piece normal in log GH, each half widened by the assay's log-normal error
:data:`GH_CV_A` (:func:`gh_draw_score`; 8-32 tabulated burst trains do not show the far
tails). The value enters the fit as its normal score under that distribution, a standard
normal residual (the density's Jacobian, a constant on each side, is left out). A lab that
carries its own reference interval is fitted on the model's reference scale
(:func:`igfaxis.risk.harmonise_lab`: the same SDS in LIFE); ``CalibrationResult.labs`` holds
the labs so read.

- ``method="laplace"``: the posterior mode by trust-region least squares on the stacked
  residuals (labs / sigma, then z: the prior), covariance ``(J^T J)^-1`` from its final
  Jacobian (Gauss-Newton Laplace); the forward model is the day-resolution model itself.
- ``method="nuts"``: NUTS (numpyro) on a cubic polynomial emulator of ``log F`` fitted to
  the forward model on a Sobol design over the Laplace region (mode +- 3.5 SD, inside the
  prior's +-4.5 SD); its error on held-out points is a diagnostic; R-hat and effective
  sample size from arviz.

Model predictions, not medical advice.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from igfaxis.calibrate._forward import NAMES, Forward, Observation
from igfaxis.errors import ProtocolError
from igfaxis.protocol import History, Person, Protocol
from igfaxis.risk import IGF1_CV_A, IGF1_CV_I

__all__ = ["GH_CV_A", "IGFBP3_CV_I", "CalibrationConfig", "Timeline", "calibrate", "gh_draw_cdf",
           "gh_draw_quantiles", "gh_draw_score", "lab_sigma", "model_labs", "timeline"]

#: within-person biological variation of IGFBP-3 [CV, log scale]: 0.10 [UNVERIFIED: Nguyen TV
#: et al. 2008 Clin Chem 54:1268 give 11-21% for the IGF-axis markers together, read in
#: abstract; the same value sets the spread of igfbp3_als_production]
IGFBP3_CV_I = 0.10
#: analytical CV of a serum GH immunoassay: 0.07, the upper inter-assay CV (5-7% at GH
#: 1.7-27.5 ug/L) of the automated 22-kD-specific IDS-iSYS hGH assay [Manolopoulou J et al.
#: 2012 Clin Chem 58:1446, read in abstract]; beside the pulsatile spread of a single draw
#: (log SD 0.4-1.0 in the model's tables) it hardly counts
GH_CV_A = 0.07


@dataclass(frozen=True)
class CalibrationConfig:
    """Settings of :func:`calibrate`.

    Attributes
    ----------
    warmup_days
        Days of the first protocol simulated before the first lab or segment (the liver
        system forgets its start within about 20).
    draws
        Posterior draws kept (Laplace: sampled from the Gaussian).
    chains, warmup, samples
        NUTS chains, warm-up and kept draws per chain.
    seed
        Random seed of the posterior draws and chains.
    table_seed
        Chooses the burst trains that the day-resolution tables average (tables are cached
        by it: keep it fixed).
    prior_dominated
        A parameter whose posterior SD is above this share of its prior SD is flagged as
        prior-dominated (its labs say little about it).
    """

    warmup_days: int = 60
    draws: int = 1000
    chains: int = 4
    warmup: int = 500
    samples: int = 1000
    seed: int = 0
    table_seed: int = 0
    prior_dominated: float = 0.8


@dataclass(frozen=True)
class Timeline:
    """The labs and history placed on one day line (the schedule's).

    Attributes
    ----------
    origin_day
        Day on the labs' time line where the schedule starts.
    segments
        ``[(start_day, Protocol)]`` on the schedule's day line (first at 0).
    latest_date
        The date of the latest lab when the labs are dated (day 0), else ``None``.
    """

    origin_day: int
    segments: tuple[tuple[int, Protocol], ...]
    latest_date: dt.date | None

    def schedule_h(self, day: float, clock_h: float = 8.0) -> float:
        """Hours from the schedule's start of clock time ``clock_h`` on labs' day ``day``."""
        return 24.0 * (day - self.origin_day) + clock_h

    def day_of(self, when: float | str) -> float:
        """A day on the labs' time line from a number or an ISO date."""
        if isinstance(when, str):
            if self.latest_date is None:
                raise ProtocolError(
                    f"a date ({when}) needs dated labs; give a day on the labs' time line."
                )
            try:
                return float((dt.date.fromisoformat(when) - self.latest_date).days)
            except ValueError:
                raise ProtocolError(
                    f"cannot read {when!r} as a date (YYYY-MM-DD) or a day number."
                ) from None
        return float(when)


def timeline(labs: Sequence[Any], history: History | None, protocol: Protocol | None,
             warmup_days: int, until_day: float) -> Timeline:  # fmt: skip
    """Place labs and history segments on a schedule starting ``warmup_days`` before the
    first of them and running to ``until_day``."""
    dates = [lab.date for lab in labs if lab.date is not None]
    latest = max(dt.date.fromisoformat(str(d)) for d in dates) if dates else None
    usual = Protocol(name="usual day")
    first_lab = min((lab.day for lab in labs), default=0.0)
    if history is not None:
        segs = sorted(((s.start_day(latest), s.protocol) for s in history.segments),
                      key=lambda s: s[0])  # fmt: skip
    else:
        segs = [(first_lab, protocol or usual)]
    first = math.floor(min(first_lab, segs[0][0])) - warmup_days
    if history is None:
        segs = [(float(first), protocol or usual)]
    elif segs[0][0] > first:
        segs = [(float(first), usual), *segs]
    out = tuple((round(a - first), pr) for a, pr in segs)
    if until_day < first:
        raise ProtocolError("a prediction day lies before the schedule starts")
    return Timeline(int(first), out, latest)


def _sigma(analyte: str, assay: str | None = None) -> float:
    from igfaxis.risk import assay_cv

    cv_i = IGF1_CV_I if analyte == "igf1" else IGFBP3_CV_I
    cv_a = assay_cv(assay) if analyte == "igf1" else IGF1_CV_A
    return math.sqrt(cv_i**2 + cv_a**2)


def lab_sigma(analyte: str = "igf1", assay: str | None = None) -> float:
    """The SD of a lab's log value about the model (``"igf1"`` or ``"igfbp3"``): within-person
    biological and analytical variation together, as :func:`calibrate` assumes. ``assay``
    (free text, IGF-1 only) takes that platform's analytical CV
    (:func:`igfaxis.risk.assay_cv`; default 0.06)."""
    if analyte not in ("igf1", "igfbp3"):
        raise ValueError(f"analyte must be 'igf1' or 'igfbp3', got {analyte!r}")
    return _sigma(analyte, assay)


@dataclass(frozen=True)
class _When:
    day: float
    date: None = None


def model_labs(person: Person, days: Sequence[float], *, history: History | None = None,
               protocol: Protocol | None = None, clock_h: float = 8.0,
               config: CalibrationConfig = CalibrationConfig(),
               surrogate: bool = True) -> np.ndarray:  # fmt: skip
    """Noise-free total IGF-1 [ng/mL] of a person whose personal multipliers are known
    (``person.personal``; missing names at the prior median) at ``clock_h`` on each of
    ``days`` (the labs' time line), under ``history`` or ``protocol``.

    ``surrogate=True`` (default): the forward model that :func:`calibrate` fits, evaluated
    at the person's own parameters (tables at the pituitary nodes, spline-blended; persons
    with one history share them). ``surrogate=False``: the person's own tables at their
    pituitary capacity (one tabulation instead of one per node; no interpolation error), as
    a virtual clinic's truth (:func:`igfaxis.optimize.titrate`), where every person's dose
    history is their own."""
    from igfaxis.calibrate._forward import SUBSTEPS, liver_scale, z_scores
    from igfaxis.simulate import DayConfig, day_schedule, solve_schedule

    when = [float(d) for d in days]
    if not when:
        return np.zeros(0)
    tl = timeline([_When(d) for d in when], history, protocol, config.warmup_days, max(when))
    obs = [Observation(tl.schedule_h(d, clock_h), "igf1") for d in when]
    n_days = math.ceil(max(when) - tl.origin_day) + 1
    who = person.model_copy(update={"age_y": person.age_y + tl.origin_day / 365.25,
                                    "personal": {}})  # the tables do not depend on it
    z = z_scores(dict(person.personal))
    if surrogate:
        fwd = Forward(who, list(tl.segments), n_days, obs, seed=config.table_seed)
        return np.exp(fwd(z))
    pit = {n: v for n, v in person.personal.items() if n == NAMES[1]}  # pituitary capacity
    own = day_schedule(who.model_copy(update={"personal": pit}), list(tl.segments),
                       days=n_days, seed=config.table_seed, config=DayConfig())  # fmt: skip
    sol = solve_schedule(replace(own, substeps=SUBSTEPS), liver_scale(z))
    return sol.at(np.array([o.t_h for o in obs]), "igf1_total_ng_ml")


def _observations(labs: Sequence[Any], tl: Timeline) -> tuple[list[Observation], np.ndarray,
                                                                np.ndarray]:  # fmt: skip
    """Observations, log values and sigmas of the IGF-1, IGFBP-3 and GH labs (GH: the
    assay's; :class:`_Scored` turns a GH value into its normal score)."""
    obs, y, sd = [], [], []
    for lab in labs:
        h, m = (int(v) for v in lab.time.split(":"))
        t = tl.schedule_h(lab.day, h + m / 60.0)
        obs.append(Observation(t, "igf1"))
        y.append(math.log(lab.igf1_ng_ml))
        sd.append(_sigma("igf1", lab.assay))
        if lab.igfbp3_ng_ml is not None:
            obs.append(Observation(t, "igfbp3"))
            y.append(math.log(lab.igfbp3_ng_ml))
            sd.append(_sigma("igfbp3"))
        if lab.gh_ng_ml is not None:
            obs.append(Observation(t, "gh"))
            y.append(math.log(lab.gh_ng_ml))
            sd.append(GH_CV_A)
    return obs, np.array(y), np.array(sd)


def gh_draw_quantiles(shares: np.ndarray, qs: Sequence[float],
                      edges: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Quantiles (..., len(qs)) [log ng/mL] of hourly distributions ``shares`` (..., B) over
    the bins ``edges`` (default :data:`igfaxis.simulate.GH_LOG_EDGES`), the distribution
    function linear within a bin."""
    from igfaxis.simulate import GH_LOG_EDGES

    e = np.asarray(GH_LOG_EDGES if edges is None else edges, dtype=float)
    p = np.asarray(shares, dtype=float)
    p = p / np.sum(p, axis=-1, keepdims=True)
    cum = np.concatenate([np.zeros((*p.shape[:-1], 1)), np.cumsum(p, axis=-1)], axis=-1)
    out = []
    for q in qs:
        j = np.clip(np.sum(cum[..., 1:] < q, axis=-1), 0, p.shape[-1] - 1)[..., None]
        below = np.take_along_axis(cum, j, axis=-1)[..., 0]
        mass = np.maximum(np.take_along_axis(p, j, axis=-1)[..., 0], 1e-300)
        out.append(e[j[..., 0]] + np.clip((q - below) / mass, 0.0, 1.0) * np.diff(e)[j[..., 0]])
    return np.stack(out, axis=-1)


def gh_draw_score(shares: np.ndarray, log_y: np.ndarray, sd: float | np.ndarray = GH_CV_A,
                  edges: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Normal score of GH values ``exp(log_y)`` under hourly distributions ``shares``
    (..., B) over the bins ``edges`` [log ng/mL] (:func:`gh_draw_quantiles`): a two-piece
    normal in log GH through the distribution's median and its 5th and 95th centiles, each
    half's SD widened by the assay's error ``sd`` (log scale). Exact at those centiles, it
    gives a value beyond the tabulated samples (a draw rarer than 8-32 burst trains show)
    a finite score that moves smoothly and monotonically with the model."""
    lo, mid, hi = np.moveaxis(gh_draw_quantiles(shares, (0.05, 0.5, 0.95), edges), -1, 0)
    z95, a = 1.6448536269514722, np.asarray(sd, dtype=float) ** 2
    below = np.sqrt(((mid - lo) / z95) ** 2 + a)
    above = np.sqrt(((hi - mid) / z95) ** 2 + a)
    d = np.asarray(log_y, dtype=float) - mid
    return d / np.where(d < 0.0, below, above)


def gh_draw_cdf(shares: np.ndarray, log_y: np.ndarray, sd: float | np.ndarray = GH_CV_A,
                edges: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """``P(draw < y)``: :func:`gh_draw_score` on the probability scale."""
    from scipy.special import ndtr

    return ndtr(gh_draw_score(shares, log_y, sd, edges))


class _Scored:
    """The forward model with each GH value replaced by its normal score: a callable of
    ``z`` whose GH entries are ``-Phi^-1(F_z(y))`` (positive where the model lies above the
    value, as ``model - y`` is), against targets 0 with SD 1 (:attr:`y`, :attr:`sd`)."""

    def __init__(self, forward: Forward, y: np.ndarray, sd: np.ndarray) -> None:
        self.forward, self.is_gh = forward, forward.is_gh
        self.y_gh, self.sd_gh = y[self.is_gh], sd[self.is_gh]
        self.y = np.where(self.is_gh, 0.0, y)
        self.sd = np.where(self.is_gh, 1.0, sd)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        if not self.forward.has_gh:
            return self.forward(z)
        values, shares = self.forward.evaluate(z)
        values[self.is_gh] = -gh_draw_score(shares[self.is_gh], self.y_gh, self.sd_gh)
        return values


def _laplace(forward: Any, y: np.ndarray, sd: np.ndarray) -> tuple:
    """Posterior mode and Gauss-Newton covariance of z."""
    from scipy.optimize import least_squares

    def residuals(z: np.ndarray) -> np.ndarray:
        return np.concatenate([(forward(z) - y) / sd, z])

    fit = least_squares(residuals, np.zeros(len(NAMES)), method="trf", x_scale=1.0,
                        diff_step=1e-4, xtol=1e-8, ftol=1e-10, max_nfev=400)  # fmt: skip
    jac = np.asarray(fit.jac)
    try:
        cov = np.linalg.inv(jac.T @ jac)  # the prior rows keep it positive definite
    except np.linalg.LinAlgError:
        cov = np.full((len(NAMES), len(NAMES)), np.nan)
    return fit.x, cov, fit


def _features(z: np.ndarray, degree: int = 3) -> Any:
    """Monomials of z up to ``degree`` (works on numpy and jax arrays)."""
    cols = [z[..., 0] * 0.0 + 1.0]
    for d in range(1, degree + 1):
        for c in itertools.combinations_with_replacement(range(z.shape[-1]), d):
            term = z[..., c[0]]
            for i in c[1:]:
                term = term * z[..., i]
            cols.append(term)
    xp = np if isinstance(z, np.ndarray) else __import__("jax.numpy").numpy
    return xp.stack(cols, axis=-1)


def _emulator(forward: Any, centre: np.ndarray, cov: np.ndarray, seed: int) -> tuple:
    """A cubic polynomial of the forward model over the Laplace region: coefficients, the
    region's centre and scale, and the largest error on held-out points [log units]."""
    from scipy.stats import qmc

    # +-3.5 SD: the posterior's mass; at +-4 the design reached where the pituitary
    # tables are extrapolated (beyond +-2 prior SD) far enough to cost the cubic 2-15%
    scale = np.minimum(3.5 * np.sqrt(np.diag(cov)), 4.5)
    lo = np.maximum(centre - scale, -4.5)
    hi = np.minimum(centre + scale, 4.5)
    mid, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    unit = qmc.Sobol(len(NAMES), seed=seed).random(64) * 2.0 - 1.0
    ys = np.array([forward(mid + half * u) for u in unit])
    coef, *_ = np.linalg.lstsq(_features(unit), ys, rcond=None)
    check = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(12, len(NAMES)))
    err = _features(check) @ coef - np.array([forward(mid + half * u) for u in check])
    return coef, mid, half, float(np.max(np.abs(err)))


def _nuts(coef: np.ndarray, mid: np.ndarray, half: np.ndarray, y: np.ndarray, sd: np.ndarray,
          cfg: CalibrationConfig) -> tuple[np.ndarray, dict]:  # fmt: skip
    """NUTS draws (chains, samples, 3) of z on the emulator, and R-hat and ESS."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    numpyro.set_host_device_count(1)
    c, m, h = jnp.asarray(coef), jnp.asarray(mid), jnp.asarray(half)
    yy, ss = jnp.asarray(y), jnp.asarray(sd)

    def model() -> None:
        z = numpyro.sample("z", dist.Normal(jnp.zeros(len(NAMES)), 1.0).to_event(1))
        pred = _features((z - m) / h) @ c
        numpyro.factor("labs", jnp.sum(dist.Normal(pred, ss).log_prob(yy)))

    mcmc = MCMC(NUTS(model), num_warmup=cfg.warmup, num_samples=cfg.samples,
                num_chains=cfg.chains, chain_method="sequential", progress_bar=False)  # fmt: skip
    mcmc.run(jax.random.PRNGKey(cfg.seed))
    draws = np.asarray(mcmc.get_samples(group_by_chain=True)["z"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # arviz announces its refactor on import
        import arviz as az

        rhat = [float(az.rhat(draws[..., i])) for i in range(draws.shape[-1])]
        ess = [float(az.ess(draws[..., i])) for i in range(draws.shape[-1])]
    extra = mcmc.get_extra_fields()
    diverging = int(np.sum(np.asarray(extra.get("diverging", np.zeros(1)))))
    return draws, {"rhat": dict(zip(NAMES, rhat, strict=True)),
                   "ess": dict(zip(NAMES, ess, strict=True)), "divergences": diverging}


def _observed(forward: Forward, z: np.ndarray, obs: list[Observation], y: np.ndarray,
              sd: np.ndarray, resid: np.ndarray, tl: Timeline) -> list[dict[str, Any]]:  # fmt: skip
    """Each observation at the posterior mode: the value, the model's median and 90%
    interval of what a lab then reads, and the standardised residual (diagnostics)."""
    from scipy.optimize import brentq
    from scipy.special import ndtri

    values, shares = forward.evaluate(z)
    out = []
    for j, o in enumerate(obs):
        if o.analyte == "gh":
            cdf = lambda v, q, j=j: float(gh_draw_cdf(shares[j], v, sd[j])) - q  # noqa: E731
            q = [math.exp(brentq(cdf, -10.0, 10.0, args=(p,), xtol=1e-9))
                 for p in (0.05, 0.5, 0.95)]  # fmt: skip
        else:
            q = [math.exp(values[j] + sd[j] * float(ndtri(p))) for p in (0.05, 0.5, 0.95)]
        out.append({"analyte": o.analyte, "day": float(tl.origin_day + o.t_h // 24.0),
                    "clock_h": float(o.t_h % 24.0), "value_ng_ml": float(math.exp(y[j])),
                    "model_q05_ng_ml": q[0], "model_median_ng_ml": q[1], "model_q95_ng_ml": q[2],
                    "standardised_residual": float(resid[j])})  # fmt: skip
    return out


def calibrate(
    person: Person,
    labs: Sequence[Any],
    *,
    history: History | None = None,
    protocol: Protocol | None = None,
    method: Literal["laplace", "nuts"] = "laplace",
    config: CalibrationConfig = CalibrationConfig(),
) -> Any:
    """Fit the person's personal parameters to their labs.

    Parameters
    ----------
    person
        Who, with ``age_y`` at day 0 of the labs' time line (the latest lab when dated).
        ``personal`` is ignored: it is what is fitted.
    labs
        :class:`~igfaxis.io.labs.LabValue` records (:func:`igfaxis.io.read_labs`): IGF-1,
        and IGFBP-3 and GH where measured (a GH value is weighed by the model's own
        distribution of a single draw at its clock hour: it says little, but not nothing,
        about pituitary capacity).

    Other Parameters
    ----------------
    history
        What the person did between labs (:class:`~igfaxis.protocol.History`); a dose
        change between labs is what makes hepatic sensitivity learnable apart from
        pituitary capacity.
    protocol
        Without a history: the protocol the person followed throughout (default: usual
        day).
    method
        ``"laplace"`` (default, fast) or ``"nuts"`` (full posterior).
    config
        :class:`CalibrationConfig`.

    Returns
    -------
    CalibrationResult
    """
    from igfaxis.calibrate._result import CalibrationResult

    if method not in ("laplace", "nuts"):
        raise ProtocolError(f"method must be 'laplace' or 'nuts', got {method!r}.")
    from igfaxis.risk import harmonise_lab, lab_reference

    readings = [lab_reference(lab) for lab in labs]
    labs = tuple(harmonise_lab(lab, person.age_y, person.sex) for lab in labs)
    if not labs:
        raise ProtocolError("calibrate needs at least one lab value.")
    until = max(lab.day for lab in labs)
    tl = timeline(labs, history, protocol, config.warmup_days, until)
    obs, y_lab, sd_lab = _observations(labs, tl)
    days = math.ceil(until - tl.origin_day) + 1
    raw = Forward(person.model_copy(update={"age_y": person.age_y + tl.origin_day / 365.25}),
                  list(tl.segments), days, obs, seed=config.table_seed)  # fmt: skip
    fwd = _Scored(raw, y_lab, sd_lab)
    y, sd = fwd.y, fwd.sd
    z_map, cov, fit = _laplace(fwd, y, sd)
    rng = np.random.default_rng(config.seed)
    diagnostics: dict[str, Any] = {"method": method, "labs": len(labs),
                                   "observations": len(obs),
                                   "optimizer_status": int(fit.status),
                                   "optimizer_message": str(fit.message)}  # fmt: skip
    resid = (fwd(z_map) - y) / sd
    diagnostics["standardised_residuals"] = [float(r) for r in resid]
    diagnostics["observed"] = _observed(raw, z_map, obs, y_lab, sd_lab, resid, tl)
    diagnostics["gh_observations"] = int(np.sum(raw.is_gh))
    # what each IGF-1 value was read against: its assay's table, its lab's interval, LIFE
    diagnostics["lab_reference"] = readings
    converged = bool(fit.success) and bool(np.all(np.isfinite(cov)))
    message = "converged" if converged else (
        f"the posterior mode was not found ({fit.message}); check the labs' units and dates, "
        "or try method='nuts'")  # fmt: skip
    if not np.all(np.isfinite(cov)):
        # no curvature to draw from: the prior alone, around the mode
        cov = np.eye(len(NAMES))
    if method == "laplace":
        draws = rng.multivariate_normal(z_map, cov, size=config.draws)
    else:
        coef, mid, half, err = _emulator(fwd, z_map, cov, config.seed)
        chains, extra = _nuts(coef, mid, half, y, sd, config)
        draws = chains.reshape(-1, len(NAMES))
        diagnostics.update(extra)
        diagnostics["emulator_max_error_log"] = err
        worst = max(extra["rhat"].values())
        if worst > 1.01 or min(extra["ess"].values()) < 400:
            converged = False
            message = (f"NUTS did not mix (max R-hat {worst:.3f}, min ESS "
                       f"{min(extra['ess'].values()):.0f}); raise config.warmup and samples")
        elif err > 0.02:
            message = (f"converged, but the emulator errs by up to {100 * err:.1f}% on "
                       "held-out points; compare with method='laplace'")  # fmt: skip
    diagnostics["large_residual"] = bool(np.max(np.abs(resid)) > 3.0)
    return CalibrationResult(
        person=person, labs=labs, history=history, protocol=protocol, timeline=tl,
        z_map=z_map, cov=cov, draws=draws, method=method, converged=converged,
        message=message, diagnostics=diagnostics, config=config,
    )  # fmt: skip
