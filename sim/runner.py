"""Running replications of a scenario: the Python side of ``geosim run``.

``run(scenario, replications=50)`` runs replications 0..R-1 of the scenario, each
seeded by (root seed, replication index) only, and returns a
:class:`~sim.results.RunResult` with tidy tables.  The batch engine
(:mod:`sim.batch`) runs the replications in chunks of :data:`CHUNK` by default;
``engine="mesa"`` runs each replication as a :class:`~sim.model.GeoModel`.  Both
give the same tables.  Nothing here prints: progress goes to an optional callback.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .engine import ENGINES
from .engine.batch import run_batch
from .engine.state import finite_runs
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
    model_class: type[GeoModel] | None = None,
) -> RunResult:
    """Run replications of a scenario.

    Parameters
    ----------
    scenario : a Scenario or the path of a scenario file.
    replications : number of replications (default: the scenario's).
    seed : root seed (default: the scenario's).
    overrides : ``{path: value}`` or ``["PATH=VALUE", ...]`` applied before validation.
    deterministic : run without random draws (one replication is enough).
    progress : called as ``progress(done, total)`` as replications finish.
    engine : ``batch`` (vectorised, default) or ``mesa`` (one GeoModel per replication).
    model_class : a GeoModel subclass (e.g. with subclassed agents; default GeoModel,
        imported with mesa only when used).  The batch engine
        runs only the rules of sim/step.py, so a subclass runs on the mesa path, with a
        warning and a note in the manifest: results never change silently.

    Runs whose state becomes non-finite are listed in ``manifest["failed_replications"]``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    note = None
    if model_class is not None or engine == "mesa":
        from .engine.model import GeoModel  # imports mesa

        model_class = model_class or GeoModel
        if engine == "batch" and model_class is not GeoModel:
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
    failed: list[int] = []
    if engine == "mesa":
        for k in range(n):
            model = model_class(scenario, replication=k, deterministic=deterministic).run()
            if not finite_runs(model.state):
                failed.append(k)
            for name, frame in model.tables().items():
                parts.setdefault(name, []).append(frame)
            if progress is not None:
                progress(k + 1, n)
    else:
        for first in range(0, n, CHUNK):
            ks = list(range(first, min(n, first + CHUNK)))
            block = run_batch([scenario] * len(ks), ks, deterministic=deterministic)
            failed.extend(int(first + r) for r in np.flatnonzero(block.failed))
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
        "failed_replications": failed,
        "command": command,
        "wall_time_s": round(wall, 3),
        **environment(),
    }
    return RunResult(scenario=scenario, tables=tables, manifest=manifest)


def run_hash(scenario: Scenario) -> str:
    """Hash of the resolved scenario, its root seed and replication count."""
    text = f"{scenario.digest()}:{scenario.seed}:{scenario.replications}"
    return hashlib.sha256(text.encode()).hexdigest()
