"""A run streamed into its folder block by block: the same tables, in bounded memory."""

from __future__ import annotations

import filecmp
import json

import numpy as np
import pandas as pd
import pytest

import sim.runner as runner
from sim.results import TableSink, load_results
from sim.scenario import load_scenario

BASELINE = "scenarios/baseline.yaml"
HINDCAST = "scenarios/history/hindcast_2017.yaml"


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 3 replications with tables made 2 at a time: 7 make 5 parts."""
    monkeypatch.setattr(runner, "block_runs", lambda scenario: (3, 2))


def saved_files(folder):
    return sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "manifest.json")


def test_a_run_that_fits_is_saved_byte_for_byte_as_run_then_save(tmp_path):
    spec = load_scenario(BASELINE)
    ref = runner.run(spec, replications=4).save(tmp_path / "a")
    got = runner.run_saved(spec, tmp_path / "b", replications=4)
    assert got.subset == "" and got.end is None
    assert saved_files(ref) == saved_files(got.path)
    for name in saved_files(ref):
        assert filecmp.cmp(ref / name, got.path / name, shallow=False), name
    a = json.loads((ref / "manifest.json").read_text())
    b = json.loads((got.path / "manifest.json").read_text())
    assert a.keys() == b.keys() and "streamed" not in b
    assert a["seeds"] == b["seeds"]


@pytest.mark.parametrize("scenario", [BASELINE, HINDCAST])
def test_a_streamed_run_writes_the_same_tables(tmp_path, small_blocks, scenario):
    ref = runner.run(scenario, replications=7)
    ref_path = ref.save(tmp_path / "ref")
    got = runner.run_saved(scenario, tmp_path / "streamed", replications=7, memory=1)
    manifest = json.loads((got.path / "manifest.json").read_text())
    assert manifest["streamed"] is True
    assert not (got.path / ".parts").exists()
    back, expected = load_results(got.path), load_results(ref_path)
    for name, frame in expected.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_exact=True)
    assert filecmp.cmp(ref_path / "summary.csv", got.path / "summary.csv", shallow=False)
    # the result keeps the first block for its figures, and every end state
    assert got.subset == "the first 2 of 7 replications"
    assert sorted(got.tables["measures"]["replication"].unique()) == [0, 1]
    pd.testing.assert_frame_equal(got.end_state(), ref.end_state())
    pd.testing.assert_frame_equal(got.summary(), ref.summary())


def test_a_streamed_csv_run_writes_the_same_bytes(tmp_path, small_blocks):
    ref = runner.run(BASELINE, replications=7).save(tmp_path / "ref", csv=True)
    got = runner.run_saved(BASELINE, tmp_path / "streamed", csv=True, replications=7, memory=1)
    assert saved_files(ref) == saved_files(got.path)
    for name in saved_files(ref):
        assert filecmp.cmp(ref / name, got.path / name, shallow=False), name


def test_the_sink_keeps_blocks_while_they_fit(tmp_path, small_blocks):
    first = runner.run(BASELINE, replications=7)
    size = sum(f.memory_usage(index=False).sum() for f in first.tables.values())
    # room for two blocks of three, not three: the figures get six replications
    got = runner.run_saved(BASELINE, tmp_path, replications=7, memory=int(size * 6.5 / 7))
    assert got.subset == "the first 6 of 7 replications"
    assert got.tables["measures"]["replication"].max() == 5
    back = load_results(got.path)  # the kept blocks went to the folder too
    for name, frame in first.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_exact=True)


def test_joined_parts_take_the_type_of_every_part(tmp_path):
    """A block whose notes are all missing has a null column; joined, they are text."""
    blocks = [
        pd.DataFrame({"replication": [0, 0], "note": [None, None], "x": [1.0, 2.0]}),
        pd.DataFrame({"replication": [1], "note": ["veto"], "x": [np.nan]}),
    ]
    sink = TableSink(tmp_path, memory=0)
    for block in blocks:
        sink.add({"events": block})
    sink.close()
    back = pd.read_parquet(tmp_path / "events.parquet")
    expected = pd.concat(blocks, ignore_index=True)
    expected.to_parquet(tmp_path / "expected.parquet", index=False)
    pd.testing.assert_frame_equal(back, pd.read_parquet(tmp_path / "expected.parquet"))


def test_long_horizons_get_smaller_blocks():
    spec = load_scenario(BASELINE)
    long = spec.model_copy(update={"steps": 640})
    (block, part), (long_block, long_part) = runner.block_runs(spec), runner.block_runs(long)
    assert block >= part and long_block >= long_part >= 1
    assert block > long_block and part > long_part
    assert long_block * (640 + 1) <= runner.RECORD_MEMORY / 4e3  # at least 4 kB per run-step


def test_blocks_and_parts_of_any_size_give_the_same_tables(monkeypatch):
    ref = runner.run(HINDCAST, replications=5)
    monkeypatch.setattr(runner, "block_runs", lambda scenario: (4, 3))
    got = runner.run(HINDCAST, replications=5)
    for name, frame in ref.tables.items():
        pd.testing.assert_frame_equal(got.tables[name], frame, check_exact=True)


@pytest.mark.slow
def test_the_figures_of_a_streamed_run_say_what_they_show(tmp_path, small_blocks, monkeypatch):
    import sim.plots.run as plots

    notes = []
    monkeypatch.setattr(plots, "add_note", lambda fig, note: notes.append(note))
    got = runner.run_saved(BASELINE, tmp_path, replications=7, memory=1)
    plots.write_run_plots(got, tmp_path / "figs", only=["balance", "actors"])
    assert notes and all("the first 2 of 7 replications" in n for n in notes)


def test_a_large_batch_run_is_not_refused_for_memory(tmp_path):
    from sim.cli.run import check_run_size
    from sim.errors import InputError

    spec = load_scenario(BASELINE).model_copy(update={"steps": 640, "replications": 1000})
    check_run_size(spec, False, False, False, tmp_path, engine="batch")
    with pytest.raises(InputError, match="memory"):
        check_run_size(spec, False, False, False, tmp_path, engine="mesa")


def test_a_large_folder_is_read_back_for_its_first_replications(tmp_path):
    spec = load_scenario(BASELINE)
    path = runner.run(spec, replications=7).save(tmp_path)
    whole = load_results(path)
    per_replication = runner.run_size(spec, 1, figures=False)["memory_bytes"] // 2
    some = load_results(path, memory=2 * per_replication)
    assert whole.subset == "" and some.subset == "the first 2 of 7 replications"
    for name, frame in whole.tables.items():
        expected = frame[frame["replication"] < 2].reset_index(drop=True)
        pd.testing.assert_frame_equal(some.tables[name], expected, check_exact=True)
    assert load_results(path, memory=100 * per_replication).subset == ""


@pytest.mark.slow
def test_geosim_run_streams_a_run_too_large_for_memory(cli, tmp_path, small_blocks, monkeypatch):
    import sim.results

    monkeypatch.setattr(sim.results, "SHOWN_MEMORY", 1)
    out = cli("run", BASELINE, "-n", "7", "--set", "steps=8", "--out", tmp_path, "--quiet")
    assert out.code == 0, out.err
    text = " ".join(out.out.split())  # the console wraps long lines
    assert "Median over 7 replications" in text
    assert "(start: the first 2 of 7 replications)" in text
    assert "the events below are of the first 2 of 7 replications" in text
    (folder,) = (tmp_path / "baseline").iterdir()
    assert (folder / "plots" / "balance.png").exists()
    summary = pd.read_csv(folder / "summary.csv")
    assert set(summary["n"]) <= {0, 7} and summary["n"].max() == 7
    assert len(load_results(folder).measures) == 7 * 9


@pytest.mark.slow
def test_the_figures_of_a_streamed_run_leave_failed_replications_out(
    cli, tmp_path, small_blocks, monkeypatch
):
    """Replications 0-3 marked failed: the figures get the first that did not fail."""
    import sim.results

    blocks = runner._batch_blocks

    def failing(scenario, deterministic, progress):
        for tables, failures in blocks(scenario, deterministic, progress):
            runs = tables["measures"]["replication"].unique()
            yield tables, {**failures, **{int(r): (1, "test") for r in runs if r < 4}}

    monkeypatch.setattr(runner, "_batch_blocks", failing)
    monkeypatch.setattr(sim.results, "SHOWN_MEMORY", 1)
    out = cli("run", BASELINE, "-n", "7", "--set", "steps=4", "--out", tmp_path, "--quiet")
    assert out.code == 0, out.err
    text = " ".join(out.out.split())
    assert "Median over 3 replications" in text
    assert "the first 1 of the 3 replications that stayed in the model's domain" in text
    (folder,) = (tmp_path / "baseline").iterdir()
    balance = pd.read_csv(folder / "plots" / "balance.csv")
    assert (balance.loc[balance["series"] == "balance", "n"] == 1).all()  # one replication
    assert len(load_results(folder).measures) == 7 * 5  # the tables hold every replication


@pytest.mark.parametrize("memory", [None, 1])
def test_every_parquet_column_carries_its_unit(tmp_path, small_blocks, memory):
    import pyarrow.parquet as pq

    got = runner.run_saved(BASELINE, tmp_path, replications=4, memory=memory)
    for name in ("measures", "actors", "dyads", "trade", "events"):
        schema = pq.read_schema(got.path / f"{name}.parquet")
        undocumented = [f.name for f in schema if not (f.metadata or {}).get(b"description")]
        assert not undocumented, (name, undocumented)
    gdp = pq.read_schema(got.path / "actors.parquet").field("gdp").metadata
    assert gdp[b"unit"] == b"USD bn"


def test_column_types_do_not_depend_on_the_block_size(monkeypatch):
    """Blocks with no event, or no dyadic one, keep the types of the whole run's."""
    from sim.scenario import Scenario

    tree = load_scenario(BASELINE).model_dump(by_alias=True)
    spec = Scenario.model_validate({**tree, "events": [], "reactions": [], "steps": 6})
    ref = runner.run(spec, replications=4)
    monkeypatch.setattr(runner, "block_runs", lambda scenario: (1, 1))
    got = runner.run(spec, replications=4)
    for name, frame in ref.tables.items():
        pd.testing.assert_frame_equal(got.tables[name], frame, check_exact=True)


def test_a_large_folder_is_read_back_past_its_failed_replications(tmp_path):
    spec = load_scenario(BASELINE)
    result = runner.run(spec, replications=7)
    result.manifest["failed_replications"] = [0, 1, 2]
    path = result.save(tmp_path)
    per_replication = runner.run_size(spec, 1, figures=False)["memory_bytes"] // 2
    some = load_results(path, memory=2 * per_replication)
    assert sorted(some.succeeded().measures["replication"].unique()) == [3, 4]
    assert some.subset == "the first 2 of the 4 replications that stayed in the model's domain"
    with pytest.raises(ValueError, match="holds them all"):
        some.save(tmp_path / "again")


def test_a_large_csv_folder_is_read_back_in_chunks(tmp_path):
    spec = load_scenario(BASELINE)
    path = runner.run(spec, replications=5).save(tmp_path, csv=True)
    per_replication = runner.run_size(spec, 1, figures=False)["memory_bytes"] // 2
    some = load_results(path, memory=2 * per_replication)
    assert sorted(some.measures["replication"].unique()) == [0, 1]
    assert some.subset == "the first 2 of 5 replications"
