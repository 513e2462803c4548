"""The starting state of a run, derived from the scenario and calibrated.

:func:`initial_state` derives the starting arrays (burdens, capability stocks,
schedules of reference burdens and war demand, dyad matrices, trade flows,
regimes) and, unless told otherwise, calibrates them (:mod:`.calibrate`) so that
the start is an equilibrium of the deterministic model.
"""

from __future__ import annotations

import numpy as np

from .. import registry
from ..rules import arms, power
from ..scenario import DYAD_FIELD_NAMES, PathRef, Scenario, month_index
from .calibrate import calibrate as calibrate_state
from .compile import imposed_later
from .state import State, Structure

DERIVED_FROM = {
    "model": ("burden_floor", "burden_ceiling", "depreciation"),
    "doctrine": ("missile_share",),
}
"""Starting values :func:`initial_state` derives other arrays from (the burden's logit,
the capability and delivery stocks), besides every actor figure but those in
:data:`START_ARRAYS`."""

START_ARRAYS: dict[str, tuple[str, ...]] = {
    "population": ("population",),
    "warheads": ("warheads",),
    "presence": ("presence",),
    "growth": ("base_growth", "growth"),
}
"""The actor figures :func:`initial_state` copies, unchanged, into these State arrays."""


def copied_at_start(ref: PathRef) -> bool:
    """Whether :func:`initial_state` copies the value at ``ref`` into the state unchanged.

    Such a value can be set on an uncalibrated starting block by :func:`set_start`, run
    by run, with the same result as a scenario that gives it (tested for every such
    path); a value other arrays are derived from (a GDP, milex, the burden range,
    depreciation, the missile share) cannot.

    Parameters
    ----------
    ref : PathRef
        A parsed scenario path.
    """
    if ref.kind in ("model", "doctrine"):
        return ref.field not in DERIVED_FROM[ref.kind]
    if ref.kind == "reference":
        return True
    return ref.kind == "actor" and ref.field in START_ARRAYS


def set_start(st: State, S: Structure, ref: PathRef, row: int, value: float) -> None:
    """Set the starting value at ``ref`` of run ``row`` of an uncalibrated block (in place).

    Parameters
    ----------
    st : State
        A block from :func:`initial_state` (``calibrate=False``), stacked.
    S : Structure
        Its structure (the actor codes).
    ref : PathRef
        A path that :func:`copied_at_start`.
    row : int
        The run.
    value : float
        The value, already validated against the path's range.
    """
    if ref.kind == "model":
        st.model[ref.field][row] = value
    elif ref.kind == "reference":
        st.reference[ref.field][row] = value
    elif ref.kind == "doctrine":
        st.doctrine[ref.field][row, S.codes.index(str(ref.a))] = value
    else:
        for name in START_ARRAYS[ref.field]:
            getattr(st, name)[row, S.codes.index(str(ref.a))] = value


def initial_state(spec: Scenario, structure: Structure, calibrate: bool = True) -> State:
    """Starting arrays of one run (leading dimensions ``()``), calibrated (see module doc).

    Parameters
    ----------
    spec : Scenario
        A validated scenario.
    structure : Structure
        Its compiled structure.
    calibrate : bool
        Calibrate the start (:func:`~sim.engine.calibrate.calibrate`); False leaves it to
        the caller, e.g. for a whole stacked block at once.

    Raises
    ------
    ValueError : a defence burden lies outside the model's range.
    """
    codes = structure.codes
    n = len(codes)
    idx = {c: i for i, c in enumerate(codes)}
    cats = structure.categories
    nc = len(cats)
    actors = [spec.actors[c] for c in codes]

    def arr(values) -> np.ndarray:
        return np.array(values, dtype=float)

    model = {p.name: np.array(float(getattr(spec.model, p.name))) for p in registry.MODEL}
    names = [p.name for p in registry.DOCTRINE]
    table = arr([[vars(a.doctrine)[name] for name in names] for a in actors]).reshape(n, -1)
    doctrine = {name: table[:, k].copy() for k, name in enumerate(names)}
    reference = {
        k: np.array(float(v)) for k, v in spec.reference.model_dump().items() if k != "series"
    }

    gdp = arr([a.gdp for a in actors])
    milex = arr([a.milex for a in actors])
    burden = milex / gdp
    floor, ceiling = model["burden_floor"], model["burden_ceiling"]
    if np.any(burden <= floor) or np.any(burden >= ceiling):
        bad = [c for c, s in zip(codes, burden, strict=True) if not floor < s < ceiling]
        raise ValueError(
            f"defence burden of {bad} lies outside model.burden_floor.."
            "model.burden_ceiling; check milex and gdp"
        )
    capability = power.initial_capability(
        milex,
        arr([a.ppp_factor for a in actors]),
        model["depreciation"],
        arr([a.milex_growth for a in actors]),
    )
    delivery = power.initial_capability(  # the delivery-means part, at steady growth
        milex * doctrine["missile_share"],
        arr([a.ppp_factor for a in actors]),
        model["depreciation"],
        arr([a.milex_growth for a in actors]),
    )
    # reference burden schedule (documented trends)
    schedule = np.tile(burden, (structure.steps + 1, 1))
    start_m = month_index(spec.start)
    elapsed = np.arange(structure.steps + 1) * spec.step_months  # months since the start
    for i, a in enumerate(actors):
        targets = a.burden_target if isinstance(a.burden_target, list) else [a.burden_target]
        for target in [x for x in targets if x is not None]:
            # from the decision on, a linear path from the level then to the target
            decided = max(0, month_index(target.decided) - start_m) if target.decided else 0
            months = max(1, month_index(target.by) - start_m - decided)
            level = np.interp(decided, elapsed, schedule[:, i])
            after = elapsed >= decided
            frac = np.minimum(1.0, (elapsed - decided) / months)
            path = level + frac * (target.value - level)
            schedule[:, i] = np.where(after, path, schedule[:, i])

    # exogenous war demand, as steps: each point holds from its month on, until the next
    war = np.zeros((structure.steps + 1, n))
    for i, a in enumerate(actors):
        for p in sorted(a.war_demand, key=lambda p: month_index(p.start)):
            war[start_m + elapsed >= month_index(p.start), i] = p.value

    # dyads (entries apply in file order)
    fields = {}
    for name in DYAD_FIELD_NAMES:
        default = registry.DYAD_BY_NAME[name].default
        fields[name] = np.full((n, n), default, dtype=float)
    for d in spec.dyads:
        first, second = idx[d.pair[0]], idx[d.pair[1]]
        for name in fields:
            value = getattr(d, name)
            if value is None:
                continue
            if isinstance(value, tuple | list):
                fields[name][first, second] = float(value[0])
                fields[name][second, first] = float(value[1])
            else:
                fields[name][first, second] = float(value)
                if d.symmetric:
                    fields[name][second, first] = float(value)
    for m in fields.values():
        np.fill_diagonal(m, 0.0)
    np.fill_diagonal(fields["transfer_multiplier"], 1.0)

    recorded = np.zeros((n, n, nc))
    unrecorded = np.zeros((n, n, nc))
    given = np.full((n, n, nc), np.nan)
    for f in spec.trade:
        where = (idx[f.source_code], idx[f.to], cats.index(f.category))
        recorded[where] += f.value
        unrecorded[where] += f.unrecorded
        if f.potential is not None:
            given[where] = f.potential
    fl = structure.flows
    flow_index = (fl.source, fl.target, fl.category)
    coverage = np.zeros((n, nc))
    monitoring = np.zeros(n)
    mandate = np.zeros(n, dtype=bool)
    lapsed = np.full(n, -1.0)  # below 0: a veto leaves monitoring and mandate as they are
    for regime in spec.sanctions.regimes:
        t = idx[regime.target]
        if regime.lapsed_monitoring is not None:
            lapsed[t] = regime.lapsed_monitoring
        if imposed_later(spec, regime):
            continue  # uncovered, unmonitored, no mandate until its imposition event
        monitoring[t] = regime.monitoring
        mandate[t] = True
        for cat, share in regime.coverage.items():
            coverage[t, cats.index(cat)] = share

    nr = len(structure.reactions)
    st = State(
        gdp=gdp,
        population=arr([a.population for a in actors]),
        warheads=arr([a.warheads for a in actors]),
        presence=arr([a.presence for a in actors]),
        base_growth=arr([a.growth for a in actors]),
        ppp_factor=arr([a.ppp_factor for a in actors]),
        burden_logit=arms.logit_from_burden(burden, floor, ceiling),
        burden=burden.copy(),
        burden0=burden.copy(),
        tolerance=np.zeros(n),
        capability=capability,
        technology=np.zeros(n),
        delivery=delivery,
        pipeline=np.zeros(n),
        provocation_memory=np.zeros(n),
        war_override=np.full(n, np.nan),
        growth=arr([a.growth for a in actors]),
        volume_last=np.zeros(n),
        evasion_last=np.zeros(n),
        burden_schedule=schedule,
        war_series=war,
        aid_share0=fields["aid"].sum(axis=0) / gdp,
        relation=fields["relation"],
        alliance=fields["alliance"],
        alliance_level=fields["alliance"].copy(),
        alliance_drive0=np.zeros((n, n)),
        proximity=fields["proximity"],
        sanction=fields["sanction"],
        multiplier=fields["transfer_multiplier"],
        summit_rate=fields["summit_rate"],
        summit_memory=np.zeros((n, n)),
        aid=fields["aid"],
        baseline_relation=fields["relation"].copy(),
        base_mutual=0.5 * (fields["relation"] + fields["relation"].T),
        relation_offset_up=np.zeros((n, n)),
        relation_offset_down=np.zeros((n, n)),
        sanction_offset_up=np.zeros((n, n)),
        sanction_offset_down=np.zeros((n, n)),
        misperception=np.zeros((n, n)),
        potential0=np.zeros(structure.flows.size),
        recorded=recorded[flow_index],
        unrecorded=unrecorded[flow_index],
        potential_given=given[flow_index],
        enforcement_gain=np.ones((n, n)),
        coverage=coverage,
        monitoring=monitoring,
        mandate=mandate,
        lapsed_monitoring=lapsed,
        doctrine=doctrine,
        model=model,
        reference=reference,
        reaction_streak=np.zeros(nr),
        reaction_since=np.full(nr, 1e9),
        reaction_count=np.zeros(nr),
    )
    if calibrate:
        calibrate_state(st, structure)
    return st
