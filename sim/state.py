"""The arrays of a run: its structure (fixed by the scenario) and its state.

:class:`Structure` holds what the scenario fixes for every run: the cast, the
categories, the step length, the schedules (war demand, events, renewals), the
poles and key dyads.  :class:`State` holds the numbers that change: one array per
quantity, whose leading dimensions are free (``()`` for one run in the mesa model,
``(R,)`` for a block of runs in the batch engine), then ``(N,)`` per actor,
``(N, N)`` per ordered dyad, ``(K,)`` per possible trade flow
(:class:`~sim.rules.trade.Flows`).  Doctrine and model parameters live in the state
too, because events and reactions change them.

:func:`initial_state` derives the starting arrays and fixes the calibration that
makes the start an equilibrium of the deterministic model (tolerances, structural
affinities, renewal offsets of existing sanctions, trade potentials).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import params as registry
from .random import code_key
from .random import keys as code_keys
from .rules import arms, power
from .rules.common import runs_fastest
from .rules.trade import Flows
from .scenario import (
    DYAD_FIELD_NAMES,
    PathRef,
    Scenario,
    month_index,
    parse_measure,
    parse_path,
)

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
    "monitoring_restored": -2.0,  # CAMEO 16: reduce relations (monitoring a target)
    "sanctions_vote": 0.0,
}


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

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def targets(self) -> np.ndarray:
        """Indices of the actors under a multilateral regime."""
        return np.flatnonzero(self.has_regime)

    def index(self, code: str) -> int:
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
    pipeline: np.ndarray
    provocation_memory: np.ndarray
    war_override: np.ndarray
    growth: np.ndarray
    lost_share0: np.ndarray
    evasion_share0: np.ndarray
    burden_schedule: np.ndarray  # (..., steps + 1, N) reference burden
    war_series: np.ndarray  # (..., steps + 1, N) war demand, USD bn per year
    # per dyad
    relation: np.ndarray
    alliance: np.ndarray
    proximity: np.ndarray
    sanction: np.ndarray
    multiplier: np.ndarray
    summit_rate: np.ndarray
    summit_memory: np.ndarray
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
    coverage: np.ndarray  # (..., N, C) by target
    monitoring: np.ndarray  # (..., N) by target
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
        return copy.deepcopy(self)


def compile_structure(spec: Scenario) -> Structure:
    """Compile the scenario's structure and schedules."""
    codes = spec.codes
    n = len(codes)
    idx = {c: i for i, c in enumerate(codes)}
    cats = list(spec.categories)
    steps = spec.steps
    sponsors = np.zeros((n, n), dtype=bool)
    holders = np.zeros((n, n), dtype=bool)
    has_regime = np.zeros(n, dtype=bool)
    years_since = np.zeros(n)
    renewal = np.zeros((steps + 1, n), dtype=bool)
    start_m = month_index(spec.start)
    for regime in spec.sanctions.regimes:
        t = idx[regime.target]
        has_regime[t] = True
        for k in regime.sponsors if regime.sponsors is not None else codes:
            if k != regime.target:
                sponsors[t, idx[k]] = True
        for v in regime.veto_holders:
            holders[t, idx[v]] = True
        if regime.since is not None:
            years_since[t] = max(0.0, (start_m - month_index(regime.since)) / 12.0)
        if regime.renewal is not None:
            first = spec.step_of(regime.renewal)
            for s in range(first, steps, max(1, 12 // spec.step_months)):
                if 0 <= s < steps:
                    renewal[s, t] = True
    endogenous = np.array(
        [
            a.endogenous_growth if a.endogenous_growth is not None else bool(has_regime[idx[c]])
            for c, a in spec.actors.items()
        ]
    )
    in_a = np.array([c in spec.analysis.blocs.a for c in codes])
    in_b = np.array([c in spec.analysis.blocs.b for c in codes])
    payment = np.array([spec.bargain.payment.get(c, 0.0) for c in cats])
    if payment.sum() > 0:
        payment = payment / payment.sum()
    energy_food = np.array([c in ("energy", "food") for c in cats])
    events: list[list[CompiledEvent]] = [[] for _ in range(steps)]
    for k, ev in enumerate(spec.events):
        compiled = _compile_event(k, ev, spec, idx, cats)
        events[compiled.step].append(compiled)
    reactions = [_compile_reaction(k, r, spec, idx, cats) for k, r in enumerate(spec.reactions)]
    # trade flows that can be non-zero: listed ones, those to and from a regime target
    # (sanctions busting, diversion), and those events and reactions change
    support = {(idx[f.source_code], idx[f.to], cats.index(f.category)) for f in spec.trade}
    for t in np.flatnonzero(has_regime):
        for k in range(n):
            for c in range(len(cats)):
                support |= {(k, int(t), c), (int(t), k, c)}
    for ops in [e.ops for step in events for e in step] + [r.ops for r in reactions]:
        for _, ref, _ in ops:
            if ref.kind == "trade":
                support.add((idx[ref.a], idx[ref.b], cats.index(ref.category)))
    return Structure(
        codes=codes,
        categories=cats,
        dt=spec.dt,
        steps=steps,
        dates=[spec.date_of(s) for s in range(steps + 1)],
        keys=code_keys(codes),
        sponsors=sponsors,
        veto_holders=holders,
        has_regime=has_regime,
        years_since0=years_since,
        renewal=renewal,
        endogenous=endogenous,
        in_a=in_a,
        in_b=in_b,
        key_pairs=[(idx[a], idx[b]) for a, b in spec.analysis.key_dyads],
        payment=payment,
        supply_category=cats.index(spec.bargain.supply_category),
        energy_food=energy_food,
        events=events,
        reactions=reactions,
        flows=Flows.of(support, n, len(cats)),
    )


def _ops(table_set, table_add, table_scale, codes, cats) -> list[tuple[str, PathRef, Any]]:
    ops = []
    for verb, table in (("set", table_set), ("add", table_add), ("scale", table_scale)):
        for path, value in (table or {}).items():
            ops.append((verb, parse_path(path, codes, cats), value))
    return ops


def _compile_event(k, ev, spec: Scenario, idx, cats) -> CompiledEvent:
    codes = spec.codes
    step = spec.step_of(ev.at)
    kind = ev.kind or "change"
    actor = ev.actor or ev.source_code or ev.target or (ev.pair[0] if ev.pair else None)
    partner = ev.to or (ev.pair[1] if ev.pair else None)
    ops: list[tuple[str, PathRef, Any]] = []
    compiled = CompiledEvent(
        index=k,
        step=step,
        kind=kind,
        ops=ops,
        actor=actor,
        partner=partner,
        probability=ev.probability,
        goldstein=ev.goldstein if ev.goldstein is not None else GOLDSTEIN.get(kind, 0.0),
        note=ev.note or "",
        key=code_key(json.dumps(ev.model_dump(mode="json", by_alias=True), sort_keys=True)),
    )
    if ev.kind is None:
        scale = ev.scale if isinstance(ev.scale, dict) else None
        ops.extend(_ops(ev.set, ev.add, scale, codes, cats))
    elif kind == "transfer_surge":
        ops.append(
            (
                "scale",
                parse_path(f"dyads.{ev.source_code}>{ev.to}.transfer_multiplier", codes, cats),
                float(ev.scale),
            )
        )
    elif kind == "ceasefire":
        ops.append(("set", parse_path(f"actors.{ev.actor}.war_demand", codes, cats), 0.0))
    elif kind == "war":
        ops.append(
            ("set", parse_path(f"actors.{ev.actor}.war_demand", codes, cats), float(ev.value))
        )
    elif kind == "treaty":
        a, b = ev.pair
        ops.append(
            (
                "set",
                parse_path(f"dyads.{a}-{b}.alliance", codes, cats),
                1.0 if ev.value is None else float(ev.value),
            )
        )
    elif kind == "turnover":
        for name, value in (ev.doctrine or {}).items():
            ops.append(
                ("set", parse_path(f"actors.{ev.actor}.doctrine.{name}", codes, cats), float(value))
            )
    elif kind == "provocation":
        compiled.provocation = idx[ev.actor]
    elif kind == "summit":
        compiled.summit = (idx[ev.pair[0]], idx[ev.pair[1]])
    elif kind == "sanctions_vote":
        compiled.vote_target = idx[ev.target]
    ops.extend(_ops(ev.set, ev.add, None, codes, cats) if ev.kind is not None else [])
    return compiled


def _compile_reaction(k, r, spec: Scenario, idx, cats) -> CompiledReaction:
    m = parse_measure(r.when.measure, spec.codes)
    return CompiledReaction(
        index=k,
        actor=r.actor,
        measure=m.name,
        measure_actors=tuple(idx[c] for c in m.actors),
        above=r.when.above,
        below=r.when.below,
        for_steps=r.when.for_steps,
        every=r.every,
        once=r.once,
        ops=_ops(r.then.set, r.then.add, r.then.scale, spec.codes, cats),
        goldstein=r.goldstein,
        note=r.note or "",
    )


def initial_state(spec: Scenario, structure: Structure, calibrate: bool = True) -> State:
    """Starting arrays of one run (leading dimensions ``()``), calibrated (see module doc).

    With ``calibrate=False`` the caller calibrates later, e.g. a whole stacked block at once
    with :func:`sim.step.calibrate`.
    """
    from . import step as dynamics  # the calibration needs the step's perception

    codes = structure.codes
    n = len(codes)
    idx = {c: i for i, c in enumerate(codes)}
    cats = structure.categories
    nc = len(cats)
    actors = [spec.actors[c] for c in codes]

    def arr(values) -> np.ndarray:
        return np.array(values, dtype=float)

    model = {p.name: np.array(float(getattr(spec.model, p.name))) for p in registry.MODEL}
    doctrine = {
        p.name: arr([getattr(a.doctrine, p.name) for a in actors]) for p in registry.DOCTRINE
    }
    reference = {k: np.array(float(v)) for k, v in spec.reference.model_dump().items()}

    gdp = arr([a.gdp for a in actors])
    milex = arr([a.milex for a in actors])
    burden = milex / gdp
    floor, ceiling = model["burden_floor"], model["burden_ceiling"]
    if np.any(burden <= floor) or np.any(burden >= ceiling):
        bad = [c for c, s in zip(codes, burden, strict=True) if not floor < s < ceiling]
        raise ValueError(
            f"defence burden of {bad} lies outside model.burden_floor.."
            "model.burden_ceiling; check milex and gdp"
        )
    capability = power.initial_capability(
        milex,
        arr([a.ppp_factor for a in actors]),
        model["depreciation"],
        arr([a.milex_growth for a in actors]),
    )
    # reference burden schedule (documented trends)
    schedule = np.tile(burden, (structure.steps + 1, 1))
    start_m = month_index(spec.start)
    for i, a in enumerate(actors):
        if a.burden_target is not None:
            months = max(1, month_index(a.burden_target.by) - start_m)
            for s in range(structure.steps + 1):
                frac = min(1.0, s * spec.step_months / months)
                schedule[s, i] = burden[i] + frac * (a.burden_target.value - burden[i])

    # exogenous war demand, as steps
    war = np.zeros((structure.steps + 1, n))
    for i, a in enumerate(actors):
        points = sorted(a.war_demand, key=lambda p: month_index(p.start))
        for s in range(structure.steps + 1):
            month = start_m + s * spec.step_months
            for p in points:
                if month_index(p.start) <= month:
                    war[s, i] = p.value

    # dyads (entries apply in file order)
    fields = {}
    for name in DYAD_FIELD_NAMES:
        default = registry.DYAD_BY_NAME[name].default
        fields[name] = np.full((n, n), default, dtype=float)
    for d in spec.dyads:
        a, b = idx[d.pair[0]], idx[d.pair[1]]
        for name in fields:
            value = getattr(d, name)
            if value is None:
                continue
            if isinstance(value, tuple | list):
                fields[name][a, b], fields[name][b, a] = float(value[0]), float(value[1])
            else:
                fields[name][a, b] = float(value)
                if d.symmetric:
                    fields[name][b, a] = float(value)
    for m in fields.values():
        np.fill_diagonal(m, 0.0)
    np.fill_diagonal(fields["transfer_multiplier"], 1.0)

    recorded = np.zeros((n, n, nc))
    unrecorded = np.zeros((n, n, nc))
    for f in spec.trade:
        a, b, c = idx[f.source_code], idx[f.to], cats.index(f.category)
        recorded[a, b, c] += f.value
        unrecorded[a, b, c] += f.unrecorded
    fl = structure.flows
    flow_index = (fl.source, fl.target, fl.category)
    coverage = np.zeros((n, nc))
    monitoring = np.zeros(n)
    for regime in spec.sanctions.regimes:
        t = idx[regime.target]
        monitoring[t] = regime.monitoring
        for cat, share in regime.coverage.items():
            coverage[t, cats.index(cat)] = share

    nr = len(structure.reactions)
    st = State(
        gdp=gdp,
        population=arr([a.population for a in actors]),
        warheads=arr([a.warheads for a in actors]),
        presence=arr([a.presence for a in actors]),
        base_growth=arr([a.growth for a in actors]),
        ppp_factor=arr([a.ppp_factor for a in actors]),
        burden_logit=arms.logit_from_burden(burden, floor, ceiling),
        burden=burden.copy(),
        burden0=burden.copy(),
        tolerance=np.zeros(n),
        capability=capability,
        technology=np.zeros(n),
        pipeline=np.zeros(n),
        provocation_memory=np.zeros(n),
        war_override=np.full(n, np.nan),
        growth=arr([a.growth for a in actors]),
        lost_share0=np.zeros(n),
        evasion_share0=np.zeros(n),
        burden_schedule=schedule,
        war_series=war,
        relation=fields["relation"],
        alliance=fields["alliance"],
        proximity=fields["proximity"],
        sanction=fields["sanction"],
        multiplier=fields["transfer_multiplier"],
        summit_rate=fields["summit_rate"],
        summit_memory=np.zeros((n, n)),
        baseline_relation=fields["relation"].copy(),
        base_mutual=0.5 * (fields["relation"] + fields["relation"].T),
        relation_offset_up=np.zeros((n, n)),
        relation_offset_down=np.zeros((n, n)),
        sanction_offset_up=np.zeros((n, n)),
        sanction_offset_down=np.zeros((n, n)),
        misperception=np.zeros((n, n)),
        potential0=np.zeros(structure.flows.size),
        recorded=recorded[flow_index],
        unrecorded=unrecorded[flow_index],
        coverage=coverage,
        monitoring=monitoring,
        doctrine=doctrine,
        model=model,
        reference=reference,
        reaction_streak=np.zeros(nr),
        reaction_since=np.full(nr, 1e9),
        reaction_count=np.zeros(nr),
    )
    if calibrate:
        dynamics.calibrate(st, structure)
    return st


def stack(states: list[State]) -> State:
    """Stack single-run states into a block with a leading run dimension (runs fastest)."""
    first = states[0]
    out = {}
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
    """The runs ``idx`` of a block (leading dimension), as a new State (runs fastest)."""
    out = {}
    for name in state.__dataclass_fields__:
        value = getattr(state, name)
        if isinstance(value, dict):
            out[name] = {k: _rows(v, idx) for k, v in value.items()}
        else:
            out[name] = _rows(value, idx)
    return State(**out)
