"""Cost and accuracy of the cell-signalling solve on top of a pulse-resolved body run.

Usage: ``python benchmarks/bench_cell.py [days]`` (default 30). Prints

- the first-call cost of ``simulate_cell`` (JIT compilation, measured on a 2-day run;
  compiled once per process, whatever the horizon),
- the ``days``-day body run (``simulate``) and the cell solve (``simulate_cell``) on it,
  best of three warm runs each, their steps, and the ratio (body + cell) / body (issue 5:
  must not exceed 3),
- the accuracy of ``simulate_cell`` at its defaults against an independent LSODA solve of
  the same equations (rtol 1e-8; ``lsoda_reference`` in tests/simulate/test_cell.py): the
  largest absolute error of each cell fraction over a 3-day three-meal run and a 4-day run
  with a 72-h water fast, and the largest error of the daily read-outs
  ``autophagy_hours_above`` [h/day] and ``mtorc1_duty_cycle`` [-],
- the two backends of ``simulate_cell`` on the compare flow's window (``igfaxis compare``
  reads the last whole day of a 14-day run: ``from_h`` = 12 days, so 2 days plus the 48-h
  warm-up): native (numba) and JAX warm, best of three, their first call in this process,
  and a fresh process doing only the native cell solve (import, kernel load from the disk
  cache, solve) with whether JAX got imported.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import pickle
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402

from igfaxis.protocol import Person, Protocol  # noqa: E402
from igfaxis.simulate import simulate, simulate_cell  # noqa: E402
from igfaxis.simulate._cell import autophagy_hours_above, mtorc1_duty_cycle  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PERSON = Person(age_y=40, sex="male", weight_kg=75)
FAST = {"name": "72-h water fast", "fasting": [{"kind": "water", "start_h": 20, "duration_h": 72}]}
VARIABLES = ("mtorc1", "s6k", "akt", "autophagy_flux", "foxo")


def _best(fn, repeats=3):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def timing(days: float) -> None:
    protocol = Protocol(name="usual day")
    short = simulate(PERSON, protocol, days=2)
    t = time.perf_counter()
    simulate_cell(short)
    first = time.perf_counter() - t
    warm, _ = _best(lambda: simulate_cell(short))
    print(f"simulate_cell first call: {first:.1f} s (compile ~{first - warm:.1f} s, "
          f"2-day solve {warm:.2f} s)")
    simulate(PERSON, protocol, days=days)  # compile the body run for this horizon
    body, traj = _best(lambda: simulate(PERSON, protocol, days=days))
    cell, out = _best(lambda: simulate_cell(traj))
    print(f"{days:g}-day body run: {body:.2f} s ({traj.metadata['solver']['num_steps']} steps); "
          f"cell solve: {cell:.2f} s ({out.metadata['cell']['num_steps']} steps); "
          f"(body + cell) / body = {(body + cell) / body:.2f}x")


def accuracy() -> None:
    spec = importlib.util.spec_from_file_location(
        "test_cell", ROOT / "tests" / "simulate" / "test_cell.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cases = {"three meals, 3 days": (Protocol(name="three meals"), 3),
             "72-h water fast, 4 days": (Protocol.from_dict(FAST), 4)}
    for label, (protocol, days) in cases.items():
        traj = simulate(PERSON, protocol, days=days)
        got = simulate_cell(traj)
        ref = dataclasses.replace(traj, variables={**traj.variables,
                                                   **mod.lsoda_reference(traj)._asdict()})
        errs = ", ".join(f"{v} {np.max(np.abs(got[v] - ref[v])):.1e}" for v in VARIABLES)
        hours = max(abs(autophagy_hours_above(got, 24.0 * d, 24.0 * d + 24.0)
                        - autophagy_hours_above(ref, 24.0 * d, 24.0 * d + 24.0))
                    for d in range(1, days))
        duty = max(abs(mtorc1_duty_cycle(got, 24.0 * d, 24.0 * d + 24.0)
                       - mtorc1_duty_cycle(ref, 24.0 * d, 24.0 * d + 24.0))
                   for d in range(1, days))
        print(f"accuracy vs LSODA, {label}: max |error| {errs}; autophagy_hours_above "
              f"{hours:.3f} h/day, mtorc1_duty_cycle {duty:.4f}")


_FRESH = """
import pickle, sys, time
t = time.perf_counter()
from igfaxis.simulate import simulate_cell
traj = pickle.loads(open(sys.argv[1], "rb").read())
t1 = time.perf_counter()
out = simulate_cell(traj, from_h={from_h!r}, backend="native")
t2 = time.perf_counter()
print(f"{{t1 - t:.2f}} {{t2 - t1:.2f}} {{'jax' in sys.modules}}")
"""


def backends(days: int = 14) -> None:
    """Native against JAX on the compare flow's window (``_compare._cell_summary``)."""
    traj = simulate(PERSON, Protocol(name="usual day"), days=days)
    from_h = 24.0 * (days - 2)
    firsts = {}
    for name in ("native", "jax"):
        t = time.perf_counter()
        simulate_cell(traj, from_h=from_h, backend=name)
        firsts[name] = time.perf_counter() - t
    warm = {name: _best(lambda name=name: simulate_cell(traj, from_h=from_h, backend=name))
            for name in ("native", "jax")}  # fmt: skip
    steps = {k: v[1].metadata["cell"]["num_steps"] for k, v in warm.items()}
    diff = max(float(np.max(np.abs(warm["native"][1][v] - warm["jax"][1][v])
                            / np.abs(warm["jax"][1][v]))) for v in VARIABLES)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "traj.pkl"
        path.write_bytes(pickle.dumps(traj))
        code = textwrap.dedent(_FRESH.format(from_h=from_h))
        t = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                             text=True, check=True)  # fmt: skip
        wall = time.perf_counter() - t
    imports, solve, jax_loaded = run.stdout.split()
    print(f"simulate_cell on the compare window ({days}-day run, from_h = {from_h:g} h): "
          f"native {warm['native'][0] * 1e3:.0f} ms ({steps['native']} steps), "
          f"JAX {warm['jax'][0] * 1e3:.0f} ms ({steps['jax']} steps), warm best of 3; "
          f"first call in this process: native {firsts['native']:.2f} s, "
          f"JAX {firsts['jax']:.2f} s; largest relative difference {diff:.1e}")
    print(f"fresh process, native cell solve only: import {imports} s, first simulate_cell "
          f"{solve} s (numba's per-process start-up on loading the first cached kernel, which "
          f"the body run pays first in `compare`, plus the solve), {wall:.2f} s wall with "
          f"interpreter start; JAX imported: {jax_loaded}")


if __name__ == "__main__":
    backends()
    timing(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
    accuracy()
