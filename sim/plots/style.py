"""The house style of every figure: palettes, actor styles, axes helpers, saving.

Actor colours come from :func:`actor_styles` in every figure: the scenario's
``colour:`` else the Okabe-Ito palette in actor order, with a new line style for
each further eight actors; things that are not actors (categories, dyads,
scenarios) take Paul Tol's muted palette.  :func:`save_figure` writes PNG, SVG or
PDF with fixed metadata, so that the same data give the same bytes.  The helpers
here draw the seed bands (median with the 50 % and 90 % bands over replications)
the same way in every figure; ``docs/plots.md`` says how to read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from ..results import RunResult
from ..scenario import Scenario
from .formats import FORMATS, METADATA

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
#: Caption of the seed bands (median, 25th-75th and 5th-95th percentile over replications).
BAND_NOTE = "median; shaded: 50 % and 90 % seed bands (spread over replications)"
#: rcParams of the house style, applied only inside :func:`plot_style`.
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
    """Temporary house style (font sizes, grid, fixed SVG salt); restores rcParams on exit.

    A context manager over :data:`STYLE`: every drawing and saving function of
    :mod:`sim.plots` runs inside it, so that the global ``rcParams`` are never changed.
    """
    with mpl.rc_context(STYLE):
        yield


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class ActorStyle:
    """How an actor is drawn: a colour and a line style.

    Attributes
    ----------
    colour : str
        A matplotlib colour (the scenario's ``colour:`` or an Okabe-Ito hex code).
    linestyle : str
        A matplotlib line style: ``-`` for the first eight actors, then ``--``, ``:``, ``-.``.
    """

    colour: str
    linestyle: str = "-"

    def line(self) -> dict[str, Any]:
        """Keyword arguments for ``Axes.plot``.

        Returns
        -------
        dict
            ``color`` and ``linestyle``, to pass as ``ax.plot(x, y, **style.line())``.
        """
        return {"color": self.colour, "linestyle": self.linestyle}


def actor_styles(source: Scenario | RunResult | Iterable[str]) -> dict[str, ActorStyle]:
    """Colour and line style of every actor, the same in every figure.

    Parameters
    ----------
    source : Scenario, RunResult or iterable of str
        A scenario, a run (its scenario is used) or actor codes in order.  The
        scenario's ``colour:`` wins; otherwise Okabe-Ito by the actor's position in
        the order, and from the ninth actor on the palette repeats with a new line
        style.  Codes given twice count once, at their first place.

    Returns
    -------
    dict of str to ActorStyle
        Actor code to :class:`ActorStyle`, in actor order.
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
    """Colours for non-actor series (categories, dyads, scenarios), by order.

    Parameters
    ----------
    names : sequence of str
        The series in order; the muted palette repeats after nine.

    Returns
    -------
    dict of str to str
        Series name to a hex colour of Paul Tol's muted palette (:data:`TOL_MUTED`).
    """
    return {n: TOL_MUTED[k % len(TOL_MUTED)] for k, n in enumerate(names)}


# --------------------------------------------------------------------------- helpers


def to_dates(values: Iterable[str]) -> pd.DatetimeIndex:
    """Dates from ``'YYYY-MM'`` strings (first of the month).

    Parameters
    ----------
    values : iterable of str
        Month labels such as ``'2025-03'``, the ``date`` column of the result tables.

    Returns
    -------
    pandas.DatetimeIndex
        The first day of each month, in the given order.
    """
    return pd.DatetimeIndex(pd.to_datetime([f"{v}-01" for v in values], format="%Y-%m-%d"))


def new_axes(ax: Axes | None, size: tuple[float, float] = (7.5, 4.0)) -> Axes:
    """The given Axes, or the single Axes of a new constrained-layout Figure.

    Parameters
    ----------
    ax : Axes, optional
        Axes to draw on; a new Figure is made when None.
    size : tuple of float
        Width and height of the new Figure in inches (unused when ``ax`` is given).

    Returns
    -------
    Axes
        ``ax`` itself, or the Axes of the new Figure.
    """
    if ax is not None:
        return ax
    fig = Figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def new_figure(fig: Figure | None, size: tuple[float, float]) -> Figure:
    """The given Figure, or a new empty one with constrained layout.

    Parameters
    ----------
    fig : Figure, optional
        Figure to draw on; a new Figure is made when None.
    size : tuple of float
        Width and height of the new Figure in inches (unused when ``fig`` is given).

    Returns
    -------
    Figure
        ``fig`` itself, or the new Figure.
    """
    return fig if fig is not None else Figure(figsize=size, layout="constrained")


def date_axis(ax: Axes, maxticks: int = 9) -> None:
    """Readable real dates on the x axis (concise year / month labels).

    Parameters
    ----------
    ax : Axes
        Axes whose x axis holds dates (from :func:`to_dates`).
    maxticks : int
        At most this many ticks (at least 3): fewer for narrow panels, whose labels
        would otherwise run together over decades.
    """
    locator = mdates.AutoDateLocator(minticks=min(4, maxticks - 1), maxticks=maxticks)
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
    """Median line with the 90 % and 50 % seed bands (two filled collections).

    Parameters
    ----------
    ax : Axes
        Axes to draw on (its x axis holds dates).
    bands : pandas.DataFrame
        Seed bands of one series, as from :func:`sim.analysis.bands.seed_bands`:
        columns ``date``, ``median`` and the percentiles ``p05``, ``p25``, ``p75``,
        ``p95`` over replications.
    colour : str
        Colour of the line and (lighter) of the bands.
    label : str or None
        Legend label of the median line; None for no legend entry.
    linestyle : str
        Line style of the median.
    scale : float
        Factor applied to every value before drawing (e.g. 100 for per cent).
    shade : bool
        Draw the bands; when False only the median line is drawn.
    linewidth : float
        Width of the median line in points.

    Returns
    -------
    Line2D
        The median line (the bands are not returned).
    """
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
    """Legend patches naming the two seed bands.

    Parameters
    ----------
    colour : str
        Face colour of the patches, with the alphas :func:`draw_band` uses.

    Returns
    -------
    list of Patch
        The 50 % and the 90 % seed band, in that order.
    """
    return [
        Patch(facecolor=colour, alpha=0.30, label="50 % seed band"),
        Patch(facecolor=colour, alpha=0.13, label="90 % seed band"),
    ]


def legend_outside(ax: Axes, handles: list | None = None, ncol: int = 1, **kw) -> None:
    """A legend right of the axes, where it can cover no data.

    Parameters
    ----------
    ax : Axes
        Axes the legend belongs to.
    handles : list, optional
        Legend entries; the Axes' own labelled artists when None.
    ncol : int
        Number of legend columns.
    **kw
        Further keyword arguments of ``Axes.legend``.
    """
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


def legend_below(target: Figure | Axes, handles: list, ncol: int) -> None:
    """A legend under a figure or axes, in its own row.

    Parameters
    ----------
    target : Figure or Axes
        A Figure (the legend goes outside its lower edge, with constrained layout
        making room) or an Axes (the legend goes just below it).
    handles : list
        Legend entries.
    ncol : int
        Number of legend columns.
    """
    if isinstance(target, Figure):
        target.legend(handles=handles, loc="outside lower center", ncol=ncol)
    else:
        target.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol)


def min_span(ax: Axes, bands: pd.DataFrame, span: float, scale: float = 1.0) -> None:
    """Widen the y range to at least ``span`` so that a flat series looks flat.

    Parameters
    ----------
    ax : Axes
        Axes whose y limits are set (only when the bands are narrower than ``span``).
    bands : pandas.DataFrame
        Seed bands with columns ``p05`` and ``p95``; a widened range is centred on
        the middle of their lowest ``p05`` and highest ``p95``.
    span : float
        Least height of the y range, in the units drawn (after ``scale``).
    scale : float
        Factor the bands were drawn with.
    """
    lo, hi = bands["p05"].min() * scale, bands["p95"].max() * scale
    if hi - lo < span:
        mid = 0.5 * (lo + hi)
        ax.set_ylim(mid - span / 2, mid + span / 2)


def check_result(result: RunResult) -> RunResult:
    """The result itself, if it is a :class:`~sim.results.RunResult`.

    Parameters
    ----------
    result : RunResult
        The run to draw.

    Returns
    -------
    RunResult
        ``result`` unchanged.

    Raises
    ------
    TypeError
        If ``result`` is anything else (a path, a Comparison, a SweepResult).
    """
    if not isinstance(result, RunResult):
        raise TypeError(f"expected a RunResult, got {type(result).__name__}")
    return result


def featured(result: RunResult, limit: int) -> tuple[RunResult, str]:
    """The run cut down to at most ``limit`` actors, for figures of one panel per actor.

    A cast larger than ``limit`` keeps the members of the two poles and of the key
    dyads first, then the actors with the most regional power at the end (median over
    replications), in the scenario's order; each keeps its colour.  The tables are cut
    to those actors (dyads and trade to pairs of them); the run's own tables keep all.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    limit : int
        The most actors a figure shows.

    Returns
    -------
    tuple of (RunResult, str)
        The cut run (``result`` itself when the cast fits) and a note for the figure
        ("" when nothing was cut).
    """
    codes = list(result.scenario.codes)
    if len(codes) <= limit:
        return result, ""
    spec = result.scenario
    first = [*spec.analysis.blocs.a, *spec.analysis.blocs.b]
    first += [c for pair in spec.analysis.key_dyads for c in pair]
    a = result.actors
    end = a[a["step"] == a["step"].max()].groupby("actor")["regional_power"].median()
    by_power = list(end.sort_values(ascending=False, kind="stable").index)
    chosen: list[str] = []
    for code in [*dict.fromkeys(first), *by_power]:
        if code in codes and code not in chosen and len(chosen) < limit:
            chosen.append(code)
    keep = [c for c in codes if c in chosen]
    styles = actor_styles(spec)
    actors = {c: spec.actors[c].model_copy(update={"colour": styles[c].colour}) for c in keep}
    cut = spec.model_copy(update={"actors": actors})
    tables = {}
    for name, frame in result.tables.items():
        mask = pd.Series(True, index=frame.index)
        for column in ("actor", "partner", "from", "to"):
            if column in frame.columns and name != "events":
                mask &= frame[column].isin(keep)
        tables[name] = frame[mask].reset_index(drop=True)
    note = (
        f"{len(keep)} of {len(codes)} actors shown: the poles, the key dyads and the most "
        "regional power at the end; every actor is in the run's tables"
    )
    return RunResult(cut, tables, result.manifest, result.path), note


def add_note(fig: Figure, note: str) -> None:
    """Write a one-line note under everything else on ``fig``, in small grey type.

    With constrained layout, the layout is told to leave a strip at the bottom for it,
    so the note never overlaps an axis label or a legend.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    note : str
        The note; nothing is drawn when it is empty.
    """
    if not note:
        return
    height = fig.get_figheight()
    strip = min(0.2, 0.22 / height)  # about 0.22 in, whatever the figure's height
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, strip, 1.0, 1.0 - strip))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, strip + 0.05))
    # Figure-level legends and the x super-label stay on the figure's lower edge, with
    # the layout leaving room for them above the strip: the note goes between, placed
    # when the figure is drawn (after the layout and the legends), not by a draw of
    # its own, which cost as much as saving the figure.
    fig.texts.append(_Note(fig, note))


class _Note(Text):
    """A figure's note, set at draw time just above the bottom edge and under the
    legends and texts that lie below every axes."""

    def __init__(self, fig: Figure, note: str):
        super().__init__(0.005, 0.004, note, fontsize=7, color="0.35", ha="left", va="bottom")
        self.set_figure(fig)
        self.set_transform(fig.transFigure)
        self.set_zorder(6)  # after the legends (5), whose places are then final

    def draw(self, renderer) -> None:
        """Place the note under the lowest legends and texts, then draw it."""
        fig = self.get_figure(root=True)
        assert isinstance(fig, Figure)
        y = 0.004
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
        floor = min((box.y0 for box in boxes if box is not None), default=0.0)
        below = [leg.get_window_extent(renderer) for leg in fig.legends]
        below += [t.get_window_extent(renderer) for t in fig.texts if t is not self]
        tops = [box.y1 for box in below if (box.y0 + box.y1) / 2 < floor]
        if tops:
            y += max(tops) / fig.bbox.height
        self.set_y(y)
        super().draw(renderer)


def short_label(text: str, width: int = 26) -> str:
    """A one-line label of at most ``width`` characters, cut with an ellipsis.

    Parameters
    ----------
    text : str
        Any text; runs of whitespace (newlines included) become one space.
    width : int
        Most characters of the label, the ellipsis included.

    Returns
    -------
    str
        The text, or its first ``width - 1`` characters followed by "…".
    """
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def dyad_label(a: str, b: str) -> str:
    """The label of a pair of actors, such as ``PRK–KOR`` (with an en dash).

    Parameters
    ----------
    a, b : str
        The actor codes, in the order to show.

    Returns
    -------
    str
        ``a`` and ``b`` joined by an en dash.
    """
    return f"{a}–{b}"


def figure_of(ax: Axes) -> Figure:
    """The top-level Figure an Axes is drawn on (for saving it).

    Parameters
    ----------
    ax : Axes
        Axes on a Figure, possibly inside a subfigure.

    Returns
    -------
    Figure
        The root Figure.

    Raises
    ------
    ValueError
        If the Axes is on no Figure.
    """
    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise ValueError("these axes are not on a figure")
    return fig


def save_figure(fig: Figure, path: str | Path, fmt: str = "png", dpi: int = 150) -> Path:
    """Save with fixed metadata (no dates, no software version): same data, same bytes.

    Parameters
    ----------
    fig : Figure
        The figure to save; it is drawn inside :func:`plot_style`.
    path : str or Path
        The file to write, with its extension (the format is ``fmt``, not the suffix).
    fmt : str
        ``png``, ``svg`` or ``pdf`` (:data:`~sim.plots.formats.FORMATS`).
    dpi : int
        Resolution of raster output, dots per inch.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of the formats.
    """
    if fmt not in METADATA:
        raise ValueError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    with plot_style():
        restore = freeze_date_ticks(fig)
        try:
            if fmt == "png":
                _print_png(fig, path, dpi)
            else:
                fig.savefig(path, format=fmt, dpi=dpi, metadata=METADATA[fmt])
        finally:
            restore()  # the caller's figure keeps its automatic ticks (it may be zoomed)
    return path


def _print_png(fig: Figure, path: Path, dpi: int) -> None:
    """Write ``fig`` as PNG with one draw, which lays the figure out and renders it.

    ``Figure.savefig`` draws a figure with a layout engine twice: once without
    rendering, to lay it out, and once to render, laying it out again.  The second
    layout gives the same places, so one draw gives the same pixels at about two
    thirds of the time (the baseline's eight figures: tests/test_plots.py checks
    the bytes against ``savefig``'s).
    """
    canvas = fig.canvas
    old_dpi = fig.dpi
    try:
        fig.dpi = dpi
        agg = FigureCanvasAgg(fig)
        agg._is_saving = True  # type: ignore[attr-defined]  # as savefig sets it
        agg.print_png(path, metadata=METADATA["png"])
    finally:
        fig.dpi = old_dpi
        fig.set_canvas(canvas)


def freeze_date_ticks(fig: Figure) -> Callable[[], None]:
    """Replace each date axis's automatic ticks by the same ticks, fixed (in place).

    An automatic date locator and its concise formatter are asked for the ticks and
    labels each time the figure lays itself out and draws, per axes: in a figure of
    small multiples that is most of its drawing time (the actors figure spent 1.1 of
    its 2.1 s there).  They depend only on the view limits, so they are computed once
    per distinct limits and fixed: the figure is drawn the same, pixel for pixel.

    Parameters
    ----------
    fig : Figure
        A figure whose axes use :func:`date_axis`; other axes are left alone.

    Returns
    -------
    callable
        Puts the automatic locators and formatters back (call it after saving).
    """
    fixed: dict[tuple[float, float], tuple[list[float], list[str]]] = {}
    originals: list[tuple[Any, Any, Any]] = []
    for ax in fig.axes:
        axis = ax.xaxis
        locator, formatter = axis.get_major_locator(), axis.get_major_formatter()
        if not (
            isinstance(locator, mdates.AutoDateLocator)
            and isinstance(formatter, mdates.ConciseDateFormatter)
        ):
            continue
        low, high = ax.get_xlim()
        limits = (float(low), float(high))
        if limits not in fixed:
            ticks = [float(t) for t in locator()]  # as a draw asks: the axis's view limits
            fixed[limits] = ticks, list(formatter.format_ticks(ticks))
        ticks, labels = fixed[limits]
        originals.append((axis, locator, formatter))
        axis.set_major_locator(mticker.FixedLocator(ticks))
        axis.set_major_formatter(mticker.FixedFormatter(labels))

    def restore() -> None:
        for axis, locator, formatter in originals:
            axis.set_major_locator(locator)
            axis.set_major_formatter(formatter)

    return restore
