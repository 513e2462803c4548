"""Type stub of sim.scenario.generated, written by tests/make_type_stub.py."""

from pathlib import Path

from .base import Frozen

STUB: Path

def stub_text() -> str: ...
def registry_model(name: str, entries: tuple[object, ...], doc: str) -> type[Frozen]: ...

class Doctrine(Frozen):
    threat_sensitivity: float
    fatigue: float
    tolerance_adaptation: float
    war_burden: float
    grievance: float
    reciprocity: float
    forgiveness: float
    baseline_pull: float
    shared_threat_weight: float
    threat_response: float
    trade_affinity: float
    sanction_resentment: float
    provocation_sensitivity: float
    entrapment_sensitivity: float
    summit_warmth: float
    need_warmth: float
    enforcement_resentment: float
    hostility_bias: float
    misperception: float
    transfer_willingness: float
    transfer_capacity: float
    transfer_interest: float
    export_capacity: float
    absorptive_capacity: float
    missile_share: float
    compliance: float
    stability_preference: float
    provocation_rate: float
    boldness: float
    self_excitation: float
    engagement_restraint: float
    sanction_defiance: float
    moratorium: float
    border_closure: float
    sanction_propensity: float
    sanction_decay: float
    veto_threshold: float
    def __init__(self, **values: float) -> None: ...

class ModelParams(Frozen):
    weight_gdp: float
    weight_military: float
    weight_population: float
    depreciation: float
    contest_exponent: float
    background_threat: float
    cover_substitution: float
    nuclear_weight: float
    warhead_half: float
    delivery_half: float
    provocation_offence: float
    hostility_exponent: float
    misperception_persistence: float
    credibility_base: float
    credibility_alliance: float
    credibility_presence: float
    credibility_vulnerability: float
    credibility_provocation: float
    burden_floor: float
    burden_ceiling: float
    trade_elasticity: float
    trade_adjustment: float
    diversion: float
    monitoring_floor: float
    compliance_sharpness: float
    compliance_midpoint: float
    sanctions_erosion: float
    trade_loss_elasticity: float
    evasion_premium: float
    guns_butter: float
    aid_growth: float
    growth_shock_sd: float
    relation_sharpness: float
    payment_ratio: float
    technology_ratio: float
    technology_leverage: float
    technology_lag: float
    supply_elasticity: float
    export_drawdown: float
    abstention_margin: float
    memory_time: float
    alliance_pull: float
    alliance_formation: float
    alliance_lapse: float
    alliance_relation_weight: float
    alliance_threat_weight: float
    alliance_need_weight: float
    sanction_hostility_threshold: float
    sanction_memory_threshold: float
    measure_rate: float
    alignment_sharpness: float
    bloc_threat_weight: float
    influence_weight: float
    risk_base: float
    risk_hostility: float
    risk_deterrence: float
    risk_proximity: float
    risk_alliance: float
    risk_nuclear: float
    risk_interdependence: float
    def __init__(self, **values: float) -> None: ...
