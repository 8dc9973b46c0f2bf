"""Regimen strings: parsing, formatting, round trips and the errors they give (G6, G10)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from igfaxis.errors import ProtocolError
from igfaxis.model.drugs import DRUGS
from igfaxis.protocol import Dose, Protocol, format_regimen, parse_regimen

# expected fields worked out by hand from the grammar (drug, amt, unit, route, time_h,
# ii_h, addl, dur_h)
EXAMPLES = [
    ("0.3 mg sc q24h x 90 at 22:00", "somatropin",
     ("somatropin", 0.3, "mg", "sc", 22.0, 24.0, 89, None)),
    ("60 ug/kg sc once", "somatropin", ("somatropin", 60.0, "ug/kg", "sc", 0.0, None, 0, None)),
    ("20 mg im q28d x 6", "octreotide", ("octreotide", 20.0, "mg", "im", 0.0, 672.0, 5, None)),
    ("tesamorelin 2 mg sc daily x 182 at 22:00", None,
     ("tesamorelin", 2.0, "mg", "sc", 22.0, 24.0, 181, None)),
    ("40 nmol/kg iv over 15 min at 08:00", "ipamorelin",
     ("ipamorelin", 40.0, "nmol/kg", "iv", 8.0, None, 0, 0.25)),
    ("somapacitan 1.5 mg sc weekly x 12", None,
     ("somapacitan", 1.5, "mg", "sc", 0.0, 168.0, 11, None)),
    ("mk677 25 mg po q24h x 28 at 08:00 from day 2", None,
     ("mk677", 25.0, "mg", "po", 32.0, 24.0, 27, None)),
    # aliases, any case, glued unit, mcg, clauses out of order, default route
    ("Egrifta 1mg x 14 at 7:30 BID", None, ("tesamorelin", 1.0, "mg", "sc", 7.5, 12.0, 13, None)),
    ("CJC-1295 DAC 2 mcg/kg q2w x 4", None,
     ("cjc1295_dac", 2.0, "ug/kg", "sc", 0.0, 336.0, 3, None)),
    ("ibutamoren 10 mg q1d x 3", None, ("mk677", 10.0, "mg", "po", 0.0, 24.0, 2, None)),
    ("somatropin 0.5 mg iv q8h x 3 over 1.5 h from day 10 at 23:59", None,
     ("somatropin", 0.5, "mg", "iv", 216.0 + 23.0 + 59.0 / 60.0, 8.0, 2, 1.5)),
    ("somatropin 1e-1 mg tid x 2", None, ("somatropin", 0.1, "mg", "sc", 0.0, 8.0, 1, None)),
    ("somatropin 3 ug q0.5h x 2 over 20 minutes", None,
     ("somatropin", 3.0, "ug", "sc", 0.0, 0.5, 1, 20.0 / 60.0)),
    ("mecasermin 40 ug/kg x 1", None, ("mecasermin", 40.0, "ug/kg", "iv", 0.0, None, 0, None)),
]  # fmt: skip

FIELDS = ("drug", "amt", "amt_unit", "route", "time_h", "ii_h", "addl", "dur_h")


@pytest.mark.parametrize(("text", "drug", "expected"), EXAMPLES)
def test_regimen_examples_parse_to_the_expected_dose(text, drug, expected):
    dose = parse_regimen(text, drug=drug)
    want = [pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in expected]
    assert [getattr(dose, f) for f in FIELDS] == want


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("0.3 mg sc q24h x 90 at 22:00", "somatropin 0.3 mg sc daily x 90 at 22:00"),
        ("20 mg im q28d x 6", "octreotide 20 mg im q4w x 6"),
        ("2 mg sc q7d x 2 at 00:00", "somatropin 2 mg sc weekly x 2"),
        ("2 mg sc q2d x 2", "somatropin 2 mg sc q2d x 2"),
        ("2 mg sc q36h x 2", "somatropin 2 mg sc q36h x 2"),
        ("2 mg sc bid x 2", "somatropin 2 mg sc q12h x 2"),
        ("2 mg iv over 90 min", "somatropin 2 mg iv once over 1.5 h"),
        ("2 mg iv over 0.5 h from day 3", "somatropin 2 mg iv once from day 3 over 30 min"),
    ],
)
def test_format_writes_the_canonical_string(text, written):
    drug = "octreotide" if " im " in text else "somatropin"
    assert format_regimen(parse_regimen(text, drug=drug)) == written
    assert format_regimen(parse_regimen(text, drug=drug), drug=False) == written.split(" ", 1)[1]


def _with_route(drug: str) -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(list(DRUGS[drug].routes)).map(lambda r: (drug, r))


_drug_route = st.sampled_from(sorted(DRUGS)).flatmap(_with_route)


@st.composite
def _expressible_doses(draw) -> Dose:
    """Doses the grammar can express: first dose on a whole minute, anything else free."""
    drug, route = draw(_drug_route)
    ii_h = draw(st.none() | st.floats(0.05, 2000.0))
    dur_h = draw(
        st.none()
        | st.integers(1, 59).map(lambda m: m / 60.0)
        | st.floats(0.01, min(ii_h or 168.0, 168.0))
    )
    assume(dur_h is None or ii_h is None or dur_h <= ii_h)
    return Dose(
        drug=drug,
        route=route,
        amt=draw(st.floats(1e-4, 1e5)),
        amt_unit=draw(st.sampled_from(["mg", "ug", "nmol", "mg/kg", "ug/kg", "nmol/kg"])),
        time_h=draw(st.integers(0, 60 * 24 * 400)) / 60.0,
        ii_h=ii_h,
        addl=draw(st.integers(0, 500)) if ii_h is not None else 0,
        dur_h=dur_h,
    )


@settings(max_examples=300, deadline=None)
@given(_expressible_doses())
def test_parse_of_format_gives_the_same_dose(dose):
    text = format_regimen(dose)
    assert parse_regimen(text) == dose
    assert parse_regimen(format_regimen(dose, drug=False), drug=dose.drug) == dose


def test_format_refuses_a_time_between_whole_minutes():
    with pytest.raises(ProtocolError, match=r"`time_h` = 22\.005 is not a whole minute"):
        format_regimen(Dose(drug="somatropin", amt=1, time_h=22.005))


def test_protocol_yaml_accepts_regimen_strings_and_regimen_fields():
    text = """\
doses:
  - tesamorelin 2 mg sc daily x 182 at 22:00
  - {drug: mk-677, regimen: "25 mg po q24h x 28 at 08:00 from day 2"}
  - {regimen: "somatropin 0.2 mg sc once"}
  - {drug: somatropin, amt: 0.3, time_h: 22, ii_h: 24, addl: 27}
"""
    doses = Protocol.from_yaml(text).doses
    assert doses[0] == Dose(drug="tesamorelin", amt=2, time_h=22, ii_h=24, addl=181)
    assert doses[1] == Dose(drug="mk677", amt=25, route="po", time_h=32, ii_h=24, addl=27)
    assert doses[2] == Dose(drug="somatropin", amt=0.2)
    assert doses[3] == Dose(drug="somatropin", amt=0.3, time_h=22, ii_h=24, addl=27)
    # the dumped protocol holds plain NONMEM fields and reads back equal
    protocol = Protocol.from_yaml(text)
    assert Protocol.from_dict(protocol.to_dict()) == protocol


def test_dose_and_protocol_take_regimen_strings_in_python():
    assert Dose.model_validate("gh 1 mg") == Dose(drug="somatropin", amt=1.0)
    assert Protocol(doses=["gh 1 mg"]).doses == (Dose(drug="somatropin", amt=1.0),)


BAD = [
    # (regimen, drug, pattern the message must contain)
    ("tesamorelin 2 mg sx daily x 3", None,
     r"`regimen` 'tesamorelin 2 mg sx daily x 3': cannot read 'sx daily x 3'.*a route \(sc, iv"),
    ("somatropin   1  mg   SX  daily", None, r"cannot read 'sx daily'"),
    ("somatropin daily", None, r"no amount and unit found.*mg, ug, nmol"),
    ("somatropin 1 iu", None, r"unknown dose unit 'iu'.*1 mg = 3 IU"),
    ("somatropin 1 mg/day", None, r"no amount and unit found"),
    ("2 mg sc daily x 3", None, r"no drug named.*give `drug` next to `regimen`.*tesamorelin"),
    ("somatropin 1 mg daily", None, r"'daily' repeats.*add e\.g\. 'x 28'"),
    ("somatropin 1 mg x 3", None, r"'x 3' asks for 3 doses.*no frequency.*'q24h'"),
    ("somatropin 1 mg once x 3", None, r"'x 3' asks for 3 doses.*'once'"),
    ("somatropin 1 mg daily x 0", None, r"'x 0' gives no dose"),
    ("somatropin 1 mg q0h x 2", None, r"interval in 'q0h' must be positive"),
    ("somatropin 1 mg sc sc", None, r"the route is given twice \('sc' and 'sc'\)"),
    ("somatropin 1 mg at 24:00", None, r"'at 24:00' is not a clock time; use 00:00 to 23:59"),
    ("somatropin 1 mg at 08:60", None, r"not a clock time"),
    ("somatropin 1 mg from day 0", None, r"days count from 1 .*'from day 1'"),
    ("somatropin 1 mg iv over 0 min", None, r"infusion duration must be positive"),
    ("tesamorelin 1 mg", "somatropin", r"names the drug 'tesamorelin' but `drug` is 'somatropin'"),
    ("octreotide 1 mg iv q1h x 2 over 2 h", None, r"`dur_h` = 2\.0 is longer than `ii_h` = 1\.0"),
    ("octreotide 0.1 mg po", None, r"`route` 'po' is not supported for octreotide; use one of "
                                   r"sc, iv, im"),
    ("insulin 1 mg", None, r"unknown drug 'insulin'; use one of .*somatropin"),
    ("somatropin -1 mg", None, r"`amt`: Input should be greater than 0; got -1\.0"),
    ("somatropin 0 mg", None, r"`amt`: Input should be greater than 0; got 0\.0"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "drug", "match"), BAD)
def test_bad_regimens_are_refused_with_a_clear_message(text, drug, match):
    with pytest.raises(ProtocolError, match=match):
        parse_regimen(text, drug=drug)


@pytest.mark.parametrize(
    ("entry", "match"),
    [
        ('"tesamorelin 2 mg sx daily"', r"invalid protocol: `doses\.1`: `regimen` "
                                        r"'tesamorelin 2 mg sx daily': cannot read 'sx daily'"),
        ('{drug: somatropin, regimen: "1 mg", amt: 2}', r"`doses\.1`: `regimen` sets amt.*"
                                                        r"`amt` is given as well"),
        ('{drug: 5, regimen: "1 mg"}', r"`doses\.1`: `drug` must be a drug name.*got 5 \(int\)"),
        ("{regimen: 5}", r"`doses\.1`: `regimen` must be a string.*got 5 \(int\)"),
        ('"octreotide 1 mg po once"', r"`route` 'po' is not supported for octreotide"),
        ('"somatropin 2 mg daily x 3 at 25:00"', r"`doses\.1`.*'at 25:00' is not a clock time"),
    ],
)  # fmt: skip
def test_bad_regimens_in_a_protocol_name_the_dose(entry, match):
    text = f"doses:\n  - gh 1 mg\n  - {entry}\n"
    with pytest.raises(ProtocolError, match=match):
        Protocol.from_yaml(text)
