"""The vectorised batch engine: many runs at once through the same rules.

A block of runs (parameter points x replications of scenarios that share their
structure: cast, categories, schedule, regimes, reactions) is stacked into one
:class:`~sim.state.State` with a leading run dimension, and stepped through the
very phases of :mod:`sim.step` that the mesa model uses, with ``decide`` run on
all actor rows at once instead of one row per agent.  No formula exists twice:
the batch engine only orchestrates.  Its tables are those of
:meth:`sim.model.GeoModel.tables`, row for row.

Scenarios whose structure differs cannot share a block; :func:`structure_key`
tells which can.  A run whose state becomes non-finite is flagged failed by
itself (``failed`` in the result), not its whole block.
"""

from __future__ import annotations

import gc
import hashlib
import json
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..random import replication_seed
from ..scenario import Scenario
from . import phases as dynamics
from .calibrate import calibrate, seed_run
from .compile import compile_structure
from .initial import initial_state
from .state import Structure, stack, take


class BatchUnsupported(ValueError):
    """The runs cannot share a block (different structure)."""


def structure_key(structure: Structure) -> str:
    """A digest of everything a block of runs must share."""
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
        self, recorder: _Recorder, seeds: list[int], log: dynamics.Log, failed: np.ndarray
    ):
        self.recorder = recorder
        self.seeds = seeds
        self.log = log
        self.failed = failed  # (R,) bool: the run's state became non-finite
        self._tables: dict[str, pd.DataFrame] | None = None

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy tables with a ``run`` column, as GeoModel.tables() row for row."""
        if self._tables is None:
            self._tables = self.recorder.tables(self.seeds, self.log)
        return self._tables

    def series(self, name: str, actors: tuple[int, ...] = ()) -> np.ndarray:
        """(R, steps + 1) trajectory of a measure ``name[.A[.B]]`` (actor indices)."""
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
) -> BatchResult:
    """Run a block of runs: run r is replication ``replications[r]`` of ``specs[r]``.

    Seeds default to ``replication_seed(spec.seed, replication)``, as in GeoModel.
    ``keep_log=False`` skips the event log, and ``keep`` (measure names) records only
    those measures, for :meth:`BatchResult.series` (sweeps); such a result has no
    tables.
    """
    if len(specs) != len(replications):
        raise ValueError("one replication index per scenario")
    distinct = {id(s): s for s in specs}  # compile each distinct scenario once
    structures = [compile_structure(s) for s in distinct.values()]
    key = structure_key(structures[0])
    for s in structures[1:]:
        if structure_key(s) != key:
            raise BatchUnsupported("scenarios in one block must share their structure")
    S = structures[0]
    if seeds is None:
        seeds = [
            replication_seed(spec.seed, k) for spec, k in zip(specs, replications, strict=True)
        ]
    # calibrate each distinct scenario once (runs differ only in their seeds until
    # seed_run), then spread the calibrated rows over the block
    position = {key: k for k, key in enumerate(distinct)}
    base = stack([initial_state(spec, S, calibrate=False) for spec in distinct.values()])
    calibrate(base, S)
    rows = np.array([position[id(spec)] for spec in specs])
    st = take(base, rows)
    R = len(specs)
    seed = np.array(seeds, dtype=np.uint64)[:, None]
    if not deterministic:
        seed_run(st, S, seed)
    log = dynamics.Log(batched=True, enabled=keep_log)
    only = None if keep is None else set(keep) | {r.measure for r in S.reactions}
    view = dynamics.perceive(st, S, 0, seed, deterministic)
    values = dynamics.measures(st, S, view, only)
    record = _Recorder(S, R, keep)
    record.add(0, st, view, values)
    failed = np.zeros(R, dtype=bool)
    with _gc_paused():
        _steps(st, S, seed, deterministic, log, view, record, only, failed)
    return BatchResult(record, list(seeds), log, failed)


def _steps(st, S: Structure, seed, deterministic, log, view, record, only, failed) -> None:
    """Step a block from 0 to S.steps, recording every step (in place)."""
    pending: list = []
    for t in range(S.steps):
        if S.events[t] or pending:
            changed = dynamics.begin(st, S, t, seed, pending, log)
            view = dynamics.refresh(
                view, st, S, t, seed, deterministic, changed, True, dynamics.STEP_VIEW
            )
        dec = dynamics.decide(st, S, view, slice(None))
        dynamics.world(st, S, view, dec, log)
        view = dynamics.perceive(st, S, t + 1, seed, deterministic)
        values = dynamics.measures(st, S, view, only)
        pending = dynamics.react(st, S, values)
        record.add(t + 1, st, view, values)
        failed |= ~_finite(st)


def _finite(st) -> np.ndarray:
    ok = np.ones(st.gdp.shape[0], dtype=bool)
    for name in ("gdp", "burden", "capability", "relation", "sanction", "recorded", "unrecorded"):
        a = getattr(st, name)
        ok &= np.isfinite(a).all(axis=tuple(range(1, a.ndim)))
    return ok


class _Recorder:
    """Collects per-step arrays and assembles GeoModel-identical tidy tables."""

    def __init__(self, S: Structure, runs: int, keep: set[str] | None = None):
        self.S = S
        self.R = runs
        self.keep = keep  # None: everything, for the tables
        self.model: list[dict] = []
        self.actor: list[dict] = []
        self.dyad: list[dict] = []
        self.rec: list[np.ndarray] = []
        self.unrec: list[np.ndarray] = []
        self.mun: list[np.ndarray] = []
        self.prov: list[np.ndarray] = []

    def add(self, t: int, st, view, values) -> None:
        keep = self.keep

        def copies(level: str) -> dict[str, np.ndarray]:
            return {
                k: np.array(v, dtype=float)
                for k, v in values[level].items()
                if keep is None or k in keep
            }

        self.model.append(copies("model"))
        self.actor.append(copies("actor"))
        self.dyad.append(copies("dyad"))
        self.prov.append(st.events_last.sum(axis=-1) if t > 0 else np.zeros(self.R))
        if keep is not None:
            return
        self.rec.append(st.recorded.copy(order="K"))
        self.unrec.append(st.unrecorded.copy(order="K"))
        self.mun.append(view["munitions"].copy(order="K"))

    def series(self, name: str, actors: tuple[int, ...], log: dynamics.Log) -> np.ndarray:
        """(R, T) trajectory of one measure."""
        if name == "provocations":
            return np.stack(self.prov, axis=1).astype(float)
        if not actors:
            return np.stack([m[name] for m in self.model], axis=1)
        if len(actors) == 1:
            return np.stack([a[name][..., actors[0]] for a in self.actor], axis=1)
        i, j = actors
        return np.stack([d[name][..., i, j] for d in self.dyad], axis=1)

    def tables(self, seeds: list[int], log: dynamics.Log) -> dict[str, pd.DataFrame]:
        if self.keep is not None or not log.enabled:
            raise ValueError("this block kept only some measures: it has no tables")
        S, R = self.S, self.R
        T = len(self.model)
        n = S.n
        steps = np.arange(T)
        dates = np.array(S.dates[:T], dtype=object)
        seeds_arr = np.array(seeds, dtype=np.int64)
        run_rt = np.repeat(np.arange(R), T)
        step_rt = np.tile(steps, R)

        # measures (run-major, then step)
        cols = {"run": run_rt, "seed": seeds_arr[run_rt], "step": step_rt, "date": dates[step_rt]}
        for name in self.model[0]:
            cols[name] = np.stack([m[name] for m in self.model], axis=1).reshape(-1)
        risk = np.stack([d["conflict_risk"] for d in self.dyad], axis=1)  # (R, T, N, N)
        for i, j in S.key_pairs:
            cols[f"conflict_risk.{S.codes[i]}.{S.codes[j]}"] = risk[:, :, i, j].reshape(-1)
        cols["provocations"] = np.stack(self.prov, axis=1).reshape(-1).astype(float)
        measures = pd.DataFrame(cols)

        # actors (run, step, actor)
        run_a = np.repeat(np.arange(R), T * n)
        step_a = np.tile(np.repeat(steps, n), R)
        actor_a = np.tile(np.array(S.codes, dtype=object), R * T)
        cols = {
            "run": run_a,
            "seed": seeds_arr[run_a],
            "step": step_a,
            "date": dates[step_a],
            "actor": actor_a,
        }
        for name in self.actor[0]:
            cols[name] = np.stack([a[name] for a in self.actor], axis=1).reshape(-1)
        actors = pd.DataFrame(cols)

        # dyads (run, step, i, j != i)
        ii, jj = np.nonzero(~np.eye(n, dtype=bool))
        k = len(ii)
        run_d = np.repeat(np.arange(R), T * k)
        step_d = np.tile(np.repeat(steps, k), R)
        codes = np.array(S.codes, dtype=object)
        cols = {
            "run": run_d,
            "seed": seeds_arr[run_d],
            "step": step_d,
            "date": dates[step_d],
            "actor": np.tile(codes[ii], R * T),
            "partner": np.tile(codes[jj], R * T),
        }
        for name in self.dyad[0]:
            cols[name] = np.stack([d[name] for d in self.dyad], axis=1)[:, :, ii, jj].reshape(-1)
        dyads = pd.DataFrame(cols)

        # trade: flows then the bargain's munitions, per (run, step)
        rec = np.stack(self.rec, axis=1)  # (R, T, K), flows in (from, to, category) order
        unrec = np.stack(self.unrec, axis=1)
        r, s, k = np.nonzero((rec + unrec) > 0)
        i, j, c = S.flows.source[k], S.flows.target[k], S.flows.category[k]
        cats = np.array(S.categories, dtype=object)
        flows = pd.DataFrame(
            {
                "run": r,
                "seed": seeds_arr[r],
                "step": s,
                "date": dates[s],
                "from": codes[i],
                "to": codes[j],
                "category": cats[c],
                "recorded": rec[r, s, k],
                "unrecorded": unrec[r, s, k],
                "_part": 0,
            }
        )
        mun = np.stack(self.mun, axis=1)  # (R, T, p, c)
        r, s, p, c = np.nonzero(mun > 0)
        bargain = pd.DataFrame(
            {
                "run": r,
                "seed": seeds_arr[r],
                "step": s,
                "date": dates[s],
                "from": codes[c],
                "to": codes[p],
                "category": "bargain_munitions",
                "recorded": 0.0,
                "unrecorded": mun[r, s, p, c],
                "_part": 1,
            }
        )
        trade = pd.concat([flows, bargain], ignore_index=True)
        trade = trade.sort_values(["run", "step", "_part"], kind="stable").drop(columns="_part")
        trade = trade.reset_index(drop=True)

        # events
        events = log.frame()
        events = events.sort_values("run", kind="stable").reset_index(drop=True)
        events.insert(1, "seed", seeds_arr[events["run"].to_numpy(dtype=int)])
        return {
            "measures": measures,
            "actors": actors,
            "dyads": dyads,
            "trade": trade,
            "events": events,
        }
