"""The world's move from t to t+1: trade, growth, capability, memories, votes.

:func:`world` applies the actors' decisions and advances everything else: trade
flows toward their targets, GDP with its growth effects and shocks, capability and
absorbed technology, provocation and summit memories, misperception, and the
multilateral votes (scheduled renewals of monitoring, proposals after
provocations).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..random import normals, seed_for_pairs, seed_for_runs, uniforms
from ..rules import (
    arms,
    bargain,
    economy,
    engagement,
    misperception,
    provocations,
    sanctions,
    trade,
)
from ..rules.common import event_probability, sum_second_last
from . import lifetimes
from .decide import Decision
from .events import vote
from .log import GOLDSTEIN, Log
from .state import State, Structure

# --------------------------------------------------------------------------- world


def world(st: State, S: Structure, view: dict[str, Any], dec: Decision, log: Log) -> State:
    """Apply the decisions and advance everything else from t to t+1 (in place).

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t.
    dec : Decision
        The actors' decisions (:func:`~sim.engine.decide.decide`).
    log : Log
        The event log to append to.

    Returns
    -------
    State
        ``st``, now at t+1.
    """
    t = view["t"]
    if S.active is None:
        return _world(st, S, view, dec, log)
    gone = lifetimes.absent(S, t)
    if gone is None:
        _world(st, S, view, dec, log)
    else:
        held = lifetimes.hold(st, S, gone)  # absent actors: held as they are, unseen
        new = _world(lifetimes.masked(st, S, gone), S, view, dec, log)
        lifetimes.write_back(st, new, held, S, gone)
    # a succession dated t + 1 hands the ties on now, so that the state at t + 1 (and its
    # row in the tables) shows the successor with them; begin(t + 1) logs it
    for ev in S.events[t + 1] if t + 1 < len(S.events) else []:
        if ev.succession is not None:
            before, after = ev.succession
            lifetimes.succeed(st, S, before, after, np.ones(st.gdp.shape[:-1], dtype=bool))
    leaving = lifetimes.absent(S, t + 1)
    if leaving is not None:  # a state gone at t + 1 takes its trade with it
        lifetimes.drop_trade(st, S, leaving)
    return st


def _world(st: State, S: Structure, view: dict[str, Any], dec: Decision, log: Log) -> State:
    m, d = st.model, st.doctrine
    t, dt, seed, det = view["t"], S.dt, view["seed"], view["deterministic"]
    lead = st.gdp.shape[:-1]

    # trade flows relax toward their targets
    rate = m["trade_adjustment"]
    st.recorded = trade.relax_flows(st.recorded, view["recorded_target"], rate, dt)
    st.unrecorded = trade.relax_flows(st.unrecorded, view["unrecorded_target"], rate, dt)

    # economy
    volume, evasion = trade_volumes(S, st, view)  # the trade done this step
    growth = economy.growth_rate(
        st.base_growth,
        volume,
        st.volume_last,
        evasion,
        st.evasion_last,
        st.gdp,
        st.burden,
        st.burden0,
        S.endogenous,
        m["trade_loss_elasticity"],
        m["evasion_premium"],
        m["guns_butter"],
        dt,
    )
    growth = growth + economy.aid_growth(st.aid, st.gdp, st.aid_share0, m["aid_growth"])
    st.volume_last, st.evasion_last = volume, evasion
    if det:
        shock = 0.0
    else:
        eps = normals(seed, "growth", S.keys, 0, t)
        shock = economy.growth_shock(m["growth_shock_sd"][..., None], eps, dt)
    st.growth = growth
    st.gdp = economy.gdp_step(st.gdp, growth, shock, dt)

    # capability, technology
    mun = view["munitions"]
    transfers = view["transfers"]
    st.pipeline, absorbed = bargain.pipeline_step(
        st.pipeline, sum_second_last(view["technology_flow"]), m["technology_lag"][..., None], dt
    )
    eta = d["absorptive_capacity"]
    inflow = arms.capability_inflow(
        view["milex"], st.ppp_factor, mun, m["export_drawdown"], transfers, absorbed, eta
    )
    delta = m["depreciation"][..., None]
    st.capability = arms.capability_step(st.capability, inflow, delta, dt)
    st.technology = arms.capability_step(st.technology, eta * absorbed, delta, dt)
    delivery_in = arms.delivery_inflow(
        view["milex"], st.ppp_factor, d["missile_share"], absorbed, eta
    )
    st.delivery = arms.capability_step(st.delivery, delivery_in, delta, dt)

    # decisions of the actors
    st.burden_logit = dec.burden_logit
    st.burden = arms.burden_from_logit(
        dec.burden_logit, m["burden_floor"][..., None], m["burden_ceiling"][..., None]
    )
    st.tolerance = arms.tolerance_step(
        st.tolerance, view["insecurity"], d["tolerance_adaptation"], dt
    )
    st.relation = dec.relation
    st.sanction = dec.sanction
    st.alliance = dec.alliance

    # memories: provocations and summits
    tau_mem = m["memory_time"][..., None]
    if det:
        st.provocation_memory = provocations.expected_memory_step(
            st.provocation_memory, view["hazard"], tau_mem, dt
        )
        summits = engagement.expected_summits(st.summit_rate, dt)
    else:
        st.provocation_memory = provocations.memory_step(
            st.provocation_memory, dec.events, tau_mem, dt
        )
        i, j = engagement.upper_pairs(S.n)
        u = uniforms(seed, "summit", S.keys[i], S.keys[j], t)  # (..., P) for i < j
        summits = engagement.summits(st.summit_rate, dt, u)
    st.summit_memory = engagement.memory_step(st.summit_memory, summits, tau_mem[..., None], dt)
    if not det:
        codes = np.array(S.codes, dtype=object)
        log.add(
            dec.events.astype(int),
            t,
            S.dates[t],
            "provocation",
            codes,
            None,
            GOLDSTEIN["provocation"],
            "endogenous",
        )
        upper = np.triu(np.ones((S.n, S.n), dtype=bool), 1)
        log.add(
            summits.astype(int) * upper,
            t,
            S.dates[t],
            "summit",
            codes[:, None],
            codes[None, :],
            GOLDSTEIN["summit"],
            "endogenous",
        )

    # misperception: AR(1) in logs, stationary sd = misperception_i
    if not det:
        eps = normals(
            seed_for_pairs(seed), "misperception", S.keys[:, None], S.keys[None, :], t + 1
        )
        st.misperception = misperception.step(
            st.misperception,
            d["misperception"][..., :, None],
            eps,
            m["misperception_persistence"][..., None, None],
            dt,
        )

    # multilateral measures: scheduled renewals of monitoring, proposals after provocations
    for target in np.flatnonzero(S.has_regime).tolist():
        hazard = sanctions.proposal_hazard(m["measure_rate"], st.provocation_memory[..., target])
        if det:
            proposed = np.zeros(lead, dtype=bool)
        else:
            u = uniforms(seed_for_runs(seed), "measure", S.keys[target], 0, t)
            proposed = u < event_probability(hazard, dt)
        renewal = np.broadcast_to(S.renewal[t, target], lead)
        vote(st, S, target, renewal, proposed, t, log)
    st.events_last = dec.events
    return st


def trade_volumes(S: Structure, st: State, view) -> tuple[np.ndarray, np.ndarray]:
    """Trade volume and unrecorded trade of each actor, USD bn per year, (..., N).

    From the flows as they stand (after this step's relaxation toward the targets) and
    the bargain's munitions and payments.

    Parameters
    ----------
    S : Structure
        What the scenario fixes for the run(s).
    st : State
        The state, its flows.
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t.
    """
    return economy.trade_volumes(
        st.recorded + st.unrecorded,
        st.unrecorded,
        view["munitions"],
        view["payments"],
        S.flows,
    )
