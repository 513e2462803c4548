"""Cross-reference checks of a scenario tree: actors, categories, dates, paths, blocs.

They run on the raw annotated tree, after and independently of the field checks
(pydantic's after-validators do not run when a field already failed), so that one
pass reports every problem of a file at once, each with its line.  Each section of a
file has its own small check (:class:`Checks`); a value the field pass rejects (a
malformed date, a list where a mapping belongs) is skipped here, not reported twice.
"""

from __future__ import annotations

import math
from typing import Any

from .. import registry
from ..errors import Problem
from .paths import (
    OVERLAP_HINT,
    PathError,
    PathRef,
    closest,
    overlapping,
    parse_measure,
    parse_path,
)
from .schema import (
    CODE_RE,
    DEFAULT_CATEGORIES,
    EVENT_KINDS,
    STEP_MONTHS,
    WAR_DEMAND_MAX,
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
    "border_closure": ("actor", "value"),
    "moratorium": ("actor", "value"),
    "succession": ("from", "to"),
    "aid": ("from", "to", "value"),
    "friendship_treaty": ("pair",),
    "treaty_lapse": ("pair",),
}
"""The keys each named event kind needs."""

EVENT_EXAMPLES: dict[str, str] = {
    "transfer_surge": "{at: 2025-01, kind: transfer_surge, from: RUS, to: PRK, scale: 2.0}",
    "ceasefire": "{at: 2025-01, kind: ceasefire, actor: RUS}",
    "war": "{at: 2025-01, kind: war, actor: RUS, value: 60}",
    "treaty": "{at: 2025-01, kind: treaty, pair: [RUS, PRK]}",
    "turnover": "{at: 2025-01, kind: turnover, actor: KOR, doctrine: {compliance: 0.5}}",
    "provocation": "{at: 2025-01, kind: provocation, actor: PRK}",
    "summit": "{at: 2025-01, kind: summit, pair: [RUS, PRK]}",
    "sanctions_vote": "{at: 2025-01, kind: sanctions_vote, target: PRK}",
    "border_closure": "{at: 2020-01, kind: border_closure, actor: PRK, value: 0.8}",
    "moratorium": "{at: 2018-04, kind: moratorium, actor: PRK, value: 0.5}",
    "succession": "{at: 1991-12, kind: succession, from: SUN, to: RUS}",
    "aid": "{at: 1954-01, kind: aid, from: SUN, to: PRK, value: 0.25}",
    "friendship_treaty": "{at: 2000-02, kind: friendship_treaty, pair: [RUS, PRK]}",
    "treaty_lapse": "{at: 1996-09, kind: treaty_lapse, pair: [RUS, PRK]}",
}
"""An example of each named event kind, for the hint of an event that lacks a key."""

DEFAULT_BARGAIN = ("arms", "energy", "food", "other")
"""The categories the default bargain section names."""

EVENT_USES: dict[str, tuple[str, ...]] = {
    "transfer_surge": ("scale",),
    "war": ("value",),
    "treaty": ("value",),
    "turnover": ("doctrine",),
    "sanctions_vote": ("coverage",),
    "border_closure": ("value",),
    "moratorium": ("value",),
    "aid": ("value",),
    "friendship_treaty": ("value",),
}
"""Of the keys ``value``, ``scale`` and ``doctrine``, those each named kind uses; any
other kind would ignore them, and so would an event without a kind (whose ``scale:``
is a table of paths), so that giving them is an error."""

EVENT_USES_KEY = {
    key: tuple(kind for kind, keys in EVENT_USES.items() if key in keys)
    for key in ("value", "scale", "doctrine", "coverage")
}
"""The named kinds that use each of ``value``, ``scale`` and ``doctrine``."""

MAX_FACTOR = 1000.0
"""The largest factor a ``scale`` operation (or a ``transfer_surge``) may multiply a
value by; a negative factor, down to ``-MAX_FACTOR``, only where the value's range
holds negative numbers (an attitude)."""

STARTING_ONLY = ("milex_growth",)
"""Actor figures that only initialise a run (the capability stock), so that an event or
reaction cannot change them."""


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


def _bounds(ref: PathRef) -> tuple[float, float, bool] | None:
    """(low, high, open_low) of the value a path addresses; None for a run setting."""
    if ref.kind == "actor" and ref.field == "war_demand":
        return 0.0, WAR_DEMAND_MAX, False
    p = ref.param
    return None if p is None else (p.low, p.high, p.open_low)


def _range_text(low: float, high: float, open_low: bool) -> str:
    return f"{'above ' if open_low else ''}{low:g} to {high:g}"


def operand_problem(ref: PathRef, verb: str, value: Any) -> tuple[str, str] | None:
    """What is wrong with the operand of ``set``, ``add`` or ``scale`` on a path.

    An operation is checked against the range the registry gives the path
    (``geosim params``), as a value in the file is: ``set`` takes a number in the
    range; ``add`` any finite number; ``scale`` a factor from 0 (above 0 for a value
    that must stay above 0, a GDP) to :data:`MAX_FACTOR`, or from ``-MAX_FACTOR`` for a
    value whose range holds negative numbers.

    Parameters
    ----------
    ref : PathRef
        The parsed path, not a run setting.
    verb : str
        ``set``, ``add`` or ``scale``.
    value : Any
        The operand as read from the file.

    Returns
    -------
    tuple of (str, str) or None
        The message and hint of the problem; None when the operand is valid, and for
        an ``add`` or ``scale`` operand that is not a finite number (the field pass
        reports those).
    """
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not math.isfinite(value):
        if verb != "set":
            return None
        what = "true/false" if isinstance(value, bool) else repr(value)
        return f"set needs a finite number, not {what}", "write one number, e.g. 0.5"
    bounds = _bounds(ref)
    if bounds is None:
        return None
    low, high, open_low = bounds
    span = _range_text(low, high, open_low)
    lowest = -MAX_FACTOR if low < 0 else 0.0
    if verb == "set" and (value < low or value > high or (open_low and value <= low)):
        message = f"{value:g} is outside the range of {ref.field} ({span})"
    elif verb == "scale" and (value < lowest or value > MAX_FACTOR or (open_low and value <= 0)):
        floor = f"above {lowest:g}" if open_low and lowest == 0 else f"{lowest:g}"
        message = f"a factor on {ref.field} lies from {floor} to {MAX_FACTOR:g}, not {value:g}"
    else:
        return None
    return message, "see `geosim params` for each field's unit and range"


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
        self.categories_unique()
        self.reference_series()
        self.actor_codes()
        self.dyads()
        self.trade()
        self.regimes()
        self.actor_series()
        self.lifetimes()
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

    def unique(self, items: Y | None, path: str, what: str) -> None:
        """The elements of a list must differ: report each repeat at its line.

        Parameters
        ----------
        items : Y or None
            The list node; nothing is checked when it is missing or not a list.
        path : str
            Its path in the scenario, for the messages (``categories``).
        what : str
            What an element is, for the message (``category``).
        """
        seen: dict[Any, Y] = {}
        for k, member in enumerate(_items(items)):
            value = member.value
            if isinstance(value, (dict, list)):
                continue
            if value in seen:
                self.add(
                    member,
                    f"{path}[{k}]",
                    f"{what} {value!r} is named twice (first on line {seen[value].line})",
                    "name it once",
                )
            else:
                seen[value] = member

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

    def operations(
        self, ops: Y | None, base: str, verbs: tuple[str, ...] = ("set", "add", "scale")
    ) -> None:
        """The ``set``/``add``/``scale`` tables of an event or reaction: valid paths.

        Each path must parse against the cast and categories, must not be a run
        setting or a figure that only initialises the run (:data:`STARTING_ONLY`), and
        must not name a value another path of the same table names
        (:func:`~.paths.overlapping`); each operand must suit its path
        (:func:`operand_problem`).

        Parameters
        ----------
        ops : Y or None
            The event, or the reaction's ``then``, holding the tables.
        base : str
            Its path in the scenario (``events[3]``, ``reactions[0].then``).
        verbs : tuple of str
            The tables to check; a named event kind applies ``set`` and ``add`` only.
        """
        for verb in verbs:
            table = _entries(ops).get(verb)
            entries = _entries(table)
            spelled = dict((later, earlier) for earlier, later in overlapping(list(entries)))
            for path, value in entries.items():
                where = f"{base}.{verb}.{path}"
                if path in spelled:
                    self.add(
                        value,
                        where,
                        f"{path!r} names the same value as {spelled[path]!r} "
                        f"in the same {verb}: table",
                        OVERLAP_HINT,
                    )
                    continue
                try:
                    ref = parse_path(path, self.codes or None, self.categories)
                    if ref.kind == "run":
                        raise PathError(f"{path!r} is a run setting and cannot change during a run")
                    if ref.kind == "actor" and ref.field in STARTING_ONLY:
                        raise PathError(
                            f"{path!r} only initialises the run and cannot change during it",
                            "change milex or the doctrine instead",
                        )
                except PathError as exc:
                    self.add(value, where, str(exc), exc.hint)
                    continue
                problem = operand_problem(ref, verb, value.plain())
                if problem is not None:
                    self.add(value, where, *problem)

    # -- sections

    def categories_unique(self) -> None:
        """Each trade category is named once."""
        self.unique(self.categories_node, "categories", "category")

    def actor_codes(self) -> None:
        """There are actors, named by ISO alpha-3 codes."""
        actors = self.node("actors")
        if actors is not None and isinstance(actors.value, dict) and not actors.value:
            self.add(
                actors,
                "actors",
                "a scenario needs actors: this mapping is empty",
                "give each actor by its code, e.g. PRK: {name: North Korea, gdp: 30, milex: 5, "
                "population: 26}",
            )
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
                self.add(
                    pair, f"dyads[{i}].pair", "a pair names exactly two actors", "e.g. [RUS, PRK]"
                )
            for k, member in enumerate(pair.value):
                self.code(member, f"dyads[{i}].pair[{k}]")
            if len(pair.value) == 2 and pair.value[0].value == pair.value[1].value:
                self.add(
                    pair,
                    f"dyads[{i}].pair",
                    "a pair needs two different actors",
                    "e.g. pair: [RUS, PRK]",
                )
            aid = self.node("dyads", i, "aid")
            symmetric = self.node("dyads", i, "symmetric")
            one_way = symmetric is not None and symmetric.value is False
            if aid is not None and not isinstance(aid.value, list) and not one_way and aid.value:
                self.add(
                    aid,
                    f"dyads[{i}].aid",
                    "aid flows one way, but a single number applies both ways",
                    "give a pair [A to B, B to A], e.g. aid: [0.25, 0]",
                )

    def trade(self) -> None:
        """A flow goes from an actor to an actor in a category."""
        for i, _ in enumerate(_items(self.node("trade"))):
            source, to = self.node("trade", i, "from"), self.node("trade", i, "to")
            self.code(source, f"trade[{i}].from")
            self.code(to, f"trade[{i}].to")
            if source is not None and to is not None and source.value == to.value:
                self.add(
                    to,
                    f"trade[{i}].to",
                    "a flow goes from one actor to another",
                    "name the importer in to:, another actor than from:",
                )
            self.category(self.node("trade", i, "category"), f"trade[{i}].category")

    def reference_series(self) -> None:
        """Each point of ``reference.series`` comes after the start (which the
        reference's own totals give); later than the run's end is allowed."""
        for i, _ in enumerate(_items(self.node("reference", "series"))):
            n = self.node("reference", "series", i, "from")
            m = self.node_month(n)  # a malformed date is reported by the field pass
            if n is None or m is None or self.span is None:
                continue
            first, _ = self.span
            if m <= first:
                self.add(
                    n,
                    f"reference.series[{i}].from",
                    f"a reference point at {n.value} is not after the start ({month_name(first)})",
                    "the start's totals are reference.world_gdp, world_milex and "
                    "world_population themselves; give later points only",
                )

    def regimes(self) -> None:
        """A regime's target, holders, sponsors, categories and dates."""
        for i, _ in enumerate(_items(self.node("sanctions", "regimes"))):
            base = f"sanctions.regimes[{i}]"
            regime = ("sanctions", "regimes", i)
            self.code(self.node(*regime, "target"), f"{base}.target")
            for key in ("veto_holders", "sponsors"):
                for k, member in enumerate(_items(self.node(*regime, key))):
                    self.code(member, f"{base}.{key}[{k}]")
                self.unique(self.node(*regime, key), f"{base}.{key}", "actor")
            self.category_keys(self.node(*regime, "coverage"), f"{base}.coverage")
            self.date(self.node(*regime, "since"), f"{base}.since", allow_before=True)
            self.regime_begun(i)
            self.date(self.node(*regime, "renewal"), f"{base}.renewal")

    def regime_begun(self, i: int) -> None:
        """A regime imposed during the run must not be calibrated by a potential.

        Such a regime starts uncovered and unmonitored and is imposed at ``since``
        (``sanctions_imposed``).  A pre-sanctions ``potential`` of a target's flows
        calibrates how strictly a regime *in force at the start* binds, so it cannot go
        with a regime imposed later.

        Parameters
        ----------
        i : int
            The regime's position in ``sanctions.regimes``.
        """
        n = self.node("sanctions", "regimes", i, "since")
        target = self.node("sanctions", "regimes", i, "target")
        if self._later_month(n) is None or n is None or target is None:
            return
        for i, _ in enumerate(_items(self.node("trade"))):
            pot = self.node("trade", i, "potential")
            ends = {getattr(self.node("trade", i, key), "value", None) for key in ("from", "to")}
            if pot is not None and pot.value is not None and target.value in ends:
                self.add(
                    pot,
                    f"trade[{i}].potential",
                    f"the regime on {target.value} is imposed during the run ({n.value}, "
                    f"sanctions.regimes[{i}]): a pre-sanctions potential calibrates a regime in "
                    "force at the start",
                    "remove potential:, or start the run after the regime's since:",
                )

    def node_month(self, n: Y | None) -> int | None:
        """The month of a date node, or None if it is missing or malformed.

        Parameters
        ----------
        n : Y or None
            The node holding a ``YYYY-MM`` date.
        """
        if n is None:
            return None
        try:
            return month_index(check_month(n.value))
        except (ValueError, AttributeError):
            return None

    def _later_month(self, n: Y | None) -> int | None:
        """The month of a ``since`` inside the run (after its start), else None."""
        m = self.node_month(n)
        if m is None or self.span is None:
            return None
        first, end = self.span
        return m if first < m < end else None

    def imposed(self) -> dict[str, int]:
        """Targets whose regime is imposed during the run, and the month it is."""
        out: dict[str, int] = {}
        for i, _ in enumerate(_items(self.node("sanctions", "regimes"))):
            m = self._later_month(self.node("sanctions", "regimes", i, "since"))
            target = self.node("sanctions", "regimes", i, "target")
            if m is not None and target is not None:
                out[str(target.value)] = m
        return out

    def actor_series(self) -> None:
        """The dates of each actor's war-demand series (before the run is allowed)."""
        for c in self.codes:
            months: dict[int, Y] = {}
            for k, _ in enumerate(_items(self.node("actors", c, "war_demand"))):
                start = self.node("actors", c, "war_demand", k, "from")
                path = f"actors.{c}.war_demand[{k}].from"
                self.date(start, path, allow_before=True)
                try:
                    month = month_index(check_month(start.value)) if start else None
                except (ValueError, AttributeError):
                    continue  # reported by the field pass
                if month in months:
                    self.add(
                        start,
                        path,
                        f"two war-demand values from {month_name(month)} "
                        f"(first on line {months[month].line})",
                        "give one value per month: a value holds until the next one",
                    )
                elif month is not None and start is not None:
                    months[month] = start
            self._decisions(c)

    def _life_months(self) -> dict[str, tuple[int | None, int | None]]:
        """Each actor's first month and the month it is gone from (None: open), from its
        ``from``/``until`` and the successions."""
        out: dict[str, tuple[int | None, int | None]] = {}
        for c in self.codes:
            out[c] = (
                self.node_month(self.node("actors", c, "from")),
                self.node_month(self.node("actors", c, "until")),
            )
        for _, _ev, at, old, new in self._successions():
            if at is None:
                continue
            if old in out:
                out[old] = (out[old][0], at)
            if new in out:
                out[new] = (at, out[new][1])
        return out

    def _successions(self) -> list[tuple[int, Y, int | None, str | None, str | None]]:
        """(index, node, month, predecessor, successor) of each succession event."""
        out = []
        for i, ev in enumerate(_items(self.node("events"))):
            entries = _entries(ev)
            kind = entries.get("kind")
            if kind is None or kind.value != "succession":
                continue
            old, new = entries.get("from"), entries.get("to")
            out.append(
                (
                    i,
                    ev,
                    self.node_month(entries.get("at")),
                    old.value if old is not None else None,
                    new.value if new is not None else None,
                )
            )
        return out

    def _step(self, month: int) -> int:
        """The step of a month (the span is known)."""
        assert self.span is not None
        first, end = self.span
        steps = self.node("steps")
        months = (end - first) // steps.value if steps is not None else 3
        return (month - first) // months

    def lifetimes(self) -> None:
        """An actor's ``from``/``until`` leave it present for part of the run; each
        succession hands a present state's ties to one that enters then; no event names
        an actor on a date it is not present."""
        if self.span is None:
            return
        first, end = self.span
        for c in self.codes:
            enters, leaves = self.node("actors", c, "from"), self.node("actors", c, "until")
            self.date(enters, f"actors.{c}.from", allow_before=True)
            self.date(leaves, f"actors.{c}.until")
            a, b = self.node_month(enters), self.node_month(leaves)
            if b is not None and b <= first:
                self.add(
                    leaves,
                    f"actors.{c}.until",
                    f"{c} would leave at the run's start and never be present",
                    "remove the actor, or give an until: inside the run",
                )
            if a is not None and b is not None and b <= a:
                self.add(
                    leaves,
                    f"actors.{c}.until",
                    f"{c} leaves ({month_name(b)}) before it enters ({month_name(a)})",
                    "until: must come after from:",
                )
        seen: dict[str, int] = {}
        for i, ev, at, old, new in self._successions():
            base = f"events[{i}]"
            entries = _entries(ev)
            probability = entries.get("probability")
            if probability is not None and probability.value != 1:
                self.add(
                    probability,
                    f"{base}.probability",
                    "a succession happens for certain: it is what happened",
                    "leave probability: out",
                )
            if old is not None and old == new:
                self.add(
                    entries.get("to"),
                    f"{base}.to",
                    "a state cannot succeed itself",
                    "name the successor in to:, another actor than from:",
                )
            for role, code in (("from", old), ("to", new)):
                if code is None or code not in self.codes:
                    continue
                if code in seen:
                    self.add(
                        entries.get(role),
                        f"{base}.{role}",
                        f"{code} is already in succession events[{seen[code]}]",
                        "a state leaves, or enters, by one succession at most",
                    )
                seen[code] = i
            if at is None:
                continue
            if self._step(at) <= 0:
                self.add(
                    entries.get("at"),
                    f"{base}.at",
                    "a succession at the run's start leaves its predecessor no time present",
                    f"date it after the start, or leave {old} out and start with {new}",
                )
                continue
            # the states' own dates, where given, are the succession's
            for code, key, verb in ((new, "from", "enters"), (old, "until", "leaves")):
                if code not in self.codes:
                    continue
                given = self.node("actors", code, key)
                m = self.node_month(given)
                if m is not None and m != at:
                    self.add(
                        given,
                        f"actors.{code}.{key}",
                        f"{code} {verb} by succession on {month_name(at)}, not {month_name(m)}",
                        f"leave {key}: out, or make it {month_name(at)}",
                    )
            if old in self.codes:
                a = self.node_month(self.node("actors", old, "from"))
                if a is not None and self._step(a) >= self._step(at):
                    self.add(
                        entries.get("at"),
                        f"{base}.at",
                        f"{old} is not present yet on {month_name(at)} to hand on its ties",
                        f"{old} enters on {month_name(a)}",
                    )
        self._present_at_events()

    def _present_at_events(self) -> None:
        """Every actor an event names is present on the event's date."""
        life = self._life_months()
        if all(a is None and b is None for a, b in life.values()):
            return
        for i, ev in enumerate(_items(self.node("events"))):
            entries = _entries(ev)
            kind = entries.get("kind")
            if kind is not None and kind.value == "succession":
                continue
            at = self.node_month(entries.get("at"))
            if at is None or self.span is None or not self.span[0] <= at < self.span[1]:
                continue  # no date, or one outside the run (reported as such)
            named = [(k, entries.get(k)) for k in ("from", "to", "actor", "target")]
            named += [(f"pair[{k}]", m) for k, m in enumerate(_items(entries.get("pair")))]
            for key, n in named:
                if n is None or n.value not in life:
                    continue
                a, b = life[n.value]
                here = (a is None or self._step(a) <= self._step(at)) and (
                    b is None or self._step(at) < self._step(b)
                )
                if not here:
                    span = f"from {month_name(a) if a is not None else 'the start'}"
                    span += f" until {month_name(b)}" if b is not None else " on"
                    self.add(
                        n,
                        f"events[{i}].{key}",
                        f"{n.value} is not present on {month_name(at)} (it is there {span})",
                        "move the event inside its time, or change the actor's from:/until:",
                    )

    def _decisions(self, c: str) -> None:
        """A list of burden decisions whose first starts at the run's start (no ``from``)
        may not hold a later decision dated at or before the start."""
        targets = self.node("actors", c, "burden_target")
        items = _items(targets) if targets is not None and isinstance(targets.value, list) else []
        if not items or self.span is None or "from" in _entries(items[0]):
            return
        first, _ = self.span
        for k, item in enumerate(items[1:], start=1):
            m = self.node_month(_entries(item).get("from"))
            if m is not None and m <= first:
                self.add(
                    _entries(item)["from"],
                    f"actors.{c}.burden_target[{k}].from",
                    f"decision [{k}] from {month_name(m)} comes before decision [0], which "
                    f"starts at the run's start ({month_name(first)})",
                    "give decision [0] its own from:, or list the decisions in time order",
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
        for key in ("value", "doctrine", "coverage"):
            if key in ev.value:
                self.add(
                    ev.value[key],
                    f"{base}.{key}",
                    f"an event without a kind does not use {key}:",
                    f"give a kind ({', '.join(EVENT_USES_KEY[key])}), or change paths with "
                    "set:/add:/scale:",
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
        if kind == "sanctions_vote":
            self._vote(ev, base)
        for need in EVENT_NEEDS[kind]:
            if need not in ev.value or ev.value[need].value is None:
                self.add(ev, base, f"a {kind} event needs {need!r}", "e.g. " + EVENT_EXAMPLES[kind])
        for key in ("from", "to", "actor", "target"):
            self.code(ev.value.get(key), f"{base}.{key}")
        pair = ev.value.get("pair")
        for k, member in enumerate(_items(pair)):
            self.code(member, f"{base}.pair[{k}]")
        members = [m.value for m in _items(pair)]
        if len(members) == 2 and members[0] == members[1]:
            self.add(
                pair, f"{base}.pair", "a pair needs two different actors", "e.g. pair: [RUS, PRK]"
            )
        source, to = ev.value.get("from"), ev.value.get("to")
        if kind == "transfer_surge" and source and to and source.value == to.value:
            self.add(
                to,
                f"{base}.to",
                "transfers go from one actor to another",
                "name the recipient in to:, another actor than from:",
            )
        self._kind_values(ev, kind, base)
        self.operations(ev, base, ("set", "add"))  # a named kind's scale: is no table

    def _vote(self, ev: Y, base: str) -> None:
        """A vote's coverage names categories, and its target has a regime to vote on."""
        coverage = ev.value.get("coverage")
        if coverage is not None and coverage.value == {}:
            self.add(
                coverage,
                f"{base}.coverage",
                "an empty coverage would ban nothing",
                "e.g. coverage: {energy: 0.9}, or leave coverage: out to renew the regime as is",
            )
        self.category_keys(coverage, f"{base}.coverage")
        target = ev.value.get("target")
        if target is None or target.value not in self.codes:
            return  # reported as a missing key or an unknown actor
        held = [
            held_target.value
            for r in _items(self.node("sanctions", "regimes"))
            if (held_target := _entries(r).get("target")) is not None
        ]
        if target.value not in held:
            self.add(
                target,
                f"{base}.target",
                f"no sanctions regime targets {target.value}, so there is nothing to vote on",
                f"add a regime with target: {target.value} under sanctions.regimes "
                "(with since: the month it is imposed, if that is during the run)",
            )
            return
        since = self.imposed().get(str(target.value))
        at = self.node_month(ev.value.get("at"))
        if since is not None and at is not None and at < since:
            self.add(
                ev.value.get("at"),
                f"{base}.at",
                f"the vote ({month_name(at)}) comes before the regime on {target.value} "
                f"is imposed ({month_name(since)})",
                "date the vote at or after the regime's since:, or impose it earlier",
            )

    def _kind_values(self, ev: Y, kind: str, base: str) -> None:
        """The ``value``, ``scale`` and ``doctrine`` of a named event: used, and in range."""
        for key in ("value", "scale", "doctrine", "coverage"):
            node = ev.value.get(key)
            if node is not None and key not in EVENT_USES.get(kind, ()):
                self.add(
                    node,
                    f"{base}.{key}",
                    f"a {kind} event does not use {key}:",
                    "remove it, or give the change as a separate event with set:/add:/scale:",
                )
        value, scale = ev.value.get("value"), ev.value.get("scale")
        if kind == "war" and value is not None:
            self._operand(value, f"{base}.value", "actors.PRK.war_demand", "set")
        if kind == "treaty" and value is not None:
            self._operand(value, f"{base}.value", "dyads.PRK-RUS.alliance", "set")
        if kind == "aid" and value is not None:
            self._operand(value, f"{base}.value", "dyads.PRK>RUS.aid", "set")
        if kind == "friendship_treaty" and value is not None:
            self._operand(value, f"{base}.value", "dyads.PRK-RUS.relation", "add")
        if kind in ("border_closure", "moratorium") and value is not None:
            self._operand(value, f"{base}.value", f"actors.PRK.doctrine.{kind}", "set")
        if kind == "transfer_surge" and scale is not None:
            if isinstance(scale.value, dict):
                self.add(
                    scale,
                    f"{base}.scale",
                    "the scale of a transfer_surge is one factor on the transfers",
                    "e.g. scale: 2.0",
                )
            else:
                self._operand(scale, f"{base}.scale", "dyads.PRK>RUS.transfer_multiplier", "scale")
        for name, number in _entries(ev.value.get("doctrine")).items():
            if name not in registry.DOCTRINE_BY_NAME:
                self.add(
                    number,
                    f"{base}.doctrine.{name}",
                    f"unknown doctrine parameter {name!r}",
                    closest(name, tuple(registry.DOCTRINE_BY_NAME)),
                )
            else:
                self._operand(
                    number, f"{base}.doctrine.{name}", f"actors.PRK.doctrine.{name}", "set"
                )

    def _operand(self, node: Y, path: str, template: str, verb: str) -> None:
        """Check a named event's number as the operation it becomes (:func:`operand_problem`).

        ``template`` is a path of the same kind (its actors do not matter); a value that
        is not a finite number is left to the field pass.
        """
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return
        if not math.isfinite(value):
            return
        problem = operand_problem(parse_path(template), verb, value)
        if problem is not None:
            self.add(node, path, *problem)

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
        members: dict[Any, str] = {}
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
                if isinstance(member.value, (dict, list)):
                    continue
                if members.get(member.value) == pole:
                    self.add(
                        member,
                        f"analysis.blocs.{pole}[{k}]",
                        f"{member.value} is named twice in pole {pole}",
                        "name each member once",
                    )
                elif member.value in members:
                    self.add(
                        member,
                        f"analysis.blocs.{pole}[{k}]",
                        f"{member.value} is in both poles",
                        "each actor belongs to one pole at most",
                    )
                members[member.value] = pole
        seen: dict[frozenset, Y] = {}
        for i, pair in enumerate(_items(self.node("analysis", "key_dyads"))):
            for k, member in enumerate(_items(pair)):
                self.code(member, f"analysis.key_dyads[{i}][{k}]")
            codes = [m.value for m in _items(pair)]
            if len(codes) != 2 or not all(isinstance(c, str) for c in codes):
                continue  # reported by the field pass
            key = frozenset(codes)
            if len(key) == 1:
                self.add(
                    pair,
                    f"analysis.key_dyads[{i}]",
                    "a key dyad needs two different actors",
                    "e.g. key_dyads: [[PRK, KOR]]",
                )
            elif key in seen:
                self.add(
                    pair,
                    f"analysis.key_dyads[{i}]",
                    f"the pair {codes[0]}-{codes[1]} is named twice "
                    f"(first on line {seen[key].line})",
                    "name each pair once, in either order",
                )
            else:
                seen[key] = pair
        self.story()

    def story(self) -> None:
        """The story's pair names two actors; its periods fall in the run, in order."""
        pair = self.node("analysis", "story", "pair")
        members = _items(pair)
        for k, member in enumerate(members):
            self.code(member, f"analysis.story.pair[{k}]")
        if len(members) == 2 and members[0].value == members[1].value:
            self.add(
                pair,
                "analysis.story.pair",
                "the story needs two different actors",
                "name the patron and the client, e.g. pair: [RUS, PRK]",
            )
        previous: tuple[int, Y] | None = None
        for i, period in enumerate(_items(self.node("analysis", "story", "periods"))):
            where = f"analysis.story.periods[{i}]"
            first = self.node_month(_entries(period).get("from"))
            last = self.node_month(_entries(period).get("until"))
            if first is None or last is None:
                continue  # reported by the field pass
            if self.span is not None and (last < self.span[0] or first >= self.span[1]):
                self.add(
                    period,
                    where,
                    f"the period {month_name(first)} to {month_name(last)} lies outside the "
                    f"run ({month_name(self.span[0])} to {month_name(self.span[1] - 1)})",
                    "give periods that overlap the run, or remove it",
                )
            if previous is not None and first <= previous[0]:
                self.add(
                    period,
                    where,
                    f"the period begins ({month_name(first)}) before the previous one ends "
                    f"(line {previous[1].line})",
                    "give the periods in time order, without overlap",
                )
            previous = (last, period)
