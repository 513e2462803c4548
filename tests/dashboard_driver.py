"""Drive ``geosim dashboard`` in the system's headless chromium (playwright, no download).

Used by ``test_dashboard_browser.py`` and ``docs/make_dashboard_screenshot.py``.
:func:`dashboard_server` starts the server on a free localhost port in a
subprocess and yields its URL; :func:`browser_page` opens a page in Debian's
``/usr/bin/chromium`` with a fresh profile and the flags that keep it from calling
home, recording every request and every console message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
URL = re.compile(r"http://127\.0\.0\.1:\d+/")


@contextmanager
def dashboard_server(scenario: Path, out: Path, timeout: float = 90.0) -> Iterator[str]:
    """``geosim dashboard SCENARIO --port 0`` in a subprocess; yields the URL it prints."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "dashboard", str(scenario), "--port", "0", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=log,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        started = time.monotonic()
        url = None
        while url is None and time.monotonic() - started < timeout:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            match = URL.search(line)
            url = match.group(0) if match else None
        if url is None:
            log.seek(0)
            raise RuntimeError(f"the dashboard did not start: {log.read()[-2000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@dataclass
class Recorded:
    """What the page did: every request's URL, console errors and page errors."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self, url: str) -> list[str]:
        """Requests to anything but the dashboard's own origin (blob: and data: of it)."""
        origin = url.rstrip("/")
        ws = origin.replace("http://", "ws://")
        own = (origin, "blob:" + origin, ws, "data:")
        return [r for r in self.requests if not r.startswith(own)]


@contextmanager
def browser_page(width: int = 1700, height: int = 1250) -> Iterator[tuple[object, Recorded]]:
    """A page of headless chromium (the system's) with a fresh profile; records requests."""
    from playwright.sync_api import sync_playwright

    recorded = Recorded()
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=FLAGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.new_page()
            page.on("request", lambda r: recorded.requests.append(r.url))
            page.on(
                "console",
                lambda m: recorded.errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: recorded.errors.append(str(e)))
            yield page, recorded
        finally:
            context.close()


PANELS = (
    "img.geosim-balance",
    "img.geosim-network",
    "img.geosim-actors",
    ".geosim-panel-difference",
)
"""Elements that are there once every panel has rendered (not solara's loader)."""


def wait_for_panels(page, timeout_ms: int = 90_000) -> None:
    """Wait until every panel shows its figure (or, for the difference, its message)."""
    for selector in PANELS:
        page.wait_for_selector(selector, state="visible", timeout=timeout_ms)


def text(page, selector: str) -> str:
    """The text of the first element matching ``selector``."""
    return page.locator(selector).first.text_content() or ""


def set_slider(page, label: str, fraction: float) -> None:
    """Click a slider of mesa's Model Parameters card at ``fraction`` of its track."""
    slider = page.locator(".v-input", has_text=label).locator(".v-slider").first
    box = slider.bounding_box()
    assert box is not None, f"no slider {label!r}"
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)


def run_replications(page, timeout_ms: int = 120_000) -> None:
    """Click "run 50 replications" and wait for the bands and the paired difference."""
    page.get_by_role("button", name="run 50 replications").click()
    page.wait_for_selector(".geosim-run-done", timeout=timeout_ms)
    page.wait_for_selector("img.geosim-difference", timeout=timeout_ms)
