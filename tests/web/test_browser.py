"""The pages in a real browser: Debian's Chromium driven by Playwright, against a real
``igfaxis serve`` process with a temporary SQLite database and a user made by
``igfaxis users add``.

One flow, as a clinician would click it: log in, create a person, upload a labs CSV, compare
two example protocols over 2 days as a background job, wait for it, and check that the
plots are drawn (a screenshot of the plot element holds many colours and is not mostly
blank). The check itself is tested on a blank element, so that it can fail.

Skipped, with the reason, only when Chromium is not installed (``make test`` installs it:
``apt-get install chromium``). Playwright drives the system browser
(``executable_path``); it never downloads one.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from PIL import Image

from igfaxis.io.pdf import CHROMIUM_FLAGS

CHROMIUM: Final = "/usr/bin/chromium"
#: the flags of a headless, offline, throw-away Chromium: the ones the PDF export uses
CHROMIUM_ARGS: Final = list(CHROMIUM_FLAGS)
REPO: Final = Path(__file__).resolve().parents[2]
LABS_CSV: Final = REPO / "examples" / "labs" / "woman-52.csv"
PASSWORD: Final = "correct horse battery"
#: a drawn plot has at least this many distinct colours (a blank one has 1)
MIN_COLOURS: Final = 40
#: ... and at least this share of its pixels differs from the background
MIN_INK: Final = 0.03

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)",
)


def _igfaxis() -> list[str]:
    exe = Path(sys.executable).with_name("igfaxis")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "igfaxis"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise AssertionError(f"igfaxis serve exited with {proc.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"igfaxis serve did not answer {url} within {timeout_s:g} s")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``igfaxis serve`` on a free port, with user ``alice``; its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{folder / 'web.sqlite'}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    made = subprocess.run(
        [*_igfaxis(), "users", "add", "alice", "--password-stdin", "--db", db],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [*_igfaxis(), "serve", "--port", str(port), "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=folder,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_up(base + "/login", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def drawn(png: bytes) -> tuple[int, float]:
    """Distinct colours of a screenshot, and the share of pixels unlike its corner pixel
    (the background)."""
    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = img.getcolors(maxcolors=img.width * img.height) or []
    background = img.getpixel((1, 1))
    ink = sum(n for n, c in colours if c != background) / (img.width * img.height)
    return len(colours), ink


def test_the_blank_check_can_fail(browser: object) -> None:
    """The non-blank check says "blank" for an empty element and "drawn" for a drawing."""
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.set_content(
            "<div id='blank' style='width:320px;height:200px;background:#fff'></div>"
            "<canvas id='drawn' width='320' height='200'></canvas><script>"
            "const c=document.getElementById('drawn').getContext('2d');"
            "for(let i=0;i<60;i++){c.strokeStyle=`hsl(${6*i},70%,45%)`;c.beginPath();"
            "c.moveTo(0,3*i);c.lineTo(320,200-3*i);c.stroke();}</script>"
        )
        colours, ink = drawn(page.locator("#blank").screenshot())
        assert colours == 1
        assert ink == 0.0
        colours, ink = drawn(page.locator("#drawn").screenshot())
        assert colours >= MIN_COLOURS
        assert ink >= MIN_INK
    finally:
        page.close()


def test_login_person_labs_compare_and_plot(live_server: str, browser: object) -> None:
    start = time.monotonic()
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server + "/persons")
        assert "/login" in page.url  # not logged in: the login page
        page.fill("#username", "alice")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/persons")
        assert "not medical advice" in page.inner_text("footer")

        page.fill("#name", "Woman, 52")
        page.fill("#age_y", "52")
        page.select_option("#sex", "female")
        page.fill("#weight_kg", "68")
        page.click("#person-form button[type=submit]")
        page.wait_for_url("**/persons/*")
        assert page.inner_text("h1") == "Woman, 52"

        page.set_input_files("#labs_file", str(LABS_CSV))
        page.click("form[action$='/labs/upload'] button[type=submit]")
        page.wait_for_selector("text=Added 3 labs.")
        assert page.locator("#labs-table tbody tr").count() == 3
        page.wait_for_selector("#centile-plot[data-ready='1']", timeout=20_000)
        colours, ink = drawn(page.locator("#centile-plot").screenshot())
        assert colours >= MIN_COLOURS, (colours, ink)
        assert ink >= MIN_INK, (colours, ink)

        page.click("text=Simulate, compare or plan a protocol")
        page.wait_for_url("**/run")
        page.select_option("#kind", "compare")
        page.fill("#days", "2")
        # the editors start from two examples and validate inline
        page.wait_for_selector("#messages-protocol_a .ok")
        page.wait_for_selector("#messages-protocol_b .ok")
        page.click("#run-submit")
        page.wait_for_url("**/runs/*")
        page.wait_for_selector("#run-status-word:text('done')", timeout=90_000)
        page.wait_for_selector("#trajectory-plot[data-ready='1']", timeout=20_000)
        plot = page.locator("#trajectory-plot")
        plot.scroll_into_view_if_needed()
        colours, ink = drawn(plot.screenshot())
        assert colours >= MIN_COLOURS, (colours, ink)
        assert ink >= MIN_INK, (colours, ink)
        assert page.locator(".hazard-table").count() == 2  # one per protocol
        assert page.locator("#trajectory-plot .scatterlayer .trace").count() >= 2
        assert errors == []
    finally:
        context.close()
    print(f"browser flow: {time.monotonic() - start:.1f} s")
