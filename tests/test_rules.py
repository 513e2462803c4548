"""The pure rules (sim/rules, sim/measures.py): stacked blocks equal slices; documented behaviour.

DESIGN §6: every rule takes arrays whose leading dimensions are free, so one run's
rows in the mesa model and a (runs x actors) block in the batch engine give the
same numbers.  Each rule is run here on a random but valid (R, N, ...) block and on
each run slice alone, and must agree exactly; the per-row rules also on each actor
row.  Then the behaviours the docstrings promise: scale invariance of insecurity,
bounded updates that never leave their interval, monotone event draws, a smooth
minimum below the minimum, and relaxations exact over any step length.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from model_fixtures import baseline, one_step

import sim.rules
from sim import measures
from sim.engine import phases as dynamics
from sim.engine.model import GeoModel
from sim.rules import (
    alliances,
    arms,
    bargain,
    common,
    credibility,
    economy,
    engagement,
    misperception,
    power,
    provocations,
    reactions,
    relations,
    sanctions,
    threat,
    trade,
)

RULE_MODULES = [
    importlib.import_module(f"sim.rules.{m.name}") for m in pkgutil.iter_modules(sim.rules.__path__)
] + [measures]
"""Every module of sim.rules (a new one is covered without editing this list) and the
measures."""
EXEMPT = {
    "common.off_diagonal": "takes only N and has no leading dimensions",
    "engagement.upper_pairs": "takes only N and has no leading dimensions",
    "measures.configurations": "takes only N and has no leading dimensions",
    "economy.growth_bound": "takes only the step length and has no leading dimensions",
    "common.off_diagonal_weights": "takes only N and has no leading dimensions",
    "common.namespace": "returns a module, not numbers",
    "common.zeros": "takes only a namespace and a shape",
}
RUNS = 3
CATEGORIES = 5
SIZES = [1, 2, 6, 13]  # 13 > 8 actors exercises numpy's unrolled and pairwise sums


class Block:
    """Random valid inputs with a leading run dimension R (seeded, never global)."""

    def __init__(self, rng: np.random.Generator, n: int):
        self.rng, self.n = rng, n

    def run(self, lo=0.0, hi=1.0, trailing=0):
        """A per-run parameter, shape (R,) + (1,) * trailing (as sim.step passes them)."""
        return self.rng.uniform(lo, hi, (RUNS,) + (1,) * trailing)

    def actor(self, lo=0.0, hi=1.0, zeros=0.0):
        return self._draw((RUNS, self.n), lo, hi, zeros)

    def dyad(self, lo=0.0, hi=1.0, zeros=0.0, diagonal=None):
        x = self._draw((RUNS, self.n, self.n), lo, hi, zeros)
        if diagonal is not None:
            x[:, np.arange(self.n), np.arange(self.n)] = diagonal
        return x

    @property
    def flows(self) -> trade.Flows:
        """Every off-diagonal (exporter, importer, category) as a possible flow."""
        n = self.n
        every = [(i, j, c) for i in range(n) for j in range(n) for c in range(CATEGORIES)]
        return trade.Flows.of(every, n, CATEGORIES)

    def flow(self, lo=0.0, hi=10.0, zeros=0.3):
        """Trade flows, (R, K) over ``flows``."""
        return self._draw((RUNS, self.flows.size), lo, hi, zeros)

    def cat(self, lo=0.0, hi=1.0, zeros=0.3):
        return self._draw((RUNS, self.n, CATEGORIES), lo, hi, zeros)

    def series(self, lo, hi, length, nans=0.0):
        """Trajectories (R, N, T), with some NaN."""
        x = self.rng.uniform(lo, hi, (RUNS, self.n, length))
        return np.where(self.rng.uniform(size=x.shape) < nans, np.nan, x)

    def mask(self, shape, p=0.5):
        return self.rng.uniform(size=shape) < p

    def _draw(self, shape, lo, hi, zeros):
        x = self.rng.uniform(lo, hi, shape)
        if zeros:
            x = np.where(self.rng.uniform(size=shape) < zeros, 0.0, x)
        return x


@dataclass
class Case:
    """A rule, how to build its block inputs, and which inputs are shared by all runs."""

    func: Callable[..., Any]
    build: Callable[[Block], tuple[dict[str, Any], dict[str, Any]]]


def _signed(b: Block):
    return b.dyad(-0.98, 0.98, diagonal=0.0)


def _symmetric(b: Block):
    """Signed propensities, symmetric with a zero diagonal."""
    x = b.dyad(-1, 1, 0.1, diagonal=0.0)
    return 0.5 * (x + np.swapaxes(x, -1, -2))


CASES: dict[str, Case] = {
    # common
    "common.sigmoid": Case(common.sigmoid, lambda b: ({"x": b.dyad(-50, 50)}, {})),
    "common.softplus": Case(
        common.softplus, lambda b: ({"x": b.dyad(-3, 3), "sharpness": b.run(1, 10, 2)}, {})
    ),
    "common.smooth_min": Case(
        common.smooth_min, lambda b: ({"a": b.dyad(0, 5, 0.2), "b": b.dyad(0, 5, 0.2)}, {})
    ),
    "common.relax_signed": Case(
        common.relax_signed,
        lambda b: (
            {"x": _signed(b), "up": b.dyad(0, 3, 0.2), "down": b.dyad(0, 3, 0.2)},
            {"dt": 0.25},
        ),
    ),
    "common.relax_unit": Case(
        common.relax_unit,
        lambda b: (
            {"x": b.dyad(0.01, 0.99), "up": b.dyad(0, 3, 0.2), "down": b.dyad(0, 3, 0.2)},
            {"dt": 0.25},
        ),
    ),
    "common.signed_offsets": Case(
        common.signed_offsets,
        lambda b: ({"x0": _signed(b), "up": b.dyad(0, 3, 0.2), "down": b.dyad(0, 3, 0.2)}, {}),
    ),
    "common.unit_offsets": Case(
        common.unit_offsets,
        lambda b: (
            {"x0": b.dyad(0.001, 0.99), "up": b.dyad(0, 3, 0.2), "down": b.dyad(0, 3, 0.2)},
            {},
        ),
    ),
    "common.perceived_attitude": Case(
        common.perceived_attitude,
        lambda b: ({"relation": _signed(b), "bias": b.actor(-0.5, 0.5)[..., :, None]}, {}),
    ),
    "common.power": Case(
        common.power,
        # 2 and 0.5 are the exponents numpy's scalar loop treats specially
        lambda b: (
            {"base": b.dyad(0, 3), "exponent": np.array([2.0, 0.5, 1.7])[:, None, None]},
            {},
        ),
    ),
    "common.sum_last": Case(common.sum_last, lambda b: ({"x": b.dyad(-2, 5)}, {})),
    "common.sum_second_last": Case(common.sum_second_last, lambda b: ({"x": b.dyad(-2, 5)}, {})),
    "common.sum_last_two": Case(common.sum_last_two, lambda b: ({"x": b.dyad(-2, 5)}, {})),
    "common.sum_terms": Case(
        common.sum_terms, lambda b: ({"x": b.dyad(-2, 5)}, {"index": np.arange(b.n)[::-1]})
    ),
    "common.runs_fastest": Case(common.runs_fastest, lambda b: ({"x": b.dyad(-2, 5)}, {})),
    "common.take_last": Case(
        common.take_last,
        lambda b: ({"x": b.dyad(-2, 5)}, {"index": np.array([b.n - 1, 0, b.n - 1])}),
    ),
    "common.take_pairs": Case(
        common.take_pairs,
        lambda b: (
            {"x": b.dyad(-2, 5)},
            {"rows": np.arange(b.n)[::-1], "cols": (np.arange(b.n) * 2) % b.n},
        ),
    ),
    "common.place_last": Case(
        common.place_last,
        lambda b: (
            {"values": b.actor(-2, 5)},
            {"index": np.arange(b.n)[::-1] * 2, "size": 2 * b.n + 1},
        ),
    ),
    "common.place_pairs": Case(
        common.place_pairs,
        lambda b: (
            {"values": b.actor(-2, 5)},
            {"rows": np.arange(b.n), "cols": np.arange(b.n)[::-1], "n": b.n},
        ),
    ),
    "common.prod_last": Case(common.prod_last, lambda b: ({"x": b.dyad(0, 1.5)}, {})),
    "common.prod_second_last": Case(common.prod_second_last, lambda b: ({"x": b.dyad(0, 1.5)}, {})),
    "common.event_counts": Case(
        common.event_counts,
        lambda b: ({"hazard": b.actor(0, 40, 0.2), "uniforms": b.actor(0, 1)}, {"dt": 0.25}),
    ),
    "common.memory_update": Case(
        common.memory_update,
        lambda b: (
            {
                "memory": b.actor(0, 5),
                "events": np.floor(b.actor(0, 3, 0.5)),
                "time_constant": b.run(0.25, 3, 1),
            },
            {"dt": 0.25},
        ),
    ),
    "common.decay_factor": Case(
        common.decay_factor, lambda b: ({"time_constant": b.actor(0.25, 3)}, {"dt": 0.25})
    ),
    "common.event_probability": Case(
        common.event_probability, lambda b: ({"hazard": b.actor(0, 10, 0.2)}, {"dt": 0.25})
    ),
    # power
    "power.reference_capability": Case(
        power.reference_capability,
        lambda b: (
            {
                "world_milex": b.run(1000, 3000),
                "depreciation": b.run(0.05, 0.15),
                "world_milex_growth": b.run(-0.02, 0.1),
            },
            {},
        ),
    ),
    "power.world_total": Case(
        power.world_total,
        lambda b: (
            {"start": b.run(1, 5), "growth": b.run(-0.05, 0.1), "log_path": b.run(-0.2, 0.5)},
            {"years": 7.5},
        ),
    ),
    "power.power": Case(
        power.power,
        lambda b: (
            {
                "gdp": b.actor(1, 3e4),
                "capability": b.actor(1, 1e4),
                "population": b.actor(1, 1500),
                "world_gdp": b.run(1e5, 2e5, 1),
                "world_capability": b.run(1e4, 5e4, 1),
                "world_population": b.run(7e3, 9e3, 1),
                "weight_gdp": b.run(0, 1, 1),
                "weight_military": b.run(0.1, 1, 1),
                "weight_population": b.run(0, 1, 1),
            },
            {},
        ),
    ),
    "power.regional_power": Case(
        power.regional_power,
        lambda b: ({"power_share": b.actor(0, 0.3), "presence": b.actor(0, 1)}, {}),
    ),
    "power.initial_capability": Case(
        power.initial_capability,
        lambda b: (
            {
                "milex": b.actor(1, 1000),
                "ppp_factor": b.actor(0.5, 4),
                "depreciation": b.run(0.05, 0.15, 1),
                "milex_growth": b.actor(-0.1, 0.3),
            },
            {},
        ),
    ),
    # threat
    "threat.military_share": Case(
        threat.military_share,
        lambda b: ({"capability": b.actor(0, 1e4), "world_capability": b.run(1e4, 3e4, 1)}, {}),
    ),
    "threat.delivery": Case(
        threat.delivery,
        lambda b: (
            {
                "delivery_share": b.actor(0, 0.01, 0.3),
                "proximity": b.dyad(0, 1, 0.3),
                "half": b.run(1e-5, 1e-3, 2),
            },
            {},
        ),
    ),
    "threat.nuclear_weight": Case(
        threat.nuclear_weight,
        lambda b: ({"warheads": b.actor(0, 6000, 0.4), "half": b.run(10, 500, 1)}, {}),
    ),
    "threat.reach": Case(
        threat.reach,
        lambda b: (
            {
                "military": b.actor(0, 0.5),
                "presence": b.actor(0, 1),
                "proximity": b.dyad(0, 1, 0.3),
                "nuclear": b.actor(0, 1, 0.4),
                "delivery_matrix": b.dyad(0, 1, 0.3),
                "weight": b.run(0, 0.2, 2),
            },
            {},
        ),
    ),
    "threat.strength": Case(
        threat.strength,
        lambda b: (
            {
                "military": b.actor(0, 0.5),
                "presence": b.actor(0, 1),
                "nuclear": b.actor(0, 1, 0.4),
                "delivery_share": b.actor(0, 0.01, 0.3),
                "weight": b.run(0, 0.2, 1),
                "half": b.run(1e-5, 1e-3, 1),
            },
            {},
        ),
    ),
    "threat.hostility": Case(
        threat.hostility,
        lambda b: (
            {"relation": _signed(b), "bias": b.actor(-0.5, 0.5), "exponent": b.run(1, 3, 2)},
            {},
        ),
    ),
    "threat.threat_matrix": Case(
        threat.threat_matrix,
        lambda b: (
            {
                "hostility_matrix": b.dyad(0, 1),
                "reach_matrix": b.dyad(0, 0.2, 0.3, diagonal=0.0),
                "misperception": b.dyad(0.5, 1.5),
                "provocation_memory": b.actor(0, 5, 0.4),
                "weight": b.run(0, 0.5, 1),
            },
            {},
        ),
    ),
    "threat.cover": Case(
        threat.cover,
        lambda b: (
            {
                "credibility": b.dyad(0, 1),
                "alliance": b.dyad(0, 1, 0.5, diagonal=0.0),
                "reach_matrix": b.dyad(0, 0.2, 0.3, diagonal=0.0),
            },
            {},
        ),
    ),
    "threat.insecurity": Case(
        threat.insecurity,
        lambda b: (
            {
                "threat_total": b.actor(0, 0.5, 0.2),
                "own_strength": b.actor(0, 0.2, 0.1),
                "cover_total": b.actor(0, 0.2, 0.3),
                "background": b.run(0, 0.2, 1),
                "substitution": b.run(0, 1, 1),
                "exponent": b.run(0.5, 2, 1),
            },
            {},
        ),
    ),
    "threat.deterrence": Case(
        threat.deterrence,
        lambda b: (
            {
                "reach_matrix": b.dyad(0, 0.2, 0.3, diagonal=0.0),
                "own_strength": b.actor(0, 0.2, 0.1),
                "cover_total": b.actor(0, 0.2, 0.3),
            },
            {},
        ),
    ),
    # credibility
    "credibility.credibility": Case(
        credibility.credibility,
        lambda b: (
            {
                "alliance": b.dyad(0, 1, 0.5, diagonal=0.0),
                "presence_k": b.actor(0, 1),
                "vulnerability_k": b.actor(0, 1),
                "provocation_memory_i": b.actor(0, 5, 0.5),
                "base": b.run(-3, 1, 2),
                "w_alliance": b.run(0, 5, 2),
                "w_presence": b.run(0, 5, 2),
                "w_vulnerability": b.run(0, 5, 2),
                "w_provocation": b.run(0, 2, 2),
            },
            {},
        ),
    ),
    "credibility.hedging": Case(
        credibility.hedging,
        lambda b: (
            {
                "insecurity_i": b.actor(0, 1),
                "credibility": b.dyad(0, 1),
                "alliance": b.dyad(0, 1, 0.6, diagonal=0.0),
            },
            {},
        ),
    ),
    # arms
    "arms.burden_from_logit": Case(
        arms.burden_from_logit,
        lambda b: (
            {"z": b.actor(-8, 8), "floor": b.run(0, 0.01, 1), "ceiling": b.run(0.2, 0.6, 1)},
            {},
        ),
    ),
    "arms.logit_from_burden": Case(
        arms.logit_from_burden,
        lambda b: (
            {"s": b.actor(0.011, 0.19), "floor": b.run(0, 0.01, 1), "ceiling": b.run(0.2, 0.6, 1)},
            {},
        ),
    ),
    "arms.burden_logit_step": Case(
        arms.burden_logit_step,
        lambda b: (
            {
                "z": b.actor(-5, 0),
                "burden": b.actor(0.005, 0.2),
                "reference_burden": b.actor(0.005, 0.2),
                "insecurity": b.actor(0, 1),
                "tolerance": b.actor(0, 1),
                "threat_sensitivity": b.actor(0, 5),
                "fatigue": b.actor(0, 3),
                "grievance": b.actor(-0.5, 0.5),
                "floor": b.run(0.001, 0.002, 1),
                "ceiling": b.run(0.3, 0.4, 1),
            },
            {"dt": 0.25},
        ),
    ),
    "arms.capability_step": Case(
        arms.capability_step,
        lambda b: (
            {
                "capability": b.actor(0, 1e4),
                "inflow": b.actor(-10, 1000),
                "depreciation": b.run(0.05, 0.15, 1),
            },
            {"dt": 0.25},
        ),
    ),
    "arms.insecurity_logit": Case(
        arms.insecurity_logit, lambda b: ({"insecurity": b.actor(0.01, 0.99)}, {})
    ),
    "arms.delivery_inflow": Case(
        arms.delivery_inflow,
        lambda b: (
            {
                "milex": b.actor(1, 1000),
                "ppp_factor": b.actor(0.5, 4),
                "missile_share": b.actor(0, 0.5),
                "absorbed": b.actor(0, 2, 0.5),
                "absorptive_capacity": b.actor(0, 1),
            },
            {},
        ),
    ),
    "arms.capability_inflow": Case(
        arms.capability_inflow,
        lambda b: (
            {
                "milex": b.actor(1, 1000),
                "ppp_factor": b.actor(0.5, 4),
                "munitions": b.dyad(0, 3, 0.6, diagonal=0.0),
                "drawdown": b.run(0, 1),
                "transfers": b.dyad(0, 3, 0.6, diagonal=0.0),
                "absorbed": b.actor(0, 2, 0.5),
                "absorptive_capacity": b.actor(0, 1),
            },
            {},
        ),
    ),
    # alliances
    "alliances.drive": Case(
        alliances.drive,
        lambda b: (
            {
                "relation_ij": _signed(b),
                "relation_ji": _signed(b),
                "shared_ij": b.dyad(0, 0.5, 0.3),
                "need_ij": b.dyad(0, 1, 0.6),
                "w_relation": b.run(0, 3, 2),
                "w_threat": b.run(0, 5, 2),
                "w_need": b.run(0, 5, 2),
            },
            {},
        ),
    ),
    "alliances.forcings": Case(
        alliances.forcings,
        lambda b: (
            {
                "drive_ij": b.dyad(-1, 2),
                "drive0_ij": b.dyad(-1, 2),
                "level_ij": b.dyad(0, 1, 0.4, diagonal=0.0),
                "pull": b.run(0.02, 1, 2),
                "formation": b.run(0, 5, 2),
                "lapse": b.run(0, 5, 2),
            },
            {},
        ),
    ),
    "alliances.step": Case(
        alliances.step,
        lambda b: (
            {"alliance_ij": b.dyad(0, 1, 0.4), "up": b.dyad(0, 3, 0.2), "down": b.dyad(0, 3, 0.2)},
            {"dt": 0.25},
        ),
    ),
    # bargain
    "bargain.payments": Case(
        bargain.payments,
        lambda b: (
            {"munitions": b.dyad(0, 3, 0.5, diagonal=0.0), "ratio": b.run(0, 2)},
            {"shares": np.array([0.5, 0.2, 0.3])},
        ),
    ),
    "bargain.offered": Case(
        bargain.offered,
        lambda b: (
            {
                "capacity_c": b.actor(0, 20, 0.5),
                "payment_ratio": b.run(0.01, 1.5),
                "elasticity": b.run(0, 2),
            },
            {"reference_ratio": 0.5},
        ),
    ),
    "bargain.patron_need": Case(
        bargain.patron_need,
        lambda b: (
            {"munitions_pc": b.dyad(0, 3, 0.5, diagonal=0.0), "war_demand_p": b.actor(0, 5, 0.5)},
            {},
        ),
    ),
    "bargain.client_need": Case(
        bargain.client_need,
        lambda b: (
            {
                "paid_pc": b.dyad(0, 3, 0.5, diagonal=0.0),
                "technology_pc": b.dyad(0, 1, 0.5, diagonal=0.0),
                "imports_c": b.actor(0, 50, 0.2),
            },
            {},
        ),
    ),
    "bargain.need": Case(
        bargain.need,
        lambda b: ({"patron_pc": b.dyad(0, 1, 0.5), "client_cp": b.dyad(0, 1, 0.5)}, {}),
    ),
    "bargain.gains": Case(
        bargain.gains,
        lambda b: ({"need_ij": b.dyad(0, 1, 0.5), "leverage_ij": b.dyad(0, 1, 0.5)}, {}),
    ),
    "bargain.munitions": Case(
        bargain.munitions,
        lambda b: (
            {
                "war_demand_p": b.actor(0, 5, 0.6),
                "offered_c": b.actor(0, 20, 0.5),
                "relation": _signed(b),
                "multiplier": b.dyad(0, 3, 0.2, diagonal=1.0),
                "sharpness": b.run(1, 10, 2),
            },
            {},
        ),
    ),
    "bargain.technology": Case(
        bargain.technology,
        lambda b: (
            {
                "munitions_pc": b.dyad(0, 3, 0.5, diagonal=0.0),
                "war_demand_p": b.actor(0, 5, 0.5),
                "multiplier": b.dyad(0, 3, 0.2, diagonal=1.0),
                "willingness_p": b.actor(0, 1),
                "ratio": b.run(0, 0.5),
                "leverage": b.run(0, 3),
            },
            {},
        ),
    ),
    "bargain.pipeline_step": Case(
        bargain.pipeline_step,
        lambda b: (
            {
                "pipeline": b.actor(0, 3, 0.3),
                "inflow": b.actor(0, 2, 0.3),
                "lag": b.run(0.25, 3, 1),
            },
            {"dt": 0.25},
        ),
    ),
    "bargain.arms_transfers": Case(
        bargain.arms_transfers,
        lambda b: (
            {
                "willingness_i": b.actor(0, 1),
                "capacity_i": b.actor(0, 0.3),
                "interest_i": b.actor(0, 1),
                "milex_i": b.actor(1, 1000),
                "relation": _signed(b),
                "alliance": b.dyad(0, 1, 0.5, diagonal=0.0),
                "multiplier": b.dyad(0, 3, 0.2, diagonal=1.0),
                "gains": b.dyad(0, 2, 0.5),
                "insecurity": b.actor(0, 1),
                "tolerance": b.actor(0, 1),
                "milex": b.actor(1, 1000),
                "sharpness": b.run(1, 10, 2),
            },
            {},
        ),
    ),
    # engagement
    "engagement.summits": Case(
        engagement.summits,
        lambda b: (
            {
                "summit_rate": b.dyad(0, 4, 0.5, diagonal=0.0),
                "uniforms_upper": b.rng.uniform(0, 1, (RUNS, b.n * (b.n - 1) // 2)),
            },
            {"dt": 0.25},
        ),
    ),
    "engagement.memory_step": Case(
        engagement.memory_step,
        lambda b: (
            {
                "memory": b.dyad(0, 3, 0.5),
                "events": b.dyad(0, 1, 0.7),
                "time_constant": b.run(0.25, 3, 2),
            },
            {"dt": 0.25},
        ),
    ),
    "engagement.stationary_memory": Case(
        engagement.stationary_memory,
        lambda b: (
            {"summit_rate": b.dyad(0, 4, 0.5, diagonal=0.0), "time_constant": b.run(0.25, 3, 2)},
            {},
        ),
    ),
    "engagement.expected_summits": Case(
        engagement.expected_summits,
        lambda b: ({"summit_rate": b.dyad(0, 4, 0.5, diagonal=0.0)}, {"dt": 0.25}),
    ),
    # provocations
    "provocations.leverage": Case(
        provocations.leverage,
        lambda b: ({"imports_by_supplier": b.dyad(0, 50, 0.4, diagonal=0.0)}, {}),
    ),
    "provocations.essential_supply": Case(
        provocations.essential_supply,
        lambda b: (
            {
                "energy_food_flows": b.dyad(0, 50, 0.4, diagonal=0.0),
                "paid": b.dyad(0, 3, 0.6, diagonal=0.0),
                "supplied": b.dyad(0, 3, 0.6, diagonal=0.0),
            },
            {"paid_share": 0.7, "supplied_share": 0.0},
        ),
    ),
    "provocations.cover_share": Case(
        provocations.cover_share,
        lambda b: ({"cover": b.actor(0, 0.3, 0.4), "own_power": b.actor(0, 0.3, 0.2)}, {}),
    ),
    "provocations.stationary_memory": Case(
        provocations.stationary_memory,
        lambda b: (
            {
                "hazard_i": b.actor(0, 12, 0.3),
                "time_constant": b.run(0.25, 3, 1),
                "branching": b.actor(0, 0.9, 0.3),
            },
            {},
        ),
    ),
    "provocations.restraint": Case(
        provocations.restraint,
        lambda b: ({"stability_k": b.actor(0, 1), "leverage_ki": b.dyad(0, 1, 0.4)}, {}),
    ),
    "provocations.hazard": Case(
        provocations.hazard,
        lambda b: (
            {
                "base": b.actor(0, 12, 0.3),
                "boldness": b.actor(0, 5),
                "cover_share": b.actor(0, 1),
                "insecurity": b.actor(0, 1),
                "restraint_i": b.actor(0, 1),
            },
            {},
        ),
    ),
    "provocations.occurs": Case(
        provocations.occurs,
        lambda b: ({"hazard_i": b.actor(0, 12, 0.3), "uniforms": b.actor(0, 1)}, {"dt": 0.25}),
    ),
    "provocations.memory_step": Case(
        provocations.memory_step,
        lambda b: (
            {
                "memory": b.actor(0, 5),
                "events": b.actor(0, 1, 0.7),
                "time_constant": b.run(0.25, 3, 1),
            },
            {"dt": 0.25},
        ),
    ),
    "provocations.expected_memory_step": Case(
        provocations.expected_memory_step,
        lambda b: (
            {
                "memory": b.actor(0, 5),
                "hazard_i": b.actor(0, 12),
                "time_constant": b.run(0.25, 3, 1),
            },
            {"dt": 0.25},
        ),
    ),
    # reactions (counters per reaction: the actor axis stands for the reactions here)
    "reactions.holds": Case(
        reactions.holds,
        lambda b: (
            {"value": np.where(b.mask((RUNS, b.n), 0.2), np.nan, b.actor(-1, 1))},
            {"above": -0.2, "below": 0.6},
        ),
    ),
    "reactions.update": Case(
        reactions.update,
        lambda b: (
            {
                "streak": b.rng.integers(0, 4, (RUNS, b.n)),
                "since_fired": b.rng.integers(0, 6, (RUNS, b.n)),
                "fired_count": b.rng.integers(0, 2, (RUNS, b.n)),
                "condition": b.mask((RUNS, b.n)),
            },
            {"for_steps": 2, "every": 3, "once": True},
        ),
    ),
    # relations
    "relations.threat_shares": Case(
        relations.threat_shares,
        lambda b: (
            {
                "threat": b.dyad(0, 0.2, 0.3, diagonal=0.0),
                "own_power": b.actor(0, 0.2),
                "cover_total": b.actor(0, 0.2, 0.3),
            },
            {},
        ),
    ),
    "relations.shared_threat": Case(
        relations.shared_threat,
        lambda b: (
            {"tau_rows": (tau := b.dyad(0, 0.5, 0.3, diagonal=0.0)), "tau": tau.copy()},
            {},
        ),
    ),
    "relations.trade_dependence": Case(
        relations.trade_dependence, lambda b: ({"exports": b.dyad(0, 5, diagonal=0.0)}, {})
    ),
    "relations.forcings": Case(relations.forcings, lambda b: (_forcing_inputs(b), {})),
    "relations.step": Case(
        relations.step,
        lambda b: (
            {
                "relation_ij": _signed(b),
                "up": b.dyad(0, 3, 0.2),
                "down": b.dyad(0, 3, 0.2),
                "offset_up": b.dyad(0, 0.5, 0.5),
                "offset_down": b.dyad(0, 0.5, 0.5),
            },
            {"dt": 0.25},
        ),
    ),
    # sanctions
    "sanctions.gate": Case(
        sanctions.gate,
        lambda b: (
            {
                "hostility_ij": b.dyad(0, 2),
                "memory_j": b.actor(0, 5, 0.3),
                "hostility_threshold": b.run(0, 1, 2),
                "memory_threshold": b.run(0, 3, 2),
            },
            {},
        ),
    ),
    "sanctions.unilateral_forcings": Case(
        sanctions.unilateral_forcings,
        lambda b: (
            {
                "gate_ij": b.dyad(0, 1),
                "propensity_i": b.actor(0, 2),
                "decay_i": b.actor(0.02, 1),
            },
            {},
        ),
    ),
    "sanctions.unilateral_step": Case(
        sanctions.unilateral_step,
        lambda b: (
            {
                "sanction": b.dyad(0.001, 0.99),
                "up": b.dyad(0, 2, 0.2),
                "down": b.dyad(0, 1, 0.2),
                "offset_up": b.dyad(0, 0.5, 0.5),
                "offset_down": b.dyad(0, 0.5, 0.5),
            },
            {"dt": 0.25},
        ),
    ),
    "sanctions.vetoes": Case(
        sanctions.vetoes,
        lambda b: (
            {
                "relation_vt": b.actor(-1, 1),
                "relation_to_sponsors_v": b.actor(-1, 1),
                "threshold_v": b.actor(-0.5, 1.5),
            },
            {"holders": b.mask(b.n)},
        ),
    ),
    "sanctions.abstentions": Case(
        sanctions.abstentions,
        lambda b: (
            {
                "relation_vt": b.actor(-1, 1),
                "relation_to_sponsors_v": b.actor(-1, 1),
                "threshold_v": b.actor(-0.5, 1.5),
                "margin": b.run(0, 1, 1),
            },
            {"holders": b.mask(b.n)},
        ),
    ),
    "trade.open_share": Case(trade.open_share, lambda b: ({"closure": b.actor(0, 1, 0.6)}, {})),
    "arms.reference_burden": Case(
        arms.reference_burden,
        lambda b: (
            {
                "scheduled": b.actor(0.005, 0.3),
                "war_burden": b.actor(0, 0.15, 0.5),
                "war_demand": b.actor(0, 50, 0.6),
                "war_demand_start": b.actor(0, 50, 0.6),
            },
            {},
        ),
    ),
    "provocations.conditioned": Case(
        provocations.conditioned,
        lambda b: (
            {
                "hazard_i": b.actor(0, 12, 0.3),
                "moratorium": b.actor(0, 1, 0.6),
                "engagement": b.actor(0, 4, 0.3),
                "engagement_restraint": b.actor(0, 5, 0.3),
                "pressure": b.actor(0, 1, 0.3),
                "defiance": b.actor(-1, 2, 0.3),
            },
            {},
        ),
    ),
    "provocations.self_excited": Case(
        provocations.self_excited,
        lambda b: (
            {
                "hazard_i": b.actor(0, 12, 0.3),
                "memory": b.actor(0, 10, 0.2),
                "branching": b.actor(0, 0.9, 0.3),
                "time_constant": b.run(0.25, 3, 1),
            },
            {},
        ),
    ),
    "provocations.engagement_of": Case(
        provocations.engagement_of,
        lambda b: ({"summit_memory": b.dyad(0, 3, 0.5, diagonal=0.0)}, {}),
    ),
    "provocations.pressure_of": Case(
        provocations.pressure_of,
        lambda b: (
            {
                "blocked_by_dyad": b.dyad(0, 2, 0.5, diagonal=0.0),
                "potential_by_dyad": b.dyad(2, 10, 0.2, diagonal=0.0),
            },
            {},
        ),
    ),
    "sanctions.raise_to": Case(
        sanctions.raise_to,
        lambda b: (
            {"coverage": b.cat(0, 1, 0.3)},
            {"content": np.where(b.rng.uniform(size=CATEGORIES) < 0.4, np.nan, 0.7)},
        ),
    ),
    "sanctions.floor": Case(
        sanctions.floor, lambda b: ({"sanction": b.dyad(0, 1, 0.6, diagonal=0.0)}, {})
    ),
    "sanctions.proposal_hazard": Case(
        sanctions.proposal_hazard,
        lambda b: ({"rate": b.run(0, 2, 1), "memory_t": b.actor(0, 5, 0.3)}, {}),
    ),
    "sanctions.tighten": Case(sanctions.tighten, lambda b: ({"coverage": b.cat()}, {})),
    # misperception
    "misperception.stationary": Case(
        misperception.stationary,
        lambda b: ({"sd": b.actor(0, 0.5)[..., None], "normals": b.dyad(-3, 3)}, {}),
    ),
    "misperception.step": Case(
        misperception.step,
        lambda b: (
            {
                "log_error": b.dyad(-1, 1, diagonal=0.0),
                "sd": b.actor(0, 0.5)[..., None],
                "normals": b.dyad(-3, 3),
                "persistence": b.run(0.25, 5, 2),
            },
            {"dt": 0.25},
        ),
    ),
    "misperception.factor": Case(
        misperception.factor,
        lambda b: (
            {"log_error": b.dyad(-1, 1, diagonal=0.0), "sd": b.actor(0, 0.5)[..., None]},
            {},
        ),
    ),
    "sanctions.relation_to_sponsors": Case(
        sanctions.relation_to_sponsors,
        lambda b: ({"relation": _signed(b)}, {"sponsors_mask": b.mask(b.n)}),
    ),
    # trade
    "trade.effective_compliance": Case(
        trade.effective_compliance,
        lambda b: (
            {
                "compliance_i": b.actor(0, 1),
                "monitoring_t": b.actor(0, 1, 0.5),
                "relation": _signed(b),
                "monitoring_floor": b.run(0, 1, 1),
                "sharpness": b.run(1, 10, 2),
                "erosion": b.run(0, 0.1, 1),
                "gain": b.dyad(0.1, 20),
            },
            {
                "sponsors": b.mask((b.n, b.n)) & ~np.eye(b.n, dtype=bool),
                "midpoint": -1.0,
                "years_since": b.rng.uniform(0, 20, b.n),
            },
        ),
    ),
    "trade.enforcement": Case(
        trade.enforcement,
        lambda b: (
            {"blocked": b.flow(0, 3, 0.5), "potential": b.flow()},
            {"flows": b.flows, "targets": b.mask(b.n)},
        ),
    ),
    "trade.pass_through": Case(
        trade.pass_through,
        lambda b: (
            {"coverage": b.cat(), "compliance_matrix": b.dyad(0, 1, 0.5)},
            {"flows": b.flows},
        ),
    ),
    "trade.unilateral_bite": Case(
        trade.unilateral_bite, lambda b: ({"sanction": b.dyad(0, 1, 0.5, diagonal=0.0)}, {})
    ),
    "trade.potential": Case(
        trade.potential,
        lambda b: (
            {
                "base_potential": b.flow(),
                "relation": _signed(b),
                "base_relation": _signed(b),
                "elasticity": b.run(0, 3),
                "bite": b.dyad(0, 1, 0.5),
            },
            {"flows": b.flows},
        ),
    ),
    "trade.diversion": Case(
        trade.diversion,
        lambda b: (
            {
                "blocked": b.flow(0, 5, 0.5),
                "compliance_matrix": b.dyad(0, 1, 0.3),
                "proximity": b.dyad(0, 1, 0.3, diagonal=0.0),
                "relation": _signed(b),
                "share": b.run(0, 1),
                "sharpness": b.run(1, 10, 1),
            },
            {"targets": np.arange(b.n), "flows": b.flows},
        ),
    ),
    "trade.relax_flows": Case(
        trade.relax_flows,
        lambda b: ({"flows": b.flow(), "target": b.flow(), "rate": b.run(0.2, 4)}, {"dt": 0.25}),
    ),
    "trade.base_potential": Case(
        trade.base_potential,
        lambda b: (
            {
                "recorded": b.flow(),
                "unrecorded": b.flow(0, 1, 0.7),
                "pass_share": b.flow(0, 1, 0.1),
                "bite": b.dyad(0, 1, 0.5),
                "open_share": b.flow(0, 1, 0.2),
            },
            {"flows": b.flows},
        ),
    ),
    # economy
    "economy.trade_volumes": Case(
        economy.trade_volumes,
        lambda b: (
            {
                "volume_flows": b.flow(0, 5, 0.5),
                "unrecorded_target": b.flow(0, 2, 0.6),
                "munitions": b.dyad(0, 3, 0.6, diagonal=0.0),
                "payments": b.dyad(0, 3, 0.6, diagonal=0.0),
            },
            {"flows": b.flows},
        ),
    ),
    "arms.tolerance_step": Case(
        arms.tolerance_step,
        lambda b: (
            {
                "tolerance": b.actor(0.05, 0.95),
                "insecurity": b.actor(0.05, 0.95),
                "rate": b.actor(0, 0.5, zeros=0.3),
            },
            {"dt": 0.25},
        ),
    ),
    "economy.aid_growth": Case(
        economy.aid_growth,
        lambda b: (
            {
                "aid": b.dyad(0, 2, 0.4, diagonal=0.0),
                "gdp": b.actor(10, 3e4),
                "share0": b.actor(0, 0.05),
                "effect": b.run(0, 0.5),
            },
            {},
        ),
    ),
    "economy.growth_shock": Case(
        economy.growth_shock,
        lambda b: ({"sd": b.run(0, 0.05, 1), "normals": b.actor(-3, 3)}, {"dt": 0.25}),
    ),
    "economy.gdp_step": Case(
        economy.gdp_step,
        lambda b: (
            {"gdp": b.actor(10, 3e4), "growth": b.actor(-0.1, 0.1), "shock": b.actor(-0.05, 0.05)},
            {"dt": 0.25},
        ),
    ),
    "economy.growth_rate": Case(
        economy.growth_rate,
        lambda b: (
            {
                "base_growth": b.actor(-0.1, 0.1),
                "volume": b.actor(0, 50),
                "volume_last": b.actor(0, 50),
                "evasion": b.actor(0, 5),
                "evasion_last": b.actor(0, 5),
                "gdp": b.actor(10, 3e4),
                "burden": b.actor(0.005, 0.3),
                "burden0": b.actor(0.005, 0.3),
                "trade_loss_elasticity": b.run(0, 3),
                "evasion_premium": b.run(0, 0.5),
                "guns_butter": b.run(0, 1),
            },
            {"endogenous": b.mask(b.n), "dt": 0.25},
        ),
    ),
    # measures
    "measures.alignment": Case(
        measures.alignment,
        lambda b: (
            {
                "relation": _signed(b),
                "alliance": b.dyad(0, 1, 0.6, diagonal=0.0),
                "power": b.actor(0, 0.2),
                "sharpness": b.run(0.5, 10, 1),
            },
            _poles(b.n),
        ),
    ),
    "measures.balance": Case(
        measures.balance,
        lambda b: (
            {
                "regional_power": b.actor(0, 0.2),
                "align_a": b.actor(0, 0.5),
                "align_b": b.actor(0, 0.5),
            },
            {"members": b.mask(b.n, 0.7)},
        ),
    ),
    "measures.true_hostility": Case(
        measures.true_hostility,
        lambda b: ({"relation": _signed(b), "exponent": b.run(1, 3, 2)}, {}),
    ),
    "measures.regional_reach": Case(
        measures.regional_reach,
        lambda b: (
            {"reach": b.dyad(0, 0.2, 0.3, diagonal=0.0), "proximity": b.dyad(0, 1, 0.3)},
            {},
        ),
    ),
    "measures.tension": Case(
        measures.tension,
        lambda b: (
            {
                "power": b.actor(0, 0.2),
                "proximity": b.dyad(0, 1, 0.3, diagonal=0.0),
                "hostility_matrix": b.dyad(0, 2),
            },
            {},
        ),
    ),
    "measures.conflict_risk": Case(
        measures.conflict_risk,
        lambda b: (
            {
                "relation": _signed(b),
                "alliance": b.dyad(0, 1, 0.6, diagonal=0.0),
                "proximity": b.dyad(0, 1, 0.3, diagonal=0.0),
                "deterrence_balance": b.dyad(-1, 1, diagonal=0.0),
                "warheads": b.actor(0, 6000, 0.5),
                "dependence": b.dyad(0, 1, 0.3),
                "hostility_matrix": b.dyad(0, 2),
                "warhead_half": b.run(10, 500, 1),
                "base": b.run(-8, -2),
                "w_hostility": b.run(0, 6),
                "w_deterrence": b.run(0, 6),
                "w_proximity": b.run(0, 4),
                "w_alliance": b.run(0, 3),
                "w_nuclear": b.run(0, 3),
                "w_interdependence": b.run(0, 3),
            },
            {},
        ),
    ),
    "measures.any_dispute": Case(
        measures.any_dispute,
        lambda b: (
            {"risk": b.dyad(0, 1, diagonal=0.0)},
            {"pairs": [(0, b.n - 1), (b.n - 1, 0)] if b.n > 1 else []},
        ),
    ),
    "measures.propensity": Case(
        measures.propensity,
        lambda b: (
            {
                "relation": _signed(b),
                "alliance": b.dyad(0, 1, 0.6, diagonal=0.0),
                "shared": b.dyad(0, 1, 0.3, diagonal=0.0),
                "threat_weight": b.run(0, 2, 2),
            },
            {},
        ),
    ),
    "measures.landscape": Case(
        measures.landscape,
        lambda b: (
            {"sizes": b.actor(0, 0.2, 0.2), "prop": _symmetric(b)},
            {"start": _poles(b.n)["in_b"]},
        ),
    ),
    "measures.frustration": Case(
        measures.frustration,
        lambda b: (
            {
                "sizes": b.actor(0, 0.2, 0.2),
                "prop": _symmetric(b),
                "apart": b.mask((RUNS, b.n)),
            },
            {},
        ),
    ),
    "measures.polarisation": Case(
        measures.polarisation,
        lambda b: (
            {
                "sizes": b.actor(0, 0.2, 0.2),
                "prop": _symmetric(b),
                "apart": b.mask((RUNS, b.n)),
            },
            {},
        ),
    ),
    "measures.leakage": Case(
        measures.leakage,
        lambda b: (
            {
                "unrecorded": b.actor(0, 2, 0.3),
                "recorded": b.actor(0, 3, 0.3),
                "blocked": b.actor(0, 1, 0.3),
            },
            {},
        ),
    ),
    "measures.influence": Case(
        measures.influence,
        lambda b: (
            {
                "relation": _signed(b),
                "dependence": b.dyad(0, 1, 0.3),
                "power": b.actor(0, 0.2),
                "weight": b.run(0, 1),
                "proximity": b.dyad(0, 1, diagonal=0.0),
            },
            {},
        ),
    ),
}


if hasattr(measures, "reduce"):  # trajectories (..., T) reduced over time, per reducer
    for _reducer in ("last", "mean", "max", "min", "growth"):
        CASES[f"measures.reduce:{_reducer}"] = Case(
            measures.reduce,
            lambda b, reducer=_reducer: (
                {"values": b.series(-1.0, 5.0, length=9, nans=0.1)},
                {"reducer": reducer, "dt": 0.25},
            ),
        )


def _poles(n: int) -> dict[str, np.ndarray]:
    in_a = np.zeros(n, dtype=bool)
    in_b = np.zeros(n, dtype=bool)
    in_a[0] = True
    in_b[1 : max(2, n // 2 + 1)] = n > 1
    return {"in_a": in_a, "in_b": in_b[:n]}


def _forcing_inputs(b: Block) -> dict[str, np.ndarray]:
    relation = _signed(b)
    return {
        "relation_ij": relation,
        "relation_ji": np.swapaxes(relation, -1, -2).copy(),
        "bias_i": b.actor(-0.5, 0.5),
        "baseline_ij": _signed(b),
        "tau_ij": b.dyad(0, 0.5, 0.3, diagonal=0.0),
        "shared_ij": b.dyad(0, 0.5, 0.3),
        "dependence_ij": b.dyad(0, 1, 0.3, diagonal=0.0),
        "need_ij": b.dyad(0, 1, 0.6, diagonal=0.0),
        "sanction_ji": b.dyad(0, 1, 0.5, diagonal=0.0),
        "enforcement_ij": b.dyad(0, 1, 0.6, diagonal=0.0),
        "alliance_ij": b.dyad(0, 1, 0.5, diagonal=0.0),
        "proximity_ij": b.dyad(0, 1, 0.3, diagonal=0.0),
        "memory_j": b.actor(0, 5, 0.5),
        "summit_ij": b.dyad(0, 2, 0.7, diagonal=0.0),
        "reciprocity": b.actor(0, 2),
        "forgiveness": b.actor(0, 1),
        "baseline_pull": b.actor(0.05, 2),
        "shared_threat_weight": b.actor(0, 2),
        "threat_response": b.actor(0, 2),
        "trade_affinity": b.actor(0, 2),
        "need_warmth": b.actor(0, 2),
        "sanction_resentment": b.actor(0, 2),
        "enforcement_resentment": b.actor(0, 2),
        "provocation_sensitivity": b.actor(0, 2),
        "entrapment_sensitivity": b.actor(0, 2),
        "summit_warmth": b.actor(0, 2),
        "sharpness": b.run(1, 10, 2),
    }


def _as_tuple(out) -> tuple:
    return out if isinstance(out, tuple) else (out,)


def _inputs(name: str, n: int):
    rng = np.random.default_rng([zlib.crc32(name.encode()), n])
    return CASES[name].build(Block(rng, n))


def test_every_rule_has_a_stacking_case():
    public = set()
    for module in RULE_MODULES:
        short = module.__name__.rsplit(".", 1)[-1]
        for name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                if not name.startswith("_"):
                    public.add(f"{short}.{name}")
    covered = {name.split(":")[0] for name in CASES}
    missing = sorted(public - covered - set(EXEMPT))
    assert not missing, f"rules without a stacked-equals-slices case in test_rules.py: {missing}"
    assert not sorted(covered - public), "cases for functions that no longer exist"


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_stacked_block_equals_each_run_slice(name, n):
    block, shared = _inputs(name, n)
    func = CASES[name].func
    stacked = _as_tuple(func(**block, **shared))
    for r in range(RUNS):
        alone = _as_tuple(func(**{k: v[r] for k, v in block.items()}, **shared))
        assert len(alone) == len(stacked)
        for whole, part in zip(stacked, alone, strict=True):
            assert np.shape(whole)[1:] == np.shape(part), name
            np.testing.assert_array_equal(np.asarray(whole)[r], part, err_msg=name)


# per-row rules: rows i of the attitude matrix against all partners j

ROW_ARGS = {  # arguments indexed by the row i; the others stay whole
    "relations.forcings": {
        "relation_ij": 2,
        "relation_ji": 2,
        "bias_i": 1,
        "baseline_ij": 2,
        "tau_ij": 2,
        "shared_ij": 2,
        "dependence_ij": 2,
        "need_ij": 2,
        "sanction_ji": 2,
        "enforcement_ij": 2,
        "alliance_ij": 2,
        "proximity_ij": 2,
        "summit_ij": 2,
        "reciprocity": 1,
        "forgiveness": 1,
        "baseline_pull": 1,
        "shared_threat_weight": 1,
        "threat_response": 1,
        "trade_affinity": 1,
        "need_warmth": 1,
        "sanction_resentment": 1,
        "enforcement_resentment": 1,
        "provocation_sensitivity": 1,
        "entrapment_sensitivity": 1,
        "summit_warmth": 1,
    },
    "alliances.drive": {k: 2 for k in ("relation_ij", "relation_ji", "shared_ij", "need_ij")},
    "alliances.forcings": {k: 2 for k in ("drive_ij", "drive0_ij", "level_ij")},
    "alliances.step": {k: 2 for k in ("alliance_ij", "up", "down")},
    "relations.shared_threat": {"tau_rows": 2},
    "relations.step": {k: 2 for k in ("relation_ij", "up", "down", "offset_up", "offset_down")},
    "sanctions.gate": {"hostility_ij": 2},
    "sanctions.unilateral_forcings": {"gate_ij": 2, "propensity_i": 1, "decay_i": 1},
    "sanctions.unilateral_step": {
        k: 2 for k in ("sanction", "up", "down", "offset_up", "offset_down")
    },
    "arms.burden_logit_step": {
        k: 1
        for k in (
            "z",
            "burden",
            "reference_burden",
            "insecurity",
            "tolerance",
            "threat_sensitivity",
            "fatigue",
            "grievance",
        )
    },
}


def _row(x: np.ndarray, i: int, dims: int) -> np.ndarray:
    return x[(Ellipsis, slice(i, i + 1)) + (slice(None),) * (dims - 1)]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(ROW_ARGS))
def test_all_rows_equal_each_row_alone(name, n):
    block, shared = _inputs(name, n)
    func = CASES[name].func
    rows = ROW_ARGS[name]
    whole = _as_tuple(func(**block, **shared))
    for i in range(n):
        args = {k: (_row(v, i, rows[k]) if k in rows else v) for k, v in block.items()}
        part = _as_tuple(func(**args, **shared))
        for w, p in zip(whole, part, strict=True):
            dims = 1 if np.ndim(w) == 2 else 2
            np.testing.assert_array_equal(_row(np.asarray(w), i, dims), p, err_msg=name)


# ---------------------------------------------------------------- documented behaviour

POSITIVE = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    threat_total=st.one_of(st.just(0.0), st.floats(1e-100, 10.0)),  # no subnormals
    own=st.floats(1e-6, 10.0),
    cover=st.floats(0.0, 10.0),
    exponent=st.floats(0.5, 2.0),
    scale=st.sampled_from([10.0, 0.1, 1e3]),
)
def test_insecurity_unchanged_when_every_power_is_rescaled(
    threat_total, own, cover, exponent, scale
):
    before = threat.insecurity(threat_total, own, cover, 0.02, 0.3, exponent)
    after = threat.insecurity(scale * threat_total, scale * own, scale * cover, 0.02, 0.3, exponent)
    np.testing.assert_allclose(after, before, rtol=1e-12, atol=1e-300)
    assert 0.0 <= before < 1.0


def _scaled_by_ten(state):
    out = state.copy()
    for name in ("gdp", "capability", "population", "technology", "delivery", "pipeline"):
        setattr(out, name, getattr(out, name) * 10.0)
    for name in ("world_gdp", "world_milex", "world_population"):
        out.reference[name] = out.reference[name] * 10.0
    return out


@pytest.mark.parametrize("deterministic", [True, False])
def test_perception_unchanged_when_all_economies_are_rescaled(deterministic):
    model = GeoModel(baseline(), replication=0, deterministic=deterministic)
    for _ in range(6):  # some technology, memory and misperception by now
        model.step()
    st_, s = model.state, model.structure
    before = dynamics.perceive(st_, s, model.t, model.run_seed, deterministic)
    after = dynamics.perceive(_scaled_by_ten(st_), s, model.t, model.run_seed, deterministic)
    for key in (
        "power",
        "regional_power",
        "reach",
        "strength",
        "threat",
        "threat_total",
        "credibility",
        "cover",
        "insecurity",
        "tau",
    ):
        np.testing.assert_allclose(after[key], before[key], rtol=1e-12, atol=1e-15, err_msg=key)


def _exact_gaps(x, up, down, dt):
    """Distances of the exact solution to +1 and -1, computed without cancellation."""
    x, up, down = np.float64(x), np.float64(up), np.float64(down)
    total = up + down
    if total == 0:
        return 1 - x, 1 + x
    keep = np.exp(-total * dt)
    upper = 2 * (down / total) * (1 - keep) + (1 - x) * keep
    lower = 2 * (up / total) * (1 - keep) + (1 + x) * keep
    return upper, lower


FORCING = st.one_of(
    st.just(0.0),
    st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False),
)
INSIDE = st.floats(min_value=-1.0, max_value=1.0, exclude_min=True, exclude_max=True)
DT = st.sampled_from([1.0 / 12.0, 0.25, 1.0])


@settings(max_examples=400, deadline=None)
@given(x=INSIDE, up=FORCING, down=FORCING, dt=DT)
def test_relax_signed_never_leaves_the_interval(x, up, down, dt):
    """Any finite forcing: never outside [-1, 1], never NaN; strictly inside (-1, 1)
    whenever the exact solution is representably inside (more than 2 ulps away).

    In float64 the open interval cannot hold for extreme forcings: with down = 0 and
    up dt > 37 the exact solution is within 1e-16 of 1 and rounds to 1.0.
    """
    new = common.relax_signed(np.float64(x), np.float64(up), np.float64(down), dt)
    assert np.isfinite(new)
    assert -1.0 <= new <= 1.0
    upper, lower = _exact_gaps(x, up, down, dt)
    if np.isfinite(up + down) and upper > 4e-16:
        assert new < 1.0
    if np.isfinite(up + down) and lower > 4e-16:
        assert new > -1.0


@settings(max_examples=300, deadline=None)
@given(
    x=INSIDE,
    up=st.floats(1e-3, 10.0),
    down=st.floats(1e-3, 10.0),
    offset_up=st.floats(0.0, 5.0),
    offset_down=st.floats(0.0, 5.0),
    dt=DT,
    steps=st.integers(1, 400),
)
def test_relations_step_stays_strictly_inside_for_forcings_of_the_model(
    x, up, down, offset_up, offset_down, dt, steps
):
    """Forcings in the model's range (each at least 1e-3 per year, as the baseline pull
    guarantees): strictly inside (-1, 1) after any number of steps."""
    r = np.float64(x)
    for _ in range(steps):
        r = relations.step(r, up, down, offset_up, offset_down, dt)
    assert -1.0 < r < 1.0


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(0.0, 1.0, exclude_min=True, exclude_max=True),
    up=st.floats(1e-3, 10.0),
    down=st.floats(1e-3, 10.0),
    dt=DT,
    steps=st.integers(1, 400),
)
def test_relax_unit_stays_inside_the_unit_interval(x, up, down, dt, steps):
    s = np.float64(x)
    for _ in range(steps):
        s = common.relax_unit(s, up, down, dt)
        assert 0.0 < s < 1.0


@settings(max_examples=300, deadline=None)
@given(x=st.floats(0.0, 1.0, exclude_min=True, exclude_max=True), up=FORCING, down=FORCING, dt=DT)
def test_relax_unit_never_leaves_the_closed_interval(x, up, down, dt):
    s = common.relax_unit(np.float64(x), np.float64(up), np.float64(down), dt)
    assert np.isfinite(s) and 0.0 <= s <= 1.0


@settings(max_examples=300, deadline=None)
@given(
    hazard=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=8),
    extra=st.lists(st.floats(0.0, 50.0), min_size=8, max_size=8),
    seed=st.integers(0, 2**32 - 1),
    dt=DT,
)
def test_raising_a_provocation_hazard_only_adds_events(hazard, extra, seed, dt):
    low = np.array(hazard)
    high = low + np.array(extra[: len(low)])
    u = np.random.default_rng(seed).uniform(size=low.shape)
    before = provocations.occurs(low, dt, u)
    after = provocations.occurs(high, dt, u)
    assert np.all(after >= before)
    assert np.all(after == np.floor(after)) and np.all(before >= 0)
    # an event happens at all exactly when u < 1 - e^(-h dt)
    np.testing.assert_array_equal(before > 0, u < common.event_probability(low, dt))


@settings(max_examples=300, deadline=None)
@given(a=POSITIVE, b=POSITIVE)
def test_smooth_min_is_symmetric_and_below_the_minimum(a, b):
    m = common.smooth_min(a, b)
    assert m == common.smooth_min(b, a)
    # within a few ulps: see test_smooth_min_never_exceeds_the_minimum_in_floating_point
    assert 0.0 <= m <= min(a, b) * (1 + 1e-14)
    if min(a, b) == 0.0:
        assert m == 0.0
    if a == b:
        np.testing.assert_allclose(m, a * 2 ** (-1 / common.SMOOTH_MIN_POWER), rtol=1e-12)


def test_smooth_min_never_exceeds_the_minimum_in_floating_point():
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 10_000)
    b = rng.uniform(0, 1e4, 10_000)
    assert np.all(common.smooth_min(a, b) <= np.minimum(a, b))


# Relaxations are exact over dt (DESIGN §3): two half steps with the forcing held
# equal one whole step, which is what lets month, quarter and year steps agree.


@settings(max_examples=100, deadline=None)
@given(
    x=st.floats(-0.99, 0.99),
    up=st.floats(0.0, 5.0),
    down=st.floats(0.0, 5.0),
    dt=DT,
)
def test_bounded_updates_compose_over_the_step(x, up, down, dt):
    whole = common.relax_signed(x, up, down, dt)
    halves = common.relax_signed(common.relax_signed(x, up, down, dt / 2), up, down, dt / 2)
    np.testing.assert_allclose(halves, whole, rtol=1e-12, atol=1e-14)
    u = (x + 1) / 2
    whole = common.relax_unit(u, up, down, dt)
    halves = common.relax_unit(common.relax_unit(u, up, down, dt / 2), up, down, dt / 2)
    np.testing.assert_allclose(halves, whole, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dt", [1.0 / 12.0, 0.25, 1.0])
def test_stocks_memories_and_probabilities_compose_over_the_step(dt):
    rng = np.random.default_rng(5)
    k, inflow = rng.uniform(0, 100, 6), rng.uniform(-5, 20, 6)
    half = arms.capability_step(k, inflow, 0.1, dt / 2)
    np.testing.assert_allclose(
        arms.capability_step(half, inflow, 0.1, dt / 2), arms.capability_step(k, inflow, 0.1, dt)
    )
    p, flow = rng.uniform(0, 3, 6), rng.uniform(0, 2, 6)
    p_half, out1 = bargain.pipeline_step(p, flow, 1.0, dt / 2)
    p_two, out2 = bargain.pipeline_step(p_half, flow, 1.0, dt / 2)
    p_one, out = bargain.pipeline_step(p, flow, 1.0, dt)
    np.testing.assert_allclose(p_two, p_one)
    np.testing.assert_allclose((out1 + out2) / 2, out)  # mean absorption rate over the step
    m, h = rng.uniform(0, 5, 6), rng.uniform(0, 10, 6)
    m_half = provocations.expected_memory_step(m, h, 1.0, dt / 2)
    np.testing.assert_allclose(
        provocations.expected_memory_step(m_half, h, 1.0, dt / 2),
        provocations.expected_memory_step(m, h, 1.0, dt),
    )
    q = common.event_probability(h, dt / 2)
    np.testing.assert_allclose(1 - (1 - q) ** 2, common.event_probability(h, dt))


def test_one_step_helper_matches_the_model():
    # the bare map used by the model tests is the model's own step when nothing is scheduled
    spec = baseline()
    model = GeoModel(spec, replication=0, deterministic=True)
    start = model.state.copy()
    model.step()  # no events at step 0 of the baseline
    assert not model.structure.events[0]
    bare = one_step(start, model.structure, 0, model.run_seed, True)
    for name in ("relation", "burden_logit", "sanction", "gdp", "capability"):
        np.testing.assert_array_equal(getattr(bare, name), getattr(model.state, name))


def test_sum_helpers_equal_numpy_sums():
    x = np.random.default_rng(7).uniform(-2, 5, (4, 3, 6, 5))
    np.testing.assert_allclose(common.sum_last(x), x.sum(axis=-1), rtol=1e-14)
    np.testing.assert_allclose(common.sum_second_last(x), x.sum(axis=-2), rtol=1e-14)
    np.testing.assert_allclose(common.sum_last_two(x), x.sum(axis=(-1, -2)), rtol=1e-14)
    np.testing.assert_allclose(common.prod_last(x), x.prod(axis=-1), rtol=1e-14)
    np.testing.assert_allclose(common.prod_second_last(x), x.prod(axis=-2), rtol=1e-14)


def test_sums_of_a_block_in_any_layout_equal_each_run_alone():
    """The batch engine keeps runs fastest in memory (Fortran order); its sums and
    products must round exactly as a single run's (C order)."""
    x = np.random.default_rng(8).uniform(-2, 5, (16, 6, 7))
    fortran = np.asfortranarray(x)
    for f in (common.sum_last, common.sum_second_last, common.prod_last, common.prod_second_last):
        block = f(fortran)
        for r in range(len(x)):
            np.testing.assert_array_equal(block[r], f(x[r]), err_msg=f.__name__)


# --------------------------------------------------------------------------- sparse trade


def _dense_pass_through(coverage, compliance_matrix, targets):
    """The former dense formula, (..., N, N, C): the reference for the flow form."""
    shape = compliance_matrix.shape + coverage.shape[-1:]
    recorded, passing = np.ones(shape), np.ones(shape)
    for t in targets:
        cov = coverage[..., t, :][..., None, :]
        recorded[..., :, t, :] *= 1.0 - cov
        passing[..., :, t, :] *= 1.0 - cov * compliance_matrix[..., :, t][..., :, None]
    for t in targets:
        cov = coverage[..., t, :][..., None, :]
        recorded[..., t, :, :] *= 1.0 - cov
        passing[..., t, :, :] *= 1.0 - cov * compliance_matrix[..., :, t][..., :, None]
    return recorded, passing


def _dense_diversion(blocked, compliance_matrix, proximity, relation, share, sharpness, targets):
    n = proximity.shape[-1]
    out = np.zeros(blocked.shape)
    for t in targets:
        w = (
            (1.0 - compliance_matrix[..., :, t])
            * proximity[..., :, t]
            * common.sigmoid(sharpness * relation[..., :, t])
            * (np.arange(n) != t)
        )
        total = w.sum(axis=-1)
        w_norm = w / np.where(total > 0, total, 1.0)[..., None]
        into_t = blocked[..., :, t, :].sum(axis=-2)
        from_t = blocked[..., t, :, :].sum(axis=-2)
        s = share[..., None, None]
        out[..., :, t, :] += s * w_norm[..., :, None] * into_t[..., None, :]
        out[..., t, :, :] += s * w_norm[..., :, None] * from_t[..., None, :]
    return out


@pytest.mark.parametrize("n", [2, 4, 6])
def test_trade_on_flows_equals_the_dense_formulas(n):
    """Trade arrays hold only the flows a scenario can have; at every flow the rules
    give what the dense (exporter, importer, category) formulas give, and sums over
    categories match."""
    b = Block(np.random.default_rng(n), n)
    fl = b.flows
    targets = np.array([0, n - 1]) if n > 2 else np.array([0])
    coverage = b.cat()
    coverage[:, [i for i in range(n) if i not in targets], :] = 0.0  # only targets
    ec = b.dyad(0, 1, 0.3)
    rec, pas = trade.pass_through(coverage, ec, fl)
    dense_rec, dense_pas = _dense_pass_through(coverage, ec, targets)
    at = (Ellipsis, fl.source, fl.target, fl.category)
    np.testing.assert_allclose(rec, dense_rec[at], rtol=1e-14)
    np.testing.assert_allclose(pas, dense_pas[at], rtol=1e-14)
    blocked = b.flow(0, 5, 0.3)
    args = (ec, b.dyad(0, 1, 0.3, diagonal=0.0), _signed(b), b.run(0, 1), b.run(1, 10, 1))
    got = trade.diversion(blocked, *args, targets, fl)
    want = _dense_diversion(fl.dense(blocked), *args, targets)
    np.testing.assert_allclose(fl.dense(got), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fl.by_dyad(blocked), fl.dense(blocked).sum(axis=-1), rtol=1e-14)
    some = np.arange(CATEGORIES) % 2 == 0
    np.testing.assert_allclose(
        fl.by_dyad(blocked, some), fl.dense(blocked)[..., some].sum(axis=-1), rtol=1e-14
    )
    k = fl.index(n - 1, 0, 2)
    assert (fl.source[k], fl.target[k], fl.category[k]) == (n - 1, 0, 2)
    with pytest.raises(KeyError):
        fl.index(1, 1, 0)  # no flow from an actor to itself


def test_the_baseline_keeps_only_its_possible_flows():
    from sim.engine.compile import compile_structure

    S = compile_structure(baseline())
    n, c = S.n, len(S.categories)
    assert S.flows.size <= n * (n - 1) * c / 2  # half the (i, j, c) can never trade
    prk = S.codes.index("PRK")
    for k in range(n):  # every flow to and from the regime's target is kept
        for cat in range(c):
            if k != prk:
                S.flows.index(k, prk, cat)
                S.flows.index(prk, k, cat)


def test_compliance_of_the_targets_only_equals_the_full_matrix_masked():
    b = Block(np.random.default_rng(3), 6)
    targets = np.array([1, 4])
    sponsors = b.mask((6, 6)) & ~np.eye(6, dtype=bool)
    sponsors[[0, 2, 3, 5]] = False  # only targets have sponsors, as compile_structure sets
    args = (b.actor(0, 1), b.actor(0, 1, 0.5), _signed(b), sponsors, b.run(0, 1, 1))
    rest = (b.run(1, 10, 2), -1.0, b.run(0, 0.1, 1), b.rng.uniform(0, 20, 6))
    full = trade.effective_compliance(*args, *rest)
    only = trade.effective_compliance(*args, *rest, targets)
    mask = np.isin(np.arange(6), targets)
    np.testing.assert_array_equal(only, np.where(mask, full, 0.0))


def test_leakage_is_a_share_even_when_the_potential_falls_faster_than_the_flows():
    """U / (R + U + B) stays in [0, 1], and is 0 where there is no trade at all."""
    rng = np.random.default_rng(3)
    u, r, b = (rng.exponential(size=1000) * (rng.random(1000) > 0.2) for _ in range(3))
    share = measures.leakage(u, r, b)
    assert np.all((share >= 0) & (share <= 1))
    assert measures.leakage(np.array(2.0), np.array(1.0), np.array(1.0)) == 0.5
    assert measures.leakage(np.array(0.0), np.array(0.0), np.array(0.0)) == 0.0
