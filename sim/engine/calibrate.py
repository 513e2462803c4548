"""Calibration: the start of a run as an equilibrium of the deterministic model.

:func:`calibrate` fixes, in place, the quantities that make the starting state a
fixed point of the deterministic one-step map (tolerances, structural affinities,
offsets of existing sanctions, trade potentials, starting memories);
:func:`seed_run` draws a run's starting misperceptions.
"""

from __future__ import annotations

from ..random import normals, seed_for_pairs
from ..rules import engagement, misperception, provocations, sanctions, trade
from ..rules.common import signed_offsets, unit_offsets
from .decide import relation_forcings, sanction_forcings
from .perceive import perceive
from .state import State, Structure
from .world import trade_shares

MEMORY_ITERATIONS = 8
"""Fixed-point iterations for the starting provocation memory (it feeds its hazard)."""

# --------------------------------------------------------------------------- calibration


def calibrate(st: State, S: Structure) -> None:
    """Make the start an equilibrium of the deterministic model (in place).

    In order: unilateral sanctions get their floor; trade potentials reproduce the
    starting total flows, and the flows start at the model's split of them into
    recorded and unrecorded (given coverage and compliance), so that the split does
    not drift in the first year; provocation and summit memories start at their
    expected stationary level (hazard times memory time); tolerances equal the
    starting insecurity; structural offsets hold the starting attitudes and
    unilateral sanctions; lost and unrecorded trade shares at the start are the zero
    of the growth effects.

    Parameters
    ----------
    st : State
        The state at the start: one run (leading shape ``()``) or a block (``(R,)``).
    S : Structure
        What the scenario fixes for the run(s).
    """
    st.sanction = sanctions.floor(st.sanction)
    tau = st.model["memory_time"]
    st.summit_memory = engagement.stationary_memory(st.summit_rate, tau[..., None, None])
    # trade: potential = starting flows / passing share; flows at their targets
    view = perceive(st, S, 0, 0, deterministic=True)
    _, pass_share = trade.pass_through(st.coverage, view["compliance"], S.flows)
    bite = trade.unilateral_bite(st.sanction)
    st.potential0 = trade.base_potential(st.recorded, st.unrecorded, pass_share, bite, S.flows)
    view = perceive(st, S, 0, 0, deterministic=True)
    st.recorded = view["recorded_target"].copy(order="K")
    st.unrecorded = view["unrecorded_target"].copy(order="K")
    for _ in range(MEMORY_ITERATIONS):  # memories start at their expected level
        view = perceive(st, S, 0, 0, deterministic=True)
        st.provocation_memory = provocations.stationary_memory(view["hazard"], tau[..., None])
    view = perceive(st, S, 0, 0, deterministic=True)
    st.tolerance = view["insecurity"].copy(order="K")
    rows = slice(None)
    up, down = relation_forcings(st, S, view, rows)
    st.relation_offset_up, st.relation_offset_down = signed_offsets(st.relation, up, down)
    s_up, s_down = sanction_forcings(st, view, rows)
    st.sanction_offset_up, st.sanction_offset_down = unit_offsets(st.sanction, s_up, s_down)
    lost, evasion = trade_shares(st, S, view)
    st.lost_share0, st.evasion_share0 = lost, evasion
    st.growth = st.base_growth.copy(order="K")


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
