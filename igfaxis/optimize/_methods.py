"""Search methods over the levers' options (:mod:`igfaxis.optimize._levers`).

Every method asks one evaluator (``evaluate(changes) -> Outcome``: the candidate simulated
for the posterior draws, memoised, so a plan asked for twice is simulated once) and
returns nothing: the caller ranks and takes the Pareto set over everything evaluated, the
same way whatever the method. The methods:

- ``enumerate``: each lever alone (every dose, time and pattern of each drug; each
  lifestyle option), then the best drug plan with each lifestyle option (the search before
  item 6 of issue 12, and the peer of the others in ``benchmarks/bench_optimize.py``);
- ``tpe``: optuna's tree-structured Parzen estimator (``TPESampler``, seeded; the space is
  conditional: drug, then its pattern, clock time and dose step; protein, 16:8 eating,
  exercise jointly) on one score that orders plans as the ranking does (probability of
  success, then time in band, then burden), then a hill climb from the best plan over its
  neighbouring pen steps and clock times;
- ``nsga2``: optuna's NSGA-II (``NSGAIISampler``, seeded) on the four objectives together
  (probability of success, time in band, burden, risk above +2 SDS), for the Pareto set;
- ``continuous``: the dose on a continuous scale: a bounded Brent search
  (``scipy.optimize.minimize_scalar``) of the probability that the last planned lab
  *reads* in band (the lab noise of calibration smooths the step function that the share of
  draws in band is of the dose), then the two neighbouring pen steps judged exactly, each
  pattern and clock time at that weekly amount, and the lifestyle options as in
  ``enumerate``. The day-resolution engine tabulates pulse-resolved days (numba) and is not
  differentiable in the dose, so no gradient is taken;
- ``gradient``: Newton steps on the log dose with the derivative from the JAX engine: the
  person at their posterior medians is simulated pulse-resolved for 28 days under the plan
  and ``jax.jvp`` gives the elasticity of the last week's mean IGF-1 to the dose
  (:func:`igfaxis.simulate.dose_elasticity`); each step aims that mean at the band's centre
  (geometric mean of its limits), ``log d' = log d + (log centre - log IGF-1) / elasticity``
  within the dose grid. Then, as for ``continuous``, the neighbouring pen steps, patterns
  and clock times at that weekly amount are judged exactly over the posterior.

Model predictions and published associations, not medical advice.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from igfaxis.optimize._levers import PATTERNS, DrugSpace, drug_label

if TYPE_CHECKING:
    from igfaxis.optimize._search import OptimizeConfig, Outcome

__all__ = ["METHODS", "Space", "run_method"]

#: the search methods of :class:`~igfaxis.optimize.OptimizeConfig` (``auto`` picks one)
METHODS: tuple[str, ...] = ("auto", "enumerate", "tpe", "nsga2", "continuous", "gradient")


class Evaluator:
    """``evaluate(changes) -> Outcome``, memoised: a plan asked for twice is simulated once;
    ``seen`` holds every outcome by its changes, no change first, in the order evaluated."""

    def __init__(self, run: Callable[[dict[str, Any]], Outcome]) -> None:
        self._run = run
        self.seen: dict[str, Outcome] = {}

    def __call__(self, changes: dict[str, Any]) -> Outcome:
        k = json.dumps(changes, sort_keys=True)
        if k not in self.seen:
            self.seen[k] = self._run(changes)
        return self.seen[k]

    def best(self, drug_only: bool = False) -> Outcome:
        """The best plan so far (:func:`rank`), of those with a drug if ``drug_only``."""
        return min((o for o in self.seen.values() if not drug_only or "dose_mg" in o.changes),
                   key=rank)  # fmt: skip



class Space:
    """The options: drug spaces (contraindicated drugs left out) and lifestyle options."""

    def __init__(self, drugs: dict[str, DrugSpace],
                 lifestyle: dict[str, list[tuple[str, dict[str, Any]]]],
                 cfg: OptimizeConfig) -> None:  # fmt: skip
        self.drugs = {k: v for k, v in drugs.items() if v.size}
        self.lifestyle = {k: v for k, v in lifestyle.items() if v}
        self.cfg = cfg

    @property
    def enumeration_size(self) -> int:
        """Candidates :func:`enumerate_search` evaluates (no change included)."""
        n_life = sum(len(v) for v in self.lifestyle.values())
        n_drug = sum(s.size for s in self.drugs.values())
        return 1 + n_drug + n_life + (n_life if n_drug else 0)

    def label(self, changes: dict[str, Any]) -> str:
        parts = [drug_label(changes, self.cfg)] if "dose_mg" in changes else []
        for opts in self.lifestyle.values():
            parts += [lab for lab, ch in opts if all(changes.get(k) == v for k, v in ch.items())]
        return " + ".join(parts)

    def levers(self, changes: dict[str, Any]) -> tuple[str, ...]:
        """The levers a change pulls."""
        used: list[str] = []
        if "dose_mg" in changes:
            used.append(changes.get("drug", "somatropin"))
            if abs(changes.get("time_h", self.cfg.dose_time_h) - self.cfg.dose_time_h) > 1e-9:
                used.append("dose_time")
            pattern = changes.get("pattern", "daily")
            if pattern == "eod":
                used.append("interval")
            elif pattern in ("6on1off", "5on2off"):
                used.append("cycling")
        used += [k for k in ("protein", "tre", "exercise")
                 if k in changes and (k == "protein" or changes[k])]  # fmt: skip
        return tuple(used)


def rank(o: Outcome) -> tuple[float, float, float]:
    """Order of plans: highest probability of success, then time in band, then least
    burden."""
    return (-round(o.p_success, 6), -round(o.time_in_band, 6), o.burden_score)


def score(o: Outcome) -> float:
    """One number that orders plans nearly as :func:`rank` does (for TPE): the probability
    of success moves in steps of 1/draws, time in band adds at most 0.01, burden (about 0-20)
    takes at most 2e-4."""
    return o.p_success + 0.01 * o.time_in_band - 1e-5 * o.burden_score


# -- enumeration --------------------------------------------------------------------------
def enumerate_search(space: Space, evaluate: Evaluator) -> None:
    """Each lever alone, then the best drug plan with each lifestyle option."""
    drug_outcomes = [evaluate(ch) for s in space.drugs.values() for ch in s.options()]
    for opts in space.lifestyle.values():
        for _, ch in opts:
            evaluate(ch)
    if drug_outcomes:
        best = min(drug_outcomes, key=rank)
        dose = _drug_changes(best.changes)
        for opts in space.lifestyle.values():
            for _, ch in opts:
                evaluate({**dose, **ch})


def _drug_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if k in ("drug", "dose_mg", "time_h", "pattern")}


# -- optuna -------------------------------------------------------------------------------
@contextlib.contextmanager
def _quiet_optuna() -> Iterator[Any]:
    """optuna, with its per-trial log lines and the experimental-feature warnings of the
    conditional TPE turned off for the duration (its logger's level is restored after)."""
    try:
        import optuna
    except ImportError as exc:  # pragma: no cover - a runtime dependency
        raise ImportError("the tpe and nsga2 methods need optuna: pip install optuna") from exc
    level = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            yield optuna
    finally:
        optuna.logging.set_verbosity(level)


def _suggest(trial: Any, space: Space) -> dict[str, Any]:
    """A plan from a trial: the conditional space (drug -> pattern, time, dose step)."""
    changes: dict[str, Any] = {}
    drugs = list(space.drugs)
    if drugs:
        drug = trial.suggest_categorical("drug", ["none", *drugs])
        if drug != "none":
            s = space.drugs[drug]
            pattern = (trial.suggest_categorical(f"{drug}_pattern", list(s.patterns))
                       if len(s.patterns) > 1 else s.patterns[0])  # fmt: skip
            t = (trial.suggest_int(f"{drug}_time", 0, len(s.times_h) - 1)
                 if len(s.times_h) > 1 else 0)  # fmt: skip
            doses = s.doses_mg[pattern]
            i = (trial.suggest_int(f"{drug}_{pattern}_dose", 0, len(doses) - 1)
                 if len(doses) > 1 else 0)  # fmt: skip
            changes = {"drug": drug, "pattern": pattern, "time_h": s.times_h[t],
                       "dose_mg": doses[i]}  # fmt: skip
    for lever, opts in space.lifestyle.items():
        if lever == "protein":
            j = trial.suggest_int("protein", 0, len(opts))  # 0: no change
            if j:
                changes.update(opts[j - 1][1])
        elif trial.suggest_categorical(lever, [False, True]):
            changes.update(opts[0][1])
    return changes


def _neighbours(changes: dict[str, Any], space: Space) -> list[dict[str, Any]]:
    """The plans one pen step or one clock step from a drug plan."""
    if "dose_mg" not in changes:
        return []
    s = space.drugs[changes["drug"]]
    doses, times = s.doses_mg[changes["pattern"]], s.times_h
    i, t = doses.index(changes["dose_mg"]), times.index(changes["time_h"])
    out = []
    for di, dt in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        if 0 <= i + di < len(doses) and 0 <= t + dt < len(times):
            out.append({**changes, "dose_mg": doses[i + di], "time_h": times[t + dt]})
    return out


def tpe_search(space: Space, evaluate: Evaluator, trials: int, seed: int) -> None:
    """TPE over the joint space, then a hill climb over neighbouring steps."""
    with _quiet_optuna() as optuna:
        startup = min(10, max(2, trials // 4))
        sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True,
                                             n_startup_trials=startup)  # fmt: skip
        study = optuna.create_study(direction="maximize", sampler=sampler)
        for _ in range(trials):
            trial = study.ask()
            study.tell(trial, score(evaluate(_suggest(trial, space))))
    _climb(evaluate.best(), space, evaluate)


def _climb(best: Outcome, space: Space, evaluate: Evaluator, steps: int = 12) -> None:
    for _ in range(steps):
        better = [o for o in (evaluate(ch) for ch in _neighbours(best.changes, space))
                  if rank(o) < rank(best)]  # fmt: skip
        if not better:
            return
        best = min(better, key=rank)


def nsga2_search(space: Space, evaluate: Evaluator, trials: int, seed: int,
                 population: int) -> None:  # fmt: skip
    """NSGA-II on (probability of success, time in band, burden, risk above +2 SDS)."""
    with _quiet_optuna() as optuna:
        sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=population)
        study = optuna.create_study(directions=["maximize", "maximize", "minimize", "minimize"],
                                    sampler=sampler)  # fmt: skip
        for _ in range(trials):
            trial = study.ask()
            o = evaluate(_suggest(trial, space))
            study.tell(trial, [o.p_success, o.time_in_band, o.burden_score, o.p_above_2sds])


# -- continuous dose ----------------------------------------------------------------------
def _search_doses(space: Space, evaluate: Evaluator,
                  find: Callable[[dict[str, Any], tuple[float, ...]], float]) -> None:
    """For each drug, ``find(plan, grid)`` gives a dose per injection [mg] within ``grid``
    for ``plan`` (its first pattern at the default clock time; no dose yet); a grid of one
    or two doses is not searched. Then :func:`_around` that weekly amount."""
    cfg = space.cfg
    weekly_of: dict[str, float] = {}
    for drug, s in space.drugs.items():
        first = s.patterns[0]
        grid = tuple(s.doses_mg[first])
        default_t = cfg.dose_time_h if cfg.dose_time_h in s.times_h else s.times_h[0]
        plan = {"drug": drug, "pattern": first, "time_h": default_t}
        dose = find(plan, grid) if len(grid) > 2 else grid[0]
        weekly_of[drug] = dose * PATTERNS[first].per_week
    _around(space, evaluate, weekly_of)


def continuous_search(space: Space, evaluate: Evaluator,
                      smooth: Callable[[dict[str, Any]], float], maxiter: int) -> None:  # fmt: skip
    """Brent on the dose (continuous), the neighbouring pen steps, the patterns and times at
    that weekly amount, then the lifestyle options as in :func:`enumerate_search`."""
    from scipy.optimize import minimize_scalar

    def brent(plan: dict[str, Any], grid: tuple[float, ...]) -> float:
        res = minimize_scalar(lambda a: -smooth({**plan, "dose_mg": round(float(a), 4)}),
                              bounds=(grid[0], grid[-1]), method="bounded",
                              options={"xatol": 0.25 * (grid[1] - grid[0]),
                                       "maxiter": maxiter})  # fmt: skip
        return float(res.x)

    _search_doses(space, evaluate, brent)


def gradient_search(space: Space, evaluate: Evaluator,
                    respond: Callable[[dict[str, Any]], tuple[float, float]],
                    steps: int) -> None:  # fmt: skip
    """Newton on the log dose with the JAX engine's derivative (``respond(changes)`` gives
    ``log(centre / IGF-1)`` and the elasticity), then as :func:`continuous_search` around
    the weekly amount found."""
    import math

    def newton(plan: dict[str, Any], grid: tuple[float, ...]) -> float:
        dose = math.sqrt(grid[0] * grid[-1])
        for _ in range(steps):
            gap, elasticity = respond({**plan, "dose_mg": round(dose, 4)})
            if abs(gap) < 0.01 or elasticity <= 1e-3:
                break  # at the centre, or the dose does not move IGF-1
            new = min(max(dose * math.exp(gap / elasticity), grid[0]), grid[-1])
            if abs(math.log(new / dose)) < 1e-3:
                break  # held at a limit of the grid
            dose = new
        return dose

    _search_doses(space, evaluate, newton)


def _around(space: Space, evaluate: Evaluator, weekly_of: dict[str, float]) -> None:
    """The pen steps either side of each drug's weekly amount, in every pattern and at every
    clock time; the lifestyle options; a hill climb; the best drug plan with each lifestyle
    option."""
    drug_outcomes: list[Outcome] = []
    for drug, s in space.drugs.items():
        weekly = weekly_of[drug]
        for pattern in s.patterns:
            doses = s.doses_mg[pattern]
            want = weekly / PATTERNS[pattern].per_week
            below = [d for d in doses if d <= want + 1e-9]
            above = [d for d in doses if d >= want - 1e-9]
            near = sorted({*(below[-1:] or doses[:1]), *(above[:1] or doses[-1:])})
            for t in s.times_h:
                for d in near:
                    drug_outcomes.append(evaluate({"drug": drug, "pattern": pattern,
                                                   "time_h": t, "dose_mg": d}))  # fmt: skip
    for opts in space.lifestyle.values():
        for _, ch in opts:
            evaluate(ch)
    if drug_outcomes:
        best = min(drug_outcomes, key=rank)
        _climb(best, space, evaluate)
        best = evaluate.best(drug_only=True)
        for opts in space.lifestyle.values():
            for _, ch in opts:
                evaluate({**_drug_changes(best.changes), **ch})


def pick(method: str, space: Space, cfg: OptimizeConfig) -> str:
    """``auto``: enumeration when it takes at most ``cfg.max_enumerate`` candidates; else
    the continuous dose search when a drug has a dose grid (in ``bench_optimize.py`` it
    found enumeration's best plan of 175 at a third of the time, where TPE with 40 trials
    stopped short); else TPE."""
    if method != "auto":
        return method
    if space.enumeration_size <= cfg.max_enumerate:
        return "enumerate"
    if any(len(g) > 2 for s in space.drugs.values() for g in s.doses_mg.values()):
        return "continuous"
    return "tpe"


def run_method(method: str, space: Space, run: Callable[[dict[str, Any]], Outcome],
               smooth: Callable[[dict[str, Any]], float], cfg: OptimizeConfig,
               respond: Callable[[dict[str, Any]], tuple[float, float]] | None = None,
               ) -> dict[str, Outcome]:  # fmt: skip
    """Run one method; returns every outcome evaluated by its changes, no change first, in
    the order evaluated."""
    evaluate = Evaluator(run)
    evaluate({})
    if method == "enumerate":
        enumerate_search(space, evaluate)
    elif method == "tpe":
        tpe_search(space, evaluate, cfg.trials, cfg.seed)
    elif method == "nsga2":
        nsga2_search(space, evaluate, cfg.trials, cfg.seed, cfg.population)
    elif method == "continuous":
        continuous_search(space, evaluate, smooth, cfg.continuous_maxiter)
    elif method == "gradient" and respond is not None:
        gradient_search(space, evaluate, respond, cfg.gradient_steps)
    else:
        from igfaxis.errors import ProtocolError

        raise ProtocolError(f"unknown method {method!r}; choose from {', '.join(METHODS)}.")
    return evaluate.seen


def expected_total(method: str, space: Space, cfg: OptimizeConfig) -> int:
    """About how many candidates a method evaluates (for a progress bar)."""
    if method == "enumerate":
        return space.enumeration_size
    if method in ("tpe", "nsga2"):
        return 1 + cfg.trials
    n_life = sum(len(v) for v in space.lifestyle.values())
    n = sum(len(s.patterns) * len(s.times_h) * 2 for s in space.drugs.values())
    if method == "gradient":
        return 1 + n + n_life * 2
    return 1 + n + n_life * 2 + (cfg.continuous_maxiter if space.drugs else 0)
