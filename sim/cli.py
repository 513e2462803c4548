"""The ``geosim`` command line: the only place in geosim that prints or exits.

Commands read scenario files through :mod:`sim.scenario` and report what they find.
Errors in a user's input arrive as :class:`~sim.yamlio.InputError` carrying every
problem at once; they are printed on stderr, one per line
(``file:line: path: message (hint: ...)``), and the command exits with status 2
without a traceback.  Any other exception is a bug in geosim and keeps its
traceback.

Exit statuses: 0 success, 1 a bug (an unexpected exception), 2 bad input or bad
usage.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

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

from . import params as registry
from .scenario import Scenario, lint, load_scenario
from .yamlio import InputError, Problem

EXIT_INPUT = 2
WIDTH = 100

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


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        typer.echo(problem.format(), err=True)


@contextmanager
def _input_errors() -> Iterator[None]:
    """Turn an InputError into its messages on stderr and exit status 2."""
    try:
        yield
    except InputError as exc:
        _print_problems(exc.problems)
        raise typer.Exit(EXIT_INPUT) from None


@contextmanager
def _progress(label: str, total: int, quiet: bool) -> Iterator:
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


# --------------------------------------------------------------------------- validate


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE", help="Scenario or sweep files to check.", show_default=False
        ),
    ],
    overrides: SetOption = None,
) -> None:
    """Check scenario and sweep files without running them.

    Prints one OK line per valid file; otherwise every problem, one per line on
    stderr, as `file:line: path: message (hint: ...)`. Exit status 2 if any file
    has a problem.
    """
    from .sweep import is_sweep_file, load_sweep

    failed = False
    for file in files:
        try:
            if is_sweep_file(file):
                sw = load_sweep(file)
                typer.echo(
                    f"{file}: OK (sweep of {sw.base.name}: {len(sw.points)} points x "
                    f"{sw.spec.replications} replications, {sw.spec.method})"
                )
                continue
            scenario = load_scenario(file, overrides=list(overrides or []))
        except InputError as exc:
            _print_problems(exc.problems)
            failed = True
            continue
        typer.echo(f"{file}: OK ({_summary(scenario)})")
        for warning in lint(scenario):
            typer.echo(f"{file}: warning: {warning}", err=True)
    if failed:
        raise typer.Exit(EXIT_INPUT)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _summary(s: Scenario) -> str:
    steps = _count(s.steps, s.step)
    return (
        f"{s.name!r}: {len(s.actors)} actors, {steps} from {s.start} to {s.date_of(s.steps)}, "
        f"{_count(len(s.events), 'event')}, {_count(len(s.reactions), 'reaction')}"
    )


# --------------------------------------------------------------------------- params

SECTIONS: tuple[tuple[str, str, tuple[registry.Param, ...]], ...] = (
    ("reference", "Reference totals (fixed world denominators)", registry.REFERENCE_FIELDS),
    ("actor", "Actor figures (per actor)", registry.ACTOR_FIELDS),
    ("doctrine", "Doctrine (per actor)", registry.DOCTRINE),
    ("dyad", "Dyads (dyads.A-B both ways, dyads.A>B one way)", registry.DYAD_FIELDS),
    ("trade", "Trade flows (directed, by category)", registry.TRADE_FIELDS),
    ("regime", "Multilateral sanctions regimes (by target)", registry.REGIME_FIELDS),
    ("model", "Model-wide parameters", registry.MODEL),
)


def _num(x: float | None) -> str:
    if x is None:
        return "required"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    return f"{x:g}" if isinstance(x, float) else f"{x:,}" if abs(x) >= 10_000 else str(x)


def _range(p: registry.Param) -> str:
    return f"{_num(p.low)} to {_num(p.high)}"


def _by_value(values: dict[str, Any]) -> str:
    """``{USA: 0.95, JPN: 0.95, RUS: 0.1}`` as ``0.95 USA JPN; 0.1 RUS``."""
    groups: dict[str, list[str]] = {}
    for code, value in values.items():
        groups.setdefault(_num(value) if isinstance(value, (int, float)) else str(value), [])
        groups[_num(value) if isinstance(value, (int, float)) else str(value)].append(code)
    if len(groups) == 1:
        return f"{next(iter(groups))} (all)"
    return "; ".join(f"{value} {' '.join(codes)}" for value, codes in groups.items())


def _scenario_value(p: registry.Param, s: Scenario) -> str:
    """The value a scenario gives a registered parameter, in a few words."""
    if p.section == "reference":
        return _num(getattr(s.reference, p.name))
    if p.section == "model":
        return _num(getattr(s.model, p.name))
    if p.section == "actor":
        return _by_value({c: getattr(a, p.name) for c, a in s.actors.items()})
    if p.section == "doctrine":
        return _by_value({c: getattr(a.doctrine, p.name) for c, a in s.actors.items()})
    if p.section == "dyad":
        given = [d for d in s.dyads if getattr(d, p.name) is not None]
        return f"{len(given)} of {len(s.dyads)} dyads set; else {_num(p.default)}"
    if p.section == "trade":
        values = [getattr(t, p.name) for t in s.trade]
        nonzero = sum(1 for v in values if v)
        return f"{nonzero} flows, total {_num(round(sum(values), 3))}"
    if p.section == "regime":
        if not s.sanctions.regimes:
            return "no regime"
        if p.name == "monitoring":
            return "; ".join(f"{r.target} {_num(r.monitoring)}" for r in s.sanctions.regimes)
        return "; ".join(
            f"{r.target} " + " ".join(f"{c}={_num(v)}" for c, v in r.coverage.items())
            for r in s.sanctions.regimes
        )
    raise AssertionError(f"unknown registry section {p.section!r}")


def _measure_syntax(m: registry.Measure) -> str:
    return {0: m.name, 1: f"{m.name}.<A>", 2: f"{m.name}.<A>.<B>"}[m.arity]


def _template(entries: tuple[registry.Param, ...]) -> str:
    """The path of a section's parameters with NAME for the varying part."""
    p = entries[0]
    if p.section == "trade":
        return "trade.<A>><B>.<category>[.NAME]  (NAME value may be left out)"
    if p.section == "regime":
        return "sanctions.<T>.monitoring, sanctions.<T>.coverage.<category>"
    return p.path.removesuffix(p.name) + "NAME"


def _param_rows(
    scenario: Scenario | None, full_paths: bool
) -> Iterator[tuple[str, str, list[list[str]]]]:
    for _, title, entries in SECTIONS:
        rows = []
        for p in entries:
            value = _num(p.default) if scenario is None else _scenario_value(p, scenario)
            name = p.path if full_paths else p.name
            rows.append([name, p.unit, value, _range(p), p.tier, p.source])
        yield title, _template(entries), rows


@app.command()
def params(
    scenario_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="[SCENARIO]",
            help="Show this scenario's values instead of the defaults.",
            show_default=False,
        ),
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown tables (for the docs).")
    ] = False,
    overrides: SetOption = None,
) -> None:
    """List every parameter path and every measure.

    For each parameter: its path, unit, default (or the scenario's value, per actor
    for actor figures and doctrine), plausible range, tier (data, literature or free)
    and source. Then the measures, their syntax and the reducers. Paths are the ones
    --set, events, reactions and sweeps use; <A> and <B> stand for actor codes.
    """
    scenario = None
    if scenario_file is not None:
        with _input_errors():
            scenario = load_scenario(scenario_file, overrides=list(overrides or []))
    elif overrides:
        typer.echo("--set needs a SCENARIO to apply to", err=True)
        raise typer.Exit(EXIT_INPUT)
    value_header = "default" if scenario is None else "value"
    header = ["path", "unit", value_header, "range", "tier", "source"]
    measure_header = ["measure", "unit", "meaning"]
    measure_rows = [[_measure_syntax(m), m.unit, m.doc] for m in registry.MEASURES]
    reducers = "Reducers (after a colon, e.g. capability.PRK:growth): " + ", ".join(
        registry.REDUCERS
    )
    if markdown:
        title = f"Parameters of {scenario.name}" if scenario else "Parameters"
        typer.echo(f"## {title}\n")
        for section_title, _, rows in _param_rows(scenario, full_paths=True):
            typer.echo(_markdown_table(section_title, header, rows, code_columns=(0,)))
        typer.echo("## Measures\n")
        typer.echo(_markdown_table(None, measure_header, measure_rows, code_columns=(0,)))
        typer.echo(reducers.replace("capability.PRK:growth", "`capability.PRK:growth`") + "\n")
        return
    console = Console(width=min(WIDTH, Console().width), highlight=False, soft_wrap=False)
    if scenario is not None:
        console.print(f"Values from {scenario_file} ({scenario.name})", markup=False)
    for section_title, template, rows in _param_rows(scenario, full_paths=False):
        table = _table(["name", *header[1:]], f"{section_title}: {template}")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    table = _table(measure_header, "Measures (<A>, <B>: actor codes)")
    for row in measure_rows:
        table.add_row(*row)
    console.print(table)
    console.print(reducers, markup=False)


def _table(header: list[str], title: str) -> Table:
    """A plain table whose first column (a path or measure) is never cut."""
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for i, name in enumerate(header):
        table.add_column(name, no_wrap=i == 0)
    return table


def _markdown_table(
    title: str | None, header: list[str], rows: list[list[str]], code_columns: tuple[int, ...]
) -> str:
    def cell(text: str, column: int) -> str:
        text = text.replace("|", "\\|")
        return f"`{text}`" if column in code_columns else text

    lines = [f"### {title}\n"] if title else []
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(cell(c, i) for i, c in enumerate(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- run, plot, compare
#
# Each command wraps its input handling in `with _input_errors():` and writes
# nothing until its input has validated.


# --------------------------------------------------------------------------- run

FORMATS = ("png", "svg", "pdf")
ENGINE_NAMES = ("batch", "mesa")


def _check_choice(value: str, choices: tuple[str, ...], option: str) -> None:
    if value not in choices:
        raise InputError(
            [
                Problem(
                    option, "", None, f"unknown value {value!r}", f"use one of {', '.join(choices)}"
                )
            ]
        )


@app.command()
def run(
    scenario: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="Scenario file.", show_default=False)
    ],
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=1, help="Replications (default: the file's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Root seed (default: the file's).")
    ] = None,
    overrides: SetOption = None,
    out: Annotated[Path, typer.Option("--out", help="Results root folder.")] = Path("results"),
    csv: Annotated[bool, typer.Option("--csv", help="Write tables as CSV, not Parquet.")] = False,
    plots: Annotated[
        bool, typer.Option("--plots/--no-plots", help="Write figures into plots/.")
    ] = True,
    fmt: Annotated[str, typer.Option("--format", help="Figure format: png, svg or pdf.")] = "png",
    dpi: Annotated[int, typer.Option("--dpi", min=50, max=1200, help="Figure resolution.")] = 150,
    gif: Annotated[
        bool, typer.Option("--gif", help="Also write an animated relations network (Pillow).")
    ] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="batch (vectorised) or mesa (one model per run).")
    ] = "batch",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run replications of a scenario and write a results folder.

    Prints the end state of the regional balance with 5-95 % seed bands, and writes
    ROOT/<scenario>/<UTC time>-<hash>/ with the resolved scenario, a manifest,
    tidy tables (measures, actors, dyads, trade, events), summary.csv and plots/.
    """

    from .runner import run as run_scenario

    with _input_errors():
        _check_choice(fmt, FORMATS, "--format")
        _check_choice(engine, ENGINE_NAMES, "--engine")
        spec = load_scenario(scenario, overrides=list(overrides or []))
        if replications is not None or seed is not None:
            data = spec.model_dump(by_alias=True)
            data.update({k: v for k, v in (("replications", replications), ("seed", seed)) if v})
            if seed == 0:
                data["seed"] = 0
            spec = Scenario.model_validate(data)
    con = Console(width=WIDTH)
    for warning in lint(spec):
        typer.echo(f"{scenario}: warning: {warning}", err=True)
    con.print(
        f"[bold]{spec.name}[/]: {_count(spec.replications, 'replication')} x {spec.steps} "
        f"{spec.step}s, {spec.start} to {spec.date_of(spec.steps)}, seed {spec.seed} "
        f"({engine} engine)",
        highlight=False,
    )
    command = "geosim " + " ".join(sys.argv[1:])
    with _progress("replications", spec.replications, quiet) as update:
        result = run_scenario(spec, progress=update, command=command, engine=engine)

    def extra(folder: Path) -> None:
        if plots:
            _agg()
            from .plots import write_run_plots

            write_run_plots(result, folder, fmt=fmt, dpi=dpi, gif=gif)

    path = result.save(out, csv=csv, write_extra=extra)
    _print_run_summary(con, result)
    if result.manifest.get("failed_replications"):
        bad = result.manifest["failed_replications"]
        con.print(
            f"Warning: {len(bad)} replications became non-finite (see manifest.json): {bad[:10]}",
            highlight=False,
        )
    con.print(f"Results: {path}", highlight=False)
    if plots:
        con.print(f"Figures: {path / 'plots'}", highlight=False)
    con.print(
        "A tool for exploring scenarios, not a forecast: read differences between "
        "scenarios (geosim compare).",
        style="dim",
        highlight=False,
    )


def _band(values) -> tuple[str, str]:
    """Median and 5-95 % band of a column, formatted."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return "n/a", ""
    lo, mid, hi = np.quantile(x, [0.05, 0.5, 0.95])
    return _fmt(mid), f"{_fmt(lo)} .. {_fmt(hi)}"


def _fmt(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3f}"


def poles_text(spec: Scenario) -> str:
    """How to read the balance: '-1 = RUS+PRK, +1 = USA+KOR+JPN'."""
    a, b = spec.analysis.blocs.a, spec.analysis.blocs.b
    return f"-1 = {'+'.join(a)}, +1 = {'+'.join(b)}"


def _print_run_summary(con: Console, result) -> None:
    """End-state table: balance, tension, key-dyad risk, capability and burden per actor."""
    m = result.measures
    last, first = m["step"].max(), m["step"].min()
    start = m[m["step"] == first]
    end = m[m["step"] == last]
    spec = result.scenario
    table = _table(
        ["measure", "unit", spec.start, spec.date_of(spec.steps), "5-95 % band"],
        f"Median over {_count(len(end), 'replication')}; band: seed spread at the end",
    )
    rows = [
        ("balance", "see below"),
        ("balance_core", "pole members"),
        ("balance_swing", "the others"),
        ("tension", "0 .. 1"),
        ("conflict_risk_any", "P per year"),
    ] + [(c, "P per year") for c in m.columns if c.startswith("conflict_risk.")]
    for name, unit in rows:
        table.add_row(name, unit, _fmt(float(start[name].median())), *_band(end[name]))
    a = result.actors
    a_end, a_start = a[a["step"] == last], a[a["step"] == first]
    for code in spec.codes:
        for name, unit, scale in (("capability", "USD bn", 1.0), ("defence_share", "% GDP", 100.0)):
            s = a_start.loc[a_start["actor"] == code, name] * scale
            e = a_end.loc[a_end["actor"] == code, name] * scale
            table.add_row(f"{name}.{code}", unit, _fmt(float(s.median())), *_band(e))
    con.print(table)
    con.print(
        f"balance: regional power aligned with each pole, {poles_text(spec)}", highlight=False
    )
    ev = result.events
    if len(ev):
        counts = ev.groupby("kind").size().sort_values(ascending=False)
        per = ", ".join(f"{k} {v / max(1, len(end)):.1f}" for k, v in counts.items())
        con.print(f"Events per replication: {per}", highlight=False)


# --------------------------------------------------------------------------- plot


@app.command()
def plot(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS_DIR", help="A run or sweep results folder.", show_default=False
        ),
    ],
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            metavar="NAME",
            help="Redraw only this figure of a run (repeat for several): balance, risk, actors, "
            "trade, sanctions, network, heatmap.",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Figure format: png, svg or pdf.")] = "png",
    dpi: Annotated[int, typer.Option("--dpi", min=50, max=1200, help="Figure resolution.")] = 150,
    gif: Annotated[bool, typer.Option("--gif", help="Also the animated network.")] = False,
) -> None:
    """Redraw the figures of a results folder from its saved tables, without rerunning."""
    _agg()
    with _input_errors():
        _check_choice(fmt, FORMATS, "--format")
        if not folder.is_dir():
            raise InputError(
                [
                    Problem(
                        str(folder),
                        "",
                        None,
                        "no such results folder",
                        "pass a folder written by geosim run or geosim sweep",
                    )
                ]
            )
        if (folder / "sweep.yaml").exists():
            if only:
                raise InputError(
                    [
                        Problem(
                            "--only",
                            "",
                            None,
                            "--only selects figures of a run, not of a sweep",
                            "drop --only to redraw the sweep's figures",
                        )
                    ]
                )
            from .sweep import load as load_sweep_result
            from .sweep_plots import write_sweep_plots

            written = write_sweep_plots(load_sweep_result(folder), folder, fmt=fmt, dpi=dpi)
        elif (folder / "manifest.json").exists():
            from .plots import RUN_FIGURES, write_run_plots
            from .results import load_results

            unknown = [n for n in only or [] if n not in RUN_FIGURES]
            if unknown:
                raise InputError(
                    [
                        Problem(
                            "--only",
                            "",
                            None,
                            f"unknown figure {unknown[0]!r}",
                            f"choose from {', '.join(RUN_FIGURES)}",
                        )
                    ]
                )
            written = write_run_plots(
                load_results(folder), folder, fmt=fmt, dpi=dpi, only=only or None, gif=gif
            )
        else:
            raise InputError(
                [
                    Problem(
                        str(folder),
                        "",
                        None,
                        "not a geosim results folder",
                        "it has neither manifest.json nor sweep.yaml",
                    )
                ]
            )
    for path in written:
        typer.echo(str(path))


def _agg() -> None:
    import matplotlib

    matplotlib.use("Agg")


# --------------------------------------------------------------------------- compare


@app.command()
def compare(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="SCENARIO_OR_RESULTS...",
            help="Two or more scenario files or results folders; the first is the reference.",
            show_default=False,
        ),
    ],
    measure: Annotated[
        str, typer.Option("--measure", "-m", help="Measure, name[.A[.B]][:reducer].")
    ] = "balance",
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Replications.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Root seed.")] = None,
    overrides: SetOption = None,
    out: Annotated[Path, typer.Option("--out", help="Results root folder.")] = Path("results"),
    fmt: Annotated[str, typer.Option("--format", help="Figure format: png, svg or pdf.")] = "png",
    dpi: Annotated[int, typer.Option("--dpi", min=50, max=1200, help="Figure resolution.")] = 150,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Run scenarios with common random numbers and rank their paired differences.

    Every scenario runs with the reference's root seed and replications, so each
    difference is paired replication by replication. Writes the differences, bands,
    a ranking table and figures (paired difference, overlay, ranking).
    """
    _agg()
    from .compare import compare as run_compare
    from .scenario import PathError, parse_measure

    con = Console(width=WIDTH)
    err = Console(stderr=True, width=WIDTH)
    with _input_errors():
        _check_choice(fmt, FORMATS, "--format")
        if len(inputs) < 2:
            raise InputError(
                [
                    Problem(
                        "compare",
                        "",
                        None,
                        "give at least two scenarios",
                        "the first is the reference the others are compared with",
                    )
                ]
            )
        first = None
        for path in inputs:
            if not path.exists():
                raise InputError(
                    [
                        Problem(
                            str(path),
                            "",
                            None,
                            "no such file or folder",
                            "give scenario files or results folders of geosim run",
                        )
                    ]
                )
            if path.is_file():
                spec = load_scenario(path, overrides=list(overrides or []))
                first = first or spec
        if first is not None:
            try:
                parse_measure(measure, first.codes)
            except PathError as exc:
                raise InputError(
                    [Problem("--measure", measure, None, str(exc), exc.hint)]
                ) from None
        try:
            result = run_compare(
                [str(p) for p in inputs],
                replications=replications,
                seed=seed,
                measure=measure,
                overrides=list(overrides or []),
                progress=None
                if quiet
                else (lambda name: err.print(f"running {name}", highlight=False)),
            )
        except PathError as exc:
            raise InputError([Problem("--measure", measure, None, str(exc), exc.hint)]) from None
        except ValueError as exc:
            raise InputError([Problem("compare", "", None, str(exc))]) from None
    path = result.save(out, fmt=fmt, dpi=dpi)
    ranking = result.ranking()
    table = _table(
        ["rank", "scenario", "mean diff", "90 % interval", "same sign"],
        f"Paired difference from {ranking_reference(result)} in {measure}"
        + ("" if ":" in measure else " at the end"),
    )
    for row in ranking.itertuples():
        table.add_row(
            str(row.rank),
            str(row.scenario),
            f"{row.mean_difference:+.4g}",
            f"[{row.ci90_low:+.3g} .. {row.ci90_high:+.3g}]",
            f"{row.same_sign_share:.0%}",
        )
    con.print(table)
    if measure.split(":")[0].startswith("balance") and first is not None:
        con.print(
            f"balance: {poles_text(first)}; a positive difference moves toward +1", highlight=False
        )
    con.print(f"Results: {path}", highlight=False)


def ranking_reference(result) -> str:
    names = getattr(result, "names", None)
    return str(names[0]) if names else "the first scenario"


# --------------------------------------------------------------------------- sweep

EXECUTORS = ("local", "dask")


@app.command()
def sweep(
    file: Annotated[
        Path, typer.Argument(metavar="SWEEP_FILE", help="Sweep file.", show_default=False)
    ],
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    executor: Annotated[str, typer.Option("--executor", help="local or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler address.")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip runs already finished.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print points x replications and size; write nothing.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output root (default: the file's).")
    ] = None,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Write sweep figures.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run a parameter sweep: points x replications with common random numbers.

    Runs are written as they finish (Parquet shards), so --resume completes an
    interrupted sweep. Replication k of every point uses the seed of replication k
    of geosim run.
    """

    from .sweep import estimate, load_sweep, run_sweep

    con = Console(width=WIDTH)
    with _input_errors():
        _check_choice(executor, EXECUTORS, "--executor")
        spec = load_sweep(file)
        if spec.spec.method in ("sobol", "morris"):
            raise InputError(
                [
                    Problem(
                        str(file),
                        "method",
                        None,
                        f"a {spec.spec.method} file is run by geosim sensitivity",
                        f"geosim sensitivity {file}",
                    )
                ]
            )
    est = estimate(spec)
    con.print(
        f"Sweep [bold]{spec.spec.name}[/]: {est['points']} points x {est['replications']} "
        f"replications = {est['runs']:,} runs of {spec.base.name} ({spec.spec.method}), "
        f"root seed {spec.root_seed}; about {est['estimated_bytes'] / 1e6:.1f} MB",
        highlight=False,
    )
    if dry_run:
        con.print(f"Would write to {spec.folder(out)} (dry run: nothing written)", highlight=False)
        return
    with _progress("runs", est["runs"], quiet) as update, _input_errors():
        folder = run_sweep(
            spec,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            resume=resume,
            out=out,
            progress=update,
        )
    from .sweep import load

    result = load(folder)
    failed = int((result.runs["status"] != "ok").sum()) if len(result.runs) else 0
    con.print(
        f"Finished {len(result.runs):,} runs ({failed} failed) in "
        f"{result.manifest.get('wall_time_s', 0):.1f} s",
        highlight=False,
    )
    if plots:
        _agg()
        from .sweep_plots import write_sweep_plots

        write_sweep_plots(result, folder)
    con.print(f"Results: {folder}", highlight=False)


# --------------------------------------------------------------------------- sensitivity


@app.command()
def sensitivity(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Sweep file with method: morris or sobol.", show_default=False
        ),
    ],
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    executor: Annotated[str, typer.Option("--executor", help="local or dask.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler address.")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip runs already finished.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output root (default: the file's).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Figure format: png, svg or pdf.")] = "png",
    top: Annotated[int, typer.Option("--top", min=1, help="Parameters shown per measure.")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Morris screening or Sobol indices (SALib) of the measures in a sweep file.

    Every sample point runs the same replication seeds (common random numbers);
    indices are computed on the replicate means, with the seed share of variance
    and a convergence check. Resumable like geosim sweep.
    """

    from .sensitivity import run_sensitivity
    from .sweep import estimate, load_sweep

    con = Console(width=WIDTH)
    with _input_errors():
        _check_choice(executor, EXECUTORS, "--executor")
        _check_choice(fmt, FORMATS, "--format")
        spec = load_sweep(file)
        if spec.spec.method not in ("sobol", "morris"):
            raise InputError(
                [
                    Problem(
                        str(file),
                        "method",
                        None,
                        f"method {spec.spec.method} is a sweep, not an analysis",
                        "use method: morris or method: sobol, or geosim sweep",
                    )
                ]
            )
    est = estimate(spec)
    con.print(
        f"{spec.spec.method.title()} analysis [bold]{spec.spec.name}[/]: "
        f"{len(spec.spec.parameters)} parameters, {est['points']:,} points x "
        f"{est['replications']} replications = {est['runs']:,} runs of {spec.base.name}",
        highlight=False,
    )
    with _progress("runs", est["runs"], quiet) as update, _input_errors():
        result = run_sensitivity(
            spec,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            resume=resume,
            out=out,
            progress=update,
        )
    _agg()
    from .sweep_plots import write_sensitivity_plots

    write_sensitivity_plots(result, fmt=fmt)
    shares = result.seed_shares.set_index("measure")["seed_share"]
    for measure in result.indices["measure"].unique():
        ranked = result.ranked(measure).head(top)
        if result.method == "sobol":
            table = _table(
                ["rank", "parameter", "ST", "S1"],
                f"{measure}: seed share of variance {shares[measure]:.0%}",
            )
            for row in ranked.itertuples():
                table.add_row(
                    str(row.rank),
                    row.parameter,
                    f"{row.ST:.3f} +- {row.ST_conf:.3f}",
                    f"{row.S1:.3f} +- {row.S1_conf:.3f}",
                )
        else:
            table = _table(
                ["rank", "parameter", "mu*", "sigma"],
                f"{measure}: seed share of variance {shares[measure]:.0%}",
            )
            for row in ranked.itertuples():
                table.add_row(
                    str(row.rank),
                    row.parameter,
                    f"{row.mu_star:.4g} +- {row.mu_star_conf:.2g}",
                    f"{row.sigma:.4g}",
                )
        con.print(table)
    high = [m for m, v in shares.items() if v > 0.5]
    if high:
        con.print(
            f"Seed noise dominates {', '.join(high)}: add replications before trusting "
            "their indices.",
            highlight=False,
        )
    con.print(f"Finished in {result.wall_time_s:.1f} s. Results: {result.folder}", highlight=False)


# --------------------------------------------------------------------------- entry point


def main() -> None:
    """Entry point of ``geosim`` and ``python -m sim``."""
    try:
        app(prog_name="geosim")
    except InputError as exc:  # raised outside a command's own handling
        _print_problems(exc.problems)
        sys.exit(EXIT_INPUT)
