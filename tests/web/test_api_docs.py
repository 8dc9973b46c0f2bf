"""The interactive API docs at /docs load nothing from outside the server: Swagger UI's
script and style come from the installed swagger-ui-bundle package (offline, closed
networks), and the page points at the server's own OpenAPI schema."""

from __future__ import annotations

import re

import httpx
from webtools import Server


def test_api_docs_are_served_offline(server: Server) -> None:
    page = httpx.get(f"{server.url}/docs", timeout=30)
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert sources, page.text[:500]
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert "/openapi.json" in page.text
    for asset in ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css"):
        r = httpx.get(server.url + asset, timeout=30)
        assert r.status_code == 200, asset
        assert len(r.content) > 10_000, asset  # the real bundle, not an error page
    schema = httpx.get(f"{server.url}/openapi.json", timeout=30).json()
    assert "/api/v1/persons" in schema["paths"]
    assert "/docs" not in schema["paths"]
