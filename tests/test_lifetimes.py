"""States that enter, leave and succeed one another (``docs/scenarios.md``).

An absent actor is a distant one: the others' trajectories are those of the cast
without it; its own measures are missing; a successor takes over its predecessor's
ties as they stand; both engines agree; bad lifetimes are located input errors.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest
from conftest import variant
from model_fixtures import baseline, edited

from sim.engine import lifetimes
from sim.engine.batch import run_batch
from sim.engine.model import GeoModel
from sim.engine.state import State

BRAZIL = {"name": "Brazil", "gdp": 2170.0, "milex": 22.9, "population": 212.0, "presence": 0.1}


def _with_brazil(**life):
    def edit(data):
        data["actors"]["BRA"] = dict(BRAZIL, **life)  # no dyads, no trade: distant

    return edited(baseline(), edit)


def _with_soviet_union(at: str = "2027-01"):
    """The baseline with SUN, a copy of Russia's figures and ties, succeeded by RUS."""

    def edit(data):
        sun = copy.deepcopy(data["actors"]["RUS"])
        sun.update(name="Soviet Union", colour=None)
        data["actors"]["SUN"] = sun

        def swap(code):
            return "SUN" if code == "RUS" else code

        for dyad in list(data["dyads"]):
            if "RUS" in dyad["pair"]:
                data["dyads"].append(dict(copy.deepcopy(dyad), pair=tuple(map(swap, dyad["pair"]))))
        for flow in list(data["trade"]):
            if "RUS" in (flow["from"], flow["to"]):
                new = copy.deepcopy(flow)
                new["from"], new["to"] = swap(flow["from"]), swap(flow["to"])
                data["trade"].append(new)
        data["events"].append({"at": at, "kind": "succession", "from": "SUN", "to": "RUS"})

    return edited(baseline(), edit)


def test_every_state_array_has_a_rule_for_absent_actors():
    assert lifetimes.checked_fields() == {f.name for f in fields(State)}


def test_a_scenario_whose_cast_is_always_present_has_no_schedule():
    from sim.engine.compile import compile_structure

    assert compile_structure(baseline()).active is None


@pytest.fixture(scope="module")
def brazil_tables():
    original = GeoModel(baseline(), replication=2).run().tables()
    extended = GeoModel(_with_brazil(**{"from": "2027-01", "until": "2030-01"}), replication=2)
    return original, extended.run().tables()


def test_an_entrant_leaves_the_others_trajectories_unchanged(brazil_tables):
    original, extended = brazil_tables
    actors = extended["actors"]
    inner = actors[actors["actor"] != "BRA"].reset_index(drop=True)
    columns = [c for c in original["actors"].columns if c != "influence"]
    pd.testing.assert_frame_equal(inner[columns], original["actors"][columns])
    pd.testing.assert_frame_equal(extended["events"], original["events"])


def test_an_absent_actor_changes_no_model_measure(brazil_tables):
    original, extended = brazil_tables
    absent = ~extended["measures"]["date"].between("2027-01", "2029-12")
    for column in ("balance", "balance_swing", "polarisation", "blocs_gap", "conflict_risk_any"):
        before = original["measures"].loc[absent, column]
        after = extended["measures"].loc[absent, column]
        np.testing.assert_allclose(after, before, rtol=1e-12, atol=0, err_msg=column)
    # while present, Brazil's regional power (presence 0.1) makes it a swing state
    present = ~absent
    assert not np.allclose(
        extended["measures"].loc[present, "balance_swing"],
        original["measures"].loc[present, "balance_swing"],
    )


def test_an_entrant_has_measures_only_while_present_and_enters_with_its_figures(brazil_tables):
    _, extended = brazil_tables
    rows = extended["actors"][extended["actors"]["actor"] == "BRA"].set_index("date")
    assert rows.loc[:"2026-10", "gdp"].isna().all()
    assert rows.loc["2030-01":, "gdp"].isna().all()
    assert rows.loc["2027-01":"2029-10", ["gdp", "power", "capability"]].notna().all().all()
    # held from the start to its entry: it enters with the figures the file gives it
    assert rows.loc["2027-01", "gdp"] == pytest.approx(BRAZIL["gdp"], rel=1e-12)
    assert rows.loc["2027-01", "defence_share"] == pytest.approx(22.9 / 2170.0, rel=1e-12)
    dyads = extended["dyads"]
    mine = dyads[(dyads["actor"] == "BRA") | (dyads["partner"] == "BRA")].set_index("date")
    assert mine.loc[:"2026-10", "relation"].isna().all()


@pytest.fixture(scope="module")
def succession_model():
    return GeoModel(_with_soviet_union(), replication=1).run()


def test_a_successor_takes_over_the_ties_as_they_stand(succession_model):
    tables = succession_model.tables()
    dyads = tables["dyads"].set_index("date")
    toward_prk = dyads[dyads["partner"] == "PRK"].pivot(columns="actor", values="relation")
    # RUS's own ties start as SUN's (its copy); by the succession they have diverged
    assert toward_prk.loc[:"2026-10", "RUS"].isna().all()
    assert toward_prk.loc["2027-01":, "SUN"].isna().all()
    st = succession_model.state
    S = succession_model.structure
    rus, sun, prk = S.index("RUS"), S.index("SUN"), S.index("PRK")
    # after the handover SUN is held; RUS moved on from SUN's level at 2027-01
    assert toward_prk.loc["2027-01", "RUS"] == pytest.approx(st.relation[sun, prk], abs=1e-12)
    assert toward_prk.loc["2026-10", "SUN"] != toward_prk.loc["2027-01", "RUS"]
    events = tables["events"]
    row = events[events["kind"] == "succession"].iloc[0]
    assert (row["actor"], row["partner"], row["date"]) == ("SUN", "RUS", "2027-01")
    assert st.relation[rus, prk] != st.relation[sun, prk]


def test_a_successor_takes_over_the_trade_and_the_predecessor_trades_nothing(succession_model):
    trade = succession_model.tables()["trade"]
    trade = trade.assign(total=trade["recorded"] + trade["unrecorded"])

    def of(code):
        rows = trade[(trade["from"] == code) | (trade["to"] == code)]
        return rows.groupby("date")["total"].sum()

    sun, rus = of("SUN"), of("RUS")
    assert sun.loc["2027-01":].sum() == 0.0
    assert rus.loc[:"2026-10"].sum() == 0.0
    # the flows move over whole: RUS trades at 2027-01 what SUN did a quarter before
    assert rus.loc["2027-01"] == pytest.approx(sun.loc["2026-10"], rel=0.02)


def test_a_state_that_leaves_takes_its_trade_with_it():
    def edit(data):
        data["actors"]["CHN"]["until"] = "2026-01"

    tables = GeoModel(edited(baseline(), edit), replication=0).run().tables()
    trade = tables["trade"]
    chn = trade[(trade["from"] == "CHN") | (trade["to"] == "CHN")]
    after = chn[chn["date"] >= "2026-01"]
    assert (after["recorded"] + after["unrecorded"]).sum() == 0.0
    actors = tables["actors"]
    assert actors[(actors["actor"] == "CHN") & (actors["date"] >= "2026-01")]["gdp"].isna().all()
    # North Korea's recorded trade falls with China gone
    prk = actors[actors["actor"] == "PRK"].set_index("date")["trade"]
    assert prk.loc["2026-07"] < 0.5 * prk.loc["2025-07"]


def _equal_engines(spec, replications=2):
    block = run_batch([spec] * replications, list(range(replications)))
    for r in range(replications):
        own = GeoModel(spec, replication=r).run().tables()
        for name in ("measures", "actors", "dyads", "trade", "events"):
            b = block.tables[name]
            b = b[b["run"] == r].drop(columns="run").reset_index(drop=True)
            m = own[name].drop(columns="replication").reset_index(drop=True)
            pd.testing.assert_frame_equal(
                m, b[m.columns], check_dtype=False, check_exact=name == "events", rtol=1e-9
            )


def test_both_engines_agree_on_entry_and_departure():
    _equal_engines(_with_brazil(**{"from": "2026-04", "until": "2031-01"}))


def test_both_engines_agree_on_a_succession():
    _equal_engines(_with_soviet_union("2025-07"))


def test_an_absent_actor_does_not_react():
    def edit(data):
        data["actors"]["BRA"] = dict(BRAZIL, **{"from": "2030-01"})
        data["reactions"].append(
            {
                "actor": "BRA",
                "when": {"measure": "balance", "above": -10.0},
                "then": {"add": {"actors.BRA.doctrine.grievance": 0.001}},
                "once": True,
                "note": "fires at once when present",
            }
        )

    events = GeoModel(edited(baseline(), edit), replication=0).run().tables()["events"]
    fired = events[(events["kind"] == "reaction") & (events["actor"] == "BRA")]
    assert len(fired) == 1 and fired["date"].iloc[0] >= "2030-01"


# ------------------------------------------------------------------ bad lifetimes

WITH_JPN = variant(
    "  KOR: {name: South Korea, gdp: 1800, milex: 45, population: 52}\n",
    "  KOR: {name: South Korea, gdp: 1800, milex: 45, population: 52}\n"
    "  JPN: {name: Japan, gdp: 4200, milex: 50, population: 124, FROM}\n",
)


@pytest.mark.parametrize(
    ("life", "event", "message"),
    [
        ("until: 2023-01", "", "actors.JPN.until: date 2023-01 is outside the run"),
        ("from: 2025-01, until: 2024-07", "", "JPN leaves (2024-07) before it enters (2025-01)"),
        (
            "from: 2025-01",
            "  - {at: 2024-07, kind: summit, pair: [JPN, KOR]}\n",
            "events[4].pair[0]: JPN is not present on 2024-07",
        ),
        (
            "from: 2025-01",
            "  - {at: 2024-10, kind: succession, from: KOR, to: JPN}\n",
            "actors.JPN.from: JPN enters by succession on 2024-10, not 2025-01",
        ),
        (
            "until: 2025-07",
            "  - {at: 2024-10, kind: succession, from: JPN, to: KOR}\n",
            "actors.JPN.until: JPN leaves by succession on 2024-10, not 2025-07",
        ),
        (
            "until: 2025-07",
            "  - {at: 2024-10, kind: succession, from: JPN, to: KOR, probability: 0.5}\n",
            "events[4].probability: a succession happens for certain",
        ),
        (
            "until: 2025-07",
            "  - {at: 2024-01, kind: succession, from: JPN, to: KOR}\n",
            "a succession at the run's start",
        ),
        (
            "until: 2025-07",
            "  - {at: 2024-10, kind: succession, from: JPN, to: JPN}\n",
            "a state cannot succeed itself",
        ),
    ],
)
def test_bad_lifetimes_are_located_input_errors(cli, write, out_dir, life, event, message):
    text = WITH_JPN.replace("FROM", life)
    text = variant("reactions:\n", event + "reactions:\n", text)
    out = cli("validate", write(text))
    assert out.code == 2, out.out + out.err
    assert message in " ".join(out.err.split()), out.err
    assert "Traceback" not in out.err
    assert not any(out_dir.iterdir())


def test_a_good_succession_validates(cli, write):
    text = WITH_JPN.replace("FROM", "from: 2024-10")
    text = variant(
        "reactions:\n",
        "  - {at: 2024-10, kind: succession, from: KOR, to: JPN}\n" + "reactions:\n",
        text,
    )
    out = cli("validate", write(text))
    assert out.code == 0, out.err
