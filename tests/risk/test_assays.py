"""Assays (issue 11, item 2): each platform's analytical CV as published, a lab's own
reference interval read against it (CSV and FHIR), and what calibration makes of both."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace

import pytest

from igfaxis import Person
from igfaxis.calibrate import calibrate, lab_sigma
from igfaxis.errors import ProtocolError, UnitError
from igfaxis.io.labs import read_labs
from igfaxis.protocol import LabValue
from igfaxis.risk import (
    IGF1_CV_A,
    IGF1_CV_I,
    assay_cv,
    assays,
    centile_value,
    find_assay,
    harmonise_lab,
    reference_scale_ng_ml,
    sds,
)

TODAY = dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "platform", "cv"),
    [  # inter-assay CVs near adult levels: Chanson 2016 (VARIETE) Table 1, Sabbah 2021 Table 1
        ("IDS-iSYS", "IDS-iSYS", 0.039),  # 3.9% at 163 ng/mL
        ("iSYS IGF-I (IDS)", "IDS-iSYS", 0.039),
        ("DiaSorin LIAISON XL", "DiaSorin LIAISON XL", 0.071),  # 7.1% at 187 ng/mL
        ("Siemens Immulite 2000", "Siemens IMMULITE 2000 (87/518)", 0.054),  # 5.4% at 169
        ("IMMULITE 2000 IGF-I (02/254)", "Siemens IMMULITE 2000 (02/254)", 0.076),
        ("Roche Elecsys IGF-1", "Roche Elecsys", 0.046),  # 2.5-4.6%
    ],
)
def test_a_platform_is_found_with_its_published_cv(text: str, platform: str, cv: float) -> None:
    found = find_assay(text)
    assert found is not None
    assert found.name == platform
    assert found.cv_a == cv
    assert assay_cv(text) == cv
    assert "PMC" in found.source


def test_an_unknown_or_missing_assay_takes_the_default_cv() -> None:
    for text in (None, "", "in-house RIA", "---"):
        assert find_assay(text) is None
        assert assay_cv(text) == IGF1_CV_A
    # every packaged CV is a plausible immunoassay CV and every alias finds its own platform
    for a in assays():
        assert 0.02 <= a.cv_a <= 0.10
        assert find_assay(a.name) == a
    assert lab_sigma("igf1", "IDS-iSYS") == pytest.approx(math.hypot(IGF1_CV_I, 0.039))
    assert lab_sigma("igf1") == pytest.approx(math.hypot(IGF1_CV_I, IGF1_CV_A))


def test_a_value_read_against_its_lab_interval_keeps_its_sds() -> None:
    """The lab's limits are its 2.5th and 97.5th centiles, log-normal between: the value's
    SDS there is its SDS in LIFE after harmonising, whatever the lab's scale."""
    lo, hi = 80.0, 320.0
    for v in (60.0, 80.0, 160.0, 250.0, 320.0, 500.0):
        z_lab = -1.959964 + 2 * 1.959964 * math.log(v / lo) / math.log(hi / lo)
        got = reference_scale_ng_ml(v, lo, hi, 45.0, "female")
        assert sds(got, 45.0, "female") == pytest.approx(z_lab, abs=1e-4)
    # a platform reading 30% higher across the board, with its interval 30% higher too,
    # lands on the same LIFE value
    assert reference_scale_ng_ml(1.3 * 150.0, 1.3 * lo, 1.3 * hi, 45.0, "female") == (
        pytest.approx(reference_scale_ng_ml(150.0, lo, hi, 45.0, "female")))
    lab = LabValue(day=0.0, date=None, value=160.0, unit="ng/mL", igf1_ng_ml=160.0, line=1,
                   ref_low_ng_ml=lo, ref_high_ng_ml=hi)  # fmt: skip
    once = harmonise_lab(lab, 45.0, "female")
    assert once.harmonised
    assert (once.value, once.unit) == (160.0, "ng/mL")  # what the report printed stays
    assert once.igf1_ng_ml == pytest.approx(centile_value(0.0, 45.0, "female"))  # midpoint
    assert harmonise_lab(once, 45.0, "female") == once  # not applied twice
    plain = LabValue(day=0.0, date=None, value=160.0, unit="ng/mL", igf1_ng_ml=160.0, line=1)
    assert harmonise_lab(plain, 45.0, "female") == plain


def test_csv_reference_interval_in_the_rows_unit(tmp_path) -> None:
    path = tmp_path / "labs.csv"
    path.write_text("date,igf1,unit,assay,ref_low,ref_high\n"
                    "2024-03-04,14.1,nmol/L,IDS-iSYS,10.0,30.0\n"
                    "2024-06-04,150,ng/mL,,,\n", encoding="utf-8")  # fmt: skip
    a, b = read_labs(path, age_y=50, today=TODAY)
    assert (a.ref_low_ng_ml, a.ref_high_ng_ml) == (pytest.approx(76.49), pytest.approx(229.47))
    assert (b.ref_low_ng_ml, b.ref_high_ng_ml) == (None, None)
    for row, match in (("2024-03-04,140,ng/mL,,60,\n", "`ref_low` and `ref_high` come together"),
                       ("2024-03-04,140,ng/mL,,300,60\n", "`ref_low` 300 must be below"),
                       ("2024-03-04,140,ng/mL,,-1,60\n", "`ref_low` must be > 0")):  # fmt: skip
        path.write_text("date,igf1,unit,assay,ref_low,ref_high\n" + row, encoding="utf-8")
        with pytest.raises(ProtocolError, match=match) as err:
            read_labs(path, age_y=50, today=TODAY)
        assert "line 2" in str(err.value)


def _fhir(tmp_path, **extra):
    obs = {"resourceType": "Observation", "id": "igf1-a", "status": "final",
           "code": {"coding": [{"system": "http://loinc.org", "code": "2484-4"}]},
           "effectiveDateTime": "2024-03-04T08:30:00+01:00",
           "valueQuantity": {"value": 150, "unit": "ng/mL",
                             "system": "http://unitsofmeasure.org", "code": "ng/mL"}, **extra}
    path = tmp_path / "labs.json"
    path.write_text(json.dumps(obs), encoding="utf-8")
    return path


def _q(value, unit):
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def test_fhir_reference_range(tmp_path) -> None:
    (lab,) = read_labs(_fhir(tmp_path, referenceRange=[
        {"low": _q(10.0, "nmol/L"), "high": _q(30.0, "nmol/L")}]), today=TODAY)  # fmt: skip
    assert lab.ref_low_ng_ml == pytest.approx(76.49)
    assert lab.ref_high_ng_ml == pytest.approx(229.47)
    (lab,) = read_labs(_fhir(tmp_path), today=TODAY)
    assert lab.ref_low_ng_ml is None
    with pytest.raises(ProtocolError, match=r"igf1-a.*needs both `low` and `high`"):
        read_labs(_fhir(tmp_path, referenceRange=[{"low": _q(60.0, "ng/mL")}]), today=TODAY)
    with pytest.raises(UnitError, match=r"`referenceRange.high` unit does not fit"):
        read_labs(_fhir(tmp_path, referenceRange=[
            {"low": _q(60.0, "ng/mL"), "high": _q(3.0, "mg/L")}]), today=TODAY)  # fmt: skip


WOMAN = Person(age_y=52, sex="female")


def _labs(values, **kw) -> list[LabValue]:
    return [LabValue(day=d, date=None, value=v, unit="ng/mL", igf1_ng_ml=v, line=i + 1, **kw)
            for i, (d, v) in enumerate(zip((-360.0, -180.0, 0.0), values, strict=True))]


def test_calibration_reads_labs_against_their_interval() -> None:
    """Three labs at the geometric middle of a platform's interval that reads 1.4 x LIFE: fitted
    as the LIFE median, the same fit as labs at the LIFE median without an interval; raw, the
    fit sits 1.4 x higher."""
    median = centile_value(0.0, 52.0, "female")
    lo, hi = centile_value(-1.96, 52.0, "female"), centile_value(1.96, 52.0, "female")
    mid = math.sqrt(lo * hi)
    scaled = _labs([1.4 * mid] * 3, ref_low_ng_ml=1.4 * lo, ref_high_ng_ml=1.4 * hi)
    at_median = _labs([median] * 3)
    raw = _labs([1.4 * mid] * 3)
    fits = {name: calibrate(WOMAN, labs) for name, labs in
            (("scaled", scaled), ("median", at_median), ("raw", raw))}  # fmt: skip
    nxt = {k: f.predict_labs([90])[0].median for k, f in fits.items()}
    assert all(lab.harmonised for lab in fits["scaled"].labs)
    assert nxt["scaled"] == pytest.approx(nxt["median"], rel=0.01)
    assert nxt["raw"] / nxt["median"] > 1.25


def test_an_imprecise_assay_informs_less() -> None:
    """The same three labs: on LIAISON XL (CV 7.1%) the posterior of pituitary capacity (the
    parameter these labs inform) is wider than on iSYS (3.9%), and so is the 90% interval of
    the next lab on the same platform."""
    values = [95.0, 101.0, 98.0]
    width, interval = {}, {}
    for platform in ("IDS-iSYS", "DiaSorin LIAISON XL"):
        fit = calibrate(WOMAN, _labs(values, assay=platform))
        row = fit.summary().loc["pituitary_secretion_capacity"]
        width[platform] = row["q95"] / row["q05"]
        nxt = fit.predict_labs([90])[0]
        interval[platform] = nxt.q95 / nxt.q05
    assert width["DiaSorin LIAISON XL"] > width["IDS-iSYS"]
    assert interval["DiaSorin LIAISON XL"] > interval["IDS-iSYS"]


def _scaled_life_table(tmp_path, factor: float, assay: str):
    """LIFE's IGF-1 BCPE table with ``mu`` times ``factor``: a platform that reads
    ``factor`` x LIFE for every serum (BCPE is a scale family in ``mu``)."""
    from importlib import resources

    from igfaxis.risk import load_reference_table

    rows = (resources.files("igfaxis.data") / "igf1_reference_life.csv").read_text().splitlines()
    out = [rows[0]]
    for line in rows[1:]:
        sex, age, mu, *rest = line.split(",")
        out.append(",".join([sex, age, repr(float(mu) * factor), *rest]))
    path = tmp_path / "scaled.csv"
    path.write_text("\n".join(out) + "\n")
    return load_reference_table(path, analyte="igf1", name="liaison-test", assay=assay,
                                citation="LIFE scaled by 1.4 (test)")  # fmt: skip


def test_assay_table_comes_before_the_lab_interval(tmp_path) -> None:
    """A lab whose platform has its own reference table is read through it: the value's SDS
    there, placed at the same SDS in LIFE. A platform reading 1.4x lands on the LIFE value
    exactly (and before its lab's interval, which would say otherwise); a lab of another
    platform keeps its interval; with the packaged tables (LIFE only, assay not stated) no
    platform has a table."""
    from igfaxis.risk import assay_reference, lab_reference

    table = _scaled_life_table(tmp_path, 1.4, "DiaSorin LIAISON XL (test table)")
    life = centile_value(0.8, 52.0, "female")
    lab = LabValue(day=0.0, date=None, value=1.4 * life, unit="ng/mL", igf1_ng_ml=1.4 * life,
                   line=1, assay="LIAISON XL", ref_low_ng_ml=60.0,
                   ref_high_ng_ml=200.0)  # fmt: skip
    assert assay_reference("LIAISON XL", [table]) is table
    assert lab_reference(lab, [table]) == "assay table liaison-test"
    read = harmonise_lab(lab, 52.0, "female", tables=[table])
    assert read.harmonised
    assert read.igf1_ng_ml == pytest.approx(life, rel=1e-9)
    other = LabValue(day=0.0, date=None, value=150.0, unit="ng/mL", igf1_ng_ml=150.0, line=1,
                     assay="IDS-iSYS", ref_low_ng_ml=60.0, ref_high_ng_ml=200.0)  # fmt: skip
    assert lab_reference(other, [table]) == "lab interval"
    assert harmonise_lab(other, 52.0, "female", tables=[table]).igf1_ng_ml == pytest.approx(
        reference_scale_ng_ml(150.0, 60.0, 200.0, 52.0, "female"))
    assert assay_reference("LIAISON XL") is None  # packaged: LIFE only
    assert lab_reference(lab) == "lab interval"
    plain = LabValue(day=0.0, date=None, value=150.0, unit="ng/mL", igf1_ng_ml=150.0, line=1)
    assert lab_reference(plain) == "LIFE"
    # the choice is recorded in the fit (the days of docs/calibration.md's example)
    labs = [replace(plain, day=-365.0), replace(other, day=-180.0), plain]
    fit = calibrate(Person(age_y=52, sex="female"), labs)
    assert fit.diagnostics["lab_reference"] == ["LIFE", "lab interval", "LIFE"]
