"""Take the README's screenshot of the dashboard: docs/img/dashboard.png.

Run from the repository root, with the test extras and Debian's chromium::

    python docs/make_dashboard_screenshot.py

It starts ``geosim dashboard scenarios/baseline.yaml`` on a free localhost port,
opens it in headless ``/usr/bin/chromium`` (playwright, no browser download), steps
the watched replication a few quarters, moves the US arms-grievance slider, presses
Reset and "run 50 replications", and saves the page once the bands and the paired
difference are drawn.  It prints the time to the first render of every panel and
the time of "run 50 replications", and fails on a console error or on a request to
anything but the dashboard.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from dashboard_driver import (  # noqa: E402
    browser_page,
    dashboard_server,
    run_replications,
    set_slider,
    wait_for_panels,
)


def step(page, steps: int) -> None:
    """Press Step ``steps`` times, each time waiting for the panels to follow."""
    for k in range(1, steps + 1):
        page.get_by_role("button", name="Step").click()
        page.wait_for_function(
            "document.querySelector('.geosim-balance-caption').textContent"
            f".includes('step {k} of')",
            timeout=120_000,
        )


def main() -> None:
    """Start the dashboard, drive it, save the screenshot and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "dashboard.png")
    parser.add_argument("--steps", type=int, default=6, help="Steps of the watched replication.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as results:
        started = time.monotonic()
        with dashboard_server(REPO / "scenarios" / "baseline.yaml", Path(results)) as url:
            with browser_page(width=1700, height=1250) as (page, recorded):
                page.goto(url)
                wait_for_panels(page)
                first = time.monotonic() - started
                step(page, args.steps)
                set_slider(page, "USA grievance", 0.8)
                page.get_by_role("button", name="Reset").click()
                page.wait_for_function(
                    "document.querySelector('.geosim-settings').textContent.includes('grievance')"
                )
                step(page, args.steps)
                clicked = time.monotonic()
                run_replications(page)
                ran = time.monotonic() - clicked
                page.wait_for_timeout(1500)
                page.screenshot(path=str(args.out))
                if recorded.errors or recorded.foreign(url):
                    raise SystemExit(f"errors {recorded.errors}, requests {recorded.foreign(url)}")
    print(f"{args.out}: first render of every panel {first:.1f} s after start, run {ran:.1f} s")


if __name__ == "__main__":
    main()
