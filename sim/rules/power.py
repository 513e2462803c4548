"""Composite national power, CINC-like (Singer, Bremer & Stuckey 1972).

power_i is the weighted mean of the actor's shares of world totals of GDP, military
capability and population; regional_power_i = power_i x presence_i.  The world totals
are exogenous: the scenario's reference totals at the start, growing at the reference
growth rates (:func:`world_total`), so that adding an actor does not rescale the
others.  Frozen totals let every share drift upward as the cast grows (the baseline's
"power" reached 10.7 at 400 quarters).
"""

from __future__ import annotations

import math

from .common import namespace


def reference_capability(world_milex, depreciation, world_milex_growth):
    """World capability stock K_ref = milex_world / (delta + g), USD bn.

    The steady-growth stock of world military spending, the denominator of
    capability shares.

    Parameters
    ----------
    world_milex : array_like
        World military expenditure, USD bn per year.
    depreciation : array_like
        delta, per year.
    world_milex_growth : array_like
        g, trailing growth of world milex per year.
    """
    return world_milex / (depreciation + world_milex_growth)


def world_total(start, growth, years, log_path=math.nan):
    """A world total after ``years``: start e^(growth years), or start e^(path).

    Parameters
    ----------
    start : array_like
        The reference total at the start (world GDP, capability stock or population).
    growth : array_like
        Its growth per year (``reference.gdp_growth``, ``milex_growth``,
        ``population_growth``), broadcastable to ``start``.
    years : float
        Years since the start.
    log_path : float
        Log of the total over its start value at this step, from the scenario's
        ``reference.series``; NaN where the series gives none (the growth rate holds).
    """
    xp = namespace(start, growth, log_path)
    log_path = xp.asarray(log_path, dtype=xp.float64)
    change = xp.where(xp.isfinite(log_path), log_path, growth * years)
    return start * xp.exp(change)


def power(
    gdp,
    capability,
    population,
    world_gdp,
    world_capability,
    world_population,
    weight_gdp,
    weight_military,
    weight_population,
):
    """Composite power: mean of the shares of world GDP, capability and population.

    Parameters
    ----------
    gdp, capability, population : (..., N) arrays (USD bn, USD bn stock, millions).
    world_* : reference totals, broadcastable to (..., 1).
    weight_* : component weights (normalised here), broadcastable to (..., 1).

    Returns
    -------
    (..., N) power shares (dimensionless).
    """
    total = weight_gdp + weight_military + weight_population
    return (
        weight_gdp * gdp / world_gdp
        + weight_military * capability / world_capability
        + weight_population * population / world_population
    ) / total


def regional_power(power_share, presence):
    """Power the actor can bring to bear in the region: power x presence.

    Parameters
    ----------
    power_share : array_like
        (..., N) composite power shares.
    presence : array_like
        (..., N) presence in [0, 1].
    """
    return power_share * presence


def initial_capability(milex, ppp_factor, depreciation, milex_growth):
    """Steady-growth capability stock K0 = ppp x milex0 / (delta + g_m), USD bn.

    Parameters
    ----------
    milex : array_like
        (N,) military expenditure at the start, USD bn per year.
    ppp_factor : array_like
        (N,) military purchasing-power multipliers.
    depreciation : array_like
        delta, per year.
    milex_growth : array_like
        (N,) trailing growth of each actor's milex per year (delta + g floored at 1e-3).
    """
    xp = namespace(milex, ppp_factor, depreciation, milex_growth)
    return ppp_factor * milex / xp.maximum(depreciation + milex_growth, 1e-3)
