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

    Returns one row per (``by``..., step, date) with columns p05, p25, median, p75,
    p95 and n (the number of replications with a finite value).
    """
    keys = [*by, "step", "date"]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *QUANTILES, "n"])
    grouped = frame.groupby(keys, sort=True, observed=True)[value]
    out = grouped.quantile(list(QUANTILES.values())).unstack()
    out.columns = list(QUANTILES)
    out["n"] = grouped.count()
    return out.reset_index()
