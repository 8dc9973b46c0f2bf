"""Tests of the BCPE reference-interval layer (igfaxis.risk._reference)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings

import numpy as np
import pytest
from scipy import integrate, special, stats

from igfaxis.errors import ExtrapolationWarning, ProtocolError
from igfaxis.risk import (
    BCPEParameters,
    ReferenceTable,
    bcpe_cdf,
    bcpe_pdf,
    bcpe_quantile,
    centile_value,
    percentile,
    reference_table,
    sds,
)
from igfaxis.units import igf1_to_ng_ml

# Parameter sets (mu, sigma, nu, tau): the LIFE 60-year-old man, and synthetic sets where the
# gamlss truncation adjustment is large (a = 1/(sigma |nu|) of 1 to 2.5) or absent (nu = 0).
PARAMETER_SETS = [
    pytest.param((119.552, 0.257294, 0.388212, 1.69686), id="life-male-60"),
    pytest.param((40.27, 0.4334, 0.3839, 1.9157), id="life-male-2mo"),
    pytest.param((10.0, 0.5, 2.0, 1.3), id="nu>0-strong-truncation"),
    pytest.param((10.0, 0.4, -1.0, 3.5), id="nu<0-strong-truncation"),
    pytest.param((5.0, 0.3, 0.0, 2.6), id="nu=0"),
    pytest.param((100.0, 0.25, 1e-4, 1.8), id="nu-near-0"),
]


def _pe_gennorm(tau: float) -> stats.rv_continuous:
    """PE(0, 1, tau) written as scipy's generalised normal (independent implementation)."""
    c = math.sqrt(2.0 ** (-2.0 / tau) * math.gamma(1.0 / tau) / math.gamma(3.0 / tau))
    return stats.gennorm(tau, scale=c * 2.0 ** (1.0 / tau))


def _bcpe_cdf_independent(y: float, mu: float, sigma: float, nu: float, tau: float) -> float:
    """BCPE cdf as the PE cdf of the Box-Cox score, truncated to the score's range."""
    pe = _pe_gennorm(tau)
    if nu == 0.0:
        return float(pe.cdf(math.log(y / mu) / sigma))
    z = ((y / mu) ** nu - 1.0) / (nu * sigma)
    bound = -1.0 / (nu * sigma)  # z at y = 0: a lower bound if nu > 0, an upper bound if nu < 0
    if nu > 0.0:
        return float((pe.cdf(z) - pe.cdf(bound)) / pe.sf(bound))
    return float(pe.cdf(z) / pe.cdf(bound))


# --------------------------------------------------------------------------------------
# The BCPE distribution
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", PARAMETER_SETS)
def test_pdf_integrates_to_one(params: tuple[float, float, float, float]) -> None:
    # The truncation adjustment is what makes this hold when nu != 0.
    mu = params[0]
    total = sum(
        integrate.quad(lambda y: float(bcpe_pdf(y, *params)), lo, hi, limit=200)[0]
        for lo, hi in ((0.0, mu), (mu, 10 * mu), (10 * mu, np.inf))
    )
    assert total == pytest.approx(1.0, abs=1e-8)


@pytest.mark.parametrize("params", PARAMETER_SETS)
@pytest.mark.parametrize("ratio", [0.3, 0.7, 1.0, 1.4, 2.2])
def test_cdf_matches_integrated_density(
    params: tuple[float, float, float, float], ratio: float
) -> None:
    y = ratio * params[0]
    # Integrate over t = ln(y): the density can have an integrable y^(nu - 1) spike at 0.
    # Below y = mu e^-40 (about 4e-18 mu) no parameter set here has mass above 1e-15.
    integral, _ = integrate.quad(
        lambda t: float(bcpe_pdf(math.exp(t), *params)) * math.exp(t),
        math.log(params[0]) - 40.0,
        math.log(y),
        epsabs=1e-13,
        epsrel=1e-12,
        limit=200,
    )
    assert float(bcpe_cdf(y, *params)) == pytest.approx(integral, abs=1e-10)


@pytest.mark.parametrize("params", PARAMETER_SETS)
@pytest.mark.parametrize("ratio", [0.2, 0.6, 1.0, 1.3, 3.0])
def test_cdf_matches_independent_truncated_generalised_normal(
    params: tuple[float, float, float, float], ratio: float
) -> None:
    y = ratio * params[0]
    assert float(bcpe_cdf(y, *params)) == pytest.approx(
        _bcpe_cdf_independent(y, *params), abs=1e-12
    )


def test_cdf_reduces_to_log_normal_when_nu_0_and_tau_2() -> None:
    y = np.array([20.0, 50.0, 80.0, 120.0, 300.0])
    mu, sigma = 80.0, 0.3
    expected = stats.norm.cdf(np.log(y / mu) / sigma)
    np.testing.assert_allclose(bcpe_cdf(y, mu, sigma, 0.0, 2.0), expected, rtol=0, atol=1e-14)


def test_cdf_limits_and_broadcasting() -> None:
    params = (10.0, 0.5, 2.0, 1.3)  # strong truncation: the cdf must still start at 0
    assert float(bcpe_cdf(1e-12, *params)) == pytest.approx(0.0, abs=1e-12)
    assert float(bcpe_cdf(1e6, *params)) == pytest.approx(1.0, abs=1e-12)
    values = bcpe_cdf(np.array([5.0, 10.0, 15.0]), *params)
    assert values.shape == (3,)
    assert np.all(np.diff(values) > 0)


@pytest.mark.parametrize("params", PARAMETER_SETS)
def test_quantile_cdf_round_trip(params: tuple[float, float, float, float]) -> None:
    p = np.array([1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999])
    y = bcpe_quantile(p, *params)
    np.testing.assert_allclose(bcpe_cdf(y, *params), p, rtol=1e-9, atol=1e-14)
    x = params[0] * np.array([0.4, 0.9, 1.0, 1.1, 1.8])
    np.testing.assert_allclose(bcpe_quantile(bcpe_cdf(x, *params), *params), x, rtol=1e-9)


# --------------------------------------------------------------------------------------
# The LIFE table and its interpolation
# --------------------------------------------------------------------------------------


def test_table_metadata_and_immutability() -> None:
    table = reference_table("igf1")
    assert isinstance(table, ReferenceTable)
    assert table.analyte == "igf1"
    assert table.unit == "ng/mL"
    assert "Hoerenz" in table.citation
    assert "LIFE" in table.citation
    assert table.age_range_y == pytest.approx((2 / 12, 80.0), abs=1e-5)
    assert reference_table("IGF-1") is table
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.unit = "nmol/L"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    with pytest.raises(ValueError, match="read-only"):
        table._rows["male"].mu[0] = 1.0


def test_parameters_at_a_tabulated_age_are_the_row() -> None:
    # CSV row: male,60,119.552,0.257294,0.388212,1.69686
    assert reference_table().parameters(60.0, "male") == BCPEParameters(
        119.552, 0.257294, 0.388212, 1.69686
    )


def test_parameters_are_linear_in_age_between_rows() -> None:
    table = reference_table()
    # CSV rows: male,60,... and male,60.0833,... (ages are tabulated to 6 digits)
    lo, hi = table.parameters(60.0, "male"), table.parameters(60.0833, "male")
    mid = table.parameters(0.5 * (60.0 + 60.0833), "male")
    for name in BCPEParameters._fields:
        assert getattr(mid, name) == pytest.approx(
            0.5 * (getattr(lo, name) + getattr(hi, name)), rel=1e-12
        )


def test_duplicated_female_age_14_rows_are_averaged() -> None:
    # The IGF-1 table holds two female rows at age 14 (two fitted age segments meet there);
    # childsds interpolates with R approx(ties = mean), which averages them.
    at_14 = reference_table().parameters(14.0, "female")
    assert at_14.mu == pytest.approx(0.5 * (346.685 + 348.611))
    assert at_14.nu == pytest.approx(0.5 * (0.755631 + 0.947441))


def test_igfbp3_table() -> None:
    table = reference_table("igfbp3")
    assert table.analyte == "igfbp3"
    assert table.unit == "ng/mL"
    assert table.parameters(80.0, "female").mu == pytest.approx(3346.93)
    value = centile_value(1.0, 40.0, "female", analyte="igfbp3")
    assert sds(value, 40.0, "female", analyte="igfbp3") == pytest.approx(1.0, abs=1e-9)


# --------------------------------------------------------------------------------------
# SDS, percentile and centile values
# --------------------------------------------------------------------------------------


@pytest.mark.reference
def test_team_reference_number_male_60_igf1_100() -> None:
    # `assess --igf1 100 --unit ng/mL --age 60 --sex male` gives SDS about -0.71.
    assert sds(100.0, 60.0, "male") == pytest.approx(-0.71, abs=0.02)


@pytest.mark.reference
def test_same_value_in_nmol_per_l_gives_same_sds() -> None:
    in_ng_ml = igf1_to_ng_ml(13.07, "nmol/L")  # 99.97 ng/mL
    assert in_ng_ml == pytest.approx(100.0, abs=0.05)
    assert sds(in_ng_ml, 60.0, "male") == pytest.approx(sds(100.0, 60.0, "male"), abs=0.002)
    assert sds(in_ng_ml, 60.0, "male") == pytest.approx(-0.71, abs=0.02)


@pytest.mark.reference
def test_risk_md_7_9_check_with_rounded_parameters() -> None:
    # risk.md §7.9: sds_bcpe(100, 119.6, 0.2573, 0.3882, 1.6969) = -0.71 (male, 60 y, LIFE)
    z = float(special.ndtri(bcpe_cdf(100.0, 119.6, 0.2573, 0.3882, 1.6969)))
    assert z == pytest.approx(-0.71, abs=0.005)


# risk.md §2.4: SDS of absolute IGF-1 values (ng/mL) by sex and age, LIFE reference, 2 d.p.
_RISK_MD_2_4_COLUMNS = [
    ("male", 50),
    ("male", 60),
    ("male", 70),
    ("female", 50),
    ("female", 60),
    ("female", 70),
]
_RISK_MD_2_4 = {
    80: [-1.92, -1.46, -1.22, -1.73, -1.31, -0.82],
    100: [-1.22, -0.71, -0.48, -0.93, -0.52, -0.01],
    120: [-0.54, +0.02, +0.22, -0.22, +0.19, +0.70],
    140: [+0.15, +0.67, +0.80, +0.43, +0.81, +1.35],
    160: [+0.77, +1.23, +1.29, +0.94, +1.33, +1.95],
    200: [+1.78, +2.15, +2.10, +1.73, +2.22, +3.06],
}


@pytest.mark.reference
@pytest.mark.parametrize(
    ("value", "sex", "age", "expected"),
    [
        (value, sex, age, expected)
        for value, row in _RISK_MD_2_4.items()
        for (sex, age), expected in zip(_RISK_MD_2_4_COLUMNS, row, strict=True)
    ],
)
def test_risk_md_2_4_sds_table(value: float, sex: str, age: float, expected: float) -> None:
    assert sds(value, age, sex) == pytest.approx(expected, abs=0.0051)


# risk.md §2.3: mu, P2.5 and P97.5 (ng/mL, 1 d.p.) of the LIFE IGF-1 reference
_RISK_MD_2_3 = [
    ("male", 20, 237.7, 148.8, 351.2),
    ("male", 30, 173.9, 105.7, 267.1),
    ("male", 40, 150.8, 90.9, 227.9),
    ("male", 50, 135.6, 78.9, 208.4),
    ("male", 60, 119.6, 67.3, 191.2),
    ("male", 70, 113.5, 62.2, 192.5),
    ("male", 80, 98.1, 49.9, 187.6),
    ("female", 20, 236.9, 119.5, 363.1),
    ("female", 30, 174.4, 105.7, 269.8),
    ("female", 40, 155.8, 102.2, 237.4),
    ("female", 50, 126.3, 74.6, 213.8),
    ("female", 60, 114.5, 64.9, 187.4),
    ("female", 70, 100.4, 56.3, 160.2),
    ("female", 80, 91.3, 48.5, 152.5),
]


@pytest.mark.reference
@pytest.mark.parametrize(("sex", "age", "mu", "p2_5", "p97_5"), _RISK_MD_2_3)
def test_risk_md_2_3_percentile_table(
    sex: str, age: float, mu: float, p2_5: float, p97_5: float
) -> None:
    assert reference_table().parameters(age, sex).mu == pytest.approx(mu, abs=0.051)
    assert centile_value(2.5, age, sex, scale="percentile") == pytest.approx(p2_5, abs=0.051)
    assert centile_value(97.5, age, sex, scale="percentile") == pytest.approx(p97_5, abs=0.051)


@pytest.mark.parametrize(("sex", "age"), [("male", 0.5), ("female", 14.2), ("male", 60.3)])
def test_sds_zero_is_the_centile_median(sex: str, age: float) -> None:
    median = centile_value(0.0, age, sex)
    assert median == pytest.approx(centile_value(50.0, age, sex, scale="percentile"), rel=1e-12)
    assert sds(median, age, sex) == pytest.approx(0.0, abs=1e-9)
    assert percentile(median, age, sex) == pytest.approx(50.0, abs=1e-7)
    params = reference_table().parameters(age, sex)
    assert median == pytest.approx(float(bcpe_quantile(0.5, *params)), rel=1e-12)
    # mu is the median only up to the (here tiny) truncation adjustment
    assert median == pytest.approx(params.mu, rel=1e-4)


@pytest.mark.parametrize("z", [-7.0, -3.0, -1.0, 0.5, 2.0, 3.0, 7.0])
@pytest.mark.parametrize(("sex", "age"), [("female", 0.25), ("female", 45.0), ("male", 14.4)])
def test_centile_value_sds_round_trip(z: float, sex: str, age: float) -> None:
    assert sds(centile_value(z, age, sex), age, sex) == pytest.approx(z, abs=1e-7)


def test_percentile_is_normal_cdf_of_sds() -> None:
    for value in (40.0, 100.0, 180.0, 400.0):
        z = sds(value, 35.0, "female")
        assert percentile(value, 35.0, "female") == pytest.approx(
            100.0 * stats.norm.cdf(z), abs=1e-10
        )


def test_sds_increases_with_value_and_accepts_sex_aliases() -> None:
    values = [30.0, 60.0, 100.0, 150.0, 250.0, 500.0]
    scores = [sds(v, 45.5, "m") for v in values]
    assert all(b > a for a, b in itertools.pairwise(scores))
    assert sds(100.0, 45.5, " MALE ") == scores[2]
    assert sds(100.0, 45.5, "F") == sds(100.0, 45.5, "female")
    assert sds(np.float64(100.0), np.float64(45.5), "male") == scores[2]


def test_age_above_table_is_clamped_with_warning() -> None:
    with pytest.warns(ExtrapolationWarning, match=r"clamped to 80 y") as record:
        z = sds(100.0, 92.0, "female")
    assert record[0].filename == __file__  # stacklevel points at the caller
    assert z == sds(100.0, 80.0, "female")
    with pytest.warns(ExtrapolationWarning, match="92"):
        percentile(100.0, 92.0, "male")
    with pytest.warns(ExtrapolationWarning, match="80 y"):
        centile_value(0.0, 85.0, "male")
    with pytest.warns(ExtrapolationWarning, match="80 y") as record:
        reference_table().parameters(81.0, "male")
    assert record[0].filename == __file__


def test_age_at_table_edges_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sds(100.0, 80.0, "male")
        sds(40.0, 0.17, "female")
        sds(40.0, 2 / 12, "female")


# --------------------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [0.1, 0.0, -5.0, 120.5, 300.0, math.nan, math.inf, -math.inf])
def test_bad_age_raises(age: float) -> None:
    # Ages from 80 to 120 y are clamped with a warning; older ones (age 300: a typo) refused.
    with pytest.raises(
        ProtocolError, match=r"`age_y` must be a finite age from 0\.17 y \(2 months\) to 120 y"
    ):
        sds(100.0, age, "male")


def test_non_numeric_age_raises() -> None:
    with pytest.raises(
        ProtocolError, match=r"`age_y` must be a real number \[y\]; got '60' \(str\)"
    ):
        sds(100.0, "60", "male")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


@pytest.mark.parametrize("sex", ["x", "", "males", None, 1])
def test_bad_sex_raises(sex: object) -> None:
    with pytest.raises(ProtocolError, match=r"`sex` must be 'male' or 'female'.*got") as info:
        sds(100.0, 60.0, sex)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert repr(sex) in str(info.value)
    assert type(sex).__name__ in str(info.value)


@pytest.mark.parametrize("value", [0.0, -10.0, math.nan, math.inf])
def test_bad_concentration_raises(value: float) -> None:
    with pytest.raises(ProtocolError, match=r"`value_ng_ml` must be a finite concentration > 0"):
        sds(value, 60.0, "male")
    with pytest.raises(ProtocolError, match=r"igf1_to_ng_ml"):
        percentile(value, 60.0, "male")


@pytest.mark.parametrize("value", [True, "100", None])
def test_non_numeric_concentration_raises(value: object) -> None:
    with pytest.raises(ProtocolError, match=r"`value_ng_ml` must be a real number \[ng/mL\]"):
        sds(value, 60.0, "male")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_unknown_analyte_raises() -> None:
    with pytest.raises(ProtocolError, match=r"`analyte` must be one of \['igf1', 'igfbp3'\]"):
        sds(100.0, 60.0, "male", analyte="igf2")


@pytest.mark.parametrize("p", [0.0, 100.0, -1.0, 150.0, math.nan])
def test_centile_value_bad_percentile_raises(p: float) -> None:
    with pytest.raises(ProtocolError, match=r"strictly between 0 and 100"):
        centile_value(p, 60.0, "male", scale="percentile")


def test_centile_value_bad_sds_and_scale_raise() -> None:
    with pytest.raises(ProtocolError, match=r"`z_or_p` must be a finite SDS"):
        centile_value(math.inf, 60.0, "male")
    with pytest.raises(ProtocolError, match=r"`scale` must be 'sds' or 'percentile'"):
        centile_value(0.5, 60.0, "male", scale="fraction")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
