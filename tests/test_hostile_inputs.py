"""Hostile inputs (issue 19): each is refused with one located line, exit 2, nothing written.

Every file of ``tests/data/hostile/`` holds one mistake that geosim once accepted
silently or crashed on: values of events and reactions outside their type or range,
infinities and NaN, booleans where numbers belong, duplicates, self-pairs, an empty
cast, two spellings of one value, and a parent that never ends (``/dev/zero``).  The
scenario files extend ``hostile/base/small.yaml`` (tests/conftest.py's SMALL) and
change one thing.  Each goes through the command line twice, ``geosim validate`` and
``geosim run`` (sweep files: ``geosim sweep``), and must give exit status 2, exactly
one problem line ``file:line: path: message (hint: ...)``, no traceback, and an empty
output root.  The ``--set`` cases and the read-size limit are tested below them.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import DATA, SMALL, Outcome, run_module, variant

from sim.scenario import load_scenario
from sim.scenario.yamlio import MAX_BYTES

HOSTILE = DATA / "hostile"
BASE = HOSTILE / "base" / "small.yaml"

SCENARIOS = [
    # (file, path of the problem, words of its message)
    ("event_set_text.yaml", "events[4].set.actors.PRK.gdp", "not 'abc'"),
    ("event_set_list.yaml", "events[4].set.actors.PRK.gdp", "not [1, 2, 3]"),
    ("event_set_nan.yaml", "events[4].set.actors.PRK.gdp", "not nan"),
    ("event_add_inf.yaml", "events[4].add.actors.PRK.gdp", "finite number"),
    ("event_set_negative_gdp.yaml", "events[4].set.actors.PRK.gdp", "outside the range of gdp"),
    ("event_scale_gdp_to_zero.yaml", "events[4].scale.actors.PRK.gdp", "from above 0"),
    (
        "event_set_compliance_7.yaml",
        "events[4].set.actors.RUS.doctrine.compliance",
        "7 is outside the range of compliance (0 to 1)",
    ),
    ("event_war_inf.yaml", "events[4].value", "finite number"),
    (
        "event_two_spellings.yaml",
        "events[4].set.dyads.PRK-RUS.relation",
        "names the same value as 'dyads.RUS-PRK.relation'",
    ),
    ("reaction_set_inf.yaml", "reactions[1].then.set.actors.KOR.doctrine.grievance", "not inf"),
    ("reaction_above_nan.yaml", "reactions[1].when.above", "finite number"),
    ("war_demand_inf.yaml", "actors.RUS.war_demand", "finite number"),
    ("warheads_inf.yaml", "actors.RUS.warheads", "finite number"),
    ("reference_1e308.yaml", "reference.world_gdp", "less than or equal to 10000000"),
    ("population_1e308.yaml", "actors.PRK.population", "less than or equal to 10000"),
    ("steps_true.yaml", "steps", "true is not a number"),
    ("duplicate_category.yaml", "categories[5]", "'energy' is named twice"),
    ("war_demand_same_month.yaml", "actors.RUS.war_demand[1].from", "two war-demand values"),
    ("key_dyad_self_pair.yaml", "analysis.key_dyads[1]", "two different actors"),
    ("treaty_self_pair.yaml", "events[4].pair", "two different actors"),
    ("dyad_two_entries.yaml", "dyads[1]", "a second entry for the same pair"),
    ("extends_dev_zero.yaml", "extends", "larger than 1,048,576 bytes"),
    ("actors_empty.yaml", "actors", "this mapping is empty"),
]
SWEEPS = [
    (
        "sweep_two_spellings.yaml",
        "parameters",
        "dyads.PRK-RUS.relation names the same value as dyads.RUS-PRK.relation",
    ),
    ("sweep_steps_true.yaml", "parameters.actors.RUS.doctrine.compliance.steps", "true is not"),
]
ALL = SCENARIOS + SWEEPS


def one_located_problem(result: Outcome, file: str | Path, path: str, message: str) -> None:
    """Exit 2, no traceback, and exactly one line ``file:line: path: message (hint: ...)``."""
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.out + result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    located = rf"^{re.escape(str(file))}:\d+: {re.escape(path)}: .+ \(hint: .+\)$"
    assert re.match(located, lines[0]), lines[0]
    assert message in lines[0], lines[0]


def nothing_in(folder: Path) -> bool:
    """The output root was not written: it is missing or empty."""
    return not folder.exists() or not any(folder.iterdir())


def test_every_hostile_file_is_a_case():
    assert sorted(p.name for p in HOSTILE.glob("*.yaml")) == sorted(c[0] for c in ALL)


@pytest.mark.parametrize(("name", "path", "message"), ALL, ids=[c[0] for c in ALL])
def test_validate_refuses(cli, out_dir, name, path, message):
    file = HOSTILE / name
    one_located_problem(cli("validate", file), file, path, message)
    assert nothing_in(out_dir)


@pytest.mark.parametrize(("name", "path", "message"), SCENARIOS, ids=[c[0] for c in SCENARIOS])
def test_run_refuses(cli, out_dir, name, path, message):
    file = HOSTILE / name
    out = out_dir / "results"
    result = cli("run", file, "-n", "1", "--out", out, "--no-plots", "-q")
    one_located_problem(result, file, path, message)
    assert nothing_in(out_dir)


@pytest.mark.parametrize(("name", "path", "message"), SWEEPS, ids=[c[0] for c in SWEEPS])
def test_sweep_refuses(cli, out_dir, name, path, message):
    file = HOSTILE / name
    out = out_dir / "results"
    result = cli("sweep", file, "--out", out, "--no-plots", "-q")
    one_located_problem(result, file, path, message)
    assert nothing_in(out_dir)


def test_the_base_of_the_corpus_is_valid(cli, out_dir):
    assert cli("validate", BASE).code == 0


CEASEFIRE = "  - {at: 2024-04, kind: ceasefire, actor: RUS}"
MORE = [
    # (SMALL's text, its replacement, path of the problem, words of its message)
    (CEASEFIRE, "  - {at: 2024-04, kind: war, actor: RUS, value: 1e9}", "events[3].value", "1e+09"),
    (
        CEASEFIRE,
        "  - {at: 2024-04, kind: war, actor: RUS, value: null}",
        "events[3]",
        "needs 'value'",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, kind: treaty, pair: [RUS, KOR], value: 2}",
        "events[3].value",
        "alliance",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, kind: transfer_surge, from: RUS, to: PRK, scale: {a: 1}}",
        "events[3].scale",
        "one factor",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, kind: transfer_surge, from: RUS, to: RUS, scale: 2}",
        "events[3].to",
        "from one actor to another",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, kind: summit, pair: [RUS, KOR], scale: 2}",
        "events[3].scale",
        "does not use scale",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, set: {actors.RUS.doctrine.compliance: 0.2}, value: 3}",
        "events[3].value",
        "without a kind does not use value",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, kind: turnover, actor: RUS, doctrine: {compliance: 7}}",
        "events[3].doctrine.compliance",
        "outside the range of compliance",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, set: {actors.PRK.milex_growth: 0.1}}",
        "events[3].set.actors.PRK.milex_growth",
        "only initialises the run",
    ),
    (
        CEASEFIRE,
        "  - {at: 2024-04, scale: {dyads.RUS-PRK.alliance: -1}}",
        "events[3].scale.dyads.RUS-PRK.alliance",
        "from 0 to 1000, not -1",
    ),
    ("{from: RUS, to: PRK, category", "{from: RUS, to: RUS, category", "trade[0].to", "another"),
    (
        "sponsors: [USA, KOR]",
        "sponsors: [USA, KOR, USA]",
        "sanctions.regimes[0].sponsors[2]",
        "twice",
    ),
    ("a: [RUS, PRK]", "a: [RUS, PRK, RUS]", "analysis.blocs.a[2]", "named twice in pole a"),
    (
        "key_dyads: [[PRK, KOR]",
        "key_dyads: [[PRK, KOR], [KOR, PRK]",
        "analysis.key_dyads[1]",
        "twice",
    ),
    (
        "relation: 0.7, alliance",
        "relation: [true, 0.5], alliance",
        "dyads[0].relation[0]",
        "true is not",
    ),
    ("relation: 0.7, alliance", "relation: [1.5, 0.5], alliance", "dyads[0].relation[0]", "0.98"),
    ("schema_version: 1", "schema_version: true", "schema_version", "true is not a number"),
]


@pytest.mark.parametrize(("old", "new", "path", "message"), MORE, ids=[c[2] for c in MORE])
def test_more_hostile_values(cli, out_dir, write, old, new, path, message):
    file = write(variant(old, new, SMALL))
    one_located_problem(cli("validate", file), file, path, message)


def test_a_scale_may_turn_an_attitude_round(write):
    # a relation's range holds negative numbers, so a negative factor is allowed
    file = write(
        variant(CEASEFIRE, "  - {at: 2024-04, scale: {dyads.RUS-PRK.relation: -1}}", SMALL)
    )
    assert load_scenario(file).events[3].scale == {"dyads.RUS-PRK.relation": -1.0}


# --------------------------------------------------------------------------- --set

TWO_SPELLINGS = [
    ("dyads.RUS-PRK.relation=0.2", "dyads.PRK-RUS.relation=0.3", "dyads.PRK-RUS.relation"),
    ("dyads.RUS-PRK.relation=0.2", "dyads.PRK>RUS.relation=0.3", "dyads.PRK>RUS.relation"),
    ("dyads.RUS>PRK.alliance=0.2", "dyads.PRK-RUS.alliance=0.3", "dyads.PRK-RUS.alliance"),
    ("trade.RUS>PRK.energy=0.2", "trade.RUS>PRK.energy.value=0.3", "trade.RUS>PRK.energy.value"),
]


@pytest.mark.parametrize(
    ("first", "second", "path"), TWO_SPELLINGS, ids=[c[2] for c in TWO_SPELLINGS]
)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_set_in_two_spellings_is_set_twice(cli, out_dir, command, first, second, path):
    options = (
        ("-n", "1", "--out", out_dir / "results", "--no-plots", "-q") if command == "run" else ()
    )
    result = cli(command, BASE, *options, "--set", first, "--set", second)
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    earlier = first.partition("=")[0]
    assert lines[0].startswith(f"--set: {path}: this path sets the same value as {earlier!r}")
    assert "(hint: keep one of the two" in lines[0]
    assert nothing_in(out_dir)


def test_set_of_both_directions_is_two_values():
    s = load_scenario(BASE, ["dyads.RUS>PRK.relation=0.2", "dyads.PRK>RUS.relation=0.3"])
    assert s.dyads[0].pair == ("RUS", "PRK") and s.dyads[0].relation == (0.2, 0.3)


def test_set_pair_value_reads_in_the_order_of_the_path():
    # the file's entry is [RUS, PRK]; the path names PRK toward RUS first
    s = load_scenario(BASE, ["dyads.PRK-RUS.relation=[0.1, 0.2]"])
    assert s.dyads[0].pair == ("RUS", "PRK") and s.dyads[0].relation == (0.2, 0.1)


def test_set_pair_value_on_one_way_entries(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: {BASE}\ndyads:\n"
        "  - {pair: [KOR, RUS], symmetric: false, relation: 0.1}\n"
        "  - {pair: [RUS, KOR], symmetric: false, relation: 0.2}\n",
        encoding="utf-8",
    )
    s = load_scenario(child, ["dyads.KOR-RUS.relation=[0.5, 0.6]"])
    given = {d.pair: d.relation for d in s.dyads if set(d.pair) == {"KOR", "RUS"}}
    assert given == {("KOR", "RUS"): 0.5, ("RUS", "KOR"): 0.6}


def test_set_reaches_a_one_way_entry_merged_over_a_shared_one(tmp_path):
    # the parent's [RUS, PRK] entry is symmetric; the child adds a one-way entry, which
    # applies after it: an override of RUS toward PRK must land in both
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: {BASE}\ndyads:\n  - {{pair: [RUS, PRK], symmetric: false, relation: 0.1}}\n",
        encoding="utf-8",
    )
    s = load_scenario(child, ["dyads.RUS>PRK.relation=0.4"])
    entries = [d for d in s.dyads if d.pair == ("RUS", "PRK")]
    assert [d.symmetric for d in entries] == [True, False]
    assert entries[0].relation == (0.4, 0.7) and entries[1].relation == 0.4


# --------------------------------------------------------------------------- read-size limit

needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


@needs_dev_zero
@pytest.mark.parametrize("command", ["validate", "run"])
def test_dev_zero_as_a_scenario(cli, out_dir, command):
    options = ("-n", "1", "--out", out_dir / "results", "--no-plots") if command == "run" else ()
    result = cli(command, "/dev/zero", *options)
    assert result.code == 2, (result.out, result.err)
    assert result.err.strip().splitlines() == [
        "/dev/zero: the file is larger than 1,048,576 bytes (1 MiB), the most geosim reads "
        "(hint: give a scenario or sweep file; the bundled baseline is 12 kB)"
    ]
    assert nothing_in(out_dir)


@needs_dev_zero
def test_dev_zero_in_a_process(tmp_path):
    started = time.perf_counter()
    result = run_module("validate", HOSTILE / "extends_dev_zero.yaml", cwd=tmp_path)
    assert time.perf_counter() - started < 30
    assert result.code == 2 and "Traceback" not in result.err and "MemoryError" not in result.err
    assert list(tmp_path.iterdir()) == []


def test_a_file_past_the_limit_is_refused_unread(cli, out_dir, tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_text("# padding\n" * (MAX_BYTES // 10 + 1), encoding="utf-8")
    started = time.perf_counter()
    result = cli("validate", huge)
    assert time.perf_counter() - started < 2.0  # the limit acts before PyYAML parses
    assert result.code == 2
    assert result.err.startswith(f"{huge}: the file is larger than 1,048,576 bytes")


def test_a_file_at_the_limit_is_read(tmp_path):
    at_limit = tmp_path / "at_limit.yaml"
    text = BASE.read_text(encoding="utf-8")
    at_limit.write_text(text + "#" * (MAX_BYTES - len(text.encode()) - 1) + "\n", encoding="utf-8")
    assert at_limit.stat().st_size == MAX_BYTES
    assert load_scenario(at_limit).name == "small"
