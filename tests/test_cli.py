"""The command line as a new user meets it: help, version, validate, params."""

from __future__ import annotations

import pytest
from conftest import BASELINE, SMALL, run_module

from sim import cli as cli_module
from sim import registry


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.code == 0
    assert "validate" in result.out and "params" in result.out
    assert "not a forecast" in result.out


def test_no_arguments_shows_help(cli):
    result = cli()
    assert "Usage: geosim" in result.out + result.err


def test_version(cli):
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("geosim ")


def test_validate_ok_line_per_file(cli, write, out_dir):
    result = cli("validate", BASELINE, write(SMALL))
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert len(lines) == 2 and all(": OK (" in line for line in lines)
    assert "'small': 4 actors, 8 quarters from 2024-01 to 2026-01" in lines[1]
    assert list(out_dir.iterdir()) == []


def test_validate_reports_every_file(cli, write):
    good = write(SMALL, "good.yaml")
    bad = write(SMALL.replace("steps: 8", "steps: -1"), "bad.yaml")
    result = cli("validate", bad, good)
    assert result.code == 2
    assert f"{good}: OK" in result.out
    assert f"{bad}:5: steps:" in result.err


def test_validate_with_set(cli, write):
    result = cli("validate", write(SMALL), "--set", "actors.RUS.doctrine.compliance=0.2")
    assert result.code == 0, result.err


def test_params_lists_every_parameter_and_measure(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = cli("params")
    assert result.code == 0
    for p in registry.ALL_PARAMS:
        assert p.name in result.out
    for m in registry.MEASURES:
        assert m.name in result.out
    assert "actors.<A>.doctrine.NAME" in result.out
    assert all(len(line) <= 100 for line in result.out.splitlines())


def test_params_of_a_scenario_shows_its_values_per_actor(cli):
    result = cli("params", BASELINE)
    assert result.code == 0, result.err
    assert "Values from" in result.out
    table = cli("params", BASELINE, "--markdown").out
    # baseline compliance: USA, JPN, KOR 0.95; CHN 0.5; RUS 0.1; PRK 0
    assert "| 0.95 USA JPN KOR; 0.5 CHN; 0.1 RUS; 0 PRK |" in table
    assert "| 0.5 (all) |" in table  # a doctrine no actor changes


def test_params_markdown(cli):
    result = cli("params", "--markdown")
    assert result.code == 0
    assert "| path | unit | default | range | tier | meaning | source |" in result.out
    for p in registry.ALL_PARAMS:
        assert "`" + p.path + "`" in result.out


def test_params_shows_the_meaning_and_keeps_what_matches(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = cli("params", "doctrine.compliance")
    assert result.code == 0, result.err
    assert "compliance" in result.out and "Baseline willingness" in result.out
    assert "threat_sensitivity" not in result.out and "Measures" not in result.out
    # a pattern matches meanings too, in any case, and measures
    result = cli("params", "SANCTION")
    assert "sanction_decay" in result.out and "compliance" in result.out
    assert "world_gdp" not in result.out
    # with a scenario, its values
    result = cli("params", BASELINE, "compliance")
    assert "Values from" in result.out and "0.95 USA JPN KOR" in result.out


def test_params_fits_the_terminal(cli, monkeypatch):
    for columns, wide in ((80, 100), (100, 100), (160, 160)):
        monkeypatch.setenv("COLUMNS", str(columns))
        out = cli("params").out
        assert max(len(line) for line in out.splitlines()) == wide
        assert "\u2026" not in out  # nothing cut with an ellipsis: cells wrap
        words = set(out.replace("(", " ").replace(")", " ").split())
        for p in registry.ALL_PARAMS:  # nor cropped at the right edge
            assert p.source.rstrip(")").split()[-1].strip("()") in words, (columns, p.path)


def test_params_with_a_pattern_that_matches_nothing_exits_2(cli):
    result = cli("params", "no-such-thing")
    assert result.code == 2 and "no parameter or measure matches" in result.err
    assert cli("params", "compliance", "sanction").code == 2


def test_params_bad_scenario_exits_2(cli, tmp_path):
    result = cli("params", tmp_path / "nowhere.yaml")
    assert result.code == 2 and "no such file" in result.err


def test_params_set_without_scenario(cli):
    assert cli("params", "--set", "seed=1").code == 2


def test_unexpected_error_keeps_its_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("sim.cli.inspect.load_scenario", broken)
    monkeypatch.setattr("sys.argv", ["geosim", "validate", str(BASELINE)])
    with pytest.raises(RuntimeError, match="a bug"):
        cli_module.main()


def test_python_dash_m_sim(tmp_path):
    result = run_module("validate", BASELINE, cwd=tmp_path)
    assert result.code == 0 and ": OK (" in result.out
    assert list(tmp_path.iterdir()) == []
    result = run_module("--help", cwd=tmp_path)
    assert result.code == 0 and "Usage: geosim" in result.out
