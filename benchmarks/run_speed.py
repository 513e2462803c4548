"""Runs per second of the baseline: GeoModel, mesa.batch_run and the batch engine.

Run by hand (``python benchmarks/run_speed.py [--runs N] [--repeats K]``); prints
medians of K repeats with their spread, measured side by side in one process
(these machines are shared and noisy: compare the ratios).  Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import mesa

from sim.engine.batch import run_batch
from sim.engine.model import GeoModel, batch_run_kwargs
from sim.random import replication_seed
from sim.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def geomodel(spec, runs: int) -> None:
    for k in range(runs):
        GeoModel(spec, replication=k).run()


def batch_run(spec, runs: int) -> None:
    seeds = [replication_seed(spec.seed, k) for k in range(runs)]
    mesa.batch_run(GeoModel, max_steps=spec.steps + 1, **batch_run_kwargs(spec, seeds))


def batch_engine(spec, runs: int) -> None:
    run_batch([spec] * runs, list(range(runs))).tables  # noqa: B018 - build the tables too


def measure(fn, spec, runs: int, repeats: int) -> tuple[float, float, float]:
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(spec, runs)
        rates.append(runs / (time.perf_counter() - t))
    return statistics.median(rates), min(rates), max(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="runs per repeat (mesa paths)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    spec = load_scenario(BASELINE)
    print(f"baseline: {len(spec.codes)} actors, {spec.steps} steps; mesa {mesa.__version__}")
    rows = [
        ("GeoModel (mesa path)", geomodel, args.runs),
        ("mesa.batch_run(GeoModel)", batch_run, args.runs),
        ("batch engine (with tables)", batch_engine, max(args.runs, 256)),
    ]
    results = {}
    for name, fn, runs in rows:
        med, lo, hi = measure(fn, spec, runs, args.repeats)
        results[name] = med
        print(
            f"{name:30s} {med:9.1f} runs/s  (min {lo:.1f}, max {hi:.1f}; {runs} runs x "
            f"{args.repeats})"
        )
    ref = results["mesa.batch_run(GeoModel)"]
    for name, rate in results.items():
        print(f"{name:30s} {rate / ref:6.1f}x mesa.batch_run")


if __name__ == "__main__":
    main()
