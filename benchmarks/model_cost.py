"""What the model costs: the batch engine's baseline throughput against an earlier checkout.

Run by hand, with a worktree of the commit to compare with::

    git worktree add /tmp/geosim-ref <commit>
    python benchmarks/model_cost.py --reference /tmp/geosim-ref [--pairs 5]

Each measurement is a fresh process that imports one tree's ``sim``, warms up on 64
runs, then times a block of baseline runs in the batch engine, two ways:

- ``sweep``: 1,024 runs keeping four reduced measures and no event log (what a sweep
  or a calibration does per parameter point);
- ``tables``: 128 runs keeping every table (what ``geosim run`` does).

The two trees run in turn, A B A B ..., and the ratio is taken pair by pair so that
a drift of the shared machine's speed cancels; the median ratio (this tree over the
reference) is the figure, with its range.  Above 1: this tree is faster.  Not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import json, sys, time, warnings
sys.path.insert(0, {tree!r})
warnings.simplefilter("ignore")
from sim.engine.batch import run_batch
from sim.scenario import load_scenario
spec = load_scenario({scenario!r})
mode, runs = {mode!r}, {runs}
kw = dict(keep_log=False, keep={{"balance", "tension", "conflict_risk_any", "capability"}})
if mode == "tables":
    kw = {{}}
run_batch([spec] * 64, list(range(64)), **kw)
t = time.perf_counter()
run_batch([spec] * runs, list(range(runs)), **kw)
print(json.dumps(runs / (time.perf_counter() - t)))
"""
MODES = {"sweep": 1024, "tables": 128}


def rate(tree: Path, mode: str) -> float:
    """Baseline runs per second of ``tree``'s batch engine in ``mode``, in a fresh process."""
    code = CHILD.format(
        tree=str(tree),
        scenario=str(tree / "scenarios" / "baseline.yaml"),
        mode=mode,
        runs=MODES[mode],
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tree
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, required=True, help="an earlier checkout")
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"this tree {REPO}\nreference {args.reference.resolve()}")
    for mode in MODES:
        ours, theirs, ratios = [], [], []
        for _ in range(args.pairs):
            a, b = rate(REPO, mode), rate(args.reference, mode)
            ours.append(a)
            theirs.append(b)
            ratios.append(a / b)
        print(
            f"{mode:6s} ({MODES[mode]} runs): this {statistics.median(ours):,.0f} runs/s, "
            f"reference {statistics.median(theirs):,.0f} runs/s; ratio "
            f"{statistics.median(ratios):.2f} (range {min(ratios):.2f} .. {max(ratios):.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
