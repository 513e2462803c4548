"""The scenario schema: typed, frozen pydantic models of every section of a file.

A scenario file (``docs/scenarios.md``) validates into a :class:`Scenario`.  Every
model forbids unknown keys and is frozen.  The ``doctrine`` and ``model`` sections
are generated from the parameter registry (:mod:`sim.registry`), so that a
parameter exists in exactly one place; the actor figures take their ranges from
the registry too.  Dates are ``YYYY-MM`` strings; :func:`month_index` and
:func:`month_name` convert them to and from a month count.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import Field, field_validator, model_validator

from .. import registry
from .base import Frozen, limits
from .generated import Doctrine, ModelParams

CODE_RE = re.compile(r"^[A-Z]{3}$")
"""An actor code: three capital letters (ISO 3166-1 alpha-3, e.g. ``PRK``)."""
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
"""A date: ``YYYY-MM`` (the month is checked by :func:`check_month`)."""
STEP_MONTHS = {"month": 1, "quarter": 3, "year": 12}
"""The length in months of each step a scenario may choose (``step:``)."""
DEFAULT_CATEGORIES = ("energy", "food", "minerals", "arms", "other")
"""The trade categories of a scenario that gives no ``categories:``."""
WAR_DEMAND_MAX = registry.ACTOR_BY_NAME["milex"].high
"""The largest war demand, USD bn per year: the largest military expenditure a file may
give (``actors.<A>.milex``), since no war elsewhere buys more munitions than a budget."""


# --------------------------------------------------------------------------- types


def _limit(section: tuple[registry.Param, ...], name: str) -> Any:
    """The constraints of a registered scenario figure, for ``Annotated[float, ...]``."""
    return Field(**limits({q.name: q for q in section}[name]))


def check_month(value: Any) -> str:
    """Check that a value is a ``YYYY-MM`` date with a month from 01 to 12.

    The validator of every date field of a scenario (``start``, ``at``, ``from``,
    ``by``, ``since``, ``renewal``), used again by the cross-reference checks.

    Parameters
    ----------
    value : Any
        The value read from the file.

    Returns
    -------
    str
        ``value``, unchanged.

    Raises
    ------
    ValueError
        If ``value`` is not text of the form ``YYYY-MM``, or its month is not between
        01 and 12; pydantic reports it as a field error.
    """
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
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


def month_index(month: str) -> int:
    """Months since year 0 of a ``YYYY-MM`` date (January of year 0 is month 0).

    Parameters
    ----------
    month : str
        A date ``YYYY-MM``, already checked (:func:`check_month`).

    Returns
    -------
    int
        ``12 * year + month - 1``, in months; the inverse of :func:`month_name`.
    """
    year, mon = (int(x) for x in month.split("-"))
    return year * 12 + mon - 1


def month_name(index: int) -> str:
    """The ``YYYY-MM`` date of a month index.

    Parameters
    ----------
    index : int
        Months since year 0, as :func:`month_index` counts them (non-negative).

    Returns
    -------
    str
        The date ``YYYY-MM``, the year padded to four digits.
    """
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class SeriesPoint(Frozen):
    """A step of an exogenous series: ``value`` holds from ``from`` on."""

    start: str = Field(alias="from", description="First month the value holds (YYYY-MM).")
    value: Annotated[float, Field(ge=0.0, le=WAR_DEMAND_MAX)] = Field(
        description="Value (USD bn per year for war demand)."
    )

    _m = field_validator("start")(classmethod(lambda cls, v: check_month(v)))


class BurdenTarget(Frozen):
    """A documented burden target or policy decision (e.g. Japan to 2 % by FY2027).

    The reference burden runs linearly from its level at ``from`` (the decision; the
    run's start if omitted) to ``value`` at ``by``, and stays there until the next
    decision.
    """

    value: Annotated[float, Field(gt=0.0, lt=0.6)] = Field(
        description="Target burden, share of GDP."
    )
    by: str = Field(description="Month by which the target is reached (YYYY-MM).")
    decided: str | None = Field(
        None,
        alias="from",
        description="Month the policy is decided and the path starts (YYYY-MM); default the start.",
    )
    source: str | None = None

    _m = field_validator("by", "decided")(
        classmethod(lambda cls, v: v if v is None else check_month(v))
    )

    @model_validator(mode="after")
    def _decided_before_by(self) -> BurdenTarget:
        if self.decided is not None and month_index(self.decided) >= month_index(self.by):
            raise ValueError(f"from ({self.decided}) must come before by ({self.by})")
        return self


_ACTOR = registry.ACTOR_FIELDS
_ACTOR_DEFAULT: dict[str, float] = {p.name: p.default for p in _ACTOR if p.default is not None}


class Actor(Frozen):
    """A state: starting figures (cited in the file), presence, doctrine."""

    name: str = Field(description="Display name.")
    gdp: Annotated[float, _limit(_ACTOR, "gdp")] = Field(description="GDP, USD bn (constant 2024).")
    growth: Annotated[float, _limit(_ACTOR, "growth")] = Field(
        _ACTOR_DEFAULT["growth"], description="Base real growth per year."
    )
    milex: Annotated[float, _limit(_ACTOR, "milex")] = Field(
        description="Military expenditure, USD bn per year (SIPRI)."
    )
    milex_growth: Annotated[float, _limit(_ACTOR, "milex_growth")] = Field(
        _ACTOR_DEFAULT["milex_growth"],
        description="Trailing real growth of milex per year (initialises capability).",
    )
    ppp_factor: Annotated[float, _limit(_ACTOR, "ppp_factor")] = Field(
        _ACTOR_DEFAULT["ppp_factor"],
        description="Military purchasing-power multiplier of milex (estimate).",
    )
    warheads: Annotated[float, _limit(_ACTOR, "warheads")] = Field(
        _ACTOR_DEFAULT["warheads"], description="Nuclear warheads (SIPRI Yearbook)."
    )
    presence: Annotated[float, _limit(_ACTOR, "presence")] = Field(
        _ACTOR_DEFAULT["presence"], description="Share of power brought to bear in the region."
    )
    population: Annotated[float, _limit(_ACTOR, "population")] = Field(
        description="Population, millions."
    )
    colour: str | None = Field(None, description="Plot colour '#RRGGBB'; else Okabe-Ito by order.")
    war_demand: list[SeriesPoint] = Field(
        default_factory=list,
        description="Demand for munitions from a war elsewhere, USD bn per year, as steps.",
    )
    burden_target: BurdenTarget | list[BurdenTarget] | None = Field(
        None, description="Documented burden target, or a list of policy decisions in time order."
    )
    endogenous_growth: bool | None = Field(
        None, description="Growth reacts to trade volume and evasion; default: sanctions targets."
    )
    doctrine: Doctrine = Field(default_factory=Doctrine)
    enters: str | None = Field(
        None,
        alias="from",
        description="Month the state enters the run (YYYY-MM); its figures are those at entry.",
    )
    leaves: str | None = Field(
        None, alias="until", description="Month the state leaves the run (YYYY-MM)."
    )
    note: str | None = None

    _life = field_validator("enters", "leaves")(
        classmethod(lambda cls, v: v if v is None else check_month(v))
    )
    _c = field_validator("colour")(classmethod(lambda cls, v: v if v is None else _check_colour(v)))

    @field_validator("burden_target")
    @classmethod
    def _decisions_in_order(cls, v: Any) -> Any:
        if not isinstance(v, list):
            return v
        previous = None
        for k, target in enumerate(v):
            if k and target.decided is None:
                raise ValueError(
                    f"decision [{k}] needs from: (only the first may start at the run's start)"
                )
            if previous is not None and month_index(target.decided) <= month_index(previous):
                raise ValueError(
                    f"decision [{k}] from {target.decided} must come after decision "
                    f"[{k - 1}] from {previous}: list the decisions in time order"
                )
            previous = target.decided
        return v

    @field_validator("war_demand", mode="before")
    @classmethod
    def _number_is_constant(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return [{"from": "0001-01", "value": v}]
        return v


_DYAD = registry.DYAD_FIELDS
DyadRelation = Annotated[float, _limit(_DYAD, "relation")]
DyadAlliance = Annotated[float, _limit(_DYAD, "alliance")]
DyadProximity = Annotated[float, _limit(_DYAD, "proximity")]
DyadSanction = Annotated[float, _limit(_DYAD, "sanction")]
DyadMultiplier = Annotated[float, _limit(_DYAD, "transfer_multiplier")]
DyadSummits = Annotated[float, _limit(_DYAD, "summit_rate")]
DyadAid = Annotated[float, _limit(_DYAD, "aid")]


class Dyad(Frozen):
    """Ties between two actors; a value applies both ways unless ``symmetric: false``.

    A field may also be a pair ``[a_to_b, b_to_a]``.
    """

    pair: tuple[str, str] = Field(description="The two actor codes.")
    symmetric: bool = Field(True, description="Scalar values apply in both directions.")
    relation: DyadRelation | tuple[DyadRelation, DyadRelation] | None = Field(
        None, description="Attitude of A toward B, -0.98..0.98; default 0."
    )
    alliance: DyadAlliance | tuple[DyadAlliance, DyadAlliance] | None = Field(
        None, description="Treaty commitment 0..1; default 0."
    )
    proximity: DyadProximity | tuple[DyadProximity, DyadProximity] | None = Field(
        None, description="Reach 0..1; default 0."
    )
    sanction: DyadSanction | tuple[DyadSanction, DyadSanction] | None = Field(
        None, description="Unilateral sanctions 0..1; default 0."
    )
    transfer_multiplier: DyadMultiplier | tuple[DyadMultiplier, DyadMultiplier] | None = Field(
        None, description="Multiplier on transfers; default 1."
    )
    summit_rate: DyadSummits | tuple[DyadSummits, DyadSummits] | None = Field(
        None, description="Summits per year; default 0."
    )
    aid: DyadAid | tuple[DyadAid, DyadAid] | None = Field(
        None, description="Economic aid [A to B, B to A], USD bn per year; default 0."
    )
    note: str | None = None
    source: str | None = None


DYAD_FIELD_NAMES: tuple[str, ...] = tuple(p.name for p in registry.DYAD_FIELDS)
"""The dyad fields, in the registry's order."""


class Trade(Frozen):
    """A trade flow of one category from one actor to another, USD bn per year."""

    source_code: str = Field(alias="from", description="Exporter.")
    to: str = Field(description="Importer.")
    category: str = Field(description="A category named in `categories`.")
    value: Annotated[float, _limit(registry.TRADE_FIELDS, "value")] = Field(
        0.0, description="Recorded flow, USD bn per year."
    )
    unrecorded: Annotated[float, _limit(registry.TRADE_FIELDS, "unrecorded")] = Field(
        0.0, description="Unrecorded flow, USD bn per year (estimate)."
    )
    potential: Annotated[float, _limit(registry.TRADE_FIELDS, "potential")] | None = Field(
        None,
        description="The flow without multilateral sanctions (pre-sanctions level), USD bn "
        "per year; for flows with a regime target, it calibrates how strictly the regime binds.",
    )
    note: str | None = None
    source: str | None = None


class Regime(Frozen):
    """A multilateral sanctions regime on one target (e.g. the UN 1718 regime)."""

    target: str
    coverage: dict[str, Annotated[float, _limit(registry.REGIME_FIELDS, "coverage")]] = Field(
        default_factory=dict, description="Share of each category prohibited."
    )
    monitoring: Annotated[float, _limit(registry.REGIME_FIELDS, "monitoring")] = Field(
        1.0, description="Monitoring strength (1: a full UN panel)."
    )
    veto_holders: list[str] = Field(default_factory=list, description="Who can veto measures.")
    sponsors: list[str] | None = Field(
        None, description="The sanctioning coalition; default: every actor but the target."
    )
    since: str | None = Field(None, description="Month the regime was imposed (YYYY-MM).")
    renewal: str | None = Field(
        None, description="Month of the next vote on monitoring; then yearly (YYYY-MM)."
    )
    lapsed_monitoring: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None,
        description="Monitoring left when a vetoed renewal ends the mandate (national "
        "monitoring); no more renewals are held. Default: a veto leaves monitoring as it is.",
    )
    note: str | None = None

    _m = field_validator("since", "renewal")(
        classmethod(lambda cls, v: v if v is None else check_month(v))
    )

    @model_validator(mode="after")
    def _lapse_needs_renewal(self) -> Regime:
        if self.lapsed_monitoring is None:
            return self
        if self.renewal is None:
            raise ValueError(
                "lapsed_monitoring applies when a renewal is vetoed: give renewal: "
                "(the month of the next vote), or remove lapsed_monitoring"
            )
        if self.lapsed_monitoring > self.monitoring:
            raise ValueError(
                f"lapsed_monitoring ({self.lapsed_monitoring}) exceeds monitoring "
                f"({self.monitoring}): the end of a mandate cannot strengthen monitoring"
            )
        return self


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
    "border_closure",
    "moratorium",
    "succession",
    "aid",
    "friendship_treaty",
    "treaty_lapse",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)


class Event(Frozen):
    """A scheduled change: generic ``set``/``add``/``scale`` on paths, or a named kind.

    Named kinds: ``transfer_surge`` (from, to, scale), ``ceasefire`` (actor),
    ``war`` (actor, value), ``treaty`` (pair, value = alliance, default 1),
    ``turnover`` (actor, doctrine), ``provocation`` (actor), ``summit`` (pair),
    ``sanctions_vote`` (target; optional coverage, the measure's content), ``border_closure`` (actor, value = share of its
    trade potential shut; 0 reopens), ``moratorium`` (actor, value = share of its
    provocation hazard suspended; 0 ends it), ``succession`` (from, to: the state
    ``from`` leaves and hands its ties to ``to``, which enters), ``aid`` (from, to,
    value = economic aid, USD bn per year; 0 ends it), ``friendship_treaty`` (pair, value
    = the shift of both structural attitudes, default 0.1: a treaty without a defence
    clause), ``treaty_lapse`` (pair: the defence commitments end).
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
    coverage: dict[str, Share] | None = Field(
        None, description="sanctions_vote: the coverage the measure gives each category."
    )
    probability: Share = Field(1.0, description="Chance the event happens (keyed draw).")
    goldstein: Annotated[float, Field(ge=-10, le=10)] | None = Field(
        None, description="Cooperation-conflict weight for the event log."
    )
    note: str | None = None
    source: str | None = None

    _m = field_validator("at")(classmethod(lambda cls, v: check_month(v)))


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


class StoryPeriod(Frozen):
    """A labelled span of a story figure (an era of the record, shaded)."""

    start: str = Field(alias="from", description="First month (YYYY-MM).")
    until: str = Field(description="Last month (YYYY-MM).")
    label: str = Field(min_length=1, max_length=60, description="Its name on the figure.")

    _m = field_validator("start", "until")(classmethod(lambda cls, v: check_month(v)))

    @model_validator(mode="after")
    def _ordered(self) -> StoryPeriod:
        if month_index(self.until) < month_index(self.start):
            raise ValueError(f"a period ends ({self.until}) before it begins ({self.start})")
        return self


class Story(Frozen):
    """One partnership's history as a figure (``geosim run`` draws ``plots/story``).

    ``pair`` is the patron and the client, named as at the end of the run; a patron
    that succeeded another (a ``succession`` event) is followed back to its
    predecessor, so ``[RUS, PRK]`` shows the USSR before 1991.
    """

    pair: tuple[str, str] = Field(description="The patron and the client, e.g. [RUS, PRK].")
    periods: list[StoryPeriod] = Field(
        default_factory=list, description="Eras shaded and labelled, in time order."
    )


class Analysis(Frozen):
    """What the measures look at."""

    blocs: Blocs
    key_dyads: list[tuple[str, str]] = Field(default_factory=list)
    story: Story | None = Field(
        None, description="A partnership's history drawn as one figure (plots/story)."
    )


_REF = registry.REFERENCE_FIELDS
_REF_DEFAULT: dict[str, float] = {p.name: p.default for p in _REF if p.default is not None}


class ReferencePoint(Frozen):
    """World totals at a later month: the path runs log-linearly between the points."""

    start: str = Field(alias="from", description="Month of the figures (YYYY-MM).")
    world_gdp: Annotated[float, _limit(_REF, "world_gdp")] | None = Field(
        None, description="USD bn."
    )
    world_milex: Annotated[float, _limit(_REF, "world_milex")] | None = Field(
        None, description="USD bn per year."
    )
    world_population: Annotated[float, _limit(_REF, "world_population")] | None = Field(
        None, description="Millions."
    )
    source: str | None = None

    _m = field_validator("start")(classmethod(lambda cls, v: check_month(v)))

    @model_validator(mode="after")
    def _some_total(self) -> ReferencePoint:
        if self.world_gdp is None and self.world_milex is None and self.world_population is None:
            raise ValueError("a reference point needs world_gdp, world_milex or world_population")
        return self


class Reference(Frozen):
    """World totals at the start, and their growth (independent of the cast, so that
    adding an actor does not rescale the others), or their path as a series."""

    world_gdp: Annotated[float, _limit(_REF, "world_gdp")] = Field(description="USD bn.")
    world_milex: Annotated[float, _limit(_REF, "world_milex")] = Field(
        description="USD bn per year."
    )
    world_population: Annotated[float, _limit(_REF, "world_population")] = Field(
        description="Millions."
    )
    milex_growth: Annotated[float, _limit(_REF, "milex_growth")] = Field(
        _REF_DEFAULT["milex_growth"], description="Trailing growth of world milex per year."
    )
    gdp_growth: Annotated[float, _limit(_REF, "gdp_growth")] = Field(
        _REF_DEFAULT["gdp_growth"], description="Real growth of world GDP per year."
    )
    population_growth: Annotated[float, _limit(_REF, "population_growth")] = Field(
        _REF_DEFAULT["population_growth"], description="Growth of world population per year."
    )
    series: list[ReferencePoint] = Field(
        default_factory=list,
        description="World totals at later months, in time order: each total runs "
        "log-linearly from the start through its points, then on at its growth rate.",
    )

    @field_validator("series")
    @classmethod
    def _in_time_order(cls, v: list[ReferencePoint]) -> list[ReferencePoint]:
        for k in range(1, len(v)):
            if month_index(v[k].start) <= month_index(v[k - 1].start):
                raise ValueError(
                    f"point [{k}] from {v[k].start} must come after point [{k - 1}] "
                    f"from {v[k - 1].start}: list the points in time order"
                )
        return v


class Bargain(Frozen):
    """Categories of the munitions-for-technology bargain."""

    supply_category: str = "arms"
    payment: dict[str, Share] = Field(
        default_factory=lambda: {"energy": 0.5, "food": 0.2, "other": 0.3},
        description="Split of the patron's payment across categories.",
    )


class ObservationFile(Frozen):
    """A CSV file of observed series (``docs/scenarios.md``, Observations)."""

    file: str = Field(description="CSV file, relative to the scenario file that names it.")
    measures: list[str] | None = Field(
        None, description="Keep only these measures (``name[.A[.B]]``); default: all."
    )
    start: str | None = Field(
        None, alias="from", description="Leave out periods that begin before this month."
    )
    until: str | None = Field(
        None, description="Leave out periods that end after this month (YYYY-MM)."
    )

    _m = field_validator("start", "until")(
        classmethod(lambda cls, v: None if v is None else check_month(v))
    )


class Observations(Frozen):
    """Observed series to score the run against, and the windows scored apart."""

    files: list[ObservationFile] = Field(min_length=1)
    windows: dict[str, tuple[str, str]] = Field(
        default_factory=dict,
        description="Named spans [first month, last month] scored apart (e.g. calibration).",
    )

    @field_validator("windows")
    @classmethod
    def _windows(cls, v: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
        for first, last in v.values():
            check_month(first)
            check_month(last)
            if month_index(last) < month_index(first):
                raise ValueError(f"a window ends ({last}) before it begins ({first})")
        return v


class Scenario(Frozen):
    """A resolved scenario (``extends:`` merged, overrides applied, validated).

    One field per top-level key of a scenario file (``docs/scenarios.md``, Fields);
    the run has ``steps`` steps of ``step`` each, from the month ``start``
    (``docs/scenarios.md``, Dates).
    """

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
    model: ModelParams = Field(default_factory=ModelParams)
    observations: Observations | None = None

    _m = field_validator("start")(classmethod(lambda cls, v: check_month(v)))

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
        """Step length in months: 1, 3 or 12."""
        return STEP_MONTHS[self.step]

    def step_of(self, month: str) -> int:
        """Index of the step containing a month (may be outside 0..steps-1).

        Step k covers the months from ``start + k * step_months`` on, so an event
        falls in the step that contains its date (``docs/scenarios.md``, Dates).

        Parameters
        ----------
        month : str
            A date ``YYYY-MM``.

        Returns
        -------
        int
            The step index; negative for a month before ``start``, ``steps`` or more
            for a month after the run.
        """
        return (month_index(month) - month_index(self.start)) // self.step_months

    def date_of(self, step: int) -> str:
        """Start month of step ``step`` (step ``steps`` is the end of the run).

        Parameters
        ----------
        step : int
            A step index, 0 for the first step of the run.

        Returns
        -------
        str
            The first month ``YYYY-MM`` of that step.
        """
        return month_name(month_index(self.start) + step * self.step_months)

    @property
    def span(self) -> str:
        """The months of the run, for messages: ``start to end (exclusive)``."""
        return f"{self.start} to {self.date_of(self.steps)} (exclusive)"

    def summary(self) -> str:
        """One line: name, cast, steps, span, events and reactions.

        ``'baseline': 6 actors (USA, CHN, RUS, JPN, KOR, PRK), 40 quarters from 2024-07
        to 2034-07, 3 events, 1 reaction``; also what ``repr`` shows, instead of every
        field (print :meth:`to_yaml` for those).
        """

        def count(n: int, noun: str) -> str:
            return f"{n} {noun}{'' if n == 1 else 's'}"

        codes = list(self.actors)
        cast = ", ".join(codes[:8]) + (", ..." if len(codes) > 8 else "")
        return (
            f"{self.name!r}: {count(len(codes), 'actor')} ({cast}), {count(self.steps, self.step)} "
            f"from {self.start} to {self.date_of(self.steps)}, "
            f"{count(len(self.events), 'event')}, {count(len(self.reactions), 'reaction')}"
        )

    def __repr__(self) -> str:
        return f"Scenario({self.summary()})"

    def __str__(self) -> str:
        return self.summary()

    def to_yaml(self) -> str:
        """The resolved scenario as YAML (reloads to an equal object)."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

    def digest(self) -> str:
        """A stable hash of the resolved scenario."""
        data = self.model_dump(mode="json", by_alias=True)
        if data.get("observations") is None:  # digests from before observations existed
            data.pop("observations", None)
        if not data.get("reference", {}).get("series", [None]):  # ... and reference series
            data["reference"].pop("series", None)
        for actor in data.get("actors", {}).values():  # ... and before decided targets
            target = actor.get("burden_target")
            if isinstance(target, dict) and target.get("from") is None:
                target.pop("from", None)
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()
