"""The vectorised batch engine: many runs at once through the same rules.

A block of runs (parameter points x replications of scenarios that share their
structure: cast, categories, schedule, regimes, reactions) is stacked into one
:class:`~sim.state.State` with a leading run dimension, and stepped through the
very phases of :mod:`sim.step` that the mesa model uses, with ``decide`` run on
all actor rows at once instead of one row per agent.  No formula exists twice:
the batch engine only orchestrates.  Its tables are those of
:meth:`sim.model.GeoModel.tables`, row for row.

Scenarios whose structure differs cannot share a block; :func:`structure_key`
tells which can.  A run whose state leaves its documented domain
(:data:`~sim.engine.state.DOMAIN`: a non-finite value, a GDP at or below zero, a share
above one) is flagged failed by itself (``failed`` and ``failures`` in the result),
not its whole block.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..random import replication_seed
from ..scenario import PathRef, Scenario
from . import phases as dynamics
from .calibrate import calibrate, seed_run
from .compile import compile_structure
from .initial import initial_state, set_start
from .state import VIEW_DOMAIN, Structure, domain_problem, domain_problems, stack, take
from .tables import Recorder


class BatchUnsupported(ValueError):
    """The runs cannot share a block (different structure)."""


def structure_key(structure: Structure) -> str:
    """A digest of everything a block of runs must share (cast, schedule, regimes, ...).

    Parameters
    ----------
    structure : Structure
        A compiled scenario (:func:`~sim.engine.compile.compile_structure`).
    """
    parts = {
        "codes": structure.codes,
        "categories": structure.categories,
        "dt": structure.dt,
        "steps": structure.steps,
        "arrays": [
            np.asarray(a).tolist()
            for a in (
                structure.sponsors,
                structure.veto_holders,
                structure.has_regime,
                structure.years_since0,
                structure.reference_path,
                structure.renewal,
                structure.endogenous,
                structure.in_a,
                structure.in_b,
                structure.payment,
                structure.energy_food,
            )
        ],
        "key_pairs": structure.key_pairs,
        "supply": structure.supply_category,
        "flows": [
            np.asarray(a).tolist()
            for a in (structure.flows.source, structure.flows.target, structure.flows.category)
        ],
        "events": [
            [
                (
                    e.index,
                    e.key,
                    e.note,
                    e.kind,
                    [(v, r.text, val) for v, r, val in e.ops],
                    e.probability,
                    e.goldstein,
                    e.provocation,
                    e.summit,
                    e.vote_target,
                    e.vote_coverage,
                )
                for e in step
            ]
            for step in structure.events
        ],
        "reactions": [
            (
                r.index,
                r.actor,
                r.measure,
                r.measure_actors,
                r.above,
                r.below,
                r.for_steps,
                r.every,
                r.once,
                [(v, p.text, val) for v, p, val in r.ops],
            )
            for r in structure.reactions
        ],
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class BatchResult:
    """The recorded arrays of a block, its tidy tables (built on demand), failed runs."""

    def __init__(
        self,
        recorder: Recorder,
        seeds: list[int],
        log: dynamics.Log,
        failed: np.ndarray,
        failures: dict[int, tuple[int, str]] | None = None,
    ):
        self.recorder = recorder
        self.seeds = seeds
        self.log = log
        self.failed = failed  # (R,) bool: the run's state left its domain
        # run -> (first step outside the domain, where: "actors.PRK.gdp = 0")
        self.failures = failures or {}
        self._tables: dict[str, pd.DataFrame] | None = None
        self._events: pd.DataFrame | None = None  # the log's frame, for tables_of

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy tables with a ``run`` column, as GeoModel.tables() row for row."""
        if self._tables is None:
            self._tables = self.recorder.tables(self.seeds, self.log)
        return self._tables

    def tables_of(self, first: int, stop: int) -> dict[str, pd.DataFrame]:
        """The tidy tables of runs ``first .. stop - 1`` only, their ``run`` from 0.

        The same rows, in the same order, as those runs' rows of :attr:`tables`, built
        without the other runs' (so a long block's tables can be built in parts).

        Parameters
        ----------
        first, stop : int
            The runs, as a slice of the block's.

        Returns
        -------
        dict of str to pandas.DataFrame
        """
        if self._events is None:
            self._events = self.log.frame()
        events = self._events
        if "run" in events and len(events):
            keep = (events["run"] >= first) & (events["run"] < stop)
            events = events[keep].reset_index(drop=True)
            events["run"] = events["run"] - first
        sub = self.recorder.subset(first, stop)
        return sub.tables(self.seeds[first:stop], self.log, events)

    def series(self, name: str, actors: tuple[int, ...] = ()) -> np.ndarray:
        """(R, steps + 1) trajectory of a measure ``name[.A[.B]]``.

        Parameters
        ----------
        name : str
            A measure name (``balance``, ``capability``, ...), or ``provocations``.
        actors : tuple of int
            Its actor indices: none, one or two.
        """
        return self.recorder.series(name, actors, self.log)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector: a block allocates thousands of arrays per step
    but creates no reference cycles, and the collections it triggers cost about 3 %."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_batch(
    specs: list[Scenario],
    replications: list[int],
    seeds: list[int] | None = None,
    deterministic: bool = False,
    keep_log: bool = True,
    keep: set[str] | None = None,
    structure: Structure | None = None,
    starts: Sequence[Mapping[PathRef, float]] | None = None,
) -> BatchResult:
    """Run a block of runs: run r is replication ``replications[r]`` of ``specs[r]``.

    Parameters
    ----------
    specs : list of Scenario
        One scenario per run; they must share their structure (:func:`structure_key`).
    replications : list of int
        The replication index of each run.
    seeds : list of int, optional
        Run seeds; default ``replication_seed(spec.seed, replication)``, as in GeoModel.
    deterministic : bool
        No random draws (misperception off, no shocks, expected provocations).
    keep_log : bool
        Keep the event log (False in sweeps).
    keep : set of str, optional
        Record only these measures (and those reactions read), for
        :meth:`BatchResult.series`; such a result has no tables.
    structure : Structure, optional
        The compiled structure every scenario shares, when the caller knows it (a
        sweep whose points set only numbers: :attr:`~sim.analysis.sweep.Sweep.
        shares_structure`); default: compile each distinct scenario and compare.
    starts : sequence of mappings, optional
        Per run, starting values to set on its scenario's start, ``{PathRef: value}``,
        each a path that :func:`~sim.engine.initial.copied_at_start` and a value
        validated against its range: the run then starts as a scenario giving those
        values would (a sweep's points, without a scenario per point).

    Returns
    -------
    BatchResult

    Raises
    ------
    BatchUnsupported : the scenarios do not share their structure.
    """
    if len(specs) != len(replications):
        raise ValueError("one replication index per scenario")
    distinct = {id(s): s for s in specs}  # compile each distinct scenario once
    if structure is None:
        structures = [compile_structure(s) for s in distinct.values()]
        key = structure_key(structures[0])
        for s in structures[1:]:
            if structure_key(s) != key:
                raise BatchUnsupported("scenarios in one block must share their structure")
        structure = structures[0]
    S = structure
    if seeds is None:
        seeds = [
            replication_seed(spec.seed, k) for spec, k in zip(specs, replications, strict=True)
        ]
    # calibrate each distinct start once (runs differ only in their seeds until
    # seed_run), then spread the calibrated rows over the block
    position = {key: k for k, key in enumerate(distinct)}
    base = stack([initial_state(spec, S, calibrate=False) for spec in distinct.values()])
    if starts is None:
        rows = np.array([position[id(spec)] for spec in specs])
    else:  # one row per distinct (scenario, starting values)
        starting = [
            (id(spec), tuple((ref.text, v) for ref, v in start.items()))
            for spec, start in zip(specs, starts, strict=True)
        ]
        row_of = {sk: k for k, sk in enumerate(dict.fromkeys(starting))}
        first = {sk: r for r, sk in reversed(list(enumerate(starting)))}
        base = take(base, np.array([position[sk[0]] for sk in row_of]))
        for sk, k in row_of.items():
            for ref, value in starts[first[sk]].items():
                set_start(base, S, ref, k, value)
        rows = np.array([row_of[sk] for sk in starting])
    calibrate(base, S)
    st = take(base, rows)
    R = len(specs)
    seed = np.array(seeds, dtype=np.uint64)[:, None]
    if not deterministic:
        seed_run(st, S, seed)
    log = dynamics.Log(batched=True, enabled=keep_log)
    only = None if keep is None else set(keep) | {r.measure for r in S.reactions}
    view = dynamics.perceive(st, S, 0, seed, deterministic)
    values = dynamics.measures(st, S, view, only)
    record = Recorder(S, R, keep)
    record.add(0, st, view, values)
    failed = np.zeros(R, dtype=bool)
    failures: dict[int, tuple[int, str]] = {}
    _check_domain(st, S, 0, failed, failures, view)
    with _gc_paused():
        _steps(st, S, seed, deterministic, log, view, record, only, failed, failures)
    return BatchResult(record, list(seeds), log, failed, failures)


def _check_domain(st, S: Structure, t: int, failed, failures: dict, view=None) -> None:
    """Flag the runs whose state (and view) at step t first leave their domain (in place)."""
    code = domain_problems(st, view)
    new = (code > 0) & ~failed
    if new.any():
        for r in np.flatnonzero(new):
            one = None if view is None else {k: np.asarray(view[k])[r] for k in VIEW_DOMAIN}
            where = domain_problem(take(st, np.array([r])), int(code[r]), S, one)
            failures[int(r)] = (t, where)
        failed |= new


def _steps(st, S: Structure, seed, deterministic, log, view, record, only, failed, failures):
    """Step a block from 0 to S.steps, recording every step (in place)."""
    pending: list = []
    for t in range(S.steps):
        if S.events[t] or pending:
            changed = dynamics.begin(st, S, t, seed, pending, log)
            _check_domain(st, S, t, failed, failures)  # what events and reactions set
            view = dynamics.refresh(
                view, st, S, t, seed, deterministic, changed, True, dynamics.STEP_VIEW
            )
        dec = dynamics.decide(st, S, view, slice(None))
        dynamics.world(st, S, view, dec, log)
        view = dynamics.perceive(st, S, t + 1, seed, deterministic)
        values = dynamics.measures(st, S, view, only)
        pending = dynamics.react(st, S, values, t + 1)
        record.add(t + 1, st, view, values)
        _check_domain(st, S, t + 1, failed, failures, view)
