"""Military cooperation: the munitions-for-technology bargain and arms transfers.

The bargain (``docs/model.md``, Military cooperation): a patron p at war elsewhere
demands munitions D_p (USD bn per year, exogenous ``war_demand``).  Clients with spare stock share that demand in
proportion to their capacity cap_c = export_capacity_c K_c and goodwill; each
supplies m_pc = smin(D_p share_pc, cap_c) sigmoid(k rbar_pc).  The patron pays
pi m in energy, food and cash (leakage against any regime on the client) and
transfers technology tau = lambda m with lambda = lambda0 w_p (1 + lambda1 dep_pc),
w_p the patron's transfer willingness:
the more the patron depends on the client for its war (dep_pc = m_pc / D_p), the
more it must give (reverse leverage).  Technology reaches the client's capability
and offence with a lag, in proportion to its absorptive capacity.

Plain arms transfers (alliance support): transfer_ij = willingness_i
sigmoid(k r_ij) alliance_ij multiplier_ij need_j with need_j = max(0, ins_j -
tol_j) milex_j, scaled down smoothly to the donor's capacity transfer_capacity_i
milex_i.
"""

from __future__ import annotations

import numpy as np

from .common import off_diagonal, sigmoid, smooth_min, sum_last


def munitions(war_demand_p, capacity_c, relation, multiplier, sharpness):
    """m[..., p, c]: munitions supplied by client c to patron p, USD bn per year.

    Clients share the patron's war demand in proportion to their capacity and
    goodwill; each supplies the smooth minimum of its share and its capacity, scaled
    by sigmoid(k rbar_pc) and by the client-to-patron multiplier
    (``dyads.C>P.transfer_multiplier``).

    Parameters
    ----------
    war_demand_p : array_like
        D_p, demand for munitions of each actor at war, USD bn per year, (..., N).
    capacity_c : array_like
        cap_c, munitions each actor can spare, USD bn per year, (..., N).
    relation : array_like
        (..., N, N) attitudes.
    multiplier : array_like
        (..., N, N) transfer multipliers [from, to].
    sharpness : array_like
        k of the goodwill gate, broadcastable to (..., N, N).
    """
    rbar = 0.5 * (relation + np.swapaxes(relation, -1, -2))
    n = relation.shape[-1]
    mask = off_diagonal(n)
    willing = sigmoid(sharpness * rbar) * mask * np.swapaxes(multiplier, -1, -2)
    weight = capacity_c[..., None, :] * willing
    total = sum_last(weight)
    share = weight / np.where(total > 0, total, 1.0)[..., None]
    asked = war_demand_p[..., :, None] * share
    return smooth_min(asked, np.broadcast_to(capacity_c[..., None, :], asked.shape)) * willing


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
    return paid, paid * shares.sum()


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
    dependence = munitions_pc / np.where(war_demand_p > 0, war_demand_p, 1.0)[..., :, None]
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
    keep = np.exp(-dt / lag)
    new = pipeline * keep + inflow * lag * (1.0 - keep)
    outflow = (pipeline - new) / dt + inflow
    return new, outflow


def arms_transfers(
    willingness_i,
    capacity_i,
    milex_i,
    relation,
    alliance,
    multiplier,
    insecurity,
    tolerance,
    milex,
    sharpness,
):
    """transfer[..., i, j], arms transfers from i to j, USD bn per year.

    willingness_i sigmoid(k r_ij) alliance_ij multiplier_ij need_j with
    need_j = max(0, ins_j - tol_j) milex_j, scaled down smoothly to the donor's capacity
    (alliance support: Snyder 1984).

    Parameters
    ----------
    willingness_i, capacity_i, milex_i : array_like
        (..., N) donors' willingness, capacity (share of milex) and milex (USD bn/yr).
    relation, alliance, multiplier : array_like
        (..., N, N) attitudes, commitments and multipliers [donor i, recipient j].
    insecurity, tolerance, milex : array_like
        (..., N) recipients' insecurity, tolerance and milex (USD bn per year).
    sharpness : array_like
        k of the goodwill gate, broadcastable to (..., N, N).
    """
    need = np.maximum(0.0, insecurity - tolerance) * milex  # (..., N) by recipient j
    raw = (
        willingness_i[..., :, None]
        * sigmoid(sharpness * relation)
        * alliance
        * multiplier
        * need[..., None, :]
    )
    total = sum_last(raw)
    cap = capacity_i * milex_i
    scale = smooth_min(total, cap) / np.where(total > 0, total, 1.0)
    return raw * scale[..., None]
