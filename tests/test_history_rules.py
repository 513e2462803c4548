"""The dynamics the 2017-2024 record needs (issue 14), each seen to move the model.

Moratoria, engagement and self-excitation in the provocation hazard; border
closures in trade and growth; burden decisions and a war's own demand on the
burden; scheduled votes with content, abstentions and a veto that ends a mandate.
Each test compares a scenario with and without the mechanism, so that a rule that
exists but moves nothing fails.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.engine.batch import run_batch
from sim.engine.model import GeoModel
from sim.rules import provocations
from tests.model_fixtures import REPO, baseline, edited, with_updates

HINDCAST = REPO / "scenarios" / "history" / "hindcast_2017.yaml"


def _events(spec, events):
    return edited(spec, lambda d: d.update(events=list(d["events"]) + events))


def _measures(spec, runs=1):
    block = run_batch([spec] * runs, list(range(runs)))
    return block.tables


def test_hazard_rules_match_hand_computed_values():
    # h (1 - m)(1 + d p)/(1 + c E): 4 x 0.5 x 1.5 / 3 = 1.0
    got = provocations.conditioned(
        np.array([4.0]), np.array([0.5]), np.array([2.0]), np.array([1.0]), 0.5, 1.0
    )
    assert got == pytest.approx([1.0])
    # pressure beyond -1/d cannot make the hazard negative
    assert provocations.conditioned(np.array([4.0]), 0.0, 0.0, 0.0, 1.0, -1.0) == 0.0
    # Hawkes: h + theta M / tau; stationary memory h tau / (1 - theta)
    assert provocations.self_excited(2.0, 3.0, 0.5, 1.5) == pytest.approx(3.0)
    assert provocations.stationary_memory(2.0, 1.5, 0.5) == pytest.approx(6.0)
    # the stationary memory is a fixed point of the self-excited expected step
    m = provocations.stationary_memory(2.0, 1.0, 0.6)
    h = provocations.self_excited(2.0, m, 0.6, 1.0)
    assert provocations.expected_memory_step(m, h, 1.0, 0.25) == pytest.approx(m)


def test_a_moratorium_suspends_its_share_of_the_hazard_from_its_step():
    spec = baseline()
    event = {"at": "2025-07", "kind": "moratorium", "actor": "PRK", "value": 0.75}
    base = _measures(spec)["actors"]
    held = _measures(_events(spec, [event]))["actors"]

    def hazard(t):
        prk = t[t["actor"] == "PRK"].set_index("step")
        return prk["provocation_hazard"]

    step = spec.step_of("2025-07")
    before, after = hazard(base), hazard(held)
    assert after.loc[: step - 1].equals(before.loc[: step - 1])
    # the state at the step is read before the event; one step later the hazard is cut
    assert after.loc[step + 1] < 0.5 * before.loc[step + 1]


def test_self_excitation_over_disperses_yearly_counts():
    """Same stationary mean, theta 0.7 against 0: variance/mean of yearly counts rises."""
    spec = with_updates(baseline(), {"steps": 40})
    rate = spec.actors["PRK"].doctrine.provocation_rate

    def dispersion(theta):
        s = with_updates(
            spec,
            {
                "actors.PRK.doctrine.self_excitation": theta,
                "actors.PRK.doctrine.provocation_rate": rate * (1 - theta),
            },
        )
        m = _measures(s, runs=40)["measures"]
        m = m[m["step"] > 0]
        yearly = m.groupby(["run", (m["step"] - 1) // 4])["provocations"].sum()
        return yearly.var() / yearly.mean(), yearly.mean()

    flat, mean_flat = dispersion(0.0)
    excited, mean_excited = dispersion(0.7)
    assert excited > 1.5 * flat
    assert mean_excited == pytest.approx(mean_flat, rel=0.35)


def test_engagement_damps_the_hazard():
    spec = with_updates(baseline(), {"actors.PRK.doctrine.engagement_restraint": 2.0})
    summit = {"at": "2025-01", "kind": "summit", "pair": ["USA", "PRK"]}
    a = _measures(spec)["actors"]
    b = _measures(_events(spec, [summit]))["actors"]
    step = spec.step_of("2025-01") + 1
    ha = a[(a["actor"] == "PRK") & (a["step"] == step)]["provocation_hazard"].item()
    hb = b[(b["actor"] == "PRK") & (b["step"] == step)]["provocation_hazard"].item()
    assert hb < 0.8 * ha


def test_a_border_closure_cuts_trade_and_growth_and_reopening_restores_them():
    """The bug of issue 14: a closure used to raise growth (less trade 'lost to sanctions').

    Trade moves the level of GDP: growth is lost while trade falls after the closure,
    hardly once it has settled with the border still shut, and the reopening gives
    the level back.
    """
    spec = with_updates(baseline(), {"model.growth_shock_sd": 0.0})
    close = {"at": "2025-01", "kind": "border_closure", "actor": "PRK", "value": 0.8}
    reopen = {"at": "2027-01", "kind": "border_closure", "actor": "PRK", "value": 0.0}
    a = _measures(spec)["actors"]
    b = _measures(_events(spec, [close, reopen]))["actors"]

    def prk(t, col, date):
        return t[(t["actor"] == "PRK") & (t["date"] == date)][col].item()

    assert prk(b, "trade_recorded", "2026-01") < 0.5 * prk(a, "trade_recorded", "2026-01")
    assert prk(b, "growth", "2025-04") < prk(a, "growth", "2025-04") - 0.02  # trade falling
    # two years on, the border still shut and trade settled low: little growth lost
    assert abs(prk(b, "growth", "2027-01") - prk(a, "growth", "2027-01")) < 0.01
    assert prk(b, "gdp", "2026-07") < 0.99 * prk(a, "gdp", "2026-07")  # a lower level
    assert prk(b, "growth", "2027-04") > prk(a, "growth", "2027-04") + 0.02  # reopening
    assert prk(b, "trade_recorded", "2029-01") > 0.8 * prk(a, "trade_recorded", "2029-01")
    assert prk(b, "gdp", "2029-01") == pytest.approx(prk(a, "gdp", "2029-01"), rel=0.01)


def test_a_burden_decision_moves_the_path_only_from_its_month():
    spec = with_updates(baseline(), {"actors.JPN.burden_target": None})
    target = [{"from": "2026-07", "value": 0.03, "by": "2028-07"}]
    decided = with_updates(spec, {"actors.JPN.burden_target": target})
    a = _measures(spec)["actors"]
    b = _measures(decided)["actors"]

    def jpn(t):
        return t[t["actor"] == "JPN"].set_index("date")["defence_share"]

    assert jpn(a).loc[:"2026-07"].equals(jpn(b).loc[:"2026-07"])
    assert jpn(b).loc["2030-07"] > jpn(a).loc["2030-07"] + 0.003


def test_a_burden_decision_must_come_before_its_deadline():
    with pytest.raises(ValueError, match="must come before by"):
        with_updates(
            baseline(),
            {"actors.JPN.burden_target": [{"from": "2029-01", "value": 0.03, "by": "2028-07"}]},
        )


def _rus_burden(spec, date=None):
    t = _measures(spec)["actors"]
    date = date or t["date"].max()
    return t[(t["actor"] == "RUS") & (t["date"] == date)]["defence_share"].item()


def test_a_war_pulls_its_belligerent_burden_up():
    later = [{"from": "2026-01", "value": 8.0}]  # a war that begins during the run
    spec = with_updates(baseline(), {"actors.RUS.war_demand": later})
    war = with_updates(spec, {"actors.RUS.doctrine.war_burden": 0.04})
    assert _rus_burden(war) > _rus_burden(spec) + 0.01
    assert _rus_burden(war, "2025-10") == _rus_burden(spec, "2025-10")


def test_a_war_under_way_at_the_start_is_in_the_starting_burden():
    """The baseline starts at war: w adds nothing until the war ends, then pulls down."""
    spec = baseline()
    war = with_updates(spec, {"actors.RUS.doctrine.war_burden": 0.04})
    a, b = _measures(spec)["actors"], _measures(war)["actors"]
    assert a["defence_share"].equals(b["defence_share"])
    ceasefire = [{"at": "2025-07", "kind": "ceasefire", "actor": "RUS"}]
    assert _rus_burden(_events(war, ceasefire)) < _rus_burden(_events(spec, ceasefire)) - 0.01


def test_burden_decisions_must_be_listed_in_time_order():
    decisions = [
        {"from": "2027-01", "value": 0.03, "by": "2028-07"},
        {"from": "2025-01", "value": 0.02, "by": "2026-07"},
    ]
    with pytest.raises(ValueError, match="list the decisions in time order"):
        with_updates(baseline(), {"actors.JPN.burden_target": decisions})
    with pytest.raises(ValueError, match="needs from"):
        with_updates(
            baseline(),
            {"actors.JPN.burden_target": [decisions[1], {"value": 0.03, "by": "2028-07"}]},
        )


def test_a_border_closed_at_the_start_keeps_the_starting_trade():
    """The calibrated pairs (given pre-sanctions potentials) start at the scenario's trade."""
    spec = baseline()
    closed = with_updates(spec, {"actors.PRK.doctrine.border_closure": 0.2})
    a, b = GeoModel(spec, replication=0), GeoModel(closed, replication=0)
    flows = a.structure.flows
    given = {}
    for f in spec.trade:
        if f.potential is not None:
            pair = frozenset((f.source_code, f.to))
            given[pair] = given.get(pair, 0.0) + f.value + f.unrecorded
    assert given
    for model in (a, b):
        by_dyad = flows.by_dyad(model.state.recorded + model.state.unrecorded)
        for pair, total in given.items():
            i, j = (spec.codes.index(c) for c in pair)
            assert by_dyad[i, j] + by_dyad[j, i] == pytest.approx(total, rel=1e-6)
    prk = spec.codes.index("PRK")
    near = (flows.source == prk) | (flows.target == prk)
    assert (b.state.potential0 > 1.2 * a.state.potential0)[near].any()


def _vote_case(threshold: float, margin: float = 0.2):
    """The hindcast with Russia's threshold set so that it vetoes or abstains."""
    from sim.scenario import load_scenario

    return load_scenario(
        HINDCAST,
        {
            "actors.RUS.doctrine.veto_threshold": threshold,
            "model.abstention_margin": margin,
        },
    )


def test_a_vetoed_renewal_ends_the_mandate():
    spec = _vote_case(-0.5)  # Russia vetoes everything
    run = GeoModel(spec, replication=0).run().tables()
    ev = run["events"]
    ended = ev[ev["kind"] == "mandate_ended"]
    assert len(ended) == 1 and ended["date"].item() == "2018-01"
    renewals = ev[(ev["kind"] == "veto") & ev["note"].str.startswith("renewal")]
    assert list(renewals["date"]) == ["2018-01"]  # no renewal is held after the end
    assert not (ev["kind"] == "sanctions_measure").any()  # every proposal vetoed
    assert not (ev["kind"] == "monitoring_restored").any()


def test_a_holder_just_below_its_threshold_abstains():
    vetoes = GeoModel(_vote_case(-0.5, 0.0), replication=0).run().tables()["events"]
    assert not (vetoes["kind"] == "abstention").any()
    # threshold well above the gap: Russia assents; a margin over the gap makes it abstain
    spec = _vote_case(1.4, 1.0)
    ev = GeoModel(spec, replication=0).run().tables()["events"]
    abst = ev[ev["kind"] == "abstention"]
    assert len(abst) > 0 and "RUS" in set(abst["actor"])
    assert (ev["kind"] == "sanctions_measure").any()


def test_a_vote_with_content_raises_coverage_to_it():
    spec = _vote_case(1.4, 0.0)  # nobody vetoes the 2017 resolutions
    model = GeoModel(spec, replication=0).run()
    cov = model.state.coverage[spec.codes.index("PRK")]
    cats = spec.categories
    # 2397 brought energy to 0.9, minerals to 1.0, other to 0.6; 2022 energy to 0.95
    assert cov[cats.index("energy")] == pytest.approx(0.95)
    assert cov[cats.index("minerals")] == pytest.approx(1.0)
    assert cov[cats.index("other")] == pytest.approx(0.6)
    assert cov[cats.index("food")] == pytest.approx(0.8)


def _imposed_later(write):
    from tests.conftest import SMALL, variant

    text = variant("monitoring: 0.5,", "monitoring: 0.5, since: 2025-01, renewal: 2025-04,", SMALL)
    assert text != SMALL
    return write(text)


def test_a_regime_imposed_during_the_run_begins_at_its_date(write):
    from sim.scenario import load_scenario

    spec = load_scenario(_imposed_later(write))
    model = GeoModel(spec, replication=0)
    prk = spec.codes.index("PRK")
    energy = spec.categories.index("energy")
    assert model.state.coverage[prk, energy] == 0.0 and not model.state.mandate[prk]
    tables = model.run().tables()
    ev = tables["events"]
    imposed = ev[ev["kind"] == "sanctions_imposed"]
    assert list(imposed["date"]) == ["2025-01"] and list(imposed["actor"]) == ["PRK"]
    assert model.state.coverage[prk, energy] == pytest.approx(0.9)
    a = tables["actors"]
    mandate = a[a["actor"] == "PRK"].set_index("date")["mandate"]
    assert (mandate.loc[:"2024-10"] == 0).all() and mandate.loc["2025-04"] == 1
    pressure = a[a["actor"] == "PRK"].set_index("date")["sanctions_pressure"]
    assert pressure.loc["2024-10"] == 0 and pressure.loc["2025-04"] > 0.01
    # the batch engine agrees
    block = run_batch([spec], [0]).tables
    b = block["actors"]
    np.testing.assert_allclose(
        b[b["actor"] == "PRK"]["trade"].to_numpy(),
        a[a["actor"] == "PRK"]["trade"].to_numpy(),
        rtol=1e-9,
    )


def test_votes_before_a_regime_and_its_potentials_are_refused(write, cli):
    from tests.conftest import SMALL, variant

    later = variant("monitoring: 0.5,", "monitoring: 0.5, since: 2025-01,", SMALL)
    vote = variant("kind: summit, pair: [RUS, PRK]}", "kind: sanctions_vote, target: PRK}", later)
    vote = vote.replace("{at: 2025-01, kind: sanctions_vote", "{at: 2024-07, kind: sanctions_vote")
    out = cli("validate", write(vote))
    assert out.code == 2 and "comes before the regime on PRK is imposed" in out.err
    potential = variant(
        "category: energy, value: 0.01}", "category: energy, value: 0.01, potential: 0.5}", later
    )
    out = cli("validate", write(potential, "potential.yaml"))
    assert out.code == 2 and "trade[0].potential" in out.err and "imposed during the run" in out.err
    # a regime older than the run is fine
    ok = variant("monitoring: 0.5,", "monitoring: 0.5, since: 2006-10,", SMALL)
    assert cli("validate", write(ok, "ok.yaml")).code == 0


@pytest.mark.parametrize(
    ("old", "new", "message", "where"),
    [
        (
            "kind: summit, pair: [RUS, PRK]}",
            "kind: sanctions_vote, target: KOR}",
            "no sanctions regime targets KOR",
            "events[2].target",
        ),
        (
            "kind: summit, pair: [RUS, PRK]}",
            "kind: sanctions_vote, target: PRK, coverage: {}}",
            "an empty coverage would ban nothing",
            "events[2].coverage",
        ),
        (
            "kind: summit, pair: [RUS, PRK]}",
            "set: {actors.PRK.doctrine.boldness: 0.5}, coverage: {energy: 0.9}}",
            "an event without a kind does not use coverage",
            "events[2].coverage",
        ),
        (
            "monitoring: 0.5,",
            "monitoring: 0.5, lapsed_monitoring: 0.2,",
            "give renewal:",
            "sanctions.regimes[0]",
        ),
        (
            "monitoring: 0.5,",
            "monitoring: 0.5, renewal: 2025-04, lapsed_monitoring: 0.8,",
            "cannot strengthen monitoring",
            "sanctions.regimes[0]",
        ),
    ],
)
def test_votes_and_mandates_that_would_corrupt_a_run_are_refused(
    write, cli, old, new, message, where
):
    from tests.conftest import SMALL, variant

    text = variant(old, new, SMALL)
    assert text != SMALL
    out = cli("validate", write(text))
    assert out.code == 2, out.out
    assert message in out.err and where in out.err and "Traceback" not in out.err


def test_an_event_key_ignores_later_optional_fields():
    from sim.engine.compile import event_key
    from sim.random import code_key
    from sim.scenario.schema import Event

    ev = Event.model_validate({"at": "2025-01", "kind": "summit", "pair": ["RUS", "PRK"]})
    data = ev.model_dump(mode="json", by_alias=True)
    data.pop("coverage")
    assert event_key(ev) == code_key(json.dumps(data, sort_keys=True))


def _with_series(spec, points):
    return edited(spec, lambda d: d["reference"].update(series=points))


def test_reference_totals_follow_their_series():
    spec = baseline()
    ref = spec.reference
    years = spec.steps * spec.dt
    end = spec.date_of(spec.steps)
    # a series that says what the growth rate says changes nothing
    same = [{"from": end, "world_gdp": ref.world_gdp * np.exp(ref.gdp_growth * years)}]
    a = _measures(spec)["actors"]
    b = _measures(_with_series(spec, same))["actors"]
    np.testing.assert_allclose(b["power"], a["power"], rtol=1e-9)
    # a world that doubles its GDP by mid-run shrinks every share of GDP in power
    mid = spec.date_of(spec.steps // 2)
    double = [{"from": mid, "world_gdp": 2 * ref.world_gdp}]
    c = _measures(_with_series(spec, double))["actors"]
    last = a["date"] == end
    assert (c.loc[last, "power"].to_numpy() < a.loc[last, "power"].to_numpy()).all()
    first = a["date"] == spec.start
    np.testing.assert_array_equal(c.loc[first, "power"], a.loc[first, "power"])


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("[{from: 2024-01, world_gdp: 120000}]", "is not after the start"),
        (
            "[{from: 2026-01, world_gdp: 120000}, {from: 2025-01, world_gdp: 115000}]",
            "list the points in time order",
        ),
        ("[{from: 2026-01}]", "needs world_gdp, world_milex or world_population"),
    ],
)
def test_bad_reference_series_are_refused(write, cli, points, message):
    from tests.conftest import SMALL, variant

    old = "reference: {world_gdp: 100000, world_milex: 2500, world_population: 8000}"
    text = variant(
        old,
        "reference: {world_gdp: 100000, world_milex: 2500, world_population: 8000, "
        f"series: {points}}}",
        SMALL,
    )
    assert text != SMALL
    out = cli("validate", write(text))
    assert out.code == 2, out.out
    assert message in out.err and "reference.series" in out.err and "Traceback" not in out.err


def test_a_later_decision_before_a_first_one_at_the_start_is_refused(write, cli):
    from tests.conftest import SMALL, variant

    text = variant(
        "  PRK: {name: North Korea, gdp: 30, milex: 5, population: 26}",
        "  PRK: {name: North Korea, gdp: 30, milex: 5, population: 26, burden_target: "
        "[{value: 0.2, by: 2025-01}, {from: 2010-01, value: 0.25, by: 2025-07}]}",
        SMALL,
    )
    out = cli("validate", write(text))
    assert out.code == 2, out.out
    assert "actors.PRK.burden_target[1].from" in out.err and "comes before decision [0]" in out.err
