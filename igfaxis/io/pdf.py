"""Print an HTML file to PDF with headless Chromium (``--print-to-pdf``).

Chromium is an external program, found on ``PATH`` as ``chromium``, ``chromium-browser``,
``google-chrome`` or ``google-chrome-stable`` (Debian: ``apt-get install chromium``). It runs
with a throw-away profile, without network features, and is stopped after ``timeout_s``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from igfaxis._files import staged_outputs
from igfaxis._messages import one_line
from igfaxis.errors import ExportError

__all__ = ["CHROMIUM_FLAGS", "find_chromium", "html_to_pdf"]

_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: flags for a headless, offline, throw-away run (also what the browser test uses)
CHROMIUM_FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """Path of a Chromium-family browser on ``PATH``, or ``None``."""
    for name in _NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout_s: float = 120.0) -> Path:
    """Print ``html_path`` to ``pdf_path`` (A4/Letter as Chromium defaults, no header).

    Parameters
    ----------
    html_path
        A self-contained HTML file.
    pdf_path
        The PDF to write; parent folders are created.

    Other Parameters
    ----------------
    timeout_s
        Give up after this many seconds [s].

    Returns
    -------
    The PDF path.

    Raises
    ------
    ExportError
        No Chromium on ``PATH``, or it failed or wrote nothing.
    """
    browser = find_chromium()
    if browser is None:
        raise ExportError(
            "PDF output needs Chromium on PATH (chromium, chromium-browser or google-chrome); "
            "none was found. Install it (Debian: `apt-get install chromium`) or open the "
            "HTML report in a browser and print it."
        )
    src, out = Path(html_path).resolve(), Path(pdf_path).resolve()
    with (
        staged_outputs(out) as (tmp,),
        tempfile.TemporaryDirectory(prefix="igfaxis-chromium-") as profile,
    ):
        cmd = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            src.as_uri(),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            raise ExportError(
                f"Chromium did not finish printing {src.name} within "
                f"{timeout_s:g} s; try again or print from a browser."
            ) from None
        if proc.returncode != 0 or tmp.stat().st_size == 0:
            tail = " ".join(proc.stderr.strip().splitlines()[-1:]) if proc.stderr else ""
            raise ExportError(
                f"Chromium failed to print {src.name} to PDF (exit code {proc.returncode}). "
                f"{one_line(tail, 300)}"
            )
    return out
