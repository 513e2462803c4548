"""Seed bands: quantiles of a measure over replications, per step.

Bands are **seed bands**: quantiles over replications (aleatory spread from the
random draws), 50 % (25-75th percentile) and 90 % (5-95th), around the median.
Figures, comparisons and reports all take their bands from :func:`seed_bands`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: Percentiles of the seed bands.
QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}


def seed_bands(frame: pd.DataFrame, value: str, by: Sequence[str] = ()) -> pd.DataFrame:
    """Median and 50 %/90 % seed bands of ``value`` over replications, per step.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long table, one row per replication and step (and ``by`` group): columns
        ``step``, ``date``, the column named by ``value`` and every column in ``by``,
        e.g. :func:`.compare.measure_series` frames with a ``scenario`` column.
    value : str
        The column to summarise, in the unit of the measure it holds.
    by : sequence of str
        Further columns to group by before the step (e.g. ``["scenario"]``); none by
        default.

    Returns
    -------
    pandas.DataFrame
        One row per (``by``..., step, date), sorted, with columns p05, p25, median,
        p75, p95 (in the unit of ``value``) and n (the number of replications with a
        finite value).  An empty ``frame`` gives an empty table with these columns.
    """
    keys = [*by, "step", "date"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *QUANTILES, "n"])
    grouped = frame.groupby(keys, sort=True, observed=True)[value]
    out = grouped.quantile(list(QUANTILES.values())).unstack()
    out.columns = list(QUANTILES)
    out["n"] = grouped.count()
    return out.reset_index()
