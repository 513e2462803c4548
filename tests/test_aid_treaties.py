"""Economic aid, and treaties with and without a defence clause (``docs/model.md`` 7.6, 7.13).

Aid raises the recipient's growth and its goodwill toward the donor, and its end takes
both away; a friendship treaty warms both attitudes and commits nobody; a lapse ends the
commitments.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import variant
from model_fixtures import baseline, edited

from sim.engine.model import GeoModel
from sim.rules import economy


def _run(edit=None, replication=0, deterministic=True):
    spec = baseline() if edit is None else edited(baseline(), edit)
    return GeoModel(spec, replication=replication, deterministic=deterministic).run()


def _events(*events):
    def edit(data):
        data["events"].extend(events)

    return edit


def _series(model, table, column, **where):
    frame = model.tables()[table]
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return frame.set_index("date")[column]


@pytest.fixture(scope="module")
def aid_runs():
    plain = _run()
    aided = _run(
        _events({"at": "2025-01", "kind": "aid", "from": "RUS", "to": "PRK", "value": 2.0})
    )
    ended = _run(
        _events(
            {"at": "2025-01", "kind": "aid", "from": "RUS", "to": "PRK", "value": 2.0},
            {"at": "2028-01", "kind": "aid", "from": "RUS", "to": "PRK", "value": 0.0},
        )
    )
    return plain, aided, ended


def test_aid_raises_the_recipients_growth_while_it_lasts(aid_runs):
    plain, aided, ended = aid_runs
    g0 = _series(plain, "actors", "growth", actor="PRK")
    g1 = _series(aided, "actors", "growth", actor="PRK")
    g2 = _series(ended, "actors", "growth", actor="PRK")
    assert (g1.loc[:"2024-10"] == g0.loc[:"2024-10"]).all()
    # 2 bn a year on a GDP near 25 bn: about 0.15 x 8 % = 1.2 points of growth
    gain = (g1 - g0).loc["2025-04":"2027-10"]
    assert 0.005 < gain.mean() < 0.02
    assert (g2 - g0).loc["2028-04":].abs().max() < 0.3 * gain.mean()
    gdp0 = _series(plain, "actors", "gdp", actor="PRK")
    gdp1 = _series(aided, "actors", "gdp", actor="PRK")
    assert gdp1.iloc[-1] > gdp0.iloc[-1] * 1.05


def test_aid_is_recorded_and_warms_the_recipient_toward_the_donor(aid_runs):
    plain, aided, ended = aid_runs
    assert _series(aided, "actors", "aid_received", actor="PRK").loc["2025-04"] == 2.0
    assert _series(aided, "dyads", "aid", actor="RUS", partner="PRK").loc["2025-04"] == 2.0
    assert _series(aided, "dyads", "aid", actor="PRK", partner="RUS").loc["2025-04"] == 0.0
    r0 = _series(plain, "dyads", "relation", actor="PRK", partner="RUS")
    r1 = _series(aided, "dyads", "relation", actor="PRK", partner="RUS")
    r2 = _series(ended, "dyads", "relation", actor="PRK", partner="RUS")
    # through the client's need of its patron (growth alone moves it by < 0.001)
    assert r1.loc["2027-10"] - r0.loc["2027-10"] > 0.005
    assert r2.iloc[-1] < r1.iloc[-1]
    events = aided.tables()["events"]
    assert ((events["kind"] == "aid") & (events["goldstein"] == 7.4)).sum() == 1


def test_aid_growth_counts_only_aid_above_the_start():
    aid = np.zeros((3, 3))
    aid[0, 1] = 1.0
    gdp = np.array([100.0, 20.0, 50.0])
    share0 = np.array([0.0, 0.05, 0.0])
    out = economy.aid_growth(aid, gdp, share0, np.array(0.2))
    np.testing.assert_allclose(out, [0.0, 0.0, 0.0], atol=1e-15)
    out = economy.aid_growth(2 * aid, gdp, share0, np.array(0.2))
    np.testing.assert_allclose(out, [0.0, 0.2 * 0.05, 0.0])


def test_a_friendship_treaty_warms_both_and_commits_nobody():
    plain = _run()
    treaty = _run(_events({"at": "2025-01", "kind": "friendship_treaty", "pair": ["CHN", "KOR"]}))
    for a, b in (("CHN", "KOR"), ("KOR", "CHN")):
        before = _series(plain, "dyads", "relation", actor=a, partner=b)
        after = _series(treaty, "dyads", "relation", actor=a, partner=b)
        assert after.loc["2025-04"] - before.loc["2025-04"] == pytest.approx(0.1, abs=0.03)
        # the structural attitude moved too: the warmth lasts
        assert after.iloc[-1] - before.iloc[-1] > 0.05
        # no treaty level: only the small commitment warmer ties drive (7.15), against
        # the 1.0 of a defence treaty
        assert _series(plain, "dyads", "alliance", actor=a, partner=b).max() < 1e-6
        assert _series(treaty, "dyads", "alliance", actor=a, partner=b).max() < 0.05


def test_a_treaty_lapse_ends_the_commitments():
    lapsed = _run(_events({"at": "2025-01", "kind": "treaty_lapse", "pair": ["RUS", "PRK"]}))
    for a, b in (("RUS", "PRK"), ("PRK", "RUS")):
        alliance = _series(lapsed, "dyads", "alliance", actor=a, partner=b)
        assert alliance.loc["2024-10"] >= 0.5
        assert alliance.loc["2025-04":].max() < 0.05


@pytest.mark.parametrize(
    ("dyad", "message"),
    [
        (
            "  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0, aid: 0.5}\n",
            "dyads[0].aid: aid flows one way",
        ),
        ("  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0, aid: [-1, 0]}\n", "dyads[0].aid"),
    ],
)
def test_aid_given_both_ways_by_one_number_is_an_input_error(cli, write, out_dir, dyad, message):
    text = variant("  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0}\n", dyad)
    out = cli("validate", write(text))
    assert out.code == 2
    assert message in " ".join(out.err.split()), out.err
    assert "Traceback" not in out.err


def test_a_one_way_aid_validates(cli, write):
    text = variant(
        "  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0}\n",
        "  - {pair: [RUS, PRK], relation: 0.7, alliance: 1.0, aid: [0.5, 0]}\n",
    )
    text = variant(
        "reactions:\n",
        "  - {at: 2025-01, kind: aid, from: RUS, to: PRK, value: 0}\n"
        "  - {at: 2025-01, kind: friendship_treaty, pair: [RUS, KOR], value: 0.05}\n"
        "  - {at: 2025-04, kind: treaty_lapse, pair: [RUS, PRK]}\n"
        "reactions:\n",
        text,
    )
    out = cli("validate", write(text))
    assert out.code == 0, out.err
