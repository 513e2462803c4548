"""Engagement (summits) and government turnover.

Summits between leaders (the 2018 Singapore and Hanoi meetings, the 2023 Vostochny
summit) arrive with a per-dyad hazard ``summit_rate`` (per year); each leaves a
summit memory that decays with the memory time constant and warms relations
(relations.forcings).  Government turnover (South Korea 2022 and 2025, the US
2025) is a scheduled event that switches doctrine values; an uncertain election is
an event with a probability, decided by a keyed draw.
"""

from __future__ import annotations

import numpy as np

from .common import (
    event_counts,
    memory_update,
    namespace,
    off_diagonal_weights,
    place_pairs,
    take_pairs,
)


def summits(summit_rate, dt, uniforms_upper):
    """Symmetric matrix of summit counts in the step, from keyed uniforms for i < j.

    Parameters
    ----------
    summit_rate : array_like
        (..., N, N) summit hazards per year; a pair's rate is the mean of its two.
    dt : float
        Step length, years.
    uniforms_upper : array_like
        (..., P) keyed uniforms for the pairs of :func:`upper_pairs`, in order.
    """
    xp = namespace(summit_rate, uniforms_upper)
    n = summit_rate.shape[-1]
    i, j = upper_pairs(n)
    rate = 0.5 * (take_pairs(summit_rate, i, j) + take_pairs(summit_rate, j, i))
    count = event_counts(rate, dt, uniforms_upper)  # (..., P)
    both = xp.concat([count, count], axis=-1)  # (i, j) and (j, i)
    return place_pairs(both, np.concatenate([i, j]), np.concatenate([j, i]), n)


def upper_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (i, j) of the unordered pairs i < j, row by row.

    Parameters
    ----------
    n : int
        N, the number of actors.
    """
    return np.triu_indices(n, 1)


def memory_step(memory, events, time_constant, dt):
    """Summit memory after the step's summits (see :func:`.common.memory_update`).

    Parameters
    ----------
    memory : array_like
        (..., N, N) summit memory at t.
    events : array_like
        (..., N, N) summits in the step (or their expected counts).
    time_constant : array_like
        Memory time, years.
    dt : float
        Step length, years.
    """
    return memory_update(memory, events, time_constant, dt)


def stationary_memory(summit_rate, time_constant):
    """Expected summit memory under constant rates: the mean rate of the pair x tau.

    Parameters
    ----------
    summit_rate : array_like
        (..., N, N) summit hazards per year.
    time_constant : array_like
        Memory time tau, years, broadcastable to (..., N, N).
    """
    rate = 0.5 * (summit_rate + summit_rate.mT)
    return rate * time_constant


def expected_summits(summit_rate, dt):
    """Deterministic counterpart of :func:`summits`: the expected count rate x dt.

    Parameters
    ----------
    summit_rate : array_like
        (..., N, N) summit hazards per year.
    dt : float
        Step length, years.
    """
    rate = 0.5 * (summit_rate + summit_rate.mT)
    n = summit_rate.shape[-1]
    return rate * dt * off_diagonal_weights(n, like=summit_rate)
