"""``geosim validate`` and ``geosim params``: checking files and listing the registry."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .. import registry
from ..errors import InputError
from ..scenario import Scenario, lint, load_scenario
from .common import (
    EXIT_INPUT,
    WIDTH,
    SetOption,
    app,
    count_text,
    input_errors,
    plain_table,
    print_problems,
)

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
    """Check scenario, sweep and calibration files without running them.

    Prints one OK line per valid file; otherwise every problem, one per line on
    stderr, as `file:line: path: message (hint: ...)`. Exit status 2 if any file
    has a problem.
    """
    from ..analysis.calibration import is_calibration_file, load_calibration
    from ..analysis.sweep import check_size, is_sweep_file, load_sweep
    from ..scenario.observations import load_observations

    failed = False
    for file in files:
        try:
            if is_calibration_file(file):
                cal = load_calibration(file)
                typer.echo(
                    f"{file}: OK (calibration of {cal.base.name}: {len(cal.names)} parameters, "
                    f"{len(cal.fitted)} summaries of {cal.fitted['measure'].nunique()} series "
                    f"in {cal.spec.window}, {cal.spec.population} particles)"
                )
                continue
            if is_sweep_file(file):
                sw = load_sweep(file, sample=False)
                try:
                    check_size(sw)
                except InputError as exc:  # valid, but geosim sweep needs --force
                    too_large = exc.problems[0].message
                else:
                    too_large = ""
                    _ = sw.points  # draw the points and validate every value drawn
                typer.echo(
                    f"{file}: OK (sweep of {sw.base.name}: {sw.n_points:,} points x "
                    f"{sw.spec.replications} replications, {sw.spec.method})"
                )
                if too_large:
                    typer.echo(
                        f"{file}: warning: {too_large}; geosim sweep needs --force", err=True
                    )
                continue
            scenario = load_scenario(file, overrides=list(overrides or []))
            observed = load_observations(scenario, Path(file).parent, str(file))
        except InputError as exc:
            print_problems(exc.problems)
            failed = True
            continue
        seen = ""
        if len(observed):
            series = observed["measure"].nunique()
            seen = f", {count_text(len(observed), 'observation')} of {series} series"
        typer.echo(f"{file}: OK ({_summary(scenario)}{seen})")
        for warning in lint(scenario):
            typer.echo(f"{file}: warning: {warning}", err=True)
    if failed:
        raise typer.Exit(EXIT_INPUT)


def _summary(s: Scenario) -> str:
    steps = count_text(s.steps, s.step)
    return (
        f"{s.name!r}: {len(s.actors)} actors, {steps} from {s.start} to {s.date_of(s.steps)}, "
        f"{count_text(len(s.events), 'event')}, {count_text(len(s.reactions), 'reaction')}"
    )


# --------------------------------------------------------------------------- params

SECTIONS: tuple[tuple[str, str, tuple[registry.Param, ...]], ...] = (
    (
        "reference",
        "Reference totals (world totals at the start, and their growth)",
        registry.REFERENCE_FIELDS,
    ),
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
        values = [getattr(t, p.name) or 0.0 for t in s.trade]
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
    scenario: Scenario | None, full_paths: bool, pattern: str = ""
) -> Iterator[tuple[str, str, list[list[str]]]]:
    needle = pattern.lower()
    for _, title, entries in SECTIONS:
        rows = []
        for p in entries:
            if needle and not any(needle in text.lower() for text in (p.path, p.doc)):
                continue
            value = _num(p.default) if scenario is None else _scenario_value(p, scenario)
            name = p.path if full_paths else p.name
            rows.append([name, p.unit, value, _range(p), p.tier, p.doc, p.source])
        if rows or not needle:
            yield title, _template(entries), rows


def _is_scenario(argument: str) -> bool:
    """Whether ``geosim params``'s argument names a scenario file (else it is a filter)."""
    return argument.endswith((".yaml", ".yml")) or "/" in argument or Path(argument).is_file()


@app.command()
def params(
    first: Annotated[
        str | None,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file (a .yaml path): show its values instead of the defaults.",
            show_default=False,
        ),
    ] = None,
    second: Annotated[
        str | None,
        typer.Argument(
            metavar="PATTERN",
            help="Keep only the parameters and measures whose path or meaning contains "
            "this text (any case), e.g. doctrine.compliance or sanction; it may come "
            "first when no scenario is given.",
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
    for actor figures and doctrine), plausible range, tier (data, literature or free),
    meaning and source. Then the measures, their syntax and the reducers. Paths are
    the ones --set, events, reactions and sweeps use; <A> and <B> stand for actor
    codes. With a PATTERN, only the matching parameters and measures are listed.
    The tables fill the terminal's width (COLUMNS, or 100 when not a terminal), never
    narrower than 100.
    """
    scenario_file: Path | None = None
    patterns: list[str] = []
    for argument in (a for a in (first, second) if a):
        if scenario_file is None and _is_scenario(argument):
            scenario_file = Path(argument)
        else:
            patterns.append(argument)
    if len(patterns) > 1:
        typer.echo(
            f"geosim params takes one PATTERN, got {len(patterns)}: {' '.join(patterns)} "
            "(a scenario is a .yaml path)",
            err=True,
        )
        raise typer.Exit(EXIT_INPUT)
    pattern = patterns[0] if patterns else ""
    scenario = None
    if scenario_file is not None:
        with input_errors():
            scenario = load_scenario(scenario_file, overrides=list(overrides or []))
    elif overrides:
        typer.echo("--set needs a SCENARIO to apply to", err=True)
        raise typer.Exit(EXIT_INPUT)
    value_header = "default" if scenario is None else "value"
    header = ["path", "unit", value_header, "range", "tier", "meaning", "source"]
    measure_header = ["measure", "unit", "meaning"]
    needle = pattern.lower()
    measure_rows = [
        [_measure_syntax(m), m.unit, m.doc]
        for m in registry.MEASURES
        if not needle or needle in _measure_syntax(m).lower() or needle in m.doc.lower()
    ]
    reducers = "Reducers (after a colon, e.g. capability.PRK:growth): " + ", ".join(
        registry.REDUCERS
    )
    sections = list(_param_rows(scenario, full_paths=markdown, pattern=pattern))
    if pattern and not any(rows for _, _, rows in sections) and not measure_rows:
        typer.echo(f"no parameter or measure matches {pattern!r}", err=True)
        raise typer.Exit(EXIT_INPUT)
    if markdown:
        title = f"Parameters of {scenario.name}" if scenario else "Parameters"
        typer.echo(f"## {title}\n")
        for section_title, _, rows in sections:
            typer.echo(_markdown_table(section_title, header, rows, code_columns=(0,)))
        typer.echo("## Measures\n")
        typer.echo(_markdown_table(None, measure_header, measure_rows, code_columns=(0,)))
        typer.echo(reducers.replace("capability.PRK:growth", "`capability.PRK:growth`") + "\n")
        return
    width = shutil.get_terminal_size((WIDTH, 24)).columns
    # never narrower than WIDTH: below it the seven columns no longer fit side by side
    console = Console(width=max(WIDTH, width), highlight=False, soft_wrap=False)
    if scenario is not None:
        console.print(f"Values from {scenario_file} ({scenario.name})", markup=False)
    for section_title, template, rows in sections:
        if not rows:
            continue
        # the meaning and the source share the widest column, wrapped to the terminal
        table = plain_table(
            ["name", *header[1:5], "meaning (source)"], f"{section_title}: {template}"
        )
        table.columns[1].max_width = 10  # the unit and the range wrap first
        table.columns[3].max_width = 12
        table.columns[5].min_width = 20
        for column in table.columns[1:]:
            column.overflow = "fold"  # a long word breaks rather than being cut
        for *cells, meaning, source in rows:
            table.add_row(*cells, f"{meaning} ({source})")
        console.print(table)
    if measure_rows:
        table = plain_table(measure_header, "Measures (<A>, <B>: actor codes)")
        for row in measure_rows:
            table.add_row(*row)
        console.print(table)
    console.print(reducers, markup=False)


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
