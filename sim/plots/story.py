"""The story figure: one partnership's history in five panels, eras shaded, the record on top.

A scenario whose ``analysis.story`` names a patron and a client (``[RUS, PRK]``)
gets ``plots/story.png``: the two sides' relations, their recorded trade, the
patron's economic aid, the client's GDP, and the client's military capability and
spending, each the median over replications with its 50 % and 90 % seed bands.  A
patron that succeeded another (a ``succession`` event) is followed back, so the
USSR's rows stand before Russia's.  The scenario's eras (``analysis.story.periods``)
are shaded and named across the panels, and the observations of the same measures
(``observations:``, as scored in ``observations.csv``) are drawn as black points
with their intervals; a value below a log axis is drawn on its lower edge as a
triangle.  :func:`story_data` is the tidy frame the figure draws.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis.bands import seed_bands
from ..results import RunResult
from ..scenario.schema import Scenario, Story, month_index, month_name
from .style import (
    actor_styles,
    add_note,
    band_legend_handles,
    date_axis,
    draw_band,
    legend_below,
    new_figure,
    plot_style,
    save_figure,
    to_dates,
)

#: The lowest value a log panel shows (USD bn): trade of a few thousand dollars a year
#: (Russia and North Korea recorded USD 40,469 in 2021) would squash the rest.
LOG_FLOOR = 0.003


@dataclass(frozen=True)
class Panel:
    """One panel: the measure drawn, its table, whose rows, and how."""

    key: str
    title: str
    unit: str
    log: bool = False


PANELS = (
    Panel("relation", "Relations: each side's attitude to the other", "-1 hostile .. +1 close"),
    Panel("trade", "Recorded trade, both ways", "USD bn a year (log)", log=True),
    Panel("aid", "Economic aid from the patron", "USD bn a year"),
    Panel("gdp", "The client's GDP", "USD bn"),
    Panel("military", "The client's military capability and spending", "USD bn (log)", log=True),
)


def patron_chain(scenario: Scenario, patron: str) -> list[str]:
    """The patron and the states it succeeded, earliest first.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its ``succession`` events).
    patron : str
        The patron as named at the end of the run.

    Returns
    -------
    list of str
        E.g. ``["SUN", "RUS"]`` when RUS succeeded SUN.
    """
    before = {e.to: e.source_code for e in scenario.events if e.kind == "succession"}
    chain = [patron]
    while chain[0] in before and before[chain[0]] not in chain:
        chain.insert(0, str(before[chain[0]]))
    return chain


def _follow(frame: pd.DataFrame, column: str, chain: list[str], key: str) -> pd.DataFrame:
    """One row per (replication, step): the value of the latest present state of ``chain``."""
    rows = frame.loc[frame[key].isin(chain), ["replication", "step", "date", key, column]]
    rows = rows[np.isfinite(rows[column].to_numpy(dtype=float))]
    rank = rows[key].map({code: k for k, code in enumerate(chain)})
    rows = rows.assign(_rank=rank).sort_values(["replication", "step", "_rank"])
    rows = rows.drop_duplicates(["replication", "step"], keep="last")
    return rows.rename(columns={column: "value"})[["replication", "step", "date", "value"]]


def _series(result: RunResult) -> list[tuple[str, str, str, pd.DataFrame]]:
    """(panel, series label, colour key, per-run rows) of every line the figure draws."""
    story = result.scenario.analysis.story
    assert story is not None
    patron, client = story.pair
    chain = patron_chain(result.scenario, patron)
    names = " / ".join(result.scenario.actors[c].name or c for c in chain)
    client_name = result.scenario.actors[client].name or client
    dyads, actors = result.dyads, result.actors
    towards = dyads[dyads["partner"] == client]
    back = dyads[dyads["actor"] == client]
    own = actors[actors["actor"] == client]
    own = own.assign(chain=client)
    return [
        (
            "relation",
            f"{names} toward {client_name}",
            patron,
            _follow(towards, "relation", chain, "actor"),
        ),
        (
            "relation",
            f"{client_name} toward {names}",
            client,
            _follow(back, "relation", chain, "partner"),
        ),
        (
            "trade",
            f"{names} and {client_name}",
            patron,
            _follow(towards, "trade_recorded", chain, "actor"),
        ),
        ("aid", f"{names} to {client_name}", patron, _follow(towards, "aid", chain, "actor")),
        ("gdp", f"{client_name}: GDP", client, _follow(own, "gdp", [client], "chain")),
        (
            "military",
            f"{client_name}: capability (stock)",
            client,
            _follow(own, "capability", [client], "chain"),
        ),
        (
            "military",
            f"{client_name}: military spending (a year)",
            "spending",
            _follow(own, "milex", [client], "chain"),
        ),
    ]


def _observed_rows(result: RunResult, observed: pd.DataFrame | None) -> pd.DataFrame:
    """The observations that belong to a panel, with the panel's key and mid-period dates."""
    columns = ["panel", "measure", "date", "value", "lower", "upper", "source"]
    story = result.scenario.analysis.story
    if observed is None or observed.empty or story is None:
        return pd.DataFrame(columns=columns)
    patron, client = story.pair
    chain = set(patron_chain(result.scenario, patron))
    out = []
    for row in observed.itertuples(index=False):
        name, *codes = str(row.measure).split(".")
        panel = None
        if name == "trade_recorded" and len(codes) == 2 and client in codes:
            other = codes[1] if codes[0] == client else codes[0]
            panel = "trade" if other in chain else None
        elif name == "aid" and len(codes) == 2 and codes[0] in chain and codes[1] == client:
            panel = "aid"
        elif name == "relation" and len(codes) == 2 and client in codes:
            panel = "relation" if set(codes) - {client} <= chain else None
        elif name == "gdp" and codes == [client]:
            panel = "gdp"
        elif name in ("milex", "capability") and codes == [client]:
            panel = "military"
        if panel is None:
            continue
        first = pd.Timestamp(f"{row.first}-01")
        end = pd.Timestamp(f"{month_name(month_index(str(row.last)) + 1)}-01")
        out.append(
            (
                panel,
                row.measure,
                first + (end - first) / 2,
                row.value,
                row.lower,
                row.upper,
                row.source,
            )
        )
    return pd.DataFrame(out, columns=columns)


def story_data(result: RunResult, observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """The story figure's data: the model's bands per series, then the observations.

    Parameters
    ----------
    result : RunResult
        A run of a scenario with ``analysis.story``; an empty frame otherwise.
    observed : DataFrame, optional
        :func:`~sim.analysis.observed.beside`'s table (``observations.csv``); the rows
        of the panels' measures are added with ``kind`` ``observed``.

    Returns
    -------
    DataFrame
        Columns ``kind`` (``model`` or ``observed``), ``panel``, ``series``, ``date``
        (``YYYY-MM`` for the model, the middle of the period for an observation as
        ``YYYY-MM-DD``), the model's ``p05`` .. ``p95`` and ``n``, and an observation's
        ``measure``, ``value``, ``lower``, ``upper`` and ``source``.
    """
    if result.scenario.analysis.story is None:
        return pd.DataFrame()
    frames = []
    for panel, label, _, rows in _series(result):
        bands = seed_bands(rows, "value")
        frames.append(bands.assign(kind="model", panel=panel, series=label))
    obs = _observed_rows(result, observed)
    if len(obs):
        frames.append(
            obs.assign(kind="observed", series="observed", date=obs["date"].dt.strftime("%Y-%m-%d"))
        )
    data = pd.concat(frames, ignore_index=True)
    lead = ["kind", "panel", "series", "date"]
    return data[lead + [c for c in data.columns if c not in lead]]


def story_figure(
    result: RunResult, observed: pd.DataFrame | None = None, fig: Figure | None = None
) -> Figure:
    """Draw the story of ``analysis.story``: five panels over the whole run.

    Parameters
    ----------
    result : RunResult
        A run of a scenario with ``analysis.story``.
    observed : DataFrame, optional
        :func:`~sim.analysis.observed.beside`'s table, whose rows for the panels'
        measures are drawn as points.
    fig : Figure, optional
        Figure to draw on.

    Returns
    -------
    Figure
        The figure.

    Raises
    ------
    ValueError
        If the scenario has no ``analysis.story``.
    """
    story = result.scenario.analysis.story
    if story is None:
        raise ValueError("the scenario has no analysis.story: there is no story to draw")
    with plot_style():
        return _draw(result, story, observed, new_figure(fig, (8.0, 10.5)))


def _draw(result: RunResult, story: Story, observed: pd.DataFrame | None, fig: Figure) -> Figure:
    """The body of :func:`story_figure`, inside the house style."""
    grid = fig.add_gridspec(len(PANELS) + 1, 1, height_ratios=[0.28] + [1.0] * len(PANELS))
    strip = fig.add_subplot(grid[0])
    axes = [fig.add_subplot(grid[k + 1], sharex=strip) for k in range(len(PANELS))]
    styles = actor_styles(result)
    colours = {code: style.colour for code, style in styles.items()}
    colours["spending"] = "#E69F00"
    patron, client = story.pair
    if colours.get(patron) == colours.get(client):
        colours[client] = "#D55E00"
    chain = patron_chain(result.scenario, patron)
    start = to_dates([result.scenario.start])[0]
    dates = to_dates(result.measures["date"].unique())
    last = dates.max() if len(dates) else start
    end = last  # the state at the end of the run, dated the month after its last step
    obs = _observed_rows(result, observed)
    by_panel = {p.key: (p, ax) for p, ax in zip(PANELS, axes, strict=True)}
    handles: dict[str, list] = {p.key: [] for p in PANELS}
    lowest: dict[str, float] = {}
    for panel, label, colour, rows in _series(result):
        p, ax = by_panel[panel]
        bands = seed_bands(rows, "value")
        if bands.empty:
            continue
        if p.log:
            for column in ("p05", "p25", "median", "p75", "p95"):
                bands[column] = bands[column].clip(lower=LOG_FLOOR)
            low = float(np.nanmin(bands["p05"].to_numpy(dtype=float)))
            lowest[panel] = min(lowest.get(panel, np.inf), low)
        line = draw_band(ax, bands, colours.get(colour, "0.3"), label)
        handles[panel].append(line)
    for p, ax in zip(PANELS, axes, strict=True):
        points = obs[obs["panel"] == p.key]
        if len(points):
            y = points["value"].to_numpy(dtype=float)
            lo = points["lower"].to_numpy(dtype=float)
            hi = points["upper"].to_numpy(dtype=float)
            shown = np.maximum(y, LOG_FLOOR) if p.log else y
            if p.log:
                lowest[p.key] = min(lowest.get(p.key, np.inf), float(np.nanmin(shown)))
            err = np.vstack(
                [
                    np.where(np.isfinite(lo), np.maximum(shown - lo, 0.0), 0.0),
                    np.where(np.isfinite(hi), np.maximum(hi - shown, 0.0), 0.0),
                ]
            )
            if p.log:
                err[0] = np.minimum(err[0], shown - LOG_FLOOR * 0.999)
            below = p.log & (y < LOG_FLOOR)
            ax.errorbar(
                points["date"][~below],
                shown[~below],
                yerr=err[:, ~below],
                fmt="o",
                color="black",
                ms=3.5,
                lw=0.9,
                capsize=2,
                zorder=4,
            )
            kinds = sorted({m.split(".")[0] for m in points["measure"]})
            handles[p.key].append(
                Line2D(
                    [],
                    [],
                    color="black",
                    marker="o",
                    ls="",
                    ms=3.5,
                    label="observed: " + ", ".join(kinds),
                )
            )
            if below.any():
                ax.plot(points["date"][below], shown[below], "v", color="black", ms=5, zorder=4)
                handles[p.key].append(
                    Line2D(
                        [],
                        [],
                        color="black",
                        marker="v",
                        ls="",
                        ms=5,
                        label=f"observed below {LOG_FLOOR * 1000:g} m (drawn on the floor)",
                    )
                )
        if p.log:
            ax.set_yscale("log")
            ax.set_ylim(bottom=max(LOG_FLOOR, lowest.get(p.key, LOG_FLOOR)) * 0.6)
        if p.key == "relation":
            ax.set_ylim(-1.05, 1.05)
            ax.axhline(0.0, color="0.5", lw=0.7, zorder=1)
        ax.set_title(p.title, loc="left", fontsize=9)
        ax.set_ylabel(p.unit, fontsize=8)
        if handles[p.key]:
            if p.key in ("relation", "trade"):
                ax.legend(handles=handles[p.key], loc="lower left", fontsize=7)
            else:
                ax.legend(handles=handles[p.key], loc="upper left", fontsize=7)
        if ax is not axes[-1]:
            ax.tick_params(labelbottom=False)
    _eras(strip, axes, story, start, end, fig.get_figwidth())
    date_axis(axes[-1], maxticks=10)
    fig.suptitle(
        f"{result.scenario.name}: {' / '.join(chain)} and {client}, "
        f"{result.scenario.start[:4]} to {(last - pd.DateOffset(months=1)).year}",
        fontweight="bold",
    )
    n = int(result.measures["replication"].nunique())
    legend_below(
        fig,
        [
            *band_legend_handles(),
            Patch(facecolor="0.45", alpha=0.12, label="eras of the record (analysis.story)"),
        ],
        ncol=3,
    )
    add_note(
        fig,
        f"median of {n} replications; the model produces every line but the aid, "
        "which is scripted from the record",
    )
    return fig


def _eras(
    strip, axes: list, story: Story, start: pd.Timestamp, end: pd.Timestamp, width: float
) -> None:
    """Shade the story's eras across the panels and name them in the strip on top."""
    strip.set_xlim(start, end)
    strip.set_ylim(0.0, 1.0)
    strip.set_yticks([])
    strip.tick_params(labelbottom=False, bottom=False)
    for side in ("left", "right", "bottom", "top"):
        strip.spines[side].set_visible(False)
    strip.grid(False)
    span_days = max((end - start).days, 1)
    for k, period in enumerate(story.periods):
        a = max(pd.Timestamp(f"{period.start}-01"), start)
        b = min(pd.Timestamp(f"{month_name(month_index(period.until) + 1)}-01"), end)
        if b <= a:
            continue
        shade = 0.06 + 0.06 * (k % 2)
        for ax in axes:
            ax.axvspan(a, b, color="0.45", alpha=shade, lw=0, zorder=0)
        strip.axvspan(a, b, ymin=0.0, ymax=0.9, color="0.45", alpha=shade + 0.06, lw=0)
        chars = (b - a).days / span_days * width * 0.85 * 72 / 4.2  # 7-pt characters
        text = "\n".join(textwrap.wrap(period.label, max(int(chars), 8), break_long_words=False))
        middle = a + (b - a) / 2
        # A label wider than its era near the right edge is set flush with the edge.
        ha = "center"
        if chars < max(len(line) for line in text.split("\n")) and (end - b).days < 0.1 * span_days:
            middle, ha = b, "right"
        strip.text(middle, 0.45, text, ha=ha, va="center", fontsize=7, color="0.2", linespacing=1.0)


def write_story_plot(
    result: RunResult,
    folder: Path,
    observed: pd.DataFrame | None = None,
    fmt: str = "png",
    dpi: int = 150,
) -> list[Path]:
    """Write ``plots/story.<fmt>`` and ``plots/story.csv`` when the scenario has a story.

    Parameters
    ----------
    result : RunResult
        The run.
    folder : Path
        The results folder.
    observed : DataFrame, optional
        :func:`~sim.analysis.observed.beside`'s table, for the observed points.
    fmt : str
        Figure format.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    list of Path
        The figure and its CSV, or nothing when the scenario has no story.
    """
    if result.scenario.analysis.story is None:
        return []
    out = Path(folder) / "plots"
    out.mkdir(parents=True, exist_ok=True)
    story_data(result, observed).to_csv(out / "story.csv", index=False)
    path = save_figure(story_figure(result, observed), out / f"story.{fmt}", fmt, dpi)
    return [path, out / "story.csv"]
