"""geosim: an agent-based simulator of the Northeast Asian security balance.

The public API mirrors the command line:

- :func:`load_scenario` reads, merges, overrides and validates a scenario file;
- :func:`run` runs replications and returns a :class:`RunResult` of tidy tables;
- :func:`outcomes` gives reduced measures per replication at sweep speed (no tables);
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
    from .runner import outcomes, run
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
    "outcomes": ".runner",
    "run": ".runner",
}


_SUBPACKAGES = (
    "analysis",
    "cli",
    "engine",
    "errors",
    "measures",
    "parallel",
    "plots",
    "random",
    "registry",
    "results",
    "rules",
    "runner",
    "scenario",
    "sweep",
    "synthetic",
)
"""Modules reachable as attributes of the package (``sim.engine.state``), imported on use."""

if not TYPE_CHECKING:  # mypy sees the imports above, and so flags a misspelt name

    def __getattr__(name: str):
        """The public names and modules, each imported when first asked for.

        Importing ``sim`` itself then costs nothing: the command line (``sim.cli``)
        does its heavy imports inside its own Ctrl-C guard, and mesa is loaded only
        for GeoModel and Nation (the batch engine, sweeps and the command line start
        about 0.6 s faster without it).
        """
        if name in _LAZY:
            value = getattr(import_module(_LAZY[name], __name__), name)
        elif name in _SUBPACKAGES:
            value = import_module(f".{name}", __name__)
        else:
            raise AttributeError(f"module 'sim' has no attribute {name!r}")
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBPACKAGES})


__all__ = [
    "Decision",
    "GeoModel",
    "InputError",
    "Nation",
    "RunResult",
    "Scenario",
    "load_results",
    "load_scenario",
    "outcomes",
    "run",
]
