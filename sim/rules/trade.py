"""Trade, sanctions compliance, diversion and growth (Hufbauer, Schott & Elliott
1990; Early 2011; Early & Spice 2015).

Potential trade of category c from i to j follows relations (trade follows the
flag, Pollins 1989): V = V0 exp(theta (rbar_ij - rbar0_ij)) (1 - u_ij), with u the
bite of unilateral sanctions either way.  A multilateral regime on target T covers a
share cov_Tc of each category; a partner i enforces it with effective compliance
ec_iT = cbar_i (m0 + (1 - m0) monitoring_T) sigmoid(k (gap_iT - mid)) e^(-e years),
gap_iT its relation to the sanctioning coalition minus its relation to T.  Of the
potential, the uncovered part is recorded, the covered part that is not enforced
passes unrecorded (sanctions busting), and the enforced part is blocked.  A share
of blocked trade is diverted to low-compliance partners (black knights), also
unrecorded, in proportion to their laxity, proximity and goodwill toward the
target.  Flows relax toward their targets at a finite rate.  Growth falls with
trade actually lost after diversion and payments (no double count), with the cost
of evasion and with the guns-versus-butter drag of a higher defence burden, all
relative to the start.
"""

from __future__ import annotations

import numpy as np

from .common import sigmoid, sum_last, sum_second_last


def effective_compliance(
    compliance_i,
    monitoring_t,
    relation,
    sponsors,
    monitoring_floor,
    sharpness,
    midpoint,
    erosion,
    years_since,
):
    """ec[..., i, T]: how fully i enforces the regime on T (0 where T has no regime).

    Parameters
    ----------
    compliance_i : (..., N) baseline compliance.
    monitoring_t : (..., N) monitoring of the regime on each target (0: none).
    relation : (..., N, N) attitudes.
    sponsors : (N, N) bool, sponsors[T, k]: k is in the coalition against T.
    years_since : (N,) years since each regime was imposed (0 where none).
    """
    weights = sponsors.astype(float)  # (T, K)
    # mean over the sponsors other than i itself (r_ii = 0 adds nothing to the sum)
    count = weights.sum(axis=-1)[None, :] - weights.T  # (i, T)
    # (..., i, T), term by term over the actors that sponsor some regime (the others
    # add zeros); order="F" keeps the batch engine's layout (runs fastest)
    members = np.flatnonzero(weights.any(axis=0))
    if len(members) == 0:
        members = np.array([0])
    coalition = np.multiply(relation[..., :, None, members[0]], weights[:, members[0]], order="F")
    for k in members[1:]:
        coalition += relation[..., :, None, k] * weights[:, k]
    to_coalition = coalition / np.where(count > 0, count, 1.0)
    gap = to_coalition - relation
    monitor = monitoring_floor + (1.0 - monitoring_floor) * monitoring_t
    return (
        compliance_i[..., :, None]
        * monitor[..., None, :]
        * sigmoid(sharpness * (gap - midpoint))
        * np.exp(np.multiply(-erosion, years_since, order="F"))[..., None, :]
    )


def pass_through(coverage, compliance_matrix, targets):
    """Shares (recorded, legal+illegal passing) of potential trade i -> j in category c.

    coverage : (..., N, C) share of category c prohibited for a target (0 if none).
    compliance_matrix : (..., N, N) ec[i, T].
    targets : indices of the actors under a regime (coverage is zero elsewhere, so only
        flows to or from them are touched).
    Returns (recorded_share, passing_share), each (..., N, N, C):
    recorded = (1 - cov_j)(1 - cov_i), passing = (1 - cov_j ec_ij)(1 - cov_i ec_ji).
    """
    shape = compliance_matrix.shape + coverage.shape[-1:]
    recorded = np.ones(shape, order="F")  # the layout of the batch engine's arrays
    passing = np.ones(shape, order="F")
    for t in targets:  # exports to the target t: importer j = t
        cov = coverage[..., t, :][..., None, :]  # (..., 1, C)
        recorded[..., :, t, :] *= 1.0 - cov
        passing[..., :, t, :] *= 1.0 - cov * compliance_matrix[..., :, t][..., :, None]
    for t in targets:  # exports from the target t: exporter i = t, importer j enforces
        cov = coverage[..., t, :][..., None, :]
        recorded[..., t, :, :] *= 1.0 - cov
        passing[..., t, :, :] *= 1.0 - cov * compliance_matrix[..., :, t][..., :, None]
    return recorded, passing


def unilateral_bite(sanction):
    """u[..., i, j] = 1 - (1 - s_ij)(1 - s_ji): share of trade lost to unilateral sanctions."""
    return 1.0 - (1.0 - sanction) * (1.0 - np.swapaxes(sanction, -1, -2))


def potential(base_potential, relation, base_relation, elasticity, bite):
    """V[..., i, j, c] = V0 exp(theta (rbar - rbar0)) (1 - u), USD bn per year."""
    rbar = 0.5 * (relation + np.swapaxes(relation, -1, -2))
    factor = np.exp(elasticity[..., None, None] * (rbar - base_relation)) * (1.0 - bite)
    return base_potential * factor[..., None]


def diversion(blocked, compliance_matrix, proximity, relation, share, sharpness, targets):
    """Blocked trade re-routed through low-compliance partners, (..., N, N, C).

    For each target T, blocked exports to T are re-sent by partners k in proportion
    to (1 - ec_kT) proximity_kT sigmoid(k r_kT): black knights are near, lax and
    friendly to the target (Early 2011); blocked exports from T are taken likewise.
    Only targets block trade, so only their rows and columns are touched.
    """
    n = proximity.shape[-1]
    out = np.zeros_like(blocked)
    for t in targets:
        others = np.arange(n) != t
        w = (
            (1.0 - compliance_matrix[..., :, t])
            * proximity[..., :, t]
            * sigmoid(sharpness * relation[..., :, t])
            * others
        )  # (..., k)
        total = sum_last(w)
        w_norm = w / np.where(total > 0, total, 1.0)[..., None]
        into_t = sum_second_last(blocked[..., :, t, :])  # (..., C): blocked exports to t
        from_t = sum_second_last(blocked[..., t, :, :])  # (..., C): blocked exports from t
        s = share[..., None, None]
        out[..., :, t, :] += s * w_norm[..., :, None] * into_t[..., None, :]
        out[..., t, :, :] += s * w_norm[..., :, None] * from_t[..., None, :]
    return out


def relax_flows(flows, target, rate, dt):
    """Exact relaxation of flows toward their targets at ``rate`` per year."""
    keep = np.exp(-rate * dt)[..., None, None, None]
    return target + (flows - target) * keep


def growth_rate(
    base_growth,
    lost_share,
    lost_share0,
    evasion_share,
    evasion_share0,
    burden,
    burden0,
    endogenous,
    trade_loss_elasticity,
    evasion_premium,
    guns_butter,
):
    """Effective real growth per year (before shocks), (..., N).

    lost_share and evasion_share are trade lost and trade unrecorded as shares of
    GDP; the effects count relative to the start and apply where ``endogenous``.
    """
    effect = -trade_loss_elasticity[..., None] * (lost_share - lost_share0) - evasion_premium[
        ..., None
    ] * (evasion_share - evasion_share0)
    drag = -guns_butter[..., None] * (burden - burden0)
    return base_growth + np.where(endogenous, effect, 0.0) + drag
