"""Semantics of scenario files: extends, paths, --set coercion, dates, round trips."""

from __future__ import annotations

import math

import pytest
from conftest import BASELINE, REPO, SMALL, variant
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import registry
from sim.errors import InputError
from sim.scenario import (
    Scenario,
    load_scenario,
    load_tree,
    parse_measure,
    parse_path,
    resolve,
    scenario_from_yaml,
)


def dyad(scenario: Scenario, a: str, b: str):
    """The dyad entries naming the pair {a, b}."""
    return [d for d in scenario.dyads if set(d.pair) == {a, b}]


def test_baseline_validates():
    scenario = load_scenario(BASELINE)
    assert scenario.schema_version == 1
    assert set(scenario.analysis.blocs.a) == {"RUS", "PRK"}


def test_small_validates():
    scenario = scenario_from_yaml(SMALL)
    assert scenario.codes == ["RUS", "PRK", "USA", "KOR"]
    assert scenario.step_months == 3 and scenario.dt == 0.25


def test_scenario_is_frozen():
    scenario = scenario_from_yaml(SMALL)
    with pytest.raises(ValueError):
        scenario.seed = 2  # type: ignore[misc]


# --------------------------------------------------------------------------- extends

CHILD = """\
extends: ../parent/small.yaml
name: child
actors:
  RUS: {milex: 150, doctrine: {compliance: 0.1}}
  CHN: {name: China, gdp: 18000, milex: 300, population: 1400}
dyads:
  - {pair: [PRK, RUS], alliance: 0.5}
  - {pair: [CHN, PRK], relation: 0.4}
trade:
  - {from: RUS, to: PRK, category: energy, unrecorded: 0.3}
  - {from: CHN, to: PRK, category: food, value: 0.4}
sanctions:
  regimes:
    - {target: PRK, monitoring: 0.2}
events:
  - {at: 2025-04, kind: provocation, actor: PRK}
reactions:
  - {actor: USA, when: {measure: tension, above: 0.5}, then: {add: {actors.USA.doctrine.grievance: 0.01}}}
categories: [energy, food, minerals, arms, other]
analysis:
  blocs: {a: [RUS, PRK, CHN], b: [USA, KOR]}
  key_dyads: [[PRK, KOR]]
"""


@pytest.fixture
def child(tmp_path):
    (tmp_path / "parent").mkdir()
    (tmp_path / "child").mkdir()
    (tmp_path / "parent" / "small.yaml").write_text(SMALL)
    path = tmp_path / "child" / "child.yaml"
    path.write_text(CHILD)
    return path


def test_extends_merges_actors_by_code(child):
    s = load_scenario(child)
    assert s.name == "child"
    assert s.codes == ["RUS", "PRK", "USA", "KOR", "CHN"]
    rus = s.actors["RUS"]
    assert (rus.name, rus.gdp, rus.milex) == ("Russia", 2000, 150)  # kept, kept, replaced
    assert rus.doctrine.compliance == 0.1


def test_extends_merges_dyads_by_pair_in_either_order(child):
    s = load_scenario(child)
    (rus_prk,) = dyad(s, "RUS", "PRK")
    assert (rus_prk.relation, rus_prk.alliance) == (0.7, 0.5)
    assert len(dyad(s, "CHN", "PRK")) == 1
    assert len(s.dyads) == 4


def test_extends_merges_trade_by_flow_and_regimes_by_target(child):
    s = load_scenario(child)
    (flow,) = [t for t in s.trade if (t.source_code, t.to, t.category) == ("RUS", "PRK", "energy")]
    assert (flow.value, flow.unrecorded) == (0.01, 0.3)
    assert len(s.trade) == 2
    (regime,) = s.sanctions.regimes
    assert regime.monitoring == 0.2 and regime.coverage == {"energy": 0.9}
    assert regime.veto_holders == ["USA", "RUS"]


def test_extends_appends_events_and_reactions_and_replaces_other_lists(child):
    s = load_scenario(child)
    assert len(s.events) == 5 and s.events[-1].kind == "provocation"
    assert [r.actor for r in s.reactions] == ["KOR", "USA"]
    assert s.analysis.blocs.a == ["RUS", "PRK", "CHN"]  # replaced, not appended
    assert s.analysis.key_dyads == [("PRK", "KOR")]


def test_extends_keeps_the_origin_of_each_value(child, tmp_path):
    tree = load_tree(child)
    assert tree.value["actors"].value["RUS"].value["gdp"].file.endswith("small.yaml")
    assert tree.value["actors"].value["RUS"].value["milex"].file.endswith("child.yaml")
    bad = CHILD.replace("milex: 150", "milex: -1")
    child.write_text(bad)
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert f"{child}:4: actors.RUS.milex:" in str(caught.value)


def test_extends_chain_of_three(tmp_path, child):
    grandchild = tmp_path / "child" / "grandchild.yaml"
    grandchild.write_text("extends: child.yaml\nname: grandchild\nsteps: 12\n")
    s = load_scenario(grandchild)
    assert (s.name, s.steps, s.actors["RUS"].milex) == ("grandchild", 12, 150)


# --------------------------------------------------------------------------- paths


def test_parse_path_forms():
    assert parse_path("actors.CHN.doctrine.compliance").kind == "doctrine"
    ref = parse_path("dyads.RUS-PRK.relation")
    assert (ref.kind, ref.a, ref.b, ref.directed) == ("dyad", "RUS", "PRK", False)
    assert parse_path("dyads.RUS>PRK.relation").directed
    ref = parse_path("trade.PRK>RUS.minerals.unrecorded")
    assert (ref.kind, ref.a, ref.b, ref.category, ref.field) == (
        "trade",
        "PRK",
        "RUS",
        "minerals",
        "unrecorded",
    )
    assert parse_path("trade.PRK>RUS.minerals").field == "value"
    assert parse_path("sanctions.PRK.coverage.energy").category == "energy"
    assert parse_path("model.contest_exponent").kind == "model"


def test_dyad_path_both_directions_on_a_symmetric_entry():
    s = resolve(_tree(), {"dyads.RUS-PRK.relation": 0.2})
    (entry,) = dyad(s, "RUS", "PRK")
    assert entry.symmetric and entry.relation == 0.2


def test_dyad_path_one_direction_on_a_symmetric_entry():
    s = resolve(_tree(), {"dyads.PRK>RUS.relation": 0.2})
    (entry,) = dyad(s, "RUS", "PRK")
    assert entry.pair == ("RUS", "PRK")
    assert entry.relation == (0.7, 0.2)  # RUS toward PRK kept, PRK toward RUS set


def test_dyad_path_one_direction_on_a_pair_with_no_entry():
    s = resolve(_tree(), {"dyads.KOR>RUS.relation": -0.3})
    (entry,) = dyad(s, "KOR", "RUS")
    assert (entry.pair, entry.symmetric, entry.relation) == (("KOR", "RUS"), False, -0.3)


def test_dyad_path_on_a_pair_with_no_entry_sets_both():
    s = resolve(_tree(), {"dyads.KOR-RUS.relation": -0.3})
    entries = dyad(s, "KOR", "RUS")
    assert sorted(e.pair for e in entries) == [("KOR", "RUS"), ("RUS", "KOR")]
    assert all(e.relation == -0.3 for e in entries)


def test_trade_path_changes_one_flow_or_adds_it():
    s = resolve(_tree(), {"trade.RUS>PRK.energy.unrecorded": 0.5, "trade.PRK>RUS.arms": 1.5})
    flows = {(t.source_code, t.to, t.category): t for t in s.trade}
    assert (flows["RUS", "PRK", "energy"].value, flows["RUS", "PRK", "energy"].unrecorded) == (
        0.01,
        0.5,
    )
    assert flows["PRK", "RUS", "arms"].value == 1.5


def test_regime_paths():
    s = resolve(_tree(), {"sanctions.PRK.monitoring": 0.1, "sanctions.PRK.coverage.arms": 1})
    (regime,) = s.sanctions.regimes
    assert regime.monitoring == 0.1 and regime.coverage == {"energy": 0.9, "arms": 1.0}


# --------------------------------------------------------------------------- --set coercion


def _tree():
    from sim.scenario.yamlio import parse_text

    return parse_text(SMALL, "small.yaml")


@pytest.mark.parametrize(
    ("override", "get", "expected"),
    [
        ("actors.RUS.doctrine.compliance=0.3", lambda s: s.actors["RUS"].doctrine.compliance, 0.3),
        ("actors.RUS.doctrine.compliance=1", lambda s: s.actors["RUS"].doctrine.compliance, 1.0),
        (
            "actors.RUS.doctrine.compliance=1e-3",
            lambda s: s.actors["RUS"].doctrine.compliance,
            0.001,
        ),
        ("steps=12", lambda s: s.steps, 12),
        ("seed=1_000", lambda s: s.seed, 1000),
        ("name=NO", lambda s: s.name, "NO"),
        ("name='010'", lambda s: s.name, "010"),
        ("step=year", lambda s: s.step, "year"),
        ("start=2024-04", lambda s: s.start, "2024-04"),
        ("actors.PRK.war_demand=2", lambda s: s.actors["PRK"].war_demand[0].value, 2.0),
        (
            "dyads.RUS-PRK.relation=[0.5, 0.6]",
            lambda s: dyad(s, "RUS", "PRK")[0].relation,
            (0.5, 0.6),
        ),
        ("model.contest_exponent=1.5", lambda s: s.model.contest_exponent, 1.5),
        ("reference.world_gdp=120000", lambda s: s.reference.world_gdp, 120000.0),
    ],
)
def test_set_coerces_to_the_field_type(override, get, expected):
    s = resolve(_tree(), [override])
    value = get(s)
    assert value == expected and type(value) is type(expected)


def test_set_does_not_change_the_tree():
    tree = _tree()
    resolve(tree, {"steps": 12})
    assert resolve(tree).steps == 8


# --------------------------------------------------------------------------- dates


def test_step_of_and_date_of():
    s = scenario_from_yaml(SMALL)  # quarterly from 2024-01, 8 steps
    assert [s.step_of(m) for m in ("2024-01", "2024-03", "2024-04", "2025-12")] == [0, 0, 1, 7]
    assert s.step_of("2023-12") == -1 and s.step_of("2026-01") == 8
    assert [s.date_of(k) for k in (0, 1, 8)] == ["2024-01", "2024-04", "2026-01"]
    monthly = scenario_from_yaml(
        variant("step: quarter", "step: month", variant("steps: 8", "steps: 24"))
    )
    assert monthly.step_of("2024-05") == 4 and monthly.date_of(4) == "2024-05"
    yearly = scenario_from_yaml(variant("step: quarter", "step: year"))
    assert yearly.step_of("2024-12") == 0 and yearly.step_of("2025-01") == 1
    assert yearly.date_of(8) == "2032-01"


def test_dates_at_the_edges_of_the_run():
    last_month = variant("at: 2024-07", "at: 2025-12")
    assert scenario_from_yaml(last_month).events[0].at == "2025-12"
    with pytest.raises(InputError, match="the run spans 2024-01 to 2025-12"):
        scenario_from_yaml(variant("at: 2024-07", "at: 2026-01"))


# --------------------------------------------------------------------------- measures


def test_parse_measure():
    spec = parse_measure("threat.JPN.PRK:last")
    assert (spec.name, spec.actors, spec.reducer, spec.column) == (
        "threat",
        ("JPN", "PRK"),
        "last",
        "threat.JPN.PRK",
    )
    assert parse_measure("balance").actors == ()


# --------------------------------------------------------------------------- properties

REGISTERED = [(p.path, p) for p in registry.DOCTRINE + registry.MODEL]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    entry=st.sampled_from(REGISTERED),
    actor=st.sampled_from(["RUS", "PRK", "USA", "KOR"]),
    fraction=st.floats(0, 1),
)
def test_set_of_any_registered_path_in_range_validates(entry, actor, fraction):
    template, param = entry
    path = template.replace("<A>", actor)
    value = param.low + fraction * (param.high - param.low)
    value = min(max(value, param.low), param.high)
    if param.open_low and value <= param.low:
        value = param.low + 1e-6 * (param.high - param.low)
    s = resolve(_tree(), [f"{path}={value!r}"])
    section = s.model if param.section == "model" else s.actors[actor].doctrine
    assert math.isclose(getattr(section, param.name), value)


finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw) -> str:
    """SMALL with random in-range values, a random doctrine and a random dyad."""
    s = scenario_from_yaml(SMALL)
    data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["steps"] = draw(st.integers(3, 60))
    data["step"] = draw(st.sampled_from(["month", "quarter", "year"]))
    data["name"] = draw(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20))
    floor, ceiling = (registry.MODEL_BY_NAME[k].default for k in ("burden_floor", "burden_ceiling"))
    for code in data["actors"]:
        names = draw(st.lists(st.sampled_from(registry.DOCTRINE), max_size=4, unique=True))
        data["actors"][code]["doctrine"] = {p.name: draw(st.floats(p.low, p.high)) for p in names}
        gdp = draw(st.floats(0.1, 2e4))  # four actors: a part of the world (1e5)
        burden = draw(st.floats(floor * 1.001, ceiling * 0.999))  # inside, after rounding
        data["actors"][code]["gdp"] = gdp
        data["actors"][code]["milex"] = gdp * burden
    relation = registry.DYAD_BY_NAME["relation"]
    one = st.floats(relation.low, relation.high)
    data["dyads"][0]["relation"] = draw(one | st.tuples(one, one).map(list))
    data["events"] = [e for e in data["events"] if e["at"] < "2024-04"] + [
        {"at": "2024-01", "add": {"model.contest_exponent": draw(finite)}}
    ]
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@FAST
@given(text=scenarios())
@pytest.mark.slow
def test_round_trip_through_yaml(text):
    s = scenario_from_yaml(text)  # the generator draws valid scenarios only
    again = scenario_from_yaml(s.to_yaml())
    assert again == s
    assert again.digest() == s.digest()


def test_baseline_round_trips():
    s = load_scenario(BASELINE)
    assert scenario_from_yaml(s.to_yaml()) == s


@pytest.mark.parametrize("path", sorted((REPO / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_scenario_validates_and_round_trips(path):
    s = load_scenario(path)
    assert scenario_from_yaml(s.to_yaml()) == s


def test_docs_name_every_field():
    from sim.scenario import schema as sc

    text = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")
    models = (
        sc.Scenario,
        sc.Reference,
        sc.Actor,
        sc.Dyad,
        sc.Trade,
        sc.Regime,
        sc.Event,
        sc.Reaction,
        sc.Condition,
        sc.Analysis,
        sc.Bargain,
    )
    missing = [
        f"{model.__name__}.{field.alias or name}"
        for model in models
        for name, field in model.model_fields.items()
        if f"`{field.alias or name}" not in text
        and f"{field.alias or name}:" not in text
        and f"`{field.alias or name}`" not in text
    ]
    assert not missing, f"docs/scenarios.md does not mention {missing}"
    for kind in sc.EVENT_KINDS:
        assert f"`{kind}`" in text


def test_the_type_stub_of_the_generated_sections_matches_the_registry():
    from sim.scenario.generated import STUB, stub_text

    assert STUB.read_text(encoding="utf-8") == stub_text(), "run python tests/make_type_stub.py"
