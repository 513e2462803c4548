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

Measures: ``name[.A[.B]][:reducer]`` (``docs/model.md``, Measures).  Both parsers
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
    """A parsed path: what it addresses in a scenario and in a running model."""

    text: str
    kind: Literal["actor", "doctrine", "dyad", "trade", "regime", "model", "reference", "run"]
    field: str
    a: str | None = None  # actor / first of pair / target
    b: str | None = None  # second of pair
    directed: bool = False
    category: str | None = None

    @property
    def param(self) -> registry.Param | None:
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


RUN_FIELDS = ("seed", "replications", "steps", "start", "step", "name")
ACTOR_PATH_FIELDS = tuple(p.name for p in registry.ACTOR_FIELDS) + ("war_demand",)


def closest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """A hint naming the closest valid option."""
    by_lower = {o.lower(): o for o in options}
    match = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.5)
    if match:
        return f"did you mean {by_lower[match[0]]!r}?"
    shown = ", ".join(list(options)[:12]) + (", ..." if len(options) > 12 else "")
    return f"valid: {shown}"


class PathError(ValueError):
    """A path that does not address anything; ``hint`` says what would."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def parse_path(
    text: str, codes: list[str] | None = None, categories: list[str] | None = None
) -> PathRef:
    """Parse a path; with ``codes``/``categories`` also check the names it uses."""
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
            fld = field(parts[3], ("value", "unrecorded"), "trade field")
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
    """A parsed measure name ``name[.A[.B]][:reducer]``."""

    text: str
    name: str
    actors: tuple[str, ...]
    reducer: str | None

    @property
    def column(self) -> str:
        """The measure without its reducer."""
        return ".".join((self.name, *self.actors))


def parse_measure(text: str, codes: list[str] | None = None) -> MeasureSpec:
    """Parse and check a measure name against the registry."""
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
