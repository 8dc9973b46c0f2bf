"""The HTML pages over a real temporary SQLite database (FastAPI's TestClient, httpx).

Login redirect, CSRF rejection, inline validation messages naming the field and the fix,
the not-medical-advice line on every page, another user's pages answering 404, the
packaged assets (no CDN), the figure builders against published LIFE centiles, and one
real compare run through the job workers to its result page and report.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient

from igfaxis.web import Settings, add_user, create_app
from igfaxis.web._figures import CentilePoint, centile_figure, hazard_rows, trajectory_figure
from igfaxis.web._pages import PAGE_NOTE

REPO: Final = Path(__file__).resolve().parents[2]
PASSWORD: Final = "correct horse battery"
SOMATROPIN: Final = (REPO / "examples" / "somatropin-low-dose.yaml").read_text()
TRE: Final = (REPO / "examples" / "tre-16-8.yaml").read_text()
LABS: Final = (REPO / "examples" / "labs" / "woman-52.csv").read_text()
_CSRF: Final = re.compile(r'name="csrf_token" value="([^"]+)"')
_ERRORS: Final = re.compile(r'class="error"[^>]*>([^<]+)<')


def _unescape(text: str) -> str:
    return (
        text.replace("&#39;", "'")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )


def _errors(html: str) -> list[str]:
    return [_unescape(m) for m in _ERRORS.findall(html)]


def _app(tmp_path: Path, workers: int = 0) -> Any:
    app = create_app(
        Settings(
            db_url=f"sqlite:///{tmp_path / 'web.sqlite'}", secret_key="k" * 40, workers=workers
        )
    )
    with app.state.sessionmaker() as session:
        add_user(session, "alice", PASSWORD)
        add_user(session, "bob", PASSWORD)
    return app


def _login(client: TestClient, name: str) -> str:
    """Log ``name`` in; the CSRF token of the client's browser."""
    token = _CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return token


def _new_person(client: TestClient, token: str, name: str = "Ann") -> int:
    r = client.post(
        "/persons",
        data={"name": name, "age_y": "52", "sex": "female", "weight_kg": "68", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return _app(tmp_path)


@pytest.fixture
def signed_in(app: Any) -> Iterator[tuple[TestClient, str]]:
    with TestClient(app) as client:
        yield client, _login(client, "alice")


# --------------------------------------------------------------------------------------
# login, CSRF, isolation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/persons", "/persons/1", "/persons/1/run", "/protocols", "/runs", "/runs/1"]
)
def test_pages_redirect_to_login(app: Any, path: str) -> None:
    with TestClient(app) as client:
        r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")
    assert r.headers["location"].endswith(path.replace("/", "%2F"))


def test_login_with_wrong_password_says_so(app: Any) -> None:
    with TestClient(app) as client:
        token = _CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        r = client.post(
            "/login", data={"username": "alice", "password": "wrong password", "csrf_token": token}
        )
        assert r.status_code == 401
        assert "wrong password" in r.text
        assert client.get("/persons", follow_redirects=False).status_code == 303
        r = client.post(
            "/login",
            data={
                "username": "alice",
                "password": PASSWORD,
                "csrf_token": token,
                "next": "//evil.example/x",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert r.headers["location"] == "/persons"
        assert client.get("/persons").status_code == 200


def test_forms_without_the_csrf_token_are_rejected(app: Any) -> None:
    with TestClient(app) as client:
        r = client.post("/login", data={"username": "alice", "password": PASSWORD})
        assert r.status_code == 403
        assert client.get("/persons", follow_redirects=False).status_code == 303  # not logged in
        token = _login(client, "alice")
        form = {"name": "Ann", "age_y": "52", "sex": "female", "weight_kg": "68"}
        assert client.post("/persons", data=form).status_code == 403
        assert client.post("/persons", data={**form, "csrf_token": "x" * 43}).status_code == 403
        assert "Ann" not in client.get("/persons").text  # nothing was written
        assert (
            client.post(
                "/persons", data={**form, "csrf_token": token}, follow_redirects=False
            ).status_code
            == 303
        )
        assert "Ann" in client.get("/persons").text


def test_another_users_pages_answer_404(app: Any) -> None:
    with TestClient(app) as bob_client:
        bob_token = _login(bob_client, "bob")
        bobs = _new_person(bob_client, bob_token, "Bob's patient")
    with TestClient(app) as client:
        token = _login(client, "alice")
        for path, what in ((f"/persons/{bobs}", "person"), (f"/persons/{bobs}/run", "person"),
                           ("/runs/999", "run")):  # fmt: skip
            r = client.get(path)
            assert r.status_code == 404, path
            assert "Bob's patient" not in r.text
            # the HTML error page (the app's handler), for the user who asked
            assert PAGE_NOTE in r.text
            assert f"No {what} with this id among yours" in r.text, path
            assert "Log out (alice)" in r.text, path
        r = client.post(
            f"/persons/{bobs}/labs", data={"igf1": "120", "unit": "ng/mL", "csrf_token": token}
        )
        assert r.status_code == 404
        r = client.post(f"/persons/{bobs}/calibrate", data={"csrf_token": token})
        assert r.status_code == 404
        assert "Bob" not in client.get("/persons").text
    with TestClient(app) as bob_client:
        _login(bob_client, "bob")
        page = bob_client.get(f"/persons/{bobs}").text
        assert "No labs yet" in page  # alice's lab did not reach bob's person


# --------------------------------------------------------------------------------------
# inline validation: the field, the value and the fix
# --------------------------------------------------------------------------------------


def test_person_form_names_the_field_and_the_fix(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    r = client.post(
        "/persons",
        data={
            "name": "Ann",
            "age_y": "abc",
            "sex": "female",
            "weight_kg": "68",
            "csrf_token": token,
        },
    )
    assert r.status_code == 422
    (message,) = _errors(r.text)
    assert "`age_y`" in message
    assert "'abc'" in message
    assert "Fix the value" in message
    assert 'value="abc"' in r.text  # the form keeps what was typed
    r = client.post(
        "/persons",
        data={"name": "Ann", "age_y": "52", "sex": "female", "weight_kg": "5", "csrf_token": token},
    )
    (message,) = _errors(r.text)
    assert "`weight_kg`" in message
    assert "greater than 20" in message


def test_protocol_editor_validates_inline(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    page = client.get("/protocols").text
    assert 'hx-post="/protocols/validate?slot=protocol"' in page
    headers = {"X-CSRF-Token": token}

    def check(text: str) -> str:
        r = client.post(
            "/protocols/validate?slot=protocol", data={"protocol": text}, headers=headers
        )
        assert r.status_code == 200
        return _unescape(r.text)

    assert "Valid protocol: somatropin 0.2 mg SC nightly (28 days)" in check(SOMATROPIN)
    msg = check(SOMATROPIN.replace("days: 28", "days: -3"))
    assert "`days`" in msg
    assert "greater than 0" in msg
    assert "got -3" in msg
    msg = check(SOMATROPIN + "dosage: 3\n")
    assert "`dosage` is not a known field; remove it or check its spelling" in msg
    msg = check(SOMATROPIN.replace("drug: somatropin", "drug: unobtainium"))
    assert "unobtainium" in msg
    assert "drug" in msg
    assert "is empty" in check("   ")
    # without the header the state-free check is still refused (one rule for all POSTs)
    r = client.post("/protocols/validate?slot=protocol", data={"protocol": SOMATROPIN})
    assert r.status_code == 403


def test_labs_messages_name_the_field(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    pid = _new_person(client, token)
    r = client.post(
        f"/persons/{pid}/labs",
        data={"igf1": "-5", "unit": "ng/mL", "date": "2024-01-02", "csrf_token": token},
    )
    assert r.status_code == 422
    (message,) = _errors(r.text)
    assert "`igf1` must be > 0" in message
    assert "'-5'" in message
    bad = LABS.replace("ng/mL", "mg/dL", 1)
    r = client.post(
        f"/persons/{pid}/labs/upload",
        data={"csrf_token": token},
        files={"labs_file": ("labs.csv", bad, "text/csv")},
    )
    assert r.status_code == 422
    (message,) = _errors(r.text)
    assert "mg/dL" in message
    assert "line" in message
    assert "No labs yet" in r.text  # nothing of the bad file was stored
    r = client.post(
        f"/persons/{pid}/labs/upload",
        data={"csrf_token": token},
        files={"labs_file": ("labs.csv", LABS, "text/csv")},
    )
    assert r.status_code == 200
    assert "Added 3 labs." in r.text
    # the table shows each lab in ng/mL: 11.9 nmol/L at 7.6 ng/mL per nmol/L (MW 7649)
    assert "91.0" in r.text or "91.1" in r.text
    assert r.text.count("<tr><td>20") == 3


def test_run_form_shows_each_editors_message(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    pid = _new_person(client, token)
    r = client.post(
        f"/persons/{pid}/run",
        data={
            "kind": "compare",
            "days": "2",
            "protocol_a": SOMATROPIN,
            "protocol_b": TRE + "meals: 3\n",
            "csrf_token": token,
        },
    )
    assert r.status_code == 422
    messages = _errors(r.text)
    assert any("protocol B" in m and "`meals` is not a known field" in m for m in messages)
    r = client.post(
        f"/persons/{pid}/run",
        data={
            "kind": "compare",
            "days": "two",
            "protocol_a": SOMATROPIN,
            "protocol_b": TRE,
            "csrf_token": token,
        },
    )
    assert r.status_code == 422
    assert any("`days` must be a number; got 'two'" in m for m in _errors(r.text))
    r = client.post(f"/persons/{pid}/calibrate", data={"csrf_token": token})
    assert r.status_code == 422
    assert any("needs the person's labs" in m for m in _errors(r.text))


# --------------------------------------------------------------------------------------
# every page: the disclaimer, a phone viewport, nothing from a CDN
# --------------------------------------------------------------------------------------


def test_every_page_says_not_medical_advice(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    pid = _new_person(client, token)
    pages = [
        "/persons",
        f"/persons/{pid}",
        f"/persons/{pid}/run",
        "/protocols",
        "/runs",
        "/logout",
        "/persons/12345",
    ]
    with TestClient(client.app) as anonymous:
        texts = {"/login": anonymous.get("/login").text}
    for path in pages:
        texts[path] = client.get(path).text
    for path, html in texts.items():
        assert PAGE_NOTE in html, path
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert sources, path
        assert all(s.startswith("/static/") for s in sources), (path, sources)


def test_static_files_are_packaged(app: Any) -> None:
    import plotly

    with TestClient(app) as client:
        r = client.get("/static/plotly.min.js")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/javascript")
        bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        assert r.content == bundled.read_bytes()
        r = client.get("/static/htmx.min.js")
        assert r.status_code == 200
        assert b"htmx" in r.content[:2000]
        assert client.get("/static/app.css").status_code == 200
        assert client.get("/static/../_pages.py").status_code == 404
        assert client.get("/static/nothing.js").status_code == 404


def test_packaged_examples_are_the_repositorys() -> None:
    from igfaxis.protocol import Protocol

    folder = resources.files("igfaxis") / "data" / "protocols"
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".yaml"))
    assert len(names) >= 4
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        assert text == (REPO / "examples" / name).read_text(encoding="utf-8"), name
        assert Protocol.from_yaml(text).name


# --------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------

# risk.md §2.3 (LIFE IGF-1 reference): P2.5 and P97.5 [ng/mL] at 40 and 50 years
_LIFE: Final = [
    ("male", 40, 90.9, 227.9),
    ("male", 50, 78.9, 208.4),
    ("female", 40, 102.2, 237.4),
    ("female", 50, 74.6, 213.8),
]


@pytest.mark.parametrize(("sex", "age", "p2_5", "p97_5"), _LIFE)
def test_centile_lines_are_the_life_reference(
    sex: str, age: float, p2_5: float, p97_5: float
) -> None:
    fig = centile_figure(sex, [45.0], points=[CentilePoint(45.0, 130.0, "2024-01-01")])
    low, high, median, measured = fig["data"]
    i = low["x"].index(float(age))
    assert low["y"][i] == pytest.approx(p2_5, abs=0.051)
    assert high["y"][i] == pytest.approx(p97_5, abs=0.051)
    assert low["y"][i] < median["y"][i] < high["y"][i]
    assert high["fill"] == "tonexty"  # the reference band is shaded between the two
    assert measured["x"] == [45.0]
    assert measured["y"] == [130.0]
    assert min(low["x"]) == 40.0
    assert max(low["x"]) == 50.0


def test_trajectory_figure_draws_band_and_gaps() -> None:
    series = {
        "A": {
            "t_days": [0, 1, 2],
            "igf1_ng_ml": [100.0, float("nan"), 140.0],
            "low": [90, 95, 120],
            "high": [110, 120, 160],
        },
        "B": {"times_h": [0, 24], "igf1_ng_ml": [130, 131]},
    }
    fig = trajectory_figure(series, labs=[{"t_days": 1, "igf1_ng_ml": 111, "label": "x"}])
    traces = fig["data"]
    assert [t.get("name") for t in traces] == [None, "A: band", "A", "B", "measured"]
    assert traces[1]["fill"] == "tonexty"
    assert traces[1]["y"] == [110, 120, 160]
    assert traces[2]["y"] == [100.0, None, 140.0]  # NaN is a gap, not a silent value
    assert traces[3]["x"] == [0.0, 1.0]  # hours read as days
    (band,) = fig["layout"]["shapes"]
    assert (band["y0"], band["y1"], band["x0"], band["x1"]) == (120, 160, 0, 2)


def test_hazard_rows_carry_interval_and_source() -> None:
    score = {
        "hazard_ratios": [
            {
                "outcome": "all-cause mortality",
                "use": "predict",
                "measure": "HR",
                "hr": 1.0420,
                "low": 0.99972,
                "high": 1.08803,
                "cite": "Burgers 2011",
                "source": "JCEM 2011",
                "evidence": "observational",
            },
            {"outcome": "x", "hr": None, "low": float("nan"), "high": 2},
        ]
    }
    first, second = hazard_rows(score)
    assert (first["ratio"], first["interval"]) == ("1.04", "1.00-1.09")
    assert first["cite"] == "Burgers 2011"
    assert first["source"] == "JCEM 2011"
    assert (second["ratio"], second["interval"]) == ("n/a", "n/a-2.00")


# --------------------------------------------------------------------------------------
# a real run: job workers, progress, result page, report
# --------------------------------------------------------------------------------------


def test_compare_run_to_result_and_report(tmp_path: Path) -> None:
    from igfaxis.io.pdf import find_chromium

    app = _app(tmp_path, workers=1)
    with TestClient(app) as client:
        token = _login(client, "alice")
        pid = _new_person(client, token)
        r = client.post(
            f"/persons/{pid}/run",
            data={
                "kind": "compare",
                "days": "1",
                "protocol_a": SOMATROPIN,
                "protocol_b": TRE,
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, _errors(r.text)
        run_url = r.headers["location"]
        page = client.get(run_url).text
        assert f'hx-get="{run_url}/status" hx-trigger="every 1s"' in page
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = client.get(run_url + "/status")
            if status.headers.get("HX-Refresh") == "true":
                break
            assert "<progress" in status.text
            time.sleep(0.5)
        assert 'id="run-status-word">done<' in status.text, status.text
        page = client.get(run_url).text
        assert PAGE_NOTE in page
        assert 'data-figure="trajectory-plot-data"' in page
        assert 'data-figure="centile-plot-data"' in page
        assert "/static/plotly.min.js" in page
        assert page.count('class="hazard-table"') == 2
        assert "Burgers" in page  # the hazard table names its sources
        r = client.get(run_url + "/report.html")
        assert r.status_code == 200, r.text
        assert "attachment" in r.headers["content-disposition"]
        assert "not medical advice" in r.text.lower()
        if find_chromium() is not None:
            r = client.get(run_url + "/report.pdf")
            assert r.status_code == 200
            assert r.content.startswith(b"%PDF")


def test_job_page_polls_then_offers_retry(signed_in: tuple[TestClient, str]) -> None:
    """Without workers a run stays queued: its page polls; a failed run shows its message
    and a retry button that queues it again."""
    from igfaxis.web._models import RunRow

    client, token = signed_in
    pid = _new_person(client, token)
    form = {
        "kind": "compare",
        "days": "1",
        "protocol_a": SOMATROPIN,
        "protocol_b": TRE,
        "csrf_token": token,
    }
    r = client.post(f"/persons/{pid}/run", data=form, follow_redirects=False)
    assert r.status_code == 303
    run_url = r.headers["location"]
    status = client.get(run_url + "/status")
    assert 'hx-trigger="every 1s"' in status.text
    assert "Waiting for a worker." in status.text
    assert "HX-Refresh" not in status.headers
    assert "somatropin 0.2 mg SC nightly vs 16:8 time-restricted eating, 1 days" in (
        client.get("/runs").text
    )
    run_id = int(run_url.rsplit("/", 1)[1])
    with client.app.state.sessionmaker() as session:
        row = session.get(RunRow, run_id)
        row.status, row.progress = "running", 0.42
        session.commit()
    status = client.get(run_url + "/status").text
    assert '<progress id="run-progress" max="1" value="0.42">42%</progress>' in status
    with client.app.state.sessionmaker() as session:
        row = session.get(RunRow, run_id)
        row.status, row.message = "failed", "`days`: something went wrong; try fewer days."
        session.commit()
    status = client.get(run_url + "/status")
    assert status.headers["HX-Refresh"] == "true"  # the page reloads to show the end
    assert "every 1s" not in status.text
    page = client.get(run_url).text
    assert "`days`: something went wrong; try fewer days." in _unescape(page)
    assert f'action="{run_url}/retry"' in page
    assert client.post(run_url + "/retry").status_code == 403  # CSRF
    r = client.post(run_url + "/retry", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert 'id="run-status-word">queued<' in client.get(run_url).text
    r = client.post(run_url + "/retry", data={"csrf_token": token})
    assert r.status_code == 409  # a queued run is not retried
    assert "only failed or interrupted runs can be retried" in r.text


def test_plan_and_calibration_views() -> None:
    from igfaxis.web._views import run_view

    expected = {
        "p_in_band": 0.825,
        "time_in_band": 0.6875,
        "median_end_ng_ml": 143.02,
        "p_above_2sds": 0.0,
        "band90_end_ng_ml": [123.55, 165.51],
    }
    plan = {
        "protocol": {"name": "plan A"},
        "expected": expected,
        "burden": {"injections_per_week": 7, "fasting_h_per_week": 0, "exercise_h_per_week": 2.5},
        "baseline": {
            "protocol": {"name": "no change"},
            "expected": {**expected, "p_in_band": 0.1},
            "burden": {},
        },
        "plan_protocol": {"name": "plan A", "days": 30.0},
        "plan_note": "discuss it",
        "message": "plan A: in the band with probability 82%.",
        "explanation": ["why"],
    }
    view = run_view("optimize", plan)
    assert view is not None
    assert view.labels == ("plan A", "no change")
    rows = dict(view.summary_rows)
    assert rows["in the band at the last planned lab"] == ("82%", "10%")
    assert rows["90% band at the end [ng/mL]"] == ("124-166", "124-166")
    assert rows["exercise [h/week]"] == ("2.5", "n/a")
    assert view.plan_yaml == "# discuss it\nname: plan A\ndays: 30.0\n"
    assert view.notes[:2] == ("plan A: in the band with probability 82%.", "why")
    fit = {
        "posterior": {"hepatic_gh_sensitivity": {"median": 0.8834, "q05": 0.689, "q95": 1.1224}},
        "most_informative": {
            "day": 28.0,
            "date": None,
            "median": 101.2,
            "q05": 80.4,
            "q95": 127.7,
            "information": 0.4567,
            "window_days": 28,
            "all_days_alike": False,
        },
        "message": "converged",
    }
    view = run_view("calibrate", fit)
    assert view is not None
    assert view.summary_rows == (("hepatic_gh_sensitivity", ("0.883", "0.689", "1.122")),)
    assert view.notes[1] == (
        "Most informative next lab: day 28 at 08:00 (0.46 nats about "
        "the parameters), predicted 101 ng/mL (90% 80-128)."
    )
    assert run_view("compare", None) is None


def test_saved_protocols_are_the_users_own(app: Any) -> None:
    mine = SOMATROPIN.replace("name: somatropin 0.2 mg SC nightly", "name: my evening plan")
    with TestClient(app) as client:
        token = _login(client, "alice")
        r = client.post("/protocols", data={"protocol": mine + "dosage: 1\n", "csrf_token": token})
        assert r.status_code == 422
        assert any("`dosage` is not a known field" in m for m in _errors(r.text))
        assert "None yet." in r.text  # nothing saved
        r = client.post(
            "/protocols", data={"protocol": mine, "csrf_token": token}, follow_redirects=False
        )
        assert r.status_code == 303
        key = r.headers["location"].rsplit("=", 1)[1]
        page = client.get(r.headers["location"]).text
        assert "my evening plan</a>" in page
        assert f'<option value="{key}" selected>my evening plan (saved)</option>' in page
        pid = _new_person(client, token)
        assert f'<option value="{key}">my evening plan (saved)</option>' in (
            client.get(f"/persons/{pid}/run").text
        )
        r = client.get("/protocols/example", params={"slot": "protocol_b", "example": key})
        assert 'name="protocol_b"' in r.text
        assert "name: my evening plan" in r.text
    with TestClient(app) as other:
        _login(other, "bob")
        assert "my evening plan" not in other.get("/protocols").text
        assert "my evening plan" not in other.get(f"/protocols?example={key}").text
        r = other.get("/protocols/example", params={"slot": "protocol", "example": key})
        assert "my evening plan" not in r.text


def test_user_text_is_escaped(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    pid = _new_person(client, token, "<script>alert(1)</script>")
    for path in ("/persons", f"/persons/{pid}", f"/persons/{pid}/run"):
        html = client.get(path).text
        assert "<script>alert(1)</script>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_logout_needs_the_token_and_ends_the_session(signed_in: tuple[TestClient, str]) -> None:
    client, token = signed_in
    assert client.get("/login", follow_redirects=False).headers["location"] == "/persons"
    assert client.post("/logout").status_code == 403
    assert client.get("/persons").status_code == 200  # still logged in
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login"
    assert client.get("/persons", follow_redirects=False).status_code == 303


def test_delete_lab_and_person(app: Any) -> None:
    with TestClient(app) as client:
        token = _login(client, "alice")
        pid = _new_person(client, token)
        client.post(
            f"/persons/{pid}/labs/upload",
            data={"csrf_token": token},
            files={"labs_file": ("labs.csv", LABS, "text/csv")},
        )
        page = client.get(f"/persons/{pid}").text
        actions = re.findall(rf'action="(/persons/{pid}/labs/(\d+)/delete)"', page)
        assert len(actions) == 3
        # the row of 2024-09-10 (104 ng/mL) deletes that lab, not another one
        row = re.search(r"<tr><td>2024-09-10</td>.*?</tr>", page, re.S).group(0)
        (action,) = re.findall(r'action="([^"]+)"', row)
        with TestClient(app) as other:
            other_token = _login(other, "bob")
            r = other.post(action, data={"csrf_token": other_token})
            assert r.status_code == 404
            r = other.post(f"/persons/{pid}/delete", data={"csrf_token": other_token})
            assert r.status_code == 404
        assert client.post(action).status_code == 403
        r = client.post(action, data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        page = client.get(f"/persons/{pid}").text
        assert "2024-09-10" not in page
        assert page.count("<tr><td>20") == 2
        r = client.post(
            f"/persons/{pid}/delete", data={"csrf_token": token}, follow_redirects=False
        )
        assert r.headers["location"] == "/persons"
        assert client.get(f"/persons/{pid}").status_code == 404
