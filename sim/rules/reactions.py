"""Declarative reactions: if a measure stays above (or below) a level, act.

A reaction's condition is evaluated on the measures at the end of step t; when it
has held for ``for_steps`` consecutive evaluations and the cooldown ``every`` has
passed since the last firing (or it is ``once`` and has not fired), its operations
are applied at the start of step t+1.  The state of each reaction is a pair of
counters, so the rule is a pure function of arrays of any leading shape.
"""

from __future__ import annotations

from .common import namespace


def holds(value, above, below):
    """Whether a reaction's condition holds on a measure's value (NaN never holds).

    Parameters
    ----------
    value : array_like
        The measure's current value, any shape.
    above, below : float or None
        The condition: the value lies above ``above`` and below ``below`` (either may be
        None).
    """
    ok = namespace(value).isfinite(value)
    if above is not None:
        ok = ok & (value > above)
    if below is not None:
        ok = ok & (value < below)
    return ok


def update(streak, since_fired, fired_count, condition, for_steps, every, once):
    """Advance a reaction's counters by one evaluation.

    Parameters
    ----------
    streak : array_like
        Consecutive evaluations the condition has held.
    since_fired : array_like
        Evaluations since the reaction last fired.
    fired_count : array_like
        How often it has fired.
    condition : array_like
        Bool, whether the condition holds now (:func:`holds`).
    for_steps : int
        Evaluations the condition must hold in a row.
    every : int
        Evaluations at least between two firings.
    once : bool
        Fire at most once.

    Returns
    -------
    (streak, since_fired, fired_count, fire), each of the counters' shape.
    """
    xp = namespace(streak, since_fired, fired_count, condition)
    streak = xp.where(condition, streak + 1, 0)
    ready = (streak >= for_steps) & (since_fired >= every)
    if once:
        ready = ready & (fired_count == 0)
    since_fired = xp.where(ready, 0, since_fired + 1)
    fired_count = fired_count + xp.astype(ready, fired_count.dtype)  # count + bool
    return streak, since_fired, fired_count, ready
