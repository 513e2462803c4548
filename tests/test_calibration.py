"""geosim calibrate: ABC-SMC (pyabc) fed by the batch engine (issue 14, item 4).

The block sampler must give exactly what pyabc's own single-core sampler gives,
whatever the block size; a calibration must be reproducible from its seed; the
observation values read from a block must be those the tidy tables give; and a
small calibration must recover known parameters from data the model generated
(identifiability).  Bad calibration files get located errors and exit 2.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# find_spec, not importorskip: importing pyabc takes seconds, paid by every
# worker at collection even when these tests are deselected.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyabc") is None, reason="pyabc is not installed"
)

from sim.analysis.calibration import (  # noqa: E402
    fit,
    load_calibration,
    observation_values,
    simulate,
    to_parameter,
)
from sim.analysis.observed import model_at_observations  # noqa: E402
from sim.engine.batch import run_batch  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from tests.model_fixtures import REPO  # noqa: E402

HINDCAST = REPO / "scenarios" / "history" / "hindcast_2017.yaml"


def _file(tmp_path: Path, parameters: str, **fields) -> Path:
    body = {
        "schema_version": 1,
        "kind": "calibration",
        "name": "small",
        "base": str(HINDCAST),
        "seed": 11,
        "population": 20,
        "generations": 2,
        **fields,
    }
    lines = [f"{k}: {json.dumps(v)}" for k, v in body.items()]
    path = tmp_path / "calibration.yaml"
    path.write_text("\n".join(lines) + "\nparameters:\n" + parameters, encoding="utf-8")
    return path


TWO = (
    "  actors.PRK.doctrine.provocation_rate: {range: [1.0, 12.0]}\n"
    "  actors.KOR.doctrine.grievance: {range: [-0.5, 0.5]}\n"
)


@pytest.mark.slow
def test_the_block_sampler_gives_what_pyabcs_single_core_sampler_gives(tmp_path):
    cal = load_calibration(_file(tmp_path, TWO))
    reference = fit(cal, reference=True)
    for block in (20_000, 7):  # one block per generation, and many small ones
        blocked = fit(cal, max_block=block)
        pd.testing.assert_frame_equal(blocked.posterior, reference.posterior)
        pd.testing.assert_frame_equal(blocked.generations, reference.generations)
    other = fit(dataclasses.replace(cal, spec=cal.spec.model_copy(update={"seed": 12})))
    assert not other.posterior.equals(reference.posterior)


@pytest.mark.slow
def test_a_binding_min_acceptance_stops_both_samplers_after_the_same_generation(tmp_path):
    """pyabc's max_eval (population / min_acceptance, not a whole number here) is ignored,
    as by the single-core sampler: the run stops after the generation that falls below."""
    cal = load_calibration(_file(tmp_path, TWO, generations=4, min_acceptance=0.3))
    reference = fit(cal, reference=True)
    blocked = fit(cal, max_block=9)
    pd.testing.assert_frame_equal(blocked.posterior, reference.posterior)
    assert len(blocked.generations) < 4  # it did bind
    assert blocked.generations["acceptance"].iloc[-1] < 0.3


def test_the_posterior_stays_inside_the_priors(tmp_path):
    cal = load_calibration(_file(tmp_path, TWO))
    post = fit(cal).posterior
    assert post["actors.PRK.doctrine.provocation_rate"].between(1.0, 12.0).all()
    assert post["actors.KOR.doctrine.grievance"].between(-0.5, 0.5).all()
    spec = cal.spec
    z = np.array([-30.0, 0.0, 30.0])
    np.testing.assert_allclose(
        to_parameter(spec, "actors.KOR.doctrine.grievance", z), [-0.5, 0.0, 0.5], atol=1e-9
    )


def test_observation_values_are_those_of_the_tidy_tables(tmp_path):
    cal = load_calibration(_file(tmp_path, TWO))
    spec = load_scenario(HINDCAST)
    seeds = [5, 6, 7]
    full = run_batch([spec] * 3, [0, 1, 2], seeds=seeds)
    tables = {
        k: v.assign(replication=v["run"]) if "replication" not in v else v
        for k, v in full.tables.items()
    }
    expected = model_at_observations(tables, cal.observations).T
    kept = run_batch(
        [spec] * 3, [0, 1, 2], seeds=seeds, keep_log=False, keep=set(cal.observations["name"])
    )
    got = observation_values(kept, cal.observations, spec.codes)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)


@pytest.mark.slow
def test_a_small_calibration_recovers_parameters_from_model_generated_data(tmp_path):
    """Identifiability: data made by the model at known values, then fitted.

    The burdens pin the grievances; one realisation of the over-dispersed counts pins
    the base provocation rate only loosely (its likelihood's sd is about 1.6 events
    a year at 6, and the posterior's is still about 2 after nine generations), so
    that the test asks less of it.
    """
    three = TWO + "  actors.USA.doctrine.grievance: {range: [-0.5, 0.5]}\n"
    measures = ["provocations", "defence_share.KOR", "defence_share.USA"]
    cal = load_calibration(
        _file(tmp_path, three, population=100, generations=9, seed=3, measures=measures)
    )
    truth = np.array([[6.0, 0.25, -0.2]])
    synthetic = simulate(cal, truth, [987657], cal.fitted)[0]
    assert np.isfinite(synthetic).all()
    cal = dataclasses.replace(cal, fitted=cal.fitted.assign(value=synthetic))
    result = fit(cal)
    assert result.simulations < 5000
    last = result.posterior[result.posterior["generation"] == result.posterior["generation"].max()]
    for name, true in zip(cal.names, truth[0], strict=True):
        lo, hi = result.interval[name]
        assert lo <= true <= hi, (name, lo, true, hi)
    for name, true in zip(cal.names[1:], truth[0][1:], strict=True):  # the grievances
        lo, hi = result.interval[name]
        assert hi - lo < 0.25 and abs(result.point[name] - true) < 0.05, (name, lo, hi)
    rate = last["actors.PRK.doctrine.provocation_rate"]
    mean = np.average(rate, weights=last["weight"])
    sd = np.sqrt(np.average((rate - mean) ** 2, weights=last["weight"]))
    assert sd < 0.8 * 11.0 / np.sqrt(12.0)  # narrower than the uniform prior's sd (3.2)


@pytest.mark.parametrize(
    ("parameters", "fields", "message", "where"),
    [
        (
            "  actors.PRK.gdp: {range: [10, 40]}\n",
            {},
            "only parameters the start takes as they are can be calibrated",
            "parameters.actors.PRK.gdp",
        ),
        (
            "  actors.PRK.doctrine.provocation_rate: {range: [1.0, 50.0]}\n",
            {},
            "leaves the parameter's range",
            "parameters.actors.PRK.doctrine.provocation_rate.range",
        ),
        (
            "  actors.XYZ.doctrine.grievance: {range: [-0.5, 0.5]}\n",
            {},
            "XYZ",
            "parameters.actors.XYZ.doctrine.grievance",
        ),
        (TWO, {"window": "later"}, "has no window 'later'", "window"),
        (TWO, {"population": 3}, "greater than or equal to 10", "population"),
        (TWO, {"base": "nowhere.yaml"}, "not found", "base"),
    ],
)
def test_bad_calibration_files_are_refused_with_located_messages(
    tmp_path, cli, parameters, fields, message, where
):
    path = _file(tmp_path, parameters, **fields)
    out = cli("calibrate", path, "--dry-run")
    assert out.code == 2, out.out
    assert message in out.err and where in out.err and "Traceback" not in out.err
    assert str(path) in out.err


@pytest.mark.slow
def test_geosim_calibrate_writes_the_posterior_scores_and_a_calibrated_scenario(
    tmp_path, cli, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    path = _file(tmp_path, TWO)
    dry = cli("calibrate", path, "--dry-run")
    assert dry.code == 0 and "dry run: nothing written" in dry.out
    assert not (tmp_path / "results").exists()
    out = cli("calibrate", path, "--replications", "4", "--quiet")
    assert out.code == 0, out.err
    (folder,) = (tmp_path / "results").iterdir()
    names = {p.name for p in folder.iterdir()}
    assert {"posterior.parquet", "generations.csv", "calibrated.yaml", "score.csv"} <= names
    assert {"observations.csv", "manifest.json"} <= names
    plots = {p.name for p in (folder / "plots").iterdir()}
    assert {"posterior_marginals.png", "posterior_pairs.png", "generations.png"} <= plots
    assert "fit_provocations.png" in plots
    score = pd.read_csv(folder / "score.csv")
    assert set(score["fit"]) == {"uncalibrated", "calibrated", "posterior"}
    assert {"calibration", "validation"} <= set(score["window"])
    post = pd.read_parquet(folder / "posterior.parquet")
    assert list(post.columns[:2]) == ["generation", "weight"]
    # the calibrated scenario extends the base and sets the posterior medians
    calibrated = load_scenario(folder / "calibrated.yaml")
    rate = calibrated.actors["PRK"].doctrine.provocation_rate
    last = post[post["generation"] == post["generation"].max()]
    assert last["actors.PRK.doctrine.provocation_rate"].min() <= rate
    assert rate <= last["actors.PRK.doctrine.provocation_rate"].max()
    assert calibrated.actors["PRK"].gdp == load_scenario(HINDCAST).actors["PRK"].gdp
    assert cli("validate", folder / "calibrated.yaml").code == 0


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_calibration_is_the_same_over_workers_and_dask(tmp_path, executor):
    from sim.analysis.calibration import Runner

    cal = load_calibration(_file(tmp_path, TWO, population=60, generations=2))
    alone = fit(cal)
    runner = Runner(cal, 2, executor, chunk=25)
    try:
        spread = fit(cal, run=runner)
    finally:
        runner.close()
    pd.testing.assert_frame_equal(spread.posterior, alone.posterior)
    pd.testing.assert_frame_equal(spread.generations, alone.generations)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (REPO / "scenarios" / "baseline.yaml", "this is a scenario file, not a calibration file"),
        (REPO / "scenarios" / "sweeps" / "sobol_balance.yaml", "this is a sweep file"),
    ],
)
def test_a_scenario_or_sweep_file_given_to_calibrate_gets_one_line(cli, path, message):
    out = cli("calibrate", path, "--dry-run")
    assert out.code == 2 and message in out.err and "Traceback" not in out.err
    assert len(out.err.strip().splitlines()) == 1
