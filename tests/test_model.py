"""The model as a whole: stability, step-length consistency, ranges, casts, reproducibility.

DESIGN §3 principles: every feedback loop is damped (the deterministic one-step
map at the baseline has spectral radius < 1); month, quarter and year steps agree;
nothing leaves its range for any valid doctrine; an actor added far away changes
nothing for the others; any cast runs; the baseline stays plausible; the same
scenario and seed give the same tables; one agent's row decides as the block does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from model_fixtures import baseline, edited, one_step, tables, variant

from sim import registry
from sim.engine import phases as dynamics
from sim.engine.model import GeoModel
from sim.engine.state import stack
from sim.errors import InputError
from sim.rules import arms
from sim.scenario import scenario_from_yaml

# ------------------------------------------------------------------ spectral radius


class FeedbackMap:
    """One deterministic step as a map of the feedback state x -> x'.

    x holds the relations, the unilateral sanctions and the alliance commitments off
    the diagonal and the burden logits (``extended`` adds trade flows, provocation and
    summit memories, the technology pipeline and the delivery stocks).  GDP and capability are held at
    their values at t: they grow exogenously and are not part of the loop.
    """

    def __init__(self, model: GeoModel, extended: bool = False):
        self.state, self.structure, self.t = model.state.copy(), model.structure, model.t
        n = self.structure.n
        self.off = ~np.eye(n, dtype=bool)
        self.fields = [
            ("relation", self.off),
            ("burden_logit", None),
            ("sanction", self.off),
            ("alliance", self.off),
        ]
        if extended:
            flows = (self.state.recorded + self.state.unrecorded) > 0
            self.fields += [
                ("recorded", flows),
                ("unrecorded", flows),
                ("provocation_memory", None),
                ("summit_memory", self.off),
                ("pipeline", None),
                ("delivery", None),
            ]

    def pack(self, st) -> np.ndarray:
        parts = []
        for name, mask in self.fields:
            a = getattr(st, name)
            parts.append(a[mask] if mask is not None else a.ravel())
        return np.concatenate(parts)

    def unpack(self, x: np.ndarray):
        st = self.state.copy()
        k = 0
        for name, mask in self.fields:
            a = getattr(st, name).copy()
            size = int(mask.sum()) if mask is not None else a.size
            if mask is not None:
                a[mask] = x[k : k + size]
            else:
                a = x[k : k + size].reshape(a.shape)
            setattr(st, name, a)
            k += size
        m = st.model
        st.burden = arms.burden_from_logit(st.burden_logit, m["burden_floor"], m["burden_ceiling"])
        return st

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.pack(one_step(self.unpack(x), self.structure, self.t, 0, True))

    def jacobian(self, h: float = 1e-6) -> np.ndarray:
        x0 = self.pack(self.state)
        jac = np.empty((x0.size, x0.size))
        for i in range(x0.size):
            step = np.zeros_like(x0)
            step[i] = h
            jac[:, i] = (self(x0 + step) - self(x0 - step)) / (2 * h)
        return jac


def _model_at(t: int, spec=None) -> GeoModel:
    model = GeoModel(spec or baseline(), deterministic=True)
    for _ in range(t):
        model.step()
    return model


SPECTRAL_RADIUS_AT_BASELINE = 0.974  # measured (0.9735 with the alliances in the map, issue 13):
# the slowest mode is still sanction decay, e^(-0.1/4)


@pytest.mark.regression
@pytest.mark.parametrize("t", [0, 20])
def test_one_step_map_at_the_baseline_is_contracting(t):
    fmap = FeedbackMap(_model_at(t))
    jac = fmap.jacobian()
    radius = np.abs(np.linalg.eigvals(jac)).max()
    assert radius < 1.0, f"spectral radius {radius:.6f} at step {t}"
    assert radius == pytest.approx(SPECTRAL_RADIUS_AT_BASELINE, abs=0.01)


def test_extended_feedback_map_is_contracting():
    # trade flows, memories and the technology pipeline are feedback loops too
    fmap = FeedbackMap(_model_at(0), extended=True)
    radius = np.abs(np.linalg.eigvals(fmap.jacobian())).max()
    assert radius < 1.0, f"spectral radius {radius:.6f}"


def test_finite_difference_jacobian_is_consistent():
    # the Jacobian predicts the map: a small random perturbation moves x' by J dx
    fmap = FeedbackMap(_model_at(0))
    x0 = fmap.pack(fmap.state)
    dx = np.random.default_rng(3).normal(0, 1e-5, x0.size)
    predicted = fmap.jacobian() @ dx
    actual = fmap(x0 + dx) - fmap(x0)
    np.testing.assert_allclose(actual, predicted, atol=1e-9)


# ------------------------------------------------------------------ step length

HORIZONS = {"month": 120, "quarter": 40, "year": 10}  # ten years each
TOLERANCE = {  # month against year, deterministic, no scheduled events or reactions
    "relation": 5e-3,  # absolute; measured 2.4e-3 (relations move 1.6e-2 over the run)
    "burden": 2e-2,  # relative; measured 9.9e-3
    "gdp": 8e-3,  # relative; measured 5.2e-3 (North Korea; 3.7e-3 with world totals frozen)
    "sanction": 2e-3,  # absolute; measured 3.9e-4
    "capability": 3e-2,  # relative; measured 1.5e-2 (explicit milex over the step)
}


def _step_length_variant(step: str):
    def edit(data):
        data["events"] = []
        data["reactions"] = []  # 'for_steps' counts steps, not months
        data["step"] = step
        data["steps"] = HORIZONS[step]
        for regime in data["sanctions"]["regimes"]:
            regime["renewal"] = None  # a calendar event
        return data

    return edited(baseline(), edit)


@pytest.fixture(scope="module")
def step_length_ends():
    ends = {}
    for step in HORIZONS:
        model = GeoModel(_step_length_variant(step), deterministic=True).run()
        ends[step] = model.state
    return ends


def _gaps(a, b) -> dict[str, float]:
    off = ~np.eye(a.relation.shape[-1], dtype=bool)
    return {
        "relation": float(np.abs(a.relation - b.relation)[off].max()),
        "burden": float((np.abs(a.burden - b.burden) / a.burden).max()),
        "gdp": float((np.abs(a.gdp - b.gdp) / a.gdp).max()),
        "sanction": float(np.abs(a.sanction - b.sanction).max()),
        "capability": float((np.abs(a.capability - b.capability) / a.capability).max()),
    }


def test_month_quarter_and_year_steps_agree(step_length_ends):
    for a, b in (("month", "quarter"), ("quarter", "year"), ("month", "year")):
        gaps = _gaps(step_length_ends[a], step_length_ends[b])
        too_big = {k: v for k, v in gaps.items() if v > TOLERANCE[k]}
        assert not too_big, f"{a} vs {b}: gaps {too_big} exceed {TOLERANCE}"


def test_step_length_gaps_shrink_with_the_step(step_length_ends):
    fine = _gaps(step_length_ends["month"], step_length_ends["quarter"])
    coarse = _gaps(step_length_ends["quarter"], step_length_ends["year"])
    for key in TOLERANCE:
        assert fine[key] < coarse[key], key


# ------------------------------------------------------------------ ranges


def check_ranges(model: GeoModel) -> None:
    """Every state finite and inside its range."""
    st_ = model.state
    m = st_.model
    off = ~np.eye(model.structure.n, dtype=bool)
    for name in st_.__dataclass_fields__:
        value = getattr(st_, name)
        if name in ("war_override", "potential_given"):  # NaN means none
            continue
        values = value.values() if isinstance(value, dict) else [value]
        for v in values:
            assert np.all(np.isfinite(v)), f"{name} not finite at step {model.t}"
    assert np.all(np.abs(st_.relation[off]) < 1.0), "relation left (-1, 1)"
    assert np.all(st_.burden > m["burden_floor"]) and np.all(st_.burden < m["burden_ceiling"])
    assert np.all((st_.sanction >= 0.0) & (st_.sanction <= 1.0))
    assert np.all(st_.gdp > 0.0)
    assert np.all(st_.capability > 0.0)
    assert np.all(st_.provocation_memory >= 0.0) and np.all(st_.summit_memory >= 0.0)
    assert np.all(st_.recorded >= 0.0) and np.all(st_.unrecorded >= 0.0)
    for name, values in model.values["actor"].items():
        finite = (
            values[np.isfinite(values)] if name.startswith(("sanctions_", "mandate")) else values
        )
        assert np.all(np.isfinite(finite)), name
    swing = ~(model.structure.in_a | model.structure.in_b)
    for name, value in model.values["model"].items():
        if name == "balance_swing" and not swing.any():
            assert np.isnan(value)  # no actor outside the poles: documented NaN
            continue
        assert np.isfinite(value), name


def _run_checked(spec, replication: int = 0, deterministic: bool = False) -> GeoModel:
    model = GeoModel(spec, replication=replication, deterministic=deterministic)
    check_ranges(model)
    while model.running:
        model.step()
        check_ranges(model)
    return model


def _doctrines():
    one = st.fixed_dictionaries(
        {
            p.name: st.floats(p.low, p.high, allow_nan=False, exclude_min=p.open_low)
            for p in registry.DOCTRINE
        }
    )
    return st.fixed_dictionaries({code: one for code in baseline().codes})


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doctrines=_doctrines(), replication=st.integers(0, 1000), deterministic=st.booleans())
@pytest.mark.slow
def test_states_stay_finite_and_in_range_for_any_valid_doctrine(
    doctrines, replication, deterministic
):
    def edit(data):
        for code, values in doctrines.items():
            data["actors"][code]["doctrine"] = values

    _run_checked(edited(baseline(), edit), replication, deterministic)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model_params=st.fixed_dictionaries(
        {
            p.name: st.floats(p.low, p.high, allow_nan=False, exclude_min=p.open_low)
            for p in registry.MODEL
        }
    ),
    replication=st.integers(0, 1000),
)
@pytest.mark.slow
def test_states_stay_finite_and_in_range_for_any_valid_model_parameters(model_params, replication):
    weights = ("weight_gdp", "weight_military", "weight_population")
    assume(sum(model_params[w] for w in weights) > 0)  # see test_all_power_weights_zero_is_rejected

    def edit(data):
        data["model"] = model_params

    _run_checked(edited(baseline(), edit), replication)


def test_all_power_weights_zero_is_rejected():
    overrides = {f"model.weight_{w}": 0.0 for w in ("gdp", "military", "population")}
    with pytest.raises(InputError, match="power weights must not all be 0"):
        variant(overrides)
    overrides["model.weight_population"] = 0.2  # one weight is enough
    _run_checked(variant(overrides))


# ------------------------------------------------------------------ casts


def _with_distant_actor(spec):
    def edit(data):
        data["actors"]["BRA"] = {
            "name": "Brazil",
            "gdp": 2170.0,
            "milex": 22.9,
            "population": 212.0,
            "presence": 0.1,
        }  # no dyads (proximity 0, relation 0, no alliance), no trade, no regime

    return edited(spec, edit)


@pytest.fixture(scope="module")
def distant_tables():
    spec = baseline()
    original = tables(GeoModel(spec, replication=2).run())
    extended = tables(GeoModel(_with_distant_actor(spec), replication=2).run())
    return original, extended


def test_distant_actor_leaves_the_others_trajectories_unchanged(distant_tables):
    original, extended = distant_tables
    actors = extended["actors"][extended["actors"]["actor"] != "BRA"].reset_index(drop=True)
    columns = [c for c in original["actors"].columns if c != "influence"]
    pd.testing.assert_frame_equal(actors[columns], original["actors"][columns])
    dyads = extended["dyads"]
    inner = dyads[(dyads["actor"] != "BRA") & (dyads["partner"] != "BRA")].reset_index(drop=True)
    pd.testing.assert_frame_equal(inner, original["dyads"])
    pd.testing.assert_frame_equal(extended["events"], original["events"])
    measures_before, measures_after = original["measures"], extended["measures"]
    risks = [c for c in measures_before.columns if c.startswith("conflict_risk")]
    pd.testing.assert_frame_equal(measures_after[risks], measures_before[risks])
    # a zero-weight term changes the order of a sum, no more
    np.testing.assert_allclose(measures_after["tension"], measures_before["tension"], rtol=1e-12)


def test_distant_actor_leaves_the_others_influence_unchanged(distant_tables):
    original, extended = distant_tables
    actors = extended["actors"][extended["actors"]["actor"] != "BRA"].reset_index(drop=True)
    np.testing.assert_allclose(actors["influence"], original["actors"]["influence"], rtol=1e-12)


TAIWAN_STRAIT = """\
schema_version: 1
name: strait
start: 2024-01
step: quarter
steps: 20
seed: 3
replications: 2
reference: {world_gdp: 110000, world_milex: 2700, world_population: 8100}
actors:
  USA: {name: United States, gdp: 29000, milex: 990, population: 340, presence: 0.3, warheads: 5000}
  CHN: {name: China, gdp: 18700, milex: 314, population: 1410, presence: 0.6, warheads: 600,
        doctrine: {provocation_rate: 3.0}}
  TWN: {name: Taiwan, gdp: 780, milex: 19, population: 23.4}
  JPN: {name: Japan, gdp: 4030, milex: 55, population: 124}
dyads:
  - {pair: [USA, TWN], relation: 0.6, alliance: 0.5, proximity: 0.6}
  - {pair: [USA, JPN], relation: 0.85, alliance: 1.0, proximity: 0.8}
  - {pair: [CHN, TWN], relation: -0.5, proximity: 1.0}
  - {pair: [CHN, USA], relation: -0.35, proximity: 0.6, sanction: [0.1, 0.2]}
  - {pair: [CHN, JPN], relation: -0.3, proximity: 0.9}
trade:
  - {from: CHN, to: USA, category: other, value: 430}
  - {from: TWN, to: CHN, category: other, value: 150}
  - {from: JPN, to: TWN, category: other, value: 30}
analysis:
  blocs: {a: [CHN], b: [USA, TWN, JPN]}
  key_dyads: [[CHN, TWN], [CHN, USA]]
"""


@pytest.mark.parametrize("deterministic", [False, True])
def test_a_cast_without_korean_actors_runs(deterministic):
    spec = scenario_from_yaml(TAIWAN_STRAIT)
    model = _run_checked(spec, replication=1, deterministic=deterministic)
    out = tables(model)
    assert set(out["actors"]["actor"]) == {"USA", "CHN", "TWN", "JPN"}
    assert len(out["measures"]) == spec.steps + 1
    assert out["measures"]["balance"].notna().all()
    assert "conflict_risk.CHN.TWN" in out["measures"]


# ------------------------------------------------------------------ plausibility


@pytest.fixture(scope="module")
def baseline_runs():
    spec = baseline()
    runs = []
    for k in range(10):
        model = GeoModel(spec, replication=k)
        start = model.state.copy()
        off = ~np.eye(model.structure.n, dtype=bool)
        worst = 0.0
        while model.running:
            model.step()
            worst = max(worst, float(np.abs(model.state.relation[off]).max()))
        runs.append((start, model, worst))
    return runs


def test_baseline_relations_stay_away_from_the_limits(baseline_runs):
    for _, _, worst in baseline_runs:
        assert worst < 0.98


def test_baseline_burdens_stay_away_from_their_limits(baseline_runs):
    for _, model, _ in baseline_runs:
        burden = tables(model)["actors"]["defence_share"]
        m = model.state.model
        assert burden.min() > 2 * m["burden_floor"]
        assert burden.max() < 0.5 * m["burden_ceiling"]


def test_baseline_growth_stays_plausible(baseline_runs):
    for _, model, _ in baseline_runs:
        actors = tables(model)["actors"]
        assert actors["growth"].between(-0.05, 0.08).all()  # modelled rate, before shocks
        gdp = actors.pivot(index="step", columns="actor", values="gdp")
        years = model.structure.steps * model.structure.dt
        realised = (gdp.iloc[-1] / gdp.iloc[0]) ** (1 / years) - 1
        assert realised.between(-0.05, 0.08).all(), realised


def test_baseline_moves(baseline_runs):
    # a frozen model fails: every replication moves the balance or some relation visibly
    for start, model, _ in baseline_runs:
        balance = tables(model)["measures"]["balance"]
        moved_balance = abs(balance.iloc[-1] - balance.iloc[0])
        moved_relations = np.abs(model.state.relation - start.relation).max()
        assert moved_balance > 0.01 or moved_relations > 0.05
    assert (
        np.mean([np.abs(m.state.relation - s.relation).max() for s, m, _ in baseline_runs]) > 0.05
    )


# ------------------------------------------------------------------ reproducibility


def test_same_scenario_and_seed_give_identical_tables():
    spec = variant({"steps": 12})
    first = tables(GeoModel(spec, replication=4).run())
    second = tables(GeoModel(spec, replication=4).run())
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], check_exact=True, obj=name)
    other = tables(GeoModel(spec, replication=5).run())
    assert not other["measures"]["balance"].equals(first["measures"]["balance"])


# ------------------------------------------------------------------ rows and blocks


def _compare(whole, part, where=(), what=""):
    whole = whole if isinstance(whole, dict) else vars(whole)
    part = part if isinstance(part, dict) else vars(part)
    for key, value in whole.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value[where], part[key], err_msg=f"{what}{key}")


@pytest.mark.parametrize("deterministic", [True, False])
@pytest.mark.parametrize("t", [0, 5])
def test_decide_on_all_rows_equals_each_row_alone(deterministic, t):
    model = GeoModel(baseline(), replication=1, deterministic=deterministic)
    for _ in range(t):
        model.step()
    st_, s = model.state, model.structure
    view = dynamics.perceive(st_, s, model.t, model.run_seed, deterministic)
    whole = dynamics.decide(st_.copy(), s, view, slice(None))
    for i in range(s.n):
        rows = slice(i, i + 1)
        part = dynamics.decide(st_.copy(), s, view, rows)
        for key, value in vars(whole).items():
            np.testing.assert_array_equal(value[rows], getattr(part, key), err_msg=f"{key} row {i}")


def _two_doctrines():
    a = GeoModel(baseline(), replication=0)
    b = GeoModel(
        variant(
            {
                "actors.PRK.doctrine.provocation_rate": 6.0,
                "actors.USA.doctrine.threat_sensitivity": 3.0,
                "actors.CHN.doctrine.compliance": 0.1,
                "model.contest_exponent": 1.7,
            }
        ),
        replication=1,
    )
    for _ in range(3):  # memories, misperception, technology away from their start
        a.step()
        b.step()
    return a, b


def test_perceive_and_decide_on_a_stacked_state_equal_each_state_alone():
    a, b = _two_doctrines()
    s = a.structure
    block = stack([a.state, b.state])
    seeds = np.array([[a.run_seed], [b.run_seed]], dtype=np.uint64)
    for deterministic in (True, False):
        view = dynamics.perceive(block, s, a.t, seeds, deterministic)
        decision = dynamics.decide(block.copy(), s, view, slice(None))
        for r, model in enumerate((a, b)):
            alone = dynamics.perceive(model.state, s, model.t, model.run_seed, deterministic)
            _compare(view, alone, (r,), f"run {r} perceive ")
            mine = dynamics.decide(model.state.copy(), s, alone, slice(None))
            _compare(decision, mine, (r,), f"run {r} decide ")


def test_one_step_on_a_stacked_state_equals_each_state_alone():
    a, b = _two_doctrines()
    s = a.structure
    seeds = np.array([[a.run_seed], [b.run_seed]], dtype=np.uint64)
    for deterministic in (True, False):
        block = one_step(stack([a.state, b.state]), s, a.t, seeds, deterministic)
        for r, model in enumerate((a, b)):
            alone = one_step(model.state, s, model.t, model.run_seed, deterministic)
            for name in ("relation", "burden", "sanction", "gdp", "capability", "misperception"):
                np.testing.assert_array_equal(
                    getattr(block, name)[r], getattr(alone, name), err_msg=name
                )


def test_a_blocks_arrays_keep_the_runs_fastest_in_memory():
    """The batch engine's speed rests on its arrays keeping the run axis contiguous
    (Fortran order) through every phase; a phase that silently returned C order
    would still give the right numbers, only slower."""
    from sim.engine.calibrate import seed_run
    from sim.engine.compile import compile_structure
    from sim.engine.initial import initial_state
    from sim.engine.state import take

    spec = baseline()
    S = compile_structure(spec)
    R = 16
    st = take(stack([initial_state(spec, S)]), np.zeros(R, dtype=int))
    seed = np.arange(R, dtype=np.uint64)[:, None]
    seed_run(st, S, seed)
    slow: set[str] = set()

    def check(where: str, arrays: dict) -> None:
        for name, value in arrays.items():
            if isinstance(value, dict):
                check(f"{where}.{name}", value)
            elif (
                isinstance(value, np.ndarray)
                and value.ndim >= 2
                and value.size
                and value.shape[0] == R
                and value.strides[0] != value.itemsize
            ):
                slow.add(f"{where}.{name}")

    log, pending = dynamics.Log(batched=True), []
    view = dynamics.perceive(st, S, 0, seed, False)
    for t in range(8):
        if S.events[t] or pending:
            changed = dynamics.begin(st, S, t, seed, pending, log)
            view = dynamics.refresh(view, st, S, t, seed, False, changed, True)
            check("refresh", view)
        decision = dynamics.decide(st, S, view, slice(None))
        check("decide", vars(decision))
        dynamics.world(st, S, view, decision, log)
        check("state", vars(st))
        view = dynamics.perceive(st, S, t + 1, seed, False)
        check("perceive", view)
        values = dynamics.measures(st, S, view)
        check("measures", values)
        pending = dynamics.react(st, S, values)
    assert not slow, f"arrays not in the runs-fastest layout: {sorted(slow)}"


def _reaction_on(measure: str, level: float):
    """The baseline, 4 steps, with one reaction on ``measure`` above ``level``."""

    def edit(data):
        data["steps"] = 4
        data["reactions"] = [
            {
                "actor": "JPN",
                "when": {"measure": measure, "above": level},
                "then": {"add": {"actors.JPN.doctrine.fatigue": 0.0}},
                "every": 1,
            }
        ]

    return edited(baseline(), edit)


_REACTION_MEASURES = [
    m.name + {0: "", 1: ".PRK", 2: ".PRK.KOR"}[m.arity] for m in registry.MEASURES
]


@pytest.mark.parametrize("measure", _REACTION_MEASURES)
def test_every_measure_a_reaction_can_name_runs_in_both_engines(measure):
    """What validation accepts in a reaction, both engines compute: no KeyError."""
    from sim.engine.batch import run_batch

    spec = _reaction_on(measure, -1e9)  # always holds: it fires every step
    block = run_batch([spec], [0])
    own = GeoModel(spec, replication=0).run().tables()
    fired_batch = (block.tables["events"]["kind"] == "reaction").sum()
    fired_mesa = (own["events"]["kind"] == "reaction").sum()
    assert fired_batch == fired_mesa
    values = block.tables["measures"]
    if measure == "provocations" or measure.split(".")[0] in values:
        assert fired_batch >= 1 or values[measure.split(".")[0]].isna().all()


def test_a_reaction_on_provocations_fires_when_events_occur():
    """``provocations`` counts the step's events: above 0.5 fires exactly in those steps."""
    from sim.engine.batch import run_batch

    spec = _reaction_on("provocations", 0.5)
    block = run_batch([spec], [0])
    t = block.tables
    last = t["measures"]["step"].max()  # a reaction fired at the end has no step to act in
    provoked = set(t["measures"].loc[t["measures"]["provocations"] > 0.5, "step"]) - {last}
    fired = set(t["events"].loc[t["events"]["kind"] == "reaction", "step"])
    assert provoked and fired == provoked
