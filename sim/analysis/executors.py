"""Executors of sweep chunks: the worker side, a local process pool, and Dask.

A chunk is a list of runs; :func:`execute_chunk` runs it through the batch engine
in a worker, writes its shards (:mod:`.store`) and returns one small record per
run.  :func:`run_local` runs chunks in this process or in a pool of worker
processes; :func:`run_dask` on a Dask ``distributed`` cluster (a LocalCluster on
loopback, or a scheduler address).  A run that raises is recorded as failed with
its error; the sweep goes on.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..engine.batch import run_batch, structure_key
from ..engine.compile import compile_structure
from ..engine.custom import load_model_class
from ..errors import InputError, Problem
from ..measures import reduce
from ..parallel import pool
from .store import atomic_parquet

if TYPE_CHECKING:
    from ..engine.state import Structure
    from .sweep import RunTask, Sweep

_WORKER: dict[str, Sweep] = {}
"""The sweep a pool worker runs, installed once by :func:`_install` (never read from files)."""


def _install(sweep: Sweep) -> None:
    """Pool initializer: keep the parent's resolved sweep for every chunk of this worker."""
    _WORKER["sweep"] = sweep


def execute_chunk(job: dict[str, Any], sweep: Sweep | None = None) -> list[dict[str, Any]]:
    """Run one chunk and write its shards; return one small record per run (worker side).

    The sweep is the parent's resolved one: passed in, or installed in this worker by the
    pool's initializer.  Workers never read the sweep file, so editing it while a sweep
    runs changes nothing.  The chunk's runs are grouped by the structure of their
    scenarios and each group runs as one batch-engine block; if a group raises, its
    runs are retried one by one and those that still raise are recorded as failed.
    The shards (``values-``, ``trajectories-`` if any, then ``runs-<hash16>.parquet``,
    named by a hash of the chunk's run ids) are written atomically, the runs shard
    last, each recording the hash of the resolved sweep it was computed from
    (:meth:`Sweep.digest`), which loading and ``--resume`` check.

    Parameters
    ----------
    job : dict
        ``{"tasks": list[RunTask], "folder": str}``: the runs of the chunk and the
        sweep folder whose ``shards/`` receive them.
    sweep : Sweep, optional
        The resolved sweep; default the one :func:`_install` put in this worker.

    Returns
    -------
    list of dict
        ``{"run_id": str, "status": "ok" | "failed"}`` per run of the chunk.
    """
    sweep = sweep if sweep is not None else _WORKER["sweep"]
    tasks: list[RunTask] = job["tasks"]
    folder = Path(job["folder"])
    host = socket.gethostname()
    started = time.perf_counter()
    records: list[dict[str, Any]] = []
    values: list[dict[str, Any]] = []
    trajs: list[dict[str, Any]] = []
    points = sorted({t.point for t in tasks})
    starts = {p: sweep.point_starts(p) for p in points}
    scenarios = {p: sweep.base if starts[p] is not None else sweep.scenario(p) for p in points}
    if sweep.shares_structure:  # numbers only: every point has the base's structure
        keys = dict.fromkeys(scenarios, "base")
    else:
        keys = {p: structure_key(compile_structure(s)) for p, s in scenarios.items()}
    groups: dict[str, list[RunTask]] = {}
    for t in tasks:
        groups.setdefault(keys[t.point], []).append(t)
    for group in groups.values():
        try:
            _run_group(sweep, scenarios, starts, group, records, values, trajs, host, started)
        except Exception:
            for t in group:  # isolate the failing runs
                try:
                    _run_group(sweep, scenarios, starts, [t], records, values, trajs, host, started)
                except Exception as exc:  # noqa: BLE001 - record any failure of user input
                    records.append(
                        _record(sweep, t, "failed", 0.0, f"{type(exc).__name__}: {exc}", host)
                    )
    name = hashlib.sha256("".join(t.run_id for t in tasks).encode()).hexdigest()[:16]
    shards = folder / "shards"
    inputs = sweep.digest()
    if values:
        atomic_parquet(pd.DataFrame(values), shards / f"values-{name}.parquet", inputs)
    if trajs:
        atomic_parquet(pd.DataFrame(trajs), shards / f"trajectories-{name}.parquet", inputs)
    atomic_parquet(pd.DataFrame(records), shards / f"runs-{name}.parquet", inputs)
    return [{"run_id": r["run_id"], "status": r["status"]} for r in records]


def _record(sweep: Sweep, t: RunTask, status: str, wall: float, error: str, host: str) -> dict:
    row = {
        "run_id": t.run_id,
        "point": t.point,
        "replication": t.replication,
        "seed": t.seed,
        "status": status,
        "wall_time_s": wall,
        "error": error,
        "host": host,
    }
    row.update(sweep.point_columns(t.point))
    return row


Series = Callable[[str, tuple[int, ...]], np.ndarray]
"""A group's trajectories of a measure ``name[.A[.B]]`` (actor indices), (runs, steps + 1)."""


def _simulate(
    sweep: Sweep, specs: list, group: list[RunTask], starts: list | None = None
) -> tuple[Series, list[str]]:
    """Run a group of runs; return its trajectories and why each run failed ("" if not).

    The batch engine runs the group as one block keeping only the sweep's measures,
    with each run's ``starts`` (:meth:`~.sweep.Sweep.point_starts`: starting values set
    on the base scenario, or None when the run has its own scenario); a sweep of a
    user's model class (``sweep.model_class``) runs each on the mesa path.
    """
    if sweep.model_class is None:
        names = {m.name for m in (*sweep.measures, *sweep.trajectories)}
        block = run_batch(
            specs,
            [t.replication for t in group],
            seeds=[t.seed for t in group],
            keep_log=False,
            keep=names,
            structure=_base_structure(sweep) if sweep.shares_structure else None,
            starts=None
            if starts is None or all(s is None for s in starts)
            else [s or {} for s in starts],
        )
        return block.series, [_why(block.failures.get(r)) for r in range(len(group))]
    model_class = load_model_class(sweep.model_class)
    models = [
        model_class(spec, replication=t.replication, seed=t.seed).run()
        for spec, t in zip(specs, group, strict=True)
    ]

    def series(name: str, actors: tuple[int, ...]) -> np.ndarray:
        return np.concatenate([m.series(name, actors) for m in models])

    return series, [_why(m.failure) for m in models]


def _base_structure(sweep: Sweep) -> Structure:
    """The compiled structure of the sweep's base scenario (cached on the sweep)."""
    cached = sweep.__dict__.get("_base_structure")
    if cached is None:
        cached = sweep.__dict__["_base_structure"] = compile_structure(sweep.base)
    return cached


def _why(failure: tuple[int, str] | None) -> str:
    """The failure note of a run that left its domain at (step, where); "" if none."""
    if failure is None:
        return ""
    step, where = failure
    return f"state left its domain at step {step}: {where}"


def _run_group(sweep, scenarios, starts, group, records, values, trajs, host, started) -> None:
    t0 = time.perf_counter()
    specs = [scenarios[t.point] for t in group]
    trajectory, failed_runs = _simulate(sweep, specs, group, [starts[t.point] for t in group])
    codes = specs[0].codes
    dt = specs[0].dt
    reduced = {}
    for m in sweep.measures:
        idx = tuple(codes.index(c) for c in m.actors)
        reduced[m.text] = reduce(trajectory(m.name, idx), m.reducer, dt)
    series = {}
    for m in sweep.trajectories:
        idx = tuple(codes.index(c) for c in m.actors)
        series[m.text] = trajectory(m.name, idx)
    wall = (time.perf_counter() - t0) / len(group)
    new_values, new_trajs, new_records = [], [], []
    for r, t in enumerate(group):
        failed = bool(failed_runs[r])
        new_records.append(
            _record(sweep, t, "failed" if failed else "ok", wall, failed_runs[r], host)
        )
        if failed:
            continue
        for name, x in reduced.items():
            new_values.append(
                {
                    "run_id": t.run_id,
                    "point": t.point,
                    "replication": t.replication,
                    "seed": t.seed,
                    "measure": name,
                    "value": float(x[r]),
                }
            )
        for name, x in series.items():
            for step, v in enumerate(x[r]):
                new_trajs.append(
                    {
                        "run_id": t.run_id,
                        "point": t.point,
                        "replication": t.replication,
                        "step": step,
                        "measure": name,
                        "value": float(v),
                    }
                )
    records.extend(new_records)
    values.extend(new_values)
    trajs.extend(new_trajs)


def run_local(jobs, workers: int, sweep: Sweep, on_done) -> None:
    """Run chunks in this process (one worker) or in a pool of worker processes.

    The pool (:func:`sim.parallel.pool`) gives each worker the resolved sweep once; its
    workers exit if this process dies, and are terminated if this process is
    interrupted (their chunks in flight are lost, the finished ones kept); in a pool,
    chunks finish in any order.

    Parameters
    ----------
    jobs : list of dict
        The chunks, as :func:`execute_chunk` takes them.
    workers : int
        Worker processes; 1 or fewer runs the chunks here, one after the other.
    sweep : Sweep
        The resolved sweep.
    on_done : callable
        Called as ``on_done(records)`` with the records of each finished chunk.
    """
    if workers <= 1:
        for job in jobs:
            on_done(execute_chunk(job, sweep))
        return
    from concurrent.futures import as_completed

    with pool(workers, _install, (sweep,)) as executor:
        futures = [executor.submit(execute_chunk, job) for job in jobs]
        for fut in as_completed(futures):
            on_done(fut.result())


MMAP_THRESHOLD = 16 * 2**20
"""glibc's mmap threshold (bytes) for the workers of a local Dask cluster."""

LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
}
"""Dask configuration of a LocalCluster's workers.  Dask's nanny starts each worker with
``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's adaptive mmap threshold: every
numpy temporary above 128 kB is then mmap'd and page-faulted afresh, and a worker spent
half of its CPU in the kernel (the batch engine's blocks make many such temporaries).
A fixed mmap threshold of 16 MB keeps them on the heap."""


def local_cluster(workers: int):
    """A Dask LocalCluster on the loopback interface, configured by :data:`LOCAL_WORKER_CONFIG`.

    Parameters
    ----------
    workers : int
        Worker processes, one thread each (at least 1); no dashboard.
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set(LOCAL_WORKER_CONFIG):
        return LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
        )


def run_dask(jobs, workers: int, scheduler: str | None, sweep: Sweep, on_done) -> None:
    """Run chunks on a Dask ``distributed`` cluster: a scheduler's, or a local one.

    The resolved sweep is scattered to every worker once; each chunk is one task.
    Workers write their shards into the sweep folder themselves, so with a remote
    scheduler that folder must be on storage every worker sees (``docs/sweeps.md``).

    Parameters
    ----------
    jobs : list of dict
        The chunks, as :func:`execute_chunk` takes them.
    workers : int
        Worker processes of the LocalCluster (one thread each, on 127.0.0.1, no
        dashboard); ignored with a ``scheduler``.
    scheduler : str or None
        Address of a running Dask scheduler (e.g. ``tcp://host:8786``); None starts a
        LocalCluster and closes it at the end.
    sweep : Sweep
        The resolved sweep.
    on_done : callable
        Called as ``on_done(records)`` with the records of each finished chunk.

    Raises
    ------
    InputError
        ``distributed`` is not installed (``pip install "geosim[dask]"``).
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError(
            [
                Problem(
                    "--executor",
                    "",
                    None,
                    "the dask executor needs distributed",
                    'install it with pip install "geosim[dask]"',
                )
            ]
        ) from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = local_cluster(workers)
        client = Client(cluster)
    try:
        shared = client.scatter(sweep, broadcast=True, hash=False)
        futures = client.map(execute_chunk, jobs, sweep=shared, pure=False)
        for fut in as_completed(futures):
            on_done(fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- loading
