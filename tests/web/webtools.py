"""Helpers of the web tests: real `igfaxis serve` processes on free localhost ports over
real temporary SQLite files, users made with the app's own `add_user`, httpx clients."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx
from sqlalchemy.orm import Session

from igfaxis.web import add_user, make_engine, migrate

REPO: Final = Path(__file__).resolve().parents[2]
IGFAXIS: Final = str(Path(sys.executable).with_name("igfaxis"))
PASSWORD: Final = "correct horse battery"
#: a 2-day pulse-resolved simulation: a real run that takes about a second
SHORT_RUN: Final = {"kind": "simulate", "protocol": {"name": "usual day"}, "days": 2,
                    "resolution": "pulse"}  # fmt: skip
LABS_CSV: Final = "date,igf1,unit\n2024-03-01,112,ng/mL\n2024-09-02,14.1,nmol/L\n"


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_users(db_url: str, *names: str) -> None:
    """Create the database (migrations) and one user per name, password :data:`PASSWORD`."""
    engine = make_engine(db_url)
    try:
        migrate(engine)
        with Session(engine) as session:
            for name in names:
                add_user(session, name, PASSWORD)
    finally:
        engine.dispose()


@dataclass
class Server:
    """An `igfaxis serve` subprocess."""

    db_url: str
    log: Path
    args: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> Server:
        cmd = [IGFAXIS, "serve", "--port", str(self.port), "--db", self.db_url, *self.args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"igfaxis serve exited {self.proc.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])  # fmt: skip
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(
            "igfaxis serve did not answer within "
            f"{timeout_s:g} s:\n{self.log.read_text(errors='replace')[-3000:]}"
        )

    def kill(self) -> None:
        """SIGKILL the server (only the server: its job workers are left orphaned)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then make sure the whole process group is gone."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        _kill_group(self.proc.pid)


def _kill_group(pgid: int) -> None:
    """End what is left of a server's process group (orphaned job workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def token(base_url: str, name: str, password: str = PASSWORD) -> str:
    r = httpx.post(base_url + "/api/v1/token", data={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def client(base_url: str, name: str) -> httpx.Client:
    """An httpx client logged in as ``name`` with a bearer token."""
    return httpx.Client(base_url=base_url, timeout=30.0,
                        headers={"Authorization": f"Bearer {token(base_url, name)}"})  # fmt: skip


def wait_for(c: httpx.Client, run_id: int, statuses: tuple[str, ...] = ("done", "failed"),
             timeout_s: float = 120.0) -> dict[str, Any]:  # fmt: skip
    """Poll a run until its status is one of ``statuses``."""
    deadline = time.monotonic() + timeout_s
    while True:
        r = c.get(f"/api/v1/runs/{run_id}")
        assert r.status_code == 200, r.text
        run = r.json()
        if run["status"] in statuses:
            return dict(run)
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} still {run['status']} after {timeout_s:g} s")
        time.sleep(0.1)
