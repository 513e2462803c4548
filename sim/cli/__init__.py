"""The ``geosim`` command line: the only place in geosim that prints or exits.

Commands read scenario files through :mod:`sim.scenario` and report what they find.
Errors in a user's input arrive as :class:`~sim.errors.InputError` carrying every
problem at once; they are printed on stderr, one per line
(``file:line: path: message (hint: ...)``), and the command exits with status 2
without a traceback.  Any other exception is a bug in geosim and keeps its
traceback.

Exit statuses: 0 success, 1 a bug (an unexpected exception), 2 bad input or bad
usage.

One module per group of commands (:mod:`.inspect`, :mod:`.run`, :mod:`.sweep`),
all registered on :data:`.common.app`.  May import everything in geosim.
"""

from __future__ import annotations

import sys

from ..errors import InputError
from . import inspect, run, sweep  # noqa: F401  (register the commands)
from .common import EXIT_INPUT, app, print_problems

__all__ = ["app", "main"]

# --------------------------------------------------------------------------- entry point


def main() -> None:
    """Entry point of ``geosim`` and ``python -m sim``."""
    try:
        app(prog_name="geosim")
    except InputError as exc:  # raised outside a command's own handling
        print_problems(exc.problems)
        sys.exit(EXIT_INPUT)
