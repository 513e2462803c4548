"""geosim run: reproducibility, plausibility of the baseline, stored summary, face validity."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli import app

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"


def _short(path: Path = BASELINE, **kw) -> sim.RunResult:
    return sim.run(path, **kw)


def test_same_scenario_and_seed_give_identical_tables():
    a = _short(replications=3)
    b = _short(replications=3)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_a_replication_does_not_depend_on_how_many_are_run():
    """Bit for bit: a run's numbers do not depend on the block it shares (so a sweep's
    results do not depend on its chunks or its number of workers)."""
    few = _short(replications=2)
    many = _short(replications=5)
    for name in ("measures", "actors", "dyads", "trade", "events"):
        left = few.tables[name]
        right = many.tables[name]
        right = right[right["replication"] < 2].reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_exact=True)


def test_batch_and_mesa_engines_give_the_same_tables():
    a = _short(replications=2, engine="batch")
    b = _short(replications=2, engine="mesa")
    for name in a.tables:
        right = b.tables[name][a.tables[name].columns]
        pd.testing.assert_frame_equal(
            a.tables[name], right, check_dtype=False, rtol=1e-9, atol=1e-12
        )


def test_the_baseline_stays_plausible_and_moves():
    result = _short(replications=20)
    dyads = result.dyads
    assert dyads["relation"].abs().max() < 0.98, "a relation came within 0.02 of +-1"
    spec = result.scenario
    floor, ceiling = spec.model.burden_floor, spec.model.burden_ceiling
    burden = result.actors["defence_share"]
    assert burden.min() > floor + 1e-3 and burden.max() < ceiling - 1e-2
    growth = result.actors["growth"]
    assert growth.between(-0.05, 0.08).all(), (growth.min(), growth.max())
    # visible movement: the balance and some relations change over ten years
    m = result.measures
    start = m[m["step"] == 0]["balance"].median()
    end = m[m["step"] == m["step"].max()]["balance"].median()
    assert abs(end - start) > 0.01
    first = dyads[dyads["step"] == 0].set_index(["replication", "actor", "partner"])["relation"]
    last = dyads[dyads["step"] == dyads["step"].max()].set_index(
        ["replication", "actor", "partner"]
    )["relation"]
    assert (last - first).abs().max() > 0.05


@pytest.mark.regression
def test_the_seeded_baseline_matches_its_stored_summary():
    stored = yaml.safe_load((REPO / "tests" / "baseline_summary.yaml").read_text())
    result = sim.run(BASELINE, replications=stored["replications"], seed=stored["seed"])
    fresh = result.summary().set_index("measure")
    rtol = stored["rtol"]
    drift = []
    for measure, values in stored["summary"].items():
        for stat, expected in values.items():
            got = float(fresh.loc[measure, stat])
            if not math.isclose(got, expected, rel_tol=rtol, abs_tol=1e-12):
                drift.append(f"{measure} {stat}: stored {expected:.6g}, now {got:.6g}")
    assert not drift, (
        "the baseline drifted from tests/baseline_summary.yaml; if the change is deliberate, "
        "run python tests/make_baseline_summary.py and commit it:\n" + "\n".join(drift[:20])
    )


# ------------------------------------------------------------------ face validity

REPLICATIONS = 50


@pytest.fixture(scope="module")
def variants() -> dict[str, sim.RunResult]:
    names = [
        "baseline",
        "partnership_deepens",
        "ukraine_ceasefire",
        "china_opposes",
        "china_supports",
        "sanctions_collapse",
        "trilateral_strengthens",
    ]
    return {n: sim.run(SCENARIOS / f"{n}.yaml", replications=REPLICATIONS) for n in names}


def _end(result: sim.RunResult, column: str) -> np.ndarray:
    return result.end_state()[column].to_numpy()


def _mean(result: sim.RunResult, table: str, column: str, actor: str | None = None) -> np.ndarray:
    frame = result.tables[table]
    if actor is not None:
        frame = frame[frame["actor"] == actor]
    return frame.groupby("replication")[column].mean().to_numpy()


def _provocations(result: sim.RunResult, actor: str) -> np.ndarray:
    ev = result.events
    counts = ev[(ev["kind"] == "provocation") & (ev["actor"] == actor)].groupby("replication")
    return counts.size().reindex(range(REPLICATIONS), fill_value=0).to_numpy(dtype=float)


def _z(a: np.ndarray, b: np.ndarray) -> float:
    """Paired difference of a minus b in standard errors (common random numbers)."""
    d = a - b
    se = d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean() / se) if se > 0 else math.copysign(math.inf, d.mean())


def test_partnership_deepening_raises_north_korean_capability_and_tension(variants):
    deep, base = variants["partnership_deepens"], variants["baseline"]
    assert _z(_end(deep, "capability.PRK"), _end(base, "capability.PRK")) > 2
    assert _z(_mean(deep, "measures", "tension"), _mean(base, "measures", "tension")) > 2


def test_a_ceasefire_lowers_the_bargains_transfers(variants):
    cease, base = variants["ukraine_ceasefire"], variants["baseline"]
    z_munitions = _z(
        _mean(cease, "actors", "munitions_supplied", "PRK"),
        _mean(base, "actors", "munitions_supplied", "PRK"),
    )
    z_transfers = _z(
        _mean(cease, "actors", "transfers_in", "PRK"), _mean(base, "actors", "transfers_in", "PRK")
    )
    assert z_munitions < -2 and z_transfers < -2


def test_china_opposing_lowers_north_korean_provocations_against_china_supporting(variants):
    opposes, supports = variants["china_opposes"], variants["china_supports"]
    assert _z(_provocations(opposes, "PRK"), _provocations(supports, "PRK")) < -2


def test_sanctions_collapse_softens_the_hit_on_north_korean_gdp(variants):
    collapse, base = variants["sanctions_collapse"], variants["baseline"]
    assert _z(_end(collapse, "gdp.PRK"), _end(base, "gdp.PRK")) > 2


def test_trilateral_strengthening_moves_the_balance_toward_the_us_led_bloc(variants):
    tri, base = variants["trilateral_strengthens"], variants["baseline"]
    assert _z(_end(tri, "balance"), _end(base, "balance")) > 2


# ------------------------------------------------------------------ the command


@pytest.mark.slow
def test_geosim_run_writes_a_complete_results_folder(tmp_path):
    out = tmp_path / "results"
    res = CliRunner().invoke(
        app, ["run", str(BASELINE), "-n", "2", "--set", "steps=6", "--out", str(out), "-q"]
    )
    assert res.exit_code == 0, res.output
    assert "balance" in res.output and "Results:" in res.output
    (folder,) = (out / "baseline").iterdir()
    names = {p.name for p in folder.iterdir()}
    for name in ("scenario.yaml", "manifest.json", "summary.csv", "plots"):
        assert name in names
    for table in ("measures", "actors", "dyads", "trade", "events"):
        assert f"{table}.parquet" in names
    assert not [p for p in (out / "baseline").iterdir() if p.name.startswith(".partial")]
    loaded = sim.load_results(folder)
    assert loaded.scenario.steps == 6
    assert set(loaded.measures["replication"]) == {0, 1}
    assert len(loaded.manifest["seeds"]) == 2


def test_geosim_run_csv_and_no_plots(tmp_path):
    out = tmp_path / "r"
    args = ["run", str(BASELINE), "-n", "1", "--set", "steps=6", "--out", str(out)]
    res = CliRunner().invoke(app, [*args, "--csv", "--no-plots", "-q"])
    assert res.exit_code == 0, res.output
    (folder,) = (out / "baseline").iterdir()
    assert (folder / "measures.csv").exists() and not (folder / "plots").exists()


def test_geosim_run_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "r"
    res = CliRunner().invoke(
        app, ["run", str(BASELINE), "--set", "actors.PRQ.milex=3", "--out", str(out)]
    )
    assert res.exit_code == 2
    assert "PRK" in res.output  # the hint names the closest actor
    assert not out.exists()


def test_a_subclassed_model_runs_on_the_mesa_path_and_says_so():
    class Custom(sim.GeoModel):
        pass

    with pytest.warns(UserWarning, match="batch engine cannot run it"):
        result = sim.run(BASELINE, replications=1, model_class=Custom)
    assert result.manifest["engine"] == "mesa"
    assert "Custom" in result.manifest["engine_note"]
    plain = sim.run(BASELINE, replications=1)
    pd.testing.assert_frame_equal(
        plain.measures, result.measures, check_dtype=False, rtol=1e-9, atol=1e-12
    )


def test_a_run_that_becomes_non_finite_is_flagged_by_itself():
    from sim.engine.batch import run_batch
    from sim.engine.compile import compile_structure
    from sim.engine.initial import initial_state
    from sim.engine.state import finite_runs, stack

    spec = sim.load_scenario(BASELINE, overrides=["steps=4"])
    assert not run_batch([spec, spec], [0, 1]).failed.any()
    structure = compile_structure(spec)
    block = stack([initial_state(spec, structure), initial_state(spec, structure)])
    block.gdp[1, 0] = np.nan  # one run of the block goes bad: only it is flagged
    assert list(finite_runs(block)) == [True, False]


def test_a_reaction_that_duplicates_an_endogenous_rule_is_warned_about(tmp_path):
    from sim.scenario import lint

    assert lint(sim.load_scenario(BASELINE)) == []
    path = tmp_path / "dup.yaml"
    path.write_text(
        f"schema_version: 1\nname: dup\nextends: {BASELINE}\nreactions:\n"
        "  - actor: KOR\n    when: {measure: threat.KOR, above: 0.01}\n"
        "    then: {add: {actors.KOR.doctrine.grievance: 0.01}}\n",
        encoding="utf-8",
    )
    (warning,) = lint(sim.load_scenario(path))
    assert "reactions[1]" in warning and "arms rule" in warning
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0 and "warning" in res.output and "arms rule" in res.output


def _collapsing(tmp_path: Path) -> Path:
    path = tmp_path / "collapse.yaml"
    path.write_text(
        f"schema_version: 1\nname: collapse\nextends: {BASELINE}\nsteps: 8\nreplications: 3\n"
        "events:\n  - at: 2025-01\n    add: {actors.PRK.gdp: -1000}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("engine", ["batch", "mesa"])
def test_a_run_that_leaves_its_domain_is_marked_failed_with_step_and_variable(tmp_path, engine):
    # an event may add any finite number; a GDP pushed below zero is caught at run time
    result = sim.run(_collapsing(tmp_path), engine=engine)
    assert result.manifest["failed_replications"] == [0, 1, 2]
    first = result.manifest["failures"][0]
    assert first["step"] == 2 and first["date"] == "2025-01"  # as the event applies
    assert first["where"] == "actors.PRK.gdp = 0"  # the event floors a value at its range
    assert result.summary().empty or (result.summary()["n"] == 0).all()


@pytest.mark.parametrize("engine", ["batch", "mesa"])
def test_a_share_of_the_world_above_one_fails_the_run(tmp_path, engine):
    # a GDP scaled a thousandfold stays in the state's domain (above 0) but makes the
    # United States larger than the world: its power, a share, leaves [0, 1]
    path = tmp_path / "giant.yaml"
    path.write_text(
        f"schema_version: 1\nname: giant\nextends: {BASELINE}\nsteps: 8\nreplications: 2\n"
        "events:\n  - at: 2025-04\n    scale: {actors.USA.gdp: 1000}\n",
        encoding="utf-8",
    )
    result = sim.run(path, engine=engine)
    assert result.manifest["failed_replications"] == [0, 1]
    first = result.manifest["failures"][0]
    assert first["step"] == 4 and first["where"].startswith("actors.USA.power = ")
    assert float(first["where"].split(" = ")[1]) > 1.0


def test_the_command_line_says_in_one_line_which_replications_failed(tmp_path):
    res = CliRunner().invoke(app, ["run", str(_collapsing(tmp_path)), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    (line,) = [s for s in res.output.splitlines() if "left the model's domain" in s]
    assert "3 of 3 replications" in line and "2025-01" in line and "actors.PRK.gdp" in line


def test_compare_leaves_out_the_pairs_of_a_failed_replication_and_says_so(tmp_path):
    half = tmp_path / "half.yaml"
    half.write_text(
        _collapsing(tmp_path).read_text(encoding="utf-8").replace("name: collapse", "name: half")
        + "    probability: 0.5\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(
        app,
        [
            "compare",
            str(BASELINE),
            str(half),
            "-n",
            "6",
            "--set",
            "steps=8",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "RuntimeWarning" not in res.output
    (line,) = [s for s in res.output.splitlines() if "replication pairs are left out" in s]
    manifest = json.loads(next(tmp_path.glob("compare/*/manifest.json")).read_text())
    left = manifest["left_out"]
    assert left and manifest["failed_replications"]["half"] == left
    assert f"{len(left)} of 6 replication pairs" in line
    assert manifest["replications"] == 6 - len(left)


def test_plot_of_a_run_whose_replications_all_failed_says_so(tmp_path):
    res = CliRunner().invoke(app, ["run", str(_collapsing(tmp_path)), "--out", str(tmp_path)])
    assert res.exit_code == 0 and "the summary is empty and no figure is drawn" in res.output
    folder = next(tmp_path.glob("collapse/*"))
    res = CliRunner().invoke(app, ["plot", str(folder)])
    assert res.exit_code == 2 and "there is nothing to draw" in res.output
    assert "Traceback" not in res.output


def test_compare_names_a_sweep_file_as_such():
    sweep = BASELINE.parent / "sweeps" / "transfers_x_stability.yaml"
    res = CliRunner().invoke(app, ["compare", str(sweep), str(BASELINE)])
    assert res.exit_code == 2 and "this is a sweep file" in res.output


def test_a_world_smaller_than_the_cast_is_refused(tmp_path):
    # every share of world GDP must lie below 1: the cast's GDP is 56,000 bn
    res = CliRunner().invoke(
        app, ["run", str(BASELINE), "--set", "reference.world_gdp=50000", "--out", str(tmp_path)]
    )
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "reference.world_gdp: the cast's GDP at the start, 55985.6, is not below" in res.output
    assert list(tmp_path.iterdir()) == []


def test_scenario_result_and_model_print_one_line_each():
    # a notebook shows these: one readable line, not a dump of every field
    spec = sim.load_scenario(BASELINE)
    assert repr(spec) == (
        "Scenario('baseline': 6 actors (USA, CHN, RUS, JPN, KOR, PRK), 40 quarters from "
        "2024-07 to 2034-07, 3 events, 1 reaction)"
    )
    result = sim.run(BASELINE, replications=2, overrides=["steps=4"])
    text = repr(result)
    assert text.startswith("RunResult('baseline', 2 replications, 4 quarter steps, rows:")
    assert "actors 60" in text and len(text) < 200
    model = sim.GeoModel(spec)
    model.step()
    assert repr(model) == "GeoModel('baseline', replication 0, step 1 of 40, 2024-10)"
