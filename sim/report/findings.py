"""Headline findings in plain language, generated from a results folder's tables.

Every sentence here is computed from a table the folder holds, and says which
(:attr:`Finding.source`); none is written by hand.  Each kind of folder has its
function:

- :func:`run_findings`: medians and 90 % ranges across replications at the end
  (``summary.csv``) against the start (step 0 of the tables): the balance, tension,
  the riskiest key dyad, the capabilities that grow most and least, the defence
  burden that changes most, the events per replication;
- :func:`score_findings`: a run with observations against the record
  (``score.csv``): the shares of observations inside the 50 % and 90 % bands;
- :func:`comparison_findings`: paired differences from the reference scenario, for
  the compared measure (``ranking.csv``) and for the end-state measures that move
  most consistently (``end_states.csv``);
- :func:`sweep_findings`: per measure, the lowest and highest point, the parameter
  most associated with it and the spread between points against the seed spread;
- :func:`sensitivity_findings`: the top Sobol or Morris indices per measure, with
  their confidence and the seed share of variance;
- :func:`discovery_findings`: the PRIM box, its density and coverage.

"90 % of replications between a and b" is the 5th to 95th percentile
(``numpy.quantile``, linear), as in ``summary.csv`` and ``ranking.csv``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..scenario import Scenario
from .words import (
    bound_text,
    capitalised,
    compact,
    difference_bound,
    difference_suffix,
    difference_text,
    measure_phrase,
    measure_unit,
    month_text,
    names_list,
    number,
    percent,
    resolving_digits,
    short_parameter,
    signed,
    split_measure,
    unit_kind,
    unit_suffix,
    value_text,
)


@dataclass(frozen=True)
class Finding:
    """One headline finding: a sentence, and the table it was computed from.

    Attributes
    ----------
    text : str
        The sentence, plain text (the report escapes it).
    source : str
        The file or files of the results folder it comes from.
    """

    text: str
    source: str


def actor_names(scenario: Scenario | None) -> dict[str, str]:
    """Actor code to name, from a scenario (empty without one).

    Parameters
    ----------
    scenario : Scenario or None
        The resolved scenario.

    Returns
    -------
    dict of str to str
        ``{"PRK": "North Korea", ...}``.
    """
    if scenario is None:
        return {}
    return {code: actor.name for code, actor in scenario.actors.items()}


def band(
    lo: float,
    hi: float,
    n: int,
    text=number,
    what: str = "replications",
    suffix: str = "",
) -> str:
    """The range of a band in words ("90 % of the 50 replications between a and b").

    Parameters
    ----------
    lo, hi : float
        The 5th and 95th percentiles.
    n : int
        How many values they are percentiles of.
    text : callable
        Formats each bound (:func:`~.words.number`, :func:`~.words.bound_text`...).
    what : str
        What the values are ("replications", "paired replications").
    suffix : str
        Written once after the upper bound (a unit).

    Returns
    -------
    str
        The range in words, for parentheses.
    """
    if n < 2:
        return f"a single {what.rstrip('s')}, so no band"
    return f"90\u00a0% of the {n} {what} between {text(lo)} and {text(hi)}{suffix}"


def _stats(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary.csv`` indexed by measure, rows without values left out."""
    frame = summary.set_index("measure")
    return frame[frame["n"].fillna(0) > 0]


# --------------------------------------------------------------------------- a run


def run_findings(
    summary: pd.DataFrame,
    start: Mapping[str, float],
    scenario: Scenario,
    events: Mapping[str, float] | None = None,
    failed: int = 0,
) -> list[Finding]:
    """Headline findings of one run: end-state medians and 90 % ranges against the start.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``summary.csv``: measure, n, median, mean, sd, p05, p95 at the end, over the
        replications that stayed in the model's domain.
    start : mapping of str to float
        Median at the start (step 0) of each measure, by the summary's names.
    scenario : Scenario
        The resolved scenario (names, poles, dates).
    events : mapping of str to float, optional
        Mean events per replication by kind.
    failed : int
        Replications that left the model's domain (left out of ``summary``).

    Returns
    -------
    list of Finding
        The balance, tension and the chance of any dispute, the riskiest key dyad,
        the capabilities that grow most and least, the defence burden that changes
        most (of those whose start lies outside their end's 90 % range), the events;
        each sentence with its numbers.
    """
    stats = _stats(summary)
    names = actor_names(scenario)
    end_date, start_date = month_text(scenario.date_of(scenario.steps)), month_text(scenario.start)
    source = "summary.csv; start: step 0 of the tables"
    out: list[Finding] = []

    def has(m: str) -> bool:
        return m in stats.index and m in start and math.isfinite(float(start[m]))

    def level(m: str, signs: bool = False) -> str:
        """The end median, then its 90 % range in parentheses."""
        unit = measure_unit(m)
        row = stats.loc[m]
        mid = signed(row["median"]) if signs else value_text(row["median"], unit)
        bounds = signed if signs else (lambda x: bound_text(x, unit))
        return f"{mid} ({band(row['p05'], row['p95'], int(row['n']), bounds, suffix=unit_suffix(unit))})"

    if has("balance"):
        row = stats.loc["balance"]
        a = names_list([names.get(c, c) for c in scenario.analysis.blocs.a])
        b = names_list([names.get(c, c) for c in scenario.analysis.blocs.b])
        first = float(start["balance"])
        if first < row["p05"]:
            moved = f"it moves toward {b}"
        elif first > row["p95"]:
            moved = f"it moves toward {a}"
        else:
            moved = "the start lies inside the end's range: no clear movement"
        out.append(
            Finding(
                f"The regional balance ends in {end_date} at {level('balance', True)}, "
                f"against {signed(first)} in {start_date}. On its scale \u22121 is all "
                f"regional power aligned with {a} and +1 with {b}, so {moved}.",
                source,
            )
        )
    for m in ("tension", "conflict_risk_any"):
        if has(m):
            unit = measure_unit(m)
            out.append(
                Finding(
                    f"{capitalised(measure_phrase(m, names))} ends at {level(m)}, against "
                    f"{value_text(float(start[m]), unit)} at the start.",
                    source,
                )
            )
    dyads = [m for m in stats.index if m.startswith("conflict_risk.") and has(m)]
    if dyads:
        top = max(dyads, key=lambda m: stats.loc[m, "median"])
        _, (x, y), _ = split_measure(top)
        unit = measure_unit(top)
        out.append(
            Finding(
                f"Of the key dyads, {names.get(x, x)}\u2013{names.get(y, y)} has the highest "
                f"yearly risk of a militarised dispute at the end: {level(top)}, against "
                f"{value_text(float(start[top]), unit)} at the start.",
                source,
            )
        )
    growth = {}
    for code in scenario.codes:
        m = f"capability.{code}"
        if has(m) and float(start[m]) > 0:
            growth[m] = stats.loc[m, "median"] / float(start[m]) - 1
    if growth:
        most = max(growth, key=lambda m: growth[m])
        least = min(growth, key=lambda m: growth[m])
        verbs = {most: ("grows the most", "falls the least")}
        if least != most:
            verbs[least] = ("grows the least", "falls the most")
        for m, (up, down) in verbs.items():
            out.append(
                Finding(
                    f"{capitalised(measure_phrase(m, names))} {up if growth[m] >= 0 else down}: "
                    f"{percent(growth[m], sign=True)} over the run, to {level(m)}.",
                    source,
                )
            )
    burdens = {  # burdens that moved: the start outside the end's 90 % range
        m: stats.loc[m, "median"] - float(start[m])
        for m in (f"defence_share.{c}" for c in scenario.codes)
        if has(m) and not stats.loc[m, "p05"] <= float(start[m]) <= stats.loc[m, "p95"]
    }
    if burdens:
        m = max(burdens, key=lambda k: abs(burdens[k]))
        unit = measure_unit(m)
        out.append(
            Finding(
                f"{capitalised(measure_phrase(m, names))} changes the most, by "
                f"{difference_text(burdens[m], unit)}: from "
                f"{value_text(float(start[m]), unit)} to {level(m)}.",
                source,
            )
        )
    if events:
        ranked = sorted(events.items(), key=lambda kv: -kv[1])[:4]
        listed = names_list([f"{kind.replace('_', ' ')} {number(v)}" for kind, v in ranked])
        out.append(Finding(f"Events per replication, on average: {listed}.", "events table"))
    if failed:
        total = failed + int(stats["n"].max()) if len(stats) else failed
        out.append(
            Finding(
                f"{failed} of {total} replications left the model's domain and are left out "
                "of these findings (manifest.json says where each one left it).",
                "manifest.json",
            )
        )
    return out


def start_medians(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """Median at the first step of every measure, named as in ``summary.csv``.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        At least the ``measures`` and ``actors`` tables of a run (or their first step).

    Returns
    -------
    dict of str to float
        Model measures by name, actor measures as ``MEASURE.ACTOR``.
    """
    from ..results import end_values

    first = {
        name: tables[name][tables[name]["step"] == tables[name]["step"].min()]
        for name in ("measures", "actors")
    }
    wide = end_values(first)
    numeric = wide.apply(pd.to_numeric, errors="coerce")
    return {str(k): float(v) for k, v in numeric.median().items()}


# --------------------------------------------------------------------------- observations


def _pooled(rows: pd.DataFrame, column: str) -> float:
    weight = rows["observations"].to_numpy(dtype=float)
    share = rows[column].to_numpy(dtype=float)
    ok = np.isfinite(share) & (weight > 0)
    return float((share[ok] * weight[ok]).sum() / weight[ok].sum()) if ok.any() else math.nan


def score_findings(
    score: pd.DataFrame,
    windows: Mapping[str, Sequence[str]] | None = None,
    scenario: Scenario | None = None,
) -> list[Finding]:
    """How the run's bands cover the record: pooled and per series, per window.

    Parameters
    ----------
    score : pandas.DataFrame
        ``score.csv``: measure, unit, window, observations, in50, in90, crps,
        interval_score; window ``all`` is the whole run.
    windows : mapping of str to (str, str), optional
        The scenario's scoring windows (first and last month), for the text.
    scenario : Scenario, optional
        For the actors' names.

    Returns
    -------
    list of Finding
        The pooled coverage of all observations, the best and worst covered series,
        and the pooled coverage per window.
    """
    names = actor_names(scenario)
    whole = score[score["window"] == "all"]
    out: list[Finding] = []
    if whole.empty:
        return out
    total = int(whole["observations"].sum())
    out.append(
        Finding(
            f"Against the record: of the {total} observations of {len(whole)} series, "
            f"{percent(_pooled(whole, 'in50'))} lie inside the model's 50\u00a0% band and "
            f"{percent(_pooled(whole, 'in90'))} inside its 90\u00a0% band (a calibrated "
            "model has about 50\u00a0% and 90\u00a0%).",
            "score.csv",
        )
    )
    if len(whole) > 1:
        ranked = whole.sort_values(["in90", "observations"], ascending=[False, False])
        best, worst = ranked.iloc[0], ranked.iloc[-1]

        def series(row: pd.Series) -> str:
            return (
                f"{measure_phrase(str(row['measure']), names)} "
                f"({percent(row['in90'])} of {int(row['observations'])} inside the 90\u00a0% band)"
            )

        out.append(
            Finding(f"Best covered: {series(best)}; worst covered: {series(worst)}.", "score.csv")
        )
    for window, rows in score[score["window"] != "all"].groupby("window", sort=False):
        span = (windows or {}).get(str(window))
        when = f" ({month_text(span[0])} to {month_text(span[1])})" if span else ""
        out.append(
            Finding(
                f"In the {window} window{when}: {percent(_pooled(rows, 'in50'))} of its "
                f"{int(rows['observations'].sum())} observations inside the 50\u00a0% band, "
                f"{percent(_pooled(rows, 'in90'))} inside the 90\u00a0% band.",
                "score.csv",
            )
        )
    return out


# --------------------------------------------------------------------------- comparisons

HEADLINE_PREFIXES = (
    "balance",
    "tension",
    "conflict_risk_any",
    "conflict_risk.",
    "deterrence.",
    "capability.",
    "milex.",
    "defence_share.",
    "gdp.",
    "reach.",
)
"""End-state measures a comparison's findings choose from (``balance`` alone, not
``balance_core``)."""

SHARES_OF_WORLD = ("share of world military capability",)
"""Units of positive shares whose differences read best in proportion, like money."""

HEADLINE_SHARE = 0.01
"""Least size of an end-state difference a comparison reports, as a share of the
reference's value (1 %): smaller ones are consistent but too small to be headlines."""


def _headline(measure: str) -> bool:
    return measure in ("balance", "tension", "conflict_risk_any") or any(
        measure.startswith(p) for p in HEADLINE_PREFIXES if p.endswith(".")
    )


def paired_end_differences(end_states: pd.DataFrame, reference: str, other: str) -> pd.DataFrame:
    """Paired end-state differences of every measure between two scenarios.

    Parameters
    ----------
    end_states : pandas.DataFrame
        ``end_states.csv`` of a comparison: scenario, replication, measure, value.
    reference, other : str
        The scenario names.

    Returns
    -------
    pandas.DataFrame
        One row per measure: measure, relative (the difference is a share of the
        reference's value: USD amounts with a positive reference), n, median, p05, p95
        and effect (|mean| / sd of the paired differences, inf when they are all the
        same and not zero), the differences as relative shares where relative.
    """
    wide = end_states.pivot_table(
        index=["replication"], columns=["scenario", "measure"], values="value", aggfunc="first"
    )
    rows = []
    for measure in sorted(set(end_states["measure"])):
        if (reference, measure) not in wide or (other, measure) not in wide:
            continue
        ref = wide[(reference, measure)].to_numpy(dtype=float)
        val = wide[(other, measure)].to_numpy(dtype=float)
        ok = np.isfinite(ref) & np.isfinite(val)
        if not ok.any():
            continue
        ref, val = ref[ok], val[ok]
        unit = measure_unit(measure)
        proportional = unit_kind(unit) == "money" or unit in ("share", *SHARES_OF_WORLD)
        relative = proportional and bool((ref > 0).all())
        d = val / ref - 1 if relative else val - ref
        sd = float(d.std(ddof=1)) if d.size > 1 else 0.0
        mean = float(d.mean())
        effect = abs(mean) / sd if sd > 0 else (math.inf if mean != 0 else 0.0)
        scale = abs(float(np.median(ref)))
        median = float(np.median(d))
        size = abs(median) if relative else (abs(median) / scale if scale > 0 else math.inf)
        rows.append(
            {
                "measure": measure,
                "relative": relative,
                "n": int(d.size),
                "median": float(np.median(d)),
                "p05": float(np.quantile(d, 0.05)),
                "p95": float(np.quantile(d, 0.95)),
                "size": size,
                "effect": effect,
            }
        )
    return pd.DataFrame(
        rows, columns=["measure", "relative", "n", "median", "p05", "p95", "size", "effect"]
    )


def comparison_findings(
    ranking: pd.DataFrame,
    reference: str,
    unit: str,
    end_states: pd.DataFrame | None = None,
    scenario: Scenario | None = None,
    per_scenario: int = 3,
) -> list[Finding]:
    """Paired differences of each scenario from the reference, in words.

    Parameters
    ----------
    ranking : pandas.DataFrame
        ``ranking.csv``: the compared measure's mean paired difference, its 5th and
        95th percentile over replications and the share with the same sign.
    reference : str
        The reference scenario's name.
    unit : str
        The compared measure's unit.
    end_states : pandas.DataFrame, optional
        ``end_states.csv`` (scenario, replication, measure, value); without it only
        the compared measure is reported.
    scenario : Scenario, optional
        The reference scenario, for the actors' names and the poles.
    per_scenario : int
        End-state measures reported per scenario, besides the compared one: the
        largest in proportion to the reference's value, among those that keep one sign
        in 90 % of the pairs and move by at least :data:`HEADLINE_SHARE`.

    Returns
    -------
    list of Finding
        For each scenario in the ranking's order, a sentence on the compared measure
        and up to ``per_scenario`` on other measures.
    """
    names = actor_names(scenario)
    out: list[Finding] = []
    for row in ranking.itertuples(index=False):
        reducer = str(row.reducer)
        measure = str(row.measure) + ("" if reducer in ("last", "nan") else f":{reducer}")
        when = "at the end" if reducer in ("last", "nan") else ""
        toward = ""
        if str(row.measure) == "balance" and scenario is not None and row.mean_difference:
            pole = (
                scenario.analysis.blocs.b if row.mean_difference > 0 else scenario.analysis.blocs.a
            )
            toward = f", toward {names_list([names.get(c, c) for c in pole])}"
        n = int(row.n)
        out.append(
            Finding(
                f"Against {reference}, {row.scenario} moves {measure_phrase(measure, names)} "
                f"by {difference_text(row.mean_difference, unit)} on average"
                f"{' ' + when if when else ''}{toward} "
                f"({band(row.p05, row.p95, n, lambda x: difference_bound(x, unit), 'paired replications', difference_suffix(unit))}; "
                f"the same sign in {percent(row.same_sign_share)} of them).",
                "ranking.csv",
            )
        )
        if end_states is None or end_states.empty:
            continue
        diffs = paired_end_differences(end_states, reference, str(row.scenario))
        diffs = diffs[diffs["measure"].map(_headline) & (diffs["measure"] != str(row.measure))]
        steady = diffs[
            (np.sign(diffs["p05"]) == np.sign(diffs["p95"]))
            & (diffs["p05"] != 0)
            & (diffs["size"] >= HEADLINE_SHARE)
        ]
        top = steady.sort_values("size", ascending=False, kind="stable").head(per_scenario)
        for d in top.itertuples(index=False):
            out.append(Finding(_end_sentence(d, reference, row.scenario, names), "end_states.csv"))
        if top.empty and not diffs.empty:
            out.append(
                Finding(
                    f"In {row.scenario}, no other headline measure ends more than "
                    f"{percent(HEADLINE_SHARE)} away from {reference} in 90\u00a0% of the "
                    "paired replications.",
                    "end_states.csv",
                )
            )
    return out


def _end_sentence(d, reference: str, other: str, names: Mapping[str, str]) -> str:
    """One end-state difference: "... capability ends 12 % higher than in baseline (...)"."""
    unit = measure_unit(d.measure)
    if d.relative:
        size, fmt = percent(abs(d.median)), (lambda x: percent(x, sign=True))
    else:
        size = difference_text(abs(d.median), unit).lstrip("+")
        fmt = lambda x: difference_bound(x, unit)  # noqa: E731
    suffix = "" if d.relative else difference_suffix(unit)
    word = "higher" if d.median > 0 else "lower"
    spread = (
        f"90\u00a0% of them between {fmt(d.p05)} and {fmt(d.p95)}{suffix}" if d.n > 1 else "no band"
    )
    return (
        f"In {other}, {measure_phrase(d.measure, names)} ends {size} {word} than in "
        f"{reference} (the median of {d.n} paired replications; {spread})."
    )


# --------------------------------------------------------------------------- sweeps


def _point_text(point: pd.Series, parameters: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(
        f"{short_parameter(p, names)} = {compact(float(point[p]))}" for p in parameters
    )


def sweep_findings(
    wide: pd.DataFrame,
    parameters: Sequence[str],
    measures: Sequence[str],
    scenario: Scenario | None = None,
) -> list[Finding]:
    """Per measure: lowest and highest point, the parameter it follows, the seed spread.

    Parameters
    ----------
    wide : pandas.DataFrame
        One row per finished run: point, replication, the parameters and the measures
        (:meth:`~sim.analysis.store.SweepResult.wide`), failed runs left out.
    parameters : sequence of str
        The swept parameter paths.
    measures : sequence of str
        The sweep's measures (``name[.A[.B]]:reducer``).
    scenario : Scenario, optional
        The base scenario, for the actors' names.

    Returns
    -------
    list of Finding
        Per measure, the range of the point medians with where it is lowest and
        highest, the parameter with the strongest rank correlation with it over the
        runs, and the spread between points against the seed spread within a point.
    """
    names = actor_names(scenario)
    out: list[Finding] = []
    for m in measures:
        if m not in wide or wide[m].notna().sum() == 0:
            continue
        groups = wide.groupby("point")[m]
        medians = groups.median().dropna()
        if medians.empty:
            continue
        first = wide.drop_duplicates("point").set_index("point")
        low, high = medians.idxmin(), medians.idxmax()
        reps = int(groups.count().min())
        digits = resolving_digits(medians.to_numpy())
        text = (
            f"{m} ({measure_phrase(m, names)}) ranges from {number(medians[low], digits)} to "
            f"{number(medians[high], digits)} across the {len(medians)} points (medians over "
            f"{reps}{'' if groups.count().max() == reps else ' or more'} replications "
            "each): lowest at "
            f"{_point_text(first.loc[low], parameters, names)}; highest at "
            f"{_point_text(first.loc[high], parameters, names)}."
        )
        correlations = {}
        for p in parameters:
            if p in wide and wide[p].nunique() > 1:
                rho = wide[[p, m]].corr(method="spearman").iloc[0, 1]
                if math.isfinite(rho):
                    correlations[p] = float(rho)
        if correlations:
            p = max(correlations, key=lambda k: abs(correlations[k]))
            text += (
                f" It follows {short_parameter(p, names)} most closely (Spearman rank "
                f"correlation over the {int(wide[m].notna().sum())} runs: "
                f"{signed(correlations[p], 2)})."
            )
        seed = (groups.quantile(0.95) - groups.quantile(0.05)).median()
        spread = medians[high] - medians[low]
        if reps >= 2 and math.isfinite(seed):
            if seed > 0 and spread < seed:
                text += (
                    f" The spread between points ({number(spread)}) is smaller than the "
                    f"typical 90\u00a0% seed range within a point ({number(seed)}): add "
                    "replications before reading the differences."
                )
            elif seed > 0:
                text += (
                    f" The spread between points is {number(spread / seed, 2)} times the "
                    f"typical 90\u00a0% seed range within a point ({number(seed)})."
                )
        out.append(Finding(text, "shards (values), points.parquet"))
    return out


def sensitivity_findings(
    indices: pd.DataFrame,
    method: str,
    seed_shares: pd.DataFrame | None = None,
    scenario: Scenario | None = None,
    top: int = 3,
) -> list[Finding]:
    """The most influential parameters of each measure, with their confidence.

    Parameters
    ----------
    indices : pandas.DataFrame
        ``sobol_indices.csv`` (measure, parameter, S1, S1_conf, ST, ST_conf) or
        ``morris_indices.csv`` (measure, parameter, mu, mu_star, mu_star_conf, sigma).
    method : str
        ``sobol`` or ``morris``.
    seed_shares : pandas.DataFrame, optional
        ``seed_share.csv``: measure, seed_share (share of the variance within points).
    scenario : Scenario, optional
        The base scenario, for the actors' names.
    top : int
        Parameters named per measure.

    Returns
    -------
    list of Finding
        One per measure: the top parameters by total-order index (Sobol) or mu*
        (Morris) with their 95 % confidence half-widths, and a warning when seed
        noise dominates or the intervals are wider than the indices.
    """
    names = actor_names(scenario)
    key = "ST" if method == "sobol" else "mu_star"
    shares = (
        seed_shares.set_index("measure")["seed_share"] if seed_shares is not None else pd.Series()
    )
    source = f"{method}_indices.csv" + (", seed_share.csv" if seed_shares is not None else "")
    out: list[Finding] = []
    for measure, rows in indices.groupby("measure", sort=False):
        ranked = rows.sort_values(key, ascending=False, kind="stable").head(top)
        if ranked.empty:
            continue
        head = ranked.iloc[0]
        if method == "sobol":
            lead = (
                f"the most influential parameter is {short_parameter(head['parameter'], names)} "
                f"(total-order index ST = {number(head['ST'], 2)} \u00b1 "
                f"{number(head['ST_conf'], 2)}; first-order S1 = {number(head['S1'], 2)})"
            )
            rest = [
                f"{short_parameter(r['parameter'], names)} ({number(r['ST'], 2)} \u00b1 "
                f"{number(r['ST_conf'], 2)})"
                for _, r in ranked.iloc[1:].iterrows()
            ]
            wide_ci = head["ST_conf"] > head["ST"]
        else:
            lead = (
                "the parameter with the largest mean absolute elementary effect is "
                f"{short_parameter(head['parameter'], names)} (\u03bc* = "
                f"{number(head['mu_star'], 2)} \u00b1 {number(head['mu_star_conf'], 2)}, "
                f"\u03c3 = {number(head['sigma'], 2)})"
            )
            rest = [
                f"{short_parameter(r['parameter'], names)} (\u03bc* = {number(r['mu_star'], 2)})"
                for _, r in ranked.iloc[1:].iterrows()
            ]
            wide_ci = head["mu_star_conf"] > head["mu_star"]
        text = f"For {measure} ({measure_phrase(str(measure), names)}), {lead}"
        text += f", then {names_list(rest)}." if rest else "."
        if method == "morris" and head["sigma"] > head["mu_star"]:
            text += " Its \u03c3 exceeds \u03bc*: its effect is non-linear or depends on other parameters."
        share = float(shares.get(measure, math.nan))
        if math.isfinite(share) and share > 0.5:
            text += (
                f" Seed noise makes up {percent(share)} of its variance: add replications "
                "before trusting these indices."
            )
        elif wide_ci:
            text += " The top index's confidence interval is wider than the index: add samples."
        out.append(Finding(text, source))
    return out


def discovery_findings(
    limits: pd.DataFrame,
    peeling: pd.DataFrame,
    about: Mapping[str, object],
    scenario: Scenario | None = None,
) -> list[Finding]:
    """The PRIM box in words: where the outcome is frequent, its density and coverage.

    Parameters
    ----------
    limits : pandas.DataFrame
        ``box.csv``: parameter, low, high, range_low, range_high, restricted.
    peeling : pandas.DataFrame
        ``peeling.csv``: id, coverage, density, mass, res_dim, n, k, chosen.
    about : mapping
        ``measure``, ``condition`` (below or above), ``level``, ``cases`` and ``runs``
        when known (``discovery.json``); a missing level is said to be unrecorded.
    scenario : Scenario, optional
        The base scenario, for the actors' names.

    Returns
    -------
    list of Finding
        The outcome's frequency in the sweep, and the chosen box with its density and
        coverage and the parameters it restricts.
    """
    names = actor_names(scenario)
    chosen = peeling[peeling["chosen"].astype(str).str.lower() == "true"]
    if chosen.empty:
        return []
    box = chosen.iloc[0]
    measure = str(about.get("measure", "the outcome"))
    condition = str(about.get("condition", ""))
    level = about.get("level")
    what = f"{measure} ({measure_phrase(measure, names)})"
    if condition and level is not None:
        what += f" {condition} {number(float(level))}"  # type: ignore[arg-type]
    out = []
    runs, cases = about.get("runs"), about.get("cases")
    if runs and cases is not None:
        out.append(
            Finding(
                f"Of the {runs} runs of the sweep, {cases} "
                f"({percent(int(cases) / int(runs))}) have {what}.",  # type: ignore[call-overload]
                "discovery.json",
            )
        )
    restricted = limits[limits["restricted"].astype(str).str.lower() == "true"]
    free = limits[limits["restricted"].astype(str).str.lower() != "true"]
    bounds = [
        f"{short_parameter(r.parameter, names)} to {compact(r.low)}\u2013{compact(r.high)} "
        f"(of {compact(r.range_low)}\u2013{compact(r.range_high)})"
        for r in restricted.itertuples(index=False)
    ]
    text = (
        f"PRIM's chosen box (peeling step {int(box['id'])} of {int(peeling['id'].max())}) "
        f"restricts {names_list(bounds) if bounds else 'no parameter'}"
        + (
            f" and leaves {names_list([short_parameter(p, names) for p in free['parameter']])} free"
            if len(free)
            else ""
        )
        + f". Inside it {percent(float(box['density']))} of the runs have the outcome "
        f"(density), and it holds {percent(float(box['coverage']))} of all the runs that "
        f"do (coverage), {int(box['n'])} runs in all."
    )
    out.append(Finding(text, "box.csv, peeling.csv"))
    return out
