"""One step of the model as phases over arrays with free leading dimensions.

Both engines run the same phases in the same order; only the orchestration
differs.  In the mesa model (:mod:`sim.model`) each :class:`~sim.agents.Nation`
runs :func:`decide` on its own row and writes it back in ``apply``; the batch
engine runs :func:`decide` on all rows of a block of runs at once.

Order of one step t -> t+1 (every rule reads the state at t and writes t+1):

1. :func:`begin` applies the events scheduled in step t and the reactions that
   fired at the end of step t-1.
2. :func:`perceive` computes what every actor sees at t: power, threat, cover,
   credibility, insecurity, trade targets, compliance, transfers, the bargain,
   provocation hazards (DESIGN §3, items 1-3 and the rates of 6-8).
3. :func:`decide` (per actor row): the burden logit (arms), the attitudes
   (relations), unilateral sanctions, and whether a provocation happens.
4. :func:`world`: trade flows, growth, capability, technology, memories,
   misperception, summits, multilateral votes.
5. :func:`measures` at t+1; :func:`react` evaluates the reactions on them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from . import measures as M
from .random import normals, uniforms
from .rules import (
    arms,
    bargain,
    credibility,
    engagement,
    power,
    provocations,
    relations,
    sanctions,
    threat,
    trade,
)
from .rules import reactions as reaction_rules
from .rules.common import (
    signed_offsets,
    sum_last,
    sum_second_last,
    unit_offsets,
)
from .state import GOLDSTEIN, RowsView, State, Structure

MEMORY_ITERATIONS = 8
"""Fixed-point iterations for the starting provocation memory (it feeds its hazard)."""

SANCTION_FLOOR = 1e-3
"""Unilateral sanctions start at least here, so that 'none' is an equilibrium too."""

PROPOSAL_STEP = 0.25
"""Share of the uncovered remainder that a passed multilateral measure covers."""


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


def seed_for_pairs(seed):
    """The run seed shaped to broadcast against (..., N, N) key grids."""
    return seed if np.ndim(seed) == 0 else np.asarray(seed)[..., None]


def seed_for_runs(seed):
    """The run seed shaped like the leading (run) dimensions, for one draw per run."""
    return seed if np.ndim(seed) == 0 else np.asarray(seed)[..., 0]


# --------------------------------------------------------------------------- perception


def perceive(st: State, S: Structure, t: int, seed, deterministic: bool) -> dict[str, Any]:
    """Everything derived from the state at t that the decisions and measures need."""
    m, d, ref = st.model, st.doctrine, st.reference
    milex = st.burden * st.gdp
    k_ref = power.reference_capability(ref["world_milex"], m["depreciation"], ref["milex_growth"])
    pw = power.power(
        st.gdp,
        st.capability,
        st.population,
        ref["world_gdp"][..., None],
        k_ref[..., None],
        ref["world_population"][..., None],
        m["weight_gdp"][..., None],
        m["weight_military"][..., None],
        m["weight_population"][..., None],
    )
    rp = power.regional_power(pw, st.presence)
    off = threat.offence(
        st.warheads,
        st.provocation_memory,
        st.technology,
        st.capability,
        m["warhead_offence"][..., None],
        m["warhead_half"][..., None],
        m["provocation_offence"][..., None],
        m["technology_offence"][..., None],
    )
    if deterministic:
        mis = np.ones_like(st.relation)
    else:
        sd = d["misperception"][..., :, None]
        mis = np.exp(st.misperception - sd**2 / 2.0)
    host = threat.hostility(
        st.relation, d["hostility_bias"], m["hostility_sharpness"][..., None, None]
    )
    T = threat.threat_matrix(host, st.proximity, off, rp, mis)
    t_total = sum_last(T)
    exponent = m["contest_exponent"][..., None]
    bare = threat.insecurity(t_total, rp, 0.0, exponent)
    cred = credibility.credibility(
        st.alliance,
        st.presence,
        bare,
        st.provocation_memory,
        m["credibility_base"][..., None, None],
        m["credibility_alliance"][..., None, None],
        m["credibility_presence"][..., None, None],
        m["credibility_vulnerability"][..., None, None],
        m["credibility_provocation"][..., None, None],
    )
    cov = threat.cover(cred, st.alliance, rp)
    ins = threat.insecurity(t_total, rp, cov, exponent)
    tau = relations.threat_shares(T, rp, cov)

    # trade: compliance, potentials, targets, diversion
    ec = trade.effective_compliance(
        d["compliance"],
        st.monitoring * S.has_regime,
        st.relation,
        S.sponsors,
        m["monitoring_floor"][..., None],
        m["compliance_sharpness"][..., None, None],
        m["compliance_midpoint"][..., None, None],
        m["sanctions_erosion"][..., None],
        S.years_since0 + t * S.dt,
        S.targets,  # no regime, nothing to enforce
    )
    bite = trade.unilateral_bite(st.sanction)
    potential = trade.potential(
        st.potential0, st.relation, st.base_mutual, m["trade_elasticity"], bite, S.flows
    )  # (..., K): one entry per flow of S.flows
    rec_share, pass_share = trade.pass_through(st.coverage, ec, S.flows)
    blocked = potential * (1.0 - pass_share)
    diverted = trade.diversion(
        blocked,
        ec,
        st.proximity,
        st.relation,
        m["diversion"],
        m["relation_sharpness"][..., None],
        S.targets,
        S.flows,
    )
    rec_target = potential * rec_share
    unrec_target = potential * (pass_share - rec_share) + diverted

    # military cooperation: the bargain and arms transfers (rates at t)
    war = np.where(np.isfinite(st.war_override), st.war_override, st.war_series[..., t, :])
    capacity = d["export_capacity"] * st.capability
    kappa = m["relation_sharpness"][..., None, None]
    mun = bargain.munitions(war, capacity, st.relation, st.multiplier, kappa)
    tech = bargain.technology(
        mun,
        war,
        st.multiplier,
        d["transfer_willingness"],
        m["technology_ratio"],
        m["technology_leverage"],
    )
    # goods paid for munitions, p -> c (shared over categories as S.payment)
    paid = m["payment_ratio"][..., None, None] * mun
    payments = paid * S.payment.sum()
    transfers = bargain.arms_transfers(
        d["transfer_willingness"],
        d["transfer_capacity"],
        milex,
        st.relation,
        st.alliance,
        st.multiplier,
        ins,
        st.tolerance,
        milex,
        kappa,
    )
    # trade seen by actors, by dyad: flows plus the bargain (payments p -> c, munitions
    # c -> p in the supply category); summed over categories without building the
    # per-category bargain flows
    flows = st.recorded + st.unrecorded
    supplied = np.swapaxes(mun, -1, -2)
    energy_food = S.energy_food.astype(float)  # (C,) 0/1
    exports = S.flows.by_dyad(flows) + payments + supplied
    dependence = relations.trade_dependence(exports)

    # provocations: hazard with allied cover and patron leverage
    supply = (  # energy and food, [k, i]
        S.flows.by_dyad(flows, S.energy_food)
        + paid * (S.payment @ energy_food)
        + supplied * energy_food[S.supply_category]
    )
    lev = provocations.leverage(supply)
    restr = provocations.restraint(d["stability_preference"], lev)
    cover_share = cov / np.where(cov + rp > 0, cov + rp, 1.0)
    haz = provocations.hazard(d["provocation_rate"], d["boldness"], cover_share, ins, restr)

    return {
        "t": t,
        "milex": milex,
        "power": pw,
        "regional_power": rp,
        "offence": off,
        "hostility": host,
        "threat": T,
        "threat_total": t_total,
        "credibility": cred,
        "cover": cov,
        "insecurity": ins,
        "tau": tau,
        "compliance": ec,
        "potential": potential,
        "blocked": blocked,
        "diverted": diverted,
        "recorded_target": rec_target,
        "unrecorded_target": unrec_target,
        "war_demand": war,
        "munitions": mun,
        "technology_flow": tech,
        "payments": payments,
        "transfers": transfers,
        "exports": exports,
        "dependence": dependence,
        "restraint": restr,
        "hazard": haz,
        "misperception_factor": mis,
        "seed": seed,
        "deterministic": deterministic,
    }


# --------------------------------------------------------------------------- decisions


def _rows(a: np.ndarray, rows: slice, dims: int) -> np.ndarray:
    """Select actor rows along the axis that is ``dims`` from the end."""
    index = (Ellipsis, rows) + (slice(None),) * (dims - 1)
    return a[index]


def decide(st: State, S: Structure, view: dict[str, Any], rows: slice) -> dict[str, np.ndarray]:
    """Decisions of the actors in ``rows`` (a slice) from the state and view at t."""
    d = st.doctrine
    t, dt = view["t"], S.dt

    def a1(x):
        return _rows(x, rows, 1)

    def a2(x):
        return _rows(x, rows, 2)

    def doc(name):
        return a1(d[name])

    # arms (Richardson on the burden logit)
    z = arms.burden_logit_step(
        a1(st.burden_logit),
        a1(st.burden),
        a1(st.burden_schedule[..., t, :]),
        a1(view["insecurity"]),
        a1(st.tolerance),
        doc("threat_sensitivity"),
        doc("fatigue"),
        doc("grievance"),
        dt,
    )
    # relations
    up, down = _relation_forcings(st, S, view, rows)
    rel = relations.step(
        a2(st.relation), up, down, a2(st.relation_offset_up), a2(st.relation_offset_down), dt
    )
    # unilateral sanctions
    s_up, s_down = _sanction_forcings(st, view, rows)
    sanc = sanctions.unilateral_step(
        a2(st.sanction), s_up, s_down, a2(st.sanction_offset_up), a2(st.sanction_offset_down), dt
    )
    # provocation
    if view["deterministic"]:
        events = np.zeros_like(a1(view["hazard"]))
    else:
        u = uniforms(view["seed"], "provocation", S.keys[rows], 0, t)
        events = provocations.occurs(a1(view["hazard"]), dt, u)
    n = S.n
    diag = np.zeros((n, n), dtype=bool)
    np.fill_diagonal(diag, True)
    rel = np.where(diag[rows], 0.0, rel)
    sanc = np.where(diag[rows], 0.0, sanc)
    return {"burden_logit": z, "relation": rel, "sanction": sanc, "events": events}


def _relation_forcings(st: State, S: Structure, view, rows: slice):
    m, d = st.model, st.doctrine
    tau = view["tau"]
    rel_t = np.swapaxes(st.relation, -1, -2)
    sanc_t = np.swapaxes(st.sanction, -1, -2)

    def a1(x):
        return _rows(x, rows, 1)

    def a2(x):
        return _rows(x, rows, 2)

    shared = relations.shared_threat(a2(tau), tau)
    return relations.forcings(
        a2(st.relation),
        a2(rel_t),
        a1(d["hostility_bias"]),
        a2(st.baseline_relation),
        a2(tau),
        shared,
        a2(view["dependence"]),
        a2(sanc_t),
        a2(st.proximity),
        st.provocation_memory,
        a2(st.summit_memory),
        a1(d["reciprocity"]),
        a1(d["forgiveness"]),
        a1(d["baseline_pull"]),
        a1(d["shared_threat_weight"]),
        a1(d["threat_response"]),
        a1(d["trade_affinity"]),
        a1(d["sanction_resentment"]),
        a1(d["provocation_sensitivity"]),
        a1(d["summit_warmth"]),
        m["relation_sharpness"][..., None, None],
    )


def _sanction_forcings(st: State, view, rows: slice):
    m, d = st.model, st.doctrine
    g = sanctions.gate(
        _rows(view["hostility"], rows, 2),
        st.provocation_memory,
        m["sanction_hostility_threshold"][..., None, None],
        m["sanction_memory_threshold"][..., None, None],
    )
    return sanctions.unilateral_forcings(
        g, _rows(d["sanction_propensity"], rows, 1), _rows(d["sanction_decay"], rows, 1)
    )


def write_rows(target: dict[str, np.ndarray], decision: dict[str, np.ndarray], rows: slice):
    """Write one actor's (or all actors') decisions into full decision arrays."""
    for name, value in decision.items():
        dims = 1 if name in ("burden_logit", "events") else 2
        target[name][(Ellipsis, rows) + (slice(None),) * (dims - 1)] = value


def empty_decisions(st: State) -> dict[str, np.ndarray]:
    return {
        "burden_logit": np.empty_like(st.burden_logit),
        "relation": np.empty_like(st.relation),
        "sanction": np.empty_like(st.sanction),
        "events": np.empty_like(st.burden),
    }


# --------------------------------------------------------------------------- world


def world(
    st: State, S: Structure, view: dict[str, Any], dec: dict[str, np.ndarray], log: Log
) -> State:
    """Apply the decisions and advance everything else from t to t+1 (in place)."""
    m, d = st.model, st.doctrine
    t, dt, seed, det = view["t"], S.dt, view["seed"], view["deterministic"]
    lead = st.gdp.shape[:-1]

    # trade flows relax toward their targets
    rate = m["trade_adjustment"]
    st.recorded = trade.relax_flows(st.recorded, view["recorded_target"], rate, dt)
    st.unrecorded = trade.relax_flows(st.unrecorded, view["unrecorded_target"], rate, dt)

    # economy
    lost_share, evasion_share = _trade_shares(st, S, view)
    growth = trade.growth_rate(
        st.base_growth,
        lost_share,
        st.lost_share0,
        evasion_share,
        st.evasion_share0,
        st.burden,
        st.burden0,
        S.endogenous,
        m["trade_loss_elasticity"],
        m["evasion_premium"],
        m["guns_butter"],
    )
    if det:
        shock = 0.0
    else:
        eps = normals(seed, "growth", S.keys, 0, t)
        shock = m["growth_shock_sd"][..., None] * np.sqrt(dt) * eps
    st.growth = growth
    st.gdp = st.gdp * np.exp(growth * dt + shock)

    # capability, technology
    mun = view["munitions"]
    transfers = view["transfers"]
    st.pipeline, absorbed = bargain.pipeline_step(
        st.pipeline, sum_second_last(view["technology_flow"]), m["technology_lag"][..., None], dt
    )
    eta = d["absorptive_capacity"]
    inflow = (
        st.ppp_factor * view["milex"]
        - sum_second_last(mun)
        - sum_last(transfers)
        + eta * (sum_second_last(transfers) + absorbed)
    )
    delta = m["depreciation"][..., None]
    st.capability = arms.capability_step(st.capability, inflow, delta, dt)
    st.technology = arms.capability_step(st.technology, eta * absorbed, delta, dt)

    # decisions of the actors
    st.burden_logit = dec["burden_logit"]
    st.burden = arms.burden_from_logit(
        dec["burden_logit"], m["burden_floor"][..., None], m["burden_ceiling"][..., None]
    )
    st.relation = dec["relation"]
    st.sanction = dec["sanction"]

    # memories: provocations and summits
    tau_mem = m["memory_time"][..., None]
    if det:
        st.provocation_memory = provocations.expected_memory_step(
            st.provocation_memory, view["hazard"], tau_mem, dt
        )
        summits = engagement.expected_summits(st.summit_rate, dt)
    else:
        st.provocation_memory = provocations.memory_step(
            st.provocation_memory, dec["events"], tau_mem, dt
        )
        i, j = engagement.upper_pairs(S.n)
        u = uniforms(seed, "summit", S.keys[i], S.keys[j], t)  # (..., P) for i < j
        summits = engagement.summits(st.summit_rate, dt, u)
    st.summit_memory = engagement.memory_step(st.summit_memory, summits, tau_mem[..., None], dt)
    if not det:
        codes = np.array(S.codes, dtype=object)
        log.add(
            dec["events"].astype(int),
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
        keep = np.exp(-dt / m["misperception_persistence"])[..., None, None]
        sd = d["misperception"][..., :, None]
        eps = normals(
            seed_for_pairs(seed), "misperception", S.keys[:, None], S.keys[None, :], t + 1
        )
        st.misperception = keep * st.misperception + sd * np.sqrt(1.0 - keep**2) * eps

    # multilateral measures: scheduled renewals of monitoring, proposals after provocations
    for target in np.flatnonzero(S.has_regime):
        proposal_hazard = m["measure_rate"] * st.provocation_memory[..., target]
        if det:
            proposed = np.zeros(lead, dtype=bool)
        else:
            u = uniforms(seed_for_runs(seed), "measure", S.keys[target], 0, t)
            proposed = u < -np.expm1(-proposal_hazard * dt)
        renewal = np.broadcast_to(S.renewal[t, target], lead)
        _vote(st, S, target, renewal, proposed, t, log)
    st.events_last = dec["events"]
    return st


def _trade_shares(st: State, S: Structure, view) -> tuple[np.ndarray, np.ndarray]:
    """Trade lost after diversion and unrecorded trade, as shares of GDP, (..., N)."""
    # potential - recorded - unrecorded targets = blocked - diverted
    lost = S.flows.by_dyad(view["blocked"] - view["diverted"])  # (..., i, j)
    lost_i = sum_last(lost) + sum_second_last(lost)  # exports and imports
    mun = view["munitions"]
    pay = view["payments"]
    bargain_i = sum_second_last(mun) + sum_last(mun) + sum_last(pay) + sum_second_last(pay)
    lost_i = lost_i - bargain_i
    unrec = S.flows.by_dyad(view["unrecorded_target"])
    evasion_i = sum_last(unrec) + sum_second_last(unrec) + bargain_i
    return lost_i / st.gdp, evasion_i / st.gdp


def _vote(st: State, S: Structure, target: int, renewal, proposed, t: int, log: Log) -> None:
    """A multilateral vote on the regime against ``target``: vetoes block it."""
    holders = S.veto_holders[target]
    sponsors = S.sponsors[target]
    rel = st.relation
    to_sponsors = sanctions.relation_to_sponsors(rel, sponsors)
    veto = sanctions.vetoes(
        rel[..., :, target], to_sponsors, st.doctrine["veto_threshold"], holders
    )
    vetoed = veto.any(axis=-1)
    lead = st.gdp.shape[:-1]
    codes = np.array(S.codes, dtype=object)
    name = S.codes[target]
    # renewal first, then proposal: a run's rows keep the order of its own log
    for kind, happens in (("renewal", renewal), ("proposal", proposed)):
        happens = np.broadcast_to(happens, lead)
        if not happens.any():
            continue
        log.add(
            happens[..., None] & veto,
            t,
            S.dates[t],
            "veto",
            codes,
            name,
            GOLDSTEIN["veto"],
            "endogenous",
            f"{kind} of measures on {name}",
        )
        passed = happens & ~vetoed
        if kind == "renewal":
            st.monitoring[..., target] = np.where(passed, 1.0, st.monitoring[..., target])
            event = "monitoring_restored"
        else:
            cov = st.coverage[..., target, :]
            covered = cov + PROPOSAL_STEP * (1.0 - cov)
            st.coverage[..., target, :] = np.where(passed[..., None], covered, cov)
            event = "sanctions_measure"
        log.add(passed, t, S.dates[t], event, None, name, GOLDSTEIN[event], "endogenous")


# --------------------------------------------------------------------------- events and paths


def begin(st: State, S: Structure, t: int, seed, pending: list, log: Log) -> np.ndarray:
    """Apply step t's scheduled events and the reactions pending from step t-1.

    Returns the mask (leading shape) of the runs whose state changed.
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
        if ev.vote_target is not None:
            _vote(st, S, ev.vote_target, happens, np.zeros(lead, dtype=bool), t, log)
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
}


def _combine(verb: str, old, value, mask):
    new = {
        "set": np.broadcast_to(value, np.shape(old)) if np.ndim(old) else value,
        "add": old + value,
        "scale": old * value,
    }[verb]
    return np.where(mask, new, old)


def apply_op(st: State, S: Structure, verb: str, ref, value, mask, t: int = 0) -> None:
    """Apply one path operation at step ``t`` to the runs selected by ``mask`` (leading shape)."""
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
    elif ref.kind == "trade":
        c = S.categories.index(ref.category)
        update(st.potential0, (S.flows.index(idx[ref.a], idx[ref.b], c),))
    elif ref.kind == "regime":
        t = idx[ref.a]
        if ref.field == "monitoring":
            update(st.monitoring, (t,))
        else:
            update(st.coverage, (t, S.categories.index(ref.category)))
    else:
        raise ValueError(f"{ref.text} is a run setting and cannot change during a run")


# --------------------------------------------------------------------------- calibration


def calibrate(st: State, S: Structure) -> None:
    """Make the start an equilibrium of the deterministic model (in place).

    In order: unilateral sanctions get their floor; trade potentials reproduce the
    starting total flows, and the flows start at the model's split of them into
    recorded and unrecorded (given coverage and compliance), so that the split does
    not drift in the first year; provocation and summit memories start at their
    expected stationary level (hazard times memory time); tolerances equal the
    starting insecurity; structural offsets hold the starting attitudes and
    unilateral sanctions; lost and unrecorded trade shares at the start are the zero
    of the growth effects.
    """
    off_diag = ~np.eye(S.n, dtype=bool)
    st.sanction = np.where(off_diag, np.maximum(st.sanction, SANCTION_FLOOR), 0.0)
    tau = st.model["memory_time"]
    rate = 0.5 * (st.summit_rate + np.swapaxes(st.summit_rate, -1, -2))
    st.summit_memory = rate * tau[..., None, None]
    # trade: potential = starting flows / passing share; flows at their targets
    view = perceive(st, S, 0, 0, deterministic=True)
    _, pass_share = trade.pass_through(st.coverage, view["compliance"], S.flows)
    bite = trade.unilateral_bite(st.sanction)
    passing = pass_share * S.flows.of_dyads(1.0 - bite)
    st.potential0 = (st.recorded + st.unrecorded) / np.maximum(passing, 1e-3)
    view = perceive(st, S, 0, 0, deterministic=True)
    st.recorded = view["recorded_target"].copy(order="K")
    st.unrecorded = view["unrecorded_target"].copy(order="K")
    for _ in range(MEMORY_ITERATIONS):  # memories start at their expected level
        view = perceive(st, S, 0, 0, deterministic=True)
        st.provocation_memory = view["hazard"] * tau[..., None]
    view = perceive(st, S, 0, 0, deterministic=True)
    st.tolerance = view["insecurity"].copy(order="K")
    rows = slice(None)
    up, down = _relation_forcings(st, S, view, rows)
    st.relation_offset_up, st.relation_offset_down = signed_offsets(st.relation, up, down)
    s_up, s_down = _sanction_forcings(st, view, rows)
    st.sanction_offset_up, st.sanction_offset_down = unit_offsets(st.sanction, s_up, s_down)
    lost, evasion = _trade_shares(st, S, view)
    st.lost_share0, st.evasion_share0 = lost, evasion
    st.growth = st.base_growth.copy(order="K")


STEP_VIEW = frozenset(
    {
        "t",
        "seed",
        "deterministic",
        "dependence",
        "hazard",
        "hostility",
        "insecurity",
        "tau",
        "blocked",
        "diverted",
        "milex",
        "munitions",
        "payments",
        "recorded_target",
        "unrecorded_target",
        "technology_flow",
        "transfers",
    }
)
"""The parts of the view that :func:`decide` and :func:`world` read."""


def refresh(
    view: dict[str, Any],
    st: State,
    S: Structure,
    t: int,
    seed,
    det: bool,
    changed: np.ndarray,
    inplace: bool = False,
    needed: frozenset[str] | None = None,
) -> dict[str, Any]:
    """The view after ``begin``: perceive again, for the changed runs only.

    Runs do not interact, so perceiving a subset of a block gives exactly the rows that
    perceiving the whole block would.  ``inplace`` overwrites the rows of ``view``'s
    arrays instead of copying them (for a caller that owns them: perceive's arrays
    never alias the state).  ``needed`` (e.g. :data:`STEP_VIEW`) keeps only those parts
    of the view, the others being left out rather than stale.
    """
    changed = np.asarray(changed)
    if changed.ndim == 0 or changed.all():
        return perceive(st, S, t, seed, det)
    if not changed.any():
        return view
    idx = np.flatnonzero(changed)
    part = perceive(RowsView(st, idx), S, t, np.asarray(seed)[idx], det)
    out = dict(view) if needed is None else {k: view[k] for k in needed}
    for key in out:
        value = part[key]
        if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == len(idx):
            full = view[key] if inplace else view[key].copy(order="K")
            full[idx] = value
            out[key] = full
    return out


def seed_run(st: State, S: Structure, seed) -> None:
    """Draw a run's starting misperceptions from their stationary distribution (in place)."""
    sd = st.doctrine["misperception"][..., :, None]
    eps = normals(seed_for_pairs(seed), "misperception", S.keys[:, None], S.keys[None, :], 0)
    st.misperception = sd * eps * ~np.eye(S.n, dtype=bool)


# --------------------------------------------------------------------------- measures


def measures(
    st: State, S: Structure, view: dict[str, Any], only: set[str] | None = None
) -> dict[str, Any]:
    """Model, actor and dyad measures at the current state (see sim.measures).

    ``only`` (measure names) computes just those; sweeps that keep a few measures skip
    the rest.  Shared intermediates are computed once, when first needed.
    """
    m = st.model
    pw, rp = view["power"], view["regional_power"]

    @cache
    def alignment():
        return M.alignment(
            st.relation, st.alliance, pw, S.in_a, S.in_b, m["alignment_sharpness"][..., None]
        )

    @cache
    def host():
        return M.true_hostility(st.relation, m["hostility_sharpness"][..., None, None])

    @cache
    def risk():
        return M.conflict_risk(
            st.relation,
            st.alliance,
            st.proximity,
            pw,
            st.warheads,
            view["dependence"],
            host(),
            m["warhead_half"][..., None],
            m["risk_base"],
            m["risk_hostility"],
            m["risk_parity"],
            m["risk_proximity"],
            m["risk_alliance"],
            m["risk_nuclear"],
            m["risk_interdependence"],
        )

    def by_actor(flows):  # exports plus imports, all categories
        total = S.flows.by_dyad(flows)
        return sum_last(total) + sum_second_last(total)

    @cache
    def potential_i():
        pot_i = by_actor(view["potential"])
        return np.where(pot_i > 0, pot_i, 1.0)

    def balance(members):
        return lambda: M.balance(rp, *alignment(), members)

    regime = S.has_regime
    core = S.in_a | S.in_b
    model_level = {
        "balance": balance(np.ones(S.n, dtype=bool)),
        "balance_core": balance(core),
        "balance_swing": balance(~core),
        "tension": lambda: M.tension(pw, st.proximity, host()),
        "conflict_risk_any": lambda: M.any_dispute(risk(), S.key_pairs),
    }
    actor_level = {
        "gdp": lambda: st.gdp,
        "milex": lambda: view["milex"],
        "defence_share": lambda: st.burden,
        "capability": lambda: st.capability,
        "power": lambda: pw,
        "regional_power": lambda: rp,
        "insecurity": lambda: view["insecurity"],
        "security": lambda: 1.0 - view["insecurity"],
        "threat": lambda: view["threat_total"],
        "cover": lambda: view["cover"],
        "hedging": lambda: credibility.hedging(
            view["insecurity"], view["credibility"], st.alliance
        ),
        "influence": lambda: M.influence(
            st.relation, view["dependence"], pw, m["influence_weight"], st.proximity
        ),
        "provocation_memory": lambda: st.provocation_memory,
        "provocation_hazard": lambda: view["hazard"],
        "growth": lambda: st.growth,
        "transfers_in": lambda: (
            sum_second_last(view["transfers"]) + sum_second_last(view["technology_flow"])
        ),
        "munitions_supplied": lambda: sum_second_last(view["munitions"]),
        "technology": lambda: st.technology,
        "sanctions_pressure": lambda: np.where(
            regime, by_actor(view["blocked"]) / potential_i(), np.nan
        ),
        "sanctions_leakage": lambda: np.where(
            regime, by_actor(st.unrecorded) / potential_i(), np.nan
        ),
    }
    dyad_level = {
        "relation": lambda: st.relation,
        "alliance": lambda: st.alliance,
        "threat": lambda: view["threat"],
        "credibility": lambda: view["credibility"],
        "transfer": lambda: view["transfers"],
        "sanction": lambda: st.sanction,
        "conflict_risk": risk,
        "munitions": lambda: view["munitions"],
    }
    levels = {"model": model_level, "actor": actor_level, "dyad": dyad_level}
    return {
        level: {k: f() for k, f in table.items() if only is None or k in only}
        for level, table in levels.items()
    }


def measure_value(values: dict[str, Any], name: str, actors: tuple[int, ...]) -> np.ndarray:
    """Read a measure ``name[.A[.B]]`` out of :func:`measures` output."""
    if not actors:
        return values["model"][name]
    if len(actors) == 1:
        return values["actor"][name][..., actors[0]]
    if name == "conflict_risk" and name not in values["dyad"]:
        raise KeyError(name)
    return values["dyad"][name][..., actors[0], actors[1]]


def react(st: State, S: Structure, values: dict[str, Any]) -> list:
    """Evaluate the reactions on the measures at t+1; return those that fire."""
    pending = []
    for r in S.reactions:
        value = measure_value(values, r.measure, r.measure_actors)
        cond = reaction_rules.holds(value, r.above, r.below)
        k = r.index
        streak, since, count, fire = reaction_rules.update(
            st.reaction_streak[..., k],
            st.reaction_since[..., k],
            st.reaction_count[..., k],
            cond,
            r.for_steps,
            r.every,
            r.once,
        )
        st.reaction_streak[..., k] = streak
        st.reaction_since[..., k] = since
        st.reaction_count[..., k] = count
        if np.any(fire):
            pending.append((r, np.asarray(fire)))
    return pending
