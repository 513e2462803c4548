"""Running replications of a scenario: the Python side of ``geosim run``.

``run(scenario, replications=50)`` runs replications 0..R-1 of the scenario, each
seeded by (root seed, replication index) only, and returns a
:class:`~sim.results.RunResult` with tidy tables.  The batch engine
(:mod:`sim.engine.batch`) runs the replications in chunks of :data:`CHUNK` by default;
``engine="mesa"`` runs each replication as a :class:`~sim.engine.model.GeoModel`, in
this process or in a pool of workers (:mod:`sim.parallel`).  Both give the same
tables.  A user's GeoModel subclass (``docs/extending.md``) runs on the mesa path.
Nothing here prints: progress goes to an optional callback.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .engine import ENGINES
from .engine.batch import run_batch
from .random import replication_seed
from .results import RunResult, environment
from .scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from .engine.model import GeoModel

CHUNK = 256
"""Runs per block of the batch engine (bounds memory: about 60 kB per run and step)."""


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
                warnings.warn(note, stacklevel=2)
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
        for first in range(0, n, CHUNK):
            ks = list(range(first, min(n, first + CHUNK)))
            block = run_batch([scenario] * len(ks), ks, deterministic=deterministic)
            failures.update({first + r: where for r, where in block.failures.items()})
            for name, frame in block.tables.items():
                frame = frame.rename(columns={"run": "replication"})
                frame["replication"] = frame["replication"] + first
                parts.setdefault(name, []).append(frame)
            if progress is not None:
                progress(ks[-1] + 1, n)
    tables = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    wall = time.perf_counter() - started
    digest = run_hash(scenario)
    manifest = {
        "scenario": scenario.name,
        "hash": digest,
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
    return RunResult(scenario=scenario, tables=tables, manifest=manifest)


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
