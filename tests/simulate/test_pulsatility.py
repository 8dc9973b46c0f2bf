"""GH pulsatility metrics: ApEn against Pincus' definition, bursts and secretion on series
with known answers, and "pulsatile vs flat" on the model (G3, G4)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from igfaxis import Dose, Person, Protocol, SolverConfig, simulate
from igfaxis.errors import ProtocolError
from igfaxis.simulate import (
    Trajectory,
    approximate_entropy,
    basal_secretion,
    burst_mass,
    burst_peaks,
    pulsatility,
    resample,
    secretory_bursts,
)
from igfaxis.validation import count_bursts
from igfaxis.validation._metrics import METRICS

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("simulate/test_pulsatility")

SEED = 20240611  # numpy Generator seed of the synthetic series (G12: explicit, printed on failure)


def _rng(offset: int = 0) -> np.random.Generator:
    return np.random.default_rng(SEED + offset)


# --------------------------------------------------------------------------------------
# approximate entropy
# --------------------------------------------------------------------------------------


def _apen_loops(x: list[float], m: int, r: float) -> float:
    """Pincus 1991 PNAS 88:2297, written out: vectors u(i) = (x[i], ..., x[i+m-1]),
    C_i^m(r) = #{j : max_k |x[i+k] - x[j+k]| <= r} / (N - m + 1) (j = i included),
    Phi^m(r) = mean_i ln C_i^m(r), ApEn = Phi^m(r) - Phi^{m+1}(r)."""

    def phi(mm: int) -> float:
        n = len(x) - mm + 1
        total = 0.0
        for i in range(n):
            count = 0
            for j in range(n):
                if max(abs(x[i + k] - x[j + k]) for k in range(mm)) <= r:
                    count += 1
            total += math.log(count / n)
        return total / n

    return phi(m) - phi(m + 1)


@pytest.mark.parametrize("m", [1, 2, 3])
@pytest.mark.parametrize("r_fraction", [0.1, 0.2, 0.5])
def test_apen_equals_the_definition_written_as_loops(m: int, r_fraction: float) -> None:
    x = _rng(m).lognormal(size=90)  # skewed, like GH
    r = r_fraction * float(np.std(x, ddof=1))
    assert approximate_entropy(x, m, r_fraction) == pytest.approx(
        _apen_loops(x.tolist(), m, r), rel=1e-12, abs=1e-12
    ), f"seed {SEED + m}"


def test_apen_counts_a_distance_equal_to_r_as_a_match() -> None:
    # integer series: many pairs sit at distance exactly r = 1
    x = _rng(7).integers(0, 5, size=80).astype(float)
    assert approximate_entropy(x, 1, r=1.0) == pytest.approx(
        _apen_loops(x.tolist(), 1, 1.0), abs=1e-12
    )
    assert approximate_entropy(x, 1, r=1.0) != pytest.approx(
        _apen_loops(x.tolist(), 1, 0.999), abs=1e-6
    )


def test_apen_of_a_constant_is_zero_and_of_a_sawtooth_about_zero() -> None:
    assert approximate_entropy(np.full(144, 3.7)) == 0.0
    # strictly periodic, each value determines the next: only the finite-N terms remain
    saw = np.tile(np.arange(10.0), 100)
    assert abs(approximate_entropy(saw)) < 0.005  # may dip below 0 by O(1/N)


def test_apen_of_uniform_noise_approaches_its_analytic_limit() -> None:
    """For i.i.d. X and N -> infinity, C_i^m -> prod_k p(x_{i+k}) with p(x) = P(|X - x| <= r),
    so Phi^m -> m E[ln p(X)] and ApEn -> -E[ln p(X)], whatever m. For X ~ U(0, 1) and
    r <= 1/2, p(x) = 2r inside [r, 1 - r] and x + r (mirrored) near the edges, so

        E[ln p] = (1 - 2r) ln 2r + 2 int_r^{2r} ln u du = (1 + 2r) ln 2r - 2r ln r - 2r.

    The finite-N estimate is biased low by self-matches, more so for larger m and smaller r
    (it needs N p^(m+1) >> 1): within 1.5% for m = 1 at N = 3000, and for m = 2 once r >= 0.1.
    """
    x = _rng(11).uniform(size=3000)
    for r in (0.05, 0.1, 0.2):
        limit = -((1 + 2 * r) * math.log(2 * r) - 2 * r * math.log(r) - 2 * r)
        assert approximate_entropy(x, 1, r=r) == pytest.approx(limit, rel=0.015), (r, SEED + 11)
        if r >= 0.1:
            assert approximate_entropy(x, 2, r=r) == pytest.approx(limit, rel=0.015), r


def test_apen_resolution_floor_makes_round_off_flat() -> None:
    flat = 1.3733 + 1e-9 * _rng(3).standard_normal(144)
    assert approximate_entropy(flat) > 1.0  # scale-free: round-off alone looks like noise
    assert approximate_entropy(flat, r_min=0.002) == 0.0


def test_apen_refuses_short_or_bad_input() -> None:
    with pytest.raises(ProtocolError, match="at least m \\+ 2 values"):
        approximate_entropy(np.ones(2))
    with pytest.raises(ProtocolError, match="non-finite"):
        approximate_entropy(np.array([1.0, np.nan, 2.0, 3.0]))


# --------------------------------------------------------------------------------------
# synthetic series with known bursts and known secretion
# --------------------------------------------------------------------------------------

T = np.arange(0.0, 24.0 + 1e-9, 1.0 / 120.0)  # 30-s grid, one day [h]
ONSETS_H = np.array([0.9, 2.6, 4.0, 5.3, 7.7, 9.1, 11.4, 13.0, 15.2, 17.6, 19.9, 22.1])


def _serum(amplitudes: np.ndarray, baseline: float = 0.3) -> np.ndarray:
    """Baseline plus pulses that rise over 10 min and clear with a 15-min half-life."""
    y = np.full_like(T, baseline)
    k = math.log(2) / 0.25
    for t0, a in zip(ONSETS_H, amplitudes, strict=True):
        s = T - t0
        rise = np.clip(s / (1 / 6), 0.0, 1.0)
        decay = np.where(s > 1 / 6, np.exp(-k * (s - 1 / 6)), 1.0)
        y += a * rise * decay
    return y


def _secretion(masses: np.ndarray, basal: float, sigma_h: float = 4 / 60) -> np.ndarray:
    """Basal rate plus Gaussian bursts of known mass [rate x h]."""
    rate = np.full_like(T, basal)
    for t0, mass in zip(ONSETS_H, masses, strict=True):
        rate += mass * np.exp(-0.5 * ((T - t0) / sigma_h) ** 2) / (sigma_h * math.sqrt(2 * np.pi))
    return rate


def _trajectory(gh: np.ndarray, rate: np.ndarray) -> Trajectory:
    return Trajectory(T, {"gh_ng_ml": gh, "gh_secretion_ng_ml_h": rate}, {}, ONSETS_H)


def test_bursts_of_known_pulses_are_counted_from_10_min_samples() -> None:
    amplitudes = _rng(21).uniform(0.5, 8.0, size=ONSETS_H.size)
    gh = _serum(amplitudes)
    samples = resample(T, gh, 0.0, 24.0)
    assert samples.size == 145
    assert burst_peaks(samples, min_rise=0.2).size == ONSETS_H.size
    tr = _trajectory(gh, _secretion(np.ones(ONSETS_H.size), 0.1))
    assert count_bursts(tr, 0.0, 24.0) == ONSETS_H.size
    assert pulsatility(tr)["burst_frequency_per_day"] == ONSETS_H.size


def test_a_pulse_below_the_serum_threshold_is_not_a_burst() -> None:
    amplitudes = np.full(ONSETS_H.size, 2.0)
    amplitudes[3] = 0.1  # rise 0.1 ng/mL < 0.2 ng/mL
    assert burst_peaks(resample(T, _serum(amplitudes), 0.0, 24.0), min_rise=0.2).size == (
        ONSETS_H.size - 1
    )


def test_basal_burst_mass_and_pulsatile_share_of_known_secretion() -> None:
    masses = _rng(31).uniform(1.0, 6.0, size=ONSETS_H.size)  # [ng/mL]
    basal = 0.08  # [ng/mL/h]
    rate = _secretion(masses, basal)
    assert basal_secretion(rate) == pytest.approx(basal, rel=1e-9)
    assert secretory_bursts(T, rate).size == ONSETS_H.size
    assert burst_mass(T, rate) == pytest.approx(masses.mean(), rel=1e-6)
    p = pulsatility(_trajectory(_serum(np.full(ONSETS_H.size, 2.0)), rate))
    total = basal * 24.0 + masses.sum()
    assert p["secretion_ng_ml_per_day"] == pytest.approx(total, rel=1e-6)
    assert p["pulsatile_fraction"] == pytest.approx(masses.sum() / total, rel=1e-6)
    assert p["burst_mass_ng_ml"] == pytest.approx(masses.mean(), rel=1e-6)
    assert p["basal_secretion_ng_ml_h"] == pytest.approx(basal, rel=1e-9)
    assert p["secretory_bursts_per_day"] == ONSETS_H.size


def test_a_spike_and_its_shoulder_are_one_secretory_burst() -> None:
    rate = _secretion(np.full(ONSETS_H.size, 2.0), 0.1)
    # a second, smaller peak 15 min after each burst (the model's somatostatin-cut spike)
    shoulder = _secretion(np.full(ONSETS_H.size, 0.8), 0.0)
    shifted = np.interp(T - 0.25, T, shoulder, left=0.0)
    both = rate + shifted
    assert burst_peaks(both, min_rise=1.0).size == 2 * ONSETS_H.size
    assert secretory_bursts(T, both).size == ONSETS_H.size
    assert secretory_bursts(T, both, merge_h=0.1).size == 2 * ONSETS_H.size


def test_no_secretion_means_no_bursts_zero_basal_and_undefined_mass() -> None:
    tr = _trajectory(np.full_like(T, 1.37), np.zeros_like(T))
    p = pulsatility(tr)
    assert p["burst_frequency_per_day"] == 0.0
    assert p["approximate_entropy"] == 0.0
    assert p["basal_secretion_ng_ml_h"] == 0.0
    assert math.isnan(p["burst_mass_ng_ml"])
    assert math.isnan(p["pulsatile_fraction"])


def test_windows_are_read_as_24_h_profiles_and_pooled() -> None:
    amplitudes = _rng(41).uniform(0.5, 8.0, size=ONSETS_H.size)
    one = _trajectory(_serum(amplitudes), _secretion(np.ones(ONSETS_H.size), 0.1))
    t2 = np.concatenate([T, T[1:] + 24.0])
    two = Trajectory(t2, {k: np.concatenate([v, v[1:]]) for k, v in one.variables.items()}, {},
                     ONSETS_H)  # fmt: skip
    p1, p2 = pulsatility(one), pulsatility(two)
    for key in ("burst_frequency_per_day", "approximate_entropy", "basal_secretion_ng_ml_h",
                "burst_mass_ng_ml", "secretory_bursts_per_day"):  # fmt: skip
        # ApEn: the second day's 10-min grid differs from the first by round-off, which can
        # move a pair across the <= r boundary
        assert p2[key] == pytest.approx(p1[key], rel=1e-3 if key == "approximate_entropy"
                                        else 1e-9), key  # fmt: skip


def test_validation_metrics_read_the_same_numbers() -> None:
    masses = _rng(51).uniform(1.0, 6.0, size=ONSETS_H.size)
    tr = _trajectory(_serum(np.full(ONSETS_H.size, 2.0)), _secretion(masses, 0.08))
    spec = {"start_h": 0.0, "end_h": 24.0}
    assert METRICS["burst_mass"]({"main": tr}, {**spec, "kind": "burst_mass"}) == (
        pytest.approx(masses.mean(), rel=1e-6)
    )
    assert METRICS["basal_secretion"]({"main": tr}, spec) == pytest.approx(0.08, rel=1e-9)
    assert METRICS["secretory_bursts_per_day"]({"main": tr}, spec) == ONSETS_H.size
    assert METRICS["approximate_entropy"]({"main": tr}, spec) == pytest.approx(
        approximate_entropy(resample(T, tr["gh_ng_ml"], 0.0, 24.0), r_min=0.002)
    )


# --------------------------------------------------------------------------------------
# the model: pulsatile adult vs continuous GH infusion
# --------------------------------------------------------------------------------------

MAN = Person(age_y=45.0, sex="male", weight_kg=80.0)
FAST = SolverConfig(warmup_days=3)


@pytest.fixture(scope="module")
def normal() -> dict:
    return pulsatility(simulate(MAN, Protocol(name="baseline"), days=2, seed=0, solver=FAST))


@pytest.fixture(scope="module")
def infusion() -> dict:
    # somatostatin clamp plus somatropin as an IV infusion running around the clock
    dose = Dose(drug="somatropin", amt=0.3, route="iv", dur_h=24.0, ii_h=24.0, addl=1)
    protocol = Protocol(name="continuous GH", endogenous_gh_suppressed=True, doses=(dose,))
    return pulsatility(simulate(MAN, protocol, days=2, seed=0, solver=FAST))


def test_a_normal_adult_is_pulsatile(normal: dict) -> None:
    # 24-h GH profiles of healthy adults show about 5-15 bursts (Hartman 1990 JCEM 70:1375:
    # 6.7 men, 11 women, q5 min; Semer 1995 JCEM 80:3767: 8.1, q20 min)
    assert 4.0 <= normal["burst_frequency_per_day"] <= 16.0
    # at least half of daily GH secretion is pulsatile in healthy adults (Semer 1995; Hartman
    # 1990 nonpulsatile share of integrated GH 25% in men)
    assert normal["pulsatile_fraction"] > 0.5
    assert normal["basal_secretion_ng_ml_h"] > 0.0
    assert normal["burst_mass_ng_ml"] > 0.0
    assert normal["secretory_bursts_per_day"] >= normal["burst_frequency_per_day"] - 2.0


def test_continuous_infusion_is_flat(normal: dict, infusion: dict) -> None:
    assert infusion["burst_frequency_per_day"] == 0.0
    assert infusion["secretory_bursts_per_day"] == 0.0
    assert infusion["basal_secretion_ng_ml_h"] == 0.0
    assert math.isnan(infusion["burst_mass_ng_ml"])
    assert infusion["approximate_entropy"] < 0.05
    assert normal["approximate_entropy"] > 4.0 * infusion["approximate_entropy"] + 0.1


def test_trajectory_method_matches_the_function():
    import igfaxis
    from igfaxis.simulate import pulsatility

    tr = igfaxis.simulate(igfaxis.Person(), days=1)
    assert tr.pulsatility(0.0, 24.0) == pulsatility(tr, 0.0, 24.0)
