"""Figures of scenario discovery (PRIM): the peeling trade-off and the chosen box.

- ``discovery_tradeoff``: coverage against density of every box of the peeling
  trajectory, coloured by the number of restricted parameters, the chosen box marked;
- ``discovery_box``: the chosen box's limits on each parameter, as a share of the
  sweep's range (restricted parameters first).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from .style import new_figure, save_figure

if TYPE_CHECKING:
    from ..analysis.discover import Discovery

COLOUR = "#0072B2"
POINT = "#D55E00"


def _what(d: Discovery) -> str:
    return f"{d.measure} {d.condition} {d.level:g} ({d.cases:,} of {d.runs:,} runs)"


def tradeoff_figure(d: Discovery, fig: Figure | None = None) -> Figure:
    """Coverage against density along the peeling trajectory.

    Parameters
    ----------
    d : Discovery
        The result.
    fig : Figure, optional
        Figure to draw on.
    """
    fig = new_figure(fig, (6.8, 4.6))
    ax = fig.add_subplot()
    t = d.trajectory
    points = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=22, zorder=2)
    box = d.box
    ax.scatter(
        [box["coverage"]],
        [box["density"]],
        s=140,
        facecolors="none",
        edgecolors=POINT,
        linewidths=2,
        zorder=3,
        label=f"chosen box {d.chosen}",
    )
    ax.set_xlabel("coverage (share of the runs of interest inside the box)")
    ax.set_ylabel("density (share of the box's runs\nthat are of interest)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    bar = fig.colorbar(points, ax=ax, label="restricted parameters")
    bar.set_ticks(range(int(t["res_dim"].max()) + 1))
    ax.legend(loc="lower left")
    ax.set_title(f"PRIM peeling trajectory: {_what(d)}", fontsize=10)
    return fig


def box_figure(d: Discovery, fig: Figure | None = None) -> Figure:
    """The chosen box's limits on each parameter, over the sweep's range.

    Parameters
    ----------
    d : Discovery
        The result.
    fig : Figure, optional
        Figure to draw on.
    """
    lim = d.limits.sort_values("restricted", ascending=False, kind="stable")
    fig = new_figure(fig, (7.2, 1.2 + 0.45 * len(lim)))
    ax = fig.add_subplot()
    span = (lim["range_high"] - lim["range_low"]).where(lambda s: s > 0, 1.0)
    lo = (lim["low"] - lim["range_low"]) / span
    hi = (lim["high"] - lim["range_low"]) / span
    y = range(len(lim))
    ax.barh(y, [1.0] * len(lim), color="0.9", height=0.6)
    colours = [COLOUR if r else "0.6" for r in lim["restricted"]]
    ax.barh(y, hi - lo, left=lo, color=colours, height=0.6)
    for k, row in enumerate(lim.itertuples()):
        text = f"{row.low:.3g} – {row.high:.3g}" if row.restricted else "unrestricted"
        ax.text(1.02, k, text, va="center", fontsize=8)
    ax.set_yticks(
        list(y), [p.replace("actors.", "").replace("doctrine.", "") for p in lim["parameter"]]
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 1.35)
    ax.set_xticks([0, 0.5, 1], ["low end", "mid", "high end"])
    ax.set_xlabel("position in the sweep's range of each parameter")
    b = d.box
    ax.set_title(
        f"PRIM box {d.chosen}: {_what(d)}\ncoverage {b['coverage']:.0%}, density "
        f"{b['density']:.0%}, {int(b['n']):,} runs inside",
        fontsize=10,
    )
    return fig


def write_discovery_plots(
    d: Discovery, folder: Path, fmt: str = "png", dpi: int = 150
) -> list[Path]:
    """Write ``discovery_tradeoff`` and ``discovery_box`` into ``folder``.

    Parameters
    ----------
    d : Discovery
        The result.
    folder : Path
        The output folder (created).
    fmt : str
        Figure format.
    dpi : int
        Resolution of raster output.
    """
    folder.mkdir(parents=True, exist_ok=True)
    return [
        save_figure(tradeoff_figure(d), folder / f"discovery_tradeoff.{fmt}", fmt, dpi),
        save_figure(box_figure(d), folder / f"discovery_box.{fmt}", fmt, dpi),
    ]
