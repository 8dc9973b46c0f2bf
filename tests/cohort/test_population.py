"""Populations: the priors of calibration as the between-person variation; files."""

import math

import numpy as np
import pytest

from igfaxis.cohort import COLUMNS, load_population, sample_population
from igfaxis.errors import ProtocolError
from igfaxis.model import PERSONAL_PARAMETERS


def test_personal_multipliers_follow_the_calibration_priors():
    pop = sample_population(20_000, seed=3)
    for name, prior in PERSONAL_PARAMETERS.items():
        logs = np.log(pop.table[name].to_numpy() / prior.median)
        # n = 20,000: the SE of a sample log SD is sd / sqrt(2 n) = 0.5%; of the mean 0.7% sd
        assert abs(logs.std() / prior.log_sd - 1.0) < 0.02, name
        assert abs(logs.mean()) < 0.03 * prior.log_sd, name


def test_extreme_draws_stay_inside_the_accepted_ranges():
    # P(z < -3.75) = 8.8e-5: 200,000 draws hold about 18 pituitary multipliers that the
    # prior alone (median 1, log SD 0.8) puts below the accepted 0.05 (a cohort of men
    # 35-55 y with seed 0 drew 0.044, and the Person refused the whole run)
    pop = sample_population(200_000, seed=0)
    for name, prior in PERSONAL_PARAMETERS.items():
        values = pop.table[name].to_numpy()
        assert prior.lower <= values.min(), name
        assert values.max() <= prior.upper, name
    pit = pop.table["pituitary_secretion_capacity"].to_numpy()
    assert pit.min() == PERSONAL_PARAMETERS["pituitary_secretion_capacity"].lower
    lowest = int(np.argmin(pit))
    (person,) = pop.subset([lowest]).persons()  # validates as a Person
    assert person.personal["pituitary_secretion_capacity"] == pit[lowest]


def test_default_population_spans_the_reference_adults_and_both_sexes():
    t = sample_population(5000, seed=1).table
    assert 20.0 <= t.age_y.min() < 21.0
    assert 79.0 < t.age_y.max() <= 80.0
    assert abs((t.sex == "female").mean() - 0.5) < 0.03  # binomial SE 0.7%
    bmi = t.weight_kg / t.height_m**2
    # published means (Mikrozensus 2017, 45-50 and 50-55 y): men BMI 27.1 / 27.3 kg/m^2,
    # height 180 / 179 cm; women 24.8 / 25.2 kg/m^2, 167 / 167 cm
    men50 = (t.sex == "male") & t.age_y.between(45, 55)
    women50 = (t.sex == "female") & t.age_y.between(45, 55)
    assert abs(bmi[men50].mean() / 27.2 - 1.0) < 0.03
    assert abs(bmi[women50].mean() / 25.0 - 1.0) < 0.03
    assert abs(t.height_m[men50].mean() - 1.795) < 0.01
    assert abs(t.height_m[women50].mean() - 1.67) < 0.01
    assert list(t.columns) == list(COLUMNS)


def test_same_seed_same_population_and_ranges():
    a = sample_population(50, age_y=(40, 50), sex="female", seed=9).table
    b = sample_population(50, age_y=(40, 50), sex="female", seed=9).table
    assert a.equals(b)
    assert a.age_y.between(40, 50).all()
    assert (a.sex == "female").all()
    assert not a.equals(sample_population(50, age_y=(40, 50), sex="female", seed=10).table)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_save_and_load_round_trip(tmp_path, suffix):
    pop = sample_population(30, seed=2)
    path = pop.save(tmp_path / f"pop{suffix}")
    back = load_population(path)
    assert list(back.table.columns) == list(COLUMNS)
    for col in COLUMNS:
        a, b = pop.table[col].to_numpy(), back.table[col].to_numpy()
        if a.dtype.kind == "f":
            np.testing.assert_allclose(b, a, rtol=1e-15)
        else:
            assert (a == b).all(), col
    assert [p.personal for p in back.persons()] == [p.personal for p in pop.persons()]


def test_a_minimal_csv_takes_the_prior_medians(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("age_y,sex,weight_kg,height_m\n52,female,70,1.65\n", encoding="utf-8")
    (person,) = load_population(f).persons()
    assert person.age_y == 52
    assert person.personal == dict.fromkeys(PERSONAL_PARAMETERS, 1.0)
    assert math.isclose(person.bmi, 70 / 1.65**2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n": 0}, "`n` must be a whole number"), ({"n": 5, "age_y": (50, 40)}, "`age_y` must"),
     ({"n": 5, "age_y": 10}, "adults"), ({"n": 5, "sex": "x"}, "`sex` must"),
     ({"n": 5, "condition": "flu"}, "`condition` must")],
)  # fmt: skip
def test_bad_arguments_are_refused_with_the_field(kwargs, match):
    with pytest.raises(ProtocolError, match=match):
        sample_population(**kwargs)


def test_a_bad_row_is_named(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("age_y,sex,weight_kg,height_m\n52,female,70,1.65\n40,male,-3,1.8\n", "utf-8")
    with pytest.raises(ProtocolError, match=r"row 2 of 'p\.csv'"):
        load_population(f)
    with pytest.raises(ProtocolError, match=r"\.csv or \.parquet"):
        load_population(tmp_path / "p.txt")
