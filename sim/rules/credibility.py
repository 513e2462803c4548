"""Credibility of extended deterrence and hedging (Snyder 1984).

credibility_ki = sigmoid(c0 + c1 alliance_ki + c2 presence_k - c3 vulnerability_k
- c4 M_i): a committed, present patron is believed; a patron that is itself
exposed (abandonment fear) or a client that provokes (entrapment fear) is not.
vulnerability_k is the patron's bare insecurity, threat against its own strength
without cover, which avoids a circular dependence on cover.  Hedging is the
insecurity of a client in excess of the alliance-weighted credibility of its
patrons (e.g. South Korean debate on nuclear latency).
"""

from __future__ import annotations

from .common import namespace, sigmoid, sum_second_last


def credibility(
    alliance,
    presence_k,
    vulnerability_k,
    provocation_memory_i,
    base,
    w_alliance,
    w_presence,
    w_vulnerability,
    w_provocation,
):
    """(..., N, N) credibility[k, i] of patron k's commitment to client i, in (0, 1).

    Parameters
    ----------
    alliance : array_like
        (..., N, N) commitments [patron k, client i].
    presence_k : array_like
        (..., N) presence of each patron in the region.
    vulnerability_k : array_like
        (..., N) each patron's bare insecurity (without cover).
    provocation_memory_i : array_like
        (..., N) each client's provocation memory.
    base, w_alliance, w_presence, w_vulnerability, w_provocation : array_like
        c0..c4 of the logit, broadcastable to (..., N, N).
    """
    logit = (
        base
        + w_alliance * alliance
        + w_presence * presence_k[..., :, None]
        - w_vulnerability * vulnerability_k[..., :, None]
        - w_provocation * provocation_memory_i[..., None, :]
    )
    return sigmoid(logit)


def hedging(insecurity_i, credibility, alliance):
    """max(0, insecurity - alliance-weighted credibility of patrons); 0 without allies.

    Parameters
    ----------
    insecurity_i : array_like
        (..., N) insecurity of each client.
    credibility, alliance : array_like
        (..., N, N) [patron k, client i].
    """
    xp = namespace(insecurity_i, credibility, alliance)
    weight = sum_second_last(alliance)
    cred = sum_second_last(credibility * alliance) / xp.where(weight > 0, weight, 1.0)
    return xp.where(weight > 0, xp.maximum(0.0, insecurity_i - cred), 0.0)
