"""Cohort benchmark (issue 10, speed target c): 1,000 person-years pulse-resolved, end to end.

Prints figures (and ``--json`` one JSON record); asserts nothing (STYLE G13). Run from the
repository root::

    python benchmarks/bench_cohort.py                 # 1,000 persons x 1 year, for real
    python benchmarks/bench_cohort.py --persons 40    # 40 person-years, scaled to 1,000
    python benchmarks/bench_cohort.py --json
    python benchmarks/bench_cohort.py --persons 40 --rtol 1e-4 --atol 1e-6   # looser

The step count sets the time: about 1,000 DOPRI5 steps a day at the default tolerances
(per-state absolute tolerances, ``igfaxis.simulate.state_atol``), accuracy-bound by GHRH,
arcuate SRIF and GH, most of them in the hour after each of the ~23 burst edges a day; see
docs/engine.md, "Where the native kernel's time goes".

The cohort: persons of age 20-80 y, both sexes, 55-105 kg, each with its own burst seed,
under the usual-life protocol; default tolerances (rtol 1e-6, atol 1e-8 as the floor of
each state's ``state_atol``), 21-day warm-up
from the description's initial state, daily output, body states only (no drugs).

Parts, timed apart on ``--threads`` numba threads (2 by default, the target's machine):

- ``forcing_s``: :func:`igfaxis.protocol.compile_protocol` for every person (burst trains,
  meals, sleep; one core, plain numpy);
- ``stack_s``: padding and stacking the forcing, parameters and start states;
- ``kernel_s``: :func:`igfaxis.simulate._native.solve_native_batch` (the numba kernel,
  loaded from its disk cache and warmed on two persons first).

Issue 15 (virtual cohorts), with ``--issue15``: :func:`igfaxis.simulate_cohort` end to end

- ``day``: ``--day-persons`` (10,000) default-population persons x ``--day-days`` (180) days
  at day resolution, run three times after the compiled kernels are loaded (or compiled, in
  a fresh cache; one person at an age no node has, ``compile_s``): the first call as the
  table caches are (``first_s``: cold in a fresh ``$IGFAXIS_CACHE_DIR``), then with the
  in-memory tables dropped (``disk_s``: what a new process finds), then warm (``warm_s``:
  node tables in memory; the per-person part); ``--workers`` (2) processes for the
  persons; the load averages before and after beside the figures;
- ``pulse``: ``--pulse-persons`` (20) persons x 365 days pulse-resolved through
  ``simulate_cohort(resolution="pulse")``, scaled to 1,000 person-years (``--skip-pulse``
  leaves it out);
- ``dask``: the warm day-resolution run of ``--dask-persons`` (2,000) persons on a Dask
  ``LocalCluster`` of ``--workers`` single-threaded worker processes against the local pool
  of as many processes (equal cores), same chunks.

``--simulate-batch N`` also times the public ``igfaxis.simulate_batch(persons[:N], protocol,
days=..., backend="native")`` with the same warm-up, start and daily output (its own
forcing, start states and Trajectory records included), for the record.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)  # scripts set global JAX config, the library never

import numba  # noqa: E402
import numpy as np  # noqa: E402

import igfaxis  # noqa: E402
from igfaxis.model import Params, State, default_params, initial_state  # noqa: E402
from igfaxis.protocol import compile_protocol  # noqa: E402
from igfaxis.simulate import SolverConfig  # noqa: E402
from igfaxis.simulate._forcing import stack_forcings  # noqa: E402
from igfaxis.simulate._native import solve_native_batch  # noqa: E402
from igfaxis.simulate._run import _cores  # noqa: E402

RTOL, ATOL, WARMUP_DAYS, SAVE_EVERY_H = 1e-6, 1e-8, 21.0, 24.0  # defaults of SolverConfig
ACTIVE: tuple[str, ...] = ()  # no drugs dosed: body states only
TOL = {"rtol": RTOL, "atol": ATOL}  # set from --rtol / --atol


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def cohort(n: int) -> list[igfaxis.Person]:
    """``n`` persons of varied age, sex and weight."""
    ages = np.linspace(20.0, 80.0, n)
    weights = np.linspace(55.0, 105.0, n)[::-1]
    return [igfaxis.Person(age_y=float(a), sex="male" if i % 2 == 0 else "female",
                           weight_kg=float(w))
            for i, (a, w) in enumerate(zip(ages, weights, strict=True))]  # fmt: skip


def _stack(compiled: list[tuple[Any, Any]]) -> tuple[Any, ...]:
    size = max(f.boundaries.size for _, f in compiled)
    b, v = stack_forcings([(f.boundaries, f.values, f.t1) for _, f in compiled], size)
    ps = Params(*np.array([[float(x) for x in p] for p, _ in compiled]).T)
    y0 = State(*np.array([[float(x) for x in initial_state(p)] for p, _ in compiled]).T)
    t0 = np.array([f.t0 for _, f in compiled])
    t1 = np.array([f.t1 for _, f in compiled])
    return ps, y0, b, v, t0, t1


def run_direct(persons: list[igfaxis.Person], days: float) -> dict[str, Any]:
    """Forcing compile + kernel for the cohort, timed per part."""
    protocol, base = igfaxis.Protocol(name="usual life"), default_params()
    # one thread per core, as simulate_batch and daily_summaries compile their forcings
    with ThreadPoolExecutor(max_workers=_cores()) as pool:
        forcing_s, compiled = _timed(lambda: list(pool.map(
            lambda ix: compile_protocol(protocol, ix[1], base, days=days, seed=ix[0],
                                        warmup_h=24.0 * WARMUP_DAYS),
            enumerate(persons))))  # fmt: skip
    stack_s, (ps, y0, b, v, t0, t1) = _timed(lambda: _stack(compiled))
    save = np.arange(0.0, 24.0 * days + 1e-9, SAVE_EVERY_H)
    kw = {"rtol": TOL["rtol"], "atol": TOL["atol"], "max_steps": 10**8, "active": ACTIVE}
    # load the parallel driver (disk cache) on a small slice first
    solve_native_batch(Params(*(a[:2] for a in ps)), State(*(a[:2] for a in y0)), b[:2], v[:2],
                       t0[:2], t1[:2], save, **kw)  # fmt: skip
    kernel_s, (_, obs, codes, steps) = _timed(
        lambda: solve_native_batch(ps, y0, b, v, t0, t1, save, **kw))
    years = len(persons) * days / 365.0
    total = forcing_s + stack_s + kernel_s
    per = 1000.0 / years
    return {"persons": len(persons), "days": days, "person_years": years,
            "forcing_s": forcing_s, "stack_s": stack_s, "kernel_s": kernel_s,
            "total_s": total, "s_per_1000_person_years": total * per,
            "forcing_s_per_1000": forcing_s * per, "kernel_s_per_1000": kernel_s * per,
            "ok": int(np.sum(codes == 0)), "steps_mean": float(np.mean(steps)),
            "igf1_mean": float(np.nanmean(obs.igf1_total_ng_ml))}  # fmt: skip


def run_simulate_batch(persons: list[igfaxis.Person], days: float) -> dict[str, Any]:
    """The public ``simulate_batch`` on the same cohort and settings (first call warms)."""
    solver = SolverConfig(rtol=TOL["rtol"], atol=TOL["atol"], max_steps=10**8,
                          save_every_h=SAVE_EVERY_H,
                          warmup_days=WARMUP_DAYS, start="initial")  # fmt: skip
    protocol = igfaxis.Protocol(name="usual life")
    igfaxis.simulate_batch(persons[:2], protocol, days=2.0, solver=solver, backend="native")
    run_s, out = _timed(lambda: igfaxis.simulate_batch(persons, protocol, days=days,
                                                       solver=solver, backend="native"))
    years = len(persons) * days / 365.0
    return {"persons": len(persons), "days": days, "person_years": years, "run_s": run_s,
            "s_per_1000_person_years": run_s / years * 1000.0,
            "trajectories": len(out)}  # fmt: skip


def _load() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine is shared: figures go beside it)."""
    return [round(x, 2) for x in os.getloadavg()]


def run_issue15(args: argparse.Namespace) -> dict[str, Any]:
    """The cohort figures of issue 15 (module docstring)."""
    from igfaxis.cohort import CohortConfig, sample_population, simulate_cohort
    from igfaxis.cohort._grid import node_jobs
    from igfaxis.cohort._run import _groups
    from igfaxis.simulate import _day, _steady

    usual = igfaxis.Protocol(name="usual life")
    if args.pulse_only:
        return {"pulse": _pulse15(args, usual)}
    pop = sample_population(args.day_persons, seed=0)
    n_nodes = len(node_jobs(_groups(pop.table), [usual], args.day_days, CohortConfig()))
    # the compiled kernels (numba's disk cache) on one person at an age no node of the
    # cohort has, so that their compilation is not counted as table time
    odd = sample_population(1, age_y=33.3, sex="male", seed=0)
    compile_s, _ = _timed(lambda: simulate_cohort(odd, usual, days=2))
    load0 = _load()
    first_s, ds = _timed(lambda: simulate_cohort(pop, usual, days=args.day_days,
                                                 workers=args.workers))  # fmt: skip
    _day._NODES.clear()  # what a new process finds: the tables on disk, none in memory
    _steady._MEMORY.clear()
    disk_s, _ = _timed(lambda: simulate_cohort(pop, usual, days=args.day_days,
                                               workers=args.workers))  # fmt: skip
    warm_s, _ = _timed(lambda: simulate_cohort(pop, usual, days=args.day_days,
                                               workers=args.workers))  # fmt: skip
    out: dict[str, Any] = {"day": {
        "persons": args.day_persons, "days": args.day_days, "workers": args.workers,
        "node_schedules": n_nodes, "compile_s": compile_s, "first_s": first_s,
        "disk_s": disk_s, "warm_s": warm_s, "load_before": load0, "load_after": _load(),
        "igf1_median": float(ds.igf1_total_ng_ml.median())}}  # fmt: skip
    if not args.skip_pulse:
        out["pulse"] = _pulse15(args, usual)
    from dask.distributed import Client, LocalCluster

    sub = pop.subset(slice(0, args.dask_persons))
    simulate_cohort(sub, usual, days=args.day_days)  # tables warm in this process
    load1 = _load()
    local_s, a = _timed(lambda: simulate_cohort(sub, usual, days=args.day_days,
                                                workers=args.workers))  # fmt: skip
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        # warm the workers as the local path was warmed: the whole cohort once (a part of it
        # left the other age nodes' tables to be read from disk inside the timed run)
        simulate_cohort(sub, usual, days=args.day_days, client=client)
        dask_s, b = _timed(lambda: simulate_cohort(sub, usual, days=args.day_days,
                                                   client=client))  # fmt: skip
    out["dask"] = {"persons": args.dask_persons, "days": args.day_days,
                   "workers": args.workers, "local_pool_s": local_s, "dask_s": dask_s,
                   "ratio": dask_s / local_s, "identical": bool(a.identical(b)),
                   "load_before": load1, "load_after": _load()}  # fmt: skip
    return out


def _pulse15(args: argparse.Namespace, usual: Any) -> dict[str, Any]:
    """``--pulse-persons`` x 365 days through ``simulate_cohort(resolution="pulse")``, twice:
    the first call computes the habitual states not yet cached, the second finds them."""
    from igfaxis.cohort import sample_population, simulate_cohort

    small = sample_population(args.pulse_persons, seed=1)
    simulate_cohort(small.subset(slice(0, 2)), usual, days=2, resolution="pulse")  # warm
    pulse_s, _ = _timed(lambda: simulate_cohort(small, usual, days=365, resolution="pulse"))
    again_s, _ = _timed(lambda: simulate_cohort(small, usual, days=365, resolution="pulse"))
    years = args.pulse_persons * 365 / 365.0
    return {"persons": args.pulse_persons, "days": 365, "run_s": pulse_s, "again_s": again_s,
            "s_per_1000_person_years": pulse_s / years * 1000.0,
            "again_s_per_1000_person_years": again_s / years * 1000.0}  # fmt: skip


def _print_issue15(r: dict[str, Any]) -> None:
    p = r.get("pulse", {})
    pulse = "" if not p else (
             f"pulse resolution via simulate_cohort, {p['persons']} persons x 365 d: "
             f"{p['run_s']:.1f} s = {p['s_per_1000_person_years']:.0f} s per 1,000 "
             f"person-years (scaled; target <= 180 s); again, habitual states cached: "
             f"{p['again_s']:.1f} s = {p['again_s_per_1000_person_years']:.0f} s")  # fmt: skip
    if "day" not in r:
        print(pulse)
        return
    d, k = r["day"], r["dask"]
    print(f"day resolution, {d['persons']:,} persons x {d['days']} d, {d['workers']} "
          f"processes, {d['node_schedules']} node schedules (kernels compiled or loaded first: "
          f"{d['compile_s']:.1f} s): first call {d['first_s']:.1f} s (tables as cached: cold "
          f"in a fresh $IGFAXIS_CACHE_DIR), tables on disk only (a new process) "
          f"{d['disk_s']:.1f} s, warm (in memory) {d['warm_s']:.1f} s (target <= 60 s); "
          f"median IGF-1 {d['igf1_median']:.0f} ng/mL; load {d['load_before']} before, "
          f"{d['load_after']} after")  # fmt: skip
    if "pulse" in r:
        print(pulse)
    print(f"Dask LocalCluster ({k['workers']} workers x 1 thread) vs local pool "
          f"({k['workers']} processes), {k['persons']:,} persons x {k['days']} d warm: "
          f"{k['dask_s']:.1f} s vs {k['local_pool_s']:.1f} s = {k['ratio']:.2f} (target <= 1.2); "
          f"identical results: {k['identical']}; load {k['load_before']} before, "
          f"{k['load_after']} after")  # fmt: skip


def main() -> None:
    """Run the benchmark and print the figures (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1000, help="cohort size (1000)")
    parser.add_argument("--days", type=float, default=365.0, help="horizon [days] (365)")
    parser.add_argument("--threads", type=int, default=2, help="numba threads (2)")
    parser.add_argument("--simulate-batch", type=int, default=0, metavar="N",
                        help="also time igfaxis.simulate_batch on the first N persons")
    parser.add_argument("--rtol", type=float, default=RTOL, help="relative tolerance (1e-6)")
    parser.add_argument("--atol", type=float, default=ATOL, help="absolute tolerance (1e-8)")
    parser.add_argument("--issue15", action="store_true",
                        help="only the cohort figures of issue 15 (simulate_cohort)")
    parser.add_argument("--pulse-only", action="store_true",
                        help="with --issue15: only the pulse-resolved part")
    parser.add_argument("--skip-pulse", action="store_true",
                        help="with --issue15: leave out the pulse-resolved part")
    parser.add_argument("--day-persons", type=int, default=10_000)
    parser.add_argument("--day-days", type=int, default=180)
    parser.add_argument("--pulse-persons", type=int, default=20)
    parser.add_argument("--dask-persons", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.issue15:
        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
        r = run_issue15(args)
        print(json.dumps(r, indent=1)) if args.json else _print_issue15(r)
        return
    TOL.update(rtol=args.rtol, atol=args.atol)
    numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))

    persons = cohort(args.persons)
    rec: dict[str, Any] = {
        "igfaxis": igfaxis.__version__, "numba": numba.__version__, "cpus": os.cpu_count(),
        "threads": numba.get_num_threads(), "machine": platform.processor() or platform.machine(),
        "rtol": TOL["rtol"], "atol": TOL["atol"], "warmup_days": WARMUP_DAYS,
        "save_every_h": SAVE_EVERY_H,
        "direct": run_direct(persons, args.days),
    }  # fmt: skip
    if args.simulate_batch:
        rec["simulate_batch"] = run_simulate_batch(persons[: args.simulate_batch], args.days)
    if args.json:
        print(json.dumps(rec, indent=1))
        return
    d = rec["direct"]
    scaled = "" if d["person_years"] == 1000.0 else f" (scaled from {d['person_years']:g})"
    print(f"igfaxis {rec['igfaxis']}, numba {rec['numba']}, {rec['threads']} threads of "
          f"{rec['cpus']} CPUs; rtol {TOL['rtol']:g}, atol {TOL['atol']:g}, "
          f"warm-up {WARMUP_DAYS:g} d, "
          f"output every {SAVE_EVERY_H:g} h")  # fmt: skip
    print(f"{d['persons']} persons x {d['days']:g} d: forcing {d['forcing_s']:.1f} s, stack "
          f"{d['stack_s']:.1f} s, kernel {d['kernel_s']:.1f} s ({d['ok']} ok, "
          f"{d['steps_mean']:.0f} steps each)")  # fmt: skip
    print(f"1,000 person-years: {d['s_per_1000_person_years']:.1f} s{scaled} = forcing "
          f"{d['forcing_s_per_1000']:.1f} s + kernel {d['kernel_s_per_1000']:.1f} s "
          f"(target <= 180 s)")  # fmt: skip
    if "simulate_batch" in rec:
        s = rec["simulate_batch"]
        print(f"igfaxis.simulate_batch, {s['persons']} persons x {s['days']:g} d: "
              f"{s['run_s']:.1f} s = {s['s_per_1000_person_years']:.1f} s per 1,000 "
              f"person-years")  # fmt: skip


if __name__ == "__main__":
    main()
