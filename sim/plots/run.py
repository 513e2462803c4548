"""The figures of a run, by name, and writing them all into a results folder.

The figures themselves live in :mod:`.timeline` (balance, risk and tension),
:mod:`.security` (deterrence, reach, blocs), :mod:`.economy` (actors, trade,
sanctions) and :mod:`.relations` (network, heatmap).

Every drawing function takes a :class:`~sim.results.RunResult` and ``ax=None``
(single panels) or ``fig=None`` (multi-panel figures), draws on a
:class:`matplotlib.figure.Figure` it creates when none is given, and returns the
Axes or the Figure.  Each figure has a ``*_data`` function returning the tidy frame
it draws, which :func:`write_run_plots` saves beside the image as CSV.  Lines are
medians over the run's replications and the shades are *seed* bands: 50 % (25th-75th
percentile) and 90 % (5th-95th) of the replications, the spread of the random draws
with the parameters fixed.  ``docs/plots.md`` shows each figure and how to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..results import RunResult
from .economy import (
    actors_data,
    actors_figure,
    sanctions_data,
    sanctions_figure,
    trade_data,
    trade_figure,
)
from .formats import FORMATS, METADATA
from .relations import heatmap_data, heatmap_figure, network_data, network_figure, network_gif
from .security import security_data, security_figure
from .style import (
    add_note,
    check_result,
    featured,
    save_figure,
)
from .timeline import balance_data, balance_figure, risk_data, risk_figure

# --------------------------------------------------------------------------- writing

#: The most actors a figure with one panel, row or node per actor shows; a larger
#: cast is cut to these (:func:`~sim.plots.style.featured`) and the figure says so.
ACTOR_LIMITS: dict[str, int] = {"actors": 8, "network": 20, "heatmap": 12}

Drawer = Callable[[RunResult], Figure]
#: The run figures: name -> (data function, figure function).  ``geosim plot --only``
#: takes these names.
RUN_FIGURES: dict[str, tuple[Callable[[RunResult], pd.DataFrame], Drawer]] = {
    "balance": (balance_data, balance_figure),
    "risk": (risk_data, risk_figure),
    "security": (security_data, security_figure),
    "actors": (actors_data, actors_figure),
    "trade": (trade_data, trade_figure),
    "sanctions": (sanctions_data, sanctions_figure),
    "network": (network_data, network_figure),
    "heatmap": (heatmap_data, heatmap_figure),
}


def write_run_plots(
    result: RunResult,
    folder: str | Path,
    fmt: str = "png",
    dpi: int = 150,
    only: Iterable[str] | None = None,
    gif: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write the run's figures to ``folder/plots/NAME.FMT``, each with ``NAME.csv``.

    Parameters
    ----------
    result : RunResult
        The run to draw.
    folder : str or Path
        The results folder (the ``plots`` subfolder is created).
    fmt : str
        ``png``, ``svg`` or ``pdf``.
    dpi : int
        Resolution of raster output.
    only : iterable of str, optional
        Names from :data:`RUN_FIGURES` to write (default all).  Figures with no
        data (no sanctions regime, no trade) are skipped.
    gif : bool
        Also write ``network.gif``, the animated relations network (needs Pillow).
    progress : callable, optional
        Called as ``progress(done, total)`` as the figures are drawn.

    Returns
    -------
    list of Path
        The paths written, each figure followed by its CSV file, then the GIF.

    Raises
    ------
    ValueError
        If ``fmt`` or a name in ``only`` is unknown.
    """
    check_result(result)
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
    cuts: dict[int, tuple[RunResult, str]] = {}
    total = len(names) + bool(gif)
    for done, name in enumerate(names, 1):
        data_fn, draw = RUN_FIGURES[name]
        limit = ACTOR_LIMITS.get(name)
        shown, note = result, ""
        if limit is not None:
            if limit not in cuts:
                cuts[limit] = featured(result, limit)
            shown, note = cuts[limit]
        if result.subset:  # a streamed run: the figures show what it kept in memory
            kept = f"medians and bands over {result.subset}; the tables hold every replication"
            note = f"{note}; {kept}" if note else kept
        data = data_fn(shown)
        if data.empty:
            if progress is not None:
                progress(done, total)
            continue
        data.to_csv(out / f"{name}.csv", index=False)
        fig = draw(shown)
        add_note(fig, note)
        written.append(save_figure(fig, out / f"{name}.{fmt}", fmt, dpi))
        written.append(out / f"{name}.csv")
        if progress is not None:
            progress(done, total)
    if gif:
        written.append(network_gif(result, out / "network.gif"))
        if progress is not None:
            progress(total, total)
    return written
