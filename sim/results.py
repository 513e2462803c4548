"""Results of a run: tidy tables, the summary, the manifest, atomic writes.

A results folder (``ROOT/<scenario name>/<UTC timestamp>-<hash8>/``) holds:

- ``scenario.yaml``: the fully resolved scenario;
- ``manifest.json``: package and library versions, git commit if any, the root
  seed and every replication's seed, the command, the wall time;
- ``measures``, ``actors``, ``dyads``, ``trade``, ``events``: tidy tables, one row
  per (replication, step[, actor[, partner | category]]), in Parquet (CSV with
  ``csv=True``); every row carries its replication index and seed;
- ``summary.csv``: end-state median and 5-95 % band of every measure;
- for a scenario with ``observations:``, ``observations.csv`` and ``score.csv``
  (:mod:`sim.analysis.observed`) and a figure per observed series;
- ``plots/``: figures with the data behind each as CSV.

The folder is written under a temporary name and renamed into place when
complete, so an interrupted run leaves no half-written results (nor the empty
folders made for it).  A run whose tables do not fit in :data:`SHOWN_MEMORY` streams
them into the folder block by block (:class:`TableSink`, :func:`sim.runner.run_saved`):
the same tables, in bounded memory; its figures then show its first replications.

**Before computing** the command line checks the output root
(:func:`check_output_root`: a folder, or a path where one can be made, writable,
with room for the rough size :func:`run_size` estimates) and the size of the run
against :data:`MEMORY_LIMIT`.  Folder names made from a user's names go through
:func:`safe_name`, so that nothing is written outside the output root.

**Damaged folders are reported, not crashed on**: :func:`load_results` raises a
:class:`ResultsError` naming the missing, truncated or corrupt file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import re
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

from .scenario import InputError, Problem, Scenario, scenario_from_yaml

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

TABLE_KEYS = {
    "measures": ("replication", "seed", "step"),
    "actors": ("replication", "seed", "step", "actor"),
    "dyads": ("replication", "seed", "step", "actor", "partner"),
    "trade": ("replication", "seed", "step", "from", "to", "category"),
    "events": ("replication", "seed"),
}
"""The columns that say which row it is, per table: a table read back must have them."""

NAME_BYTES = 100
"""Longest folder name made from a user's name, in UTF-8 bytes (:func:`safe_name`); file
systems allow 255, and the timestamp and hash of a results folder come on top."""

MEMORY_LIMIT = 4 * 2**30
"""Largest estimated memory (bytes) of a run or a sweep's parent before ``--force`` is
needed: the tables of every replication stay in memory until they are saved.  A run
that ``geosim run`` streams into its folder (:class:`TableSink`) needs only
:data:`SHOWN_MEMORY` and one block's worth, whatever its size."""

SHOWN_MEMORY = 192 * 2**20
"""Most bytes of tables a streamed run keeps in memory (:class:`TableSink`): all of
them when they fit, else the first replications', which its figures then show."""

MIN_FREE_BYTES = 2**20
"""Free space (bytes) an output root needs at the least, whatever the estimate."""

TEXT_LIMIT = 64 * 2**20
"""Largest ``manifest.json``, ``scenario.yaml`` or ``sweep.yaml`` read back (bytes)."""

PARQUET_WRITE = {"write_page_checksum": True}
"""Options of every Parquet file geosim writes: page checksums, so that a flipped byte
is found on reading rather than read as a number."""

PARQUET_READ = {"page_checksum_verification": True}
"""Options of every Parquet file geosim reads (files without checksums read as before)."""


class ResultsError(InputError):
    """Raised when a results folder or sweep store is damaged, incomplete or inconsistent.

    An :class:`InputError` (the command line reports it as one located line and exits
    with status 2) whose problems name the damaged file: a truncated or corrupt
    Parquet file, a missing table, a manifest that is not JSON, shards computed from
    other inputs than their store, or a store another process is writing.

    Parameters
    ----------
    file : str
        The damaged file or folder.
    message : str
        What is wrong with it, on one line.
    hint : str
        How to recover, if there is a way; empty otherwise.
    """

    def __init__(self, file: str, message: str, hint: str = ""):
        super().__init__([Problem(file, "", None, one_line(message), hint)])


def first_sentence(exc: BaseException) -> str:
    """The first sentence of an exception's message, for a one-line report.

    Parameters
    ----------
    exc : BaseException
        E.g. what pyarrow raised on a damaged file.

    Returns
    -------
    str
        Its first line up to the first ``". "``, without a quoted file path prefix
        (the report names the file already), at most 160 characters.
    """
    text = one_line(exc, 400).split(". ")[0]
    if text.startswith("Could not open Parquet input source") and ": " in text:
        text = text.split(": ", 1)[1]
    return text if len(text) <= 160 else text[:157] + "..."


def one_line(text: object, limit: int = 300) -> str:
    """The first line of ``text``, cut to ``limit`` characters (for messages from libraries).

    Parameters
    ----------
    text : object
        Any message (or an exception), e.g. ``str(exc)`` of an exception raised by pyarrow.
    limit : int
        Most characters kept; longer text ends with ``...``.

    Returns
    -------
    str
        The first non-empty line, stripped, or ``text`` itself if it has none.
    """
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    first = lines[0] if lines else str(text)
    return first if len(first) <= limit else first[: limit - 3] + "..."


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
    #: End-state values of every replication (:func:`end_values`) when ``tables``
    #: hold only some of them (a streamed run, :class:`TableSink`); None: from tables.
    end: pd.DataFrame | None = None
    #: Which replications ``tables`` hold when not all (a note for the figures);
    #: empty when they hold every replication.
    subset: str = ""

    def __repr__(self) -> str:
        """One line: the scenario, the replications, the rows of each table, the folder."""
        m = self.tables.get("measures")
        n = int(m["replication"].nunique()) if m is not None and len(m) else 0
        failed = len(self.manifest.get("failed_replications") or [])
        rows = ", ".join(f"{name} {len(frame):,}" for name, frame in self.tables.items())
        parts = [
            f"{self.scenario.name!r}",
            f"{n} replication{'' if n == 1 else 's'}" + (f" ({failed} failed)" if failed else ""),
            f"{self.scenario.steps} {self.scenario.step} steps",
            f"rows: {rows}",
        ]
        if self.subset:
            parts.append(f"tables of {self.subset}")
        if self.path is not None:
            parts.append(f"saved in {self.path}")
        return f"RunResult({', '.join(parts)})"

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
        """One row per replication, one column per measure, at the last step.

        Every replication's, also when :attr:`tables` hold only some (:attr:`subset`).
        """
        return end_values(self.tables) if self.end is None else self.end

    def summary(self) -> pd.DataFrame:
        """Median, mean, sd and 5-95 % band of every measure at the last step.

        Replications marked failed (``manifest["failed_replications"]``: their state
        left the model's domain) are left out.

        Returns
        -------
        pandas.DataFrame
            :func:`summarise` of :meth:`end_state`: one row per measure.
        """
        end = self.end_state()
        failed = self.manifest.get("failed_replications") or []
        return summarise(end.drop(index=[k for k in failed if k in end.index]))

    def succeeded(self) -> RunResult:
        """This result without its failed replications (``manifest["failures"]``).

        The summary tables and figures of ``geosim run`` show these; the saved tables
        keep every replication, the failed ones named in the manifest.
        """
        failed = set(self.manifest.get("failed_replications") or [])
        if not failed:
            return self
        tables = {
            name: frame[~frame["replication"].isin(failed)].reset_index(drop=True)
            for name, frame in self.tables.items()
        }
        end = None if self.end is None else self.end.drop(index=list(failed), errors="ignore")
        return RunResult(self.scenario, tables, self.manifest, self.path, end, self.subset)

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
        if self.subset:
            raise ValueError(
                f"this result holds the tables of {self.subset} only; its folder "
                f"{self.path} holds them all"
            )
        digest = self.manifest.get("hash", self.scenario.digest())[:8]
        parent = Path(root) / safe_name(self.scenario.name)
        with atomic_folder(parent, digest) as (tmp, final):
            (tmp / "scenario.yaml").write_text(self.scenario.to_yaml(), encoding="utf-8")
            for name, frame in self.tables.items():
                if csv:
                    frame.to_csv(tmp / f"{name}.csv", index=False)
                else:
                    write_parquet(frame, tmp / f"{name}.parquet", name)
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


ID_UNITS = {
    "replication": ("index", "the replication, 0 .. R-1; its seed is replication_seed(root, k)"),
    "seed": ("", "the replication's run seed (manifest.json lists them all)"),
    "step": ("step", "the step index, 0 at the start"),
    "date": ("YYYY-MM", "the month the step ends in (the start at step 0)"),
    "actor": ("ISO 3166 alpha-3", "the actor (for a dyad, the one it belongs to)"),
    "partner": ("ISO 3166 alpha-3", "the other actor of the dyad"),
    "from": ("ISO 3166 alpha-3", "the exporter"),
    "to": ("ISO 3166 alpha-3", "the importer"),
    "category": ("", "the trade category, or bargain_munitions"),
    "recorded": ("USD bn per year", "trade that customs record"),
    "unrecorded": ("USD bn per year", "trade that evades the record (smuggling, transshipment)"),
    "kind": ("", "the kind of event"),
    "goldstein": (
        "-10 .. +10",
        "the event's weight on the Goldstein (1992) conflict-cooperation scale",
    ),
    "source": ("", "what caused the event: rule, scripted event or reaction"),
    "note": ("", "details of the event"),
    "provocations": (
        "count",
        "provocations (missile and nuclear tests, incidents) during the step",
    ),
}
"""Unit and meaning of the columns that are not registered measures."""


def column_units(table: str, column: str) -> tuple[str, str]:
    """The unit and meaning of a column of a run's table, as Parquet field metadata.

    Parameters
    ----------
    table : str
        One of :data:`TABLES`.
    column : str
        A column of it: an identifying column, or a measure (``balance``,
        ``conflict_risk.PRK.KOR`` in ``measures``; ``gdp`` in ``actors``; ...).

    Returns
    -------
    tuple of str
        (unit, meaning); empty strings for a column nothing documents.
    """
    from .registry import measures_by_name

    if column in ID_UNITS:
        return ID_UNITS[column]
    arity = {"actors": 1, "dyads": 2}.get(table, 0)
    name = column
    if table == "measures" and "." in column:
        name, arity = column.split(".")[0], 2
    measure = measures_by_name().get((name, arity))
    return (measure.unit, measure.doc) if measure is not None else ("", "")


def _with_units(table: Any, name: str) -> Any:
    """An Arrow table with each field's ``unit`` and ``description`` as metadata."""
    import pyarrow as pa

    fields = []
    for f in table.schema:
        unit, doc = column_units(name, f.name)
        fields.append(f.with_metadata({"unit": unit, "description": doc}) if unit or doc else f)
    schema = pa.schema(fields, metadata=table.schema.metadata)
    return pa.Table.from_arrays(table.columns, schema=schema)


def write_parquet(frame: pd.DataFrame, path: Path, name: str) -> None:
    """Write a run's table as Parquet, with checksums and each column's unit.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : pathlib.Path
        The file to write.
    name : str
        Its name, one of :data:`TABLES` (for the units, :func:`column_units`).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(_with_units(table, name), path, **PARQUET_WRITE)


class TableSink:
    """Writes a run's tables into a folder block by block, in bounded memory.

    The blocks of replications come in order (:func:`sim.runner.run_saved`).  While
    their tables fit in ``memory`` bytes they are only kept, and :meth:`close` writes
    each table in one piece, exactly as :meth:`RunResult.save` does.  Past that, the
    kept blocks and every later one go to part files as they come, and :meth:`close`
    joins the parts into each table's file (Parquet row groups, or CSV rows appended),
    under the column types of all the parts together: the same rows, in the same
    order, with the same values as the tables joined in memory.  For the run's
    figures, the tables of the first replications that did not fail stay in memory,
    up to ``memory`` bytes.

    Parameters
    ----------
    folder : pathlib.Path
        The (temporary) results folder to write the tables into.
    csv : bool
        Write CSV instead of Parquet.
    memory : int
        Most bytes of tables kept in memory (:data:`SHOWN_MEMORY`).
    """

    def __init__(self, folder: Path, csv: bool = False, memory: int = SHOWN_MEMORY):
        self.folder = Path(folder)
        self.csv = csv
        self.memory = memory
        self.kept: list[dict[str, pd.DataFrame]] = []  # every block, or the first for figures
        self.kept_bytes = 0
        self.complete = True  # kept holds every block so far
        self.keeping = True  # still keeping blocks for the figures
        self.failed: set[int] = set()  # the failed replications so far
        self.parts: dict[str, list[Path]] = {}  # spilled: each table's part files
        self.written = 0  # blocks written to parts
        self.first: dict[str, pd.DataFrame] | None = None  # the tables' columns, no rows

    @property
    def spilled(self) -> bool:
        """Whether blocks have gone to part files (the tables did not fit in memory)."""
        return bool(self.parts)

    def add(self, tables: dict[str, pd.DataFrame], failed: set[int] | None = None) -> None:
        """Take the next block's tables (replication numbers already the run's).

        Parameters
        ----------
        tables : dict of str to pandas.DataFrame
            One frame per name of :data:`TABLES`.
        failed : set of int, optional
            The block's replications that left the model's domain: once the tables
            do not fit, the figures' tables leave them out.
        """
        self.failed |= failed or set()
        if self.first is None:
            self.first = {name: frame.iloc[:0] for name, frame in tables.items()}
        size = _frames_bytes(tables)
        if self.complete and self.kept_bytes + size <= self.memory:
            self.kept.append(tables)  # everything so far fits: write it at the end
            self.kept_bytes += size
            return
        if self.complete:  # the first block that does not fit: from now on, parts
            self.complete = False
            for block in self.kept:
                self._spill(block)
            self.kept = [self._succeeded(block) for block in self.kept]
            self.kept = [block for block in self.kept if _rows(block)]
            self.kept_bytes = sum(_frames_bytes(block) for block in self.kept)
        self._spill(tables)
        shown = self._succeeded(tables)
        if not self.keeping or not _rows(shown):
            return
        size = _frames_bytes(shown)
        if self.kept_bytes + size <= self.memory or not self.kept:
            self.kept.append(shown)  # the first block alone if need be: figures need one
            self.kept_bytes += size
        else:
            self.keeping = False

    def _succeeded(self, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The rows of replications that did not fail."""
        if not self.failed:
            return tables
        return {
            name: frame[~frame["replication"].isin(self.failed)].reset_index(drop=True)
            for name, frame in tables.items()
        }

    def _spill(self, tables: dict[str, pd.DataFrame]) -> None:
        parts = self.folder / ".parts"
        parts.mkdir(exist_ok=True)
        for name, frame in tables.items():
            path = parts / f"{name}-{self.written:06d}.{'csv' if self.csv else 'parquet'}"
            if self.csv:
                frame.to_csv(path, index=False, header=self.written == 0)
            else:
                frame.to_parquet(path, index=False)
            self.parts.setdefault(name, []).append(path)
        self.written += 1

    def close(self) -> dict[str, pd.DataFrame]:
        """Write every table's file; return the tables kept in memory, joined.

        Returns
        -------
        dict of str to pandas.DataFrame
            Every replication's tables when they fitted in memory (:attr:`complete`),
            else the first blocks'.
        """
        joined = {
            name: pd.concat([block[name] for block in self.kept], ignore_index=True)
            for name in (self.kept[0] if self.kept else {})
        }
        if not joined and self.first is not None:  # nothing succeeded: empty tables
            joined = {name: frame.iloc[:0] for name, frame in self.first.items()}
        if not self.spilled:
            for name, frame in joined.items():
                if self.csv:
                    frame.to_csv(self.folder / f"{name}.csv", index=False)
                else:
                    write_parquet(frame, self.folder / f"{name}.parquet", name)
            return joined
        for name, paths in self.parts.items():
            if self.csv:
                with open(self.folder / f"{name}.csv", "wb") as out:
                    for path in paths:
                        with open(path, "rb") as part:
                            shutil.copyfileobj(part, out)
            else:
                _join_parquet(paths, self.folder / f"{name}.parquet", name)
            for path in paths:  # the disk holds one table twice at the most
                path.unlink()
        shutil.rmtree(self.folder / ".parts")
        return joined


def _rows(tables: dict[str, pd.DataFrame]) -> int:
    """Rows of a block's first table (``measures``: one per replication and step)."""
    return len(tables.get("measures", next(iter(tables.values()))))


def _frames_bytes(tables: dict[str, pd.DataFrame]) -> int:
    """The memory the frames' columns take (bytes)."""
    return int(sum(frame.memory_usage(index=False).sum() for frame in tables.values()))


def _join_parquet(paths: list[Path], target: Path, name: str) -> None:
    """Join Parquet part files into one file, under the types of all parts together.

    A part whose column is all missing (an event table's ``partner`` in a block with
    no dyadic event) has type null; joined in memory, pandas would take the type of
    the other blocks, and so does the unified schema here.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(path) for path in paths]
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    schema = _with_units(schema.empty_table(), name).schema
    with pq.ParquetWriter(target, schema, **PARQUET_WRITE) as writer:
        for path in paths:
            writer.write_table(pq.read_table(path).cast(schema))


@contextmanager
def atomic_folder(parent: Path, suffix: str) -> Iterator[tuple[Path, Path]]:
    """Write a folder ``parent/<UTC timestamp>-<suffix>`` atomically.

    Yields (temporary folder, final path); the temporary folder is renamed into place
    when the block completes, and removed if it raises (including on Ctrl-C), with the
    folders made for it that are still empty: nothing half-written remains.

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
    made = missing_folders(parent)
    tmp: Path | None = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        final = parent / f"{stamp}-{suffix}"
        k = 1
        while final.exists():
            final = parent / f"{stamp}-{suffix}-{k}"
            k += 1
        tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=parent))
        yield tmp, final
        os.replace(tmp, final)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        remove_empty(made)
        raise


def missing_folders(path: Path) -> list[Path]:
    """The folders that making ``path`` would create, deepest first.

    Parameters
    ----------
    path : pathlib.Path
        A folder that may not exist yet.

    Returns
    -------
    list of pathlib.Path
        ``path`` and those of its parents that do not exist, from ``path`` up; empty if
        ``path`` exists.  Pass it to :func:`remove_empty` to undo a failed write.
    """
    made = []
    while not os.path.lexists(path) and path.parent != path:
        made.append(path)
        path = path.parent
    return made


def remove_empty(folders: list[Path]) -> None:
    """Remove each folder of ``folders`` (deepest first) while it is empty.

    Parameters
    ----------
    folders : list of pathlib.Path
        Folders this process made (:func:`missing_folders`); a folder that is not
        empty, or is gone, stops the walk up without an error.
    """
    for folder in folders:
        try:
            folder.rmdir()
        except FileNotFoundError:
            continue
        except OSError:
            return


def safe_name(name: str) -> str:
    """A folder name from a user's name (a scenario, a sweep, a measure).

    Parameters
    ----------
    name : str
        Any text.

    Returns
    -------
    str
        The name with every character but letters, digits, ``-``, ``_`` and ``.``
        replaced by ``_``, every run of dots (``..``) by ``_``, and leading or trailing
        dots and underscores removed (``scenario`` if nothing is left), so that it
        holds no separator and no ``..``: it cannot point outside the folder it is
        joined to.  A name
        longer than :data:`NAME_BYTES` (UTF-8) is cut and ends in ``-`` and 8
        hexadecimal digits of a hash of the whole name, so that two long names that
        share their start stay apart.
    """
    keep = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name.strip())
    keep = re.sub(r"\.{2,}", "_", keep).strip("._") or "scenario"
    if len(keep.encode()) > NAME_BYTES:
        tag = hashlib.sha256(name.encode()).hexdigest()[:8]
        cut = keep.encode()[: NAME_BYTES - 9].decode("utf-8", "ignore").rstrip("._-")
        keep = f"{cut}-{tag}"
    return keep


def check_output_root(
    root: str | Path,
    need_bytes: int = 0,
    origin: str = "--out",
    subfolder: str | None = None,
) -> None:
    """Check, before anything is computed, that results can be written under ``root``.

    The nearest folder of ``root/subfolder`` that exists must be a folder (not a file,
    a device such as ``/dev/null``, or a file standing where a parent folder should
    be), writable (a file is created and removed there, which also catches read-only
    file systems), and have ``need_bytes`` free (at least :data:`MIN_FREE_BYTES`;
    ``--force`` passes 0, trusting the user over a rough estimate).  Nothing is
    created.

    Parameters
    ----------
    root : str or pathlib.Path
        The output root (``--out``); created later if missing.
    need_bytes : int
        A rough estimate of what will be written (bytes): :func:`run_size`, or
        :func:`sim.analysis.sweep.estimate` for a sweep.
    origin : str
        What the messages name as the origin of ``root`` (``--out``, a sweep file).
    subfolder : str, optional
        The folder that will be made inside ``root`` (a scenario's name), if any.

    Raises
    ------
    InputError
        With one problem located at ``origin``: what is wrong with the path.
    """
    root = Path(root)
    target = root / subfolder if subfolder else root

    def refuse(message: str, hint: str) -> None:
        raise InputError([Problem(origin, "", None, message, hint)])

    made = missing_folders(target)
    existing = made[-1].parent if made else target
    if not existing.is_dir():
        kind = _file_kind(existing)
        if existing == target:
            refuse(f"{existing} is {kind}, not a folder", "give a folder (made if missing)")
        refuse(
            f"{existing} is {kind}, so the folder {target} cannot be made",
            "give a folder (made if missing)",
        )
    try:
        fd, probe = tempfile.mkstemp(prefix=".geosim-probe-", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = "a read-only file system" if exc.errno == errno.EROFS else exc.strerror
        refuse(f"cannot write in {existing} ({why})", "give a folder you can write to")
    need = max(int(need_bytes), MIN_FREE_BYTES)
    free = shutil.disk_usage(existing).free
    if free < need:
        refuse(
            f"not enough free space in {existing}: {size_text(free)} free, about "
            f"{size_text(need)} needed (a rough estimate)",
            "free some space or give another --out",
        )


def _file_kind(path: Path) -> str:
    """``a file``, ``a device``... : what stands at ``path`` instead of a folder."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return "not reachable"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "a pipe or socket"
    return "a file"


def size_text(n: float) -> str:
    """A size in bytes for messages: ``812 kB``, ``3.4 GB`` (powers of 1000).

    Parameters
    ----------
    n : float
        Bytes.

    Returns
    -------
    str
        The size with two or three significant digits and its unit.
    """
    if n >= 1e21:
        return f"{n:.2g} B"
    for unit, scale in (
        ("EB", 1e18),
        ("PB", 1e15),
        ("TB", 1e12),
        ("GB", 1e9),
        ("MB", 1e6),
        ("kB", 1e3),
    ):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{int(n)} B"


def run_size(
    scenario: Scenario, replications: int | None = None, csv: bool = False, figures: bool = True
) -> dict:
    """A rough estimate of the memory and disk a run of ``scenario`` takes.

    The tables hold, per replication and step, one row of model measures, one per
    actor, one per ordered dyad and, on average, one per dyad and half of the trade
    categories and one more; measured bytes per row (December 2026: 180, 250, 140 and
    100) give their size in memory, doubled because the replications' tables are
    joined before they are saved.  On disk, Parquet takes about a third of that, CSV
    about as much, plus a few MB of figures.

    Parameters
    ----------
    scenario : Scenario
        The resolved scenario.
    replications : int, optional
        Replications to run; default the scenario's.
    csv : bool
        Whether the tables are written as CSV.
    figures : bool
        Whether figures are written (5 MB counted for them).

    Returns
    -------
    dict
        ``rows`` (table rows), ``memory_bytes`` and ``disk_bytes`` (int).
    """
    n_rep = scenario.replications if replications is None else int(replications)
    n = len(scenario.actors)
    pairs = n * (n - 1)
    categories = len(scenario.categories)
    per_step_rows = 1 + n + pairs + pairs * (categories + 1) // 2 + 2
    per_step = 180 + 250 * n + 140 * pairs + 100 * pairs * (categories + 1) // 2 + 260
    cells = n_rep * (scenario.steps + 1)
    memory = 2 * cells * per_step
    disk = cells * per_step // (1 if csv else 3) + (5 * 10**6 if figures else 0)
    return {"rows": cells * per_step_rows, "memory_bytes": memory, "disk_bytes": disk}


def physical_memory() -> int | None:
    """This machine's physical memory (bytes), or None where the system does not say.

    Returns
    -------
    int or None
        ``SC_PHYS_PAGES`` times ``SC_PAGE_SIZE``.
    """
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(memory_bytes: int, force: bool, origin: str, what: str, hint: str) -> None:
    """Refuse an estimated memory above :data:`MEMORY_LIMIT` (unless ``force``) or above RAM.

    Parameters
    ----------
    memory_bytes : int
        The rough estimate (bytes).
    force : bool
        ``--force``: lift :data:`MEMORY_LIMIT`.  An estimate above this machine's
        physical memory is refused even so: it cannot run here.
    origin : str
        What the message is located at (the file or option that set the size).
    what : str
        What is being estimated, for the message (``50 replications x 41 steps``).
    hint : str
        How to make it smaller.

    Raises
    ------
    InputError
        With one problem located at ``origin``.
    """
    ram = physical_memory()
    if ram is not None and memory_bytes > ram:
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    None,
                    f"{what} needs about {size_text(memory_bytes)} of memory, more than this "
                    f"machine has ({size_text(ram)})",
                    hint,
                )
            ]
        )
    if memory_bytes > MEMORY_LIMIT and not force:
        raise InputError(
            [
                Problem(
                    origin,
                    "",
                    None,
                    f"{what} needs about {size_text(memory_bytes)} of memory, above the limit "
                    f"of {size_text(MEMORY_LIMIT)}",
                    f"{hint}, or pass --force to run it anyway",
                )
            ]
        )


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


def load_results(path: str | Path, memory: int | None = None) -> RunResult:
    """Load a results folder written by :meth:`RunResult.save`.

    Parameters
    ----------
    path : str or pathlib.Path
        The results folder, ``ROOT/<scenario name>/<UTC timestamp>-<hash8>/``; its
        tables may be Parquet or CSV.
    memory : int, optional
        Most bytes of tables to read (as :func:`run_size` estimates them): a larger
        run's tables are read for its first replications that did not fail, and
        :attr:`RunResult.subset` says so (``geosim plot`` passes
        :data:`SHOWN_MEMORY`).  Default: read everything.

    Returns
    -------
    RunResult
        The resolved scenario, the tables, the manifest and the path.

    Raises
    ------
    FileNotFoundError
        ``path`` has no ``manifest.json``.
    ResultsError
        A damaged folder, naming the file: a manifest that is not a JSON object, a
        scenario that does not validate, a table that is missing, empty, truncated or
        corrupt, or lacks a column of :data:`TABLE_KEYS`; also a sweep store given
        instead of a run's folder.
    """
    path = Path(path)
    if (path / "sweep.yaml").exists():
        raise ResultsError(
            str(path),
            "this is a sweep store, not the results folder of a run",
            "read it with sim.sweep.load or redraw it with geosim plot",
        )
    if not (path / "manifest.json").exists():
        raise FileNotFoundError(f"{path} is not a geosim results folder (no manifest.json)")
    manifest = read_json(path / "manifest.json", "a run's manifest")
    scenario_file = path / "scenario.yaml"
    text = read_text(scenario_file, "the resolved scenario")
    try:
        scenario = scenario_from_yaml(text, str(scenario_file))
    except InputError as exc:
        raise ResultsError(
            str(scenario_file), f"not a valid resolved scenario: {exc.problems[0].message}"
        ) from None
    fmt = manifest.get("format")
    keep = None
    failed = sorted(int(k) for k in manifest.get("failed_replications") or [])
    if memory is not None:
        per_replication = max(1, run_size(scenario, 1, figures=False)["memory_bytes"] // 2)
        wanted = max(1, memory // per_replication)
        good = [k for k in range(scenario.replications) if k not in set(failed)]
        if wanted < len(good):  # the first replications that did not fail
            keep = good[wanted - 1] + 1
    tables = {}
    for name in TABLES:
        parquet, csv = path / f"{name}.parquet", path / f"{name}.csv"
        use = csv if fmt == "csv" or (fmt is None and csv.exists()) else parquet
        if not use.exists():
            raise ResultsError(
                str(use), f"the {name} table is missing", "rerun the scenario with geosim run"
            )
        frame = read_table(use, first=keep)
        lacking = [c for c in TABLE_KEYS[name] if c not in frame.columns]
        if lacking:
            raise ResultsError(str(use), f"the {name} table has no {lacking[0]} column")
        tables[name] = frame
    subset = ""
    if keep is not None:
        kept = keep - len([k for k in failed if k < keep])
        subset = f"the first {kept:,} of {scenario.replications:,} replications"
        if failed:
            subset = (
                f"the first {kept:,} of the {scenario.replications - len(failed):,} "
                "replications that stayed in the model's domain"
            )
    return RunResult(scenario=scenario, tables=tables, manifest=manifest, path=path, subset=subset)


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of a small file geosim wrote, or a ResultsError naming it.

    Parameters
    ----------
    path : pathlib.Path
        The file (``manifest.json``, ``scenario.yaml``, ``sweep.yaml``...).
    what : str
        What the file holds, for the messages.

    Returns
    -------
    str
        Its text.

    Raises
    ------
    ResultsError
        The file is missing, larger than :data:`TEXT_LIMIT`, unreadable or not UTF-8.
    """
    try:
        size = path.stat().st_size
        if size > TEXT_LIMIT:
            raise ResultsError(str(path), f"{size_text(size)} is too large for {what} (damaged?)")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(str(path), f"{what} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(str(path), f"cannot read {what}: {exc}") from None


def read_json(path: Path, what: str) -> dict[str, Any]:
    """A JSON object from a file geosim wrote, or a ResultsError naming the file.

    Parameters
    ----------
    path : pathlib.Path
        The file, e.g. ``manifest.json``.
    what : str
        What the file holds, for the messages.

    Returns
    -------
    dict
        The object.

    Raises
    ------
    ResultsError
        The file is missing, unreadable, not JSON or not a JSON object.
    """
    text = read_text(path, what)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ResultsError(str(path), f"{what} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ResultsError(str(path), f"{what} is not a JSON object")
    return data


def read_table(
    path: Path, columns: list[str] | None = None, first: int | None = None
) -> pd.DataFrame:
    """Read a Parquet or CSV table, or raise a ResultsError naming the damaged file.

    Parameters
    ----------
    path : pathlib.Path
        A ``.parquet`` or ``.csv`` file.
    columns : list of str, optional
        Read only these columns (Parquet).
    first : int, optional
        Read only the rows of replications ``0 .. first - 1`` (Parquet: row groups
        of later replications are skipped unread; CSV: read in chunks up to them).

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    ResultsError
        The file is missing, empty (0 bytes), truncated or corrupt (including a
        Parquet page whose checksum does not match).
    """
    import pyarrow as pa

    try:
        if path.stat().st_size == 0:
            raise ResultsError(str(path), "the file is empty (0 bytes)")
        if path.suffix == ".csv" and first is not None:  # rows come in replication order
            parts = []
            for chunk in pd.read_csv(path, keep_default_na=True, chunksize=200_000):
                parts.append(chunk[chunk["replication"] < first])
                if len(chunk) and chunk["replication"].iloc[-1] >= first:
                    break
            return pd.concat(parts, ignore_index=True)
        if path.suffix == ".csv":
            return pd.read_csv(path, keep_default_na=True)
        if first is not None:
            return pd.read_parquet(
                path, columns=columns, filters=[("replication", "<", first)], **PARQUET_READ
            )
        return pd.read_parquet(path, columns=columns, **PARQUET_READ)
    except FileNotFoundError:
        raise ResultsError(str(path), "the file is missing") from None
    except (OSError, ValueError, pa.ArrowException) as exc:
        kind = "CSV" if path.suffix == ".csv" else "Parquet"
        raise ResultsError(str(path), f"damaged {kind} file ({first_sentence(exc)})") from None


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
