"""Results of a run: tidy tables, the summary, the manifest, atomic writes.

A results folder (``ROOT/<scenario name>/<UTC timestamp>-<hash8>/``) holds:

- ``scenario.yaml``: the fully resolved scenario;
- ``manifest.json``: package and library versions, git commit if any, the root
  seed and every replication's seed, the command, the wall time;
- ``measures``, ``actors``, ``dyads``, ``trade``, ``events``: tidy tables, one row
  per (replication, step[, actor[, partner | category]]), in Parquet (CSV with
  ``csv=True``); every row carries its replication index and seed;
- ``summary.csv``: end-state median and 5-95 % band of every measure;
- ``plots/``: figures with the data behind each as CSV.

The folder is written under a temporary name and renamed into place when
complete, so an interrupted run leaves no half-written results.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .scenario import Scenario, scenario_from_yaml

TABLES = ("measures", "actors", "dyads", "trade", "events")
"""The tidy tables of a run, in the order they are written and loaded."""

ID_COLUMNS = {
    "replication",
    "seed",
    "step",
    "date",
    "actor",
    "partner",
    "from",
    "to",
    "category",
    "kind",
    "source",
    "note",
}
"""Columns that say which row it is (or describe an event) rather than hold a measure."""


@dataclass
class RunResult:
    """The tables of a set of replications of one scenario.

    ``scenario`` is the resolved scenario that was run; ``tables`` maps each name of
    :data:`TABLES` to its tidy frame, every row carrying its replication index and
    seed; ``manifest`` records versions, seeds, engine and wall time
    (:func:`sim.runner.run`); ``path`` is the results folder once saved or loaded.
    """

    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def measures(self) -> pd.DataFrame:
        """Model measures, one row per (replication, step): seed, date, then a column each.

        Includes the key-dyad ``conflict_risk.A.B`` columns and ``provocations``.
        """
        return self.tables["measures"]

    @property
    def actors(self) -> pd.DataFrame:
        """Actor measures, one row per (replication, step, actor): a column per measure."""
        return self.tables["actors"]

    @property
    def dyads(self) -> pd.DataFrame:
        """Dyad measures, one row per (replication, step, actor, partner), partner != actor."""
        return self.tables["dyads"]

    @property
    def trade(self) -> pd.DataFrame:
        """Trade flows per (replication, step, from, to, category): recorded, unrecorded.

        Only flows that are not zero; the bargain's munitions (category
        ``bargain_munitions``) follow the flows of each step.
        """
        return self.tables["trade"]

    @property
    def events(self) -> pd.DataFrame:
        """The event log: one row per event, with its replication and seed."""
        return self.tables["events"]

    def end_state(self) -> pd.DataFrame:
        """One row per replication, one column per measure, at the last step."""
        return end_values(self.tables)

    def summary(self) -> pd.DataFrame:
        """Median, mean, sd and 5-95 % band of every measure at the last step.

        Returns
        -------
        pandas.DataFrame
            :func:`summarise` of :meth:`end_state`: one row per measure.
        """
        return summarise(self.end_state())

    def save(
        self,
        root: str | Path,
        csv: bool = False,
        extra: dict[str, Any] | None = None,
        write_extra=None,
    ) -> Path:
        """Write the results folder atomically under ``root``; return its path.

        The folder is ``root/<scenario name>/<UTC timestamp>-<hash8>/`` (the module
        docstring lists its files); the manifest gains the ``extra`` entries and
        ``format``.

        Parameters
        ----------
        root : str or pathlib.Path
            Results root folder.
        csv : bool
            Write the tables as CSV instead of Parquet.
        extra : dict, optional
            Entries to add to (or replace in) the manifest.
        write_extra : callable, optional
            Called as ``write_extra(tmp_path)`` to add files (plots) to the temporary
            folder before the rename.

        Returns
        -------
        pathlib.Path
            The results folder, also kept as :attr:`path`.
        """
        digest = self.manifest.get("hash", self.scenario.digest())[:8]
        parent = Path(root) / safe_name(self.scenario.name)
        with atomic_folder(parent, digest) as (tmp, final):
            (tmp / "scenario.yaml").write_text(self.scenario.to_yaml(), encoding="utf-8")
            for name, frame in self.tables.items():
                if csv:
                    frame.to_csv(tmp / f"{name}.csv", index=False)
                else:
                    frame.to_parquet(tmp / f"{name}.parquet", index=False)
            self.summary().to_csv(tmp / "summary.csv", index=False)
            if write_extra is not None:
                write_extra(tmp)
            manifest = dict(self.manifest)
            manifest.update(extra or {})
            manifest["format"] = "csv" if csv else "parquet"
            (tmp / "manifest.json").write_text(
                json.dumps(manifest, indent=2, default=str), encoding="utf-8"
            )
        self.path = final
        return final


@contextmanager
def atomic_folder(parent: Path, suffix: str) -> Iterator[tuple[Path, Path]]:
    """Write a folder ``parent/<UTC timestamp>-<suffix>`` atomically.

    Yields (temporary folder, final path); the temporary folder is renamed into place
    when the block completes, and removed if it raises: nothing half-written remains.

    Parameters
    ----------
    parent : pathlib.Path
        The folder to write into; created if missing.  The temporary folder
        (``.partial-*``) is made there, so the rename stays on one file system.
    suffix : str
        End of the folder's name, after the timestamp (a hash, a measure); ``-1``,
        ``-2``... is appended if a folder of that name exists already.

    Yields
    ------
    tuple of pathlib.Path
        (temporary folder to fill, final path it will have).
    """
    parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    final = parent / f"{stamp}-{suffix}"
    k = 1
    while final.exists():
        final = parent / f"{stamp}-{suffix}-{k}"
        k += 1
    tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=parent))
    try:
        yield tmp, final
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def safe_name(name: str) -> str:
    """A folder name from a scenario name.

    Parameters
    ----------
    name : str
        A scenario name (or a measure), any text.

    Returns
    -------
    str
        The name with every character but letters, digits, ``-``, ``_`` and ``.``
        replaced by ``_`` and leading or trailing dots and underscores removed;
        ``scenario`` if nothing is left.
    """
    keep = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name.strip())
    return keep.strip("._") or "scenario"


def end_values(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """End-state values per replication: model measures, then MEASURE.ACTOR columns.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The tables of a run; ``measures`` and ``actors`` are used.

    Returns
    -------
    pandas.DataFrame
        Indexed by replication (sorted), one column per model measure and one
        ``MEASURE.ACTOR`` column per actor measure and actor, at the last step, in
        each measure's unit.
    """
    measures = tables["measures"]
    last = measures["step"].max()
    model = measures[measures["step"] == last].set_index("replication")
    model = model.drop(columns=[c for c in model.columns if c in ID_COLUMNS])
    actors = tables["actors"]
    a = actors[actors["step"] == last]
    value_cols = [c for c in a.columns if c not in ID_COLUMNS]
    wide = a.pivot(index="replication", columns="actor", values=value_cols)
    wide.columns = [f"{m}.{c}" for m, c in wide.columns]
    return model.join(wide).sort_index()


def summarise(end: pd.DataFrame) -> pd.DataFrame:
    """Median, mean, sd, 5 % and 95 % quantiles per column.

    Parameters
    ----------
    end : pandas.DataFrame
        One row per replication and one column per measure (:func:`end_values`).

    Returns
    -------
    pandas.DataFrame
        One row per column of ``end``: measure, n (the finite values), median, mean,
        sd (0 for a single value), p05 and p95, over the finite values only; a column
        with none has n = 0 and no statistics.
    """
    rows = []
    for col in end.columns:
        x = end[col].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        if x.size == 0:
            rows.append({"measure": col, "n": 0})
            continue
        rows.append(
            {
                "measure": col,
                "n": int(x.size),
                "median": float(np.median(x)),
                "mean": float(x.mean()),
                "sd": float(x.std(ddof=1)) if x.size > 1 else 0.0,
                "p05": float(np.quantile(x, 0.05)),
                "p95": float(np.quantile(x, 0.95)),
            }
        )
    return pd.DataFrame(rows)


def load_results(path: str | Path) -> RunResult:
    """Load a results folder written by :meth:`RunResult.save`.

    Parameters
    ----------
    path : str or pathlib.Path
        The results folder, ``ROOT/<scenario name>/<UTC timestamp>-<hash8>/``; its
        tables may be Parquet or CSV.

    Returns
    -------
    RunResult
        The resolved scenario, the tables found, the manifest and the path.

    Raises
    ------
    FileNotFoundError
        ``path`` has no ``manifest.json``.
    """
    path = Path(path)
    if not (path / "manifest.json").exists():
        raise FileNotFoundError(f"{path} is not a geosim results folder (no manifest.json)")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    scenario = scenario_from_yaml(
        (path / "scenario.yaml").read_text(encoding="utf-8"), str(path / "scenario.yaml")
    )
    tables = {}
    for name in TABLES:
        if (path / f"{name}.parquet").exists():
            tables[name] = pd.read_parquet(path / f"{name}.parquet")
        elif (path / f"{name}.csv").exists():
            tables[name] = pd.read_csv(path / f"{name}.csv", keep_default_na=True)
    return RunResult(scenario=scenario, tables=tables, manifest=manifest, path=path)


def environment() -> dict[str, Any]:
    """Versions of the package, Python and the libraries, and the git commit if any.

    Returns
    -------
    dict
        ``python``, ``platform``, ``libraries`` (name to version, None if not
        installed) and ``git_commit`` (of the source tree, None outside a git
        checkout): the manifest's record of where a result came from.
    """
    libs: dict[str, str | None] = {}
    for name in (
        "geosim",
        "mesa",
        "numpy",
        "scipy",
        "pandas",
        "pyarrow",
        "pydantic",
        "PyYAML",
        "matplotlib",
    ):
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = None
    commit = None
    try:
        here = Path(__file__).resolve().parent
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0:
            commit = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "libraries": libs,
        "git_commit": commit,
    }
