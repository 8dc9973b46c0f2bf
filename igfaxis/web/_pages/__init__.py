"""The web app's pages: server-rendered Jinja2 with htmx, plots drawn by the packaged plotly.js.

Routes (all HTML; a page of a user that is not logged in redirects to ``/login``):

- ``/login``, ``/logout`` (forms, POST with CSRF);
- ``/`` and ``/persons``: the user's persons and a create form; ``/persons/{id}``: the
  person, labs (CSV/FHIR upload, one lab by hand), the LIFE centile chart, a calibrate
  button; ``/persons/{id}/run``: simulate, compare or plan, from protocol editors;
- ``/protocols``: the protocol editor (examples, YAML, inline validation by htmx);
- ``/runs`` and ``/runs/{id}``: the job page, polling its progress every second, then
  the result (trajectory with its band, centiles, hazard table with intervals and
  sources) and the report download (HTML; PDF when Chromium is installed);
- ``/static/...``: the style sheet, htmx (vendored) and plotly.js (from the plotly
  package): nothing is loaded from a CDN, the app works offline.

The pages parse forms and call :mod:`igfaxis.web._service` (which validates through
:mod:`igfaxis.protocol` and :mod:`igfaxis.io.labs`) and the app layer's report flow; they
compute nothing themselves. Every page says :data:`PAGE_NOTE`.
"""

from __future__ import annotations

from fastapi import APIRouter

from igfaxis.web._pages import _account, _persons, _protocols, _runs
from igfaxis.web._pages._common import PAGE_NOTE, not_found

__all__ = ["PAGE_NOTE", "not_found", "router"]

router = APIRouter(include_in_schema=False)
for _part in (_account, _persons, _protocols, _runs):
    router.include_router(_part.router)
