"""Engine speed, all targets of the engine issue in one run: (a)-(f), each beside its target.

Runs the focused benchmarks as subprocesses (each prints its own details) and the two
command-line timings itself, then prints one table (or ``--json``). Asserts nothing (STYLE
G13). From the repository root::

    python benchmarks/bench_engine.py              # (a)-(e); (c) really runs 1,000 person-years
    python benchmarks/bench_engine.py --quick      # (c) on 40 person-years, extrapolated
    python benchmarks/bench_engine.py --tests      # also (f): times the whole cold test suite

(a) warm 30-day pulse-resolved run, native vs libRoadRunner on the exported SBML
    (`bench_native.py`); (b) warm 1-year run on one core (`bench_native.py`); (c) 1,000
    person-years on the 2 cores, forcing compile included (`bench_cohort.py`); (d) first call
    in a new process with warm caches (`bench_native.py`); (e) `igfaxis compare` of two
    14-day protocols, second of two calls (warm caches), whole process; (f) the test suite
    as `make test` runs it (`pytest -q -n 2 --dist loadgroup`) from a fresh cache folder
    (cold, as on a clean checkout).
A 40-year day-resolution projection is timed by `bench_day.py`.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _json_of(script: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--json", *args],
                         cwd=ROOT, capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout[out.stdout.index("{"):])


def _wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, env=env)
    return time.perf_counter() - t


def main() -> None:
    """Run everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="(c) extrapolated from 40 persons")
    parser.add_argument("--tests", action="store_true", help="(f) time the cold test suite too")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    native = _json_of("bench_native.py", "--quick", "--no-jax")
    cohort = _json_of("bench_cohort.py", *(["--persons", "40"] if args.quick else []))
    compare = [str(BIN / "igfaxis"), "compare", "examples/tre-16-8.yaml",
               "examples/somatropin-low-dose.yaml", "--days", "14"]  # fmt: skip
    e_cold = _wall(compare)
    e_warm = _wall(compare)
    rec: dict[str, Any] = {"native": native, "cohort": cohort,
                           "e_compare_s": {"first": e_cold, "warm": e_warm}}  # fmt: skip
    if args.tests:
        # the README's test command (make test: 2 workers, xdist groups) from a fresh cache
        # folder, so that kernels, tables and habitual states are cold, as on a clean checkout
        with tempfile.TemporaryDirectory(prefix="igfaxis-bench-cache-") as cold:
            rec["f_pytest_s"] = _wall([sys.executable, "-m", "pytest", "-q", "-n", "2",
                                       "--dist", "loadgroup", "-p", "no:cacheprovider"],
                                      env={**os.environ, "IGFAXIS_CACHE_DIR": cold})  # fmt: skip
    if args.json:
        print(json.dumps(rec, indent=1))
        return

    a, rr = native["a_native_30d"], native.get("a_roadrunner_30d")
    d = native["d_new_process"]
    c = cohort["direct"]
    rows = [
        ("(a) warm 30-day run: native", f"{a['warm_s']:.3f} s",
         f"libRoadRunner {rr['warm_s']:.2f} s = {rr['warm_s'] / a['warm_s']:.0f}x slower"
         if rr else "", ">= 5x faster than libRoadRunner"),
        ("(b) warm 1-year run, one core", f"{native['b_native_1y']['warm_s']:.3f} s",
         f"{native['b_native_1y']['steps']} steps", "<= 1 s"),
        ("(c) 1,000 person-years, 2 cores", f"{c['s_per_1000_person_years']:.1f} s",
         f"{c['persons']} persons x {c['days']:g} d: forcing {c['forcing_s']:.1f} s + kernel "
         f"{c['kernel_s']:.1f} s", "<= 180 s"),
        ("(d) first call in a new process", f"{d['wall_s']:.2f} s",
         f"import {d['import_s']:.2f} s + first run {d['first_call_s']:.2f} s", "<= 3 s"),
        ("(e) igfaxis compare, 2 x 14 days", f"{e_warm:.2f} s", f"first call {e_cold:.2f} s",
         "<= 3 s"),
    ]  # fmt: skip
    if "f_pytest_s" in rec:
        rows.append(("(f) test suite, cold", f"{rec['f_pytest_s'] / 60:.1f} min", "", "<= 12 min"))
    width = max(len(r[0]) for r in rows)
    for what, value, note, target in rows:
        print(f"{what:<{width}}  {value:>10}  target {target:<32} {note}")


if __name__ == "__main__":
    main()
