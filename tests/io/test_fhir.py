"""FHIR R4 labs: Observations and Bundles, and what is refused (issue 11, items 5 and 9)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from igfaxis.errors import LabWarning, ProtocolError, UnitError
from igfaxis.io.fhir import read_fhir_labs
from igfaxis.io.labs import read_labs

TODAY = dt.date(2025, 1, 1)


def _obs(ident, code="2484-4", value=112, unit="ng/mL", when="2024-03-04T08:30:00+01:00",
         **extra):  # fmt: skip
    res = {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org",
                          "code": unit},
    }
    res.update(extra)
    return {k: v for k, v in res.items() if v is not None}


def _bundle(*resources):
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}  # fmt: skip


def _write(tmp_path, data, name="labs.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_bundle_of_igf1_and_igfbp3(tmp_path):
    data = _bundle(
        _obs("a", value=98, when="2023-03-01"),
        _obs("b", value=11.9, unit="nmol/L", method={"text": "IDS-iSYS"}),
        _obs("c", code="2483-6", value=3.9, unit="mg/L"),
    )
    a, b = read_labs(_write(tmp_path, data), age_y=52, today=TODAY)
    assert (a.date, a.time, a.day, a.igf1_ng_ml) == ("2023-03-01", "08:00", -369.0, 98.0)
    assert (b.date, b.time, b.day) == ("2024-03-04", "08:30", 0.0)  # local clock time
    assert b.igf1_ng_ml == pytest.approx(11.9 * 7.649)
    assert b.igfbp3_ng_ml == pytest.approx(3900.0)
    assert b.assay == "IDS-iSYS"
    assert a.igfbp3_ng_ml is None


def test_single_observation(tmp_path):
    (lab,) = read_fhir_labs(_write(tmp_path, _obs("x", unit="ug/L")), today=TODAY)
    assert (lab.value, lab.unit, lab.igf1_ng_ml) == (112.0, "ug/L", 112.0)


def _refused(tmp_path, data, match, error=ProtocolError):
    with pytest.raises(error, match=match):
        read_labs(_write(tmp_path, data), age_y=52, today=TODAY)


def test_resource_of_another_kind(tmp_path):
    _refused(tmp_path, {"resourceType": "Patient", "id": "p1"},
             r"labs.json: a FHIR resource of kind 'Patient' \(id 'p1'\) is not labs")
    _refused(tmp_path, _bundle(_obs("a"), {"resourceType": "Patient", "id": "p1"}),
             r"labs.json, entry 1, Patient 'p1': a FHIR resource of kind 'Patient'")
    _refused(tmp_path, [1, 2], r"not a FHIR resource")


def test_observation_of_another_code(tmp_path):
    _refused(tmp_path, _bundle(_obs("a"), _obs("hba1c", code="4548-4")),
             r"entry 1, Observation 'hba1c': code \['http://loinc.org\|4548-4'\] is not IGF-1")


def test_unit_that_does_not_fit(tmp_path):
    _refused(tmp_path, _bundle(_obs("a", unit="mg/dL")),
             r"entry 0, Observation 'a': `valueQuantity` unit does not fit", UnitError)
    # mg/L is an IGFBP-3 unit, not an IGF-1 one
    _refused(tmp_path, _bundle(_obs("a", unit="mg/L")), r"Observation 'a'.*unit", UnitError)


def test_missing_or_bad_value(tmp_path):
    obs = _obs("a")
    del obs["valueQuantity"]
    _refused(tmp_path, _bundle(obs), r"Observation 'a': has no `valueQuantity.value`")
    _refused(tmp_path, _bundle(_obs("z", value=0)), r"Observation 'z'.*must be > 0; got 0")
    nodate = _obs("d")
    del nodate["effectiveDateTime"]
    _refused(tmp_path, _bundle(nodate), r"Observation 'd': has no `effectiveDateTime`")
    _refused(tmp_path, _bundle(_obs("m", when="2024-03")), r"Observation 'm'.*not a full date")


def test_invalid_fhir_is_reported_by_the_models(tmp_path):
    bad = _obs("a")
    bad["valueQuantity"] = {"value": "lots"}
    _refused(tmp_path, _bundle(bad), r"Observation 'a': not a valid FHIR R4 Observation")


def test_igfbp3_without_igf1_and_no_igf1_at_all(tmp_path):
    _refused(tmp_path, _bundle(_obs("a"), _obs("c", code="2483-6", value=3.9, unit="mg/L",
                                               when="2024-01-01")),
             r"Observation 'c': IGFBP-3 at 2024-01-01 08:00 has no IGF-1 Observation")
    _refused(tmp_path, _bundle(), r"holds no IGF-1 Observation")


def test_dates_checked_as_for_csv(tmp_path):
    _refused(tmp_path, _bundle(_obs("f", when="2026-02-01")),
             r"Observation 'f': the date 2026-02-01 lies in the future")
    _refused(tmp_path, _bundle(_obs("old", when="1950-01-01"), _obs("new")),
             r"Observation 'old': the date 1950-01-01 lies before the person's birth")
    _refused(tmp_path, _bundle(_obs("x", status="entered-in-error")), r"'entered-in-error'")


def test_two_values_at_the_same_time_warn(tmp_path):
    data = _bundle(_obs("a", value=100), _obs("b", value=120))
    with pytest.warns(LabWarning, match=r"Observation 'b'.*differs from 100 ng/mL"):
        assert len(read_labs(_write(tmp_path, data), today=TODAY)) == 2


def test_gh_rides_on_its_sample_as_in_the_csv(tmp_path):
    # LOINC 2963-7, somatotropin; 3 mIU per ug (WHO IS 98/574): 2.1 mIU/L = 0.7 ug/L
    data = _bundle(
        _obs("a", value=98, when="2024-03-04T08:30:00+01:00"),
        _obs("g1", code="2963-7", value=0.9, unit="ug/L", when="2024-03-04T08:30:00+01:00"),
        _obs("b", value=11.9, unit="nmol/L", when="2025-03-03T07:45:00+01:00"),
        _obs("g2", code="2963-7", value=2.1, unit="m[IU]/L", when="2025-03-03T07:45:00+01:00"),
        _obs("c", value=104, when="2024-09-10"),
    )
    fhir = read_labs(_write(tmp_path, data), age_y=52, today=dt.date(2026, 1, 1))
    csv = tmp_path / "labs.csv"
    csv.write_text("date,time,igf1,unit,gh,gh_unit\n2024-03-04,08:30,98,ng/mL,0.9,ng/mL\n"
                   "2024-09-10,,104,ng/mL,,\n2025-03-03,07:45,11.9,nmol/L,2.1,mIU/L\n",
                   encoding="utf-8")  # fmt: skip
    table = read_labs(csv, age_y=52, today=dt.date(2026, 1, 1))
    assert [lab.gh_ng_ml for lab in fhir] == pytest.approx([0.9, None, 0.7])
    assert [(x.date, x.time, x.gh_ng_ml) for x in fhir] == \
        [(x.date, x.time, x.gh_ng_ml) for x in table]  # fmt: skip


def test_gh_refused_without_its_igf1_twice_or_in_an_igf1_unit(tmp_path):
    _refused(tmp_path, _bundle(_obs("a"), _obs("g", code="2963-7", value=1.0, unit="ng/mL",
                                               when="2024-01-01")),
             r"Observation 'g': GH at 2024-01-01 08:00 has no IGF-1 Observation")
    _refused(tmp_path, _bundle(_obs("a"), _obs("g", code="2963-7", value=1.0, unit="ng/mL"),
                               _obs("h", code="2963-7", value=2.0, unit="ng/mL")),
             r"Observation 'h': a second GH at 2024-03-04 08:30")
    _refused(tmp_path, _bundle(_obs("a"), _obs("g", code="2963-7", value=1.0, unit="nmol/L")),
             r"Observation 'g': `valueQuantity` unit does not fit.*mIU/L", UnitError)
