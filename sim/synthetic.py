"""Synthetic casts of N actors, for scaling benchmarks and tests of generality.

``synthetic_scenario(n)`` builds a valid scenario with ``n`` actors (codes ``AAA``,
``AAB``, ...): plausible random figures, a web of relations and alliances, trade in
every category, one sanctions target with a regime and veto holders, a patron at
war with a client that supplies it, provocations and a reaction.  Every mechanism
of the model is exercised, so per-run cost grows as the model's terms do.  Not a
model of any real region.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from .scenario import Scenario

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The letters of the synthetic codes."""


def codes(n: int) -> list[str]:
    """The first ``n`` synthetic actor codes: ``AAA``, ``AAB``, ... in order.

    Parameters
    ----------
    n : int
        The number of codes, at most 26**3 = 17,576.

    Returns
    -------
    list of str
        Three capital letters each, so that they pass the ISO alpha-3 check.
    """
    return ["".join(t) for t in itertools.islice(itertools.product(LETTERS, repeat=3), n)]


def _world(total: float, cast: float) -> float:
    """A world total that holds the cast: ``total``, or twice the cast's own."""
    return total if cast < total else float(round(2 * cast))


def synthetic_data(n: int, seed: int = 0, steps: int = 40) -> dict[str, Any]:
    """The scenario of :func:`synthetic_scenario` as plain data (to write as YAML).

    Actors get a GDP drawn log-uniformly between 30 and 20,000 USD bn, a defence
    burden of 1 to 6 % of GDP, growth of 0 to 4 % per year and a population of 5 to
    500 million; dyads and trade flows are drawn sparsely (about 8 partners and 6
    export destinations per actor), trade flows of 0.01 to 20 USD bn per year.  The
    first actor is the sanctions target and the client, the second the patron.

    Parameters
    ----------
    n : int
        The number of actors, at least 4.
    seed : int
        Seed of the draws, and the scenario's root seed; the same seed gives the
        same data.
    steps : int
        The number of steps of the run (quarters, from 2024-07).

    Returns
    -------
    dict
        The scenario as nested dicts and lists, in the layout of a scenario file
        (``docs/scenarios.md``).

    Raises
    ------
    ValueError
        If ``n`` is below 4.
    """
    if n < 4:
        raise ValueError("a synthetic cast needs at least 4 actors")
    rng = np.random.default_rng(seed)
    cs = codes(n)
    actors: dict[str, dict[str, Any]] = {}
    for c in cs:
        gdp = float(np.exp(rng.uniform(np.log(30), np.log(20000))))
        burden = float(rng.uniform(0.01, 0.06))
        doctrine: dict[str, float] = {
            "compliance": float(rng.uniform(0.1, 0.95)),
            "stability_preference": float(rng.uniform(0.0, 1.0)),
        }
        actors[c] = {
            "name": f"Actor {c}",
            "gdp": round(gdp, 3),
            "milex": round(gdp * burden, 4),
            "growth": float(rng.uniform(0.0, 0.04)),
            "population": float(rng.uniform(5, 500)),
            "warheads": float(rng.choice([0, 0, 0, 50, 300])),
            "presence": float(rng.uniform(0.2, 1.0)),
            "doctrine": doctrine,
        }
    target, patron, client = cs[0], cs[1], cs[0]
    actors[target]["doctrine"].update({"provocation_rate": 2.0, "export_capacity": 0.15})
    actors[target]["endogenous_growth"] = True
    actors[patron]["war_demand"] = [{"from": "2024-07", "value": 2.0}]
    dyads = []
    for i, j in itertools.combinations(range(n), 2):
        if rng.random() > min(1.0, 8.0 / n):  # sparse beyond ~8 partners each
            continue
        rel = float(rng.uniform(-0.6, 0.8))
        entry: dict[str, Any] = {
            "pair": [cs[i], cs[j]],
            "relation": round(rel, 3),
            "proximity": round(float(rng.uniform(0.1, 1.0)), 3),
        }
        if rel > 0.5:
            entry["alliance"] = round(float(rng.uniform(0.3, 1.0)), 3)
        if rel < -0.4:
            entry["sanction"] = [round(float(rng.uniform(0.1, 0.6)), 3), 0.0]
        dyads.append(entry)
    dyads.append({"pair": [patron, client], "relation": 0.7, "alliance": 1.0, "proximity": 0.6})
    categories = ["energy", "food", "minerals", "arms", "other"]
    trade = []
    for i, j in itertools.permutations(range(n), 2):
        if rng.random() > min(1.0, 6.0 / n):
            continue
        for c in rng.choice(categories, size=2, replace=False):
            trade.append(
                {
                    "from": cs[i],
                    "to": cs[j],
                    "category": str(c),
                    "value": round(float(rng.uniform(0.01, 20.0)), 3),
                }
            )
    regime = {
        "target": target,
        "coverage": {"energy": 0.9, "minerals": 1.0, "arms": 1.0},
        "monitoring": 0.5,
        "veto_holders": cs[1:4],
        "sponsors": cs[2:],
        "since": "2010-01",
    }
    return {
        "schema_version": 1,
        "name": f"synthetic_{n}",
        "start": "2024-07",
        "step": "quarter",
        "steps": steps,
        "seed": seed,
        "replications": 10,
        # the world's 2024 totals, or twice the cast's for a cast too big to fit in them
        "reference": {
            "world_gdp": _world(110000, sum(a["gdp"] for a in actors.values())),
            "world_milex": 2700,
            "world_population": _world(8100, sum(a["population"] for a in actors.values())),
        },
        "categories": categories,
        "actors": actors,
        "dyads": dyads,
        "trade": trade,
        "sanctions": {"regimes": [regime]},
        "reactions": [
            {
                "actor": cs[2],
                "when": {"measure": f"insecurity.{cs[2]}", "above": 0.3},
                "then": {"add": {f"actors.{cs[2]}.doctrine.grievance": 0.01}},
                "every": 4,
            }
        ],
        "analysis": {
            "blocs": {"a": [patron, client], "b": cs[2:4]},
            "key_dyads": [[target, cs[2]], [patron, cs[3]]],
        },
    }


def synthetic_scenario(n: int, seed: int = 0, steps: int = 40) -> Scenario:
    """A validated synthetic scenario of ``n`` actors.

    Parameters
    ----------
    n : int
        The number of actors, at least 4.
    seed : int
        Seed of the draws (:func:`synthetic_data`), and the scenario's root seed.
    steps : int
        The number of steps of the run (quarters, from 2024-07).

    Returns
    -------
    Scenario
        The scenario of :func:`synthetic_data`, validated; messages name its origin
        ``<synthetic n>``.

    Raises
    ------
    ValueError
        If ``n`` is below 4.
    """
    from .scenario import resolve, wrap

    return resolve(wrap(synthetic_data(n, seed, steps), f"<synthetic {n}>"))
