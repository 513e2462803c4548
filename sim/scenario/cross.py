"""Cross-reference checks of a scenario tree: actors, categories, dates, paths, blocs.

They run on the raw annotated tree, after and independently of the field checks
(pydantic's after-validators do not run when a field already failed), so that one
pass reports every problem of a file at once, each with its line.
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


def cross_problems(tree: Y) -> list[Problem]:
    """Cross-reference checks on the raw tree (they run even when fields failed)."""
    problems: list[Problem] = []

    def node(*keys: Any) -> Y | None:
        cur: Y | None = tree
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

    def add(n: Y | None, path: str, msg: str, hint: str = "") -> None:
        problems.append(Problem(n.file if n else tree.file, path, n.line if n else None, msg, hint))

    actors = node("actors")
    codes = list(actors.value) if actors and isinstance(actors.value, dict) else []
    for c in codes:
        if not CODE_RE.match(str(c)):
            add(
                actors.value[c],
                f"actors.{c}",
                f"{c!r} is not an ISO alpha-3 code",
                "use three capital letters, e.g. PRK",
            )
    cats_node = node("categories")
    categories = (
        [c for c in cats_node.plain()]
        if cats_node and isinstance(cats_node.value, list)
        else list(DEFAULT_CATEGORIES)
    )

    def check_code(n: Y | None, path: str) -> None:
        if n is None or not codes:
            return
        c = n.value
        if not isinstance(c, str) or c not in codes:
            add(n, path, f"unknown actor {c!r}", closest(str(c), codes))

    def check_cat(n: Y | None, path: str) -> None:
        if n is None:
            return
        if n.value not in categories:
            add(n, path, f"unknown trade category {n.value!r}", closest(str(n.value), categories))

    # run span
    start = node("start")
    span_ok = False
    try:
        start_i = month_index(check_month(start.value)) if start else None
        step_m = STEP_MONTHS[node("step").value] if node("step") else 3
        steps = node("steps").value if node("steps") else 40
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError("steps is reported by the field pass")
        end_i = start_i + steps * step_m if start_i is not None else None
        span_ok = start_i is not None
    except (ValueError, KeyError, TypeError, AttributeError):
        start_i = end_i = None

    def check_date(n: Y | None, path: str, allow_before: bool = False) -> None:
        if n is None or not span_ok:
            return
        try:
            m = month_index(check_month(n.value))
        except (ValueError, AttributeError):
            return  # reported by the field pass
        if (m < start_i and not allow_before) or m >= end_i:
            add(
                n,
                path,
                f"date {n.value} is outside the run",
                f"the run spans {month_name(start_i)} to {month_name(end_i - 1)}",
            )

    # dyads
    for i, _ in enumerate(
        node("dyads").value if node("dyads") and isinstance(node("dyads").value, list) else []
    ):
        pair = node("dyads", i, "pair")
        if pair and isinstance(pair.value, list):
            if len(pair.value) != 2:
                add(pair, f"dyads[{i}].pair", "a pair names exactly two actors")
            for k, member in enumerate(pair.value):
                check_code(member, f"dyads[{i}].pair[{k}]")
            if len(pair.value) == 2 and pair.value[0].value == pair.value[1].value:
                add(pair, f"dyads[{i}].pair", "a pair needs two different actors")
    for i, _ in enumerate(
        node("trade").value if node("trade") and isinstance(node("trade").value, list) else []
    ):
        check_code(node("trade", i, "from"), f"trade[{i}].from")
        check_code(node("trade", i, "to"), f"trade[{i}].to")
        check_cat(node("trade", i, "category"), f"trade[{i}].category")
    regimes = node("sanctions", "regimes")
    for i, _ in enumerate(regimes.value if regimes and isinstance(regimes.value, list) else []):
        base = f"sanctions.regimes[{i}]"
        check_code(node("sanctions", "regimes", i, "target"), f"{base}.target")
        for key in ("veto_holders", "sponsors"):
            lst = node("sanctions", "regimes", i, key)
            for k, m in enumerate(lst.value if lst and isinstance(lst.value, list) else []):
                check_code(m, f"{base}.{key}[{k}]")
        cov = node("sanctions", "regimes", i, "coverage")
        if cov and isinstance(cov.value, dict):
            for cat in cov.value:
                if cat not in categories:
                    add(
                        cov.value[cat],
                        f"{base}.coverage.{cat}",
                        f"unknown trade category {cat!r}",
                        closest(cat, categories),
                    )
        check_date(node("sanctions", "regimes", i, "since"), f"{base}.since", allow_before=True)
        check_date(node("sanctions", "regimes", i, "renewal"), f"{base}.renewal")
    # actors' series
    for c in codes:
        wd = node("actors", c, "war_demand")
        for k, _ in enumerate(wd.value if wd and isinstance(wd.value, list) else []):
            check_date(
                node("actors", c, "war_demand", k, "from"),
                f"actors.{c}.war_demand[{k}].from",
                allow_before=True,
            )
    # bargain categories
    bargain = node("bargain")
    if bargain and isinstance(bargain.value, dict):
        check_cat(node("bargain", "supply_category"), "bargain.supply_category")
        pay = node("bargain", "payment")
        if pay and isinstance(pay.value, dict):
            for cat in pay.value:
                if cat not in categories:
                    add(
                        pay.value[cat],
                        f"bargain.payment.{cat}",
                        f"unknown trade category {cat!r}",
                        closest(cat, categories),
                    )
    elif codes:
        for cat in ("arms", "energy", "food", "other"):
            if cat not in categories:
                add(
                    cats_node,
                    "categories",
                    f"the default bargain needs category {cat!r}",
                    "add it, or give a bargain: section naming your categories",
                )
                break

    def check_ops(ops: Y | None, base: str) -> None:
        if ops is None or not isinstance(ops.value, dict):
            return
        for verb in ("set", "add", "scale"):
            table = ops.value.get(verb)
            if table is None or not isinstance(table.value, dict):
                continue
            for p, v in table.value.items():
                try:
                    ref = parse_path(p, codes or None, categories)
                    if ref.kind == "run":
                        raise PathError(f"{p!r} is a run setting and cannot change during a run")
                    if verb != "set" and not isinstance(v.value, (int, float)):
                        raise PathError(f"{verb} needs a number, not {v.value!r}")
                except PathError as exc:
                    add(v, f"{base}.{verb}.{p}", str(exc), exc.hint)

    # events
    kinds_need = {
        "transfer_surge": ("from", "to", "scale"),
        "ceasefire": ("actor",),
        "war": ("actor", "value"),
        "treaty": ("pair",),
        "turnover": ("actor", "doctrine"),
        "provocation": ("actor",),
        "summit": ("pair",),
        "sanctions_vote": ("target",),
    }
    events = node("events")
    for i, _ in enumerate(events.value if events and isinstance(events.value, list) else []):
        base = f"events[{i}]"
        ev = node("events", i)
        if not isinstance(ev.value, dict):
            continue
        check_date(node("events", i, "at"), f"{base}.at")
        kind = ev.value.get("kind")
        kind_v = kind.value if kind else None
        if kind_v is None:
            if not any(k in ev.value for k in ("set", "add", "scale")):
                add(
                    ev,
                    base,
                    "an event needs a kind or at least one of set/add/scale",
                    f"kinds: {', '.join(EVENT_KINDS)}",
                )
            sc = ev.value.get("scale")
            if sc is not None and not isinstance(sc.value, dict):
                add(
                    sc,
                    f"{base}.scale",
                    "scale without a kind maps paths to factors",
                    "e.g. scale: {actors.RUS.doctrine.transfer_willingness: 2}",
                )
            check_ops(ev, base)
        elif kind_v in kinds_need:
            for need in kinds_need[kind_v]:
                if need not in ev.value:
                    add(ev, base, f"a {kind_v} event needs {need!r}")
            for key in ("from", "to", "actor", "target"):
                check_code(ev.value.get(key), f"{base}.{key}")
            pair = ev.value.get("pair")
            if pair and isinstance(pair.value, list):
                for k, m in enumerate(pair.value):
                    check_code(m, f"{base}.pair[{k}]")
            doc = ev.value.get("doctrine")
            if doc and isinstance(doc.value, dict):
                for name, v in doc.value.items():
                    if name not in registry.DOCTRINE_BY_NAME:
                        add(
                            v,
                            f"{base}.doctrine.{name}",
                            f"unknown doctrine parameter {name!r}",
                            closest(name, tuple(registry.DOCTRINE_BY_NAME)),
                        )
            check_ops(ev, base)
    # reactions
    reactions = node("reactions")
    for i, _ in enumerate(
        reactions.value if reactions and isinstance(reactions.value, list) else []
    ):
        base = f"reactions[{i}]"
        check_code(node("reactions", i, "actor"), f"{base}.actor")
        m = node("reactions", i, "when", "measure")
        if m is not None:
            try:
                spec = parse_measure(str(m.value), codes or None)
                if spec.reducer is not None:
                    raise PathError("a reaction reads the current value: drop the :reducer")
            except PathError as exc:
                add(m, f"{base}.when.measure", str(exc), exc.hint)
        when = node("reactions", i, "when")
        if (
            when
            and isinstance(when.value, dict)
            and "above" not in when.value
            and ("below" not in when.value)
        ):
            add(when, f"{base}.when", "a condition needs above: or below:")
        check_ops(node("reactions", i, "then"), f"{base}.then")
    # analysis
    blocs = node("analysis", "blocs")
    if blocs and isinstance(blocs.value, dict):
        members: dict[str, str] = {}
        for pole in ("a", "b"):
            lst = blocs.value.get(pole)
            if lst is None or not isinstance(lst.value, list):
                continue
            if not lst.value:
                add(
                    lst,
                    f"analysis.blocs.{pole}",
                    "a pole needs at least one actor",
                    f"name its members, e.g. {pole}: [{codes[0] if codes else 'PRK'}]",
                )
            for k, mnode in enumerate(lst.value):
                check_code(mnode, f"analysis.blocs.{pole}[{k}]")
                if mnode.value in members:
                    add(
                        mnode,
                        f"analysis.blocs.{pole}[{k}]",
                        f"{mnode.value} is in both poles",
                        "each actor belongs to one pole at most",
                    )
                members[mnode.value] = pole
    kd = node("analysis", "key_dyads")
    for i, pair in enumerate(kd.value if kd and isinstance(kd.value, list) else []):
        for k, mnode in enumerate(pair.value if isinstance(pair.value, list) else []):
            check_code(mnode, f"analysis.key_dyads[{i}][{k}]")
    return problems
