"""NONMEM-style dosing tables: round trips, hand-written mrgsolve tables, bad cells (G6, G10)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, example, given, settings, strategies as st

from igfaxis.errors import ProtocolError
from igfaxis.io import doses_to_table, read_dosing_csv, write_dosing_csv
from igfaxis.model.drugs import DRUGS
from igfaxis.protocol import Dose, Protocol, parse_regimen

PROTOCOL = Protocol(
    doses=[
        "tesamorelin 2 mg sc daily x 182 at 22:00",
        "ipamorelin 40 nmol/kg iv once at 08:00 from day 3 over 15 min",
        "somatropin 30 ug/kg iv q12h x 3 over 2 h from day 2",
        "octreotide 20 mg im q28d x 6 at 10:00",
        "cjc1295_dac 2 ug/kg sc weekly x 4",
    ]
)


def _write(tmp_path: Path, text: str, name: str = "doses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_protocol_round_trips_through_the_csv(tmp_path):
    path = write_dosing_csv(PROTOCOL, tmp_path / "sub" / "doses.csv")
    back = read_dosing_csv(path)
    assert back == tuple(sorted(PROTOCOL.doses, key=lambda d: d.time_h))
    assert Protocol(doses=back).to_dict()["doses"] != []
    assert set(back) == set(PROTOCOL.doses)


def test_table_values_are_the_nonmem_fields():
    table = doses_to_table(PROTOCOL)
    assert list(table.columns) == ["ID", "TIME", "EVID", "AMT", "CMT", "II", "ADDL", "RATE",
                                   "DRUG", "ROUTE", "AMT_UNIT"]  # fmt: skip
    assert list(table["TIME"]) == [0.0, 10.0, 22.0, 24.0, 56.0]  # sorted by time
    rows = {r.DRUG: r for r in table.itertuples()}
    # 30 ug/kg over 2 h: 15 ug/kg/h; 40 nmol/kg over 15 min: 160 nmol/kg/h
    assert rows["somatropin"].RATE == 15.0
    assert rows["somatropin"].CMT == "gh_iv_rate"
    assert (rows["somatropin"].II, rows["somatropin"].ADDL) == (12.0, 2)
    assert rows["ipamorelin"].RATE == 160.0
    assert rows["ipamorelin"].II == 0.0
    assert (rows["octreotide"].II, rows["octreotide"].ADDL) == (672.0, 5)
    assert rows["octreotide"].CMT == "octreotide_im"
    assert rows["tesamorelin"].RATE == 0.0
    assert set(table["EVID"]) == {1}
    assert set(table["ID"]) == {1}


_drug_route = st.sampled_from(sorted(DRUGS)).flatmap(
    lambda d: st.sampled_from(list(DRUGS[d].routes)).map(lambda r: (d, r))
)


@st.composite
def _doses(draw) -> Dose:
    drug, route = draw(_drug_route)
    ii_h = draw(st.none() | st.floats(0.01, 5000.0))
    dur_h = draw(st.none() | st.floats(1e-3, 168.0))
    assume(dur_h is None or ii_h is None or dur_h <= ii_h)
    return Dose(
        drug=drug,
        route=route,
        amt=draw(st.floats(1e-6, 1e5)),
        amt_unit=draw(st.sampled_from(["mg", "ug", "nmol", "mg/kg", "ug/kg", "nmol/kg"])),
        time_h=draw(st.floats(0.0, 1e5)),
        ii_h=ii_h,
        addl=draw(st.integers(0, 1000)) if ii_h is not None else 0,
        dur_h=dur_h,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(_doses(), min_size=1, max_size=4))
@example([Dose(drug="cjc1295", amt=2.0625, dur_h=27.0)])  # amt / (amt / 27) != 27 in floats
def test_any_doses_round_trip_exactly(doses):
    with tempfile.TemporaryDirectory() as tmp:
        back = read_dosing_csv(write_dosing_csv(doses, Path(tmp) / "d.csv"))
    assert back == tuple(sorted(doses, key=lambda d: d.time_h))


def test_hand_written_mrgsolve_table_reads(tmp_path):
    path = _write(
        tmp_path,
        "id,time,evid,amt,cmt,ii,addl,rate,dv\n"
        "1,0,0,0,.,0,0,0,210\n"
        "1,22,1,0.3,gh_sc_rate,24,6,0,.\n"
        "1,30,1,0.5,gh_iv_rate,0,0,2,.\n"
        "1,48,0,.,.,.,.,.,250\n",
    )
    assert read_dosing_csv(path) == (
        Dose(drug="somatropin", amt=0.3, route="sc", time_h=22, ii_h=24, addl=6),
        Dose(drug="somatropin", amt=0.5, route="iv", time_h=30, dur_h=0.25),
    )


def test_lower_case_table_with_drug_route_and_unit_columns(tmp_path):
    path = _write(
        tmp_path,
        "ID,time,amt,drug,route,amt_unit,ii,addl,mdv\n"
        "7,8,25,MK-677,PO,mg,24,27,1\n"
        "7,22,2,egrifta,,mcg/kg,,,1\n",
    )
    assert read_dosing_csv(path) == (
        parse_regimen("mk677 25 mg po daily x 28 at 08:00"),
        parse_regimen("tesamorelin 2 ug/kg sc once at 22:00"),
    )


def test_subjects_are_picked_by_id(tmp_path):
    path = _write(tmp_path, "ID,TIME,AMT,DRUG\n1,0,1,somatropin\n2,0,2,somatropin\n")
    assert read_dosing_csv(path, subject_id=2) == (Dose(drug="somatropin", amt=2),)
    with pytest.raises(ProtocolError, match=r"several subjects \(ID 1, 2\).*`subject_id`"):
        read_dosing_csv(path)
    with pytest.raises(ProtocolError, match=r"has no ID 3; it holds ID 1, 2"):
        read_dosing_csv(path, subject_id=3)


HEAD = "ID,TIME,EVID,AMT,CMT,II,ADDL,RATE,DRUG,ROUTE,AMT_UNIT\n"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (HEAD + "1,0,1,-5,,0,0,0,somatropin,sc,mg\n",
         r"doses\.csv line 2, column `AMT`: -5\.0 is negative"),
        (HEAD + "1,0,1,1,,0,0,0,somatropin,sc,mg\n1,0,1,0,,0,0,0,somatropin,sc,mg\n",
         r"line 3, column `AMT`: 0 is not a dose.*`EVID` to 0"),
        (HEAD + "1,0,1,1,,0,0,0,insulin,sc,mg\n",
         r"line 2, column `DRUG`: unknown drug 'insulin'; use one of .*tesamorelin"),
        (HEAD + "1,0,1,1,,0,0,0,octreotide,po,mg\n",
         r"column `ROUTE`: 'po' is not a route of octreotide; use one of sc, iv, im"),
        (HEAD + "1,0,2,1,,0,0,0,somatropin,sc,mg\n",
         r"column `EVID`: 2 is not supported.*EVID 1.*EVID 0"),
        (HEAD + "1,0,4,1,,0,0,0,somatropin,sc,mg\n", r"column `EVID`: 4 is not supported"),
        (HEAD + "1,0,1,1,,0,3,0,somatropin,sc,mg\n",
         r"column `II`: is 0 but ADDL = 3 asks for more doses.*e\.g\. 24"),
        (HEAD + "1,8am,1,1,,0,0,0,somatropin,sc,mg\n",
         r"column `TIME`: '8am' is not a number"),
        (HEAD + "1,0,1,1,,0,1.5,0,somatropin,sc,mg\n", r"column `ADDL`: 1\.5 is not a whole"),
        (HEAD + "1,-1,1,1,,0,0,0,somatropin,sc,mg\n", r"column `TIME`: -1\.0 is negative"),
        (HEAD + "1,0,1,1,,0,0,-2,somatropin,iv,mg\n",
         r"column `RATE`: -2\.0 \(a modelled rate or duration\) is not supported"),
        (HEAD + "1,0,1,1,,0,0,0,somatropin,sc,IU\n", r"column `AMT_UNIT`: unknown unit 'IU'"),
        (HEAD + "1,0,1,1,mk677_po,0,0,0,somatropin,sc,mg\n",
         r"column `CMT`: 'mk677_po' is the input of mk677 po, not of somatropin sc"),
        (HEAD + "1,0,1,1,,0,0,0,,sc,mg\n", r"column `DRUG`: is missing and `CMT` ''"),
        (HEAD + "1,0,1,1,,1,2,0.1,somatropin,iv,mg\n",
         r"line 2: `dur_h` = 10\.0 is longer than `ii_h` = 1\.0"),
        ("ID,TIME,AMT,DRUG,SS\n1,0,1,somatropin,1\n", r"column `SS`: steady-state dosing"),
        ("ID,TIME,AMT,DRUG,WT\n1,0,1,somatropin,70\n", r"unknown column\(s\) WT"),
        ("ID,TIME,DRUG\n1,0,somatropin\n", r"the column AMT is missing"),
        ("ID,TIME,AMT,amt,DRUG\n1,0,1,1,somatropin\n", r"column\(s\) AMT appear twice"),
        ("", r"not a readable CSV table"),
    ],
)  # fmt: skip
def test_bad_tables_name_the_line_column_and_fix(tmp_path, text, match):
    with pytest.raises(ProtocolError, match=match):
        read_dosing_csv(_write(tmp_path, text))


def test_missing_file_is_a_protocol_error(tmp_path):
    with pytest.raises(ProtocolError, match=r"dosing table .*nope\.csv' does not exist"):
        read_dosing_csv(tmp_path / "nope.csv")


def test_written_csv_is_what_pandas_and_the_docs_expect(tmp_path):
    path = write_dosing_csv([parse_regimen("somatropin 0.3 mg sc daily x 7 at 22:00")],
                            tmp_path / "d.csv")  # fmt: skip
    assert path.read_text().splitlines() == [
        "ID,TIME,EVID,AMT,CMT,II,ADDL,RATE,DRUG,ROUTE,AMT_UNIT",
        "1,22.0,1,0.3,gh_sc_rate,24.0,6,0.0,somatropin,sc,mg",
    ]
    assert pd.read_csv(path)["AMT"].tolist() == [0.3]


def test_rate_keeps_the_float_value_other_tools_read(tmp_path):
    dose = Dose(drug="cjc1295", amt=2.0625, dur_h=27.0)
    rate = pd.read_csv(write_dosing_csv([dose], tmp_path / "d.csv"))["RATE"].iloc[0]
    assert rate == 2.0625 / 27.0
    assert doses_to_table([dose])["RATE"].iloc[0] == 2.0625 / 27.0
