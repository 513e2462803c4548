"""Numerics fit for annual steps over decades (issue 15, item 3).

The burden logit is stepped by exponential Euler on its linearised fatigue, so that
annual, quarterly and monthly steps agree; it is bounded at +-8 (anti-windup), so
that a state pinned at its ceiling leaves it soon after its cause is gone.
"""

from __future__ import annotations

import numpy as np

from sim.engine.batch import run_batch
from sim.rules import arms
from tests.model_fixtures import REPO, edited, with_updates

BASELINE = REPO / "scenarios" / "baseline.yaml"


def _burdens(spec):
    block = run_batch([spec], [0], deterministic=True, keep={"defence_share"})
    return np.stack([block.series("defence_share", (k,))[0] for k in range(len(spec.codes))])


def _fatigued(step: str, steps: int, fatigue: float):
    from sim.scenario import load_scenario

    spec = load_scenario(BASELINE, {"step": step, "steps": steps, "model.growth_shock_sd": 0.0})
    return with_updates(spec, {f"actors.{c}.doctrine.fatigue": fatigue for c in spec.codes})


def test_eighty_annual_steps_agree_with_quarterly_steps():
    """Within 0.2 pp of GDP on every burden at every year; explicit Euler was 4.8 pp off
    at this fatigue (its annual steps swung the burdens between 0.45 % and 11 %)."""
    years = _burdens(_fatigued("year", 80, 3.0))
    quarters = _burdens(_fatigued("quarter", 320, 3.0))[:, ::4]
    assert np.abs(years - quarters).max() < 0.002


def test_the_logit_step_never_passes_the_equilibrium_of_its_fatigue():
    """One long step with strong fatigue lands between the burden and its reference."""
    z = arms.logit_from_burden(np.array([0.10]), 0.001, 0.4)
    s = arms.burden_from_logit(z, 0.001, 0.4)
    one = np.array([0.5])
    for dt in (0.25, 1.0, 10.0):
        z1 = arms.burden_logit_step(z, s, np.array([0.03]), one, one, 0.0, 3.0, 0.0, dt, 0.001, 0.4)
        s1 = arms.burden_from_logit(z1, 0.001, 0.4)
        assert 0.03 <= s1[0] < 0.10


def test_a_state_relieved_of_its_drive_leaves_the_ceiling_within_three_years():
    """Anti-windup: 40 years pinned at the ceiling, then 3 years to fall below 90 % of it."""
    from sim.scenario import load_scenario

    spec = load_scenario(BASELINE, {"steps": 240, "model.growth_shock_sd": 0.0})
    push = {
        "at": "2025-01",
        "set": {"actors.KOR.doctrine.grievance": 0.5, "actors.KOR.doctrine.fatigue": 0.0},
    }
    relief = {
        "at": "2065-01",
        "set": {"actors.KOR.doctrine.grievance": 0.0, "actors.KOR.doctrine.fatigue": 0.2},
    }
    spec = edited(spec, lambda d: d.update(events=list(d["events"]) + [push, relief]))
    kor = _burdens(spec)[spec.codes.index("KOR")]
    ceiling = spec.model.burden_ceiling
    at = {spec.date_of(k): v for k, v in enumerate(kor)}
    assert at["2064-10"] > 0.999 * ceiling  # pinned
    assert at["2068-01"] < 0.9 * ceiling  # released
