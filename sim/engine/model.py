"""GeoModel: the reference model of geosim on mesa.

``GeoModel(spec, replication=k)`` builds one run of a scenario: one
:class:`~.agents.Nation` per actor (of :attr:`GeoModel.agent_class`, or of a class
named for that actor in :attr:`GeoModel.agent_classes`), the arrays of
:mod:`.state`, keyed random numbers seeded by (root seed, k), a ``DataCollector``
that records model and actor measures at the start and after every step for mesa's
tools, and a :class:`~.tables.Recorder` of the tidy tables, whose event table
carries Goldstein (1992) weights.  Each step applies scheduled events and
pending reactions, lets every agent decide and then apply (simultaneous
activation, never ``shuffle_do``), advances the rest of the world, and collects.

To give one state a rule of its own, subclass :class:`~.agents.Nation` and name it
in a subclass of GeoModel (``docs/extending.md``); such a model runs on the mesa
path under ``geosim run``, ``compare`` and ``sweep`` (``--model``).

The scenario is kept as ``self.spec`` (mesa 3.5 reserves ``Model.scenario``).
The model also runs under ``mesa.batch_run``: it collects at initialisation and
sets ``running = False`` on the call after the horizon (mesa 3.3's batch_run then
reports the collection at the horizon).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

import mesa
import numpy as np
import pandas as pd

from ..random import replication_seed
from ..scenario import Scenario, load_scenario
from . import phases as dynamics
from .agents import Nation
from .calibrate import seed_run
from .compile import compile_structure
from .decide import Decision
from .initial import initial_state
from .state import domain_problem, domain_problems
from .tables import Recorder


class GeoModel(mesa.Model):
    """One run of a scenario.

    Class attributes
    ----------------
    agent_class : the agent class of every actor (default :class:`~.agents.Nation`).
    agent_classes : agent classes for particular actors, by ISO code, over
        ``agent_class`` (e.g. ``{"JPN": Hawk}``).

    Parameters
    ----------
    spec : a :class:`~sim.scenario.Scenario` or the path of a scenario file.
    replication : the replication index k; the run's seed is derived from the
        scenario's root seed and k only (common random numbers).  Default 0, except
        under ``mesa.batch_run(GeoModel, iterations=k)`` (mesa 3.3) or ``rng=[None] *
        k`` (3.5), which give every iteration the same arguments: there iteration i
        is replication i, so the k runs differ and are reproducible
        (:func:`batch_run_iteration`).
    seed : overrides the derived run seed (an int).
    deterministic : no random draws: misperception off, no shocks, expected
        provocation memories instead of events.
    """

    agent_class: ClassVar[type[Nation]] = Nation
    agent_classes: ClassVar[dict[str, type[Nation]]] = {}

    def __init__(
        self,
        spec: Scenario | str | Path,
        replication: int | None = None,
        seed: int | None = None,
        deterministic: bool = False,
    ):
        if replication is None:
            iteration = batch_run_iteration() if seed is None else None
            replication = 0 if iteration is None else iteration
        if not isinstance(spec, Scenario):
            spec = load_scenario(spec)
        run_seed = int(seed) if seed is not None else replication_seed(spec.seed, replication)
        super().__init__(rng=run_seed)
        self.spec = spec
        self.replication = replication
        self.run_seed = run_seed
        self.deterministic = deterministic
        self.structure = compile_structure(spec)
        self.state = initial_state(spec, self.structure)
        if not deterministic:
            seed_run(self.state, self.structure, run_seed)
        self.t = 0
        self.log = dynamics.Log()
        self.pending: list = []
        self.failure: tuple[int, str] | None = None  # first step outside the domain, where
        self.nations = [
            self.agent_classes.get(code, self.agent_class)(self, code, i)
            for i, code in enumerate(self.structure.codes)
        ]
        self.view = dynamics.perceive(self.state, self.structure, 0, run_seed, deterministic)
        self._check_domain(self.view)
        self.values = dynamics.measures(self.state, self.structure, self.view)
        self.decisions = Decision.empty(self.state)
        self.recorder = Recorder(self.structure, 1, batched=False)
        s = self.structure
        model_reporters = {"step": lambda m: m.t, "date": lambda m: s.dates[m.t]}
        for name in self.values["model"]:
            model_reporters[name] = _model_reporter(name)
        for i, j in s.key_pairs:
            model_reporters[f"conflict_risk.{s.codes[i]}.{s.codes[j]}"] = _risk_reporter(i, j)
        model_reporters["provocations"] = lambda m: (
            float(m.state.events_last.sum()) if m.t > 0 else 0.0
        )
        agent_reporters = {"actor": "code"}
        for name in self.values["actor"]:
            agent_reporters[name] = _agent_reporter(name)
        self.datacollector = mesa.DataCollector(
            model_reporters=model_reporters, agent_reporters=agent_reporters
        )
        self._collect()

    def __repr__(self) -> str:
        s = self.structure
        return (
            f"{type(self).__name__}({self.spec.name!r}, replication {self.replication}, "
            f"step {self.t} of {s.steps}, {s.dates[self.t]}"
            + (f", failed at step {self.failure[0]}: {self.failure[1]}" if self.failure else "")
            + ")"
        )

    # -- mesa API
    def step(self) -> None:
        """Advance one step (a month, quarter or year)."""
        s = self.structure
        if self.t >= s.steps:
            self.running = False
            return
        t = self.t
        if s.events[t] or self.pending:
            dynamics.begin(self.state, s, t, self.run_seed, self.pending, self.log)
            self._check_domain()  # what events and reactions set
            self.view = dynamics.perceive(self.state, s, t, self.run_seed, self.deterministic)
        self.agents.do("decide")
        self.agents.do("apply")
        dynamics.world(self.state, s, self.view, self.decisions, self.log)
        self.t = t + 1
        self.view = dynamics.perceive(self.state, s, self.t, self.run_seed, self.deterministic)
        self.values = dynamics.measures(self.state, s, self.view)
        self.pending = dynamics.react(self.state, s, self.values, self.t)
        self._collect()
        self._check_domain(self.view)
        # running turns False on the next call (t >= steps): mesa 3.3 batch_run reports
        # model_vars[steps - 1], which is then the collection at the horizon

    def run(self) -> GeoModel:
        """Run to the horizon and return self."""
        while self.running:
            self.step()
        return self

    # -- collection
    def _check_domain(self, view: dict | None = None) -> None:
        """Note the first step at which the state (or its view) leaves its domain."""
        if self.failure is None:
            code = int(domain_problems(self.state, view))
            if code:
                where = domain_problem(self.state, code, self.structure, view)
                self.failure = (self.t, where)

    def _collect(self) -> None:
        """Collect step t: mesa's DataCollector, and the recorder of the tidy tables."""
        self.datacollector.collect(self)
        self.recorder.add(self.t, self.state, self.view, self.values)

    def series(self, name: str, actors: tuple[int, ...] = ()) -> np.ndarray:
        """(1, steps so far + 1) trajectory of a measure ``name[.A[.B]]``.

        Parameters
        ----------
        name : str
            A measure name, or ``provocations``.
        actors : tuple of int
            Its actor indices: none, one or two.
        """
        return self.recorder.series(name, actors, self.log)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy tables of this run: measures, actors, dyads, trade, events.

        The layout is the batch engine's (:mod:`.tables`), with the run column named
        ``replication``.
        """
        out = {}
        for name, frame in self.recorder.tables([self.run_seed], self.log).items():
            frame = frame.rename(columns={"run": "replication"})
            frame["replication"] = self.replication
            out[name] = frame
        return out


def _model_reporter(name):
    return lambda m: float(m.values["model"][name])


def _risk_reporter(i, j):
    return lambda m: float(m.values["dyad"]["conflict_risk"][i, j])


def _agent_reporter(name):
    return lambda a: float(a.model.values["actor"][name][a.index])


def batch_run_iteration() -> int | None:
    """The iteration of ``mesa.batch_run`` that is building a model, or None.

    ``mesa.batch_run`` (3.3 and 3.5) builds each model as ``model_cls(**kwargs)`` in
    ``mesa.batchrunner._model_run_func``, whose ``run`` tuple holds the iteration; an
    iteration without a seed of its own would otherwise repeat the first run.  Found
    by looking up the calling frames (only a few, and only for this function), so a
    change in mesa's batch runner makes this None, never a wrong number.

    Returns
    -------
    int or None
        The iteration index, or None when no batch run is building the model.
    """
    frame = sys._getframe(1)
    for _ in range(12):  # GeoModel.__init__, a subclass's __init__ or two, the runner
        frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            return None
        if (
            frame.f_code.co_name == "_model_run_func"
            and frame.f_globals.get("__name__") == "mesa.batchrunner"
        ):
            iteration = frame.f_locals.get("iteration")
            return iteration if isinstance(iteration, int) and iteration >= 0 else None
    return None


def batch_run_kwargs(spec: Scenario, seeds: list[int], **options) -> dict:
    """Keywords for ``mesa.batch_run(GeoModel, ...)`` with explicit run seeds, mesa 3.3 or 3.5+.

    mesa 3.3 takes seeds as ``parameters={"seed": [...]}``; 3.5 takes ``rng=[...]``
    and overwrites a ``seed`` parameter.  batch_run expands every iterable parameter,
    so the scenario goes in as ``[spec]``.

    Parameters
    ----------
    spec : Scenario
        The scenario.
    seeds : list of int
        One run seed per model.
    **options
        Passed through (``number_processes``, ``display_progress``, ...).
    """
    version = tuple(int(part) for part in mesa.__version__.split(".")[:2])
    parameters = {"spec": [spec], "deterministic": False}
    common = {"number_processes": 1, "data_collection_period": -1, "display_progress": False}
    common.update(options)
    if version >= (3, 5):
        return {"parameters": parameters, "rng": list(seeds), **common}
    return {"parameters": {**parameters, "seed": list(seeds)}, "iterations": 1, **common}
