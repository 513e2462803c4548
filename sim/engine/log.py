"""The event log: every event of a run with its Goldstein (1992) weight.

:data:`GOLDSTEIN` gives each event kind its cooperation-conflict weight on the
Goldstein scale (-10 .. +10), by its CAMEO class (Schrodt 2012).  :class:`Log`
collects event rows of one run, or of a block of runs, as column blocks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

# Goldstein (1992) weights of the event kinds, by their CAMEO classes.
GOLDSTEIN = {
    "provocation": -7.0,  # CAMEO 15/138: exhibit force posture, threaten with force
    "summit": 7.0,  # CAMEO 046: engage in negotiation
    "treaty": 8.0,  # CAMEO 057: sign formal agreement
    "transfer_surge": 7.4,  # CAMEO 062: engage in military cooperation
    "ceasefire": 9.0,  # CAMEO 0871: declare ceasefire
    "war": -10.0,  # CAMEO 19: fight
    "turnover": 0.0,  # no cooperation-conflict content
    "veto": -4.0,  # CAMEO 12: reject
    "sanctions_measure": -8.0,  # CAMEO 163: impose embargo, boycott or sanctions
    "sanctions_imposed": -8.0,  # CAMEO 163: impose embargo, boycott or sanctions (a regime)
    "monitoring_restored": -2.0,  # CAMEO 16: reduce relations (monitoring a target)
    "sanctions_vote": 0.0,
    "abstention": -1.0,  # assumption: between assent (0) and a veto (-4, CAMEO 12 reject)
    "mandate_ended": 2.0,  # CAMEO 08: yield (monitoring lifted from the target)
    "border_closure": -4.0,  # CAMEO 16: reduce relations (halt trade, travel)
    "moratorium": 5.0,  # CAMEO 03/0351: express intent to de-escalate (halt tests)
    "succession": 0.0,  # a change of state, not an act toward another (no CAMEO class)
    "aid": 7.4,  # CAMEO 07: provide aid
    "friendship_treaty": 8.0,  # CAMEO 057: sign formal agreement
    "treaty_lapse": -2.0,  # assumption: a commitment let lapse, milder than CAMEO 16 (-4)
}


EVENT_COLUMNS = ("step", "date", "kind", "actor", "partner", "goldstein", "source", "note")
"""Columns of an event row (the batch engine adds the run)."""


class Log:
    """The event rows of one run, or of a block of runs (``batched``), kept as column blocks.

    :meth:`add` logs many rows at once: ``counts`` says how many times the event
    happened at each position of an array whose first axis is the run when
    ``batched``; the remaining axes index actors or dyads, and ``actor`` and
    ``partner`` may be arrays over them.  Rows keep the order of a C-order loop over
    the positions, so a block's rows of one run come out exactly as that run's own
    log.  A disabled log (sweeps that keep only measures) records nothing.
    """

    def __init__(self, batched: bool = False, enabled: bool = True):
        self.batched = batched
        self.enabled = enabled
        self.blocks: list[tuple[int, dict[str, Any]]] = []

    def add(self, counts, step, date, kind, actor, partner, goldstein, source, note=""):
        """Log the events that happened ``counts`` times at each position.

        Parameters
        ----------
        counts : array_like
            Event counts; when batched the first axis is the run, the others index actors
            or dyads.
        step : int
            The step.
        date : str
            Its date, YYYY-MM.
        kind : str
            The event kind.
        actor, partner : str, ndarray or None
            Codes, scalars or arrays over the positions of ``counts``.
        goldstein : float
            The Goldstein (1992) weight.
        source : str
            ``endogenous``, ``scheduled`` or ``reaction``.
        note : str or ndarray
            Free text.
        """
        if not self.enabled:
            return
        counts = np.asarray(counts)
        index = np.nonzero(counts) if counts.ndim else ((),)
        reps = counts[index].astype(np.intp) if counts.ndim else np.array([int(counts)])
        rows = int(reps.sum())
        if rows == 0:
            return

        def column(value):
            if np.ndim(value) == 0:
                return value
            spread = np.broadcast_to(np.asarray(value, dtype=object), counts.shape)
            return np.repeat(spread[index], reps)

        block = {
            "step": step,
            "date": date,
            "kind": kind,
            "actor": column(actor),
            "partner": column(partner),
            "goldstein": float(goldstein),
            "source": source,
            "note": column(note),
        }
        if self.batched:
            block["run"] = np.repeat(index[0], reps)
        self.blocks.append((rows, block))

    def frame(self) -> pd.DataFrame:
        """The rows as a table (with a ``run`` column when batched)."""
        names = (("run",) if self.batched else ()) + EVENT_COLUMNS
        if not self.blocks:
            return pd.DataFrame([], columns=list(names))
        cols = {}
        for name in names:
            parts = []
            for rows, block in self.blocks:
                value = block[name]
                parts.append(value if np.ndim(value) else np.full(rows, value, dtype=object))
            cols[name] = np.concatenate(parts)
        frame = pd.DataFrame(cols)
        frame["goldstein"] = frame["goldstein"].astype(float)
        frame["step"] = frame["step"].astype(np.int64)
        if self.batched:
            frame["run"] = frame["run"].astype(np.int64)
        return frame
