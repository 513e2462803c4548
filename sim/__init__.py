"""geosim: an agent-based simulator of the Northeast Asian security balance.

The public API mirrors the command line:

- :func:`load_scenario` reads, merges, overrides and validates a scenario file;
- :func:`run` runs replications and returns a :class:`RunResult` of tidy tables;
- :func:`load_results` reads a results folder back;
- :class:`GeoModel` is the mesa model of one run, :class:`Nation` its agents.

geosim is a tool for exploring scenarios, not a forecast.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine.agents import Nation
    from .engine.decide import Decision
    from .engine.model import GeoModel
    from .errors import InputError
    from .results import RunResult, load_results
    from .runner import run
    from .scenario import Scenario, load_scenario

_LAZY = {
    "Decision": ".engine.decide",
    "GeoModel": ".engine.model",
    "InputError": ".errors",
    "Nation": ".engine.agents",
    "RunResult": ".results",
    "Scenario": ".scenario",
    "load_results": ".results",
    "load_scenario": ".scenario",
    "run": ".runner",
}


def __getattr__(name: str):
    """The public names, each imported when first asked for.

    Importing ``sim`` itself then costs nothing: the command line (``sim.cli``) does
    its heavy imports inside its own Ctrl-C guard, and mesa is loaded only for
    GeoModel and Nation (the batch engine, sweeps and the command line start about
    0.6 s faster without it).
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Decision",
    "GeoModel",
    "InputError",
    "Nation",
    "RunResult",
    "Scenario",
    "load_results",
    "load_scenario",
    "run",
]
