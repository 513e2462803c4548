"""Face validity with size: every bundled variant moves the balance as docs/validation.md says.

The expectations live in one place, the table of docs/validation.md; this test reads
it.  Each row must hold for the paired difference (variant minus baseline, common
random numbers) at REPLICATIONS replications: the stated sign, at least Z_MIN seed
standard errors from zero, and a mean within the stated range of sizes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

import sim
from sim.analysis.compare import compare
from sim.results import RunResult

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "validation.md"
REPLICATIONS = 20
Z_MIN = 3.0


@dataclass(frozen=True)
class Expectation:
    variant: str
    measure: str
    direction: str
    low: float
    high: float

    @property
    def id(self) -> str:
        return f"{self.variant}:{self.measure}"


def expectations() -> list[Expectation]:
    """The rows of the table between the expectation markers of docs/validation.md."""
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- expectations: begin -->")[1].split("<!-- expectations: end -->")[0]
    lines = [line for line in block.strip().splitlines() if line.startswith("|")]
    rows = []
    for line in lines[2:]:  # header and rule
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        variant, measure, direction, low, high = cells[:5]
        rows.append(Expectation(variant, measure, direction, float(low), float(high)))
    return rows


ROWS = expectations()


@cache
def _run(name: str) -> RunResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.run(REPO / "scenarios" / f"{name}.yaml", replications=REPLICATIONS)


def test_the_table_covers_every_bundled_variant():
    """Every scenario extending the baseline is held to something, and the table is sane."""
    variants = {
        p.stem
        for p in (REPO / "scenarios").glob("*.yaml")
        if "extends: baseline.yaml" in p.read_text(encoding="utf-8")
    }
    assert variants and variants == {r.variant for r in ROWS}
    for r in ROWS:
        assert r.direction in ("up", "down"), r.id
        assert 0 < r.low < r.high, r.id


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_each_variant_moves_the_measure_the_stated_way_by_the_stated_size(row):
    comparison = compare([_run("baseline"), _run(row.variant)], measure=row.measure)
    r = comparison.ranking().iloc[0]
    mean, se = float(r["mean_difference"]), float(r["se"])
    sign = 1.0 if row.direction == "up" else -1.0
    where = f"{row.id}: paired difference {mean:+.5g} (se {se:.2g}, n {int(r['n'])})"
    assert sign * mean >= Z_MIN * se, f"{where} is not {Z_MIN} se {row.direction}"
    assert row.low <= abs(mean) <= row.high, f"{where} is outside [{row.low}, {row.high}]"
