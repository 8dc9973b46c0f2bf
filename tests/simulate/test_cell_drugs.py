"""Cell-model checks that need the drug library (issue 5, item 4; docs/signalling.md).

1. A GHRH analogue at night on top of 16:8 time-restricted eating (examples/tre-16-8.yaml)
   raises IGF-1 but leaves the fasting autophagy window intact.

   Drug: tesamorelin 2 mg SC at 22:00, the labelled regimen (Egrifta: 2 mg once daily,
   also the label maximum) and the one validated in V-DRG-02 (IGF-1 after 26 weeks). It
   raises IGF-1 more than sermorelin 0.3 mg (in a first run, day 7: +39% against +14%),
   so it tests the window harder.

   What the mechanism implies: the analogue acts on the somatotroph at night, and the cell
   sees GH only through free IGF-1. Free IGF-1 turns over in about a day, so the nightly GH
   rise reaches the cell as a tonic rise of one receptor ligand, with no nightly pulse. In
   the fasting window amino acids are postabsorptive and AMPK is active, so mTORC1, and
   through it ULK1 and autophagy, is limited by nutrients, not by the receptor signal.
   The window is set by the meal times, which the analogue does not move. The assertions:
   IGF-1 up at least 20%; hours above the no-drug run's 24-h median autophagy during the
   16-h fast (20:00 to 12:00) change by less than 10%; the window's peak flux is at least
   98% of the no-drug peak and still comes in the last hour of the fast. The same criterion
   must fail when the window really is closed: three meals (breakfast at 08:00) on the same
   days.

2. Continuous versus pulsatile exogenous GH at matched mean IGF-1. Pulsatile: somatropin
   1 mg SC nightly at 22:00 (0.013 mg/kg, within the label maximum of 0.016 mg/kg).
   Continuous: back-to-back 24-h IV infusions of somatropin. Both sit on top of endogenous
   secretion, which IGF-1 feedback suppresses in both arms. The infusion dose is found by a
   secant root-find on log dose, so that mean total IGF-1 on day 5 matches the pulsatile
   arm within 1% (asserted within 5%). The cell's inputs are free IGF-1, insulin, amino
   acids and energy status. No GH term reaches insulin or energy status, and IGFBP-3 and ALS
   are made from the same hepatic GH signal as IGF-1. Matching total IGF-1 therefore
   matches the binding proteins, and mean free IGF-1 agrees within 0.5%. What is left is
   the shape: the infusion gives a flatter free IGF-1, and receptor occupancy L / (L + K)
   is concave, so a steady ligand occupies more receptor on average than a fluctuating one
   with the same mean. Before the hepatic delay (``igf_signal_tau``, docs/model.md) the
   model gave the direction, continuous above pulsatile, by about 0.0017 (2.5 min/day),
   larger than the read-out's accuracy (0.001, test_cell.py). With the delay, IGF-1
   synthesis no longer follows the SC GH peak within minutes, free IGF-1 under the nightly
   injection is nearly as flat as under the infusion, and the difference is 0.0002-0.0004
   (0.0004 with the delay alone, 0.0002 with the releasable GH store as well): below the
   read-out's accuracy, so the direction is no longer resolved. Both checks are strict
   xfails; their reasons name what the model lacks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from igfaxis.protocol import Person, Protocol
from igfaxis.simulate import simulate, simulate_cell
from igfaxis.simulate._cell import _time_above, mtorc1_duty_cycle

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
# about ten multi-day body runs
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("simulate/test_cell_drugs")]

TRE_YAML = Path(__file__).parents[2] / "examples" / "tre-16-8.yaml"
PERSON = Person(age_y=40, sex="male", weight_kg=75)

TRE_DAYS = 7
LAST_DAY = (24.0 * (TRE_DAYS - 1), 24.0 * TRE_DAYS)
FAST = (LAST_DAY[0] - 4.0, LAST_DAY[0] + 12.0)  # 20:00 the evening before to 12:00

GH_DAYS = 5
GH_DAY = (24.0 * (GH_DAYS - 1), 24.0 * GH_DAYS)
MATCH_TOL = 0.05  # asserted |IGF-1 continuous / pulsatile - 1|
ROOT_TOL = 0.01  # the root-find stops within this
READOUT_ACCURACY = 0.001  # mtorc1_duty_cycle vs the LSODA reference (test_cell.py)
MATERIAL = 0.01  # duty cycle, about 15 min/day


def _protocol(base: dict, name: str, doses: list[dict]) -> Protocol:
    return Protocol.from_dict({**base, "name": name, "doses": doses})


def _fasting_window(cell, threshold: float) -> tuple[float, float, float]:
    """Hours above ``threshold``, peak autophagy flux and its clock time over ``FAST``."""
    m = cell.window(*FAST)
    t, y = cell.times_h[m], cell["autophagy_flux"][m]
    return _time_above(t, y, threshold), float(y.max()), float(t[np.argmax(y)] % 24.0)


def _window_intact(ref: tuple, other: tuple) -> bool:
    """The stated criterion: hours within 10%, peak within 2%, peak in the fast's last hour."""
    hours, peak, _ = ref
    o_hours, o_peak, o_when = other
    return abs(o_hours / hours - 1.0) < 0.10 and o_peak >= 0.98 * peak and 11.0 <= o_when <= 12.0


@pytest.fixture(scope="module")
def tre_runs():
    tre = Protocol.from_yaml(TRE_YAML).to_dict()
    tesamorelin = [{"drug": "tesamorelin", "amt": 2, "amt_unit": "mg", "route": "sc",
                    "time_h": 22, "ii_h": 24, "addl": TRE_DAYS - 1}]  # fmt: skip
    runs = {
        "tre": _protocol(tre, "16:8", []),
        "tre_tesamorelin": _protocol(tre, "16:8 + tesamorelin 2 mg at 22:00", tesamorelin),
        "three_meals": Protocol(name="three meals"),
    }
    out = {}
    for name, protocol in runs.items():
        body = simulate(PERSON, protocol, days=TRE_DAYS)
        out[name] = simulate_cell(body, from_h=LAST_DAY[0] - 24.0)
    return out


def test_night_ghrh_analogue_raises_igf1_and_keeps_the_fasting_window(tre_runs):
    tre, drug = tre_runs["tre"], tre_runs["tre_tesamorelin"]
    igf, igf_drug = (x.mean("igf1_total_ng_ml", *LAST_DAY) for x in (tre, drug))
    assert igf_drug > 1.2 * igf, (igf, igf_drug)  # observed 170.7 -> 237.2 ng/mL (+39%)
    threshold = float(np.median(tre["autophagy_flux"][tre.window(*LAST_DAY)]))
    ref, got = _fasting_window(tre, threshold), _fasting_window(drug, threshold)
    # observed: 11.17 -> 11.01 h above the median (-1.4%); peak 0.4165 -> 0.4167 at 12:00
    assert _window_intact(ref, got), (ref, got)


def test_fasting_window_criterion_fails_when_the_window_is_closed(tre_runs):
    """The criterion above can fail: a breakfast at 08:00 closes the morning window."""
    tre = tre_runs["tre"]
    threshold = float(np.median(tre["autophagy_flux"][tre.window(*LAST_DAY)]))
    ref = _fasting_window(tre, threshold)
    closed = _fasting_window(tre_runs["three_meals"], threshold)
    assert not _window_intact(ref, closed), (ref, closed)


def _gh_body(doses: list[dict], name: str):
    return simulate(PERSON, Protocol.from_dict({"name": name, "doses": doses}), days=GH_DAYS)


def _infusion(mg_per_day: float):
    dose = {"drug": "somatropin", "amt": float(mg_per_day), "amt_unit": "mg", "route": "iv",
            "dur_h": 24.0, "time_h": 0.0, "ii_h": 24.0, "addl": GH_DAYS - 1}  # fmt: skip
    return _gh_body([dose], f"somatropin {mg_per_day:.4g} mg/day continuous IV")


def _igf1(traj) -> float:
    return traj.mean("igf1_total_ng_ml", *GH_DAY)


@pytest.fixture(scope="module")
def gh_matched():
    pulsatile = _gh_body([{"drug": "somatropin", "amt": 1.0, "amt_unit": "mg", "route": "sc",
                           "time_h": 22.0, "ii_h": 24.0, "addl": GH_DAYS - 1}],
                         "somatropin 1 mg SC at 22:00")  # fmt: skip
    target = _igf1(pulsatile)
    # secant on log dose; the start (0.4, 0.6 mg/day) brackets the match (IGF-1 about 346
    # and 428 ng/mL against 358 ng/mL), so it converges in one or two further runs
    doses, errs, runs = [], [], []
    for x in (0.4, 0.6):
        runs.append(_infusion(x))
        doses.append(np.log(x))
        errs.append(np.log(_igf1(runs[-1]) / target))
    for _ in range(6):
        if abs(errs[-1]) < np.log1p(ROOT_TOL):
            break
        x = doses[-1] - errs[-1] * (doses[-1] - doses[-2]) / (errs[-1] - errs[-2])
        runs.append(_infusion(np.exp(x)))
        doses.append(x)
        errs.append(np.log(_igf1(runs[-1]) / target))
    continuous = runs[int(np.argmin(np.abs(errs)))]
    from_h = GH_DAY[0] - 24.0
    return {
        "pulsatile": simulate_cell(pulsatile, from_h=from_h),
        "continuous": simulate_cell(continuous, from_h=from_h),
        "continuous_mg_per_day": float(np.exp(doses[int(np.argmin(np.abs(errs)))])),
    }


def _duty(gh_matched) -> tuple[float, float]:
    return (mtorc1_duty_cycle(gh_matched["continuous"], *GH_DAY),
            mtorc1_duty_cycle(gh_matched["pulsatile"], *GH_DAY))  # fmt: skip


def test_infusion_matches_the_pulsatile_arm_in_mean_igf1(gh_matched):
    # observed (before the hepatic delay): 0.425 mg/day IV matches 1 mg SC nightly: 357.3 vs
    # 357.5 ng/mL
    assert _igf1(gh_matched["continuous"]) == pytest.approx(_igf1(gh_matched["pulsatile"]),
                                                            rel=MATCH_TOL)  # fmt: skip


@pytest.mark.xfail(
    strict=True,
    reason="known miss since the hepatic delay (igf_signal_tau 8 h): IGF-1 synthesis follows "
    "the GH of the past hours, so free IGF-1 under a nightly SC injection is nearly as flat as "
    "under a matched infusion, and receptor-occupancy concavity leaves continuous above "
    "pulsatile by 0.0002 (duty cycle 0.51076 vs 0.51059), below the read-out's accuracy "
    "(0.001); was 0.0017 when synthesis followed each GH rise within minutes",
)
def test_continuous_gh_raises_mtorc1_duty_cycle_above_pulsatile_at_matched_igf1(gh_matched):
    # observed before the hepatic delay: mean free IGF-1 3.471 vs 3.487 ng/mL; duty cycle
    # 0.5106 vs 0.5089
    d_cont, d_puls = _duty(gh_matched)
    assert d_cont - d_puls > READOUT_ACCURACY, (d_cont, d_puls, gh_matched["continuous_mg_per_day"])


@pytest.mark.xfail(
    strict=True,
    reason="At matched total IGF-1 the model's cell inputs barely differ: no GH term reaches "
    "insulin or energy status (GH's direct diabetogenic, insulin-antagonist effect is "
    "missing), IGFBP-3 and ALS follow the same hepatic GH signal as IGF-1 (no GH-pattern-"
    "dependent binding proteins or hepatic gene expression), and the cell has no GH "
    "receptor of its own. Mean free IGF-1 agrees within 0.5%; only receptor-occupancy "
    "concavity is left (+0.0002 with the hepatic delay, about 0.3 min/day; +0.0017 without).",
)
def test_continuous_gh_raises_mtorc1_duty_cycle_materially(gh_matched):
    d_cont, d_puls = _duty(gh_matched)
    assert d_cont - d_puls >= MATERIAL, (d_cont, d_puls)
