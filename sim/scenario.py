"""Scenario files: schema, loading, ``extends:``, paths and overrides.

A scenario is a YAML file (see ``docs/scenarios.md``) that becomes a frozen,
validated :class:`Scenario`.  This module fixes the semantics once:

- **Loading** goes through :mod:`sim.yamlio` (safe, duplicate keys rejected, YAML 1.2
  scalars, origins kept for messages).
- **extends:** names a parent file relative to the child.  Mappings merge by key
  (``actors`` by code), ``dyads`` by pair, ``trade`` by (from, to, category),
  ``sanctions.regimes`` by target; ``events`` and ``reactions`` are appended; any
  other list is replaced.  Two entries for the same key in one file are an error.
- **Paths** (one syntax for ``--set``, sweeps, events and reactions)::

      actors.CHN.doctrine.stability_preference     a doctrine parameter
      actors.PRK.milex                             an actor figure
      dyads.RUS-PRK.relation                       both directions
      dyads.RUS>PRK.relation                       one direction
      trade.PRK>RUS.minerals[.unrecorded]          a trade flow
      sanctions.PRK.monitoring                     a regime's monitoring
      sanctions.PRK.coverage.energy                a regime's coverage
      model.contest_exponent                       a model-wide parameter
      reference.world_gdp                          a reference total

- **Dates** are ``YYYY-MM``; an event falls in the step containing its date; a date
  outside the run is an error naming the run's span.
- **Validation** runs in two passes, field errors (pydantic) then cross references
  (actors, categories, dates, blocs, paths, measures), and reports every problem at
  once with file, line, path and a hint.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from . import params as registry
from .yamlio import InputError, Problem, Y, load_file, parse_text

CODE_RE = re.compile(r"^[A-Z]{3}$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
STEP_MONTHS = {"month": 1, "quarter": 3, "year": 12}
DEFAULT_CATEGORIES = ("energy", "food", "minerals", "arms", "other")


# --------------------------------------------------------------------------- types


def _check_month(value: Any) -> str:
    if not isinstance(value, str) or not MONTH_RE.match(value):
        raise ValueError(f"a date must be written YYYY-MM (e.g. 2024-07), not {value!r}")
    year, month = (int(x) for x in value.split("-"))
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not between 01 and 12")
    return value


def _check_code(value: Any) -> str:
    if not isinstance(value, str) or not CODE_RE.match(value):
        raise ValueError(f"an actor is named by its ISO alpha-3 code (e.g. PRK), not {value!r}")
    return value


def _check_colour(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^#[0-9A-Fa-f]{6}$", value):
        raise ValueError(f"a colour is written '#RRGGBB' in quotes, not {value!r}")
    return value


Month = Annotated[str, Field(description="YYYY-MM"), "month"]
Code = Annotated[str, Field(description="ISO alpha-3 actor code"), "code"]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Relation = Annotated[float, Field(gt=-1.0, lt=1.0)]
NonNeg = Annotated[float, Field(ge=0.0)]


def month_index(month: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` date."""
    year, mon = (int(x) for x in month.split("-"))
    return year * 12 + mon - 1


def month_name(index: int) -> str:
    """The ``YYYY-MM`` date of a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class Frozen(BaseModel):
    """Base of every scenario section: unknown keys are errors, objects are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _registry_model(name: str, entries: tuple[registry.Param, ...], doc: str) -> type[Frozen]:
    fields: dict[str, Any] = {}
    for p in entries:
        fields[p.name] = (
            float,
            Field(
                default=p.default,
                ge=p.low,
                le=p.high,
                description=f"{p.doc} Unit: {p.unit}. Range {p.low}..{p.high}. "
                f"Tier: {p.tier}. Source: {p.source}.",
            ),
        )
    model = create_model(name, __base__=Frozen, __doc__=doc, **fields)
    return model


Doctrine = _registry_model(
    "Doctrine", registry.DOCTRINE, "An actor's tunable rule parameters (see sim.params.DOCTRINE)."
)
ModelParams = _registry_model(
    "ModelParams", registry.MODEL, "Model-wide parameters (see sim.params.MODEL)."
)


class SeriesPoint(Frozen):
    """A step of an exogenous series: ``value`` holds from ``from`` on."""

    start: str = Field(alias="from", description="First month the value holds (YYYY-MM).")
    value: NonNeg = Field(description="Value (USD bn per year for war demand).")

    _m = field_validator("start")(classmethod(lambda cls, v: _check_month(v)))


class BurdenTarget(Frozen):
    """A documented trend of the defence burden (e.g. Japan to 2 % by FY2027)."""

    value: Annotated[float, Field(gt=0.0, lt=0.6)] = Field(
        description="Target burden, share of GDP."
    )
    by: str = Field(description="Month by which the target is reached (YYYY-MM).")
    source: str | None = None

    _m = field_validator("by")(classmethod(lambda cls, v: _check_month(v)))


class Actor(Frozen):
    """A state: starting figures (cited in the file), presence, doctrine."""

    name: str = Field(description="Display name.")
    gdp: Annotated[float, Field(gt=0)] = Field(description="GDP, USD bn (constant 2024).")
    growth: Annotated[float, Field(ge=-0.1, le=0.1)] = Field(
        0.0, description="Base real growth per year."
    )
    milex: Annotated[float, Field(gt=0)] = Field(
        description="Military expenditure, USD bn per year (SIPRI)."
    )
    milex_growth: Annotated[float, Field(ge=-0.1, le=0.3)] = Field(
        0.03, description="Trailing real growth of milex per year (initialises capability)."
    )
    ppp_factor: Annotated[float, Field(ge=0.5, le=4.0)] = Field(
        1.0, description="Military purchasing-power multiplier of milex (estimate)."
    )
    warheads: NonNeg = Field(0.0, description="Nuclear warheads (SIPRI Yearbook).")
    presence: Share = Field(1.0, description="Share of power brought to bear in the region.")
    population: Annotated[float, Field(gt=0)] = Field(description="Population, millions.")
    colour: str | None = Field(None, description="Plot colour '#RRGGBB'; else Okabe-Ito by order.")
    war_demand: list[SeriesPoint] = Field(
        default_factory=list,
        description="Demand for munitions from a war elsewhere, USD bn per year, as steps.",
    )
    burden_target: BurdenTarget | None = Field(None, description="Documented burden trend.")
    endogenous_growth: bool | None = Field(
        None, description="Growth reacts to trade lost and evasion; default: sanctions targets."
    )
    doctrine: Doctrine = Field(default_factory=Doctrine)  # type: ignore[valid-type]
    note: str | None = None

    _c = field_validator("colour")(classmethod(lambda cls, v: v if v is None else _check_colour(v)))

    @field_validator("war_demand", mode="before")
    @classmethod
    def _number_is_constant(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return [{"from": "0001-01", "value": v}]
        return v


DyadValue = Relation | tuple[Relation, Relation]
DyadShare = Share | tuple[Share, Share]


class Dyad(Frozen):
    """Ties between two actors; a value applies both ways unless ``symmetric: false``.

    A field may also be a pair ``[a_to_b, b_to_a]``.
    """

    pair: tuple[str, str] = Field(description="The two actor codes.")
    symmetric: bool = Field(True, description="Scalar values apply in both directions.")
    relation: DyadValue | None = Field(None, description="Attitude in (-1, 1); default 0.")
    alliance: DyadShare | None = Field(None, description="Treaty commitment 0..1; default 0.")
    proximity: DyadShare | None = Field(None, description="Reach 0..1; default 0.")
    sanction: DyadShare | None = Field(None, description="Unilateral sanctions 0..1; default 0.")
    transfer_multiplier: (
        Annotated[float, Field(ge=0, le=10)]
        | tuple[Annotated[float, Field(ge=0, le=10)], Annotated[float, Field(ge=0, le=10)]]
        | None
    ) = Field(None, description="Multiplier on transfers; default 1.")
    summit_rate: (
        Annotated[float, Field(ge=0, le=4)]
        | tuple[Annotated[float, Field(ge=0, le=4)], Annotated[float, Field(ge=0, le=4)]]
        | None
    ) = Field(None, description="Summits per year; default 0.")
    note: str | None = None
    source: str | None = None


DYAD_FIELD_NAMES = (
    "relation",
    "alliance",
    "proximity",
    "sanction",
    "transfer_multiplier",
    "summit_rate",
)


class Trade(Frozen):
    """A trade flow of one category from one actor to another, USD bn per year."""

    source_code: str = Field(alias="from", description="Exporter.")
    to: str = Field(description="Importer.")
    category: str = Field(description="A category named in `categories`.")
    value: NonNeg = Field(0.0, description="Recorded flow, USD bn per year.")
    unrecorded: NonNeg = Field(0.0, description="Unrecorded flow, USD bn per year (estimate).")
    note: str | None = None
    source: str | None = None


class Regime(Frozen):
    """A multilateral sanctions regime on one target (e.g. the UN 1718 regime)."""

    target: str
    coverage: dict[str, Share] = Field(
        default_factory=dict, description="Share of each category prohibited."
    )
    monitoring: Share = Field(1.0, description="Monitoring strength (1: a full UN panel).")
    veto_holders: list[str] = Field(default_factory=list, description="Who can veto measures.")
    sponsors: list[str] | None = Field(
        None, description="The sanctioning coalition; default: every actor but the target."
    )
    since: str | None = Field(None, description="Month the regime was imposed (YYYY-MM).")
    renewal: str | None = Field(
        None, description="Month of the next vote on monitoring; then yearly (YYYY-MM)."
    )
    note: str | None = None

    _m = field_validator("since", "renewal")(
        classmethod(lambda cls, v: v if v is None else _check_month(v))
    )


class Sanctions(Frozen):
    """Multilateral regimes (unilateral sanctions are the dyad field ``sanction``)."""

    regimes: list[Regime] = Field(default_factory=list)


EventKind = Literal[
    "transfer_surge",
    "ceasefire",
    "war",
    "treaty",
    "turnover",
    "provocation",
    "summit",
    "sanctions_vote",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)


class Event(Frozen):
    """A scheduled change: generic ``set``/``add``/``scale`` on paths, or a named kind.

    Named kinds: ``transfer_surge`` (from, to, scale), ``ceasefire`` (actor),
    ``war`` (actor, value), ``treaty`` (pair, value = alliance, default 1),
    ``turnover`` (actor, doctrine), ``provocation`` (actor), ``summit`` (pair),
    ``sanctions_vote`` (target).
    """

    at: str = Field(description="Month of the event (YYYY-MM).")
    kind: EventKind | None = None
    set: dict[str, Any] | None = None
    add: dict[str, float] | None = None
    scale: dict[str, float] | float | None = None
    source_code: str | None = Field(None, alias="from")
    to: str | None = None
    actor: str | None = None
    target: str | None = None
    pair: tuple[str, str] | None = None
    value: float | None = None
    doctrine: dict[str, float] | None = None
    probability: Share = Field(1.0, description="Chance the event happens (keyed draw).")
    goldstein: Annotated[float, Field(ge=-10, le=10)] | None = Field(
        None, description="Cooperation-conflict weight for the event log."
    )
    note: str | None = None
    source: str | None = None

    _m = field_validator("at")(classmethod(lambda cls, v: _check_month(v)))


class Condition(Frozen):
    """When a reaction fires: a measure above or below a level for some steps."""

    measure: str
    above: float | None = None
    below: float | None = None
    for_steps: Annotated[int, Field(ge=1)] = 1


class Ops(Frozen):
    """Path operations applied by a reaction."""

    set: dict[str, Any] | None = None
    add: dict[str, float] | None = None
    scale: dict[str, float] | None = None


class Reaction(Frozen):
    """A declarative if-then rule, evaluated at t and applied at t+1."""

    actor: str
    when: Condition
    then: Ops
    every: Annotated[int, Field(ge=1)] = Field(1, description="Minimum steps between two firings.")
    once: bool = False
    goldstein: Annotated[float, Field(ge=-10, le=10)] = 0.0
    note: str | None = None


class Blocs(Frozen):
    """The two poles of the balance."""

    a: list[str]
    b: list[str]


class Analysis(Frozen):
    """What the measures look at."""

    blocs: Blocs
    key_dyads: list[tuple[str, str]] = Field(default_factory=list)


class Reference(Frozen):
    """Fixed world totals (so adding an actor does not rescale the others)."""

    world_gdp: Annotated[float, Field(gt=0)] = Field(description="USD bn.")
    world_milex: Annotated[float, Field(gt=0)] = Field(description="USD bn per year.")
    world_population: Annotated[float, Field(gt=0)] = Field(description="Millions.")
    milex_growth: Annotated[float, Field(ge=-0.05, le=0.2)] = Field(
        0.03, description="Trailing growth of world milex per year."
    )


class Bargain(Frozen):
    """Categories of the munitions-for-technology bargain."""

    supply_category: str = "arms"
    payment: dict[str, Share] = Field(
        default_factory=lambda: {"energy": 0.5, "food": 0.2, "other": 0.3},
        description="Split of the patron's payment across categories.",
    )


class Scenario(Frozen):
    """A resolved scenario (``extends:`` merged, overrides applied, validated)."""

    schema_version: Literal[1]
    name: str
    description: str | None = None
    extends: str | None = None
    start: str = Field(description="First month (YYYY-MM).")
    step: Literal["month", "quarter", "year"] = "quarter"
    steps: Annotated[int, Field(ge=1, le=2400)] = 40
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 0
    replications: Annotated[int, Field(ge=1, le=1_000_000)] = 50
    reference: Reference
    categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    actors: dict[str, Actor]
    dyads: list[Dyad] = Field(default_factory=list)
    trade: list[Trade] = Field(default_factory=list)
    sanctions: Sanctions = Field(default_factory=Sanctions)
    events: list[Event] = Field(default_factory=list)
    reactions: list[Reaction] = Field(default_factory=list)
    analysis: Analysis
    bargain: Bargain = Field(default_factory=Bargain)
    model: ModelParams = Field(default_factory=ModelParams)  # type: ignore[valid-type]

    _m = field_validator("start")(classmethod(lambda cls, v: _check_month(v)))

    # ---- conveniences used by the engines
    @property
    def codes(self) -> list[str]:
        """Actor codes in file order."""
        return list(self.actors)

    @property
    def dt(self) -> float:
        """Step length in years."""
        return STEP_MONTHS[self.step] / 12.0

    @property
    def step_months(self) -> int:
        return STEP_MONTHS[self.step]

    def step_of(self, month: str) -> int:
        """Index of the step containing a month (may be outside 0..steps-1)."""
        return (month_index(month) - month_index(self.start)) // self.step_months

    def date_of(self, step: int) -> str:
        """Start month of step ``step`` (step ``steps`` is the end of the run)."""
        return month_name(month_index(self.start) + step * self.step_months)

    @property
    def span(self) -> str:
        return f"{self.start} to {self.date_of(self.steps)} (exclusive)"

    def to_yaml(self) -> str:
        """The resolved scenario as YAML (reloads to an equal object)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

    def digest(self) -> str:
        """A stable hash of the resolved scenario."""
        data = self.model_dump(mode="json", by_alias=True)
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------- paths


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


# --------------------------------------------------------------------------- merging


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
            key = _key_of(section, item)
            if key is None:
                continue
            if key in seen:
                problems.append(
                    Problem(
                        item.file,
                        f"{section}[{i}]",
                        item.line,
                        f"a second entry for the same {'pair' if section == 'dyads' else 'key'} "
                        f"(first on line {seen[key].line})",
                        "merge the two entries into one",
                    )
                )
            else:
                seen[key] = item


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


def _resolve_extends(path: Path, stack: tuple[Path, ...], problems: list[Problem]) -> Y | None:
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
        parent = _resolve_extends(parent_path, (*stack, path.resolve()), problems)
    except InputError as exc:
        problems.extend(exc.problems)
        return tree
    if parent is None:
        return tree
    merged = _merge(parent, tree)
    merged.value.pop("extends", None)
    return merged


# --------------------------------------------------------------------------- overrides


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``PATH=VALUE`` and read the value as a YAML 1.2 scalar or list."""
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
    """An annotated tree for a plain value given outside a file (``--set``)."""
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
    """Set ``path`` to ``value`` in an annotated scenario tree (before validation)."""
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

        shared = next((it for it in entries if symmetric(it)), None)
        if shared is not None:
            if not ref.directed:
                shared.value[ref.field] = new
            else:
                old = shared.value.get(ref.field)
                old_value = old.plain() if old is not None else None
                if old_value is None:
                    old_value = registry.DYAD_BY_NAME[ref.field].default
                both = list(old_value) if isinstance(old_value, list) else [old_value] * 2
                both[0 if tuple(shared.value["pair"].plain()) == (ref.a, ref.b) else 1] = value
                shared.value[ref.field] = wrap(both, origin)
        else:
            directions = [(ref.a, ref.b)] if ref.directed else [(ref.a, ref.b), (ref.b, ref.a)]
            for x, y in directions:
                entry = next(
                    (it for it in entries if tuple(it.value["pair"].plain()) == (x, y)), None
                )
                if entry is None:
                    entry = Y(
                        {"pair": wrap([x, y], origin), "symmetric": Y(False, origin, None)},
                        origin,
                        None,
                    )
                    dyads.value.append(entry)
                entry.value[ref.field] = new
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


# --------------------------------------------------------------------------- validation


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


def _field_problems(
    tree: Y, exc: ValidationError, top_file: str, root: type[BaseModel] | None = None
) -> list[Problem]:
    """Located problems of a pydantic error; ``root`` is the validated model (Scenario)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        path, file, line = _locate(tree, err["loc"])
        if path in seen:
            continue
        seen.add(path)
        etype = err["type"]
        msg = err["msg"]
        hint = ""
        if etype == "extra_forbidden":
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


DATE_FIELDS = ("start", "at", "from", "by", "since", "renewal")


def _value_hint(message: str) -> str:
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


def _cross_problems(tree: Y) -> list[Problem]:
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
        start_i = month_index(_check_month(start.value)) if start else None
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
            m = month_index(_check_month(n.value))
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


def _validate(tree: Y) -> Scenario:
    problems: list[Problem] = []
    data = tree.plain()
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(_field_problems(tree, exc, tree.file))
    problems.extend(_cross_problems(tree))
    if scenario is not None:
        problems.extend(_burden_problems(tree, scenario))
        weights = (
            scenario.model.weight_gdp,
            scenario.model.weight_military,
            scenario.model.weight_population,
        )
        if sum(weights) <= 0:
            path, file, line = _locate(tree, ("model",))
            problems.append(
                Problem(
                    file or tree.file,
                    "model",
                    line,
                    "the power weights must not all be 0",
                    "give weight_gdp, weight_military or weight_population > 0",
                )
            )
    if problems:
        raise InputError(_dedupe(problems))
    assert scenario is not None
    return scenario


def _burden_problems(tree: Y, scenario: Scenario) -> list[Problem]:
    """The defence burden milex / gdp must lie inside the model's burden range."""
    problems = []
    low, high = scenario.model.burden_floor, scenario.model.burden_ceiling
    for code, actor in scenario.actors.items():
        burden = actor.milex / actor.gdp
        if not low < burden < high:
            path, file, line = _locate(tree, ("actors", code, "milex"))
            problems.append(
                Problem(
                    file or tree.file,
                    path or f"actors.{code}.milex",
                    line,
                    f"defence burden milex / gdp = {burden:.4g} lies outside the model's range "
                    f"({low:g}, {high:g})",
                    "check milex and gdp (same year, USD bn), or model.burden_floor/burden_ceiling",
                )
            )
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    out = []
    for p in problems:
        key = (p.file, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# --------------------------------------------------------------------------- public API


def load_tree(path: str | Path) -> Y:
    """Load a scenario file with its ``extends:`` chain merged (not yet validated)."""
    problems: list[Problem] = []
    tree = _resolve_extends(Path(path), (), problems)
    if problems:
        raise InputError(problems)
    assert tree is not None
    tree.value.pop("extends", None)
    return tree


def load_scenario(
    path: str | Path, overrides: dict[str, Any] | list[str] | None = None
) -> Scenario:
    """Load, merge, override and validate a scenario file.

    Parameters
    ----------
    path : the scenario file.
    overrides : ``{path: value}`` or a list of ``"PATH=VALUE"`` strings (as ``--set``).

    Raises
    ------
    InputError : every problem found, each with file, line, path and hint.
    """
    tree = load_tree(path)
    return resolve(tree, overrides)


def resolve(tree: Y, overrides: dict[str, Any] | list[str] | None = None) -> Scenario:
    """Apply overrides to a (copied) tree and validate it."""
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
        for p, v in items:
            if p in seen:
                problems.append(
                    Problem("--set", p, None, "this path is set twice", "keep one of the two")
                )
                continue
            seen.add(p)
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
                _validate(tree)
            except InputError as exc:
                problems.extend(exc.problems)
            raise InputError(problems)
    return _validate(tree)


def scenario_from_yaml(text: str, file: str = "<text>") -> Scenario:
    """Validate a scenario given as YAML text (no ``extends:``)."""
    tree = parse_text(text, file)
    if tree is None or not isinstance(tree.value, dict):
        raise InputError([Problem(file, "", None, "the top level must be a mapping")])
    return _validate(tree)


# --------------------------------------------------------------------------- measures


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


# --------------------------------------------------------------------------- warnings

_DUPLICATES = (
    # (measures read, paths written, the endogenous rule that already does it)
    (
        ("insecurity", "security", "threat", "cover"),
        ("doctrine.grievance", "doctrine.threat_sensitivity", ".milex"),
        "the arms rule (Richardson): insecurity above tolerance already raises the burden",
    ),
    (
        ("provocation_memory", "provocations", "provocation_hazard"),
        (".sanction",),
        "the unilateral sanctions rule: provocations already raise sanctions",
    ),
    (
        ("relation",),
        (".relation",),
        "the relations rule: attitudes already respond to reciprocity, threat and trade",
    ),
    (
        ("sanction",),
        (".relation",),
        "the relations rule: sanctions suffered already cool attitudes (sanction_resentment)",
    ),
)


def lint(scenario: Scenario) -> list[str]:
    """Warnings that do not stop a run: reactions that duplicate an endogenous rule.

    DESIGN §3.11: a reaction that makes an actor arm on insecurity, sanction a
    provoker or answer a relation with a relation counts the mechanism twice.
    """
    out = []
    for k, r in enumerate(scenario.reactions):
        measure = parse_measure(r.when.measure, scenario.codes).name
        paths = [p for table in (r.then.set, r.then.add, r.then.scale) for p in (table or {})]
        for measures, written, rule in _DUPLICATES:
            hits = [p for p in paths if any(w in p for w in written)]
            if measure in measures and hits:
                out.append(
                    f"reactions[{k}] ({r.actor}: {r.when.measure} -> {', '.join(hits)}) "
                    f"duplicates {rule}"
                )
    return out
