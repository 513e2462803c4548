"""Sweeps: files, seeds shared with geosim run, the store, executors, resume, failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim import sweep as sw
from sim.cli import app

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "scenarios" / "baseline.yaml"


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A short base scenario and a 3 x 2 grid sweep with 2 replications (12 runs)."""
    _write(
        tmp_path, "base.yaml", f"schema_version: 1\nname: short\nextends: {BASELINE}\nsteps: 8\n"
    )
    return _write(
        tmp_path,
        "small.yaml",
        """\
schema_version: 1
kind: sweep
name: small
base: base.yaml
method: grid
replications: 2
parameters:
  actors.CHN.doctrine.stability_preference: {values: [0.2, 0.7, 0.95]}
  actors.RUS.doctrine.transfer_willingness: {values: [0.1, 0.4]}
measures: [balance:last, tension:mean, capability.PRK:growth, conflict_risk.PRK.KOR:max]
trajectories: [balance]
""",
    )


def _frames(folder: Path) -> dict[str, pd.DataFrame]:
    r = sw.load(folder)
    runs = r.runs.drop(columns=["wall_time_s", "host"]).sort_values("run_id")
    return {
        "runs": runs.reset_index(drop=True),
        "values": r.values.sort_values(["run_id", "measure"]).reset_index(drop=True),
        "trajectories": r.trajectories.sort_values(["run_id", "measure", "step"]).reset_index(
            drop=True
        ),
    }


def _assert_same(a: dict, b: dict) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_bundled_sweeps_validate():
    for path in sorted((REPO / "scenarios" / "sweeps").glob("*.yaml")):
        s = sw.load_sweep(path)
        assert s.runs > 0 and s.measures


def test_samplers(small, tmp_path):
    s = sw.load_sweep(small)
    assert len(s.points) == 6 and s.runs == 12
    lhs = _write(
        tmp_path,
        "lhs.yaml",
        "schema_version: 1\nname: l\nbase: base.yaml\nmethod: lhs\nsamples: 10\nreplications: 1\n"
        "parameters:\n  actors.PRK.milex: {range: [4.3, 11.0]}\n"
        "  actors.CHN.doctrine.compliance: {range: [0.0, 1.0]}\nmeasures: [gdp.PRK:last]\n",
    )
    points = sw.load_sweep(lhs).points
    assert len(points) == 10
    # a Latin hypercube has one point in each of the 10 strata of every parameter
    strata = np.floor((points["actors.PRK.milex"] - 4.3) / (6.7 / 10)).astype(int)
    assert sorted(strata) == list(range(10))


def test_a_point_equal_to_the_base_reproduces_geosim_run(small):
    folder = sw.run_sweep(sw.load_sweep(small), out=small.parent / "out")
    values = sw.load(folder).wide()
    base = sim.run(small.parent / "base.yaml", replications=2)
    chn = base.scenario.actors["CHN"].doctrine.stability_preference
    rus = base.scenario.actors["RUS"].doctrine.transfer_willingness
    assert (chn, rus) == (0.7, 0.4)
    match = values[
        (values["actors.CHN.doctrine.stability_preference"] == chn)
        & (values["actors.RUS.doctrine.transfer_willingness"] == rus)
    ].sort_values("replication")
    end = base.end_state()
    np.testing.assert_allclose(
        match["balance:last"].to_numpy(), end["balance"].to_numpy(), rtol=1e-12
    )
    # common random numbers: every point's replication k has the same seed
    runs = sw.load(folder).runs
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()
    assert set(runs["seed"]) == set(base.manifest["seeds"])


def test_results_do_not_depend_on_workers_or_executor(small):
    one = sw.run_sweep(sw.load_sweep(small), out=small.parent / "w1")  # default chunks
    two = sw.run_sweep(sw.load_sweep(small), workers=2, out=small.parent / "w2", chunk_size=3)
    _assert_same(_frames(one), _frames(two))


@pytest.mark.slow
def test_results_on_a_dask_local_cluster_are_the_same(small):
    pytest.importorskip("distributed")
    one = sw.run_sweep(sw.load_sweep(small), out=small.parent / "w1")
    dask = sw.run_sweep(
        sw.load_sweep(small), workers=2, executor="dask", out=small.parent / "dask", chunk_size=4
    )
    _assert_same(_frames(one), _frames(dask))


KILLABLE = """\
schema_version: 1
kind: sweep
name: killable
base: base.yaml
method: grid
replications: 20
parameters:
  actors.CHN.doctrine.stability_preference: {values: [0.2, 0.7, 0.95]}
  actors.RUS.doctrine.transfer_willingness: {values: [0.1, 0.4]}
measures: [balance:last, tension:mean]
trajectories: [balance]
"""
"""120 runs: with one run per chunk, long enough to be killed part-way for sure."""

PARENT = """\
import sys
from sim import sweep as sw
sw.run_sweep(sw.load_sweep(sys.argv[1]), out=sys.argv[2], workers=int(sys.argv[3]), chunk_size=1)
"""
"""A sweep's parent process, run as a script so that the test can SIGKILL it."""


def _start_and_kill(sweep: Path, out: Path, workers: int) -> subprocess.Popen:
    """Start a sweep in a new session, SIGKILL its parent once a runs shard exists."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(sweep), str(out), str(workers)],
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("*/shards/runs-*.parquet")):
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, "no shard within 120 s"
        time.sleep(0.01)
    proc.kill()
    proc.wait(timeout=30)
    return proc


def _session_processes(sid: int) -> list[int]:
    """Processes still alive in a session (zombies left out)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.slow
def test_a_killed_sweep_resumes_to_the_same_result(small):
    sweep = _write(small.parent, "killable.yaml", KILLABLE)
    out = small.parent / "killed"
    proc = _start_and_kill(sweep, out, workers=1)
    assert proc.returncode == -signal.SIGKILL
    (folder,) = out.iterdir()
    partial = sw.load(folder)
    assert 0 < len(partial.runs) < 120
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "sweep",
            str(sweep),
            "--out",
            str(out),
            "-q",
            "--no-plots",
            "--resume",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    whole = sw.run_sweep(sw.load_sweep(sweep), out=small.parent / "whole")
    _assert_same(_frames(folder), _frames(whole))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.slow
def test_workers_of_a_killed_sweep_exit(small):
    sweep = _write(small.parent, "killable.yaml", KILLABLE)
    proc = _start_and_kill(sweep, small.parent / "orphans", workers=2)
    deadline = time.monotonic() + 10
    while _session_processes(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session_processes(proc.pid)
    for pid in left:  # do not leave them behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert not left, f"{len(left)} worker processes outlived their sweep's parent"


def test_a_duplicate_shard_is_harmless(small):
    folder = sw.run_sweep(sw.load_sweep(small), out=small.parent / "dup", chunk_size=6)
    shards = folder / "shards"
    for shard in list(shards.glob("*.parquet")):
        (shards / f"{shard.stem.split('-')[0]}-copy{shard.stem}.parquet").write_bytes(
            shard.read_bytes()
        )
    r = sw.load(folder)
    assert len(r.runs) == 12 and r.runs["run_id"].is_unique


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(small, monkeypatch):
    from sim.analysis import executors

    real = executors.run_batch

    def failing(specs, *args, **kwargs):  # point 1 is (0.2, 0.4), set on the base's start
        starts = kwargs.get("starts") or [{}] * len(specs)
        if any(
            sorted(v for v in start.values()) == [0.2, 0.4]
            or (
                s.actors["CHN"].doctrine.stability_preference == 0.2
                and s.actors["RUS"].doctrine.transfer_willingness == 0.4
            )
            for s, start in zip(specs, starts, strict=True)
        ):
            raise RuntimeError("failure injected by the test")
        return real(specs, *args, **kwargs)

    monkeypatch.setattr(executors, "run_batch", failing)
    folder = sw.run_sweep(sw.load_sweep(small), out=small.parent / "fail")
    r = sw.load(folder)
    failed = r.runs[r.runs["status"] == "failed"]
    assert set(failed["point"]) == {1} and len(failed) == 2
    assert failed["error"].str.contains("injected").all()
    assert set(r.values["point"]) == {0, 2, 3, 4, 5}


def test_rerun_without_resume_is_refused(small):
    sw.run_sweep(sw.load_sweep(small), out=small.parent / "again")
    with pytest.raises(sim.InputError, match="resume"):
        sw.run_sweep(sw.load_sweep(small), out=small.parent / "again")


def test_cli_sweep_dry_run_writes_nothing(small):
    out = small.parent / "dry"
    res = CliRunner().invoke(app, ["sweep", str(small), "--dry-run", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "6 points x 2 replications = 12 runs" in res.output
    assert not out.exists()


@pytest.mark.slow
def test_cli_sweep_writes_figures_and_plot_redraws_them(small):
    out = small.parent / "cli"
    res = CliRunner().invoke(app, ["sweep", str(small), "--out", str(out), "-q"])
    assert res.exit_code == 0, res.output
    (folder,) = out.iterdir()
    first = sorted(p.name for p in (folder / "plots").iterdir())
    assert any(n.startswith("heatmap-") for n in first)
    assert any(n.startswith("outcome-") for n in first)
    res = CliRunner().invoke(app, ["plot", str(folder)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (folder / "plots").iterdir()) == first


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "parameters:\n  actors.CHN.doctrine.stabilty_preference: {values: [0.1]}\n",
            "stability_preference",
        ),
        ("parameters:\n  actors.CHN.doctrine.compliance: {values: [1.5]}\n", "less than or equal"),
        ("parameters:\n  actors.CHN.doctrine.compliance: {values: [0.5]}\nbogus: 1\n", "bogus"),
        ("parameters: {}\nmeasure: [balance:last]\n", "did you mean 'measures'"),
    ],
)
def test_bad_sweep_files_get_a_clear_message_and_exit_2(small, body, needle):
    text = small.read_text().split("parameters:")[0] + body
    if "measures:" not in body:
        text += "measures: [balance:last]\n"
    bad = _write(small.parent, "bad.yaml", text)
    res = CliRunner().invoke(app, ["sweep", str(bad), "--out", str(small.parent / "o")])
    assert res.exit_code == 2
    assert needle in res.output and "bad.yaml" in res.output
    assert "Traceback" not in res.output
    assert not (small.parent / "o").exists()


def test_a_scenario_given_to_sweep_is_named_as_such(small):
    res = CliRunner().invoke(
        app, ["sweep", str(small.parent / "base.yaml"), "--out", str(small.parent / "o")]
    )
    assert res.exit_code == 2
    assert "a scenario file, not a sweep file" in res.output and "geosim run" in res.output
    assert "did you mean" not in res.output and "Traceback" not in res.output
    assert not (small.parent / "o").exists()


def test_bad_measure_in_a_sweep(small):
    text = small.read_text().replace("tension:mean", "tenson:mean")
    bad = _write(small.parent, "badm.yaml", text)
    res = CliRunner().invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2 and "tension" in res.output


# ------------------------------------------------------------------ numeric points


def _number_paths(doctrine_of: str, figures_of: str) -> list[str]:
    """Every model parameter, one actor's doctrine and figures, every reference total."""
    from sim import registry

    paths = [f"model.{p.name}" for p in registry.MODEL]
    paths += [f"actors.{doctrine_of}.doctrine.{p.name}" for p in registry.DOCTRINE]
    paths += [f"actors.{figures_of}.{p.name}" for p in registry.ACTOR_FIELDS]
    return paths + [f"reference.{p.name}" for p in registry.REFERENCE_FIELDS]


def test_a_point_of_numbers_equals_the_resolved_scenario():
    """Points that set registered numbers are built from the validated base without
    resolving; the scenario must equal the resolved one whenever it is built, and the
    resolved one must then validate."""
    from sim.analysis.sweep import _updated
    from sim.scenario import load_tree, parse_path, resolve

    tree = load_tree(BASELINE)
    base = resolve(tree)
    paths = _number_paths(doctrine_of="PRK", figures_of="JPN")
    refs = {p: parse_path(p, base.codes, base.categories) for p in paths}
    refs = {p: r for p, r in refs.items() if r.param is not None}
    rng = np.random.default_rng(7)
    built = 0
    for k in range(150):
        chosen = rng.choice(sorted(refs), size=5, replace=False)
        values = {}
        for p in chosen:
            q = refs[p].param
            values[p] = (
                float(rng.choice([q.low, q.high])) if k % 3 == 0 else rng.uniform(q.low, q.high)
            )
        if k % 10 == 1:
            values[str(chosen[0])] = int(round(refs[str(chosen[0])].param.high))  # an int
        fast = _updated(base, {p: refs[p] for p in values}, values)
        if fast is None:  # a bound excluded, or a combination that fails: resolved instead
            continue
        slow = resolve(tree, values)
        assert fast == slow and fast.digest() == slow.digest(), values
        built += 1
    assert built > 100
    # a value outside the range, a string or a failing combination is left to resolve
    ref = {"model.burden_floor": refs["model.burden_floor"]}
    assert _updated(base, ref, {"model.burden_floor": 0.2}) is None  # Japan's burden 1.4 %
    assert _updated(base, ref, {"model.burden_floor": "x"}) is None


def test_a_sweep_of_numbers_gives_the_store_that_resolving_every_point_gives(small, monkeypatch):
    from sim.analysis.sweep import Sweep

    sweep = sw.load_sweep(small)
    assert sweep.shares_structure
    fast = _frames(sw.run_sweep(sweep, out=small.parent / "fast"))
    monkeypatch.setattr(Sweep, "numeric_paths", lambda self: None)
    slow_sweep = sw.load_sweep(small)
    assert not slow_sweep.shares_structure
    slow = _frames(sw.run_sweep(slow_sweep, out=small.parent / "slow"))
    _assert_same(fast, slow)


def test_a_point_whose_values_fail_together_is_refused_before_computing(small):
    # each value is valid alone, but together North Korea's burden 5 / 20 = 25 % lies
    # above a ceiling of 20 %: the sweep is refused at load, naming the point
    text = small.read_text(encoding="utf-8").replace(
        "  actors.CHN.doctrine.stability_preference: {values: [0.2, 0.7, 0.95]}\n"
        "  actors.RUS.doctrine.transfer_willingness: {values: [0.1, 0.4]}\n",
        "  actors.PRK.gdp: {values: [32.6, 20.0]}\n  model.burden_ceiling: {values: [0.4, 0.2]}\n",
    )
    path = _write(small.parent, "combo.yaml", text)
    with pytest.raises(sim.InputError) as caught:
        sw.load_sweep(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.path == "parameters"
    assert "point 3" in problem.message and "defence burden milex / gdp = 0.25" in problem.message
    res = CliRunner().invoke(app, ["sweep", str(path), "--out", str(small.parent / "o")])
    assert res.exit_code == 2 and "Traceback" not in res.output
    # a world the cast does not fit in at one point: US GDP 60,000 bn, world 80,000 bn
    text = text.replace(
        "  actors.PRK.gdp: {values: [32.6, 20.0]}\n  model.burden_ceiling: {values: [0.4, 0.2]}\n",
        "  actors.USA.gdp: {values: [29185.0, 60000.0]}\n"
        "  reference.world_gdp: {values: [111330.0, 80000.0]}\n",
    )
    with pytest.raises(sim.InputError, match=r"point 3 .* the cast's GDP at the start, 86800.6"):
        sw.load_sweep(_write(small.parent, "world.yaml", text))
    assert not (small.parent / "o").exists() or not any((small.parent / "o").iterdir())


def test_every_value_copied_at_start_starts_the_run_as_its_scenario_would():
    """set_start on the base's start equals initial_state of a scenario giving the value,
    for every path copied_at_start claims (and some it does not claim are derived)."""
    from sim.engine.compile import compile_structure
    from sim.engine.initial import copied_at_start, initial_state, set_start
    from sim.engine.state import stack
    from sim.scenario import load_tree, parse_path, resolve

    tree = load_tree(BASELINE)
    base = resolve(tree)
    S = compile_structure(base)
    paths = _number_paths(doctrine_of="KOR", figures_of="KOR")
    copied = 0
    for path in paths:
        ref = parse_path(path, base.codes, base.categories)
        if ref.param is None or not copied_at_start(ref):
            continue
        p = ref.param
        value = p.low + 0.37 * (p.high - p.low)
        block = stack([initial_state(base, S, calibrate=False)])
        set_start(block, S, ref, 0, value)
        want = stack([initial_state(resolve(tree, {path: value}), S, calibrate=False)])
        for name in want.__dataclass_fields__:
            a, b = getattr(block, name), getattr(want, name)
            for key in a if isinstance(a, dict) else [None]:
                x, y = (a[key], b[key]) if key is not None else (a, b)
                np.testing.assert_array_equal(x, y, err_msg=f"{path}: {name} {key or ''}")
        copied += 1
    assert copied > 80
    for derived in ("model.depreciation", "actors.KOR.gdp", "actors.KOR.doctrine.missile_share"):
        assert not copied_at_start(parse_path(derived, base.codes, base.categories))


def test_local_dask_workers_get_a_fixed_mmap_threshold():
    # Dask's nanny turns glibc's adaptive mmap threshold off (MALLOC_TRIM_THRESHOLD_);
    # the local cluster's workers get a fixed one, or the engine runs half in the kernel
    distributed = pytest.importorskip("distributed")
    from sim.analysis.executors import MMAP_THRESHOLD, local_cluster

    with local_cluster(1) as cluster, distributed.Client(cluster) as client:
        env = client.run(os.environ.get, "MALLOC_MMAP_THRESHOLD_")
    assert list(env.values()) == [str(MMAP_THRESHOLD)]


def test_a_sweep_mixing_numbers_and_dyads_checks_combinations_at_load(small):
    text = small.read_text(encoding="utf-8").replace(
        "  actors.CHN.doctrine.stability_preference: {values: [0.2, 0.7, 0.95]}\n"
        "  actors.RUS.doctrine.transfer_willingness: {values: [0.1, 0.4]}\n",
        "  reference.world_gdp: {values: [60000.0]}\n"
        "  actors.USA.gdp: {values: [29185.0, 40000.0]}\n"
        "  dyads.RUS-PRK.relation: {values: [0.1, 0.2]}\n",
    )
    with pytest.raises(sim.InputError, match=r"point 2 .* the cast's GDP at the start, 66800.6"):
        sw.load_sweep(_write(small.parent, "mixed.yaml", text))


@pytest.mark.parametrize("bad", [".nan", "abc"])
def test_more_than_50_values_with_one_bad_one_are_refused_at_load(small, bad):
    values = ", ".join([*(f"{0.01 * k:.2f}" for k in range(60)), bad])
    text = small.read_text(encoding="utf-8").replace(
        "{values: [0.2, 0.7, 0.95]}", "{values: [" + values + "]}"
    )
    with pytest.raises(sim.InputError, match="is not valid"):
        sw.load_sweep(_write(small.parent, "many.yaml", text))


def test_resume_dry_run_says_the_inputs_changed(small):
    out = small.parent / "r"
    assert (
        CliRunner()
        .invoke(app, ["sweep", str(small), "--out", str(out), "-q", "--no-plots"])
        .exit_code
        == 0
    )
    small.write_text(
        small.read_text(encoding="utf-8").replace("replications: 2", "replications: 3")
    )
    before = sorted(out.iterdir())
    res = CliRunner().invoke(app, ["sweep", str(small), "--out", str(out), "--resume", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "the inputs changed since the store" in res.output and "(replications)" in res.output
    assert "would start a new store" in res.output and sorted(out.iterdir()) == before
