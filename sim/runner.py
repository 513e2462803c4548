"""Running replications of a scenario: the Python side of ``geosim run``.

``run(scenario, replications=50)`` runs replications 0..R-1 of the scenario, each
seeded by (root seed, replication index) only, and returns a
:class:`~sim.results.RunResult` with tidy tables.  The batch engine
(:mod:`sim.engine.batch`) runs the replications in blocks (:func:`block_runs`) by default;
``engine="mesa"`` runs each replication as a :class:`~sim.engine.model.GeoModel`, in
this process or in a pool of workers (:mod:`sim.parallel`).  Both give the same
tables.  A user's GeoModel subclass (``docs/extending.md``) runs on the mesa path.
``run_saved`` runs into a results folder, as ``geosim run`` does: a run too large for
memory streams its tables there block by block.  Nothing here prints: progress goes
to an optional callback.
"""

from __future__ import annotations

import hashlib
import json
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import results
from .engine import ENGINES
from .engine.batch import run_batch
from .random import replication_seed
from .results import (
    RunResult,
    TableSink,
    atomic_folder,
    end_values,
    environment,
    run_size,
    safe_name,
)
from .scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from .engine.model import GeoModel

CHUNK = 256
"""Most runs per block of the batch engine."""

RECORD_MEMORY = 160 * 2**20
"""Memory (bytes) one block's recording may take: a long horizon or a large cast gets
blocks of fewer runs (:func:`block_runs`)."""

TABLE_MEMORY = 48 * 2**20
"""Memory (bytes) the tables built at once may take: a block's tables are built for a
few of its runs at a time (:func:`block_runs`), so that a streamed run's memory does
not grow with its horizon."""

BLOCK_MEMORY = RECORD_MEMORY + 2 * TABLE_MEMORY
"""About the most memory one block takes while it runs and makes its tables."""


def block_runs(scenario: Scenario) -> tuple[int, int]:
    """Runs per block of the batch engine, and runs whose tables are built at once.

    At most :data:`CHUNK` runs per block, fewer where one replication's recording is
    large (:data:`RECORD_MEMORY`); the tables then come in parts of fewer runs still
    (:data:`TABLE_MEMORY`).  One run at least.  Blocks and parts of any size give the
    same tables.  The sizes come from :func:`~sim.results.run_size`'s estimate of a
    replication's tables; its recording is about half of that (measured on the
    baseline, December 2026: 6.3 against 12.2 kB per run and step).

    Parameters
    ----------
    scenario : Scenario
        The resolved scenario.

    Returns
    -------
    tuple of int
        (runs per block, runs per part of its tables).
    """
    tables = max(1, run_size(scenario, 1, figures=False)["memory_bytes"] // 2)
    block = max(1, min(CHUNK, RECORD_MEMORY // max(1, tables // 2)))
    return block, max(1, min(block, TABLE_MEMORY // tables))


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    overrides: dict[str, Any] | list[str] | None = None,
    deterministic: bool = False,
    progress: Callable[[int, int], None] | None = None,
    command: str | None = None,
    engine: str = "batch",
    model_class: type[GeoModel] | str | None = None,
    workers: int = 1,
) -> RunResult:
    """Run replications of a scenario.

    Replication k is seeded by ``replication_seed(root seed, k)`` only, so its numbers
    do not depend on the engine, the chunks or the workers.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A Scenario or the path of a scenario file.
    replications : int, optional
        Number of replications (default: the scenario's).
    seed : int, optional
        Root seed (default: the scenario's).
    overrides : dict or list of str, optional
        ``{path: value}`` or ``["PATH=VALUE", ...]`` applied before validation; only
        with a scenario path.
    deterministic : bool
        Run without random draws (one replication is enough).
    progress : callable, optional
        Called as ``progress(done, total)`` as replications finish.
    command : str, optional
        The command line that asked for the run, recorded in the manifest.
    engine : str
        ``batch`` (vectorised, default) or ``mesa`` (one GeoModel per replication).
    model_class : type or str, optional
        A GeoModel subclass, or its reference ``module:Class`` or ``file.py:Class``
        (:mod:`sim.engine.custom`); default GeoModel, imported with mesa only when
        used.  The batch engine runs only the built-in rules, so a subclass runs on
        the mesa path, with one warning and a note in the manifest: results never
        change silently.
    workers : int
        Processes for the mesa path (1: this process).  With more than one, a model
        class must be importable (a module or a file, not ``__main__``).

    Returns
    -------
    RunResult
        The tidy tables of every replication (``replication`` and ``seed`` columns)
        and the manifest: scenario, hash, root seed, every replication's seed, engine,
        model class, workers, failed replications, command, wall time (s) and the
        environment.  Replications whose state leaves its documented domain (a
        non-finite value, a GDP at or below zero, a share above one) are listed in
        ``manifest["failed_replications"]``, and ``manifest["failures"]`` says where
        each first left it (step, date, variable and value).

    Raises
    ------
    ValueError
        An unknown ``engine``, or ``overrides`` given with a Scenario object.
    ModelClassError
        A ``model_class`` reference that does not load (a ValueError too).
    InputError
        A scenario file (with its overrides) that does not validate.
    """
    scenario, engine, model_class, ref, note = _prepare(
        scenario, replications, seed, overrides, engine, model_class, workers
    )
    n = scenario.replications
    started = time.perf_counter()
    parts: dict[str, list[pd.DataFrame]] = {}
    failures: dict[int, tuple[int, str]] = {}
    if engine == "mesa":
        assert model_class is not None
        done = _mesa_runs(scenario, n, deterministic, model_class, ref, workers, progress)
        for k, tables_k, failure in done:
            if failure is not None:
                failures[k] = failure
            for name, frame in tables_k.items():
                parts.setdefault(name, []).append(frame)
    else:
        for block, block_failures in _batch_blocks(scenario, deterministic, progress):
            failures.update(block_failures)
            for name, frame in block.items():
                parts.setdefault(name, []).append(frame)
    tables = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    manifest = _manifest(
        scenario,
        deterministic,
        engine,
        note,
        model_class,
        ref,
        workers,
        failures,
        command,
        time.perf_counter() - started,
    )
    return RunResult(scenario=scenario, tables=tables, manifest=manifest)


def outcomes(
    scenario: Scenario | str | Path,
    measures: list[str],
    replications: int | None = None,
    seed: int | None = None,
    overrides: dict[str, Any] | list[str] | None = None,
    deterministic: bool = False,
) -> pd.DataFrame:
    """Reduced measures of each replication, at the batch engine's sweep speed.

    What a wrapper (EMA Workbench, a notebook loop, an optimiser) needs of a run: one
    number per measure and replication, without the tidy tables or the event log.
    The engine records only the measures asked for (and those the scenario's
    reactions read), as a sweep does, so a set of replications costs a small part of
    :func:`run`'s time; the values are those of :func:`run`'s tables, reduced.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A Scenario or the path of a scenario file.
    measures : list of str
        Measures (each once) in the sweep syntax, ``name[.A[.B]][:reducer]`` (``balance``,
        ``capability.PRK:max``, ``deterrence.KOR.PRK:mean``); no reducer is ``last``.
    replications, seed, overrides, deterministic
        As for :func:`run`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``replication``: its ``seed``, ``failed`` (the run left the model's
        domain, its measures then NaN) and one column per measure, as written.

    Raises
    ------
    InputError
        A scenario that does not validate, or an unknown measure (named, with the
        closest valid one).
    """
    from .errors import InputError, Problem
    from .measures import reduce
    from .scenario.paths import PathError, parse_measure

    scenario, *_ = _prepare(scenario, replications, seed, overrides, "batch", None, 1)
    if isinstance(measures, str):
        measures = [measures]
    repeated = sorted({m for m in measures if list(measures).count(m) > 1})
    if repeated:
        raise InputError(
            [Problem("measures", "", None, f"{repeated[0]!r} is asked for twice", "name it once")]
        )
    specs = []
    for k, text in enumerate(measures):
        try:
            specs.append(parse_measure(text, list(scenario.codes)))
        except PathError as exc:
            raise InputError([Problem("measures", str(k), None, str(exc), exc.hint)]) from None
    if not specs:
        raise InputError(
            [Problem("measures", "", None, "no measure given", "name one, e.g. balance")]
        )
    n = scenario.replications
    size, _ = block_runs(scenario)
    codes = list(scenario.codes)
    seeds = [replication_seed(scenario.seed, k) for k in range(n)]
    columns: dict[str, list] = {m.text: [] for m in specs}
    failed = []
    for first in range(0, n, size):
        ks = list(range(first, min(n, first + size)))
        block = run_batch(
            [scenario] * len(ks),
            ks,
            seeds=seeds[first : first + len(ks)],
            deterministic=deterministic,
            keep_log=False,
            keep={m.name for m in specs},
        )
        bad = np.asarray(block.failed, dtype=bool)
        failed.append(bad)
        for m in specs:
            values = reduce(
                block.series(m.name, tuple(codes.index(c) for c in m.actors)),
                m.reducer,
                scenario.dt,
            )
            columns[m.text].append(np.where(bad, np.nan, values))
    frame = pd.DataFrame(
        {
            "seed": seeds,
            "failed": np.concatenate(failed),
            **{k: np.concatenate(v) for k, v in columns.items()},
        },
        index=pd.RangeIndex(n, name="replication"),
    )
    return frame


def run_saved(
    scenario: Scenario | str | Path,
    root: str | Path,
    csv: bool = False,
    write_extra: Callable[[RunResult, Path], None] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    overrides: dict[str, Any] | list[str] | None = None,
    deterministic: bool = False,
    progress: Callable[[int, int], None] | None = None,
    command: str | None = None,
    engine: str = "batch",
    model_class: type[GeoModel] | str | None = None,
    workers: int = 1,
    memory: int | None = None,
) -> RunResult:
    """Run replications of a scenario into a results folder, in bounded memory.

    What :func:`run` followed by :meth:`RunResult.save` gives, byte for byte while the
    tables fit in ``memory`` bytes.  On the batch engine a larger run streams: each
    block of replications (:func:`block_runs`) goes to the folder as it finishes
    (:class:`~sim.results.TableSink`), so that memory stays near ``memory`` plus one
    block whatever the replications and the horizon; the tables hold the same rows.
    The summary then comes from every replication's end state, and the result's
    tables (for its figures) from the first replications', said in
    :attr:`RunResult.subset`.  The mesa path runs in memory, as :func:`run`.

    Parameters
    ----------
    scenario : Scenario, str or pathlib.Path
        A Scenario or the path of a scenario file.
    root : str or pathlib.Path
        Results root: the folder is ``root/<scenario name>/<UTC timestamp>-<hash8>/``.
    csv : bool
        Write the tables as CSV instead of Parquet.
    write_extra : callable, optional
        Called as ``write_extra(result, folder)`` to add files (figures, scores) to
        the temporary folder before it is renamed into place.
    replications, seed, overrides, deterministic, progress, command, engine, \
model_class, workers
        As for :func:`run`.
    memory : int, optional
        Most bytes of tables kept in memory (default :data:`~sim.results.SHOWN_MEMORY`).

    Returns
    -------
    RunResult
        With its :attr:`~RunResult.path`; every replication's tables when they fit
        in ``memory``, else the first replications' and the end state of all.
    """
    scenario, engine, model_class, ref, note = _prepare(
        scenario, replications, seed, overrides, engine, model_class, workers
    )
    if engine == "mesa":
        result = run(
            scenario,
            deterministic=deterministic,
            progress=progress,
            command=command,
            engine=engine,
            model_class=model_class if ref is None else ref,
            workers=workers,
        )
        result.save(
            root,
            csv=csv,
            write_extra=None if write_extra is None else (lambda tmp: write_extra(result, tmp)),
        )
        return result
    n = scenario.replications
    started = time.perf_counter()
    failures: dict[int, tuple[int, str]] = {}
    ends = []
    parent = Path(root) / safe_name(scenario.name)
    with atomic_folder(parent, run_hash(scenario)[:8]) as (tmp, final):
        (tmp / "scenario.yaml").write_text(scenario.to_yaml(), encoding="utf-8")
        limit = results.SHOWN_MEMORY if memory is None else memory
        sink = TableSink(tmp, csv=csv, memory=limit)
        for block, block_failures in _batch_blocks(scenario, deterministic, progress):
            failures.update(block_failures)
            ends.append(end_values(block))
            sink.add(block, set(block_failures))
        tables = sink.close()
        manifest = _manifest(
            scenario,
            deterministic,
            engine,
            note,
            model_class,
            ref,
            workers,
            failures,
            command,
            time.perf_counter() - started,
        )
        kept = int(tables["measures"]["replication"].nunique()) if "measures" in tables else 0
        subset = ""
        if not sink.complete:
            subset = f"the first {kept:,} of {n:,} replications"
            if failures:
                subset = (
                    f"the first {kept:,} of the {n - len(failures):,} replications "
                    "that stayed in the model's domain"
                )
        end = pd.concat(ends) if len(ends) > 1 else ends[0]
        result = RunResult(scenario, tables, manifest, None, None if sink.complete else end, subset)
        result.summary().to_csv(tmp / "summary.csv", index=False)
        if write_extra is not None:
            write_extra(result, tmp)
        manifest = dict(manifest)
        if not sink.complete:
            manifest["streamed"] = True  # the tables went to the folder block by block
        manifest["format"] = "csv" if csv else "parquet"
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, default=str), encoding="utf-8"
        )
    result.path = final
    return result


def _prepare(
    scenario: Scenario | str | Path,
    replications: int | None,
    seed: int | None,
    overrides: dict[str, Any] | list[str] | None,
    engine: str,
    model_class: type[GeoModel] | str | None,
    workers: int,
) -> tuple[Scenario, str, type[GeoModel] | None, str | None, str | None]:
    """The resolved scenario, engine, model class, its reference and the engine note."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    note = None
    ref = None
    if model_class is not None or engine == "mesa":
        from .engine.custom import load_model_class, reference
        from .engine.model import GeoModel  # imports mesa

        if isinstance(model_class, str):
            ref, model_class = model_class, load_model_class(model_class)
        model_class = model_class or GeoModel
        if model_class is not GeoModel:
            if workers > 1 and ref is None:
                ref = reference(model_class)
            if engine == "batch":
                note = (
                    f"{model_class.__name__} is not GeoModel: the batch engine cannot run it, "
                    "so the mesa path was used"
                )
                warnings.warn(note, stacklevel=3)
                engine = "mesa"
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("pass overrides with a scenario path, or apply them with resolve()")
    updates: dict[str, Any] = {}
    if replications is not None:
        updates["replications"] = int(replications)
    if seed is not None:
        updates["seed"] = int(seed)
    if updates:
        scenario = Scenario.model_validate({**scenario.model_dump(by_alias=True), **updates})
    return scenario, engine, model_class, ref, note


def _batch_blocks(
    scenario: Scenario, deterministic: bool, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[dict[str, pd.DataFrame], dict[int, tuple[int, str]]]]:
    """Each block's tables (``replication`` numbered in the run) and failures, in order."""
    n = scenario.replications
    size, part = block_runs(scenario)
    for first in range(0, n, size):
        ks = list(range(first, min(n, first + size)))
        block = run_batch([scenario] * len(ks), ks, deterministic=deterministic)
        for a in range(0, len(ks), part):
            b = min(len(ks), a + part)
            tables = {}
            for name, frame in block.tables_of(a, b).items():
                frame = frame.rename(columns={"run": "replication"})
                frame["replication"] = frame["replication"] + first + a
                tables[name] = frame
            failures = {first + r: where for r, where in block.failures.items() if a <= r < b}
            yield tables, failures
        del block  # before the next block is made: one recording in memory at a time
        if progress is not None:
            progress(ks[-1] + 1, n)


def _manifest(
    scenario: Scenario,
    deterministic: bool,
    engine: str,
    note: str | None,
    model_class: type | None,
    ref: str | None,
    workers: int,
    failures: dict[int, tuple[int, str]],
    command: str | None,
    wall: float,
) -> dict[str, Any]:
    """The manifest of a run (:func:`run` lists its entries)."""
    n = scenario.replications
    return {
        "scenario": scenario.name,
        "hash": run_hash(scenario),
        "root_seed": scenario.seed,
        "replications": n,
        "seeds": [replication_seed(scenario.seed, k) for k in range(n)],
        "deterministic": deterministic,
        "engine": engine,
        "engine_note": note,
        "model_class": None if model_class is None else _class_name(model_class, ref),
        "workers": workers if engine == "mesa" else 1,
        "failed_replications": sorted(failures),
        "failures": [
            {
                "replication": k,
                "step": step,
                "date": scenario.date_of(step),
                "where": where,
            }
            for k, (step, where) in sorted(failures.items())
        ],
        "command": command,
        "wall_time_s": round(wall, 3),
        **environment(),
    }


def _mesa_replication(
    scenario: Scenario, k: int, deterministic: bool, model: type[GeoModel] | str
) -> tuple[int, dict[str, pd.DataFrame], tuple[int, str] | None]:
    """Run replication k on the mesa path; (k, its tables, where it left its domain)."""
    if isinstance(model, str):
        from .engine.custom import load_model_class

        model = load_model_class(model)
    run_k = model(scenario, replication=k, deterministic=deterministic).run()
    return k, run_k.tables(), getattr(run_k, "failure", None)


def _mesa_runs(
    scenario: Scenario,
    n: int,
    deterministic: bool,
    model_class: type[GeoModel],
    ref: str | None,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[int, dict[str, pd.DataFrame], tuple[int, str] | None]]:
    """Replications 0..n-1 on the mesa path, in order; in a worker pool if ``workers`` > 1."""
    if workers <= 1 or n <= 1:
        out = []
        for k in range(n):
            out.append(_mesa_replication(scenario, k, deterministic, model_class))
            if progress is not None:
                progress(k + 1, n)
        return out
    from concurrent.futures import as_completed

    from .parallel import pool

    target: type[GeoModel] | str = ref if ref is not None else model_class
    results: dict[int, tuple[int, dict[str, pd.DataFrame], tuple[int, str] | None]] = {}
    with pool(min(workers, n)) as executor:
        futures = [
            executor.submit(_mesa_replication, scenario, k, deterministic, target) for k in range(n)
        ]
        for future in as_completed(futures):
            k, tables_k, failure = future.result()
            results[k] = (k, tables_k, failure)
            if progress is not None:
                progress(len(results), n)
    return [results[k] for k in range(n)]


def _class_name(model_class: type, ref: str | None) -> str:
    return ref if ref is not None else f"{model_class.__module__}:{model_class.__qualname__}"


def run_hash(scenario: Scenario) -> str:
    """Hash of the resolved scenario, its root seed and replication count.

    Parameters
    ----------
    scenario : Scenario
        The resolved scenario, with the seed and replications it is run with.

    Returns
    -------
    str
        The SHA-256 hex digest; its first 8 digits name the results folder.
    """
    text = f"{scenario.digest()}:{scenario.seed}:{scenario.replications}"
    return hashlib.sha256(text.encode()).hexdigest()
