"""The parameter and measure registry: one place that names every tunable number.

Every doctrine parameter (one value per actor), every model-wide parameter, every
data field of a scenario and every measure is declared here once, with its unit,
default, plausible range, source and tier:

- ``data``: an initial condition taken from a cited source (SIPRI, IMF, ...);
- ``literature``: a behavioural constant whose range the literature bounds;
- ``free``: a behavioural parameter with no empirical anchor, to be swept.

The scenario schema (:mod:`sim.scenario`) builds its ``doctrine`` and ``model``
sections from this registry, ``geosim params`` prints it, and sweeps and
sensitivity analyses draw their default bounds from it.  A parameter that is not
here does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Tier = Literal["data", "literature", "free"]


@dataclass(frozen=True)
class Param:
    """One registered quantity.

    Attributes
    ----------
    name : the last component of its path (``threat_sensitivity``).
    section : ``doctrine`` (per actor), ``model`` (global) or a scenario section.
    unit : the unit, in words (``per year``, ``USD bn``, ``1`` for a pure number).
    default : the value used when a scenario does not give one (None: required).
    low, high : the plausible range; sweeps default to it, validation enforces it
        for doctrine and model parameters.
    tier : data, literature or free.
    source : a citation, or ``assumption``.
    doc : one sentence saying what it does.
    """

    name: str
    section: str
    unit: str
    default: float | None
    low: float
    high: float
    tier: Tier
    source: str
    doc: str

    @property
    def path(self) -> str:
        """The path template of the parameter (``actors.<A>.doctrine.x``)."""
        prefix = {
            "doctrine": "actors.<A>.doctrine.",
            "model": "model.",
            "actor": "actors.<A>.",
            "dyad": "dyads.<A>-<B>.",
            "trade": "trade.<A>><B>.<category>",
            "regime": "sanctions.<T>.",
            "reference": "reference.",
        }[self.section]
        if self.section == "trade":
            return prefix if self.name == "value" else prefix + "." + self.name
        return prefix + self.name


def _p(name, section, unit, default, low, high, tier, source, doc) -> Param:
    return Param(name, section, unit, default, low, high, tier, source, doc)


DOCTRINE: tuple[Param, ...] = (
    # arms (Richardson)
    _p("threat_sensitivity", "doctrine", "logit units per year per unit insecurity", 1.0, 0.0, 5.0,
       "free", "Richardson 1960 (reaction coefficient k)",
       "How fast the defence burden rises when insecurity exceeds tolerance."),
    _p("fatigue", "doctrine", "logit units per year", 0.5, 0.0, 3.0, "free",
       "Richardson 1960 (fatigue coefficient a)",
       "Pull of the burden back toward its reference level s0 (per unit relative excess s/s0 - 1)."),
    _p("grievance", "doctrine", "logit units per year", 0.0, -0.5, 0.5, "free",
       "Richardson 1960 (grievance term g)",
       "Constant drive to arm (positive) or disarm (negative) regardless of threat."),
    # relations (reciprocity and the security dilemma)
    _p("reciprocity", "doctrine", "per year", 0.5, 0.0, 2.0, "free",
       "Axelrod 1984; Nowak & Sigmund 1992",
       "Rate at which the actor's attitude moves toward the counterpart's attitude to it."),
    _p("forgiveness", "doctrine", "1", 0.3, 0.0, 1.0, "literature",
       "Nowak & Sigmund 1992 (generous tit-for-tat forgives about 1/3)",
       "Share of a counterpart's hostility that is not reciprocated."),
    _p("baseline_pull", "doctrine", "per year", 0.5, 0.05, 2.0, "free", "assumption",
       "Rate of return of the attitude toward its initial (structural) level."),
    _p("shared_threat_weight", "doctrine", "per year", 0.5, 0.0, 2.0, "free",
       "Walt 1987 (balancing against a common threat)",
       "Warming toward states that face the same threats (the enemy of my enemy)."),
    _p("threat_response", "doctrine", "per year", 0.5, 0.0, 2.0, "free",
       "Herz 1951; Jervis 1978 (security dilemma)",
       "Cooling toward a state in proportion to the share of threat it poses."),
    _p("trade_affinity", "doctrine", "per year", 0.3, 0.0, 2.0, "free",
       "Oneal & Russett 1997 (commercial peace)",
       "Warming toward a state in proportion to the share of trade with it."),
    _p("sanction_resentment", "doctrine", "per year", 0.5, 0.0, 2.0, "free", "assumption",
       "Cooling toward a state that sanctions this actor, per unit sanction level."),
    _p("provocation_sensitivity", "doctrine", "per year per provocation", 0.3, 0.0, 2.0,
       "free", "assumption",
       "Cooling toward a nearby provoker per unit of its provocation memory."),
    _p("summit_warmth", "doctrine", "per year per summit", 0.5, 0.0, 2.0, "free",
       "assumption", "Warming toward a summit partner per unit of summit memory."),
    # perception
    _p("hostility_bias", "doctrine", "relation units", 0.0, -0.5, 0.5, "free",
       "Jervis 1976 (misperception)",
       "Systematic suspicion: others' attitudes are read this much lower than they are."),
    _p("misperception", "doctrine", "log units", 0.15, 0.0, 0.5, "free",
       "Jervis 1976",
       "Standard deviation of the persistent, mean-one error in perceived threat."),
    # cooperation: transfers, bargain, sanctions compliance
    _p("transfer_willingness", "doctrine", "1", 0.2, 0.0, 1.0, "free",
       "Snyder 1984 (alliance commitment)",
       "Willingness to arm allies in need (plain arms transfers)."),
    _p("transfer_capacity", "doctrine", "per year (share of own milex)", 0.05, 0.0, 0.3,
       "free", "assumption", "Ceiling on all plain arms transfers as a share of own milex."),
    _p("export_capacity", "doctrine", "per year (share of capability stock)", 0.0, 0.0, 0.5,
       "free", "assumption",
       "Share of its capability stock a client can sell to a patron at war each year."),
    _p("absorptive_capacity", "doctrine", "1", 0.5, 0.0, 1.0, "free",
       "assumption (technology-transfer literature)",
       "Share of received arms and technology that becomes usable capability."),
    _p("compliance", "doctrine", "1", 0.8, 0.0, 1.0, "free",
       "Early 2011; Early & Spice 2015 (black knights)",
       "Baseline willingness to enforce multilateral sanctions on trade with a target."),
    _p("stability_preference", "doctrine", "1", 0.5, 0.0, 1.0, "free", "assumption",
       "How strongly the actor uses its supply leverage to restrain a client's provocations."),
    # provocations
    _p("provocation_rate", "doctrine", "events per year", 0.0, 0.0, 12.0, "data",
       "assumption; calibrate to CNS North Korea missile test database",
       "Base hazard of provocations (missile or nuclear tests, incidents)."),
    _p("boldness", "doctrine", "1", 1.0, 0.0, 5.0, "free", "Snyder 1984 (moral hazard)",
       "How much allied cover raises the provocation hazard."),
    # unilateral sanctions and vetoes
    _p("sanction_propensity", "doctrine", "per year", 0.5, 0.0, 2.0, "free",
       "Hufbauer, Schott & Elliott 1990",
       "Rate at which unilateral sanctions rise against a hostile provoker."),
    _p("sanction_decay", "doctrine", "per year", 0.1, 0.02, 1.0, "free", "assumption",
       "Rate at which unilateral sanctions lapse when not renewed."),
    _p("veto_threshold", "doctrine", "relation units", 0.3, -0.5, 1.5, "free", "assumption",
       "A veto holder vetoes a measure when its relation to the target exceeds its "
       "relation to the sponsors by more than this."),
)

MODEL: tuple[Param, ...] = (
    # power (CINC-like)
    _p("weight_gdp", "model", "1", 1.0, 0.0, 1.0, "literature",
       "Singer, Bremer & Stuckey 1972 (CINC)", "Weight of the GDP share in national power."),
    _p("weight_military", "model", "1", 1.0, 0.0, 1.0, "literature",
       "Singer, Bremer & Stuckey 1972 (CINC)",
       "Weight of the military-capability share in national power."),
    _p("weight_population", "model", "1", 1.0, 0.0, 1.0, "literature",
       "Singer, Bremer & Stuckey 1972 (CINC)", "Weight of the population share in national power."),
    _p("depreciation", "model", "per year", 0.10, 0.05, 0.15, "literature",
       "perpetual-inventory capital stock (delta 5-15 %)",
       "Depreciation rate of the military capability stock."),
    # threat
    _p("contest_exponent", "model", "1", 1.0, 0.5, 2.0, "literature",
       "Hirshleifer 1989 (contest success function)",
       "Decisiveness of the threat-versus-power contest ratio."),
    _p("warhead_offence", "model", "1", 1.0, 0.0, 3.0, "free", "Walt 1987 (offensive capability)",
       "Maximum extra offence multiplier from a nuclear arsenal."),
    _p("warhead_half", "model", "warheads", 50.0, 10.0, 500.0, "free", "assumption",
       "Arsenal size at which half of the nuclear offence multiplier is reached."),
    _p("provocation_offence", "model", "per provocation", 0.05, 0.0, 0.5, "free", "assumption",
       "Extra offence multiplier per unit provocation memory."),
    _p("technology_offence", "model", "1", 2.0, 0.0, 5.0, "free", "assumption",
       "Extra offence multiplier per unit of absorbed technology relative to capability."),
    _p("hostility_sharpness", "model", "1", 4.0, 1.0, 10.0, "free", "assumption",
       "Sharpness kappa of the softplus turning perceived relation into hostility."),
    _p("misperception_persistence", "model", "years", 2.0, 0.25, 10.0, "free", "Jervis 1976",
       "Correlation time of the AR(1) misperception process."),
    # credibility (Snyder)
    _p("credibility_base", "model", "logit", -1.0, -3.0, 1.0, "free", "Snyder 1984",
       "Intercept c0 of extended-deterrence credibility."),
    _p("credibility_alliance", "model", "logit", 2.5, 0.0, 5.0, "free", "Snyder 1984",
       "Weight c1 of treaty commitment in credibility."),
    _p("credibility_presence", "model", "logit", 2.0, 0.0, 5.0, "free", "Snyder 1984",
       "Weight c2 of the patron's regional presence in credibility."),
    _p("credibility_vulnerability", "model", "logit", 1.5, 0.0, 5.0, "free",
       "Snyder 1984 (abandonment)", "Weight c3 of the patron's own insecurity."),
    _p("credibility_provocation", "model", "logit per provocation", 0.5, 0.0, 2.0, "free",
       "Snyder 1984 (entrapment)", "Weight c4 of the client's provocation memory."),
    # arms
    _p("burden_floor", "model", "share of GDP", 0.002, 0.0, 0.01, "literature",
       "SIPRI (lowest observed burdens)", "Lower limit s_min of the defence burden."),
    _p("burden_ceiling", "model", "share of GDP", 0.40, 0.2, 0.6, "literature",
       "SIPRI (highest observed wartime burdens)", "Upper limit s_max of the defence burden."),
    # trade and economy
    _p("trade_elasticity", "model", "per relation unit", 1.0, 0.0, 3.0, "free",
       "Pollins 1989 (trade follows the flag)", "Elasticity theta of trade potential to relations."),
    _p("trade_adjustment", "model", "per year", 1.0, 0.2, 4.0, "free", "assumption",
       "Rate at which trade flows relax toward their potential."),
    _p("diversion", "model", "1", 0.5, 0.0, 1.0, "free", "Early 2011 (sanctions busting)",
       "Share of blocked trade that finds a low-compliance partner (unrecorded)."),
    _p("monitoring_floor", "model", "1", 0.5, 0.0, 1.0, "free", "assumption",
       "Compliance multiplier m0 left when monitoring is zero."),
    _p("compliance_sharpness", "model", "1", 4.0, 1.0, 10.0, "free", "assumption",
       "Sharpness of compliance in the relation gap coalition minus target."),
    _p("sanctions_erosion", "model", "per year", 0.01, 0.0, 0.1, "free",
       "Hufbauer, Schott & Elliott 1990 (sanctions fatigue)",
       "Exponential erosion of compliance with years since a regime was imposed."),
    _p("trade_loss_elasticity", "model", "1", 0.2, 0.0, 1.0, "free", "assumption",
       "Growth lost per unit of extra trade blocked as a share of GDP."),
    _p("evasion_premium", "model", "1", 0.1, 0.0, 0.5, "free", "assumption",
       "Growth cost per unit of extra unrecorded trade as a share of GDP."),
    _p("guns_butter", "model", "1", 0.3, 0.0, 1.0, "free", "assumption",
       "Growth lost per unit rise of the defence burden above its start."),
    _p("growth_shock_sd", "model", "per square-root year", 0.01, 0.0, 0.05, "free",
       "assumption", "Standard deviation of random real-growth shocks."),
    # bargain and transfers
    _p("relation_sharpness", "model", "1", 4.0, 1.0, 10.0, "free", "assumption",
       "Sharpness kappa of sigma(kappa r) gates on transfers and the bargain."),
    _p("payment_ratio", "model", "1", 0.5, 0.0, 1.5, "free", "assumption",
       "Value paid in energy, food and cash per unit of munitions supplied."),
    _p("technology_ratio", "model", "1", 0.1, 0.0, 0.5, "free", "assumption",
       "Technology transferred per unit of munitions supplied (lambda0)."),
    _p("technology_leverage", "model", "1", 1.0, 0.0, 3.0, "free",
       "assumption (reverse leverage)",
       "Rise of the technology ratio with the patron's dependence on the client."),
    _p("technology_lag", "model", "years", 1.0, 0.25, 3.0, "free", "assumption",
       "Mean delay before transferred technology is absorbed."),
    # provocations, summits, sanctions
    _p("memory_time", "model", "years", 1.0, 0.25, 3.0, "free", "assumption",
       "Time constant of the decay of provocation and summit memories."),
    _p("sanction_hostility_threshold", "model", "1", 0.5, 0.0, 1.0, "free", "assumption",
       "Hostility above which unilateral sanctions start to rise."),
    _p("sanction_memory_threshold", "model", "provocations", 0.5, 0.0, 3.0, "free",
       "assumption", "Provocation memory above which unilateral sanctions start to rise."),
    _p("measure_rate", "model", "per year per provocation", 0.5, 0.0, 2.0, "free",
       "assumption", "Hazard of a new multilateral measure per unit provocation memory of a target."),
    # measures
    _p("alignment_sharpness", "model", "1", 3.0, 0.5, 10.0, "free", "assumption",
       "Sharpness beta of alignment with a pole against the neutral option."),
    _p("influence_weight", "model", "1", 0.5, 0.0, 1.0, "free", "assumption",
       "Weight of goodwill against dependence in influence."),
    _p("risk_base", "model", "logit per year", -5.0, -8.0, -2.0, "literature",
       "Bremer 1992; Oneal & Russett 1997", "Intercept of the yearly dispute-risk logit."),
    _p("risk_hostility", "model", "logit", 3.0, 0.0, 6.0, "literature", "Bremer 1992",
       "Weight of mutual hostility in dispute risk."),
    _p("risk_parity", "model", "logit", 1.5, 0.0, 4.0, "literature",
       "Organski & Kugler 1980 (power transition)",
       "Weight of parity times the challenger's dissatisfaction."),
    _p("risk_proximity", "model", "logit", 2.0, 0.0, 4.0, "literature", "Bremer 1992",
       "Weight of proximity (contiguity) in dispute risk."),
    _p("risk_alliance", "model", "logit", 1.0, 0.0, 3.0, "literature", "Bremer 1992",
       "Reduction of dispute risk between allies."),
    _p("risk_nuclear", "model", "logit", 1.0, 0.0, 3.0, "free", "assumption (nuclear peace)",
       "Reduction of dispute risk under mutual nuclear deterrence."),
    _p("risk_interdependence", "model", "logit", 1.0, 0.0, 3.0, "literature",
       "Oneal & Russett 1997", "Reduction of dispute risk with trade dependence."),
)

ACTOR_FIELDS: tuple[Param, ...] = (
    _p("gdp", "actor", "USD bn (constant 2024)", None, 0.0, 1e6, "data", "IMF WEO",
       "Gross domestic product at the start."),
    _p("growth", "actor", "per year", 0.0, -0.1, 0.1, "data", "IMF WEO",
       "Base real GDP growth."),
    _p("milex", "actor", "USD bn per year", None, 0.0, 1e5, "data", "SIPRI",
       "Military expenditure at the start; the burden is milex / gdp."),
    _p("milex_growth", "actor", "per year", 0.03, -0.1, 0.3, "data", "SIPRI (trailing growth)",
       "Trailing real growth of milex, used to initialise the capability stock."),
    _p("ppp_factor", "actor", "1", 1.0, 0.5, 4.0, "data", "estimate",
       "Multiplier of milex for military purchasing power above market exchange rates."),
    _p("warheads", "actor", "warheads", 0.0, 0.0, 1e5, "data", "SIPRI Yearbook",
       "Nuclear warhead inventory."),
    _p("presence", "actor", "1", 1.0, 0.0, 1.0, "free", "assumption",
       "Share of national power the actor can bring to bear in the region."),
    _p("population", "actor", "millions", None, 0.0, 1e4, "data", "UN WPP",
       "Population."),
)

DYAD_FIELDS: tuple[Param, ...] = (
    _p("relation", "dyad", "1 (open interval -1 to 1)", 0.0, -0.98, 0.98, "free",
       "assumption (calibrated to event data)", "Attitude of A toward B."),
    _p("alliance", "dyad", "1", 0.0, 0.0, 1.0, "data", "treaty texts",
       "Treaty commitment of A to B's defence."),
    _p("proximity", "dyad", "1", 0.0, 0.0, 1.0, "data", "geography and basing",
       "How directly A and B can reach each other (1: neighbours with bases)."),
    _p("sanction", "dyad", "1", 0.0, 0.0, 1.0, "data", "national sanctions lists",
       "Unilateral sanctions of A on B."),
    _p("transfer_multiplier", "dyad", "1", 1.0, 0.0, 10.0, "free", "assumption",
       "Multiplier on arms and technology transfers from A to B."),
    _p("summit_rate", "dyad", "summits per year", 0.0, 0.0, 4.0, "free", "assumption",
       "Hazard of a leaders' summit between A and B."),
)

TRADE_FIELDS: tuple[Param, ...] = (
    _p("value", "trade", "USD bn per year", 0.0, 0.0, 1e4, "data", "customs statistics",
       "Recorded flow of the category from A to B."),
    _p("unrecorded", "trade", "USD bn per year", 0.0, 0.0, 1e4, "data", "estimates",
       "Unrecorded (sanctions-busting) flow of the category from A to B."),
)

REGIME_FIELDS: tuple[Param, ...] = (
    _p("monitoring", "regime", "1", 1.0, 0.0, 1.0, "data", "UN Panel of Experts mandate",
       "Strength of monitoring of the regime (1: a full UN panel)."),
    _p("coverage", "regime", "1", 0.0, 0.0, 1.0, "data", "UNSC resolutions",
       "Share of a trade category the regime prohibits (sanctions.<T>.coverage.<category>)."),
)

REFERENCE_FIELDS: tuple[Param, ...] = (
    _p("world_gdp", "reference", "USD bn", None, 0.0, 1e7, "data", "IMF WEO",
       "World GDP, the fixed denominator of GDP shares."),
    _p("world_milex", "reference", "USD bn per year", None, 0.0, 1e6, "data", "SIPRI",
       "World military expenditure, the denominator of capability shares."),
    _p("world_population", "reference", "millions", None, 0.0, 1e5, "data", "UN WPP",
       "World population, the denominator of population shares."),
    _p("milex_growth", "reference", "per year", 0.03, -0.05, 0.2, "data", "SIPRI",
       "Trailing growth of world milex, to turn it into a capability stock."),
)

DOCTRINE_BY_NAME = {p.name: p for p in DOCTRINE}
MODEL_BY_NAME = {p.name: p for p in MODEL}
ACTOR_BY_NAME = {p.name: p for p in ACTOR_FIELDS}
DYAD_BY_NAME = {p.name: p for p in DYAD_FIELDS}
ALL_PARAMS: tuple[Param, ...] = (
    REFERENCE_FIELDS + ACTOR_FIELDS + DOCTRINE + DYAD_FIELDS + TRADE_FIELDS + REGIME_FIELDS
    + MODEL
)


@dataclass(frozen=True)
class Measure:
    """A registered measure: ``name[.ACTOR[.ACTOR]]``, then a reducer."""

    name: str
    arity: int  # 0: model level, 1: per actor, 2: per ordered or key dyad
    unit: str
    doc: str


MEASURES: tuple[Measure, ...] = (
    Measure("balance", 0, "1 (-1 pole a .. +1 pole b)",
            "Regional balance: power aligned with pole b minus pole a, over their sum."),
    Measure("balance_core", 0, "1", "Balance counting only the poles' members."),
    Measure("balance_swing", 0, "1", "Balance counting only the actors outside both poles."),
    Measure("tension", 0, "1", "Power- and proximity-weighted mean hostility."),
    Measure("conflict_risk_any", 0, "probability per year",
            "Probability of at least one militarised dispute among the key dyads."),
    Measure("provocations", 0, "events per step", "Provocation events in the step (all actors)."),
    Measure("gdp", 1, "USD bn", "Gross domestic product."),
    Measure("milex", 1, "USD bn per year", "Military expenditure."),
    Measure("defence_share", 1, "share of GDP", "Defence burden milex / gdp."),
    Measure("capability", 1, "USD bn (stock)", "Military capability stock."),
    Measure("power", 1, "share", "Composite national power (CINC-like)."),
    Measure("regional_power", 1, "share", "Power times regional presence."),
    Measure("insecurity", 1, "1", "Contest ratio of threat to own power plus allied cover."),
    Measure("security", 1, "1", "One minus insecurity."),
    Measure("threat", 1, "share", "Total perceived threat T_i."),
    Measure("cover", 1, "share", "Allied cover C_i."),
    Measure("hedging", 1, "1", "Insecurity in excess of allies' credibility."),
    Measure("influence", 1, "1", "Goodwill and dependence of others toward the actor."),
    Measure("provocation_memory", 1, "provocations", "Decaying record of provocations."),
    Measure("provocation_hazard", 1, "per year", "Current hazard of provocations."),
    Measure("growth", 1, "per year", "Effective real GDP growth."),
    Measure("transfers_in", 1, "USD bn per year", "Arms and technology received."),
    Measure("munitions_supplied", 1, "USD bn per year", "Munitions supplied to patrons at war."),
    Measure("technology", 1, "USD bn (stock)", "Absorbed transferred technology."),
    Measure("sanctions_pressure", 1, "share of trade",
            "Trade of a sanctions target blocked, over its potential."),
    Measure("sanctions_leakage", 1, "share of trade",
            "Trade of a sanctions target passing unrecorded or as payment, over its potential."),
    Measure("relation", 2, "1", "Attitude of the first actor toward the second."),
    Measure("threat", 2, "share", "Threat to the first actor from the second."),
    Measure("credibility", 2, "1", "Credibility of the first actor's commitment to the second."),
    Measure("transfer", 2, "USD bn per year", "Arms transfers from the first to the second."),
    Measure("sanction", 2, "1", "Unilateral sanctions of the first on the second."),
    Measure("conflict_risk", 2, "probability per year",
            "Yearly probability of a militarised dispute between the two."),
)

REDUCERS = ("last", "mean", "max", "min", "growth")


def measures_by_name() -> dict[tuple[str, int], Measure]:
    """Index measures by (name, arity)."""
    return {(m.name, m.arity): m for m in MEASURES}
