"""Self-contained reports of a results folder: ``geosim report``.

:func:`write_report` reads a folder written by ``geosim run`` (with or without
observations), ``compare``, ``sweep``, ``sensitivity`` or ``discover``, and writes
one HTML file that needs nothing else: the question, what was run, headline
findings generated from the tables (:mod:`.findings`), every figure inlined with
its caption (:mod:`.captions`), and the limitations (:mod:`.limitations`);
optionally a PDF (:mod:`.pdf`).  :mod:`.folders` tells the kinds of folder apart,
:mod:`.build` gathers a :class:`Report`, :mod:`.render` writes it (Jinja2, extra
``[report]``); :mod:`.words` says numbers and measures in plain language.
``docs/report.md`` describes the report.

May import: the plots, the analysis, the results, the scenario, the registry and
the errors; nothing imports the report but the command line.
"""

from __future__ import annotations

from .build import Figure, Report, Section, Table, build_report
from .findings import Finding
from .folders import KINDS, folder_kind
from .render import render_html, write_report

__all__ = [
    "KINDS",
    "Figure",
    "Finding",
    "Report",
    "Section",
    "Table",
    "build_report",
    "folder_kind",
    "render_html",
    "write_report",
]
