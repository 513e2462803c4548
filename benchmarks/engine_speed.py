"""The three ways of running geosim, side by side, and how the batch engine scales.

Run by hand: ``python benchmarks/engine_speed.py [--repeats 3] [--sweep-runs 100000]``.

1. One run set three ways in one process: ``mesa.batch_run`` on ``GeoModel``,
   geosim's mesa path (``GeoModel(...).run()``), and the batch engine; runs per
   second and ratios, for the 6-actor baseline and a synthetic 20-actor cast.
2. Per-run cost of the batch engine at a large run count for 6, 12 and 20 actors,
   with a power-law fit cost ~ N^b (the model's own terms are at most N^3: the
   shared-threat sum over third parties).
3. A sweep of ``--sweep-runs`` runs of the baseline keeping reduced measures, with
   2 workers: wall time and the peak memory of parent plus workers (sampled from
   /proc every 50 ms; needs psutil).
4. The batch engine on 2 cores: two worker processes running blocks of 1,024
   baseline runs in sweep mode (four measures kept, no event log), without the
   sweep's start-up and files; the figure the 2,000 runs/s target is about.

``--only 14`` runs sections 1 and 4 only.

Figures are medians of ``--repeats`` repeats with min and max.  These machines are
shared and noisy: compare ratios measured in one run.  Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import mesa
import numpy as np

from sim.engine.batch import run_batch
from sim.engine.model import GeoModel, batch_run_kwargs
from sim.random import replication_seed
from sim.scenario import load_scenario
from sim.synthetic import synthetic_scenario

REPO = Path(__file__).resolve().parent.parent


def timed(fn, repeats: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def three_ways(spec, runs: int, batch_runs: int, repeats: int) -> None:
    seeds = [replication_seed(spec.seed, k) for k in range(runs)]

    def with_batch_run():
        mesa.batch_run(GeoModel, max_steps=spec.steps + 1, **batch_run_kwargs(spec, seeds))

    def with_mesa_path():
        for k in range(runs):
            GeoModel(spec, replication=k).run()

    def with_batch_engine():
        run_batch([spec] * batch_runs, list(range(batch_runs)))

    def with_batch_engine_lean():
        run_batch([spec] * batch_runs, list(range(batch_runs)), keep_log=False, keep=SWEPT)

    rates = {}
    for name, fn, n in (
        ("mesa.batch_run(GeoModel)", with_batch_run, runs),
        ("mesa path (GeoModel.run)", with_mesa_path, runs),
        ("batch engine", with_batch_engine, batch_runs),
        ("batch engine, sweep mode", with_batch_engine_lean, batch_runs),
    ):
        med, lo, hi = timed(fn, repeats)
        rates[name] = n / med
        print(
            f"  {name:26s} {n / med:9.1f} runs/s  (range {n / hi:.1f} .. {n / lo:.1f}; "
            f"{n} runs x {repeats})"
        )
    ref = rates["mesa.batch_run(GeoModel)"]
    print(
        "  ratios to mesa.batch_run: " + ", ".join(f"{k} {v / ref:.1f}x" for k, v in rates.items())
    )


SWEPT = {"balance", "tension", "capability", "conflict_risk"}
"""The measures a sweep of section 3 keeps (sweep mode records only these, no event log)."""


def _lean_block(args: tuple[str, int, int]) -> int:
    path, first, runs = args
    spec = load_scenario(path)
    run_batch([spec] * runs, list(range(first, first + runs)), keep_log=False, keep=SWEPT)
    return runs


def two_cores(blocks: int, block: int, repeats: int) -> None:
    """Baseline runs per second with 2 worker processes side by side, in sweep mode."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    path = str(REPO / "scenarios" / "baseline.yaml")
    rates = []
    with ProcessPoolExecutor(2, mp_context=mp.get_context("forkserver")) as pool:
        list(pool.map(_lean_block, [(path, 0, 64)] * 2))  # start and warm both workers
        for _ in range(repeats):
            t = time.perf_counter()
            done = sum(pool.map(_lean_block, [(path, k * block, block) for k in range(blocks)]))
            rates.append(done / (time.perf_counter() - t))
    print(
        f"  2 workers, blocks of {block} runs, 4 measures kept: {statistics.median(rates):,.0f} "
        f"runs/s (range {min(rates):,.0f} .. {max(rates):,.0f}; {blocks * block} runs x "
        f"{repeats})"
    )


def scaling(runs: int, repeats: int) -> None:
    sizes, costs = [], []
    for n in (6, 12, 20):
        spec = synthetic_scenario(n)
        med, lo, hi = timed(lambda spec=spec: run_batch([spec] * runs, list(range(runs))), repeats)
        cost = med / runs * 1e3
        sizes.append(n)
        costs.append(cost)
        print(
            f"  N = {n:2d}: {cost:7.3f} ms per run ({runs / med:7.1f} runs/s; range "
            f"{lo / runs * 1e3:.3f} .. {hi / runs * 1e3:.3f} ms)"
        )
    b, a = np.polyfit(np.log(sizes), np.log(costs), 1)
    print(
        f"  fit: cost ~ N^{b:.2f} (the model's largest term is N^3; vectorised over runs "
        "the fixed per-step overhead dominates at small N)"
    )


def big_sweep(runs: int, workers: int) -> None:
    try:
        import psutil  # noqa: F401 - run_once samples memory with it
    except ImportError:
        print("  skipped: needs psutil (pip install 'geosim[bench]')")
        return
    from sweep_speed import run_once  # the same measurement as benchmarks/sweep_speed.py

    replications = 50
    points = max(1, runs // replications)
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "big.yaml"
    path.write_text(
        f"""schema_version: 1
kind: sweep
name: big
base: {REPO / "scenarios" / "baseline.yaml"}
method: lhs
samples: {points}
replications: {replications}
parameters:
  actors.RUS.doctrine.transfer_willingness: {{range: [0.0, 1.0]}}
  actors.CHN.doctrine.stability_preference: {{range: [0.0, 1.0]}}
  actors.PRK.milex: {{range: [4.3, 11.0]}}
measures: [balance:last, tension:mean, capability.PRK:growth, conflict_risk.PRK.KOR:max]
""",
        encoding="utf-8",
    )
    wall, peak_mb = run_once(path, tmp / "out", workers, "local")
    total = points * replications
    print(
        f"  {total:,} runs ({points} points x {replications}) with {workers} workers: "
        f"{wall:.1f} s ({total / wall:,.0f} runs/s incl. start-up), peak memory "
        f"{peak_mb / 1024:.2f} GB (parent + workers)"
    )
    shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mesa-runs", type=int, default=10, help="runs for the mesa paths")
    parser.add_argument("--batch-runs", type=int, default=1000, help="runs for the batch engine")
    parser.add_argument("--sweep-runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only", default="1234", help="sections to run, e.g. 14 (default: all four)"
    )
    args = parser.parse_args()
    print(f"mesa {mesa.__version__}, numpy {np.__version__}")
    if "1" in args.only:
        baseline = load_scenario(REPO / "scenarios" / "baseline.yaml")
        print("1. baseline, 6 actors, 40 quarterly steps, one process")
        three_ways(baseline, args.mesa_runs, args.batch_runs, args.repeats)
        print("1. synthetic cast, 20 actors, 40 quarterly steps, one process")
        three_ways(
            synthetic_scenario(20), max(2, args.mesa_runs // 2), args.batch_runs // 2, args.repeats
        )
    if "2" in args.only:
        print(f"2. batch engine cost per run at {args.batch_runs} runs")
        scaling(args.batch_runs, args.repeats)
    if "3" in args.only and args.sweep_runs:
        print(f"3. sweep of {args.sweep_runs:,} runs keeping reduced measures")
        big_sweep(args.sweep_runs, args.workers)
    if "4" in args.only:
        print("4. baseline on 2 cores: the batch engine in two worker processes")
        two_cores(16, 1024, args.repeats)


if __name__ == "__main__":
    main()
