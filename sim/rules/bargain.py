"""Military cooperation: the munitions-for-technology bargain and arms transfers.

The bargain (``docs/model.md``, Military cooperation): a patron p at war elsewhere
demands munitions D_p (USD bn per year, exogenous ``war_demand``).  Clients offer
o_c = cap_c (pi / pi_ref)^e, their capacity cap_c = export_capacity_c K_c scaled by
the payment (supply responds to capacity and price, not only to demand), share the
demand in proportion to their offers and goodwill, and each supplies
m_pc = smin(D_p share_pc, o_c) sigmoid(k rbar_pc).  The patron pays
pi m in energy, food and cash (leakage against any regime on the client) and
transfers technology tau = lambda m with lambda = lambda0 w_p (1 + lambda1 dep_pc),
w_p the patron's transfer willingness:
the more the patron depends on the client for its war (dep_pc = m_pc / D_p), the
more it must give (reverse leverage).  Technology reaches the client's capability
and its delivery means with a lag, in proportion to its absorptive capacity.
A patron's need (war demand met by the client) and the client's gains are
:func:`patron_need`, :func:`client_need` and :func:`need`.

Plain arms transfers: transfer_ij = willingness_i sigmoid(k r_ij) alliance_ij
multiplier_ij (need_j + iota_i gain_ij) milex_j with need_j = max(0, ins_j - tol_j),
scaled down smoothly to the donor's capacity transfer_capacity_i milex_i: alliance
support, and the patron's own interest in what the client gives it.
"""

from __future__ import annotations

import numpy as np

from .common import (
    namespace,
    off_diagonal_weights,
    power,
    sigmoid,
    smooth_min,
    sum_last,
    sum_second_last,
)


def offered(capacity_c, payment_ratio, reference_ratio, elasticity):
    """Munitions a client offers, cap_c (pi / pi_ref)^e, USD bn per year, (..., N).

    Supply responds to what the patron pays per unit: at the reference payment ratio a
    client offers its capacity (``export_capacity`` x its capability stock).

    Parameters
    ----------
    capacity_c : array_like
        (..., N) munitions each actor can spare, USD bn per year.
    payment_ratio : array_like
        pi, value paid per unit of munitions, per run (...,).
    reference_ratio : float
        pi_ref, the payment ratio at which clients offer their capacity.
    elasticity : array_like
        e >= 0, per run (...,).
    """
    return capacity_c * power(payment_ratio / reference_ratio, elasticity)[..., None]


def munitions(war_demand_p, offered_c, relation, multiplier, sharpness):
    """m[..., p, c]: munitions supplied by client c to patron p, USD bn per year.

    Clients share the patron's war demand in proportion to what they offer and to their
    goodwill; each supplies the smooth minimum of its share and its offer, scaled by
    sigmoid(k rbar_pc) and by the client-to-patron multiplier
    (``dyads.C>P.transfer_multiplier``).  Where demand exceeds the offers, supply is
    set by the clients' capacity and the payment (:func:`offered`), not by demand.

    Parameters
    ----------
    war_demand_p : array_like
        D_p, demand for imported munitions of each actor at war, USD bn per year, (..., N).
    offered_c : array_like
        (..., N) munitions each actor offers (:func:`offered`), USD bn per year.
    relation : array_like
        (..., N, N) attitudes.
    multiplier : array_like
        (..., N, N) transfer multipliers [from, to].
    sharpness : array_like
        k of the goodwill gate, broadcastable to (..., N, N).
    """
    xp = namespace(war_demand_p, offered_c, relation, multiplier, sharpness)
    rbar = 0.5 * (relation + relation.mT)
    n = relation.shape[-1]
    mask = off_diagonal_weights(n, like=relation)
    willing = sigmoid(sharpness * rbar) * mask * multiplier.mT
    weight = offered_c[..., None, :] * willing
    total = sum_last(weight)
    share = weight / xp.where(total > 0, total, 1.0)[..., None]
    asked = war_demand_p[..., :, None] * share
    return smooth_min(asked, xp.broadcast_to(offered_c[..., None, :], asked.shape)) * willing


def patron_need(munitions_pc, war_demand_p):
    """need[..., p, c] = m_pc / D_p: the share of patron p's war demand client c meets.

    Parameters
    ----------
    munitions_pc : array_like
        (..., N, N) munitions [patron p, client c], USD bn per year.
    war_demand_p : array_like
        (..., N) war demand, USD bn per year.
    """
    xp = namespace(munitions_pc, war_demand_p)
    return munitions_pc / xp.where(war_demand_p > 0, war_demand_p, 1.0)[..., :, None]


def client_need(paid_pc, technology_pc, imports_c):
    """need[..., c, p]: the share of client c's external supply that is patron p's aid.

    Aid is the payment for munitions and the technology p sends; the external supply is
    c's imports of goods and of the bargain plus the technology it receives.

    Parameters
    ----------
    paid_pc, technology_pc : array_like
        (..., N, N) payments and technology [patron p, client c], USD bn per year.
    imports_c : array_like
        (..., N) each actor's imports of goods and the bargain, USD bn per year.
    """
    xp = namespace(paid_pc, technology_pc, imports_c)
    aid = (paid_pc + technology_pc).mT  # [c, p]
    supply = imports_c + sum_second_last(technology_pc)
    return aid / xp.where(supply > 0, supply, 1.0)[..., :, None]


def need(patron_pc, client_cp):
    """need[..., i, j]: what j supplies i, in [0, 1] (the dependence behind goodwill).

    For a patron i at war, the share of its war demand that client j meets; for a client
    i, the share of its external supply that is patron j's payment and technology.  Need
    builds goodwill and commitment, and when it ends they erode (Snyder 1997).

    Parameters
    ----------
    patron_pc : array_like
        (..., N, N) :func:`patron_need`.
    client_cp : array_like
        (..., N, N) :func:`client_need`.
    """
    return patron_pc + client_cp


def payments(munitions, ratio, shares):
    """What patrons pay for munitions, USD bn per year, (..., p, c).

    Parameters
    ----------
    munitions : array_like
        (..., N, N) munitions [patron p, client c], USD bn per year.
    ratio : array_like
        pi, value paid per unit of munitions, per run (...,).
    shares : ndarray
        (C,) split of the payment over categories, summing to 1, or all zero when the
        scenario has no payment categories.

    Returns
    -------
    (paid, total): paid = pi x munitions (energy, food and cash), and the part of it the
    payment categories carry.
    """
    paid = ratio[..., None, None] * munitions
    return paid, paid * float(np.asarray(shares).sum())  # the structure, on the host


def technology(munitions_pc, war_demand_p, multiplier, willingness_p, ratio, leverage):
    """Technology sent by patron p to client c, USD bn per year, (..., p, c).

    lambda = ratio x willingness_p x (1 + leverage x dep_pc): the patron's willingness
    to transfer (its doctrine) scales what it gives per unit of munitions, and the more
    it depends on the client for its war (dep_pc = m_pc / D_p) the more it must give
    (reverse leverage).

    Parameters
    ----------
    munitions_pc : array_like
        (..., N, N) munitions [patron p, client c], USD bn per year.
    war_demand_p : array_like
        (..., N) war demand, USD bn per year.
    multiplier : array_like
        (..., N, N) transfer multipliers [from, to].
    willingness_p : array_like
        (..., N) transfer willingness of each patron.
    ratio, leverage : array_like
        lambda_0 and lambda_1, per run (...,).
    """
    xp = namespace(munitions_pc, war_demand_p, multiplier, willingness_p, ratio, leverage)
    dependence = munitions_pc / xp.where(war_demand_p > 0, war_demand_p, 1.0)[..., :, None]
    lam = (
        ratio[..., None, None]
        * willingness_p[..., :, None]
        * (1.0 + leverage[..., None, None] * dependence)
    )
    return lam * munitions_pc * multiplier


def pipeline_step(pipeline, inflow, lag, dt):
    """Technology awaiting absorption: dP/dt = inflow - P / lag, exact over the step.

    Parameters
    ----------
    pipeline : array_like
        P at t, USD bn, (..., N).
    inflow : array_like
        Technology received, USD bn per year, (..., N).
    lag : array_like
        Mean absorption lag, years, broadcastable to (..., N).
    dt : float
        Step length, years.

    Returns
    -------
    (P', outflow): the pipeline at t+1 and the mean absorption rate over the step,
    USD bn per year.
    """
    keep = namespace(pipeline, inflow, lag).exp(-dt / lag)
    new = pipeline * keep + inflow * lag * (1.0 - keep)
    outflow = (pipeline - new) / dt + inflow
    return new, outflow


def gains(need_ij, leverage_ij):
    """What donor i gains from client j, in [0, 2]: its war demand j meets, its leverage.

    Parameters
    ----------
    need_ij : array_like
        (..., N, N) :func:`patron_need` [i, j].
    leverage_ij : array_like
        (..., N, N) i's share of j's essential imports [i, j]
        (:func:`sim.rules.provocations.leverage`).
    """
    return need_ij + leverage_ij


def arms_transfers(
    willingness_i,
    capacity_i,
    interest_i,
    milex_i,
    relation,
    alliance,
    multiplier,
    gains,
    insecurity,
    tolerance,
    milex,
    sharpness,
):
    """transfer[..., i, j], arms transfers from i to j, USD bn per year.

    willingness_i sigmoid(k r_ij) alliance_ij multiplier_ij (need_j + iota_i gain_ij)
    milex_j, scaled down smoothly to the donor's capacity: a donor arms an ally in need
    (alliance support: Snyder 1984), and a client it gains from whatever the client's
    own insecurity, in munitions or in leverage over its supplies (arms as a
    substitute for commitments: Yarhi-Milo, Lanoszka & Cooper 2016).
    need_j = max(0, ins_j - tol_j).

    Parameters
    ----------
    willingness_i, capacity_i, interest_i, milex_i : array_like
        (..., N) donors' willingness, capacity (share of milex), interest iota and milex
        (USD bn per year).
    relation, alliance, multiplier : array_like
        (..., N, N) attitudes, commitments and multipliers [donor i, recipient j].
    gains : array_like
        (..., N, N) what donor i gains from recipient j in [0, 2]: the share of i's war
        demand j meets plus i's leverage over j's essential imports.
    insecurity, tolerance, milex : array_like
        (..., N) recipients' insecurity, tolerance and milex (USD bn per year).
    sharpness : array_like
        k of the goodwill gate, broadcastable to (..., N, N).
    """
    xp = namespace(insecurity, tolerance)
    need_j = xp.maximum(0.0, insecurity - tolerance)  # (..., N) by recipient j
    motive = need_j[..., None, :] + interest_i[..., :, None] * gains
    raw = (
        willingness_i[..., :, None]
        * sigmoid(sharpness * relation)
        * alliance
        * multiplier
        * motive
        * milex[..., None, :]
    )
    total = sum_last(raw)
    cap = capacity_i * milex_i
    scale = smooth_min(total, cap) / xp.where(total > 0, total, 1.0)
    return raw * scale[..., None]
