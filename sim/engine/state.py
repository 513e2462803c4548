"""The arrays of a run: its structure (fixed by the scenario) and its state.

:class:`Structure` holds what the scenario fixes for every run: the cast, the
categories, the step length, the schedules (war demand, events, renewals), the
poles and key dyads.  :class:`State` holds the numbers that change: one array per
quantity, whose leading dimensions are free (``()`` for one run in the mesa model,
``(R,)`` for a block of runs in the batch engine), then ``(N,)`` per actor,
``(N, N)`` per ordered dyad, ``(K,)`` per possible trade flow
(:class:`~sim.rules.trade.Flows`).  Doctrine and model parameters live in the state
too, because events and reactions change them.

:func:`stack`, :func:`take` and :class:`RowsView` move between single runs and
blocks of runs, keeping the runs fastest in memory.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..rules.common import runs_fastest
from ..rules.trade import Flows
from ..scenario import PathRef


@dataclass
class CompiledEvent:
    """A scheduled event, ready to apply: operations plus what to log."""

    index: int
    step: int
    kind: str
    ops: list[tuple[str, PathRef, Any]]
    actor: str | None
    partner: str | None
    probability: float
    goldstein: float
    note: str
    key: int = 0  # stable key of its random draw (a hash of the event's content)
    provocation: int | None = None  # actor index forced to provoke
    summit: tuple[int, int] | None = None
    vote_target: int | None = None
    vote_coverage: tuple[float, ...] | None = None  # the measure's coverage by category (NaN: none)
    imposes: int | None = None  # target index whose regime (and mandate) begins
    succession: tuple[int, int] | None = None  # (predecessor, successor) indices


@dataclass
class CompiledReaction:
    """A reaction with its measure resolved to indices."""

    index: int
    actor: str
    measure: str
    measure_actors: tuple[int, ...]
    above: float | None
    below: float | None
    for_steps: int
    every: int
    once: bool
    ops: list[tuple[str, PathRef, Any]]
    goldstein: float
    note: str


@dataclass
class Structure:
    """What the scenario fixes for all runs of a block."""

    codes: list[str]
    categories: list[str]
    dt: float
    steps: int
    dates: list[str]
    keys: np.ndarray
    sponsors: np.ndarray  # (T, K) bool: K sanctions T
    veto_holders: np.ndarray  # (T, V) bool
    has_regime: np.ndarray  # (N,) bool
    years_since0: np.ndarray  # (N,)
    reference_path: np.ndarray  # (steps + 1, 3) log world GDP, milex, population over start
    renewal: np.ndarray  # (steps + 1, N) bool: vote on monitoring of T at step t
    endogenous: np.ndarray  # (N,) bool
    in_a: np.ndarray
    in_b: np.ndarray
    key_pairs: list[tuple[int, int]]
    payment: np.ndarray  # (C,) shares
    supply_category: int
    energy_food: np.ndarray  # (C,) bool
    events: list[list[CompiledEvent]]
    reactions: list[CompiledReaction]
    flows: Flows  # the trade flows the scenario can have; trade arrays are (..., K)
    active: np.ndarray | None = None  # (steps + 1, N) bool: who is present; None: all, always

    @property
    def n(self) -> int:
        """N, the number of actors."""
        return len(self.codes)

    @property
    def targets(self) -> np.ndarray:
        """Indices of the actors under a multilateral regime."""
        return np.flatnonzero(self.has_regime)

    def index(self, code: str) -> int:
        """The index of an actor code.

        Parameters
        ----------
        code : str
            An ISO code of the cast.
        """
        return self.codes.index(code)


@dataclass
class State:
    """The changing arrays of one run or a block of runs (see module docstring)."""

    # per actor
    gdp: np.ndarray
    population: np.ndarray
    warheads: np.ndarray
    presence: np.ndarray
    base_growth: np.ndarray
    ppp_factor: np.ndarray
    burden_logit: np.ndarray
    burden: np.ndarray
    burden0: np.ndarray
    tolerance: np.ndarray
    capability: np.ndarray
    technology: np.ndarray
    delivery: np.ndarray  # delivery-means stock, USD bn
    pipeline: np.ndarray
    provocation_memory: np.ndarray
    war_override: np.ndarray
    growth: np.ndarray
    volume_last: np.ndarray  # (..., N) trade volume of the last step, USD bn per year
    evasion_last: np.ndarray  # (..., N) unrecorded trade of the last step, USD bn per year
    burden_schedule: np.ndarray  # (..., steps + 1, N) reference burden
    war_series: np.ndarray  # (..., steps + 1, N) war demand, USD bn per year
    aid_share0: np.ndarray  # (..., N) economic aid received over GDP at the start
    # per dyad
    relation: np.ndarray
    alliance: np.ndarray
    alliance_level: np.ndarray  # structural (treaty) level of each commitment
    alliance_drive0: np.ndarray  # the drive that sustained each commitment at the start
    proximity: np.ndarray
    sanction: np.ndarray
    multiplier: np.ndarray
    summit_rate: np.ndarray
    summit_memory: np.ndarray
    aid: np.ndarray  # (..., N, N) economic aid [donor, recipient], USD bn per year
    baseline_relation: np.ndarray
    base_mutual: np.ndarray
    relation_offset_up: np.ndarray
    relation_offset_down: np.ndarray
    sanction_offset_up: np.ndarray
    sanction_offset_down: np.ndarray
    misperception: np.ndarray  # AR(1) log error x_ij
    # trade
    potential0: np.ndarray  # (..., K): one entry per flow of Structure.flows
    recorded: np.ndarray
    unrecorded: np.ndarray
    potential_given: np.ndarray  # (..., K) pre-sanctions potential of a flow, NaN if none
    enforcement_gain: np.ndarray  # (..., N, N) [partner, target] calibrated bite of a regime
    coverage: np.ndarray  # (..., N, C) by target
    monitoring: np.ndarray  # (..., N) by target
    mandate: np.ndarray  # (..., N) bool by target: a monitoring mandate is in force
    lapsed_monitoring: np.ndarray  # (..., N) monitoring after a veto ends it (< 0: no end)
    # parameters
    doctrine: dict[str, np.ndarray]
    model: dict[str, np.ndarray]
    reference: dict[str, np.ndarray]
    # reactions: counters (..., n_reactions)
    reaction_streak: np.ndarray
    reaction_since: np.ndarray
    reaction_count: np.ndarray
    events_last: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def copy(self) -> State:
        """A deep copy of the state."""
        return copy.deepcopy(self)


def stack(states: list[State]) -> State:
    """Stack single-run states into a block with a leading run dimension (runs fastest).

    Parameters
    ----------
    states : list of State
        States of one run each, of the same structure.
    """
    first = states[0]
    out: dict[str, Any] = {}
    for name in first.__dataclass_fields__:
        value = getattr(first, name)
        if isinstance(value, dict):
            out[name] = {
                k: runs_fastest(np.stack([getattr(s, name)[k] for s in states])) for k in value
            }
        else:
            out[name] = runs_fastest(np.stack([getattr(s, name) for s in states]))
    return State(**out)


def _rows(value: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """value[idx] along the run axis, runs fastest in memory."""
    return runs_fastest(value[idx])


class _LazyRows(dict):
    """A dict of per-run arrays whose rows ``idx`` are taken when first read."""

    def __init__(self, source: dict, idx: np.ndarray):
        super().__init__()
        self._source, self._idx = source, idx

    def __missing__(self, key):
        value = self[key] = _rows(self._source[key], self._idx)
        return value


class RowsView:
    """The runs ``idx`` of a block, read only, each array taken when first read.

    :func:`sim.step.refresh` perceives the few runs an event changed through this
    view: perception reads about half of the state's arrays.
    """

    def __init__(self, state: State, idx: np.ndarray):
        self._state, self._idx = state, idx

    def __getattr__(self, name: str):
        value = getattr(self._state, name)
        value = _LazyRows(value, self._idx) if isinstance(value, dict) else _rows(value, self._idx)
        setattr(self, name, value)
        return value


def take(state: State, idx: np.ndarray) -> State:
    """The runs ``idx`` of a block (leading dimension), as a new State (runs fastest).

    Parameters
    ----------
    state : State
        A block.
    idx : ndarray
        Run indices (repeats allowed).
    """
    out: dict[str, Any] = {}
    for name in state.__dataclass_fields__:
        value = getattr(state, name)
        if isinstance(value, dict):
            out[name] = {k: _rows(v, idx) for k, v in value.items()}
        else:
            out[name] = _rows(value, idx)
    return State(**out)


DOMAIN: dict[str, tuple[str, float, bool, float]] = {
    # state array: (table name, lowest value, whether it is allowed, highest allowed)
    "gdp": ("actors.{a}.gdp", 0.0, False, np.inf),
    "population": ("actors.{a}.population", 0.0, False, np.inf),
    "burden": ("actors.{a}.defence_share", 0.0, False, 1.0),
    "capability": ("actors.{a}.capability", 0.0, True, np.inf),
    "delivery": ("actors.{a}.delivery", 0.0, True, np.inf),
    "warheads": ("actors.{a}.warheads", 0.0, True, np.inf),
    "presence": ("actors.{a}.presence", 0.0, True, 1.0),
    "relation": ("dyads.{a}>{b}.relation", -1.0, False, 1.0),
    "alliance": ("dyads.{a}>{b}.alliance", 0.0, True, 1.0),
    "sanction": ("dyads.{a}>{b}.sanction", 0.0, True, 1.0),
    "recorded": ("trade.flow {k}", 0.0, True, np.inf),
    "unrecorded": ("trade.unrecorded flow {k}", 0.0, True, np.inf),
}
"""The documented domain of each checked state array (``docs/model.md``, state
variables): every value finite, above (or at) the lowest and at most the highest.  A
run whose state leaves it is flagged failed (:func:`domain_problems`)."""

VIEW_DOMAIN: dict[str, tuple[str, float, bool, float]] = {
    "power": ("actors.{a}.power", 0.0, True, 1.0),
    "regional_power": ("actors.{a}.regional_power", 0.0, True, 1.0),
}
"""The domain of the derived shares of the perceived view (:func:`~sim.engine.perceive.
perceive`): a share of the world's totals cannot exceed 1, whatever an event did to a
GDP or a capability stock."""


def _checked(st: State, view: dict | None) -> list[tuple[str, np.ndarray, tuple]]:
    arrays = [(name, getattr(st, name), bounds) for name, bounds in DOMAIN.items()]
    if view is not None:
        arrays += [(name, np.asarray(view[name]), b) for name, b in VIEW_DOMAIN.items()]
    return arrays


def _inside(a: np.ndarray, low: float, low_ok: bool, high: float) -> np.ndarray:
    above = a >= low if low_ok else a > low
    return np.isfinite(a) & above & (a <= high)


def domain_problems(st: State, view: dict | None = None) -> np.ndarray:
    """Which runs of a state are outside :data:`DOMAIN`, and in which array first.

    Parameters
    ----------
    st : State
        One run or a block.
    view : dict, optional
        The view perceived from ``st``; its shares are checked against
        :data:`VIEW_DOMAIN` after the state's arrays.

    Returns
    -------
    ndarray
        Int of the state's leading shape (``()`` for one run): 0 where every checked
        array is inside its domain, else 1 + the position in :data:`DOMAIN` (then
        :data:`VIEW_DOMAIN`) of the first array that is not.
    """
    lead = st.gdp.ndim - 1
    code = np.zeros(st.gdp.shape[:lead], dtype=np.int64)
    for position, (_, a, (_, low, low_ok, high)) in enumerate(_checked(st, view), start=1):
        ok = _inside(a, low, low_ok, high).all(axis=tuple(range(lead, a.ndim)))
        code = np.where((code == 0) & ~ok, position, code)
    return code


def domain_problem(st: State, code: int, S: Structure, view: dict | None = None) -> str:
    """Where one run's state first leaves its domain: ``actors.PRK.gdp = 0``.

    Parameters
    ----------
    st : State
        One run (leading shape ``()``).
    code : int
        Its :func:`domain_problems` code (> 0).
    S : Structure
        The run's structure (actor codes, trade flows).
    view : dict, optional
        The run's view, when ``code`` was found with one.
    """
    codes = S.codes
    _, a, (label, low, low_ok, high) = _checked(st, view)[code - 1]
    a = np.asarray(a)
    bad = np.argwhere(~_inside(a, low, low_ok, high))
    where = tuple(int(i) for i in bad[0]) if len(bad) else ()
    value = float(a[where]) if where else float("nan")
    if label.startswith("trade"):
        k = where[-1] if where else 0
        f = S.flows
        flow = f"{codes[f.source[k]]}>{codes[f.target[k]]} {S.categories[f.category[k]]}"
        text = label.format(k=flow)
    elif "{b}" in label:
        text = label.format(a=codes[where[-2]], b=codes[where[-1]])
    else:
        text = label.format(a=codes[where[-1]])
    return f"{text} = {value:.6g}"


def finite_runs(st: State) -> np.ndarray:
    """Which runs of a state are inside their documented domain (:data:`DOMAIN`).

    Parameters
    ----------
    st : State
        One run or a block.

    Returns
    -------
    ndarray
        Bool of the state's leading shape (``()`` for one run).
    """
    return domain_problems(st) == 0
