"""Figures of the regional balance, dispute risk, tension and provocations over time.

Every drawing function takes a :class:`~sim.results.RunResult` and ``ax=None`` (single
panels) or ``fig=None`` (multi-panel figures) and returns the Axes or the Figure; each
figure has a ``*_data`` function returning the tidy frame it draws.  Lines are medians
over the run's replications and the shades are *seed* bands (50 % and 90 % of the
replications).  Scheduled events and fired reactions are marked on the time axis.
``docs/plots.md`` shows each figure and how to read it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D

from ..analysis.bands import seed_bands
from ..results import RunResult
from .style import (
    BAND_NOTE,
    ActorStyle,
    actor_styles,
    band_legend_handles,
    check_result,
    date_axis,
    draw_band,
    dyad_label,
    legend_outside,
    min_span,
    new_axes,
    new_figure,
    other_colours,
    plot_style,
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


def mark_events(
    ax: Axes, marks: pd.DataFrame, styles: dict[str, ActorStyle], max_entries: int = 10
) -> list:
    """Scheduled events: dashed vertical lines numbered above the axes, named in the legend.

    Fired reactions: triangles on the time axis in the reacting actor's colour.

    Parameters
    ----------
    ax : Axes
        Axes with a date x axis to mark.
    marks : pandas.DataFrame
        :func:`event_marks`, with its ``source`` column.
    styles : dict of str to ActorStyle
        The actors' colours (:func:`~sim.plots.style.actor_styles`).
    max_entries : int
        Most scheduled-event dates named in the legend.

    Returns
    -------
    list
        Legend handles: the first ``max_entries`` event dates, then one entry per
        reacting actor.
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
            handles += mark_events(
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
