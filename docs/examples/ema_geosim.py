"""geosim as an EMA Workbench model: uncertainties in, reduced measures out.

Run as ``python docs/examples/ema_geosim.py [EXPERIMENTS]`` (needs ``pip install
ema_workbench``, also in geosim's ``[discover]`` and ``[test]`` extras); docs/ema.md
explains it.  Each experiment sets a few doctrine and model parameters of the
baseline, runs its replications on the batch engine keeping only the measures asked
for (:func:`sim.outcomes`) and returns their means over the replications.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sim
from sim.scenario import load_tree, resolve

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml"

#: EMA names (Python identifiers) -> geosim paths, with the ranges explored.
UNCERTAINTIES = {
    "provocation_rate": ("actors.PRK.doctrine.provocation_rate", 1.0, 12.0),
    "veto_threshold": ("actors.RUS.doctrine.veto_threshold", 0.0, 1.5),
    "trade_loss": ("model.trade_loss_elasticity", 0.0, 1.0),
}

#: EMA outcome names -> geosim measures (name[.A[.B]][:reducer]).
OUTCOMES = {
    "balance": "balance",
    "prk_capability": "capability.PRK",
    "kor_deterrence": "deterrence.KOR.PRK:mean",
}

REPLICATIONS = 8
TREE = load_tree(SCENARIO)  # read the file once; each experiment only sets values


def geosim_model(**values: float) -> dict[str, float]:
    """One experiment: the baseline with ``values`` set, mean outcomes over replications.

    Parameters
    ----------
    **values : float
        One value per name of :data:`UNCERTAINTIES`.

    Returns
    -------
    dict of str to float
        One mean per name of :data:`OUTCOMES` (failed replications left out).
    """
    spec = resolve(TREE, {UNCERTAINTIES[k][0]: v for k, v in values.items()})
    table = sim.outcomes(spec, list(OUTCOMES.values()), replications=REPLICATIONS)
    kept = table[~table["failed"]]
    return {name: float(kept[measure].mean()) for name, measure in OUTCOMES.items()}


def ema_model():
    """The EMA Workbench model wrapping :func:`geosim_model`."""
    from ema_workbench import Model, RealParameter, ScalarOutcome

    model = Model("geosim", function=geosim_model)
    model.uncertainties = [RealParameter(k, lo, hi) for k, (_, lo, hi) in UNCERTAINTIES.items()]
    model.outcomes = [ScalarOutcome(name) for name in OUTCOMES]
    return model


def main(experiments: int = 16) -> None:
    from ema_workbench import SequentialEvaluator

    with SequentialEvaluator(ema_model()) as evaluator:
        table, outcomes = evaluator.perform_experiments(scenarios=experiments)
    for name, values in outcomes.items():
        table[name] = values
    print(table[[*UNCERTAINTIES, *OUTCOMES]].round(4).to_string(index=False))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 16)
