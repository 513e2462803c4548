"""States that enter, leave and succeed one another: an active mask over fixed arrays.

The cast of a run is fixed (every array has one row per actor the scenario names), but
an actor may be *present* for only part of the run: from its ``from:`` date, until its
``until:`` date, or until a ``succession`` event hands its ties to a successor.
``Structure.active`` (steps + 1, N) says who is present at each step; it is None when
everyone always is, and then nothing here runs (the bundled scenarios are untouched).

While an actor is absent:

- **others do not see it.** Every phase reads a :func:`masked` state, in which the
  absent actor is a distant actor (the principle of ``docs/model.md``, Power): no
  presence, capability, delivery means, arsenal or war demand, no relation, alliance,
  sanction, proximity or summits with anyone, no trade.  Its power shares are 0 and
  it proposes, sponsors, vetoes and provokes nothing.
- **its own state is held** (:func:`hold` before a step, :func:`write_back` after it):
  an entrant enters with the figures the scenario gives it, and a state that left
  keeps its last ones.  Its trade flows are 0: a state that leaves takes its trade with
  it, and an entrant's trade builds up from 0 toward its potential at the model's
  adjustment rate.
- **its measures are missing** (NaN) in the tables, and so are those of its dyads.

A successor (:func:`succeed`) inherits the predecessor's ties as they stand at the
succession: relations, treaties (alliance commitments with their levels and drives),
unilateral sanctions, transfer multipliers, summit memories, misperceptions, economic
aid given and received, trade flows, and its roles in the sanctions regimes (sponsor, veto holder; compiled into the
structure).  Its dispositions stay its own, from its figures in the scenario: its
structural attitudes and offsets, trade potentials, geography (proximity, summit
rates), economy and forces.  Inherited relations and flows then relax toward those.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from .state import State, Structure

ACTOR_ARRAYS = (
    "gdp",
    "population",
    "warheads",
    "presence",
    "base_growth",
    "ppp_factor",
    "burden_logit",
    "burden",
    "burden0",
    "tolerance",
    "capability",
    "technology",
    "delivery",
    "pipeline",
    "provocation_memory",
    "war_override",
    "growth",
    "volume_last",
    "evasion_last",
    "events_last",
    "coverage",
    "monitoring",
    "mandate",
    "lapsed_monitoring",
    "aid_share0",
)
"""State arrays with one entry per actor on their first axis after the runs'."""

SCHEDULE_ARRAYS = ("burden_schedule", "war_series")
"""State arrays (..., steps + 1, N): one column per actor."""

DYAD_ARRAYS = (
    "relation",
    "alliance",
    "alliance_level",
    "alliance_drive0",
    "proximity",
    "sanction",
    "multiplier",
    "summit_rate",
    "summit_memory",
    "baseline_relation",
    "base_mutual",
    "relation_offset_up",
    "relation_offset_down",
    "sanction_offset_up",
    "sanction_offset_down",
    "misperception",
    "enforcement_gain",
    "aid",
)
"""State arrays (..., N, N), one entry per ordered dyad."""

FLOW_ARRAYS = ("recorded", "unrecorded")
"""Trade flows (..., K): 0 while either end is absent."""

HELD_FLOW_ARRAYS = ("potential0", "potential_given")
"""Per-flow quantities (..., K) held while either end is absent."""

UNINDEXED = (
    "doctrine",
    "model",
    "reference",
    "reaction_streak",
    "reaction_since",
    "reaction_count",
)
"""State fields with no actor axis (parameters are not changed by the phases)."""

INHERITED = (
    "relation",
    "alliance",
    "alliance_level",
    "alliance_drive0",
    "sanction",
    "multiplier",
    "summit_memory",
    "misperception",
    "aid",
)
"""The dyad arrays a successor takes over from its predecessor (module docstring)."""

_LINKS = ("relation", "alliance", "alliance_level", "proximity", "sanction", "summit_rate", "aid")
_SUMMITS = ("summit_memory",)
_FORCES = ("presence", "capability", "delivery", "warheads")


def absent(S: Structure, t: int) -> np.ndarray | None:
    """Which actors are absent at step t, or None when all are present.

    Parameters
    ----------
    S : Structure
        The run's structure (its ``active`` schedule).
    t : int
        The step.
    """
    if S.active is None:
        return None
    present = S.active[min(t, S.active.shape[0] - 1)]
    return None if present.all() else ~present


def present_at(S: Structure, t: int) -> np.ndarray:
    """Bool (N,): who is present at step t.

    Parameters
    ----------
    S : Structure
        The run's structure.
    t : int
        The step.
    """
    gone = absent(S, t)
    return np.ones(S.n, dtype=bool) if gone is None else ~gone


def _zeroed(x: np.ndarray, index: tuple) -> np.ndarray:
    """A copy of x (same memory layout) with x[(..., *index)] set to 0."""
    out = np.array(x, copy=True, order="K")
    out[(Ellipsis, *index)] = 0
    return out


def masked(st: Any, S: Structure, gone: np.ndarray) -> State:
    """The state as the others see it: the absent actors made distant (module docstring).

    The arrays that change are copies; all others are shared with ``st``.

    Parameters
    ----------
    st : State or RowsView
        One run or a block.
    S : Structure
        Its structure.
    gone : ndarray
        Bool (N,): the absent actors.
    """
    values = {f.name: getattr(st, f.name) for f in fields(State)}
    idx = np.flatnonzero(gone)
    pair = gone[:, None] | gone[None, :]
    touch = gone[S.flows.source] | gone[S.flows.target]
    for name in _FORCES:
        values[name] = _zeroed(values[name], (idx,))
    for name in (*_LINKS, *_SUMMITS):
        values[name] = _zeroed(values[name], (pair,))
    for name in (*FLOW_ARRAYS, "potential0"):
        values[name] = _zeroed(values[name], (touch,))
    values["war_series"] = _zeroed(values["war_series"], (slice(None), idx))
    override = np.array(values["war_override"], copy=True, order="K")
    override[..., idx] = np.nan
    values["war_override"] = override
    return State(**values)


def mask_view(view: dict[str, Any], gone: np.ndarray) -> None:
    """Zero the absent actors' power shares and provocation hazards in a view (in place).

    Parameters
    ----------
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived.
    gone : ndarray
        Bool (N,): the absent actors.
    """
    idx = np.flatnonzero(gone)
    for name in ("power", "regional_power", "hazard", "background_hazard"):
        view[name] = _zeroed(view[name], (idx,))
    # nobody threatens an absent actor; its own decisions are discarded, and a neutral
    # insecurity keeps them finite (0 would put the burden's logit at -inf)
    insecurity = np.array(view["insecurity"], copy=True, order="K")
    insecurity[..., idx] = 0.5
    view["insecurity"] = insecurity


def hold(st: State, S: Structure, gone: np.ndarray) -> dict[str, np.ndarray]:
    """Copies of the absent actors' parts of every actor-indexed array.

    Parameters
    ----------
    st : State
        One run or a block.
    S : Structure
        Its structure.
    gone : ndarray
        Bool (N,): the absent actors.
    """
    out: dict[str, np.ndarray] = {}
    for name, index in _indices(S, gone):
        value = getattr(st, name)
        if value.shape[-1:] == (0,):
            continue  # events_last before the first step
        out[name] = np.array(value[(Ellipsis, *index)], copy=True)
    return out


def write_back(st: State, new: State, held: dict[str, np.ndarray], S: Structure, gone) -> None:
    """Take a step's results from ``new`` into ``st``, the absent actors' parts held (in place).

    Parameters
    ----------
    st : State
        The state to update.
    new : State
        The state a phase computed from :func:`masked` ``st``.
    held : dict
        :func:`hold` of ``st`` (or of another state whose absent parts should be kept).
    S : Structure
        The structure.
    gone : ndarray
        Bool (N,): the absent actors.
    """
    for f in fields(State):
        setattr(st, f.name, getattr(new, f.name))
    for name, index in _indices(S, gone):
        if name in held:
            value = np.array(getattr(st, name), copy=True, order="K")
            if value.shape[-1:] == (0,):
                continue
            value[(Ellipsis, *index)] = held[name]
            setattr(st, name, value)
    drop_trade(st, S, gone)


def drop_trade(st: State, S: Structure, gone: np.ndarray) -> None:
    """Set the trade flows to and from the absent actors to 0 (in place).

    Parameters
    ----------
    st : State
        One run or a block.
    S : Structure
        Its structure (the flows).
    gone : ndarray
        Bool (N,): the absent actors.
    """
    touch = gone[S.flows.source] | gone[S.flows.target]
    for name in FLOW_ARRAYS:
        setattr(st, name, _zeroed(getattr(st, name), (touch,)))


def _indices(S: Structure, gone: np.ndarray) -> list[tuple[str, tuple]]:
    """(array name, index after the runs' axes) of the absent actors' part of each array."""
    idx = np.flatnonzero(gone)
    pair = gone[:, None] | gone[None, :]
    touch = gone[S.flows.source] | gone[S.flows.target]
    out: list[tuple[str, tuple]] = []
    for name in ACTOR_ARRAYS:
        out.append((name, (idx, slice(None)) if name == "coverage" else (idx,)))
    out += [(name, (slice(None), idx)) for name in SCHEDULE_ARRAYS]
    out += [(name, (pair,)) for name in DYAD_ARRAYS]
    out += [(name, (touch,)) for name in HELD_FLOW_ARRAYS]
    return out


def hide_measures(values: dict[str, Any], gone: np.ndarray) -> None:
    """Set the absent actors' measures, and those of their dyads, to NaN (in place).

    Parameters
    ----------
    values : dict
        The output of :func:`~sim.engine.observe.measures`.
    gone : ndarray
        Bool (N,): the absent actors.
    """
    idx = np.flatnonzero(gone)
    pair = gone[:, None] | gone[None, :]
    for name, value in values["actor"].items():
        out = np.array(value, dtype=float, copy=True, order="K")
        out[..., idx] = np.nan
        values["actor"][name] = out
    for name, value in values["dyad"].items():
        out = np.array(value, dtype=float, copy=True, order="K")
        out[..., pair] = np.nan
        values["dyad"][name] = out


def succeed(st: State, S: Structure, old: int, new: int, mask: np.ndarray) -> None:
    """Hand actor ``old``'s ties to its successor ``new``, in the runs of ``mask`` (in place).

    See the module docstring for what carries over; the two actors' ties with each
    other are left as they are.

    Parameters
    ----------
    st : State
        The state at the succession: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        The structure (the successor's flows mirror the predecessor's).
    old, new : int
        Indices of the predecessor and the successor.
    mask : ndarray
        Bool of the leading shape: the runs where the succession happens.
    """
    others = np.array([k for k in range(S.n) if k not in (old, new)], dtype=np.intp)
    for name in INHERITED:
        a = getattr(st, name)
        row = np.where(mask[..., None], a[..., old, others], a[..., new, others])
        col = np.where(mask[..., None], a[..., others, old], a[..., others, new])
        a[..., new, others] = row
        a[..., others, new] = col
    f = S.flows
    for k in range(f.size):
        i, j, c = int(f.source[k]), int(f.target[k]), int(f.category[k])
        if old not in (i, j) or new in (i, j):
            continue
        mirror = f.index(new if i == old else i, new if j == old else j, c)
        for name in FLOW_ARRAYS:
            a = getattr(st, name)
            a[..., mirror] = np.where(mask, a[..., k], a[..., mirror])
            a[..., k] = np.where(mask, 0.0, a[..., k])


def successor_flows(support: set, pairs: list[tuple[int, int]]) -> set:
    """The trade flows a structure needs for its successions: each of a predecessor's
    flows mirrored onto its successor.

    Parameters
    ----------
    support : set of (int, int, int)
        The flows (exporter, importer, category) the scenario can have.
    pairs : list of (int, int)
        (predecessor, successor) of each succession, in date order.
    """
    out = set(support)
    for old, new in pairs:
        for i, j, c in list(out):
            if old in (i, j) and new not in (i, j):
                out.add((new if i == old else i, new if j == old else j, c))
    return out


def checked_fields() -> set[str]:
    """Every State field this module classifies (a test checks none is missing)."""
    return {
        *ACTOR_ARRAYS,
        *SCHEDULE_ARRAYS,
        *DYAD_ARRAYS,
        *FLOW_ARRAYS,
        *HELD_FLOW_ARRAYS,
        *UNINDEXED,
    }
