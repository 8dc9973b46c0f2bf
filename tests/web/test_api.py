"""The REST API against a real `igfaxis serve` process over a real SQLite file (httpx).

Messages are compared with what the CLI's own loaders say for the same input in a file;
a run's result with what `igfaxis simulate --json` prints for the same input.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import inspect
from webtools import IGFAXIS, LABS_CSV, PASSWORD, SHORT_RUN, Server, token, wait_for

from igfaxis.cli._load import load_person
from igfaxis.errors import ProtocolError
from igfaxis.io.labs import read_labs
from igfaxis.web import make_engine, migrate
from igfaxis.web._models import Base


def _cli_message(exc_info: pytest.ExceptionInfo[ProtocolError], name: str, source: str) -> str:
    return str(exc_info.value).replace(name, source)


def _person(c: httpx.Client, **fields: Any) -> int:
    body = {"name": "Ann", "age_y": 52, "sex": "female", "weight_kg": 68} | fields
    r = c.post("/api/v1/persons", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


# --------------------------------------------------------------------------------------
# Tokens and login
# --------------------------------------------------------------------------------------


def test_token_needs_the_right_password(server: Server) -> None:
    bad = httpx.post(server.url + "/api/v1/token", data={"username": "alice",
                                                         "password": PASSWORD + "x"})  # fmt: skip
    assert bad.status_code == 401
    assert "wrong user name or password" in bad.json()["detail"]
    unknown = httpx.post(server.url + "/api/v1/token", data={"username": "nobody",
                                                             "password": PASSWORD})  # fmt: skip
    assert unknown.status_code == 401


def test_routes_need_a_token(server: Server) -> None:
    assert httpx.get(server.url + "/api/v1/persons").status_code == 401
    forged = httpx.get(server.url + "/api/v1/persons",
                       headers={"Authorization": "Bearer not-a-token"})  # fmt: skip
    assert forged.status_code == 401
    good = httpx.get(server.url + "/api/v1/persons",
                     headers={"Authorization": f"Bearer {token(server.url, 'alice')}"})  # fmt: skip
    assert good.status_code == 200


def test_openapi_lists_the_issues_routes(server: Server) -> None:
    spec = httpx.get(server.url + "/openapi.json").json()
    paths = spec["paths"]
    assert set(paths["/api/v1/persons"]) >= {"get", "post"}
    assert set(paths["/api/v1/persons/{person_id}"]) >= {"get", "put", "delete"}
    assert set(paths["/api/v1/persons/{person_id}/labs"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/runs"]
    assert "get" in paths["/api/v1/runs/{run_id}"]
    assert "post" in paths["/api/v1/token"]
    # the request models reuse the protocol schema: a person's fields are Person's
    person_in = spec["components"]["schemas"]["PersonIn"]["properties"]
    assert {"age_y", "sex", "weight_kg", "condition", "name"} <= set(person_in)
    assert httpx.get(server.url + "/docs").status_code == 200


# --------------------------------------------------------------------------------------
# Persons
# --------------------------------------------------------------------------------------


def test_person_create_read_update_delete(alice: httpx.Client) -> None:
    pid = _person(alice)
    got = alice.get(f"/api/v1/persons/{pid}").json()
    assert got["name"] == "Ann"
    assert got["person"]["age_y"] == 52.0
    assert got["person"]["sex"] == "female"
    assert "not medical advice" in got["note"]
    assert pid in [p["id"] for p in alice.get("/api/v1/persons").json()]
    r = alice.put(f"/api/v1/persons/{pid}", json={"age_y": 53, "sex": "female", "weight_kg": 70})
    assert r.status_code == 200
    assert r.json()["person"]["weight_kg"] == 70.0
    assert r.json()["name"] == "Ann"
    assert alice.delete(f"/api/v1/persons/{pid}").status_code == 204
    assert alice.get(f"/api/v1/persons/{pid}").status_code == 404


def test_invalid_person_answers_422_with_the_clis_message(
    alice: httpx.Client, tmp_path: Path
) -> None:
    bad = {"age_y": -1, "sex": "female", "weight_kg": 60}
    (tmp_path / "bad.yaml").write_text(json.dumps(bad))
    with pytest.raises(ProtocolError) as exc_info:
        load_person(tmp_path / "bad.yaml")
    r = alice.post("/api/v1/persons", json=bad)
    assert r.status_code == 422
    assert r.json()["detail"] == _cli_message(exc_info, "bad.yaml", "request body")
    assert "`age_y`" in r.json()["detail"]
    assert "got -1 (int)" in r.json()["detail"]


def test_unknown_person_field_is_named(alice: httpx.Client) -> None:
    r = alice.post("/api/v1/persons", json={"age_y": 40, "hieght_m": 1.8})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("invalid request body: `hieght_m` is not a known field")


def test_malformed_json_and_ids_are_422(alice: httpx.Client) -> None:
    json_type = {"content-type": "application/json"}
    r = alice.post("/api/v1/persons", content=b"{not json", headers=json_type)
    assert r.status_code == 422
    assert "\n" not in r.json()["detail"]
    r = alice.get("/api/v1/persons/abc")
    assert r.status_code == 422
    assert "`person_id`" in r.json()["detail"]


def test_body_above_the_limit_answers_413(alice: httpx.Client) -> None:
    big = b"date,igf1,unit\n" + b"2024-03-01,112,ng/mL\n" * 250_000  # 5.25 MB > 4 MiB
    r = alice.post("/api/v1/persons/1/labs", content=big, headers={"content-type": "text/csv"})
    assert r.status_code == 413
    assert "larger than 4194304 bytes" in r.json()["detail"]


# --------------------------------------------------------------------------------------
# Labs
# --------------------------------------------------------------------------------------


def test_labs_as_csv_rows_and_fhir(alice: httpx.Client) -> None:
    pid = _person(alice)
    r = alice.post(f"/api/v1/persons/{pid}/labs", content=LABS_CSV,
                   headers={"content-type": "text/csv"})  # fmt: skip
    assert r.status_code == 201, r.text
    added = r.json()["labs"]
    assert next(lab["igf1_ng_ml"] for lab in added) == 112.0
    # 14.1 nmol/L at 7.649 kDa (LIFE/igfaxis.units): 14.1 / 0.1307 ng/mL
    assert added[1]["igf1_ng_ml"] == pytest.approx(14.1 / 0.1307, rel=2e-3)
    rows = [{"date": "2025-01-10", "time": "07:30", "igf1": 120, "unit": "ng/mL",
             "igfbp3": 3.9, "igfbp3_unit": "mg/L", "ref_low": 80, "ref_high": 300}]  # fmt: skip
    r = alice.post(f"/api/v1/persons/{pid}/labs", json=rows)
    assert r.status_code == 201, r.text
    assert r.json()["labs"][0]["igfbp3_ng_ml"] == pytest.approx(3900.0)
    # the lab's own reference interval is stored with it (migration 0002)
    assert (r.json()["labs"][0]["ref_low_ng_ml"], r.json()["labs"][0]["ref_high_ng_ml"]) == (
        80.0, 300.0)  # fmt: skip
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
        "resourceType": "Observation", "id": "a", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2484-4"}]},
        "effectiveDateTime": "2025-02-03T08:30:00+01:00",
        "valueQuantity": {"value": 101, "unit": "ng/mL", "system": "http://unitsofmeasure.org",
                          "code": "ng/mL"}}}]}  # fmt: skip
    r = alice.post(f"/api/v1/persons/{pid}/labs", json=bundle)
    assert r.status_code == 201, r.text
    assert r.json()["labs"][0]["date"] == "2025-02-03"
    listed = alice.get(f"/api/v1/persons/{pid}/labs").json()
    assert [lab["value"] for lab in listed] == [112.0, 14.1, 120.0, 101.0]


def test_bad_labs_answer_422_with_the_clis_message(alice: httpx.Client, tmp_path: Path) -> None:
    pid = _person(alice)
    text = "date,igf1,unit\n2024-03-01,112,ng/mL\n2024-03-02,-5,ng/mL\n"
    (tmp_path / "labs.csv").write_text(text)
    with pytest.raises(ProtocolError) as exc_info:
        read_labs(tmp_path / "labs.csv", age_y=52)
    r = alice.post(f"/api/v1/persons/{pid}/labs", content=text,
                   headers={"content-type": "text/csv"})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["detail"] == _cli_message(exc_info, "labs.csv", "labs CSV")
    assert "line 3" in r.json()["detail"]
    assert "`igf1` must be > 0" in r.json()["detail"]
    assert alice.get(f"/api/v1/persons/{pid}/labs").json() == []  # nothing written


def test_dated_and_undated_labs_do_not_mix(alice: httpx.Client) -> None:
    pid = _person(alice)
    assert alice.post(f"/api/v1/persons/{pid}/labs", json=[
        {"date": "2024-03-01", "igf1": 112, "unit": "ng/mL"}]).status_code == 201  # fmt: skip
    r = alice.post(f"/api/v1/persons/{pid}/labs", json=[{"day": -30, "igf1": 100,
                                                         "unit": "ng/mL"}])  # fmt: skip
    assert r.status_code == 422
    assert "labs are dated" in r.json()["detail"]


def test_a_lab_before_birth_is_refused(alice: httpx.Client) -> None:
    pid = _person(alice, age_y=1)
    r = alice.post(f"/api/v1/persons/{pid}/labs", json=[{"day": -400, "igf1": 50,
                                                         "unit": "ng/mL"}])  # fmt: skip
    assert r.status_code == 422
    assert "before the person's birth" in r.json()["detail"]


# --------------------------------------------------------------------------------------
# Protocols
# --------------------------------------------------------------------------------------


def test_protocols_from_yaml_with_the_clis_message(alice: httpx.Client) -> None:
    from igfaxis.protocol import Protocol

    yaml_text = Path("examples/somatropin-low-dose.yaml").read_text()
    r = alice.post("/api/v1/protocols", json={"yaml": yaml_text})
    assert r.status_code == 201, r.text
    assert r.json()["protocol"] == Protocol.from_yaml(yaml_text).to_dict()
    bad = "name: x\ndoses:\n  - drug: unobtainium\n    amount_mg: 1\n    at_h: 0\n"
    with pytest.raises(ProtocolError) as exc_info:
        Protocol.from_yaml(bad)
    r = alice.post("/api/v1/protocols", json={"yaml": bad})
    assert r.status_code == 422
    assert r.json()["detail"] == str(exc_info.value)


# --------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------


def test_simulate_run_gives_what_the_cli_prints(alice: httpx.Client, tmp_path: Path) -> None:
    r = alice.post("/api/v1/runs", json=SHORT_RUN)
    assert r.status_code == 202
    assert r.json()["status"] in ("queued", "running")
    run = wait_for(alice, r.json()["id"])
    assert run["status"] == "done", run["message"]
    assert run["progress"] == 1.0
    (tmp_path / "p.yaml").write_text("name: usual day\n")
    cli = subprocess.run([IGFAXIS, "simulate", str(tmp_path / "p.yaml"), "--days", "2",
                          "--resolution", "pulse", "--json"], capture_output=True, text=True,
                         check=True, cwd=tmp_path)  # fmt: skip
    expected = json.loads(cli.stdout)
    result = run["result"]
    assert set(result) == set(expected) | {"figure", "warnings"}
    assert result["summary"] == expected["summary"]  # same code, seed and input: exact
    assert result["person"] == expected["person"]
    series = result["figure"]["series"]["usual day"]
    assert len(series["t_days"]) == len(series["igf1_ng_ml"]) > 100
    assert series["t_days"][-1] == pytest.approx(2.0)
    lo, hi = expected["summary"]["igf1_min_ng_ml"], expected["summary"]["igf1_max_ng_ml"]
    assert lo <= min(series["igf1_ng_ml"])
    assert max(series["igf1_ng_ml"]) <= hi


def test_compare_run_with_a_person(alice: httpx.Client) -> None:
    pid = _person(alice)
    body = {"kind": "compare", "person_id": pid, "days": 2, "resolution": "pulse",
            "protocols": [{"name": "usual day"}, {"name": "usual day"}]}  # fmt: skip
    run = wait_for(alice, alice.post("/api/v1/runs", json=body).json()["id"])
    assert run["status"] == "done", run["message"]
    protocols = run["result"]["protocols"]
    assert list(protocols) == ["usual day (1)", "usual day (2)"]  # names made unique
    a, b = (p["summary"] for p in protocols.values())
    assert a == b  # the same seed and protocol: the same numbers
    assert run["result"]["person"]["age_y"] == 52.0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"kind": "compare", "protocols": [{"name": "a"}]}, "`protocols`"),
        ({"kind": "simulate"}, "needs a `protocol`"),
        ({"kind": "calibrate"}, "needs a `person_id`"),
        ({"kind": "teleport", "protocol": {}}, "`kind`"),
        ({"kind": "simulate", "protocol": {}, "days": -1}, "`days`"),
        (
            {"kind": "simulate", "protocol": {"doses": [{"drug": "x", "amount_mg": 1}]}},
            "unknown drug",
        ),
        ({"kind": "optimize", "person_id": 1, "target": "sds:3..1"}, "target"),
    ],
)
def test_invalid_runs_answer_422(alice: httpx.Client, body: dict[str, Any], expected: str) -> None:
    if body.get("person_id") == 1:
        body = {**body, "person_id": _person(alice)}
    r = alice.post("/api/v1/runs", json=body)
    assert r.status_code == 422, r.text
    assert expected in r.json()["detail"]
    assert "\n" not in r.json()["detail"]


def test_calibrate_needs_labs_and_runs_with_them(alice: httpx.Client) -> None:
    pid = _person(alice)
    r = alice.post("/api/v1/runs", json={"kind": "calibrate", "person_id": pid})
    assert r.status_code == 422
    assert "needs the person's labs" in r.json()["detail"]
    csv = Path("examples/labs/woman-52.csv").read_text()
    assert alice.post(f"/api/v1/persons/{pid}/labs", content=csv,
                      headers={"content-type": "text/csv"}).status_code == 201  # fmt: skip
    run = wait_for(alice, alice.post("/api/v1/runs", json={"kind": "calibrate",
                                                           "person_id": pid}).json()["id"],
                   timeout_s=300)  # fmt: skip
    assert run["status"] == "done", run["message"]
    result = run["result"]
    assert result["method"] == "laplace"
    assert "posterior" in result
    fitted = result["figure"]["series"]["fitted"]
    assert len(fitted["t_days"]) == len(fitted["low"]) == len(fitted["high"])
    assert all(lo <= mid <= hi for lo, mid, hi in zip(fitted["low"], fitted["igf1_ng_ml"],
                                                      fitted["high"], strict=True))  # fmt: skip
    assert len(result["figure"]["labs"]) == 3


def test_a_done_run_cannot_be_retried(alice: httpx.Client) -> None:
    run = wait_for(alice, alice.post("/api/v1/runs", json=SHORT_RUN).json()["id"])
    r = alice.post(f"/api/v1/runs/{run['id']}/retry")
    assert r.status_code == 422
    assert "only failed or interrupted" in r.json()["detail"]


def test_at_most_n_runs_of_a_user_execute_at_once(server: Server) -> None:
    """The server runs with --max-jobs-per-user 1 and 2 workers: carol's three runs go one
    at a time, while the second worker stays free for others."""
    with httpx.Client(base_url=server.url, headers={
            "Authorization": f"Bearer {token(server.url, 'carol')}"}) as carol:  # fmt: skip
        # 180 days, not SHORT_RUN's 2: with the tables cached a 2-day run ended in 30 ms
        # and a 30-day run, after the engine got faster, in 56 ms, before the third
        # submission (64 ms after the first), and nothing had to wait
        run = {**SHORT_RUN, "days": 180}
        ids = [carol.post("/api/v1/runs", json=run).json()["id"] for _ in range(3)]
        most, seen = 0, set()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            runs = [r for r in carol.get("/api/v1/runs").json() if r["id"] in ids]
            statuses = [r["status"] for r in runs]
            most = max(most, statuses.count("running"))
            seen |= set(statuses)
            if all(s == "done" for s in statuses):
                break
            time.sleep(0.05)
        assert statuses == ["done"] * 3
        assert most <= 1  # never two running at once when polled
        # and by the server's own clock (a short run can start and end between two polls):
        # each run starts after the one before it has finished
        spans = sorted((dt.datetime.fromisoformat(r["started_at"]),
                        dt.datetime.fromisoformat(r["finished_at"]),
                        dt.datetime.fromisoformat(r["created_at"])) for r in runs)  # fmt: skip
        for (_, end, _), (start, _, _) in itertools.pairwise(spans):
            assert start >= end, spans
        # the others waited: the last to start was submitted before the first had ended (by
        # the server's clock: polling can miss a queued state that lasts milliseconds once
        # the runs' tables are cached)
        assert spans[-1][2] < spans[0][1], (spans, seen)


def test_migrations_create_exactly_the_models_tables(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    migrate(engine)
    migrate(engine)  # a database at head is left as it is
    found = inspect(engine)
    assert set(found.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    for name, table in Base.metadata.tables.items():
        assert {c["name"] for c in found.get_columns(name)} == set(table.columns.keys()), name
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()
