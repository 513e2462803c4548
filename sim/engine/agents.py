"""The states of the region as mesa agents.

A :class:`Nation` is one actor of the scenario.  Activation is simultaneous: every
agent first ``decide``\\ s from the state at t (its burden, its attitudes toward the
others, its unilateral sanctions, whether it provokes), then every agent
``apply``\\ s its decision to the arrays of t+1.  The decision is the same pure
function (:func:`sim.step.decide`) that the batch engine runs on all rows at once,
here run on the agent's own row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from . import phases as dynamics
from .decide import Decision

if TYPE_CHECKING:
    from .model import GeoModel


class Nation(mesa.Agent):
    """A state: an ISO alpha-3 code, a row of every array, a doctrine."""

    def __init__(self, model: GeoModel, code: str, index: int):
        super().__init__(model)
        self.code = code
        self.index = index
        self.rows = slice(index, index + 1)
        self.decision: Decision | None = None

    @property
    def doctrine(self) -> dict[str, float]:
        """This actor's current doctrine values."""
        return {k: float(v[self.index]) for k, v in self.model.state.doctrine.items()}

    def decide(self) -> None:
        """Compute this actor's decisions from the state at t (nothing is written)."""
        m = self.model
        self.decision = dynamics.decide(m.state, m.structure, m.view, self.rows)

    def apply(self) -> None:
        """Write this actor's decisions into the arrays of t+1."""
        if self.decision is None:
            raise RuntimeError(f"{self!r}.apply() before decide()")
        self.model.decisions.write(self.decision, self.rows)
        self.decision = None

    def __repr__(self) -> str:
        return f"Nation({self.code})"
