"""Paired comparison of scenarios with common random numbers."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from conftest import BASELINE
from matplotlib.collections import PolyCollection

from sim import plots
from sim.analysis.compare import RANKING_COLUMNS, compare, measure_series
from sim.runner import run
from sim.scenario import load_scenario

SCENARIOS = [
    BASELINE,
    BASELINE.parent / "trilateral_strengthens.yaml",
    BASELINE.parent / "china_opposes.yaml",
]
SHORT = ["steps=8"]


@pytest.fixture(scope="module")
def comparison():
    return compare(SCENARIOS, replications=4, overrides=SHORT)


def test_three_bundled_scenarios_rank_with_expected_columns(comparison):
    table = comparison.ranking()
    assert tuple(table.columns) == RANKING_COLUMNS
    assert list(table["rank"]) == [1, 2]
    assert set(table["scenario"]) == {"trilateral_strengthens", "china_opposes"}
    assert (table["n"] == 4).all()
    diffs = table["mean_difference"].abs().to_numpy()
    assert (np.diff(diffs) <= 0).all()
    assert (
        (table["ci90_low"] <= table["mean_difference"])
        & (table["mean_difference"] <= table["ci90_high"])
    ).all()
    assert table["same_sign_share"].between(0, 1).all()


def test_common_random_numbers_and_paired_differences(comparison):
    v = comparison.values
    seeds = v.groupby("replication")["seed"].nunique()
    assert (seeds == 1).all()  # replication k has one seed in every scenario
    d = comparison.differences()
    base = v[v["scenario"] == "baseline"].set_index(["replication", "step"])["value"]
    other = v[v["scenario"] == "china_opposes"].set_index(["replication", "step"])["value"]
    mine = d[d["scenario"] == "china_opposes"].set_index(["replication", "step"])["difference"]
    assert np.allclose(mine, (other - base).reindex(mine.index))
    # before the scenarios' first event (2025-01) the paths are identical
    assert (d.loc[d["step"] <= 1, "difference"].abs() < 1e-12).all()


def test_results_folders_stand_in_for_scenarios(comparison, tmp_path):
    folders = [r.save(tmp_path) for r in comparison.results[:2]]
    again = compare(folders)
    assert again.ranking()["mean_difference"].iloc[0] == pytest.approx(
        comparison.ranking().set_index("scenario").loc["trilateral_strengthens", "mean_difference"]
    )
    other_seed = run(BASELINE, replications=2, seed=7, overrides=SHORT).save(tmp_path)
    with pytest.raises(ValueError, match="same seeds"):
        compare([folders[0], other_seed])


def test_actor_and_dyad_measures(comparison):
    r = comparison.results[0]
    cap = measure_series(r, "capability.PRK")
    assert len(cap) == r.measures.shape[0]
    risk = compare(
        SCENARIOS[:2], replications=3, overrides=SHORT, measure="conflict_risk.PRK.KOR:mean"
    )
    assert risk.unit == "probability per year"
    assert risk.ranking()["reducer"].iloc[0] == "mean"
    with pytest.raises(Exception, match="unknown actor"):
        compare(SCENARIOS[:2], replications=2, overrides=SHORT, measure="capability.XYZ")


def test_comparison_plots_and_save(comparison, tmp_path):
    ax = plots.comparison_difference(comparison)
    named = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert len(named) == 2  # one per non-reference scenario
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 4
    assert "vs baseline" in ax.get_ylabel()
    ax = plots.comparison_overlay(comparison)
    assert len([ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]) == 3
    folder = comparison.save(
        tmp_path, write_extra=lambda f: plots.write_comparison_plots(comparison, f, dpi=40)
    )
    assert not list(tmp_path.glob("compare/.partial-*"))
    for name in (
        "values.csv",
        "differences.csv",
        "ranking.csv",
        "plots/comparison.png",
        "plots/difference.csv",
        "plots/ranking.png",
    ):
        assert (folder / name).exists(), name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["libraries"]["geosim"] and manifest["engines"]["baseline"] == "batch"
    assert set(manifest["descriptions"]) == set(comparison.names)
    for name in comparison.names:  # each resolved scenario, for what was run
        again = load_scenario(folder / manifest["scenario_files"][name])
        assert again.name == name
    end = pd.read_csv(folder / "end_states.csv")
    assert set(end["scenario"]) == set(comparison.names)
    want = comparison.results[1].end_state().loc[0, "capability.PRK"]
    got = end.query("scenario == @comparison.names[1] and replication == 0")
    assert got.set_index("measure").loc["capability.PRK", "value"] == pytest.approx(want)
