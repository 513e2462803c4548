"""The resumable sweep store: fixed files, Parquet shards written atomically, loading.

``OUT/<name>-<hash8>/`` (the hash of the resolved sweep, so that ``--resume``
finds it) holds ``sweep.yaml``, ``base_scenario.yaml``, ``manifest.json``,
``points.parquet`` and ``shards/``: each chunk of runs writes ``values-*.parquet``
(long, tidy: run_id, point, replication, seed, measure, value),
``trajectories-*.parquet`` if asked, and last ``runs-*.parquet`` (point,
parameters, replication, seed, status, wall time, error, host), each atomically
(temporary name, then rename).  A run is finished when a runs shard lists it; the
loader drops duplicates by run id, so a worker that outlived a killed parent is
harmless, and ``--resume`` skips finished runs.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from ..errors import InputError, Problem
from .spec import SweepSpec

if TYPE_CHECKING:
    from .sweep import Sweep


def atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to the Parquet file ``path`` atomically, creating its folder.

    The frame goes to a hidden temporary file beside ``path`` that is then renamed
    over it, so a reader (or a resumed sweep) sees the whole file or none of it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to write; its index is not written.
    path : pathlib.Path
        The Parquet file to create or replace.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def atomic_text(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` (UTF-8) atomically: a temporary file, then a rename.

    Parameters
    ----------
    text : str
        The file's whole content.
    path : pathlib.Path
        The file to create or replace; its folder must exist.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def finished_runs(folder: Path) -> set[str]:
    """Run ids recorded in runs shards (finished, ok or failed).

    Parameters
    ----------
    folder : pathlib.Path
        A sweep folder (``OUT/<name>-<hash8>/``).

    Returns
    -------
    set of str
        The run ids listed in ``shards/runs-*.parquet``: the runs ``--resume`` skips.
        Empty if no chunk has finished yet.
    """
    done: set[str] = set()
    for shard in sorted((folder / "shards").glob("runs-*.parquet")):
        done.update(pd.read_parquet(shard, columns=["run_id"])["run_id"])
    return done


def prepare(sweep: Sweep, out: str | Path | None = None, resume: bool = False) -> Path:
    """Create (or, with resume, reuse) the sweep folder and write its fixed files.

    Writes ``sweep.yaml`` (the validated spec), ``base_scenario.yaml`` (the resolved
    base scenario) and ``points.parquet`` (a ``point`` index column, then one column
    per parameter path, numbers as float64), and creates ``shards/``.

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep (:func:`.sweep.load_sweep`).
    out : str or pathlib.Path, optional
        Output root; default the sweep file's ``out:``.
    resume : bool
        Reuse a folder that already holds runs (to finish it) instead of refusing.

    Returns
    -------
    pathlib.Path
        The sweep folder, ``OUT/<name>-<hash8>/``.

    Raises
    ------
    InputError
        The folder already holds runs and ``resume`` is False.
    """
    folder = sweep.folder(out)
    if folder.exists() and not resume and any((folder / "shards").glob("runs-*.parquet")):
        raise InputError(
            [
                Problem(
                    str(sweep.file),
                    "",
                    None,
                    f"the sweep folder {folder} already holds runs",
                    "add --resume to finish it, or delete the folder to start over",
                )
            ]
        )
    (folder / "shards").mkdir(parents=True, exist_ok=True)
    atomic_text(
        yaml.safe_dump(sweep.spec.model_dump(mode="json"), sort_keys=False), folder / "sweep.yaml"
    )
    atomic_text(sweep.base.to_yaml(), folder / "base_scenario.yaml")
    points = sweep.points.copy()
    points.insert(0, "point", range(len(points)))
    atomic_parquet(
        points.astype(
            {c: "float64" for c in points.columns[1:] if pd.api.types.is_numeric_dtype(points[c])}
        ),
        folder / "points.parquet",
    )
    return folder


@dataclass
class SweepResult:
    """Tidy frames of a sweep folder, as :func:`load` reads them.

    ``points`` has a ``point`` column and one column per parameter path; ``runs`` one
    row per finished run (run_id, point, replication, seed, status, wall_time_s,
    error, host and a ``param:PATH`` column per parameter); ``values`` the reduced
    measures, long (run_id, point, replication, seed, measure, value);
    ``trajectories`` the kept trajectories, long (run_id, point, replication, step,
    measure, value), empty if the sweep keeps none; ``manifest`` the contents of
    ``manifest.json`` (empty while a sweep is unfinished).
    """

    folder: Path
    spec: SweepSpec
    points: pd.DataFrame
    runs: pd.DataFrame
    values: pd.DataFrame
    trajectories: pd.DataFrame
    manifest: dict[str, Any]

    def wide(self) -> pd.DataFrame:
        """One row per finished run: point, replication, parameters, one column per measure."""
        v = self.values.pivot_table(
            index=["run_id", "point", "replication"], columns="measure", values="value"
        ).reset_index()
        v.columns.name = None
        return (
            v.merge(self.points, on="point", how="left")
            .sort_values(["point", "replication"])
            .reset_index(drop=True)
        )


def load(folder: str | Path) -> SweepResult:
    """Load a sweep folder; duplicates (same run id) are dropped, rows sorted by run id.

    Values and trajectories of runs that no runs shard lists (a chunk cut short) are
    left out, so every row belongs to a finished run.

    Parameters
    ----------
    folder : str or pathlib.Path
        A sweep folder written by :func:`.sweep.run_sweep`, finished or not.

    Returns
    -------
    SweepResult
        Its spec, points, runs, values, trajectories and manifest.

    Raises
    ------
    FileNotFoundError
        ``folder`` has no ``sweep.yaml``.
    """
    folder = Path(folder)
    if not (folder / "sweep.yaml").exists():
        raise FileNotFoundError(f"{folder} is not a geosim sweep folder (no sweep.yaml)")
    spec = SweepSpec.model_validate(yaml.safe_load((folder / "sweep.yaml").read_text()))
    points = pd.read_parquet(folder / "points.parquet")

    def read(prefix: str, key: list[str]) -> pd.DataFrame:
        parts = [
            pd.read_parquet(p) for p in sorted((folder / "shards").glob(f"{prefix}-*.parquet"))
        ]
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        return frame.drop_duplicates(subset=key).sort_values(key).reset_index(drop=True)

    runs = read("runs", ["run_id"])
    done = set(runs["run_id"]) if len(runs) else set()
    values = read("values", ["run_id", "measure"])
    if len(values):
        values = values[values["run_id"].isin(done)].reset_index(drop=True)
    trajectories = read("trajectories", ["run_id", "measure", "step"])
    if len(trajectories):
        trajectories = trajectories[trajectories["run_id"].isin(done)].reset_index(drop=True)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    return SweepResult(folder, spec, points, runs, values, trajectories, manifest)
