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

from .common import event_probability


def summits(summit_rate, dt, uniforms_upper):
    """Symmetric 0/1 summit matrix from keyed uniforms drawn for i < j."""
    n = summit_rate.shape[-1]
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    rate = 0.5 * (summit_rate + np.swapaxes(summit_rate, -1, -2))
    hit = (uniforms_upper < event_probability(rate, dt)) & upper
    return (hit | np.swapaxes(hit, -1, -2)).astype(float)


def memory_step(memory, events, time_constant, dt):
    """E <- E e^(-dt/tau) + events."""
    return memory * np.exp(-dt / time_constant) + events


def expected_summits(summit_rate, dt):
    """Deterministic counterpart of summits: the expected count in the step."""
    rate = 0.5 * (summit_rate + np.swapaxes(summit_rate, -1, -2))
    n = summit_rate.shape[-1]
    return event_probability(rate, dt) * ~np.eye(n, dtype=bool)
