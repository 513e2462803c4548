"""Observations in scenario files: the loader, the scores and what ``geosim run`` writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL

from sim.analysis.observed import beside, model_at_observations, score
from sim.errors import InputError
from sim.scenario import load_scenario
from sim.scenario.observations import load_observations, parse_period, window_of

GOOD = """\
# a test file: SMALL runs 8 quarters from 2024-01
measure,date,value,lower,upper,source
milex.KOR,2024,46,44,48,made up for the test
milex.KOR,2025-Q1,47,,,made up
provocations,2024,3,,,made up
defence_share.KOR,2025,0.026,,,made up
trade_recorded.PRK.RUS,2025,0.03,,,made up
"""

OBSERVED = """
observations:
  files:
    - file: data.csv
  windows:
    early: [2024-01, 2024-12]
    late: [2025-01, 2025-12]
"""


def _scenario(folder: Path, csv: str, section: str = OBSERVED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.csv").write_text(csv, encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(SMALL + section, encoding="utf-8")
    return path


def test_a_good_file_loads_with_the_steps_of_each_period(tmp_path):
    path = _scenario(tmp_path, GOOD)
    obs = load_observations(load_scenario(path), path.parent, str(path))
    assert list(obs["measure"]) == [
        "milex.KOR",
        "milex.KOR",
        "provocations",
        "defence_share.KOR",
        "trade_recorded.PRK.RUS",
    ]
    # a count of the steps 0-3 is recorded at the end of each step, in rows 1-4
    assert list(obs["step_first"]) == [0, 4, 1, 4, 4]
    assert list(obs["step_last"]) == [3, 4, 4, 7, 7]
    assert list(obs["how"]) == ["mean", "mean", "sum", "mean", "mean"]
    assert obs["line"].iloc[0] == 3
    assert obs["lower"].iloc[0] == 44 and np.isnan(obs["upper"].iloc[1])


BAD = [
    ("milex.XYZ,2024,1,,,s", "measure", "unknown actor 'XYZ'"),
    ("milx.KOR,2024,1,,,s", "measure", "did you mean 'milex'"),
    ("milex.KOR:max,2024,1,,,s", "measure", "without a reducer"),
    ("milex,2024,1,,,s", "measure", "takes [1] actor"),
    ("milex.KOR,2024-13,1,,,s", "date", "no month 13"),
    ("milex.KOR,24,1,,,s", "date", "not a period"),
    ("milex.KOR,2024,1.2.3,,,s", "value", "not a finite number"),
    ("milex.KOR,2024,nan,,,s", "value", "not a finite number"),
    ("milex.KOR,2024,,,,s", "value", "empty"),
    ("milex.KOR,2024,5,6,7,s", "lower", "does not hold the value"),
    ("milex.KOR,2024,5,,,", "source", "names no source"),
    ("milex.KOR,2024,5,s", "", "the row has 4 cells"),
    ("milex.KOR,2023,5,,,s", "date", "outside the run"),
    ("milex.KOR,2026,5,,,s", "date", "outside the run"),
    ("milex.KOR,2024-02,5,,,s", "date", "shorter than one quarter"),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD, ids=[b[2] for b in BAD])
def test_each_bad_row_is_reported_at_its_line_and_column(tmp_path, cli, row, column, message):
    path = _scenario(tmp_path, "measure,date,value,lower,upper,source\n" + row + "\n")
    outcome = cli("validate", path)
    assert outcome.code == 2
    line = outcome.err.strip().splitlines()[0]
    where = f"data.csv:2: {column}: " if column else "data.csv:2: "
    assert where in line and message in line, line
    assert "Traceback" not in outcome.err


def test_a_period_given_twice_names_both_lines(tmp_path, cli):
    path = _scenario(tmp_path, GOOD + "milex.KOR,2024,47,,,again\n")
    outcome = cli("validate", path)
    assert outcome.code == 2 and "data.csv:8: date:" in outcome.err and "line 3" in outcome.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# only comments\n", "no header row"),
        ("measure,date,value\nmilex.KOR,2024,1\n", "lacks the column(s) source"),
        ("measure,date,value,source,value\n", "names value twice"),
        (b"measure,date,value,source\n\xff\xfe,1,2,3\n", "not UTF-8"),
    ],
)
def test_a_malformed_file_is_reported_with_its_name(tmp_path, cli, content, message):
    path = _scenario(tmp_path, "")
    data = content if isinstance(content, bytes) else content.encode()
    (tmp_path / "data.csv").write_bytes(data)
    outcome = cli("validate", path)
    assert outcome.code == 2 and "data.csv" in outcome.err and message in outcome.err


def test_entries_and_windows_are_checked_against_the_scenario(tmp_path, cli):
    section = """
observations:
  files:
    - file: missing.csv
    - {file: data.csv, measures: [milex.KOX]}
  windows:
    early: [2023-01, 2024-12]
"""
    path = _scenario(tmp_path, GOOD, section)
    err = cli("validate", path).err
    assert "observations.files[0].file: no observation file 'missing.csv'" in err
    assert "observations.files[1].measures: unknown actor 'KOX'" in err
    assert "observations.windows.early: the window 2023-01 to 2024-12 reaches outside" in err


def test_a_window_that_ends_before_it_begins_is_an_error(tmp_path, cli):
    section = OBSERVED.replace("[2025-01, 2025-12]", "[2025-12, 2025-01]")
    outcome = cli("validate", _scenario(tmp_path, GOOD, section))
    assert outcome.code == 2 and "ends (2025-01) before it begins (2025-12)" in outcome.err


def test_from_and_until_leave_out_periods_outside_the_run(tmp_path):
    rows = GOOD + "milex.KOR,2023,40,,,before the run\nmilex.KOR,2026,50,,,after it\n"
    section = OBSERVED.replace(
        "- file: data.csv", "- {file: data.csv, from: 2024-01, until: 2025-12}"
    )
    path = _scenario(tmp_path, rows, section)
    obs = load_observations(load_scenario(path), path.parent, str(path))
    assert len(obs) == 5
    only = section.replace("until: 2025-12}", "until: 2025-12, measures: [provocations]}")
    path = _scenario(tmp_path, rows, only)
    assert list(load_observations(load_scenario(path), path.parent)["measure"]) == ["provocations"]


def test_a_parents_observation_files_are_found_from_a_child_elsewhere(tmp_path):
    parent = _scenario(tmp_path / "parent", GOOD)
    child = tmp_path / "elsewhere" / "child.yaml"
    child.parent.mkdir()
    child.write_text(f"extends: ../parent/{parent.name}\nname: child\n", encoding="utf-8")
    spec = load_scenario(child)
    assert spec.observations is not None
    assert Path(spec.observations.files[0].file) == Path("../parent/data.csv")
    assert len(load_observations(spec, child.parent)) == 5


def test_periods_and_windows():
    assert (parse_period("2024").first, parse_period("2024").last) == (2024 * 12, 2024 * 12 + 11)
    assert parse_period("2024-Q3").first == 2024 * 12 + 6
    assert parse_period("2024-03").last == 2024 * 12 + 2
    windows = {"a": ("2024-01", "2024-12"), "b": ("2025-01", "2025-12")}
    assert window_of("2024-04", "2024-06", windows) == ["a"]
    assert window_of("2024-07", "2025-06", windows) == []  # across two: in neither


def _observations(**columns) -> pd.DataFrame:
    n = len(columns["value"])
    base = {
        "measure": ["x"] * n,
        "first": ["2024-01"] * n,
        "last": ["2024-12"] * n,
        "lower": [np.nan] * n,
        "upper": [np.nan] * n,
    }
    return pd.DataFrame({**base, **columns})


def test_scores_match_hand_computed_values():
    """CRPS of {0, 1} at 0.5 is E|X - y| - E|X - X'|/2 = 0.5 - 0.25; interval score."""
    obs = _observations(value=[0.5, 3.0])
    samples = np.array([[0.0, 1.0], [0.0, 1.0]])
    table = beside(obs, samples)
    assert table["crps"].iloc[0] == pytest.approx(0.25)
    assert table["crps"].iloc[1] == pytest.approx(2.5 - 0.25)  # E|X - 3| = 2.5
    q05, q95 = np.quantile([0.0, 1.0], [0.05, 0.95])
    assert table["interval_score"].iloc[0] == pytest.approx(q95 - q05)
    assert table["interval_score"].iloc[1] == pytest.approx(q95 - q05 + 20 * (3.0 - q95))
    assert list(table["in90"]) == [1.0, 0.0]
    summary = score(table, {"w": ("2024-01", "2024-12")})
    assert list(summary["window"]) == ["all", "w"]
    assert summary["in90"].iloc[0] == 0.5
    assert summary["crps"].iloc[0] == pytest.approx((0.25 + 2.25) / 2)


def test_a_series_without_model_values_scores_nan():
    table = beside(_observations(value=[1.0]), np.array([[np.nan, np.nan]]))
    assert table["runs"].iloc[0] == 0 and np.isnan(table["crps"].iloc[0])
    assert np.isnan(score(table, {})["in90"].iloc[0])


def test_model_values_are_means_over_the_period_or_sums_of_counts():
    steps = np.arange(8)
    measures = pd.DataFrame(
        {
            "replication": np.repeat([0, 1], 8),
            "step": np.tile(steps, 2),
            "provocations": np.tile(steps.astype(float), 2),
            "balance": np.concatenate([steps * 0.1, steps * 0.2]),
        }
    )
    obs = pd.DataFrame(
        {
            "name": ["provocations", "balance"],
            "actors": ["", ""],
            "step_first": [0, 4],
            "step_last": [3, 7],
            "how": ["sum", "mean"],
        }
    )
    got = model_at_observations({"measures": measures}, obs)
    np.testing.assert_allclose(got[0], [6.0, 6.0])  # 0 + 1 + 2 + 3
    np.testing.assert_allclose(got[1], [0.55, 1.1])  # mean of steps 4..7, times 0.1 / 0.2


@pytest.mark.slow
def test_run_writes_scores_observations_and_a_figure_per_series(tmp_path, cli, out_dir):
    path = _scenario(tmp_path / "input", GOOD)
    outcome = cli("run", path, "-n", "4", "--out", out_dir)
    assert outcome.code == 0, outcome.err
    assert "Against the record" in outcome.out
    (folder,) = (out_dir / "small").iterdir()
    scored = pd.read_csv(folder / "score.csv")
    assert set(scored["measure"]) == {
        "milex.KOR",
        "provocations",
        "defence_share.KOR",
        "trade_recorded.PRK.RUS",
    }
    assert set(scored["window"]) == {"all", "early", "late"}
    assert scored["in90"].between(0, 1).all()
    per = pd.read_csv(folder / "observations.csv")
    assert len(per) == 5 and (per["runs"] == 4).all()
    assert (folder / "plots" / "observed_milex_KOR.png").stat().st_size > 10_000
    assert (folder / "plots" / "observed_provocations.csv").exists()


def test_a_bad_observation_file_stops_the_run_before_anything_is_written(tmp_path, cli, out_dir):
    path = _scenario(tmp_path / "input", GOOD + "milex.KOR,2099,1,,,s\n")
    outcome = cli("run", path, "--out", out_dir)
    assert outcome.code == 2 and "outside the run" in outcome.err
    assert not any(out_dir.iterdir())


def test_load_observations_raises_input_error(tmp_path):
    path = _scenario(tmp_path, "measure,date,value,source\nmilex.KOR,2099,1,s\n")
    with pytest.raises(InputError):
        load_observations(load_scenario(path), path.parent)
