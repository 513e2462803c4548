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
  hostility, the challenge a weak deterrence balance invites (Huth 1988: the
  defender's strength and allies' credible cover against the challenger's reach),
  proximity, alliance, mutual nuclear deterrence, trade interdependence.
- **reach** and **deterrence**: the capability an actor can bring to bear on its
  region, and the deterrence balance of each defender against each challenger.
- **landscape**: emergent blocs by landscape theory (Axelrod & Bennett 1993), the
  minimum-frustration two-bloc partition, its frustration, the gap to the next best
  and polarisation.  Reported
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
    sum_last,
    sum_last_two,
    sum_second_last,
)
from .rules.common import (
    power as elementwise_power,
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


def true_hostility(relation, exponent):
    """hostility[..., i, j] = max(0, -r_ji)^p: j's actual intent toward i.

    Parameters
    ----------
    relation : array_like
        (..., N, N) attitudes.
    exponent : array_like
        p >= 1, broadcastable to (..., N, N) (``model.hostility_exponent``).
    """
    return elementwise_power(np.maximum(0.0, -np.swapaxes(relation, -1, -2)), exponent)


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
    deterrence_balance,
    warheads,
    dependence,
    hostility_matrix,
    warhead_half,
    base,
    w_hostility,
    w_deterrence,
    w_proximity,
    w_alliance,
    w_nuclear,
    w_interdependence,
):
    """(..., N, N) symmetric yearly probability of a militarised dispute.

    A logit of mutual hostility, the challenge term, proximity, the pair's own
    alliance, mutual nuclear deterrence and trade interdependence (Bremer 1992; Oneal &
    Russett 1997).  The challenge term is extended deterrence (Huth & Russett 1984;
    Huth 1988): for each direction, the challenger's odds against the defender with its
    allies' credible cover, (1 - balance_dc) / 2, times the challenger's hostility to
    the defender; averaged over the two directions.  A stronger or better-covered
    defender deters: deeper commitments to a protege lower the risk of a clash with it.

    Parameters
    ----------
    relation, alliance, proximity : array_like
        (..., N, N) attitudes, commitments and proximity.
    deterrence_balance : array_like
        (..., N, N) balance [defender d, challenger c] in (-1, 1)
        (:func:`sim.rules.threat.deterrence`).
    warheads : array_like
        (..., N) nuclear warheads.
    dependence : array_like
        (..., N, N) trade dependence.
    hostility_matrix : array_like
        (..., N, N) actual hostility [d, c]: c's intent toward d.
    warhead_half : array_like
        Warheads at half the deterrent effect.
    base, w_hostility, w_deterrence, w_proximity, w_alliance, w_nuclear, w_interdependence : array_like
        The logit's constant and weights, per run (...,).
    """
    mutual_host = 0.5 * (hostility_matrix + np.swapaxes(hostility_matrix, -1, -2))
    odds = 0.5 * (1.0 - deterrence_balance)  # [d, c]: the challenger's odds
    directed = hostility_matrix * odds
    challenge = 0.5 * (directed + np.swapaxes(directed, -1, -2))
    nuc = warheads / (warheads + warhead_half)
    mutual_nuclear = nuc[..., :, None] * nuc[..., None, :]
    tie = np.maximum(alliance, np.swapaxes(alliance, -1, -2))
    interdep = dependence + np.swapaxes(dependence, -1, -2)
    logit = (
        base[..., None, None]
        + w_hostility[..., None, None] * mutual_host
        + w_deterrence[..., None, None] * challenge
        + w_proximity[..., None, None] * proximity
        - w_alliance[..., None, None] * tie
        - w_nuclear[..., None, None] * mutual_nuclear
        - w_interdependence[..., None, None] * interdep
    )
    n = relation.shape[-1]
    return sigmoid(logit) * off_diagonal(n)


def regional_reach(reach, proximity):
    """reach_i: the capability of i that can reach its region, (..., N), power-share units.

    The proximity-weighted mean over the others of reach[i, j]: conventional forces and
    deliverable arsenals, falling off with distance (Boulding 1962).

    Parameters
    ----------
    reach : array_like
        (..., N, N) reach [i, j] (:func:`sim.rules.threat.reach`).
    proximity : array_like
        (..., N, N) proximity.
    """
    weight = sum_last(proximity)
    return sum_last(reach * proximity) / np.where(weight > 0, weight, 1.0)


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


def leakage(unrecorded, recorded, blocked):
    """U / (R + U + B): the share of a target's trade that passes unrecorded, in [0, 1].

    R and U are the recorded and unrecorded flows as they stand (they relax toward
    their targets), B the trade enforcement blocks now.  The denominator is the
    trade there would be without enforcement, measured from the same flows, so the
    share is bounded by construction; dividing the lagging U by the current
    potential is not (it exceeded 1 when the potential fell faster than the flows).
    0 where the three vanish.

    Parameters
    ----------
    unrecorded, recorded, blocked : array_like
        (..., N) two-way trade of each actor, USD bn per year (each >= 0).
    """
    total = recorded + unrecorded + blocked
    return np.where(total > 0, unrecorded / np.where(total > 0, total, 1.0), 0.0)


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
            return elementwise_power(ratio, 1.0 / years) - 1.0
    raise ValueError(f"unknown reducer {reducer!r}; use one of {', '.join(REDUCERS)}")


# --------------------------------------------------------------------------- landscape

EXHAUSTIVE_MAX = 14
"""Largest cast whose two-bloc configurations are all searched (2^13 = 8,192 of them)."""

LOCAL_SEARCH_SWEEPS = 50
"""Most single-actor improving sweeps of the local search used above that size."""


def propensity(relation, alliance, shared, threat_weight):
    """p[..., i, j]: the propensity of i and j to be in the same bloc, symmetric.

    The mean mutual attitude, the stronger alliance tie and shared threat (Axelrod &
    Bennett 1993: propensities from history, alliances and common enemies).

    Parameters
    ----------
    relation, alliance : array_like
        (..., N, N) attitudes and commitments.
    shared : array_like
        (..., N, N) shared threat (:func:`sim.rules.relations.shared_threat`).
    threat_weight : array_like
        Weight of shared threat, broadcastable to (..., N, N).
    """
    mutual = 0.5 * (relation + np.swapaxes(relation, -1, -2))
    tie = np.maximum(alliance, np.swapaxes(alliance, -1, -2))
    common = 0.5 * (shared + np.swapaxes(shared, -1, -2))
    return (mutual + tie + threat_weight * common) * off_diagonal(relation.shape[-1])


def configurations(n: int) -> np.ndarray:
    """Every two-bloc configuration of n actors, actor 0 in bloc 0: (2^(n-1), n) bool.

    Parameters
    ----------
    n : int
        N, the number of actors (at most :data:`EXHAUSTIVE_MAX` in practice).
    """
    codes = np.arange(2 ** max(n - 1, 0))[:, None]
    bits = (codes >> np.arange(max(n - 1, 0))[None, :]) & 1
    return np.concatenate([np.zeros((len(codes), 1), dtype=bool), bits.astype(bool)], axis=1)


def _frustrations(sizes, prop, apart):
    """Frustration of each configuration: (..., P) for apart (P, N) bool."""
    n = prop.shape[-1]
    i, j = np.triu_indices(n, 1)
    w = sizes[..., i] * sizes[..., j]  # (..., pairs)
    p = prop[..., i, j]
    friends = w * np.maximum(p, 0.0)  # frustrated when apart
    foes = w * np.maximum(-p, 0.0)  # frustrated when together
    norm = sum_last(friends + foes)
    d = (apart[:, i] != apart[:, j]).astype(float)  # (P, pairs)
    energy = np.zeros(sizes.shape[:-1] + (apart.shape[0],), order="F")
    for k in range(len(i)):  # term by term: a block sums as each run alone
        energy += foes[..., k, None] + (friends[..., k, None] - foes[..., k, None]) * d[:, k]
    return energy / np.where(norm > 0, norm, 1.0)[..., None], norm


def frustration(sizes, prop, apart):
    """The frustration of one configuration per run, in [0, 1], (...).

    The size-weighted propensity of the pairs the configuration frustrates (friends,
    p > 0, in different blocs; foes, p < 0, in the same one) over the size-weighted
    total |p| (Axelrod & Bennett 1993, eq. 2, normalised).

    Parameters
    ----------
    sizes : array_like
        (..., N) sizes.
    prop : array_like
        (..., N, N) propensities, symmetric.
    apart : ndarray
        (..., N) bool bloc of each actor.
    """
    return _frustration_of(_pair_terms(sizes, prop), apart)


def _pair_terms(sizes, prop):
    """What :func:`frustration` needs of sizes and propensities, computed once.

    ``(i, j, foes, friends - foes, norm)`` over the pairs ``i < j``: a local search
    tries many configurations against the same sizes and propensities.
    """
    n = prop.shape[-1]
    i, j = np.triu_indices(n, 1)
    w = sizes[..., i] * sizes[..., j]
    p = prop[..., i, j]
    friends = w * np.maximum(p, 0.0)
    foes = w * np.maximum(-p, 0.0)
    norm = sum_last(friends + foes)
    return i, j, foes, friends - foes, np.where(norm > 0, norm, 1.0)


def _frustration_of(terms, apart):
    """:func:`frustration` of ``apart`` from its :func:`_pair_terms`."""
    i, j, foes, swing, norm = terms
    d = (apart[..., i] != apart[..., j]).astype(float)
    return sum_last(foes + swing * d) / norm


def _local_search(sizes, prop, start):
    """Single-actor flips from ``start`` (..., N) bool while any lowers the frustration."""
    terms = _pair_terms(sizes, prop)
    best = start.copy()
    value = _frustration_of(terms, best)
    n = prop.shape[-1]
    for _ in range(LOCAL_SEARCH_SWEEPS):
        improved = np.zeros(value.shape, dtype=bool)
        for a in range(1, n):  # actor 0 stays in bloc 0
            trial = best.copy()
            trial[..., a] = ~trial[..., a]
            v = _frustration_of(terms, trial)
            better = v < value - 1e-15
            best = np.where(better[..., None], trial, best)
            value = np.where(better, v, value)
            improved |= better
        if not improved.any():
            break
    return best, value


def landscape(sizes, prop, start):
    """The minimum-frustration partition into two blocs (Axelrod & Bennett 1993).

    The frustration of a configuration is the size-weighted propensity of the pairs
    it frustrates (friends apart, foes together) over the total, in [0, 1]; its
    minimum is the configuration the region tends to.  Up to :data:`EXHAUSTIVE_MAX`
    actors every configuration is searched; above, a heuristic: local searches of
    single-actor flips from two starts, ``start`` and the signs of the leading
    eigenvector of the size-weighted propensities (spectral partitioning of a signed
    graph, Kunegis et al. 2010), keeping the better.  It finds a local minimum (no single
    flip improves it), and the next-best configuration it reports is its best single
    flip.

    Parameters
    ----------
    sizes : array_like
        (..., N) sizes of the actors (regional power).
    prop : array_like
        (..., N, N) propensities (:func:`propensity`).
    start : ndarray
        (N,) bool: the starting configuration of the local search (e.g. the poles).

    Returns
    -------
    (apart, frustration, gap, polarisation): ``apart`` (..., N) bool, the bloc of each
    actor with actor 0 in bloc False; the minimum frustration; the gap to the
    next-best configuration (in frustration units; near 0: another alignment is as
    good); and the polarisation of the best one (:func:`polarisation`).
    """
    n = prop.shape[-1]
    if n <= EXHAUSTIVE_MAX:
        apart_all = configurations(n)
        energy, _ = _frustrations(sizes, prop, apart_all)
        order = np.argsort(energy, axis=-1, kind="stable")
        best_index = order[..., 0]
        apart = apart_all[best_index]
        least = np.take_along_axis(energy, best_index[..., None], axis=-1)[..., 0]
        second = (
            np.take_along_axis(energy, order[..., 1:2], axis=-1)[..., 0]
            if energy.shape[-1] > 1
            else least
        )
    else:
        poles = np.broadcast_to(start != start[0], sizes.shape).copy()
        w = sizes[..., :, None] * sizes[..., None, :] * prop
        vector = np.linalg.eigh(w)[1][..., -1]  # the leading eigenvector's signs
        spectral = (vector < 0) != (vector[..., :1] < 0)
        apart, least = _local_search(sizes, prop, poles)
        other, value = _local_search(sizes, prop, spectral)
        better = value < least
        apart = np.where(better[..., None], other, apart)
        least = np.where(better, value, least)
        second = np.full(least.shape, np.inf)
        terms = _pair_terms(sizes, prop)
        for a in range(1, n):
            trial = apart.copy()
            trial[..., a] = ~trial[..., a]
            second = np.minimum(second, _frustration_of(terms, trial))
    return apart, least, second - least, polarisation(sizes, prop, apart)


def polarisation(sizes, prop, apart):
    """4 s_A s_B (1 - 2 frustration) of a two-bloc configuration, in [-1, 1], (...).

    s_A, s_B are the blocs' shares of size (4 s_A s_B is 1 for two equal blocs, 0 when
    one holds everything) and 1 - 2 frustration the cohesion: the size-weighted
    propensity the configuration satisfies (friends together, foes apart) minus what it
    frustrates, over the total.  1: two equal blocs, friendly within and hostile across.

    Parameters
    ----------
    sizes : array_like
        (..., N) sizes.
    prop : array_like
        (..., N, N) propensities.
    apart : ndarray
        (..., N) bool bloc of each actor.
    """
    n = prop.shape[-1]
    i, j = np.triu_indices(n, 1)
    w = sizes[..., i] * sizes[..., j] * prop[..., i, j]
    together = (apart[..., i] == apart[..., j]).astype(float)
    norm = sum_last(np.abs(w))
    cohesion = sum_last(w * (2.0 * together - 1.0)) / np.where(norm > 0, norm, 1.0)
    in_b = sum_last(sizes * apart)
    total = sum_last(sizes)
    share = in_b / np.where(total > 0, total, 1.0)
    return 4.0 * share * (1.0 - share) * cohesion
