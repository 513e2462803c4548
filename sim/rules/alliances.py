"""Alliances that form, deepen and lapse: commitments driven by relations, threat and need.

A commitment A_ij in [0, 1] (i's commitment to j's defence) relaxes toward its
structural level L_ij, the level the treaties in force set, and moves away from it
when its *drive* moves away from the drive that sustained it:

    dA/dt = [pi L + f max(0, d - d0)^2] (1 - A) - [pi (1 - L) + l max(0, d0 - d)^2] A

with d_ij = w_r rbar_ij + w_s S_ij + w_n need_ij the drive (mutual attitude, shared
threat, need: Walt 1987 on balancing against a common threat; Snyder 1997 on
dependence), d0 its value at the start, pi the pull toward the treaty level, f and
l the rates of formation and lapse (Leeds & Savun 2007: alliances end when the
interests behind them change).  At the start d = d0, so A = L is an equilibrium;
a rising drive deepens a commitment toward 1 (a treaty can emerge from war demand
and shared threat), a falling one erodes it toward 0 (a patron whose need has ended
lets a treaty hollow out).  A scripted treaty sets both A and L.  The update is exact
over the step for forcings held over it (:func:`.common.relax_unit`).
"""

from __future__ import annotations

from .common import namespace, relax_unit


def drive(relation_ij, relation_ji, shared_ij, need_ij, w_relation, w_threat, w_need):
    """d[..., i, j] = w_r rbar_ij + w_s S_ij + w_n need_ij, the drive of i's commitment to j.

    Parameters
    ----------
    relation_ij, relation_ji : array_like
        (..., I, N) attitudes of the rows i toward j and of j toward i.
    shared_ij : array_like
        (..., I, N) shared threat (:func:`sim.rules.relations.shared_threat`).
    need_ij : array_like
        (..., I, N) what j supplies i (:func:`sim.rules.bargain.need`).
    w_relation, w_threat, w_need : array_like
        Weights, broadcastable to (..., I, N).
    """
    mutual = 0.5 * (relation_ij + relation_ji)
    return w_relation * mutual + w_threat * shared_ij + w_need * need_ij


def forcings(drive_ij, drive0_ij, level_ij, pull, formation, lapse):
    """(up, down) forcings on commitments, per year.

    Parameters
    ----------
    drive_ij, drive0_ij : array_like
        (..., I, N) the drive now and at the start (:func:`drive`).
    level_ij : array_like
        (..., I, N) structural (treaty) levels L in [0, 1].
    pull, formation, lapse : array_like
        pi, f and l, per year (f and l per squared drive unit), broadcastable.
    """
    xp = namespace(drive_ij, drive0_ij)
    gap = drive_ij - drive0_ij
    rise = xp.maximum(0.0, gap)
    fall = xp.maximum(0.0, -gap)
    up = pull * level_ij + formation * rise * rise
    down = pull * (1.0 - level_ij) + lapse * fall * fall
    return up, down


def step(alliance_ij, up, down, dt):
    """Commitments after a step: exact relaxation between the forcings, in [0, 1].

    Parameters
    ----------
    alliance_ij : array_like
        (..., I, N) commitments at t.
    up, down : array_like
        (..., I, N) forcings (:func:`forcings`), per year.
    dt : float
        Step length, years.
    """
    return relax_unit(alliance_ij, up, down, dt)
