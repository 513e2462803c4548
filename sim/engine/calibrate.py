"""Calibration: the start of a run as an equilibrium of the deterministic model.

:func:`calibrate` fixes, in place, the quantities that make the starting state a
fixed point of the deterministic one-step map (tolerances, structural affinities,
offsets of existing sanctions, trade potentials, starting memories);
:func:`seed_run` draws a run's starting misperceptions.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..random import normals, seed_for_pairs
from ..rules import engagement, misperception, provocations, relations, sanctions, trade
from ..rules.common import signed_offsets, sum_terms, unit_offsets
from . import lifetimes
from .decide import alliance_drive, relation_forcings, sanction_forcings
from .perceive import perceive, trade_view
from .state import State, Structure
from .world import trade_volumes

GAIN_ITERATIONS = 48
"""Bisection steps for a regime's enforcement gain (48 halve the log range to 1e-14)."""

GAIN_RANGE = (1e-2, 1e2)
"""Bounds of a regime's enforcement gain."""

MEMORY_ITERATIONS = 8
"""Fixed-point iterations for the starting provocation memory (it feeds its hazard)."""

# --------------------------------------------------------------------------- calibration


def calibrate(st: State, S: Structure) -> None:
    """Make the start an equilibrium of the deterministic model (in place).

    In order: unilateral sanctions get their floor; trade potentials reproduce the
    starting total flows (where a scenario gives pre-sanctions potentials, the
    enforcement gains are found so that they do: :func:`_calibrate_potentials`), and
    the flows start at the model's split of them into
    recorded and unrecorded (given coverage and compliance), so that the split does
    not drift in the first year; provocation and summit memories start at their
    expected stationary level (hazard times memory time); tolerances equal the
    starting insecurity; alliance drives start as the drives that sustain the starting
    commitments; structural offsets hold the starting attitudes and
    unilateral sanctions; the trade volume and evasion at the start count as the last
    step's (the growth effects follow their changes from there).

    Parameters
    ----------
    st : State
        The state at the start: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).

    Notes
    -----
    With actors absent at the start (entrants, successors), the others are calibrated
    without them (:func:`~sim.engine.lifetimes.masked`), and each entrant's own quantities
    (its tolerance, offsets, potentials, memories, the drives of its commitments) are
    those of a calibration of the whole cast as if it were present: they hold its
    figures in equilibrium when it enters.  Its trade flows start at 0.
    """
    gone = lifetimes.absent(S, 0)
    if gone is None:
        _calibrate(st, S)
        return
    whole = st.copy()
    _calibrate(whole, replace(S, active=None))
    held = lifetimes.hold(whole, S, gone)
    new = lifetimes.masked(st, S, gone)
    _calibrate(new, S)
    lifetimes.write_back(st, new, held, S, gone)


def _calibrate(st: State, S: Structure) -> None:
    st.sanction = sanctions.floor(st.sanction)
    tau = st.model["memory_time"]
    st.summit_memory = engagement.stationary_memory(st.summit_rate, tau[..., None, None])
    # trade: potentials (given, or starting flows / passing share); flows at their targets
    _calibrate_potentials(st, S)
    view = perceive(st, S, 0, 0, deterministic=True)
    st.recorded = view["recorded_target"].copy(order="K")
    st.unrecorded = view["unrecorded_target"].copy(order="K")
    for _ in range(MEMORY_ITERATIONS):  # memories start at their expected level
        view = perceive(st, S, 0, 0, deterministic=True)
        st.provocation_memory = provocations.stationary_memory(
            view["background_hazard"], tau[..., None], st.doctrine["self_excitation"]
        )
    view = perceive(st, S, 0, 0, deterministic=True)
    st.tolerance = view["insecurity"].copy(order="K")
    rows = slice(None)
    shared = relations.shared_threat(view["tau"], view["tau"])
    st.alliance_drive0 = alliance_drive(st, view, rows, shared)
    up, down = relation_forcings(st, S, view, rows, shared)
    st.relation_offset_up, st.relation_offset_down = signed_offsets(st.relation, up, down)
    s_up, s_down = sanction_forcings(st, view, rows)
    st.sanction_offset_up, st.sanction_offset_down = unit_offsets(st.sanction, s_up, s_down)
    st.volume_last, st.evasion_last = trade_volumes(S, st, view)
    st.growth = st.base_growth.copy(order="K")


def _set_potentials(st: State, S: Structure) -> None:
    """Potentials given by the scenario where it gives them, else the starting flows over
    their passing and open shares (they then reproduce themselves), at the current
    enforcement gains.  A given potential is the level before any border closure."""
    view = trade_view(st, S, 0)
    _, pass_share = trade.pass_through(st.coverage, view["compliance"], S.flows)
    bite = trade.unilateral_bite(st.sanction)
    open_share = S.flows.of_dyads(trade.open_share(st.doctrine["border_closure"]))
    inverted = trade.base_potential(
        st.recorded, st.unrecorded, pass_share, bite, S.flows, open_share
    )
    given = st.potential_given
    st.potential0 = np.where(np.isfinite(given), given, inverted)


def _calibrate_potentials(st: State, S: Structure) -> None:
    """Trade potentials, and the enforcement gain of each partner whose flows with a
    target have given potentials.

    A scenario may give the pre-sanctions level of flows between a target T and a
    partner i (``potential``, e.g. North Korea's 2016 trade with China).  The gain g[i, T]
    of i's enforcement of the regime on T (effective compliance 1 - (1 - ec)^g) is then
    found by bisection in log g over [GAIN_RANGE] so that the model's starting trade of
    the pair, both ways and over all categories, equals the starting trade the scenario
    gives: the regime binds as much as the gap between pre-sanctions and current trade
    says.  Fixed iterations keep every run of a block exactly as it would be alone.
    """
    observed = st.recorded + st.unrecorded
    given = np.isfinite(st.potential_given)
    fl = S.flows
    pairs = []
    for target in S.targets.tolist():
        for partner in range(S.n):
            ks = _pair_flows(fl, partner, target)
            if len(ks) and given[..., ks].any():
                pairs.append((partner, target, ks))
    _set_potentials(st, S)
    if not pairs:
        return
    chosen = np.zeros((S.n, S.n), dtype=bool)
    for partner, target, _ in pairs:
        chosen[partner, target] = True
    lo = np.full(st.enforcement_gain.shape, np.log(GAIN_RANGE[0]))
    hi = np.full(st.enforcement_gain.shape, np.log(GAIN_RANGE[1]))
    for _ in range(GAIN_ITERATIONS):
        mid = 0.5 * (lo + hi)
        st.enforcement_gain = np.where(chosen, np.exp(mid), 1.0)
        _set_potentials(st, S)
        view = trade_view(st, S, 0)
        flows = view["recorded_target"] + view["unrecorded_target"]
        too_open = np.zeros(st.enforcement_gain.shape, dtype=bool)
        for partner, target, ks in pairs:
            too_open[..., partner, target] = sum_terms(flows, ks) > sum_terms(observed, ks)
        lo = np.where(too_open, mid, lo)
        hi = np.where(too_open, hi, mid)
    st.enforcement_gain = np.where(chosen, np.exp(0.5 * (lo + hi)), 1.0)
    _set_potentials(st, S)


def _pair_flows(fl, i: int, j: int) -> np.ndarray:
    """Positions of the flows between actors i and j, both ways."""
    return np.flatnonzero(
        ((fl.source == i) & (fl.target == j)) | ((fl.source == j) & (fl.target == i))
    )


def seed_run(st: State, S: Structure, seed) -> None:
    """Draw a run's starting misperceptions from their stationary distribution (in place).

    Parameters
    ----------
    st : State
        The state at the start: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    seed : int or ndarray
        The run seed, or (R, 1) seeds of a block.
    """
    sd = st.doctrine["misperception"][..., :, None]
    eps = normals(seed_for_pairs(seed), "misperception", S.keys[:, None], S.keys[None, :], 0)
    st.misperception = misperception.stationary(sd, eps)
