"""How fast geosim runs, measured like for like: the ways of running it, side by side.

Run by hand: ``python benchmarks/engine_speed.py [--repeats 5] [--only 1234]
[--sweep-runs 100000]``.  Not a test.

Method, in every section: one warm-up round first (not timed), then ``--repeats``
rounds in which the things compared run in turn, A B C, A B C, ...  A comparison is
the median of the ratios taken round by round (each pair measured side by side, so a
drift of the shared machine's speed cancels), with their min and max; a rate is the
median of the rounds with min and max.  These machines are shared and noisy: read
the ratios, not the absolute figures.

1. One run set in one process, for the 6-actor baseline and a synthetic cast
   (``--synthetic``, 20 actors by default).
   *Tables on both sides* (the headline ratio):
   ``mesa.batch_run(GeoModel, data_collection_period=1)`` made into one DataFrame
   (mesa's DataCollector, every step, model and agent reporters); geosim's mesa path,
   ``sim.runner.run(engine="mesa")`` (a GeoModel per replication, the tidy tables);
   and the batch engine as ``geosim run`` uses it, ``sim.runner.run()`` (blocks of
   ``sim.runner.CHUNK``, the tidy tables: measures, actors, dyads, trade, events).
   No files are written on any side.
   *No tables on either side* (engine only): GeoModel without its DataCollector (the
   rules and the recorder's arrays, no tables built) against the batch engine
   recording the same arrays without building tables.  A last line runs the batch
   engine in sweep mode (four measures, no event log, one block of up to
   ``sim.sweep.CHUNK``): it records less than any mesa line, so its ratio is not like
   for like; it is the per-point work of a sweep.
2. Per-run cost of the batch engine (full recording, no tables) for 6, 12 and 20
   actors, interleaved, with a power-law fit cost ~ N^b (the model's own terms are
   at most N^3: the shared-threat sum over third parties).
3. A sweep end to end: ``python -m sim sweep FILE --workers 2 -q --no-plots`` in a
   child process, ``--sweep-runs`` runs of the baseline (points of 50 replications,
   three parameters, four reduced measures), timed from launch to exit, so start-up,
   planning, per-point work and the Parquet shards are included; the peak memory of
   parent plus workers (sampled from /proc every 50 ms; needs psutil).  The warm-up is
   a sweep of 2,000 runs.
4. The batch engine on 2 cores without the sweep around it: two worker processes
   running blocks of 1,024 baseline runs in sweep mode, no start-up, no files.
   With section 3, the two alternate round by round, and the paired ratio says how
   much of the engine's throughput a sweep keeps end to end.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from sim.engine.batch import run_batch
from sim.engine.model import GeoModel, batch_run_kwargs
from sim.measures import EXHAUSTIVE_MAX
from sim.random import replication_seed
from sim.runner import CHUNK as RUN_CHUNK
from sim.runner import run
from sim.scenario import Scenario, load_scenario
from sim.sweep import CHUNK as SWEEP_CHUNK
from sim.synthetic import synthetic_scenario

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"

SWEPT = {"balance", "tension", "capability", "conflict_risk"}
"""The measures the sweep of section 3 keeps (sweep mode records only these, no event log)."""

Case = tuple[str, Callable[[], object], int]
"""A thing to time: its label, the call, and the runs the call does."""


def interleaved(cases: list[Case], repeats: int) -> dict[str, list[float]]:
    """Runs per second of every case, round by round: a warm-up round, then A B C, A B C, ..."""
    for _, fn, _ in cases:
        fn()
    rates: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(repeats):
        for name, fn, runs in cases:
            start = time.perf_counter()
            fn()
            rates[name].append(runs / (time.perf_counter() - start))
    return rates


def paired(a: list[float], b: list[float]) -> list[float]:
    """Ratios a / b round by round."""
    return [x / y for x, y in zip(a, b, strict=True)]


def spread(values: list[float], fmt: str = ",.1f") -> str:
    """``median (min .. max)`` of the values."""
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}} .. {max(values):{fmt}})"


class WithoutDataCollector(GeoModel):
    """GeoModel that skips mesa's DataCollector: the rules and the recorder's arrays only."""

    def _collect(self) -> None:
        self.recorder.add(self.t, self.state, self.view, self.values)


def ways(spec: Scenario, runs: int, batch_runs: int, repeats: int) -> float:
    """Section 1 for one scenario; returns the median like-for-like ratio."""
    seeds = [replication_seed(spec.seed, k) for k in range(runs)]
    kwargs = batch_run_kwargs(spec, seeds, data_collection_period=1)

    def batch_run_frame():
        return pd.DataFrame(mesa.batch_run(GeoModel, max_steps=spec.steps + 1, **kwargs))

    def mesa_path_tables():
        return run(spec, replications=runs, engine="mesa").tables

    def engine_tables():
        return run(spec, replications=batch_runs).tables

    def mesa_no_collector():
        for k in range(runs):
            WithoutDataCollector(spec, replication=k).run()

    def engine_arrays():
        for first in range(0, batch_runs, RUN_CHUNK):
            ks = list(range(first, min(batch_runs, first + RUN_CHUNK)))
            run_batch([spec] * len(ks), ks)

    def engine_sweep_mode():
        for first in range(0, batch_runs, SWEEP_CHUNK):
            ks = list(range(first, min(batch_runs, first + SWEEP_CHUNK)))
            run_batch([spec] * len(ks), ks, keep_log=False, keep=SWEPT)

    groups = {
        "tables on both sides (like for like)": [
            ("mesa.batch_run(GeoModel) + DataFrame", batch_run_frame, runs),
            ("mesa path, tidy tables", mesa_path_tables, runs),
            ("batch engine, tidy tables", engine_tables, batch_runs),
        ],
        "no tables on either side (engine only)": [
            ("GeoModel without DataCollector", mesa_no_collector, runs),
            ("batch engine, arrays only", engine_arrays, batch_runs),
            ("batch engine, sweep mode *", engine_sweep_mode, batch_runs),
        ],
    }
    rates = interleaved([case for cases in groups.values() for case in cases], repeats)
    for title, cases in groups.items():
        ref = cases[0][0]
        print(f"  {title}; ratios to the first line")
        for name, _, n in cases:
            print(
                f"    {name:38s} {spread(rates[name]):>26s} runs/s  {n:5d} runs  "
                f"x {spread(paired(rates[name], rates[ref]))}"
            )
    print("    * records four measures, no event log: less than any mesa line, not like for like")
    headline = paired(
        rates["batch engine, tidy tables"], rates["mesa.batch_run(GeoModel) + DataFrame"]
    )
    old = paired(rates["batch engine, sweep mode *"], rates["mesa.batch_run(GeoModel) + DataFrame"])
    print(
        f"  like for like, batch engine / mesa.batch_run, tables on both sides: x {spread(headline)}"
    )
    print(f"  (not like for like: sweep mode / mesa.batch_run: x {spread(old)})")
    return statistics.median(headline)


def scaling(runs: int, repeats: int) -> None:
    """Section 2: batch engine cost per run for 6, 12 and 20 actors."""
    specs = {n: synthetic_scenario(n) for n in (6, 12, 20)}
    cases: list[Case] = [
        (str(n), lambda spec=spec: run_batch([spec] * runs, list(range(runs))), runs)
        for n, spec in specs.items()
    ]
    rates = interleaved(cases, repeats)
    sizes, costs = [], []
    for n in specs:
        ms = [1e3 / r for r in rates[str(n)]]
        sizes.append(n)
        costs.append(statistics.median(ms))
        print(f"  N = {n:2d}: {spread(ms, '.3f')} ms per run")
    b, _ = np.polyfit(np.log(sizes), np.log(costs), 1)
    print(
        f"  fit: cost ~ N^{b:.2f} (the model's largest term is N^3; vectorised over runs "
        "the fixed per-step overhead dominates at small N)"
    )
    print(
        f"  note: landscape blocs search all 2^(N-1) configurations up to {EXHAUSTIVE_MAX} "
        "actors and a local search above, so N = 12 pays for 2,048 configurations a step "
        "and the fit mixes two regimes"
    )


def sweep_file(folder: Path, runs: int, name: str) -> tuple[Path, int]:
    """A sweep file of the baseline with about ``runs`` runs; (its path, its run count)."""
    replications = 50
    points = max(1, runs // replications)
    path = folder / f"{name}.yaml"
    path.write_text(
        f"""schema_version: 1
kind: sweep
name: {name}
base: {BASELINE}
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
    return path, points * replications


def _lean_block(args: tuple[str, int, int]) -> int:
    path, first, runs = args
    spec = load_scenario(path)
    run_batch([spec] * runs, list(range(first, first + runs)), keep_log=False, keep=SWEPT)
    return runs


def sweeps_and_blocks(sweep_runs: int, workers: int, repeats: int, blocks: bool) -> None:
    """Sections 3 and 4, alternating round by round when both run."""
    run_once = None
    if sweep_runs:
        try:
            # the measurement of benchmarks/sweep_speed.py; it samples memory with psutil
            from sweep_speed import run_once
        except ImportError:
            print("  section 3 skipped: needs psutil (pip install 'geosim[bench]')")
    tmp = Path(tempfile.mkdtemp())
    block, n_blocks = 1024, 16
    tasks = [(str(BASELINE), k * block, block) for k in range(n_blocks)]
    sweep_rates: list[float] = []
    peaks: list[float] = []
    block_rates: list[float] = []
    big, total = sweep_file(tmp, sweep_runs, "big") if run_once is not None else (tmp, 0)
    try:
        with ProcessPoolExecutor(2, mp_context=mp.get_context("forkserver")) as pool:
            if run_once is not None:  # warm-up
                run_once(sweep_file(tmp, 2000, "warm")[0], tmp / "out", workers, "local")
            if blocks:
                list(pool.map(_lean_block, tasks))
            for _ in range(repeats):
                if run_once is not None:
                    wall, peak = run_once(big, tmp / "out", workers, "local")
                    sweep_rates.append(total / wall)
                    peaks.append(peak)
                if blocks:
                    start = time.perf_counter()
                    done = sum(pool.map(_lean_block, tasks))
                    block_rates.append(done / (time.perf_counter() - start))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if sweep_rates:
        walls = [total / r for r in sweep_rates]
        print(
            f"  3. {total:,} runs ({total // 50} points x 50), {workers} workers, end to end: "
            f"{spread(sweep_rates, ',.0f')} runs/s, wall {spread(walls, '.1f')} s, "
            f"peak memory {spread([p / 1024 for p in peaks], '.2f')} GB (parent + workers)"
        )
    if block_rates:
        print(
            f"  4. 2 workers, {n_blocks} blocks of {block} runs, sweep mode, no start-up or "
            f"files: {spread(block_rates, ',.0f')} runs/s"
        )
    if sweep_rates and block_rates:
        print(f"  end to end / blocks, paired: x {spread(paired(sweep_rates, block_rates), '.2f')}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds after the warm-up")
    parser.add_argument("--mesa-runs", type=int, default=10, help="runs for the mesa lines")
    parser.add_argument("--batch-runs", type=int, default=1000, help="runs for the batch engine")
    parser.add_argument(
        "--synthetic", type=int, default=20, help="actors of section 1's second cast (0: none)"
    )
    parser.add_argument("--sweep-runs", type=int, default=100_000, help="0: no section 3")
    parser.add_argument("--workers", type=int, default=2, help="sweep workers (section 3)")
    parser.add_argument("--only", default="1234", help="sections to run, e.g. 34 (default: all)")
    args = parser.parse_args()
    print(
        f"mesa {mesa.__version__}, numpy {np.__version__}, pandas {pd.__version__}; "
        f"{mp.cpu_count()} cores; warm-up, then {args.repeats} interleaved rounds; "
        "median (min .. max)"
    )
    if "1" in args.only:
        print("1. baseline, 6 actors, 40 quarterly steps, one process")
        ways(load_scenario(BASELINE), args.mesa_runs, args.batch_runs, args.repeats)
    if "1" in args.only and args.synthetic:
        print(f"1. synthetic cast, {args.synthetic} actors, 40 quarterly steps, one process")
        ways(
            synthetic_scenario(args.synthetic),
            max(2, args.mesa_runs // 2),
            max(RUN_CHUNK, args.batch_runs // 4),
            args.repeats,
        )
    if "2" in args.only:
        print(f"2. batch engine cost per run at {args.batch_runs} runs, full recording, no tables")
        scaling(args.batch_runs, args.repeats)
    if "3" in args.only or "4" in args.only:
        print("3/4. the baseline on 2 cores")
        sweeps_and_blocks(
            args.sweep_runs if "3" in args.only else 0,
            args.workers,
            args.repeats,
            "4" in args.only,
        )


if __name__ == "__main__":
    main()
