"""Parameter sweeps: sweep files, samplers, executors and a resumable Parquet store.

A sweep file (``scenarios/sweeps/*.yaml``, see ``docs/sweeps.md``) names a base
scenario, parameters by the scenario path syntax, how to sample them (``grid``,
``random`` or ``lhs``), replications per point, the root seed and the measures to
keep (reduced per run, ``balance:last``, and optionally full trajectories).

**Seeds and ids.** Replication k of every point uses ``replication_seed(root, k)``:
common random numbers across points, so a point equal to the base scenario
reproduces ``geosim run`` replication k exactly.  A run id hashes (resolved
scenario, point parameters, k).

**Store.** ``OUT/<name>-<hash8>/`` (the hash of the resolved sweep, so that
``--resume`` finds it) holds ``sweep.yaml``, ``manifest.json``, ``points.parquet``
and ``shards/``: each chunk of runs writes ``values-*.parquet`` (long, tidy:
run_id, point, replication, seed, measure, value), ``trajectories-*.parquet`` if
asked, and last ``runs-*.parquet`` (point, parameters, replication, seed, status,
wall time, error, host), each atomically (temporary name, then rename).  A run is
finished when a runs shard lists it; the loader drops duplicates by run id, so a
worker that outlived a killed parent is harmless, and ``--resume`` skips finished
runs.  A run that raises is recorded as failed with its error; the sweep goes on.

**Executors.** ``local`` (a process pool, default) or ``dask``
(``distributed``: a LocalCluster on loopback, or ``--scheduler ADDRESS``).  Workers
run chunks through the batch engine and write their shards; they return small
records only.  The result does not depend on the number of workers or their order.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .batch import BatchUnsupported, run_batch, structure_key
from .measures import reduce
from .random import replication_seed
from .scenario import (
    MeasureSpec,
    PathError,
    Scenario,
    _field_problems,
    load_tree,
    parse_measure,
    parse_path,
    resolve,
)
from .state import compile_structure
from .yamlio import InputError, Problem, Y, load_file

CHUNK = 1024
"""Most runs per chunk (one batch-engine block and one set of shards).  Sweeps keep only
their measures, so a chunk's memory stays small; blocks of about a thousand runs are
the batch engine's fastest on these machines (benchmarks/engine_speed.py)."""

MIN_CHUNK = 64
"""Fewest runs per chunk when a small sweep is split to give every worker work."""

CHUNKS_PER_WORKER = 4
"""A small sweep is cut into at least this many chunks per worker (load balance)."""

KILL_AFTER_ENV = "GEOSIM_TEST_KILL_AFTER_SHARDS"
"""Test hook: the parent SIGKILLs itself after this many shards were recorded."""

FAIL_POINTS_ENV = "GEOSIM_TEST_FAIL_POINTS"
"""Test hook: runs of these points (comma-separated indices) raise inside the worker."""

CHUNK_ENV = "GEOSIM_SWEEP_CHUNK"
"""Runs per chunk, overriding CHUNK (smaller chunks: finer progress and resume)."""


# --------------------------------------------------------------------------- schema


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParamSpec(_Frozen):
    """How one parameter varies: ``values``, ``range`` with ``steps``, or a distribution."""

    values: list[Any] | None = Field(None, description="Explicit values (any method).")
    range: tuple[float, float] | None = Field(None, description="[low, high] bounds.")
    steps: Annotated[int, Field(ge=2, le=10_000)] | None = Field(
        None, description="Grid points over the range (grid)."
    )
    distribution: Literal["uniform", "loguniform", "normal"] = Field(
        "uniform", description="For random and lhs: how to draw within the range."
    )
    mean: float | None = None
    sd: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> ParamSpec:
        if self.values is None and self.range is None and self.mean is None:
            raise ValueError(
                "give values: [...], range: [low, high] (with steps: for a grid), "
                "or distribution: normal with mean: and sd:"
            )
        if self.values is not None and self.range is not None:
            raise ValueError("give either values or range, not both")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError("range must be [low, high] with low < high")
        if self.distribution == "loguniform" and self.range is not None and self.range[0] <= 0:
            raise ValueError("a loguniform range needs low > 0")
        if self.distribution == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs mean: and sd:")
        return self


class SweepSpec(_Frozen):
    """A sweep file, validated."""

    schema_version: Literal[1]
    kind: Literal["sweep"] = "sweep"
    name: str
    description: str | None = None
    base: str = Field(description="Base scenario, relative to the sweep file.")
    method: Literal["grid", "random", "lhs", "sobol", "morris"] = "grid"
    samples: Annotated[int, Field(ge=1, le=10_000_000)] | None = Field(
        None, description="Points to draw (random, lhs) or base sample size (sobol, morris)."
    )
    replications: Annotated[int, Field(ge=1, le=100_000)] = 10
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = Field(
        None, description="Root seed (default: the base scenario's)."
    )
    sample_seed: Annotated[int, Field(ge=0, lt=2**63)] = Field(
        0, description="Seed of the sampler (random, lhs, sobol, morris)."
    )
    parameters: dict[str, ParamSpec]
    groups: dict[str, str] | None = Field(
        None, description="Morris/Sobol groups: parameter path -> group name."
    )
    measures: list[str] = Field(min_length=1, description="Reduced per run: name[.A[.B]]:reducer")
    trajectories: list[str] = Field(default_factory=list, description="Kept step by step.")
    levels: Annotated[int, Field(ge=2, le=32)] = Field(4, description="Morris grid levels.")
    second_order: bool = Field(False, description="Sobol: also S2.")
    out: str = Field("results", description="Output root, relative to the working directory.")

    @model_validator(mode="after")
    def _method_needs(self) -> SweepSpec:
        if not self.parameters:
            raise ValueError("a sweep needs at least one parameter")
        if self.method in ("random", "lhs", "sobol", "morris") and self.samples is None:
            raise ValueError(f"method {self.method} needs samples:")
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError("sobol samples must be a power of 2 (e.g. 256)")
        for path, p in self.parameters.items():
            if self.method == "grid" and p.values is None and p.steps is None:
                raise ValueError(f"grid parameter {path} needs values: or range: with steps:")
            if self.method in ("sobol", "morris") and p.range is None:
                raise ValueError(f"{self.method} parameter {path} needs range: [low, high]")
        return self


@dataclass
class Sweep:
    """A validated sweep: the spec, its file, the base scenario tree and the points."""

    spec: SweepSpec
    file: Path
    base_tree: Y
    base: Scenario
    points: pd.DataFrame  # one row per point, one column per parameter path
    measures: list[MeasureSpec]
    trajectories: list[MeasureSpec]
    problem: Any = None  # SALib problem dict for sobol / morris

    @property
    def root_seed(self) -> int:
        return self.spec.seed if self.spec.seed is not None else self.base.seed

    @property
    def runs(self) -> int:
        return len(self.points) * self.spec.replications

    def digest(self) -> str:
        text = json.dumps(
            {"spec": self.spec.model_dump(mode="json"), "base": self.base.digest()},
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def folder(self, out: str | Path | None = None) -> Path:
        root = Path(out if out is not None else self.spec.out)
        return root / f"{self.spec.name}-{self.digest()[:8]}"

    def point_columns(self, point: int) -> dict[str, Any]:
        """``{"param:PATH": value}`` of a point, for the runs table (cached)."""
        cache = self.__dict__.setdefault("_point_columns", {})
        if point not in cache:
            row = self.points.iloc[point]
            cache[point] = {f"param:{k}": _plain(v) for k, v in row.items()}
        return cache[point]

    def scenario(self, point: int) -> Scenario:
        """The resolved scenario of a point (cached)."""
        cache = self.__dict__.setdefault("_scenarios", {})
        if point not in cache:
            overrides = {k: _plain(v) for k, v in self.points.iloc[point].items()}
            cache[point] = resolve(self.base_tree, overrides)
        return cache[point]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def is_sweep_file(path: str | Path) -> bool:
    """Whether a YAML file is a sweep file (``kind: sweep`` or a ``base:`` key)."""
    try:
        tree = load_file(path)
    except InputError:
        return False
    data = tree.value
    kind = data.get("kind")
    return (kind is not None and kind.value == "sweep") or "base" in data


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file, its base scenario, parameters, points and measures."""
    path = Path(path)
    tree = load_file(path)
    problems: list[Problem] = []
    data = tree.value if isinstance(tree.value, dict) else {}
    if "base" not in data and "kind" not in data and ("actors" in data or "extends" in data):
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    tree.line,
                    "this is a scenario file, not a sweep file",
                    "run it with geosim run, or write a sweep file (kind: sweep, base: "
                    "this file, parameters, measures; see docs/sweeps.md)",
                )
            ]
        )
    try:
        spec = SweepSpec.model_validate(tree.plain())
    except ValidationError as exc:
        raise InputError(_field_problems(tree, exc, str(path), SweepSpec)) from None
    base_path = (path.parent / spec.base).resolve()

    def where(*keys: str) -> tuple[str, int | None]:
        node = tree
        for k in keys:
            if isinstance(node.value, dict) and k in node.value:
                node = node.value[k]
        return node.file, node.line

    if not base_path.exists():
        file, line = where("base")
        raise InputError(
            [
                Problem(
                    file,
                    "base",
                    line,
                    f"base scenario {spec.base!r} not found (looked for {base_path})",
                    "base: is relative to the folder of the sweep file",
                )
            ]
        )
    base_tree = load_tree(base_path)
    base = resolve(base_tree)
    for p in spec.parameters:
        try:
            ref = parse_path(p, base.codes, base.categories)
            if ref.kind == "run":
                raise PathError(
                    f"{p!r} is a run setting, not a model parameter",
                    "sweep doctrine, model, actor, dyad, trade or sanctions paths",
                )
        except PathError as exc:
            file, line = where("parameters", p)
            problems.append(Problem(file, f"parameters.{p}", line, str(exc), exc.hint))
    measures, trajectories = [], []
    for key, target in (("measures", measures), ("trajectories", trajectories)):
        for i, m in enumerate(getattr(spec, key)):
            try:
                parsed = parse_measure(m, base.codes)
                if key == "trajectories" and parsed.reducer is not None:
                    raise PathError(f"a trajectory keeps every step: drop :{parsed.reducer}")
                target.append(parsed)
            except PathError as exc:
                file, line = where(key)
                problems.append(Problem(file, f"{key}[{i}]", line, str(exc), exc.hint))
    if problems:
        raise InputError(problems)
    points, problem = sample_points(spec)
    sweep = Sweep(spec, path, base_tree, base, points, measures, trajectories, problem)
    _validate_points(sweep, where)
    return sweep


def _validate_points(sweep: Sweep, where: Callable) -> None:
    """Every distinct value of each parameter must validate on the base scenario."""
    problems: list[Problem] = []
    for col in sweep.points.columns:
        values = sweep.points[col]
        candidates = sorted({_plain(v) for v in values}, key=str)
        if len(candidates) > 50:
            candidates = [values.min(), values.max()]
        for v in candidates:
            try:
                resolve(sweep.base_tree, {col: _plain(v)})
            except InputError as exc:
                file, line = where("parameters", col)
                for p in exc.problems:
                    problems.append(
                        Problem(
                            file,
                            f"parameters.{col}",
                            line,
                            f"value {v!r} is not valid: {p.message}",
                            p.hint,
                        )
                    )
                break
    if problems:
        raise InputError(problems)


# --------------------------------------------------------------------------- samplers


def _grid_values(p: ParamSpec) -> list[Any]:
    if p.values is not None:
        return list(p.values)
    low, high = p.range
    return [float(x) for x in np.linspace(low, high, p.steps)]


def _scale(u: np.ndarray, p: ParamSpec) -> np.ndarray:
    """Map uniforms in [0, 1) to the parameter's distribution."""
    from scipy.stats import norm

    if p.values is not None:
        idx = np.minimum((u * len(p.values)).astype(int), len(p.values) - 1)
        return np.array(p.values, dtype=object)[idx]
    if p.distribution == "normal":
        return p.mean + p.sd * norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))
    low, high = p.range
    if p.distribution == "loguniform":
        return np.exp(np.log(low) + u * (np.log(high) - np.log(low)))
    return low + u * (high - low)


def sample_points(spec: SweepSpec) -> tuple[pd.DataFrame, Any]:
    """The points of a sweep (one row each) and, for sobol/morris, the SALib problem."""
    names = list(spec.parameters)
    problem = None
    if spec.method == "grid":
        grids = [_grid_values(spec.parameters[n]) for n in names]
        rows = list(itertools.product(*grids))
        frame = pd.DataFrame(rows, columns=names)
    elif spec.method in ("random", "lhs"):
        d = len(names)
        if spec.method == "random":
            u = np.random.default_rng(spec.sample_seed).random((spec.samples, d))
        else:
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d=d, seed=spec.sample_seed).random(spec.samples)
        frame = pd.DataFrame({n: _scale(u[:, k], spec.parameters[n]) for k, n in enumerate(names)})
    else:
        from .sensitivity import salib_problem, salib_sample

        problem = salib_problem(spec)
        x = salib_sample(spec, problem)
        frame = pd.DataFrame(x, columns=names)
    for n in names:
        if frame[n].dtype == object:
            try:
                frame[n] = pd.to_numeric(frame[n])
            except (ValueError, TypeError):
                pass
    return frame, problem


# --------------------------------------------------------------------------- running


def run_id(scenario_digest: str, point: int, point_params: dict[str, Any], replication: int) -> str:
    """Hash of (resolved scenario, point index and parameters, replication).

    The point index is part of the id because samplers (Morris) may repeat a point:
    each repetition is its own run, with the same values under common random numbers.
    """
    text = json.dumps(
        [scenario_digest, point, point_params, replication], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep: a point, a replication, its seed and id."""

    run_id: str
    point: int
    replication: int
    seed: int


def plan(sweep: Sweep) -> list[RunTask]:
    """Every run of the sweep, in a fixed order (point-major).

    A point's resolved scenario is a function of the base scenario and the point's
    parameters, so the id hashes those (with the replication) without resolving it.
    """
    tasks = []
    digest = sweep.base.digest()
    seeds = [replication_seed(sweep.root_seed, k) for k in range(sweep.spec.replications)]
    for p, row in enumerate(sweep.points.itertuples(index=False)):
        params = {k: _plain(v) for k, v in zip(sweep.points.columns, row, strict=True)}
        for k in range(sweep.spec.replications):
            tasks.append(RunTask(run_id(digest, p, params, k), p, k, seeds[k]))
    return tasks


def chunks(tasks: list[RunTask], size: int = CHUNK) -> Iterator[list[RunTask]]:
    for i in range(0, len(tasks), size):
        yield tasks[i : i + size]


_WORKER_SWEEPS: dict[tuple[str, float], Sweep] = {}


def _worker_sweep(file: str) -> Sweep:
    """The sweep of a file, loaded once per worker process."""
    key = (file, Path(file).stat().st_mtime)
    if key not in _WORKER_SWEEPS:
        _WORKER_SWEEPS.clear()
        _WORKER_SWEEPS[key] = load_sweep(file)
    return _WORKER_SWEEPS[key]


def execute_chunk(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Run one chunk and write its shards; return one small record per run (worker side)."""
    sweep: Sweep = _worker_sweep(job["file"]) if job.get("sweep") is None else job["sweep"]
    tasks: list[RunTask] = job["tasks"]
    folder = Path(job["folder"])
    host = socket.gethostname()
    started = time.perf_counter()
    records, values, trajs = [], [], []
    scenarios = {p: sweep.scenario(p) for p in sorted({t.point for t in tasks})}
    keys = {p: structure_key(compile_structure(s)) for p, s in scenarios.items()}
    groups: dict[str, list[RunTask]] = {}
    for t in tasks:
        groups.setdefault(keys[t.point], []).append(t)
    for group in groups.values():
        try:
            _run_group(sweep, scenarios, group, records, values, trajs, host, started)
        except Exception:
            for t in group:  # isolate the failing runs
                try:
                    _run_group(sweep, scenarios, [t], records, values, trajs, host, started)
                except Exception as exc:  # noqa: BLE001 - record any failure of user input
                    records.append(
                        _record(sweep, t, "failed", 0.0, f"{type(exc).__name__}: {exc}", host)
                    )
    name = hashlib.sha256("".join(t.run_id for t in tasks).encode()).hexdigest()[:16]
    shards = folder / "shards"
    if values:
        _atomic_parquet(pd.DataFrame(values), shards / f"values-{name}.parquet")
    if trajs:
        _atomic_parquet(pd.DataFrame(trajs), shards / f"trajectories-{name}.parquet")
    _atomic_parquet(pd.DataFrame(records), shards / f"runs-{name}.parquet")
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


def _run_group(sweep, scenarios, group, records, values, trajs, host, started) -> None:
    t0 = time.perf_counter()
    fail = {int(p) for p in os.environ.get(FAIL_POINTS_ENV, "").split(",") if p.strip()}
    if any(t.point in fail for t in group):
        raise RuntimeError(f"test failure injected by {FAIL_POINTS_ENV}")
    specs = [scenarios[t.point] for t in group]
    names = {m.name for m in (*sweep.measures, *sweep.trajectories)}
    block = run_batch(
        specs,
        [t.replication for t in group],
        seeds=[t.seed for t in group],
        keep_log=False,
        keep=names,
    )
    codes = specs[0].codes
    dt = specs[0].dt
    reduced = {}
    for m in sweep.measures:
        idx = tuple(codes.index(c) for c in m.actors)
        reduced[m.text] = reduce(block.series(m.name, idx), m.reducer, dt)
    series = {}
    for m in sweep.trajectories:
        idx = tuple(codes.index(c) for c in m.actors)
        series[m.text] = block.series(m.name, idx)
    wall = (time.perf_counter() - t0) / len(group)
    new_values, new_trajs, new_records = [], [], []
    for r, t in enumerate(group):
        failed = bool(block.failed[r])
        new_records.append(
            _record(
                sweep,
                t,
                "failed" if failed else "ok",
                wall,
                "state became non-finite" if failed else "",
                host,
            )
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


def _atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def finished_runs(folder: Path) -> set[str]:
    """Run ids recorded in runs shards (finished, ok or failed)."""
    done: set[str] = set()
    for shard in sorted((folder / "shards").glob("runs-*.parquet")):
        done.update(pd.read_parquet(shard, columns=["run_id"])["run_id"])
    return done


def prepare(sweep: Sweep, out: str | Path | None = None, resume: bool = False) -> Path:
    """Create (or, with resume, reuse) the sweep folder and write its fixed files."""
    folder = sweep.folder(out)
    if folder.exists() and not resume and any((folder / "shards").glob("runs-*.parquet")):
        raise InputError(
            [
                Problem(
                    str(sweep.file),
                    "",
                    None,
                    f"the sweep folder {folder} already holds runs",
                    "add --resume to finish it, or delete the folder to start over",
                )
            ]
        )
    (folder / "shards").mkdir(parents=True, exist_ok=True)
    _atomic_text(
        yaml.safe_dump(sweep.spec.model_dump(mode="json"), sort_keys=False), folder / "sweep.yaml"
    )
    _atomic_text(sweep.base.to_yaml(), folder / "base_scenario.yaml")
    points = sweep.points.copy()
    points.insert(0, "point", range(len(points)))
    _atomic_parquet(
        points.astype(
            {c: "float64" for c in points.columns[1:] if pd.api.types.is_numeric_dtype(points[c])}
        ),
        folder / "points.parquet",
    )
    return folder


def run_sweep(
    sweep: Sweep | str | Path,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
) -> Path:
    """Run (or resume) a sweep; return its folder.  See the module docstring.

    Chunks hold ``chunk_size`` runs; by default :data:`CHUNK`, fewer for a small sweep
    so that each worker gets several.  Results do not depend on the chunks: a run's
    numbers are the same whichever block it shares.
    """
    from .results import environment

    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep)
    folder = prepare(sweep, out, resume)
    tasks = plan(sweep)
    done = finished_runs(folder) if resume else set()
    todo = [t for t in tasks if t.run_id not in done]
    if chunk_size is None:
        share = -(-len(todo) // (CHUNKS_PER_WORKER * max(1, workers)))
        chunk_size = max(MIN_CHUNK, min(CHUNK, share))
    chunk_size = int(os.environ.get(CHUNK_ENV, chunk_size))
    jobs = [
        {"file": str(sweep.file), "tasks": c, "folder": str(folder)}
        for c in chunks(todo, chunk_size)
    ]
    total, completed = len(tasks), len(tasks) - len(todo)
    started = time.perf_counter()
    if progress:
        progress(completed, total)
    kill_after = int(os.environ.get(KILL_AFTER_ENV, "0") or 0)
    shards_seen = 0

    def on_done(records: list[dict]) -> None:
        nonlocal completed, shards_seen
        completed += len(records)
        shards_seen += 1
        if progress:
            progress(completed, total)
        if kill_after and shards_seen >= kill_after:
            import signal

            os.kill(os.getpid(), signal.SIGKILL)

    if executor == "local":
        _run_local(jobs, workers, sweep, on_done)
    elif executor == "dask":
        _run_dask(jobs, workers, scheduler, on_done)
    else:
        raise ValueError(f"unknown executor {executor!r}; use local or dask")
    manifest = {
        "sweep": sweep.spec.name,
        "hash": sweep.digest(),
        "root_seed": sweep.root_seed,
        "points": len(sweep.points),
        "replications": sweep.spec.replications,
        "runs": total,
        "executor": executor,
        "workers": workers,
        "wall_time_s": round(time.perf_counter() - started, 3),
        **environment(),
    }
    _atomic_text(json.dumps(manifest, indent=2, default=str), folder / "manifest.json")
    return folder


def _run_local(jobs, workers: int, sweep: Sweep, on_done) -> None:
    if workers <= 1:
        for job in jobs:
            on_done(execute_chunk({**job, "sweep": sweep}))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = mp.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = [pool.submit(execute_chunk, job) for job in jobs]
        for fut in as_completed(futures):
            on_done(fut.result())


def _run_dask(jobs, workers: int, scheduler: str | None, on_done) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
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
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
        )
        client = Client(cluster)
    try:
        futures = client.map(execute_chunk, jobs, pure=False)
        for fut in as_completed(futures):
            on_done(fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- loading


@dataclass
class SweepResult:
    """Tidy frames of a sweep folder."""

    folder: Path
    spec: SweepSpec
    points: pd.DataFrame
    runs: pd.DataFrame
    values: pd.DataFrame
    trajectories: pd.DataFrame
    manifest: dict[str, Any]

    def wide(self) -> pd.DataFrame:
        """One row per finished run: point, replication, parameters, one column per measure."""
        v = self.values.pivot_table(
            index=["run_id", "point", "replication"], columns="measure", values="value"
        ).reset_index()
        v.columns.name = None
        return (
            v.merge(self.points, on="point", how="left")
            .sort_values(["point", "replication"])
            .reset_index(drop=True)
        )


def load(folder: str | Path) -> SweepResult:
    """Load a sweep folder; duplicates (same run id) are dropped, rows sorted by run id."""
    folder = Path(folder)
    if not (folder / "sweep.yaml").exists():
        raise FileNotFoundError(f"{folder} is not a geosim sweep folder (no sweep.yaml)")
    spec = SweepSpec.model_validate(yaml.safe_load((folder / "sweep.yaml").read_text()))
    points = pd.read_parquet(folder / "points.parquet")

    def read(prefix: str, key: list[str]) -> pd.DataFrame:
        parts = [
            pd.read_parquet(p) for p in sorted((folder / "shards").glob(f"{prefix}-*.parquet"))
        ]
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        return frame.drop_duplicates(subset=key).sort_values(key).reset_index(drop=True)

    runs = read("runs", ["run_id"])
    done = set(runs["run_id"]) if len(runs) else set()
    values = read("values", ["run_id", "measure"])
    if len(values):
        values = values[values["run_id"].isin(done)].reset_index(drop=True)
    trajectories = read("trajectories", ["run_id", "measure", "step"])
    if len(trajectories):
        trajectories = trajectories[trajectories["run_id"].isin(done)].reset_index(drop=True)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    return SweepResult(folder, spec, points, runs, values, trajectories, manifest)


def estimate(sweep: Sweep) -> dict[str, Any]:
    """Points, runs and the estimated size on disk of a sweep (for --dry-run)."""
    steps = sweep.base.steps + 1
    value_bytes = 40 * len(sweep.measures)
    traj_bytes = 32 * steps * len(sweep.trajectories)
    run_bytes = 120 + 8 * len(sweep.points.columns)
    total = sweep.runs * (value_bytes + traj_bytes + run_bytes)
    return {
        "points": len(sweep.points),
        "replications": sweep.spec.replications,
        "runs": sweep.runs,
        "measures": len(sweep.measures),
        "trajectories": len(sweep.trajectories),
        "estimated_bytes": int(total),
    }


__all__ = [
    "Sweep",
    "SweepResult",
    "SweepSpec",
    "load",
    "load_sweep",
    "run_sweep",
    "estimate",
    "is_sweep_file",
    "BatchUnsupported",
]
