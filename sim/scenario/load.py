"""Loading a scenario: read, merge ``extends:``, apply overrides, validate.

:func:`load_scenario` is the public entry point; :func:`load_tree` and
:func:`resolve` split it for callers that resolve many variants of one file
(sweeps), and :func:`scenario_from_yaml` validates text without a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .merge import resolve_extends
from .overrides import apply_override, parse_override
from .paths import OVERLAP_HINT, PathError, overlapping
from .schema import Scenario
from .validate import validate_tree
from .yamlio import Y, parse_text


def load_tree(path: str | Path) -> Y:
    """Load a scenario file with its ``extends:`` chain merged (not yet validated).

    Parameters
    ----------
    path : str or Path
        The scenario file; ``extends:`` is relative to its folder.

    Returns
    -------
    Y
        The annotated tree, the parents merged in and the ``extends:`` key removed.

    Raises
    ------
    InputError
        Every problem of the chain: a file that cannot be read or parsed, two entries
        for one key, a missing parent or a cycle.
    """
    problems: list[Problem] = []
    tree = resolve_extends(Path(path), (), problems)
    if problems:
        raise InputError(problems)
    assert tree is not None
    tree.value.pop("extends", None)
    _rebase_observation_files(tree, Path(path).parent)
    return tree


def _rebase_observation_files(tree: Y, top: Path) -> None:
    """Make each ``observations.files[].file`` relative to the top file's folder.

    A file names its observation CSVs relative to its own folder; after ``extends:``
    the merged tree may hold entries of a parent in another folder, so each is
    rewritten relative to the folder of the file that was loaded (the base that
    :func:`~sim.scenario.observations.load_observations` is given).
    """
    section = tree.value.get("observations") if isinstance(tree.value, dict) else None
    files = section.value.get("files") if section and isinstance(section.value, dict) else None
    if files is None or not isinstance(files.value, list):
        return
    for entry in files.value:
        node = entry.value.get("file") if isinstance(entry.value, dict) else None
        if node is None or not isinstance(node.value, str) or not node.file:
            continue
        own = Path(node.file).parent
        if own.resolve() != top.resolve() and not Path(node.value).is_absolute():
            node.value = os.path.relpath(own / node.value, top)


def load_scenario(
    path: str | Path, overrides: dict[str, Any] | list[str] | None = None
) -> Scenario:
    """Load, merge, override and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        The scenario file.
    overrides : dict or list of str, optional
        ``{path: value}`` or a list of ``"PATH=VALUE"`` strings (as ``--set``),
        applied after ``extends:`` and before validation.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InputError
        Every problem found, each with file, line, path and hint.
    """
    tree = load_tree(path)
    return resolve(tree, overrides)


def resolve(tree: Y, overrides: dict[str, Any] | list[str] | None = None) -> Scenario:
    """Apply overrides to a (copied) tree and validate it.

    The tree is not changed, so that one loaded file can be resolved into many
    variants (the points of a sweep).

    Parameters
    ----------
    tree : Y
        The annotated scenario tree, e.g. from :func:`load_tree`.
    overrides : dict or list of str, optional
        ``{path: value}`` or a list of ``"PATH=VALUE"`` strings (as ``--set``).

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InputError
        Every problem found: overrides that cannot be read or applied, or that set a
        value twice (also in two spellings, ``dyads.A-B.f`` and ``dyads.B-A.f``:
        :func:`~.paths.overlapping`), reported with the problems of the tree as far as
        the overrides applied; otherwise the problems of validation
        (:func:`~.validate.validate_tree`).
    """
    tree = tree.copy()
    if overrides:
        problems: list[Problem] = []
        items: list[tuple[str, Any]] = []
        if isinstance(overrides, dict):
            items = list(overrides.items())
        else:
            for text in overrides:
                try:
                    items.append(parse_override(text))
                except InputError as exc:
                    problems.extend(exc.problems)
        seen: set[str] = set()
        distinct = list(dict.fromkeys(p for p, _ in items))
        spelled = {later: earlier for earlier, later in overlapping(distinct)}
        for p, v in items:
            if p in seen:
                problems.append(
                    Problem("--set", p, None, "this path is set twice", "keep one of the two")
                )
                continue
            seen.add(p)
            if p in spelled:
                problems.append(
                    Problem(
                        "--set",
                        p,
                        None,
                        f"this path sets the same value as {spelled[p]!r}: it is set twice",
                        OVERLAP_HINT,
                    )
                )
                continue
            try:
                apply_override(tree, p, v)
            except PathError as exc:
                problems.append(Problem("--set", p, None, str(exc), exc.hint))
            except (KeyError, TypeError, AttributeError) as exc:
                problems.append(
                    Problem(
                        "--set",
                        p,
                        None,
                        f"cannot apply the override: {exc}",
                        "the scenario section it changes may be malformed",
                    )
                )
        if problems:
            try:  # also report what is wrong with the overrides that did apply
                validate_tree(tree)
            except InputError as exc:
                problems.extend(exc.problems)
            raise InputError(problems)
    return validate_tree(tree)


def scenario_from_yaml(text: str, file: str = "<text>") -> Scenario:
    """Validate a scenario given as YAML text (no ``extends:``).

    Parameters
    ----------
    text : str
        The YAML text of a whole scenario; an ``extends:`` key is not followed.
    file : str
        What messages name as the file of the text.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    InputError
        If the text is not valid YAML, its top level is not a mapping, or the
        scenario is invalid.
    """
    tree = parse_text(text, file)
    if tree is None or not isinstance(tree.value, dict):
        raise InputError([Problem(file, "", None, "the top level must be a mapping")])
    return validate_tree(tree)
