"""Provocations: hazard, patron restraint, event draws and memory.

h_i = base_i (1 + boldness_i cover_i) (1 + ins_i) (1 - restraint_i), per year.
Allied cover emboldens (Snyder 1984, moral hazard); insecurity drives signalling;
restraint_i = 1 - prod_k (1 - stability_k leverage_ki), with leverage_ki the share
of i's energy and food imports that come from k, so that a second supplier (Russia)
dilutes the first's (China's) leverage.  An event falls in a step when the keyed
uniform u < 1 - e^(-h dt): raising the hazard only adds events (monotone draws).
Memory decays with time constant tau: M <- M e^(-dt/tau) + events.  In
deterministic mode the expected count replaces the draw.
"""

from __future__ import annotations

import numpy as np

from .common import event_probability


def leverage(imports_by_supplier):
    """leverage[..., k, i]: share of i's (energy and food) imports supplied by k.

    imports_by_supplier : (..., N, N) USD bn per year, [supplier k, importer i].
    """
    total = imports_by_supplier.sum(axis=-2)
    return imports_by_supplier / np.where(total > 0, total, 1.0)[..., None, :]


def restraint(stability_k, leverage_ki):
    """1 - prod_k (1 - stability_k leverage_ki), (..., N) per client i."""
    return 1.0 - np.prod(1.0 - stability_k[..., :, None] * leverage_ki, axis=-2)


def hazard(base, boldness, cover_share, insecurity, restraint_i):
    """Provocation hazard per year, (..., N)."""
    return base * (1.0 + boldness * cover_share) * (1.0 + insecurity) * (1.0 - restraint_i)


def occurs(hazard_i, dt, uniforms):
    """Event indicator (float 0/1): u < 1 - e^(-h dt)."""
    return (uniforms < event_probability(hazard_i, dt)).astype(float)


def memory_step(memory, events, time_constant, dt):
    """M <- M e^(-dt/tau) + events."""
    return memory * np.exp(-dt / time_constant) + events


def expected_memory_step(memory, hazard_i, time_constant, dt):
    """Deterministic counterpart: exact for a constant hazard over the step."""
    keep = np.exp(-dt / time_constant)
    return memory * keep + hazard_i * time_constant * (1.0 - keep)
