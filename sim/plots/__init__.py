"""Figures: matplotlib functions, data in, Axes or Figure out.

Every drawing function takes a result (:class:`~sim.results.RunResult`, a
:class:`~sim.analysis.compare.Comparison`, a :class:`~sim.analysis.store.SweepResult`)
and ``ax=None`` (single panels) or ``fig=None`` (multi-panel figures), draws on a
:class:`matplotlib.figure.Figure` it creates when none is given, and returns the Axes
or the Figure.  Nothing here calls ``plt.show()``, uses the pyplot state machine or
changes ``rcParams`` beyond a temporary ``rc_context``.  Each figure has a ``*_data``
function returning the tidy frame it draws, saved beside the image as CSV.

Modules: :mod:`.style` (palettes, actor styles, helpers, saving), :mod:`.timeline` (balance,
risk and tension), :mod:`.security` (deterrence, reach, blocs), :mod:`.economy` (actors, trade, sanctions), :mod:`.run` (the run's
figures by name and :func:`write_run_plots`), :mod:`.relations` (network and
heatmap), :mod:`.compare` (comparisons), :mod:`.sweep` (sweeps and sensitivity),
:mod:`.formats` (formats and metadata).  The run figures are importable from here
(``from sim import plots; plots.balance(result)``); they load matplotlib when first
used, so that ``import sim.plots`` for :data:`FORMATS` stays cheap.  ``docs/plots.md``
shows every figure and says how to read it.

May import: the results, the analysis and the scenario; nothing imports plots but
the command line and the dashboard.
"""

from __future__ import annotations

import importlib
from typing import Any

from .formats import FORMATS, METADATA

_WHERE = {
    "run": "RUN_FIGURES write_run_plots",
    "timeline": (
        "event_marks balance_data balance balance_split balance_figure risk_data "
        "tension conflict_risk provocations risk_figure"
    ),
    "security": "security_data deterrence reach blocs security_figure",
    "economy": (
        "actors_data actors_figure trade_flows trade_data trade_figure sanctions_data "
        "sanctions sanctions_figure"
    ),
    "relations": (
        "network_layout network_data network network_figure network_gif heatmap_data "
        "relation_heatmap heatmap_figure"
    ),
    "compare": (
        "unit_text comparison_difference comparison_overlay comparison_ranking "
        "comparison_figure write_comparison_plots"
    ),
    "style": (
        "OKABE_ITO LINESTYLES TOL_MUTED RELATION_CMAP BAND_NOTE ActorStyle plot_style "
        "actor_styles other_colours to_dates date_axis draw_band band_legend_handles "
        "dyad_label save_figure"
    ),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    """The figure functions, loaded (with matplotlib) when first asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.plots' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])


__all__ = ["FORMATS", "METADATA", *_MODULE_OF]
