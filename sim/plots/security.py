"""The security balance over time: deterrence per key dyad, challengers' reach, blocs.

:func:`security_figure` draws three panels on a shared time axis, each a median over
the run's replications with 50 % and 90 % seed bands: the deterrence balance of each
key dyad's defender against its challenger (events marked), the reach-weighted
capability of each challenger, and the landscape of emergent blocs (polarisation,
the gap to the next-best alignment and the minimum frustration).
:func:`security_data` returns the tidy frame it draws.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..analysis.bands import seed_bands
from ..analysis.security import LANDSCAPE
from ..results import RunResult
from .style import (
    BAND_NOTE,
    actor_styles,
    band_legend_handles,
    check_result,
    date_axis,
    draw_band,
    legend_outside,
    new_axes,
    new_figure,
    other_colours,
    plot_style,
)
from .timeline import event_marks, mark_events


def security_data(result: RunResult) -> pd.DataFrame:
    """Seed bands of the security-balance measures, then the event marks.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.

    Returns
    -------
    pandas.DataFrame
        One row per (``series``, step, date) with ``p05``, ``p25``, ``median``,
        ``p75``, ``p95`` (percentiles over replications) and ``n``; ``series`` is
        ``deterrence.D.C`` per key dyad (balance, -1 .. +1), ``reach.C`` per
        challenger (share of world military capability) and ``frustration``,
        ``blocs_gap``, ``polarisation``; then the rows of
        :func:`~sim.plots.timeline.event_marks`, their ``series`` ``event:scheduled``
        or ``event:reaction``.
    """
    check_result(result)
    m, a = result.measures, result.actors
    keys = ["replication", "step", "date"]
    model_cols = [c for c in m.columns if c.startswith("deterrence.")]
    model_cols += [c for c in LANDSCAPE if c in m.columns]
    parts = [m.melt(id_vars=keys, value_vars=model_cols, var_name="series")]
    challengers = list(
        dict.fromkeys(c.split(".")[1] for c in m.columns if c.startswith("conflict_risk."))
    )
    if "reach" in a.columns:
        sub = a[a["actor"].isin(challengers)]
        parts.append(
            sub[keys].assign(series="reach." + sub["actor"].astype(str), value=sub["reach"])
        )
    bands = seed_bands(pd.concat(parts, ignore_index=True), "value", by=["series"])
    marks = event_marks(result).rename(columns={"source": "series"})
    marks["series"] = "event:" + marks["series"].astype(str)
    return pd.concat([bands, marks], ignore_index=True)


def deterrence(result: RunResult, ax: Axes | None = None, events: bool = True) -> Axes:
    """Deterrence balance of each key dyad's defender against its challenger.

    (S_d + C_d - reach_cd) / (S_d + C_d + reach_cd): own strength and allies' credible
    cover against what the challenger can bring to bear, nuclear included; +1 secure,
    0 parity, -1 at the challenger's mercy.  Scheduled events are dashed lines.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    events : bool
        Mark the scheduled events and fired reactions.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax)
        data = security_data(result)
        series = sorted({s for s in data["series"] if s.startswith("deterrence.")})
        colours = other_colours(series)
        for s in series:
            defender, challenger = s.split(".")[1:3]
            draw_band(ax, data[data["series"] == s], colours[s], f"{defender} vs {challenger}")
        ax.axhline(0.0, color="0.5", linewidth=0.7, zorder=0)
        handles, _ = ax.get_legend_handles_labels()
        handles += band_legend_handles()
        if events:
            marks = data[data["series"].str.startswith("event:")]
            handles += mark_events(
                ax, marks.assign(source=marks["series"].str[6:]), actor_styles(result)
            )
        bands = data[data["series"].isin(series)]
        if len(bands):
            lo, hi = bands["p05"].min(), bands["p95"].max()
            pad = max(0.02, 0.1 * (hi - lo))
            ax.set_ylim(max(-1.0, lo - pad), min(1.0, hi + pad))
        ax.set_ylabel("deterrence balance\n(−1 .. +1, + secure)")
        ax.set_title(
            "deterrence balance, key dyads" + (" (numbers: scheduled events)" if events else ""),
            pad=14,
        )
        date_axis(ax)
        legend_outside(ax, handles)
    return ax


def reach(result: RunResult, ax: Axes | None = None, bands: bool = True) -> Axes:
    """Reach-weighted capability of each key dyad's challenger, % of world capability.

    Capability that can reach the others in the region, conventional forces falling
    off with distance and presence, nuclear arsenals counted by their means of
    delivery.  A log scale: the challengers differ by an order of magnitude.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    bands : bool
        Name the seed bands in the legend.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax)
        data = security_data(result)
        series = sorted({s for s in data["series"] if s.startswith("reach.")})
        styles = actor_styles(result)
        for s in series:
            code = s.split(".", 1)[1]
            colour = styles[code].colour if code in styles else "0.2"
            draw_band(ax, data[data["series"] == s], colour, code, scale=100.0)
        if series:
            ax.set_yscale("log")
            plain = FuncFormatter(lambda y, _: f"{y:g}")
            ax.yaxis.set_major_formatter(plain)
            ax.yaxis.set_minor_formatter(plain)
        ax.set_ylabel("reach\n(% of world capability)")
        ax.set_title("challengers' reach-weighted capability (log scale)")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        legend_outside(ax, handles + (band_legend_handles() if bands else []))
    return ax


def blocs(result: RunResult, ax: Axes | None = None, bands: bool = True) -> Axes:
    """The landscape of emergent blocs: polarisation, gap to the next best, frustration.

    Computed at each step from the propensities (relations, alliances, shared threat)
    by landscape theory (Axelrod & Bennett 1993): polarisation of the
    minimum-frustration two-bloc alignment (1: two equal, cohesive, opposed blocs),
    how much worse the next-best alignment is (near 0: the blocs could realign), and
    the frustration the best one leaves.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    bands : bool
        Name the seed bands in the legend.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax)
        data = security_data(result)
        names = {
            "polarisation": "polarisation",
            "blocs_gap": "gap to next-best alignment",
            "frustration": "frustration",
        }
        colours = other_colours(list(names))
        for s, label in names.items():
            if (data["series"] == s).any():
                draw_band(ax, data[data["series"] == s], colours[s], label)
        ax.set_ylim(-0.02, 1.05)
        ax.set_ylabel("blocs (1)")
        ax.set_title("emergent blocs (landscape theory)")
        date_axis(ax)
        handles, _ = ax.get_legend_handles_labels()
        legend_outside(ax, handles + (band_legend_handles() if bands else []))
    return ax


def security_figure(result: RunResult, fig: Figure | None = None) -> Figure:
    """Deterrence, challengers' reach and blocs on a shared time axis.

    :func:`deterrence` (with the events), :func:`reach` and :func:`blocs`, top to
    bottom.

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
        fig = new_figure(fig, (8.5, 8.0))
        axes = fig.subplots(3, 1, sharex=True, height_ratios=[1.6, 1.1, 1.0])
        deterrence(result, ax=axes[0])
        reach(result, ax=axes[1], bands=False)  # the top panel's legend explains them
        blocs(result, ax=axes[2], bands=False)
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        axes[-1].set_xlabel(f"date ({BAND_NOTE})")
        fig.suptitle(f"{result.scenario.name}: the security balance")
    return fig
