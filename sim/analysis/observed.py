"""The run against the record: the model's spread at each observation, and its scores.

:func:`model_at_observations` reads, for every observation of
:func:`~sim.scenario.observations.load_observations`, the measure of every
replication over the steps of the observation's period (their mean, or their sum
for a count per step): an ensemble of one value per replication.  :func:`score`
then gives each series, over the whole run and per window:

- the share of observations inside the model's central 50 % and 90 % bands
  (a calibrated model puts about 50 % and 90 % there);
- the mean CRPS of the ensemble (Gneiting & Raftery 2007, eq. 21; Hersbach
  2000), in the measure's unit: 0 for a sure and right forecast;
- the mean interval score of the 90 % band (Gneiting & Raftery 2007, eq. 43):
  its width plus 2/alpha = 20 times any miss, in the measure's unit.

Both scores are computed by ``scoringrules`` (Zanetti & Allen, 2024), not here.
A period wholly inside a window counts in that window; one across two windows
counts only in ``all``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..scenario.observations import window_of

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The model quantiles written beside each observation."""

ALPHA = 0.1
"""The interval score's band: the central 90 %."""


def _series(tables: dict[str, pd.DataFrame], name: str, actors: str) -> pd.DataFrame:
    """(replication x step) values of one measure from a run's tidy tables."""
    codes = actors.split(".") if actors else []
    if not codes:
        frame = tables["measures"]
        rows = frame
    elif len(codes) == 1:
        frame = tables["actors"]
        rows = frame[frame["actor"] == codes[0]]
    else:
        frame = tables["dyads"]
        rows = frame[(frame["actor"] == codes[0]) & (frame["partner"] == codes[1])]
    if name not in frame.columns:
        raise KeyError(f"the run's tables have no column {name!r}")
    return rows.pivot(index="replication", columns="step", values=name)


def model_at_observations(
    tables: dict[str, pd.DataFrame], observations: pd.DataFrame
) -> np.ndarray:
    """The model's value of each observation in each replication, (n_obs, R).

    Parameters
    ----------
    tables : dict of DataFrame
        A run's tidy tables (``RunResult.tables``; replications in ``replication``).
    observations : DataFrame
        :func:`~sim.scenario.observations.load_observations` of the run's scenario.

    Returns
    -------
    ndarray
        One row per observation, one column per replication (in replication order);
        NaN where a replication's measure is NaN over the period.
    """
    cache: dict[tuple[str, str], pd.DataFrame] = {}
    out = []
    for row in observations.itertuples(index=False):
        key = (row.name, row.actors)
        if key not in cache:
            cache[key] = _series(tables, row.name, row.actors)
        block = cache[key].loc[:, row.step_first : row.step_last].to_numpy(dtype=float)
        out.append(block.sum(axis=1) if row.how == "sum" else block.mean(axis=1))
    if not out:
        return np.zeros((0, 0))
    return np.vstack(out)


def beside(observations: pd.DataFrame, samples: np.ndarray) -> pd.DataFrame:
    """Each observation with the model's quantiles, band memberships and scores.

    Parameters
    ----------
    observations : DataFrame
        The observations (:func:`~sim.scenario.observations.load_observations`).
    samples : ndarray
        :func:`model_at_observations` of them, (n_obs, R).

    Returns
    -------
    DataFrame
        The observations' columns, then ``runs`` (replications with a value),
        ``p05`` ... ``p95``, ``in50``, ``in90``, ``crps`` and ``interval_score``.
    """
    import scoringrules as sr

    frame = observations.reset_index(drop=True).copy()
    n = len(frame)
    q = np.full((n, len(QUANTILES)), np.nan)
    crps = np.full(n, np.nan)
    interval = np.full(n, np.nan)
    runs = np.zeros(n, dtype=int)
    for k in range(n):
        ens = samples[k][np.isfinite(samples[k])]
        runs[k] = ens.size
        if ens.size == 0:
            continue
        q[k] = np.quantile(ens, QUANTILES)
        y = float(frame.at[k, "value"])
        crps[k] = float(sr.crps_ensemble(y, ens))
        interval[k] = float(sr.interval_score(y, q[k, 0], q[k, -1], ALPHA))
    frame["runs"] = runs
    for j, p in enumerate(QUANTILES):
        frame[f"p{round(100 * p):02d}"] = q[:, j]
    y = frame["value"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        frame["in50"] = np.where(runs > 0, (q[:, 1] <= y) & (y <= q[:, 3]), np.nan)
        frame["in90"] = np.where(runs > 0, (q[:, 0] <= y) & (y <= q[:, 4]), np.nan)
    frame["crps"] = crps
    frame["interval_score"] = interval
    return frame


def score(per_observation: pd.DataFrame, windows: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Per series and window: observations, band coverage and mean scores.

    Parameters
    ----------
    per_observation : DataFrame
        :func:`beside`'s table.
    windows : dict
        The scenario's ``observations.windows`` (name to first and last month).

    Returns
    -------
    DataFrame
        ``measure, unit, window, observations, in50, in90, crps, interval_score``: one row
        per measure for ``all``, then one per window that holds any of its
        observations.  Coverage and scores are means over the observations with a
        model value.
    """
    rows = []
    names = ["all", *windows]
    for measure, group in per_observation.groupby("measure", sort=False):
        member = {
            "all": np.ones(len(group), dtype=bool),
            **{w: np.zeros(len(group), dtype=bool) for w in windows},
        }
        for k, (first, last) in enumerate(zip(group["first"], group["last"], strict=True)):
            for w in window_of(first, last, windows):
                member[w][k] = True
        for w in names:
            part = group[member[w]]
            if w != "all" and part.empty:
                continue
            scored = part[part["runs"] > 0]
            rows.append(
                {
                    "measure": measure,
                    "unit": group["unit"].iloc[0] if "unit" in group else "",
                    "window": w,
                    "observations": len(part),
                    "in50": scored["in50"].mean() if len(scored) else np.nan,
                    "in90": scored["in90"].mean() if len(scored) else np.nan,
                    "crps": scored["crps"].mean() if len(scored) else np.nan,
                    "interval_score": scored["interval_score"].mean() if len(scored) else np.nan,
                }
            )
    columns = [
        "measure",
        "unit",
        "window",
        "observations",
        "in50",
        "in90",
        "crps",
        "interval_score",
    ]
    return pd.DataFrame(rows, columns=columns)
