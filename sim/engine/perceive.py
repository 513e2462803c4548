"""Perception: everything derived from the state at t that decisions and measures read.

:func:`perceive` computes, for every actor and dyad, power, reach and strength
(delivery means and arsenals), perceived hostility and threat, credibility and cover, insecurity, threat shares, sanctions
compliance, trade potentials and targets, the munitions-for-technology bargain,
arms transfers, trade dependence and provocation hazards (``docs/model.md``,
Process overview, items 1-3 and the rates of 6-8).  :func:`refresh` perceives again
only the runs of a block that events or reactions changed.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from .. import registry
from ..rules import (
    bargain,
    credibility,
    misperception,
    power,
    provocations,
    relations,
    threat,
    trade,
)
from ..rules.common import sum_last, sum_second_last
from . import lifetimes
from .state import RowsView, State, Structure

PAYMENT_REFERENCE = registry.MODEL_BY_NAME["payment_ratio"].default
"""The payment ratio at which clients offer their full munitions capacity."""

# --------------------------------------------------------------------------- perception


def perceive(st: State, S: Structure, t: int, seed, deterministic: bool) -> dict[str, Any]:
    """Everything derived from the state at t that the decisions and measures need.

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    t : int
        The step (reads the schedules at t).
    seed : int or ndarray
        The run seed, or (R, 1) seeds of a block.
    deterministic : bool
        No random draws: misperception factors are 1.

    Returns
    -------
    dict
        Arrays of the state's leading shape: ``power``, ``regional_power``, ``reach``,
        ``hostility``, ``threat``, ``credibility``, ``cover``, ``insecurity``, ``tau``,
        trade potentials and targets, ``munitions``, ``transfers``, ``dependence``,
        ``hazard``, ...
    """
    gone = lifetimes.absent(S, t)
    if gone is not None:  # absent actors are distant: nobody sees them
        st = lifetimes.masked(st, S, gone)
        view = _perceive(st, S, t, seed, deterministic)
        lifetimes.mask_view(view, gone)
        return view
    return _perceive(st, S, t, seed, deterministic)


def _perceive(st: State, S: Structure, t: int, seed, deterministic: bool) -> dict[str, Any]:
    m, d, ref = st.model, st.doctrine, st.reference
    milex = st.burden * st.gdp
    years = t * S.dt
    path = S.reference_path[t]  # (3,) log change of world GDP, milex, population; NaN: none
    k_ref = power.world_total(
        power.reference_capability(ref["world_milex"], m["depreciation"], ref["milex_growth"]),
        ref["milex_growth"],
        years,
        path[1],
    )
    pw = power.power(
        st.gdp,
        st.capability,
        st.population,
        power.world_total(ref["world_gdp"], ref["gdp_growth"], years, path[0])[..., None],
        k_ref[..., None],
        power.world_total(ref["world_population"], ref["population_growth"], years, path[2])[
            ..., None
        ],
        m["weight_gdp"][..., None],
        m["weight_military"][..., None],
        m["weight_population"][..., None],
    )
    rp = power.regional_power(pw, st.presence)
    # what can reach whom: military shares, delivery means, arsenals (power-share units)
    mil = threat.military_share(st.capability, k_ref[..., None])
    q = threat.military_share(st.delivery, k_ref[..., None])
    nuc = threat.nuclear_weight(st.warheads, m["warhead_half"][..., None])
    dl = threat.delivery(q, st.proximity, m["delivery_half"][..., None, None])
    rch = threat.reach(
        mil, st.presence, st.proximity, nuc, dl, m["nuclear_weight"][..., None, None]
    )
    own = threat.strength(
        mil, st.presence, nuc, q, m["nuclear_weight"][..., None], m["delivery_half"][..., None]
    )
    if deterministic:
        mis = np.ones_like(st.relation)
    else:
        mis = misperception.factor(st.misperception, d["misperception"][..., :, None])
    host = threat.hostility(
        st.relation, d["hostility_bias"], m["hostility_exponent"][..., None, None]
    )
    T = threat.threat_matrix(
        host, rch, mis, st.provocation_memory, m["provocation_offence"][..., None]
    )
    t_total = sum_last(T)
    exponent = m["contest_exponent"][..., None]
    background = m["background_threat"][..., None]
    substitution = m["cover_substitution"][..., None]
    bare = threat.insecurity(t_total, own, 0.0, background, substitution, exponent)
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
    cov = threat.cover(cred, st.alliance, rch)
    ins = threat.insecurity(t_total, own, cov, background, substitution, exponent)
    tau = relations.threat_shares(T, own, cov)

    # trade: compliance, potentials, targets, diversion
    tv = trade_view(st, S, t)
    ec, potential, blocked = tv["compliance"], tv["potential"], tv["blocked"]
    diverted, rec_target = tv["diverted"], tv["recorded_target"]
    unrec_target = tv["unrecorded_target"]

    # military cooperation: the bargain (rates at t)
    war = np.where(np.isfinite(st.war_override), st.war_override, st.war_series[..., t, :])
    capacity = d["export_capacity"] * st.capability
    offer = bargain.offered(capacity, m["payment_ratio"], PAYMENT_REFERENCE, m["supply_elasticity"])
    kappa = m["relation_sharpness"][..., None, None]
    mun = bargain.munitions(war, offer, st.relation, st.multiplier, kappa)
    tech = bargain.technology(
        mun,
        war,
        st.multiplier,
        d["transfer_willingness"],
        m["technology_ratio"],
        m["technology_leverage"],
    )
    # goods paid for munitions, p -> c (shared over categories as S.payment)
    paid, payments = bargain.payments(mun, m["payment_ratio"], S.payment)
    # trade seen by actors, by dyad: flows plus the bargain (payments p -> c, munitions
    # c -> p in the supply category); summed over categories without building the
    # per-category bargain flows
    flows = st.recorded + st.unrecorded
    supplied = np.swapaxes(mun, -1, -2)
    energy_food = S.energy_food.astype(float)  # (C,) 0/1
    exports = S.flows.by_dyad(flows) + payments + supplied
    dependence = relations.trade_dependence(exports)
    supplier_need = bargain.patron_need(mun, war)
    # economic aid counts as a patron's support, beside the payments (grants and credits)
    need = bargain.need(
        supplier_need,
        bargain.client_need(
            paid + st.aid, tech, sum_second_last(exports) + sum_second_last(st.aid)
        ),
    )
    enforcement = trade.enforcement(blocked, potential, S.flows, S.has_regime)

    # patrons' leverage over their clients' essential (energy and food) supplies, [k, i]
    supply = provocations.essential_supply(
        S.flows.by_dyad(flows, S.energy_food),
        paid,
        S.payment @ energy_food,
        supplied,
        energy_food[S.supply_category],
    )
    lev = provocations.leverage(supply)
    # arms transfers: to allies in need, and to clients the donor gains from
    transfers = bargain.arms_transfers(
        d["transfer_willingness"],
        d["transfer_capacity"],
        d["transfer_interest"],
        milex,
        st.relation,
        st.alliance,
        st.multiplier,
        bargain.gains(supplier_need, lev),
        ins,
        st.tolerance,
        milex,
        kappa,
    )

    # provocations: hazard with allied cover and patron leverage
    restr = provocations.restraint(d["stability_preference"], lev)
    cover_share = provocations.cover_share(cov, own)
    haz = provocations.hazard(d["provocation_rate"], d["boldness"], cover_share, ins, restr)
    # ... under moratoria, engagement and sanctions pressure, then self-exciting (Hawkes)
    background = provocations.conditioned(
        haz,
        d["moratorium"],
        provocations.engagement_of(st.summit_memory),
        d["engagement_restraint"],
        provocations.pressure_of(S.flows.by_dyad(blocked), S.flows.by_dyad(potential)),
        d["sanction_defiance"],
    )
    haz = provocations.self_excited(
        background, st.provocation_memory, d["self_excitation"], m["memory_time"][..., None]
    )

    return {
        "t": t,
        "milex": milex,
        "power": pw,
        "regional_power": rp,
        "military": mil,
        "reach": rch,
        "strength": own,
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
        "need": need,
        "enforcement": enforcement,
        "restraint": restr,
        "hazard": haz,
        "background_hazard": background,
        "misperception_factor": mis,
        "seed": seed,
        "deterministic": deterministic,
    }


STEP_VIEW = frozenset(
    {
        "t",
        "seed",
        "deterministic",
        "dependence",
        "need",
        "enforcement",
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
        "war_demand",
    }
)
"""The parts of the view that :func:`decide` and :func:`world` read."""


def trade_view(st: State, S: Structure, t: int) -> dict[str, Any]:
    """The trade part of :func:`perceive`: compliance, potentials, targets, diversion.

    The calibration of enforcement gains calls it alone, many times, since nothing
    else in the view depends on the gains.

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    t : int
        The step.

    Returns
    -------
    dict
        ``compliance`` (effective, (..., N, N)), ``bite`` (unilateral), ``potential``,
        ``pass_share``, ``blocked``, ``diverted``, ``recorded_target`` and
        ``unrecorded_target`` (each (..., K) over ``S.flows``, USD bn per year).
    """
    m, d = st.model, st.doctrine
    gone = lifetimes.absent(S, t)
    ec = trade.effective_compliance(
        d["compliance"],
        st.monitoring * S.has_regime,
        st.relation,
        S.sponsors if gone is None else S.sponsors & ~gone,
        m["monitoring_floor"][..., None],
        m["compliance_sharpness"][..., None, None],
        m["compliance_midpoint"][..., None, None],
        m["sanctions_erosion"][..., None],
        np.maximum(S.years_since0 + t * S.dt, 0.0),  # years in force (0 before it)
        S.targets,  # no regime, nothing to enforce
        st.enforcement_gain,
    )
    bite = trade.unilateral_bite(st.sanction)
    potential = trade.potential(
        st.potential0, st.relation, st.base_mutual, m["trade_elasticity"], bite, S.flows
    ) * S.flows.of_dyads(trade.open_share(d["border_closure"]))  # (..., K): one per flow
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

    return {
        "compliance": ec,
        "bite": bite,
        "potential": potential,
        "pass_share": pass_share,
        "blocked": blocked,
        "diverted": diverted,
        "recorded_target": rec_target,
        "unrecorded_target": unrec_target,
    }


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
    perceiving the whole block would.

    Parameters
    ----------
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived before the events.
    st : State
        The state after the events: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    t : int
        The step.
    seed : int or ndarray
        The run seed, or (R, 1) seeds of a block.
    det : bool
        Deterministic mode.
    changed : ndarray
        Bool of the leading shape: the runs events or reactions changed.
    inplace : bool
        Overwrite the rows of ``view``'s arrays instead of copying them (for a caller
        that owns them: perceive's arrays never alias the state).
    needed : frozenset of str, optional
        Keep only these parts of the view (e.g. :data:`STEP_VIEW`), the others being left
        out rather than stale.
    """
    changed = np.asarray(changed)
    if changed.ndim == 0 or changed.all():
        return perceive(st, S, t, seed, det)
    if not changed.any():
        return view
    idx = np.flatnonzero(changed)
    rows = cast(State, RowsView(st, idx))  # reads like a State of those runs
    part = perceive(rows, S, t, np.asarray(seed)[idx], det)
    out = dict(view) if needed is None else {k: view[k] for k in needed}
    for key in out:
        value = part[key]
        if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == len(idx):
            full = view[key] if inplace else view[key].copy(order="K")
            full[idx] = value
            out[key] = full
    return out
