"""Figures of a run: balance, risk and tension, actors, trade, sanctions; writing them all.

Every drawing function takes a :class:`~sim.results.RunResult` and ``ax=None``
(single panels) or ``fig=None`` (multi-panel figures), draws on a
:class:`matplotlib.figure.Figure` it creates when none is given, and returns the
Axes or the Figure.  Each figure has a ``*_data`` function returning the tidy frame
it draws, which :func:`write_run_plots` saves beside the image as CSV.  Lines are
medians over the run's replications and the shades are *seed* bands: 50 % (25th-75th
percentile) and 90 % (5th-95th) of the replications, the spread of the random draws
with the parameters fixed.  ``docs/plots.md`` shows each figure and how to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis.bands import seed_bands
from ..results import RunResult
from .formats import FORMATS, METADATA
from .relations import heatmap_data, heatmap_figure, network_data, network_figure, network_gif
from .style import (
    BAND_NOTE,
    ActorStyle,
    actor_styles,
    band_legend_handles,
    check_result,
    date_axis,
    draw_band,
    dyad_label,
    legend_below,
    legend_outside,
    min_span,
    new_axes,
    new_figure,
    other_colours,
    plot_style,
    save_figure,
    short_label,
    to_dates,
)

# --------------------------------------------------------------------------- balance


def event_marks(result: RunResult) -> pd.DataFrame:
    """Scheduled events and fired reactions to mark on time plots.

    One row per (date, source, label): ``share`` is the share of replications in
    which it happened (1 for scheduled events).

    Parameters
    ----------
    result : RunResult
        The run to tabulate.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``date``, ``source`` (``scheduled`` or ``reaction``),
        ``label`` (short text for the legend), ``actor`` (the event's or reacting
        actor, empty when none) and ``share``; empty, with these columns, when the
        run logged no such event.
    """
    ev = result.events
    cols = ["step", "date", "source", "label", "actor", "share"]
    if ev is None or ev.empty:
        return pd.DataFrame(columns=cols)
    ev = ev[ev["source"].isin(["scheduled", "reaction"])].copy()
    if ev.empty:
        return pd.DataFrame(columns=cols)
    n = max(1, result.measures["replication"].nunique())

    def label(row) -> str:
        kind = str(row["kind"])
        actor = row["actor"] if isinstance(row["actor"], str) else ""
        partner = row["partner"] if isinstance(row["partner"], str) else ""
        who = dyad_label(actor, partner) if actor and partner else actor
        note = row["note"] if isinstance(row["note"], str) else ""
        if kind in ("change", "reaction") or not who:
            text = f"{kind}: {short_label(note, 22)}" if note else kind
            return f"{who} {text}".strip() if kind == "reaction" else text
        return f"{kind} {who}"

    ev["label"] = ev.apply(label, axis=1)
    ev["actor"] = ev["actor"].astype(object).where(ev["actor"].notna(), "")
    marks = (
        ev.groupby(["step", "date", "source", "label", "actor"], sort=True)["replication"]
        .nunique()
        .div(n)
        .rename("share")
        .reset_index()
    )
    return marks[cols]


def _mark_events(
    ax: Axes, marks: pd.DataFrame, styles: dict[str, ActorStyle], max_entries: int = 10
) -> list:
    """Scheduled events: dashed vertical lines numbered above the axes, named in the legend.

    Fired reactions: triangles on the time axis in the reacting actor's colour.
    Returns the legend handles: the first ``max_entries`` event dates, then one entry
    per reacting actor.
    """
    handles: list = []
    sched = marks[marks["source"] == "scheduled"]
    dash = (0, (4, 3))
    for k, (date, group) in enumerate(sched.groupby("date", sort=True), start=1):
        x = to_dates([date])[0]
        ax.axvline(x, color="0.35", linewidth=0.8, linestyle=dash, zorder=1, gid="event-scheduled")
        ax.annotate(
            str(k),
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            fontweight="bold",
            color="0.2",
            gid="event-label",
        )
        if k <= max_entries:
            text = "; ".join(dict.fromkeys(group["label"])).replace("_", " ")
            handles.append(
                Line2D(
                    [],
                    [],
                    color="0.35",
                    linewidth=0.8,
                    linestyle=dash,
                    label=f"{k}: {date} {short_label(text, 44)}",
                )
            )
        elif k == max_entries + 1:
            handles.append(Line2D([], [], linestyle="", label="… (more in the CSV)"))
    react = marks[marks["source"] == "reaction"]
    for actor, group in react.groupby("actor", sort=True):
        colour = styles[actor].colour if actor in styles else "0.2"
        ax.scatter(
            to_dates(group["date"]),
            np.full(len(group), 0.0),
            marker="^",
            s=36,
            color=colour,
            edgecolor="white",
            linewidth=0.5,
            zorder=5,
            clip_on=False,
            transform=ax.get_xaxis_transform(),
            gid="event-reaction",
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="^",
                linestyle="",
                color=colour,
                label=f"reaction fired ({actor or 'any'})",
            )
        )
    return handles


def balance_data(result: RunResult) -> pd.DataFrame:
    """Seed bands of balance, balance_core and balance_swing, then the event marks.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.

    Returns
    -------
    pandas.DataFrame
        First one row per (``series``, step, date) for the three balance series
        (dimensionless, -1 pole a ... +1 pole b) with ``p05``, ``p25``, ``median``,
        ``p75``, ``p95`` (percentiles over replications) and ``n``; then the rows of
        :func:`event_marks`, their ``series`` ``event:scheduled`` or ``event:reaction``.
    """
    m = check_result(result).measures
    long = m.melt(
        id_vars=["replication", "step", "date"],
        value_vars=["balance", "balance_core", "balance_swing"],
        var_name="series",
    )
    bands = seed_bands(long, "value", by=["series"])
    marks = event_marks(result).rename(columns={"source": "series"})
    marks["series"] = "event:" + marks["series"].astype(str)
    return pd.concat([bands, marks], ignore_index=True)


def balance(result: RunResult, ax: Axes | None = None, events: bool = True) -> Axes:
    """Balance over time: median with 50 % and 90 % seed bands, events marked.

    Balance is in [-1, 1]: -1 all regional power aligned with pole a, +1 with pole b.
    Scheduled events are dashed vertical lines with short labels; reactions that fired
    are triangles on the time axis in the reacting actor's colour.  The y range is
    fitted to the 90 % band (within [-1, 1]), so read the tick values.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    events : bool
        Mark the scheduled events and fired reactions (and name them in the legend).

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    check_result(result)
    with plot_style():
        ax = new_axes(ax)
        data = balance_data(result)
        blocs = result.scenario.analysis.blocs
        bands = data[data["series"] == "balance"]
        draw_band(ax, bands, "0.15", "balance (median)")
        ax.axhline(0.0, color="0.5", linewidth=0.7, zorder=0)
        handles, _ = ax.get_legend_handles_labels()
        handles += band_legend_handles("0.15")
        if events:
            handles += _mark_events(
                ax,
                data[data["series"].str.startswith("event:")].assign(
                    source=lambda d: d["series"].str[6:]
                ),
                actor_styles(result),
            )
        a, b = "+".join(blocs.a), "+".join(blocs.b)
        ax.set_ylabel(f"balance (1)\n← {a}  ·  {b} →")
        ax.set_title(
            f"{result.scenario.name}: regional balance of power"
            + (" (numbers: scheduled events)" if events else ""),
            pad=14,
        )
        date_axis(ax)
        lo, hi = bands["p05"].min(), bands["p95"].max()
        pad = max(0.02, 0.15 * (hi - lo))
        ax.set_ylim(max(-1.0, lo - pad), min(1.0, hi + pad))
        legend_outside(ax, handles)
    return ax


def balance_split(result: RunResult, ax: Axes | None = None) -> Axes:
    """Balance counted over the poles' members (core) and over the rest (swing).

    Both in [-1, 1] on the full scale, median with 50 % and 90 % seed bands.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    check_result(result)
    with plot_style():
        ax = new_axes(ax)
        data = balance_data(result)
        colours = other_colours(["balance_core", "balance_swing"])
        names = {"balance_core": "core: pole members", "balance_swing": "swing: all others"}
        for series, name in names.items():
            draw_band(ax, data[data["series"] == series], colours[series], name)
        ax.axhline(0.0, color="0.5", linewidth=0.7, zorder=0)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("balance (1)")
        ax.set_title("core / swing split")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        legend_outside(ax, handles + band_legend_handles())
    return ax


def balance_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """The balance with its events (top) and its core/swing split (bottom).

    :func:`balance` above :func:`balance_split` on a shared time axis.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    fig : Figure, optional
        Figure to draw on (its panels are added); a new Figure is made when None.

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    with plot_style():
        fig = new_figure(fig, (8.5, 6.0))
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1.2])
        balance(result, ax=top)
        balance_split(result, ax=bottom)
        top.tick_params(labelbottom=False)
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.set(h_pad=0.08)
        bottom.set_xlabel(f"date ({BAND_NOTE})")
    return fig


# --------------------------------------------------------------------------- risk


def risk_data(result: RunResult) -> pd.DataFrame:
    """Seed bands of tension, P(any dispute), each key dyad's risk, and provocations.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.

    Returns
    -------
    pandas.DataFrame
        One row per (``series``, step, date), ``series`` being ``tension`` (index,
        0-1), ``conflict_risk_any`` and ``conflict_risk.A.B`` per key dyad
        (probability per year) and ``provocations`` (count per step), with ``p05``,
        ``p25``, ``median``, ``p75``, ``p95`` (percentiles over replications), ``n``
        and ``mean`` (mean over replications).
    """
    m = check_result(result).measures
    dyads = [c for c in m.columns if c.startswith("conflict_risk.")]
    cols = ["tension", "conflict_risk_any", *dyads, "provocations"]
    long = m.melt(id_vars=["replication", "step", "date"], value_vars=cols, var_name="series")
    out = seed_bands(long, "value", by=["series"])
    means = long.groupby(["series", "step", "date"])["value"].mean().rename("mean")
    return out.merge(means.reset_index(), on=["series", "step", "date"])


def tension(result: RunResult, ax: Axes | None = None) -> Axes:
    """Tension (power- and proximity-weighted mean hostility, 0-1) with seed bands.

    Median with the 50 % and 90 % seed bands; the y range is at least 0.05 wide so
    that a flat series looks flat.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax)
        data = risk_data(result)
        bands = data[data["series"] == "tension"]
        draw_band(ax, bands, "0.15", "tension (median)")
        min_span(ax, bands, 0.05)
        ax.set_ylabel("tension (index, 0–1)")
        ax.set_title("tension")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        legend_outside(ax, handles + band_legend_handles("0.15"))
    return ax


def conflict_risk(result: RunResult, ax: Axes | None = None) -> Axes:
    """Yearly probability of a militarised dispute for each key dyad and for any of them.

    Median with the 50 % and 90 % seed bands per key dyad (the scenario's
    ``analysis.key_dyads``) and, dashed, for any of them; the legend is in the order
    of the lines at the end.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax)
        data = risk_data(result)
        series = [c for c in result.measures.columns if c.startswith("conflict_risk.")]
        colours = other_colours(series)
        last = data[data["step"] == data["step"].max()].set_index("series")["median"]
        series.sort(key=lambda c: -last.get(c, 0.0))  # legend in the order of the lines
        draw_band(
            ax, data[data["series"] == "conflict_risk_any"], "0.15", "any key dyad", linestyle="--"
        )
        for s in series:
            a, b = s.split(".")[1:3]
            draw_band(ax, data[data["series"] == s], colours[s], dyad_label(a, b))
        ax.set_ylabel("conflict risk\n(probability per year)")
        ax.set_ylim(bottom=0)
        ax.set_title("militarised-dispute risk, key dyads")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        legend_outside(ax, handles + band_legend_handles())
    return ax


def provocations(result: RunResult, ax: Axes | None = None) -> Axes:
    """Provocation events: mean count per step over replications as a yearly rate, as bars.

    Each bar starts at its step and spans 70 % of it; the height is events per year
    (the mean count over replications divided by the step length in years).

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax)
        data = risk_data(result)
        p = data[data["series"] == "provocations"]
        x = to_dates(p["date"])
        dt = result.scenario.dt
        ax.bar(
            x,
            p["mean"] / dt,
            width=0.7 * 365.25 * dt,
            align="edge",
            color="0.45",
            label="mean over replications",
        )
        ax.set_ylabel("provocations\n(events per year)")
        ax.set_title("provocations")
        date_axis(ax)
        legend_outside(ax)
    return ax


def risk_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """Tension, conflict risk of the key dyads and provocations on a shared time axis.

    :func:`tension`, :func:`conflict_risk` and :func:`provocations`, top to bottom.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    fig : Figure, optional
        Figure to draw on (its panels are added); a new Figure is made when None.

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    with plot_style():
        fig = new_figure(fig, (8.5, 7.0))
        axes = fig.subplots(3, 1, sharex=True, height_ratios=[1, 1.6, 0.7])
        tension(result, ax=axes[0])
        conflict_risk(result, ax=axes[1])
        provocations(result, ax=axes[2])
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        axes[-1].set_xlabel(f"date ({BAND_NOTE})")
        fig.suptitle(f"{result.scenario.name}: tension and conflict risk")
    return fig


# --------------------------------------------------------------------------- actors

#: (measure, title, unit, scale) of the per-actor small multiples.
ACTOR_PANELS = (
    ("capability", "military capability", "USD bn", 1.0),
    ("defence_share", "defence burden", "% of GDP", 100.0),
    ("gdp", "GDP", "USD bn", 1.0),
)


def actors_data(result: RunResult, measures: Sequence[tuple] = ACTOR_PANELS) -> pd.DataFrame:
    """Seed bands per actor of capability, defence burden (% of GDP) and GDP, in plot units.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.
    measures : sequence of tuple
        ``(measure, title, unit, scale)`` per panel row, as :data:`ACTOR_PANELS`:
        a column of the actors table, the panel title, its unit and the factor that
        turns the column into that unit.

    Returns
    -------
    pandas.DataFrame
        One row per (``actor``, step, date) and measure, with ``p05``, ``p25``,
        ``median``, ``p75``, ``p95`` (percentiles over replications, scaled), ``n``,
        ``measure`` and ``unit``.
    """
    a = check_result(result).actors
    parts = []
    for name, _title, unit, scale in measures:
        b = seed_bands(a.assign(value=a[name] * scale), "value", by=["actor"])
        parts.append(b.assign(measure=name, unit=unit))
    return pd.concat(parts, ignore_index=True)


def actors_figure(
    result: RunResult, fig: Figure | None = None, measures: Sequence[tuple] = ACTOR_PANELS
) -> Figure:
    """Small multiples: one row per measure, one column per actor, shared time axis.

    Each panel is the actor's median with its 50 % and 90 % seed bands, in the
    actor's colour; every panel has its own y scale, so compare shapes and tick
    values, not heights, across actors.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    fig : Figure, optional
        Figure to draw on (its panels are added); a new Figure is made when None.
    measures : sequence of tuple
        ``(measure, title, unit, scale)`` per row, as :data:`ACTOR_PANELS`
        (capability in USD bn, defence burden in % of GDP, GDP in USD bn).

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    check_result(result)
    codes = list(result.scenario.codes)
    styles = actor_styles(result)
    with plot_style():
        fig = new_figure(fig, (max(7.0, 1.9 * len(codes) + 1.0), 2.0 * len(measures) + 0.9))
        axes = fig.subplots(len(measures), len(codes), sharex=True, squeeze=False)
        data = actors_data(result, measures)
        for row, (name, title, unit, _scale) in enumerate(measures):
            for col, code in enumerate(codes):
                ax = axes[row, col]
                sub = data[(data["measure"] == name) & (data["actor"] == code)]
                draw_band(ax, sub, styles[code].colour, None, styles[code].linestyle, linewidth=1.5)
                ax.margins(x=0.02)
                if row == 0:
                    ax.set_title(code, color=styles[code].colour, fontweight="bold")
                if col == 0:
                    ax.set_ylabel(f"{title}\n({unit})")
                ax.tick_params(axis="y", labelsize=7, pad=1)
                date_axis(ax)
                if row < len(measures) - 1:
                    ax.tick_params(labelbottom=False)
                else:
                    ax.tick_params(axis="x", labelsize=7, labelrotation=0)
        fig.suptitle(
            f"{result.scenario.name}: capability, defence burden and GDP per actor "
            "(own y scale per panel)"
        )
        fig.supxlabel(f"date ({BAND_NOTE})", fontsize=8)
    return fig


# --------------------------------------------------------------------------- trade


def trade_flows(result: RunResult, top: int = 4) -> list[tuple[str, str]]:
    """The main directed trade flows to show: the bargain's, then the largest.

    First the flows carrying the bargain (category ``bargain_munitions``, in order
    of appearance), then the ``top`` largest other flows touching a sanctions target
    (or the largest flows if there is no regime), by mean recorded plus unrecorded
    trade.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.
    top : int
        How many flows to add after the bargain's.

    Returns
    -------
    list of tuple of str
        ``(from, to)`` actor codes; empty when the run recorded no trade.
    """
    t = check_result(result).trade
    if t is None or t.empty:
        return []
    total = (
        t.assign(v=t["recorded"] + t["unrecorded"])
        .groupby(["from", "to"])["v"]
        .mean()
        .sort_values(ascending=False, kind="stable")
    )
    bargain = t[(t["category"] == "bargain_munitions") & ((t["recorded"] + t["unrecorded"]) > 0)]
    chosen = list(dict.fromkeys(zip(bargain["from"], bargain["to"], strict=True)))
    targets = {r.target for r in result.scenario.sanctions.regimes}
    extra = [
        (f, to)
        for f, to in total.index
        if (f, to) not in chosen and (not targets or f in targets or to in targets)
    ]
    return chosen + extra[:top]
    return chosen


def trade_data(result: RunResult, top: int = 4) -> pd.DataFrame:
    """Mean over replications of recorded and unrecorded trade per category, main flows.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.
    top : int
        How many flows :func:`trade_flows` adds after the bargain's.

    Returns
    -------
    pandas.DataFrame
        Columns ``from``, ``to``, ``category``, ``step``, ``date``, ``recorded`` and
        ``unrecorded`` (USD bn per year, means over replications), flows in the
        order of :func:`trade_flows`; empty, with these columns, when there is no
        trade.
    """
    t = check_result(result).trade
    flows = trade_flows(result, top)
    if not flows:
        return pd.DataFrame(
            columns=["from", "to", "category", "step", "date", "recorded", "unrecorded"]
        )
    keep = pd.MultiIndex.from_tuples(flows, names=["from", "to"])
    t = t.set_index(["from", "to"]).loc[lambda d: d.index.isin(keep)].reset_index()
    out = (
        t.groupby(["from", "to", "category", "step", "date"], sort=True)[["recorded", "unrecorded"]]
        .mean()
        .reset_index()
    )
    order = {f: k for k, f in enumerate(flows)}
    out["order"] = [order[(f, to)] for f, to in zip(out["from"], out["to"], strict=True)]
    return out.sort_values(["order", "category", "step"]).drop(columns="order")


def trade_figure(result: RunResult, fig: Figure | None = None, top: int = 4) -> Figure:
    """Stacked trade by category for the main flows: recorded solid, unrecorded hatched.

    One panel per flow of :func:`trade_flows` (up to three a row), in USD bn per
    year, means over replications (no bands); the unrecorded (sanctions-busting)
    trade is stacked on top of the recorded.  Every panel has its own y scale.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    fig : Figure, optional
        Figure to draw on (its panels are added); a new Figure is made when None.
    top : int
        How many flows :func:`trade_flows` adds after the bargain's.

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    check_result(result)
    data = trade_data(result, top)
    flows = list(dict.fromkeys(zip(data["from"], data["to"], strict=True)))
    cats = [
        c for c in [*result.scenario.categories, "bargain_munitions"] if c in set(data["category"])
    ]
    colours = other_colours([*result.scenario.categories, "bargain_munitions"])
    ncol = min(3, max(1, len(flows)))
    nrow = max(1, -(-len(flows) // ncol))
    with plot_style():
        fig = new_figure(fig, (3.3 * ncol + 0.4, 2.6 * nrow + 1.0))
        axes = fig.subplots(nrow, ncol, sharex=True, squeeze=False).ravel()
        for ax, (f, to) in zip(axes, flows, strict=False):
            sub = data[(data["from"] == f) & (data["to"] == to)]
            wide_r = sub.pivot(index="date", columns="category", values="recorded")
            wide_u = sub.pivot(index="date", columns="category", values="unrecorded")
            x = to_dates(wide_r.index)
            present = [c for c in cats if c in wide_r.columns]
            ys = [wide_r[c].to_numpy() for c in present] + [wide_u[c].to_numpy() for c in present]
            polys = ax.stackplot(x, *ys, colors=[colours[c] for c in present] * 2, linewidth=0)
            for poly in polys[len(present) :]:
                poly.set_hatch("////")
                poly.set_edgecolor("white")
                poly.set_alpha(0.55)
            ax.set_title(f"{f} → {to}")
            ax.set_ylim(bottom=0)
            date_axis(ax)
        for k, ax in enumerate(axes):
            if k >= len(flows):
                ax.set_visible(False)
            elif k + ncol >= len(flows):  # nothing drawn below: show its dates
                ax.tick_params(labelbottom=True)
        for ax in axes[::ncol]:
            ax.set_ylabel("USD bn per year")
        if not flows:
            axes[0].set_visible(True)
            axes[0].text(
                0.5, 0.5, "no trade in this scenario", ha="center", transform=axes[0].transAxes
            )
        handles = [Patch(facecolor=colours[c], label=c.replace("_", " ")) for c in cats]
        handles += [
            Patch(facecolor="0.8", edgecolor="0.3", label="recorded"),
            Patch(
                facecolor="0.8",
                edgecolor="white",
                hatch="////",
                alpha=0.8,
                label="unrecorded (hatched)",
            ),
        ]
        legend_below(fig, handles, ncol=min(len(handles), 7))
        fig.suptitle(
            f"{result.scenario.name}: main trade flows by category "
            "(mean over replications, own y scale per panel)"
        )
    return fig


# --------------------------------------------------------------------------- sanctions


def sanctions_data(result: RunResult) -> pd.DataFrame:
    """Seed bands of sanctions pressure and leakage per target, in % of potential trade.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.

    Returns
    -------
    pandas.DataFrame
        One row per (``actor``, ``series``, step, date), ``actor`` a sanctions
        target and ``series`` ``sanctions_pressure`` or ``sanctions_leakage``, with
        ``p05``, ``p25``, ``median``, ``p75``, ``p95`` (percentiles over
        replications, in %) and ``n``; empty when the scenario has no regime.
    """
    a = check_result(result).actors
    targets = [r.target for r in result.scenario.sanctions.regimes]
    a = a[a["actor"].isin(targets)]
    long = a.melt(
        id_vars=["replication", "step", "date", "actor"],
        value_vars=["sanctions_pressure", "sanctions_leakage"],
        var_name="series",
    )
    long["value"] = long["value"] * 100.0
    return seed_bands(long, "value", by=["actor", "series"])


def sanctions(result: RunResult, target: str, ax: Axes | None = None) -> Axes:
    """Pressure (trade blocked) against leakage (trade unrecorded) on one sanctioned target.

    Both in % of the target's potential trade (0-100), median with 50 % and 90 % seed
    bands.  No legend is drawn (:func:`sanctions_figure` adds one).

    Parameters
    ----------
    result : RunResult
        The run to draw.
    target : str
        Code of the sanctioned actor.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax, (6.0, 3.6))
        data = sanctions_data(result)
        colours = {"sanctions_pressure": "#332288", "sanctions_leakage": "#CC6677"}
        names = {
            "sanctions_pressure": "pressure: potential trade blocked",
            "sanctions_leakage": "leakage: potential trade unrecorded",
        }
        for s in colours:
            draw_band(
                ax, data[(data["actor"] == target) & (data["series"] == s)], colours[s], names[s]
            )
        ax.set_ylim(0, 100)
        ax.set_ylabel("% of the target's potential trade")
        ax.set_title(f"sanctions on {target}")
        date_axis(ax)
    return ax


def sanctions_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """Sanctions pressure against leakage, one panel per sanctioned target.

    :func:`sanctions` for each target of the scenario's regimes, side by side; a
    note instead when the scenario has no regime.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    fig : Figure, optional
        Figure to draw on (its panels are added); a new Figure is made when None.

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    check_result(result)
    targets = list(dict.fromkeys(r.target for r in result.scenario.sanctions.regimes))
    with plot_style():
        fig = new_figure(fig, (4.2 * max(1, min(3, len(targets))) + 2.4, 3.8))
        axes = fig.subplots(1, max(1, len(targets)), squeeze=False).ravel()
        for ax, target in zip(axes, targets, strict=False):
            sanctions(result, target, ax=ax)
        if not targets:
            axes[0].text(
                0.5,
                0.5,
                "no sanctions regime in this scenario",
                ha="center",
                transform=axes[0].transAxes,
            )
        else:
            handles, _ = axes[-1].get_legend_handles_labels()
            legend_outside(axes[-1], handles + band_legend_handles())
        fig.suptitle(f"{result.scenario.name}: sanctions pressure and leakage")
        fig.supxlabel(f"date ({BAND_NOTE})", fontsize=8)
    return fig


# --------------------------------------------------------------------------- writing

Drawer = Callable[[RunResult], Figure]
#: The run figures: name -> (data function, figure function).  ``geosim plot --only``
#: takes these names.
RUN_FIGURES: dict[str, tuple[Callable[[RunResult], pd.DataFrame], Drawer]] = {
    "balance": (balance_data, balance_figure),
    "risk": (risk_data, risk_figure),
    "actors": (actors_data, actors_figure),
    "trade": (trade_data, trade_figure),
    "sanctions": (sanctions_data, sanctions_figure),
    "network": (network_data, network_figure),
    "heatmap": (heatmap_data, heatmap_figure),
}


def write_run_plots(
    result: RunResult,
    folder: str | Path,
    fmt: str = "png",
    dpi: int = 150,
    only: Iterable[str] | None = None,
    gif: bool = False,
) -> list[Path]:
    """Write the run's figures to ``folder/plots/NAME.FMT``, each with ``NAME.csv``.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    folder : str or Path
        The results folder (the ``plots`` subfolder is created).
    fmt : str
        ``png``, ``svg`` or ``pdf``.
    dpi : int
        Resolution of raster output.
    only : iterable of str, optional
        Names from :data:`RUN_FIGURES` to write (default all).  Figures with no
        data (no sanctions regime, no trade) are skipped.
    gif : bool
        Also write ``network.gif``, the animated relations network (needs Pillow).

    Returns
    -------
    list of Path
        The paths written, each figure followed by its CSV file, then the GIF.

    Raises
    ------
    ValueError
        If ``fmt`` or a name in ``only`` is unknown.
    """
    check_result(result)
    if fmt not in METADATA:
        raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    names = list(RUN_FIGURES) if only is None else list(dict.fromkeys(only))
    unknown = [n for n in names if n not in RUN_FIGURES]
    if unknown:
        raise ValueError(
            f"unknown figure {', '.join(map(repr, unknown))}; choose from {', '.join(RUN_FIGURES)}"
        )
    out = Path(folder) / "plots"
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in names:
        data_fn, draw = RUN_FIGURES[name]
        data = data_fn(result)
        if data.empty:
            continue
        data.to_csv(out / f"{name}.csv", index=False)
        fig = draw(result)
        written.append(save_figure(fig, out / f"{name}.{fmt}", fmt, dpi))
        written.append(out / f"{name}.csv")
    if gif:
        written.append(network_gif(result, out / "network.gif"))
    return written
