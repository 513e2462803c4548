"""Fuzz at the range bounds over 400 quarters: every state in its domain, or the
replication flagged failed.

Model parameters and doctrines are drawn at their documented bounds (``geosim
params``), at their defaults or inside; scheduled events ``set`` registry fields to
their bounds or ``scale`` them by the extreme factors at random months of a
100-year run.  A replication the engine does not flag failed must have every value
of its tables inside the domain the docs give (docs/model.md, "The domain of the
state, checked at run time"); one it flags must name a step and a variable.

``python tests/test_fuzz.py [N]`` runs N cases outside pytest and prints the counts.
Measured with 151 cases (2 replications each, December 2026): 0 replications outside
the domain unflagged; flagged failed, 61 of 104 replications with parameters only and
95 of 196 with events, 120 of them as a share of the world (power) above 1 and 36 as
a defence burden; 1 case refused at validation.  A share above 1 is what extreme
parameters do over a century: an actor that outgrows the world's exogenous totals.
"""

from __future__ import annotations

import math
import sys
from collections import Counter

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from model_fixtures import baseline

from sim import registry
from sim.errors import InputError
from sim.rules.economy import growth_bound
from sim.runner import run
from sim.scenario import scenario_from_yaml
from sim.scenario.cross import MAX_FACTOR
from sim.scenario.schema import month_index, month_name

STEPS = 400
REPLICATIONS = 2
TALLY: Counter[str] = Counter()
"""Counts over the cases run in this process (printed by ``python tests/test_fuzz.py``)."""


def _at_bound(p: registry.Param):
    """A value of ``p``: its low or high bound, or one inside (None: the default)."""
    low = math.nextafter(p.low, math.inf) if p.open_low else p.low
    inside = st.floats(low, p.high, allow_nan=False)
    return st.one_of(st.none(), st.just(low), st.just(p.high), inside)


def _params(section: tuple[registry.Param, ...]):
    return st.fixed_dictionaries({p.name: _at_bound(p) for p in section})


CODES = baseline().codes
START = month_index(baseline().start)
SETTABLE = [
    *(("actors.{a}." + p.name, p) for p in registry.ACTOR_FIELDS if p.default is not None),
    *(("actors.{a}.doctrine." + p.name, p) for p in registry.DOCTRINE),
    *(("model." + p.name, p) for p in registry.MODEL),
]


@st.composite
def _event(draw):
    path, p = draw(st.sampled_from(SETTABLE))
    path = path.format(a=draw(st.sampled_from(CODES)))
    month = month_name(START + 3 * draw(st.integers(0, STEPS - 1)))
    if draw(st.booleans()):
        low = math.nextafter(p.low, math.inf) if p.open_low else p.low
        return {"at": month, "set": {path: draw(st.sampled_from([low, p.high]))}}
    lowest = -MAX_FACTOR if p.low < 0 else (1e-9 if p.open_low else 0.0)
    return {"at": month, "scale": {path: draw(st.sampled_from([lowest, MAX_FACTOR]))}}


def _scenario(model, doctrines, events):
    data = baseline().model_dump(by_alias=True, exclude_none=True, mode="json")
    data.pop("extends", None)
    data["model"] = {**data.get("model", {}), **{k: v for k, v in model.items() if v is not None}}
    for code, doctrine in doctrines.items():
        chosen = {k: v for k, v in doctrine.items() if v is not None}
        data["actors"][code]["doctrine"] = {**data["actors"][code].get("doctrine", {}), **chosen}
    data["events"] = [*data.get("events", []), *events]
    data["steps"], data["replications"] = STEPS, REPLICATIONS
    try:
        return scenario_from_yaml(yaml.safe_dump(data, sort_keys=False), "fuzz.yaml")
    except InputError as error:  # e.g. all power weights 0, or a cross-check
        TALLY["rejected at validation"] += 1
        reject()
        raise AssertionError("unreachable") from error


def _bad(values, low=-np.inf, high=np.inf, low_ok=True) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    above = values >= low if low_ok else values > low
    return ~(np.isfinite(values) & above & (values <= high))


def check_domain(result) -> list[str]:
    """Which documented domains the successful replications' tables leave."""
    failed = set(result.manifest.get("failed_replications") or [])
    problems = []
    a = result.actors[~result.actors["replication"].isin(failed)]
    d = result.dyads[~result.dyads["replication"].isin(failed)]
    m = result.measures[~result.measures["replication"].isin(failed)]
    checks = {
        "gdp": _bad(a["gdp"], 0.0, low_ok=False),
        "defence_share": _bad(a["defence_share"], 0.0, 1.0, low_ok=False),
        "capability": _bad(a["capability"], 0.0),
        "power": _bad(a["power"], 0.0, 1.0),
        "regional_power": _bad(a["regional_power"], 0.0, 1.0),
        "growth": _bad(
            a["growth"], -growth_bound(result.scenario.dt), growth_bound(result.scenario.dt)
        ),
        "relation": _bad(d["relation"], -1.0, 1.0),
        "alliance": _bad(d["alliance"], 0.0, 1.0),
        "conflict_risk": _bad(d["conflict_risk"], 0.0, 1.0),
        "sanction": _bad(d["sanction"], 0.0, 1.0),
    }
    for column in ("balance", "tension", "conflict_risk_any"):
        checks[column] = _bad(m[column])
    for name, bad in checks.items():
        if bad.any():
            problems.append(f"{name}: {int(bad.sum())} values outside the domain")
    return problems


def fuzz_case(model, doctrines, events) -> None:
    scenario = _scenario(model, doctrines, events)
    result = run(scenario, seed=1)
    failures = result.manifest.get("failures") or []
    for failure in failures:
        assert failure["step"] >= 0 and failure["where"], failure
        TALLY["flagged failed: " + failure["where"].split(" =")[0].split(".")[-1]] += 1
    kind = "with events" if events else "parameters only"
    TALLY[f"replications ({kind})"] += REPLICATIONS
    TALLY[f"flagged failed ({kind})"] += len(failures)
    problems = check_domain(result)
    TALLY["unflagged outside the domain"] += bool(problems)
    assert not problems, problems


CASE = {
    "model": _params(registry.MODEL),
    "doctrines": st.fixed_dictionaries({c: _params(registry.DOCTRINE) for c in CODES}),
    "events": st.lists(_event(), max_size=4),
}


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(**CASE)
def test_states_at_the_range_bounds_stay_in_the_domain_or_are_flagged(model, doctrines, events):
    fuzz_case(model, doctrines, events)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    failing: list[str] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(**CASE)
    def tally(model, doctrines, events):
        TALLY["cases"] += 1
        try:
            fuzz_case(model, doctrines, events)
        except AssertionError as error:
            failing.append(str(error))

    tally()
    for key, value in sorted(TALLY.items()):
        print(f"{key}: {value}")
    for text in failing[:10]:
        print("unflagged:", text)
