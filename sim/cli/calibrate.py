"""``geosim calibrate``: fit a scenario's free parameters to its observations (ABC-SMC)."""

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
    use_agg,
    write_errors,
)
from .sweep import ExecutorOption, OutOption, SchedulerOption, WorkersOption


def need_pyabc() -> None:
    """Refuse, with the install line, when the calibrate extra is missing."""
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise InputError(
            [
                Problem(
                    "geosim calibrate",
                    "",
                    None,
                    "calibration needs pyabc, which is not installed",
                    'install the extra: pip install "geosim[calibrate]" (or -e ".[calibrate]")',
                )
            ]
        ) from None


@app.command()
def calibrate(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Calibration file (kind: calibration).", show_default=False
        ),
    ],
    workers: WorkersOption = 1,
    executor: ExecutorOption = "local",
    scheduler: SchedulerOption = None,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications", "-r", min=2, help="Runs per scored ensemble (default: the file's)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and print the plan; write nothing.")
    ] = False,
    out: OutOption = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="|".join(FORMATS), help="Figure format.")
    ] = "png",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress line per generation.")
    ] = False,
) -> None:
    """Fit free parameters to a scenario's observations by ABC-SMC (pyabc).

    Fits the observations of one window (calibration), then scores the uncalibrated
    scenario, the calibrated one (posterior medians) and the posterior predictive on
    every window. Writes the posterior (Parquet), its figures, the fit figures, the
    scores and calibrated.yaml, a scenario that extends the base.
    """
    from ..analysis.calibration import Runner, fit, load_calibration, write_calibration
    from ..plots.calibration import write_calibration_plots
    from ..results import atomic_folder, check_output_root

    con = Console(width=WIDTH)
    with input_errors():
        check_choice(fmt, FORMATS, "--format")
        check_choice(executor, EXECUTORS, "--executor")
        need_pyabc()
        cal = load_calibration(file)
        root = Path(out if out is not None else cal.spec.out)
        check_output_root(root, origin="--out" if out is not None else f"{file}: out")
    spec = cal.spec
    window = cal.windows[spec.window]
    con.print(
        f"Calibration [bold]{spec.name}[/]: {len(cal.names)} parameters of {cal.base.name}, "
        f"fitted to {len(cal.fitted)} observations of "
        f"{cal.fitted['measure'].nunique()} series in {spec.window} ({window[0]} to "
        f"{window[1]}); ABC-SMC with {spec.population} particles, at most "
        f"{spec.generations} generations, seed {spec.seed}",
        highlight=False,
    )
    if dry_run:
        con.print(f"Would write under {root} (dry run: nothing written)", highlight=False)
        return

    def progress(row: dict) -> None:
        if quiet:
            return
        what = (
            "prior sample (first scales and threshold)"
            if row["generation"] < 0
            else f"generation {row['generation']}"
        )
        typer.echo(
            f"{what}: {row['accepted']:,} accepted of {row['proposals']:,} proposals "
            f"({row['runs']:,} runs so far)",
            err=True,
        )

    runner = Runner(cal, workers, executor, scheduler)
    try:
        result = fit(cal, run=runner, on_generation=progress)
    finally:
        runner.close()
    use_agg()
    with input_errors(), write_errors(str(root)):
        with atomic_folder(root, f"calibrate-{spec.name}") as (tmp, final):
            per, scored = write_calibration(cal, result, tmp, replications)
            write_calibration_plots(cal, result, per, tmp, fmt)
    table = plain_table(["parameter", "base", "calibrated", "90 % posterior"], "Parameters")
    from ..analysis.calibration import _current

    for name in cal.names:
        lo, hi = result.interval[name]
        table.add_row(
            name, f"{_current(cal, name):.3g}", f"{result.point[name]:.3g}", f"{lo:.3g} .. {hi:.3g}"
        )
    con.print(table)
    table = plain_table(
        ["series", "window", "uncalibrated", "calibrated", "posterior"],
        "CRPS against the record (lower is better; in the measure's unit)",
    )
    wide = scored.pivot_table(index=["measure", "window"], columns="fit", values="crps", sort=False)
    for (measure, w), row in wide.iterrows():
        if w == "all":
            continue
        table.add_row(
            str(measure),
            str(w),
            *(
                f"{row.get(k, float('nan')):.3g}"
                for k in ("uncalibrated", "calibrated", "posterior")
            ),
        )
    con.print(table)
    con.print(
        f"{result.simulations:,} runs in {result.seconds:.0f} s. Results: {final}\n"
        f"Run the calibrated scenario: geosim run {final / 'calibrated.yaml'}",
        highlight=False,
    )
