"""The relations network at chosen dates (and animated), and the dyad heatmap.

Edge colour is the mutual relation on a diverging scale, width the alliance, node
size the regional power; the layout is fixed by the cast (``network_layout``), so
that networks at different dates and of different scenarios compare at a glance.
Everything drawn is a median over the run's replications; ``docs/plots.md``
(``network``, ``heatmap``) says how to read the figures.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..results import RunResult
from ..scenario import Scenario
from .style import (
    RELATION_CMAP,
    actor_styles,
    check_result,
    legend_below,
    new_axes,
    new_figure,
    plot_style,
)

# --------------------------------------------------------------------------- network


def network_layout(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """Fixed circular layout: pole a on the left arc, pole b on the right, others between.

    Depends only on the scenario, so every date and every frame uses the same places.

    Parameters
    ----------
    scenario : Scenario
        The cast; its ``analysis.blocs`` name the two poles.

    Returns
    -------
    dict of str to tuple of float
        Actor code to its ``(x, y)`` on the unit circle, in the scenario's actor order.
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
    """Nodes (median regional power) and undirected edges (median relation, max alliance).

    At each chosen step, each directed relation and alliance is the median over
    replications; an edge joins each pair once, with the mean of its two directed
    relations and the larger of its two alliance commitments.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.
    steps : sequence of int, optional
        The steps to tabulate; start, middle and end of the run when None.

    Returns
    -------
    pandas.DataFrame
        Rows of ``kind`` ``node`` (``step``, ``date``, ``actor``, ``regional_power``,
        and the layout position ``x``, ``y``), then of ``kind`` ``edge`` (``step``,
        ``date``, ``actor``, ``partner``, ``relation`` in [-1, 1], the directed
        ``relation_ab`` and ``relation_ba``, and ``alliance``).
    """
    check_result(result)
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

    Parameters
    ----------
    result : RunResult
        The run to draw.
    step : int, optional
        The step to draw; the last when None.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    data : pandas.DataFrame, optional
        A :func:`network_data` frame holding ``step``; node areas are scaled to its
        largest power, so that panels drawn from one frame compare.  Computed for
        this step alone when None.
    colorbar : bool
        Add a colour bar of the relation scale beside the Axes.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    check_result(result)
    with plot_style():
        ax = new_axes(ax, (5.0, 4.6))
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
    """Relations network at start, middle and end with one shared colorbar.

    One :func:`network` panel per step, node areas on one scale, with a legend of
    alliance widths and node area below.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    fig : Figure, optional
        Figure to draw on (its panels are added); a new Figure is made when None.
    steps : sequence of int, optional
        The steps to draw, one panel each; start, middle and end when None.

    Returns
    -------
    Figure
        The Figure drawn on.
    """
    check_result(result)
    steps = _pick_steps(result, steps)
    data = network_data(result, steps)
    with plot_style():
        fig = new_figure(fig, (3.4 * len(steps) + 1.2, 3.9))
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
        legend_below(fig, handles, ncol=len(handles))
        fig.suptitle(f"{result.scenario.name}: relations and alliances (medians over replications)")
    return fig


def network_gif(
    result: RunResult, path: str | Path, dpi: int = 80, max_frames: int = 60, duration_ms: int = 300
) -> Path:
    """Animated relations network, one frame per step (thinned to ``max_frames``).

    Needs Pillow (the ``viz`` extra).  The bytes depend only on the data.  The last
    step is always a frame; the animation loops.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    path : str or Path
        The GIF file to write.
    dpi : int
        Not used at present: frames are drawn at the Figure's default resolution.
    max_frames : int
        At most about this many frames: every k-th step is kept, plus the last.
    duration_ms : int
        Display time of each frame, in milliseconds.

    Returns
    -------
    Path
        The path written.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # the [viz] extra

    check_result(result)
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
    """Directed relations (median over replications) at the first and last step, and change.

    Parameters
    ----------
    result : RunResult
        The run to tabulate.

    Returns
    -------
    pandas.DataFrame
        One row per directed pair: ``actor`` (whose attitude), ``partner`` (toward
        whom), ``start`` and ``end`` (relations in [-1, 1]), ``change`` (end minus
        start), ``start_date`` and ``end_date``.
    """
    d = check_result(result).dyads
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
    """Heatmap of directed relations (row toward column), annotated with their values.

    ``start`` and ``end`` are on the fixed red-blue relation scale, -1 hostile to +1
    friendly; ``change`` is on its own purple-orange scale, symmetric about 0 and
    at least ±0.05 wide.  Pairs without a value (the diagonal) are grey.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    which : str
        ``start``, ``end`` or ``change``: the column of :func:`heatmap_data` to draw.
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    data : pandas.DataFrame, optional
        A :func:`heatmap_data` frame of this run; computed when None.
    colorbar : bool
        Add a colour bar beside the Axes.

    Returns
    -------
    Axes
        The Axes drawn on.
    """
    check_result(result)
    codes = list(result.scenario.codes)
    with plot_style():
        ax = new_axes(ax, (4.6, 4.0))
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
            norm: Normalize = TwoSlopeNorm(0.0, -span, span)
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
    """Directed relations at start and end, and their change, side by side.

    Three :func:`relation_heatmap` panels; start and end share one colour bar, the
    change has its own.

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
    data = heatmap_data(result)
    n = len(result.scenario.codes)
    with plot_style():
        size = max(3.6, 0.55 * n + 1.4)
        fig = new_figure(fig, (3 * size + 0.6, size + 0.5))
        axes = fig.subplots(1, 3)
        for ax, which in zip(axes, ("start", "end", "change"), strict=True):
            relation_heatmap(result, which, ax=ax, data=data, colorbar=which == "change")
        cb = fig.colorbar(axes[1].images[0], ax=list(axes[:2]), shrink=0.8, pad=0.02)
        cb.set_label("relation (−1 … 1)")
        fig.suptitle(
            f"{result.scenario.name}: relations, row toward column (medians over replications)"
        )
    return fig
