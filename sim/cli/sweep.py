"""``geosim sweep`` and ``geosim sensitivity``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from ..errors import InputError, Problem
from ..plots.formats import FORMATS
from .common import (
    EXECUTORS,
    WIDTH,
    ForceOption,
    Interrupted,
    ModelOption,
    app,
    check_choice,
    check_model,
    input_errors,
    mesa_path_note,
    plain_table,
    progress_bar,
    store_notes,
    use_agg,
    write_errors,
)

if TYPE_CHECKING:  # the analysis (pandas, the engines) is imported when a command runs
    from ..analysis.sweep import Sweep

T = TypeVar("T")

# --------------------------------------------------------------------------- shared

ANALYSES = ("sobol", "morris")

WorkersOption = Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")]
ExecutorOption = Annotated[
    str, typer.Option("--executor", metavar="|".join(EXECUTORS), help="Where the runs go.")
]
SchedulerOption = Annotated[
    str | None, typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler address.")
]
ResumeOption = Annotated[bool, typer.Option("--resume", help="Skip runs already finished.")]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print points x replications and size; write nothing.")
]
OutOption = Annotated[Path | None, typer.Option("--out", help="Output root (default: the file's).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def _load(
    file: Path, executor: str, analysis: bool, model: str | None, force: bool = False
) -> Sweep:
    """Load a sweep file for ``geosim sweep`` (``analysis`` False) or ``sensitivity``.

    The points are not drawn (:func:`_check` checks the size first).
    """
    from ..analysis.sweep import load_sweep

    check_choice(executor, EXECUTORS, "--executor")
    spec = load_sweep(file, model_class=check_model(model), force=force, sample=False)
    if model is not None:
        typer.echo(f"note: {mesa_path_note(model)}", err=True)
    method = spec.spec.method
    if analysis and method not in ANALYSES:
        raise InputError(
            [
                Problem(
                    str(file),
                    "method",
                    None,
                    f"method {method} is a sweep, not an analysis",
                    "use method: morris or method: sobol, or geosim sweep",
                )
            ]
        )
    if not analysis and method in ANALYSES:
        raise InputError(
            [
                Problem(
                    str(file),
                    "method",
                    None,
                    f"a {method} file is run by geosim sensitivity",
                    f"geosim sensitivity {file}",
                )
            ]
        )
    return spec


def _check(spec: Sweep, out: Path | None, force: bool, workers: int, executor: str) -> None:
    """Before anything runs: the size (limits, ``--force``) and the output root."""
    from ..analysis.sweep import check_size, estimate
    from ..results import check_output_root

    local = workers if executor == "local" else 1
    check_size(spec, force, local)
    origin = "--out" if out is not None else f"{spec.file}: out"
    need = 0 if force else estimate(spec, local)["estimated_bytes"]
    check_output_root(spec.root(out), need, origin=origin)


def _execute(run: Callable[..., T], spec: Sweep, runs: int, **options: Any) -> T:
    """Run a sweep or an analysis with a progress bar of its runs (``quiet`` hides it).

    Notes of the store (a quarantined shard, a new store on ``--resume``) are printed
    as ``note:`` lines; on Ctrl-C the :class:`~.common.Interrupted` says what was kept.
    """
    quiet = options.pop("quiet")
    try:
        with (
            store_notes(),
            progress_bar("runs", runs, quiet) as update,
            input_errors(),
            write_errors(),
        ):
            return run(spec, progress=update, **options)
    except Interrupted:
        raise Interrupted(_kept(spec, options.get("out"))) from None


def _kept(spec: Sweep, out: Path | None) -> str:
    """What an interrupted sweep kept: its finished runs, or nothing."""
    from ..analysis.store import finished_runs

    folder = spec.folder(out)
    if not folder.exists():
        return "nothing was written"
    try:
        done = len(finished_runs(folder))
    except InputError:
        done = -1
    if done <= 0:
        return f"no run finished; {folder} holds none"
    return (
        f"{done:,} of {spec.runs:,} runs are saved in {folder}; "
        "run the same command with --resume to finish"
    )


# --------------------------------------------------------------------------- sweep


@app.command()
def sweep(
    file: Annotated[
        Path, typer.Argument(metavar="SWEEP_FILE", help="Sweep file.", show_default=False)
    ],
    workers: WorkersOption = 1,
    executor: ExecutorOption = "local",
    scheduler: SchedulerOption = None,
    resume: ResumeOption = False,
    dry_run: DryRunOption = False,
    out: OutOption = None,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Write sweep figures.")] = True,
    model: ModelOption = None,
    quiet: QuietOption = False,
    force: ForceOption = False,
) -> None:
    """Run a parameter sweep: points x replications with common random numbers.

    Runs are written as they finish (Parquet shards), so --resume completes an
    interrupted sweep. Replication k of every point uses the seed of replication k
    of geosim run.
    """
    from ..analysis.store import load
    from ..analysis.sweep import estimate, run_sweep, size_line

    con = Console(width=WIDTH)
    with input_errors():
        spec = _load(file, executor, analysis=False, model=model, force=force)
    est = estimate(spec, workers if executor == "local" else 1)
    con.print(
        f"Sweep [bold]{spec.spec.name}[/]: {est['points']:,} points x {est['replications']} "
        f"replications = {est['runs']:,} runs of {spec.base.name} ({spec.spec.method}), "
        f"root seed {spec.root_seed}; {size_line(est)}",
        highlight=False,
    )
    with input_errors():
        _check(spec, out, force, workers, executor)
    if dry_run:
        if resume and not spec.folder(out).exists():
            from ..analysis.store import new_store_note

            note = new_store_note(spec, spec.folder(out)).replace("starting", "would start")
            typer.echo(f"note: {note}", err=True)
        con.print(f"Would write to {spec.folder(out)} (dry run: nothing written)", highlight=False)
        return
    folder = _execute(
        run_sweep,
        spec,
        est["runs"],
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        out=out,
        quiet=quiet,
    )
    with input_errors():
        result = load(folder)
    failed = int((result.runs["status"] != "ok").sum()) if len(result.runs) else 0
    con.print(
        f"Finished {len(result.runs):,} runs ({failed} failed) in "
        f"{result.manifest.get('wall_time_s', 0):.1f} s",
        highlight=False,
    )
    if plots:
        use_agg()
        from ..plots.sweep import write_sweep_plots

        try:
            with input_errors(), write_errors(str(folder)):
                write_sweep_plots(result, folder)
        except Interrupted:
            raise Interrupted(
                f"while drawing figures; the store {folder} is complete "
                f"(geosim plot {folder} redraws them)"
            ) from None
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
    workers: WorkersOption = 1,
    executor: ExecutorOption = "local",
    scheduler: SchedulerOption = None,
    resume: ResumeOption = False,
    dry_run: DryRunOption = False,
    out: OutOption = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="|".join(FORMATS), help="Figure format.")
    ] = "png",
    top: Annotated[int, typer.Option("--top", min=1, help="Parameters shown per measure.")] = 10,
    model: ModelOption = None,
    quiet: QuietOption = False,
    force: ForceOption = False,
) -> None:
    """Morris screening or Sobol indices (SALib) of the measures in a sweep file.

    Every sample point runs the same replication seeds (common random numbers);
    indices are computed on the replicate means, with the seed share of variance
    and a convergence check. Resumable like geosim sweep.
    """
    from ..analysis.sensitivity import run_sensitivity
    from ..analysis.sweep import estimate, size_line

    con = Console(width=WIDTH)
    with input_errors():
        check_choice(fmt, FORMATS, "--format")
        spec = _load(file, executor, analysis=True, model=model, force=force)
    est = estimate(spec, workers if executor == "local" else 1)
    con.print(
        f"{spec.spec.method.title()} analysis [bold]{spec.spec.name}[/]: "
        f"{len(spec.spec.parameters)} parameters, {est['points']:,} points x "
        f"{est['replications']} replications = {est['runs']:,} runs of {spec.base.name}; "
        f"{size_line(est)}",
        highlight=False,
    )
    with input_errors():
        _check(spec, out, force, workers, executor)
    if dry_run:
        con.print(f"Would write to {spec.folder(out)} (dry run: nothing written)", highlight=False)
        return
    result = _execute(
        run_sensitivity,
        spec,
        est["runs"],
        workers=workers,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        out=out,
        quiet=quiet,
    )
    use_agg()
    from ..plots.sweep import write_sensitivity_plots

    with input_errors(), write_errors(str(result.folder)):
        write_sensitivity_plots(result, fmt=fmt)
    shares = result.seed_shares.set_index("measure")["seed_share"]
    for measure in result.indices["measure"].unique():
        ranked = result.ranked(measure).head(top)
        if result.method == "sobol":
            table = plain_table(
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
            table = plain_table(
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


# --------------------------------------------------------------------------- discover


@app.command()
def discover(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="SWEEP_DIR", help="A geosim sweep results folder.", show_default=False
        ),
    ],
    measure: Annotated[
        str,
        typer.Option("--measure", "-m", help="One of the sweep's measures, e.g. balance:last."),
    ],
    below: Annotated[
        float | None, typer.Option("--below", help="Runs where the measure is below this.")
    ] = None,
    above: Annotated[
        float | None, typer.Option("--above", help="Runs where the measure is above this.")
    ] = None,
    density: Annotated[
        float,
        typer.Option("--density", min=0.0, max=1.0, help="Least density of the chosen box."),
    ] = 0.8,
    fmt: Annotated[
        str, typer.Option("--format", metavar="|".join(FORMATS), help="Figure format.")
    ] = "png",
) -> None:
    """Scenario discovery (PRIM): which parameter ranges make an outcome frequent?

    Runs EMA Workbench's PRIM (Friedman & Fisher 1999) on the sweep's runs, with the
    outcome the measure below (or above) a level. Prints the box of highest coverage
    whose density reaches --density, and writes discovery-<measure>/ in the sweep
    folder: peeling.csv, box.csv and the trade-off and box figures.
    """
    from ..analysis.discover import discover as run_prim
    from ..analysis.discover import write_discovery
    from ..results import safe_name

    con = Console(width=WIDTH)
    with input_errors():
        check_choice(fmt, FORMATS, "--format")
        try:
            import warnings

            with warnings.catch_warnings():  # it warns that ipyparallel is missing
                warnings.simplefilter("ignore")
                import ema_workbench  # noqa: F401
        except ImportError:
            raise InputError(
                [
                    Problem(
                        "geosim discover",
                        "",
                        None,
                        "scenario discovery needs EMA Workbench, which is not installed",
                        'install the extra: pip install "geosim[discover]"',
                    )
                ]
            ) from None
        d = run_prim(folder, measure, below=below, above=above, min_density=density)
    use_agg()
    from ..plots.discover import write_discovery_plots

    out = Path(folder) / f"discovery-{safe_name(measure)}"
    with input_errors(), write_errors(str(out)):
        write_discovery(d, out)
        write_discovery_plots(d, out, fmt)
    b = d.box
    con.print(
        f"PRIM on {d.runs:,} runs of {folder}: {d.measure} {d.condition} {d.level:g} in "
        f"{d.cases:,} ({d.cases / d.runs:.0%}). Box {d.chosen} of {len(d.trajectory)}: "
        f"coverage {b['coverage']:.0%}, density {b['density']:.0%}, "
        f"{int(b['n']):,} runs inside.",
        highlight=False,
    )
    table = plain_table(["parameter", "box", "sweep range"], "The box")
    for row in d.limits.sort_values("restricted", ascending=False, kind="stable").itertuples():
        box = f"{row.low:.4g} .. {row.high:.4g}" if row.restricted else "(unrestricted)"
        table.add_row(row.parameter, box, f"{row.range_low:.4g} .. {row.range_high:.4g}")
    con.print(table)
    con.print(f"Peeling trajectory and box: {out}", highlight=False)
