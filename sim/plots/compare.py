"""Figures of a paired comparison: differences with bands, overlays, the ranking.

Functions take a :class:`~sim.analysis.compare.Comparison` and ``ax=None`` or
``fig=None``, draw on a new Figure when none is given, and return the Axes or the
Figure; :func:`write_comparison_plots` writes all of them with their data.  The
first scenario is the reference; the bands are seed bands over the paired
replications (common random numbers), so that the shared seed noise cancels from
the differences.  ``docs/plots.md`` ("Comparison figures") says how to read them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analysis.compare import Comparison
from .style import (
    BAND_NOTE,
    band_legend_handles,
    date_axis,
    draw_band,
    legend_outside,
    new_axes,
    new_figure,
    other_colours,
    plot_style,
    save_figure,
    to_dates,
)

# --------------------------------------------------------------------------- comparison


def unit_text(unit: str) -> str:
    """A unit for an axis label: ``1 (-1 pole a .. +1 pole b)`` becomes its explanation.

    Parameters
    ----------
    unit : str
        The measure's unit as :class:`~sim.analysis.compare.Comparison` holds it.

    Returns
    -------
    str
        For a dimensionless unit with an explanation, ``1 (…)``, the explanation with
        ``..`` as an ellipsis and typographic minus signs (``−1 pole a … +1 pole b``);
        any other unit unchanged.
    """
    if unit.startswith("1 (") and unit.endswith(")"):
        return unit[3:-1].replace("..", "…").replace("-", "−")
    return unit


def _scenario_colours(comparison: Comparison) -> dict[str, str]:
    names = list(comparison.names)
    colours = {names[0]: "0.15"}
    colours.update(other_colours(names[1:]))
    return colours


def comparison_difference(comparison: Comparison, ax: Axes | None = None) -> Axes:
    """Paired difference of each scenario from the first, median with seed bands.

    One line per later scenario: the median over replications of its difference
    from the reference at each date, with the 50 % and 90 % seed bands of that
    paired difference, in the measure's unit, and a line at 0.  A band that
    excludes 0 means the scenario moves the measure in nearly every replication.

    Parameters
    ----------
    comparison : Comparison
        The paired comparison to draw; its first scenario is the reference.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax, (8.5, 4.2))
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
        legend_outside(ax, handles + band_legend_handles())
    return ax


def comparison_overlay(comparison: Comparison, ax: Axes | None = None) -> Axes:
    """Each scenario's median of the measure with its 90 % seed band.

    The measure itself (not the difference), in its unit, one line per scenario;
    the reference is dashed and drawn on top, so that a scenario equal to it still
    shows.

    Parameters
    ----------
    comparison : Comparison
        The paired comparison to draw; its first scenario is the reference.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        ax = new_axes(ax, (8.5, 4.2))
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
        legend_outside(ax, handles)
    return ax


def comparison_ranking(comparison: Comparison, ax: Axes | None = None) -> Axes:
    """End-state mean paired difference per scenario with its 90 % interval (dot-and-whisker).

    One row per later scenario, in the order of
    :meth:`~sim.analysis.compare.Comparison.ranking` (largest absolute mean
    difference on top): the dot is the mean paired difference from the reference at
    the end (or the comparison's reducer over the run), the thick bar the 90 %
    interval of that mean, the thin bar the 5th-95th percentile of the
    per-replication differences; the annotation gives the mean and the share of
    replications whose difference has its sign.

    Parameters
    ----------
    comparison : Comparison
        The paired comparison to draw; its first scenario is the reference.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    with plot_style():
        table = comparison.ranking()
        ax = new_axes(ax, (7.5, 0.45 * len(table) + 1.6))
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
    """Overlay (top) and paired difference (bottom) on a shared time axis.

    :func:`comparison_overlay` above :func:`comparison_difference`, titled with the
    measure, the number of scenarios and of paired replications.

    Parameters
    ----------
    comparison : Comparison
        The paired comparison to draw; its first scenario is the reference.
    fig : Figure, optional
        Figure to draw on (two panels are added); a new Figure is made when None.

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    with plot_style():
        fig = new_figure(fig, (8.8, 6.6))
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


def write_comparison_plots(
    comparison: Comparison, folder: str | Path, fmt: str = "png", dpi: int = 150
) -> list[Path]:
    """Write the comparison figures with their data to ``folder/plots``.

    Writes ``comparison``, ``difference``, ``overlay`` and ``ranking``, each as
    ``NAME.FMT`` with the tidy frame it draws as ``NAME.csv``: the value bands
    (``comparison``, ``overlay``), the difference bands (``difference``) and the
    ranking table (``ranking``).

    Parameters
    ----------
    comparison : Comparison
        The paired comparison to draw.
    folder : str or Path
        The comparison's results folder (the ``plots`` subfolder is created).
    fmt : str
        ``png``, ``svg`` or ``pdf``.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    list of Path
        The paths written, each figure followed by its CSV file.
    """
    out = Path(folder) / "plots"
    out.mkdir(parents=True, exist_ok=True)
    figures: dict[str, tuple[Callable[[Comparison], Any], Callable[[], pd.DataFrame]]] = {
        "comparison": (comparison_figure, comparison.value_bands),
        "difference": (comparison_difference, comparison.difference_bands),
        "overlay": (comparison_overlay, comparison.value_bands),
        "ranking": (comparison_ranking, comparison.ranking),
    }
    written = []
    for name, (draw, data) in figures.items():
        data().to_csv(out / f"{name}.csv", index=False)
        drawn = draw(comparison)
        fig = drawn if hasattr(drawn, "savefig") else drawn.figure
        written.append(save_figure(fig, out / f"{name}.{fmt}", fmt, dpi))
        written.append(out / f"{name}.csv")
    return written
