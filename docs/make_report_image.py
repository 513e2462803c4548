"""Regenerate docs/img/report.png: the top of the report of a baseline run.

Run from the repository root (needs Chromium at /usr/bin/chromium and the
``playwright`` package; no browser download)::

    python docs/make_report_image.py                   # 50 replications, as the scenario says
    python docs/make_report_image.py --replications 20

It runs ``geosim run scenarios/baseline.yaml`` into a temporary folder, writes its
report with ``geosim report`` (printing how long that took), opens the report from
``file://`` in headless Chromium and saves its top, down to the end of the headline
findings (the question, what was run, the findings).  The image names the temporary folder, the time
and the wall time, so it changes with every run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def geosim(*args: str) -> str:
    """Run ``python -m sim ARGS`` from the repository root; return its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "report.png")
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=1600, help="Most pixels kept.")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="geosim-report-") as tmp:
        extra = ["-n", str(args.replications)] if args.replications else []
        geosim("run", "scenarios/baseline.yaml", "--out", tmp, "-q", *extra)
        (folder,) = (Path(tmp) / "baseline").iterdir()
        start = time.perf_counter()
        html = Path(geosim("report", str(folder)).strip())
        took = time.perf_counter() - start
        print(f"geosim report {folder.name}: {took:.1f} s, {html.stat().st_size / 2**20:.1f} MB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(html.resolve().as_uri(), wait_until="load")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            end = page.eval_on_selector("#findings", "s => s.getBoundingClientRect().bottom")
            height = min(args.height, int(end) + 16)  # down to the end of the findings
            clip = {"x": 0, "y": 0, "width": args.width, "height": height}
            page.screenshot(path=str(args.out), clip=clip)
            browser.close()
    print(f"{args.out.relative_to(REPO)}  {args.out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
