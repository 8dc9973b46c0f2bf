"""A serum GH value as an observation of the calibration (issue 11, item 2).

A single GH draw meets a pulsatile secretion: its observation model is the model's own
distribution of serum GH in the draw's clock hour (the day tables' 5-min samples over their
burst trains, :meth:`igfaxis.simulate.DaySchedule.gh_at`) with the GH assay's
analytical CV. Checked here: that distribution against draws from independent
pulse-resolved runs (other burst trains than the tables'), the direction in which a GH value
moves the posterior, and that fits without GH take the IGF-1-only path unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from igfaxis import Person, Protocol, simulate
from igfaxis.calibrate import calibrate
from igfaxis.calibrate._fit import GH_CV_A, _laplace, _observations, gh_draw_cdf, timeline
from igfaxis.calibrate._forward import Forward
from igfaxis.io.labs import LabValue
from igfaxis.simulate import day_schedule, solve_schedule

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("calibrate/test_gh_observation")

WOMAN = Person(age_y=52, sex="female")
IGF1 = ((-365, 98.0), (-180, 104.0), (0, 91.0))  # docs/calibration.md's example


def _labs(gh_last: float | None) -> list[LabValue]:
    return [LabValue(day=float(d), date=None, value=v, unit="ng/mL", igf1_ng_ml=v, line=i + 1,
                     gh_ng_ml=gh_last if i == len(IGF1) - 1 else None)
            for i, (d, v) in enumerate(IGF1)]  # fmt: skip


@pytest.fixture(scope="module")
def fits() -> dict[str, object]:
    return {k: calibrate(WOMAN, _labs(gh)) for k, gh in
            (("none", None), ("low", 0.05), ("high", 3.0))}  # fmt: skip


def test_gh_value_moves_pituitary_capacity(fits) -> None:
    """With the same IGF-1 labs, a high 08:00 GH says the pituitary secretes more (and,
    IGF-1 being what it is, that the liver answers less: GH resistance); a low one the
    reverse. The GH draw enters as one more observation."""
    post = {k: f.posterior() for k, f in fits.items()}
    cap = {k: p["pituitary_secretion_capacity"]["median"] for k, p in post.items()}
    liver = {k: p["hepatic_gh_sensitivity"]["median"] for k, p in post.items()}
    assert cap["low"] < 0.9 * cap["none"] < cap["none"] < cap["high"] / 1.1, cap
    assert liver["low"] > liver["none"] > liver["high"], liver
    for k, f in fits.items():
        assert f.converged, (k, f.message)
        gh = [o for o in f.diagnostics["observed"] if o["analyte"] == "gh"]
        assert len(gh) == f.diagnostics["gh_observations"] == (0 if k == "none" else 1)
        if gh:
            # the spread of one draw: a 90% interval spanning a factor of 5 or more, where
            # an IGF-1 lab's (13% error) spans 1.55
            assert gh[0]["model_q95_ng_ml"] / gh[0]["model_q05_ng_ml"] > 5.0, gh
            assert gh[0]["clock_h"] == 8.0


def test_igf1_only_fit_takes_the_unchanged_path(fits) -> None:
    """Without GH values the observations, their SDs and the mode are those of the
    IGF-1-only model (no pulsatile term, no second fit)."""
    fit = fits["none"]
    tl = timeline(fit.labs, None, None, fit.config.warmup_days, 0.0)
    obs, y, sd = _observations(fit.labs, tl)
    assert [o.analyte for o in obs] == ["igf1"] * len(IGF1)
    fwd = Forward(WOMAN.model_copy(update={"age_y": WOMAN.age_y + tl.origin_day / 365.25}),
                  list(tl.segments), math.ceil(-tl.origin_day) + 1, obs)  # fmt: skip
    assert not fwd.has_gh
    assert fwd.evaluate(np.zeros(3))[1] is None
    z_map, _, _ = _laplace(fwd, y, sd)
    np.testing.assert_allclose(fit.z_map, z_map, rtol=0, atol=1e-12)


def test_gh_predictive_interval_covers_pulse_resolved_draws() -> None:
    """Calibration of the GH likelihood: GH drawn at a uniformly random time of each day
    from pulse-resolved runs (burst trains independent of the tables', seeds 1001-1004),
    with the assay's log-normal error, falls inside the 90% interval of the fit's GH
    observation model (the day tables' distribution of GH in that clock hour) in 90% of
    draws. 220 draws: binomial SD 2%, so the band is 84-96% (3 SD); the same 3 SD bound the
    fraction below the predictive median (0.40-0.60; a log-normal about the tables' mean
    log GH put 68% of these draws below its median, a moment-matched skew-normal 61%)."""
    who, usual, days = Person(age_y=45, sex="male"), Protocol(name="usual day"), 60
    schedule = day_schedule(who, [(0, usual)], days=days)
    sol = solve_schedule(schedule)
    rng = np.random.default_rng(11)
    draws, times = [], []  # log GH read, and when
    for seed in (1001, 1002, 1003, 1004):
        run = simulate(who, usual, days=days, seed=seed)
        t, gh = run.times_h, run["gh_ng_ml"]
        for d in range(5, days):  # past the start from the habitual state
            when = 24.0 * d + 24.0 * rng.random()
            draws.append(math.log(float(np.interp(when, t, gh))) + rng.normal(0.0, GH_CV_A))
            times.append(when)
    pit = gh_draw_cdf(schedule.gh_at(np.array(times), sol), np.array(draws))
    inside = float(np.mean((pit > 0.05) & (pit < 0.95)))
    print(f"GH draws {pit.size}: inside the 90% interval {inside:.3f}, "
          f"below the median {np.mean(pit < 0.5):.3f}")
    assert 0.84 <= inside <= 0.96, inside
    assert 0.40 <= float(np.mean(pit < 0.5)) <= 0.60


def test_cli_fits_the_example_gh_labs() -> None:
    """``igfaxis calibrate --labs examples/labs/woman-52-gh.csv --json`` lists the GH values
    among the observations (2.1 mIU/L read as 0.7 ng/mL at 3 mIU per ug), each beside the
    model's 90% range of one draw; the text output names them."""
    import json

    from typer.testing import CliRunner

    from igfaxis.cli import app

    args = ["calibrate", "--person", "examples/persons/woman-52.yaml",
            "--labs", "examples/labs/woman-52-gh.csv"]  # fmt: skip
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    diag = json.loads(result.stdout)["diagnostics"]
    gh = [o for o in diag["observed"] if o["analyte"] == "gh"]
    assert diag["gh_observations"] == 2
    assert [o["value_ng_ml"] for o in gh] == pytest.approx([0.9, 0.7], rel=1e-12)
    assert [o["clock_h"] for o in gh] == [8.5, 7.75]
    for o in gh:
        assert o["model_q05_ng_ml"] < o["model_median_ng_ml"] < o["model_q95_ng_ml"]
    text = CliRunner().invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "GH values [ng/mL]" in text.stdout


def test_gh_score_of_a_binned_normal_is_its_z() -> None:
    """Against the closed form: a normal distribution of log GH binned into the tables' bins
    gives back its 5th, 50th and 95th centiles (within the 0.2-wide bins' linear
    interpolation) and, with no assay error, the z-score of a value as its score (beyond
    the tabulated range too: a normal tail)."""
    from scipy.stats import norm

    from igfaxis.calibrate import gh_draw_quantiles, gh_draw_score
    from igfaxis.simulate import GH_LOG_EDGES

    mu, sd = -1.2, 0.7
    shares = np.diff(norm.cdf(GH_LOG_EDGES, mu, sd))
    q = gh_draw_quantiles(shares, (0.05, 0.5, 0.95))
    np.testing.assert_allclose(q, mu + sd * norm.ppf([0.05, 0.5, 0.95]), atol=0.01)
    values = mu + sd * np.array([-3.0, -1.0, 0.0, 0.5, 2.0])
    # the centiles' 0.01 bounds each half's SD to 0.01 / 1.645 / 0.7 = 0.9%: the score's
    # error is relative
    np.testing.assert_allclose(gh_draw_score(shares, values, 0.0), [-3.0, -1.0, 0.0, 0.5, 2.0],
                               rtol=0.009, atol=1e-9)  # fmt: skip
