"""Figures of a run and of a comparison: matplotlib functions, data in, Axes or Figure out.

Every drawing function takes a :class:`~sim.results.RunResult` (or a
:class:`~sim.compare.Comparison`) and ``ax=None`` (single panels) or ``fig=None``
(multi-panel figures), draws on a :class:`matplotlib.figure.Figure` it creates when
none is given, and returns the Axes or the Figure.  Nothing here calls
``plt.show()``, uses the pyplot state machine or changes ``rcParams`` beyond a
temporary ``rc_context``.  Each figure has a ``*_data`` function returning the tidy
frame it draws, which :func:`write_run_plots` saves beside the image as CSV.

Bands are **seed bands**: quantiles over replications (aleatory spread from the
random draws), 50 % (25-75th percentile) and 90 % (5-95th), around the median.
Actor colours come from :func:`actor_styles` in every figure: the scenario's
``colour:`` else the Okabe-Ito palette in actor order, with a new line style for
each further eight actors.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .results import RunResult
from .scenario import Scenario

if TYPE_CHECKING:
    from .compare import Comparison

#: Okabe & Ito (2008) colour-blind-safe palette, ordered for lines on white (yellow late).
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: Line styles for actors beyond each block of eight.
LINESTYLES = ("-", "--", ":", "-.")
#: Paul Tol's "muted" qualitative palette, for things that are not actors
#: (trade categories, dyads, scenarios), so that they are never mistaken for one.
TOL_MUTED = (
    "#332288",
    "#CC6677",
    "#117733",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#DDCC77",
    "#88CCEE",
)
#: Diverging colormap of relations, centred on 0 (red hostile, blue friendly).
RELATION_CMAP = "RdBu"
#: Percentiles of the seed bands.
QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}
BAND_NOTE = "median; shaded: 50 % and 90 % seed bands (spread over replications)"
#: The figure formats :func:`write_run_plots` writes, with metadata fixed for identical bytes.
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "geosim",
    "svg.fonttype": "path",
    "savefig.facecolor": "white",
}


@contextmanager
def plot_style():
    """Temporary house style (font sizes, grid, fixed SVG salt); restores rcParams on exit."""
    with mpl.rc_context(STYLE):
        yield


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class ActorStyle:
    """How an actor is drawn: a colour and a line style."""

    colour: str
    linestyle: str = "-"

    def line(self) -> dict[str, Any]:
        """Keyword arguments for ``Axes.plot``."""
        return {"color": self.colour, "linestyle": self.linestyle}


def actor_styles(source: Scenario | RunResult | Iterable[str]) -> dict[str, ActorStyle]:
    """Colour and line style of every actor, the same in every figure.

    Parameters
    ----------
    source : a Scenario, a RunResult, or actor codes in order.  The scenario's
        ``colour:`` wins; otherwise Okabe-Ito by the actor's position in the order,
        and from the ninth actor on the palette repeats with a new line style.

    Returns
    -------
    dict mapping actor code to :class:`ActorStyle`, in actor order.
    """
    if isinstance(source, RunResult):
        source = source.scenario
    given: dict[str, str | None] = {}
    if isinstance(source, Scenario):
        codes = list(source.codes)
        given = {c: source.actors[c].colour for c in codes}
    else:
        codes = list(dict.fromkeys(source))
    out = {}
    for k, code in enumerate(codes):
        colour = given.get(code) or OKABE_ITO[k % len(OKABE_ITO)]
        out[code] = ActorStyle(colour, LINESTYLES[(k // len(OKABE_ITO)) % len(LINESTYLES)])
    return out


def other_colours(names: Sequence[str]) -> dict[str, str]:
    """Colours for non-actor series (categories, dyads, scenarios), by order."""
    return {n: TOL_MUTED[k % len(TOL_MUTED)] for k, n in enumerate(names)}


# --------------------------------------------------------------------------- helpers


def to_dates(values: Iterable[str]) -> pd.DatetimeIndex:
    """Dates from ``'YYYY-MM'`` strings (first of the month)."""
    return pd.DatetimeIndex(pd.to_datetime([f"{v}-01" for v in values], format="%Y-%m-%d"))


def seed_bands(frame: pd.DataFrame, value: str, by: Sequence[str] = ()) -> pd.DataFrame:
    """Median and 50 %/90 % seed bands of ``value`` over replications, per step.

    Returns one row per (``by``..., step, date) with columns p05, p25, median, p75,
    p95 and n (the number of replications with a finite value).
    """
    keys = [*by, "step", "date"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *QUANTILES, "n"])
    grouped = frame.groupby(keys, sort=True, observed=True)[value]
    out = grouped.quantile(list(QUANTILES.values())).unstack()
    out.columns = list(QUANTILES)
    out["n"] = grouped.count()
    return out.reset_index()


def _new_axes(ax: Axes | None, size: tuple[float, float] = (7.5, 4.0)) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def _new_figure(fig: Figure | None, size: tuple[float, float]) -> Figure:
    return fig if fig is not None else Figure(figsize=size, layout="constrained")


def date_axis(ax: Axes) -> None:
    """Readable real dates on the x axis (concise year / month labels)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def draw_band(
    ax: Axes,
    bands: pd.DataFrame,
    colour: str,
    label: str | None,
    linestyle: str = "-",
    scale: float = 1.0,
    shade: bool = True,
    linewidth: float = 1.8,
) -> Line2D:
    """Median line with the 90 % and 50 % seed bands (two filled collections)."""
    x = to_dates(bands["date"])
    if shade:
        ax.fill_between(
            x, bands["p05"] * scale, bands["p95"] * scale, color=colour, alpha=0.13, linewidth=0
        )
        ax.fill_between(
            x, bands["p25"] * scale, bands["p75"] * scale, color=colour, alpha=0.30, linewidth=0
        )
    (line,) = ax.plot(
        x,
        bands["median"] * scale,
        color=colour,
        linestyle=linestyle,
        linewidth=linewidth,
        label=label,
    )
    return line


def band_legend_handles(colour: str = "0.4") -> list[Patch]:
    """Legend patches naming the two seed bands."""
    return [
        Patch(facecolor=colour, alpha=0.30, label="50 % seed band"),
        Patch(facecolor=colour, alpha=0.13, label="90 % seed band"),
    ]


def _legend_outside(ax: Axes, handles: list | None = None, ncol: int = 1, **kw) -> None:
    """A legend right of the axes, where it can cover no data."""
    if handles is None:
        handles, _ = ax.get_legend_handles_labels()
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        ncol=ncol,
        borderaxespad=0.0,
        **kw,
    )


def _legend_below(target: Figure | Axes, handles: list, ncol: int) -> None:
    """A legend under a figure or axes, in its own row."""
    if isinstance(target, Figure):
        target.legend(handles=handles, loc="outside lower center", ncol=ncol)
    else:
        target.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol)


def _min_span(ax: Axes, bands: pd.DataFrame, span: float, scale: float = 1.0) -> None:
    """Widen the y range to at least ``span`` so that a flat series looks flat."""
    lo, hi = bands["p05"].min() * scale, bands["p95"].max() * scale
    if hi - lo < span:
        mid = 0.5 * (lo + hi)
        ax.set_ylim(mid - span / 2, mid + span / 2)


def _check(result: RunResult) -> RunResult:
    if not isinstance(result, RunResult):
        raise TypeError(f"expected a RunResult, got {type(result).__name__}")
    return result


def _short(text: str, width: int = 26) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def dyad_label(a: str, b: str) -> str:
    return f"{a}–{b}"


# --------------------------------------------------------------------------- balance


def event_marks(result: RunResult) -> pd.DataFrame:
    """Scheduled events and fired reactions to mark on time plots.

    One row per (date, source, label): ``share`` is the share of replications in
    which it happened (1 for scheduled events).
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
            text = f"{kind}: {_short(note, 22)}" if note else kind
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
    Fired reactions: triangles on the time axis in the reacting actor's colour."""
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
                    label=f"{k}: {date} {_short(text, 44)}",
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
    """Seed bands of balance, balance_core and balance_swing, then the event marks."""
    m = _check(result).measures
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
    are triangles on the time axis in the reacting actor's colour.
    """
    _check(result)
    with plot_style():
        ax = _new_axes(ax)
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
        _legend_outside(ax, handles)
    return ax


def balance_split(result: RunResult, ax: Axes | None = None) -> Axes:
    """Balance counted over the poles' members (core) and over the rest (swing)."""
    _check(result)
    with plot_style():
        ax = _new_axes(ax)
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
        _legend_outside(ax, handles + band_legend_handles())
    return ax


def balance_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """The balance with its events (top) and its core/swing split (bottom)."""
    with plot_style():
        fig = _new_figure(fig, (8.5, 6.0))
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1.2])
        balance(result, ax=top)
        balance_split(result, ax=bottom)
        top.tick_params(labelbottom=False)
        fig.get_layout_engine().set(h_pad=0.08)
        bottom.set_xlabel(f"date ({BAND_NOTE})")
    return fig


# --------------------------------------------------------------------------- risk


def risk_data(result: RunResult) -> pd.DataFrame:
    """Seed bands of tension, P(any dispute), each key dyad's risk, and provocations."""
    m = _check(result).measures
    dyads = [c for c in m.columns if c.startswith("conflict_risk.")]
    cols = ["tension", "conflict_risk_any", *dyads, "provocations"]
    long = m.melt(id_vars=["replication", "step", "date"], value_vars=cols, var_name="series")
    out = seed_bands(long, "value", by=["series"])
    means = long.groupby(["series", "step", "date"])["value"].mean().rename("mean")
    return out.merge(means.reset_index(), on=["series", "step", "date"])


def tension(result: RunResult, ax: Axes | None = None) -> Axes:
    """Tension (power- and proximity-weighted mean hostility, 0-1) with seed bands."""
    with plot_style():
        ax = _new_axes(ax)
        data = risk_data(result)
        bands = data[data["series"] == "tension"]
        draw_band(ax, bands, "0.15", "tension (median)")
        _min_span(ax, bands, 0.05)
        ax.set_ylabel("tension (index, 0–1)")
        ax.set_title("tension")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        _legend_outside(ax, handles + band_legend_handles("0.15"))
    return ax


def conflict_risk(result: RunResult, ax: Axes | None = None) -> Axes:
    """Yearly probability of a militarised dispute for each key dyad and for any of them."""
    with plot_style():
        ax = _new_axes(ax)
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
        _legend_outside(ax, handles + band_legend_handles())
    return ax


def provocations(result: RunResult, ax: Axes | None = None) -> Axes:
    """Provocation events: mean count per step over replications as a yearly rate, as bars
    (each bar spans its step)."""
    with plot_style():
        ax = _new_axes(ax)
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
        _legend_outside(ax)
    return ax


def risk_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """Tension, conflict risk of the key dyads and provocations on a shared time axis."""
    with plot_style():
        fig = _new_figure(fig, (8.5, 7.0))
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
    """Seed bands per actor of capability, defence burden (% of GDP) and GDP, in plot units."""
    a = _check(result).actors
    parts = []
    for name, _title, unit, scale in measures:
        b = seed_bands(a.assign(value=a[name] * scale), "value", by=["actor"])
        parts.append(b.assign(measure=name, unit=unit))
    return pd.concat(parts, ignore_index=True)


def actors_figure(
    result: RunResult, fig: Figure | None = None, measures: Sequence[tuple] = ACTOR_PANELS
) -> Figure:
    """Small multiples: one row per measure, one column per actor, shared time axis."""
    _check(result)
    codes = list(result.scenario.codes)
    styles = actor_styles(result)
    with plot_style():
        fig = _new_figure(fig, (max(7.0, 1.9 * len(codes) + 1.0), 2.0 * len(measures) + 0.9))
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
    """The main directed trade flows to show: flows carrying the bargain, then the
    largest flows touching a sanctions target (or the largest flows if there is none)."""
    t = _check(result).trade
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
    """Mean over replications of recorded and unrecorded trade per category, main flows."""
    t = _check(result).trade
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
    """Stacked trade by category for the main flows: recorded solid, unrecorded hatched."""
    _check(result)
    data = trade_data(result, top)
    flows = list(dict.fromkeys(zip(data["from"], data["to"], strict=True)))
    cats = [
        c for c in [*result.scenario.categories, "bargain_munitions"] if c in set(data["category"])
    ]
    colours = other_colours([*result.scenario.categories, "bargain_munitions"])
    ncol = min(3, max(1, len(flows)))
    nrow = max(1, -(-len(flows) // ncol))
    with plot_style():
        fig = _new_figure(fig, (3.3 * ncol + 0.4, 2.6 * nrow + 1.0))
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
        _legend_below(fig, handles, ncol=min(len(handles), 7))
        fig.suptitle(
            f"{result.scenario.name}: main trade flows by category "
            "(mean over replications, own y scale per panel)"
        )
    return fig


# --------------------------------------------------------------------------- sanctions


def sanctions_data(result: RunResult) -> pd.DataFrame:
    """Seed bands of sanctions pressure and leakage per target, in % of potential trade."""
    a = _check(result).actors
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
    """Pressure (trade blocked) against leakage (trade unrecorded) on one sanctioned target."""
    with plot_style():
        ax = _new_axes(ax, (6.0, 3.6))
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
    """Sanctions pressure against leakage, one panel per sanctioned target."""
    _check(result)
    targets = list(dict.fromkeys(r.target for r in result.scenario.sanctions.regimes))
    with plot_style():
        fig = _new_figure(fig, (4.2 * max(1, min(3, len(targets))) + 2.4, 3.8))
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
            _legend_outside(axes[-1], handles + band_legend_handles())
        fig.suptitle(f"{result.scenario.name}: sanctions pressure and leakage")
        fig.supxlabel(f"date ({BAND_NOTE})", fontsize=8)
    return fig


# --------------------------------------------------------------------------- network


def network_layout(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Fixed circular layout: pole a on the left arc, pole b on the right, others between.

    Depends only on the scenario, so every date and every frame uses the same places.
    """
    blocs = scenario.analysis.blocs
    codes = list(scenario.codes)
    a = [c for c in codes if c in blocs.a]
    b = [c for c in codes if c in blocs.b]
    rest = [c for c in codes if c not in a and c not in b]
    half = len(rest) // 2
    order = [*rest[:half], *a, *rest[half:], *b]
    n = len(order)
    out = {}
    for k, code in enumerate(order):
        angle = np.pi / 2 + 2 * np.pi * (k + 0.5) / n
        out[code] = (float(np.cos(angle)), float(np.sin(angle)))
    return out


def _pick_steps(result: RunResult, steps: Sequence[int] | None) -> list[int]:
    all_steps = sorted(result.measures["step"].unique())
    if steps is None:
        first, last = all_steps[0], all_steps[-1]
        return list(dict.fromkeys([first, all_steps[len(all_steps) // 2], last]))
    return [int(s) for s in steps]


def network_data(result: RunResult, steps: Sequence[int] | None = None) -> pd.DataFrame:
    """Nodes (median regional power) and undirected edges (median mean relation, max
    alliance) at the chosen steps (default start, middle, end)."""
    _check(result)
    steps = _pick_steps(result, steps)
    layout = network_layout(result.scenario)
    a = result.actors[result.actors["step"].isin(steps)]
    nodes = a.groupby(["step", "date", "actor"])["regional_power"].median().reset_index()
    nodes["kind"] = "node"
    nodes["x"] = nodes["actor"].map(lambda c: layout[c][0])
    nodes["y"] = nodes["actor"].map(lambda c: layout[c][1])
    d = result.dyads[result.dyads["step"].isin(steps)]
    med = d.groupby(["step", "date", "actor", "partner"])[["relation", "alliance"]].median()
    rows = []
    codes = list(result.scenario.codes)
    for (step, date), g in med.groupby(level=["step", "date"]):
        g = g.droplevel(["step", "date"])
        for i, ci in enumerate(codes):
            for cj in codes[i + 1 :]:
                rij = g["relation"].get((ci, cj), np.nan)
                rji = g["relation"].get((cj, ci), np.nan)
                aij = g["alliance"].get((ci, cj), 0.0)
                aji = g["alliance"].get((cj, ci), 0.0)
                rows.append(
                    {
                        "step": step,
                        "date": date,
                        "kind": "edge",
                        "actor": ci,
                        "partner": cj,
                        "relation": float(np.nanmean([rij, rji])),
                        "relation_ab": rij,
                        "relation_ba": rji,
                        "alliance": float(max(aij, aji)),
                    }
                )
    edges = pd.DataFrame(rows)
    return pd.concat([nodes, edges], ignore_index=True)


def _node_area(power: np.ndarray, top: float) -> np.ndarray:
    """Marker area (pt²) proportional to regional power, with a floor to stay visible."""
    return np.maximum(40.0, 2200.0 * np.asarray(power, dtype=float) / max(top, 1e-12))


def network(
    result: RunResult,
    step: int | None = None,
    ax: Axes | None = None,
    data: pd.DataFrame | None = None,
    colorbar: bool = True,
) -> Axes:
    """Relations network at one step (default the last).

    One node per actor in its colour, area proportional to its regional power (median
    over replications, with a small floor); one edge per pair, coloured by the mean
    of the two directed relations on a diverging scale centred on 0, width by the
    stronger alliance commitment.  The layout is fixed by the scenario.
    """
    _check(result)
    with plot_style():
        ax = _new_axes(ax, (5.0, 4.6))
        if step is None:
            step = int(result.measures["step"].max())
        if data is None:
            data = network_data(result, [step])
        layout = network_layout(result.scenario)
        styles = actor_styles(result)
        top = data.loc[data["kind"] == "node", "regional_power"].max()
        here = data[data["step"] == step]
        edges = here[here["kind"] == "edge"].assign(strength=lambda d: d["relation"].abs())
        edges = edges.sort_values(["strength", "actor", "partner"], kind="stable")
        norm = Normalize(-1.0, 1.0)
        cmap = mpl.colormaps[RELATION_CMAP]
        segments = [
            [layout[a], layout[b]] for a, b in zip(edges["actor"], edges["partner"], strict=True)
        ]
        lc = LineCollection(
            segments,
            colors=cmap(norm(edges["relation"].to_numpy())),
            linewidths=0.8 + 6.0 * edges["alliance"].to_numpy(),
            zorder=1,
            capstyle="round",
            gid="relations",
        )
        lc.set_array(edges["relation"].to_numpy())
        lc.set_cmap(cmap)
        lc.set_norm(norm)
        ax.add_collection(lc)
        nodes = here[here["kind"] == "node"].set_index("actor").reindex(result.scenario.codes)
        xy = np.array([layout[c] for c in nodes.index])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=_node_area(nodes["regional_power"], top),
            c=[styles[c].colour for c in nodes.index],
            edgecolors="white",
            linewidths=1.0,
            zorder=3,
            gid="actors",
        )
        areas = _node_area(nodes["regional_power"], top)
        for (x, y), code, area in zip(xy, nodes.index, areas, strict=True):
            away = np.sqrt(area) / 2 + 8  # radius of the marker plus a gap, in points
            ax.annotate(
                code,
                (x, y),
                xytext=(x * away, y * away),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8,
                fontweight="bold",
                zorder=4,
            )
        ax.set_xlim(-1.45, 1.45)
        ax.set_ylim(-1.45, 1.45)
        ax.set_aspect("equal")
        ax.axis("off")
        date = str(here["date"].iloc[0]) if len(here) else ""
        ax.set_title(date)
        if colorbar:
            cb = ax.figure.colorbar(lc, ax=ax, shrink=0.7, pad=0.02)
            cb.set_label("relation (mean of both directions, −1 … 1)")
    return ax


def network_figure(
    result: RunResult, fig: Figure | None = None, steps: Sequence[int] | None = None
) -> Figure:
    """Relations network at start, middle and end with one shared colorbar."""
    _check(result)
    steps = _pick_steps(result, steps)
    data = network_data(result, steps)
    with plot_style():
        fig = _new_figure(fig, (3.4 * len(steps) + 1.2, 3.9))
        axes = fig.subplots(1, len(steps), squeeze=False).ravel()
        for ax, s in zip(axes, steps, strict=True):
            network(result, s, ax=ax, data=data, colorbar=False)
        lc = next(c for c in axes[-1].collections if isinstance(c, LineCollection))
        cb = fig.colorbar(lc, ax=list(axes), shrink=0.75, pad=0.02)
        cb.set_label("relation (−1 hostile … +1 friendly)")
        handles = [
            Line2D([], [], color="0.5", linewidth=0.8 + 6.0 * w, label=f"alliance {w:g}")
            for w in (0.0, 0.5, 1.0)
        ]
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color="0.5",
                markersize=9,
                label="node area ∝ regional power",
            )
        )
        _legend_below(fig, handles, ncol=len(handles))
        fig.suptitle(f"{result.scenario.name}: relations and alliances (medians over replications)")
    return fig


def network_gif(
    result: RunResult, path: str | Path, dpi: int = 80, max_frames: int = 60, duration_ms: int = 300
) -> Path:
    """Animated relations network, one frame per step (thinned to ``max_frames``).

    Needs Pillow (the ``viz`` extra).  The bytes depend only on the data.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # the [viz] extra

    _check(result)
    all_steps = sorted(result.measures["step"].unique())
    stride = max(1, -(-len(all_steps) // max_frames))
    steps = all_steps[::stride]
    if steps[-1] != all_steps[-1]:
        steps.append(all_steps[-1])
    data = network_data(result, steps)
    frames = []
    with plot_style():
        for s in steps:
            fig = Figure(figsize=(5.6, 4.6), layout="constrained")
            canvas = FigureCanvasAgg(fig)
            network(result, s, ax=fig.add_subplot(), data=data)
            fig.suptitle(f"{result.scenario.name}: relations and alliances")
            canvas.draw()
            rgba = np.asarray(canvas.buffer_rgba())
            frames.append(
                Image.fromarray(rgba[..., :3].copy()).quantize(
                    colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
                )
            )
    path = Path(path)
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], duration=duration_ms, loop=0
    )
    path.write_bytes(buffer.getvalue())
    return path


# --------------------------------------------------------------------------- heatmap


def heatmap_data(result: RunResult) -> pd.DataFrame:
    """Directed relations (median over replications) at the first and last step, and change."""
    d = _check(result).dyads
    first, last = d["step"].min(), d["step"].max()
    med = (
        d[d["step"].isin([first, last])]
        .groupby(["step", "actor", "partner"])["relation"]
        .median()
        .unstack("step")
    )
    med.columns = ["start", "end"]
    med["change"] = med["end"] - med["start"]
    dates = d.drop_duplicates("step").set_index("step")["date"]
    med["start_date"], med["end_date"] = dates[first], dates[last]
    return med.reset_index()


def relation_heatmap(
    result: RunResult,
    which: str = "end",
    ax: Axes | None = None,
    data: pd.DataFrame | None = None,
    colorbar: bool = True,
) -> Axes:
    """Heatmap of directed relations (row toward column), annotated; ``which`` is
    ``start``, ``end`` or ``change``."""
    _check(result)
    codes = list(result.scenario.codes)
    with plot_style():
        ax = _new_axes(ax, (4.6, 4.0))
        if data is None:
            data = heatmap_data(result)
        grid = data.pivot(index="actor", columns="partner", values=which).reindex(
            index=codes, columns=codes
        )
        values = grid.to_numpy(dtype=float)
        if which == "change":
            span = max(
                0.05, float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.05
            )
            norm = TwoSlopeNorm(0.0, -span, span)
            cmap = mpl.colormaps["PuOr"]
            fmt = "{:+.2f}"
        else:
            norm = Normalize(-1.0, 1.0)
            cmap = mpl.colormaps[RELATION_CMAP]
            fmt = "{:+.2f}"
        masked = np.ma.masked_invalid(values)
        image = ax.imshow(masked, cmap=cmap, norm=norm, aspect="equal")
        ax.set_facecolor("0.88")
        for i in range(len(codes)):
            for j in range(len(codes)):
                v = values[i, j]
                if not np.isfinite(v):
                    continue
                dark = abs(norm(v) - 0.5) > 0.32
                v = round(float(v), 2) + 0.0  # no "-0.00"
                text = "0.00" if v == 0 else fmt.format(v).replace("-", "−")
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if dark else "0.1",
                )
        ax.set_xticks(range(len(codes)), codes)
        ax.set_yticks(range(len(codes)), codes)
        ax.tick_params(length=0)
        ax.grid(False)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_xlabel("toward")
        ax.set_ylabel("attitude of")
        date = {
            "start": data["start_date"].iloc[0],
            "end": data["end_date"].iloc[0],
            "change": f"{data['start_date'].iloc[0]} → {data['end_date'].iloc[0]}",
        }[which]
        ax.set_title(f"{which}: {date}" if which != "change" else f"change {date}")
        if colorbar:
            cb = ax.figure.colorbar(image, ax=ax, shrink=0.8, pad=0.03)
            cb.set_label("change in relation" if which == "change" else "relation (−1 … 1)")
    return ax


def heatmap_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """Directed relations at start and end, and their change, side by side."""
    _check(result)
    data = heatmap_data(result)
    n = len(result.scenario.codes)
    with plot_style():
        size = max(3.6, 0.55 * n + 1.4)
        fig = _new_figure(fig, (3 * size + 0.6, size + 0.5))
        axes = fig.subplots(1, 3)
        for ax, which in zip(axes, ("start", "end", "change"), strict=True):
            relation_heatmap(result, which, ax=ax, data=data, colorbar=which == "change")
        cb = fig.colorbar(axes[1].images[0], ax=list(axes[:2]), shrink=0.8, pad=0.02)
        cb.set_label("relation (−1 … 1)")
        fig.suptitle(
            f"{result.scenario.name}: relations, row toward column (medians over replications)"
        )
    return fig


# --------------------------------------------------------------------------- comparison


def unit_text(unit: str) -> str:
    """A unit for an axis label: ``1 (-1 pole a .. +1 pole b)`` becomes its explanation."""
    if unit.startswith("1 (") and unit.endswith(")"):
        return unit[3:-1].replace("..", "…").replace("-", "−")
    return unit


def _scenario_colours(comparison: Comparison) -> dict[str, str]:
    names = list(comparison.names)
    colours = {names[0]: "0.15"}
    colours.update(other_colours(names[1:]))
    return colours


def comparison_difference(comparison: Comparison, ax: Axes | None = None) -> Axes:
    """Paired difference of each scenario from the first, median with seed bands."""
    with plot_style():
        ax = _new_axes(ax, (8.5, 4.2))
        bands = comparison.difference_bands()
        colours = _scenario_colours(comparison)
        for name in comparison.names[1:]:
            draw_band(ax, bands[bands["scenario"] == name], colours[name], name)
        ax.axhline(0.0, color="0.2", linewidth=0.9, zorder=0)
        ax.set_ylabel(
            f"Δ {comparison.measure} vs {comparison.names[0]}\n({unit_text(comparison.unit)})"
        )
        ax.set_title(f"paired difference from {comparison.names[0]} (common random numbers)")
        ax.set_xlabel(f"date ({BAND_NOTE} of the paired difference)")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        _legend_outside(ax, handles + band_legend_handles())
    return ax


def comparison_overlay(comparison: Comparison, ax: Axes | None = None) -> Axes:
    """Each scenario's median of the measure with its 90 % seed band."""
    with plot_style():
        ax = _new_axes(ax, (8.5, 4.2))
        bands = comparison.value_bands()
        colours = _scenario_colours(comparison)
        for k, name in enumerate(comparison.names):
            sub = bands[bands["scenario"] == name]
            x = to_dates(sub["date"])
            ax.fill_between(x, sub["p05"], sub["p95"], color=colours[name], alpha=0.12, linewidth=0)
            reference = k == 0  # drawn on top, dashed, so that equal scenarios show through
            ax.plot(
                x,
                sub["median"],
                color=colours[name],
                label=name,
                linewidth=1.4 if reference else 1.8,
                linestyle="--" if reference else "-",
                zorder=4 if reference else 3,
            )
        ax.set_ylabel(f"{comparison.measure}\n({unit_text(comparison.unit)})")
        ax.set_title(f"{comparison.measure} per scenario")
        ax.set_xlabel("date (median; shaded: 90 % seed band)")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        handles.append(Patch(facecolor="0.4", alpha=0.12, label="90 % seed band"))
        _legend_outside(ax, handles)
    return ax


def comparison_ranking(comparison: Comparison, ax: Axes | None = None) -> Axes:
    """End-state mean paired difference per scenario with its 90 % interval (dot-and-whisker)."""
    with plot_style():
        table = comparison.ranking()
        ax = _new_axes(ax, (7.5, 0.45 * len(table) + 1.6))
        colours = _scenario_colours(comparison)
        y = np.arange(len(table))[::-1]
        for yy, row in zip(y, table.itertuples(index=False), strict=True):
            c = colours[row.scenario]
            ax.plot([row.ci90_low, row.ci90_high], [yy, yy], color=c, linewidth=2.0)
            ax.plot([row.p05, row.p95], [yy, yy], color=c, linewidth=0.8, alpha=0.6)
            ax.plot([row.mean_difference], [yy], "o", color=c, markersize=6)
            ax.annotate(
                f"{row.mean_difference:+.3g}, same sign {row.same_sign_share:.0%}",
                (1.0, yy),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color="0.3",
            )
        ax.axvline(0.0, color="0.2", linewidth=0.9)
        ax.set_yticks(y, table["scenario"])
        ax.set_xlabel(
            f"Δ {comparison.measure} at {comparison.end_label} vs "
            f"{comparison.names[0]} ({unit_text(comparison.unit)})"
        )
        ax.set_title(
            "end-state paired difference: mean, 90 % interval of the mean (thick), "
            "5–95 % of replications (thin)",
            fontsize=8.5,
        )
        ax.grid(axis="y", visible=False)
    return ax


def comparison_figure(comparison: Comparison, fig: Figure | None = None) -> Figure:
    """Overlay (top) and paired difference (bottom) on a shared time axis."""
    with plot_style():
        fig = _new_figure(fig, (8.8, 6.6))
        top, bottom = fig.subplots(2, 1, sharex=True)
        comparison_overlay(comparison, ax=top)
        comparison_difference(comparison, ax=bottom)
        top.set_xlabel("")
        top.tick_params(labelbottom=False)
        fig.suptitle(
            f"{comparison.measure}: {len(comparison.names)} scenarios, "
            f"{comparison.replications} paired replications"
        )
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
FORMATS = tuple(METADATA)


def save_figure(fig: Figure, path: str | Path, fmt: str = "png", dpi: int = 150) -> Path:
    """Save with fixed metadata (no dates, no software version): same data, same bytes."""
    if fmt not in METADATA:
        raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    with plot_style():
        fig.savefig(path, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return path


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
    result : the run.
    folder : the results folder (the ``plots`` subfolder is created).
    fmt : ``png``, ``svg`` or ``pdf``.
    dpi : resolution of raster output.
    only : names from :data:`RUN_FIGURES` to write (default all).  Figures with no
        data (no sanctions regime, no trade) are skipped.
    gif : also write ``network.gif``, the animated relations network (needs Pillow).

    Returns
    -------
    The paths written, figures and CSV files, in order.
    """
    _check(result)
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
