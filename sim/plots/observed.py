"""The run against the record: one figure per observed series.

Each figure shows the model's median and its 50 % and 90 % seed bands at every
observed period (the measure's mean over the period's steps, or their sum for a
count), the observations as black points with their intervals, and the scoring
windows shaded and named.  The data behind a figure is
:func:`sim.analysis.observed.beside`'s rows for that measure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..scenario.schema import month_index, month_name
from .style import band_legend_handles, date_axis, legend_below, new_figure, save_figure

COLOUR = "#0072B2"


def _midpoints(first: pd.Series, last: pd.Series) -> pd.DatetimeIndex:
    """The middle of each period, as a date (periods are whole months)."""
    a = pd.to_datetime(first + "-01")
    b = pd.to_datetime(last + "-01") + pd.offsets.MonthEnd(0)
    return pd.DatetimeIndex(a + (b - a) / 2)


def unit_and_scale(measure: str, unit: str) -> tuple[str, float]:
    """The axis unit of a measure and the factor its values are drawn with.

    Shares (burdens, growth rates) are drawn in per cent.

    Parameters
    ----------
    measure : str
        ``name[.A[.B]]``.
    unit : str
        Its unit in the registry.
    """
    name = measure.split(".")[0]
    if unit.startswith("share") or name == "growth":
        return (
            "% of GDP" if name == "defence_share" else "% a year" if name == "growth" else "%"
        ), 100.0
    return unit, 1.0


def observed_figure(
    rows: pd.DataFrame,
    windows: dict[str, tuple[str, str]] | None = None,
    title: str | None = None,
    fig: Figure | None = None,
    before: pd.DataFrame | None = None,
    label: str = "model",
) -> Figure:
    """One observed series over the model's median and seed bands.

    Parameters
    ----------
    rows : DataFrame
        :func:`~sim.analysis.observed.beside`'s rows of one measure.
    windows : dict, optional
        Scoring windows to shade (name to first and last month).
    title : str, optional
        The figure's title (default: the measure).
    fig : Figure, optional
        Figure to draw on.
    before : DataFrame, optional
        The same observations beside another ensemble (the uncalibrated model), drawn
        under ``rows`` as a grey 90 % band and a dashed median.
    label : str
        What ``rows`` is, for the legend.

    Returns
    -------
    Figure
        The figure.
    """
    fig = new_figure(fig, (7.5, 4.2))
    ax = fig.add_subplot()
    rows = rows.sort_values("first")
    measure = str(rows["measure"].iloc[0])
    unit, scale = unit_and_scale(measure, str(rows["unit"].iloc[0]))
    x = _midpoints(rows["first"], rows["last"])
    extra = []
    if before is not None:
        b = before.sort_values("first")
        bx = _midpoints(b["first"], b["last"])
        ax.fill_between(bx, b["p05"] * scale, b["p95"] * scale, color="0.55", alpha=0.18, lw=0)
        ax.plot(bx, b["p50"] * scale, color="0.35", lw=1.3, ls="--")
        extra = [
            Line2D([], [], color="0.35", lw=1.3, ls="--", label="uncalibrated median"),
            Patch(color="0.55", alpha=0.3, lw=0, label="uncalibrated 90 % band"),
        ]
    ax.fill_between(x, rows["p05"] * scale, rows["p95"] * scale, color=COLOUR, alpha=0.13, lw=0)
    ax.fill_between(x, rows["p25"] * scale, rows["p75"] * scale, color=COLOUR, alpha=0.30, lw=0)
    ax.plot(x, rows["p50"] * scale, color=COLOUR, lw=1.8, marker=".", ms=4)
    y = rows["value"].to_numpy(dtype=float) * scale
    lo = rows["lower"].to_numpy(dtype=float) * scale
    hi = rows["upper"].to_numpy(dtype=float) * scale
    err = np.vstack(
        [np.where(np.isfinite(lo), y - lo, 0.0), np.where(np.isfinite(hi), hi - y, 0.0)]
    )
    ax.errorbar(x, y, yerr=err, fmt="o", color="black", ms=4, lw=1, capsize=2, zorder=3)
    for k, (name, (w0, w1)) in enumerate((windows or {}).items()):
        a = pd.Timestamp(f"{w0}-01")
        b = pd.Timestamp(f"{month_name(month_index(w1) + 1)}-01")
        ax.axvspan(a, b, color="0.5", alpha=0.07 + 0.05 * (k % 2), lw=0, zorder=0)
        ax.text(
            a + (b - a) / 2,
            1.0,
            name,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=8,
            color="0.3",
        )
    date_axis(ax)
    ax.set_ylabel(f"{measure}\n({unit})")
    how = "sum over" if rows["how"].iloc[0] == "sum" else "mean over"
    ax.set_title(title or f"{measure}: model against the record", pad=14)
    handles = [
        Line2D(
            [], [], color=COLOUR, lw=1.8, marker=".", label=f"{label} median ({how} the period)"
        ),
        *(
            band_legend_handles(COLOUR)
            if before is None
            else [
                Patch(facecolor=COLOUR, alpha=0.30, label=f"{label} 50 % band"),
                Patch(facecolor=COLOUR, alpha=0.13, label=f"{label} 90 % band"),
            ]
        ),
        *extra,
        Line2D([], [], color="black", marker="o", ls="", label="observed (with its interval)"),
    ]
    legend_below(fig, handles, ncol=2)
    return fig


def write_observed_plots(
    per_observation: pd.DataFrame,
    windows: dict[str, tuple[str, str]],
    folder: Path,
    fmt: str = "png",
    dpi: int = 150,
) -> list[Path]:
    """Write ``plots/observed_<measure>.<fmt>`` and its CSV for every observed series.

    Parameters
    ----------
    per_observation : DataFrame
        :func:`~sim.analysis.observed.beside`'s table.
    windows : dict
        The scoring windows.
    folder : Path
        The results folder (figures go into its ``plots/``).
    fmt : str
        Figure format.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    list of Path
        The figures written.
    """
    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    written = []
    for measure, rows in per_observation.groupby("measure", sort=False):
        if not np.isfinite(rows["p50"].to_numpy(dtype=float)).any():
            continue
        stem = "observed_" + str(measure).replace(".", "_")
        rows.to_csv(out / f"{stem}.csv", index=False)
        written.append(save_figure(observed_figure(rows, windows), out / f"{stem}.{fmt}", fmt, dpi))
    return written
