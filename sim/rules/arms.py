"""The arms race on the defence burden (Richardson 1960), in logit space.

The burden s = milex / gdp is each actor's decision.  It lives in (s_min, s_max)
through s = s_min + (s_max - s_min) logistic(z) and the logit z moves by the
discrete Richardson form dz = dt [k (logit ins - logit tol) - fatigue (s / s_ref - 1)
+ g]: reaction to insecurity above tolerance, in log-odds, fatigue pulling back to the reference
burden, grievance.  tol is the starting insecurity, so the start is an equilibrium
unless the scenario gives a documented trend (s_ref moving to a target by a date).
Capability is a perpetual-inventory stock K <- K e^(-delta dt) + inputs
(1 - e^(-delta dt)) / delta, exact for inputs held over the step; the delivery-means
stock (missiles, bombers, submarines) is one too, fed by the share of spending that
builds delivery means and by absorbed foreign technology.
"""

from __future__ import annotations

from .common import namespace, sigmoid, sum_last, sum_second_last


def burden_from_logit(z, floor, ceiling):
    """The defence burden s = s_min + (s_max - s_min) logistic(z), share of GDP.

    Parameters
    ----------
    z : array_like
        Burden logits, (..., N).
    floor, ceiling : array_like
        s_min < s_max, shares of GDP (``model.burden_floor``, ``model.burden_ceiling``),
        broadcastable to ``z``.
    """
    return floor + (ceiling - floor) * sigmoid(z)


def logit_from_burden(s, floor, ceiling):
    """The logit z of a burden: the inverse of :func:`burden_from_logit`.

    Parameters
    ----------
    s : array_like
        Burdens, shares of GDP, strictly inside (floor, ceiling).
    floor, ceiling : array_like
        s_min < s_max, shares of GDP.
    """
    xp = namespace(s, floor, ceiling)
    u = (s - floor) / (ceiling - floor)
    return xp.log(u) - xp.log1p(-u)


LOGIT_BOUND = 8.0
"""Largest burden logit in size (anti-windup): there the burden lies within 3.4e-4 of
its range from the floor or ceiling.  Without a bound a steady drive pushed the logit
to 113 in 200 annual steps, and the burden stayed pinned at its ceiling for 32 years
after the threat was gone; from 8 it leaves the limit as soon as the drive turns."""


def tolerance_step(tolerance, insecurity, rate, dt):
    """The tolerated insecurity after a step: it follows the insecurity felt, in log-odds.

    logit tol' = logit tol + (1 - e^(-rate dt)) (logit ins - logit tol), exact for any
    step length; where ``rate`` is 0 the tolerance is returned unchanged, bit for bit
    (the start's, as calibrated).  Reference points renormalise: a state long secure
    (or long threatened) comes to take that as normal (Jervis 1992; Levy 1996), so that
    over decades an alliance's cover does not keep pressing a burden toward its floor.

    Parameters
    ----------
    tolerance, insecurity : array_like
        Tolerated and felt insecurity at t, in (0, 1), (..., N).
    rate : array_like
        Adaptation rate per year of each actor, (..., N).
    dt : float
        Step length, years.
    """
    xp = namespace(tolerance, insecurity, rate)
    gap = insecurity_logit(insecurity) - insecurity_logit(tolerance)
    moved = insecurity_logit(tolerance) + (1.0 - xp.exp(-rate * dt)) * gap
    return xp.where(rate > 0, 1.0 / (1.0 + xp.exp(-moved)), tolerance)


def insecurity_logit(insecurity):
    """ln(ins / (1 - ins)): insecurity in log-odds, the scale on which actors react.

    For a contest exponent a it is a ln((T + b S) / (S + s C)): a threat that rises by
    a factor f moves it by a ln f whatever its level.

    Parameters
    ----------
    insecurity : array_like
        Insecurity in (0, 1).
    """
    xp = namespace(insecurity)
    return xp.log(insecurity) - xp.log1p(-insecurity)


def reference_burden(scheduled, war_burden, war_demand, war_demand_start):
    """The burden fatigue pulls toward: the scheduled path plus a war's own demand, (..., N).

    s_ref = s_path + w (1[war demand > 0] - 1[war demand at the start > 0]): a
    belligerent's defence burden is pulled up by w while it fights (Russia: 4.1 % of GDP
    in 2021 to 7.1 % in 2024, SIPRI first estimates), on top of the path its documented
    targets give.  A war already under way at the start is in the starting burden the
    path begins from, so it adds nothing until it ends; its end then pulls the burden
    down by w, never below a quarter of the path (a guard that keeps s / s_ref finite).

    Parameters
    ----------
    scheduled : array_like
        (..., N) reference burden from the start and documented targets (shares of GDP).
    war_burden : array_like
        (..., N) w, the extra burden a war demands of the actor (share of GDP).
    war_demand : array_like
        (..., N) the actor's war demand for munitions, USD bn per year (> 0: at war).
    war_demand_start : array_like
        (..., N) the actor's war demand at the start of the run.
    """
    xp = namespace(scheduled, war_burden, war_demand, war_demand_start)
    at_war = xp.astype(war_demand > 0, xp.float64) - xp.astype(war_demand_start > 0, xp.float64)
    return xp.maximum(scheduled + war_burden * at_war, 0.25 * scheduled)


def burden_logit_step(
    z,
    burden,
    reference_burden,
    insecurity,
    tolerance,
    threat_sensitivity,
    fatigue,
    grievance,
    dt,
    floor,
    ceiling,
):
    """One Richardson (1960) step of the burden logit, exact for its linearised fatigue.

    dz/dt = f = k (logit ins - logit tol) - a (s / s0 - 1) + g: reaction to insecurity
    above the tolerated level, in log-odds (a rise of the threat by a given factor
    draws the same reaction whatever its level), fatigue pulling back to the reference
    burden, grievance.  The step is exponential Euler (Hochbruck & Ostermann 2010):
    z + f (1 - e^(-lambda dt)) / lambda, with lambda = -df/dz = a s'(z) / s0 the
    fatigue's pull at the current burden (s'(z) = (s - s_min)(s_max - s) / (s_max -
    s_min)).  For a weak pull it is Euler's z + dt f; for a strong pull or a long step
    it goes to the linearised equilibrium and never past it, so that annual,
    quarterly and monthly steps agree and do not oscillate (explicit Euler swung
    between the burden's limits at annual steps once a dt s'/s0 exceeded 2).

    Parameters
    ----------
    z : array_like
        Burden logits at t, (..., N).
    burden : array_like
        Burdens s at t, shares of GDP, (..., N).
    reference_burden : array_like
        s0, the burden fatigue pulls toward (the start, or a documented target path).
    insecurity, tolerance : array_like
        Insecurity at t and its tolerated level (the starting insecurity), in (0, 1).
    threat_sensitivity, fatigue, grievance : array_like
        k (logit of burden per year per unit logit of insecurity), a and g (logit
        units per year) of each actor, (..., N).
    dt : float
        Step length, years.
    floor, ceiling : array_like
        s_min < s_max, shares of GDP, broadcastable to ``z``.

    Returns
    -------
    (..., N) burden logits at t+1, held within +-:data:`LOGIT_BOUND`.
    """
    xp = namespace(z, burden, reference_burden, fatigue, floor, ceiling)
    drive = (
        threat_sensitivity * (insecurity_logit(insecurity) - insecurity_logit(tolerance))
        - fatigue * (burden / reference_burden - 1.0)
        + grievance
    )
    slope = (burden - floor) * (ceiling - burden) / ((ceiling - floor) * reference_burden)
    x = xp.maximum(fatigue * slope * dt, 0.0)
    small = x < 1e-8
    gain = dt * xp.where(small, 1.0 - 0.5 * x, -xp.expm1(-x) / xp.where(small, 1.0, x))
    return xp.clip(z + gain * drive, -LOGIT_BOUND, LOGIT_BOUND)


def capability_inflow(
    milex, ppp_factor, munitions, drawdown, transfers, absorbed, absorptive_capacity
):
    """Inputs to each capability stock, USD bn per year, (..., N).

    Own spending at military purchasing power, less the part of the munitions supplied
    to patrons that comes out of stock (``drawdown`` x munitions[..., p, c], by client
    c; the rest is new production the patron pays for) and arms given away
    (transfers[..., i, j], by donor i), plus what the actor absorbs (its absorptive
    capacity eta) of arms received and of transferred technology leaving the pipeline
    (``absorbed``).

    Parameters
    ----------
    milex : array_like
        Military expenditure, USD bn per year, (..., N).
    ppp_factor : array_like
        Military purchasing-power multiplier of milex, (..., N).
    munitions : array_like
        (..., N, N) munitions supplied, [patron p, client c], USD bn per year.
    drawdown : array_like
        Share of exported munitions drawn from the stock, per run (...,).
    transfers : array_like
        (..., N, N) arms transfers, [donor i, recipient j], USD bn per year.
    absorbed : array_like
        Technology leaving the pipeline, USD bn per year, (..., N).
    absorptive_capacity : array_like
        eta in [0, 1], (..., N).
    """
    return (
        ppp_factor * milex
        - drawdown[..., None] * sum_second_last(munitions)
        - sum_last(transfers)
        + absorptive_capacity * (sum_second_last(transfers) + absorbed)
    )


def delivery_inflow(milex, ppp_factor, missile_share, absorbed, absorptive_capacity):
    """Inputs to each delivery-means stock (missiles, bombers, submarines), USD bn per year.

    The share of own spending that builds delivery means, at military purchasing
    power, plus what the actor absorbs of transferred technology (a patron's missile,
    satellite and submarine know-how), (..., N).

    Parameters
    ----------
    milex : array_like
        (..., N) military expenditure, USD bn per year.
    ppp_factor : array_like
        (..., N) military purchasing-power multipliers.
    missile_share : array_like
        (..., N) share of milex spent on delivery means.
    absorbed : array_like
        (..., N) technology leaving the pipeline, USD bn per year.
    absorptive_capacity : array_like
        (..., N) eta in [0, 1].
    """
    return missile_share * ppp_factor * milex + absorptive_capacity * absorbed


def capability_step(capability, inflow, depreciation, dt):
    """Perpetual inventory: K <- K e^(-delta dt) + inflow (1 - e^(-delta dt)) / delta.

    Exact for an inflow held over the step (USD bn stock; inflow USD bn per year).

    Parameters
    ----------
    capability : array_like
        K at t, USD bn, (..., N).
    inflow : array_like
        Inputs, USD bn per year, (..., N).
    depreciation : array_like
        delta > 0 per year, broadcastable to (..., N).
    dt : float
        Step length, years.
    """
    xp = namespace(capability, inflow, depreciation)
    keep = xp.exp(-depreciation * dt)
    return capability * keep + inflow * (-xp.expm1(-depreciation * dt)) / depreciation
