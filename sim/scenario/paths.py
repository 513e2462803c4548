"""The one path syntax and the one measure syntax, parsed and checked.

Paths (``--set``, sweeps, events and reactions)::

    actors.CHN.doctrine.stability_preference     a doctrine parameter
    actors.PRK.milex                             an actor figure
    dyads.RUS-PRK.relation                       both directions
    dyads.RUS>PRK.relation                       one direction
    trade.PRK>RUS.minerals[.unrecorded]          a trade flow
    sanctions.PRK.monitoring                     a regime's monitoring
    sanctions.PRK.coverage.energy                a regime's coverage
    model.contest_exponent                       a model-wide parameter
    reference.world_gdp                          a reference total

The forms and how a dyad path lands on the entries of a file are in
``docs/scenarios.md``, Paths.

Measures: ``name[.A[.B]][:reducer]`` (``docs/model.md``, 7.14 Measures).  Both parsers
check names against the registry and, given the cast, against the actor codes, and
raise :class:`PathError` with a hint naming the closest valid name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from .. import registry
from .schema import CODE_RE, DYAD_FIELD_NAMES


@dataclass(frozen=True)
class PathRef:
    """A parsed path: what it addresses in a scenario and in a running model.

    Attributes
    ----------
    text : str
        The path as written.
    kind : str
        The section it addresses: ``actor`` (a figure), ``doctrine``, ``dyad``,
        ``trade``, ``regime``, ``model``, ``reference`` or ``run`` (a run setting).
    field : str
        The field addressed; ``value`` or ``unrecorded`` for a trade flow,
        ``monitoring`` or ``coverage`` for a regime.
    a : str or None
        The actor, the first actor of a pair, the exporter, or the regime's target.
    b : str or None
        The second actor of a pair, or the importer.
    directed : bool
        The path names one direction (``A>B``); always true for trade.
    category : str or None
        The trade category of a flow or of a regime's coverage.
    """

    text: str
    kind: Literal["actor", "doctrine", "dyad", "trade", "regime", "model", "reference", "run"]
    field: str
    a: str | None = None  # actor / first of pair / target
    b: str | None = None  # second of pair
    directed: bool = False
    category: str | None = None

    @property
    def param(self) -> registry.Param | None:
        """The registered quantity the path addresses: its unit, default and range.

        None for a run setting, for an actor's ``war_demand`` (a series, not a
        registered figure) and for a reference total the registry does not list.
        """
        table = {
            "actor": registry.ACTOR_BY_NAME,
            "doctrine": registry.DOCTRINE_BY_NAME,
            "dyad": registry.DYAD_BY_NAME,
            "model": registry.MODEL_BY_NAME,
        }.get(self.kind)
        if table is not None:
            return table.get(self.field)
        if self.kind == "trade":
            return {p.name: p for p in registry.TRADE_FIELDS}[self.field]
        if self.kind == "regime":
            return {p.name: p for p in registry.REGIME_FIELDS}[self.field]
        if self.kind == "reference":
            return {p.name: p for p in registry.REFERENCE_FIELDS}.get(self.field)
        return None

    @property
    def cells(self) -> frozenset[tuple[str, str, str | None, str | None, str | None]]:
        """The values the path addresses, one per direction of a dyad.

        ``dyads.A-B.f`` addresses A toward B and B toward A, so it shares a value with
        ``dyads.B-A.f``, ``dyads.A>B.f`` and ``dyads.B>A.f``; ``trade.A>B.c`` and
        ``trade.A>B.c.value`` address one value.  Two paths name the same value when
        their cells intersect (:func:`overlapping`).
        """
        if self.kind == "dyad":
            one = (self.kind, self.field, self.a, self.b, None)
            if self.directed:
                return frozenset({one})
            return frozenset({one, (self.kind, self.field, self.b, self.a, None)})
        return frozenset({(self.kind, self.field, self.a, self.b, self.category)})


RUN_FIELDS = ("seed", "replications", "steps", "start", "step", "name")
"""Run settings: a path of one name, for ``--set`` and sweeps only (not during a run)."""
ACTOR_PATH_FIELDS = tuple(p.name for p in registry.ACTOR_FIELDS) + ("war_demand",)
"""The actor fields a path may name: the registered figures and ``war_demand``."""


def closest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """A hint naming the closest valid option, or else the valid ones.

    Parameters
    ----------
    word : str
        The name that was not recognised.
    options : list or tuple of str
        The valid names; the comparison ignores case.

    Returns
    -------
    str
        ``did you mean 'X'?`` for the closest option (a :mod:`difflib` similarity of
        at least 0.5), otherwise ``valid: a, b, ...`` with the first twelve options.
    """
    by_lower = {o.lower(): o for o in options}
    match = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.5)
    if match:
        return f"did you mean {by_lower[match[0]]!r}?"
    shown = ", ".join(list(options)[:12]) + (", ..." if len(options) > 12 else "")
    return f"valid: {shown}"


class PathError(ValueError):
    """A path that does not address anything; ``hint`` says what would.

    Parameters
    ----------
    message : str
        What is wrong with the path.
    hint : str
        The closest valid name or form; empty when there is none.
    """

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def parse_path(
    text: str, codes: list[str] | None = None, categories: list[str] | None = None
) -> PathRef:
    """Parse a path; with ``codes``/``categories`` also check the names it uses.

    Field names are always checked against the registry.

    Parameters
    ----------
    text : str
        The path, e.g. ``actors.CHN.doctrine.compliance`` or ``trade.PRK>RUS.minerals``.
    codes : list of str, optional
        The actor codes of the cast; without them an actor need only be written as
        an ISO alpha-3 code.
    categories : list of str, optional
        The trade categories of the scenario; without them any category is accepted.

    Returns
    -------
    PathRef
        What the path addresses.

    Raises
    ------
    PathError
        If the path is empty or has none of the forms, names an unknown field, actor
        or category, names a pair of one actor, or a trade flow without a direction;
        its hint names the closest valid name or the forms.
    """
    if not isinstance(text, str) or not text:
        raise PathError("a path must be non-empty text", "e.g. actors.CHN.doctrine.compliance")
    parts = text.split(".")
    head = parts[0]

    def code(c: str) -> str:
        if codes is not None and c not in codes:
            raise PathError(f"unknown actor {c!r} in path {text!r}", closest(c, codes))
        if codes is None and not CODE_RE.match(c):
            raise PathError(f"{c!r} is not an ISO alpha-3 actor code", "e.g. PRK")
        return c

    def field(name: str, options: tuple[str, ...], what: str) -> str:
        if name not in options:
            raise PathError(f"unknown {what} {name!r} in path {text!r}", closest(name, options))
        return name

    if head in RUN_FIELDS and len(parts) == 1:
        return PathRef(text, "run", head)
    if head == "model" and len(parts) == 2:
        return PathRef(
            text, "model", field(parts[1], tuple(registry.MODEL_BY_NAME), "model parameter")
        )
    if head == "reference" and len(parts) == 2:
        return PathRef(
            text,
            "reference",
            field(parts[1], tuple(p.name for p in registry.REFERENCE_FIELDS), "reference total"),
        )
    if head == "actors" and len(parts) == 3:
        return PathRef(
            text, "actor", field(parts[2], ACTOR_PATH_FIELDS, "actor field"), a=code(parts[1])
        )
    if head == "actors" and len(parts) == 4 and parts[2] == "doctrine":
        return PathRef(
            text,
            "doctrine",
            field(parts[3], tuple(registry.DOCTRINE_BY_NAME), "doctrine parameter"),
            a=code(parts[1]),
        )
    if head == "dyads" and len(parts) == 3:
        a, b, directed = _pair(parts[1], text)
        return PathRef(
            text,
            "dyad",
            field(parts[2], DYAD_FIELD_NAMES, "dyad field"),
            a=code(a),
            b=code(b),
            directed=directed,
        )
    if head == "trade" and len(parts) in (3, 4):
        a, b, directed = _pair(parts[1], text)
        if not directed:
            raise PathError(
                f"trade flows are directed; {text!r} names no direction",
                f"write trade.{a}>{b}.{parts[2]} (exports of {a} to {b})",
            )
        cat = parts[2]
        if categories is not None and cat not in categories:
            raise PathError(
                f"unknown trade category {cat!r} in path {text!r}", closest(cat, categories)
            )
        fld = "value"
        if len(parts) == 4:
            fld = field(parts[3], tuple(p.name for p in registry.TRADE_FIELDS), "trade field")
        return PathRef(text, "trade", fld, a=code(a), b=code(b), directed=True, category=cat)
    if head == "sanctions" and len(parts) in (3, 4):
        target = code(parts[1])
        if parts[2] == "monitoring" and len(parts) == 3:
            return PathRef(text, "regime", "monitoring", a=target)
        if parts[2] == "coverage" and len(parts) == 4:
            cat = parts[3]
            if categories is not None and cat not in categories:
                raise PathError(
                    f"unknown trade category {cat!r} in path {text!r}", closest(cat, categories)
                )
            return PathRef(text, "regime", "coverage", a=target, category=cat)
        raise PathError(
            f"unknown sanctions path {text!r}",
            f"use sanctions.{target}.monitoring or sanctions.{target}.coverage.<category>",
        )
    heads = ["actors", "dyads", "trade", "sanctions", "model", "reference", *RUN_FIELDS]
    hint = (
        closest(head, heads)
        if head not in heads
        else (
            "forms: actors.X.field, actors.X.doctrine.name, dyads.A-B.field, dyads.A>B.field, "
            "trade.A>B.category, sanctions.T.monitoring, model.name"
        )
    )
    raise PathError(f"cannot read path {text!r}", hint)


def overlapping(paths: list[str]) -> list[tuple[str, str]]:
    """The pairs of paths, among several, that name a common value.

    Two spellings of one value (``dyads.RUS-PRK.relation`` and
    ``dyads.PRK-RUS.relation``, or ``dyads.RUS-PRK.relation`` and
    ``dyads.RUS>PRK.relation``) given together would leave the result to the order in
    which they are applied; sweeps, ``--set`` and the operations of an event or
    reaction report them as errors.  ``dyads.A>B.f`` and ``dyads.B>A.f`` are two
    values and do not overlap.

    Parameters
    ----------
    paths : list of str
        The paths, in the order given.  A path that does not parse is left out (it is
        reported where it is applied).

    Returns
    -------
    list of tuple of (str, str)
        ``(earlier, later)`` for each later path that shares a value with an earlier
        one (the first such); empty when every path names its own values.
    """
    seen: dict[tuple, str] = {}
    out: list[tuple[str, str]] = []
    for text in paths:
        try:
            cells = parse_path(text).cells
        except PathError:
            continue
        earlier = next((seen[c] for c in cells if c in seen), None)
        if earlier is not None:
            out.append((earlier, text))
            continue
        seen.update(dict.fromkeys(cells, text))
    return out


OVERLAP_HINT = (
    "keep one of the two: A-B and B-A name one symmetric pair, and A-B includes A>B and B>A"
)
"""The hint of a problem naming two spellings of one value."""


def _pair(text: str, path: str) -> tuple[str, str, bool]:
    if ">" in text:
        a, _, b = text.partition(">")
        directed = True
    elif "-" in text:
        a, _, b = text.partition("-")
        directed = False
    else:
        raise PathError(
            f"cannot read the pair {text!r} in path {path!r}",
            "write A-B for both directions or A>B for one",
        )
    if a == b:
        raise PathError(f"a pair needs two different actors in path {path!r}")
    return a, b, directed


@dataclass(frozen=True)
class MeasureSpec:
    """A parsed measure name ``name[.A[.B]][:reducer]``.

    Attributes
    ----------
    text : str
        The measure as written.
    name : str
        The registered measure (``threat``).
    actors : tuple of str
        Its actor codes: none for a measure of the region, one for an actor's, two
        (A, B) for a dyad's.
    reducer : str or None
        How a series is reduced to a number (``last``, ``mean``, ``max``, ``min``,
        ``growth``); None when none is given.
    """

    text: str
    name: str
    actors: tuple[str, ...]
    reducer: str | None

    @property
    def column(self) -> str:
        """The measure without its reducer."""
        return ".".join((self.name, *self.actors))


def parse_measure(text: str, codes: list[str] | None = None) -> MeasureSpec:
    """Parse and check a measure name against the registry.

    Parameters
    ----------
    text : str
        The measure, ``name[.A[.B]][:reducer]``, e.g. ``balance``,
        ``capability.PRK`` or ``threat.JPN.PRK:max``.
    codes : list of str, optional
        The actor codes of the cast; without them an actor need only be written as
        an ISO alpha-3 code.

    Returns
    -------
    MeasureSpec
        The measure's name, actors and reducer.

    Raises
    ------
    PathError
        If the reducer or the measure is unknown, the number of actor codes is not
        one the measure takes, an actor is unknown, or a dyad measure names one
        actor twice; its hint names the closest valid name or form.
    """
    base, _, reducer = text.partition(":")
    if reducer and reducer not in registry.REDUCERS:
        raise PathError(
            f"unknown reducer {reducer!r} in {text!r}", closest(reducer, registry.REDUCERS)
        )
    parts = base.split(".")
    name, actors = parts[0], tuple(parts[1:])
    known = registry.measures_by_name()
    names = sorted({m.name for m in registry.MEASURES})
    if name not in names:
        raise PathError(f"unknown measure {name!r}", closest(name, names))
    if (name, len(actors)) not in known:
        arities = sorted(a for (n, a) in known if n == name)
        want = " or ".join({0: name, 1: f"{name}.ACTOR", 2: f"{name}.A.B"}[a] for a in arities)
        raise PathError(f"measure {base!r} takes {arities} actor code(s)", f"write {want}")
    for c in actors:
        if codes is not None and c not in codes:
            raise PathError(f"unknown actor {c!r} in measure {text!r}", closest(c, codes))
        if codes is None and not CODE_RE.match(c):
            raise PathError(f"{c!r} is not an ISO alpha-3 code in measure {text!r}")
    if len(actors) == 2 and actors[0] == actors[1]:
        raise PathError(f"measure {text!r} needs two different actors")
    return MeasureSpec(text, name, actors, reducer or None)
