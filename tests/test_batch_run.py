"""GeoModel under mesa.batch_run: the same values at the horizon as its own tables.

DESIGN §6 "Known traps": mesa 3.3.1 takes seeds as ``parameters={"seed": [...]}``;
3.5.1 takes ``rng=[...]`` (and, because GeoModel's signature has ``seed``, passes
each value on as ``seed=``, overwriting any ``seed`` parameter).  batch_run expands
every iterable parameter, so the scenario goes in as ``[spec]``.  3.3.1 reports
``model_vars[model.steps - 1]``; 3.5.1 the last collection.  The shim
:func:`batch_kwargs` hides the seed difference; nothing hides the horizon.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from model_fixtures import baseline
from model_fixtures import tables as tables_of

from sim.engine.model import GeoModel, batch_run_kwargs

MESA = tuple(int(part) for part in mesa.__version__.split(".")[:2])
SEEDS = [11, 12]


def batch_kwargs(spec, seeds: list[int]) -> dict:
    """batch_run keywords for one scenario and explicit run seeds (the shim in sim.model)."""
    return batch_run_kwargs(spec, seeds)


@pytest.fixture(scope="module")
def batch_rows():
    spec = baseline()
    rows = mesa.batch_run(GeoModel, max_steps=10 * spec.steps, **batch_kwargs(spec, SEEDS))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def own_models():
    return {seed: GeoModel(baseline(), seed=seed).run() for seed in SEEDS}


def _model_columns(model: GeoModel) -> list[str]:
    return [c for c in model.datacollector.model_vars if c not in ("date",)]


def test_batch_run_passes_the_scenario_and_each_seed(batch_rows):
    assert set(batch_rows["seed"]) == set(SEEDS)
    assert batch_rows.groupby("seed")["actor"].nunique().eq(len(baseline().codes)).all()


def test_batch_run_reports_the_horizon(batch_rows, own_models):
    for seed, model in own_models.items():
        rows = batch_rows[batch_rows["seed"] == seed]
        final = {k: v[-1] for k, v in model.datacollector.model_vars.items()}
        assert (rows["step"] == model.structure.steps).all()
        for column in _model_columns(model):
            np.testing.assert_array_equal(rows[column].to_numpy(float), final[column], column)


def test_tables_work_on_this_mesa(own_models):
    for model in own_models.values():
        actors = model.tables()["actors"]
        assert actors["step"].dtype.kind == "i"
        assert actors["step"].max() == model.structure.steps


def test_batch_run_matches_the_tables_at_the_horizon(batch_rows, own_models):
    for seed, model in own_models.items():
        tables = tables_of(model)
        rows = batch_rows[batch_rows["seed"] == seed].sort_values("actor")
        measures = tables["measures"].iloc[-1]
        for column in _model_columns(model):
            np.testing.assert_array_equal(rows[column].to_numpy(float), measures[column], column)
        actors = tables["actors"]
        last = actors[actors["step"] == model.structure.steps].sort_values("actor")
        for column in ("gdp", "defence_share", "insecurity", "influence"):
            np.testing.assert_array_equal(rows[column].to_numpy(), last[column].to_numpy(), column)


def _iterations(spec, k: int) -> pd.DataFrame:
    """mesa.batch_run's rows for k iterations that pass no seed (3.3: iterations=k)."""
    options = {"parameters": {"spec": [spec]}, "max_steps": 10 * spec.steps}
    options["display_progress"] = False
    if MESA >= (3, 5):
        options["rng"] = [None] * k  # what iterations=k became (deprecated there)
    else:
        options["iterations"] = k
    rows = pd.DataFrame(mesa.batch_run(GeoModel, **options))
    return rows.drop_duplicates("iteration").set_index("iteration")


@pytest.mark.slow
def test_batch_run_iterations_are_distinct_reproducible_replications():
    spec = baseline()
    rows = _iterations(spec, 3)
    assert rows["balance"].nunique() == 3  # not three copies of one run
    again = _iterations(spec, 3)
    assert np.array_equal(rows["balance"].to_numpy(), again["balance"].to_numpy())
    for k in range(3):  # iteration k is replication k
        own = GeoModel(spec, replication=k).run().tables()["measures"]["balance"].iloc[-1]
        assert rows.loc[k, "balance"] == own


def test_a_model_outside_batch_run_is_replication_zero():
    spec = baseline()
    assert GeoModel(spec).replication == 0
    assert GeoModel(spec, seed=5).replication == 0
