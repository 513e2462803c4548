"""Overrides (``--set PATH=VALUE`` and sweep points) applied to a scenario tree.

An override is applied to the annotated YAML tree *before* validation, so that its
value is checked like any value of the file and an error names ``--set`` as its
origin.  :func:`parse_override` reads ``PATH=VALUE`` with the value as a YAML 1.2
scalar or list; :func:`apply_override` writes it at the place the path addresses
(creating a dyad, trade or doctrine entry when the file has none), by the rules of
``docs/scenarios.md``, Paths and ``--set PATH=VALUE``.
"""

from __future__ import annotations

from typing import Any

from .. import registry
from ..errors import InputError, Problem
from .paths import PathError, parse_path
from .schema import DEFAULT_CATEGORIES
from .yamlio import Y, parse_text


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and read the value as a YAML 1.2 scalar or list.

    Parameters
    ----------
    text : str
        The override as given to ``--set``, e.g. ``actors.CHN.doctrine.compliance=0.3``;
        the path is split at the first ``=``.

    Returns
    -------
    tuple of (str, Any)
        The path, stripped, and the value as plain data (``null`` is None, ``[a, b]``
        a list); the path is not checked here.

    Raises
    ------
    InputError
        If there is no ``=``, no value after it, or the value is not valid YAML; the
        problem names ``--set`` and the path.
    """
    if "=" not in text:
        raise InputError(
            [
                Problem(
                    "--set",
                    text,
                    None,
                    "an override is written PATH=VALUE",
                    "e.g. --set actors.CHN.doctrine.compliance=0.3",
                )
            ]
        )
    path, _, raw = text.partition("=")
    path = path.strip()
    if not raw.strip():
        raise InputError(
            [
                Problem(
                    "--set",
                    path,
                    None,
                    "an override needs a value after '='",
                    "write null for no value, or '' for empty text",
                )
            ]
        )
    try:
        tree = parse_text(raw, "--set")
    except InputError as exc:
        for problem in exc.problems:
            problem.path = path
            problem.line = None
            problem.hint = problem.hint or "the value is read as YAML: quote text"
            if "syntax error" in problem.message:
                problem.hint = "the value is read as YAML: quote text, write lists as [a, b]"
        raise
    return path, None if tree is None else tree.plain()


def wrap(value: Any, origin: str) -> Y:
    """An annotated tree for a plain value given outside a file (``--set``).

    Also wraps the plain data of a whole scenario built in code
    (:func:`sim.synthetic.synthetic_scenario`).

    Parameters
    ----------
    value : Any
        Plain data: dicts, lists or tuples (wrapped element by element) and scalars;
        a :class:`Y` is returned as it is.
    origin : str
        What messages name as the file of these values, e.g. ``--set``.

    Returns
    -------
    Y
        The annotated tree, every node from ``origin`` with no line.
    """
    if isinstance(value, Y):
        return value
    if isinstance(value, dict):
        return Y({k: wrap(v, origin) for k, v in value.items()}, origin, None)
    if isinstance(value, (list, tuple)):
        return Y([wrap(v, origin) for v in value], origin, None)
    return Y(value, origin, None)


def _ensure_dict(node: Y, key: str, origin: str) -> Y:
    if key not in node.value or not isinstance(node.value[key].value, dict):
        node.value[key] = Y({}, origin, None)
    return node.value[key]


def _ensure_list(node: Y, key: str, origin: str) -> Y:
    if key not in node.value or not isinstance(node.value[key].value, list):
        node.value[key] = Y([], origin, None)
    return node.value[key]


def apply_override(tree: Y, path: str, value: Any, origin: str = "--set") -> None:
    """Set ``path`` to ``value`` in an annotated scenario tree (before validation).

    The path is checked against the tree's actors and categories.  A missing
    ``model``, ``reference`` or doctrine section, dyad entry or trade flow is created;
    a number given for ``war_demand`` becomes a constant series; a directed path on a
    symmetric dyad entry turns the field into a pair ``[A toward B, B toward A]``;
    a pair value given to ``dyads.A-B.f`` is read in the path's order, A toward B
    first, whatever the order of the file's entry.
    The value itself is checked only when the tree is validated.

    Parameters
    ----------
    tree : Y
        The annotated scenario tree, ``extends:`` merged; changed in place.
    path : str
        The path (:func:`~.paths.parse_path`), e.g. ``dyads.RUS>PRK.relation``.
    value : Any
        The new value, as plain data.
    origin : str
        What messages about the new value name as its file.

    Raises
    ------
    PathError
        If the path addresses nothing, or names a sanctions regime the tree does not
        have.
    KeyError, TypeError, AttributeError
        If the section the path changes is missing or malformed (e.g. no
        ``actors``); :func:`~.load.resolve` reports these as problems.
    """
    data = tree.value
    codes = (
        list(data["actors"].value)
        if isinstance(data.get("actors"), Y) and isinstance(data["actors"].value, dict)
        else None
    )
    cats = data.get("categories")
    categories = (
        cats.plain()
        if isinstance(cats, Y) and isinstance(cats.value, list)
        else list(DEFAULT_CATEGORIES)
    )
    ref = parse_path(path, codes, categories)
    new = wrap(value, origin)
    if ref.kind == "run":
        data[ref.field] = new
    elif ref.kind in ("model", "reference"):
        _ensure_dict(tree, ref.kind, origin).value[ref.field] = new
    elif ref.kind == "actor":
        actor = data["actors"].value[ref.a]
        if ref.field == "war_demand" and isinstance(value, (int, float)):
            new = Y(
                [Y({"from": Y("0001-01", origin, None), "value": new}, origin, None)], origin, None
            )
        actor.value[ref.field] = new
    elif ref.kind == "doctrine":
        actor = data["actors"].value[ref.a]
        _ensure_dict(actor, "doctrine", origin).value[ref.field] = new
    elif ref.kind == "dyad":
        dyads = _ensure_list(tree, "dyads", origin)
        entries = [
            it
            for it in dyads.value
            if isinstance(it.value, dict)
            and "pair" in it.value
            and set(it.value["pair"].plain()) == {ref.a, ref.b}
        ]

        def symmetric(it: Y) -> bool:
            return it.value.get("symmetric", Y(True, origin, None)).value is not False

        def pair_of(it: Y) -> tuple[str, str]:
            return tuple(it.value["pair"].plain())  # type: ignore[return-value]

        pair_value = not ref.directed and isinstance(value, list) and len(value) == 2

        def as_read_by(x: str, y: str) -> Y:
            """The value as an entry of pair (x, y) reads it: [x toward y, y toward x]."""
            return wrap(value[::-1], origin) if pair_value and (x, y) != (ref.a, ref.b) else new

        def side(x: str, y: str) -> Y:
            """The value of the one direction x toward y."""
            return wrap(value[0 if (x, y) == (ref.a, ref.b) else 1], origin) if pair_value else new

        a, b = str(ref.a), str(ref.b)
        addressed = [(a, b)] if ref.directed else [(a, b), (b, a)]
        shared = next((it for it in entries if symmetric(it)), None)
        if shared is not None:
            if not ref.directed:
                shared.value[ref.field] = as_read_by(*pair_of(shared))
            else:
                old = shared.value.get(ref.field)
                old_value = old.plain() if old is not None else None
                if old_value is None:
                    old_value = registry.DYAD_BY_NAME[ref.field].default
                both = list(old_value) if isinstance(old_value, list) else [old_value] * 2
                both[0 if pair_of(shared) == (ref.a, ref.b) else 1] = value
                shared.value[ref.field] = wrap(both, origin)
            # a one-way entry of the pair (merged from extends:) applies after the shared
            # one and would undo the override in its direction: set it as well
            for it in entries:
                if not symmetric(it) and pair_of(it) in addressed:
                    it.value[ref.field] = side(*pair_of(it))
        else:
            for x, y in addressed:
                entry = next((it for it in entries if pair_of(it) == (x, y)), None)
                if entry is None:
                    entry = Y(
                        {"pair": wrap([x, y], origin), "symmetric": Y(False, origin, None)},
                        origin,
                        None,
                    )
                    dyads.value.append(entry)
                entry.value[ref.field] = side(x, y)
    elif ref.kind == "trade":
        flows = _ensure_list(tree, "trade", origin)
        for item in flows.value:
            v = item.value
            if isinstance(v, dict) and (
                (
                    v.get("from") and v["from"].value,
                    v.get("to") and v["to"].value,
                    v.get("category") and v["category"].value,
                )
                == (ref.a, ref.b, ref.category)
            ):
                v[ref.field] = new
                break
        else:
            flows.value.append(
                Y(
                    {
                        "from": Y(ref.a, origin, None),
                        "to": Y(ref.b, origin, None),
                        "category": Y(ref.category, origin, None),
                        ref.field: new,
                    },
                    origin,
                    None,
                )
            )
    elif ref.kind == "regime":
        sanctions = _ensure_dict(tree, "sanctions", origin)
        regimes = _ensure_list(sanctions, "regimes", origin)
        for item in regimes.value:
            if (
                isinstance(item.value, dict)
                and item.value.get("target")
                and item.value["target"].value == ref.a
            ):
                break
        else:
            raise PathError(
                f"no sanctions regime on {ref.a} to change (path {path!r})",
                "add one under sanctions.regimes first",
            )
        if ref.field == "monitoring":
            item.value["monitoring"] = new
        else:
            _ensure_dict(item, "coverage", origin).value[ref.category] = new
