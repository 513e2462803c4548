"""The figure formats geosim writes, with the metadata that keeps their bytes reproducible.

Matplotlib embeds dates and versions in SVG and PDF, and its version in PNG; these
entries blank them, so that the same data give the same bytes.  This module
imports nothing, so that the command line can list the formats without loading
matplotlib.
"""

from __future__ import annotations

from typing import Any

#: The figure formats :func:`write_run_plots` writes, with metadata fixed for identical bytes.
METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}

FORMATS: tuple[str, ...] = tuple(METADATA)
"""The formats :func:`sim.plots.style.save_figure` writes: png, svg, pdf."""
