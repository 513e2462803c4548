"""Perceived threat from capability that can reach, allied cover, and insecurity.

Balance of threat (Walt 1985, 1987): a state is threatened by the others' power, in
proportion to how much of it can reach the state, how offensive it is and how hostile
their intent appears.  Here threat is built from *military* capability, not from
economic or demographic weight:

- **reach** of j onto i (power-share units) is conventional plus nuclear.  The
  conventional part is j's share of world military capability, times its presence in
  the region, times the proximity of the pair: Boulding's (1962) loss-of-strength
  gradient, strength falling off with distance and with forces committed elsewhere.
  The nuclear part is nu W_j/(W_j + W_half) times the delivery j can bring on i,
  q_j p_ji / (q_j p_ji + q_half), with q_j j's delivery-means stock (missiles,
  bombers, submarines) as a share of world military capability: an arsenal threatens
  only where it can be delivered.  A patron's technology raises the client's delivery
  stock (:mod:`.arms`).
- **hostility** h_ij = max(0, -r~_ji)^p is j's intent toward i *as i perceives it*,
  r~_ji = tanh(atanh(r_ji) - bias_i) (Jervis 1976), not i's own attitude, which would
  feed on itself: zero for a neutral or friendly j, growing smoothly (p > 1) with
  hostile intent.
- the **threat** to i from j is T_ij = m_ij h_ij reach_ji (1 + phi M_j), with m_ij a
  persistent mean-one misperception and M_j j's recent provocations (demonstrated
  capability and intent).
- **strength** S_i is i's own regional military capability and its own deliverable
  deterrent; **cover** C_i is the credible reach of i's allies toward i, each ally's
  shared among its clients (Snyder 1984).
- **insecurity** is a contest ratio (Hirshleifer 1989), invariant to rescaling all
  powers: ins_i = X^a / (X^a + (S_i + s C_i)^a) with X = T_i + b S_i.  The background
  threat b S_i keeps insecurity away from 0 where no one is hostile.  Allied forces
  are imperfect substitutes for one's own (s < 1), which bounds free-riding on
  allies (Olson & Zeckhauser 1966): see ``docs/model.md``.
"""

from __future__ import annotations

from .common import (
    namespace,
    off_diagonal_weights,
    perceived_attitude,
    power,
    sum_last,
    sum_second_last,
)


def military_share(capability, world_capability):
    """Share of world military capability, K / K_ref, (..., N).

    Parameters
    ----------
    capability : array_like
        (..., N) capability stocks K, USD bn.
    world_capability : array_like
        K_ref, the world's capability stock (USD bn), broadcastable to (..., N).
    """
    return capability / world_capability


def delivery(delivery_share, proximity, half):
    """dl[..., j, i]: the share of j's deliverable force that reaches i, in [0, 1).

    dl = q_j p_ji / (q_j p_ji + q_half): more delivery means reach farther targets;
    a far target (p -> 0) is out of reach.

    Parameters
    ----------
    delivery_share : array_like
        (..., N) q_j, each actor's delivery-means stock as a share of world military
        capability.
    proximity : array_like
        (..., N, N) proximity [j, i].
    half : array_like
        q_half, the stock (share of world capability) that reaches a neighbour with
        probability one half, broadcastable to (..., N, N).
    """
    reach = delivery_share[..., :, None] * proximity
    return reach / (reach + half)


def nuclear_weight(warheads, half):
    """The bounded size of an arsenal, W / (W + W_half), in [0, 1), (..., N).

    Parameters
    ----------
    warheads : array_like
        (..., N) nuclear warheads W.
    half : array_like
        W_half, warheads at half the maximal weight, broadcastable to (..., N).
    """
    return warheads / (warheads + half)


def reach(military, presence, proximity, nuclear, delivery_matrix, weight):
    """reach[..., j, i]: the capability of j that can reach i, in power-share units.

    Conventional (military share x presence x proximity) plus nuclear (nu x arsenal
    weight x delivery); zero on the diagonal.

    Parameters
    ----------
    military : array_like
        (..., N) shares of world military capability (:func:`military_share`).
    presence : array_like
        (..., N) presence in the region, in [0, 1].
    proximity : array_like
        (..., N, N) proximity [j, i].
    nuclear : array_like
        (..., N) arsenal weights (:func:`nuclear_weight`).
    delivery_matrix : array_like
        (..., N, N) delivery [j, i] (:func:`delivery`).
    weight : array_like
        nu, the military-share equivalent of a large deliverable arsenal,
        broadcastable to (..., N, N).
    """
    conventional = (military * presence)[..., :, None] * proximity
    atomic = weight * nuclear[..., :, None] * delivery_matrix
    return (conventional + atomic) * off_diagonal_weights(proximity.shape[-1], like=proximity)


def strength(military, presence, nuclear, delivery_share, weight, half):
    """S_i: an actor's own regional military strength and deliverable deterrent, (..., N).

    S_i = m_i presence_i + nu x arsenal weight x q_i / (q_i + q_half): its forces in the
    region and the deterrent it can deliver around itself (proximity 1).

    Parameters
    ----------
    military : array_like
        (..., N) shares of world military capability.
    presence : array_like
        (..., N) presence in the region.
    nuclear : array_like
        (..., N) arsenal weights (:func:`nuclear_weight`).
    delivery_share : array_like
        (..., N) delivery-means stocks, shares of world capability.
    weight : array_like
        nu, broadcastable to (..., N).
    half : array_like
        q_half, broadcastable to (..., N).
    """
    own_delivery = delivery_share / (delivery_share + half)
    return military * presence + weight * nuclear * own_delivery


def hostility(relation, bias, exponent):
    """hostility[..., i, j] = max(0, -tanh(atanh(relation[..., j, i]) - bias_i))^p.

    Zero at neutral or friendly perceived intent, growing smoothly with hostile intent
    (once differentiable at zero for p > 1).

    Parameters
    ----------
    relation : array_like
        (..., N, N) attitudes, relation[i, j] of i toward j.
    bias : array_like
        (..., N) suspicion of each perceiver i (atanh units).
    exponent : array_like
        p >= 1, broadcastable to (..., N, N).
    """
    xp = namespace(relation, bias, exponent)
    perceived = perceived_attitude(relation.mT, bias[..., :, None])
    return power(xp.maximum(0.0, -perceived), exponent)


def threat_matrix(hostility_matrix, reach_matrix, misperception, provocation_memory, weight):
    """T[..., i, j]: threat to i from j, in power-share units (diagonal zero).

    T_ij = m_ij h_ij reach_ji (1 + phi M_j).

    Parameters
    ----------
    hostility_matrix : array_like
        (..., N, N) perceived hostility [i, j] (:func:`hostility`).
    reach_matrix : array_like
        (..., N, N) reach [j, i] (:func:`reach`).
    misperception : array_like
        (..., N, N) mean-one misperception factors [i, j].
    provocation_memory : array_like
        (..., N) M_j, recent provocations of each actor.
    weight : array_like
        phi, the threat added per unit of provocation memory, broadcastable to (..., N).
    """
    demonstrated = 1.0 + weight * provocation_memory
    return misperception * hostility_matrix * reach_matrix.mT * demonstrated[..., None, :]


def cover(credibility, alliance, reach_matrix):
    """C_i = sum_k cred[k, i] alliance[k, i] reach[k, i] / max(1, sum_m alliance[k, m]).

    The credible reach of i's allies toward i, each ally's shared among its clients.

    Parameters
    ----------
    credibility, alliance : array_like
        (..., N, N) indexed [patron k, client i].
    reach_matrix : array_like
        (..., N, N) reach [k, i] (:func:`reach`).
    """
    clients = namespace(alliance).maximum(1.0, sum_last(alliance))  # (..., K)
    share = credibility * alliance * reach_matrix / clients[..., :, None]
    return sum_second_last(share)


def insecurity(threat_total, own_strength, cover_total, background, substitution, exponent):
    """Contest ratio X^a / (X^a + (S + s C)^a) in (0, 1), X = T + b S.

    Parameters
    ----------
    threat_total : array_like
        (..., N) total threat T_i.
    own_strength : array_like
        (..., N) own strength S_i (:func:`strength`).
    cover_total : array_like
        (..., N) allied cover C_i (0 for the bare insecurity).
    background : array_like
        b, background threat as a share of own strength.
    substitution : array_like
        s in [0, 1], how far allied cover substitutes for own strength.
    exponent : array_like
        The contest exponent a.
    """
    xp = namespace(threat_total, own_strength, cover_total, background, substitution)
    pressure = power(threat_total + background * own_strength, exponent)
    defence = power(own_strength + substitution * cover_total, exponent)
    total = pressure + defence
    return xp.where(total > 0, pressure / xp.where(total > 0, total, 1.0), 0.0)


def deterrence(reach_matrix, own_strength, cover_total):
    """balance[..., d, c]: defender d's deterrence against challenger c, in (-1, 1).

    (S_d + C_d - reach_cd) / (S_d + C_d + reach_cd): the defender's own strength and its
    allies' credible cover against what the challenger can bring on it, nuclear
    included (Huth 1988 on extended deterrence).  +1 is secure deterrence, -1 a
    defender at the challenger's mercy; 0 on the diagonal.

    Parameters
    ----------
    reach_matrix : array_like
        (..., N, N) reach [c, d].
    own_strength : array_like
        (..., N) own strength of each defender.
    cover_total : array_like
        (..., N) allied cover of each defender.
    """
    xp = namespace(reach_matrix, own_strength, cover_total)
    defence = (own_strength + cover_total)[..., :, None]
    attack = reach_matrix.mT
    total = defence + attack
    balance = (defence - attack) / xp.where(total > 0, total, 1.0)
    return balance * off_diagonal_weights(reach_matrix.shape[-1], like=reach_matrix)
