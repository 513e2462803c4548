"""geosim: an agent-based simulator of the Northeast Asian security balance.

The public API mirrors the command line:

- :func:`load_scenario` reads, merges, overrides and validates a scenario file;
- :func:`run` runs replications and returns a :class:`RunResult` of tidy tables;
- :func:`load_results` reads a results folder back;
- :class:`GeoModel` is the mesa model of one run, :class:`Nation` its agents.

geosim is a tool for exploring scenarios, not a forecast.
"""

from typing import TYPE_CHECKING

from .engine.decide import Decision
from .errors import InputError
from .results import RunResult, load_results
from .runner import run
from .scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from .engine.agents import Nation
    from .engine.model import GeoModel


def __getattr__(name: str):
    """GeoModel and Nation import mesa only when asked for: the batch engine, sweeps and
    the command line start about 0.6 s faster without it."""
    if name == "GeoModel":
        from .engine.model import GeoModel

        return GeoModel
    if name == "Nation":
        from .engine.agents import Nation

        return Nation
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


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
