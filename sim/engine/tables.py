"""The tidy tables of runs, one layout for both engines.

:class:`Recorder` collects the arrays of each step (measures, trade flows, the
bargain's munitions, provocation counts) of one run (the mesa model) or of a block
of runs (the batch engine), and builds from them the tables of ``docs/model.md``
(Output): ``measures`` (run, step), ``actors`` (run, step, actor), ``dyads`` (run,
step, ordered pair), ``trade`` (run, step, flow, category; the bargain's munitions
last), ``events``.  Both engines therefore give tables of the same columns, dtypes
and row order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rules.common import off_diagonal
from .log import Log
from .state import Structure

TEXT = pd.Series(["text"]).dtype
"""The dtype pandas gives a column of strings (``str`` in pandas 3, object before)."""

INTEGERS = ("run", "replication", "seed", "step")
FLOATS = ("goldstein", "recorded", "unrecorded")


def fixed_types(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the types a column has whatever rows it holds (in place).

    A block with no event, or whose events all lack a partner, would otherwise give
    object columns where the other blocks give text, integers or floats, and the
    tables joined from blocks would then depend on the block size.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tidy table of some runs.

    Returns
    -------
    pandas.DataFrame
        The same frame: all-missing object columns as text, identifying numbers as
        int64 and event weights and trade as float64.
    """
    for column in frame.columns:
        if frame[column].dtype != object:
            continue
        if column in INTEGERS and len(frame) == 0:
            frame[column] = frame[column].astype(np.int64)
        elif column in FLOATS:
            frame[column] = frame[column].astype(float)
        elif frame[column].isna().all() and not pd.api.types.is_object_dtype(TEXT):
            frame[column] = pd.Series(np.full(len(frame), np.nan), index=frame.index, dtype=TEXT)
    return frame


class Recorder:
    """Collects the arrays of every step and assembles the tidy tables.

    Parameters
    ----------
    S : the structure of the runs.
    runs : R, the number of runs of the block (1 for the mesa model).
    keep : measure names to record (sweeps); None records everything, for the tables.
    batched : whether the states have a leading run axis (the batch engine) or are one
        run's (the mesa model, whose arrays are recorded with a run axis of length 1).
    """

    def __init__(self, S: Structure, runs: int, keep: set[str] | None = None, batched: bool = True):
        self.S = S
        self.R = runs
        self.keep = keep  # None: everything, for the tables
        self.batched = batched
        self.model: list[dict] = []
        self.actor: list[dict] = []
        self.dyad: list[dict] = []
        self.rec: list[np.ndarray] = []
        self.unrec: list[np.ndarray] = []
        self.mun: list[np.ndarray] = []
        self.prov: list[np.ndarray] = []

    def add(self, t: int, st, view, values) -> None:
        """Record the state, view and measures at step ``t`` (after the step's move).

        Parameters
        ----------
        t : int
            The step recorded (0 at the start).
        st : State
            The state at t: one run (leading shape ``()``) or a block (``(R,)``).
        view : dict
            What :func:`~sim.engine.perceive.perceive` derived from the state at t.
        values : dict
            The measures (:func:`~sim.engine.observe.measures`).
        """
        keep = self.keep
        lead = (Ellipsis,) if self.batched else (None, Ellipsis)

        def copies(level: str) -> dict[str, np.ndarray]:
            return {
                k: np.array(v, dtype=float)[lead]
                for k, v in values[level].items()
                if keep is None or k in keep
            }

        self.model.append(copies("model"))
        self.actor.append(copies("actor"))
        self.dyad.append(copies("dyad"))
        if t == 0:
            provocations = np.zeros(self.R)
        else:
            provocations = np.asarray(st.events_last.sum(axis=-1))[lead]
        self.prov.append(provocations)
        if keep is not None:
            return
        self.rec.append(st.recorded.copy(order="K")[lead])
        self.unrec.append(st.unrecorded.copy(order="K")[lead])
        self.mun.append(view["munitions"].copy(order="K")[lead])

    def subset(self, first: int, stop: int) -> Recorder:
        """The recording of runs ``first .. stop - 1`` of the block (views, no copies).

        Parameters
        ----------
        first, stop : int
            The runs kept, as a slice of the block's runs.
        """
        runs = slice(first, stop)
        sub = Recorder(self.S, stop - first, self.keep, self.batched)
        sub.model = [{k: v[runs] for k, v in m.items()} for m in self.model]
        sub.actor = [{k: v[runs] for k, v in a.items()} for a in self.actor]
        sub.dyad = [{k: v[runs] for k, v in d.items()} for d in self.dyad]
        sub.rec = [x[runs] for x in self.rec]
        sub.unrec = [x[runs] for x in self.unrec]
        sub.mun = [x[runs] for x in self.mun]
        sub.prov = [x[runs] for x in self.prov]
        return sub

    def series(self, name: str, actors: tuple[int, ...], log: Log) -> np.ndarray:
        """(R, T) trajectory of one measure.

        Parameters
        ----------
        name : str
            A measure name, or ``provocations``.
        actors : tuple of int
            Its actor indices: none, one or two.
        log : Log
            The event log (unused: kept for a uniform signature).
        """
        if name == "provocations":
            return np.stack(self.prov, axis=1).astype(float)
        if not actors:
            return np.stack([m[name] for m in self.model], axis=1)
        if len(actors) == 1:
            return np.stack([a[name][..., actors[0]] for a in self.actor], axis=1)
        i, j = actors
        return np.stack([d[name][..., i, j] for d in self.dyad], axis=1)

    def tables(
        self, seeds: list[int], log: Log, events: pd.DataFrame | None = None
    ) -> dict[str, pd.DataFrame]:
        """The tidy tables of the recorded runs, each with a ``run`` column (0..R-1).

        Parameters
        ----------
        seeds : list of int
            The run seeds, one per run.
        log : Log
            The runs' event log.
        events : pandas.DataFrame, optional
            These runs' rows of the log's frame, when the recording is a
            :meth:`subset` (``run`` numbered from 0); default the whole log's.

        Raises
        ------
        ValueError : the recorder kept only some measures (a sweep's): it has no tables.
        """
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
        balance = np.stack([d["deterrence"] for d in self.dyad], axis=1)  # [defender, challenger]
        for i, j in S.key_pairs:  # a key dyad names the challenger first
            cols[f"deterrence.{S.codes[j]}.{S.codes[i]}"] = balance[:, :, j, i].reshape(-1)
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
        ii, jj = np.nonzero(off_diagonal(n))
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
        r, s, flow = np.nonzero((rec + unrec) > 0)
        src, dst, cat = S.flows.source[flow], S.flows.target[flow], S.flows.category[flow]
        cats = np.array(S.categories, dtype=object)
        flows = pd.DataFrame(
            {
                "run": r,
                "seed": seeds_arr[r],
                "step": s,
                "date": dates[s],
                "from": codes[src],
                "to": codes[dst],
                "category": cats[cat],
                "recorded": rec[r, s, flow],
                "unrecorded": unrec[r, s, flow],
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
        events = log.frame() if events is None else events
        if "run" not in events:  # one run's own log
            events.insert(0, "run", np.zeros(len(events), dtype=np.int64))
        events = events.sort_values("run", kind="stable").reset_index(drop=True)
        events.insert(1, "seed", seeds_arr[events["run"].to_numpy(dtype=int)])
        tables = {
            "measures": measures,
            "actors": actors,
            "dyads": dyads,
            "trade": trade,
            "events": events,
        }
        return {name: fixed_types(frame) for name, frame in tables.items()}
