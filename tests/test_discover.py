"""geosim discover: PRIM scenario discovery on a sweep whose answer is known by
construction (issue 18, item 7).

North Korea's end capability rises with Russia's transfer willingness and does not
depend on the abstention margin at all (an abstention is only logged).  With one
replication, every point runs the same seed, so capability is a clean function of
the willingness: above 68 exactly where it is 0.6 or more.  PRIM must box the
willingness from between 0.4 and 0.6 up and leave the margin free.
"""

from __future__ import annotations

import importlib.util
import json

import pandas as pd
import pytest

# find_spec, not importorskip: importing ema_workbench takes seconds, paid by every
# worker at collection even when these tests are deselected.
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ema_workbench") is None, reason="ema_workbench is not installed"
)

from tests.model_fixtures import REPO  # noqa: E402

SWEEP = f"""\
schema_version: 1
kind: sweep
name: known_box
base: {REPO / "scenarios" / "baseline.yaml"}
method: grid
replications: 1
parameters:
  actors.RUS.doctrine.transfer_willingness: {{range: [0.0, 1.0], steps: 6}}
  model.abstention_margin: {{range: [0.0, 1.0], steps: 5}}
measures: [capability.PRK:last, balance:last]
"""


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    from typer.testing import CliRunner

    from sim.cli import app

    tmp = tmp_path_factory.mktemp("discover")
    (tmp / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["sweep", str(tmp / "sweep.yaml"), "--out", str(tmp / "out"), "-q"]
    )
    assert result.exit_code == 0, result.stdout
    (folder,) = (tmp / "out").iterdir()
    return folder


def test_prim_finds_the_box_the_sweep_was_built_to_have(sweep_folder, cli):
    out = cli("discover", sweep_folder, "-m", "capability.PRK:last", "--above", "68")
    assert out.code == 0, out.err
    assert "coverage 100%, density 100%" in out.out
    found = sweep_folder / "discovery-capability.PRK_last"
    box = pd.read_csv(found / "box.csv").set_index("parameter")
    will = box.loc["actors.RUS.doctrine.transfer_willingness"]
    assert will["restricted"] and 0.4 < will["low"] <= 0.6 and will["high"] >= 1.0 - 1e-9
    assert not box.loc["model.abstention_margin", "restricted"]
    peel = pd.read_csv(found / "peeling.csv")
    assert peel["chosen"].sum() == 1 and peel["density"].is_monotonic_increasing
    assert (found / "discovery_tradeoff.png").stat().st_size > 10_000
    assert (found / "discovery_box.png").stat().st_size > 10_000
    about = json.loads((found / "discovery.json").read_text())
    assert about["measure"] == "capability.PRK:last" and about["condition"] == "above"
    assert about["level"] == 68 and about["cases"] <= about["runs"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-m", "tension:mean", "--above", "0.1"], "the sweep has no measure 'tension:mean'"),
        (["-m", "capability.PRK:last", "--above", "1000"], "nothing to discover"),
        (["-m", "capability.PRK:last"], "give one of --below and --above"),
        (["-m", "capability.PRK:last", "--below", "70", "--above", "60"], "give one of"),
    ],
)
def test_discover_refuses_what_it_cannot_answer(sweep_folder, cli, args, message):
    out = cli("discover", sweep_folder, *args)
    assert out.code == 2 and message in out.err and "Traceback" not in out.err


def test_discover_refuses_a_folder_that_is_no_sweep(tmp_path, cli):
    out = cli("discover", tmp_path, "-m", "balance:last", "--below", "0")
    assert out.code == 2 and "not a geosim sweep folder" in out.err
    assert "Traceback" not in out.err
