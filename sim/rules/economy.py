"""Growth and GDP: trade volume, evasion, guns versus butter, shocks.

Growth moves with the change of the actor's trade volume since the start (exports
and imports, recorded or not, plus the bargain's flows), as a share of GDP: trade
lost to sanctions, to a border closure or to worse relations costs growth, and
trade the bargain brings in restores it (Frankel & Romer 1999 on trade and
income; Hufbauer, Schott & Elliott 1990 on the cost of sanctions to targets).
Because the change is measured as a share of GDP, an economy that depends more
on trade loses more growth to the same cut (import dependence); unchanged trade
has no effect, however GDP moves.  Growth also
pays the cost of evasion (a premium on trade that passes unrecorded; Early 2011
on the cost of sanctions busting) and the guns-versus-butter drag of a higher
defence burden (Dunne & Tian 2013), all relative to the start; the trade effects
apply only where growth is endogenous (sanctions targets by default).  GDP then
moves exactly over the step, with a log-normal shock scaled by the square root
of the step length.
"""

from __future__ import annotations

import numpy as np

from .common import sum_last, sum_second_last
from .trade import Flows


def trade_volumes(volume_flows, unrecorded_target, munitions, payments, flows: Flows):
    """Trade volume, and trade unrecorded, of each actor, USD bn per year, (..., N).

    Parameters
    ----------
    volume_flows : (..., K) trade flows the step aims at (recorded plus unrecorded
        targets), USD bn per year.
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
"""Largest modelled growth in size, log points per year (-39 % to +65 % a year).

An assumption: a guard far outside any rate the bundled scenarios reach (-0.05 to 0.08),
not a mechanism.  Without it, extreme parameters let the trade-loss term feed on a
shrinking GDP (lost trade as a share of a GDP that falls) until GDP underflows to
zero in a few steps; GDP moves in log space (:func:`gdp_step`), so with a bounded rate
it stays positive and finite over any documented horizon."""


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

    g0 + [endogenous] (l dW - e dE) / (gdp dt) - gamma (s - s0): trade moves the
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
    change = trade_loss_elasticity[..., None] * (volume - volume_last) - evasion_premium[
        ..., None
    ] * (evasion - evasion_last)
    effect = change / (gdp * dt)
    drag = -guns_butter[..., None] * (burden - burden0)
    rate = base_growth + np.where(endogenous, effect, 0.0) + drag
    return np.clip(rate, -GROWTH_BOUND, GROWTH_BOUND)


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
    return sd * np.sqrt(dt) * normals


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
    return gdp * np.exp(growth * dt + shock)
