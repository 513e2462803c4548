"""The batch engine and the mesa model give the same trajectories and event logs.

For every bundled scenario, 20 random parameter points (doctrine and model
parameters drawn within their registry ranges) x 5 replications, over the first
five years, run as one block of
the batch engine and one GeoModel each; actor, dyad and model tables must agree
within rtol 1e-9 / atol 1e-12 and the event logs must be identical.  The compared
runs must include provocations, reactions and vetoes or sanctions measures, so the
discrete parts of the model are exercised, not just the smooth ones.  A long history
whose dates do not fit in five years (the 1948 replay: entries, a succession, aid,
treaty kinds) runs whole, on 4 points x 2 replications.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import registry
from sim.engine.batch import run_batch
from sim.engine.model import GeoModel
from sim.errors import InputError
from sim.scenario import load_tree, resolve

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml")) + sorted(
    p
    for p in (REPO / "scenarios" / "history").glob("*.yaml")
    if "kind: calibration" not in p.read_text(encoding="utf-8")
)
HINDCAST = REPO / "scenarios" / "history" / "hindcast_2017.yaml"
POINTS = 20
REPLICATIONS = 5
STEPS = 20
"""Five years of quarters: every event, reaction and vote of the quarterly scenarios
falls inside."""
FREE = [p for p in registry.DOCTRINE if p.name not in ("misperception",)]
MODEL_FREE = [
    p
    for p in registry.MODEL
    if p.name not in ("burden_floor", "burden_ceiling", "weight_gdp", "weight_military")
]


def _points(path: Path, rng: np.random.Generator, points: int = POINTS) -> list:
    tree = load_tree(path)
    base = resolve(tree)
    specs = []
    for _ in range(points):
        overrides = {}
        for code in rng.choice(base.codes, size=min(3, len(base.codes)), replace=False):
            for p in rng.choice(FREE, size=3, replace=False):
                overrides[f"actors.{code}.doctrine.{p.name}"] = float(rng.uniform(p.low, p.high))
        for p in rng.choice(MODEL_FREE, size=3, replace=False):
            overrides[f"model.{p.name}"] = float(rng.uniform(p.low, p.high))
        if base.observations is None and _fits(tree, overrides):
            overrides["steps"] = STEPS  # a hindcast or a long history keeps its span
        specs.append(resolve(tree, overrides))
    return specs


def _fits(tree, overrides) -> bool:
    """Whether every date of the file falls inside STEPS steps."""
    try:
        resolve(tree, {**overrides, "steps": STEPS})
    except InputError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_batch_engine_equals_the_mesa_model(path):
    tree = load_tree(path)
    if resolve(tree).observations is None and not _fits(tree, {}):
        # a long history (the 1948 replay: 77 years) in full, on fewer points
        _check_equivalence(path, points=4, replications=2)
    else:
        _check_equivalence(path, POINTS, REPLICATIONS)


def test_batch_engine_equals_the_mesa_model_on_a_small_case():
    """The default run's quick version: the baseline, 3 points x 2 replications."""
    _check_equivalence(REPO / "scenarios" / "baseline.yaml", points=3, replications=2)


@pytest.mark.slow
def test_batch_engine_equals_the_mesa_model_on_the_hindcast():
    """The hindcast's votes, moratorium, closure and war: 2 points x 2 replications."""
    _check_equivalence(HINDCAST, points=2, replications=2)


def _check_equivalence(path: Path, points: int, replications: int) -> None:
    rng = np.random.default_rng(sum(path.stem.encode()))
    specs = _points(path, rng, points)
    runs = [(spec, k) for spec in specs for k in range(replications)]
    block = run_batch([s for s, _ in runs], [k for _, k in runs])
    batch = block.tables
    kinds: set[str] = set()
    for r, (spec, k) in enumerate(runs):
        own = GeoModel(spec, replication=k).run().tables()
        for name in ("measures", "actors", "dyads", "trade", "events"):
            b = batch[name][batch[name]["run"] == r].drop(columns="run").reset_index(drop=True)
            m = own[name].drop(columns="replication").reset_index(drop=True)
            b = b[m.columns]
            if name == "events":
                pd.testing.assert_frame_equal(m, b, check_dtype=False, check_exact=True)
            else:
                pd.testing.assert_frame_equal(
                    m, b, check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-12
                )
        kinds |= set(own["events"]["kind"])
    base = specs[0]
    assert "provocation" in kinds
    if base.reactions:
        assert "reaction" in kinds
    window_end = base.step_of(base.date_of(base.steps))  # the points' own horizon
    in_window = [
        r for r in base.sanctions.regimes if r.since is None or base.step_of(r.since) < window_end
    ]
    if in_window:
        assert kinds & {"veto", "sanctions_measure", "monitoring_restored"}
    if path == HINDCAST:
        assert {"moratorium", "border_closure", "sanctions_vote", "summit"} <= kinds
