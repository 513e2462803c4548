"""Helper fixtures: a small valid scenario, and running the CLI on files."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BASELINE = REPO / "scenarios" / "baseline.yaml"

SMALL = """\
schema_version: 1
name: small
start: 2024-01
step: quarter
steps: 8
seed: 1
replications: 2
reference: {world_gdp: 100000, world_milex: 2500, world_population: 8000}
actors:
  RUS: {name: Russia, gdp: 2000, milex: 100, population: 144}
  PRK: {name: North Korea, gdp: 30, milex: 5, population: 26}
  USA: {name: United States, gdp: 27000, milex: 900, population: 340}
  KOR: {name: South Korea, gdp: 1800, milex: 45, population: 52}
dyads:
  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0}
  - {pair: [USA, KOR], relation: 0.8, alliance: 1.0}
  - {pair: [USA, PRK], relation: -0.7, sanction: [0.9, 0.0]}
trade:
  - {from: RUS, to: PRK, category: energy, value: 0.01}
sanctions:
  regimes:
    - {target: PRK, coverage: {energy: 0.9}, monitoring: 0.5, veto_holders: [USA, RUS], sponsors: [USA, KOR]}
events:
  - {at: 2024-07, kind: transfer_surge, from: RUS, to: PRK, scale: 2.0}
  - {at: 2025-01, set: {actors.RUS.doctrine.compliance: 0.1}}
  - {at: 2025-01, kind: summit, pair: [RUS, PRK]}
  - {at: 2024-04, kind: ceasefire, actor: RUS}
reactions:
  - {actor: KOR, when: {measure: threat.KOR.PRK, above: 0.1}, then: {add: {actors.KOR.doctrine.grievance: 0.01}}}
analysis:
  blocs: {a: [RUS, PRK], b: [USA, KOR]}
  key_dyads: [[PRK, KOR], [USA, RUS]]
"""
"""A small valid scenario: four actors, two years by quarter (2024-01 to 2025-10)."""


@dataclass
class Outcome:
    """What a command did: exit status, stdout, stderr."""

    code: int
    out: str
    err: str


def variant(old: str, new: str, text: str = SMALL) -> str:
    """SMALL with one exact piece of text replaced (the piece must occur once)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


@pytest.fixture
def write(tmp_path: Path):
    """Write YAML text to a file under tmp_path/input and return its path."""
    folder = tmp_path / "input"
    folder.mkdir()

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def out_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (the output root); the test asserts it stays empty."""
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def cli():
    """Run the geosim app in-process: ``cli("validate", path)``."""
    runner = CliRunner()

    def _run(*args: str | Path) -> Outcome:
        result = runner.invoke(app, [str(a) for a in args], prog_name="geosim")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return _run


def run_module(*args: str | Path, cwd: Path | None = None) -> Outcome:
    """Run ``python -m sim ARGS`` in a subprocess (stdin closed, as in CI)."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env=None,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)
