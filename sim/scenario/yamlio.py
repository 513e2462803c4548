"""Safe YAML reading that remembers where every value came from.

PyYAML's loaders construct Python objects directly, keep the last of two
duplicate keys silently, follow YAML 1.1 (``010`` is octal 8, ``NO`` is false,
``1e-3`` is a string) and, given aliases, can be made to build enormous objects
(the "billion laughs").  geosim therefore composes the node graph with PyYAML's
safe composer and builds values itself:

- every value is an :class:`Y` carrying its file and line, so that an error deep in
  a merged scenario can name the line it came from;
- duplicate keys, merge keys (``<<``) and any tag other than the plain YAML types
  are errors;
- plain scalars follow the YAML 1.2 core schema: ``true``/``false`` only are
  booleans, ``1e-3`` is a float, and a number with a leading zero (``010``) is an
  error rather than a silent octal; ``yes``, ``no``, ``on``, ``off`` stay strings
  (a boolean field still accepts them, a country code ``NO`` stays ``NO``);
- an explicit standard tag is honoured: ``!!str 010`` is the text ``010``,
  ``!!float 1`` is 1.0, and ``!!int x`` is an error;
- the number of values a document expands to, aliases included, is measured on the
  node graph before anything is built, so an alias bomb (or a recursive alias) is
  rejected at once;
- a file is read up to :data:`MAX_BYTES` only, so a huge file or a device that never
  ends (``/dev/zero``) is refused before it is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError, Problem

MAX_NODES = 200_000
"""Cap on values built from one file, counting every expansion of an alias."""
MAX_DEPTH = 100
"""Cap on the nesting of values (a scenario needs about six levels)."""
MAX_BYTES = 2**20
"""Cap on the size of a file read, 1 MiB: about 80 times the bundled baseline (12 kB);
at 7 to 14 bytes a value, the order of :data:`MAX_NODES` values.  PyYAML composes about
0.2 MB a second, so a file at the cap is refused or read in seconds; a larger file (or
a device such as ``/dev/zero``) is refused after reading ``MAX_BYTES + 1`` bytes."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null")
}
_STR = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$|^[-+]?0[xXoObB][0-9a-fA-F_]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    ".nan": float("nan"),
}


@dataclass
class Y:
    """A YAML value with its origin: a dict of Y, a list of Y, or a scalar.

    Attributes
    ----------
    value : Any
        A dict of str to Y, a list of Y, or a scalar (str, int, float, bool, None).
    file : str
        The file it came from, or the origin standing for it (``--set``).
    line : int or None
        Its line in ``file``, counted from 1; None for a value given outside a file.
    """

    value: Any
    file: str
    line: int | None

    def copy(self) -> Y:
        """A deep copy (scalars are immutable); several times faster than copy.deepcopy."""
        value = self.value
        if isinstance(value, dict):
            value = {k: v.copy() for k, v in value.items()}
        elif isinstance(value, list):
            value = [v.copy() for v in value]
        return Y(value, self.file, self.line)

    def plain(self) -> Any:
        """The value without origins."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def resolve_scalar(text: str) -> Any:
    """Read a plain (unquoted) scalar by the YAML 1.2 core schema.

    ``null``, ``~`` and the empty text are None; ``true`` and ``false`` (in lower,
    title or upper case) are booleans; integers, floats (``1e-3``, ``.inf``,
    ``.nan``) and digit separators ``_`` are numbers; anything else (``yes``,
    ``NO``) stays text.

    Parameters
    ----------
    text : str
        The scalar as written.

    Returns
    -------
    Any
        None, a bool, an int, a float or the text itself.

    Raises
    ------
    ValueError
        For numbers YAML 1.1 would misread: a leading zero (``010``) or a
        ``0x``/``0o``/``0b`` prefix.
    """
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _LEADING_ZERO.match(text):
        raise ValueError(
            f"ambiguous number {text!r}: YAML versions disagree on a leading zero "
            "or a 0x/0o/0b prefix (YAML 1.1 reads 010 as 8)"
        )
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _FLOAT.match(text):
        return float(text.replace("_", ""))
    if text.lower() in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text.lower()]
    return text


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: str) -> Y:
        """Build a checked tree (the caller has bounded its size with _expanded_size)."""
        line = node.start_mark.line + 1
        if node.tag not in _STANDARD_TAGS:
            self.problems.append(
                Problem(
                    self.file,
                    path,
                    line,
                    f"tag {_short_tag(node.tag)!r} is not allowed",
                    "scenario files hold plain data: remove the !tag",
                )
            )
            return Y(None, self.file, line)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Y] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        Problem(
                            self.file,
                            path,
                            key_node.start_mark.line + 1,
                            "merge keys (<<) are not supported",
                            "use extends: to build on another scenario, or write the keys out",
                        )
                    )
                    continue
                key = self.build(key_node, path).value
                if isinstance(key, (dict, list)) or key is None:
                    self.problems.append(
                        Problem(
                            self.file,
                            path,
                            key_node.start_mark.line + 1,
                            "a mapping key must be a plain name",
                            "",
                        )
                    )
                    continue
                key = str(key) if not isinstance(key, str) else key
                sub = f"{path}.{key}" if path else key
                if key in out:
                    self.problems.append(
                        Problem(
                            self.file,
                            sub,
                            key_node.start_mark.line + 1,
                            f"duplicate key {key!r} (first given on line {out[key].line})",
                            "keep one of them: YAML would silently keep only the last",
                        )
                    )
                    continue
                child = self.build(value_node, sub)
                out[key] = child
            return Y(out, self.file, line)
        if isinstance(node, yaml.SequenceNode):
            return Y(
                [self.build(n, f"{path}[{i}]") for i, n in enumerate(node.value)], self.file, line
            )
        # scalar
        if node.style is not None:  # quoted or block scalar: always text
            return Y(node.value, self.file, line)
        try:
            value = resolve_scalar(node.value)
        except ValueError as exc:
            if getattr(node, "explicit_tag", False) and node.tag == _STR:
                return Y(node.value, self.file, line)
            hint = f"write {_decimal(node.value)} for the number, or quote it to keep it as text"
            self.problems.append(Problem(self.file, path, line, str(exc), hint))
            return Y(node.value, self.file, line)
        if getattr(node, "explicit_tag", False):
            return self._tagged(node, value, path, line)
        return Y(value, self.file, line)

    def _tagged(self, node: yaml.ScalarNode, value: Any, path: str, line: int) -> Y:
        """A plain scalar with an explicit standard tag (``!!str 010``, ``!!float 1``)."""
        if node.tag == _STR:
            return Y(node.value, self.file, line)
        if node.tag == _FLOAT_TAG and isinstance(value, int) and not isinstance(value, bool):
            return Y(float(value), self.file, line)
        wanted = {_INT_TAG: int, _FLOAT_TAG: float, _BOOL_TAG: bool, _NULL_TAG: type(None)}
        kind = wanted.get(node.tag)
        if kind is not None and not (
            isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        ):
            self.problems.append(
                Problem(
                    self.file,
                    path,
                    line,
                    f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}",
                    "remove the !!tag and write the value plainly",
                )
            )
        return Y(value, self.file, line)


def _decimal(text: str) -> str:
    """The decimal reading of a number written with a leading zero or a base prefix."""
    digits = text.replace("_", "")
    try:
        return str(int(digits, 0 if digits.lstrip("+-")[1:2].isalpha() else 10))
    except ValueError:
        return "the number without the leading zero"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag


class _Loader(yaml.SafeLoader):
    """PyYAML's safe composer, remembering which plain scalars carried an explicit tag."""

    def compose_scalar_node(self, anchor: str | None) -> yaml.ScalarNode:
        event = self.peek_event()
        explicit = event.tag is not None and event.tag != "!"
        node = super().compose_scalar_node(anchor)
        node.explicit_tag = explicit  # type: ignore[attr-defined]
        return node


class _Recursive(Exception):
    def __init__(self, line: int):
        self.line = line


class _TooDeep(_Recursive):
    pass


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """Number of values ``node`` builds into, aliases expanded, counted without building.

    Each distinct node is visited once, so an alias bomb is measured in microseconds.
    Raises _Recursive for a node that contains itself, _TooDeep past MAX_DEPTH levels.
    """
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_:
        raise _Recursive(node.start_mark.line + 1)
    if len(open_) > MAX_DEPTH:
        raise _TooDeep(node.start_mark.line + 1)
    open_.add(key)
    total = 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, sizes, open_) + _expanded_size(v, sizes, open_)
            if total > MAX_NODES:
                break
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            total += _expanded_size(v, sizes, open_)
            if total > MAX_NODES:
                break
    open_.discard(key)
    sizes[key] = total
    return total


def parse_text(text: str, file: str) -> Y | None:
    """Parse YAML text into an annotated tree; None for an empty document.

    The rules are those of the module docstring (``docs/scenarios.md``, How YAML is
    read); the size and depth of the document are measured before anything is built.

    Parameters
    ----------
    text : str
        The YAML text, one document.
    file : str
        What the tree and the messages name as its file.

    Returns
    -------
    Y or None
        The annotated tree, every node with ``file`` and its line.

    Raises
    ------
    InputError
        Every problem of the text: a syntax error, more than one document, values
        nested more than :data:`MAX_DEPTH` levels or expanding to more than
        :data:`MAX_NODES`, a recursive alias, a tag other than the plain YAML types,
        a merge key, a duplicate or non-scalar key, or an ambiguous number.
    """
    builder = _Builder(file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = exc.problem or str(exc)
        if exc.context:
            msg = f"{exc.context}: {msg}"
        hint = "check indentation, colons and quotes on this line"
        if "single document" in msg:
            hint = "a scenario file holds one document: remove the second '---'"
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    line,
                    f"YAML syntax error: {msg}",
                    hint,
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            [Problem(file, "", None, f"YAML error: {exc}", "check the file is YAML text")]
        ) from None
    except RecursionError:
        raise InputError(
            [Problem(file, "", None, "values are nested too deeply to read", "flatten the file")]
        ) from None
    if node is None:
        return None
    try:
        size = _expanded_size(node, {}, set())
    except _TooDeep as exc:
        raise InputError(
            [Problem(file, "", exc.line, f"values are nested more than {MAX_DEPTH} levels deep")]
        ) from None
    except _Recursive as exc:
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    exc.line,
                    "an alias (*name) refers to the value that contains it",
                    "a scenario is a tree: write the value out",
                )
            ]
        ) from None
    if size > MAX_NODES:
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    node.start_mark.line + 1,
                    f"the document expands to more than {MAX_NODES:,} values",
                    "aliases (*name) may be nested to build huge documents; write values out",
                )
            ]
        )
    tree = builder.build(node, "")
    if builder.problems:
        raise InputError(builder.problems)
    return tree


def load_file(path: str | Path) -> Y:
    """Read and parse a YAML file whose top level must be a mapping.

    Parameters
    ----------
    path : str or Path
        The file, UTF-8 text.

    Returns
    -------
    Y
        The annotated tree of the file, a mapping.

    Raises
    ------
    InputError
        If the file does not exist, is a folder, is larger than :data:`MAX_BYTES`,
        cannot be read as UTF-8, is not valid YAML (:func:`parse_text`), is empty, or
        its top level is not a mapping.
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    None,
                    "no such file",
                    "check the path; bundled scenarios are in scenarios/",
                )
            ]
        )
    if path.is_dir():
        raise InputError(
            [Problem(file, "", None, "this is a folder, not a file", "give a scenario file")]
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(
            [Problem(file, "", None, f"cannot read the file: {exc}", "check its permissions")]
        ) from None
    if len(data) > MAX_BYTES:
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    None,
                    f"the file is larger than {MAX_BYTES:,} bytes (1 MiB), the most geosim reads",
                    "give a scenario or sweep file; the bundled baseline is 12 kB",
                )
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(file, "", None, f"cannot read the file: {exc}", "save it as UTF-8 text")]
        ) from None
    tree = parse_text(text, file)
    if tree is None:
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    None,
                    "the file is empty",
                    "a scenario starts with schema_version: 1 and name: ...",
                )
            ]
        )
    if not isinstance(tree.value, dict):
        raise InputError(
            [
                Problem(
                    file,
                    "",
                    tree.line,
                    f"the top level must be a mapping of keys, not a {type(tree.value).__name__}",
                    "write key: value lines at the left margin",
                )
            ]
        )
    return tree
