"""The dashboard in a real browser: Debian's chromium, driven by playwright, offline.

Starts ``geosim dashboard`` on a free localhost port, waits for every panel to render
(their figures, not solara's loader), steps the model, moves a slider, resets, runs
50 replications and checks that the balance panel changed and that the paired
difference from the baseline moved the way the slider pushes it; throughout, no
console error and no request to anything but the dashboard itself.  Skipped where
``/usr/bin/chromium`` or playwright is missing (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import BASELINE
from dashboard_driver import (
    CHROMIUM,
    browser_page,
    dashboard_server,
    run_replications,
    set_slider,
    text,
    wait_for_panels,
)

pytest.importorskip("solara")
pytest.importorskip("playwright")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no {CHROMIUM}")


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A three-year baseline (12 quarters), to keep the test short."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "baseline.yaml").write_text(
        f"schema_version: 1\nextends: {BASELINE}\nname: short\nsteps: 12\n", encoding="utf-8"
    )
    return folder


@pytest.mark.slow  # 30-40 s in a real browser: CI runs it with the slow tests
def test_the_dashboard_renders_runs_and_reacts_to_a_slider_offline(scenarios, tmp_path):
    started = time.monotonic()
    with dashboard_server(scenarios / "baseline.yaml", tmp_path / "results") as url:
        with browser_page() as (page, recorded):
            page.goto(url)
            wait_for_panels(page)
            first_render = time.monotonic() - started
            assert "exploring scenarios, not a forecast" in text(page, ".geosim-notice")
            assert "step 0 of 12" in text(page, ".geosim-balance-caption")

            page.get_by_role("button", name="Step").click()
            page.wait_for_function(
                "document.querySelector('.geosim-balance-caption').textContent"
                ".includes('step 1 of 12')"
            )

            image_before = page.locator("img.geosim-balance").screenshot()
            set_slider(page, "USA grievance", 0.95)  # the US arms: the balance moves to +1
            page.get_by_role("button", name="Reset").click()
            page.wait_for_function(
                "document.querySelector('.geosim-settings').textContent.includes('grievance')"
            )
            page.wait_for_function(  # a new model, at its start
                "document.querySelector('.geosim-balance-caption').textContent"
                ".includes('step 0 of 12')"
            )

            clicked = time.monotonic()
            run_replications(page)
            run_time = time.monotonic() - clicked
            caption = text(page, ".geosim-balance-caption")
            assert "90 % of 50 replications" in caption, caption
            assert page.locator("img.geosim-balance").screenshot() != image_before
            difference = text(page, ".geosim-difference-caption")
            # higher than the baseline's, with the same random numbers, in every pair
            assert "mean +" in difference and "same sign in 100%" in difference, difference
            assert "with USA grievance = 0.4" in text(page, ".geosim-settings")

            assert recorded.errors == [], recorded.errors
            assert recorded.foreign(url) == [], recorded.foreign(url)
            assert len(recorded.requests) > 10  # the page's own assets were recorded
    print(
        f"first render {first_render:.1f} s, run {run_time:.1f} s, "
        f"whole test {time.monotonic() - started:.1f} s"
    )
