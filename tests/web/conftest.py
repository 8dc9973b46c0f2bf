"""Fixtures of the web tests (helpers in webtools.py): one real `igfaxis serve` process
over a real temporary SQLite file for the API and isolation tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from webtools import Server, client, make_users


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the API and isolation tests: users alice, bob and carol; 2 workers,
    at most 1 run per user at once."""
    folder = tmp_path_factory.mktemp("web")
    db_url = f"sqlite:///{folder / 'web.sqlite'}"
    make_users(db_url, "alice", "bob", "carol")
    srv = Server(db_url, folder / "server.log",
                 args=("--workers", "2", "--max-jobs-per-user", "1")).start()  # fmt: skip
    yield srv
    srv.stop()


@pytest.fixture
def alice(server: Server) -> Iterator[httpx.Client]:
    with client(server.url, "alice") as c:
        yield c


@pytest.fixture
def bob(server: Server) -> Iterator[httpx.Client]:
    with client(server.url, "bob") as c:
        yield c
