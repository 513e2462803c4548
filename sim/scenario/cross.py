"""Cross-reference checks of a scenario tree: actors, categories, dates, paths, blocs.

They run on the raw annotated tree, after and independently of the field checks
(pydantic's after-validators do not run when a field already failed), so that one
pass reports every problem of a file at once, each with its line.  Each section of a
file has its own small check (:class:`Checks`); a value the field pass rejects (a
malformed date, a list where a mapping belongs) is skipped here, not reported twice.
"""

from __future__ import annotations

from typing import Any

from .. import registry
from ..errors import Problem
from .paths import PathError, closest, parse_measure, parse_path
from .schema import (
    CODE_RE,
    DEFAULT_CATEGORIES,
    EVENT_KINDS,
    STEP_MONTHS,
    check_month,
    month_index,
    month_name,
)
from .yamlio import Y

EVENT_NEEDS: dict[str, tuple[str, ...]] = {
    "transfer_surge": ("from", "to", "scale"),
    "ceasefire": ("actor",),
    "war": ("actor", "value"),
    "treaty": ("pair",),
    "turnover": ("actor", "doctrine"),
    "provocation": ("actor",),
    "summit": ("pair",),
    "sanctions_vote": ("target",),
}
"""The keys each named event kind needs."""

DEFAULT_BARGAIN = ("arms", "energy", "food", "other")
"""The categories the default bargain section names."""


def cross_problems(tree: Y) -> list[Problem]:
    """Cross-reference checks on the raw tree (they run even when fields failed).

    Parameters
    ----------
    tree : Y
        The annotated scenario tree, ``extends:`` merged and overrides applied.

    Returns
    -------
    list of Problem
        Every problem found, section by section in file order; empty when none.
    """
    return Checks(tree).run()


def _items(node: Y | None) -> list[Y]:
    """The elements of a list node; none if the node is missing or not a list."""
    return list(node.value) if node is not None and isinstance(node.value, list) else []


def _entries(node: Y | None) -> dict[str, Y]:
    """The entries of a mapping node; none if the node is missing or not a mapping."""
    return dict(node.value) if node is not None and isinstance(node.value, dict) else {}


class Checks:
    """The cross-reference checks of one tree; :meth:`run` returns every problem.

    Parameters
    ----------
    tree : Y
        The annotated scenario tree; it is read, never changed.

    Attributes
    ----------
    problems : list of Problem
        The problems found so far.
    codes : list of str
        The actor codes of the cast, in file order (empty without an ``actors``
        mapping, and then actor names are not checked).
    categories : list of str
        The scenario's trade categories, or :data:`~.schema.DEFAULT_CATEGORIES`.
    span : tuple of (int, int) or None
        The first month of the run and the month after its last, as month indices;
        None when ``start``, ``step`` or ``steps`` is malformed (dates are then not
        checked).
    """

    def __init__(self, tree: Y):
        self.tree = tree
        self.problems: list[Problem] = []
        actors = _entries(self.node("actors"))
        self.codes = list(actors)
        self.actors = actors
        cats = self.node("categories")
        self.categories_node = cats
        self.categories = (
            list(cats.plain())
            if cats and isinstance(cats.value, list)
            else list(DEFAULT_CATEGORIES)
        )
        self.span = self._span()

    def run(self) -> list[Problem]:
        """Every check, section by section, in file order."""
        self.actor_codes()
        self.dyads()
        self.trade()
        self.regimes()
        self.actor_series()
        self.bargain()
        self.events()
        self.reactions()
        self.analysis()
        return self.problems

    # -- helpers

    def node(self, *keys: Any) -> Y | None:
        """The node at a path of keys and list indices, or None.

        Parameters
        ----------
        *keys : str or int
            Mapping keys and list indices from the top of the tree, e.g.
            ``("dyads", 0, "pair")``.

        Returns
        -------
        Y or None
            The node, or None where a key is missing or a node is not a container.
        """
        cur: Y | None = self.tree
        for k in keys:
            if cur is None:
                return None
            v = cur.value
            if isinstance(v, dict) and k in v:
                cur = v[k]
            elif isinstance(v, list) and isinstance(k, int) and k < len(v):
                cur = v[k]
            else:
                return None
        return cur

    def add(self, n: Y | None, path: str, msg: str, hint: str = "") -> None:
        """Report a problem at node ``n`` (or at the file when there is none).

        Parameters
        ----------
        n : Y or None
            The node the problem is about; its file and line locate the problem.
        path : str
            Where in the scenario, e.g. ``dyads[2].pair``.
        msg : str
            What is wrong.
        hint : str
            How to fix it.
        """
        file = n.file if n else self.tree.file
        self.problems.append(Problem(file, path, n.line if n else None, msg, hint))

    def code(self, n: Y | None, path: str) -> None:
        """An actor code must name an actor of the cast.

        Parameters
        ----------
        n : Y or None
            The node holding the code; nothing is checked when it is None or the
            cast is unknown.
        path : str
            Where in the scenario, for the message.
        """
        if n is None or not self.codes:
            return
        c = n.value
        if not isinstance(c, str) or c not in self.codes:
            self.add(n, path, f"unknown actor {c!r}", closest(str(c), self.codes))

    def category(self, n: Y | None, path: str) -> None:
        """A category must be one of the scenario's categories.

        Parameters
        ----------
        n : Y or None
            The node holding the category; nothing is checked when it is None.
        path : str
            Where in the scenario, for the message.
        """
        if n is not None and n.value not in self.categories:
            self.add(
                n,
                path,
                f"unknown trade category {n.value!r}",
                closest(str(n.value), self.categories),
            )

    def category_keys(self, mapping: Y | None, base: str) -> None:
        """Every key of a mapping by category must be a category.

        Parameters
        ----------
        mapping : Y or None
            The mapping (a regime's ``coverage``, the bargain's ``payment``); nothing
            is checked when it is missing or not a mapping.
        base : str
            Its path in the scenario, for the messages.
        """
        for cat, value in _entries(mapping).items():
            if cat not in self.categories:
                self.add(
                    value,
                    f"{base}.{cat}",
                    f"unknown trade category {cat!r}",
                    closest(cat, self.categories),
                )

    def _span(self) -> tuple[int, int] | None:
        """First month and the month after the last of the run, if the fields allow it."""
        start = self.node("start")
        step, steps = self.node("step"), self.node("steps")
        try:
            if start is None:
                return None
            first = month_index(check_month(start.value))
            months = STEP_MONTHS[step.value] if step else 3
            count = steps.value if steps else 40
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            return None  # steps is reported by the field pass
        return first, first + count * months

    def date(self, n: Y | None, path: str, allow_before: bool = False) -> None:
        """A date must fall inside the run (or before it, where ``allow_before``).

        The run spans ``start`` to the last month of its last step
        (``docs/scenarios.md``, Dates).

        Parameters
        ----------
        n : Y or None
            The node holding the date; nothing is checked when it is None, when the
            date is malformed (the field pass reports it) or when the run's span is
            unknown.
        path : str
            Where in the scenario, for the message.
        allow_before : bool
            A date before the run is allowed (a regime's ``since``, a ``war_demand``
            step's ``from``); a date after it never is.
        """
        if n is None or self.span is None:
            return
        try:
            m = month_index(check_month(n.value))
        except (ValueError, AttributeError):
            return  # reported by the field pass
        first, end = self.span
        if (m < first and not allow_before) or m >= end:
            self.add(
                n,
                path,
                f"date {n.value} is outside the run",
                f"the run spans {month_name(first)} to {month_name(end - 1)}",
            )

    def operations(self, ops: Y | None, base: str) -> None:
        """The ``set``/``add``/``scale`` tables of an event or reaction: valid paths.

        Each path must parse against the cast and categories and must not be a run
        setting; ``add`` and ``scale`` need numbers.

        Parameters
        ----------
        ops : Y or None
            The event, or the reaction's ``then``, holding the tables.
        base : str
            Its path in the scenario (``events[3]``, ``reactions[0].then``).
        """
        for verb in ("set", "add", "scale"):
            table = _entries(ops).get(verb)
            for path, value in _entries(table).items():
                try:
                    ref = parse_path(path, self.codes or None, self.categories)
                    if ref.kind == "run":
                        raise PathError(f"{path!r} is a run setting and cannot change during a run")
                    if verb != "set" and not isinstance(value.value, (int, float)):
                        raise PathError(f"{verb} needs a number, not {value.value!r}")
                except PathError as exc:
                    self.add(value, f"{base}.{verb}.{path}", str(exc), exc.hint)

    # -- sections

    def actor_codes(self) -> None:
        """Actors are named by ISO alpha-3 codes."""
        for c, value in self.actors.items():
            if not CODE_RE.match(str(c)):
                self.add(
                    value,
                    f"actors.{c}",
                    f"{c!r} is not an ISO alpha-3 code",
                    "use three capital letters, e.g. PRK",
                )

    def dyads(self) -> None:
        """A dyad names two different actors of the cast."""
        for i, _ in enumerate(_items(self.node("dyads"))):
            pair = self.node("dyads", i, "pair")
            if pair is None or not isinstance(pair.value, list):
                continue
            if len(pair.value) != 2:
                self.add(pair, f"dyads[{i}].pair", "a pair names exactly two actors")
            for k, member in enumerate(pair.value):
                self.code(member, f"dyads[{i}].pair[{k}]")
            if len(pair.value) == 2 and pair.value[0].value == pair.value[1].value:
                self.add(pair, f"dyads[{i}].pair", "a pair needs two different actors")

    def trade(self) -> None:
        """A flow goes from an actor to an actor in a category."""
        for i, _ in enumerate(_items(self.node("trade"))):
            self.code(self.node("trade", i, "from"), f"trade[{i}].from")
            self.code(self.node("trade", i, "to"), f"trade[{i}].to")
            self.category(self.node("trade", i, "category"), f"trade[{i}].category")

    def regimes(self) -> None:
        """A regime's target, holders, sponsors, categories and dates."""
        for i, _ in enumerate(_items(self.node("sanctions", "regimes"))):
            base = f"sanctions.regimes[{i}]"
            regime = ("sanctions", "regimes", i)
            self.code(self.node(*regime, "target"), f"{base}.target")
            for key in ("veto_holders", "sponsors"):
                for k, member in enumerate(_items(self.node(*regime, key))):
                    self.code(member, f"{base}.{key}[{k}]")
            self.category_keys(self.node(*regime, "coverage"), f"{base}.coverage")
            self.date(self.node(*regime, "since"), f"{base}.since", allow_before=True)
            self.date(self.node(*regime, "renewal"), f"{base}.renewal")

    def actor_series(self) -> None:
        """The dates of each actor's war-demand series (before the run is allowed)."""
        for c in self.codes:
            for k, _ in enumerate(_items(self.node("actors", c, "war_demand"))):
                self.date(
                    self.node("actors", c, "war_demand", k, "from"),
                    f"actors.{c}.war_demand[{k}].from",
                    allow_before=True,
                )

    def bargain(self) -> None:
        """The bargain's categories exist (the default bargain needs its own four)."""
        bargain = self.node("bargain")
        if bargain is not None and isinstance(bargain.value, dict):
            self.category(self.node("bargain", "supply_category"), "bargain.supply_category")
            self.category_keys(self.node("bargain", "payment"), "bargain.payment")
            return
        if not self.codes:
            return
        missing = [cat for cat in DEFAULT_BARGAIN if cat not in self.categories]
        if missing:
            self.add(
                self.categories_node,
                "categories",
                f"the default bargain needs category {missing[0]!r}",
                "add it, or give a bargain: section naming your categories",
            )

    def events(self) -> None:
        """Each event: its date, its kind's keys and actors, its path operations."""
        for i, ev in enumerate(_items(self.node("events"))):
            if not isinstance(ev.value, dict):
                continue
            base = f"events[{i}]"
            self.date(self.node("events", i, "at"), f"{base}.at")
            kind = ev.value.get("kind")
            kind_v = kind.value if kind else None
            if kind_v is None:
                self._generic_event(ev, base)
            elif kind_v in EVENT_NEEDS:
                self._named_event(ev, kind_v, base)

    def _generic_event(self, ev: Y, base: str) -> None:
        if not any(k in ev.value for k in ("set", "add", "scale")):
            self.add(
                ev,
                base,
                "an event needs a kind or at least one of set/add/scale",
                f"kinds: {', '.join(EVENT_KINDS)}",
            )
        scale = ev.value.get("scale")
        if scale is not None and not isinstance(scale.value, dict):
            self.add(
                scale,
                f"{base}.scale",
                "scale without a kind maps paths to factors",
                "e.g. scale: {actors.RUS.doctrine.transfer_willingness: 2}",
            )
        self.operations(ev, base)

    def _named_event(self, ev: Y, kind: str, base: str) -> None:
        for need in EVENT_NEEDS[kind]:
            if need not in ev.value:
                self.add(ev, base, f"a {kind} event needs {need!r}")
        for key in ("from", "to", "actor", "target"):
            self.code(ev.value.get(key), f"{base}.{key}")
        for k, member in enumerate(_items(ev.value.get("pair"))):
            self.code(member, f"{base}.pair[{k}]")
        for name, value in _entries(ev.value.get("doctrine")).items():
            if name not in registry.DOCTRINE_BY_NAME:
                self.add(
                    value,
                    f"{base}.doctrine.{name}",
                    f"unknown doctrine parameter {name!r}",
                    closest(name, tuple(registry.DOCTRINE_BY_NAME)),
                )
        self.operations(ev, base)

    def reactions(self) -> None:
        """Each reaction: its actor, its measure (no reducer), a level, its operations."""
        for i, _ in enumerate(_items(self.node("reactions"))):
            base = f"reactions[{i}]"
            self.code(self.node("reactions", i, "actor"), f"{base}.actor")
            measure = self.node("reactions", i, "when", "measure")
            if measure is not None:
                try:
                    spec = parse_measure(str(measure.value), self.codes or None)
                    if spec.reducer is not None:
                        raise PathError("a reaction reads the current value: drop the :reducer")
                except PathError as exc:
                    self.add(measure, f"{base}.when.measure", str(exc), exc.hint)
            when = self.node("reactions", i, "when")
            condition = _entries(when)
            if when is not None and isinstance(when.value, dict):
                if "above" not in condition and "below" not in condition:
                    self.add(when, f"{base}.when", "a condition needs above: or below:")
            self.operations(self.node("reactions", i, "then"), f"{base}.then")

    def analysis(self) -> None:
        """The poles name actors, each in one pole at most; key dyads name actors."""
        members: dict[str, str] = {}
        blocs = _entries(self.node("analysis", "blocs"))
        for pole in ("a", "b"):
            members_node = blocs.get(pole)
            if members_node is None or not isinstance(members_node.value, list):
                continue
            if not members_node.value:
                example = self.codes[0] if self.codes else "PRK"
                self.add(
                    members_node,
                    f"analysis.blocs.{pole}",
                    "a pole needs at least one actor",
                    f"name its members, e.g. {pole}: [{example}]",
                )
            for k, member in enumerate(members_node.value):
                self.code(member, f"analysis.blocs.{pole}[{k}]")
                if member.value in members:
                    self.add(
                        member,
                        f"analysis.blocs.{pole}[{k}]",
                        f"{member.value} is in both poles",
                        "each actor belongs to one pole at most",
                    )
                members[member.value] = pole
        for i, pair in enumerate(_items(self.node("analysis", "key_dyads"))):
            for k, member in enumerate(_items(pair)):
                self.code(member, f"analysis.key_dyads[{i}][{k}]")
