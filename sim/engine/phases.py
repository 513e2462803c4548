"""One step of the model as phases over arrays with free leading dimensions.

Both engines run the same phases in the same order; only the orchestration
differs.  In the mesa model (:mod:`.model`) each :class:`~.agents.Nation` runs
:func:`decide` on its own row and writes it back in ``apply``; the batch engine
(:mod:`.batch`) runs :func:`decide` on all rows of a block of runs at once.

Order of one step t -> t+1 (every rule reads the state at t and writes t+1):

1. :func:`begin` applies the events scheduled in step t and the reactions that
   fired at the end of step t-1 (:mod:`.events`); the view is perceived again for
   the runs they changed (:func:`refresh`).
2. :func:`perceive` computes what every actor sees at t: power, threat, cover,
   credibility, insecurity, trade targets, compliance, transfers, the bargain,
   provocation hazards (:mod:`.perceive`).
3. :func:`decide` (per actor row): the burden logit (arms), the attitudes
   (relations), unilateral sanctions, and whether a provocation happens
   (:mod:`.decide`).
4. :func:`world`: trade flows, growth, capability, technology, memories,
   misperception, summits, multilateral votes (:mod:`.world`).
5. :func:`measures` at t+1; :func:`react` evaluates the reactions on them
   (:mod:`.observe`).

This module only gathers the phases under one name, in that order.
"""

from .decide import Decision, decide
from .events import apply_op, begin
from .log import Log
from .observe import measure_value, measures, react
from .perceive import STEP_VIEW, perceive, refresh
from .world import world

__all__ = [
    "STEP_VIEW",
    "Decision",
    "Log",
    "apply_op",
    "begin",
    "decide",
    "measure_value",
    "measures",
    "perceive",
    "react",
    "refresh",
    "world",
]
