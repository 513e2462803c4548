"""Observed series: the CSV files a scenario's ``observations:`` names, read and checked.

An observation file is CSV with a header row; ``#`` lines before the header are
comments (title, units, what the dates mean).  Its columns:

- ``measure``: ``name``, ``name.A`` or ``name.A.B``, the measure syntax of reactions
  (no reducer), in the measure's unit (``geosim params``, Measures);
- ``date``: the period the value covers: ``YYYY`` (a calendar year), ``YYYY-Qn`` (a
  quarter) or ``YYYY-MM`` (a month);
- ``value``: a finite number;
- ``lower``, ``upper`` (optional, may be empty): an interval around the value, where
  sources disagree or give a range;
- ``source``: where the figure comes from (required).

Other columns are kept for the reader and ignored.  The model's value for a period
is the mean of the measure over the steps that begin in the period (each row of a
table is the state at the start of its step), or, for a count per step (unit
``events per step``), the sum of the counts of those steps (a step's count is
recorded at its end, in the next row).  The period must be made of whole
steps of the run: a year of a quarterly run from 2017-07 is four steps, but the
year 2017 begins before the run and is an error, unless the file's entry leaves it
out with ``from:``/``until:``.  Every problem is reported with the file, the line
and the column, and the run does not start (``docs/scenarios.md``, Observations).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import registry
from ..errors import InputError, Problem
from .paths import PathError, parse_measure
from .schema import Scenario, month_index, month_name
from .yamlio import MAX_BYTES

REQUIRED = ("measure", "date", "value", "source")
"""Columns every observation file has."""

OPTIONAL = ("lower", "upper")
"""Columns an observation file may have (their cells may be empty)."""

COLUMNS = (
    "file",
    "line",
    "measure",
    "name",
    "actors",
    "period",
    "first",
    "last",
    "step_first",
    "step_last",
    "how",
    "unit",
    "value",
    "lower",
    "upper",
    "source",
)
"""Columns of the table :func:`load_observations` returns."""

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


@dataclass(frozen=True)
class Period:
    """A calendar period: its first and last month (inclusive), by month index."""

    text: str
    first: int
    last: int


def parse_period(text: str) -> Period:
    """Read a period ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``.

    Parameters
    ----------
    text : str
        The date cell.

    Returns
    -------
    Period
        Its first and last month.

    Raises
    ------
    ValueError
        If the text is none of the three forms, or the month is not 01..12.
    """
    m = _PERIOD.match(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a period")
    year, quarter, month = m.group(1), m.group(2), m.group(3)
    january = month_index(f"{year}-01")
    if quarter:
        first = january + 3 * (int(quarter) - 1)
        return Period(text.strip(), first, first + 2)
    if month:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{text!r} has no month {month}")
        return Period(text.strip(), january + int(month) - 1, january + int(month) - 1)
    return Period(text.strip(), january, january + 11)


def aggregation(name: str, arity: int) -> str:
    """How the steps of a period add up for a measure: ``sum`` for counts, else ``mean``.

    Parameters
    ----------
    name : str
        The measure's name.
    arity : int
        Its number of actor codes.
    """
    unit = registry.measures_by_name()[(name, arity)].unit
    return "sum" if unit.endswith("per step") else "mean"


def _number(cell: str) -> float | None:
    """A finite float, None for an empty cell; ValueError otherwise."""
    if cell.strip() == "":
        return None
    x = float(cell)
    if not math.isfinite(x):
        raise ValueError("not finite")
    return x


def read_observation_file(
    path: Path,
    spec: Scenario,
    shown: str,
    keep: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[list[dict], list[Problem]]:
    """Read one file's rows, checking each; the rows and the problems found.

    Parameters
    ----------
    path : Path
        The CSV file.
    spec : Scenario
        The scenario whose run the observations must fall in.
    shown : str
        The file's name in messages.
    keep : list of str, optional
        Keep only these measures.
    since, until : str, optional
        Leave out periods that begin before ``since`` or end after ``until``
        (``YYYY-MM``).
    """
    problems: list[Problem] = []

    def bad(line: int | None, column: str, message: str, hint: str = "") -> None:
        problems.append(Problem(shown, column, line, message, hint))

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        bad(None, "", f"cannot read the observation file: {exc.strerror or exc}")
        return [], problems
    if len(data) > MAX_BYTES:
        bad(None, "", f"the file is larger than {MAX_BYTES:,} bytes (1 MiB)", "split it")
        return [], problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad(None, "", f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8 CSV")
        return [], problems

    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and (lines[skip].startswith("#") or not lines[skip].strip()):
        skip += 1
    reader = csv.reader(io.StringIO("\n".join(lines[skip:])))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        bad(
            None,
            "",
            "the file has no header row",
            "the first row names the columns: " + ",".join(REQUIRED[:3] + OPTIONAL + REQUIRED[3:]),
        )
        return [], problems
    except csv.Error as exc:
        bad(skip + 1, "", f"the header is not CSV: {exc}")
        return [], problems
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        bad(
            skip + 1,
            "",
            f"the header lacks the column(s) {', '.join(missing)}",
            "the header must name measure, date, value and source (lower, upper optional)",
        )
        return [], problems
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        bad(skip + 1, "", f"the header names {', '.join(duplicated)} twice", "keep one")
        return [], problems
    col = {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}

    rows: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    codes = spec.codes
    start, end = month_index(spec.start), month_index(spec.date_of(spec.steps)) - 1
    sm = spec.step_months
    try:
        records = list(reader)
    except csv.Error as exc:
        bad(None, "", f"the file is not CSV: {exc}", 'quote a cell holding commas with "..."')
        return [], problems
    for k, record in enumerate(records):
        line = skip + 2 + k
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            bad(
                line,
                "",
                f"the row has {len(record)} cells, the header {len(header)}",
                'quote a cell holding commas with "..."',
            )
            continue
        cell = {c: record[i] for c, i in col.items()}
        measure = cell["measure"].strip()
        if keep is not None and measure not in keep:
            continue
        ok = True
        try:
            ms = parse_measure(measure, codes)
            if ms.reducer:
                raise PathError(
                    f"an observation names a measure without a reducer: {measure!r}",
                    f"write {measure.split(':')[0]}",
                )
        except PathError as exc:
            bad(line, "measure", str(exc), exc.hint)
            ok = False
        try:
            period = parse_period(cell["date"])
        except ValueError as exc:
            bad(line, "date", str(exc), "write YYYY (a year), YYYY-Qn (a quarter) or YYYY-MM")
            ok = False
        values: dict[str, float | None] = {}
        for c in ("value", *OPTIONAL):
            if c not in cell:
                values[c] = None
                continue
            try:
                values[c] = _number(cell[c])
            except ValueError:
                bad(
                    line,
                    c,
                    f"{cell[c].strip()!r} is not a finite number",
                    "write a plain number such as 1.25 (no %, no thousands separator)",
                )
                ok = False
        if ok and values["value"] is None:
            bad(line, "value", "the value is empty", "give the observed number")
            ok = False
        if not cell["source"].strip():
            bad(
                line,
                "source",
                "the row names no source",
                "name the source and where it was reached; mark estimates est.",
            )
            ok = False
        if not ok:
            continue
        lo, hi, v = values["lower"], values["upper"], values["value"]
        assert v is not None
        if (lo is not None and lo > v) or (hi is not None and hi < v):
            bad(
                line,
                "lower" if lo is not None and lo > v else "upper",
                f"the interval [{lo}, {hi}] does not hold the value {v}",
                "lower <= value <= upper",
            )
            continue
        if (since and period.first < month_index(since)) or (
            until and period.last > month_index(until)
        ):
            continue
        key = (measure, period.text)
        if key in seen:
            bad(
                line,
                "date",
                f"{measure} {period.text} is given twice (also line {seen[key]})",
                "keep one row per measure and period",
            )
            continue
        seen[key] = line
        rows.append(
            {
                "file": shown,
                "line": line,
                "measure": measure,
                "name": ms.name,
                "actors": ".".join(ms.actors),
                "period": period.text,
                "first": month_name(period.first),
                "last": month_name(period.last),
                "_first": period.first,
                "_last": period.last,
                "how": aggregation(ms.name, len(ms.actors)),
                "unit": registry.measures_by_name()[(ms.name, len(ms.actors))].unit,
                "value": v,
                "lower": lo,
                "upper": hi,
                "source": cell["source"].strip(),
            }
        )
    # the period must be whole steps of the run
    span = f"the run covers {spec.span}"
    for row in rows:
        p0, p1 = row.pop("_first"), row.pop("_last")
        if p0 < start or p1 > end:
            problems.append(
                Problem(
                    shown,
                    "date",
                    row["line"],
                    f"{row['measure']} {row['period']} lies outside the run",
                    span + "; leave it out with from:/until: in the scenario's observations entry",
                )
            )
            continue
        off0, off1 = p0 - start, p1 + 1 - start
        if off0 % sm or off1 % sm:
            what = (
                f"shorter than one {spec.step}, the run's step"
                if p1 - p0 + 1 < sm
                else f"not made of whole {spec.step}s of the run"
            )
            problems.append(
                Problem(
                    shown,
                    "date",
                    row["line"],
                    f"the period {row['period']} is {what}",
                    f"{span}; give the value for a period of whole {spec.step}s",
                )
            )
            continue
        # a level is read at the steps that begin in the period; a count per step is
        # recorded at the end of its step, one row later
        shift = 1 if row["how"] == "sum" else 0
        row["step_first"], row["step_last"] = off0 // sm + shift, off1 // sm - 1 + shift
    problems.sort(key=lambda p: p.line or 0)
    return rows, problems


def load_observations(spec: Scenario, base: Path | str, where: str = "") -> pd.DataFrame:
    """Read and check every observation file of a scenario; one row per observation.

    Parameters
    ----------
    spec : Scenario
        The scenario; an empty table if it has no ``observations:``.
    base : Path or str
        The folder the file paths are relative to (the scenario file's).
    where : str
        The scenario file's name, for messages about the entries themselves.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; ``step_first``/``step_last`` are the run's steps
        (inclusive) that make up each period, ``how`` is ``mean`` or ``sum``.

    Raises
    ------
    InputError
        Every problem of every file: missing or unreadable files, malformed rows,
        unknown measures, periods outside the run or not of whole steps.
    """
    obs = spec.observations
    if obs is None:
        return pd.DataFrame({c: [] for c in COLUMNS})
    problems: list[Problem] = []
    rows: list[dict] = []
    for i, entry in enumerate(obs.files):
        path = Path(entry.file)
        if not path.is_absolute():
            path = Path(base) / path
        shown = str(path)
        if not path.is_file():
            problems.append(
                Problem(
                    where or "<scenario>",
                    f"observations.files[{i}].file",
                    None,
                    f"no observation file {entry.file!r} (looked for {shown})",
                    "the path is relative to the scenario file that names it",
                )
            )
            continue
        if entry.measures is not None:
            for m in entry.measures:
                try:
                    parse_measure(m, spec.codes)
                except PathError as exc:
                    problems.append(
                        Problem(
                            where or "<scenario>",
                            f"observations.files[{i}].measures",
                            None,
                            str(exc),
                            exc.hint,
                        )
                    )
        found, trouble = read_observation_file(
            path, spec, shown, entry.measures, entry.start, entry.until
        )
        problems.extend(trouble)
        rows.extend(found)
    _check_windows(spec, where, problems)
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype({"line": int, "step_first": int, "step_last": int})


def _check_windows(spec: Scenario, where: str, problems: list[Problem]) -> None:
    """Each scoring window must lie within the run."""
    assert spec.observations is not None
    start, end = month_index(spec.start), month_index(spec.date_of(spec.steps)) - 1
    for name, (first, last) in spec.observations.windows.items():
        if month_index(first) < start or month_index(last) > end:
            problems.append(
                Problem(
                    where or "<scenario>",
                    f"observations.windows.{name}",
                    None,
                    f"the window {first} to {last} reaches outside the run",
                    f"the run covers {spec.span}",
                )
            )


def window_of(first: str, last: str, windows: dict[str, tuple[str, str]]) -> list[str]:
    """The windows a period lies wholly inside (a period across two is in neither).

    Parameters
    ----------
    first, last : str
        The period's first and last month, ``YYYY-MM``.
    windows : dict
        Name to (first month, last month), inclusive.
    """
    a, b = month_index(first), month_index(last)
    return [
        name for name, (w0, w1) in windows.items() if month_index(w0) <= a and b <= month_index(w1)
    ]
