"""The resumable sweep store: fixed files, Parquet shards written atomically, loading.

``OUT/<name>-<hash8>/`` (the sweep's name made safe for the file system, and the
hash of the resolved sweep, so that ``--resume`` finds it) holds ``sweep.yaml``,
``base_scenario.yaml``, ``inputs.json`` (the full hash), ``manifest.json``,
``points.parquet`` and ``shards/``: each chunk of runs writes ``values-*.parquet``
(long, tidy: run_id, point, replication, seed, measure, value),
``trajectories-*.parquet`` if asked, and last ``runs-*.parquet`` (point,
parameters, replication, seed, status, wall time, error, host), each atomically
(temporary name, then rename).  A run is finished when a runs shard lists it; the
loader drops duplicates by run id, so a worker that outlived a killed parent is
harmless, and ``--resume`` skips finished runs.

**Frozen inputs.** Every shard records, in its Parquet metadata, the hash of the
resolved sweep it was computed from; :func:`load` and ``--resume`` refuse a store
whose shards disagree with it.

**Damage.** :func:`load` names a damaged file (:class:`~sim.results.ResultsError`);
``--resume`` moves a damaged chunk's shards aside to ``quarantine/``, says so, and
recomputes its runs.

**One writer.** A writer holds ``writer.lock`` (:func:`lock_store`): an advisory lock
(``flock``) that the system drops when the writer dies, with the writer's pid, host
and start in the file; a second writer is refused, a lock left by a dead one is taken
over with a note.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml
from pydantic import ValidationError

from ..errors import InputError, Problem, StoreNote
from ..parallel import parent_alive, process_token
from ..results import (
    PARQUET_WRITE,
    ResultsError,
    first_sentence,
    missing_folders,
    one_line,
    read_json,
    read_table,
    read_text,
    remove_empty,
)
from .spec import SweepSpec

if TYPE_CHECKING:
    from .sweep import Sweep

INPUTS_FILE = "inputs.json"
"""The store's record of the hash of the resolved sweep it holds."""

LOCK_FILE = "writer.lock"
"""The lock a writer of the store holds (:func:`lock_store`)."""

QUARANTINE = "quarantine"
"""Where ``--resume`` moves damaged shards, inside the store."""

INPUTS_KEY = b"geosim.inputs"
"""Parquet metadata key of a shard: the hash of the resolved sweep it was computed from."""


def atomic_parquet(frame: pd.DataFrame, path: Path, inputs: str | None = None) -> None:
    """Write ``frame`` to the Parquet file ``path`` atomically, creating its folder.

    The frame goes to a hidden temporary file beside ``path`` that is then renamed
    over it, so a reader (or a resumed sweep) sees the whole file or none of it; the
    temporary file is removed if writing fails or is interrupted.  Pages carry
    checksums (:data:`sim.results.PARQUET_WRITE`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to write; its index is not written.
    path : pathlib.Path
        The Parquet file to create or replace.
    inputs : str, optional
        The hash of the inputs the table was computed from, kept in the file's
        metadata under :data:`INPUTS_KEY` (:func:`shard_inputs` reads it).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if inputs is not None:
        meta = dict(table.schema.metadata or {})
        meta[INPUTS_KEY] = inputs.encode()
        table = table.replace_schema_metadata(meta)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, **PARQUET_WRITE)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def shard_inputs(path: Path) -> str | None:
    """The inputs hash a shard records (:func:`atomic_parquet`), None if it records none.

    Parameters
    ----------
    path : pathlib.Path
        A shard.

    Returns
    -------
    str or None
        The hash; None for a shard written before shards recorded it.

    Raises
    ------
    ResultsError
        The file's footer cannot be read (truncated, empty or not Parquet).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise ResultsError(str(path), f"damaged Parquet file ({first_sentence(exc)})") from None
    value = meta.get(INPUTS_KEY)
    return value.decode() if value else None


def _chunk_name(shard: Path) -> str:
    """The chunk a shard belongs to: its name after ``values-``, ``runs-``..."""
    return shard.stem.partition("-")[2]


def _shards(folder: Path) -> list[Path]:
    return sorted((folder / "shards").glob("*-*.parquet"))


def _mismatch(shard: Path, found: str, expected: str) -> ResultsError:
    return ResultsError(
        str(shard),
        f"this shard was computed from other inputs (hash {found[:12]}) than its store "
        f"(hash {expected[:12]})",
        "the store mixes two sweeps: move the shard out, or start the sweep in a new --out",
    )


@dataclass
class ShardScan:
    """What :func:`scan_shards` found: finished runs and damaged chunks."""

    done: set[str]
    """Run ids listed by the runs shards of undamaged chunks."""
    damaged: dict[str, tuple[Path, str]]
    """Chunk name -> (first damaged shard, what is wrong with it)."""


def scan_shards(folder: Path, inputs: str | None) -> ShardScan:
    """Read every shard of a store, check it and its inputs hash; list finished runs.

    Parameters
    ----------
    folder : pathlib.Path
        A sweep folder.
    inputs : str or None
        The hash every shard must record (shards that record none pass); None: the
        shards must only agree with each other.

    Returns
    -------
    ShardScan
        The finished runs of the chunks whose shards all read, and the damaged chunks.

    Raises
    ------
    ResultsError
        A readable shard records another inputs hash.
    """
    done: set[str] = set()
    damaged: dict[str, tuple[Path, str]] = {}
    runs_of: dict[str, set[str]] = {}
    for shard in _shards(folder):
        chunk = _chunk_name(shard)
        try:
            found = shard_inputs(shard)
            frame = read_table(shard)
        except ResultsError as exc:
            damaged.setdefault(chunk, (shard, exc.problems[0].message))
            continue
        if found is not None:
            inputs = inputs or found
            if found != inputs:
                raise _mismatch(shard, found, inputs)
        if shard.name.startswith("runs-"):
            if "run_id" not in frame.columns:
                damaged.setdefault(chunk, (shard, "a runs shard without a run_id column"))
                continue
            runs_of[chunk] = set(frame["run_id"])
    for chunk, ids in runs_of.items():
        if chunk not in damaged:
            done |= ids
    return ShardScan(done, damaged)


def quarantine(folder: Path, chunk: str) -> list[Path]:
    """Move every shard of a chunk to ``folder/quarantine/``; return where they went.

    Parameters
    ----------
    folder : pathlib.Path
        A sweep folder.
    chunk : str
        The chunk's name (what follows ``values-``, ``runs-``... in its shards).

    Returns
    -------
    list of pathlib.Path
        The new paths; a name already in the quarantine gets ``.1``, ``.2``... added.
    """
    target = folder / QUARANTINE
    target.mkdir(exist_ok=True)
    moved = []
    for shard in _shards(folder):
        if _chunk_name(shard) != chunk:
            continue
        dest = target / shard.name
        k = 1
        while dest.exists():
            dest = target / f"{shard.name}.{k}"
            k += 1
        os.replace(shard, dest)
        moved.append(dest)
    return moved


def finished_runs(folder: Path, inputs: str | None = None, repair: bool = False) -> set[str]:
    """Run ids recorded in runs shards (finished, ok or failed).

    Parameters
    ----------
    folder : pathlib.Path
        A sweep folder (``OUT/<name>-<hash8>/``).
    inputs : str, optional
        The hash of the resolved sweep; every shard that records one must match it.
    repair : bool
        Move damaged chunks aside (:func:`quarantine`) with a :class:`StoreNote` each,
        so that their runs are recomputed, instead of raising.

    Returns
    -------
    set of str
        The run ids listed in ``shards/runs-*.parquet``: the runs ``--resume`` skips.
        Empty if no chunk has finished yet.

    Raises
    ------
    ResultsError
        A damaged shard (without ``repair``), or a shard computed from other inputs.
    """
    scan = scan_shards(folder, inputs)
    for chunk, (shard, why) in sorted(scan.damaged.items()):
        if not repair:
            raise ResultsError(str(shard), why, "geosim sweep --resume moves it aside")
        moved = quarantine(folder, chunk)
        others = f" with the {len(moved) - 1} other shard(s) of its chunk" if len(moved) > 1 else ""
        warnings.warn(
            f"--resume: moved the damaged shard {shard} ({why}){others} to "
            f"{folder / QUARANTINE}/; its runs are computed again",
            StoreNote,
            stacklevel=2,
        )
    return scan.done


# --------------------------------------------------------------------------- the lock


@dataclass
class StoreLock:
    """The lock of one writer on a store (:func:`lock_store`); release it when done."""

    path: Path
    fd: int | None

    def release(self) -> None:
        """Remove the lock file and drop the lock (once; later calls do nothing)."""
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = None


def _holder_text(record: dict[str, Any]) -> str:
    if not record:
        return "a process that left no record"
    return f"pid {record.get('pid')} on {record.get('host')}, since {record.get('since', '?')}"


def _read_record(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 65536).decode() or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _my_record() -> dict[str, Any]:
    pid = os.getpid()
    return {
        "pid": pid,
        "host": socket.gethostname(),
        "token": process_token(pid),
        "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _stale(record: dict[str, Any]) -> bool:
    """Whether the writer a lock record names is known to have died (on this host)."""
    if record.get("host") != socket.gethostname() or not isinstance(record.get("pid"), int):
        return False
    return not parent_alive(record["pid"], record.get("token"))


def lock_store(folder: Path) -> StoreLock:
    """Take the writer's lock of a sweep store, or refuse: one writer per store.

    The lock is ``folder/writer.lock``, locked with ``flock`` where the system has it:
    the system drops the lock when its holder dies (even by SIGKILL), so a lock left
    behind is taken over, with a :class:`StoreNote` naming the dead writer.  Without
    ``flock`` (or where the file system refuses it), the file is created exclusively
    and a lock whose writer (pid, on this host) no longer runs is stale and taken over.

    Parameters
    ----------
    folder : pathlib.Path
        The store; it must exist.

    Returns
    -------
    StoreLock
        The lock; :meth:`StoreLock.release` it when the writing is done.

    Raises
    ------
    ResultsError
        Another live process holds the lock: the message names it.
    """
    path = folder / LOCK_FILE
    try:
        import fcntl
    except ImportError:  # not on this system: an exclusive file and the pid
        return _lock_exclusive(folder, path)
    for _ in range(10):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_record(fd)
            os.close(fd)
            raise _refused(folder, holder) from None
        except OSError:  # e.g. ENOLCK on a network file system without locks
            os.close(fd)
            return _lock_exclusive(folder, path)
        try:  # the file may have been released (removed) between open and flock
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        previous = _read_record(fd)
        _write_record(fd)
        if previous and previous.get("pid") != os.getpid():
            warnings.warn(
                f"took over the lock of {folder} left by {_holder_text(previous)}, which no "
                "longer runs",
                StoreNote,
                stacklevel=2,
            )
        return StoreLock(path, fd)
    raise ResultsError(str(path), "could not take the writer's lock (it keeps changing)")


def _write_record(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(_my_record()).encode())


def _refused(folder: Path, holder: dict[str, Any]) -> ResultsError:
    return ResultsError(
        str(folder),
        f"another geosim process is writing this sweep store ({_holder_text(holder)})",
        "wait for it to finish or stop it, then add --resume to finish the store",
    )


def _lock_exclusive(folder: Path, path: Path) -> StoreLock:
    """The lock as an exclusively created file, for systems without ``flock``."""
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                fd_old = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            holder = _read_record(fd_old)
            os.close(fd_old)
            if not _stale(holder):
                raise _refused(folder, holder) from None
            path.unlink(missing_ok=True)
            warnings.warn(
                f"took over the lock of {folder} left by {_holder_text(holder)}, which no "
                "longer runs",
                StoreNote,
                stacklevel=3,
            )
            continue
        _write_record(fd)
        return StoreLock(path, fd)
    raise ResultsError(str(path), "could not take the writer's lock")


# --------------------------------------------------------------------------- writing


def _describe_change(old: Path, sweep: Sweep) -> str:
    """What differs between the store ``old`` and ``sweep``: keys of the file, the base."""
    changed = []
    try:
        before = yaml.safe_load(read_text(old / "sweep.yaml", "the sweep file")) or {}
    except (ResultsError, yaml.YAMLError):
        before = {}
    after = sweep.spec.model_dump(mode="json")
    for key in after:
        if key == "parameters" and isinstance(before.get(key), dict):
            paths = sorted(set(after[key]) | set(before[key]))
            changed += [f"parameters.{p}" for p in paths if after[key].get(p) != before[key].get(p)]
        elif before.get(key) != after[key]:
            changed.append(key)
    try:
        base = read_text(old / "base_scenario.yaml", "the base scenario")
    except ResultsError:
        base = None
    if base is not None and base != sweep.base.to_yaml():
        changed.append("the base scenario")
    return ", ".join(changed[:6]) + (" ..." if len(changed) > 6 else "") if changed else ""


def previous_stores(sweep: Sweep, folder: Path) -> list[Path]:
    """Other stores of the same sweep name beside ``folder``, newest first.

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep.
    folder : pathlib.Path
        Its store (:meth:`Sweep.folder`).

    Returns
    -------
    list of pathlib.Path
        Folders ``<name>-<8 hex digits>`` in the same root that hold a ``sweep.yaml``:
        stores of earlier versions of the sweep file or of its base scenario.
    """
    stem = folder.name.rsplit("-", 1)[0]
    found = []
    for other in folder.parent.glob(f"{stem}-*"):
        tail = other.name[len(stem) + 1 :]
        if other != folder and len(tail) == 8 and (other / "sweep.yaml").exists():
            found.append(other)
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def new_store_note(sweep: Sweep, folder: Path) -> str:
    """What ``--resume`` says when the sweep's store ``folder`` does not exist yet.

    Either the inputs changed since an earlier store of the same sweep name (which,
    and what changed), or there is no store to resume.

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep.
    folder : pathlib.Path
        Its store, ``OUT/<name>-<hash8>/``, not yet made.
    """
    older = previous_stores(sweep, folder)
    if not older:
        return f"--resume: no store to resume at {folder}; starting it"
    change = _describe_change(older[0], sweep)
    return (
        f"--resume: the inputs changed since the store {older[0]}"
        + (f" ({change})" if change else "")
        + f"; starting a new store {folder} (the old one is left as it is)"
    )


@contextmanager
def open_store(sweep: Sweep, out: str | Path | None = None, resume: bool = False) -> Iterator[Path]:
    """Open the sweep's store for writing: lock it, check it, write its fixed files.

    Yields the store's folder while this process holds its lock (:func:`lock_store`).
    If the block fails or is interrupted before any runs shard was written, a store
    this call created is removed again, with the folders made for it: nothing empty
    or partial is left behind.  With ``resume`` and no store at the sweep's folder, a
    :class:`StoreNote` says which store starts, and which earlier store (of another
    version of the inputs) it does not continue.

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep (:func:`.sweep.load_sweep`).
    out : str or pathlib.Path, optional
        Output root; default the sweep file's ``out:``.
    resume : bool
        Reuse a folder that already holds runs (to finish it) instead of refusing.

    Yields
    ------
    pathlib.Path
        The sweep folder, ``OUT/<name>-<hash8>/``.

    Raises
    ------
    InputError
        The folder already holds runs and ``resume`` is False.
    ResultsError
        Another process writes the store, or the store holds another sweep.
    """
    folder = sweep.folder(out)
    made = missing_folders(folder)
    if resume and made:
        warnings.warn(new_store_note(sweep, folder), StoreNote, stacklevel=3)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        lock = lock_store(folder)
    except BaseException:
        remove_empty(made)
        raise
    finished = False
    try:
        prepare(sweep, folder, resume)
        yield folder
        finished = True
    finally:
        lock.release()
        if not finished and made and not any((folder / "shards").glob("runs-*.parquet")):
            shutil.rmtree(folder, ignore_errors=True)
            remove_empty(made[1:])


def prepare(sweep: Sweep, folder: Path, resume: bool = False) -> Path:
    """Check a locked store and write its fixed files (:func:`open_store` calls it).

    Writes ``sweep.yaml`` (the validated spec), ``base_scenario.yaml`` (the resolved
    base scenario), ``inputs.json`` (the hash of the resolved sweep) and
    ``points.parquet`` (a ``point`` index column, then one column per parameter path,
    numbers as float64), creates ``shards/`` and, with ``resume``, removes temporary
    files that an interrupted writer left there.

    Parameters
    ----------
    sweep : Sweep
        The loaded sweep.
    folder : pathlib.Path
        Its store, locked by this process.
    resume : bool
        Reuse a folder that already holds runs (to finish it) instead of refusing.

    Returns
    -------
    pathlib.Path
        ``folder``.

    Raises
    ------
    InputError
        The folder already holds runs and ``resume`` is False.
    ResultsError
        The folder's ``inputs.json`` records another sweep than ``sweep``.
    """
    digest = sweep.digest()
    if (folder / INPUTS_FILE).exists():
        recorded = read_json(folder / INPUTS_FILE, "the store's inputs").get("inputs")
        if recorded != digest:
            raise ResultsError(
                str(folder / INPUTS_FILE),
                f"this store holds another sweep (hash {str(recorded)[:12]}, not {digest[:12]})",
                "give another --out, or delete the folder to start over",
            )
    if not resume and any((folder / "shards").glob("runs-*.parquet")):
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
    if resume:
        for tmp in (folder / "shards").glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
    atomic_text(
        yaml.safe_dump(sweep.spec.model_dump(mode="json"), sort_keys=False), folder / "sweep.yaml"
    )
    atomic_text(sweep.base.to_yaml(), folder / "base_scenario.yaml")
    atomic_text(
        json.dumps({"inputs": digest, "sweep": sweep.spec.name}, indent=2), folder / INPUTS_FILE
    )
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
    ResultsError
        A damaged or missing file, named: ``sweep.yaml``, ``points.parquet``, the
        manifest, a shard (``geosim sweep --resume`` moves a damaged shard aside and
        recomputes its runs); or shards computed from other inputs than the store's.
    """
    folder = Path(folder)
    if not (folder / "sweep.yaml").exists():
        raise FileNotFoundError(f"{folder} is not a geosim sweep folder (no sweep.yaml)")
    spec_file = folder / "sweep.yaml"
    try:
        spec = SweepSpec.model_validate(yaml.safe_load(read_text(spec_file, "the sweep file")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ResultsError(
            str(spec_file), f"not a valid sweep file ({one_line(exc, 160)})"
        ) from None
    points = read_table(folder / "points.parquet")
    manifest_path = folder / "manifest.json"
    manifest = read_json(manifest_path, "the sweep's manifest") if manifest_path.exists() else {}
    inputs = None
    if (folder / INPUTS_FILE).exists():
        inputs = read_json(folder / INPUTS_FILE, "the store's inputs").get("inputs")
    inputs = inputs or manifest.get("hash")

    def read(prefix: str, key: list[str]) -> pd.DataFrame:
        nonlocal inputs
        parts = []
        for p in sorted((folder / "shards").glob(f"{prefix}-*.parquet")):
            found = shard_inputs(p)
            if found is not None:
                inputs = inputs or found
                if found != inputs:
                    raise _mismatch(p, found, inputs)
            parts.append(read_table(p))
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        missing = [k for k in key if k not in frame.columns]
        if missing:
            raise ResultsError(
                str(folder / "shards"), f"{prefix} shards without the column {missing[0]}"
            )
        return frame.drop_duplicates(subset=key).sort_values(key).reset_index(drop=True)

    runs = read("runs", ["run_id"])
    done = set(runs["run_id"]) if len(runs) else set()
    values = read("values", ["run_id", "measure"])
    if len(values):
        values = values[values["run_id"].isin(done)].reset_index(drop=True)
    trajectories = read("trajectories", ["run_id", "measure", "step"])
    if len(trajectories):
        trajectories = trajectories[trajectories["run_id"].isin(done)].reset_index(drop=True)
    return SweepResult(folder, spec, points, runs, values, trajectories, manifest)
