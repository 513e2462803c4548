"""The security-balance panel of a run or a comparison: what moved, and by how much.

The panel gathers the measures that show the balance on the peninsula rather than the
two-pole ``balance``: the deterrence balance and dispute risk of each key dyad, the
reach-weighted capability of each key dyad's challenger, and the landscape of blocs
(minimum frustration, the gap to the next-best alignment, polarisation).
:func:`panel_measures` names them for a result, :func:`run_panel` summarises one run
(start, end and seed band) and :func:`comparison_panel` the paired differences of
scenarios from a reference.  :func:`bloc_partition` words the emergent blocs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..results import RunResult
from .compare import measure_series

LANDSCAPE = ("frustration", "blocs_gap", "polarisation")
"""The landscape measures of the panel (model level)."""


def panel_measures(result: RunResult) -> list[str]:
    """The panel's measures for a result, in display order.

    Parameters
    ----------
    result : RunResult
        A run; its key dyads name the deterrence and risk columns.

    Returns
    -------
    list of str
        ``deterrence.D.C`` and ``conflict_risk.C.D`` for each key dyad (challenger C,
        defender D), ``reach.C`` for each challenger, then :data:`LANDSCAPE`.
    """
    columns = list(result.measures.columns)
    deterrence = [c for c in columns if c.startswith("deterrence.")]
    risk = [c for c in columns if c.startswith("conflict_risk.")]
    challengers = list(dict.fromkeys(c.split(".")[1] for c in risk))
    reach = [f"reach.{c}" for c in challengers if "reach" in result.actors.columns]
    landscape = [c for c in LANDSCAPE if c in columns]
    return deterrence + risk + reach + landscape


def _end_and_start(result: RunResult, measure: str) -> tuple[pd.Series, pd.Series]:
    """Per-replication values of a measure at the last and the first step."""
    series = measure_series(result, measure)
    last, first = series["step"].max(), series["step"].min()
    end = series[series["step"] == last].set_index("replication")["value"]
    start = series[series["step"] == first].set_index("replication")["value"]
    return end, start


def run_panel(result: RunResult) -> pd.DataFrame:
    """Start and end medians and the 5-95 % seed band at the end of each panel measure.

    Parameters
    ----------
    result : RunResult
        A run.

    Returns
    -------
    pandas.DataFrame
        Columns measure, start, end, p05, p95 (in the measure's unit).
    """
    rows = []
    for name in panel_measures(result):
        end, start = _end_and_start(result, name)
        x = end.to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        lo, mid, hi = np.quantile(x, [0.05, 0.5, 0.95]) if x.size else (np.nan,) * 3
        rows.append(
            {"measure": name, "start": float(start.median()), "end": mid, "p05": lo, "p95": hi}
        )
    return pd.DataFrame(rows, columns=["measure", "start", "end", "p05", "p95"])


def comparison_panel(results: Sequence[RunResult]) -> pd.DataFrame:
    """Paired end-state differences of every panel measure, each scenario minus the first.

    Parameters
    ----------
    results : sequence of RunResult
        Runs with common random numbers (the same root seed); the first is the reference.

    Returns
    -------
    pandas.DataFrame
        Columns measure, scenario, reference (its mean at the end), mean_difference,
        se (standard error of the mean paired difference) and z (their ratio; NaN
        when se is 0).
    """
    results = [r.succeeded() for r in results]  # a failed replication's pairs drop out
    reference = results[0]
    rows = []
    for name in panel_measures(reference):
        ref, _ = _end_and_start(reference, name)
        for other in results[1:]:
            value, _ = _end_and_start(other, name)
            paired = (value - ref).dropna()  # the replications both sides kept
            d = paired.to_numpy(dtype=float)
            mean = float(d.mean()) if d.size else np.nan
            se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else np.nan
            rows.append(
                {
                    "measure": name,
                    "scenario": other.scenario.name,
                    "reference": float(ref.loc[paired.index].mean()),
                    "mean_difference": mean,
                    "se": se,
                    "z": mean / se if se and np.isfinite(se) and se > 0 else np.nan,
                }
            )
    columns = ["measure", "scenario", "reference", "mean_difference", "se", "z"]
    return pd.DataFrame(rows, columns=columns)


def bloc_partition(result: RunResult) -> tuple[str, float]:
    """The most common minimum-frustration partition at the end, and its share of runs.

    Parameters
    ----------
    result : RunResult
        A run with the actor measure ``bloc``.

    Returns
    -------
    (text, share): e.g. ``("RUS+CHN+PRK | USA+JPN+KOR", 1.0)``, the bloc holding the
    scenario's pole b second; ``("", 0.0)`` without the measure.
    """
    a = result.actors
    if "bloc" not in a.columns or a.empty:
        return "", 0.0
    end = a[a["step"] == a["step"].max()]
    words = []
    for _, run in end.groupby("replication"):
        first = "+".join(run.loc[run["bloc"] == 0.0, "actor"])
        second = "+".join(run.loc[run["bloc"] == 1.0, "actor"])
        words.append(f"{first} | {second}" if first and second else first or second)
    counts = pd.Series(words).value_counts()
    return str(counts.index[0]), float(counts.iloc[0] / len(words))
