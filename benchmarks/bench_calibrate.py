"""Personal calibration speed (issue 11, item 8): MAP + Laplace on 6 labs over 2 years, and
NUTS with 4 chains x 1,000 draws, for one person with a somatropin dose change.

Prints cold (day tables tabulated) and warm wall times; the peer in the same run is the
other method: NUTS on the cubic emulator against the Laplace fit on the model itself
(posterior medians and SDs side by side). Goals: Laplace <= 5 s warm, NUTS <= 120 s.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from igfaxis import Dose, Person, Protocol
from igfaxis.calibrate import NAMES, CalibrationConfig, calibrate
from igfaxis.io.labs import LabValue
from igfaxis.protocol import History


def _setup() -> tuple[Person, list[LabValue], History]:
    person = Person(age_y=52, sex="female")
    low = Protocol(name="somatropin 0.2 mg", doses=[
        Dose(drug="somatropin", amt=0.2, amt_unit="mg", time_h=22, ii_h=24, addl=800)])  # fmt: skip
    high = Protocol(name="somatropin 0.4 mg", doses=[
        Dose(drug="somatropin", amt=0.4, amt_unit="mg", time_h=22, ii_h=24, addl=800)])  # fmt: skip
    history = History(segments=[{"day": -540, "protocol": low.to_dict()},
                                {"day": -270, "protocol": high.to_dict()}])  # fmt: skip
    values = [(-730, 98.0, 3100.0), (-600, 104.0, None), (-450, 141.0, None),
              (-300, 150.0, 3600.0), (-150, 188.0, None), (0, 176.0, 3900.0)]  # fmt: skip
    labs = [LabValue(day=float(d), date=None, value=v, unit="ng/mL", igf1_ng_ml=v, line=i + 1,
                     igfbp3_ng_ml=b) for i, (d, v, b) in enumerate(values)]  # fmt: skip
    return person, labs, history


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-nuts", action="store_true")
    args = ap.parse_args()
    person, labs, history = _setup()
    out: dict[str, object] = {}
    t = time.perf_counter()
    calibrate(person, labs, history=history)
    out["laplace_cold_s"] = time.perf_counter() - t
    times = []
    for _ in range(3):
        t = time.perf_counter()
        lap = calibrate(person, labs, history=history)
        times.append(time.perf_counter() - t)
    out["laplace_warm_s"] = min(times)
    out["laplace"] = {n: [float(lap.z_map[i]), float(np.sqrt(lap.cov[i, i]))]
                      for i, n in enumerate(NAMES)}  # fmt: skip
    if not args.no_nuts:
        cfg = CalibrationConfig(chains=4, warmup=1000, samples=1000)
        t = time.perf_counter()
        nuts = calibrate(person, labs, history=history, method="nuts", config=cfg)
        out["nuts_4x1000_s"] = time.perf_counter() - t
        out["nuts"] = {n: [float(np.median(nuts.draws[:, i])), float(np.std(nuts.draws[:, i]))]
                       for i, n in enumerate(NAMES)}  # fmt: skip
        out["nuts_rhat_max"] = max(nuts.diagnostics["rhat"].values())
        out["nuts_ess_min"] = min(nuts.diagnostics["ess"].values())
        out["emulator_max_error_log"] = nuts.diagnostics["emulator_max_error_log"]
    if args.json:
        print(json.dumps(out))
        return
    print(f"MAP + Laplace, 6 labs over 2 years: cold {out['laplace_cold_s']:.2f} s, warm "
          f"{out['laplace_warm_s']:.2f} s (goal <= 5 s warm)")  # fmt: skip
    if "nuts_4x1000_s" in out:
        print(f"NUTS 4 chains x 1000 draws (1000 warm-up): {out['nuts_4x1000_s']:.1f} s "
              f"(goal <= 120 s); max R-hat {out['nuts_rhat_max']:.4f}, min ESS "
              f"{out['nuts_ess_min']:.0f}, emulator error "
              f"{out['emulator_max_error_log']:.2e}")  # fmt: skip
        for n in NAMES:
            (a, sa), (b, sb) = out["laplace"][n], out["nuts"][n]
            print(f"  {n:30s} z: Laplace {a:+.3f} +- {sa:.3f}   NUTS {b:+.3f} +- {sb:.3f}")


if __name__ == "__main__":
    main()
