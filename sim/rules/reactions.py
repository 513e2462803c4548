"""Declarative reactions: if a measure stays above (or below) a level, act.

A reaction's condition is evaluated on the measures at the end of step t; when it
has held for ``for_steps`` consecutive evaluations and the cooldown ``every`` has
passed since the last firing (or it is ``once`` and has not fired), its operations
are applied at the start of step t+1.  The state of each reaction is a pair of
counters, so the rule is a pure function of arrays of any leading shape.
"""

from __future__ import annotations

import numpy as np


def holds(value, above, below):
    """Whether the condition holds (NaN never holds)."""
    ok = np.isfinite(value)
    if above is not None:
        ok = ok & (value > above)
    if below is not None:
        ok = ok & (value < below)
    return ok


def update(streak, since_fired, fired_count, condition, for_steps, every, once):
    """Advance the counters; return (streak, since_fired, fired_count, fire)."""
    streak = np.where(condition, streak + 1, 0)
    ready = (streak >= for_steps) & (since_fired >= every)
    if once:
        ready = ready & (fired_count == 0)
    since_fired = np.where(ready, 0, since_fired + 1)
    fired_count = fired_count + ready
    return streak, since_fired, fired_count, ready
