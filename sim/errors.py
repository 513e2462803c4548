"""Errors in a user's input: located problems, all reported at once.

Every layer that reads user input (scenario and sweep files, ``--set`` overrides,
command-line values) raises :class:`InputError` carrying every :class:`Problem` it
found; the command line prints them one per line and exits with status 2.  This
module imports nothing from geosim.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Problem:
    """One thing wrong with an input, located as precisely as possible.

    Attributes
    ----------
    file : str
        The file the value came from, or the origin standing for it (``--set``,
        ``<text>``).
    path : str
        Where in the input, as a dotted path with list indices (``dyads[2].pair``);
        empty for the whole file.
    line : int or None
        The line of the value in ``file`` (counted from 1); None when unknown.
    message : str
        What is wrong.
    hint : str
        How to fix it (often the closest valid name); empty when there is none.
    """

    file: str
    path: str
    line: int | None
    message: str
    hint: str = ""

    def format(self) -> str:
        """``file:line: path: message (hint: ...)`` on one line.

        The line, the path and the hint are left out where they are unknown or empty.
        """
        where = self.file + (f":{self.line}" if self.line else "")
        at = f" {self.path}:" if self.path else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{at} {self.message}{hint}"


class InputError(Exception):
    """Raised with every problem found in a user's input at once.

    Its message is the problems formatted one per line (:meth:`Problem.format`).

    Parameters
    ----------
    problems : list of Problem
        Every problem found, in the order found; kept as ``problems``.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class StoreNote(UserWarning):
    """Something the user should know about a sweep store, issued as a warning.

    A damaged shard moved aside, a stale lock taken over, a ``--resume`` that starts a
    new store because the inputs changed.  Library code issues it with
    :func:`warnings.warn`; the command line prints each as one ``note:`` line.
    """
