"""Print a report's HTML to PDF: headless Chromium, else WeasyPrint.

:func:`find_pdf_engine` looks for a Chromium executable (``chromium``,
``chromium-browser``, ``google-chrome``; the environment variable
``GEOSIM_CHROMIUM`` names one, and set empty it turns Chromium off) and then for
the ``weasyprint`` package; :func:`print_pdf` prints with the one found.  Chromium
runs headless with a throw-away profile and without its background services, so
it makes no request of its own (the report itself makes none: everything is
inlined).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError, Problem

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Executables tried, in order, for Chromium's print to PDF."""

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
)
"""Flags of the headless print: no sandbox (containers), no GPU, no network services."""

PRINT_TIMEOUT_S = 180
"""Longest a print may take (seconds) before it is given up."""


def chromium_path() -> str | None:
    """The Chromium executable to print with, or None.

    Returns
    -------
    str or None
        ``GEOSIM_CHROMIUM`` when set (None when set empty or not executable), else the
        first of :data:`CHROMIUM_NAMES` on the ``PATH``.
    """
    chosen = os.environ.get("GEOSIM_CHROMIUM")
    if chosen is not None:
        return chosen if chosen and shutil.which(chosen) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def find_pdf_engine() -> str:
    """``chromium`` or ``weasyprint``, whichever is available first.

    Returns
    -------
    str
        The engine :func:`print_pdf` will use.

    Raises
    ------
    InputError
        Located at ``--pdf``: neither is available, with how to get one.
    """
    if chromium_path() is not None:
        return "chromium"
    if importlib.util.find_spec("weasyprint") is not None:
        return "weasyprint"
    raise InputError(
        [
            Problem(
                "--pdf",
                "",
                None,
                "no way to print a PDF: neither Chromium nor WeasyPrint is installed",
                "install Chromium (apt-get install chromium) or WeasyPrint (pip install "
                "weasyprint), or open the HTML report in a browser and print it",
            )
        ]
    )


def print_pdf(html: Path, pdf: Path, engine: str | None = None) -> Path:
    """Print the HTML file ``html`` to the PDF file ``pdf``.

    Parameters
    ----------
    html : pathlib.Path
        A self-contained HTML file.
    pdf : pathlib.Path
        Where to write the PDF.
    engine : str, optional
        ``chromium`` or ``weasyprint``; default :func:`find_pdf_engine`'s choice.

    Returns
    -------
    pathlib.Path
        ``pdf``.

    Raises
    ------
    InputError
        Located at ``--pdf``: no engine, or the engine failed (its last message).
    """
    engine = engine or find_pdf_engine()
    if engine == "weasyprint":
        from weasyprint import HTML

        HTML(filename=str(html)).write_pdf(str(pdf))
        return pdf
    executable = chromium_path()
    if executable is None:
        return print_pdf(html, pdf, find_pdf_engine())
    with tempfile.TemporaryDirectory(prefix="geosim-chromium-") as profile:
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=PRINT_TIMEOUT_S,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _failed(f"Chromium did not print the PDF ({exc})") from None
    if not pdf.exists() or pdf.read_bytes()[:5] != b"%PDF-":
        lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
        why = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise _failed(f"Chromium did not print the PDF: {why[:200]}")
    return pdf


def _failed(message: str) -> InputError:
    return InputError(
        [Problem("--pdf", "", None, message, "open the HTML report in a browser and print it")]
    )
