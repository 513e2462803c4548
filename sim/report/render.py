"""Turn a :class:`~.build.Report` into one self-contained HTML file, and write it.

:func:`render_html` fills ``templates/report.html.j2`` (Jinja2, with autoescaping
on: scenario descriptions, names and every other text from a results folder are
user input and are escaped) with the report; the stylesheet is inlined and every
figure is a ``data:`` URI, so the page makes no request.  :func:`write_report`
builds, renders and writes it: the output is checked before anything is read, the
HTML (and the PDF with ``pdf=True``) go to temporary files renamed into place at
the end, so that a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, Problem
from .build import Report, build_report
from .folders import folder_kind
from .pdf import find_pdf_engine, print_pdf

TEMPLATES = Path(__file__).resolve().parent / "templates"
"""The folder of the report's template and stylesheet."""

REPORT_NAME = "report.html"
"""The report's file name inside the results folder, when no output is given."""


def _jinja():
    try:
        import jinja2
    except ImportError:
        raise InputError(
            [
                Problem(
                    "geosim report",
                    "",
                    None,
                    "the report needs Jinja2, which is not installed",
                    'install the extra: pip install "geosim[report]"',
                )
            ]
        ) from None
    return jinja2


def render_html(report: Report) -> str:
    """The report as one HTML document (stylesheet and figures inlined, text escaped).

    Parameters
    ----------
    report : Report
        What :func:`~.build.build_report` gathered.

    Returns
    -------
    str
        The HTML text.

    Raises
    ------
    InputError
        Jinja2 is not installed (install the ``report`` extra).
    """
    jinja2 = _jinja()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    return env.get_template("report.html.j2").render(report=report)


def output_paths(folder: Path, out: Path | None, pdf: bool) -> tuple[Path, Path | None]:
    """Where the HTML and the PDF go, checked before anything is built.

    Parameters
    ----------
    folder : pathlib.Path
        The results folder (the default output is ``folder/report.html``).
    out : pathlib.Path, optional
        ``-o``: the HTML file, or a folder to write ``report.html`` into; a name ending
        in ``.pdf`` asks for the PDF there and the HTML beside it.
    pdf : bool
        Also write the PDF, beside the HTML with the suffix ``.pdf``.

    Returns
    -------
    tuple
        ``(html_path, pdf_path or None)``.

    Raises
    ------
    InputError
        Located at ``-o``: the output is a folder, or its folder does not exist or is
        not writable.
    """
    target = out if out is not None else folder / REPORT_NAME
    if target.is_dir() and target.suffix.lower() not in (".html", ".htm", ".pdf"):
        target = target / REPORT_NAME  # -o a folder: the report goes inside it
    pdf_path: Path | None
    if target.suffix.lower() == ".pdf":
        html, pdf_path = target.with_suffix(".html"), target
    else:
        html = (
            target
            if target.suffix.lower() in (".html", ".htm")
            else target.with_name(target.name + ".html")
        )
        pdf_path = html.with_suffix(".pdf") if pdf else None
    origin = "-o" if out is not None else str(folder)

    def refuse(message: str, hint: str) -> InputError:
        return InputError([Problem(origin, "", None, message, hint)])

    for path in (html, pdf_path):
        if path is not None and path.is_dir():
            raise refuse(f"{path} is a folder", "give a file name, e.g. -o report.html")
    parent = html.parent
    if not parent.is_dir():
        raise refuse(f"no such folder {parent}", "create it first, or give another -o")
    if not os.access(parent, os.W_OK):
        raise refuse(f"cannot write into {parent}", "give -o a file in a folder you can write")
    return html, pdf_path


def write_report(
    folder: str | Path,
    out: str | Path | None = None,
    pdf: bool = False,
    pdf_engine: str | None = None,
) -> list[Path]:
    """Build the report of a results folder and write it as HTML (and PDF).

    Parameters
    ----------
    folder : str or pathlib.Path
        A results folder of ``geosim run``, ``compare``, ``sweep``, ``sensitivity`` or
        ``discover``.
    out : str or pathlib.Path, optional
        The HTML file (default ``folder/report.html``); see :func:`output_paths`.
    pdf : bool
        Also print it to PDF (:mod:`.pdf`).
    pdf_engine : str, optional
        ``chromium`` or ``weasyprint``; default the first available.

    Returns
    -------
    list of pathlib.Path
        The files written: the HTML, then the PDF.

    Raises
    ------
    InputError
        Bad input, located (not a results folder, a damaged file, a bad ``-o``, no
        PDF engine); nothing is written then.
    """
    folder = Path(folder)
    folder_kind(folder)  # the folder first: a bad one is the likelier mistake
    html, pdf_path = output_paths(folder, Path(out) if out is not None else None, pdf)
    if pdf_path is not None:
        pdf_engine = pdf_engine or find_pdf_engine()
    text = render_html(build_report(folder))
    # the partial names keep their suffixes: Chromium reads a file without .html as text
    partial_html = html.with_name(f".{html.stem}.partial-{os.getpid()}.html")
    partial_pdf = (
        pdf_path.with_name(f".{pdf_path.stem}.partial-{os.getpid()}.pdf") if pdf_path else None
    )
    try:
        partial_html.write_text(text, encoding="utf-8")
        if pdf_path is not None and partial_pdf is not None:
            print_pdf(partial_html, partial_pdf, pdf_engine)
            os.replace(partial_pdf, pdf_path)
        os.replace(partial_html, html)
    finally:
        for path in (partial_html, partial_pdf):
            if path is not None and path.exists():
                path.unlink()
    return [html] + ([pdf_path] if pdf_path is not None else [])
