"""Figures of the actors (capability, burden, GDP), their trade, and sanctions.

Every drawing function takes a :class:`~sim.results.RunResult` and ``fig=None`` (or
``ax=None``) and returns the Figure (or Axes); each figure has a ``*_data`` function
returning the tidy frame it draws.  Lines are medians over replications and shades
*seed* bands.  ``docs/plots.md`` shows each figure and how to read it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analysis.bands import seed_bands
from ..results import RunResult
from .style import (
    BAND_NOTE,
    actor_styles,
    band_legend_handles,
    check_result,
    date_axis,
    draw_band,
    legend_below,
    legend_outside,
    new_axes,
    new_figure,
    other_colours,
    plot_style,
    to_dates,
)

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
                date_axis(ax, maxticks=5)  # narrow panels: decades would run together
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
