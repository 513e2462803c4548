"""The story figure (``analysis.story``, ``sim/plots/story.py``, ``docs/history.md``).

The replay's story follows Russia back to the USSR through the 1991 succession, puts
the record's observations on the panels of their measures, and is written by
``geosim run`` and redrawn by ``geosim plot``.  A story naming one actor twice, or eras
outside the run or out of order, is refused with a located message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.observed import beside, model_at_observations
from sim.plots.story import patron_chain, story_data, story_figure
from sim.scenario.observations import load_observations
from tests.test_scenario_errors import assert_rejected

HISTORY = Path(__file__).resolve().parent.parent / "scenarios" / "history"
REPLAY = HISTORY / "replay_1948.yaml"


@pytest.fixture(scope="module")
def replay():
    return sim.run(REPLAY, replications=3)


@pytest.fixture(scope="module")
def observed(replay):
    spec = replay.scenario
    obs = load_observations(spec, HISTORY, str(REPLAY))
    return beside(obs, model_at_observations(replay.tables, obs))


def test_the_patron_is_followed_back_through_the_succession(replay):
    assert patron_chain(replay.scenario, "RUS") == ["SUN", "RUS"]
    assert patron_chain(replay.scenario, "PRK") == ["PRK"]


def _median(result, actor: str, partner: str, column: str, date: str) -> float:
    dyads = result.tables["dyads"]
    rows = dyads[(dyads["actor"] == actor) & (dyads["partner"] == partner)]
    return float(rows.loc[rows["date"] == date, column].median())


def test_the_story_draws_the_ussr_then_russia(replay):
    data = story_data(replay)
    model = data[data["kind"] == "model"]
    towards = model[model["series"].str.startswith("Soviet Union / Russia toward")]
    by_date = towards.set_index("date")["median"]
    # before the succession the USSR's rows, after it Russia's, one line throughout
    assert by_date["1970-01"] == pytest.approx(_median(replay, "SUN", "PRK", "relation", "1970-01"))
    assert by_date["2010-01"] == pytest.approx(_median(replay, "RUS", "PRK", "relation", "2010-01"))
    assert towards["date"].is_unique
    assert towards["date"].min() == "1948-01" and towards["date"].max() == "2025-01"
    aid = model[model["panel"] == "aid"].set_index("date")["median"]
    assert aid["1955-01"] > 0.5 and aid["1995-01"] == 0.0  # the scripted Soviet aid, then none
    assert set(model["panel"]) == {"relation", "trade", "aid", "gdp", "military"}


def test_the_record_goes_on_the_panels_of_its_measures(replay, observed):
    data = story_data(replay, observed)
    points = data[data["kind"] == "observed"]
    panels = points.groupby("panel")["measure"].agg(lambda m: sorted({x.split(".")[0] for x in m}))
    assert panels.to_dict() == {
        "aid": ["aid"],
        "gdp": ["gdp"],
        "military": ["milex"],
        "trade": ["trade_recorded"],
    }
    # every observation of the pair and the client is drawn, both the USSR's and Russia's;
    # China's aid (another patron) is not
    about_china = observed["measure"].str.contains("CHN")
    assert about_china.sum() == 3
    assert len(points) == (~about_china).sum()
    assert not points["measure"].str.contains("CHN").any()
    trade = points[points["panel"] == "trade"]
    assert {"trade_recorded.PRK.SUN", "trade_recorded.PRK.RUS"} <= set(trade["measure"])
    # dated in the middle of their period: 1985 is drawn at mid-1985
    first = trade[trade["measure"] == "trade_recorded.PRK.SUN"]["date"].min()
    assert first == "1985-07-02"


def test_the_figure_has_five_panels_and_the_eras(replay, observed):
    fig = story_figure(replay, observed)
    axes = fig.get_axes()
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles[1:] == [
        "Relations: each side's attitude to the other",
        "Recorded trade, both ways",
        "Economic aid from the patron",
        "The client's GDP",
        "The client's military capability and spending",
    ]
    strip = {t.get_text().replace("\n", " ") for t in axes[0].texts}
    assert strip == {
        "Soviet patronage",
        "the 1990s lull",
        "renewal after the 2000 treaty",
        "wartime partnership",
    }
    assert "1948 to 2024" in fig.texts[0].get_text() or "1948 to 2024" in fig._suptitle.get_text()
    # the trade observations below the log floor (2021's USD 40,469) are drawn on it
    trade = axes[2]
    assert trade.get_yscale() == "log"
    assert np.isfinite(trade.get_ylim()).all()


def test_a_scenario_without_a_story_has_no_story(tmp_path):
    result = sim.run(HISTORY.parent / "baseline.yaml", replications=1)
    assert story_data(result).empty
    with pytest.raises(ValueError, match="no analysis.story"):
        story_figure(result)


def test_geosim_plot_draws_the_story_of_a_run(cli, tmp_path):
    out = tmp_path / "results"
    done = cli("run", REPLAY, "-n", "2", "--out", out, "-q", "--no-plots")
    assert done.code == 0, done.err
    (folder,) = (out / "replay_1948").iterdir()
    assert not (folder / "plots" / "story.png").exists()
    again = cli("plot", folder, "--only", "story")
    assert again.code == 0, again.err
    figure, table = folder / "plots" / "story.png", folder / "plots" / "story.csv"
    assert figure.stat().st_size > 50_000
    frame = pd.read_csv(table)
    assert set(frame["kind"]) == {"model", "observed"}  # the scores' table was read back
    assert sorted(p.name for p in (folder / "plots").iterdir()) == ["story.csv", "story.png"]


@pytest.mark.slow
def test_geosim_run_writes_the_story_with_its_figures(cli, tmp_path):
    out = tmp_path / "results"
    done = cli("run", REPLAY, "-n", "2", "--out", out, "-q")
    assert done.code == 0, done.err
    (folder,) = (out / "replay_1948").iterdir()
    assert (folder / "plots" / "story.png").stat().st_size > 50_000
    assert (folder / "plots" / "balance.png").exists()
    frame = pd.read_csv(folder / "plots" / "story.csv")
    assert set(frame["kind"]) == {"model", "observed"}


# --------------------------------------------------------------------------- bad stories


@pytest.fixture
def replay_copy(tmp_path: Path):
    """A copy of the history folder; returns a function that writes a changed replay."""
    folder = tmp_path / "input"
    shutil.copytree(HISTORY, folder)
    text = (folder / "replay_1948.yaml").read_text(encoding="utf-8")

    def _write(old: str, new: str) -> Path:
        assert old in text
        path = folder / "replay_1948.yaml"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    return _write


BAD_STORIES = [
    (
        "pair: [RUS, PRK]       #",
        "pair: [PRK, PRK]       #",
        "analysis.story.pair",
        "two different",
    ),
    ("pair: [RUS, PRK]       #", "pair: [RUS, PRX]       #", "analysis.story.pair[1]", "PRK"),
    (
        "{from: 1948-09, until: 1990-12, label: Soviet patronage}",
        "{from: 1930-01, until: 1939-12, label: Soviet patronage}",
        "analysis.story.periods[0]",
        "overlap the run",
    ),
    (
        "{from: 1991-01, until: 1999-12, label: the 1990s lull}",
        "{from: 1985-01, until: 1999-12, label: the 1990s lull}",
        "analysis.story.periods[1]",
        "time order",
    ),
    (
        "{from: 1991-01, until: 1999-12, label: the 1990s lull}",
        "{from: 1999-01, until: 1991-12, label: the 1990s lull}",
        "analysis.story.periods[1]",
        "",
    ),
    (
        "label: wartime partnership}",
        "labl: wartime partnership}",
        "analysis.story.periods[3].labl",
        "label",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "hint"), BAD_STORIES, ids=[c[1] for c in BAD_STORIES]
)
def test_a_bad_story_is_refused_where_it_is(cli, out_dir, replay_copy, old, new, path, hint):
    file = replay_copy(old, new)
    result = cli("validate", file)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if f" {path}: " in line]
    assert lines and lines[0].startswith(str(file)), result.err
    assert "(hint: " in lines[0] and hint in lines[0], result.err
    run = cli("run", file, "-n", "1", "--out", out_dir, "-q")
    assert_rejected(run, out_dir, file=file, path=path, hint=hint)
