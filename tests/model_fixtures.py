"""Helpers for the model tests: the baseline, variants of it, and one bare step.

Owned by the model tests (test_rules, test_random, test_model, test_batch_run);
``conftest.py`` belongs to the scenario and CLI tests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.engine import phases as dynamics
from sim.engine.state import State, Structure
from sim.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"


@functools.cache
def baseline() -> Scenario:
    """The bundled baseline scenario (frozen, so it can be shared)."""
    return load_scenario(BASELINE)


def variant(overrides: dict[str, Any]) -> Scenario:
    """The baseline with ``{path: value}`` overrides, as ``--set`` applies them."""
    return load_scenario(BASELINE, overrides)


def edited(spec: Scenario, edit: Callable[[dict[str, Any]], None]) -> Scenario:
    """A scenario rebuilt from its dict after ``edit(data)`` changed it in place."""
    data = spec.model_dump(by_alias=True)
    edit(data)
    return Scenario.model_validate(data)


def with_updates(spec: Scenario, updates: dict[str, Any]) -> Scenario:
    """A scenario with dotted-path updates of its dict (``actors.PRK.doctrine.x``)."""

    def edit(data: dict[str, Any]) -> None:
        for path, value in updates.items():
            *parents, last = path.split(".")
            node = data
            for key in parents:
                node = node[key]
            node[last] = value

    return edited(spec, edit)


def one_step(st: State, structure: Structure, t: int, seed: Any, deterministic: bool) -> State:
    """State at t+1 from a copy of ``st`` at t: perceive, decide (all rows), world.

    No scheduled events and no reactions: the bare map of one step.
    """
    st = st.copy()
    view = dynamics.perceive(st, structure, t, seed, deterministic)
    decisions = dynamics.decide(st, structure, view, slice(None))
    return dynamics.world(st, structure, view, decisions, dynamics.Log([]))


def tables(model) -> dict:
    """``model.tables()`` (kept as a helper so the model tests read alike)."""
    return model.tables()
