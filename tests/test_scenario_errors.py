"""Every class of bad input gives a located message with a hint, exit 2, no traceback.

Each case goes through the command line (``geosim validate``) and asserts that the
message names the file, the path and the hint, that the exit status is 2, that
stderr holds no traceback and that nothing was written to the working folder (the
output root).
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import DATA, SMALL, Outcome, run_module, variant

from sim.errors import InputError
from sim.scenario import load_scenario


def assert_rejected(
    result: Outcome,
    out_dir: Path,
    *,
    file: str | Path,
    path: str = "",
    hint: str,
    message: str = "",
) -> None:
    """The command failed as a user should see it, and wrote nothing."""
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    assert "OK" not in result.out
    lines = result.err.strip().splitlines()
    assert lines, "no message on stderr"
    wanted = [line for line in lines if line.startswith(str(file))]
    assert wanted, f"no message names {file}: {result.err}"
    if path:
        wanted = [line for line in wanted if f" {path}: " in line]
        assert wanted, f"no message names path {path!r}: {result.err}"
    wanted = [line for line in wanted if "(hint: " in line and hint in line]
    assert wanted, f"no message has a hint with {hint!r}: {result.err}"
    if message:
        assert any(message in line for line in wanted), result.err
    assert list(out_dir.iterdir()) == [], "something was written to the output root"


# --------------------------------------------------------------------------- whole files


def test_missing_file(cli, out_dir, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert_rejected(
        cli("validate", missing),
        out_dir,
        file=missing,
        hint="check the path",
        message="no such file",
    )


def test_folder_instead_of_file(cli, out_dir, tmp_path):
    assert_rejected(
        cli("validate", tmp_path), out_dir, file=tmp_path, hint="give a scenario", message="folder"
    )


@pytest.mark.parametrize(
    ("name", "path", "hint", "message"),
    [
        ("empty.yaml", "", "schema_version: 1", "the file is empty"),
        ("syntax_error.yaml", "", "check indentation", "YAML syntax error"),
        ("not_mapping.yaml", "", "key: value lines", "top level must be a mapping"),
        (
            "duplicate_key.yaml",
            "start",
            "keep one",
            "duplicate key 'start' (first given on line 3)",
        ),
        ("unsafe_tag.yaml", "name", "plain data", "!!python/object/apply:os.system"),
        ("missing_parent.yaml", "extends", "relative to the folder", "does not exist"),
    ],
)
def test_bad_file(cli, out_dir, name, path, hint, message):
    file = DATA / name
    result = cli("validate", file)
    assert_rejected(result, out_dir, file=file, path=path, hint=hint, message=message)


def test_syntax_error_names_the_line(cli, out_dir):
    result = cli("validate", DATA / "syntax_error.yaml")
    assert f"{DATA / 'syntax_error.yaml'}:5:" in result.err


def test_extends_cycle(cli, out_dir):
    result = cli("validate", DATA / "cycle_a.yaml")
    # reported where the cycle closes, naming the whole chain
    assert_rejected(
        result,
        out_dir,
        file=DATA / "cycle_b.yaml",
        path="extends",
        hint="cannot extend itself",
        message=f"cycle: {DATA / 'cycle_a.yaml'} ->",
    )


def test_unsafe_tag_runs_nothing(cli, out_dir):
    cli("validate", DATA / "unsafe_tag.yaml")
    assert not (out_dir / "owned.txt").exists()


def test_alias_bomb_is_rejected_fast_and_small(cli, out_dir):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_scenario(DATA / "alias_bomb.yaml")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 20 * 2**20, f"peak memory {peak / 2**20:.1f} MiB"
    assert "expands to more than" in str(caught.value)
    result = cli("validate", DATA / "alias_bomb.yaml")
    assert_rejected(result, out_dir, file=DATA / "alias_bomb.yaml", hint="aliases")


def test_recursive_alias(cli, out_dir, write):
    file = write("schema_version: 1\nname: &n [*n]\n")
    assert_rejected(
        cli("validate", file),
        out_dir,
        file=file,
        hint="write the value out",
        message="refers to the value that contains it",
    )


def test_missing_parent_is_reported_with_the_child_line(cli, out_dir):
    result = cli("validate", DATA / "missing_parent.yaml")
    assert f"{DATA / 'missing_parent.yaml'}:1: extends:" in result.err


# --------------------------------------------------------------------------- fields

UNKNOWN_ACTOR = [
    ("pair: [RUS, PRK], relation: 0.7", "pair: [RUS, PRX], relation: 0.7", "dyads[0].pair[1]"),
    ("{from: RUS, to: PRK, category", "{from: RUX, to: PRK, category", "trade[0].from"),
    ("{from: RUS, to: PRK, category", "{from: RUS, to: PRX, category", "trade[0].to"),
    ("target: PRK,", "target: PRX,", "sanctions.regimes[0].target"),
    (
        "veto_holders: [USA, RUS]",
        "veto_holders: [USA, RUX]",
        "sanctions.regimes[0].veto_holders[1]",
    ),
    ("sponsors: [USA, KOR]", "sponsors: [USA, KOX]", "sanctions.regimes[0].sponsors[1]"),
    ("transfer_surge, from: RUS", "transfer_surge, from: RUX", "events[0].from"),
    ("to: PRK, scale: 2.0", "to: PRX, scale: 2.0", "events[0].to"),
    ("ceasefire, actor: RUS", "ceasefire, actor: RUX", "events[3].actor"),
    ("summit, pair: [RUS, PRK]", "summit, pair: [RUS, PRX]", "events[2].pair[1]"),
    (
        "set: {actors.RUS.doctrine.compliance",
        "set: {actors.RUX.doctrine.compliance",
        "events[1].set.actors.RUX.doctrine.compliance",
    ),
    ("{actor: KOR, when", "{actor: KOX, when", "reactions[0].actor"),
    ("measure: threat.KOR.PRK", "measure: threat.KOR.PRX", "reactions[0].when.measure"),
    (
        "add: {actors.KOR.doctrine.grievance",
        "add: {actors.KOX.doctrine.grievance",
        "reactions[0].then.add.actors.KOX.doctrine.grievance",
    ),
    ("a: [RUS, PRK]", "a: [RUS, PRX]", "analysis.blocs.a[1]"),
    ("key_dyads: [[PRK, KOR]", "key_dyads: [[PRK, KOX]", "analysis.key_dyads[0][1]"),
]


@pytest.mark.parametrize(("old", "new", "path"), UNKNOWN_ACTOR, ids=[c[2] for c in UNKNOWN_ACTOR])
def test_unknown_actor_in_every_section(cli, out_dir, write, old, new, path):
    file = write(variant(old, new))
    typo = next(code for code in ("PRX", "RUX", "KOX") if code in new)
    meant = {"PRX": "PRK", "RUX": "RUS", "KOX": "KOR"}[typo]
    assert_rejected(
        cli("validate", file),
        out_dir,
        file=file,
        path=path,
        hint=f"did you mean '{meant}'?",
        message=f"unknown actor '{typo}'",
    )


FIELD_ERRORS = [
    # unknown keys, with the closest name as hint
    (
        "replications: 2",
        "replicatons: 2",
        "replicatons",
        "did you mean 'replications'?",
        "unknown key 'replicatons'",
    ),
    (
        "{name: Russia, gdp: 2000",
        "{name: Russia, gpd: 2000",
        "actors.RUS.gpd",
        "did you mean 'gdp'?",
        "unknown key",
    ),
    (
        "relation: 0.7, alliance",
        "relation: 0.7, aliance",
        "dyads[0].aliance",
        "did you mean 'alliance'?",
        "unknown key",
    ),
    (
        "monitoring: 0.5",
        "monitorin: 0.5",
        "sanctions.regimes[0].monitorin",
        "did you mean 'monitoring'?",
        "unknown key",
    ),
    ("blocs: {a:", "blocks: {a:", "analysis.blocks", "did you mean 'blocs'?", "unknown key"),
    # out of range
    ("steps: 8", "steps: 0", "steps", "geosim params", "greater than or equal to 1"),
    (
        "{name: Russia, gdp: 2000",
        "{name: Russia, gdp: -5",
        "actors.RUS.gdp",
        "geosim params",
        "greater than 0",
    ),
    (
        "relation: 0.7",
        "relation: 1.5",
        "dyads[0].relation",
        "geosim params",
        "less than or equal to 0.98",
    ),
    (
        "monitoring: 0.5",
        "monitoring: 2",
        "sanctions.regimes[0].monitoring",
        "geosim params",
        "less than or equal to 1",
    ),
    # wrong types
    ("steps: 8", "steps: eight", "steps", "whole number", "valid integer"),
    ("relation: 0.7", "relation: high", "dyads[0].relation", "write a number", "valid number"),
    ("name: small", "name: 1e3", "name", "quote the value", "valid string"),
    ("start: 2024-01", "start: 202401", "start", "YYYY-MM", "valid string"),
    ("step: quarter", "step: quater", "step", "did you mean 'quarter'?", "'month', 'quarter'"),
    ("schema_version: 1", "schema_version: 2", "schema_version", "schema_version: 1", "be 1"),
    ("at: 2024-07", "at: 2024-13", "events[0].at", "YYYY-MM", "month 13"),
    # dates outside the run name its span
    (
        "at: 2024-07",
        "at: 2027-07",
        "events[0].at",
        "the run spans 2024-01 to 2025-12",
        "outside the run",
    ),
    (
        "at: 2024-07",
        "at: 2023-07",
        "events[0].at",
        "the run spans 2024-01 to 2025-12",
        "outside the run",
    ),
    # blocs
    (
        "a: [RUS, PRK]",
        "a: [RUS, PRK, KOR]",
        "analysis.blocs.b[1]",
        "one pole at most",
        "KOR is in both poles",
    ),
    ("a: [RUS, PRK]", "a: []", "analysis.blocs.a", "at least one", "a pole needs"),
    # YAML 1.1 surprise: a leading zero
    ("seed: 1", "seed: 010", "seed", "write 10 for the number", "ambiguous number '010'"),
    # measures and paths
    (
        "measure: threat.KOR.PRK",
        "measure: thraet.KOR.PRK",
        "reactions[0].when.measure",
        "did you mean 'threat'?",
        "unknown measure",
    ),
    (
        "set: {actors.RUS.doctrine.compliance",
        "set: {actors.RUS.doctrine.complance",
        "events[1].set.actors.RUS.doctrine.complance",
        "did you mean 'compliance'?",
        "unknown doctrine parameter",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "hint", "message"), FIELD_ERRORS, ids=[c[1] for c in FIELD_ERRORS]
)
def test_field_error(cli, out_dir, write, old, new, path, hint, message):
    file = write(variant(old, new))
    assert_rejected(
        cli("validate", file), out_dir, file=file, path=path, hint=hint, message=message
    )


def test_every_problem_at_once(cli, out_dir, write):
    text = variant("steps: 8", "steps: eight")
    text = variant("pair: [RUS, PRK], relation: 0.7", "pair: [RUS, PRX], relation: 0.7", text)
    text = variant("blocs: {a:", "blocks: {a:", text)
    text = variant("at: 2024-07", "at: 2024-7", text)
    result = cli("validate", write(text))
    assert result.code == 2
    for path in ("steps", "dyads[0].pair[1]", "analysis.blocks", "events[0].at"):
        assert f" {path}: " in result.err
    assert len(result.err.strip().splitlines()) >= 4


def test_line_numbers_point_at_the_value(cli, out_dir, write):
    file = write(variant("relation: 0.7", "relation: 1.5"))
    line = SMALL.splitlines().index("  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0}") + 1
    assert f"{file}:{line}: dyads[0].relation:" in cli("validate", file).err


def test_duplicate_dyad_in_one_file(cli, out_dir, write):
    file = write(
        variant(
            "  - {pair: [USA, KOR], relation: 0.8, alliance: 1.0}",
            "  - {pair: [USA, KOR], relation: 0.8}\n  - {pair: [KOR, USA], alliance: 1}",
        )
    )
    assert_rejected(
        cli("validate", file),
        out_dir,
        file=file,
        path="dyads[2]",
        hint="merge the two entries",
        message="same pair",
    )


def test_unknown_trade_category(cli, out_dir, write):
    file = write(variant("category: energy", "category: enrgy"))
    assert_rejected(
        cli("validate", file),
        out_dir,
        file=file,
        path="trade[0].category",
        hint="did you mean 'energy'?",
        message="unknown trade category",
    )


# --------------------------------------------------------------------------- YAML 1.1 surprises


def test_exponent_without_dot_is_a_number(write):
    scenario = load_scenario(
        write(variant("{name: Russia, gdp: 2000", "{name: Russia, growth: 1e-3, gdp: 2000"))
    )
    assert scenario.actors["RUS"].growth == pytest.approx(0.001)


def test_no_stays_text_where_text_is_expected(write):
    text = variant("name: small", "name: NO")
    text = variant("{name: Russia,", "{name: no,", text)
    scenario = load_scenario(write(text))
    assert scenario.name == "NO"
    assert scenario.actors["RUS"].name == "no"


def test_explicit_str_tag_keeps_a_leading_zero(write):
    scenario = load_scenario(write(variant("name: small", "name: !!str 010")))
    assert scenario.name == "010"


# --------------------------------------------------------------------------- --set


SET_ERRORS = [
    (
        "actors.RUX.doctrine.compliance=0.3",
        "actors.RUX.doctrine.compliance",
        "did you mean 'RUS'?",
        "unknown actor",
    ),
    (
        "actors.RUS.doctrine.complience=0.3",
        "actors.RUS.doctrine.complience",
        "did you mean 'compliance'?",
        "unknown doctrine parameter",
    ),
    (
        "actors.RUS.doctrine.compliance=2",
        "actors.RUS.doctrine.compliance",
        "geosim params",
        "less than or equal to 1",
    ),
    (
        "actors.RUS.doctrine.compliance=abc",
        "actors.RUS.doctrine.compliance",
        "write a number",
        "valid number",
    ),
    ("steps=9.5", "steps", "whole number", "valid integer"),
    ("trade.RUS-PRK.energy=1", "trade.RUS-PRK.energy", "trade.RUS>PRK.energy", "directed"),
    ("dyads.RUS+PRK.relation=0.1", "dyads.RUS+PRK.relation", "A-B", "cannot read the pair"),
    ("actor.RUS.gdp=1", "actor.RUS.gdp", "did you mean 'actors'?", "cannot read path"),
    ("sanctions.RUS.monitoring=0.1", "sanctions.RUS.monitoring", "add one", "no sanctions regime"),
    ("actors.RUS.gdp", "actors.RUS.gdp", "PATH=VALUE", "an override is written"),
    ("actors.RUS.gdp=", "actors.RUS.gdp", "null", "needs a value"),
    ("actors.RUS.gdp=[1,", "actors.RUS.gdp", "read as YAML", "syntax error"),
]


@pytest.mark.parametrize(
    ("override", "path", "hint", "message"), SET_ERRORS, ids=[c[0] for c in SET_ERRORS]
)
def test_bad_set(cli, out_dir, write, override, path, hint, message):
    file = write(SMALL)
    result = cli("validate", file, "--set", override)
    assert_rejected(result, out_dir, file="--set", path=path, hint=hint, message=message)


def test_same_path_set_twice(cli, out_dir, write):
    result = cli("validate", write(SMALL), "--set", "seed=3", "--set", "seed=4")
    assert_rejected(
        result, out_dir, file="--set", path="seed", hint="keep one", message="set twice"
    )


# --------------------------------------------------------------------------- as a user runs it


def test_subprocess_exit_status_and_clean_stderr(tmp_path, write):
    out = tmp_path / "out"
    out.mkdir()
    file = write(variant("steps: 8", "steps: eight"))
    result = run_module("validate", file, cwd=out)
    assert_rejected(result, out, file=file, path="steps", hint="whole number")


def test_subprocess_missing_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run_module("validate", "nowhere.yaml", cwd=out)
    assert_rejected(result, out, file="nowhere.yaml", hint="check the path")
