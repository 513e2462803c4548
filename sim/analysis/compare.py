"""Paired comparison of scenarios with common random numbers: ``geosim compare``.

Every scenario is run with the same root seed and the same replication indices, so
replication k of each scenario draws the same random numbers (its seed depends
only on the root seed and k).  The difference of a measure between a scenario and
the first one, taken per replication and step, is then a paired difference: the
seed noise they share cancels and what is left is the effect of the scenario.

:func:`compare` returns a :class:`Comparison` holding the per-replication values,
the paired differences, their median and 50 %/90 % seed bands, and a ranking of
the scenarios by the end-state mean paired difference with its standard error, a
90 % interval and the share of replications whose difference has the same sign.
Saved results folders that share seeds can stand in for scenario files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..measures import reduce
from ..registry import measures_by_name
from ..results import RunResult, atomic_folder, environment, load_results, safe_name
from ..runner import run
from ..scenario import MeasureSpec, Scenario, load_scenario, parse_measure
from .bands import seed_bands

#: Columns of :meth:`Comparison.ranking`.
RANKING_COLUMNS = (
    "rank",
    "scenario",
    "measure",
    "reducer",
    "n",
    "baseline_mean",
    "scenario_mean",
    "mean_difference",
    "se",
    "ci90_low",
    "ci90_high",
    "p05",
    "p95",
    "same_sign_share",
)
Z90 = 1.6448536269514722  # two-sided 90 % normal quantile


def measure_series(result: RunResult, measure: str | MeasureSpec) -> pd.DataFrame:
    """Time series of one measure per replication: replication, seed, step, date, value.

    Parameters
    ----------
    result : RunResult
        The replications of one scenario.
    measure : str or MeasureSpec
        ``name``, ``name.ACTOR`` or ``name.ACTOR.PARTNER`` (a reducer is ignored):
        model measures from the ``measures`` table, actor measures from ``actors``,
        dyad measures (key-dyad conflict risks, relations, threats...) from ``dyads``
        or ``measures``.

    Returns
    -------
    pandas.DataFrame
        One row per replication and step, columns replication, seed, step, date and
        value (float, in the measure's unit).

    Raises
    ------
    ValueError
        The measure is not in the results, or names an actor the scenario lacks.
    PathError
        The measure does not parse (unknown name or reducer); a ValueError too.
    """
    spec = (
        measure
        if isinstance(measure, MeasureSpec)
        else parse_measure(measure, list(result.scenario.codes))
    )
    keys = ["replication", "seed", "step", "date"]
    if not spec.actors:
        m = result.measures
        if spec.name not in m.columns:
            raise ValueError(f"measure {spec.name!r} is not in the results")
        return m[keys].assign(value=m[spec.name].to_numpy(dtype=float))
    missing = [c for c in spec.actors if c not in result.scenario.codes]
    if missing:
        raise ValueError(
            f"{result.scenario.name}: no actor {', '.join(missing)} for measure {spec.text!r}"
        )
    if len(spec.actors) == 1:
        a = result.actors
        sub = a[a["actor"] == spec.actors[0]]
        return sub[keys].assign(value=sub[spec.name].to_numpy(dtype=float)).reset_index(drop=True)
    first, second = spec.actors
    column = f"{spec.name}.{first}.{second}"
    if column in result.measures.columns:
        m = result.measures
        return m[keys].assign(value=m[column].to_numpy(dtype=float))
    d = result.dyads
    if spec.name not in d.columns:
        raise ValueError(f"dyad measure {spec.name!r} is not in the results")
    sub = d[(d["actor"] == first) & (d["partner"] == second)]
    return sub[keys].assign(value=sub[spec.name].to_numpy(dtype=float)).reset_index(drop=True)


def _reduce(frame: pd.DataFrame, reducer: str | None, dt: float) -> pd.Series:
    """One value per replication from a (replication, step, value) frame (measures.reduce)."""
    wide = frame.pivot(index="replication", columns="step", values="value").sort_index(axis=1)
    return pd.Series(reduce(wide.to_numpy(), reducer, dt), index=wide.index, name="value")


def _bands(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    return seed_bands(frame, value, by=["scenario"])


@dataclass
class Comparison:
    """Paired comparison of scenarios on one measure (the first is the reference).

    ``values`` is long: one row per scenario, replication and step, columns scenario,
    replication, seed, step, date and value (in ``unit``), restricted to the
    replications every scenario has.  ``names`` are the scenario names, made unique
    (``name#2``...), in input order; ``measure`` is the measure without its reducer
    and ``reducer`` the reducer (None: the end state).  ``manifest`` holds the root
    seed, the replications paired, the names, the replications left out
    (``left_out``: a replication of some scenario left the model's domain), the
    failed replications per scenario, each scenario's description and engine, and
    the versions (:func:`sim.results.environment`); ``path`` is set by :meth:`save`.
    """

    measure: str
    results: list[RunResult]
    names: list[str]
    values: pd.DataFrame
    unit: str = "1"
    reducer: str | None = None
    manifest: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def replications(self) -> int:
        """Number of paired replications (those every scenario has)."""
        return int(self.values["replication"].nunique())

    @property
    def end_label(self) -> str:
        """What the reduced value is, for figure labels: the last date, or the reducer."""
        last = self.values["step"].max()
        date = self.values.loc[self.values["step"] == last, "date"].iloc[0]
        return date if self.reducer in (None, "last") else f"{self.reducer} over the run"

    def differences(self) -> pd.DataFrame:
        """Paired difference of each scenario from the first, per replication and step.

        Returns
        -------
        pandas.DataFrame
            The rows of :attr:`values` of every scenario but the first, with column
            ``difference`` (scenario minus reference, same replication and step, in
            :attr:`unit`) in place of ``value``.
        """
        v = self.values
        ref = v[v["scenario"] == self.names[0]].set_index(["replication", "step"])["value"]
        out = v[v["scenario"] != self.names[0]].copy()
        idx = pd.MultiIndex.from_arrays([out["replication"], out["step"]])
        out["difference"] = out["value"].to_numpy() - ref.reindex(idx).to_numpy()
        return out.drop(columns="value").reset_index(drop=True)

    def difference_bands(self) -> pd.DataFrame:
        """Median and 50 %/90 % seed bands of the paired differences per scenario and step.

        Returns
        -------
        pandas.DataFrame
            :func:`.bands.seed_bands` of :meth:`differences` by scenario: scenario,
            step, date, p05, p25, median, p75, p95, n.
        """
        return _bands(self.differences(), "difference")

    def value_bands(self) -> pd.DataFrame:
        """Median and seed bands of the measure itself per scenario and step.

        Returns
        -------
        pandas.DataFrame
            :func:`.bands.seed_bands` of :attr:`values` by scenario: scenario, step,
            date, p05, p25, median, p75, p95, n.
        """
        return _bands(self.values, "value")

    def end_values(self) -> pd.DataFrame:
        """The reduced (default: end-state) value per scenario and replication.

        Returns
        -------
        pandas.DataFrame
            Columns scenario, replication and value (the trajectory reduced by
            :attr:`reducer`, :func:`sim.measures.reduce`).
        """
        dt = self.results[0].scenario.dt
        rows = []
        for name in self.names:
            sub = self.values[self.values["scenario"] == name]
            s = _reduce(sub, self.reducer, dt)
            rows.append(
                pd.DataFrame({"scenario": name, "replication": s.index, "value": s.to_numpy()})
            )
        return pd.concat(rows, ignore_index=True)

    def ranking(self) -> pd.DataFrame:
        """Scenarios ranked by the absolute end-state mean paired difference from the first.

        Columns: rank, scenario, measure, reducer, n (paired replications),
        baseline_mean, scenario_mean, mean_difference, se (standard error of the mean
        difference), ci90_low/ci90_high (mean ± 1.645 se), p05/p95 (5th and 95th
        percentile of the per-replication differences) and same_sign_share (share of
        replications whose difference has the sign of the mean).
        """
        end = self.end_values().pivot(index="replication", columns="scenario", values="value")
        ref = end[self.names[0]]
        rows = []
        for name in self.names[1:]:
            d = (end[name] - ref).dropna().to_numpy(dtype=float)
            n = d.size
            mean = float(d.mean()) if n else np.nan
            se = float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
            sign = np.sign(mean) if n else 0.0
            rows.append(
                {
                    "scenario": name,
                    "measure": self.measure,
                    "reducer": self.reducer or "last",
                    "n": n,
                    "baseline_mean": float(ref.mean()),
                    "scenario_mean": float(end[name].mean()),
                    "mean_difference": mean,
                    "se": se,
                    "ci90_low": mean - Z90 * se,
                    "ci90_high": mean + Z90 * se,
                    "p05": float(np.quantile(d, 0.05)) if n else np.nan,
                    "p95": float(np.quantile(d, 0.95)) if n else np.nan,
                    "same_sign_share": float(np.mean(np.sign(d) == sign)) if n and sign else 0.0,
                }
            )
        table = pd.DataFrame(rows, columns=[c for c in RANKING_COLUMNS if c != "rank"])
        table = (
            table.assign(key=table["mean_difference"].abs())
            .sort_values("key", ascending=False, kind="stable")
            .drop(columns="key")
            .reset_index(drop=True)
        )
        table.insert(0, "rank", np.arange(1, len(table) + 1))
        return table

    def end_states(self) -> pd.DataFrame:
        """Every measure's end state per scenario and paired replication, long.

        Returns
        -------
        pandas.DataFrame
            Columns scenario, replication, measure (``summary.csv``'s names:
            ``balance``, ``capability.PRK``...) and value, for the replications that
            every scenario has; empty when the results are not kept.
        """
        paired = set(self.values["replication"])
        frames = []
        for name, result in zip(self.names, self.results, strict=False):
            end = result.succeeded().end_state()
            end = end[end.index.isin(paired)].apply(pd.to_numeric, errors="coerce")
            long = end.rename_axis("replication").reset_index()
            long = long.melt(id_vars="replication", var_name="measure", value_name="value")
            frames.append(long.assign(scenario=name))
        if not frames:
            return pd.DataFrame(columns=["scenario", "replication", "measure", "value"])
        return pd.concat(frames, ignore_index=True)[["scenario", "replication", "measure", "value"]]

    def save(self, root: str | Path, write_extra: Callable[[Path], None] | None = None) -> Path:
        """Write tables and figures to ``ROOT/compare/<UTC timestamp>-<measure>/`` atomically.

        The folder holds ``values.csv`` (per scenario, replication and step),
        ``differences.csv``, ``bands.csv`` (bands of the differences), ``ranking.csv``,
        ``end_values.csv``, ``end_states.csv`` (every measure's end state per
        scenario and paired replication, long: scenario, replication, measure, value),
        ``scenarios/NAME.yaml`` (each resolved scenario) and ``manifest.json``
        (measure, unit, root seed, scenarios, their descriptions, files and engines,
        replications, the pairs left out because a replication failed, versions);
        ``write_extra(tmp_folder)`` may add files before the rename
        (the command line adds the figures with
        :func:`sim.plots.compare.write_comparison_plots`).

        Parameters
        ----------
        root : str or pathlib.Path
            Results root folder; the comparison goes under ``root/compare/``.
        write_extra : callable, optional
            Called as ``write_extra(tmp_folder)`` to add files (figures) to the
            temporary folder before it is renamed into place.

        Returns
        -------
        pathlib.Path
            The folder written, also kept as :attr:`path`.
        """

        with atomic_folder(Path(root) / "compare", safe_name(self.measure)) as (tmp, final):
            self.values.to_csv(tmp / "values.csv", index=False)
            self.differences().to_csv(tmp / "differences.csv", index=False)
            self.difference_bands().to_csv(tmp / "bands.csv", index=False)
            self.end_values().to_csv(tmp / "end_values.csv", index=False)
            self.ranking().to_csv(tmp / "ranking.csv", index=False)
            self.end_states().to_csv(tmp / "end_states.csv", index=False)
            files = {}
            if self.results:
                (tmp / "scenarios").mkdir()
            for name, result in zip(self.names, self.results, strict=False):
                files[name] = f"scenarios/{safe_name(name)}.yaml"
                (tmp / files[name]).write_text(result.scenario.to_yaml(), encoding="utf-8")
            about = {
                "measure": self.measure,
                "unit": self.unit,
                "reducer": self.reducer,
                "scenario_files": files,
            }
            text = json.dumps({**about, **self.manifest}, indent=2, sort_keys=True)
            (tmp / "manifest.json").write_text(text + "\n", encoding="utf-8")
            if write_extra is not None:
                write_extra(tmp)
        self.path = final
        return final


def _is_results_folder(item) -> bool:
    return (
        isinstance(item, str | Path)
        and Path(item).is_dir()
        and (Path(item) / "manifest.json").exists()
    )


def compare(
    paths_or_scenarios: Sequence[str | Path | Scenario | RunResult],
    replications: int | None = None,
    seed: int | None = None,
    measure: str = "balance",
    overrides: list[str] | None = None,
    progress=None,
    model_class: type | str | None = None,
    workers: int = 1,
) -> Comparison:
    """Run (or load) scenarios with common random numbers and compare them on a measure.

    Parameters
    ----------
    paths_or_scenarios : sequence of str, pathlib.Path, Scenario or RunResult
        Two or more scenario files, Scenario objects, results folders or RunResults;
        the first is the reference.  Scenarios are run with the root seed and
        replication count of the first (or ``seed``/``replications``); results
        folders must have been run with the same seeds.
    replications : int, optional
        Overrides the first scenario's replication count.
    seed : int, optional
        Overrides the first scenario's root seed.
    measure : str
        ``name[.ACTOR[.ACTOR]][:reducer]``; the reducer (default ``last``) makes the
        ranking's per-replication value.
    overrides : list of str, optional
        ``PATH=VALUE`` strings applied to every scenario file (e.g. ``steps=8``).
    progress : callable, optional
        Called as ``progress(name)`` before each scenario is run.
    model_class : type or str, optional
        A user's GeoModel subclass (or ``module:Class`` / ``file.py:Class``), as in
        :func:`sim.run`; every scenario runs with it.
    workers : int
        Processes for the mesa path, as in :func:`sim.run`.

    Returns
    -------
    Comparison
        The per-replication values of every scenario on the measure, paired by
        replication, with the first as the reference.

    Raises
    ------
    ValueError
        Fewer than two inputs; seeds, replication counts, actors, poles or dates that
        do not match; a measure that a scenario lacks.
    PathError
        A measure that does not parse, or that names an actor a scenario lacks (a
        ValueError too).
    InputError
        A scenario file with problems (or ``overrides`` that do not apply).
    """
    items = list(paths_or_scenarios)
    if len(items) < 2:
        raise ValueError("compare needs at least two scenarios or results folders")
    loaded: list[Scenario | RunResult] = []
    for item in items:
        if isinstance(item, RunResult | Scenario):
            loaded.append(item)
        elif _is_results_folder(item):
            loaded.append(load_results(item))
        else:
            loaded.append(load_scenario(item, overrides or None))
    first = loaded[0]
    if isinstance(first, RunResult):
        root = int(first.manifest.get("root_seed", first.scenario.seed))
        n = int(first.measures["replication"].nunique())
    else:
        root, n = first.seed, first.replications
    root = int(seed) if seed is not None else root
    n = int(replications) if replications is not None else n
    results: list[RunResult] = []
    for item in loaded:
        if isinstance(item, RunResult):
            results.append(item)
            continue
        if progress is not None:
            progress(item.name)
        results.append(
            run(item, replications=n, seed=root, model_class=model_class, workers=workers)
        )
    _check_paired(results)
    spec = parse_measure(measure)
    for r in results:  # every scenario has the actors the measure names
        parse_measure(measure, list(r.scenario.codes))
    names = _unique_names([r.scenario.name for r in results])
    frames = []
    for name, r in zip(names, results, strict=True):
        # a replication that left the model's domain has no value: its pair is left out
        frames.append(measure_series(r.succeeded(), spec).assign(scenario=name))
    values = pd.concat(frames, ignore_index=True)
    every = set(results[0].measures["replication"])
    common = set.intersection(*(set(f["replication"]) for f in frames))
    failed = {
        name: sorted(int(k) for k in r.manifest.get("failed_replications") or [])
        for name, r in zip(names, results, strict=True)
        if r.manifest.get("failed_replications")
    }
    if not common:
        raise ValueError(
            "every replication pair has a replication that left the model's domain "
            f"({', '.join(failed)}): there is nothing to compare"
        )
    values = values[values["replication"].isin(common)]
    values = values[["scenario", "replication", "seed", "step", "date", "value"]]
    unit = measures_by_name().get((spec.name, len(spec.actors)))
    return Comparison(
        measure=spec.text.partition(":")[0],
        results=results,
        names=names,
        values=values.reset_index(drop=True),
        unit=unit.unit if unit else "1",
        reducer=spec.reducer,
        manifest={
            "root_seed": root,
            "replications": len(common),
            "scenarios": names,
            "left_out": sorted(int(k) for k in every - common),
            "failed_replications": failed,
            "descriptions": {
                name: r.scenario.description for name, r in zip(names, results, strict=True)
            },
            "engines": {
                name: r.manifest.get("engine") for name, r in zip(names, results, strict=True)
            },
            **environment(),
        },
    )


def _unique_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        candidate, k = name, 2
        while candidate in out:
            candidate = f"{name}#{k}"
            k += 1
        out.append(candidate)
    return out


def _check_paired(results: list[RunResult]) -> None:
    """Raise unless all results share seeds per replication and their dates."""
    ref = results[0]
    seeds = ref.measures.drop_duplicates("replication").set_index("replication")["seed"]
    dates = ref.measures.drop_duplicates("step").set_index("step")["date"]
    for r in results[1:]:
        other = r.measures.drop_duplicates("replication").set_index("replication")["seed"]
        shared = seeds.index.intersection(other.index)
        if len(shared) == 0 or not (seeds[shared] == other[shared]).all():
            raise ValueError(
                f"{r.scenario.name} was not run with the same seeds as {ref.scenario.name}: "
                "rerun it with the same --seed to pair the replications"
            )
        if len(other) != len(seeds):
            raise ValueError(
                f"{r.scenario.name} has {len(other)} replications and {ref.scenario.name} "
                f"{len(seeds)}: compare results run with the same replications"
            )
        a, b = ref.scenario.analysis.blocs, r.scenario.analysis.blocs
        if (a.a, a.b) != (b.a, b.b) or ref.scenario.codes != r.scenario.codes:
            raise ValueError(
                f"{r.scenario.name} has another cast or other poles than {ref.scenario.name}: "
                "a paired difference needs the same actors and the same blocs"
            )
        other_dates = r.measures.drop_duplicates("step").set_index("step")["date"]
        if not other_dates.reindex(dates.index).equals(dates):
            raise ValueError(
                f"{r.scenario.name} does not share the dates of {ref.scenario.name} "
                "(start, step and steps must match)"
            )
