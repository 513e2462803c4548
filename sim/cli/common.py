"""The command-line application object and what every command shares.

:data:`app` is the typer application the commands of :mod:`sim.cli` register on.
Errors in a user's input arrive as :class:`~sim.errors.InputError` carrying every
problem at once; :func:`input_errors` prints them on stderr, one per line
(``file:line: path: message (hint: ...)``), and exits with status 2 without a
traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..errors import InputError, Problem

EXIT_INPUT = 2
"""Exit status of bad input or bad usage."""

WIDTH = 100
"""Most characters per line of the help text, tables and progress bars."""

app = typer.Typer(
    name="geosim",
    help=(
        "geosim: an agent-based simulator of the Northeast Asian security balance.\n\n"
        "A tool for exploring scenarios, not a forecast. Scenario files are YAML "
        "(see docs/scenarios.md); every tunable number is listed by `geosim params`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": WIDTH},
)


def _package_version() -> str:
    try:
        return version("geosim")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown (not installed)"


def print_problems(problems: list[Problem]) -> None:
    """Print every problem on stderr, one per line: ``file:line: path: message (hint: ...)``.

    The exit is left to the caller (:func:`input_errors`, :func:`sim.cli.main`).
    """
    for problem in problems:
        typer.echo(problem.format(), err=True)


@contextmanager
def input_errors() -> Iterator[None]:
    """Turn an InputError into its messages on stderr and exit status 2."""
    try:
        yield
    except InputError as exc:
        print_problems(exc.problems)
        raise typer.Exit(EXIT_INPUT) from None


@contextmanager
def progress_bar(label: str, total: int, quiet: bool) -> Iterator:
    """A progress bar on stderr (runs done, rate, time left); yields update(done, total)."""

    columns = (
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    err = Console(stderr=True, width=WIDTH)
    with Progress(label, *columns, console=err, disable=quiet, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _total=None: bar.update(task, completed=done)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"geosim {_package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """geosim: an agent-based simulator of the Northeast Asian security balance."""


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a value before validating, e.g. --set actors.CHN.doctrine.compliance=0.3 "
        "(repeatable; paths as in `geosim params`).",
    ),
]
"""The ``--set PATH=VALUE`` option of the commands that read a scenario file."""


def count_text(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1 (``1 replication``, ``50 replications``)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def plain_table(header: list[str], title: str) -> Table:
    """A plain table whose first column (a path or measure) is never cut."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for i, name in enumerate(header):
        table.add_column(name, no_wrap=i == 0)
    return table


def check_choice(value: str, choices: tuple[str, ...], option: str) -> None:
    """Check an option's value against its choices before anything runs.

    Raises an InputError located at ``option`` (e.g. ``--format``), with the choices as
    its hint, unless ``value`` is one of ``choices``; inside :func:`input_errors` the
    command then prints it and exits with status 2.
    """
    if value not in choices:
        raise InputError(
            [
                Problem(
                    option, "", None, f"unknown value {value!r}", f"use one of {', '.join(choices)}"
                )
            ]
        )


def use_agg() -> None:
    """Make matplotlib draw off-screen (the Agg backend), so no display is needed.

    Called by the commands that write figures before they import :mod:`sim.plots`.
    """
    import matplotlib

    matplotlib.use("Agg")


EXECUTORS = ("local", "dask")
"""The values of ``--executor`` (:mod:`sim.analysis.executors`)."""


ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="MODULE:CLASS",
        help="A GeoModel subclass with your own decision rules (module:Class or "
        "file.py:Class; docs/extending.md); it runs on the mesa path.",
    ),
]
"""The ``--model MODULE:CLASS`` option: a user's GeoModel subclass (:func:`check_model`)."""


def check_model(ref: str | None) -> str | None:
    """Check that a ``--model`` reference loads a GeoModel subclass; return it."""
    if ref is None:
        return None
    from ..engine.custom import ModelClassError, load_model_class

    try:
        load_model_class(ref)
    except ModelClassError as exc:
        raise InputError([Problem("--model", ref, None, str(exc), exc.hint)]) from None
    return ref


def mesa_path_note(ref: str) -> str:
    """The one line that says a user's model runs on the mesa path."""
    name = ref.rpartition(":")[2]
    return (
        f"{name} is not GeoModel: the batch engine runs only the built-in rules, so every "
        "run takes the mesa path (slower; recorded in the manifest)"
    )
