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

The hazard is then conditioned on the diplomacy around the actor and made
self-exciting:

    lambda = h (1 - moratorium) (1 + defiance pressure) / (1 + c E) + theta M / tau.

A declared moratorium suspends its share of the hazard (the DPRK's April 2018
halt of ICBM and nuclear tests, ended 1 January 2020); engagement E, the actor's
summit memory summed over its partners, damps it with weight c (Cha & Kang 2003
on the engagement debate; the CNS database records no launch in 2018, the
year of five summits); the pressure of sanctions, the share of the actor's potential
trade that sanctions block, raises it where defiance > 0 or lowers it where
defiance < 0 (signalling resolve against pressure versus capacity denial: Haggard &
Noland 2017).  theta M / tau is a Hawkes (1971) self-exciting term with an
exponential kernel of the memory's time constant, as Mohler et al. (2011) use for
crime and conflict events: each event raises the hazard by theta / tau, decaying
with tau, so theta is the branching ratio (expected events triggered per event,
below 1 for a stationary process) and counts are over-dispersed.
"""

from __future__ import annotations

from .common import (
    event_counts,
    memory_update,
    namespace,
    prod_second_last,
    sum_last,
    sum_second_last,
)


def leverage(imports_by_supplier):
    """leverage[..., k, i]: share of i's (energy and food) imports supplied by k.

    Parameters
    ----------
    imports_by_supplier : array_like
        (..., N, N) USD bn per year, [supplier k, importer i].
    """
    xp = namespace(imports_by_supplier)
    total = sum_second_last(imports_by_supplier)
    return imports_by_supplier / xp.where(total > 0, total, 1.0)[..., None, :]


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
    xp = namespace(cover, own_power)
    total = cover + own_power
    return cover / xp.where(total > 0, total, 1.0)


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


def conditioned(hazard_i, moratorium, engagement, engagement_restraint, pressure, defiance):
    """Hazard under moratoria, engagement and sanctions pressure, per year.

    h (1 - moratorium) (1 + defiance pressure) / (1 + c E), never below 0.

    Parameters
    ----------
    hazard_i : array_like
        (..., N) hazards per year (:func:`hazard`).
    moratorium : array_like
        (..., N) share of the hazard a declared moratorium suspends, in [0, 1].
    engagement : array_like
        (..., N) engagement E: summit memory summed over partners.
    engagement_restraint : array_like
        (..., N) c, how much each unit of engagement damps the hazard.
    pressure : array_like
        (..., N) share of the actor's potential trade blocked by sanctions, in [0, 1].
    defiance : array_like
        (..., N) response to pressure (> 0 defiant, < 0 constrained), in [-1, 2].
    """
    xp = namespace(hazard_i, moratorium, defiance, pressure)
    factor = (1.0 - moratorium) * xp.maximum(1.0 + defiance * pressure, 0.0)
    return hazard_i * factor / (1.0 + engagement_restraint * engagement)


def self_excited(hazard_i, memory, branching, time_constant):
    """Hawkes (1971) intensity with an exponential kernel: h + theta M / tau, per year.

    Parameters
    ----------
    hazard_i : array_like
        (..., N) background hazard per year (:func:`conditioned`).
    memory : array_like
        (..., N) provocation memory M (events, each decaying with tau).
    branching : array_like
        (..., N) branching ratio theta in [0, 1): events triggered per event.
    time_constant : array_like
        Memory time tau, years.
    """
    return hazard_i + branching * memory / time_constant


def engagement_of(summit_memory):
    """Engagement E_i = sum_j summit memory [i, j], (..., N).

    Parameters
    ----------
    summit_memory : array_like
        (..., N, N) summit memories (symmetric, zero diagonal).
    """
    return sum_last(summit_memory)


def pressure_of(blocked_by_dyad, potential_by_dyad):
    """Share of each actor's potential trade (exports and imports) that is blocked, (..., N).

    Parameters
    ----------
    blocked_by_dyad, potential_by_dyad : array_like
        (..., N, N) blocked and potential trade [exporter, importer], USD bn per year.
    """
    xp = namespace(blocked_by_dyad, potential_by_dyad)
    blocked = sum_last(blocked_by_dyad) + sum_second_last(blocked_by_dyad)
    potential = sum_last(potential_by_dyad) + sum_second_last(potential_by_dyad)
    return xp.clip(blocked / xp.where(potential > 0, potential, 1.0), 0.0, 1.0)


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


def stationary_memory(hazard_i, time_constant, branching=0.0):
    """Expected memory under a constant background hazard: h tau / (1 - theta).

    With self-excitation the stationary intensity is h / (1 - theta) (Hawkes 1971),
    and the memory holds intensity times tau (the starting level).

    Parameters
    ----------
    hazard_i : array_like
        (..., N) background hazards per year.
    time_constant : array_like
        Memory time tau, years.
    branching : array_like
        (..., N) branching ratio theta in [0, 1) (:func:`self_excited`).
    """
    return hazard_i * time_constant / (1.0 - branching)


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
