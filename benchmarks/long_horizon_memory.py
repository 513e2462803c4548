"""Peak memory of ``geosim run`` against the horizon: the run streams its tables.

Run by hand: ``python benchmarks/long_horizon_memory.py [--runs 1000] [--steps 40 160 640]``.

Each configuration runs the quick start's command, ``geosim run`` on the bundled
baseline, with ``--replications RUNS --set steps=STEPS``, in a fresh process, and
reports its peak resident memory (the kernel's ``ru_maxrss`` for that process, from
``os.wait4``), its wall time and the size of the folder it wrote.  A run whose
tables do not fit in :data:`sim.results.SHOWN_MEMORY` streams them into its folder
block by block (:func:`sim.runner.run_saved`), so its peak should stay about flat
as the horizon grows.  ``--plots`` draws the figures too (they show the first
replications that fit in memory).  Not a test: these machines are shared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(runs: int, steps: int, plots: bool) -> tuple[float, float, float]:
    """(peak MB, wall s, folder MB) of one ``geosim run`` in a fresh process."""
    out = Path(tempfile.mkdtemp(prefix="geosim-bench-"))
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "run",
        str(REPO / "scenarios" / "baseline.yaml"),
        "--replications",
        str(runs),
        "--set",
        f"steps={steps}",
        "--out",
        str(out),
        "--quiet",
        "--plots" if plots else "--no-plots",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    error = proc.stderr.read().decode() if proc.stderr else ""
    size = folder_size(out)
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{error}")
    return usage.ru_maxrss / 1024, wall, size / 2**20  # ru_maxrss is in kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--steps", type=int, nargs="+", default=[40, 160, 640])
    parser.add_argument("--plots", action="store_true", help="draw the figures too")
    args = parser.parse_args()
    print(
        f"geosim run, baseline, {args.runs} replications, {'with' if args.plots else 'no'} figures"
    )
    print(f"{'steps':>6} {'run-steps':>10} {'peak MB':>8} {'wall s':>7} {'folder MB':>10}")
    for steps in args.steps:
        peak, wall, size = measure(args.runs, steps, args.plots)
        print(f"{steps:>6} {args.runs * (steps + 1):>10,} {peak:>8.0f} {wall:>7.1f} {size:>10.0f}")


if __name__ == "__main__":
    main()
