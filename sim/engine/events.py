"""Scheduled events, pending reactions, path operations on the state, and votes.

:func:`begin` applies the events of step t and the reactions that fired at the end
of step t-1; each is a list of path operations (``set``, ``add``, ``scale``)
applied by :func:`apply_op` to the runs selected by a mask, plus what to log.
:func:`vote` holds a multilateral vote on the regime against a target: a veto
blocks it (``docs/model.md``, Sanctions).
"""

from __future__ import annotations

import numpy as np

from ..random import seed_for_runs, uniforms
from ..rules import arms, sanctions
from . import lifetimes
from .log import GOLDSTEIN, Log
from .state import State, Structure


def vote(
    st: State, S: Structure, target: int, renewal, proposed, t: int, log: Log, content=None
) -> None:
    """A multilateral vote on the regime against ``target``: vetoes block it.

    A renewal is held only while the monitoring mandate is in force.  If it passes it
    restores full monitoring; if it is vetoed and the regime gives
    ``lapsed_monitoring``, the mandate ends: monitoring falls to that level and no
    further renewal is held.  A proposal tightens coverage
    (:func:`sim.rules.sanctions.tighten`).  Vetoes, abstentions (holders within
    ``model.abstention_margin`` below their threshold), passed measures and ended
    mandates are logged.

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    target : int
        Index of the regime's target.
    renewal, proposed : ndarray
        Bool of the leading shape: where a renewal vote, and where a proposal, is held.
    t : int
        The step.
    log : Log
        The event log to append to.
    content : ndarray, optional
        (C,) coverage the proposed measure gives each category (NaN: none), raising
        coverage to at least it; without it a passed proposal tightens every category.
    """
    present = lifetimes.present_at(S, t)
    if not present[target]:
        return  # no regime on a state that is not there
    holders = S.veto_holders[target] & present
    sponsors = S.sponsors[target] & present
    rel = st.relation
    to_sponsors = sanctions.relation_to_sponsors(rel, sponsors)
    threshold = st.doctrine["veto_threshold"]
    veto = sanctions.vetoes(rel[..., :, target], to_sponsors, threshold, holders)
    abstain = sanctions.abstentions(
        rel[..., :, target],
        to_sponsors,
        threshold,
        st.model["abstention_margin"][..., None],
        holders,
    )
    vetoed = veto.any(axis=-1)
    lead = st.gdp.shape[:-1]
    codes = np.array(S.codes, dtype=object)
    name = S.codes[target]
    renewal = np.broadcast_to(renewal, lead) & st.mandate[..., target]
    # renewal first, then proposal: a run's rows keep the order of its own log
    for kind, happens in (("renewal", renewal), ("proposal", proposed)):
        happens = np.broadcast_to(happens, lead)
        if not happens.any():
            continue
        what = f"{kind} of measures on {name}"
        log.add(
            happens[..., None] & veto,
            t,
            S.dates[t],
            "veto",
            codes,
            name,
            GOLDSTEIN["veto"],
            "endogenous",
            what,
        )
        log.add(
            happens[..., None] & abstain,
            t,
            S.dates[t],
            "abstention",
            codes,
            name,
            GOLDSTEIN["abstention"],
            "endogenous",
            what,
        )
        passed = happens & ~vetoed
        if kind == "renewal":
            st.monitoring[..., target] = np.where(passed, 1.0, st.monitoring[..., target])
            lapsed = st.lapsed_monitoring[..., target]
            ended = happens & vetoed & (lapsed >= 0.0)
            st.monitoring[..., target] = np.where(ended, lapsed, st.monitoring[..., target])
            st.mandate[..., target] = st.mandate[..., target] & ~ended
            log.add(
                ended,
                t,
                S.dates[t],
                "mandate_ended",
                None,
                name,
                GOLDSTEIN["mandate_ended"],
                "endogenous",
                f"monitoring of {name} ends",
            )
            event = "monitoring_restored"
        else:
            cov = st.coverage[..., target, :]
            covered = (
                sanctions.tighten(cov) if content is None else sanctions.raise_to(cov, content)
            )
            st.coverage[..., target, :] = np.where(passed[..., None], covered, cov)
            event = "sanctions_measure"
        log.add(passed, t, S.dates[t], event, None, name, GOLDSTEIN[event], "endogenous")


# --------------------------------------------------------------------------- events and paths


def begin(st: State, S: Structure, t: int, seed, pending: list, log: Log) -> np.ndarray:
    """Apply step t's scheduled events and the reactions pending from step t-1 (in place).

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    t : int
        The step.
    seed : int or ndarray
        The run seed, or (R, 1) seeds of a block.
    pending : list
        (reaction, fired mask) pairs from :func:`~sim.engine.observe.react`.
    log : Log
        The event log to append to.

    Returns
    -------
    ndarray
        Bool of the leading shape: the runs whose state changed.
    """
    lead = st.gdp.shape[:-1]
    changed = np.zeros(lead, dtype=bool)
    for ev in S.events[t] if t < len(S.events) else []:
        if ev.probability >= 1.0:
            happens = np.ones(lead, dtype=bool)
        else:
            u = uniforms(seed_for_runs(seed), "event", ev.key, 0, t)
            happens = np.asarray(u < ev.probability)
        if not happens.any():
            continue
        changed = changed | happens
        for verb, ref, value in ev.ops:
            apply_op(st, S, verb, ref, value, happens, t)
        if ev.provocation is not None:
            st.provocation_memory[..., ev.provocation] += happens
        if ev.summit is not None:
            i, j = ev.summit
            st.summit_memory[..., i, j] += happens
            st.summit_memory[..., j, i] += happens
        if ev.imposes is not None:
            st.mandate[..., ev.imposes] |= happens
        if ev.vote_target is not None:
            content = None if ev.vote_coverage is None else np.array(ev.vote_coverage)
            vote(st, S, ev.vote_target, np.zeros(lead, dtype=bool), happens, t, log, content)
        log.add(
            happens,
            t,
            S.dates[t],
            ev.kind,
            ev.actor,
            ev.partner,
            ev.goldstein,
            "scheduled",
            ev.note,
        )
    for reaction, fired in pending:
        changed = changed | fired
        for verb, ref, value in reaction.ops:
            apply_op(st, S, verb, ref, value, fired, t)
        log.add(
            fired,
            t,
            S.dates[t],
            "reaction",
            reaction.actor,
            None,
            reaction.goldstein,
            "reaction",
            reaction.note or f"reaction {reaction.index}",
        )
    return changed


_ACTOR_ARRAYS = {
    "gdp": "gdp",
    "warheads": "warheads",
    "presence": "presence",
    "population": "population",
    "growth": "base_growth",
    "ppp_factor": "ppp_factor",
}
_DYAD_ARRAYS = {
    "relation": "relation",
    "alliance": "alliance",
    "proximity": "proximity",
    "sanction": "sanction",
    "transfer_multiplier": "multiplier",
    "summit_rate": "summit_rate",
    "aid": "aid",
}


def _combine(verb: str, old, value, mask):
    new = {
        "set": np.broadcast_to(value, np.shape(old)) if np.ndim(old) else value,
        "add": old + value,
        "scale": old * value,
    }[verb]
    return np.where(mask, new, old)


def apply_op(st: State, S: Structure, verb: str, ref, value, mask, t: int = 0) -> None:
    """Apply one path operation at step ``t`` to the runs selected by ``mask`` (in place).

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    verb : str
        ``set``, ``add`` or ``scale``.
    ref : PathRef
        The parsed path.
    value : float
        The operand.
    mask : ndarray
        Bool of the leading shape: the runs the operation applies to.
    t : int
        The step (war demand is read from its series at t).

    Raises
    ------
    ValueError : the path names a starting figure or a run setting, which cannot change.
    """
    value = float(value)
    p = ref.param
    lo, hi = (p.low, p.high) if p is not None else (-np.inf, np.inf)
    idx = {c: i for i, c in enumerate(S.codes)}

    def update(array: np.ndarray, index: tuple) -> None:
        old = array[(Ellipsis, *index)]
        new = _combine(verb, old, value, mask)
        array[(Ellipsis, *index)] = np.clip(new, lo, hi)

    if ref.kind == "doctrine":
        update(st.doctrine[ref.field], (idx[ref.a],))
    elif ref.kind == "model":
        old = st.model[ref.field]
        st.model[ref.field] = np.clip(_combine(verb, old, value, mask), lo, hi)
    elif ref.kind == "reference":
        st.reference[ref.field] = _combine(verb, st.reference[ref.field], value, mask)
    elif ref.kind == "actor":
        i = idx[ref.a]
        if ref.field == "war_demand":
            current = np.where(
                np.isfinite(st.war_override[..., i]),
                st.war_override[..., i],
                st.war_series[..., t, i],
            )
            st.war_override[..., i] = np.where(
                mask, _combine(verb, current, value, True), st.war_override[..., i]
            )
        elif ref.field == "milex":
            milex = st.burden[..., i] * st.gdp[..., i]
            new_burden = _combine(verb, milex, value, mask) / st.gdp[..., i]
            f, c = st.model["burden_floor"], st.model["burden_ceiling"]
            new_burden = np.clip(new_burden, f + 1e-6, c - 1e-6)
            st.burden[..., i] = new_burden
            st.burden_logit[..., i] = arms.logit_from_burden(new_burden, f, c)
        elif ref.field in _ACTOR_ARRAYS:
            update(getattr(st, _ACTOR_ARRAYS[ref.field]), (idx[ref.a],))
        else:
            raise ValueError(f"{ref.text} sets a starting figure only and cannot change in a run")
    elif ref.kind == "dyad":
        array = getattr(st, _DYAD_ARRAYS[ref.field])
        a, b = idx[ref.a], idx[ref.b]
        pairs = [(a, b)] if ref.directed else [(a, b), (b, a)]
        for pair in pairs:
            before = array[(Ellipsis, *pair)].copy()
            update(array, pair)
            if ref.field == "relation":  # an event moves the structural attitude too
                shift = array[(Ellipsis, *pair)] - before
                base = st.baseline_relation[(Ellipsis, *pair)] + shift
                st.baseline_relation[(Ellipsis, *pair)] = np.clip(base, lo, hi)
            elif ref.field == "alliance":  # a treaty sets the structural level as well
                level = st.alliance_level[(Ellipsis, *pair)]
                st.alliance_level[(Ellipsis, *pair)] = np.where(
                    mask, array[(Ellipsis, *pair)], level
                )
    elif ref.kind == "trade":
        assert ref.a is not None and ref.b is not None and ref.category is not None
        category = S.categories.index(ref.category)
        update(st.potential0, (S.flows.index(idx[ref.a], idx[ref.b], category),))
    elif ref.kind == "regime":
        t = idx[ref.a]
        if ref.field == "monitoring":
            update(st.monitoring, (t,))
        else:
            update(st.coverage, (t, S.categories.index(ref.category)))
    else:
        raise ValueError(f"{ref.text} is a run setting and cannot change during a run")
