"""Sanctions: unilateral pressure with decay, multilateral measures with vetoes.

Unilateral sanctions s_ij in (0, 1) rise against a provoker when the threat from it
and its provocation memory cross smooth thresholds, and decay otherwise:
ds/dt = rise_i g_ij (1 - s) - decay_i (1 - g_ij) s with the gate
g_ij = sigmoid(k (hostility_ij - h*)) sigmoid(k (M_j - M*)), plus constant offsets
fixed at the start so that existing sanctions are an equilibrium (Hufbauer, Schott
& Elliott 1990).  A multilateral measure (a new resolution, or renewed monitoring)
passes only if no veto holder is friendly enough to the target: holder v vetoes
when r_vT - mean_k r_vk (k the sponsors) exceeds its veto threshold.  The Russian
veto of the Panel of Experts in March 2024, with China abstaining, is this rule
firing.
"""

from __future__ import annotations

import numpy as np

from .common import namespace, off_diagonal, relax_unit, sigmoid, sum_last

GATE_SHARPNESS = 8.0

MEASURE_STEP = 0.25
"""Share of the uncovered remainder that a passed multilateral measure covers."""

SANCTION_FLOOR = 1e-3
"""Unilateral sanctions start at least here, so that 'none' is an equilibrium too."""


def floor(sanction, level=SANCTION_FLOOR):
    """Unilateral sanctions raised to ``level``, zero on the diagonal, (..., N, N).

    Parameters
    ----------
    sanction : array_like
        (..., N, N) sanctions [sender, target] in [0, 1].
    level : float
        The floor (default :data:`SANCTION_FLOOR`).
    """
    xp = namespace(sanction)
    n = sanction.shape[-1]
    return xp.where(off_diagonal(n, like=sanction), xp.maximum(sanction, level), 0.0)


def proposal_hazard(rate, memory_t):
    """Hazard (per year) that a new measure on target T is proposed: rate x M_T.

    Parameters
    ----------
    rate : array_like
        Proposals per year per unit of provocation memory (``model.measure_rate``).
    memory_t : array_like
        The target's provocation memory.
    """
    return rate * memory_t


def tighten(coverage, step=MEASURE_STEP):
    """Coverage after a passed measure: c + step (1 - c), by category, (..., C).

    Parameters
    ----------
    coverage : array_like
        (..., C) coverage of the target's regime.
    step : float
        Share of the uncovered remainder the measure covers (:data:`MEASURE_STEP`).
    """
    return coverage + step * (1.0 - coverage)


def raise_to(coverage, content):
    """Coverage after a passed measure of given content: max(c, content), (..., C).

    Parameters
    ----------
    coverage : array_like
        (..., C) coverage by category in [0, 1].
    content : array_like
        (C,) coverage the measure gives each category; NaN leaves a category as it is.
    """
    xp = namespace(coverage)
    content = xp.asarray(np.asarray(content, dtype=float))  # the structure, from the host
    return xp.where(xp.isnan(content), coverage, xp.maximum(coverage, content))


def gate(hostility_ij, memory_j, hostility_threshold, memory_threshold):
    """Smooth trigger g[..., i, j] in (0, 1) of unilateral sanctions by i on j.

    Parameters
    ----------
    hostility_ij : array_like
        (..., I, N) perceived hostility of j toward i.
    memory_j : array_like
        (..., N) provocation memory of each j.
    hostility_threshold, memory_threshold : array_like
        h* and M*, broadcastable to (..., I, N).
    """
    return sigmoid(GATE_SHARPNESS * (hostility_ij - hostility_threshold)) * sigmoid(
        GATE_SHARPNESS * (memory_j[..., None, :] - memory_threshold)
    )


def unilateral_forcings(gate_ij, propensity_i, decay_i):
    """(up, down) forcings of unilateral sanctions s_ij, per year.

    Parameters
    ----------
    gate_ij : array_like
        (..., I, N) trigger (:func:`gate`).
    propensity_i, decay_i : array_like
        (..., I) rise and decay rates of each sender, per year.
    """
    return propensity_i[..., None] * gate_ij, decay_i[..., None] * (1.0 - gate_ij)


def unilateral_step(sanction, up, down, offset_up, offset_down, dt):
    """Exact bounded update of unilateral sanctions, with the structural offsets added.

    Parameters
    ----------
    sanction : array_like
        (..., I, N) sanctions at t.
    up, down : array_like
        (..., I, N) forcings (:func:`unilateral_forcings`), per year.
    offset_up, offset_down : array_like
        (..., I, N) offsets fixed at the start so that existing sanctions are an
        equilibrium, per year.
    dt : float
        Step length, years.
    """
    return relax_unit(sanction, up + offset_up, down + offset_down, dt)


def vetoes(relation_vt, relation_to_sponsors_v, threshold_v, holders):
    """Boolean (..., N): which holders veto a measure on the target.

    Holder v vetoes when its attitude to the target exceeds its attitude to the
    sponsors by more than its veto threshold.

    Parameters
    ----------
    relation_vt : array_like
        (..., N) attitude of each actor toward the target.
    relation_to_sponsors_v : array_like
        (..., N) mean attitude of each actor toward the sponsors
        (:func:`relation_to_sponsors`).
    threshold_v : array_like
        (..., N) veto thresholds.
    holders : ndarray
        (N,) bool, the veto holders.
    """
    xp = namespace(relation_vt, relation_to_sponsors_v, threshold_v)
    return xp.asarray(np.asarray(holders, dtype=bool)) & (
        relation_vt - relation_to_sponsors_v > threshold_v
    )


def abstentions(relation_vt, relation_to_sponsors_v, threshold_v, margin, holders):
    """Boolean (..., N): which holders abstain rather than assent or veto.

    Holder v abstains when its attitude gap to the target lies within ``margin``
    below its veto threshold: too friendly to the target to vote for the measure,
    not friendly enough to block it (China on the Panel of Experts, 28 Mar 2024).

    Parameters
    ----------
    relation_vt : array_like
        (..., N) attitude of each actor toward the target.
    relation_to_sponsors_v : array_like
        (..., N) mean attitude of each actor toward the sponsors.
    threshold_v : array_like
        (..., N) veto thresholds.
    margin : array_like
        Width of the abstention band below the threshold (relation units), per run.
    holders : ndarray
        (N,) bool, the veto holders.
    """
    xp = namespace(relation_vt, relation_to_sponsors_v, threshold_v, margin)
    gap = relation_vt - relation_to_sponsors_v
    holders = xp.asarray(np.asarray(holders, dtype=bool))  # the structure, from the host
    return holders & (gap <= threshold_v) & (gap > threshold_v - margin)


def relation_to_sponsors(relation, sponsors_mask):
    """Mean attitude of each actor toward the sponsors other than itself, (..., N).

    Parameters
    ----------
    relation : array_like
        (..., N, N) attitudes.
    sponsors_mask : ndarray
        (N,) bool, the sanctioning coalition.
    """
    xp = namespace(relation)
    w = np.asarray(sponsors_mask).astype(float)  # the structure, on the host
    count = w.sum() - w  # (N,): leave the actor itself out
    return sum_last(relation * xp.asarray(w)) / xp.asarray(np.where(count > 0, count, 1.0))
