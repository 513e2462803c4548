"""A user-written decision rule for one state: Japan's defence burden only ratchets up.

Budgets are sticky downward (Wildavsky 1964, *The Politics of the Budgetary Process*;
for defence, the "ratchet" of Higgs 1987, *Crisis and Leviathan*): this rule lets
Japan decide its burden by the model's Richardson rule, then refuses any cut.  The
other states keep the built-in rules.  Run it with::

    geosim run scenarios/baseline.yaml --model docs/examples/ratchet.py:RatchetJapan
    geosim compare scenarios/baseline.yaml scenarios/trilateral_strengthens.yaml \\
        --model docs/examples/ratchet.py:RatchetJapan --measure defence_share.JPN

See docs/extending.md.
"""

from __future__ import annotations

import numpy as np

from sim import GeoModel, Nation


class RatchetNation(Nation):
    """A state that decides as the built-in rules do, then never lowers its burden."""

    def decide(self) -> None:
        super().decide()  # the built-in decision of this state's row
        assert self.decision is not None
        now = self.model.state.burden_logit[self.rows]  # the burden logit at t
        self.decision.burden_logit = np.maximum(self.decision.burden_logit, now)


class RatchetJapan(GeoModel):
    """The model with Japan's burden on a ratchet."""

    agent_classes = {"JPN": RatchetNation}
