"""A user-written decision rule (docs/extending.md) under the model, run, compare and sweep.

The example of docs/examples/ratchet.py puts Japan's defence burden on a ratchet.
It must change what Japan decides and nothing of the built-in rules; it must run
under ``geosim run``, ``compare`` and ``sweep`` on the mesa path, in a pool of
workers, saying so once and recording it in the manifest; and a bad ``--model``
must get the usual clear message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BASELINE, REPO, run_module

import sim
from sim import sweep as sw

EXAMPLE = REPO / "docs" / "examples" / "ratchet.py"
REF = f"{EXAMPLE}:RatchetJapan"
SHORT = ["steps=12"]


@pytest.fixture(scope="module")
def ratchet():
    from sim.engine.custom import load_model_class

    return load_model_class(REF)


def _japan_burden(model) -> np.ndarray:
    actors = model.tables()["actors"]
    return actors[actors["actor"] == "JPN"]["defence_share"].to_numpy()


@pytest.mark.slow
def test_the_user_rule_changes_what_its_state_decides(ratchet):
    spec = sim.load_scenario(BASELINE)
    for k in range(3):
        own = ratchet(spec, replication=k).run()
        assert isinstance(own.nations[3], ratchet.agent_classes["JPN"])
        assert np.all(np.diff(_japan_burden(own)) >= -1e-15)
    falls = [
        np.sum(np.diff(_japan_burden(sim.GeoModel(spec, replication=k).run())) < 0)
        for k in range(3)
    ]
    assert sum(falls) > 0, "the built-in rule lets Japan's burden fall somewhere"


def test_a_decision_is_typed():
    model = sim.GeoModel(BASELINE)
    nation = model.nations[0]
    nation.decide()
    decision = nation.decision
    assert isinstance(decision, sim.Decision)
    assert decision.burden_logit.shape == (1,) and decision.relation.shape == (1, 6)


@pytest.mark.slow
def test_geosim_run_takes_the_mesa_path_in_a_pool_and_says_so_once(tmp_path, ratchet):
    out = tmp_path / "out"
    args = ["run", BASELINE, "--model", REF, "-n", "3", "-w", "2", "--no-plots", "-q"]
    result = run_module(*args, "--set", SHORT[0], "--out", out)
    assert result.code == 0, result.err
    assert result.err.count("RatchetJapan is not GeoModel") == 1
    (folder,) = (out / "baseline").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == "mesa" and manifest["model_class"] == REF
    assert manifest["workers"] == 2
    with pytest.warns(UserWarning, match="mesa path"):
        here = sim.run(BASELINE, replications=3, overrides=SHORT, model_class=ratchet)
    for name in ("measures", "actors", "events"):
        saved = pd.read_parquet(folder / f"{name}.parquet")
        pd.testing.assert_frame_equal(saved, here.tables[name], check_dtype=False)


@pytest.mark.slow
def test_geosim_compare_with_a_user_model(tmp_path):
    variant = REPO / "scenarios" / "trilateral_strengthens.yaml"
    result = run_module(
        "compare",
        BASELINE,
        variant,
        "--model",
        REF,
        "-n",
        "2",
        "--set",
        SHORT[0],
        "--measure",
        "defence_share.JPN",
        "--out",
        tmp_path,
        "-q",
    )
    assert result.code == 0, result.err
    assert result.err.count("is not GeoModel") == 1
    assert "trilateral_strengthens" in result.out


@pytest.mark.slow
def test_a_sweep_of_a_user_model_is_the_same_on_one_or_two_workers(tmp_path):
    (tmp_path / "base.yaml").write_text(
        f"schema_version: 1\nname: short\nextends: {BASELINE}\nsteps: 8\n", encoding="utf-8"
    )
    (tmp_path / "sweep.yaml").write_text(
        "schema_version: 1\nkind: sweep\nname: ratchet\nbase: base.yaml\nreplications: 2\n"
        "parameters:\n  actors.JPN.doctrine.fatigue: {values: [0.2, 1.5]}\n"
        "measures: [defence_share.JPN:min, balance:last]\n",
        encoding="utf-8",
    )
    one = sw.run_sweep(sw.load_sweep(tmp_path / "sweep.yaml", REF), out=tmp_path / "one")
    two = sw.run_sweep(sw.load_sweep(tmp_path / "sweep.yaml", REF), out=tmp_path / "two", workers=2)
    a, b = sw.load(one), sw.load(two)
    assert json.loads((one / "manifest.json").read_text())["engine"] == "mesa"
    pd.testing.assert_frame_equal(a.values, b.values)
    plain = sw.load(sw.run_sweep(sw.load_sweep(tmp_path / "sweep.yaml"), out=tmp_path / "plain"))
    assert one.name != Path(plain.folder).name  # another store: the model is in the digest
    assert not np.allclose(a.values["value"], plain.values["value"])


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("nonsense", "cannot read the model class"),
        ("no_such_module_here:Model", "cannot import"),
        (f"{EXAMPLE}:Missing", "has no class 'Missing'"),
        (f"{EXAMPLE}:RatchetNation", "is not a subclass of sim.GeoModel"),
        ("missing.py:Model", "no model file"),
    ],
)
def test_a_bad_model_reference_is_a_clear_input_error(cli, out_dir, ref, message):
    result = cli("run", BASELINE, "--model", ref, "-q")
    assert result.code == 2
    assert message in result.err and result.err.startswith("--model")
    assert len(result.err.strip().splitlines()) == 1
    assert list(out_dir.iterdir()) == []


def test_a_class_from_main_needs_a_module_for_workers():
    from sim.engine.custom import ModelClassError, reference

    class Local(sim.GeoModel):
        pass

    with pytest.raises(ModelClassError, match="worker processes cannot"):
        reference(Local)
    assert sys.modules[reference(sim.GeoModel).partition(":")[0]]
