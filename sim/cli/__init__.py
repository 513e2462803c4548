"""The ``geosim`` command line: the only place in geosim that prints or exits.

Commands read scenario files through :mod:`sim.scenario` and report what they find.
Errors in a user's input arrive as :class:`~sim.errors.InputError` carrying every
problem at once; they are printed on stderr, one per line
(``file:line: path: message (hint: ...)``), and the command exits with status 2
without a traceback.  Damaged results (:class:`~sim.results.ResultsError`) are input
errors too.  Any other exception is a bug in geosim and keeps its traceback.

Exit statuses: 0 success, 1 a bug (an unexpected exception), 2 bad input or bad
usage, 130 interrupted (Ctrl-C: one ``interrupted:`` line, no partial folder).

One module per group of commands (:mod:`.inspect`, :mod:`.run`, :mod:`.sweep`,
:mod:`.report`, :mod:`.calibrate`, :mod:`.dashboard`),
all registered on :data:`.common.app`.  May import everything in geosim.
"""

from __future__ import annotations

import signal
import sys

try:  # Ctrl-C while the commands import: one line, not a traceback
    from ..errors import InputError
    from . import calibrate, dashboard, inspect, report, run, sweep  # noqa: F401  (register the commands)
    from .common import (
        EXIT_INPUT,
        EXIT_INTERRUPTED,
        Interrupted,
        app,
        interrupted_line,
        on_interrupt,
        print_problems,
    )
except KeyboardInterrupt:
    sys.stderr.write("interrupted: nothing was written\n")
    raise SystemExit(130) from None

__all__ = ["app", "main"]

# --------------------------------------------------------------------------- entry point


def main() -> None:
    """Entry point of ``geosim`` and ``python -m sim``.

    Ctrl-C (SIGINT) raises :class:`~.common.Interrupted` in the command, whose clean-up
    runs (temporary folders removed, locks released, workers stopped); then one
    ``interrupted:`` line is printed and the exit status is 130.
    """
    try:
        signal.signal(signal.SIGINT, on_interrupt)
        app(prog_name="geosim")
    except InputError as exc:  # raised outside a command's own handling
        print_problems(exc.problems)
        sys.exit(EXIT_INPUT)
    except (Interrupted, KeyboardInterrupt) as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stderr.write(interrupted_line(exc) + "\n")
        sys.stderr.flush()
        sys.exit(EXIT_INTERRUPTED)
