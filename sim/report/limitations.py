"""The notice and the documented limitations a report carries.

:data:`NOTICE` is the model's "exploring scenarios, not a forecast" notice, as the
README and ``geosim --help`` say it.  :data:`LIMITATIONS` condenses the "Known
limitations" of ``docs/model.md``, in its order and under its titles (a test checks
that every title there is here, so the two do not drift apart); :data:`READING`
adds, per kind of results folder, what its bands and indices do and do not say.
"""

from __future__ import annotations

NOTICE_HEAD = "geosim is a tool for exploring scenarios, not a forecast."
"""The first sentence of the notice, as the README says it."""

NOTICE_BODY = (
    "Its numbers are conditional on stated assumptions; read the differences between "
    "scenarios run with the same random numbers, with their bands, rather than levels."
)
"""The rest of the notice."""

NOTICE = f"{NOTICE_HEAD} {NOTICE_BODY}"
"""The notice every report shows at its top and opens its limitations with."""

LIMITATIONS: tuple[tuple[str, str], ...] = (
    (
        "Not a forecast.",
        "Relations, presence and most doctrine values are assumptions; the model "
        "explores the consequences of assumptions.",
    ),
    (
        "Relation events and the structural offset.",
        "An event that sets or shifts a relation is a shock with partial persistence, "
        "not a new steady state: the other forcings still point to the old level.",
    ),
    (
        "The scenario's recorded/unrecorded split is replaced by the model's.",
        "Trade flows start at the model's split of each total, given the regime's "
        "coverage and compliance; where the data's split differs, the compliance "
        "assumptions, not the data, decide it.",
    ),
    (
        "The balance depends on presence assumptions.",
        "Regional power is national power times an assumed presence, so the levels of "
        "the balance and of deterrence are mostly assumptions; the headline of a "
        "scenario is its paired difference from the baseline.",
    ),
    (
        "Reach constants are assumptions.",
        "How much an arsenal adds to reach (nuclear weight, delivery half, missile "
        "share) is assumed, with rough published anchors; delivery is one stock.",
    ),
    (
        "Enforcement gains are fitted per pair at the start.",
        "One gain per partner and target reproduces the pair's starting total and says "
        "nothing of how blocked trade divides among categories.",
    ),
    (
        "Alliance events and the start drive.",
        "A treaty event sets the commitment, but later formation and lapse still "
        "measure the drive against its starting value.",
    ),
    (
        "Step-length effects.",
        "Hazards, forcings and flows are held over a step, so month, quarter and year "
        "steps agree only approximately.",
    ),
    (
        "Hard kinks remain",
        "despite the no-clamp principle: a few max(0, .) terms (arms transfers, "
        "influence, hedging, hostility) and the clipping of event values to their ranges.",
    ),
    (
        "A background threat of zero",
        "leaves an actor whom no one is hostile to with insecurity 0 and an infinite "
        "arms response; keep it above zero.",
    ),
    (
        "Multilateral measures widen coverage of every category",
        "by the same step; which goods a resolution targets is not modelled.",
    ),
    (
        "No explicit domestic politics, no learning or foresight,",
        "presence and treaty levels change only by events, blocs are measured but feed "
        "nothing back, and there are no nuclear-use or war dynamics: conflict risk and "
        "deterrence are measures, not events.",
    ),
    (
        "Growth shocks",
        "have a mean slightly above one (negligible at the default size).",
    ),
)
"""``(title, text)`` of each known limitation, in the order of ``docs/model.md``."""

READING: dict[str, str] = {
    "run": (
        "Bands are seed bands: the spread of the random draws (provocation timing, "
        "misperception, growth shocks) with the parameters fixed, not the uncertainty "
        "in the parameters; for that, run a sweep."
    ),
    "hindcast": (
        "The scores compare the model's seed bands with the record: a calibrated model "
        "has about 50 % and 90 % of the observations inside its 50 % and 90 % bands. "
        "A good score over the window the parameters were chosen on is weaker evidence "
        "than one over a window held out."
    ),
    "comparison": (
        "Differences are paired: replication k of every scenario draws the same random "
        "numbers, so the shared noise cancels. Their bands show the seed spread of the "
        "difference with the parameters fixed."
    ),
    "sweep": (
        "Each point's bands are seed bands; with several parameters swept they also pool "
        "the other parameters' values. A difference between points smaller than the seed "
        "spread within a point needs more replications before it is read."
    ),
    "sensitivity": (
        "Indices are computed on the replicate means of each point and depend on the "
        "ranges in the sweep file; a high seed share of variance, or confidence "
        "intervals wider than the indices, mean more replications or samples are needed."
    ),
    "discovery": (
        "A PRIM box describes where in the sweep's ranges an outcome is frequent; it "
        "is a summary of the runs, not a causal claim, and depends on the level and "
        "density chosen."
    ),
}
"""What the uncertainty shown for each kind of folder is, and is not."""
