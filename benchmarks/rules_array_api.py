"""What the Array API look-up of the rules costs the numpy path, side by side.

Run by hand: ``python benchmarks/rules_array_api.py [--runs 1024] [--repeats 7]
[--before PATH] [--profile]``.

Every rule looks up its array namespace (:func:`sim.rules.common.namespace`); on
numpy inputs that is a type check returning numpy.  This times the batch engine on
the baseline scenario in sweep mode (blocks of ``--runs`` runs, four measures kept,
no event log, as a sweep's chunk) two ways in one process, interleaved after a
warm-up of each: the look-up as written, and short-circuited (every rule module's
``namespace`` replaced by a function returning numpy at once).  The ratio is the
short-circuited time over the time as written, one per interleaved pair: 1.0 means
the look-up costs nothing, below 1 that it costs that share (the target: at least
0.97).  Times are CPU seconds of the process, steadier than wall time on shared
cores.  Also printed: how many look-ups a block makes, and what they cost at the
measured time of one; their number does not grow with the runs, so they weigh most
in small blocks (``--runs 64``).

``--profile`` also times the transcendental functions (exp, log, log1p, expm1, tanh,
atanh, pow, logaddexp, sqrt) the rules and the engine call by name on numpy, and the
keyed draws (the uint64 hash and scipy's ndtri), by wrapping them where they are
looked up, as shares of the block's CPU time (operators, copies and indexing are not
seen; the wrappers add a little to both).

``--before PATH`` also times a checkout of an earlier commit (say ``git worktree
add /tmp/before 89a9d57``, the last commit before the rules took a namespace) in
child processes, interleaved with child processes of this tree, so that the numpy
path before and after the change is compared as a whole, not only the look-up.

These machines are shared and noisy: compare ratios of one run.  Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import timeit
from contextlib import contextmanager
from pathlib import Path

import numpy as np

import sim.rules
from sim.engine.batch import run_batch
from sim.rules import common
from sim.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"
SWEPT = {"balance", "tension", "capability", "conflict_risk"}
"""The measures a sweep keeps in benchmarks/engine_speed.py (sweep mode)."""
LOOKUP = common.namespace
"""The look-up as written (the patches below replace the modules' names for it)."""


def _rule_modules() -> list:
    import importlib
    import pkgutil

    return [
        importlib.import_module(f"sim.rules.{m.name}")
        for m in pkgutil.iter_modules(sim.rules.__path__)
    ]


@contextmanager
def patched_namespace(replacement):
    """Every rule module's ``namespace`` (imported by name) replaced, then restored."""
    modules = [m for m in _rule_modules() if getattr(m, "namespace", None) is LOOKUP]
    for m in modules:
        m.namespace = replacement
    try:
        yield
    finally:
        for m in modules:
            m.namespace = LOOKUP


def _numpy(*arrays):
    return np


def block(spec, runs: int) -> float:
    """CPU seconds of one block of ``runs`` baseline runs in sweep mode.

    CPU time of this process, not wall time: on a machine whose cores other work
    shares, wall time varies by a third from one block to the next."""
    start = time.process_time()
    run_batch([spec] * runs, list(range(runs)), keep_log=False, keep=SWEPT)
    return time.process_time() - start


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f}, min {min(values):.3f}, max {max(values):.3f}"


def lookups_per_block(spec, runs: int) -> int:
    calls = 0

    def counting(*arrays):
        nonlocal calls
        calls += 1
        return LOOKUP(*arrays)

    with patched_namespace(counting):
        run_batch([spec] * runs, list(range(runs)), keep_log=False, keep=SWEPT)
    return calls


def side_by_side(runs: int, repeats: int) -> None:
    spec = load_scenario(BASELINE)
    block(spec, runs)  # warm-up: imports, compiled structure, caches
    with patched_namespace(_numpy):
        block(spec, runs)
    written, short, ratios = [], [], []
    for k in range(repeats):
        order = ("written", "short") if k % 2 == 0 else ("short", "written")
        times = {}
        for way in order:
            if way == "short":
                with patched_namespace(_numpy):
                    times[way] = block(spec, runs)
            else:
                times[way] = block(spec, runs)
        written.append(times["written"])
        short.append(times["short"])
        ratios.append(times["short"] / times["written"])
    print(f"batch engine, baseline, {runs} runs a block, sweep mode, {repeats} interleaved pairs")
    print(f"  look-up as written      CPU s/block: {spread(written)}")
    print(f"  short-circuited (numpy) CPU s/block: {spread(short)}")
    print(f"  ratio short/written:                 {spread(ratios)}  (>= 0.97: no slower)")
    calls = lookups_per_block(spec, runs)
    x = np.zeros((runs, 6, 6), order="F")
    each = min(timeit.repeat(lambda: LOOKUP(x, x), number=20000, repeat=5)) / 20000
    print(
        f"  look-ups per block: {calls:,}; at {each * 1e6:.2f} us each "
        f"{calls * each * 1e3:.1f} ms, {calls * each / statistics.median(written):.2%} "
        "of a block"
    )


TRANSCENDENTAL = ("exp", "log", "log1p", "expm1", "tanh", "atanh", "power", "logaddexp", "sqrt")
"""numpy's transcendental functions the rules and the engine call by name (atanh is
arctanh, pow is power: one wrapper each)."""
RANDOM = ("_mix", "ndtri")
"""The keyed random numbers of sim/random.py: the uint64 SplitMix64 hash, scipy's ndtri."""


def cost_profile(runs: int) -> None:
    """CPU time inside the transcendental functions and the keyed draws, share of a block."""
    import sim.random

    spec = load_scenario(BASELINE)
    block(spec, runs)
    inside: dict[str, float] = {}
    calls: dict[str, int] = {}
    saved = [(np, name, getattr(np, name)) for name in TRANSCENDENTAL]
    saved += [(sim.random, name, getattr(sim.random, name)) for name in RANDOM]

    def timed(name, f):
        def call(*args, **kwargs):
            start = time.process_time()
            try:
                return f(*args, **kwargs)
            finally:
                inside[name] = inside.get(name, 0.0) + time.process_time() - start
                calls[name] = calls.get(name, 0) + 1

        return call

    for module, name, f in saved:
        setattr(module, name, timed(name, f))
    for alias, name in (("arctanh", "atanh"), ("pow", "power")):
        setattr(np, alias, getattr(np, name))
    try:
        total = block(spec, runs)
    finally:
        for module, name, f in saved:
            setattr(module, name, f)
        for alias, name in (("arctanh", "atanh"), ("pow", "power")):
            setattr(np, alias, getattr(np, name))
    print(f"where a block of {runs} runs spends its time ({total:.2f} CPU s), by wrapped function")
    for group, names in (("transcendental", TRANSCENDENTAL), ("keyed draws", RANDOM)):
        for name in sorted((n for n in names if n in inside), key=inside.get, reverse=True):
            share = inside[name] / total
            print(f"  {name:10s} {calls[name]:7,} calls {inside[name]:7.3f} s {share:6.1%}")
        together = sum(inside.get(n, 0.0) for n in names) / total
        print(f"  {group}: {together:.1%} of the block")


CHILD = """
import sys, time
from sim.engine.batch import run_batch
from sim.scenario import load_scenario
import sim
assert sim.__file__.startswith(sys.argv[1]), sim.__file__
spec = load_scenario(sys.argv[2])
runs = int(sys.argv[3])
keep = {"balance", "tension", "capability", "conflict_risk"}
run_batch([spec] * runs, list(range(runs)), keep_log=False, keep=keep)  # warm-up
for _ in range(int(sys.argv[4])):
    start = time.process_time()
    run_batch([spec] * runs, list(range(runs)), keep_log=False, keep=keep)
    print(time.process_time() - start)
"""


def _child(tree: Path, runs: int, blocks: int = 3) -> float:
    """Median CPU seconds of ``blocks`` blocks in a child process importing ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(  # in the tree: `python -c` imports from its folder first
        [sys.executable, "-c", CHILD, str(tree), str(BASELINE), str(runs), str(blocks)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"the child process in {tree} failed:\n{out.stderr}")
    return statistics.median(float(v) for v in out.stdout.split())


def before_and_after(before: Path, runs: int, repeats: int) -> None:
    before, after = before.resolve(), REPO
    old, new, ratios = [], [], []
    for k in range(repeats):
        order = (before, after) if k % 2 == 0 else (after, before)
        times = {tree: _child(tree, runs) for tree in order}
        old.append(times[before])
        new.append(times[after])
        ratios.append(times[before] / times[after])
    print(f"child processes, {runs} runs a block, warm-up then median of 3 blocks each")
    print(f"  before ({before})  CPU s/block: {spread(old)}")
    print(f"  after  ({after})  CPU s/block: {spread(new)}")
    print(f"  ratio before/after:               {spread(ratios)}  (>= 0.97: no slower)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1024, help="runs per block")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved pairs")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier commit")
    parser.add_argument("--profile", action="store_true", help="shares of a block's time")
    args = parser.parse_args()
    side_by_side(args.runs, args.repeats)
    if args.profile:
        cost_profile(args.runs)
    if args.before is not None:
        before_and_after(args.before, args.runs, args.repeats)


if __name__ == "__main__":
    main()
