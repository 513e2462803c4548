"""Parameter sweeps: a sweep file, its points, its runs, and running it.

A sweep file (``scenarios/sweeps/*.yaml``, see ``docs/sweeps.md``) names a base
scenario, parameters by the scenario path syntax, how to sample them, replications
per point, the root seed and the measures to keep (reduced per run,
``balance:last``, and optionally full trajectories).

**Seeds and ids.** Replication k of every point uses ``replication_seed(root, k)``:
common random numbers across points, so a point equal to the base scenario
reproduces ``geosim run`` replication k exactly.  A run id hashes (resolved
scenario, point parameters, k).

**Running.** :func:`run_sweep` plans every run, skips those a resumed store
already holds (:mod:`.store`), cuts the rest into chunks and hands them to an
executor (:mod:`.executors`: a local process pool, or Dask).  The result does not
depend on the number of workers, the chunks or their order.

**Sizes before designs.** :func:`design_size` counts a sweep's points from its file
without drawing them, so that a design too large to run (above :data:`MAX_RUNS`, or
above :data:`sim.results.MEMORY_LIMIT` by :func:`estimate`) is refused in a moment
unless ``force`` is given, and ``--dry-run`` never allocates it: a loaded sweep draws
its points only when they are first needed (:attr:`Sweep.points`).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ..engine.initial import copied_at_start
from ..errors import InputError, Problem
from ..random import replication_seed
from ..registry import Param
from ..results import (
    check_memory,
    check_output_root,
    environment,
    safe_name,
    size_text,
)
from ..scenario import (
    MeasureSpec,
    PathError,
    PathRef,
    Scenario,
    field_problems,
    load_tree,
    parse_measure,
    parse_path,
    resolve,
)
from ..scenario.validate import combined_failures
from ..scenario.yamlio import Y, load_file
from .executors import run_dask, run_local
from .sample import salib_problem, sample_points
from .spec import SweepSpec
from .store import atomic_text, finished_runs, open_store

CHUNK = 1024
"""Most runs per chunk (one batch-engine block and one set of shards).  Sweeps keep only
their measures, so a chunk's memory stays small; blocks of about a thousand runs are
the batch engine's fastest on these machines (benchmarks/engine_speed.py)."""

MIN_CHUNK = 64
"""Fewest runs per chunk when a small sweep is split to give every worker work."""

CHUNKS_PER_WORKER = 4
"""A small sweep is cut into at least this many chunks per worker (load balance)."""

MAX_RUNS = 2_000_000
"""Most runs (points times replications) of a sweep without ``--force``: about 20 minutes
on two workers of the development machine, and 0.5 GB for the parent's plan."""

PARENT_BYTES_PER_RUN = 400
"""Rough memory of the parent per planned run (its task, id and record; measured 250)."""

PARENT_BYTES_PER_VALUE = 100
"""Rough memory of the parent per point and parameter (the design and its validation)."""

WORKER_BYTES = 300 * 10**6
"""Rough memory of one worker process running chunks of a six-actor cast (measured
0.8 GB for a parent and two workers); it grows with the square of the cast."""


@dataclass
class Sweep:
    """A validated sweep: the spec, its file, the base scenario tree and the points.

    ``base_tree`` is the base scenario file as loaded (before resolution, so that each
    point's overrides resolve on it) and ``base`` its resolved form; ``measures`` and
    ``trajectories`` are the parsed ``measures:`` and ``trajectories:`` of the file.
    ``design`` holds the points once drawn (None until then: :attr:`points` draws
    them); ``force`` lifts the size limits when they are drawn; ``lines`` locates
    keys of the sweep file (``"parameters.PATH"`` to its file and line) for messages.
    """

    spec: SweepSpec
    file: Path
    base_tree: Y
    base: Scenario
    design: pd.DataFrame | None  # one row per point, one column per parameter path
    measures: list[MeasureSpec]
    trajectories: list[MeasureSpec]
    problem: Any = None  # SALib problem dict for sobol / morris
    model_class: str | None = None
    """A user's GeoModel subclass as ``module:Class`` or ``file.py:Class``: every run of the
    sweep then takes the mesa path (:mod:`sim.engine.custom`); None: the batch engine."""
    force: bool = False
    lines: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    @property
    def points(self) -> pd.DataFrame:
        """One row per point, one column per parameter path; drawn on first use.

        Drawing checks the size first (:func:`check_size`, lifted by ``force``) and
        validates every distinct value against the base scenario.
        """
        if self.design is None:
            check_size(self, self.force)
            design, _ = sample_points(self.spec)
            _validate_points(self, design)
            self.design = design
        return self.design

    @property
    def n_points(self) -> int:
        """Number of points, counted from the spec without drawing them."""
        return len(self.design) if self.design is not None else design_size(self.spec)

    @property
    def root_seed(self) -> int:
        """The root seed: the sweep file's ``seed:``, else the base scenario's."""
        return self.spec.seed if self.spec.seed is not None else self.base.seed

    @property
    def runs(self) -> int:
        """Number of runs: points times replications."""
        return self.n_points * self.spec.replications

    def digest(self) -> str:
        """Hash of the resolved sweep: its spec, base scenario and model class if any (cached)."""
        cached = self.__dict__.get("_digest")
        if cached is not None:
            return cached
        parts: dict[str, Any] = {
            "spec": self.spec.model_dump(mode="json"),
            "base": self.base.digest(),
        }
        if self.model_class is not None:
            parts["model_class"] = self.model_class
        text = json.dumps(parts, sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()
        self.__dict__["_digest"] = digest
        return digest

    def folder(self, out: str | Path | None = None) -> Path:
        """The sweep's folder, ``OUT/<name>-<hash8>/`` (not created here).

        The hash is that of :meth:`digest`, so rerunning the same resolved sweep with
        ``--resume`` finds the same folder.  The name is made safe for the file system
        (:func:`sim.results.safe_name`): whatever the sweep's ``name:`` holds
        (separators, ``..``, 300 characters), the folder is a child of ``OUT``.

        Parameters
        ----------
        out : str or pathlib.Path, optional
            Output root; default the sweep file's ``out:``.

        Returns
        -------
        pathlib.Path
            The folder's path.
        """
        return self.root(out) / f"{safe_name(self.spec.name)}-{self.digest()[:8]}"

    def root(self, out: str | Path | None = None) -> Path:
        """The output root: ``out``, else the sweep file's ``out:``.

        Parameters
        ----------
        out : str or pathlib.Path, optional
            Output root given on the command line.

        Returns
        -------
        pathlib.Path
            The root the sweep folder goes into.
        """
        return Path(out if out is not None else self.spec.out)

    def where(self, key: str) -> tuple[str, int | None]:
        """(file, line) of a key of the sweep file (``parameters.PATH``), for messages.

        Parameters
        ----------
        key : str
            A dotted key as recorded in :attr:`lines`; unknown keys give the file.

        Returns
        -------
        tuple
            The file and the line (None when unknown).
        """
        return self.lines.get(key, (str(self.file), None))

    def point_columns(self, point: int) -> dict[str, Any]:
        """``{"param:PATH": value}`` of a point, for the runs table (cached).

        Parameters
        ----------
        point : int
            Index of the point, a row of :attr:`points`.

        Returns
        -------
        dict
            One ``param:PATH`` key per parameter path, with the point's value as a
            plain Python number or string.
        """
        cache = self.__dict__.setdefault("_point_columns", {})
        if point not in cache:
            cache[point] = {f"param:{k}": v for k, v in self.point_values(point).items()}
        return cache[point]

    def point_values(self, point: int) -> dict[str, Any]:
        """``{PATH: value}`` of a point, as plain Python numbers or strings.

        Parameters
        ----------
        point : int
            Index of the point, a row of :attr:`points`.
        """
        rows = self.__dict__.get("_rows")
        if rows is None:  # one pass over the design, not a pandas lookup per point
            columns = list(self.points.columns)
            # to_numpy gives each row the common dtype, as a row lookup (.iloc) does
            rows = [
                dict(zip(columns, map(_plain, row), strict=True)) for row in self.points.to_numpy()
            ]
            self.__dict__["_rows"] = rows
        return dict(rows[point])

    def scenario(self, point: int) -> Scenario:
        """The resolved scenario of a point (cached).

        Parameters
        ----------
        point : int
            Index of the point, a row of :attr:`points`.

        Returns
        -------
        Scenario
            The base scenario with the point's values set at their paths, validated.
        """
        cache = self.__dict__.setdefault("_scenarios", {})
        if point not in cache:
            overrides = self.point_values(point)
            fast = self.numeric_paths()
            scenario = None if fast is None else _updated(self.base, fast, overrides)
            cache[point] = scenario if scenario is not None else resolve(self.base_tree, overrides)
        return cache[point]

    def numeric_paths(self) -> dict[str, PathRef] | None:
        """The parsed parameter paths, when each addresses one registered number.

        That is a model parameter, a doctrine parameter, a reference total or an
        actor's figure (``gdp``, ``presence``, ...).  The points of such a sweep are
        built from the validated base scenario by setting the numbers
        (:func:`_updated`) instead of resolving a copy of its file, and they share
        the base's compiled structure (:meth:`shares_structure`).  None when any path
        addresses something else (a dyad, a trade flow, a regime).
        """
        refs = self.number_paths()
        return refs if len(refs) == len(self.spec.parameters) else None

    def number_paths(self) -> dict[str, PathRef]:
        """The parsed parameter paths that address one registered number (cached).

        Those of :meth:`numeric_paths`, for any sweep: in one that also sets dyads or
        trade flows they are still the values whose combinations validation checks
        (:func:`_validate_combinations`).
        """
        if "_number_paths" not in self.__dict__:
            refs: dict[str, PathRef] = {}
            for path in self.spec.parameters:
                ref = parse_path(path, self.base.codes, self.base.categories)
                if ref.kind in NUMERIC_KINDS and ref.param is not None:
                    refs[path] = ref
            self.__dict__["_number_paths"] = refs
        return self.__dict__["_number_paths"]

    def point_starts(self, point: int) -> dict[PathRef, float] | None:
        """A point's values as starting values of the base, when it can run that way.

        When every path's value is copied unchanged into the starting state
        (:func:`~sim.engine.initial.copied_at_start`: most model and doctrine
        parameters, reference totals, an actor's population, warheads, presence and
        growth) and every value lies in its range, the point runs as the base scenario
        with these values set on its start (``run_batch(starts=...)``): no scenario is
        built for it.  None otherwise (the point's scenario is built: :meth:`scenario`).

        Parameters
        ----------
        point : int
            Index of the point, a row of :attr:`points`.
        """
        refs = self.numeric_paths() if self.shares_structure else None
        if refs is None or not all(copied_at_start(r) for r in refs.values()):
            return None
        values = self.point_values(point)
        if not all(_in_range(values[path], ref.param) for path, ref in refs.items()):  # type: ignore[arg-type]
            return None
        return {ref: float(values[path]) for path, ref in refs.items()}

    @property
    def shares_structure(self) -> bool:
        """Every point compiles to the base's structure (the paths are numeric ones)."""
        return self.model_class is None and self.numeric_paths() is not None


NUMERIC_KINDS = ("model", "doctrine", "reference", "actor")
"""Path kinds whose registered numbers a point may set on the validated base directly."""


def _in_range(value: Any, p: Param) -> bool:
    """A finite number (not a bool) inside the registered range of ``p``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not math.isfinite(value) or value > p.high:
        return False
    return value > p.low if p.open_low else value >= p.low


def _updated(base: Scenario, refs: dict[str, PathRef], values: dict[str, Any]) -> Scenario | None:
    """The base scenario with the numbers of a point set, as :func:`resolve` gives it.

    Every value must be a finite number in its registered range, and the point must
    pass the checks that combine numbers (a defence burden milex / gdp inside the
    model's burden range; power weights not all 0; the cast inside the world:
    :func:`~sim.scenario.validate.combined_failures`).  Then the
    scenario equals the resolved one, field by field (tested), at a fraction of the
    cost: no copy of the file's tree, no validation of the unchanged sections.
    None when a value or the point fails a check: the caller resolves it, and so
    reports the problem as it always did.
    """
    model: dict[str, float] = {}
    reference: dict[str, float] = {}
    figures: dict[str, dict[str, float]] = {}
    doctrines: dict[str, dict[str, float]] = {}
    for path, value in values.items():
        ref = refs[path]
        assert ref.param is not None
        if not _in_range(value, ref.param):
            return None
        number = float(value)
        if ref.kind == "model":
            model[ref.field] = number
        elif ref.kind == "reference":
            reference[ref.field] = number
        elif ref.kind == "doctrine":
            doctrines.setdefault(str(ref.a), {})[ref.field] = number
        else:
            figures.setdefault(str(ref.a), {})[ref.field] = number
    actors = dict(base.actors)
    for code in {*figures, *doctrines}:
        actor = actors[code]
        if code in doctrines:
            doctrine = actor.doctrine.model_copy(update=doctrines[code])
            actor = actor.model_copy(update={"doctrine": doctrine})
        actors[code] = actor.model_copy(update=figures.get(code, {}))
    scenario = base.model_copy(
        update={
            "model": base.model.model_copy(update=model),
            "reference": base.reference.model_copy(update=reference),
            "actors": actors,
        }
    )
    return None if combined_failures(scenario) else scenario


def design_size(spec: SweepSpec) -> int:
    """Number of points of a sweep, from its spec alone (nothing is drawn).

    Parameters
    ----------
    spec : SweepSpec
        The validated sweep file.

    Returns
    -------
    int
        ``grid``: the product of each parameter's number of values (``values:`` or
        ``steps:``); ``random`` and ``lhs``: ``samples``; ``sobol``: N (2k + 2) with
        second-order indices, N (k + 2) without; ``morris``: N (k + 1), with N the
        ``samples`` and k the number of parameters, or of groups if the file has
        ``groups:`` (as SALib's samplers give them).
    """
    if spec.method == "grid":
        size = 1
        for p in spec.parameters.values():
            size *= len(p.values) if p.values is not None else int(p.steps or 0)
        return size
    samples = int(spec.samples or 0)
    if spec.method in ("random", "lhs"):
        return samples
    names = list(spec.parameters)
    k = len({spec.groups.get(n, n) for n in names}) if spec.groups else len(names)
    if spec.method == "sobol":
        return samples * (2 * k + 2 if spec.second_order else k + 2)
    return samples * (k + 1)


def check_size(sweep: Sweep, force: bool = False, workers: int = 1) -> None:
    """Refuse a sweep too large to run, before its points are drawn.

    Above :data:`MAX_RUNS` runs, or above :data:`sim.results.MEMORY_LIMIT` of estimated
    memory (:func:`estimate`), a sweep needs ``force``; one whose estimate exceeds this
    machine's physical memory is refused even so.

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep (its points need not be drawn).
    force : bool
        Lift :data:`MAX_RUNS` and :data:`sim.results.MEMORY_LIMIT`.
    workers : int
        Local worker processes, whose memory counts too.

    Raises
    ------
    InputError
        Located at the sweep file: the size, the limit and how to shrink it.
    """
    est = estimate(sweep, workers)
    if est["runs"] == 0:
        file, line = sweep.where("parameters")
        raise InputError([Problem(file, "parameters", line, "this sweep has no point to run")])
    what = f"{est['points']:,} points x {est['replications']:,} replications = {est['runs']:,} runs"
    file, line = sweep.where("parameters")
    hint = "use fewer values, steps or samples, or fewer replications"
    check_memory(est["memory_bytes"], force, file, f"this sweep ({what})", hint)
    if est["runs"] > MAX_RUNS and not force:
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    line,
                    f"this sweep has {what}, above the limit of {MAX_RUNS:,} runs",
                    f"{hint}, or pass --force to run it anyway",
                )
            ]
        )


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def is_sweep_file(path: str | Path) -> bool:
    """Whether a YAML file is a sweep file (``kind: sweep`` or a ``base:`` key).

    Parameters
    ----------
    path : str or pathlib.Path
        A YAML file.

    Returns
    -------
    bool
        True for a sweep (or sensitivity) file; False for any other file, including
        one that cannot be read or parsed.
    """
    try:
        tree = load_file(path)
    except InputError:
        return False
    data = tree.value
    kind = data.get("kind")
    if kind is not None and kind.value == "calibration":
        return False
    return (kind is not None and kind.value == "sweep") or "base" in data


def load_sweep(
    path: str | Path,
    model_class: str | None = None,
    *,
    force: bool = False,
    sample: bool = True,
) -> Sweep:
    """Read and validate a sweep file, its base scenario, parameters, points and measures.

    Every parameter path must name a model parameter of the base scenario (not a run
    setting), every measure must parse against its actors, and every distinct value a
    parameter takes (or its lowest and highest, for more than 50) must validate on the
    base scenario; all problems are reported at once.

    Parameters
    ----------
    path : str or pathlib.Path
        The sweep file (``docs/sweeps.md``); its ``base:`` is relative to its folder.
    model_class : str, optional
        A user's GeoModel subclass, ``module:Class`` or ``file.py:Class``, to run every
        point on the mesa path with; it must load (:mod:`sim.engine.custom`).  Default:
        the batch engine.
    force : bool
        Lift the size limits (:func:`check_size`) when the points are drawn.
    sample : bool
        Draw the points now (checking the size first) and validate the values drawn.
        False: draw nothing; the values the file lists (and the ends of its ranges)
        are validated instead, and the points are drawn when first used
        (:attr:`Sweep.points`), as ``--dry-run`` and a size estimate need.

    Returns
    -------
    Sweep
        The validated sweep with its sampled points.

    Raises
    ------
    InputError
        Every problem found: a scenario file given as a sweep file, fields of the
        sweep file, a missing base scenario, unknown
        parameter paths or measures, values that do not validate, a model class that
        does not load, or (with ``sample``) a design above the size limits.
    """
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
        raise InputError(field_problems(tree, exc, str(path), SweepSpec)) from None
    base_path = (path.parent / spec.base).resolve()

    def where(*keys: str) -> tuple[str, int | None]:
        node = tree
        for k in keys:
            if isinstance(node.value, dict) and k in node.value:
                node = node.value[k]
        return node.file, node.line

    lines = {key: where(key) for key in ("parameters", "replications", "samples", "base")}
    lines.update({f"parameters.{p}": where("parameters", p) for p in spec.parameters})
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
    measures: list[MeasureSpec] = []
    trajectories: list[MeasureSpec] = []
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
    if model_class is not None:
        from ..engine.custom import ModelClassError, load_model_class

        try:
            load_model_class(model_class)
        except ModelClassError as exc:
            raise InputError([Problem("--model", model_class, None, str(exc), exc.hint)]) from None
    problem = salib_problem(spec) if spec.method in ("sobol", "morris") else None
    sweep = Sweep(
        spec,
        path,
        base_tree,
        base,
        None,
        measures,
        trajectories,
        problem,
        model_class,
        force=force,
        lines=lines,
    )
    if sample:
        _ = sweep.points  # checks the size, draws and validates
    else:
        _validate_values(sweep, {c: _listed_values(spec, c) for c in spec.parameters})
    return sweep


def _listed_values(spec: SweepSpec, path: str) -> list[Any]:
    """The values a parameter's spec names: its values, grid steps or range ends, mean."""
    p = spec.parameters[path]
    if p.values is not None:
        return list(p.values)
    if p.range is not None:
        low, high = p.range
        if spec.method == "grid" and p.steps is not None and p.steps <= 50:
            return [float(x) for x in np.linspace(low, high, p.steps)]
        if spec.method in ("grid", "morris"):
            return [low, high]  # both ends are points of the design
        return [float(np.nextafter(low, high)), float(np.nextafter(high, low))]
    return [p.mean] if p.mean is not None else []


def _validate_points(sweep: Sweep, design: pd.DataFrame) -> None:
    """Every distinct value of each parameter drawn must validate on the base scenario,
    and, for a sweep of numbers, every point's combination of them."""
    _validate_values(sweep, {c: list(design[c]) for c in design.columns})
    if sweep.number_paths():
        _validate_combinations(sweep, design)


def _validate_combinations(sweep: Sweep, design: pd.DataFrame) -> None:
    """Refuse a sweep with a point whose values fail together.

    Values valid one by one can fail together: a GDP and a burden ceiling that put a
    defence burden milex / gdp outside the model's range, or power weights that are
    all 0 (the checks of ``validate_tree`` that combine numbers).  They are checked on
    arrays over all points at once; the first failing point is then resolved for
    validation's own message.
    """
    refs = sweep.number_paths()  # the other paths (dyads, trade) enter no such check
    n = len(design)
    by_target: dict[tuple[str, str | None, str], str] = {
        (r.kind, r.a, r.field): path for path, r in refs.items()
    }

    def column(kind: str, actor: str | None, name: str, default: float) -> np.ndarray:
        path = by_target.get((kind, actor, name))
        if path is None:
            return np.full(n, float(default))
        return pd.to_numeric(design[path], errors="coerce").to_numpy(dtype=float)

    m = sweep.base.model
    weights = sum(
        column("model", None, f"weight_{k}", getattr(m, f"weight_{k}"))
        for k in ("gdp", "military", "population")
    )
    bad = ~(np.asarray(weights) > 0)
    floor = column("model", None, "burden_floor", m.burden_floor)
    ceiling = column("model", None, "burden_ceiling", m.burden_ceiling)
    cast: dict[str, Any] = {"gdp": 0.0, "population": 0.0}
    for code, actor in sweep.base.actors.items():
        gdp = column("actor", code, "gdp", actor.gdp)
        burden = column("actor", code, "milex", actor.milex) / gdp
        bad |= ~((floor < burden) & (burden < ceiling))
        cast["gdp"] = cast["gdp"] + gdp
        cast["population"] = cast["population"] + column(
            "actor", code, "population", actor.population
        )
    r = sweep.base.reference
    world = {  # the cast must be a part of the world (validate_tree)
        "gdp": column("reference", None, "world_gdp", r.world_gdp),
        "population": column("reference", None, "world_population", r.world_population),
    }
    for name, total in cast.items():
        bad |= ~(np.asarray(total) < world[name])
    if not bad.any():
        return
    first = int(np.flatnonzero(bad)[0])
    values = {k: _plain(v) for k, v in design.iloc[first].items()}
    file, line = sweep.where("parameters")
    more = int(bad.sum()) - 1
    others = f" ({more} more point{'s' if more != 1 else ''} too)" if more else ""
    try:
        resolve(sweep.base_tree, values)
    except InputError as exc:
        raise InputError(
            [
                Problem(
                    file,
                    "parameters",
                    line,
                    f"point {first} ({', '.join(f'{k}={v}' for k, v in values.items())}) "
                    f"is not valid{others}: {p.message}",
                    "each value is valid alone but not with the others; narrow the ranges",
                )
                for p in exc.problems
            ]
        ) from None


def _finite_number(value: Any) -> bool:
    """A finite int or float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _validate_values(sweep: Sweep, columns: dict[str, list[Any]]) -> None:
    """Validate each parameter's distinct values (its lowest and highest above 50)."""
    problems: list[Problem] = []
    for col, values in columns.items():
        candidates = sorted({_plain(v) for v in values}, key=str)
        if len(candidates) > 50:  # a range check is monotone: the ends decide for numbers
            numbers = [v for v in candidates if _finite_number(v)]
            others = [v for v in candidates if not _finite_number(v)]
            candidates = [*others[:50], *([min(numbers), max(numbers)] if numbers else [])]
        for v in candidates:
            try:
                resolve(sweep.base_tree, {col: _plain(v)})
            except InputError as exc:
                file, line = sweep.where(f"parameters.{col}")
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


# --------------------------------------------------------------------------- running


def run_id(scenario_digest: str, point: int, point_params: dict[str, Any], replication: int) -> str:
    """Hash of (resolved scenario, point index and parameters, replication).

    The point index is part of the id because samplers (Morris) may repeat a point:
    each repetition is its own run, with the same values under common random numbers.

    Parameters
    ----------
    scenario_digest : str
        Digest of the resolved base scenario (:meth:`Scenario.digest`).
    point : int
        Index of the point.
    point_params : dict
        ``{path: value}`` of the point, plain Python values.
    replication : int
        Replication index k, from 0.

    Returns
    -------
    str
        The first 20 hexadecimal digits of a SHA-256 hash.
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

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep.

    Returns
    -------
    list of RunTask
        Points times replications tasks; replication k of every point has the seed
        ``replication_seed(root seed, k)`` (common random numbers).
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
    """Consecutive slices of ``tasks``, in order, each of ``size`` runs (the last fewer).

    Parameters
    ----------
    tasks : list of RunTask
        The runs to cut.
    size : int
        Most runs per chunk; default :data:`CHUNK`.
    """
    for i in range(0, len(tasks), size):
        yield tasks[i : i + size]


def run_sweep(
    sweep: Sweep | str | Path,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int | None = None,
    force: bool = False,
) -> Path:
    """Run (or resume) a sweep; return its folder.  See the module docstring.

    Before anything is computed, the output root is checked (a writable folder with
    room for :func:`estimate`'s size, :func:`sim.results.check_output_root`) and the
    size of the sweep (:func:`check_size`).  The store is then locked for this writer
    (:func:`.store.open_store`); with ``resume``, damaged shards are moved aside and
    their runs computed again, and a store whose shards were computed from other
    inputs is refused.  Chunks hold ``chunk_size`` runs; by default :data:`CHUNK`,
    fewer for a small sweep so that each worker gets several.  Results do not depend
    on the chunks: a run's numbers are the same whichever block it shares.  When
    every chunk is done, the folder's ``manifest.json`` records the sweep's hash, root
    seed, sizes, executor, engine, wall time and environment.  Notes for the user (a
    quarantined shard, a new store on ``--resume``) are issued as
    :class:`~sim.errors.StoreNote` warnings.

    Parameters
    ----------
    sweep : Sweep, str or pathlib.Path
        A loaded sweep, or the path of a sweep file to load (:func:`load_sweep`).
    workers : int
        Worker processes (1: this process, for the local executor).
    executor : str
        ``local`` (a process pool on this machine) or ``dask``.
    scheduler : str, optional
        Address of a running Dask scheduler; default a LocalCluster (dask only).
    resume : bool
        Finish a folder that already holds runs, skipping the finished ones.
    out : str or pathlib.Path, optional
        Output root; default the sweep file's ``out:``.
    progress : callable, optional
        Called as ``progress(done, total)`` (runs) at the start and as chunks finish.
    chunk_size : int, optional
        Runs per chunk; default between :data:`MIN_CHUNK` and :data:`CHUNK`, aiming at
        :data:`CHUNKS_PER_WORKER` chunks per worker.
    force : bool
        Run a sweep above the size limits (:func:`check_size`) and trust the output
        root's free space over the estimate (:func:`sim.results.check_output_root`).

    Returns
    -------
    pathlib.Path
        The sweep folder (read it with :func:`sim.sweep.load`).

    Raises
    ------
    InputError
        A problem in the sweep file, an output root that cannot take the store, a
        sweep above the size limits without ``force``, a folder that already holds
        runs without ``resume``, or the dask executor without ``distributed``
        installed.
    ResultsError
        Another process writes the store, or its shards were computed from other
        inputs (an InputError too).
    ValueError
        An unknown ``executor``.
    """
    if executor not in ("local", "dask"):
        raise ValueError(f"unknown executor {executor!r}; use local or dask")
    if not isinstance(sweep, Sweep):
        sweep = load_sweep(sweep, force=force, sample=False)
    local_workers = workers if executor == "local" or scheduler is None else 1
    check_size(sweep, force or sweep.force, local_workers)
    est = estimate(sweep, local_workers)
    origin = "--out" if out is not None else f"{sweep.file}: out"
    sweep.force = sweep.force or force
    need = 0 if sweep.force else est["estimated_bytes"]
    check_output_root(sweep.root(out), need, origin=origin)
    _ = sweep.points  # draw and validate the design before the store is made
    with open_store(sweep, out, resume) as folder:
        tasks = plan(sweep)
        done = finished_runs(folder, sweep.digest(), repair=True) if resume else set()
        todo = [t for t in tasks if t.run_id not in done]
        if chunk_size is None:
            share = -(-len(todo) // (CHUNKS_PER_WORKER * max(1, workers)))
            chunk_size = max(MIN_CHUNK, min(CHUNK, share))
        jobs = [{"tasks": c, "folder": str(folder)} for c in chunks(todo, chunk_size)]
        total, completed = len(tasks), len(tasks) - len(todo)
        started = time.perf_counter()
        if progress:
            progress(completed, total)

        def on_done(records: list[dict]) -> None:
            nonlocal completed
            completed += len(records)
            if progress:
                progress(completed, total)

        if executor == "local":
            run_local(jobs, workers, sweep, on_done)
        else:
            run_dask(jobs, workers, scheduler, sweep, on_done)
        manifest = {
            "sweep": sweep.spec.name,
            "hash": sweep.digest(),
            "root_seed": sweep.root_seed,
            "points": len(sweep.points),
            "replications": sweep.spec.replications,
            "runs": total,
            "executor": executor,
            "workers": workers,
            "engine": "batch" if sweep.model_class is None else "mesa",
            "model_class": sweep.model_class,
            "wall_time_s": round(time.perf_counter() - started, 3),
            **environment(),
        }
        atomic_text(json.dumps(manifest, indent=2, default=str), folder / "manifest.json")
    return folder


def estimate(sweep: Sweep, workers: int = 1) -> dict[str, Any]:
    """Points, runs and the rough size on disk and in memory of a sweep (no points drawn).

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep (its points need not be drawn: they are counted by
        :func:`design_size`).
    workers : int
        Local worker processes, whose memory is counted.

    Returns
    -------
    dict
        ``points``, ``replications``, ``runs``, ``measures``, ``trajectories`` (counts);
        ``estimated_bytes``, a rough size of its shards (bytes), from fixed costs per
        value (40 B), trajectory step (32 B) and run (120 B plus 8 B a parameter); and
        ``memory_bytes``, a rough peak memory of this machine: the parent's plan
        (:data:`PARENT_BYTES_PER_RUN` a run, :data:`PARENT_BYTES_PER_VALUE` a point
        and parameter) and, for ``workers`` > 1, :data:`WORKER_BYTES` per worker for a
        six-actor cast, scaled by the square of the base scenario's cast.
    """
    steps = sweep.base.steps + 1
    n_points = sweep.n_points
    runs = n_points * sweep.spec.replications
    n_params = len(sweep.spec.parameters)
    value_bytes = 40 * len(sweep.measures)
    traj_bytes = 32 * steps * len(sweep.trajectories)
    run_bytes = 120 + 8 * n_params
    total = runs * (value_bytes + traj_bytes + run_bytes)
    cast = len(sweep.base.actors)
    worker = int(WORKER_BYTES * max(1.0, (cast / 6) ** 2))
    memory = (
        runs * PARENT_BYTES_PER_RUN
        + n_points * (n_params + 1) * PARENT_BYTES_PER_VALUE
        + (worker * workers if workers > 1 else worker)
    )
    return {
        "points": n_points,
        "replications": sweep.spec.replications,
        "runs": runs,
        "measures": len(sweep.measures),
        "trajectories": len(sweep.trajectories),
        "estimated_bytes": int(total),
        "memory_bytes": int(memory),
    }


def size_line(est: dict[str, Any]) -> str:
    """``about 12.3 MB on disk and 0.4 GB of memory`` from :func:`estimate`.

    Parameters
    ----------
    est : dict
        What :func:`estimate` returned.

    Returns
    -------
    str
        The rough sizes, for the command line.
    """
    return (
        f"about {size_text(est['estimated_bytes'])} on disk and "
        f"{size_text(est['memory_bytes'])} of memory"
    )
