"""Engine benchmark: compile time, warm single run, batch, and libRoadRunner on the SBML export.

Prints figures; asserts nothing (STYLE G13: benchmarks are recorded per release, not a CI
gate). Run from the repository root::

    python benchmarks/bench_engine.py            # 1-year single run, 30-day batch of 100
    python benchmarks/bench_engine.py --quick    # 30-day single run, 7-day batch of 100

Every row times a healthy 40-year-old man (the batch: 100 people of varied age, sex and
weight) with the default 21-day warm-up and default tolerances (rtol 1e-6, atol 1e-8),
saving hourly. libRoadRunner (CVODE, the same tolerances) integrates the SBML export of the
same person, bursts and horizon, so its row is a like-for-like single run.

libRoadRunner runs at most 30 days by default (``--roadrunner-days`` overrides): the export
has one SBML event per forcing boundary (~21 per day: burst on/off), and libRoadRunner's
event handling grows about quadratically with the number of events. A 1-year export (7661
events) took 56 s to load and 370 s to run on a 2-CPU x86_64 box, against ~3 s for 30 days.
The engine is then timed on the same horizon as libRoadRunner for the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)  # scripts set global JAX config, the library never

import numpy as np  # noqa: E402

import igfaxis  # noqa: E402

SAVE_EVERY_H = 1.0
BATCH_SIZE = 100


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _batch_people(n: int) -> list[igfaxis.Person]:
    ages = np.linspace(20.0, 80.0, n)
    weights = np.linspace(55.0, 105.0, n)[::-1]
    return [
        igfaxis.Person(age_y=float(a), sex="male" if i % 2 == 0 else "female",
                       weight_kg=float(w))
        for i, (a, w) in enumerate(zip(ages, weights, strict=True))
    ]  # fmt: skip


def _roadrunner_run(person: igfaxis.Person, days: float, cfg: igfaxis.SolverConfig) -> dict:
    import roadrunner

    from igfaxis.io import to_sbml

    export_s, sbml = _timed(lambda: to_sbml(person, None, days=days,
                                            warmup_days=cfg.warmup_days))  # fmt: skip
    load_s, rr = _timed(lambda: roadrunner.RoadRunner(sbml))
    rr.setIntegrator("cvode")
    rr.integrator.relative_tolerance = cfg.rtol
    rr.integrator.absolute_tolerance = cfg.atol
    rr.integrator.maximum_num_steps = 10_000_000
    warmup_h = 24.0 * cfg.warmup_days
    times = np.concatenate([[0.0], warmup_h + np.arange(0.0, 24.0 * days + 1e-9, SAVE_EVERY_H)])
    rr.timeCourseSelections = ["time", "igf1_total_ng_ml"]
    run_s, out = _timed(lambda: np.asarray(rr.simulate(times=times)))
    igf1_mean = float(np.trapezoid(out[1:, 1], out[1:, 0]) / (24.0 * days))
    return {"export_s": export_s, "load_s": load_s, "run_s": run_s,
            "events": rr.model.getNumEvents(), "igf1_mean": igf1_mean}  # fmt: skip


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30-day single run, 7-day batch")
    parser.add_argument("--no-roadrunner", action="store_true", help="skip the libRoadRunner row")
    parser.add_argument("--roadrunner-days", type=float, default=30.0,
                        help="longest libRoadRunner horizon [days] (default 30)")  # fmt: skip
    args = parser.parse_args()

    single_days = 30.0 if args.quick else 365.0
    batch_days = 7.0 if args.quick else 30.0
    cfg = igfaxis.SolverConfig(save_every_h=SAVE_EVERY_H)
    man = igfaxis.Person(age_y=40, sex="male")
    rows: list[tuple[str, str, float]] = []

    first_s, _ = _timed(lambda: igfaxis.simulate(man, days=single_days, solver=cfg))
    warm_s, traj = _timed(lambda: igfaxis.simulate(man, days=single_days, solver=cfg))
    steps = traj.metadata["solver"]["num_steps"]
    rows.append(("engine: first run (compile + run)", f"{single_days:g} d", first_s))
    rows.append(("engine: JAX compile (first - warm)", f"{single_days:g} d", first_s - warm_s))
    rows.append((f"engine: warm single run ({steps} steps)", f"{single_days:g} d", warm_s))

    people = _batch_people(BATCH_SIZE)
    batch_first_s, _ = _timed(lambda: igfaxis.simulate_batch(people, days=batch_days, solver=cfg))
    batch_warm_s, _ = _timed(lambda: igfaxis.simulate_batch(people, days=batch_days, solver=cfg))
    label = f"engine: batch of {BATCH_SIZE}"
    rows.append((f"{label}, first (compile + run)", f"{batch_days:g} d", batch_first_s))
    rows.append((f"{label}, warm", f"{batch_days:g} d", batch_warm_s))
    rows.append((f"{label}, warm, per person", f"{batch_days:g} d", batch_warm_s / BATCH_SIZE))

    rr: dict | None = None
    rr_days = min(single_days, args.roadrunner_days)
    engine_rr_s, traj_rr = warm_s, traj
    if not args.no_roadrunner:
        if rr_days != single_days:  # the engine on the roadrunner horizon, for the ratio
            igfaxis.simulate(man, days=rr_days, solver=cfg)
            engine_rr_s, traj_rr = _timed(lambda: igfaxis.simulate(man, days=rr_days,
                                                                   solver=cfg))  # fmt: skip
            rows.append(("engine: warm single run", f"{rr_days:g} d", engine_rr_s))
        rr = _roadrunner_run(man, rr_days, cfg)
        rows.append(("roadrunner: SBML export (to_sbml)", f"{rr_days:g} d", rr["export_s"]))
        rows.append(("roadrunner: load + LLVM compile", f"{rr_days:g} d", rr["load_s"]))
        rows.append((f"roadrunner: single run ({rr['events']} events)", f"{rr_days:g} d",
                     rr["run_s"]))  # fmt: skip

    print(f"igfaxis {igfaxis.__version__}, jax {jax.__version__} on "
          f"{jax.default_backend()} ({jax.devices()[0].device_kind}), {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}")  # fmt: skip
    print(f"tolerances rtol {cfg.rtol:g}, atol {cfg.atol:g}; warm-up {cfg.warmup_days:g} d; "
          f"output every {SAVE_EVERY_H:g} h")  # fmt: skip
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'horizon':>8}  {'seconds':>9}")
    for what, horizon, seconds in rows:
        print(f"{what:<{width}}  {horizon:>8}  {seconds:>9.3f}")
    summary = (f"summary: warm {single_days:g}-day run {warm_s:.2f} s, compile "
               f"{first_s - warm_s:.1f} s, batch {batch_warm_s / BATCH_SIZE * 1e3:.0f} ms/person "
               f"over {batch_days:g} d")  # fmt: skip
    if rr is not None:
        ratio = engine_rr_s / rr["run_s"]
        igf1 = traj_rr.mean("igf1_total_ng_ml", 0, 24 * rr_days)
        summary += (
            f"; engine/roadrunner warm single-run time ratio {ratio:.2f} over "
            f"{rr_days:g} d (mean IGF-1 {igf1:.1f} vs {rr['igf1_mean']:.1f} ng/mL)"
        )
        if rr_days != single_days:
            summary += f"; roadrunner limited to {rr_days:g} d (see --roadrunner-days)"
    print(summary)


if __name__ == "__main__":
    main()
