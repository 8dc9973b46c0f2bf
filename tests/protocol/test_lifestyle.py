"""Lifestyle input: one test per refusal rule (issue 3), and what compiles from it."""

import numpy as np
import pytest

from igfaxis import Protocol
from igfaxis.errors import ProtocolError
from igfaxis.model import default_params
from igfaxis.protocol._lifestyle_compile import energy_status_at, lifestyle_events


@pytest.mark.parametrize(
    ("yaml_text", "match"),
    [
        ("diet: {protein_g_per_kg: -0.5}\n", r"`diet\.protein_g_per_kg`.*greater than or equal"),
        ("diet: {energy_fraction: 3}\n", r"`diet\.energy_fraction`"),
        ("diet: {plant_protein_share: 1.5}\n", r"`diet\.plant_protein_share`"),
        ("diet: {meals_h: [19, 8]}\n", r"increasing"),
        ("diet: {meals_h: [8, 25]}\n", r"\[0, 24\)"),
        ("diet: {meals_h: [8, 8.5], meal_duration_h: 1}\n", r"meals overlap"),
        ("fasting: [{kind: tre, window_h: [12, 20]}]\n",
         r"meal at 8.0 h lies inside the declared fast"),
        # a phase in force during the schedule must eat inside its window too
        ("fasting: [{kind: tre, window_h: [12, 20], start_day: 7}]\ndiet_phases: [{start_day: 7, "
         "end_day: 30, diet: {meals_h: [12, 15.5, 18.5]}}, {start_day: 30, end_day: 40, "
         "diet: {}}]\n", r"meal at 8.0 h lies inside the declared fast"),
        ("fasting: [{kind: tre}]\n", r"needs `window_h`"),
        ("fasting: [{kind: tre, window_h: [20, 12]}]\n", r"0 <= start < end <= 24"),
        ("fasting: [{kind: water, start_h: 0, duration_h: 72}, {kind: water, start_h: 48, "
         "duration_h: 24}]\n", r"fasts overlap"),
        ("fasting: [{kind: water}]\n", r"needs `duration_h`"),
        ("fasting: [{kind: fmd, cycles: 3}]\n", r"needs `every_days`"),
        ("fasting: [{kind: fmd, duration_h: 200, every_days: 5, cycles: 2}]\n", r"would overlap"),
        ("fasting: [{kind: '5:2'}]\n", r"needs `energy_fraction`"),
        ("fasting: [{kind: fmd, refeed: protein_deficient}]\n",
         r"`refeed` applies to kind 'water'"),
        ("exercise: [{kind: resistance, duration_min: 1800}]\n", r"`exercise\.0\.duration_min`"),
        ("exercise: [{kind: resistance, at_h: 23, duration_min: 90}]\n", r"runs past midnight"),
        ("exercise: [{kind: resistance, weekdays: [0, 7]}]\n", r"`weekdays` must be distinct"),
        ("exercise: [{kind: yoga}]\n", r"`exercise\.0\.kind`"),
        ("diet_phases: [{start_day: 0, end_day: 10, diet: {}}, {start_day: 5, end_day: 20, "
         "diet: {}}]\n", r"diet phases overlap"),
        ("diet_phases: [{start_day: 5, end_day: 2, diet: {}}]\n", r"must be after `start_day`"),
    ],
)
def test_bad_lifestyle_input_is_refused(yaml_text, match):
    with pytest.raises(ProtocolError, match=match):
        Protocol.from_yaml(yaml_text)


def test_tre_from_a_later_day_leaves_the_usual_days_alone():
    # a week of the usual diet (meals from 08:00), then 16:8 with the meals moved into the
    # window: the habitual meals are outside the window only before the schedule starts
    text = ("fasting: [{kind: tre, window_h: [12, 20], start_day: 7, end_day: 63}]\n"
            "diet_phases: [{start_day: 7, end_day: 63, diet: {meals_h: [12, 15.5, 18.5]}}]\n")
    pr = Protocol.from_yaml(text)
    ev = lifestyle_events(pr, default_params(), 0.0, 24.0 * 70)
    meals = np.array([a for a, n in zip(ev.start, ev.name, strict=True) if n == "meal"]) % 24.0
    days = np.array([a for a, n in zip(ev.start, ev.name, strict=True) if n == "meal"]) // 24.0
    inside = (meals >= 12.0) & (meals < 20.0)
    assert inside[(days >= 7) & (days < 63)].all()
    assert not inside[days < 7].all()
    assert not inside[days >= 63].all()


def test_daily_intake_matches_the_diet():
    pr = Protocol.from_yaml("diet: {energy_fraction: 0.8, protein_g_per_kg: 1.0, "
                            "plant_protein_share: 0.0}\n")  # fmt: skip
    p = default_params()
    ev = lifestyle_events(pr, p, 0.0, 240.0)
    energy = sum(r * (b - a) for a, b, n, r in zip(ev.start, ev.stop, ev.name, ev.rate,
                                                    strict=True) if n == "intake_energy")
    assert energy / 240.0 == pytest.approx(0.8)


def test_a_water_fast_removes_meals_and_tre_keeps_the_daily_total():
    p = default_params()
    fast = Protocol.from_yaml("fasting: [{kind: water, start_h: 20, duration_h: 72}]\n")
    ev = lifestyle_events(fast, p, 0.0, 24.0 * 5)
    meals = [a for a, n in zip(ev.start, ev.name, strict=True) if n == "meal"]
    assert not any(20.0 <= a < 92.0 for a in meals)
    tre = Protocol.from_yaml("diet: {meals_h: [12, 16]}\nfasting: [{kind: tre, "
                             "window_h: [12, 20]}]\n")  # fmt: skip
    ev = lifestyle_events(tre, p, 0.0, 240.0)
    energy = sum(r * (b - a) for a, b, n, r in zip(ev.start, ev.stop, ev.name, ev.rate,
                                                    strict=True) if n == "intake_energy")
    assert energy / 240.0 == pytest.approx(1.0)


def test_energy_status_filter_matches_its_closed_form():
    # a single step of intake 1 from t = 0: E(t) = 1 - exp(-t / tau)
    from igfaxis.protocol._lifestyle_compile import Events

    ev = Events([0.0], [1e9], ["intake_energy"], [1.0])
    t = np.linspace(0.0, 48.0, 49)
    np.testing.assert_allclose(energy_status_at(ev, 0.0, t, 12.0, 0.0),
                               1.0 - np.exp(-t / 12.0), rtol=1e-12)  # fmt: skip


def test_five_two_lowers_energy_on_mondays_and_thursdays_only():
    pr = Protocol.from_yaml("fasting: [{kind: '5:2', energy_fraction: 0.25}]\n")
    ev = lifestyle_events(pr, default_params(), 0.0, 24.0 * 7)
    per_day = np.zeros(7)
    for a, b, n, r in zip(ev.start, ev.stop, ev.name, ev.rate, strict=True):
        if n == "intake_energy":
            per_day[int(a // 24)] += r * (b - a) / 24.0
    np.testing.assert_allclose(per_day, [0.25, 1, 1, 0.25, 1, 1, 1])


def test_exercise_sessions_land_on_the_requested_weekdays():
    pr = Protocol.from_yaml("exercise: [{kind: resistance, weekdays: [0, 3], at_h: 18}]\n")
    ev = lifestyle_events(pr, default_params(), 0.0, 24.0 * 14)
    days = sorted({int(a // 24) for a, n in zip(ev.start, ev.name, strict=True)
                   if n == "exercise"})  # fmt: skip
    assert days == [0, 3, 7, 10]
