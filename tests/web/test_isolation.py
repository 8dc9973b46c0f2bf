"""Every user sees and changes only their own persons, labs, protocols and runs: another
user's id answers 404 on every route, and lists never show it (real server, real SQLite)."""

from __future__ import annotations

import httpx
from webtools import LABS_CSV, SHORT_RUN, wait_for


def test_another_users_rows_answer_404(alice: httpx.Client, bob: httpx.Client) -> None:
    pid = alice.post("/api/v1/persons", json={"name": "Ann", "age_y": 52, "sex": "female",
                                              "weight_kg": 68}).json()["id"]  # fmt: skip
    assert alice.post(f"/api/v1/persons/{pid}/labs", content=LABS_CSV,
                      headers={"content-type": "text/csv"}).status_code == 201  # fmt: skip
    lab_id = alice.get(f"/api/v1/persons/{pid}/labs").json()[0]["id"]
    proto = alice.post("/api/v1/protocols", json={"yaml": "name: mine\n"}).json()["id"]
    submitted = alice.post("/api/v1/runs", json={**SHORT_RUN, "person_id": pid})
    run = wait_for(alice, submitted.json()["id"])
    assert run["status"] == "done"
    person = {"age_y": 30, "sex": "male", "weight_kg": 80}
    attempts = [
        bob.get(f"/api/v1/persons/{pid}"),
        bob.put(f"/api/v1/persons/{pid}", json=person),
        bob.delete(f"/api/v1/persons/{pid}"),
        bob.get(f"/api/v1/persons/{pid}/labs"),
        bob.post(
            f"/api/v1/persons/{pid}/labs", content=LABS_CSV, headers={"content-type": "text/csv"}
        ),
        bob.delete(f"/api/v1/persons/{pid}/labs/{lab_id}"),
        bob.get(f"/api/v1/protocols/{proto}"),
        bob.put(f"/api/v1/protocols/{proto}", json={"yaml": "name: theirs\n"}),
        bob.delete(f"/api/v1/protocols/{proto}"),
        bob.get(f"/api/v1/runs/{run['id']}"),
        bob.post(f"/api/v1/runs/{run['id']}/retry"),
        bob.get("/api/v1/runs", params={"person_id": pid}),
        bob.post("/api/v1/runs", json={**SHORT_RUN, "person_id": pid}),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts), [r.text for r in attempts]
    # bob's lists do not show alice's rows ...
    assert pid not in [p["id"] for p in bob.get("/api/v1/persons").json()]
    assert proto not in [p["id"] for p in bob.get("/api/v1/protocols").json()]
    assert run["id"] not in [r["id"] for r in bob.get("/api/v1/runs").json()]
    # ... and nothing of alice's changed
    assert alice.get(f"/api/v1/persons/{pid}").json()["person"]["age_y"] == 52.0
    assert len(alice.get(f"/api/v1/persons/{pid}/labs").json()) == 2
    assert alice.get(f"/api/v1/protocols/{proto}").json()["name"] == "mine"
    assert alice.get(f"/api/v1/runs/{run['id']}").json()["status"] == "done"


def test_404_does_not_tell_mine_from_missing(alice: httpx.Client, bob: httpx.Client) -> None:
    pid = alice.post("/api/v1/persons", json={"age_y": 40}).json()["id"]
    theirs = bob.get(f"/api/v1/persons/{pid}")
    missing = bob.get("/api/v1/persons/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"].replace("999999", str(pid))
