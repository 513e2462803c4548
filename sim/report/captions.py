"""Captions of the figures a report inlines, by figure name.

The figure files of a results folder are named by the writers of :mod:`sim.plots`
(``plots/balance.png``, ``plots/outcome-balance_last-by-RUS_doctrine_transfer_willingness.png``,
``discovery-*/discovery_box.png``); :func:`caption` turns a name, with what the folder
says about itself (:class:`Context`), into the caption a reader needs: what is drawn,
in which unit, and what the bands are.  The wording follows ``docs/plots.md`` and
``docs/sensitivity.md``, which show each figure at length.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .words import measure_phrase, names_list, short_parameter

BANDS = "Line: median over {n} replications; shades: 50\u00a0% and 90\u00a0% seed bands."

RUN_CAPTIONS = {
    "balance": (
        "The regional balance over time (top): \u22121 is all regional power aligned with "
        "{a}, +1 with {b}; the y range is fitted to the data, so read the tick values. "
        "Dashed lines are scheduled events (numbered, named in the legend), triangles "
        "fired reactions. Bottom: the balance over the poles' members (core) and over "
        "the others (swing). " + BANDS
    ),
    "risk": (
        "Tension (power- and proximity-weighted mean hostility, 0\u20131), the yearly "
        "probability of a militarised dispute for each key dyad and for any of them "
        "(dashed), and provocations as a yearly rate (mean over replications). " + BANDS
    ),
    "security": (
        "Top: the deterrence balance of each key dyad, defender against challenger (+1 a "
        "secure defender, 0 parity, \u22121 a defender at the challenger's mercy). Middle: "
        "each challenger's reach, the share of world military capability it can bring to "
        "bear on the region (log scale). Bottom: the emergent blocs of landscape theory "
        "(Axelrod & Bennett 1993): polarisation, the gap to the next-best alignment and "
        "the frustration left. " + BANDS
    ),
    "actors": (
        "One column per actor: military capability (stock, USD bn), defence burden "
        "(military spending as % of GDP) and GDP (USD bn, constant 2024). Each panel has "
        "its own y scale: compare shapes and tick values, not heights. " + BANDS
    ),
    "trade": (
        "The flows that carry the munitions-for-technology bargain, then the largest "
        "flows into or out of a sanctions target, stacked by category: recorded trade "
        "solid, unrecorded (sanctions-busting) trade hatched on top; USD bn a year, mean "
        "over replications; each panel has its own y scale."
    ),
    "sanctions": (
        "For each sanctioned target: pressure, the share of its potential trade that the "
        "sanctions block, and leakage, the share that passes unrecorded or as payment, "
        "both in % of potential trade. " + BANDS
    ),
    "network": (
        "Relations and alliances at the start, middle and end of the run, on a fixed "
        "circle (pole a on the left, pole b on the right). Node area: regional power "
        "(median over replications); edge colour: the mean of the two directed relations "
        "(red hostile, blue friendly); edge width: the stronger alliance commitment."
    ),
    "heatmap": (
        "Directed relations, the row's attitude toward the column, medians over "
        "replications, at the first and last date on the same \u22121 to +1 scale, and "
        "their change on its own scale."
    ),
}
"""Captions of the run figures (:data:`sim.plots.run.RUN_FIGURES`), with ``{n}``,
``{a}`` and ``{b}`` (replications and the poles' members) to fill in."""


@dataclass
class Context:
    """What a caption may name: replications, poles, the compared measure, a sweep's names.

    Attributes
    ----------
    replications : int
        Replications behind the bands.
    poles : tuple of str
        The members of pole a and pole b, in words.
    names : mapping of str to str
        Actor code to name.
    measure : str
        A comparison's measure (``balance``, ``capability.PRK:growth``).
    reference : str
        A comparison's reference scenario.
    slugs : mapping of str to str
        Figure-name part to the measure or parameter it was made from, for sweeps
        (``balance_last`` to ``balance:last``).
    parameters : tuple of str
        A sweep's parameters, in order.
    """

    replications: int = 0
    poles: tuple[str, str] = ("pole a", "pole b")
    names: Mapping[str, str] = field(default_factory=dict)
    measure: str = ""
    reference: str = ""
    slugs: Mapping[str, str] = field(default_factory=dict)
    parameters: tuple[str, ...] = ()


def slug(text: str) -> str:
    """The figure-name form of a measure or parameter (as :mod:`sim.plots.sweep` makes it).

    Parameters
    ----------
    text : str
        A measure (``balance:last``) or a parameter's short label.

    Returns
    -------
    str
        Letters and digits kept, every other character ``_``, no ``_`` at the ends.
    """
    return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")


def _measure(part: str, context: Context) -> str:
    measure = context.slugs.get(part, part)
    return f"{measure} ({measure_phrase(measure, context.names)})"


def _parameter(part: str, context: Context) -> str:
    path = context.slugs.get(part, part)
    return short_parameter(path, context.names)


def caption(name: str, context: Context) -> str:
    """The caption of the figure ``name`` (its file name without the extension).

    Parameters
    ----------
    name : str
        ``balance``, ``observed_milex_KOR``, ``comparison``, ``outcome-M-by-P``,
        ``heatmap-M``, ``sobol-M``, ``morris-M``, ``discovery_tradeoff``...
    context : Context
        What the folder says about itself.

    Returns
    -------
    str
        The caption, plain text; a figure the report does not know gets a neutral
        one naming the file.
    """
    fill = {"n": context.replications, "a": context.poles[0], "b": context.poles[1]}
    if name in RUN_CAPTIONS:
        return RUN_CAPTIONS[name].format(**fill)
    if name.startswith("observed_"):
        series = context.slugs.get(name[len("observed_") :], name[len("observed_") :])
        return (
            f"{measure_phrase(series, context.names).capitalize()} against the record: "
            "the observations (points, with their intervals where the source gives one) "
            "over the model's median and 50\u00a0% and 90\u00a0% seed bands; the scoring "
            "windows are shaded."
        )
    what = measure_phrase(context.measure, context.names) if context.measure else "the measure"
    ref = context.reference or "the reference"
    comparison = {
        "comparison": (
            f"Top: each scenario's median of {what} with its 90\u00a0% seed band (the "
            f"reference, {ref}, dashed). Bottom: the paired difference from {ref}, median "
            "with 50\u00a0% and 90\u00a0% bands; a band that excludes 0 means the scenario "
            "moves the measure in nearly every replication."
        ),
        "difference": (
            f"The paired difference of {what} from {ref} over time: median with 50\u00a0% "
            "and 90\u00a0% bands across the paired replications."
        ),
        "overlay": f"{what[:1].upper() + what[1:]} in each scenario: median with seed bands.",
        "ranking": (
            f"Scenarios ranked by the absolute mean paired difference from {ref} in "
            f"{what}: the thick bar is the 90\u00a0% interval of the mean, the thin bar the "
            "5th to 95th percentile of the per-replication differences."
        ),
    }
    if name in comparison:
        return comparison[name]
    if name.startswith("outcome-") and "-by-" in name:
        measure, _, parameter = name[len("outcome-") :].partition("-by-")
        return (
            f"{_measure(measure, context)} against {_parameter(parameter, context)}: median "
            "with 50\u00a0% and 90\u00a0% bands over the runs at each value (seed bands; "
            "with other parameters swept, their spread is pooled in too; a sampled "
            "parameter is binned)."
        )
    if name.startswith("heatmap-"):
        grid = names_list([short_parameter(p, context.names) for p in context.parameters[:2]])
        return (
            f"Mean of {_measure(name[len('heatmap-') :], context)} over replications on "
            f"the grid of {grid or 'the first two parameters'}; the title compares the "
            "spread across cells with their paired standard error."
        )
    if name.startswith("sobol-"):
        return (
            f"Sobol indices of {_measure(name[len('sobol-') :], context)}: the first-order "
            "(S1) and total-order (ST) shares of its variance per parameter, with 95\u00a0% "
            "bootstrap intervals. ST much above S1: the parameter acts through interactions."
        )
    if name.startswith("morris-"):
        return (
            f"Morris screening of {_measure(name[len('morris-') :], context)}: \u03bc*, the "
            "mean absolute elementary effect (importance), against \u03c3, their spread; a "
            "parameter above the dashed line \u03c3 = \u03bc* acts non-linearly or in "
            "interaction; bars are 95\u00a0% bootstrap intervals of \u03bc*."
        )
    if name == "discovery_tradeoff":
        return (
            "PRIM's peeling trajectory: each box's coverage (the share of the runs of "
            "interest inside it) against its density (the share of its runs that are of "
            "interest), coloured by the number of restricted parameters; the chosen box "
            "is marked."
        )
    if name == "discovery_box":
        return (
            "The chosen PRIM box: for each parameter, the part of the sweep's range the box "
            "keeps (grey: unrestricted)."
        )
    return f"The figure {name}."
