"""Property tests of the API over its own OpenAPI schema (schemathesis): for generated
requests, valid and invalid, no 5xx, every status code documented, and every response
body matching its declared schema. Against a real `igfaxis serve --workers 0` (runs are
queued, not executed) over a real SQLite file, logged in with a bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from webtools import Server, make_users, token

CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]  # fmt: skip


@pytest.fixture(scope="module")
def schema_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("schema")
    db_url = f"sqlite:///{folder / 'web.sqlite'}"
    make_users(db_url, "fuzz")
    srv = Server(db_url, folder / "server.log", args=("--workers", "0")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def bearer(schema_server: Server) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(schema_server.url, 'fuzz')}"}


def test_api_conforms_to_its_schema(schema_server: Server, bearer: dict[str, str]) -> None:
    api = schemathesis.openapi.from_url(schema_server.url + "/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 15  # every route of the API is exercised
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=schema_server.url, headers=bearer, checks=CHECKS)

        call()
