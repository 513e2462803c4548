"""``geosim report``: one self-contained HTML file (and PDF) from a results folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import app, input_errors, use_agg, write_errors


@app.command()
def report(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS_DIR",
            help="A folder of geosim run, compare, sweep, sensitivity or discover.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="The HTML file, or a folder for report.html (default: "
            "RESULTS_DIR/report.html); a name ending in .pdf writes the PDF there and the "
            "HTML beside it.",
        ),
    ] = None,
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Also print a PDF beside the HTML (Chromium or WeasyPrint)."),
    ] = False,
) -> None:
    """Write one self-contained HTML report of a results folder.

    The report holds the question (the scenario's description), what was run (from
    the manifest), headline findings with their uncertainty computed from the
    tables, every figure inlined with its caption, and the limitations. It makes no
    request: open it anywhere, or mail it.
    """
    use_agg()  # a folder without figures gets them drawn off-screen
    from ..report import write_report

    with input_errors(), write_errors("-o"):
        written = write_report(folder, out, pdf=pdf)
    for path in written:
        typer.echo(str(path))
