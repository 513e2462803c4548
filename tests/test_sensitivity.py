"""Sensitivity analysis: analytic answers, ignored parameters, reproducibility, resume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import sweep as sw
from sim.analysis import sensitivity as sa
from sim.analysis.sample import salib_problem, salib_sample
from sim.cli import app

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"

# Saltelli et al. (2010) / SALib documentation: Ishigami with a = 7, b = 0.1
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_through_the_same_code_path():
    pi = float(np.pi)
    spec = sw.SweepSpec.model_validate(
        {
            "schema_version": 1,
            "name": "ishigami",
            "base": "unused.yaml",
            "method": "sobol",
            "samples": 2**12,
            "sample_seed": 3,
            "replications": 1,
            "parameters": {n: {"range": [-pi, pi]} for n in ("x1", "x2", "x3")},
            "measures": ["balance:last"],
        }
    )
    problem = salib_problem(spec)
    x = salib_sample(spec, problem)
    indices = sa.analyze_values(spec, problem, x, ishigami(x)).set_index("parameter")
    for name in ISHIGAMI_S1:
        assert indices.loc[name, "S1"] == pytest.approx(ISHIGAMI_S1[name], abs=0.03)
        assert indices.loc[name, "ST"] == pytest.approx(ISHIGAMI_ST[name], abs=0.03)


@pytest.fixture
def sobol_file(tmp_path: Path) -> Path:
    (tmp_path / "base.yaml").write_text(
        f"schema_version: 1\nname: short\nextends: {BASELINE}\nsteps: 8\n", encoding="utf-8"
    )
    path = tmp_path / "sobol.yaml"
    path.write_text(
        """\
schema_version: 1
kind: sweep
name: tiny_sobol
base: base.yaml
method: sobol
samples: 16
replications: 2
sample_seed: 1
parameters:
  actors.PRK.doctrine.grievance: {range: [-0.5, 0.5]}
  actors.KOR.doctrine.reciprocity: {range: [0.0, 2.0]}
  actors.PRK.doctrine.veto_threshold: {range: [-0.5, 1.5]}   # PRK holds no veto: ignored
measures: [capability.PRK:growth, tension:mean]
""",
        encoding="utf-8",
    )
    return path


def test_an_ignored_parameter_gets_no_total_effect(sobol_file):
    result = sa.run_sensitivity(sobol_file, out=sobol_file.parent / "out")
    for measure in ("capability.PRK:growth", "tension:mean"):
        ranked = result.ranked(measure).set_index("parameter")
        assert abs(ranked.loc["actors.PRK.doctrine.veto_threshold", "ST"]) < 0.01
    top = result.ranked("capability.PRK:growth").iloc[0]["parameter"]
    assert top == "actors.PRK.doctrine.grievance"
    shares = result.seed_shares.set_index("measure")["seed_share"]
    assert ((shares >= 0) & (shares <= 1)).all()
    assert {"base_samples", "ST", "ST_conf"} <= set(result.convergence.columns)
    assert sorted(result.convergence["base_samples"].unique()) == [4, 8, 16]


def test_reruns_and_resumed_runs_give_identical_indices(sobol_file):
    first = sa.run_sensitivity(sobol_file, out=sobol_file.parent / "a")
    second = sa.run_sensitivity(sobol_file, out=sobol_file.parent / "b")
    pd.testing.assert_frame_equal(first.indices, second.indices)
    # interrupt: drop half of the finished shards, then resume
    folder = second.folder
    runs = sorted((folder / "shards").glob("runs-*.parquet"))
    for shard in runs[: len(runs) // 2 + 1]:
        shard.unlink()
    resumed = sa.run_sensitivity(sobol_file, out=sobol_file.parent / "b", resume=True)
    pd.testing.assert_frame_equal(first.indices, resumed.indices)


def test_morris_through_the_cli(tmp_path):
    (tmp_path / "base.yaml").write_text(
        f"schema_version: 1\nname: short\nextends: {BASELINE}\nsteps: 6\n", encoding="utf-8"
    )
    path = tmp_path / "morris.yaml"
    path.write_text(
        """\
schema_version: 1
kind: sweep
name: tiny_morris
base: base.yaml
method: morris
samples: 4
replications: 2
parameters:
  actors.PRK.doctrine.grievance: {range: [-0.5, 0.5]}
  actors.CHN.doctrine.stability_preference: {range: [0.0, 1.0]}
  actors.PRK.doctrine.veto_threshold: {range: [-0.5, 1.5]}
measures: [capability.PRK:growth]
""",
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["sensitivity", str(path), "--out", str(tmp_path / "o"), "-q"])
    assert res.exit_code == 0, res.output
    assert "mu*" in res.output and "actors.PRK.doctrine.grievance" in res.output
    (folder,) = (tmp_path / "o").iterdir()
    table = pd.read_csv(folder / "morris_indices.csv").set_index("parameter")
    assert table.loc["actors.PRK.doctrine.veto_threshold", "mu_star"] == 0.0
    assert table["mu_star"].idxmax() == "actors.PRK.doctrine.grievance"
    assert (folder / "plots" / "morris-capability_PRK_growth.png").exists()


def test_sobol_samples_must_be_a_power_of_two(sobol_file):
    bad = sobol_file.with_name("bad.yaml")
    bad.write_text(sobol_file.read_text().replace("samples: 16", "samples: 20"))
    res = CliRunner().invoke(app, ["sensitivity", str(bad)])
    assert res.exit_code == 2 and "power of 2" in res.output
