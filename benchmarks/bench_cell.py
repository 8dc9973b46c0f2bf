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
  ``autophagy_hours_above`` [h/day] and ``mtorc1_duty_cycle`` [-].
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
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


if __name__ == "__main__":
    timing(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
    accuracy()
