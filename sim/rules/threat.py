"""Perceived threat, allied cover and insecurity (balance of threat, Walt 1985, 1987).

offence_j = 1 + omega W_j / (W_j + W_half) + phi M_j + chi A_j / K_j (nuclear arsenal,
recent provocations, absorbed foreign technology).  hostility_ij = softplus_k(-r~_ji)
is j's intent toward i *as i perceives it*: r~_ji = tanh(atanh(r_ji) - bias_i) (Jervis 1976),
not i's own attitude, which would feed on itself.  The perceived threat to i from j
is T_ij = m_ij hostility_ij proximity_ij offence_j regional_power_j, with m_ij a
persistent mean-one misperception.  Cover from allies uses each ally's commitment
shared among its clients; insecurity is a contest ratio (Hirshleifer 1989)
T^a / (T^a + (P + C)^a), invariant to rescaling all powers.
"""

from __future__ import annotations

import numpy as np

from .common import off_diagonal, perceived_attitude, softplus, sum_last, sum_second_last


def offence(
    warheads,
    provocation_memory,
    technology,
    capability,
    warhead_offence,
    warhead_half,
    provocation_offence,
    technology_offence,
):
    """Offensive-capability multiplier (>= 1) of each actor, (..., N).

    1 + omega W/(W + W_half) + phi M + chi A/K: nuclear arsenal, recent provocations and
    absorbed foreign technology.

    Parameters
    ----------
    warheads : array_like
        (..., N) nuclear warheads W.
    provocation_memory : array_like
        (..., N) provocation memory M.
    technology : array_like
        (..., N) absorbed technology A, USD bn.
    capability : array_like
        (..., N) capability stock K, USD bn.
    warhead_offence, warhead_half, provocation_offence, technology_offence : array_like
        omega, W_half (warheads), phi and chi, broadcastable to (..., N).
    """
    nuclear = warheads / (warheads + warhead_half)
    tech = technology / np.maximum(capability, 1e-9)
    return (
        1.0
        + warhead_offence * nuclear
        + provocation_offence * provocation_memory
        + (technology_offence * tech)
    )


def hostility(relation, bias, sharpness):
    """hostility[..., i, j] = softplus_k(-tanh(atanh(relation[..., j, i]) - bias_i)).

    j's intent toward i as i perceives it (Jervis 1976), not i's own attitude.

    Parameters
    ----------
    relation : array_like
        (..., N, N) attitudes, relation[i, j] of i toward j.
    bias : array_like
        (..., N) suspicion of each perceiver i.
    sharpness : array_like
        softplus sharpness kappa, broadcastable to (..., N, N).
    """
    perceived = perceived_attitude(np.swapaxes(relation, -1, -2), bias[..., :, None])
    return softplus(-perceived, sharpness)


def threat_matrix(hostility_matrix, proximity, offence_j, regional_power_j, misperception):
    """T[..., i, j]: threat to i from j, in power-share units (diagonal zero).

    T_ij = m_ij hostility_ij proximity_ij offence_j regional_power_j (Walt 1987).

    Parameters
    ----------
    hostility_matrix : array_like
        (..., N, N) perceived hostility (:func:`hostility`).
    proximity : array_like
        (..., N, N) proximity.
    offence_j : array_like
        (..., N) offence multipliers (:func:`offence`).
    regional_power_j : array_like
        (..., N) regional power.
    misperception : array_like
        (..., N, N) mean-one misperception factors.
    """
    n = proximity.shape[-1]
    mask = off_diagonal(n)
    t = misperception * hostility_matrix * proximity * (offence_j * regional_power_j)[..., None, :]
    return np.where(mask, t, 0.0)


def cover(credibility, alliance, regional_power_k):
    """Allied cover C_i = sum_k cred[k, i] alliance[k, i] RP_k / max(1, sum_m alliance[k, m]).

    Each patron's power is shared among its clients.

    Parameters
    ----------
    credibility, alliance : array_like
        (..., N, N) indexed [patron k, client i].
    regional_power_k : array_like
        (..., N) regional power of each patron.
    """
    clients = np.maximum(1.0, sum_last(alliance))  # (..., K)
    share = credibility * alliance * (regional_power_k / clients)[..., :, None]
    return sum_second_last(share)


def insecurity(threat_total, own_power, cover_total, exponent):
    """Contest ratio T^a / (T^a + (P + C)^a) in (0, 1) (Hirshleifer 1989).

    Invariant to rescaling all powers.

    Parameters
    ----------
    threat_total : array_like
        (..., N) total threat to each actor.
    own_power : array_like
        (..., N) regional power.
    cover_total : array_like
        (..., N) allied cover (0 for the bare insecurity).
    exponent : array_like
        The contest exponent a, broadcastable to (..., N).
    """
    t = np.power(np.maximum(threat_total, 0.0), exponent)
    d = np.power(own_power + cover_total, exponent)
    denom = t + d
    return np.where(denom > 0, t / np.where(denom > 0, denom, 1.0), 0.0)
