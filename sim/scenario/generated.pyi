"""Type stub of sim.scenario.generated, written by tests/make_type_stub.py."""

from pathlib import Path

from .base import Frozen

STUB: Path

def stub_text() -> str: ...
def registry_model(name: str, entries: tuple[object, ...], doc: str) -> type[Frozen]: ...

class Doctrine(Frozen):
    threat_sensitivity: float
    fatigue: float
    grievance: float
    reciprocity: float
    forgiveness: float
    baseline_pull: float
    shared_threat_weight: float
    threat_response: float
    trade_affinity: float
    sanction_resentment: float
    provocation_sensitivity: float
    summit_warmth: float
    hostility_bias: float
    misperception: float
    transfer_willingness: float
    transfer_capacity: float
    export_capacity: float
    absorptive_capacity: float
    compliance: float
    stability_preference: float
    provocation_rate: float
    boldness: float
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
    warhead_offence: float
    warhead_half: float
    provocation_offence: float
    technology_offence: float
    hostility_sharpness: float
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
    growth_shock_sd: float
    relation_sharpness: float
    payment_ratio: float
    technology_ratio: float
    technology_leverage: float
    technology_lag: float
    memory_time: float
    sanction_hostility_threshold: float
    sanction_memory_threshold: float
    measure_rate: float
    alignment_sharpness: float
    influence_weight: float
    risk_base: float
    risk_hostility: float
    risk_parity: float
    risk_proximity: float
    risk_alliance: float
    risk_nuclear: float
    risk_interdependence: float
    def __init__(self, **values: float) -> None: ...
