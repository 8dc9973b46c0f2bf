"""Cost of the cell-signalling solve on top of a 30-day pulse-resolved body run.

Usage: ``python benchmarks/bench_cell.py [days]``. Times (after one warm-up call each, so
that JIT compilation is excluded) ``simulate`` alone and ``simulate`` + ``simulate_cell``
for the same person and protocol, and prints the ratio (issue 5: must not exceed 3).
"""

from __future__ import annotations

import sys
import time

import jax

jax.config.update("jax_enable_x64", True)

from igfaxis.protocol import Person, Protocol  # noqa: E402
from igfaxis.simulate import simulate, simulate_cell  # noqa: E402


def main(days: float = 30.0) -> None:
    person, protocol = Person(age_y=40, sex="male", weight_kg=75), Protocol(name="usual day")
    simulate_cell(simulate(person, protocol, days=days))  # compile both
    t = time.perf_counter()
    traj = simulate(person, protocol, days=days)
    body = time.perf_counter() - t
    t = time.perf_counter()
    cell = simulate_cell(traj)
    extra = time.perf_counter() - t
    ratio = (body + extra) / body
    print(f"{days:g}-day body run: {body:.1f} s; cell solve: {extra:.1f} s "
          f"({cell.metadata['cell']['num_steps']} steps); with/without = {ratio:.2f}x")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
