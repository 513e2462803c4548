"""What kind of results folder a path is, told from its manifest and files.

:func:`folder_kind` returns one of :data:`KINDS`:

- ``run``: ``manifest.json`` and ``scenario.yaml`` (``geosim run``);
- ``hindcast``: a run whose scenario has observations, so also ``score.csv``;
- ``comparison``: ``manifest.json`` naming ``scenarios`` and ``ranking.csv``
  (``geosim compare``);
- ``sweep``: ``sweep.yaml`` and a finished sweep's ``manifest.json`` (``geosim sweep``);
- ``sensitivity``: a sweep folder with ``sensitivity.json`` (``geosim sensitivity``);
- ``discovery``: ``box.csv`` and ``peeling.csv`` (``geosim discover``, inside a sweep
  folder).

Anything else raises an :class:`~sim.errors.InputError` that names the folder and
says what to pass instead: a missing path, a file, an unfinished sweep, a
calibration folder (not covered yet), a results root holding results folders, or a
folder geosim did not write.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..results import read_json

KINDS = ("run", "hindcast", "comparison", "sweep", "sensitivity", "discovery")
"""The kinds of results folder a report covers."""

WRITERS = "geosim run, compare, sweep, sensitivity or discover"


def _refuse(folder: Path, message: str, hint: str) -> InputError:
    return InputError([Problem(str(folder), "", None, message, hint)])


def _results_inside(folder: Path) -> list[Path]:
    """Results folders one or two levels below ``folder`` (a results root)."""
    found = []
    for child in sorted(folder.iterdir()):
        if not child.is_dir():
            continue
        if (child / "manifest.json").exists() or (child / "sweep.yaml").exists():
            found.append(child)
            continue
        found += [
            g for g in sorted(child.iterdir()) if g.is_dir() and (g / "manifest.json").exists()
        ]
    return found


def folder_kind(folder: str | Path) -> str:
    """The kind of results folder ``folder`` is (one of :data:`KINDS`).

    Parameters
    ----------
    folder : str or pathlib.Path
        A folder written by ``geosim run``, ``compare``, ``sweep``, ``sensitivity`` or
        ``discover``.

    Returns
    -------
    str
        ``run``, ``hindcast``, ``comparison``, ``sweep``, ``sensitivity`` or
        ``discovery``.

    Raises
    ------
    InputError
        One located problem naming the folder, with a hint: it does not exist, is a
        file, is an unfinished sweep, a calibration folder, a results root, or not a
        geosim results folder.  A ``ResultsError`` (an InputError) when its manifest
        is damaged.
    """
    folder = Path(folder)
    if not folder.exists():
        raise _refuse(folder, "no such results folder", f"pass a folder written by {WRITERS}")
    if not folder.is_dir():
        parent = folder.parent
        known = (parent / "manifest.json").exists() or (parent / "sweep.yaml").exists()
        hint = f"pass its folder, {parent}" if known else f"pass a folder written by {WRITERS}"
        raise _refuse(folder, "this is a file, not a results folder", hint)
    if (folder / "box.csv").exists() and (folder / "peeling.csv").exists():
        return "discovery"
    if (folder / "sweep.yaml").exists():
        if (folder / "sensitivity.json").exists():
            return "sensitivity"
        if not (folder / "manifest.json").exists():
            raise _refuse(
                folder,
                "this sweep is unfinished (no manifest.json): there is nothing to report yet",
                "finish it with geosim sweep (or sensitivity) SWEEP_FILE --resume",
            )
        return "sweep"
    if (folder / "manifest.json").exists():
        manifest = read_json(folder / "manifest.json", "the folder's manifest")
        if manifest.get("kind") == "calibration":
            raise _refuse(
                folder,
                "geosim report does not cover calibration folders yet",
                "run its calibrated.yaml with geosim run and report that results folder",
            )
        if "scenarios" in manifest and (folder / "ranking.csv").exists():
            return "comparison"
        if (folder / "scenario.yaml").exists():
            return "hindcast" if (folder / "score.csv").exists() else "run"
    inside = _results_inside(folder)
    if inside:
        raise _refuse(
            folder,
            f"this folder holds {len(inside)} results folder{'s' if len(inside) > 1 else ''}, "
            "not the results of one command",
            f"pass one of them, e.g. {inside[-1]}",
        )
    raise _refuse(
        folder,
        "not a geosim results folder (no manifest.json, sweep.yaml or PRIM box)",
        f"pass a folder written by {WRITERS}",
    )
