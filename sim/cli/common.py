"""The command-line application object and what every command shares.

:data:`app` is the typer application the commands of :mod:`sim.cli` register on.
Errors in a user's input arrive as :class:`~sim.errors.InputError` carrying every
problem at once; :func:`input_errors` prints them on stderr, one per line
(``file:line: path: message (hint: ...)``), and exits with status 2 without a
traceback.

**Limits of the command line** (checked before anything runs, each a located message
and exit 2): ``--replications`` at most :data:`MAX_REPLICATIONS` (the scenario
schema's), ``--seed`` from 0 to :data:`MAX_SEED`; a run or sweep whose estimated
memory is above :data:`sim.results.MEMORY_LIMIT`, or a sweep of more than
:data:`sim.analysis.sweep.MAX_RUNS` runs, needs ``--force``.

**Ctrl-C** (SIGINT) makes :func:`sim.cli.main` print one ``interrupted:`` line and
exit with status :data:`EXIT_INTERRUPTED`; :class:`Interrupted` carries what was kept.
"""

from __future__ import annotations

import signal
import warnings
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
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..errors import InputError, Problem, StoreNote
from ..results import one_line

EXIT_INPUT = 2
"""Exit status of bad input or bad usage."""

EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT, as shells report it)."""

MAX_REPLICATIONS = 1_000_000
"""Most replications ``--replications`` accepts (the scenario schema's limit)."""

MAX_SEED = 2**63 - 1
"""Largest root seed ``--seed`` accepts (seeds are 64-bit signed integers)."""


class Interrupted(BaseException):
    """Raised in the main thread on Ctrl-C by :func:`on_interrupt`.

    Not a ``KeyboardInterrupt``, so that click does not turn it into ``Aborted!`` with
    status 1; a ``BaseException``, so that no ``except Exception`` swallows it and
    every ``finally`` (atomic writes, locks, worker pools) runs.  Its argument, if
    any, says what was kept (``3 of 12 runs are saved in ...``).
    """


def on_interrupt(signum: int, frame: object) -> None:
    """SIGINT handler of the command line: ignore further Ctrl-C, raise Interrupted.

    Further presses are ignored so that the clean-up the first one starts (removing a
    temporary folder, releasing a lock, stopping workers) is not cut short.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Interrupted()


def interrupted_line(exc: BaseException) -> str:
    """The one line printed on Ctrl-C: what was kept, or that nothing was written."""
    what = exc.args[0] if isinstance(exc, Interrupted) and exc.args else "nothing was written"
    return f"interrupted: {what}"


@contextmanager
def store_notes() -> Iterator[None]:
    """Print each :class:`~sim.errors.StoreNote` warning as one ``note:`` line on stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", StoreNote)
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, StoreNote):
                typer.echo(f"note: {message}", err=True)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


@contextmanager
def write_errors(origin: str = "--out") -> Iterator[None]:
    """Turn an OSError while writing results (disk full, permissions) into an InputError.

    The message names the file and the system's reason on one line; with
    :func:`input_errors` around it, the command exits with status 2.
    """
    try:
        yield
    except OSError as exc:
        where = exc.filename if exc.filename else origin
        reason = exc.strerror or one_line(exc)
        raise InputError(
            [
                Problem(
                    str(where),
                    "",
                    None,
                    f"cannot write the results: {reason}",
                    "check the free space and permissions of the output root",
                )
            ]
        ) from None


def check_run_options(replications: int | None, seed: int | None) -> None:
    """Check ``--replications`` and ``--seed`` against the limits of the command line.

    Raises an InputError located at the option unless ``replications`` is at most
    :data:`MAX_REPLICATIONS` and ``seed`` at most :data:`MAX_SEED` (typer checks the
    lower bounds).
    """
    problems = []
    if replications is not None and replications > MAX_REPLICATIONS:
        problems.append(
            Problem(
                "--replications",
                "",
                None,
                f"{replications:,} replications is above the limit of {MAX_REPLICATIONS:,}",
                "replications are seeded one by one: a few hundred give tight bands",
            )
        )
    if seed is not None and seed > MAX_SEED:
        problems.append(
            Problem(
                "--seed",
                "",
                None,
                f"{seed} is above the largest root seed, {MAX_SEED} (2**63 - 1)",
                "give a seed from 0 to 2**63 - 1",
            )
        )
    if problems:
        raise InputError(problems)


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Run even above the size limits (4 GiB of estimated memory; sweeps: "
        "2,000,000 runs); never above this machine's memory.",
    ),
]
"""The ``--force`` option: lift the documented size limits."""

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
    """A progress bar on stderr (done, rate, time left); yields ``update(done, total)``.

    ``update(done, total, "figures")`` adds a bar for another stage (and moves it):
    the figures drawn after the runs, say.
    """

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    err = Console(stderr=True, width=WIDTH)
    with Progress(*columns, console=err, disable=quiet, transient=True) as bar:
        tasks = {label: bar.add_task(label, total=total)}

        def update(done: int, stage_total: int | None = None, stage: str = label) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=stage_total)
            bar.update(tasks[stage], completed=done, total=stage_total or None)

        yield update


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
