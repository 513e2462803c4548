"""Validation of a scenario tree: field errors located in the file, then cross references.

:func:`validate_tree` turns an annotated tree into a :class:`~.schema.Scenario`, or
raises :class:`~sim.errors.InputError` with every problem at once: pydantic's field
errors, located by following their path through the tree to a file and line, with a
hint for each kind of error; then the cross-reference checks of :mod:`.cross`; then
the checks that need the validated numbers (defence burdens inside the model's
range, power weights not all zero).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from .base import BoolText
from .cross import cross_problems
from .paths import OVERLAP_HINT, closest
from .schema import Actor, Scenario
from .yamlio import Y


def _locate(tree: Y | None, loc: tuple) -> tuple[str, str, int | None]:
    """Follow a pydantic location through the annotated tree: (path, file, line)."""
    node = tree
    parts: list[str] = []
    file, line = (tree.file, tree.line) if tree else ("", None)
    for key in loc:
        if node is None:
            break
        v = node.value
        if isinstance(v, dict) and isinstance(key, str) and key in v:
            node = v[key]
            parts.append(key)
        elif isinstance(v, list) and isinstance(key, int) and 0 <= key < len(v):
            node = v[key]
            parts[-1:] = [f"{parts[-1]}[{key}]"] if parts else [f"[{key}]"]
        elif isinstance(v, dict) and isinstance(key, str) and key not in v:
            # a missing or extra key: name it, stay on the parent line
            parts.append(key)
            node = None
            break
        else:
            continue  # a union member or other pydantic-internal location part
        if node is not None:
            file, line = node.file, node.line
    return ".".join(parts), file, line


def field_problems(
    tree: Y, exc: ValidationError, top_file: str, root: type[BaseModel] | None = None
) -> list[Problem]:
    """Located problems of a pydantic error; ``root`` is the validated model (Scenario).

    Parameters
    ----------
    tree : Y
        The annotated tree whose plain value was validated.
    exc : ValidationError
        Pydantic's error from validating it.
    top_file : str
        The file named by a problem the tree cannot locate.
    root : type[BaseModel], optional
        The model that was validated (default :class:`~.schema.Scenario`), whose
        field names make the closest-name hint of an unknown key.

    Returns
    -------
    list of Problem
        One problem per path (the first of pydantic's errors there), located at the
        file and line of the value, or of its parent for a missing or unknown key,
        with a hint for the kind of error.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    located = [(err, *_locate(tree, err["loc"])) for err in exc.errors(include_url=False)]
    paths = [path for _, path, _, _ in located]
    for err, path, file, line in located:
        if path in seen or _shape_of_other_member(err, path, paths):
            continue
        seen.add(path)
        etype = err["type"]
        msg = err["msg"]
        hint = ""
        if isinstance(err.get("input"), BoolText):
            msg = f"{err['input']} is not a number"
            hint = "write a number, e.g. 40: YAML reads true and false as booleans"
        elif etype == "extra_forbidden":
            parent_loc = err["loc"][:-1]
            name = str(err["loc"][-1])
            options = _allowed_keys(parent_loc, root or Scenario)
            msg = f"unknown key {name!r}"
            hint = closest(name, options) if options else ""
        elif etype == "missing":
            msg = "a required value is missing"
            hint = f"add {err['loc'][-1]}: ..."
        elif etype.startswith(("greater", "less")):
            hint = "see `geosim params` for each field's unit and range"
        elif etype == "value_error":
            msg = msg.removeprefix("Value error, ")
            hint = _value_hint(msg)
        else:
            hint = _type_hint(err)
        problems.append(Problem(file or top_file, path, line, msg, hint))
    return problems


def _shape_of_other_member(err: Any, path: str, paths: list[str]) -> bool:
    """Whether an error only says the value is not of another member of a union.

    ``relation: [1.5, 0.5]`` fails as a number (it is a list) and as a pair (1.5 is
    too large); the second error, deeper in the value, is the one to report.
    """
    if not err["type"].endswith("_type") or not isinstance(err.get("input"), (list, dict)):
        return False
    return any(p.startswith((f"{path}[", f"{path}.")) for p in paths)


DATE_FIELDS = ("start", "at", "from", "by", "since", "renewal")
"""The keys that hold a ``YYYY-MM`` date (for the hint of a date given as a number)."""


def _value_hint(message: str) -> str:
    if "names the same value" in message:
        return OVERLAP_HINT
    if "gives no point" in message:
        return "e.g. values: [0.2, 0.5]"
    if "date" in message or "month" in message:
        return "dates are written YYYY-MM, e.g. 2024-07"
    if "colour" in message:
        return "e.g. colour: '#D55E00' (quoted: YAML starts a comment at #)"
    if "alpha-3" in message:
        return "three capital letters, e.g. PRK"
    return "see docs/scenarios.md for this field"


def _type_hint(err: Any) -> str:
    """A hint for a wrong-typed value, by pydantic error type."""
    etype = err["type"]
    names = [k for k in err["loc"] if isinstance(k, str)]
    if etype in ("string_type", "str_type") and names and names[-1] in DATE_FIELDS:
        return "write the date as YYYY-MM, e.g. 2024-07"
    if etype == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected)
        if choices:
            return closest(str(err.get("input")), choices)
        if names and names[-1] == "schema_version":
            return "this version of geosim reads schema_version: 1"
        return f"expected {expected}"
    hints = {
        "int_parsing": "write a whole number, e.g. 40",
        "int_type": "write a whole number, e.g. 40",
        "int_from_float": "write a whole number, e.g. 40",
        "float_parsing": "write a number, e.g. 0.5 (1e-3 is read as 0.001)",
        "float_type": "write a number, e.g. 0.5 (1e-3 is read as 0.001)",
        "finite_number": "write a finite number",
        "string_type": "quote the value to keep it as text, e.g. name: '1e3'",
        "bool_parsing": "write true or false",
        "bool_type": "write true or false",
        "dict_type": "expected a mapping of key: value lines (or {key: value})",
        "model_type": "expected a mapping of key: value lines (or {key: value})",
        "model_attributes_type": "expected a mapping of key: value lines (or {key: value})",
        "list_type": "expected a list, e.g. [RUS, PRK] or lines starting with '- '",
        "tuple_type": "expected a list, e.g. [RUS, PRK]",
        "too_short": "a pair is written [A, B]",
        "too_long": "a pair is written [A, B]",
    }
    return hints.get(etype, "see docs/scenarios.md for this field")


def _allowed_keys(loc: tuple, root: type[BaseModel]) -> list[str]:
    """Field names allowed at a location of ``root`` (for the closest-name hint)."""
    model: Any = root
    for key in loc:
        if isinstance(key, int):
            continue
        if model is Scenario and key == "actors":
            model = dict
            continue
        if model is dict:
            model = Actor
            continue
        fields = getattr(model, "model_fields", {})
        if key not in fields:
            continue
        ann = fields[key].annotation
        target = None
        for cand in (ann, *getattr(ann, "__args__", ())):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                target = cand
            for sub in getattr(cand, "__args__", ()):
                if isinstance(sub, type) and issubclass(sub, BaseModel):
                    target = sub
        if target is None:
            return []
        model = target
    fields = getattr(model, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def validate_tree(tree: Y) -> Scenario:
    """Validate an annotated scenario tree into a :class:`~.schema.Scenario`.

    Every problem is reported at once: the field errors (:func:`field_problems`), the
    cross references (:func:`~.cross.cross_problems`) and, if the fields are valid,
    the checks that need their numbers.

    Parameters
    ----------
    tree : Y
        The annotated scenario tree, ``extends:`` merged and overrides applied; it is
        not changed.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    InputError
        Every problem found, duplicates removed: field errors, cross-reference
        errors, a defence burden milex / gdp outside the model's range
        (``model.burden_floor``, ``model.burden_ceiling``) and power weights that are
        all 0.
    """
    problems: list[Problem] = []
    data = tree.plain()
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(field_problems(tree, exc, tree.file))
    problems.extend(cross_problems(tree))
    if scenario is not None:
        for keys, message, hint in combined_failures(scenario):
            path, file, line = _locate(tree, keys)
            problems.append(Problem(file or tree.file, path or ".".join(keys), line, message, hint))
    if problems:
        raise InputError(_dedupe(problems))
    assert scenario is not None
    return scenario


def combined_failures(scenario: Scenario) -> list[tuple[tuple[str, ...], str, str]]:
    """The checks that need several numbers at once, for a scenario whose fields are valid.

    A defence burden milex / gdp must lie inside the model's burden range
    (``model.burden_floor``, ``model.burden_ceiling``); the power weights must not all
    be 0; and the cast must be a part of the world: its GDP and population at the
    start below the reference totals, so that every share of them lies below 1.
    (Capability is not compared: an actor's stock counts its military purchasing
    power, ppp_factor, which the world's stock from world_milex does not.)

    Parameters
    ----------
    scenario : Scenario
        A scenario whose fields are valid.

    Returns
    -------
    list of (keys, message, hint)
        One per failed check: the keys of the value to point at (``("actors", "PRK",
        "milex")``), the message and the hint; empty when every check passes.
    """
    failures: list[tuple[tuple[str, ...], str, str]] = []
    m = scenario.model
    low, high = m.burden_floor, m.burden_ceiling
    for code, actor in scenario.actors.items():
        burden = actor.milex / actor.gdp
        if not low < burden < high:
            failures.append(
                (
                    ("actors", code, "milex"),
                    f"defence burden milex / gdp = {burden:.4g} lies outside the model's range "
                    f"({low:g}, {high:g})",
                    "check milex and gdp (same year, USD bn), or model.burden_floor/burden_ceiling",
                )
            )
    if sum((m.weight_gdp, m.weight_military, m.weight_population)) <= 0:
        failures.append(
            (
                ("model",),
                "the power weights must not all be 0",
                "give weight_gdp, weight_military or weight_population > 0",
            )
        )
    ref = scenario.reference
    actors = list(scenario.actors.values())
    totals = [
        ("world_gdp", sum(a.gdp for a in actors), ref.world_gdp, "GDP", "USD bn"),
        (
            "world_population",
            sum(a.population for a in actors),
            ref.world_population,
            "population",
            "millions",
        ),
    ]
    for name, cast, world, what, unit in totals:
        if not cast < world:
            failures.append(
                (
                    ("reference", name),
                    f"the cast's {what} at the start, {cast:.6g}, is not below the world's, "
                    f"{world:.6g} ({unit})",
                    "the world holds the cast: give the world's total, or check the actors' "
                    "figures",
                )
            )
    return failures


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for p in problems:
        key = (p.file, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
