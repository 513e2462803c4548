"""Figures of a parameter sweep: an outcome against one parameter, a heatmap over two.

Functions take a :class:`~sim.sweep.SweepResult` and ``ax=None`` and return the
Axes; :func:`write_sweep_plots` writes every figure with its data as CSV beside it
into ``plots/`` of the sweep folder.  Bands are **seed bands** (quantiles over the
replications of a point, aleatory spread); with sampled (random, lhs) designs the
parameter axis is binned into quantile bins first, and the bands then mix seed and
parameter spread, which the caption says.  The sensitivity figures (Sobol bars,
Morris scatter) take the indices table of a sensitivity analysis instead, and
:func:`write_sensitivity_plots` writes them.  ``docs/sweeps.md`` ("Figures") and
``docs/sensitivity.md`` ("Outputs") describe the files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.store import SweepResult
from .style import OKABE_ITO, figure_of, plot_style, save_figure

BINS = 8
"""Quantile bins of a sampled parameter in outcome-versus-parameter plots."""


def _axes(ax: Axes | None, size=(6.4, 4.0)) -> Axes:
    if ax is not None:
        return ax
    with plot_style():
        fig = Figure(figsize=size, layout="constrained")
        return fig.add_subplot()


def short_label(path: str) -> str:
    """A parameter path without its ``actors.`` or ``model.`` prefix, for axis labels.

    Parameters
    ----------
    path : str
        A swept parameter, such as ``actors.PRK.milex`` or ``model.depreciation``.

    Returns
    -------
    str
        ``PRK.milex``, ``depreciation``; any other path unchanged.
    """
    parts = path.split(".")
    return ".".join(parts[1:]) if parts[0] in ("actors", "model") else path


def outcome_data(result: SweepResult, parameter: str, measure: str) -> pd.DataFrame:
    """Median and 50/90 % bands of a measure per value (or bin) of one parameter.

    A parameter with more than 12 distinct values (a sampled design) is cut into up
    to :data:`BINS` quantile bins, each represented by its midpoint.  The runs at a
    value are pooled over the replications and over the values of any other swept
    parameter.

    Parameters
    ----------
    result : SweepResult
        The loaded sweep folder.
    parameter : str
        The swept parameter, a column of ``result.wide()``.
    measure : str
        The measure, a column of ``result.wide()``.

    Returns
    -------
    pandas.DataFrame
        One row per value or bin: ``measure``, the parameter's value (bin midpoint)
        under its own name, ``p05``, ``p25``, ``median``, ``p75``, ``p95``, ``n``
        (runs) and ``binned``; empty when the measure or parameter is missing.
    """
    wide = result.wide()
    if measure not in wide or parameter not in wide:
        return pd.DataFrame()
    x = wide[parameter]
    distinct = x.nunique()
    if distinct > 12:  # a sampled design: bin the parameter
        bins = pd.qcut(x, q=min(BINS, distinct), duplicates="drop")
        key = bins.apply(lambda b: b.mid).astype(float)
        binned = True
    else:
        key = x.astype(float)
        binned = False
    g = wide.assign(_x=key).groupby("_x")[measure]
    out = g.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    out.columns = ["p05", "p25", "median", "p75", "p95"]
    out["n"] = g.count()
    out = out.reset_index().rename(columns={"_x": parameter})
    out.insert(0, "measure", measure)
    out["binned"] = binned
    return out


def outcome(result: SweepResult, parameter: str, measure: str, ax: Axes | None = None) -> Axes:
    """A measure against one parameter: median with 50 % and 90 % bands.

    The data of :func:`outcome_data`, in the measure's own unit.  The title says
    whether the bands are seed bands or, for a binned parameter, seed and parameter
    bands, and the least number of runs per point; when the sweep varies other
    parameters too, their spread is pooled into the bands as well.  "no data" is
    written when the measure or parameter is missing.

    Parameters
    ----------
    result : SweepResult
        The loaded sweep folder.
    parameter : str
        The swept parameter on the x axis.
    measure : str
        The measure on the y axis.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    ax = _axes(ax)
    data = outcome_data(result, parameter, measure)
    with plot_style():
        if data.empty:
            ax.text(0.5, 0.5, "no data", ha="center", transform=ax.transAxes)
            return ax
        x = data[parameter]
        colour = OKABE_ITO[0]
        ax.fill_between(
            x, data["p05"], data["p95"], color=colour, alpha=0.15, linewidth=0, label="90 % band"
        )
        ax.fill_between(
            x, data["p25"], data["p75"], color=colour, alpha=0.35, linewidth=0, label="50 % band"
        )
        ax.plot(x, data["median"], color=colour, marker="o", markersize=3, label="median")
        ax.set_xlabel(short_label(parameter) + (" (binned)" if data["binned"].iloc[0] else ""))
        ax.set_ylabel(measure)
        spread = "seed and parameter bands" if data["binned"].iloc[0] else "seed bands"
        ax.set_title(
            f"{measure} against {short_label(parameter)}\n({spread}, "
            f"{int(data['n'].min())}+ runs per point)"
        )
        ax.legend(loc="best", fontsize="small", frameon=False)
        ax.grid(alpha=0.3)
    return ax


def heatmap_data(result: SweepResult, x: str, y: str, measure: str) -> pd.DataFrame:
    """Mean of a measure over replications (and other parameters) on a grid of two.

    ``se`` is the paired standard error of each cell: the spread over replications of
    the cell's value minus the mean of all cells in the same replication.  Under
    common random numbers this, not the raw seed spread, says whether two cells differ.
    A parameter with more than 12 distinct values is cut into up to :data:`BINS`
    quantile bins, each represented by its midpoint.

    Parameters
    ----------
    result : SweepResult
        The loaded sweep folder.
    x : str
        The parameter of the columns.
    y : str
        The parameter of the rows.
    measure : str
        The measure to average.

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``y``, ``x`` (under the parameters' names), the mean under
        the measure's name, and ``se``; empty when the measure is missing.
    """
    wide = result.wide()
    if measure not in wide:
        return pd.DataFrame()
    frame = wide[[x, y, "replication", measure]].copy()
    for col in (x, y):
        if frame[col].nunique() > 12:
            frame[col] = (
                pd.qcut(frame[col], q=BINS, duplicates="drop").apply(lambda b: b.mid).astype(float)
            )
    frame["_resid"] = frame[measure] - frame.groupby("replication")[measure].transform("mean")
    g = frame.groupby([y, x])
    out = g[measure].mean().rename(measure).to_frame()
    out["se"] = g["_resid"].std(ddof=1) / np.sqrt(g["_resid"].count())
    return out.reset_index()


def noise_note(data: pd.DataFrame, measure: str) -> str:
    """Compare the spread across cells with their paired standard error.

    Parameters
    ----------
    data : pandas.DataFrame
        A :func:`heatmap_data` frame.
    measure : str
        Its measure column.

    Returns
    -------
    str
        The range of the cell means and the mean paired standard error, judged
        "within noise" when the range is under four standard errors (else "beyond
        noise", also when the standard error is zero or unknown).
    """
    spread = data[measure].max() - data[measure].min()
    se = float(data["se"].mean()) if data["se"].notna().any() else 0.0
    verdict = "within noise" if se > 0 and spread < 4 * se else "beyond noise"
    return f"cells differ by {spread:.2g}, {verdict} (paired s.e. of a cell {se:.2g})"


def _digits(values: np.ndarray) -> int:
    """Significant digits that resolve the differences between cells."""
    finite = values[np.isfinite(values)]
    if finite.size < 2:
        return 3
    spread = finite.max() - finite.min()
    scale = np.abs(finite).max()
    if spread <= 0 or scale <= 0:
        return 3
    return int(min(6, max(3, np.ceil(np.log10(scale / spread)) + 2)))


def heatmap(result: SweepResult, x: str, y: str, measure: str, ax: Axes | None = None) -> Axes:
    """Mean of a measure over two parameters, with a colour bar.

    The cell means of :func:`heatmap_data` (over replications and any other swept
    parameter) on a viridis scale in the measure's unit, annotated with enough
    digits to tell the cells apart when there are at most 64; the title says
    whether the cells differ beyond their paired standard error
    (:func:`noise_note`).  "no data" is written when the measure is missing.

    Parameters
    ----------
    result : SweepResult
        The loaded sweep folder.
    x : str
        The parameter on the x axis.
    y : str
        The parameter on the y axis.
    measure : str
        The measure to colour by.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    ax = _axes(ax, size=(6.4, 5.0))
    data = heatmap_data(result, x, y, measure)
    with plot_style():
        if data.empty:
            ax.text(0.5, 0.5, "no data", ha="center", transform=ax.transAxes)
            return ax
        grid = data.pivot(index=y, columns=x, values=measure).sort_index()
        values = grid.to_numpy()
        mesh = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis")
        ax.set_xticks(
            range(grid.shape[1]), [f"{v:.3g}" for v in grid.columns], rotation=45, ha="right"
        )
        ax.set_yticks(range(grid.shape[0]), [f"{v:.3g}" for v in grid.index])
        ax.set_xlabel(short_label(x))
        ax.set_ylabel(short_label(y))
        ax.set_title(f"{measure}: mean over replications\n{noise_note(data, measure)}")
        cbar = ax.figure.colorbar(mesh, ax=ax)
        cbar.set_label(measure)
        if grid.size <= 64:
            digits = _digits(values)
            finite = values[np.isfinite(values)]
            mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
            for (i, j), v in np.ndenumerate(values):
                if np.isfinite(v):
                    ax.text(
                        j,
                        i,
                        f"{v:.{digits}g}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if v < mid else "black",
                    )
    return ax


def write_sweep_plots(
    result: SweepResult, folder: str | Path, fmt: str = "png", dpi: int = 150
) -> list[Path]:
    """Outcome-versus-parameter figures per measure and parameter, and heatmaps, with CSVs.

    Writes ``outcome-MEASURE-by-PARAMETER`` (:func:`outcome`) for every measure and
    parameter of the sweep and, with two parameters or more, ``heatmap-MEASURE``
    (:func:`heatmap`) over the first two, each as ``NAME.FMT`` with its data as
    ``NAME.csv``.  Names keep letters and digits, other characters become ``_``;
    figures without data are skipped.

    Parameters
    ----------
    result : SweepResult
        The loaded sweep folder.
    folder : str or Path
        The sweep folder (the ``plots`` subfolder is created).
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
    written: list[Path] = []
    params = list(result.spec.parameters)
    measures = list(result.spec.measures)

    def slug(text: str) -> str:
        return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")

    for m in measures:
        for p in params:
            data = outcome_data(result, p, m)
            if data.empty:
                continue
            name = f"outcome-{slug(m)}-by-{slug(short_label(p))}"
            data.to_csv(out / f"{name}.csv", index=False)
            ax = outcome(result, p, m)
            written += [
                save_figure(figure_of(ax), out / f"{name}.{fmt}", fmt, dpi),
                out / f"{name}.csv",
            ]
        if len(params) >= 2:
            data = heatmap_data(result, params[0], params[1], m)
            if data.empty:
                continue
            name = f"heatmap-{slug(m)}"
            data.to_csv(out / f"{name}.csv", index=False)
            ax = heatmap(result, params[0], params[1], m)
            written += [
                save_figure(figure_of(ax), out / f"{name}.{fmt}", fmt, dpi),
                out / f"{name}.csv",
            ]
    return written


# --------------------------------------------------------------------------- sensitivity


def _axes_h(ax: Axes | None, rows: int) -> Axes:
    return _axes(ax, size=(6.8, max(2.8, 0.32 * rows + 1.4)))


def sobol_bars(indices: pd.DataFrame, measure: str, ax: Axes | None = None, top: int = 15) -> Axes:
    """Sobol S1 and ST per parameter with 95 % bootstrap intervals, largest ST on top.

    Horizontal bars of the first-order (S1) and total (ST) index, as shares of the
    output variance, with their 95 % bootstrap intervals as error bars.

    Parameters
    ----------
    indices : pandas.DataFrame
        Sobol indices: columns ``measure``, ``parameter``, ``S1``, ``S1_conf``,
        ``ST`` and ``ST_conf`` (as in ``sobol_indices.csv``).
    measure : str
        The measure whose indices to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    top : int
        Draw at most this many parameters, those of largest ST.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    data = indices[indices["measure"] == measure].sort_values("ST", ascending=True).tail(top)
    ax = _axes_h(ax, len(data))
    with plot_style():
        y = np.arange(len(data))
        h = 0.38
        for index, shift, color, label in (
            ("ST", h / 2, OKABE_ITO[1], "ST (total)"),
            ("S1", -h / 2, OKABE_ITO[0], "S1 (first order)"),
        ):
            ax.barh(
                y + shift,
                data[index],
                height=h,
                xerr=data[f"{index}_conf"],
                color=color,
                label=label,
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
        ax.set_yticks(y, [short_label(p) for p in data["parameter"]])
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_xlabel("share of output variance (95 % bootstrap interval)")
        ax.set_title(f"Sobol indices of {measure}")
        ax.legend(loc="lower right", fontsize="small", frameon=False)
        ax.grid(axis="x", alpha=0.3)
    return ax


def morris_scatter(
    indices: pd.DataFrame, measure: str, ax: Axes | None = None, label: int = 8
) -> Axes:
    """Morris mu* against sigma; the ``label`` most influential parameters are named.

    One point per parameter with the 95 % interval of mu* as a horizontal error bar,
    both axes on the same scale from 0; parameters above the dashed line sigma = mu*
    act non-linearly or in interaction.

    Parameters
    ----------
    indices : pandas.DataFrame
        Morris indices: columns ``measure``, ``parameter``, ``mu_star``,
        ``mu_star_conf`` and ``sigma`` (as in ``morris_indices.csv``).
    measure : str
        The measure whose indices to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    label : int
        Name this many parameters, those of largest mu*.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    data = indices[indices["measure"] == measure].sort_values("mu_star", ascending=False)
    ax = _axes(ax, size=(6.8, 5.0))
    with plot_style():
        ax.errorbar(
            data["mu_star"],
            data["sigma"],
            xerr=data["mu_star_conf"],
            fmt="o",
            markersize=4,
            color=OKABE_ITO[0],
            ecolor="0.6",
            elinewidth=0.8,
            label="parameter (95 % interval of mu*)",
        )
        lim = float(max(data["mu_star"].max(), data["sigma"].max()) * 1.08) or 1.0
        ax.plot(
            [0, lim],
            [0, lim],
            color="0.5",
            linestyle="--",
            linewidth=0.8,
            label="sigma = mu* (non-linear or interacting above)",
        )
        ax.set_xlim(0, lim)
        ax.set_ylim(0, lim)
        placed: list[tuple[float, float]] = []  # label anchors, axes fraction
        for row in data.head(label).itertuples():
            fx, fy = row.mu_star / lim, row.sigma / lim
            dy = 0.0
            while any(abs(fx - px) < 0.25 and abs(fy + dy - py) < 0.03 for px, py in placed):
                dy -= 0.035
            placed.append((fx, fy + dy))
            arrow = {"arrowstyle": "-", "color": "0.6", "linewidth": 0.5} if dy else None
            ax.annotate(
                short_label(row.parameter),
                (row.mu_star, row.sigma),
                fontsize=7,
                xytext=(fx + 0.01, fy + dy + 0.01),
                textcoords="axes fraction",
                arrowprops=arrow,
            )
        ax.set_xlabel(f"mu* (mean absolute elementary effect on {measure})")
        ax.set_ylabel("sigma (spread of elementary effects)")
        ax.set_title(f"Morris screening of {measure}")
        ax.legend(loc="upper left", fontsize="small", frameon=False)
        ax.grid(alpha=0.3)
    return ax


def write_sensitivity_plots(result, fmt: str = "png", dpi: int = 150) -> list[Path]:
    """Sobol bars or Morris scatter per measure, each with its CSV, into ``plots/``.

    Writes ``sobol-MEASURE`` (:func:`sobol_bars`) or ``morris-MEASURE``
    (:func:`morris_scatter`), by the analysis' method, as ``NAME.FMT`` with that
    measure's rows of the indices as ``NAME.csv``.

    Parameters
    ----------
    result : SensitivityResult
        The analysis: its ``method`` (``sobol`` or ``morris``), ``indices`` and
        ``folder`` (the sweep folder; the ``plots`` subfolder is created).
    fmt : str
        ``png``, ``svg`` or ``pdf``.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    list of Path
        The paths written, each figure followed by its CSV file.
    """
    out = Path(result.folder) / "plots"
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for measure in result.indices["measure"].unique():
        slug = "".join(ch if ch.isalnum() else "_" for ch in measure).strip("_")
        data = result.indices[result.indices["measure"] == measure]
        if result.method == "sobol":
            name, ax = f"sobol-{slug}", sobol_bars(result.indices, measure)
        else:
            name, ax = f"morris-{slug}", morris_scatter(result.indices, measure)
        data.to_csv(out / f"{name}.csv", index=False)
        written += [
            save_figure(figure_of(ax), out / f"{name}.{fmt}", fmt, dpi),
            out / f"{name}.csv",
        ]
    return written
