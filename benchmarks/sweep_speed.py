"""Sweep throughput with 1 and 2 workers, and the peak memory of parent plus workers.

Run by hand: ``python benchmarks/sweep_speed.py [--points 64] [--replications 16]``;
``--distinct`` compares a sweep whose points all differ with one of as many runs on
few points (``--points`` points x ``--replications``).
Each configuration runs in a fresh child process (``python -m sim sweep``) so that
its peak resident memory, parent and worker processes together, can be sampled
from /proc.  Every configuration runs once as a warm-up, then ``--repeats`` rounds
run the configurations in turn (A B, A B, ...); the figures are medians of the rounds
with their spread, and a ratio is the median of the ratios round by round.  These
machines are shared and noisy: compare the ratios.  Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent


def sweep_file(folder: Path, points: int, replications: int, name: str = "bench") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        f"""schema_version: 1
kind: sweep
name: {name}
base: {REPO / "scenarios" / "baseline.yaml"}
method: random
samples: {points}
sample_seed: 1
replications: {replications}
parameters:
  actors.RUS.doctrine.transfer_willingness: {{range: [0.0, 1.0]}}
  actors.CHN.doctrine.stability_preference: {{range: [0.0, 1.0]}}
  model.trade_elasticity: {{range: [0.5, 2.0]}}
measures: [balance:last, tension:mean, capability.PRK:growth, conflict_risk.PRK.KOR:max]
""",
        encoding="utf-8",
    )
    return path


def run_once(path: Path, out: Path, workers: int, executor: str) -> tuple[float, float]:
    """Wall time (s) and peak RSS of the process tree (MB)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "sweep",
        str(path),
        "--out",
        str(out),
        "-q",
        "--no-plots",
        "--workers",
        str(workers),
        "--executor",
        executor,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    peak = 0.0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            rss = sum(p.memory_info().rss for p in tree if p.is_running())
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.read().decode())
    return wall, peak / 2**20


def distinct(args: argparse.Namespace) -> None:
    """Points that all differ against few points repeated: the same runs, interleaved."""
    runs = args.points * args.replications
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "repeated": sweep_file(Path(tmp), args.points, args.replications, "repeated"),
            "distinct": sweep_file(Path(tmp), runs, 1, "distinct"),
        }
        print(
            f"{runs} runs of the baseline, one worker, end to end (start-up included): "
            f"{args.points} points x {args.replications} replications against {runs} "
            "distinct points x 1"
        )
        for path in files.values():  # warm-up
            run_once(path, Path(tmp) / "out", 1, "local")
        walls: dict[str, list[float]] = {k: [] for k in files}
        for _ in range(args.repeats):
            for name, path in files.items():
                walls[name].append(run_once(path, Path(tmp) / "out", 1, "local")[0])
        for name, w in walls.items():
            rate = [runs / x for x in w]
            print(
                f"{name:9s}: {statistics.median(rate):6.0f} runs/s "
                f"(min {min(rate):.0f}, max {max(rate):.0f})"
            )
        ratios = [r / d for r, d in zip(walls["repeated"], walls["distinct"], strict=True)]
        print(
            f"distinct / repeated throughput: {statistics.median(ratios):.2f} "
            f"(paired repeats: min {min(ratios):.2f}, max {max(ratios):.2f}; target >= 0.80)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=64)
    parser.add_argument("--replications", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dask", action="store_true", help="also the Dask LocalCluster")
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="compare points that all differ with repeated points instead",
    )
    args = parser.parse_args()
    if args.distinct:
        distinct(args)
        return
    runs = args.points * args.replications
    configs = [("local", 1), ("local", 2)] + ([("dask", 2)] if args.dask else [])
    with tempfile.TemporaryDirectory() as tmp:
        path = sweep_file(Path(tmp), args.points, args.replications)
        print(
            f"{runs} runs ({args.points} points x {args.replications} replications) of the "
            f"baseline, {os.cpu_count()} cores; a warm-up, then {args.repeats} rounds of "
            "the configurations in turn"
        )
        for executor, workers in configs:  # warm-up
            run_once(path, Path(tmp) / "out", workers, executor)
        walls: dict[tuple[str, int], list[float]] = {key: [] for key in configs}
        peaks: dict[tuple[str, int], list[float]] = {key: [] for key in configs}
        for _ in range(args.repeats):
            for key in configs:
                wall, peak = run_once(path, Path(tmp) / "out", key[1], key[0])
                walls[key].append(wall)
                peaks[key].append(peak)
        for (executor, workers), w in walls.items():
            rate = [runs / x for x in w]
            p = peaks[(executor, workers)]
            print(
                f"{executor:5s} x{workers}: {statistics.median(rate):8.0f} runs/s "
                f"(min {min(rate):.0f}, max {max(rate):.0f}), wall {statistics.median(w):.1f} s "
                f"incl. start-up, peak memory {statistics.median(p):.0f} MB (max {max(p):.0f})"
            )
        base = walls[("local", 1)]
        for key, w in walls.items():
            ratios = [b / x for b, x in zip(base, w, strict=True)]
            print(
                f"{key[0]} x{key[1]}: {statistics.median(ratios):.2f}x one worker "
                f"(paired rounds: min {min(ratios):.2f}, max {max(ratios):.2f})"
            )


if __name__ == "__main__":
    main()
