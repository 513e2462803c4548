"""Military cooperation: the munitions-for-technology bargain and arms transfers.

The bargain (DESIGN §3.7): a patron p at war elsewhere demands munitions D_p (USD bn
per year, exogenous ``war_demand``).  Clients with spare stock share that demand in
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

    war_demand_p, capacity_c : (..., N); relation, multiplier : (..., N, N).
    The client-to-patron multiplier (dyads.C>P.transfer_multiplier) scales supply.
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

    Returns (paid, total): paid = ratio x munitions (energy, food and cash), and the
    part of it the scenario's payment categories carry (``shares`` (C,), summing to 1,
    or all zero when the scenario has no payment categories).
    """
    paid = ratio[..., None, None] * munitions
    return paid, paid * shares.sum()


def technology(munitions_pc, war_demand_p, multiplier, willingness_p, ratio, leverage):
    """Technology sent by patron p to client c, USD bn per year, (..., p, c).

    lambda = ratio x willingness_p x (1 + leverage x dep_pc): the patron's willingness
    to transfer (its doctrine) scales what it gives per unit of munitions.
    """
    dependence = munitions_pc / np.where(war_demand_p > 0, war_demand_p, 1.0)[..., :, None]
    lam = (
        ratio[..., None, None]
        * willingness_p[..., :, None]
        * (1.0 + leverage[..., None, None] * dependence)
    )
    return lam * munitions_pc * multiplier


def pipeline_step(pipeline, inflow, lag, dt):
    """Technology awaiting absorption: dP/dt = inflow - P / lag (exact); returns (P', outflow).

    outflow is the mean absorption rate over the step, USD bn per year.
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
    """transfer[..., i, j], USD bn per year, within each donor's capacity."""
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
