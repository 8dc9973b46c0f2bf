"""Protocol search speed and quality (issue 12, item 6): each search method against plain
enumeration, in the same run, on the same posterior draws.

(a) One drug's dose and timing for the demo's GH-deficient man of 45, fitted to his three
    labs (examples/): ``somatropin,dose_time,interval,cycling`` (8 weekly amounts x 6 clock
    times x 4 patterns, within label), target SDS 0 to +1, 180 days, 40 draws. Goal: <= 30 s
    on 2 cores with a warm cache.
(b) Lifestyle plus drug, for the Pareto set: ``somatropin,dose_time,protein,tre,exercise``.
    Goal: <= 3 min.

Each (problem, method) runs in its own process, which searches twice: the first search
tabulates the day tables of every new protocol (about 3-4 s a candidate; with ``--cold`` in
an empty cache folder of its own, else in the usual cache), the second reads them (warm;
timed in the same process, so an edit of the model's source elsewhere in between cannot
invalidate the cache). Printed per run: wall time of both searches (the fit shown apart),
candidates evaluated, the best plan and its objectives (probability in band at the last
planned lab, time in band, burden, risk above +2 SDS), the Pareto set's size, and how many
of enumeration's Pareto plans the method's plans match or dominate (so a faster method that
finds worse plans shows).

    .venv/bin/python benchmarks/bench_optimize.py            # usual cache, then warm
    .venv/bin/python benchmarks/bench_optimize.py --cold     # empty cache, then warm
    .venv/bin/python benchmarks/bench_optimize.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = {
    "a": ("somatropin,dose_time,interval,cycling", ("tpe", "continuous", "gradient", "enumerate")),
    "b": ("somatropin,dose_time,protein,tre,exercise", ("nsga2", "tpe", "enumerate")),
}


def _objectives(o: object) -> dict[str, float]:
    return {"p_in_band": o.p_success, "time_in_band": round(o.time_in_band, 4),  # type: ignore[attr-defined]
            "burden": round(o.burden_score, 3), "p_above_2sds": o.p_above_2sds}  # type: ignore[attr-defined]  # fmt: skip


def one(problem: str, method: str) -> dict[str, object]:
    """Fit the demo person, then search; the result as JSON-ready."""
    import jax

    jax.config.update("jax_enable_x64", True)
    import yaml

    from igfaxis.calibrate import calibrate
    from igfaxis.io.labs import read_labs
    from igfaxis.optimize import OptimizeConfig, optimize
    from igfaxis.protocol import Person, dose_warnings

    text = (ROOT / "examples" / "persons" / "adult-ghd.yaml").read_text(encoding="utf-8")
    person = Person.model_validate(yaml.safe_load(text))
    labs = read_labs(ROOT / "examples" / "labs" / "adult-ghd.csv", age_y=person.age_y)
    t = time.perf_counter()
    fit = calibrate(person, labs)
    fit_s = time.perf_counter() - t
    levers = PROBLEMS[problem][0].split(",")
    cfg = OptimizeConfig(draws=40, method=method, trials=40, seed=0)
    t = time.perf_counter()
    optimize(fit, "sds:0..1", levers=levers, horizon_days=180, config=cfg)
    first_s = time.perf_counter() - t
    t = time.perf_counter()  # again in this process: every table cached (memory and disk)
    r = optimize(fit, "sds:0..1", levers=levers, horizon_days=180, config=cfg)
    search_s = time.perf_counter() - t
    assert all(not dose_warnings(o.protocol, person) for o in r.evaluated)  # within label
    return {"problem": problem, "method": r.method, "fit_s": round(fit_s, 2),
            "first_s": round(first_s, 2), "search_s": round(search_s, 2),
            "evaluated": len(r.evaluated),
            "best": r.best.protocol.name, "objectives": _objectives(r.best),
            "pareto": [[o.protocol.name, _objectives(o)] for o in r.pareto]}  # fmt: skip


def _covers(plans: list, front: list) -> int:
    """How many of ``front``'s objective vectors some plan of ``plans`` matches or beats
    on time in band, burden and risk above +2 SDS together (the Pareto objectives)."""
    def ok(a: dict, b: dict) -> bool:
        return (a["time_in_band"] >= b["time_in_band"] - 1e-9 and a["burden"] <= b["burden"] + 1e-9
                and a["p_above_2sds"] <= b["p_above_2sds"] + 1e-9)  # fmt: skip

    return sum(any(ok(p[1], f[1]) for p in plans) for f in front)


def _spawn(problem: str, method: str, cache: str | None) -> dict:
    env = dict(os.environ)
    if cache is not None:
        env["IGFAXIS_CACHE_DIR"] = cache
    t = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--one", problem, method], env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["process_s"] = round(time.perf_counter() - t, 1)
    return data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cold", action="store_true", help="also time each run in an empty cache")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--problem", choices=sorted(PROBLEMS), action="append")
    ap.add_argument("--method", action="append", help="only these methods (and enumerate)")
    ap.add_argument("--one", nargs=2, metavar=("PROBLEM", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(*args.one)))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-optimize-") as tmp:
        for problem in args.problem or sorted(PROBLEMS):
            for method in PROBLEMS[problem][1]:
                if args.method and method not in (*args.method, "enumerate"):
                    continue
                cache = str(Path(tmp) / f"{problem}-{method}") if args.cold else None
                rows.append({**_spawn(problem, method, cache),
                             "first": "cold" if args.cold else "as cached"})
                if not args.json:
                    for r in rows[-1:]:
                        o = r["objectives"]
                        print(f"({problem}) {r['method']:<10} first ({r['first']}) "
                              f"{r['first_s']:7.1f} s, warm {r['search_s']:6.1f} s (fit "
                              f"{r['fit_s']:.1f} s), "
                              f"{r['evaluated']:3d} candidates; best {r['best']}: in band "
                              f"{o['p_in_band']:.2f}, time in band {o['time_in_band']:.3f}, "
                              f"burden {o['burden']:g}, >+2 SDS {o['p_above_2sds']:.2f}; "
                              f"Pareto {len(r['pareto'])}", flush=True)  # fmt: skip
    for r in rows:
        peer = next(x for x in rows if x["problem"] == r["problem"]
                    and x["method"] == "enumerate")  # fmt: skip
        covered = _covers(r["pareto"], peer["pareto"])
        r["covers_enumeration_pareto"] = f"{covered}/{len(peer['pareto'])}"
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            print(f"({r['problem']}) {r['method']:<10}: covers enumeration's Pareto "
                  f"set {r['covers_enumeration_pareto']}")  # fmt: skip


if __name__ == "__main__":
    main()
