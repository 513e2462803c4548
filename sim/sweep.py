"""The public sweep API, ``sim.sweep``: load, run and read parameter sweeps.

This module only re-exports :mod:`sim.analysis.sweep` and :mod:`sim.analysis.store`
(with the sweep-file schema of :mod:`sim.analysis.spec` and the worker side,
:func:`~sim.analysis.executors.execute_chunk`) under the short name of the documented
API (``sim.sweep.load(folder)``; ``docs/sweeps.md``).
"""

from .analysis.executors import execute_chunk
from .analysis.spec import ParamSpec, SweepSpec
from .analysis.store import SweepResult, finished_runs, load
from .analysis.sweep import (
    CHUNK,
    RunTask,
    Sweep,
    estimate,
    is_sweep_file,
    load_sweep,
    plan,
    run_id,
    run_sweep,
)

__all__ = [
    "CHUNK",
    "ParamSpec",
    "RunTask",
    "Sweep",
    "SweepResult",
    "SweepSpec",
    "estimate",
    "execute_chunk",
    "finished_runs",
    "is_sweep_file",
    "load",
    "load_sweep",
    "plan",
    "run_id",
    "run_sweep",
]
