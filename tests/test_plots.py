"""Run figures: content (lines, bands, events, units, network), reproducible files."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from conftest import BASELINE
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_hex

from sim import plots
from sim.results import load_results
from sim.runner import run
from sim.scenario import scenario_from_yaml

SHORT = ["steps=8", "replications=3"]


@pytest.fixture(scope="module")
def result():
    return run(BASELINE, overrides=SHORT)


@pytest.fixture(scope="module")
def reacting():
    """The baseline with a Japanese reaction that fires at once (threshold 0)."""
    scenario = scenario_from_yaml(BASELINE.read_text(encoding="utf-8"), str(BASELINE))
    data = scenario.model_dump(by_alias=True)
    data["reactions"] = [
        {
            "actor": "JPN",
            "when": {"measure": "threat.JPN.PRK", "above": 0.0, "for_steps": 1},
            "then": {"add": {"actors.JPN.doctrine.grievance": 0.01}},
            "once": True,
        }
    ]
    return run(type(scenario).model_validate({**data, "steps": 8, "replications": 3}))


def bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_actor_styles_scenario_colour_okabe_ito_and_linestyles(result):
    styles = plots.actor_styles(result)
    assert list(styles) == list(result.scenario.codes)
    assert [s.colour for s in styles.values()] == [
        a.colour for a in result.scenario.actors.values()
    ]
    plain = plots.actor_styles(list(result.scenario.codes))
    assert [s.colour for s in plain.values()] == list(plots.OKABE_ITO[: len(plain)])
    many = plots.actor_styles([f"A{k:02d}" for k in range(10)])
    assert many["A08"].colour == many["A00"].colour
    assert many["A08"].linestyle != many["A00"].linestyle
    data = result.scenario.model_dump(by_alias=True)
    data["actors"]["PRK"]["colour"] = "#123456"
    data["actors"]["USA"]["colour"] = None
    coloured = type(result.scenario).model_validate(data)
    assert plots.actor_styles(coloured)["PRK"].colour == "#123456"
    assert plots.actor_styles(coloured)["USA"].colour == plots.OKABE_ITO[0]


def test_balance_has_median_bands_units_and_scheduled_events(result):
    ax = plots.balance(result)
    labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert labels == ["balance (median)"]
    assert len(bands(ax)) == 2  # 50 % and 90 % seed bands
    assert "balance (1)" in ax.get_ylabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "50 % seed band" in legend and "90 % seed band" in legend
    scheduled = [ln for ln in ax.get_lines() if ln.get_gid() == "event-scheduled"]
    marks = plots.event_marks(result)
    assert len(scheduled) == marks.loc[marks["source"] == "scheduled", "date"].nunique() > 0
    assert any("treaty RUS–PRK" in t for t in legend)
    assert isinstance(ax.xaxis.get_major_formatter(), matplotlib.dates.ConciseDateFormatter)


def test_fired_reactions_are_marked(reacting):
    marks = plots.event_marks(reacting)
    assert (marks["source"] == "reaction").any()
    ax = plots.balance(reacting)
    fired = [c for c in ax.collections if c.get_gid() == "event-reaction"]
    assert len(fired) == 1
    assert to_hex(fired[0].get_facecolor()[0]) == plots.actor_styles(reacting)["JPN"].colour.lower()
    assert any("reaction fired (JPN)" in t.get_text() for t in ax.get_legend().get_texts())


def test_balance_figure_splits_core_and_swing(result):
    fig = plots.balance_figure(result)
    top, bottom = fig.axes[:2]
    names = [ln.get_label() for ln in bottom.get_lines() if not ln.get_label().startswith("_")]
    assert names == ["core: pole members", "swing: all others"]
    assert len(bands(bottom)) == 4


def test_conflict_risk_one_line_and_two_bands_per_key_dyad_in_probability_per_year(result):
    ax = plots.conflict_risk(result)
    n = len(result.scenario.analysis.key_dyads) + 1  # and P(any)
    named = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert len(named) == n
    assert len(bands(ax)) == 2 * n
    assert "probability per year" in ax.get_ylabel()
    fig = plots.risk_figure(result)
    assert "tension" in fig.axes[0].get_ylabel()
    assert "per year" in fig.axes[2].get_ylabel()


def test_actor_small_multiples_share_time_axis_and_name_units(result):
    fig = plots.actors_figure(result)
    n = len(result.scenario.codes)
    axes = fig.axes
    assert len(axes) == 3 * n
    ylabels = [axes[k * n].get_ylabel() for k in range(3)]
    assert "USD bn" in ylabels[0] and "% of GDP" in ylabels[1] and "USD bn" in ylabels[2]
    assert all(ax.get_shared_x_axes().joined(axes[0], ax) for ax in axes)
    styles = plots.actor_styles(result)
    for k, code in enumerate(result.scenario.codes):
        assert axes[k].get_title() == code
        assert to_hex(axes[k].get_lines()[0].get_color()) == styles[code].colour.lower()


def test_trade_shows_the_bargain_and_flows_touching_the_target(result):
    flows = plots.trade_flows(result)
    assert ("PRK", "RUS") in flows  # the bargain
    assert all("PRK" in f for f in flows)
    fig = plots.trade_figure(result)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(flows)
    assert visible[0].get_ylabel() == "USD bn per year"


def test_sanctions_pressure_and_leakage_per_target(result):
    fig = plots.sanctions_figure(result)
    ax = fig.axes[0]
    assert ax.get_title() == "sanctions on PRK"
    assert len([ln for ln in ax.get_lines()]) == 2 and len(bands(ax)) == 4
    assert "%" in ax.get_ylabel()


def test_network_one_node_per_actor_and_edge_colours_follow_relation_signs(result):
    ax = plots.network(result)
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(nodes) == 1 and len(nodes[0].get_offsets()) == len(result.scenario.codes)
    (edges,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    data = plots.network_data(result, [result.measures["step"].max()])
    data = data[data["kind"] == "edge"].assign(strength=lambda d: d["relation"].abs())
    data = data.sort_values(["strength", "actor", "partner"], kind="stable")
    colours = edges.get_colors()
    assert len(colours) == len(data)
    for rgba, relation in zip(colours, data["relation"], strict=True):
        red, _, blue, _ = rgba
        if relation > 0.1:
            assert blue > red
        elif relation < -0.1:
            assert red > blue
    widths = edges.get_linewidths()
    assert widths[np.argmax(data["alliance"].to_numpy())] == max(widths)


def test_network_figure_three_dates_and_heatmap(result):
    fig = plots.network_figure(result)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == 3
    assert [ax.get_title() for ax in panels][0] == result.measures["date"].iloc[0]
    fig = plots.heatmap_figure(result)
    n = len(result.scenario.codes)
    assert len(fig.axes[0].texts) == n * (n - 1)  # annotated, diagonal blank


@pytest.mark.slow
def test_write_run_plots_twice_and_redraw_from_saved_folder_give_identical_bytes(result, tmp_path):
    written = []
    folder = result.save(
        tmp_path, write_extra=lambda tmp: written.extend(plots.write_run_plots(result, tmp, dpi=50))
    )
    names = sorted(p.name for p in written)
    assert {f"{n}.png" for n in plots.RUN_FIGURES} <= set(names)
    assert {f"{n}.csv" for n in plots.RUN_FIGURES} <= set(names)
    before = {p.name: p.read_bytes() for p in (folder / "plots").iterdir()}
    again = plots.write_run_plots(load_results(folder), folder, dpi=50)  # geosim plot
    assert sorted(p.name for p in again) == names
    for p in again:
        assert p.read_bytes() == before[p.name], p.name


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_vector_formats_are_reproducible(result, tmp_path, fmt):
    a = plots.write_run_plots(result, tmp_path / "a", fmt=fmt, only=["balance"])
    b = plots.write_run_plots(result, tmp_path / "b", fmt=fmt, only=["balance"])
    assert a[0].suffix == f".{fmt}"
    assert a[0].read_bytes() == b[0].read_bytes()
    assert matplotlib.rcParams["svg.hashsalt"] is None  # no global change


def test_unknown_figure_or_format_is_an_error(result, tmp_path):
    with pytest.raises(ValueError, match="unknown figure"):
        plots.write_run_plots(result, tmp_path, only=["balanse"])
    with pytest.raises(ValueError, match="unknown figure format"):
        plots.write_run_plots(result, tmp_path, fmt="jpg")


def test_gif_is_reproducible(result, tmp_path):
    pytest.importorskip("PIL")
    a = plots.network_gif(result, tmp_path / "a.gif", dpi=40)
    b = plots.network_gif(result, tmp_path / "b.gif", dpi=40)
    assert a.read_bytes()[:6] == b"GIF89a" and a.read_bytes() == b.read_bytes()


@pytest.mark.slow
def test_another_cast_without_sanctions_skips_that_figure(tmp_path):
    taiwan = BASELINE.parent / "taiwan_strait.yaml"
    r = run(taiwan, overrides=SHORT)
    written = {p.name for p in plots.write_run_plots(r, tmp_path, dpi=40)}
    assert "sanctions.png" not in written and "network.png" in written


@pytest.mark.slow
def test_a_large_cast_is_cut_to_the_featured_actors_and_the_figure_says_so(tmp_path):
    """30 actors: the per-actor figures show at most their limit, poles and key dyads
    first, and carry a note; the tables written beside them are cut the same way."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from sim.plots.run import ACTOR_LIMITS
    from sim.plots.style import add_note, featured
    from sim.synthetic import synthetic_scenario

    scenario = synthetic_scenario(30, steps=6)
    r = run(scenario, replications=2, seed=3)
    cut, note = featured(r, 8)
    kept = set(cut.scenario.codes)
    must = {*scenario.analysis.blocs.a, *scenario.analysis.blocs.b}
    must |= {c for pair in scenario.analysis.key_dyads for c in pair}
    assert len(kept) == 8 and must <= kept and "8 of 30 actors shown" in note
    assert set(cut.actors["actor"]) == kept and set(cut.dyads["actor"]) <= kept
    assert set(cut.dyads["partner"]) <= kept and len(r.actors["actor"].unique()) == 30
    # Colours follow the actor, not its position among those shown.
    full, shown = plots.actor_styles(scenario), plots.actor_styles(cut.scenario)
    assert all(shown[c].colour == full[c].colour for c in kept)
    assert featured(r, 30) == (r, "")

    plots.write_run_plots(r, tmp_path, dpi=30, only=list(ACTOR_LIMITS))
    for name, limit in ACTOR_LIMITS.items():
        table = pd.read_csv(tmp_path / "plots" / f"{name}.csv")
        assert table["actor"].nunique() <= limit, name
    # The note sits under everything else: it overlaps no axes, label or legend.
    for draw in (plots.actors_figure, plots.network_figure):
        fig = draw(cut)
        add_note(fig, note)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        box = fig.texts[-1].get_window_extent(renderer)
        others = [ax.get_tightbbox(renderer) for ax in fig.axes]
        others += [leg.get_window_extent(renderer) for leg in fig.legends]
        others += [t.get_window_extent(renderer) for t in fig.texts[:-1]]
        assert fig.texts[-1].get_text() == note
        assert not any(box.overlaps(o) for o in others if o is not None), draw.__name__


@pytest.mark.slow
def test_frozen_date_ticks_draw_the_same_pixels(result, tmp_path, monkeypatch):
    """save_figure fixes each date axis's automatic ticks before drawing (speed): the
    file must be byte-identical to one drawn with the automatic ticks."""
    from sim.plots import style

    frozen = [p.read_bytes() for p in _pngs(result, tmp_path / "frozen")]
    monkeypatch.setattr(style, "freeze_date_ticks", lambda fig: lambda: None)
    automatic = [p.read_bytes() for p in _pngs(result, tmp_path / "automatic")]
    assert frozen == automatic


def _pngs(result, folder):
    written = plots.write_run_plots(result, folder, dpi=50, only=["actors", "balance", "risk"])
    return sorted(p for p in written if p.suffix == ".png")


def test_saving_leaves_the_figure_its_automatic_date_ticks(result, tmp_path):
    import matplotlib.dates as mdates

    ax = plots.balance(result)
    plots.save_figure(ax.figure, tmp_path / "once.png", dpi=30)
    assert isinstance(ax.xaxis.get_major_locator(), mdates.AutoDateLocator)
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


@pytest.mark.parametrize("name", ["balance", "actors", "heatmap"])
def test_one_draw_png_gives_the_bytes_savefig_gives(result, tmp_path, name):
    from sim.plots.formats import METADATA
    from sim.plots.style import freeze_date_ticks, plot_style

    draw = plots.RUN_FIGURES[name][1]
    ours = plots.save_figure(draw(result), tmp_path / "ours.png", "png", 120)
    fig = draw(result)
    with plot_style():
        restore = freeze_date_ticks(fig)
        fig.savefig(tmp_path / "theirs.png", format="png", dpi=120, metadata=METADATA["png"])
        restore()
    assert ours.read_bytes() == (tmp_path / "theirs.png").read_bytes()
