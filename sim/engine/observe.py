"""Measures of the state at t+1, and the reactions evaluated on them.

:func:`measures` computes the model, actor and dyad measures of
:mod:`sim.measures` from the state and the view (only those asked for, in sweeps);
:func:`measure_value` reads one ``name[.A[.B]]`` out of them; :func:`react`
advances every reaction's counters and returns those that fire.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .. import measures as M
from ..rules import credibility, relations, threat
from ..rules import reactions as reaction_rules
from ..rules.common import sum_last, sum_second_last
from . import lifetimes
from .state import State, Structure

# --------------------------------------------------------------------------- measures


def measures(
    st: State, S: Structure, view: dict[str, Any], only: set[str] | None = None
) -> dict[str, Any]:
    """Model, actor and dyad measures at the current state (:mod:`sim.measures`).

    Shared intermediates are computed once, when first needed.

    Parameters
    ----------
    st : State
        The state at t+1: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t+1.
    only : set of str, optional
        Measure names to compute; sweeps that keep a few measures skip the rest.

    Returns
    -------
    dict
        ``{"model": {...}, "actor": {...}, "dyad": {...}}`` of arrays of shapes (...),
        (..., N) and (..., N, N).
    """
    gone = lifetimes.absent(S, view["t"])
    if gone is None:
        return _measures(st, S, view, only)
    values = _measures(lifetimes.masked(st, S, gone), S, view, only, gone)
    lifetimes.hide_measures(values, gone)
    return values


def _measures(
    st: State,
    S: Structure,
    view: dict[str, Any],
    only: set[str] | None = None,
    gone: np.ndarray | None = None,
) -> dict[str, Any]:
    m = st.model
    pw, rp = view["power"], view["regional_power"]

    @cache
    def alignment():
        return M.alignment(
            st.relation, st.alliance, pw, S.in_a, S.in_b, m["alignment_sharpness"][..., None]
        )

    @cache
    def host():
        return M.true_hostility(st.relation, m["hostility_exponent"][..., None, None])

    @cache
    def deterrence():
        return threat.deterrence(view["reach"], view["strength"], view["cover"])

    @cache
    def risk():
        return M.conflict_risk(
            st.relation,
            st.alliance,
            st.proximity,
            deterrence(),
            st.warheads,
            view["dependence"],
            host(),
            m["warhead_half"][..., None],
            m["risk_base"],
            m["risk_hostility"],
            m["risk_deterrence"],
            m["risk_proximity"],
            m["risk_alliance"],
            m["risk_nuclear"],
            m["risk_interdependence"],
        )

    @cache
    def blocs():
        shared = relations.shared_threat(view["tau"], view["tau"])
        prop = M.propensity(
            st.relation, st.alliance, shared, m["bloc_threat_weight"][..., None, None]
        )
        if gone is None:
            return M.landscape(rp, prop, S.in_b)
        # the blocs of the states present (an absent one would tie every partition)
        keep = np.flatnonzero(~gone)
        part = M.landscape(rp[..., keep], prop[..., keep[:, None], keep], S.in_b[keep])
        apart = np.zeros((*part[0].shape[:-1], S.n), dtype=bool)
        apart[..., keep] = part[0]
        return (apart, *part[1:])

    def bloc_labels():
        apart = blocs()[0]
        anchors = S.in_b if gone is None else S.in_b & ~gone
        anchor = int(np.flatnonzero(anchors if anchors.any() else S.in_b)[0])
        return np.asfortranarray((apart == apart[..., anchor : anchor + 1]).astype(float))

    def by_actor(flows):  # exports plus imports, all categories
        total = S.flows.by_dyad(flows)
        return sum_last(total) + sum_second_last(total)

    def two_way(flows):  # i -> j plus j -> i, all categories
        total = S.flows.by_dyad(flows)
        return total + np.swapaxes(total, -1, -2)

    @cache
    def potential_i():
        pot_i = by_actor(view["potential"])
        return np.where(pot_i > 0, pot_i, 1.0)

    def balance(members):
        return lambda: M.balance(rp, *alignment(), members)

    regime = S.has_regime
    core = S.in_a | S.in_b
    model_level = {
        "balance": balance(np.ones(S.n, dtype=bool)),
        "balance_core": balance(core),
        "balance_swing": balance(~core),
        "tension": lambda: M.tension(pw, st.proximity, host()),
        "conflict_risk_any": lambda: M.any_dispute(
            risk() if gone is None else np.where(gone[:, None] | gone, 0.0, risk()), S.key_pairs
        ),
        "frustration": lambda: blocs()[1],
        "blocs_gap": lambda: blocs()[2],
        "polarisation": lambda: blocs()[3],
    }
    actor_level = {
        "gdp": lambda: st.gdp,
        "milex": lambda: view["milex"],
        "defence_share": lambda: st.burden,
        "capability": lambda: st.capability,
        "power": lambda: pw,
        "regional_power": lambda: rp,
        "insecurity": lambda: view["insecurity"],
        "security": lambda: 1.0 - view["insecurity"],
        "threat": lambda: view["threat_total"],
        "cover": lambda: view["cover"],
        "hedging": lambda: credibility.hedging(
            view["insecurity"], view["credibility"], st.alliance
        ),
        "influence": lambda: M.influence(
            st.relation, view["dependence"], pw, m["influence_weight"], st.proximity
        ),
        "provocation_memory": lambda: st.provocation_memory,
        "provocation_hazard": lambda: view["hazard"],
        "growth": lambda: st.growth,
        "transfers_in": lambda: (
            sum_second_last(view["transfers"]) + sum_second_last(view["technology_flow"])
        ),
        "munitions_supplied": lambda: sum_second_last(view["munitions"]),
        "aid_received": lambda: sum_second_last(st.aid),
        "technology": lambda: st.technology,
        "bloc": bloc_labels,
        "delivery": lambda: st.delivery,
        "reach": lambda: M.regional_reach(view["reach"], st.proximity),
        "strength": lambda: view["strength"],
        "trade": lambda: by_actor(st.recorded + st.unrecorded),
        "trade_recorded": lambda: by_actor(st.recorded),
        "sanctions_pressure": lambda: np.where(
            regime, by_actor(view["blocked"]) / potential_i(), np.nan
        ),
        "mandate": lambda: np.where(regime, st.mandate.astype(float), np.nan),
        "sanctions_leakage": lambda: np.where(
            regime,
            M.leakage(by_actor(st.unrecorded), by_actor(st.recorded), by_actor(view["blocked"])),
            np.nan,
        ),
    }
    dyad_level = {
        "relation": lambda: st.relation,
        "alliance": lambda: st.alliance,
        "threat": lambda: view["threat"],
        "credibility": lambda: view["credibility"],
        "transfer": lambda: view["transfers"],
        "sanction": lambda: st.sanction,
        "conflict_risk": risk,
        "deterrence": deterrence,
        "reach": lambda: view["reach"],
        "munitions": lambda: view["munitions"],
        "aid": lambda: st.aid,
        "trade": lambda: two_way(st.recorded + st.unrecorded),
        "trade_recorded": lambda: two_way(st.recorded),
    }
    levels = {"model": model_level, "actor": actor_level, "dyad": dyad_level}
    return {
        level: {k: f() for k, f in table.items() if only is None or k in only}
        for level, table in levels.items()
    }


def measure_value(values: dict[str, Any], name: str, actors: tuple[int, ...]) -> np.ndarray:
    """Read a measure ``name[.A[.B]]`` out of :func:`measures` output.

    Parameters
    ----------
    values : dict
        The output of :func:`measures`.
    name : str
        The measure's name.
    actors : tuple of int
        Its actor indices: none, one or two.
    """
    if not actors:
        return values["model"][name]
    if len(actors) == 1:
        return values["actor"][name][..., actors[0]]
    if name == "conflict_risk" and name not in values["dyad"]:
        raise KeyError(name)
    return values["dyad"][name][..., actors[0], actors[1]]


def react(st: State, S: Structure, values: dict[str, Any], t: int | None = None) -> list:
    """Evaluate the reactions on the measures at t+1; return those that fire.

    Parameters
    ----------
    st : State
        The state at t+1 (its reaction counters advance in place): one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    values : dict
        The measures at t+1 (:func:`measures`).
    t : int, optional
        The step t+1: a reaction whose actor is absent then does not fire.

    Returns
    -------
    list of (CompiledReaction, ndarray)
        The reactions that fire, with the mask of the runs where they fire.
    """
    pending = []
    for r in S.reactions:
        if r.measure == "provocations":  # recorded beside the measures, as the tables do
            value = np.asarray(st.events_last.sum(axis=-1), dtype=float)
        else:
            value = measure_value(values, r.measure, r.measure_actors)
        cond = reaction_rules.holds(value, r.above, r.below)
        if (
            t is not None
            and r.actor in S.codes
            and not lifetimes.present_at(S, t)[S.index(r.actor)]
        ):
            cond = np.zeros_like(np.asarray(cond))  # an absent actor does not react
        k = r.index
        streak, since, count, fire = reaction_rules.update(
            st.reaction_streak[..., k],
            st.reaction_since[..., k],
            st.reaction_count[..., k],
            cond,
            r.for_steps,
            r.every,
            r.once,
        )
        st.reaction_streak[..., k] = streak
        st.reaction_since[..., k] = since
        st.reaction_count[..., k] = count
        if np.any(fire):
            pending.append((r, np.asarray(fire)))
    return pending
