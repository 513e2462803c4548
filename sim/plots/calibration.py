"""Figures of a calibration: the posterior, its generations, and the fit to the record.

- ``posterior_marginals``: each parameter's weighted posterior density in the last
  generation over its prior range (pyabc's KDE), with the base scenario's value and
  the calibrated (median) value marked;
- ``posterior_pairs``: pyabc's matrix of 1-D and 2-D weighted KDEs of the last
  generation (correlated parameters show as tilted ridges);
- ``generations``: the ABC threshold, acceptance rate and effective sample size per
  generation;
- ``fit_<measure>``: each observed series against the posterior predictive
  ensemble (blue) and the uncalibrated model (grey), with the windows shaded.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .observed import observed_figure
from .style import legend_below, new_figure, save_figure

if TYPE_CHECKING:
    from ..analysis.calibration import Calibration, CalibrationResult

COLOUR = "#0072B2"
POINT = "#D55E00"


def short_name(path: str) -> str:
    """``actors.PRK.doctrine.provocation_rate`` as ``PRK provocation_rate``.

    Parameters
    ----------
    path : str
        A parameter path.
    """
    parts = path.split(".")
    if parts[0] == "actors" and len(parts) >= 3:
        return f"{parts[1]} {parts[-1]}"
    return parts[-1]


def _last(result: CalibrationResult) -> pd.DataFrame:
    p = result.posterior
    return p[p["generation"] == p["generation"].max()]


def marginals_figure(
    cal: Calibration, result: CalibrationResult, fig: Figure | None = None
) -> Figure:
    """Weighted posterior density of each parameter over its prior range.

    Parameters
    ----------
    cal : Calibration
        The calibration (priors, base values).
    result : CalibrationResult
        Its fit.
    fig : Figure, optional
        Figure to draw on.
    """
    from pyabc.visualization import plot_kde_1d

    from ..analysis.calibration import _current

    names = cal.names
    ncol = 3 if len(names) > 4 else len(names)
    nrow = math.ceil(len(names) / ncol)
    fig = new_figure(fig, (3.2 * ncol, 2.3 * nrow + 0.8))
    last = _last(result)
    w = last["weight"].to_numpy(dtype=float)
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for k, name in enumerate(names):
        ax = axes[k // ncol][k % ncol]
        low, high = cal.spec.parameters[name].range
        plot_kde_1d(last[[name]], w, name, xmin=low, xmax=high, ax=ax, color=COLOUR)
        ax.axhline(1.0 / (high - low), color="0.6", lw=1, ls=":")
        ax.axvline(_current(cal, name), color="0.3", lw=1.2, ls="--")
        ax.axvline(result.point[name], color=POINT, lw=1.4, ls="-.")
        ax.set_xlabel(short_name(name), fontsize=9)
        ax.set_ylabel("density" if k % ncol == 0 else "")
        ax.set_title("")
        ax.tick_params(labelsize=8)
    for k in range(len(names), nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    fig.suptitle(
        f"Posterior of {cal.spec.name}: generation {int(last['generation'].iloc[0])}, "
        f"{len(last)} particles, fitted to {cal.spec.window} "
        f"({cal.windows[cal.spec.window][0]} to {cal.windows[cal.spec.window][1]})"
    )
    handles = [
        Line2D([], [], color=COLOUR, lw=1.5, label="posterior density (weighted KDE)"),
        Line2D([], [], color=POINT, lw=1.4, ls="-.", label="calibrated value (posterior median)"),
        Line2D([], [], color="0.3", lw=1.2, ls="--", label="uncalibrated (base scenario)"),
        Line2D([], [], color="0.6", lw=1, ls=":", label="uniform prior"),
    ]
    legend_below(fig, handles, ncol=2)
    return fig


def pairs_figure(cal: Calibration, result: CalibrationResult) -> Figure:
    """pyabc's matrix of weighted 1-D and 2-D KDEs of the last generation.

    Parameters
    ----------
    cal : Calibration
        The calibration (the prior ranges are the axes' limits).
    result : CalibrationResult
        Its fit.
    """
    from pyabc.visualization import plot_kde_matrix

    last = _last(result)
    df = last[cal.names].rename(columns=short_name)
    limits = {short_name(n): tuple(cal.spec.parameters[n].range) for n in cal.names}
    arr = plot_kde_matrix(
        df, last["weight"].to_numpy(dtype=float), limits=limits, colorbar=False, height=1.3
    )
    grid = np.asarray(arr)
    fig = grid.flat[0].figure
    weights = last["weight"].to_numpy(dtype=float)
    alpha = np.clip(0.15 + 0.85 * weights / weights.max(), 0.0, 1.0)
    for (i, j), ax in np.ndenumerate(grid):
        ax.tick_params(labelsize=6)
        ax.xaxis.label.set_size(7)
        ax.yaxis.label.set_size(7)
        if j > i:  # the particles: small points, darker for heavier weights
            for points in ax.collections:
                points.set_sizes([3.0])
                points.set_alpha(alpha)
    fig.subplots_adjust(top=0.96)
    fig.suptitle(
        f"Posterior pairs of {cal.spec.name}, last generation: weighted KDE (below), "
        "particles (above, darker = heavier)",
        y=0.99,
    )
    return fig


def generations_figure(result: CalibrationResult, fig: Figure | None = None) -> Figure:
    """Threshold, acceptance rate and effective sample size per generation.

    Parameters
    ----------
    result : CalibrationResult
        The fit.
    fig : Figure, optional
        Figure to draw on.
    """
    fig = new_figure(fig, (9.0, 3.2))
    g = result.generations
    axes = fig.subplots(1, 3)
    series = [
        ("epsilon", "ABC threshold ε\n(adaptive distance units)", 1.0),
        ("acceptance", "acceptance rate (%)", 100.0),
        ("ess", "effective sample size\n(particles)", 1.0),
    ]
    for ax, (col, label, scale) in zip(axes, series, strict=True):
        ax.plot(g["generation"], g[col] * scale, marker="o", color=COLOUR)
        ax.set_xlabel("generation")
        ax.set_ylabel(label)
        ax.set_xticks(g["generation"])
        ax.set_ylim(bottom=0)
    axes[2].axhline(int(g["particles"].iloc[-1]), color="0.6", ls=":", lw=1)
    fig.suptitle(
        f"ABC-SMC generations: {int(g['simulations'].sum()):,} proposals evaluated\n"
        "(the distance is re-scaled each generation, so ε need not fall)",
        fontsize=10,
    )
    return fig


def write_calibration_plots(
    cal: Calibration,
    result: CalibrationResult,
    per_observation: pd.DataFrame,
    folder: Path,
    fmt: str = "png",
    dpi: int = 150,
) -> list[Path]:
    """Write the calibration's figures into ``folder/plots``.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    result : CalibrationResult
        Its fit.
    per_observation : DataFrame
        The observations beside each ensemble (with a ``fit`` column).
    folder : Path
        The results folder.
    fmt : str
        Figure format.
    dpi : int
        Resolution of raster output.
    """
    import matplotlib.pyplot as plt

    out = Path(folder) / "plots"
    out.mkdir(exist_ok=True)
    written = [
        save_figure(marginals_figure(cal, result), out / f"posterior_marginals.{fmt}", fmt, dpi),
        save_figure(generations_figure(result), out / f"generations.{fmt}", fmt, dpi),
    ]
    pairs = pairs_figure(cal, result)
    written.append(save_figure(pairs, out / f"posterior_pairs.{fmt}", fmt, dpi))
    plt.close(pairs)  # pyabc draws it through pyplot
    after = per_observation[per_observation["fit"] == "posterior"]
    before = per_observation[per_observation["fit"] == "uncalibrated"]
    for measure, rows in after.groupby("measure", sort=False):
        if not np.isfinite(rows["p50"].to_numpy(dtype=float)).any():
            continue
        stem = "fit_" + str(measure).replace(".", "_")
        fig = observed_figure(
            rows,
            cal.windows,
            title=f"{measure}: calibrated on {cal.spec.window}, against the record",
            before=before[before["measure"] == measure],
            label="posterior predictive",
        )
        written.append(save_figure(fig, out / f"{stem}.{fmt}", fmt, dpi))
    return written
