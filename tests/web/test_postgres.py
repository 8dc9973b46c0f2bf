"""The web app on a real PostgreSQL server: a throwaway cluster (Debian's binaries,
`initdb` in a temp folder, a free port), the migrations, and the API smoke test through a
real `igfaxis serve --db postgresql+psycopg://...`. Skipped, with the reason, when the
binaries are not installed (`make test` installs Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from webtools import LABS_CSV, SHORT_RUN, Server, client, free_port, make_users, wait_for

from igfaxis.web import make_engine, migrate
from igfaxis.web._models import Base

# One worker runs the module (make test: --dist loadgroup), so that the fixtures its tests
# share are set up once, not once per worker.
pytestmark = pytest.mark.xdist_group("web/test_postgres")

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def _as_postgres_user(folder: Path) -> tuple[dict[str, Any], str]:
    """PostgreSQL refuses to run as root: as root, run it as `nobody` (owning ``folder``).

    Returns the ``subprocess.run`` arguments that switch user (``user``/``group``, done by
    the child itself: a ``preexec_fn`` would run Python after fork in a process where JAX's
    threads may be running, which JAX warns about) and the user name."""
    if os.geteuid() != 0:
        return {}, pwd.getpwuid(os.geteuid()).pw_name
    nobody = pwd.getpwnam("nobody")
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}, "nobody"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if not BINARIES:
        pytest.skip(
            "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/initdb) are "
            "not installed: apt-get install postgresql (make test does it as root)"
        )
    bindir = Path(BINARIES[-1]).parent
    # not under pytest's tmp folder: as root, that one is closed to the `nobody` user
    folder = Path(tempfile.mkdtemp(prefix="igfaxis-pg-"))
    os.chmod(folder, 0o777)
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    demote, user = _as_postgres_user(folder)
    run = {**demote, "capture_output": True, "text": True, "check": True}
    subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
                    "-E", "UTF8", "--no-sync"], **run)  # type: ignore[call-overload]  # fmt: skip
    port = free_port()
    log = folder / "postgres.log"
    subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], **run)  # type: ignore[call-overload]  # fmt: skip
    try:
        subprocess.run([str(bindir / "createdb") if (bindir / "createdb").exists()
                        else shutil.which("createdb") or "createdb", "-h", "127.0.0.1",
                        "-p", str(port), "-U", user, "igfaxis"], **run)  # type: ignore[call-overload]  # fmt: skip
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/igfaxis"
    finally:
        subprocess.run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                        "stop"], **demote, capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def test_migrations_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    migrate(engine)
    migrate(engine)
    found = inspect(engine)
    assert set(found.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    assert engine.dialect.name == "postgresql"
    engine.dispose()


def test_api_smoke_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    make_users(postgres_url, "pat")
    server = Server(postgres_url, tmp_path / "server.log", args=("--workers", "1")).start()
    try:
        with client(server.url, "pat") as c:
            pid = c.post("/api/v1/persons", json={"name": "Ann", "age_y": 52, "sex": "female",
                                                  "weight_kg": 68}).json()["id"]  # fmt: skip
            r = c.post(f"/api/v1/persons/{pid}/labs", content=LABS_CSV,
                       headers={"content-type": "text/csv"})  # fmt: skip
            assert r.status_code == 201, r.text
            assert [lab["value"] for lab in c.get(f"/api/v1/persons/{pid}/labs").json()] == [
                112.0, 14.1]  # fmt: skip
            started = time.monotonic()
            submitted = c.post("/api/v1/runs", json={**SHORT_RUN, "person_id": pid})
            run = wait_for(c, submitted.json()["id"])
            assert run["status"] == "done", run["message"]
            assert run["result"]["summary"]["whole_days"] == 2
            assert time.monotonic() - started < 120
            assert c.get("/api/v1/persons/999999").status_code == 404
    finally:
        server.stop()
