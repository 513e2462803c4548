"""Growth and GDP: trade volume, evasion, guns versus butter, shocks.

The level of GDP moves with each step's change of the actor's trade volume
(exports and imports, recorded or not, plus the bargain's flows), as a share of
GDP: trade lost to sanctions, to a border closure or to worse relations lowers
the level once, and trade that comes back, or that the bargain brings, raises it
(Frankel & Romer 1999 on trade and income; Hufbauer, Schott & Elliott 1990 on the
cost of sanctions to targets).  Because the change is measured as a share of GDP,
an economy that depends more on trade loses more to the same cut (import
dependence); unchanged trade has no effect, however GDP moves.  The level also
pays for a rise of evasion (a premium on trade that passes unrecorded; Early 2011
on the cost of sanctions busting), and growth pays the guns-versus-butter drag of
a defence burden above its start (Dunne & Tian 2013); the trade effects apply
only where growth is endogenous (sanctions targets by default).  GDP then
moves exactly over the step, with a log-normal shock scaled by the square root
of the step length.
"""

from __future__ import annotations

import math

import numpy as np

from .common import namespace, sum_last, sum_second_last
from .trade import Flows


def trade_volumes(volume_flows, unrecorded_target, munitions, payments, flows: Flows):
    """Trade volume, and trade unrecorded, of each actor, USD bn per year, (..., N).

    Parameters
    ----------
    volume_flows : (..., K) trade flows of the step (recorded plus unrecorded), USD bn
        per year.
    unrecorded_target : (..., K) the unrecorded part, USD bn per year.
    munitions, payments : (..., N, N) the bargain's munitions [patron, client] and
        payments [patron, client], USD bn per year; they add to the volume and pass
        unrecorded.
    flows : the scenario's possible trade flows.

    Returns
    -------
    (volume, evasion), each (..., N), USD bn per year.
    """
    volume = flows.by_dyad(volume_flows)  # (..., i, j)
    bargain_i = (
        sum_second_last(munitions)
        + sum_last(munitions)
        + sum_last(payments)
        + sum_second_last(payments)
    )
    volume_i = sum_last(volume) + sum_second_last(volume) + bargain_i  # exports and imports
    unrec = flows.by_dyad(unrecorded_target)
    evasion_i = sum_last(unrec) + sum_second_last(unrec) + bargain_i
    return volume_i, evasion_i


GROWTH_BOUND = 0.5
"""Largest modelled trend growth in size (base growth and burden drag), log points per
year (-39 % to +65 % a year), and largest level shift of one step from trade, log
points (the same factors).

An assumption: guards, not mechanisms.  The trend stays within -0.05 to 0.08 in the
bundled scenarios.  The level shift is bounded apart from the trend, so that a
quarter's large change of trade (a closure, the 2017 bans) moves the level by all of
``l dW / gdp`` instead of being cut as a rate of ``1 / dt`` times it.  The effective
growth reported is then within :func:`growth_bound` (2.5 a year at quarterly steps).  GDP moves in log
space (:func:`gdp_step`), so with bounded steps it stays positive and finite."""


def growth_bound(dt):
    """The largest effective growth in size, per year, at step length ``dt``.

    The trend's bound plus a level shift of :data:`GROWTH_BOUND` log points within
    one step, as a rate: GROWTH_BOUND (1 + 1 / dt).

    Parameters
    ----------
    dt : float
        Step length, years.
    """
    return GROWTH_BOUND * (1.0 + 1.0 / dt)


def growth_rate(
    base_growth,
    volume,
    volume_last,
    evasion,
    evasion_last,
    gdp,
    burden,
    burden0,
    endogenous,
    trade_loss_elasticity,
    evasion_premium,
    guns_butter,
    dt,
):
    """Effective real growth per year (before shocks), (..., N).

    g0 - gamma (s - s0) + [endogenous] (l dW - e dE) / (gdp dt), the trend and the
    step's level shift each bounded by :data:`GROWTH_BOUND`: trade moves the
    *level* of GDP (Frankel & Romer 1999: income follows the trade share), so a step's
    change of trade volume dW, as a share of GDP, shifts log GDP by l dW / gdp once;
    trade that stays low costs no further growth.  North Korea's record has that
    shape: -4.5 % in 2020 when the border closed, -0.1 % and -0.2 % in 2021-22 with
    trade still shut, +3.1 % in 2023 as it reopened (Bank of Korea).  The burden drag
    stays a growth effect (crowding out of investment).

    Parameters
    ----------
    base_growth : array_like
        (..., N) base real growth per year.
    volume, volume_last : array_like
        (..., N) trade volume (with the bargain) of this step and of the last one, USD
        bn per year.
    evasion, evasion_last : array_like
        (..., N) trade passing unrecorded, this step and the last one, USD bn per year.
    gdp : array_like
        (..., N) GDP now, USD bn: the changes count as shares of it.
    burden, burden0 : array_like
        (..., N) defence burden now and at the start (shares of GDP).
    endogenous : ndarray
        (N,) bool: where the trade effects apply; the burden drag applies everywhere.
    trade_loss_elasticity, evasion_premium, guns_butter : array_like
        Per-run elasticities (...,).
    dt : float
        Step length, years (a change within the step is a rate of 1 / dt a year).
    """
    xp = namespace(base_growth, volume, gdp, burden, trade_loss_elasticity)
    change = trade_loss_elasticity[..., None] * (volume - volume_last) - evasion_premium[
        ..., None
    ] * (evasion - evasion_last)
    where = xp.asarray(np.asarray(endogenous, dtype=bool))  # the structure, from the host
    level = xp.clip(xp.where(where, change / gdp, 0.0), -GROWTH_BOUND, GROWTH_BOUND)
    drag = -guns_butter[..., None] * (burden - burden0)
    trend = xp.clip(base_growth + drag, -GROWTH_BOUND, GROWTH_BOUND)
    return trend + level / dt


def aid_growth(aid, gdp, share0, effect):
    """Growth per year from economic aid received above its start, (..., N).

    effect (sum_d aid[d, i] / gdp_i - share0_i): aid is followed by modest growth
    (Clemens, Radelet, Bhavnani & Bazzi 2012), so a rise of aid by 1 % of GDP adds about
    ``effect`` % a year; an end of aid takes it away.  The start's aid is in the base
    growth the scenario gives.  The donor's cost (a few tenths of a percent of its
    GDP at most in the record) is left out.

    Parameters
    ----------
    aid : array_like
        (..., N, N) economic aid [donor, recipient], USD bn per year.
    gdp : array_like
        (..., N) GDP, USD bn.
    share0 : array_like
        (..., N) aid received over GDP at the start.
    effect : array_like
        Per-run growth per unit of aid over GDP (...,).
    """
    return effect[..., None] * (sum_second_last(aid) / gdp - share0)


def growth_shock(sd, normals, dt):
    """Log-GDP shock of a step: sd sqrt(dt) e, so that its variance per year is sd^2.

    Parameters
    ----------
    sd : array_like
        Shock sd per square-root year, broadcastable to ``normals``.
    normals : array_like
        Keyed standard normal draws, (..., N).
    dt : float
        Step length, years.
    """
    return sd * math.sqrt(dt) * normals


def gdp_step(gdp, growth, shock, dt):
    """GDP after a step: gdp e^(growth dt + shock), USD bn.

    Parameters
    ----------
    gdp : array_like
        (..., N) GDP at t, USD bn.
    growth : array_like
        (..., N) growth per year.
    shock : array_like
        (..., N) log shocks of the step (or 0).
    dt : float
        Step length, years.
    """
    xp = namespace(gdp, growth, shock)
    return gdp * xp.exp(growth * dt + shock)
