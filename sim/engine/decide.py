"""Decisions of the actors: burden, attitudes, unilateral sanctions, provocations.

:func:`decide` is the one decision function of both engines: the mesa model runs it
on one agent's row, the batch engine on all rows of a block at once.  It reads the
state and the view at t and returns the decisions for t+1; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..random import uniforms
from ..rules import alliances, arms, provocations, relations, sanctions
from . import lifetimes
from .state import State, Structure

# --------------------------------------------------------------------------- decisions


@dataclass
class Decision:
    """What actors decide in a step, for rows ``I`` of the actors (one agent, or all).

    Leading dimensions are free, as everywhere in the engine: ``()`` in the mesa model,
    ``(R,)`` in the batch engine.  A user-written decision rule (``docs/extending.md``)
    changes these arrays in place between :func:`decide` and ``apply``.

    Attributes
    ----------
    burden_logit : (..., I) the logit z of the defence burden at t+1; the burden is
        s = s_min + (s_max - s_min) logistic(z) (:mod:`sim.rules.arms`).
    relation : (..., I, N) attitudes of the rows toward every actor at t+1, in (-1, 1),
        zero toward themselves.
    sanction : (..., I, N) unilateral sanctions of the rows on every actor at t+1,
        in [0, 1), zero on themselves.
    alliance : (..., I, N) the rows' commitments to every actor's defence at t+1, in
        [0, 1], zero to themselves (:mod:`sim.rules.alliances`).
    events : (..., I) provocations of the rows in the step (counts, >= 0).
    """

    burden_logit: np.ndarray
    relation: np.ndarray
    sanction: np.ndarray
    alliance: np.ndarray
    events: np.ndarray

    ACTOR_FIELDS = ("burden_logit", "events")
    """Fields with one value per actor row; the others have a row of partners."""

    @classmethod
    def empty(cls, st: State) -> Decision:
        """Uninitialised decisions of every actor, shaped like the state ``st``.

        Parameters
        ----------
        st : State
            A state (one run or a block).
        """
        return cls(
            burden_logit=np.empty_like(st.burden_logit),
            relation=np.empty_like(st.relation),
            sanction=np.empty_like(st.sanction),
            alliance=np.empty_like(st.alliance),
            events=np.empty_like(st.burden),
        )

    def write(self, decision: Decision, rows: slice) -> None:
        """Write the decisions of actor ``rows`` into this decision of all actors.

        Parameters
        ----------
        decision : Decision
            The decisions of those rows (:func:`decide` with ``rows``).
        rows : slice
            The actor rows.
        """
        for f in fields(self):
            dims = 1 if f.name in self.ACTOR_FIELDS else 2
            index = (Ellipsis, rows) + (slice(None),) * (dims - 1)
            getattr(self, f.name)[index] = getattr(decision, f.name)


def _rows(a: np.ndarray, rows: slice, dims: int) -> np.ndarray:
    """Select actor rows along the axis that is ``dims`` from the end."""
    index = (Ellipsis, rows) + (slice(None),) * (dims - 1)
    return a[index]


def decide(st: State, S: Structure, view: dict[str, Any], rows: slice) -> Decision:
    """Decisions of the actors in ``rows`` (a slice) from the state and view at t.

    Parameters
    ----------
    st : the state at t (one run or a block).
    S : the structure of the run(s).
    view : what :func:`sim.engine.perceive.perceive` derived from ``st``.
    rows : the actor rows to decide for (one agent's ``slice(i, i + 1)``, or all).

    Returns
    -------
    The :class:`Decision` of those rows; nothing is written.
    """
    t, dt = view["t"], S.dt
    gone = lifetimes.absent(S, t)
    if gone is not None:  # absent actors are distant (their own decisions are discarded)
        st = lifetimes.masked(st, S, gone)
    d = st.doctrine

    def a1(x):
        return _rows(x, rows, 1)

    def a2(x):
        return _rows(x, rows, 2)

    def doc(name):
        return a1(d[name])

    # arms (Richardson on the burden logit)
    z = arms.burden_logit_step(
        a1(st.burden_logit),
        a1(st.burden),
        arms.reference_burden(
            a1(st.burden_schedule[..., t, :]),
            doc("war_burden"),
            a1(view["war_demand"]),
            a1(st.war_series[..., 0, :]),
        ),
        a1(view["insecurity"]),
        a1(st.tolerance),
        doc("threat_sensitivity"),
        doc("fatigue"),
        doc("grievance"),
        dt,
        st.model["burden_floor"][..., None],
        st.model["burden_ceiling"][..., None],
    )
    # relations and alliances
    shared = relations.shared_threat(a2(view["tau"]), view["tau"])
    up, down = relation_forcings(st, S, view, rows, shared)
    rel = relations.step(
        a2(st.relation), up, down, a2(st.relation_offset_up), a2(st.relation_offset_down), dt
    )
    a_up, a_down = alliance_forcings(st, view, rows, shared)
    ally = alliances.step(a2(st.alliance), a_up, a_down, dt)
    # unilateral sanctions
    s_up, s_down = sanction_forcings(st, view, rows)
    sanc = sanctions.unilateral_step(
        a2(st.sanction), s_up, s_down, a2(st.sanction_offset_up), a2(st.sanction_offset_down), dt
    )
    # provocation
    if view["deterministic"]:
        events = np.zeros_like(a1(view["hazard"]))
    else:
        u = uniforms(view["seed"], "provocation", S.keys[rows], 0, t)
        events = provocations.occurs(a1(view["hazard"]), dt, u)
    n = S.n
    diag = np.zeros((n, n), dtype=bool)
    np.fill_diagonal(diag, True)
    rel = np.where(diag[rows], 0.0, rel)
    sanc = np.where(diag[rows], 0.0, sanc)
    ally = np.where(diag[rows], 0.0, ally)
    return Decision(burden_logit=z, relation=rel, sanction=sanc, alliance=ally, events=events)


def relation_forcings(st: State, S: Structure, view, rows: slice, shared: np.ndarray | None = None):
    """Forcings (F+, F-) on the attitudes of actor ``rows``, per year (:mod:`sim.rules.relations`).

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t.
    rows : slice
        The actor rows.
    shared : ndarray, optional
        (..., I, N) shared threat of the rows (computed here when not given).
    """
    m, d = st.model, st.doctrine
    tau = view["tau"]
    rel_t = np.swapaxes(st.relation, -1, -2)
    sanc_t = np.swapaxes(st.sanction, -1, -2)

    def a1(x):
        return _rows(x, rows, 1)

    def a2(x):
        return _rows(x, rows, 2)

    if shared is None:
        shared = relations.shared_threat(a2(tau), tau)
    return relations.forcings(
        a2(st.relation),
        a2(rel_t),
        a1(d["hostility_bias"]),
        a2(st.baseline_relation),
        a2(tau),
        shared,
        a2(view["dependence"]),
        a2(view["need"]),
        a2(sanc_t),
        a2(view["enforcement"]),
        a2(st.alliance),
        a2(st.proximity),
        st.provocation_memory,
        a2(st.summit_memory),
        a1(d["reciprocity"]),
        a1(d["forgiveness"]),
        a1(d["baseline_pull"]),
        a1(d["shared_threat_weight"]),
        a1(d["threat_response"]),
        a1(d["trade_affinity"]),
        a1(d["need_warmth"]),
        a1(d["sanction_resentment"]),
        a1(d["enforcement_resentment"]),
        a1(d["provocation_sensitivity"]),
        a1(d["entrapment_sensitivity"]),
        a1(d["summit_warmth"]),
        m["relation_sharpness"][..., None, None],
    )


def alliance_drive(st: State, view, rows: slice, shared: np.ndarray) -> np.ndarray:
    """The drive of the commitments of actor ``rows`` (:func:`sim.rules.alliances.drive`).

    Parameters
    ----------
    st : State
        The state at t.
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t.
    rows : slice
        The actor rows.
    shared : ndarray
        (..., I, N) shared threat of the rows.
    """
    m = st.model
    return alliances.drive(
        _rows(st.relation, rows, 2),
        _rows(np.swapaxes(st.relation, -1, -2), rows, 2),
        shared,
        _rows(view["need"], rows, 2),
        m["alliance_relation_weight"][..., None, None],
        m["alliance_threat_weight"][..., None, None],
        m["alliance_need_weight"][..., None, None],
    )


def alliance_forcings(st: State, view, rows: slice, shared: np.ndarray):
    """Forcings (up, down) on the commitments of actor ``rows``, per year.

    Parameters
    ----------
    st : State
        The state at t.
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t.
    rows : slice
        The actor rows.
    shared : ndarray
        (..., I, N) shared threat of the rows.
    """
    m = st.model
    return alliances.forcings(
        alliance_drive(st, view, rows, shared),
        _rows(st.alliance_drive0, rows, 2),
        _rows(st.alliance_level, rows, 2),
        m["alliance_pull"][..., None, None],
        m["alliance_formation"][..., None, None],
        m["alliance_lapse"][..., None, None],
    )


def sanction_forcings(st: State, view, rows: slice):
    """Forcings (up, down) on the unilateral sanctions of actor ``rows``, per year.

    Parameters
    ----------
    st : State
        The state at t: one run (leading shape ``()``) or a block (``(R,)``).
    view : dict
        What :func:`~sim.engine.perceive.perceive` derived from the state at t.
    rows : slice
        The actor rows.
    """
    m, d = st.model, st.doctrine
    g = sanctions.gate(
        _rows(view["hostility"], rows, 2),
        st.provocation_memory,
        m["sanction_hostility_threshold"][..., None, None],
        m["sanction_memory_threshold"][..., None, None],
    )
    return sanctions.unilateral_forcings(
        g, _rows(d["sanction_propensity"], rows, 1), _rows(d["sanction_decay"], rows, 1)
    )
