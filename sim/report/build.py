"""Gather what a report says about a results folder: :func:`build_report`.

Reads the folder's manifest, scenario, tables and figures (nothing is rerun) and
returns a :class:`Report`: the question, what was run, the headline findings
(:mod:`.findings`), tables of the key numbers, every figure with its caption
(:mod:`.captions`) as a data URI, what the uncertainty shown is, and the
limitations (:mod:`.limitations`).  The figures are the files in the folder's
``plots/`` (PNG or SVG, in the order the commands write them); a run or sweep saved
without figures (``--no-plots``, or ``--format pdf``) gets them drawn from its tables,
in memory, so that the report never lacks them.  :mod:`.render` turns a Report into
HTML.
"""

from __future__ import annotations

import base64
import io
import math
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import InputError, Problem
from ..results import SHOWN_MEMORY, ResultsError, read_json, read_table, read_text
from ..scenario import Scenario, scenario_from_yaml
from . import findings as fnd
from .captions import Context, caption, slug
from .folders import folder_kind
from .limitations import LIMITATIONS, NOTICE, READING
from .words import (
    bound_text,
    compact,
    difference_text,
    measure_phrase,
    measure_unit,
    month_text,
    names_list,
    number,
    percent,
    resolving_digits,
    short_parameter,
    unit_label,
)

IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}
"""Figure files a report inlines, by suffix, with their media type."""

KIND_LABELS = {
    "run": "Run",
    "hindcast": "Run against the record",
    "comparison": "Paired comparison",
    "sweep": "Parameter sweep",
    "sensitivity": "Sensitivity analysis",
    "discovery": "Scenario discovery (PRIM)",
}
"""The kind of folder, as the report's header names it."""

REDRAW_DPI = 110
"""Resolution of figures a report draws itself (those the folder lacks)."""


@dataclass
class Figure:
    """A figure of the report: its name, caption and image as base64 data.

    Attributes
    ----------
    name : str
        The figure's file name without extension (``balance``).
    caption : str
        What it shows (:func:`.captions.caption`).
    media_type : str
        ``image/png`` or ``image/svg+xml``.
    data : str
        The image, base64-encoded.
    source : str
        Where it came from: its path in the folder, or "drawn from the tables".
    """

    name: str
    caption: str
    media_type: str
    data: str
    source: str

    @property
    def uri(self) -> str:
        """The image as a ``data:`` URI, for ``<img src>``."""
        return f"data:{self.media_type};base64,{self.data}"


@dataclass
class Table:
    """A small table of the report: title, header, rows of text, a note.

    Attributes
    ----------
    title : str
        What the table holds.
    header : list of str
        Column names.
    rows : list of list of str
        The cells, formatted.
    note : str
        A line under the table (units, where it comes from).
    """

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Section:
    """A part of the report with its own findings, tables and figures.

    Attributes
    ----------
    title : str
        The section's heading.
    intro : str
        A sentence under it.
    findings : list of Finding
        Findings of this part (a discovery inside a sweep).
    tables : list of Table
        Its tables.
    figures : list of Figure
        Its figures.
    """

    title: str
    intro: str = ""
    findings: list[fnd.Finding] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Report:
    """Everything a report says, as data (:func:`build_report`; :mod:`.render` draws it).

    Attributes
    ----------
    kind : str
        One of :data:`.folders.KINDS`.
    title : str
        The scenario's, sweep's or comparison's name.
    question : str
        The question: the scenario's description, or one made from the sweep or
        comparison.
    question_items : list of (str, str)
        Further descriptions (each scenario of a comparison, a sweep's base).
    facts : list of (str, str)
        What was run: scenario, dates, seeds, engine, versions, command...
    findings : list of Finding
        The headline findings, generated from the tables.
    sections : list of Section
        Tables and figures, by part.
    notes : list of str
        Remarks on the folder (a streamed run's figures, figures not inlined).
    reading : str
        What the uncertainty shown is, and is not.
    notice : str
        The "exploring scenarios, not a forecast" notice.
    limitations : tuple of (str, str)
        The documented limitations.
    libraries : list of (str, str)
        Library versions from the manifest.
    seeds : list of str
        Every replication's seed, for the appendix.
    folder : str
        The results folder.
    generator : str
        The geosim version that wrote the report.
    """

    kind: str
    title: str
    question: str
    question_items: list[tuple[str, str]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    findings: list[fnd.Finding] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reading: str = ""
    notice: str = NOTICE
    limitations: tuple[tuple[str, str], ...] = LIMITATIONS
    libraries: list[tuple[str, str]] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    folder: str = ""
    generator: str = ""

    @property
    def notice_head(self) -> str:
        """The notice's first sentence ("... not a forecast.")."""
        head, _, _ = self.notice.partition(". ")
        return head + "." if not head.endswith(".") else head

    @property
    def notice_body(self) -> str:
        """The notice after its first sentence."""
        return self.notice.partition(". ")[2]

    @property
    def kind_label(self) -> str:
        """The kind of folder in words ("Paired comparison")."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def figures(self) -> list[Figure]:
        """Every figure of every section, in order."""
        return [f for s in self.sections for f in s.figures]


# --------------------------------------------------------------------------- helpers


def _geosim_version() -> str:
    try:
        return version("geosim")
    except PackageNotFoundError:
        return "unknown"


def _scenario(path: Path) -> Scenario:
    """A resolved scenario file of a results folder, or a ResultsError naming it."""
    text = read_text(path, "the resolved scenario")
    try:
        return scenario_from_yaml(text, str(path))
    except InputError as exc:
        raise ResultsError(
            str(path), f"not a valid resolved scenario: {exc.problems[0].message}"
        ) from None


def _csv(path: Path) -> pd.DataFrame:
    """A CSV table of the folder (a ResultsError names a missing or damaged one)."""
    return read_table(path)


def _created(folder: Path) -> str:
    """When the folder was written, from its ``<UTC time>-<hash>`` name, else ''."""
    stamp = folder.name.split("-")[0]
    try:
        when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return ""
    return when.strftime("%d %B %Y, %H:%M UTC").lstrip("0")


def _environment_facts(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    libraries = manifest.get("libraries") or {}
    facts = []
    if libraries:
        facts.append(("geosim", str(libraries.get("geosim") or "unknown")))
    if manifest.get("git_commit"):
        facts.append(("git commit", str(manifest["git_commit"])[:12]))
    if manifest.get("python"):
        facts.append(("Python", f"{manifest['python']} on {manifest.get('platform', '?')}"))
    if not libraries:
        facts.append(("versions", "not recorded in this folder"))
    return facts


def _libraries(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in (manifest.get("libraries") or {}).items()]


def _engine(manifest: Mapping[str, Any]) -> str:
    engine = str(manifest.get("engine") or "not recorded")
    if manifest.get("model_class"):
        engine += f", model class {manifest['model_class']}"
    if manifest.get("engine_note"):
        engine += f" ({manifest['engine_note']})"
    workers = manifest.get("workers")
    if workers and int(workers) > 1:
        engine += f", {workers} workers"
    return engine


def _image(path: Path, context: Context) -> Figure:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return Figure(
        path.stem,
        caption(path.stem, context),
        IMAGE_TYPES[path.suffix.lower()],
        data,
        str(path.relative_to(path.parent.parent)),
    )


def _figures(
    folder: Path, context: Context, order: Iterable[str] = (), notes: list[str] | None = None
) -> list[Figure]:
    """The PNG/SVG figures in ``folder``, names in ``order`` first, the rest sorted.

    A figure saved in both formats is taken once (PNG first); figures in a format a
    browser cannot show inline (PDF) and animations are named in ``notes``.
    """
    if not folder.is_dir():
        return []
    files: dict[str, Path] = {}
    others = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in IMAGE_TYPES:
            if path.stem not in files or path.suffix.lower() == ".png":
                files[path.stem] = path
        elif path.suffix.lower() in (".pdf", ".gif"):
            others.append(path.name)
    ranked = [n for n in order if n in files] + sorted(n for n in files if n not in set(order))
    if others and notes is not None:
        notes.append(
            f"Not inlined: {', '.join(others)} in {folder} (PDF figures and animations stay "
            "in the folder; geosim plot --format png redraws a run's or sweep's figures)."
        )
    return [_image(files[n], context) for n in ranked]


def _drawn(name: str, fig: Any, context: Context) -> Figure:
    """A matplotlib Figure drawn by the report, as a PNG :class:`Figure`."""
    from ..plots.formats import METADATA

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=REDRAW_DPI, metadata=METADATA["png"])
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Figure(name, caption(name, context), "image/png", data, "drawn from the tables")


def _table_rows(
    frame: pd.DataFrame, columns: Mapping[str, Callable[[Any], str]]
) -> list[list[str]]:
    return [[fmt(row[c]) for c, fmt in columns.items()] for _, row in frame.iterrows()]


def _poles(scenario: Scenario) -> tuple[str, str]:
    names = fnd.actor_names(scenario)
    a, b = scenario.analysis.blocs.a, scenario.analysis.blocs.b
    return names_list([names.get(c, c) for c in a]), names_list([names.get(c, c) for c in b])


# --------------------------------------------------------------------------- runs

KEY_MEASURES = (
    "balance",
    "balance_core",
    "balance_swing",
    "tension",
    "conflict_risk_any",
)
"""Model measures in the key-numbers table of a run (with the key dyads' risks and
each actor's capability and defence burden)."""


def _first_step(folder: Path, manifest: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The measures and actors tables at step 0, read without the rest of the run."""
    csv = manifest.get("format") == "csv" or (
        manifest.get("format") is None and (folder / "measures.csv").exists()
    )
    out = {}
    for name in ("measures", "actors"):
        path = folder / f"{name}.{'csv' if csv else 'parquet'}"
        if not path.exists():
            raise ResultsError(str(path), f"the {name} table is missing", "rerun the scenario")
        if csv:
            frame = read_table(path)
        else:
            try:
                frame = pd.read_parquet(path, filters=[("step", "==", 0)])
            except Exception:  # damaged: read_table names the file and the reason
                frame = read_table(path)
        out[name] = frame[frame["step"] == frame["step"].min()]
    return out


def _events(folder: Path, manifest: Mapping[str, Any], replications: int) -> dict[str, float]:
    """Mean events per replication, by kind (failed replications left out)."""
    csv = manifest.get("format") == "csv"
    path = folder / f"events.{'csv' if csv else 'parquet'}"
    if not path.exists() or replications <= 0:
        return {}
    frame = read_table(path, columns=None if csv else ["replication", "kind"])
    failed = set(manifest.get("failed_replications") or [])
    frame = frame[~frame["replication"].isin(failed)]
    if frame.empty:
        return {}
    return {str(k): float(v) / replications for k, v in frame.groupby("kind").size().items()}


def _key_numbers(summary: pd.DataFrame, start: Mapping[str, float], scenario: Scenario) -> Table:
    stats = summary.set_index("measure")
    wanted = [m for m in KEY_MEASURES if m in stats.index]
    wanted += [m for m in stats.index if str(m).startswith("conflict_risk.")]
    for code in scenario.codes:
        wanted += [m for m in (f"capability.{code}", f"defence_share.{code}") if m in stats.index]
    names = fnd.actor_names(scenario)
    rows = []
    for m in wanted:
        row = stats.loc[m]
        unit = measure_unit(m)
        if not row["n"] or not math.isfinite(float(row.get("median", math.nan))):
            continue
        rows.append(
            [
                str(m),
                measure_phrase(str(m), names),
                unit_label(unit),
                bound_text(float(start.get(str(m), math.nan)), unit),
                bound_text(float(row["median"]), unit),
                f"{bound_text(float(row['p05']), unit)} to {bound_text(float(row['p95']), unit)}",
            ]
        )
    return Table(
        "Key numbers: start and end",
        [
            "measure",
            "what",
            "unit",
            month_text(scenario.start),
            month_text(scenario.date_of(scenario.steps)),
            "90 % of replications",
        ],
        rows,
        "Medians over the replications; the range is the 5th to 95th percentile at the end "
        "(summary.csv holds every measure).",
    )


def _run_facts(
    folder: Path, manifest: Mapping[str, Any], scenario: Scenario
) -> list[tuple[str, str]]:
    failed = len(manifest.get("failed_replications") or [])
    reps = int(manifest.get("replications", scenario.replications))
    replications = f"{reps}" + (f" ({failed} left the model's domain)" if failed else "")
    facts = [
        ("scenario", scenario.name),
        (
            "period",
            f"{month_text(scenario.start)} to {month_text(scenario.date_of(scenario.steps))}, "
            f"{scenario.steps} {scenario.step}s",
        ),
        ("replications", replications),
        ("root seed", str(manifest.get("root_seed", scenario.seed))),
        ("engine", _engine(manifest)),
    ]
    if manifest.get("deterministic"):
        facts.append(("randomness", "deterministic (no random draws)"))
    if manifest.get("command"):
        facts.append(("command", str(manifest["command"])))
    if manifest.get("wall_time_s") is not None:
        facts.append(("wall time", f"{float(manifest['wall_time_s']):.1f} s"))
    facts += _environment_facts(manifest)
    created = _created(folder)
    if created:
        facts.append(("written", created))
    facts.append(("tables", str(manifest.get("format") or "parquet")))
    return facts


def _run_figures(
    folder: Path, kind: str, scenario: Scenario, context: Context, notes: list[str]
) -> list[Figure]:
    from ..plots.run import RUN_FIGURES

    observed = []
    if kind == "hindcast":
        per = folder / "observations.csv"
        if per.exists():
            measures = list(dict.fromkeys(_csv(per)["measure"]))
            observed = ["observed_" + str(m).replace(".", "_") for m in measures]
            context.slugs = {str(m).replace(".", "_"): str(m) for m in measures}
    figures = _figures(folder / "plots", context, [*RUN_FIGURES, *observed], notes)
    if figures:
        return figures
    return _redraw_run(folder, kind, scenario, context, notes)


def _redraw_run(
    folder: Path, kind: str, scenario: Scenario, context: Context, notes: list[str]
) -> list[Figure]:
    """Draw a run's figures from its tables (a folder saved without PNG/SVG figures)."""
    import matplotlib

    matplotlib.use("Agg")
    from ..plots.observed import write_observed_plots
    from ..plots.run import RUN_FIGURES
    from ..results import load_results

    loaded = load_results(folder, memory=SHOWN_MEMORY)
    shown = loaded.succeeded()
    if shown.measures.empty:
        return []
    figures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # as geosim run draws them
        warnings.simplefilter("ignore", UserWarning)  # a flat series on a log scale
        for name, (data, draw) in RUN_FIGURES.items():
            if data(shown).empty:
                continue
            figures.append(_drawn(name, draw(shown), context))
        if kind == "hindcast" and scenario.observations is not None:
            with tempfile.TemporaryDirectory() as tmp:
                per = _csv(folder / "observations.csv")
                for path in write_observed_plots(per, scenario.observations.windows, Path(tmp)):
                    figures.append(_image(path, context))
                    figures[-1].source = "drawn from observations.csv"
    notes.append("The folder holds no PNG or SVG figures: the report drew them from its tables.")
    if shown.subset:
        notes.append(f"The figures show {shown.subset}; the tables hold every replication.")
    return figures


def _score_table(score: pd.DataFrame, scenario: Scenario) -> Table:
    names = fnd.actor_names(scenario)

    def share(x: Any) -> str:
        return percent(float(x))

    rows = _table_rows(
        score,
        {
            "measure": lambda m: f"{m} ({measure_phrase(str(m), names)})",
            "window": str,
            "observations": lambda n: str(int(n)),
            "in50": share,
            "in90": share,
            "crps": lambda x: number(float(x)),
            "interval_score": lambda x: number(float(x)),
            "unit": str,
        },
    )
    return Table(
        "Against the record (score.csv)",
        [
            "series",
            "window",
            "obs.",
            "in 50 % band",
            "in 90 % band",
            "CRPS",
            "interval score",
            "unit",
        ],
        rows,
        "A calibrated model has about 50 % and 90 % of the observations inside its bands; "
        "CRPS and interval score are in the series' unit, lower is better.",
    )


def _build_run(folder: Path, kind: str) -> Report:
    manifest = read_json(folder / "manifest.json", "a run's manifest")
    scenario = _scenario(folder / "scenario.yaml")
    summary = _csv(folder / "summary.csv")
    start = fnd.start_medians(_first_step(folder, manifest))
    failed = [int(k) for k in manifest.get("failed_replications") or []]
    ok = int(summary["n"].max()) if len(summary) else 0
    events = _events(folder, manifest, ok)
    findings = fnd.run_findings(summary, start, scenario, events, len(failed))
    notes: list[str] = []
    sections = [Section("Key numbers", tables=[_key_numbers(summary, start, scenario)])]
    if kind == "hindcast":
        score = _csv(folder / "score.csv")
        windows = scenario.observations.windows if scenario.observations else None
        findings = fnd.score_findings(score, windows, scenario) + findings
        sections.append(Section("Against the record", tables=[_score_table(score, scenario)]))
    context = Context(replications=ok, poles=_poles(scenario), names=fnd.actor_names(scenario))
    sections.append(
        Section(
            "Figures",
            figures=_run_figures(folder, kind, scenario, context, notes),
        )
    )
    return Report(
        kind=kind,
        title=scenario.name,
        question=scenario.description or f"What happens in the scenario {scenario.name}?",
        facts=_run_facts(folder, manifest, scenario),
        findings=findings,
        sections=sections,
        notes=notes,
        reading=READING[kind] if kind == "run" else READING["hindcast"] + " " + READING["run"],
        libraries=_libraries(manifest),
        seeds=[str(s) for s in manifest.get("seeds") or []],
    )


# --------------------------------------------------------------------------- comparisons


def _build_comparison(folder: Path) -> Report:
    manifest = read_json(folder / "manifest.json", "the comparison's manifest")
    names = [str(n) for n in manifest.get("scenarios") or []]
    if len(names) < 2:
        raise ResultsError(
            str(folder / "manifest.json"), "the manifest names fewer than two scenarios"
        )
    reference = names[0]
    files = manifest.get("scenario_files") or {}
    scenarios = {
        n: _scenario(folder / files[n])
        for n in names
        if n in files and (folder / files[n]).exists()
    }
    ref = scenarios.get(reference)
    ranking = _csv(folder / "ranking.csv")
    end_path = folder / "end_states.csv"
    end_states = _csv(end_path) if end_path.exists() else None
    unit = str(manifest.get("unit") or "1")
    measure = str(manifest.get("measure") or "balance")
    reducer = manifest.get("reducer")
    full = measure + (f":{reducer}" if reducer not in (None, "last") else "")
    findings = fnd.comparison_findings(ranking, reference, unit, end_states, ref)
    notes = []
    if end_states is None:
        notes.append(
            f"This comparison folder holds only {measure}; a comparison written by this "
            "version of geosim also records every measure's end state (end_states.csv), "
            "and the report then says which other measures move."
        )
    who = fnd.actor_names(ref)
    reps = int(manifest.get("replications") or 0)
    facts = [
        ("reference", reference),
        ("compared", names_list(names[1:])),
        ("measure", f"{full} ({measure_phrase(full, who)}), in {unit}"),
        ("paired replications", str(reps)),
        ("root seed", str(manifest.get("root_seed", "not recorded"))),
    ]
    left_out = manifest.get("left_out") or []
    if left_out:
        facts.append(("pairs left out", f"{len(left_out)} (a replication left the model's domain)"))
    engines = manifest.get("engines") or {}
    if engines:
        facts.append(("engine", ", ".join(sorted(set(map(str, engines.values()))))))
    if manifest.get("command"):
        facts.append(("command", str(manifest["command"])))
    facts += _environment_facts(manifest)
    created = _created(folder)
    if created:
        facts.append(("written", created))

    def diff(x: Any) -> str:
        return difference_text(float(x), unit)

    rank_rows = [
        [
            str(int(r["rank"])),
            str(r["scenario"]),
            diff(r["mean_difference"]),
            f"{diff(r['ci90_low'])} to {diff(r['ci90_high'])}",
            f"{diff(r['p05'])} to {diff(r['p95'])}",
            percent(float(r["same_sign_share"])),
        ]
        for _, r in ranking.iterrows()
    ]
    table = Table(
        f"Ranking: paired difference from {reference} in {full} (ranking.csv)",
        [
            "rank",
            "scenario",
            "mean difference",
            "90 % interval of the mean",
            "5th to 95th percentile",
            "same sign",
        ],
        rank_rows,
        "The interval is mean \u00b1 1.645 standard errors; the percentiles are of the "
        "per-replication differences.",
    )
    context = Context(
        replications=reps,
        poles=_poles(ref) if ref else ("pole a", "pole b"),
        names=who,
        measure=full,
        reference=reference,
    )
    descriptions = manifest.get("descriptions") or {}

    def described(name: str) -> str:
        text = descriptions.get(name) or (scenarios[name].description if name in scenarios else "")
        return str(text or "")

    items = []
    for name in names:
        text = described(name)
        if name != reference and text and text == described(reference):
            text += f" (the same description as {reference}'s, inherited through extends:)"
        if text:
            items.append((name, text))
    return Report(
        kind="comparison",
        title=f"{reference} against {names_list(names[1:])}",
        question=(
            f"How do {names_list(names[1:])} differ from {reference}, replication by "
            "replication with the same random numbers?"
        ),
        question_items=items,
        facts=facts,
        findings=findings,
        sections=[
            Section("Ranking", tables=[table]),
            Section(
                "Figures",
                figures=_figures(
                    folder / "plots",
                    context,
                    ["comparison", "difference", "overlay", "ranking"],
                    notes,
                ),
            ),
        ],
        notes=notes,
        reading=READING["comparison"],
        libraries=_libraries(manifest),
    )


# --------------------------------------------------------------------------- sweeps


def _sweep_spec(folder: Path) -> Any:
    from ..analysis.spec import SweepSpec

    path = folder / "sweep.yaml"
    try:
        return SweepSpec.model_validate(yaml.safe_load(read_text(path, "the sweep file")))
    except Exception as exc:  # a damaged file: named, on one line
        raise ResultsError(str(path), f"not a valid sweep file ({fnd_one_line(exc)})") from None


def fnd_one_line(exc: BaseException) -> str:
    """The first line of an exception's message, short (for damaged files).

    Parameters
    ----------
    exc : BaseException
        What a parser raised.

    Returns
    -------
    str
        Its first line, at most 160 characters.
    """
    from ..results import one_line

    return one_line(exc, 160)


def _parameter_table(spec: Any, names: Mapping[str, str]) -> Table:
    rows = []
    for path, p in spec.parameters.items():
        if p.values is not None:
            how = "values " + ", ".join(
                compact(float(v)) if isinstance(v, int | float) else str(v) for v in p.values
            )
        elif p.range is not None:
            how = f"{compact(p.range[0])} to {compact(p.range[1])}"
            how += f", {p.steps} steps" if p.steps else f", {p.distribution}"
        else:
            how = f"normal, mean {compact(p.mean)}, sd {compact(p.sd)}"
        rows.append([path, short_parameter(path, names), how])
    return Table("Parameters swept", ["path", "what", "values"], rows)


def _sweep_facts(
    folder: Path, spec: Any, manifest: Mapping[str, Any], base: Scenario
) -> list[tuple[str, str]]:
    facts = [
        ("sweep", spec.name),
        ("base scenario", base.name),
        (
            "period",
            f"{month_text(base.start)} to {month_text(base.date_of(base.steps))}, "
            f"{base.steps} {base.step}s",
        ),
        ("method", spec.method),
        ("points", str(manifest.get("points", "?"))),
        ("replications per point", str(manifest.get("replications", spec.replications))),
        ("runs", str(manifest.get("runs", "?"))),
        ("measures", ", ".join(spec.measures)),
        ("root seed", str(manifest.get("root_seed", spec.seed or base.seed))),
    ]
    if spec.method != "grid":
        facts.append(("sample seed", str(spec.sample_seed)))
    facts.append(("engine", _engine(manifest)))
    if manifest.get("executor"):
        facts.append(("executor", str(manifest["executor"])))
    if manifest.get("wall_time_s") is not None:
        facts.append(("wall time", f"{float(manifest['wall_time_s']):.1f} s"))
    facts += _environment_facts(manifest)
    return facts


def _sweep_order(spec: Any) -> tuple[list[str], dict[str, str]]:
    """The sweep's figure names in the order its writers make them, and their slugs."""
    from ..plots.sweep import short_label

    params = list(spec.parameters)
    order, slugs = [], {}
    for m in spec.measures:
        slugs[slug(m)] = m
        for p in params:
            slugs[slug(short_label(p))] = p
            order.append(f"outcome-{slug(m)}-by-{slug(short_label(p))}")
        order.append(f"heatmap-{slug(m)}")
        order += [f"sobol-{slug(m)}", f"morris-{slug(m)}"]
    return order, slugs


def _ok_wide(result: Any) -> pd.DataFrame:
    wide = result.wide()
    runs = result.runs
    if len(runs) and "status" in runs:
        ok = set(runs.loc[runs["status"] == "ok", "run_id"])
        wide = wide[wide["run_id"].isin(ok)]
    return wide


def _point_table(wide: pd.DataFrame, spec: Any, names: Mapping[str, str]) -> Table:
    params = list(spec.parameters)
    medians = wide.groupby("point")[list(spec.measures)].median()
    first = wide.drop_duplicates("point").set_index("point")[params]
    frame = first.join(medians).reset_index()
    shown, note = frame, "Medians over each point's replications."
    if len(frame) > 12:
        key = spec.measures[0]
        ordered = frame.sort_values(key, kind="stable")
        shown = pd.concat([ordered.head(6), ordered.tail(6)])
        note = (
            f"The 6 lowest and 6 highest of the {len(frame)} points by {key}; medians over "
            "each point's replications."
        )
    digits = {m: resolving_digits(frame[m].to_numpy()) for m in spec.measures}
    rows = [
        [str(int(r["point"]))]
        + [compact(float(r[p])) for p in params]
        + [number(float(r[m]), digits[m]) for m in spec.measures]
        for _, r in shown.iterrows()
    ]
    return Table(
        "Points",
        ["point", *[short_parameter(p, names) for p in params], *spec.measures],
        rows,
        note,
    )


def _discovery_section(
    folder: Path,
    scenario: Scenario | None,
    context: Context,
    notes: list[str],
    measures: Iterable[str] = (),
) -> Section:
    limits = _csv(folder / "box.csv")
    peeling = _csv(folder / "peeling.csv")
    about: dict[str, Any] = {}
    if (folder / "discovery.json").exists():
        about = read_json(folder / "discovery.json", "the discovery's record")
    else:
        about["measure"] = _discovered_measure(folder, measures)
        notes.append(
            f"{folder.name} does not record its condition and level (written before "
            "discovery.json); the findings name the measure only."
        )
    names = fnd.actor_names(scenario)
    rows = [
        [
            str(r.parameter),
            short_parameter(str(r.parameter), names),
            f"{compact(r.low)} to {compact(r.high)}"
            if str(r.restricted).lower() == "true"
            else "unrestricted",
            f"{compact(r.range_low)} to {compact(r.range_high)}",
        ]
        for r in limits.itertuples(index=False)
    ]
    measure = str(about.get("measure", ""))
    return Section(
        f"Scenario discovery: {measure}",
        intro=(
            "PRIM (Friedman & Fisher 1999, as EMA Workbench implements it) peels the "
            "sweep's parameter space to a box inside which the outcome is frequent."
        ),
        findings=fnd.discovery_findings(limits, peeling, about, scenario),
        tables=[Table("The box (box.csv)", ["parameter", "what", "box", "sweep range"], rows)],
        figures=_figures(folder, context, ["discovery_tradeoff", "discovery_box"], notes),
    )


def _discovered_measure(folder: Path, measures: Iterable[str]) -> str:
    """The measure a ``discovery-<measure>`` folder was named after (made safe)."""
    from ..results import safe_name

    named = folder.name.removeprefix("discovery-")
    return next((m for m in measures if safe_name(m) == named), named)


def _build_sweep(folder: Path, kind: str) -> Report:
    from ..analysis.store import load

    spec = _sweep_spec(folder)
    base = _scenario(folder / "base_scenario.yaml")
    names = fnd.actor_names(base)
    manifest = (
        read_json(folder / "manifest.json", "the sweep's manifest")
        if (folder / "manifest.json").exists()
        else {}
    )
    notes: list[str] = []
    order, slugs = _sweep_order(spec)
    context = Context(
        replications=int(manifest.get("replications", spec.replications)),
        poles=_poles(base),
        names=names,
        slugs=slugs,
        parameters=tuple(spec.parameters),
    )
    params = names_list([short_parameter(p, names) for p in spec.parameters])
    sections = [Section("Design", tables=[_parameter_table(spec, names)])]
    items = [(f"base scenario {base.name}", base.description or "")]
    if kind == "sensitivity":
        method = spec.method
        indices = _csv(folder / f"{method}_indices.csv")
        shares_path = folder / "seed_share.csv"
        shares = _csv(shares_path) if shares_path.exists() else None
        about = read_json(folder / "sensitivity.json", "the analysis record")
        findings = fnd.sensitivity_findings(indices, method, shares, base)
        question = spec.description or (
            f"Which of the {len(spec.parameters)} parameters ({params}) matter most for "
            f"{names_list(list(spec.measures))}, and how much of their variance is seed noise?"
        )
        key = "ST" if method == "sobol" else "mu_star"
        for measure, rows in indices.groupby("measure", sort=False):
            ranked = rows.sort_values(key, ascending=False, kind="stable").head(10)
            if method == "sobol":
                cols = ["ST", "ST_conf", "S1", "S1_conf"]
                header = ["ST", "\u00b1", "S1", "\u00b1"]
            else:
                cols = ["mu_star", "mu_star_conf", "sigma"]
                header = ["\u03bc*", "\u00b1", "\u03c3"]
            table_rows = [
                [str(i + 1), short_parameter(str(r["parameter"]), names)]
                + [number(float(r[c]), 2) for c in cols]
                for i, (_, r) in enumerate(ranked.iterrows())
            ]
            sections.append(
                Section(
                    f"{method.title()} indices of {measure}",
                    tables=[
                        Table(
                            f"{measure}: the top {len(table_rows)} parameters ({method}_indices.csv)",
                            ["rank", "parameter", *header],
                            table_rows,
                            "\u00b1: 95 % bootstrap half-width.",
                        )
                    ],
                )
            )
        facts = _sweep_facts(folder, spec, manifest, base)
        facts.insert(4, ("analysis", f"{method}, analysis seed {about.get('analysis_seed', '?')}"))
    else:
        result = load(folder)
        wide = _ok_wide(result)
        findings = fnd.sweep_findings(wide, list(spec.parameters), list(spec.measures), base)
        failed = int((result.runs["status"] != "ok").sum()) if len(result.runs) else 0
        if failed:
            findings.append(
                fnd.Finding(
                    f"{failed} of {len(result.runs)} runs failed and are left out.", "runs shards"
                )
            )
        question = spec.description or (
            f"How do {names_list(list(spec.measures))} respond to {params}"
            f" in the base scenario {base.name}?"
        )
        sections.append(Section("Points", tables=[_point_table(wide, spec, names)]))
        facts = _sweep_facts(folder, spec, manifest, base)
    figures = _figures(folder / "plots", context, order, notes)
    if not figures and kind == "sweep":
        figures = _redraw_sweep(folder, context, notes)
    sections.append(Section("Figures", figures=figures))
    for sub in sorted(folder.glob("discovery-*")):
        if (sub / "box.csv").exists() and (sub / "peeling.csv").exists():
            sections.append(_discovery_section(sub, base, context, notes, spec.measures))
    return Report(
        kind=kind,
        title=spec.name,
        question=question,
        question_items=[(k, v) for k, v in items if v],
        facts=facts,
        findings=findings + [f for s in sections for f in s.findings],
        sections=sections,
        notes=notes,
        reading=READING[kind],
        libraries=_libraries(manifest),
    )


def _redraw_sweep(folder: Path, context: Context, notes: list[str]) -> list[Figure]:
    import matplotlib

    matplotlib.use("Agg")
    from ..analysis.store import load
    from ..plots.sweep import write_sweep_plots

    with tempfile.TemporaryDirectory() as tmp:
        write_sweep_plots(load(folder), tmp)
        figures = _figures(Path(tmp) / "plots", context, _sweep_order(load(folder).spec)[0])
    for f in figures:
        f.source = "drawn from the shards"
    if figures:
        notes.append("The folder holds no figures: the report drew them from its runs.")
    return figures


def _build_discovery(folder: Path) -> Report:
    sweep = folder.parent
    notes: list[str] = []
    spec = _sweep_spec(sweep) if (sweep / "sweep.yaml").exists() else None
    base = (
        _scenario(sweep / "base_scenario.yaml") if (sweep / "base_scenario.yaml").exists() else None
    )
    manifest = (
        read_json(sweep / "manifest.json", "the sweep's manifest")
        if (sweep / "manifest.json").exists()
        else {}
    )
    names = fnd.actor_names(base)
    order, slugs = _sweep_order(spec) if spec is not None else ([], {})
    context = Context(names=names, slugs=slugs, parameters=tuple(spec.parameters) if spec else ())
    section = _discovery_section(folder, base, context, notes, spec.measures if spec else ())
    about = (
        read_json(folder / "discovery.json", "the discovery's record")
        if (folder / "discovery.json").exists()
        else {}
    )
    measure = str(
        about.get("measure") or _discovered_measure(folder, spec.measures if spec else ())
    )
    condition = about.get("condition")
    level = about.get("level")
    outcome = f"{measure} ({measure_phrase(measure, names)})"
    if condition and level is not None:
        outcome += f" {condition} {number(float(level))}"
    facts = [("sweep folder", str(sweep))]
    if spec is not None and base is not None:
        facts += _sweep_facts(sweep, spec, manifest, base)
    facts += [("outcome", outcome)]
    if about.get("min_density") is not None:
        facts.append(("least density", percent(float(about["min_density"]))))
    sections = [section]
    if spec is not None:
        sections.insert(0, Section("Design", tables=[_parameter_table(spec, names)]))
    return Report(
        kind="discovery",
        title=f"{spec.name if spec else sweep.name}: {measure}",
        question=(
            f"In which part of the sweep's parameter ranges is {measure} "
            f"({measure_phrase(measure, names)}) most often "
            + (
                f"{condition} {number(float(level))}?"
                if condition and level is not None
                else "the outcome?"
            )
        ),
        question_items=[(f"base scenario {base.name}", base.description)]
        if base and base.description
        else [],
        facts=facts,
        findings=section.findings,
        sections=sections,
        notes=notes,
        reading=READING["discovery"],
        libraries=_libraries(manifest),
    )


# --------------------------------------------------------------------------- entry point


def build_report(folder: str | Path) -> Report:
    """Read a results folder and gather its report (nothing is written or rerun).

    Parameters
    ----------
    folder : str or pathlib.Path
        A results folder of ``geosim run``, ``compare``, ``sweep``, ``sensitivity`` or
        ``discover`` (:func:`.folders.folder_kind` tells which).

    Returns
    -------
    Report
        The question, facts, findings, tables, figures and limitations.

    Raises
    ------
    InputError
        The folder is not one of these kinds (one located problem with a hint), or a
        file in it is missing or damaged (a ``ResultsError`` naming the file).
    """
    folder = Path(folder)
    kind = folder_kind(folder)
    try:
        if kind in ("run", "hindcast"):
            report = _build_run(folder, kind)
        elif kind == "comparison":
            report = _build_comparison(folder)
        elif kind in ("sweep", "sensitivity"):
            report = _build_sweep(folder, kind)
        else:
            report = _build_discovery(folder)
    except (KeyError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    None,
                    f"cannot read this {kind} folder: a table lacks {fnd_one_line(exc)}",
                    "the folder is damaged or was written by another version of geosim",
                )
            ]
        ) from None
    report.folder = str(folder)
    report.generator = f"geosim {_geosim_version()}"
    return report
