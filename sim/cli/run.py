"""``geosim run``, ``geosim plot`` and ``geosim compare``."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from pydantic import ValidationError
from rich.console import Console

from ..engine import ENGINES
from ..errors import InputError, Problem
from ..plots.formats import FORMATS
from ..results import (
    SHOWN_MEMORY,
    RunResult,
    check_memory,
    check_output_root,
    one_line,
    run_size,
    safe_name,
)
from ..scenario import Scenario, lint, load_scenario
from .common import (
    WIDTH,
    ForceOption,
    ModelOption,
    SetOption,
    app,
    check_choice,
    check_model,
    check_run_options,
    count_text,
    input_errors,
    mesa_path_note,
    plain_table,
    progress_bar,
    use_agg,
    write_errors,
)

if TYPE_CHECKING:
    import pandas as pd

# --------------------------------------------------------------------------- run, plot, compare
#
# Each command wraps its input handling in `with input_errors():` and writes
# nothing until its input has validated and the output root has been checked
# (a writable folder with room for the rough size of what will be written).


def _with_run_options(spec: Scenario, replications: int | None, seed: int | None) -> Scenario:
    """The scenario with ``--replications`` and ``--seed`` applied (already range-checked)."""
    if replications is None and seed is None:
        return spec
    data = spec.model_dump(by_alias=True)
    if replications is not None:
        data["replications"] = replications
    if seed is not None:
        data["seed"] = seed
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(x) for x in error["loc"])
        raise InputError([Problem(f"--{field}", "", None, error["msg"])]) from None


def check_run_size(
    spec: Scenario, force: bool, csv: bool, plots: bool, out: Path, engine: str = "batch"
) -> None:
    """Refuse a run too large for memory or for the output root's space (unless ``force``).

    The batch engine streams a large run's tables into its folder
    (:func:`~sim.runner.run_saved`): its memory is bounded whatever its size.
    """
    from ..runner import BLOCK_MEMORY

    size = run_size(spec, csv=csv, figures=plots)
    what = (
        f"{spec.replications:,} replications x {spec.steps + 1} steps of {len(spec.actors)} actors"
    )
    memory = size["memory_bytes"]
    if engine == "batch":  # a few blocks, the tables kept, every replication's end state
        ends = spec.replications * (8 * (40 + 30 * len(spec.actors)) + 100)
        memory = min(memory, SHOWN_MEMORY + 2 * BLOCK_MEMORY + ends)
    check_memory(memory, force, "--replications", what, "run fewer replications")
    need = 0 if force else size["disk_bytes"]
    if engine == "batch" and size["memory_bytes"] // 2 > SHOWN_MEMORY:
        need *= 2  # streamed: its part files and one joined table at a time
    check_output_root(out, need, subfolder=safe_name(spec.name))


class RunExtras:
    """What ``geosim run`` writes into a results folder beside the tables.

    Called as ``write_extra(result, folder)`` by :func:`~sim.runner.run_saved`: the
    scores against the record (``observations.csv``, ``score.csv``) when the scenario
    has observations, and the figures (``plots/``, the observed series' too).  Failed
    replications are left out of both; nothing is written when all failed.  The
    dashboard's "save as results folder" writes through it too.

    Parameters
    ----------
    spec : Scenario
        The resolved scenario.
    observed : pandas.DataFrame
        Its observations (:func:`~sim.scenario.observations.load_observations`; empty
        when it has none).
    plots : bool
        Write the figures.
    fmt, dpi, gif
        Figure format, resolution and the animated network, as ``geosim run``'s options.
    progress : callable, optional
        Called as ``progress(done, total)`` as the figures are drawn.
    """

    def __init__(
        self,
        spec: Scenario,
        observed,
        plots: bool = True,
        fmt: str = "png",
        dpi: int = 150,
        gif: bool = False,
        progress=None,
    ):
        self.spec = spec
        self.observed = observed
        self.plots = plots
        self.fmt, self.dpi, self.gif = fmt, dpi, gif
        self.progress = progress
        self.scored: pd.DataFrame | None = None
        self.per_observation: pd.DataFrame | None = None

    def __call__(self, result: RunResult, folder: Path) -> None:
        """Write the scores and figures of ``result`` into ``folder``.

        Parameters
        ----------
        result : RunResult
            The run, as :func:`~sim.runner.run_saved` passes it.
        folder : Path
            The (temporary) results folder.
        """
        spec = self.spec
        failures = result.manifest.get("failures") or []
        if len(failures) >= spec.replications:
            return
        shown = result.succeeded()  # summaries and figures leave failed replications out
        if shown.measures.empty:  # a streamed run whose kept replications all failed
            return
        if len(self.observed):
            from ..analysis.observed import beside, model_at_observations
            from ..analysis.observed import score as score_table

            per_observation = beside(
                self.observed, model_at_observations(shown.tables, self.observed)
            )
            assert spec.observations is not None
            scored = score_table(per_observation, spec.observations.windows)
            per_observation.to_csv(folder / "observations.csv", index=False)
            scored.to_csv(folder / "score.csv", index=False)
            self.per_observation, self.scored = per_observation, scored
        if self.plots:
            use_agg()
            from ..plots.run import write_run_plots

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                write_run_plots(
                    shown,
                    folder,
                    fmt=self.fmt,
                    dpi=self.dpi,
                    gif=self.gif,
                    progress=self.progress,
                )
                if self.scored is not None:
                    from ..plots.observed import write_observed_plots

                    assert spec.observations is not None
                    write_observed_plots(
                        self.per_observation,
                        spec.observations.windows,
                        folder,
                        fmt=self.fmt,
                        dpi=self.dpi,
                    )
                if spec.analysis.story is not None:
                    from ..plots.story import write_story_plot

                    write_story_plot(
                        shown, folder, self.per_observation, fmt=self.fmt, dpi=self.dpi
                    )


# --------------------------------------------------------------------------- run


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
    fmt: Annotated[
        str, typer.Option("--format", metavar="|".join(FORMATS), help="Figure format.")
    ] = "png",
    dpi: Annotated[int, typer.Option("--dpi", min=50, max=1200, help="Figure resolution.")] = 150,
    gif: Annotated[
        bool, typer.Option("--gif", help="Also write an animated relations network (Pillow).")
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            metavar="|".join(ENGINES),
            help="batch (vectorised) or mesa (one model per run).",
        ),
    ] = "batch",
    model: ModelOption = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Processes for the mesa path.")
    ] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    force: ForceOption = False,
) -> None:
    """Run replications of a scenario and write a results folder.

    Prints the end state of the regional balance with 5-95 % seed bands, and writes
    ROOT/<scenario>/<UTC time>-<hash>/ with the resolved scenario, a manifest,
    tidy tables (measures, actors, dyads, trade, events), summary.csv and plots/.
    """

    from ..runner import run_saved
    from ..scenario.observations import load_observations

    with input_errors():
        check_choice(fmt, FORMATS, "--format")
        check_choice(engine, ENGINES, "--engine")
        check_run_options(replications, seed)
        check_output_root(out)
        model = check_model(model)
        spec = load_scenario(scenario, overrides=list(overrides or []))
        spec = _with_run_options(spec, replications, seed)
        observed = load_observations(spec, Path(scenario).parent, str(scenario))
        check_run_size(spec, force, csv, plots, out, engine if model is None else "mesa")
    con = Console(width=WIDTH)
    for warning in lint(spec):
        typer.echo(f"{scenario}: warning: {warning}", err=True)
    if model is not None:
        engine = "mesa"
        typer.echo(f"note: {mesa_path_note(model)}", err=True)
    con.print(
        f"[bold]{spec.name}[/]: {count_text(spec.replications, 'replication')} x {spec.steps} "
        f"{spec.step}s, {spec.start} to {spec.date_of(spec.steps)}, seed {spec.seed} "
        f"({engine} engine)",
        highlight=False,
    )
    command = "geosim " + " ".join(sys.argv[1:])
    with (
        progress_bar("replications", spec.replications, quiet) as update,
        warnings.catch_warnings(),
        input_errors(),
        write_errors(),
    ):
        extras = RunExtras(
            spec,
            observed,
            plots=plots,
            fmt=fmt,
            dpi=dpi,
            gif=gif,
            progress=lambda done, total: update(done, total, "figures"),
        )
        warnings.simplefilter("ignore", UserWarning)  # the note above said it once
        # a run that leaves its domain divides by zero on its way out: it is flagged
        # failed and reported in one line below, not in numpy's warnings
        warnings.simplefilter("ignore", RuntimeWarning)
        result = run_saved(
            spec,
            out,
            csv=csv,
            write_extra=extras,
            progress=update,
            command=command,
            engine=engine,
            model_class=model,
            workers=workers,
        )
    path = result.path
    assert path is not None
    failures = result.manifest.get("failures") or []
    shown = result.succeeded()
    plots = plots and not shown.measures.empty
    if not shown.measures.empty:
        _print_run_summary(con, shown)
    if failures:
        first = failures[0]
        left_out = (
            "left out of the summary and figures"
            if len(failures) < spec.replications
            else "so the summary is empty and no figure is drawn"
        )
        con.print(
            f"Warning: {len(failures)} of {spec.replications} replications left the model's "
            f"domain and are marked failed, {left_out} (first: replication "
            f"{first['replication']} at {first['date']}, {first['where']}; all in "
            "manifest.json).",
            highlight=False,
            soft_wrap=True,
        )
    scored = extras.scored
    if scored is not None:
        _print_score_panel(con, scored)
        if result.subset:
            con.print(
                f"The scores are of {result.subset}, those the run kept in memory.",
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
    return fmt_number(mid), f"{fmt_number(lo)} .. {fmt_number(hi)}"


def fmt_number(x: float) -> str:
    """A number for the summary tables: no decimals from 1000, one from 10, else three."""
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
    first = m["step"].min()
    start = m[m["step"] == first]
    end = result.end_state()  # every replication's, also of a streamed run
    spec = result.scenario
    table = plain_table(
        ["measure", "unit", spec.start, spec.date_of(spec.steps), "5-95 % band"],
        f"Median over {count_text(len(end), 'replication')}; band: seed spread at the end"
        + (f" (start: {result.subset})" if result.subset else ""),
    )
    rows = [
        ("balance", "see below"),
        ("balance_core", "pole members"),
        ("balance_swing", "the others"),
        ("tension", "0 .. 1"),
        ("conflict_risk_any", "P per year"),
    ] + [(c, "P per year") for c in m.columns if c.startswith("conflict_risk.")]
    for name, unit in rows:
        table.add_row(name, unit, fmt_number(float(start[name].median())), *_band(end[name]))
    a = result.actors
    a_start = a[a["step"] == first]
    for code in spec.codes:
        for name, unit, scale in (("capability", "USD bn", 1.0), ("defence_share", "% GDP", 100.0)):
            s = a_start.loc[a_start["actor"] == code, name] * scale
            e = end[f"{name}.{code}"] * scale
            table.add_row(f"{name}.{code}", unit, fmt_number(float(s.median())), *_band(e))
    con.print(table)
    con.print(
        f"balance: regional power aligned with each pole, {poles_text(spec)}", highlight=False
    )
    if result.subset:
        con.print(
            f"The security balance and the events below are of {result.subset}: the run "
            "streamed its tables to its folder, which holds them all.",
            highlight=False,
        )
    _print_security_panel(con, result)
    ev = result.events
    if len(ev):
        counts = ev.groupby("kind").size().sort_values(ascending=False)
        runs = int(m["replication"].nunique())
        per = ", ".join(f"{k} {v / max(1, runs):.1f}" for k, v in counts.items())
        con.print(f"Events per replication: {per}", highlight=False)


PANEL_UNITS = {
    "deterrence": "-1 .. +1",
    "conflict_risk": "P per year",
    "reach": "world share",
    "frustration": "0 .. 1",
    "blocs_gap": "frustration",
    "polarisation": "-1 .. +1",
}
PANEL_NOTE = (
    "deterrence.D.C: defender D's own strength and allies' cover against challenger C's "
    "reach (+1 secure); reach.C: C's capability that can reach the region, nuclear "
    "included; blocs by landscape theory: frustration left by the best two-bloc "
    "alignment, the gap to the next best, polarisation (1: two equal opposed blocs)."
)


def _print_score_panel(con: Console, scored) -> None:
    """Against the record: per series and window, 90 % coverage and the mean CRPS."""
    table = plain_table(
        ["series", "window", "obs.", "in 50 %", "in 90 %", "CRPS", "interval score", "unit"],
        "Against the record (score.csv): a calibrated model has about 50 % and 90 % of the "
        "observations inside its bands; CRPS and interval score are in the series' unit, "
        "lower is better",
    )

    def share(x: float) -> str:
        return "n/a" if x != x else f"{100 * x:.0f} %"

    def sig(x: float) -> str:
        return "n/a" if x != x else f"{x:.3g}"

    for row in scored.itertuples(index=False):
        table.add_row(
            row.measure,
            row.window,
            str(row.observations),
            share(row.in50),
            share(row.in90),
            sig(row.crps),
            sig(row.interval_score),
            str(row.unit),
        )
    con.print(table)


def _fine(x: float) -> str:
    """:func:`fmt_number`, with two significant digits below 0.001 (not 0.000)."""
    return f"{x:.2g}" if 0 < abs(x) < 1e-3 else fmt_number(x)


def _panel_unit(name: str) -> str:
    return PANEL_UNITS.get(name.split(".")[0], "")


def _print_security_panel(con: Console, result) -> None:
    """The security-balance panel of a run: deterrence, risk, reach and blocs."""
    from ..analysis.security import bloc_partition, run_panel

    panel = run_panel(result)
    panel = panel[~panel["measure"].str.startswith("conflict_risk.")]  # in the table above
    if panel.empty:
        return
    spec = result.scenario
    table = plain_table(
        ["security balance", "unit", spec.start, spec.date_of(spec.steps), "5-95 % band"],
        "Security balance: deterrence per key dyad, challengers' reach, blocs",
    )
    for row in panel.itertuples():
        band = f"{_fine(row.p05)} .. {_fine(row.p95)}"
        table.add_row(
            str(row.measure), _panel_unit(row.measure), _fine(row.start), _fine(row.end), band
        )
    con.print(table)
    blocs, share = bloc_partition(result)
    if blocs:
        con.print(f"Blocs at the end: {blocs} ({share:.0%} of replications)", highlight=False)
    con.print(PANEL_NOTE, style="dim", highlight=False)


def _print_comparison_panel(con: Console, comparison) -> None:
    """Paired end-state differences of the security-balance panel, per scenario."""
    from ..analysis.security import comparison_panel

    results = getattr(comparison, "results", None)
    if not results or len(results) < 2:
        return
    panel = comparison_panel(results)
    if panel.empty:
        return
    names = list(dict.fromkeys(panel["scenario"]))
    table = plain_table(
        ["security balance", "reference", *names],
        f"Security balance: paired difference from {results[0].scenario.name} at the end "
        "(mean, z = mean / se)",
    )
    for measure, rows in panel.groupby("measure", sort=False):
        cells = []
        for name in names:
            row = rows[rows["scenario"] == name].iloc[0]
            z = "" if not np.isfinite(row["z"]) else f" (z {row['z']:+.0f})"
            cells.append(f"{row['mean_difference']:+.3g}{z}")
        table.add_row(str(measure), _fine(float(rows["reference"].iloc[0])), *cells)
    con.print(table)
    con.print("|z| >= 3: outside seed noise. " + PANEL_NOTE, style="dim", highlight=False)


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
            help="Redraw only this figure of a run (repeat for several): balance, risk, security, "
            "actors, trade, sanctions, network, heatmap, and story (a scenario with "
            "analysis.story).",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="|".join(FORMATS), help="Figure format.")
    ] = "png",
    dpi: Annotated[int, typer.Option("--dpi", min=50, max=1200, help="Figure resolution.")] = 150,
    gif: Annotated[bool, typer.Option("--gif", help="Also the animated network.")] = False,
) -> None:
    """Redraw the figures of a results folder from its saved tables, without rerunning."""
    use_agg()
    with input_errors():
        check_choice(fmt, FORMATS, "--format")
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
            from ..analysis.store import load as load_sweep_result
            from ..plots.sweep import write_sweep_plots

            result = load_sweep_result(folder)
            with write_errors(str(folder)), _lacking_columns(folder):
                written = write_sweep_plots(result, folder, fmt=fmt, dpi=dpi)
        elif (folder / "manifest.json").exists():
            from ..plots.run import RUN_FIGURES, write_run_plots
            from ..results import load_results

            unknown = [n for n in only or [] if n not in RUN_FIGURES and n != "story"]
            if unknown:
                raise InputError(
                    [
                        Problem(
                            "--only",
                            "",
                            None,
                            f"unknown figure {unknown[0]!r}",
                            f"choose from {', '.join([*RUN_FIGURES, 'story'])}",
                        )
                    ]
                )
            loaded = load_results(folder, memory=SHOWN_MEMORY)
            failed = loaded.manifest.get("failed_replications") or []
            shown = loaded.succeeded()  # as geosim run drew them: failed replications left out
            if failed and shown.measures.empty:
                raise InputError(
                    [
                        Problem(
                            str(folder / "manifest.json"),
                            "failed_replications",
                            None,
                            f"all {len(failed)} replications of this run left the model's "
                            "domain: there is nothing to draw",
                            "see manifest.json (failures) for where each one left it",
                        )
                    ]
                )
            with write_errors(str(folder)), _lacking_columns(folder), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                run_only = [n for n in only or [] if n != "story"]
                written = []
                if not only or run_only:
                    written = write_run_plots(
                        shown, folder, fmt=fmt, dpi=dpi, only=run_only or None, gif=gif
                    )
                if shown.scenario.analysis.story is not None and (not only or "story" in only):
                    import pandas as pd

                    from ..plots.story import write_story_plot

                    per = folder / "observations.csv"
                    observed = (
                        pd.read_csv(per, dtype={"first": str, "last": str})
                        if per.exists()
                        else None
                    )
                    written += write_story_plot(shown, folder, observed, fmt=fmt, dpi=dpi)
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


@contextmanager
def _lacking_columns(folder: Path) -> Iterator[None]:
    """A table that reads but lacks a column the figures need: one located line."""
    try:
        yield
    except KeyError as exc:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    None,
                    f"cannot draw the figures: a table lacks {one_line(exc)}",
                    "the folder is damaged or was written by another version of geosim",
                )
            ]
        ) from None


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
    fmt: Annotated[
        str, typer.Option("--format", metavar="|".join(FORMATS), help="Figure format.")
    ] = "png",
    dpi: Annotated[int, typer.Option("--dpi", min=50, max=1200, help="Figure resolution.")] = 150,
    model: ModelOption = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Processes for the mesa path.")
    ] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
    force: ForceOption = False,
) -> None:
    """Run scenarios with common random numbers and rank their paired differences.

    Every scenario runs with the reference's root seed and replications, so each
    difference is paired replication by replication. Writes the differences, bands,
    a ranking table and figures (paired difference, overlay, ranking).
    """
    use_agg()
    from ..analysis.compare import compare as run_compare
    from ..scenario import PathError, parse_measure

    con = Console(width=WIDTH)
    err = Console(stderr=True, width=WIDTH)
    with input_errors():
        check_choice(fmt, FORMATS, "--format")
        check_run_options(replications, seed)
        check_output_root(out)
        model = check_model(model)
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
        memory = 0
        for path in inputs:
            if path.is_dir():
                _check_run_folder(path)
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
                from ..analysis.sweep import is_sweep_file

                if is_sweep_file(path):
                    raise InputError(
                        [
                            Problem(
                                str(path),
                                "",
                                None,
                                "this is a sweep file; compare takes scenario files and "
                                "results folders of geosim run",
                                "run it with geosim sweep, or give its base scenario",
                            )
                        ]
                    )
                spec = load_scenario(path, overrides=list(overrides or []))
                first = first or spec
                n = replications or (first.replications if first is not None else None)
                memory += run_size(spec, n)["memory_bytes"]
        check_memory(
            memory,
            force,
            "--replications",
            f"running {count_text(len(inputs), 'scenario')}",
            "run fewer replications",
        )
        if first is not None:
            try:
                parse_measure(measure, first.codes)
            except PathError as exc:
                raise InputError(
                    [Problem("--measure", measure, None, str(exc), exc.hint)]
                ) from None
        if model is not None:
            typer.echo(f"note: {mesa_path_note(model)}", err=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # the note above said it once
                warnings.simplefilter("ignore", RuntimeWarning)  # failed runs: one line below
                result = run_compare(
                    [str(p) for p in inputs],
                    replications=replications,
                    seed=seed,
                    measure=measure,
                    overrides=list(overrides or []),
                    progress=None
                    if quiet
                    else (lambda name: err.print(f"running {name}", highlight=False)),
                    model_class=model,
                    workers=workers,
                )
        except PathError as exc:
            raise InputError([Problem("--measure", measure, None, str(exc), exc.hint)]) from None
        except ValueError as exc:
            raise InputError([Problem("compare", "", None, str(exc))]) from None

    def figures(folder: Path) -> None:
        from ..plots.compare import write_comparison_plots

        write_comparison_plots(result, folder, fmt=fmt, dpi=dpi)

    result.manifest["command"] = "geosim " + " ".join(sys.argv[1:])
    with input_errors(), write_errors():
        path = result.save(out, write_extra=figures)
    ranking = result.ranking()
    table = plain_table(
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
    left_out = result.manifest.get("left_out") or []
    if left_out:
        failed = result.manifest.get("failed_replications") or {}
        total = len(left_out) + result.manifest["replications"]
        con.print(
            f"Warning: {len(left_out)} of {total} replication pairs are left out: a "
            f"replication of {', '.join(failed)} left the model's domain (replications "
            f"{', '.join(map(str, left_out[:8]))}{' ...' if len(left_out) > 8 else ''}; "
            "all in manifest.json).",
            highlight=False,
            soft_wrap=True,
        )
    _print_comparison_panel(con, result)
    if measure.split(":")[0].startswith("balance") and first is not None:
        con.print(
            f"balance: {poles_text(first)}; a positive difference moves toward +1", highlight=False
        )
    con.print(f"Results: {path}", highlight=False)


def _check_run_folder(path: Path) -> None:
    """Refuse a folder that compare cannot read: a sweep store, or not a run's folder."""
    if (path / "sweep.yaml").exists():
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    None,
                    "this is a sweep store; compare takes scenario files and results "
                    "folders of geosim run",
                    "compare a sweep's points with geosim plot on the store, or with "
                    "sim.sweep.load in Python",
                )
            ]
        )
    if not (path / "manifest.json").exists():
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    None,
                    "not a results folder of geosim run (no manifest.json)",
                    "give scenario files or ROOT/<scenario>/<time>-<hash>/ folders",
                )
            ]
        )


def ranking_reference(result) -> str:
    """The name of a comparison's reference scenario (its first), for the ranking title."""
    names = getattr(result, "names", None)
    return str(names[0]) if names else "the first scenario"
