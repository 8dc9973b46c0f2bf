"""Label maxima: which doses warn, with what message (limits from the labels themselves)."""

from __future__ import annotations

import warnings

import pytest

from igfaxis.errors import DoseWarning
from igfaxis.protocol import Person, Protocol, dose_warnings, parse_regimen, warn_doses

P80 = Person(weight_kg=80)
P70 = Person(weight_kg=70)


def _warns(regimen: str, person: Person = P80) -> list[str]:
    return dose_warnings(Protocol(doses=[regimen]), person)


def test_tesamorelin_above_the_egrifta_label():
    # Egrifta label: 2 mg SC once daily
    assert _warns("tesamorelin 2 mg sc daily x 7") == []
    (message,) = _warns("tesamorelin 4 mg sc daily x 7")
    assert message.startswith(
        "tesamorelin 4 mg sc exceeds the label maximum of 2 mg per dose (Egrifta label, "
        "daily dose); the simulation runs, but"
    )
    assert "check the amount and its unit" in message


def test_somatropin_per_kg_label_is_converted_with_the_weight():
    # Norditropin adult GHD: at most 0.016 mg/kg/day, i.e. 1.28 mg at 80 kg, 1.12 mg at 70 kg
    assert _warns("somatropin 1.25 mg sc daily x 7") == []
    (message,) = _warns("somatropin 1.3 mg sc daily x 7")
    assert "somatropin 1.3 mg sc (0.01625 mg/kg at 80 kg)" in message
    assert "label maximum of 0.016 mg/kg per dose (1.28 mg at 80 kg; Norditropin" in message
    assert _warns("somatropin 1.2 mg sc daily x 7", P70) != []
    assert _warns("somatropin 16 ug/kg sc once", P70) == []
    assert _warns("somatropin 17 ug/kg sc once", P70) != []


def test_nmol_doses_use_the_molar_mass_and_unapproved_wording():
    # Gobburu 1999: ipamorelin up to 140.45 nmol/kg IV (molar mass 711.9 g/mol)
    assert _warns("ipamorelin 140 nmol/kg iv once") == []
    (message,) = _warns("ipamorelin 141 nmol/kg iv once")
    assert "limit used for this unapproved drug" in message
    assert "140.45 nmol/kg (Gobburu 1999)" in message
    assert "label maximum" not in message


def test_per_kg_dose_against_a_mg_limit():
    # MK-677: 50 mg/day, the largest daily dose studied (Chapman 1997)
    assert _warns("mk677 0.7 mg/kg po once", P70) == []  # 49 mg
    (message,) = _warns("mk677 0.7 mg/kg po once", P80)  # 56 mg
    assert message.startswith("mk677 0.7 mg/kg po (56 mg at 80 kg) exceeds 50 mg per dose")
    assert "not approved" in message


def test_one_message_per_distinct_dose_in_protocol_order():
    protocol = Protocol(
        doses=[
            "tesamorelin 4 mg sc daily x 7 at 22:00",
            "somatropin 0.2 mg sc daily x 7",
            "mk677 75 mg po once",
            "tesamorelin 4 mg sc daily x 7 at 22:00",
        ]
    )
    messages = dose_warnings(protocol, P80)
    assert [m.split()[0] for m in messages] == ["tesamorelin", "mk677"]
    assert dose_warnings(protocol.doses, P80) == messages


def test_warn_doses_emits_dose_warnings_at_the_callers_line():
    doses = [parse_regimen("tesamorelin 4 mg sc once")]
    with pytest.warns(DoseWarning, match="exceeds the label maximum of 2 mg") as record:
        warn_doses(doses, P80, stacklevel=1)
    assert len(record) == 1
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_doses([parse_regimen("tesamorelin 2 mg sc once")], P80)  # within the label
