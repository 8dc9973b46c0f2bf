"""Pulsatility against the published record (issue 13, item 6): irregular adenoma secretion
in acromegaly, irregular basal secretion of the normal somatotrophs, and the known misses
(ApEn with age; the older women/men ApEn ratio; the pulsatile share of healthy secretion),
each with the direction and a magnitude from a cited publication."""

from __future__ import annotations

import numpy as np
import pytest

from igfaxis import Person, Protocol, SolverConfig, simulate
from igfaxis.model import default_params, personalise, pituitary
from igfaxis.protocol import compile_protocol
from igfaxis.protocol._compile import _INDEX, BURST_ORIGIN_H
from igfaxis.simulate import approximate_entropy, deconvolve, gh_disposition, pulsatility, resample

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("simulate/test_pulsatility_mechanisms")

MAN = Person(age_y=45.0, sex="male", weight_kg=85.0)
ACRO = Person(age_y=45.0, sex="male", weight_kg=85.0, condition="acromegaly",
              acromegaly_mean_gh_ng_ml=10.0)  # fmt: skip
FINE = SolverConfig(save_every_h=1.0 / 60.0)  # secretion integrals need the burst spikes
P = default_params()


def test_adenoma_activity_scales_only_the_autonomous_term():
    p = P._replace(gh_autonomous=30.0)
    normal = float(pituitary.gh_secretion(400.0, 30.0, 20.0, 150.0, P))
    one = float(pituitary.gh_secretion(400.0, 30.0, 20.0, 150.0, p))
    double = float(pituitary.gh_secretion(400.0, 30.0, 20.0, 150.0, p, adenoma_activity=2.0))
    assert double - normal == pytest.approx(2.0 * (one - normal), rel=1e-12)
    assert float(pituitary.gh_secretion(400.0, 30.0, 20.0, 150.0, P, adenoma_activity=5.0)) == (
        pytest.approx(normal, rel=1e-12)
    )


def test_basal_activity_scales_only_the_basal_term():
    args = (400.0, 30.0, 20.0, 150.0)
    none = P._replace(pit_basal=0.0)
    regulated = float(pituitary.gh_secretion(*args, none))
    one = float(pituitary.gh_secretion(*args, P))
    double = float(pituitary.gh_secretion(*args, P, basal_activity=2.0))
    assert one > regulated
    assert double - regulated == pytest.approx(2.0 * (one - regulated), rel=1e-12)
    # GHRH does not drive it and it does not draw on the releasable store
    basal = float(pituitary.gh_secretion(0.0, 30.0, 20.0, 150.0, P, pool=0.0))
    assert basal == pytest.approx(one - regulated, rel=1e-12)
    assert float(pituitary.somatotroph_rate(*args, P)) == float(
        pituitary.somatotroph_rate(*args, none))
    # somatostatin and IGF-1 inhibit it as they inhibit regulated release
    rate = lambda s, i: float(pituitary.basal_rate(s, 20.0, i, P))  # noqa: E731
    assert rate(60.0, 150.0) < rate(30.0, 150.0)
    assert rate(30.0, 250.0) < rate(30.0, 150.0)
    # adiposity lowers it and the somatopause does not (Roelfsema 2016)
    at = lambda **kw: personalise(P, Person(**kw).covariates())[0].pit_basal  # noqa: E731
    assert at(age_y=70.0, sex="male", weight_kg=75.0) == at(age_y=30.0, sex="male", weight_kg=75.0)
    assert at(age_y=40.0, sex="male", weight_kg=95.0) < at(age_y=40.0, sex="male", weight_kg=75.0)


def _forcing(person: Person, seed: int = 3):
    return compile_protocol(Protocol(name="usual day"), person, P, days=4.0, seed=seed,
                            warmup_h=48.0, burst_origin_h=BURST_ORIGIN_H)[1]  # fmt: skip


def test_adenoma_noise_comes_from_its_own_stream():
    healthy, acro = _forcing(MAN), _forcing(ACRO)
    # the burst train of a seed is the same with or without an adenoma
    np.testing.assert_array_equal(healthy.bursts.onsets_h, acro.bursts.onsets_h)
    np.testing.assert_array_equal(healthy.bursts.sizes, acro.bursts.sizes)
    col = _INDEX["adenoma_activity"]
    assert np.all(healthy.values[:, col] == 1.0)
    # log-normal levels, mean 1 and CV adenoma_cv, each held adenoma_step hours
    widths = np.diff(np.append(acro.boundaries, acro.t1))
    level = acro.values[:, col]
    mean = np.sum(level * widths) / np.sum(widths)
    sd = np.sqrt(np.sum((level - mean) ** 2 * widths) / np.sum(widths))
    assert mean == pytest.approx(1.0, abs=0.02)
    assert sd / mean == pytest.approx(P.adenoma_cv, rel=0.15)
    steps = np.arange(-BURST_ORIGIN_H, acro.t1, P.adenoma_step)
    assert np.all(np.isin(np.round(steps[steps > acro.t0], 6), np.round(acro.boundaries, 6)))
    # a seed gives the same adenoma activity whatever the warm-up
    short = compile_protocol(Protocol(name="usual day"), ACRO, P, days=4.0, seed=3,
                             warmup_h=24.0, burst_origin_h=BURST_ORIGIN_H)[1]  # fmt: skip
    t = np.arange(0.0, 96.0, 0.25) + 0.01
    at = lambda f: f.values[np.searchsorted(f.boundaries, t, side="right") - 1, col]  # noqa: E731
    np.testing.assert_array_equal(at(short), at(acro))


def test_basal_noise_comes_from_its_own_stream():
    healthy, acro = _forcing(MAN), _forcing(ACRO)
    col, ad = _INDEX["basal_activity"], _INDEX["adenoma_activity"]
    t = np.arange(0.0, 96.0, 0.25) + 0.01
    at = lambda f, c: f.values[np.searchsorted(f.boundaries, t, side="right") - 1, c]  # noqa: E731
    # the same basal activity with or without an adenoma, and neither moves the bursts
    np.testing.assert_array_equal(at(healthy, col), at(acro, col))
    flat = compile_protocol(Protocol(name="usual day"), ACRO, P._replace(pit_basal_cv=0.0),
                            days=4.0, seed=3, warmup_h=48.0,
                            burst_origin_h=BURST_ORIGIN_H)[1]  # fmt: skip
    assert np.all(flat.values[:, col] == 1.0)
    np.testing.assert_array_equal(flat.bursts.onsets_h, acro.bursts.onsets_h)
    np.testing.assert_array_equal(at(flat, ad), at(acro, ad))
    # log-normal levels, mean 1 and CV pit_basal_cv, each held pit_basal_step hours
    level = at(healthy, col)
    assert np.mean(level) == pytest.approx(1.0, abs=0.15)
    assert np.std(level) / np.mean(level) == pytest.approx(P.pit_basal_cv, rel=0.3)
    steps = np.arange(-BURST_ORIGIN_H, healthy.t1, P.pit_basal_step)
    assert np.all(np.isin(np.round(steps[steps > healthy.t0], 6), np.round(healthy.boundaries, 6)))


@pytest.fixture(scope="module")
def runs() -> dict:
    people = {"healthy": MAN, "acromegaly": ACRO}
    return {k: (v, simulate(v, days=2, seed=0, solver=FINE)) for k, v in people.items()}


@pytest.fixture(scope="module")
def profiles(runs: dict) -> dict[str, dict]:
    return {k: pulsatility(tr) for k, (_, tr) in runs.items()}


def _deconvolved(person: Person, tr, sample_min: float = 10.0) -> tuple[float, float]:
    """(pulsatile share, bursts per day) of each day's serum GH sampled every ``sample_min``
    min, by deconvolution with the person's own GH kinetics (igfaxis.simulate.deconvolve),
    averaged over the days: the read-out of the published shares."""
    kin = gh_disposition(personalise(P, person.covariates())[0])
    out = []
    for a in np.arange(0.0, tr.times_h[-1] - 24.0 + 1e-9, 24.0):
        g = resample(tr.times_h, tr["gh_ng_ml"], a, a + 24.0, sample_min)
        d = deconvolve(a + np.arange(g.size) * sample_min / 60.0, g, kin)
        out.append((d.pulsatile_fraction, d.burst_times_h.size))
    share, bursts = np.mean(out, axis=0)
    return float(share), float(bursts)


@pytest.fixture(scope="module")
def deconvolved(runs: dict) -> dict[str, tuple[float, float]]:
    return {k: _deconvolved(person, tr) for k, (person, tr) in runs.items()}


def test_acromegaly_is_irregular_and_mostly_nonpulsatile(profiles: dict) -> None:
    healthy, acro = profiles["healthy"], profiles["acromegaly"]
    # Hartman 1990 JCEM 70:1375 (q5 min): nonpulsatile 31 of 40 min.mg/L in acromegalic men,
    # 35 of 43 in women (pulsatile share 0.19-0.23), against 0.65 of 2.6 and 1.2 of 4.1 in
    # controls (0.71-0.75): the share falls by about 0.5
    assert 0.1 <= acro["pulsatile_fraction"] <= 0.4
    assert healthy["pulsatile_fraction"] - acro["pulsatile_fraction"] >= 0.48
    # Hartman 1994 JCI 94:1277: higher ApEn in acromegaly (before: 0.05, flat)
    assert acro["approximate_entropy"] > 2.0 * healthy["approximate_entropy"]


def _apen_q20(person: Person, seeds: range = range(3)) -> float:
    out = []
    for seed in seeds:
        tr = simulate(person, days=2, seed=seed)
        out += [approximate_entropy(resample(tr.times_h, tr["gh_ng_ml"], a, a + 24.0, 20.0),
                                    r_min=0.002) for a in (0.0, 24.0)]  # fmt: skip
    return float(np.mean(out))


@pytest.fixture(scope="module")
def older() -> dict[str, float]:
    return {"men": _apen_q20(Person(age_y=66.0, sex="male", weight_kg=80.0)),
            "women": _apen_q20(Person(age_y=66.0, sex="female", weight_kg=68.0))}  # fmt: skip


def test_older_women_secrete_gh_more_irregularly_than_men(older: dict) -> None:
    # Charmandari 2001 JCEM (59-73 y, q20 min): ApEn 0.81 (SD 0.23) women, 0.60 (0.20) men
    assert older["women"] > older["men"]


@pytest.mark.xfail(strict=True, reason="known miss: the model gives a ratio of 1.08")
def test_older_women_apen_ratio_as_published(older: dict) -> None:
    # Charmandari 2001: 0.81 / 0.60 = 1.35, 95% CI of the ratio about 1.22-1.48 (n 38 / 45)
    assert older["women"] / older["men"] >= 1.22


def _daily_apen(person: Person, days: int = 14) -> np.ndarray:
    tr = simulate(person, days=days, seed=0)
    starts = np.arange(0.0, 24.0 * days, 24.0)
    return np.array([approximate_entropy(resample(tr.times_h, tr["gh_ng_ml"], a, a + 24.0, 20.0),
                                         r_min=0.002) for a in starts])  # fmt: skip


@pytest.mark.xfail(strict=True, reason="known miss: ApEn is flat with age in the model (0.59 at "
                   "25 y, 0.60 at 66 y, men, 14 days; 0.59 and 0.36 without the basal secretion)")
def test_apen_rises_with_age() -> None:
    # Roelfsema 2016 Neuroendocrinology 103:335 (130 adults 20-77 y): ApEn rises with age
    # in both sexes; Charmandari 2001 older men 0.60 (q20 min). Read over 14 days, as a
    # day's ApEn scatters with its burst train (SD 0.06 at 25 y, 0.22 at 66 y): the rise
    # must stand out of that scatter
    young = _daily_apen(Person(age_y=25.0, sex="male", weight_kg=75.0))
    old = _daily_apen(Person(age_y=66.0, sex="male", weight_kg=80.0))
    se = np.sqrt(young.var(ddof=1) / young.size + old.var(ddof=1) / old.size)
    assert old.mean() - young.mean() > 2.0 * se


@pytest.mark.xfail(strict=True, reason="known miss: the share is 0.85 read as the studies read it "
                   "(deconvolution of q10 serum GH; 33 bursts a day), 0.93 at the secretion floor: "
                   "deconvolution reads the irregular basal secretion's larger steps as bursts "
                   "(0.75 with pit_basal_cv 0)")
def test_healthy_pulsatile_fraction_in_the_published_band(deconvolved: dict) -> None:
    # Hartman 1990 JCEM 70:1375: pulsatile share of integrated GH 0.75 (men), 0.71 (women);
    # Semer 1995 JCEM 80:3767: about half of GH secretion occurs in pulses
    assert 0.5 <= deconvolved["healthy"][0] <= 0.75


@pytest.mark.xfail(strict=True, reason="known miss: 0.03 by deconvolution of q10 serum GH (0.20 at "
                   "the secretion floor, to which adenoma_cv was calibrated, V-PUL-02)")
def test_acromegaly_pulsatile_fraction_by_deconvolution(deconvolved: dict) -> None:
    # Hartman 1990: pulsatile share 0.19-0.23 in active acromegaly (V-PUL-02's band 0.1-0.4)
    assert 0.1 <= deconvolved["acromegaly"][0] <= 0.4


@pytest.mark.xfail(strict=True, reason="known miss: 27.5 bursts a day (seed 0, 2 days) against "
                   "the model's own 17 secretory bursts: deconvolution reads basal steps, and the "
                   "slow drift of interpulse release, as small bursts")
def test_deconvolved_burst_frequency_as_published() -> None:
    # facts PHY-016: 10.3 +/- 0.6 (SE, n 10) GH secretory bursts per 24 h by deconvolution of
    # q20-min serum GH, women 24-34 y, early follicular phase; one woman is read against the
    # group mean plus two between-subject SDs (SE x sqrt(10) = 1.9)
    woman = Person(age_y=30.0, sex="female", weight_kg=62.0)
    _, bursts = _deconvolved(woman, simulate(woman, days=2, seed=0), sample_min=20.0)
    assert bursts <= 10.3 + 2.0 * 0.6 * np.sqrt(10.0)
