"""Day resolution vs pulse-resolved: a 40-year projection of one person (issue 10, item 5).

Prints the warm wall time of ``simulate_days`` over 40 years next to the pulse-resolved
``simulate`` of the same protocol (one year, scaled to 40, and measured in the same run).
"""

from __future__ import annotations

import argparse
import json
import time

import jax

from igfaxis import Person, Protocol, simulate
from igfaxis.simulate import SolverConfig
from igfaxis.simulate._day import simulate_days


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=float, default=40.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    jax.config.update("jax_enable_x64", True)
    person, protocol = Person(age_y=40), Protocol(name="usual day")
    days = 365.25 * args.years
    t = time.perf_counter()
    simulate_days(person, protocol, days=days)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    simulate_days(person, protocol, days=days)
    warm = time.perf_counter() - t
    solver = SolverConfig(save_every_h=24.0, max_steps=10**8)
    simulate(person, protocol, days=30, solver=solver)
    t = time.perf_counter()
    simulate(person, protocol, days=365, solver=solver)
    pulse_year = time.perf_counter() - t
    out = {"years": args.years, "day_cold_s": cold, "day_warm_s": warm,
           "pulse_1y_warm_s": pulse_year, "pulse_projected_s": pulse_year * args.years}  # fmt: skip
    if args.json:
        print(json.dumps(out))
    else:
        print(f"day resolution, {args.years:g} years: cold {cold:.2f} s, warm {warm:.2f} s "
              f"(target <= 1 s warm)")  # fmt: skip
        print(f"pulse-resolved, 1 year warm: {pulse_year:.2f} s "
              f"(x {args.years:g} = {pulse_year * args.years:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
