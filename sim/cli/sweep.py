"""``geosim sweep`` and ``geosim sensitivity``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import InputError, Problem
from ..plots.formats import FORMATS
from .common import (
    EXECUTORS,
    WIDTH,
    app,
    check_choice,
    input_errors,
    plain_table,
    progress_bar,
    use_agg,
)

# --------------------------------------------------------------------------- sweep


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

    from ..analysis.sweep import estimate, load_sweep, run_sweep

    con = Console(width=WIDTH)
    with input_errors():
        check_choice(executor, EXECUTORS, "--executor")
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
    with progress_bar("runs", est["runs"], quiet) as update, input_errors():
        folder = run_sweep(
            spec,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            resume=resume,
            out=out,
            progress=update,
        )
    from ..analysis.store import load

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

    from ..analysis.sensitivity import run_sensitivity
    from ..analysis.sweep import estimate, load_sweep

    con = Console(width=WIDTH)
    with input_errors():
        check_choice(executor, EXECUTORS, "--executor")
        check_choice(fmt, FORMATS, "--format")
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
    with progress_bar("runs", est["runs"], quiet) as update, input_errors():
        result = run_sensitivity(
            spec,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            resume=resume,
            out=out,
            progress=update,
        )
    use_agg()
    from ..plots.sweep import write_sensitivity_plots

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
