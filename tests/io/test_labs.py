"""The labs CSV reader: optional columns and bad input (issue 11, items 5 and 9)."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from igfaxis.errors import LabWarning, ProtocolError, UnitError
from igfaxis.io.labs import DEFAULT_TIME, read_labs

TODAY = dt.date(2025, 1, 1)


def _csv(tmp_path, text, name="labs.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_file_reads_as_before(tmp_path):
    text = "date,igf1,unit\n2024-03-04,13.07,nmol/L\n2023-03-01,98,ng/mL\n"
    labs = read_labs(_csv(tmp_path, text),
                     today=TODAY)  # fmt: skip
    assert [lab.date for lab in labs] == ["2023-03-01", "2024-03-04"]
    assert [lab.day for lab in labs] == [-369.0, 0.0]
    assert labs[1].igf1_ng_ml == pytest.approx(13.07 * 7.649)  # 7649 g/mol
    assert all(lab.time == DEFAULT_TIME == "08:00" for lab in labs)
    assert labs[1].t_h == 8.0
    assert labs[0].assay is labs[0].igfbp3_ng_ml is labs[0].gh_ng_ml is None


def test_optional_columns(tmp_path):
    text = (
        "Date,Time,IGF1,Unit,Assay,IGFBP3,IGFBP3_unit,GH,GH_unit\n"
        "2024-03-04,7:45,112,ng/mL,IDS-iSYS,3.9,mg/L,1.5,mIU/L\n"
        "2024-03-05,,110,ng/mL,,28,nmol/L,0.4,ug/L\n"
        "2024-03-06,23:59,111,ng/mL,,,,,\n"
    )
    a, b, c = read_labs(_csv(tmp_path, text), today=TODAY)
    assert (a.time, a.assay) == ("07:45", "IDS-iSYS")
    assert a.t_h == pytest.approx(-2 * 24 + 7.75)
    assert a.igfbp3_ng_ml == pytest.approx(3900.0)
    assert a.gh_ng_ml == pytest.approx(0.5)  # 3 mIU per ug (WHO IS 98/574)
    assert b.time == "08:00"
    assert b.igfbp3_ng_ml == pytest.approx(28 * 28.717)  # 28 717 g/mol
    assert b.gh_ng_ml == pytest.approx(0.4)
    assert c.igfbp3_ng_ml is None
    assert c.gh_ng_ml is None


def test_sorted_by_day_then_time(tmp_path):
    labs = read_labs(_csv(tmp_path, "day,time,igf1,unit\n0,14:00,120,ng/mL\n0,07:00,110,ng/mL\n"
                                    "-30,,100,ng/mL\n"))  # fmt: skip
    assert [lab.value for lab in labs] == [100.0, 110.0, 120.0]


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("", ProtocolError, r"labs.csv is empty"),
        ("date,igf1,unit\n", ProtocolError, r"header but no measurements"),
        ("date,igf1,unit\n2024-01-01,0,ng/mL\n", ProtocolError, r"line 2: `igf1` must be > 0"),
        ("date,igf1,unit\n2024-01-01,-5,ng/mL\n", ProtocolError, r"line 2: `igf1` must be > 0"),
        ("date,igf1,unit,igfbp3,igfbp3_unit\n2024-01-01,100,ng/mL,0,mg/L\n", ProtocolError,
         r"line 2: `igfbp3` must be > 0"),
        ("date,igf1,unit,gh,gh_unit\n2024-01-01,100,ng/mL,-1,ng/mL\n", ProtocolError,
         r"line 2: `gh` must be > 0"),
        ("date,igf1,unit\n2024-01-01,100,mg/dL\n", UnitError, r"line 2: `unit` must be one of"),
        ("date,igf1,unit,igfbp3,igfbp3_unit\n2024-01-01,100,ng/mL,3,g/L\n", UnitError,
         r"line 2: `igfbp3_unit` must be one of"),
        ("date,igf1,unit,gh,gh_unit\n2024-01-01,100,ng/mL,3,pmol/L\n", UnitError,
         r"line 2: `gh_unit` must be one of"),
        ("date,igf1,unit,gh\n2024-01-01,100,ng/mL,3\n", ProtocolError, r"`gh_unit` column"),
        ("date,igf1,unit,igfbp3,igfbp3_unit\n2024-01-01,100,ng/mL,3,\n", ProtocolError,
         r"line 2: `igfbp3_unit` is empty"),
        ("date,time,igf1,unit\n2024-01-01,8h,100,ng/mL\n", ProtocolError,
         r"line 2: `time` must be a clock time HH:MM"),
        ("date,time,igf1,unit\n2024-01-01,24:00,100,ng/mL\n", ProtocolError, r"line 2: `time`"),
        ("date,igf1,unit\n2025-06-01,100,ng/mL\n", ProtocolError,
         r"line 2: the date 2025-06-01 lies in the future \(today is 2025-01-01\)"),
        ("date,igf1,unit,colour\n2024-01-01,100,ng/mL,red\n", ProtocolError, r"unknown"),
    ],
)
def test_bad_input_names_the_row(tmp_path, text, error, match):
    with pytest.raises(error, match=match):
        read_labs(_csv(tmp_path, text), age_y=50, today=TODAY)


def test_before_birth_is_refused(tmp_path):
    text = "date,igf1,unit\n1960-01-01,100,ng/mL\n2024-12-01,120,ng/mL\n"
    with pytest.raises(ProtocolError, match=r"line 2: the date 1960-01-01 lies before the "
                                            r"person's birth.*`age_y` 50"):  # fmt: skip
        read_labs(_csv(tmp_path, text), age_y=50, today=TODAY)
    assert len(read_labs(_csv(tmp_path, text), age_y=70, today=TODAY)) == 2
    days = "day,igf1,unit\n-20000,100,ng/mL\n"
    with pytest.raises(ProtocolError, match=r"line 2: day -20000 lies before the person's birth"):
        read_labs(_csv(tmp_path, days), age_y=50)


def test_two_values_at_the_same_time_warn(tmp_path):
    text = "date,igf1,unit\n2024-03-04,100,ng/mL\n2024-03-04,130,ng/mL\n"
    with pytest.warns(LabWarning, match=r"line 3: IGF-1 130 ng/mL at 2024-03-04 08:00 differs "
                                        r"from 100 ng/mL at the same time \(labs.csv, line 2\)"):
        labs = read_labs(_csv(tmp_path, text), today=TODAY)
    assert len(labs) == 2
    # the same value twice, or the same day at another time, is not a conflict
    same = "date,time,igf1,unit\n2024-03-04,,100,ng/mL\n2024-03-04,08:00,100,ng/mL\n" \
           "2024-03-04,16:00,130,ng/mL\n"  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_labs(_csv(tmp_path, same), today=TODAY)) == 3
