"""Alliances form, deepen and lapse endogenously; scripted treaties still work."""

from __future__ import annotations

import warnings
from pathlib import Path

import sim

REPO = Path(__file__).resolve().parent.parent
TREATY = (
    '  - {at: 2024-12, kind: treaty, pair: [RUS, PRK], value: 1.0, note: "Comprehensive '
    'Strategic Partnership in force 4 Dec 2024 (Art. 4 mutual assistance)"}\n'
)


def _pre_treaty(tmp_path: Path, demand: float) -> Path:
    """The baseline without the 2024 treaty, from a loose 0.1 commitment and a cooler
    0.3 attitude, with Russia's war demand starting a year in (2025-07) at ``demand``."""
    text = (REPO / "scenarios" / "baseline.yaml").read_text(encoding="utf-8")
    assert TREATY in text
    text = text.replace(TREATY, "")
    old = "{pair: [RUS, PRK], relation: 0.7, alliance: 0.5,"
    assert old in text
    text = text.replace(old, "{pair: [RUS, PRK], relation: 0.3, alliance: 0.1,")
    old = "- {from: 2024-07, value: 8.0}"
    assert old in text
    text = text.replace(
        old, f"- {{from: 2024-07, value: 0.0}}\n      - {{from: 2025-07, value: {demand}}}"
    )
    path = tmp_path / f"pre_treaty_{demand}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _commitment(path: Path, year: str) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sim.run(path, replications=4)
    d = result.dyads
    sub = d[(d["actor"] == "RUS") & (d["partner"] == "PRK") & (d["date"] == year)]
    return float(sub["alliance"].mean())


def test_a_treaty_emerges_from_war_demand_without_being_scripted(tmp_path):
    """Russia's need for munitions deepens the commitment on both sides from 0.1 to a
    treaty-like level within three years; without the need it stays where it was."""
    with_need = _commitment(_pre_treaty(tmp_path, 8.0), "2028-07")
    without = _commitment(_pre_treaty(tmp_path, 0.0), "2028-07")
    assert with_need > 0.45
    assert abs(without - 0.1) < 0.03


def test_a_scripted_treaty_sets_the_commitment_and_holds_while_the_need_lasts():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sim.run(REPO / "scenarios" / "baseline.yaml", replications=3)
    d = result.dyads
    sub = d[(d["actor"] == "RUS") & (d["partner"] == "PRK")].groupby("date")["alliance"].mean()
    assert sub["2024-07"] == 0.5
    assert sub["2025-01"] > 0.999  # the December 2024 event, recorded at the next quarter
    assert sub.iloc[-1] > 0.95
