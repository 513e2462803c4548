"""Provocations: hazard, patron restraint, event draws and memory.

h_i = base_i (1 + boldness_i cover_i) (1 + ins_i) (1 - restraint_i), per year.
Allied cover emboldens (Snyder 1984, moral hazard); insecurity drives signalling;
restraint_i = 1 - prod_k (1 - stability_k leverage_ki), with leverage_ki the share
of i's energy and food imports that come from k, so that a second supplier (Russia)
dilutes the first's (China's) leverage.  The number of events in a step is the
Poisson(h dt) quantile of the keyed uniform: one happens at all when u < 1 - e^(-h dt),
and raising the hazard only adds events (monotone draws).  Memory decays with time
constant tau; each event, falling at a uniform time within the step, adds its mean
decay to the step's end (common.memory_update).  In deterministic mode the expected
count h dt replaces the draw.
"""

from __future__ import annotations

import numpy as np

from .common import event_counts, memory_update, prod_second_last, sum_second_last


def leverage(imports_by_supplier):
    """leverage[..., k, i]: share of i's (energy and food) imports supplied by k.

    Parameters
    ----------
    imports_by_supplier : array_like
        (..., N, N) USD bn per year, [supplier k, importer i].
    """
    total = sum_second_last(imports_by_supplier)
    return imports_by_supplier / np.where(total > 0, total, 1.0)[..., None, :]


def essential_supply(energy_food_flows, paid, paid_share, supplied, supplied_share):
    """Energy and food supplied by k to i, USD bn per year, [supplier k, importer i].

    Trade flows in energy and food, plus the part of the bargain's payments and of its
    munitions that falls in those categories.

    Parameters
    ----------
    energy_food_flows : array_like
        (..., N, N) energy and food trade [exporter, importer], USD bn per year.
    paid : array_like
        (..., N, N) payments for munitions [patron, client], USD bn per year.
    paid_share : float
        Share of the payment in energy and food categories.
    supplied : array_like
        (..., N, N) munitions [client, patron], USD bn per year.
    supplied_share : float
        1 if the munitions' category is energy or food, else 0.
    """
    return energy_food_flows + paid * paid_share + supplied * supplied_share


def cover_share(cover, own_power):
    """Share of the actor's strength that is allied cover, C / (C + S), in [0, 1).

    Parameters
    ----------
    cover : array_like
        (..., N) allied cover C (power-share units).
    own_power : array_like
        (..., N) own strength S (:func:`sim.rules.threat.strength`).
    """
    total = cover + own_power
    return cover / np.where(total > 0, total, 1.0)


def restraint(stability_k, leverage_ki):
    """Patrons' restraint 1 - prod_k (1 - stability_k leverage_ki), (..., N) per client i.

    Parameters
    ----------
    stability_k : array_like
        (..., N) stability preference of each patron.
    leverage_ki : array_like
        (..., N, N) leverage [patron k, client i] (:func:`leverage`).
    """
    return 1.0 - prod_second_last(1.0 - stability_k[..., :, None] * leverage_ki)


def hazard(base, boldness, cover_share, insecurity, restraint_i):
    """Provocation hazard per year, h = base (1 + boldness cover) (1 + ins) (1 - restraint).

    Parameters
    ----------
    base : array_like
        (..., N) base provocation rate per year.
    boldness : array_like
        (..., N) how much allied cover emboldens (Snyder 1984, moral hazard).
    cover_share : array_like
        (..., N) cover share (:func:`cover_share`).
    insecurity : array_like
        (..., N) insecurity in (0, 1).
    restraint_i : array_like
        (..., N) patrons' restraint (:func:`restraint`).
    """
    return base * (1.0 + boldness * cover_share) * (1.0 + insecurity) * (1.0 - restraint_i)


def occurs(hazard_i, dt, uniforms):
    """Number of provocations in the step (see :func:`.common.event_counts`).

    Parameters
    ----------
    hazard_i : array_like
        (..., N) hazards per year.
    dt : float
        Step length, years.
    uniforms : array_like
        (..., N) keyed uniforms.
    """
    return event_counts(hazard_i, dt, uniforms)


def memory_step(memory, events, time_constant, dt):
    """Provocation memory after the step's events (see :func:`.common.memory_update`).

    Parameters
    ----------
    memory : array_like
        (..., N) memory at t.
    events : array_like
        (..., N) provocations in the step.
    time_constant : array_like
        Memory time, years.
    dt : float
        Step length, years.
    """
    return memory_update(memory, events, time_constant, dt)


def stationary_memory(hazard_i, time_constant):
    """Expected memory under a constant hazard: h tau (the starting level).

    Parameters
    ----------
    hazard_i : array_like
        (..., N) hazards per year.
    time_constant : array_like
        Memory time tau, years.
    """
    return hazard_i * time_constant


def expected_memory_step(memory, hazard_i, time_constant, dt):
    """Deterministic counterpart of :func:`memory_step`: the expected count h dt.

    Exact for a hazard held over the step.

    Parameters
    ----------
    memory : array_like
        (..., N) memory at t.
    hazard_i : array_like
        (..., N) hazards per year.
    time_constant : array_like
        Memory time, years.
    dt : float
        Step length, years.
    """
    return memory_update(memory, hazard_i * dt, time_constant, dt)
