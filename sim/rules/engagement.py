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

from .common import event_counts, memory_update


def summits(summit_rate, dt, uniforms_upper):
    """Symmetric matrix of summit counts in the step, from keyed uniforms drawn for i < j."""
    n = summit_rate.shape[-1]
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    rate = 0.5 * (summit_rate + np.swapaxes(summit_rate, -1, -2))
    count = event_counts(rate, dt, uniforms_upper) * upper
    return count + np.swapaxes(count, -1, -2)


def memory_step(memory, events, time_constant, dt):
    """Summit memory after the step's summits (see common.memory_update)."""
    return memory_update(memory, events, time_constant, dt)


def expected_summits(summit_rate, dt):
    """Deterministic counterpart of summits: the expected count rate x dt in the step."""
    rate = 0.5 * (summit_rate + np.swapaxes(summit_rate, -1, -2))
    n = summit_rate.shape[-1]
    return rate * dt * ~np.eye(n, dtype=bool)
