"""A crash: `kill -9` a real `igfaxis serve` while a long run executes, restart it on the
same SQLite file: every person, lab and finished run is intact, the killed run is
`interrupted` with its message, its orphaned worker writes nothing, and it can be retried."""

from __future__ import annotations

import time
from pathlib import Path

from webtools import LABS_CSV, SHORT_RUN, Server, client, make_users, wait_for

#: eight protocols of ten years each, pulse-resolved: tens of seconds on one core
LONG_RUN = {"kind": "compare", "days": 3650, "resolution": "pulse",
            "protocols": [{"name": f"usual day {i}"} for i in range(8)]}  # fmt: skip


def test_kill_9_then_restart(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'web.sqlite'}"
    make_users(db_url, "alice")
    args = ("--workers", "1")
    first = Server(db_url, tmp_path / "first.log", args=args).start()
    try:
        with client(first.url, "alice") as c:
            pid = c.post("/api/v1/persons", json={"name": "Ann", "age_y": 52, "sex": "female",
                                                  "weight_kg": 68}).json()["id"]  # fmt: skip
            assert c.post(f"/api/v1/persons/{pid}/labs", content=LABS_CSV,
                          headers={"content-type": "text/csv"}).status_code == 201  # fmt: skip
            done = wait_for(c, c.post("/api/v1/runs", json=SHORT_RUN).json()["id"])
            assert done["status"] == "done"
            persons = c.get("/api/v1/persons").json()
            labs = c.get(f"/api/v1/persons/{pid}/labs").json()
            long_id = c.post("/api/v1/runs", json=LONG_RUN).json()["id"]
            running = wait_for(c, long_id, ("running", "done", "failed"), timeout_s=60)
            assert running["status"] == "running"
        first.kill()  # SIGKILL: no shutdown handler runs
        second = Server(db_url, tmp_path / "second.log", args=args).start()
        try:
            with client(second.url, "alice") as c:
                assert c.get("/api/v1/persons").json() == persons
                assert c.get(f"/api/v1/persons/{pid}/labs").json() == labs
                assert c.get(f"/api/v1/runs/{done['id']}").json() == done
                killed = c.get(f"/api/v1/runs/{long_id}").json()
                assert killed["status"] == "interrupted"
                assert "server stopped while this run was running" in killed["message"]
                assert killed["result"] is None
                time.sleep(1.5)  # the orphaned worker's progress writes would land by now
                assert c.get(f"/api/v1/runs/{long_id}").json() == killed
                r = c.post(f"/api/v1/runs/{long_id}/retry")
                assert r.status_code == 202, r.text
                again = wait_for(c, long_id, ("running", "done", "failed"), timeout_s=60)
                assert again["status"] == "running"
                assert again["message"] is None
        finally:
            second.stop()
    finally:
        first.stop()  # and the first server's orphaned worker (its process group)
