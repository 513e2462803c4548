"""Reduced measures at sweep speed (sim.outcomes), and geosim as an EMA Workbench model."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

import sim
from sim.errors import InputError

BASELINE = "scenarios/baseline.yaml"


def test_outcomes_are_the_tables_reduced():
    spec = sim.load_scenario(BASELINE)
    got = sim.outcomes(spec, ["balance", "capability.PRK:max", "tension:mean"], replications=5)
    ref = sim.run(spec, replications=5)
    assert list(got.index) == list(range(5)) and got.index.name == "replication"
    assert list(got["seed"]) == ref.manifest["seeds"]
    assert not got["failed"].any()
    assert np.array_equal(got["balance"].to_numpy(), ref.end_state()["balance"].to_numpy())
    prk = ref.actors[ref.actors["actor"] == "PRK"].groupby("replication")["capability"].max()
    assert np.array_equal(got["capability.PRK:max"].to_numpy(), prk.to_numpy())
    tension = ref.measures.groupby("replication")["tension"].mean()
    np.testing.assert_allclose(got["tension:mean"].to_numpy(), tension.to_numpy(), rtol=1e-12)


def test_an_unknown_measure_is_named_with_the_closest():
    with pytest.raises(InputError, match="unknown measure 'balanse'.*did you mean 'balance'"):
        sim.outcomes(BASELINE, ["balance", "balanse"], replications=1)
    with pytest.raises(InputError, match="no measure"):
        sim.outcomes(BASELINE, [], replications=1)


def _example():
    spec = importlib.util.spec_from_file_location("ema_geosim", "docs/examples/ema_geosim.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_geosim_runs_as_an_ema_workbench_model(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ipyparallel and the like are optional there
        ema = pytest.importorskip("ema_workbench")
    example = _example()
    monkeypatch.setattr(example, "REPLICATIONS", 2)
    with ema.SequentialEvaluator(example.ema_model()) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=3)
    assert len(experiments) == 3 and set(outcomes) == set(example.OUTCOMES)
    for values in outcomes.values():
        assert np.isfinite(values).all()
    # each experiment is the geosim run of its values: reproducible outside EMA
    first = experiments.iloc[0]
    again = example.geosim_model(**{k: float(first[k]) for k in example.UNCERTAINTIES})
    for name, value in again.items():
        assert outcomes[name][0] == pytest.approx(value, rel=0, abs=0)


def test_a_measure_asked_twice_is_refused_and_a_name_alone_is_one_measure():
    with pytest.raises(InputError, match="'balance' is asked for twice"):
        sim.outcomes(BASELINE, ["balance", "balance"], replications=1)
    assert list(sim.outcomes(BASELINE, "balance", replications=1).columns)[-1] == "balance"
