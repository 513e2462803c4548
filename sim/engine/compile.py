"""Compiling a scenario into the structure every run of it shares.

:func:`compile_structure` turns a validated :class:`~sim.scenario.Scenario` into a
:class:`~.state.Structure`: actor indices and keys, regimes, sponsors and veto
holders, the schedule of renewals, the events of each step with their path
operations resolved, the reactions with their measures resolved, and the trade
flows the scenario can have.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..random import code_key
from ..random import keys as code_keys
from ..rules.trade import Flows
from ..scenario import PathRef, Scenario, month_index, parse_measure, parse_path
from .lifetimes import successor_flows
from .log import GOLDSTEIN
from .state import CompiledEvent, CompiledReaction, Structure

LATER_OPTIONAL = ("coverage",)
"""Event fields added after the first wave: left out of an event's key when unset, so
that adding an optional field does not change the draws of existing scenarios."""


def event_key(ev) -> int:
    """The random key of an event: a hash of its content (:func:`code_key`).

    Parameters
    ----------
    ev : Event
        The scenario's event.
    """
    data = ev.model_dump(mode="json", by_alias=True)
    for name in LATER_OPTIONAL:
        if data.get(name) is None:
            data.pop(name, None)
    return code_key(json.dumps(data, sort_keys=True))


FRIENDSHIP_SHIFT = 0.1
"""Shift of both structural attitudes by a treaty of friendship without a defence clause
(assumption: a third of the gap between a neutral attitude, 0, and the warm ties of
partners, about 0.3-0.7 in the bundled scenarios)."""

REFERENCE_TOTALS = (
    ("world_gdp", "gdp_growth"),
    ("world_milex", "milex_growth"),
    ("world_population", "population_growth"),
)
"""The reference totals a series may give, with the growth rate that extends them."""


def reference_path(spec: Scenario, steps: int) -> np.ndarray:
    """(steps + 1, 3) log of each world total over its start value, NaN without a series.

    Through the start value and the series' points, log-linearly in time; after the last
    point, on at the total's growth rate.

    Parameters
    ----------
    spec : Scenario
        The scenario (its ``reference``).
    steps : int
        Its steps.
    """
    out = np.full((steps + 1, len(REFERENCE_TOTALS)), np.nan)
    ref = spec.reference
    start = month_index(spec.start)
    months = np.arange(steps + 1) * spec.step_months
    for k, (total, rate) in enumerate(REFERENCE_TOTALS):
        points = [(month_index(p.start) - start, getattr(p, total)) for p in ref.series]
        points = [(m, v) for m, v in points if v is not None]
        if not points:
            continue
        x = np.array([0.0] + [float(m) for m, _ in points])
        y = np.log(np.array([getattr(ref, total)] + [v for _, v in points]))
        y = y - y[0]
        inside = np.interp(months, x, y)
        after = y[-1] + getattr(ref, rate) * (months - x[-1]) / 12.0
        out[:, k] = np.where(months <= x[-1], inside, after)
    return out


def imposed_later(spec: Scenario, regime) -> bool:
    """Whether a regime is imposed after the run's start (its ``since`` inside the run).

    Parameters
    ----------
    spec : Scenario
        The scenario.
    regime : Regime
        One of its regimes.
    """
    if regime.since is None:
        return False
    return month_index(regime.since) > month_index(spec.start)


def _imposition(k: int, regime, spec: Scenario, idx, cats) -> CompiledEvent:
    """The event that imposes a regime at its ``since``: its coverage, monitoring and
    mandate (before it the target trades uncovered and unmonitored)."""
    target = regime.target
    codes = spec.codes
    ops: list[tuple[str, PathRef, Any]] = [
        ("set", parse_path(f"sanctions.{target}.monitoring", codes, cats), float(regime.monitoring))
    ]
    for cat, share in regime.coverage.items():
        ops.append(("set", parse_path(f"sanctions.{target}.coverage.{cat}", codes, cats), share))
    return CompiledEvent(
        index=k,
        step=spec.step_of(regime.since),
        kind="sanctions_imposed",
        ops=ops,
        actor=target,
        partner=None,
        probability=1.0,
        goldstein=GOLDSTEIN["sanctions_imposed"],
        note=regime.note or f"regime on {target} imposed",
        key=code_key(f"regime:{target}:{regime.since}"),
        imposes=idx[target],
    )


def compile_structure(spec: Scenario) -> Structure:
    """Compile a scenario's structure and schedules (see the module docstring).

    Parameters
    ----------
    spec : Scenario
        A validated scenario.

    Returns
    -------
    Structure
    """
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
        for member in regime.sponsors if regime.sponsors is not None else codes:
            if member != regime.target:
                sponsors[t, idx[member]] = True
        for v in regime.veto_holders:
            holders[t, idx[v]] = True
        if regime.since is not None:  # negative for a regime imposed during the run
            years_since[t] = (start_m - month_index(regime.since)) / 12.0
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
    for k, regime in enumerate(spec.sanctions.regimes):  # imposed during the run: first
        if imposed_later(spec, regime):
            compiled = _imposition(len(spec.events) + k, regime, spec, idx, cats)
            events[compiled.step].insert(0, compiled)
    reactions = [_compile_reaction(k, r, spec, idx, cats) for k, r in enumerate(spec.reactions)]
    # trade flows that can be non-zero: listed ones, those to and from a regime target
    # (sanctions busting, diversion), and those events and reactions change
    support = {(idx[f.source_code], idx[f.to], cats.index(f.category)) for f in spec.trade}
    for target in np.flatnonzero(has_regime).tolist():
        for other in range(n):
            for cat in range(len(cats)):
                support |= {(other, target, cat), (target, other, cat)}
    for ops in [e.ops for step in events for e in step] + [r.ops for r in reactions]:
        for _, ref, _ in ops:
            if ref.kind == "trade":
                assert ref.a is not None and ref.b is not None and ref.category is not None
                support.add((idx[ref.a], idx[ref.b], cats.index(ref.category)))
    # a successor takes over its predecessor's flows and its roles in the regimes
    successions = [e.succession for step in events for e in step if e.succession is not None]
    support = successor_flows(support, successions)
    for old, new in successions:
        sponsors[:, new] |= sponsors[:, old]
        holders[:, new] |= holders[:, old]
        sponsors[new, new] = False
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
        reference_path=reference_path(spec, steps),
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
        active=active_schedule(spec),
    )


def actor_lifetimes(spec: Scenario) -> dict[str, tuple[int, int]]:
    """The steps each actor is present: ``(first, stop)``, present for first <= t < stop.

    From its ``from:`` and ``until:`` dates (a state enters at the step that contains its
    ``from``, and is gone from the step that contains its ``until``) and the successions
    (the predecessor is gone, and the successor present, from the succession's step).
    Steps run from 0 to ``steps``, the end of the run.

    Parameters
    ----------
    spec : Scenario
        A validated scenario.
    """
    stop_all = spec.steps + 1
    out = {}
    for code, a in spec.actors.items():
        first = max(0, spec.step_of(a.enters)) if a.enters else 0
        stop = min(stop_all, max(0, spec.step_of(a.leaves))) if a.leaves else stop_all
        out[code] = (first, stop)
    for ev in spec.events:
        if ev.kind == "succession" and ev.source_code and ev.to:
            s = max(0, spec.step_of(ev.at))
            first, stop = out[ev.source_code]
            out[ev.source_code] = (first, min(stop, s))
            first, stop = out[ev.to]
            out[ev.to] = (max(first, s), stop)
    return out


def active_schedule(spec: Scenario) -> np.ndarray | None:
    """(steps + 1, N) bool: who is present at each step, or None if all always are.

    Parameters
    ----------
    spec : Scenario
        A validated scenario.
    """
    life = actor_lifetimes(spec)
    active = np.zeros((spec.steps + 1, len(spec.codes)), dtype=bool)
    for i, code in enumerate(spec.codes):
        first, stop = life[code]
        active[first:stop, i] = True
    return None if active.all() else active


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
        key=event_key(ev),
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
    elif kind == "treaty_lapse":
        a, b = ev.pair
        ops.append(("set", parse_path(f"dyads.{a}-{b}.alliance", codes, cats), 0.0))
    elif kind == "friendship_treaty":
        a, b = ev.pair
        shift = FRIENDSHIP_SHIFT if ev.value is None else float(ev.value)
        ops.append(("add", parse_path(f"dyads.{a}-{b}.relation", codes, cats), shift))
    elif kind == "aid":
        path = f"dyads.{ev.source_code}>{ev.to}.aid"
        ops.append(("set", parse_path(path, codes, cats), float(ev.value)))
    elif kind in ("border_closure", "moratorium"):
        ops.append(
            ("set", parse_path(f"actors.{ev.actor}.doctrine.{kind}", codes, cats), float(ev.value))
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
    elif kind == "succession":
        compiled.succession = (idx[ev.source_code], idx[ev.to])
    elif kind == "sanctions_vote":
        compiled.vote_target = idx[ev.target]
        if ev.coverage is not None:
            compiled.vote_coverage = tuple(float(ev.coverage.get(c, np.nan)) for c in cats)
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
