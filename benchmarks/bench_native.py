"""Native backend benchmark (issue 10, speed targets a-d): the numba DOPRI5 kernel side by side
with libRoadRunner on the SBML export and with the JAX engine.

Prints figures (and ``--json`` a JSON record); asserts nothing (STYLE G13). Run from the
repository root::

    python benchmarks/bench_native.py            # (c) runs 1,000 person-years for real
    python benchmarks/bench_native.py --quick    # (c) runs 40 person-years, extrapolated
    python benchmarks/bench_native.py --json     # one JSON object on stdout

Rows, each for a healthy 40-year-old man (the cohort: people of varied age, sex and weight),
default tolerances (rtol 1e-6, atol 1e-8; libRoadRunner's CVODE takes the scalar atol, the
native kernel and JAX each state's ``state_atol``), 21-day warm-up, hourly output, no drugs (the
native kernel integrates the 20 body states):

(a) warm 30-day pulse-resolved single run: native, libRoadRunner (CVODE) on the SBML export
    of the same person, bursts and horizon at the same tolerances, and the JAX engine;
(b) warm 1-year single run, native, one core;
(c) person-years per wall second of ``solve_native_batch`` on all cores (numba threads),
    daily output; the forcing (burst trains, meals) is compiled first and timed apart;
(d) first call in a new process with warm caches (numba's disk cache of the generated kernel):
    ``import igfaxis`` and the first ``solve_native`` call, timed inside a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)  # scripts set global JAX config, the library never

import numba  # noqa: E402
import numpy as np  # noqa: E402

import igfaxis  # noqa: E402
from igfaxis.model import Params, State, default_params, initial_state  # noqa: E402
from igfaxis.protocol import compile_protocol  # noqa: E402
from igfaxis.simulate._native import solve_native, solve_native_batch  # noqa: E402

RTOL, ATOL, WARMUP_DAYS = 1e-6, 1e-8, 21.0
MAN = igfaxis.Person(age_y=40, sex="male")
ACTIVE: tuple[str, ...] = ()  # no drugs dosed: body states only


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    runs = [_timed(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[-1][1]


def _forcing(person: igfaxis.Person, days: float, seed: int = 0) -> tuple[Any, Any]:
    return compile_protocol(igfaxis.Protocol(name="usual life"), person, default_params(),
                            days=days, seed=seed, warmup_h=24.0 * WARMUP_DAYS)  # fmt: skip


def _native_single(days: float) -> Callable[[], Any]:
    p, f = _forcing(MAN, days)
    save = np.arange(0.0, 24.0 * days + 1e-9, 1.0)
    return lambda: solve_native(p, initial_state(p), f.boundaries, f.values, f.t0, f.t1, save,
                                rtol=RTOL, atol=ATOL, max_steps=10**8, active=ACTIVE)  # fmt: skip


def _roadrunner(days: float) -> dict[str, Any]:
    import roadrunner

    from igfaxis.io import to_sbml

    sbml = to_sbml(MAN, None, days=days, warmup_days=WARMUP_DAYS)
    rr = roadrunner.RoadRunner(sbml)
    rr.setIntegrator("cvode")
    rr.integrator.relative_tolerance = RTOL
    rr.integrator.absolute_tolerance = ATOL
    rr.integrator.maximum_num_steps = 10_000_000
    warmup_h = 24.0 * WARMUP_DAYS
    times = np.concatenate([[0.0], warmup_h + np.arange(0.0, 24.0 * days + 1e-9, 1.0)])
    rr.timeCourseSelections = ["time", "igf1_total_ng_ml"]

    def run() -> Any:
        rr.reset()
        return np.asarray(rr.simulate(times=times))

    first_s, _ = _timed(run)
    warm_s, out = _best(run, 2)
    return {"warm_s": warm_s, "first_s": first_s, "events": rr.model.getNumEvents(),
            "igf1_mean": float(np.mean(out[1:, 1]))}  # fmt: skip


def _jax(days: float) -> dict[str, Any]:
    from igfaxis.simulate._engine import ForcingArrays, SolveConfig, pad_forcing, solve_compiled

    p, f = _forcing(MAN, days)
    size = int(2 ** np.ceil(np.log2(f.boundaries.size)))
    b, v = pad_forcing(f.boundaries, f.values, f.t1, size)
    cfg = SolveConfig(save_ts=np.arange(0.0, 24.0 * days + 1e-9, 1.0), rtol=RTOL, atol=ATOL,
                      max_steps=10**7, active=ACTIVE)  # fmt: skip

    def run() -> Any:
        sol = solve_compiled(p, ForcingArrays(b, v, f.t0, f.t1), initial_state(p), cfg)
        return jax.block_until_ready(sol)

    first_s, _ = _timed(run)
    warm_s, sol = _timed(run)
    return {"warm_s": warm_s, "first_s": first_s, "steps": int(sol.num_steps),
            "igf1_mean": float(np.mean(np.asarray(sol.obs.igf1_total_ng_ml)[1:]))}  # fmt: skip


def _cohort(n: int, days: float) -> dict[str, Any]:
    ages = np.linspace(20.0, 80.0, n)
    weights = np.linspace(55.0, 105.0, n)[::-1]
    people = [igfaxis.Person(age_y=float(a), sex="male" if i % 2 == 0 else "female",
                             weight_kg=float(w))
              for i, (a, w) in enumerate(zip(ages, weights, strict=True))]  # fmt: skip
    prep_s, compiled = _timed(lambda: [_forcing(x, days, seed=i) for i, x in enumerate(people)])
    size = max(f.boundaries.size for _, f in compiled)
    b = np.stack([np.concatenate([f.boundaries, f.t1 + 1.0 + np.arange(size - f.boundaries.size)])
                  for _, f in compiled])  # fmt: skip
    v = np.stack([np.concatenate([f.values, np.repeat(f.values[-1:], size - f.values.shape[0],
                                                      axis=0)]) for _, f in compiled])  # fmt: skip
    ps = Params(*np.array([[float(x) for x in p] for p, _ in compiled]).T)
    y0 = State(*np.array([[float(x) for x in initial_state(p)] for p, _ in compiled]).T)
    t0 = np.array([f.t0 for _, f in compiled])
    t1 = np.array([f.t1 for _, f in compiled])
    save = np.arange(0.0, 24.0 * days + 1e-9, 24.0)

    def run() -> Any:
        return solve_native_batch(ps, y0, b, v, t0, t1, save, rtol=RTOL, atol=ATOL,
                                  max_steps=10**8, active=ACTIVE)  # fmt: skip

    # compile/load the parallel driver on a small slice first
    solve_native_batch(Params(*(a[:2] for a in ps)), State(*(a[:2] for a in y0)), b[:2], v[:2],
                       t0[:2], t1[:2], save, rtol=RTOL, atol=ATOL, max_steps=10**8,
                       active=ACTIVE)  # fmt: skip
    run_s, (_, _, codes, steps) = _timed(run)
    years = n * days / 365.0
    return {"persons": n, "days": days, "person_years": years, "run_s": run_s,
            "prep_s": prep_s, "threads": numba.get_num_threads(),
            "ok": int(np.sum(codes == 0)), "steps_mean": float(np.mean(steps)),
            "s_per_1000_person_years": run_s / years * 1000.0}  # fmt: skip


_CHILD = """
import time
t0 = time.perf_counter()
import numpy as np
import igfaxis
from igfaxis.model import default_params, initial_state
from igfaxis.protocol import compile_protocol
from igfaxis.simulate._native import solve_native
t1 = time.perf_counter()
p, f = compile_protocol(igfaxis.Protocol(name="x"), igfaxis.Person(age_y=40, sex="male"),
                        default_params(), days=30.0, seed=0, warmup_h=24.0 * 21.0)
t2 = time.perf_counter()
solve_native(p, initial_state(p), f.boundaries, f.values, f.t0, f.t1,
             np.arange(0.0, 720.0 + 1e-9, 1.0), rtol=1e-6, atol=1e-8, max_steps=10**8,
             active=())
t3 = time.perf_counter()
print(f"{t1 - t0} {t2 - t1} {t3 - t2}")
"""


def _new_process() -> dict[str, float]:
    wall, out = _timed(lambda: subprocess.run([sys.executable, "-c", textwrap.dedent(_CHILD)],
                                              capture_output=True, text=True, check=True))
    imp, forcing, first = (float(x) for x in out.stdout.split())
    return {"wall_s": wall, "import_s": imp, "forcing_s": forcing, "first_call_s": first}


def main() -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="(c) on 40 person-years, extrapolated to 1,000")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-jax", action="store_true", help="skip the JAX engine row")
    parser.add_argument("--no-roadrunner", action="store_true", help="skip libRoadRunner")
    args = parser.parse_args()

    rec: dict[str, Any] = {
        "igfaxis": igfaxis.__version__, "numba": numba.__version__, "cpus": os.cpu_count(),
        "machine": platform.processor() or platform.machine(), "rtol": RTOL, "atol": ATOL,
        "warmup_days": WARMUP_DAYS, "quick": args.quick,
    }  # fmt: skip
    first30_s, _ = _timed(_native_single(30.0))  # also compiles / loads the kernel
    warm30_s, (_, obs30, _, steps30) = _best(_native_single(30.0), 3)
    rec["a_native_30d"] = {"warm_s": warm30_s, "first_in_process_s": first30_s,
                           "steps": steps30,
                           "igf1_mean": float(np.mean(obs30.igf1_total_ng_ml[1:]))}  # fmt: skip
    if not args.no_roadrunner:
        rec["a_roadrunner_30d"] = _roadrunner(30.0)
    if not args.no_jax:
        rec["a_jax_30d"] = _jax(30.0)
    warm365_s, (_, _, _, steps365) = _best(_native_single(365.0), 2)
    rec["b_native_1y"] = {"warm_s": warm365_s, "steps": steps365}
    n = 40 if args.quick else 1000
    rec["c_cohort"] = _cohort(n, 365.0)
    rec["c_cohort"]["extrapolated"] = n != 1000
    rec["d_new_process"] = _new_process()

    if args.json:
        print(json.dumps(rec, indent=1))
        return
    a, c, d = rec["a_native_30d"], rec["c_cohort"], rec["d_new_process"]
    rows = [("(a) native: warm 30-day run", f"{a['warm_s']:.3f} s", f"{a['steps']} steps")]
    if "a_roadrunner_30d" in rec:
        r = rec["a_roadrunner_30d"]
        rows.append(("(a) roadrunner: warm 30-day run", f"{r['warm_s']:.3f} s",
                     f"{r['warm_s'] / a['warm_s']:.1f}x the native time ({r['events']} events)"))
    if "a_jax_30d" in rec:
        j = rec["a_jax_30d"]
        rows.append(("(a) JAX engine: warm 30-day run", f"{j['warm_s']:.3f} s",
                     f"{j['warm_s'] / a['warm_s']:.1f}x; {j['steps']} steps; first "
                     f"{j['first_s']:.1f} s"))  # fmt: skip
    rows.append(("(b) native: warm 1-year run, 1 core", f"{warm365_s:.3f} s",
                 f"{steps365} steps (target <= 1 s)"))  # fmt: skip
    label = "extrapolated from" if c["extrapolated"] else "measured,"
    rows.append((f"(c) 1,000 person-years, {c['threads']} threads",
                 f"{c['s_per_1000_person_years']:.1f} s",
                 f"{label} {c['persons']} persons x 1 y in {c['run_s']:.1f} s; forcing "
                 f"compile {c['prep_s']:.1f} s apart (target <= 180 s)"))  # fmt: skip
    rows.append(("(d) new process: import igfaxis", f"{d['import_s']:.2f} s", ""))
    rows.append(("(d) new process: first solve_native (30 d)", f"{d['first_call_s']:.2f} s",
                 f"warm disk cache; whole process {d['wall_s']:.1f} s (target <= 3 s)"))
    print(f"igfaxis {rec['igfaxis']}, numba {rec['numba']}, {rec['cpus']} CPUs, "
          f"{rec['machine']}; rtol {RTOL:g}, atol {ATOL:g}, warm-up {WARMUP_DAYS:g} d")
    width = max(len(r[0]) for r in rows)
    for what, secs, note in rows:
        print(f"{what:<{width}}  {secs:>9}  {note}")
    print("igf1 mean over 30 d: native "
          f"{a['igf1_mean']:.2f}" + (f", roadrunner {rec['a_roadrunner_30d']['igf1_mean']:.2f}"
                                     if "a_roadrunner_30d" in rec else "")
          + (f", JAX {rec['a_jax_30d']['igf1_mean']:.2f}" if "a_jax_30d" in rec else "")
          + " ng/mL")  # fmt: skip


if __name__ == "__main__":
    main()
