"""Global sensitivity analysis with SALib: Morris screening, Sobol indices.

A sensitivity file is a sweep file (:mod:`.sweep`) with ``method: morris`` or
``method: sobol``: parameters with ``range:`` bounds (and optional ``groups:``),
measures by the measure syntax, a base sample size (``samples:``; a power of 2 for
Sobol), replications per point.  The points come from ``SALib.sample.morris`` or
``SALib.sample.sobol`` (:mod:`.sample`); the runs go through the sweep runner
(batch engine, any executor, resumable); the indices come from
``SALib.analyze.morris`` or ``SALib.analyze.sobol`` with a fixed seed, so reruns
give identical indices.

Stochastic models, done properly (Marrel et al. 2012; Jaxa-Rozen & Kwakkel 2018):

- every sample point uses the same replication seeds (common random numbers), so
  a parameter the model ignores gets exactly zero effect;
- the indices are computed on the replicate mean of each point;
- the report gives the **seed share** of variance, mean within-point variance over
  the total variance of single runs: when it is large, effects are smaller than the
  noise and more replications (or a different measure) are needed;
- a **convergence** table recomputes the indices on the first N/4 and N/2 base
  samples, so that users see whether the confidence intervals are still shrinking.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .spec import SweepSpec
from .store import load
from .sweep import Sweep, load_sweep, run_sweep

ANALYSIS_SEED = 20240619
"""Seed of SALib's bootstrap confidence intervals (fixed: reruns give identical CIs)."""


def _rows_per_base_sample(spec: SweepSpec, problem: dict[str, Any]) -> int:
    k = len(set(problem.get("groups", problem["names"])))
    if spec.method == "sobol":
        return 2 * k + 2 if spec.second_order else k + 2
    return k + 1


def analyze_values(
    spec: SweepSpec,
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """Indices of one output ``y`` (one value per sample point, in sample order).

    Parameters
    ----------
    spec : SweepSpec
        The sensitivity file: its ``method`` (``sobol``, else Morris), ``levels`` and
        ``second_order``.
    problem : dict
        The SALib problem the points were sampled from (:func:`.sample.salib_problem`).
    x : numpy.ndarray
        (points, parameters) sample matrix, in sample order; used by Morris only.
    y : numpy.ndarray
        (points,) output at each point (here the replicate mean of a measure), in the
        measure's unit.
    seed : int
        Seed of SALib's bootstrap confidence intervals; default :data:`ANALYSIS_SEED`.

    Returns
    -------
    pandas.DataFrame
        One row per parameter (or group), column ``parameter`` then S1, S1_conf, ST,
        ST_conf for Sobol (shares of variance, 0..1, with the half-widths of their
        95 % bootstrap intervals); mu, mu_star, mu_star_conf, sigma for Morris
        (elementary effects in the unit of ``y``, each parameter's range scaled to
        [0, 1]).  With second-order
        Sobol indices, ``attrs["S2"]`` and ``attrs["S2_conf"]`` hold them as
        (parameter, parameter) frames.
    """
    if spec.method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=spec.second_order, seed=seed)
        names = list(dict.fromkeys(problem.get("groups", problem["names"])))
        frame = pd.DataFrame(
            {
                "parameter": names,
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        )
        if spec.second_order:
            s2 = pd.DataFrame(res["S2"], index=names, columns=names)
            frame.attrs["S2"] = s2
            frame.attrs["S2_conf"] = pd.DataFrame(res["S2_conf"], index=names, columns=names)
        return frame
    from SALib.analyze import morris

    res = morris.analyze(problem, x, y, num_levels=spec.levels, seed=seed)
    return pd.DataFrame(
        {
            "parameter": list(res["names"]),
            "mu": res["mu"],
            "mu_star": res["mu_star"],
            "mu_star_conf": res["mu_star_conf"],
            "sigma": res["sigma"],
        }
    )


def seed_share(values: pd.DataFrame) -> float:
    """Mean within-point variance over the total variance of single runs (0..1).

    Near 0 the parameters explain the measure; near 1 the random draws dominate it
    (``docs/sensitivity.md``).

    Parameters
    ----------
    values : pandas.DataFrame
        The reduced values of one measure, one row per run: columns ``point`` and
        ``value`` (as in :attr:`SweepResult.values`).

    Returns
    -------
    float
        The seed share, capped at 1; 0 if the runs do not vary at all (or there are
        fewer than two), NaN if no point has two runs.
    """
    total = values["value"].var(ddof=1)
    if not np.isfinite(total) or total == 0:
        return 0.0
    within = values.groupby("point")["value"].var(ddof=1).mean()
    return float(min(1.0, within / total)) if np.isfinite(within) else float("nan")


@dataclass
class SensitivityResult:
    """Indices per measure, the seed share, convergence, and where they were written.

    ``indices`` has one row per (measure, parameter or group): the columns of
    :func:`analyze_values` and ``rank`` (1: the largest ST or mu_star).
    ``seed_shares`` has one row per measure (measure, seed_share, runs, points);
    ``convergence`` the indices recomputed on N/4, N/2 and N base samples
    (measure, parameter, base_samples, then ST, ST_conf, S1, S1_conf or mu_star,
    mu_star_conf); ``second_order`` the Sobol S2 indices (measure, parameter, other,
    S2, S2_conf) or None.  ``folder`` is the sweep folder, ``wall_time_s`` the time
    taken (s).
    """

    method: str
    indices: pd.DataFrame  # measure, parameter, indices..., rank
    seed_shares: pd.DataFrame  # measure, seed_share, runs
    convergence: pd.DataFrame  # measure, parameter, base_samples, index, conf
    second_order: pd.DataFrame | None
    folder: Path
    wall_time_s: float

    def ranked(self, measure: str) -> pd.DataFrame:
        """The indices of one measure, most influential parameter first.

        Parameters
        ----------
        measure : str
            A measure of the sensitivity file, as written there (e.g. ``balance:last``).

        Returns
        -------
        pandas.DataFrame
            The rows of :attr:`indices` for ``measure``, sorted by ST (Sobol) or
            mu_star (Morris), descending.
        """
        frame = self.indices[self.indices["measure"] == measure]
        key = "ST" if self.method == "sobol" else "mu_star"
        return frame.sort_values(key, ascending=False).reset_index(drop=True)


def analyse(sweep: Sweep, folder: Path) -> SensitivityResult:
    """Compute the indices of every measure from a finished sensitivity sweep folder.

    Each measure's indices are computed on the replicate mean of every sample point;
    the convergence table repeats the analysis on the first N/4 and N/2 base samples
    (when they hold at least 4) and on all N.

    Parameters
    ----------
    sweep : Sweep
        The loaded sensitivity sweep (``method: sobol`` or ``morris``) with its points
        and SALib problem.
    folder : pathlib.Path
        Its sweep folder, as :func:`.sweep.run_sweep` wrote it.

    Returns
    -------
    SensitivityResult
        The indices, seed shares, convergence and S2 tables, with the folder and the
        sweep's wall time from its manifest (s).

    Raises
    ------
    RuntimeError
        A sample point of some measure has no finished run (every run of it failed):
        the design is incomplete and SALib cannot analyse it.
    """
    spec, problem = sweep.spec, sweep.problem
    result = load(folder)
    x = sweep.points.to_numpy(dtype=float)
    n_points = len(sweep.points)
    rows, shares, conv, s2_rows = [], [], [], []
    for measure in spec.measures:
        v = result.values[result.values["measure"] == measure]
        mean = v.groupby("point")["value"].mean().reindex(range(n_points))
        if mean.isna().any():
            missing = int(mean.isna().sum())
            raise RuntimeError(
                f"{missing} sample points of {measure} have no finished run "
                f"(failed runs: see runs table in {folder})"
            )
        y = mean.to_numpy()
        frame = analyze_values(spec, problem, x, y)
        frame.insert(0, "measure", measure)
        key = "ST" if spec.method == "sobol" else "mu_star"
        frame["rank"] = frame[key].rank(ascending=False, method="min").astype(int)
        rows.append(frame)
        if "S2" in frame.attrs:
            s2 = frame.attrs["S2"].stack().rename("S2").reset_index()
            s2.columns = ["parameter", "other", "S2"]
            s2["S2_conf"] = frame.attrs["S2_conf"].stack().to_numpy()
            s2.insert(0, "measure", measure)
            s2_rows.append(s2.dropna())
        shares.append(
            {"measure": measure, "seed_share": seed_share(v), "runs": len(v), "points": n_points}
        )
        per = _rows_per_base_sample(spec, problem)
        for fraction in (0.25, 0.5, 1.0):
            base = max(2, int((spec.samples or 0) * fraction))
            take = base * per
            if take > n_points or (fraction < 1.0 and base < 4):
                continue
            sub = analyze_values(spec, problem, x[:take], y[:take])
            for r in sub.itertuples():
                if spec.method == "sobol":
                    conv.append(
                        {
                            "measure": measure,
                            "parameter": r.parameter,
                            "base_samples": base,
                            "ST": r.ST,
                            "ST_conf": r.ST_conf,
                            "S1": r.S1,
                            "S1_conf": r.S1_conf,
                        }
                    )
                else:
                    conv.append(
                        {
                            "measure": measure,
                            "parameter": r.parameter,
                            "base_samples": base,
                            "mu_star": r.mu_star,
                            "mu_star_conf": r.mu_star_conf,
                        }
                    )
    indices = pd.concat(rows, ignore_index=True)
    indices.attrs = {}
    second = pd.concat(s2_rows, ignore_index=True) if s2_rows else None
    return SensitivityResult(
        spec.method,
        indices,
        pd.DataFrame(shares),
        pd.DataFrame(conv),
        second,
        folder,
        float(result.manifest.get("wall_time_s", 0.0)),
    )


def run_sensitivity(
    path_or_sweep: str | Path | Sweep,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    out: str | Path | None = None,
    progress=None,
) -> SensitivityResult:
    """Sample, run (resumable) and analyse; write the tables into the sweep folder.

    Parameters
    ----------
    path_or_sweep : str, pathlib.Path or Sweep
        A sensitivity file (a sweep file with ``method: sobol`` or ``morris``), or the
        sweep loaded from one.
    workers : int
        Worker processes (1: this process, for the local executor).
    executor : str
        ``local`` or ``dask``, as in :func:`.sweep.run_sweep`.
    scheduler : str, optional
        Address of a running Dask scheduler; default a LocalCluster (dask only).
    resume : bool
        Finish a folder that already holds runs, skipping the finished ones.
    out : str or pathlib.Path, optional
        Output root; default the file's ``out:``.
    progress : callable, optional
        Called as ``progress(done, total)`` (runs) as chunks finish.

    Returns
    -------
    SensitivityResult
        The indices and tables (:func:`save_tables` has written them), with the wall
        time of sampling, running and analysing (s).

    Raises
    ------
    ValueError
        The file's method is not ``sobol`` or ``morris``, or an unknown ``executor``.
    InputError
        A problem in the file, or a folder that already holds runs without ``resume``.
    RuntimeError
        A sample point has no finished run (:func:`analyse`).
    """
    sweep = path_or_sweep if isinstance(path_or_sweep, Sweep) else load_sweep(path_or_sweep)
    if sweep.spec.method not in ("sobol", "morris"):
        raise ValueError("a sensitivity file has method: sobol or method: morris")
    started = time.perf_counter()
    folder = run_sweep(
        sweep,
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        out=out,
        progress=progress,
    )
    result = analyse(sweep, folder)
    result.wall_time_s = time.perf_counter() - started
    save_tables(result)
    return result


def save_tables(result: SensitivityResult) -> list[Path]:
    """Write the index, seed-share and convergence tables (atomically) into the folder.

    Writes ``sobol_indices.csv`` or ``morris_indices.csv``, ``seed_share.csv``,
    ``convergence.csv``, ``sobol_S2.csv`` (second-order Sobol only) and
    ``sensitivity.json`` (method, analysis seed, wall time), each to a temporary file
    renamed into place (``docs/sensitivity.md``, Outputs).

    Parameters
    ----------
    result : SensitivityResult
        The analysis to write; its ``folder`` receives the files.

    Returns
    -------
    list of pathlib.Path
        The CSV files written (not ``sensitivity.json``).
    """
    written = []
    base = result.folder
    tables = {
        f"{result.method}_indices": result.indices,
        "seed_share": result.seed_shares,
        "convergence": result.convergence,
    }
    if result.second_order is not None:
        tables["sobol_S2"] = result.second_order
    for name, frame in tables.items():
        path = base / f"{name}.csv"
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        frame.to_csv(tmp, index=False)
        os.replace(tmp, path)
        written.append(path)
    meta = base / "sensitivity.json"
    tmp = meta.with_name(f".{meta.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(
        json.dumps(
            {
                "method": result.method,
                "analysis_seed": ANALYSIS_SEED,
                "wall_time_s": round(result.wall_time_s, 3),
            },
            indent=2,
        )
    )
    os.replace(tmp, meta)
    return written
