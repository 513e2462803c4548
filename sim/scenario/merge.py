"""``extends:``: a scenario file over its parent, merged by key.

Mappings merge by key (``actors`` by code), ``dyads`` by pair, ``trade`` by (from,
to, category), ``sanctions.regimes`` by target; ``events`` and ``reactions`` are
appended; any other list is replaced.  Two entries for the same key in one file are
an error (so are a symmetric and a one-way entry of one pair: both give A toward B).
``extends:`` is relative to the child's folder; a cycle or a missing parent is
reported with the line of the ``extends:`` key.  The rules are those of
``docs/scenarios.md``, ``extends:``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from .yamlio import Y, load_file


def _key_of(section: str, item: Y) -> Any:
    v = item.value
    if not isinstance(v, dict):
        return None
    try:
        if section == "dyads":
            pair = v["pair"].plain()
            sym = v.get("symmetric", Y(True, "", None)).value
            return ("pair", tuple(sorted(pair)) if sym is not False else tuple(pair))
        if section == "trade":
            return (v["from"].value, v["to"].value, v["category"].value)
        if section == "regimes":
            return v["target"].value
    except (KeyError, TypeError, AttributeError):
        return None
    return None


def _directions(item: Y) -> list[tuple[str, str]]:
    """The directions a dyad entry gives: both for a symmetric entry, A toward B if not.

    A one-way entry and a symmetric entry of the same pair in one file give one
    direction twice, so that the file would override itself.
    """
    v = item.value
    try:
        a, b = v["pair"].plain()
        sym = v.get("symmetric", Y(True, "", None)).value
    except (KeyError, TypeError, ValueError, AttributeError):
        return []
    if not isinstance(a, str) or not isinstance(b, str):
        return []
    return [(a, b)] if sym is False else [(a, b), (b, a)]


def _check_unique(tree: Y, problems: list[Problem]) -> None:
    data = tree.value
    for section, items in (
        ("dyads", data.get("dyads")),
        ("trade", data.get("trade")),
        (
            "regimes",
            (data.get("sanctions") or Y({}, "", None)).value.get("regimes")
            if isinstance(data.get("sanctions"), Y)
            and isinstance(data.get("sanctions").value, dict)
            else None,
        ),
    ):
        if items is None or not isinstance(items.value, list):
            continue
        seen: dict[Any, Y] = {}
        for i, item in enumerate(items.value):
            keys = _directions(item) if section == "dyads" else [_key_of(section, item)]
            if not keys or keys[0] is None:
                continue
            first = next((seen[k] for k in keys if k in seen), None)
            if first is not None:
                problems.append(
                    Problem(
                        item.file,
                        f"{section}[{i}]",
                        item.line,
                        f"a second entry for the same {'pair' if section == 'dyads' else 'key'} "
                        f"(first on line {first.line})",
                        "merge the two entries into one",
                    )
                )
            else:
                seen.update(dict.fromkeys(keys, item))


def _merge(parent: Y, child: Y, section: str = "") -> Y:
    """Merge child over parent by the rules of the module docstring."""
    if isinstance(parent.value, dict) and isinstance(child.value, dict):
        out = dict(parent.value)
        for k, v in child.value.items():
            sub = f"{section}.{k}" if section else k
            out[k] = _merge(out[k], v, sub) if k in out else v
        return Y(out, child.file, child.line)
    if isinstance(parent.value, list) and isinstance(child.value, list):
        if section in ("events", "reactions"):
            return Y(parent.value + child.value, child.file, child.line)
        key_section = {"dyads": "dyads", "trade": "trade", "sanctions.regimes": "regimes"}.get(
            section
        )
        if key_section:
            merged = list(parent.value)
            index = {_key_of(key_section, it): i for i, it in enumerate(merged)}
            for it in child.value:
                key = _key_of(key_section, it)
                if key is not None and key in index:
                    merged[index[key]] = _merge(merged[index[key]], it, "")
                else:
                    merged.append(it)
            return Y(merged, child.file, child.line)
    return child


def resolve_extends(path: Path, stack: tuple[Path, ...], problems: list[Problem]) -> Y | None:
    """Read a scenario file and merge it over its ``extends:`` chain, parents first.

    Problems of the chain are collected rather than raised, so that every file of it
    is checked and every problem reported at once.

    Parameters
    ----------
    path : Path
        The scenario file.
    stack : tuple of Path
        The resolved paths of the files that extend this one, outermost first, to
        detect a cycle; ``()`` for the file the user named.
    problems : list of Problem
        Collects, in place, the problems found: two entries for one key in a file,
        an ``extends:`` that is not a path, names a missing file or closes a cycle,
        and a parent that cannot be read (located at the ``extends:`` line when the
        problem is the parent file as a whole: too large, empty, not UTF-8).

    Returns
    -------
    Y or None
        The annotated tree of the file merged over its parents, without the
        ``extends:`` key; the file's own tree (``extends:`` kept) where its parent
        cannot be used, the problem being in ``problems``.

    Raises
    ------
    InputError
        If the file itself cannot be read or parsed (a parent's problems go to
        ``problems`` instead).
    """
    tree = load_file(path)
    _check_unique(tree, problems)
    ext = tree.value.get("extends")
    if ext is None or ext.value is None:
        return tree
    if not isinstance(ext.value, str):
        problems.append(Problem(ext.file, "extends", ext.line, "extends must be a file path"))
        return tree
    parent_path = (path.parent / ext.value).resolve()
    if parent_path in stack or parent_path == path.resolve():
        chain = " -> ".join(str(p) for p in (*stack, path.resolve(), parent_path))
        problems.append(
            Problem(
                ext.file,
                "extends",
                ext.line,
                f"the extends: chain is a cycle: {chain}",
                "a scenario cannot extend itself, directly or not",
            )
        )
        return tree
    if not parent_path.exists():
        problems.append(
            Problem(
                ext.file,
                "extends",
                ext.line,
                f"the parent scenario {ext.value!r} does not exist (looked for {parent_path})",
                "extends: is relative to the folder of this file",
            )
        )
        return tree
    try:
        parent = resolve_extends(parent_path, (*stack, path.resolve()), problems)
    except InputError as exc:
        for problem in exc.problems:
            if problem.line is None and not problem.path:  # the parent as a whole
                problem = Problem(
                    ext.file,
                    "extends",
                    ext.line,
                    f"the parent scenario {ext.value!r} cannot be used: {problem.message}",
                    problem.hint,
                )
            problems.append(problem)
        return tree
    if parent is None:
        return tree
    merged = _merge(parent, tree)
    merged.value.pop("extends", None)
    return merged
