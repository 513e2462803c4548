"""Measures of the regional balance: pure functions of the state arrays.

- **balance** in [-1, 1]: each actor's affinity to pole X is the power-weighted mean,
  over the pole's other members, of mean mutual relation plus the stronger alliance
  tie; alignment with X is a softmax against a neutral option,
  e^(b u_iX) / (1 + e^(b u_iA) + e^(b u_iB)) (a member of a one-state pole aligns 1
  with it); S_X = sum_i regional_power_i a_iX and balance = (S_b - S_a)/(S_a + S_b),
  split into core (pole members) and swing (the rest).  NaN if the sum vanishes.
- **tension**: sum over ordered pairs of w_ij hostility_ij / sum w_ij with
  w_ij = sqrt(P_i P_j) proximity_ij and hostility from actual (not perceived) intent.
- **conflict risk**: yearly probability of a militarised dispute per unordered dyad,
  a logistic model in the spirit of Bremer (1992) and Oneal & Russett (1997):
  hostility, parity times the weaker side's dissatisfaction (Organski & Kugler 1980),
  proximity, alliance, mutual nuclear deterrence, trade interdependence.  Reported
  per year so that it does not depend on the step length; the chance within a step
  is 1 - (1 - p)^dt.
- **influence**: others' goodwill and dependence, weighted by their power.
"""

from __future__ import annotations

import numpy as np

from .registry import REDUCERS
from .rules.common import (
    off_diagonal,
    prod_last,
    sigmoid,
    softplus,
    sum_last,
    sum_last_two,
    sum_second_last,
)


def alignment(relation, alliance, power, in_a, in_b, sharpness):
    """Alignment (a_A, a_B) of each actor with the two poles, each (..., N).

    Affinity to pole X is the power-weighted mean, over the pole's other members, of
    mean mutual relation plus the stronger alliance tie; alignment is a softmax against
    a neutral option, e^(b u_iX) / (1 + e^(b u_iA) + e^(b u_iB)).

    Parameters
    ----------
    relation, alliance : array_like
        (..., N, N) attitudes and commitments.
    power : array_like
        (..., N) composite power (weights of the pole's members).
    in_a, in_b : ndarray
        (N,) bool, the members of poles a and b.
    sharpness : array_like
        b, broadcastable to (..., N).
    """
    n = relation.shape[-1]
    mutual = 0.5 * (relation + np.swapaxes(relation, -1, -2))
    tie = np.maximum(alliance, np.swapaxes(alliance, -1, -2))
    score = mutual + tie  # (..., i, k)
    others = off_diagonal(n)
    out = []
    affinity = {}
    for pole in (in_a, in_b):
        w = power[..., None, :] * (pole[None, :] & others)  # (..., i, k)
        total = sum_last(w)
        affinity[id(pole)] = sum_last(score * w) / np.where(total > 0, total, 1.0)
        affinity[(id(pole), "empty")] = total <= 0
    ua, ub = affinity[id(in_a)], affinity[id(in_b)]
    ea, eb = np.exp(sharpness * ua), np.exp(sharpness * ub)
    denom = 1.0 + ea + eb
    for pole, other, e in ((in_a, in_b, ea), (in_b, in_a, eb)):
        a = e / denom
        # a member of a one-state pole aligns fully with it
        alone = pole & affinity[(id(pole), "empty")]
        a = np.where(alone, 1.0, a)
        other_alone = other & affinity[(id(other), "empty")]
        a = np.where(other_alone, 0.0, a)
        out.append(a)
    return out[0], out[1]


def balance(regional_power, align_a, align_b, members):
    """(S_b - S_a) / (S_a + S_b) over the actors selected by ``members`` (NaN if empty).

    Parameters
    ----------
    regional_power : array_like
        (..., N) regional power.
    align_a, align_b : array_like
        (..., N) alignments (:func:`alignment`).
    members : ndarray
        (N,) bool: whom to count (all, the poles' members, or the others).
    """
    sa = sum_last(regional_power * align_a * members)
    sb = sum_last(regional_power * align_b * members)
    total = sa + sb
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (sb - sa) / np.where(total > 0, total, 1.0), np.nan)


def true_hostility(relation, sharpness):
    """hostility[..., i, j] = softplus_k(-r_ji): j's actual intent toward i.

    Parameters
    ----------
    relation : array_like
        (..., N, N) attitudes.
    sharpness : array_like
        softplus sharpness, broadcastable to (..., N, N).
    """
    return softplus(-np.swapaxes(relation, -1, -2), sharpness)


def tension(power, proximity, hostility_matrix):
    """Power- and proximity-weighted mean hostility over ordered pairs, (...).

    Parameters
    ----------
    power : array_like
        (..., N) composite power.
    proximity : array_like
        (..., N, N) proximity.
    hostility_matrix : array_like
        (..., N, N) actual hostility (:func:`true_hostility`).
    """
    n = proximity.shape[-1]
    w = np.sqrt(power[..., :, None] * power[..., None, :]) * proximity * off_diagonal(n)
    total = sum_last_two(w)
    return sum_last_two(w * hostility_matrix) / np.where(total > 0, total, 1.0)


def conflict_risk(
    relation,
    alliance,
    proximity,
    power,
    warheads,
    dependence,
    hostility_matrix,
    warhead_half,
    base,
    w_hostility,
    w_parity,
    w_proximity,
    w_alliance,
    w_nuclear,
    w_interdependence,
):
    """(..., N, N) symmetric yearly probability of a militarised dispute.

    Logit of hostility, parity times the weaker side's dissatisfaction (Organski &
    Kugler 1980), proximity, alliance, mutual nuclear deterrence and trade
    interdependence (Bremer 1992; Oneal & Russett 1997).

    Parameters
    ----------
    relation, alliance, proximity : array_like
        (..., N, N) attitudes, commitments and proximity.
    power : array_like
        (..., N) composite power.
    warheads : array_like
        (..., N) nuclear warheads.
    dependence : array_like
        (..., N, N) trade dependence.
    hostility_matrix : array_like
        (..., N, N) actual hostility.
    warhead_half : array_like
        Warheads at half the deterrent effect.
    base, w_hostility, w_parity, w_proximity, w_alliance, w_nuclear, w_interdependence : array_like
        The logit's constant and weights, per run (...,).
    """
    mutual_host = 0.5 * (hostility_matrix + np.swapaxes(hostility_matrix, -1, -2))
    p_i = power[..., :, None]
    p_j = power[..., None, :]
    parity = np.minimum(p_i, p_j) / np.maximum(np.maximum(p_i, p_j), 1e-12)
    weaker_is_i = p_i <= p_j
    r_weak = np.where(weaker_is_i, relation, np.swapaxes(relation, -1, -2))
    dissatisfaction = (1.0 - r_weak) / 2.0
    nuc = warheads / (warheads + warhead_half)
    deterrence = nuc[..., :, None] * nuc[..., None, :]
    tie = np.maximum(alliance, np.swapaxes(alliance, -1, -2))
    interdep = dependence + np.swapaxes(dependence, -1, -2)
    logit = (
        base[..., None, None]
        + w_hostility[..., None, None] * mutual_host
        + w_parity[..., None, None] * parity * dissatisfaction
        + w_proximity[..., None, None] * proximity
        - w_alliance[..., None, None] * tie
        - w_nuclear[..., None, None] * deterrence
        - w_interdependence[..., None, None] * interdep
    )
    n = relation.shape[-1]
    return sigmoid(logit) * off_diagonal(n)


def any_dispute(risk, pairs):
    """1 - prod over the key dyads of (1 - p): probability of at least one dispute, (...).

    Parameters
    ----------
    risk : array_like
        (..., N, N) yearly dispute probabilities.
    pairs : list of (int, int)
        The key dyads.
    """
    if not pairs:
        return np.zeros(risk.shape[:-2])
    i = np.array([p[0] for p in pairs])
    j = np.array([p[1] for p in pairs])
    return 1.0 - prod_last(1.0 - risk[..., i, j])


def influence(relation, dependence, power, weight, proximity):
    """influence_i = sum_j P_j prox_ji [w max(0, r_ji) + (1 - w) dep_ji] / sum_j P_j prox_ji.

    Others are weighted by their power and their proximity, so that a distant actor
    with no ties does not change anyone's influence.

    Parameters
    ----------
    relation : array_like
        (..., N, N) attitudes.
    dependence : array_like
        (..., N, N) trade dependence.
    power : array_like
        (..., N) composite power.
    weight : array_like
        w, share of goodwill in influence, per run (...,).
    proximity : array_like
        (..., N, N) proximity.
    """
    n = relation.shape[-1]
    others = off_diagonal(n)
    goodwill = np.maximum(0.0, relation)  # [j, i] read as j's attitude to i below
    term = weight[..., None, None] * goodwill + (1.0 - weight[..., None, None]) * dependence
    w = power[..., :, None] * proximity * others  # weight of j (rows) for each i (columns)
    total = sum_second_last(w)
    return sum_second_last(term * w) / np.where(total > 0, total, 1.0)


def reduce(values, reducer: str | None, dt: float):
    """Reduce trajectories (..., T) to one value each: the measure syntax's ``:reducer``.

    ``last`` (default), ``mean``, ``max``, ``min`` ignore NaN; ``growth`` is the
    compound annual growth rate (x_T / x_0)^(1 / years) - 1, NaN unless both ends are
    positive.

    Parameters
    ----------
    values : array_like
        (..., T) trajectories over T = steps + 1 dates.
    reducer : str or None
        One of :data:`sim.registry.REDUCERS` (None: ``last``).
    dt : float
        Step length, years.

    Raises
    ------
    ValueError : an unknown reducer.
    """
    x = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        if reducer in (None, "last"):
            return x[..., -1]
        if reducer == "mean":
            return np.nanmean(x, axis=-1)
        if reducer == "max":
            return np.nanmax(x, axis=-1)
        if reducer == "min":
            return np.nanmin(x, axis=-1)
        if reducer == "growth":
            years = (x.shape[-1] - 1) * dt
            first, last = x[..., 0], x[..., -1]
            ok = (first > 0) & (last > 0)
            ratio = np.where(ok, last / np.where(ok, first, 1.0), np.nan)
            return ratio ** (1.0 / years) - 1.0
    raise ValueError(f"unknown reducer {reducer!r}; use one of {', '.join(REDUCERS)}")
