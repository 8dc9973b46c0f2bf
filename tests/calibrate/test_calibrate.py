"""Personal calibration (issue 11): simulation-based calibration, coverage, next-lab error,
identifiability, the forward model against directly personalised runs, bad input.

Synthetic persons are drawn from the prior and their labs simulated through the
observation model (log-normal, sigma = sqrt(CV_I^2 + CV_A^2)) from the same forward model
the fit uses: what is checked is the inference, which presumes the model.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from igfaxis import Dose, Person, Protocol
from igfaxis.calibrate import CalibrationConfig, CalibrationResult, calibrate
from igfaxis.calibrate._fit import _observations, _sigma, timeline
from igfaxis.calibrate._forward import NAMES, Forward, Observation, multipliers
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import LabValue
from igfaxis.protocol import History
from igfaxis.simulate import day_schedule, solve_schedule

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("calibrate/test_calibrate")

PERSON = Person(age_y=50, sex="male")
SOMATROPIN = Protocol(name="somatropin 0.2 mg nightly", doses=[
    Dose(drug="somatropin", amt=0.2, amt_unit="mg", time_h=22, ii_h=24, addl=400)])  # fmt: skip
#: a dose change between the labs: somatropin from day -180 (the labs' time line)
HISTORY = History(segments=[{"day": -180, "protocol": SOMATROPIN.to_dict()}])
LAB_DAYS = (-365, -200, -150, 0)  # the first with IGFBP-3
NEXT_DAY = 30
N_PERSONS = 200
CONFIG = CalibrationConfig(draws=99)


def _labs(values: list[float], bp3: float | None) -> list[LabValue]:
    return [LabValue(day=float(d), date=None, value=v, unit="ng/mL", igf1_ng_ml=v, line=i + 1,
                     igfbp3_ng_ml=bp3 if i == 0 else None)
            for i, (d, v) in enumerate(zip(LAB_DAYS, values, strict=True))]  # fmt: skip


@pytest.fixture(scope="module")
def sbc():
    """200 synthetic persons: true z, their labs and next lab, and each one's fit."""
    template = _labs([100.0] * len(LAB_DAYS), 3500.0)
    tl = timeline(template, HISTORY, None, CONFIG.warmup_days, NEXT_DAY + 1)
    obs, _, sd = _observations(template, tl)
    nxt = Observation(tl.schedule_h(NEXT_DAY, 8.0), "igf1")
    truth = Forward(PERSON.model_copy(update={"age_y": PERSON.age_y + tl.origin_day / 365.25}),
                    list(tl.segments), NEXT_DAY - tl.origin_day + 2, [*obs, nxt])  # fmt: skip
    rng = np.random.default_rng(2024)
    rows = []
    for k in range(N_PERSONS):
        z = rng.standard_normal(len(NAMES))
        logs = truth(z)
        noisy = logs[:-1] + rng.normal(0.0, sd)
        values = np.exp(noisy)
        labs = _labs(list(values[[0, 2, 3, 4]]), float(values[1]))
        # independent posterior draws per person (common random numbers would correlate
        # the ranks across persons)
        cfg = dataclasses.replace(CONFIG, seed=k)
        fit = calibrate(PERSON, labs, history=HISTORY, config=cfg)
        # five independent readings of the next lab (what it may read): more samples of
        # the noise, the same predictive distribution
        nxt_labs = np.exp(logs[-1] + rng.normal(0.0, _sigma("igf1"), 5))
        rows.append((z, fit, nxt_labs, float(np.exp(logs[-1]))))
    return rows


def test_sbc_rank_statistics_are_uniform(sbc) -> None:
    """Talts et al. 2018 (arXiv:1804.06788): the rank of the true value among L posterior
    draws is uniform on 0..L when the inference is right. 99 draws, 10 bins of 10 ranks,
    chi-square test per parameter at alpha 0.01."""
    for i, name in enumerate(NAMES):
        ranks = np.array([np.sum(fit.draws[:, i] < z[i]) for z, fit, _, _ in sbc])
        counts = np.bincount(ranks // 10, minlength=10)
        p = stats.chisquare(counts).pvalue
        assert p > 0.01, (name, counts.tolist(), p)


def test_90_percent_intervals_cover_the_true_parameters(sbc) -> None:
    for i, name in enumerate(NAMES):
        hits = [np.quantile(fit.draws[:, i], 0.05) <= z[i] <= np.quantile(fit.draws[:, i], 0.95)
                for z, fit, _, _ in sbc]  # fmt: skip
        assert 0.85 <= np.mean(hits) <= 0.95, (name, np.mean(hits))


def test_next_lab_interval_coverage_and_error(sbc) -> None:
    """The next lab (30 days after the last, 08:00, same protocol): its 90% predictive
    interval covers the simulated lab (five readings each) in 85-95% of persons; the median
    relative error lies within +-5% and the median absolute relative error is at most 15%.
    The noise floor: a perfect predictor errs by |e| with e ~ N(0, 0.134) on the log scale,
    a median absolute relative error of about 9%."""
    hits, rel = [], []
    for _, fit, labs, _ in sbc:
        (pred,) = fit.predict_labs([NEXT_DAY], n_draws=40)
        hits.extend((pred.q05 <= labs) & (labs <= pred.q95))
        rel.extend(pred.median / labs - 1.0)
    rel = np.array(rel)
    assert 0.85 <= np.mean(hits) <= 0.95, np.mean(hits)
    assert abs(np.median(rel)) <= 0.05, np.median(rel)
    assert np.median(np.abs(rel)) <= 0.15, np.median(np.abs(rel))
    floor = stats.norm.ppf(0.75) * _sigma("igf1")
    assert np.median(np.abs(rel)) >= 0.8 * floor  # cannot beat the noise


def test_identifiability_dose_change_and_igfbp3() -> None:
    """Three IGF-1 labs on an unchanged protocol inform about one combination: hepatic
    sensitivity and IGFBP-3/ALS production stay prior-dominated. With IGFBP-3 measured and
    a somatropin start between labs, hepatic sensitivity becomes learnable."""
    plain = [LabValue(day=float(d), date=None, value=v, unit="ng/mL", igf1_ng_ml=v, line=i + 1)
             for i, (d, v) in enumerate([(-365, 98.0), (-180, 104.0), (0, 91.0)])]  # fmt: skip
    post = calibrate(PERSON, plain, config=CONFIG).posterior()
    assert post["hepatic_gh_sensitivity"]["prior_dominated"]
    assert post["igfbp3_als_production"]["prior_dominated"]
    assert not post["pituitary_secretion_capacity"]["prior_dominated"]
    rich = _labs([98.0, 104.0, 150.0, 160.0], 3000.0)
    post = calibrate(PERSON, rich, history=HISTORY, config=CONFIG).posterior()
    assert not post["hepatic_gh_sensitivity"]["prior_dominated"]


def test_forward_model_matches_a_directly_personalised_person() -> None:
    """The forward model (tables at five pituitary capacities, a cubic spline between them;
    hepatic multipliers applied to the liver system only) against the day-resolution model
    of a person whose personal multipliers are set directly: within 1% on IGF-1 and
    IGFBP-3 at 08:00 on days 40-200 (a dose change at day 100)."""
    segs = [(0, Protocol(name="usual day")), (100, SOMATROPIN)]
    obs = [Observation(24.0 * d + 8.0, a) for d in (40, 99, 110, 200) for a in ("igf1", "igfbp3")]
    fwd = Forward(PERSON, segs, 201, obs, substeps=96)
    for z in ([1.2, 0.5, 0.8], [-1.0, -1.5, -1.0]):
        m = multipliers(np.array(z))
        who = PERSON.model_copy(update={"personal": m})
        sol = solve_schedule(day_schedule(who, segs, days=201))
        direct = np.where(fwd.is_bp3, sol.at(fwd.t_h, "igfbp3_total_ng_ml"), sol.at(fwd.t_h))
        np.testing.assert_allclose(np.exp(fwd(np.array(z))), direct, rtol=0.01)


def test_fit_round_trips_through_json(tmp_path) -> None:
    labs = _labs([98.0, 104.0, 120.0, 130.0], None)
    fit = calibrate(PERSON, labs, history=HISTORY, config=CONFIG)
    path = fit.write(tmp_path / "fit.json")
    back = CalibrationResult.read(path)
    assert back.posterior() == fit.posterior()
    a = fit.predict_labs([10])[0]
    b = back.predict_labs([10])[0]
    assert math.isclose(a.median, b.median, rel_tol=1e-9)


def test_nuts_mixes_and_agrees_with_laplace() -> None:
    labs = _labs([98.0, 104.0, 150.0, 160.0], 3000.0)
    # the package's own sampler settings (4 chains x 1000 after 500 warm-up), which the
    # R-hat bar of Vehtari et al. 2021 (< 1.01, at least 4 chains) is meant for; 2 x 600
    # sat at 1.009-1.014 on the slowest parameter, moved across the bar by round-off
    cfg = CONFIG
    lap = calibrate(PERSON, labs, history=HISTORY, config=cfg)
    nuts = calibrate(PERSON, labs, history=HISTORY, method="nuts", config=cfg)
    assert nuts.converged, nuts.message
    assert max(nuts.diagnostics["rhat"].values()) < 1.01
    assert nuts.diagnostics["emulator_max_error_log"] < 0.01
    for i in range(len(NAMES)):
        assert abs(np.median(nuts.draws[:, i]) - lap.z_map[i]) < 0.25
        assert 0.7 < np.std(nuts.draws[:, i]) / math.sqrt(lap.cov[i, i]) < 1.4


def test_bad_input_is_refused_with_a_message() -> None:
    labs = _labs([98.0, 104.0, 120.0, 130.0], None)
    with pytest.raises(ProtocolError, match="method"):
        calibrate(PERSON, labs, method="mcmc")  # type: ignore[arg-type]
    with pytest.raises(ProtocolError, match="at least one lab"):
        calibrate(PERSON, [])
    dated = History(segments=[{"date": "2024-01-01", "protocol": {}}])
    with pytest.raises(ProtocolError, match="dated"):
        calibrate(PERSON, labs, history=dated)
    fit = calibrate(PERSON, labs, config=CONFIG)
    with pytest.raises(ProtocolError, match="dated labs"):
        fit.predict_labs(["2025-01-01"])
