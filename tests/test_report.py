"""geosim report: one self-contained HTML file per results folder (issue 17, item 2).

Tiny folders of every kind are built once (a 4-actor scenario, 8 quarters, 3
replications, few figures at a low resolution): a run, a run with observations, a
comparison, a grid sweep with a PRIM discovery, a Morris analysis.  The tests check
that each kind is told apart, that the findings' numbers are those of the tables,
that user text is escaped, that the HTML asks for nothing outside itself, that bad
input gets one located line and exit 2 with nothing written, and (where Chromium is
installed) that a real browser shows every image without a console error or an
outside request.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import SMALL, variant
from typer.testing import CliRunner

matplotlib.use("Agg")

from sim.analysis.compare import compare  # noqa: E402
from sim.analysis.discover import Discovery, write_discovery  # noqa: E402
from sim.analysis.sensitivity import run_sensitivity  # noqa: E402
from sim.analysis.store import load as load_sweep  # noqa: E402
from sim.analysis.sweep import run_sweep  # noqa: E402
from sim.cli import app  # noqa: E402
from sim.plots.compare import write_comparison_plots  # noqa: E402
from sim.plots.discover import write_discovery_plots  # noqa: E402
from sim.plots.observed import write_observed_plots  # noqa: E402
from sim.plots.run import write_run_plots  # noqa: E402
from sim.plots.style import figure_of, save_figure  # noqa: E402
from sim.plots.sweep import outcome, write_sensitivity_plots  # noqa: E402
from sim.report import build_report, folder_kind, render_html, write_report  # noqa: E402
from sim.report.captions import slug  # noqa: E402
from sim.report.limitations import LIMITATIONS  # noqa: E402
from sim.report.words import (  # noqa: E402
    difference_text,
    measure_phrase,
    number,
    percent,
    signed,
)
from sim.results import load_results  # noqa: E402
from sim.runner import run  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESCRIBED = variant(
    "name: small\n",
    'name: small\ndescription: "What if <b>bold</b> & <script>alert(1)</script> rule?"\n',
    SMALL.replace("replications: 2", "replications: 3"),
)
"""SMALL with three replications and a description full of markup (user input)."""

VARIANT = """\
schema_version: 1
name: surge
extends: small.yaml
description: "What if Russia's transfers <em>triple</em>?"
events:
  - {at: 2024-04, kind: transfer_surge, from: RUS, to: PRK, scale: 3.0}
  - {at: 2024-04, scale: {actors.PRK.milex: 1.5}}
"""

OBSERVATIONS = """\
# made up for the test: SMALL runs 8 quarters from 2024-01
measure,date,value,lower,upper,source
milex.KOR,2024,46,44,48,made up
provocations,2024,3,,,made up
defence_share.KOR,2025,0.026,,,made up
"""

SWEEP = """\
schema_version: 1
kind: sweep
name: grid
base: small.yaml
method: grid
replications: 2
parameters:
  actors.RUS.doctrine.transfer_willingness: {values: [0.0, 1.0]}
  actors.PRK.milex: {values: [4.0, 8.0]}
measures: [balance:last, capability.PRK:last]
"""

MORRIS = """\
schema_version: 1
kind: sweep
name: morris
base: small.yaml
method: morris
samples: 2
replications: 2
parameters:
  actors.RUS.doctrine.transfer_willingness: {range: [0.0, 1.0]}
  actors.PRK.milex: {range: [4.0, 8.0]}
measures: [capability.PRK:last]
"""


def _cli(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], prog_name="geosim")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report-inputs")
    (folder / "small.yaml").write_text(DESCRIBED, encoding="utf-8")
    (folder / "surge.yaml").write_text(VARIANT, encoding="utf-8")
    (folder / "data.csv").write_text(OBSERVATIONS, encoding="utf-8")
    observed = DESCRIBED.replace("name: small\n", "name: observed\n") + (
        "observations:\n  files:\n    - file: data.csv\n"
        "  windows:\n    early: [2024-01, 2024-12]\n    late: [2025-01, 2025-12]\n"
    )
    (folder / "observed.yaml").write_text(observed, encoding="utf-8")
    (folder / "grid.yaml").write_text(SWEEP, encoding="utf-8")
    (folder / "morris.yaml").write_text(MORRIS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def run_folder(inputs, tmp_path_factory) -> Path:
    result = run(load_scenario(inputs / "small.yaml"))
    out = tmp_path_factory.mktemp("run")
    return result.save(
        out, write_extra=lambda f: write_run_plots(result, f, dpi=40, only=["balance", "actors"])
    )


@pytest.fixture(scope="module")
def hindcast_folder(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hindcast")
    code, _, err = _cli("run", inputs / "observed.yaml", "--out", out, "--no-plots", "-q")
    assert code == 0, err
    (folder,) = (out / "observed").iterdir()
    result = load_results(folder)
    write_run_plots(result, folder, dpi=40, only=["balance"])
    assert result.scenario.observations is not None
    per = pd.read_csv(folder / "observations.csv")
    write_observed_plots(per, result.scenario.observations.windows, folder, dpi=40)
    return folder


@pytest.fixture(scope="module")
def comparison_folder(inputs, tmp_path_factory):
    comparison = compare([inputs / "small.yaml", inputs / "surge.yaml"])
    out = tmp_path_factory.mktemp("compare")
    folder = comparison.save(
        out, write_extra=lambda f: write_comparison_plots(comparison, f, dpi=40)
    )
    return folder


@pytest.fixture(scope="module")
def sweep_folder(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    folder = run_sweep(inputs / "grid.yaml", out=out)
    result = load_sweep(folder)
    (folder / "plots").mkdir()
    for measure in result.spec.measures:  # one figure per measure, small
        name = f"outcome-{slug(measure)}-by-PRK_milex"
        ax = outcome(result, "actors.PRK.milex", measure)
        save_figure(figure_of(ax), folder / "plots" / f"{name}.png", "png", 40)
    return folder


@pytest.fixture(scope="module")
def discovery_folder(sweep_folder) -> Path:
    """A discovery folder as ``geosim discover`` writes it, from a PRIM result made by
    hand (EMA Workbench's import alone takes seconds; the slow test runs it)."""
    trajectory = pd.DataFrame(
        {
            "id": [0, 1, 2],
            "coverage": [1.0, 1.0, 0.5],
            "density": [0.5, 0.75, 1.0],
            "mass": [1.0, 0.667, 0.25],
            "res_dim": [0, 1, 2],
            "n": [8, 6, 2],
            "k": [4, 4, 2],
        }
    )
    limits = pd.DataFrame(
        {
            "parameter": ["actors.PRK.milex", "actors.RUS.doctrine.transfer_willingness"],
            "low": [6.0, 0.0],
            "high": [8.0, 1.0],
            "range_low": [4.0, 0.0],
            "range_high": [8.0, 1.0],
            "restricted": [True, False],
        }
    )
    found = Discovery("capability.PRK:last", "above", 50.0, 4, 8, trajectory, 1, limits)
    folder = sweep_folder / "discovery-capability.PRK_last"
    write_discovery(found, folder)
    write_discovery_plots(found, folder, dpi=40)
    return folder


@pytest.fixture(scope="module")
def sensitivity_folder(inputs, tmp_path_factory) -> Path:
    result = run_sensitivity(inputs / "morris.yaml", out=tmp_path_factory.mktemp("morris"))
    write_sensitivity_plots(result, dpi=40)
    return result.folder


def _texts(report) -> str:
    return "\n".join(f.text for f in report.findings)


class _Links(HTMLParser):
    """Every tag and every src/href (and url(...) in style) of an HTML document."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action", "poster") and value:
                self.links.append(value)
            if tag == "img" and name == "src":
                self.images.append(value or "")


def _parsed(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("run_folder", "run"),
        ("hindcast_folder", "hindcast"),
        ("comparison_folder", "comparison"),
        ("sweep_folder", "sweep"),
        ("sensitivity_folder", "sensitivity"),
        ("discovery_folder", "discovery"),
    ],
)
def test_each_kind_of_folder_is_told_apart_and_reported(fixture, kind, request, tmp_path):
    folder = request.getfixturevalue(fixture)
    assert folder_kind(folder) == kind
    (html,) = write_report(folder, tmp_path / "report.html")
    text = html.read_text(encoding="utf-8")
    parsed = _parsed(text)
    report = build_report(folder)
    assert report.kind == kind and report.findings and report.facts
    assert len(parsed.images) == len(report.figures) > 0
    assert all(
        src.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,"))
        for src in parsed.images
    )
    assert "geosim is a tool for exploring scenarios, not a forecast." in text
    assert "The balance depends on presence assumptions." in text  # the limitations
    assert "Figure 1." in text and report.figures[0].caption[:40] in unescape(text)


def test_a_run_report_says_what_was_run_from_the_manifest(run_folder):
    report = build_report(run_folder)
    manifest = json.loads((run_folder / "manifest.json").read_text())
    facts = dict(report.facts)
    assert facts["scenario"] == "small" and facts["replications"] == "3"
    assert facts["root seed"] == str(manifest["root_seed"]) and facts["engine"] == "batch"
    assert facts["geosim"] == manifest["libraries"]["geosim"]
    assert report.seeds == [str(s) for s in manifest["seeds"]]
    assert report.question == "What if <b>bold</b> & <script>alert(1)</script> rule?"
    assert [f.name for f in report.figures] == ["balance", "actors"]  # the writers' order


# --------------------------------------------------------------------------- findings


def test_run_findings_are_the_numbers_of_summary_csv(run_folder):
    summary = pd.read_csv(run_folder / "summary.csv").set_index("measure")
    text = _texts(build_report(run_folder))
    balance = summary.loc["balance"]
    assert (
        f"at {signed(balance['median'])} (90\u00a0% of the 3 replications between "
        f"{signed(balance['p05'])} and {signed(balance['p95'])})"
    ) in text
    measures = pd.read_parquet(run_folder / "measures.parquet")
    start = measures.loc[measures["step"] == 0, "balance"].median()
    assert f"against {signed(start)} in January 2024" in text
    actors = pd.read_parquet(run_folder / "actors.parquet")
    first = actors[actors["step"] == 0].groupby("actor")["capability"].median()
    growth = {c: summary.loc[f"capability.{c}", "median"] / first[c] - 1 for c in first.index}
    top = max(growth, key=lambda c: growth[c])
    names = {"RUS": "Russia", "PRK": "North Korea", "USA": "United States", "KOR": "South Korea"}
    assert (
        f"{names[top]}'s military capability grows the most: "
        f"{percent(growth[top], sign=True)} over the run, to "
        f"{number(summary.loc[f'capability.{top}', 'median'])}"
    ) in text


def test_comparison_findings_are_the_paired_differences_of_its_tables(comparison_folder):
    report = build_report(comparison_folder)
    text = _texts(report)
    ranking = pd.read_csv(comparison_folder / "ranking.csv").iloc[0]
    unit = json.loads((comparison_folder / "manifest.json").read_text())["unit"]
    assert f"by {difference_text(ranking['mean_difference'], unit)} on average" in text
    assert f"the same sign in {percent(ranking['same_sign_share'])}" in text
    end = pd.read_csv(comparison_folder / "end_states.csv")
    cap = end[end["measure"] == "capability.PRK"].pivot(
        index="replication", columns="scenario", values="value"
    )
    ratio = (cap["surge"] / cap["small"] - 1).to_numpy()
    assert (
        f"In surge, North Korea's military capability ends {percent(np.median(ratio))} higher "
        f"than in small (the median of 3 paired replications; 90\u00a0% of them between "
        f"{percent(np.quantile(ratio, 0.05), sign=True)} and "
        f"{percent(np.quantile(ratio, 0.95), sign=True)})"
    ) in text
    described = dict(report.question_items)
    assert described["surge"] == "What if Russia's transfers <em>triple</em>?"


def test_sweep_findings_name_the_lowest_and_highest_point(sweep_folder):
    wide = load_sweep(sweep_folder).wide()
    medians = wide.groupby("point")["capability.PRK:last"].median()
    text = _texts(build_report(sweep_folder))
    low, high = medians.min(), medians.max()
    assert f"ranges from {number(low)} to {number(high)} across the 4 points" in text
    rho = wide[["actors.PRK.milex", "capability.PRK:last"]].corr(method="spearman").iloc[0, 1]
    assert (
        f"It follows North Korea's milex most closely (Spearman rank correlation over the 8 runs: {signed(rho, 2)})"
        in text
    )


def test_sensitivity_findings_rank_the_indices(sensitivity_folder):
    indices = pd.read_csv(sensitivity_folder / "morris_indices.csv")
    top = indices.sort_values("mu_star", ascending=False).iloc[0]
    assert top["parameter"] == "actors.PRK.milex"
    text = _texts(build_report(sensitivity_folder))
    assert (
        f"the parameter with the largest mean absolute elementary effect is North Korea's "
        f"milex (\u03bc* = {number(top['mu_star'], 2)} \u00b1 {number(top['mu_star_conf'], 2)}"
    ) in text


def test_hindcast_findings_pool_the_scores_of_score_csv(hindcast_folder):
    score = pd.read_csv(hindcast_folder / "score.csv")
    whole = score[score["window"] == "all"]
    pooled = (whole["in90"] * whole["observations"]).sum() / whole["observations"].sum()
    report = build_report(hindcast_folder)
    text = _texts(report)
    assert (
        f"of the {whole['observations'].sum()} observations of {len(whole)} series" in text
        and f"{percent(pooled)} inside its 90\u00a0% band" in text
    )
    assert "In the early window (January 2024 to December 2024)" in text
    names = [f.name for f in report.figures]
    assert names[0] == "balance" and "observed_milex_KOR" in names


def test_the_discovery_box_and_its_density_come_from_peeling_csv(discovery_folder):
    """Here the box restricts North Korea's milex to 6-8 and holds 6 runs, 75 % of them
    with the outcome: 4 of the sweep's 8."""
    peel = pd.read_csv(discovery_folder / "peeling.csv")
    box = peel[peel["chosen"]].iloc[0]
    about = json.loads((discovery_folder / "discovery.json").read_text())
    report = build_report(discovery_folder)
    text = _texts(report)
    assert f"Inside it {percent(box['density'])} of the runs have the outcome" in text
    assert f"{about['cases']} ({percent(about['cases'] / about['runs'])})" in text
    assert [f.name for f in report.figures] == ["discovery_tradeoff", "discovery_box"]
    # the sweep's own report includes its discoveries
    sweep = build_report(discovery_folder.parent)
    assert "discovery_box" in [f.name for f in sweep.figures]
    assert any(s.title == "Scenario discovery: capability.PRK:last" for s in sweep.sections)
    assert "restricts North Korea's milex to 6\u20138 (of 4\u20138) and leaves Russia's" in text


@pytest.mark.slow
def test_a_folder_of_geosim_discover_is_reported(sweep_folder, tmp_path):
    pytest.importorskip("ema_workbench")
    sweep = tmp_path / sweep_folder.name
    shutil.copytree(sweep_folder, sweep, ignore=shutil.ignore_patterns("discovery-*"))
    code, out, err = _cli("discover", sweep, "-m", "capability.PRK:last", "--above", "50")
    assert code == 0, err + out
    found = sweep / "discovery-capability.PRK_last"
    report = build_report(found)
    assert report.kind == "discovery" and "above 50.0" in report.question
    (html,) = write_report(found, tmp_path / "d.html")
    assert len(_parsed(html.read_text()).images) == 2


# --------------------------------------------------------------------------- the HTML


def test_user_text_is_escaped_and_nothing_outside_is_asked_for(comparison_folder, run_folder):
    for folder in (comparison_folder, run_folder):
        html = render_html(build_report(folder))
        assert "<script" not in html and "<b>bold" not in html and "<em>" not in html
        parsed = _parsed(html)
        assert "script" not in parsed.tags and "link" not in parsed.tags
        outside = [u for u in parsed.links if not u.startswith(("data:", "#"))]
        assert not outside, outside
        assert not re.search(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}/", html.split("<style>")[1])
        assert "url(" not in html  # no stylesheet fetches (fonts, images)
    html = render_html(build_report(run_folder))
    assert (
        "What if &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; rule?" in html
    )


def test_the_limitations_are_those_of_docs_model_md():
    text = (REPO / "docs" / "model.md").read_text(encoding="utf-8")
    section = text.split("## Known limitations", 1)[1].split("\n## ", 1)[0]
    documented = [t.strip(" .,") for t in re.findall(r"^- \*\*(.+?)\*\*", section, re.M)]
    ours = [title.strip(" .,") for title, _ in LIMITATIONS]
    assert documented == ours


def test_words_for_numbers_and_measures():
    assert (
        number(0.10341) == "0.103" and number(1870.4) == "1,870" and number(-0.5) == "\u22120.500"
    )
    assert percent(0.123) == "12\u00a0%" and percent(0.09, sign=True) == "+9.0\u00a0%"
    names = {"PRK": "North Korea", "KOR": "South Korea", "USA": "United States"}
    assert measure_phrase("capability.PRK", names) == "North Korea's military capability"
    assert measure_phrase("defence_share.USA", names) == "United States' defence burden"
    assert measure_phrase("conflict_risk.PRK.KOR", names) == (
        "the yearly risk of a North Korea\u2013South Korea militarised dispute"
    )
    assert measure_phrase("tension:mean") == "regional tension, averaged over the run"
    assert difference_text(0.0012, "share of GDP") == "+0.12 percentage points of GDP"


# --------------------------------------------------------------------------- bad input


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def _bad_folders(root: Path, run_folder: Path) -> dict[str, tuple[Path, str]]:
    """Name -> (folder, words its one line must hold)."""
    (root / "empty").mkdir()
    sweep = root / "unfinished"
    sweep.mkdir()
    (sweep / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    calibration = root / "calibration"
    calibration.mkdir()
    (calibration / "manifest.json").write_text('{"kind": "calibration"}', encoding="utf-8")
    damaged = root / "damaged"
    shutil.copytree(run_folder, damaged)
    (damaged / "manifest.json").write_text("{not json", encoding="utf-8")
    lacking = root / "lacking"
    shutil.copytree(run_folder, lacking)
    (lacking / "summary.csv").unlink()
    results_root = root / "results-root"
    shutil.copytree(run_folder, results_root / "small" / run_folder.name)
    return {
        "missing": (root / "nowhere", "no such results folder"),
        "a file": (lacking / "scenario.yaml", "this is a file, not a results folder"),
        "empty": (root / "empty", "not a geosim results folder"),
        "unfinished sweep": (sweep, "this sweep is unfinished"),
        "calibration": (calibration, "does not cover calibration folders"),
        "damaged manifest": (damaged / "manifest.json", "not valid JSON"),
        "lacking summary": (lacking / "summary.csv", "missing"),
        "results root": (results_root, "holds 1 results folder"),
    }


BAD = (
    "missing",
    "a file",
    "empty",
    "unfinished sweep",
    "calibration",
    "damaged manifest",
    "lacking summary",
    "results root",
)


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_located_line_exit_2_and_nothing_written(case, run_folder, tmp_path):
    folders = _bad_folders(tmp_path, run_folder)
    target, words = folders[case]
    folder = target.parent if case in ("damaged manifest", "lacking summary") else target
    before = _listing(tmp_path)
    code, out, err = _cli("report", folder)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(str(target if case != "a file" else target)), lines[0]
    assert words in lines[0], lines[0]
    assert _listing(tmp_path) == before


@pytest.mark.parametrize(
    ("out", "words"),
    [("nowhere/report.html", "no such folder"), ("taken.html", "is a folder")],
)
def test_a_bad_output_is_refused_before_anything_is_read(out, words, run_folder, tmp_path):
    (tmp_path / "taken.html").mkdir()
    before = _listing(run_folder)
    code, _, err = _cli("report", run_folder, "-o", tmp_path / out)
    assert code == 2 and err.startswith("-o:") and words in err, err
    assert _listing(run_folder) == before and _listing(tmp_path) == ["taken.html"]


def test_without_a_pdf_engine_pdf_is_refused_and_nothing_written(run_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOSIM_CHROMIUM", "")
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    code, _, err = _cli("report", run_folder, "-o", tmp_path / "report.html", "--pdf")
    assert code == 2 and err.startswith("--pdf: no way to print a PDF"), err
    assert not list(tmp_path.iterdir())


def test_the_command_writes_into_the_folder_by_default(run_folder, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(run_folder, folder)
    code, out, err = _cli("report", folder)
    assert code == 0, err
    assert out.strip() == str(folder / "report.html")
    assert (folder / "report.html").stat().st_size > 10_000
    assert not [p for p in folder.iterdir() if ".partial-" in p.name]
    (tmp_path / "reports").mkdir()  # -o a folder: report.html inside it
    code, out, err = _cli("report", folder, "-o", tmp_path / "reports")
    assert code == 0 and out.strip() == str(tmp_path / "reports" / "report.html"), err


# --------------------------------------------------------------------------- slow: redraw, PDF


@pytest.mark.slow
def test_a_run_saved_without_figures_gets_them_drawn(inputs, tmp_path):
    result = run(load_scenario(inputs / "small.yaml"))
    folder = result.save(tmp_path)
    report = build_report(folder)
    assert len(report.figures) >= 6 and report.figures[0].name == "balance"
    assert {f.source for f in report.figures} == {"drawn from the tables"}
    assert any("drew them from its tables" in n for n in report.notes)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["chromium", "weasyprint"])
def test_pdf_prints(engine, run_folder, tmp_path):
    if engine == "chromium" and shutil.which("chromium") is None:
        pytest.skip("no chromium here")
    if engine == "weasyprint":
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):  # OSError: Pango is missing
            pytest.skip("no WeasyPrint here")
    html, pdf = write_report(run_folder, tmp_path / "r.html", pdf=True, pdf_engine=engine)
    assert pdf == tmp_path / "r.pdf" and pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 50_000 and html.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]


# --------------------------------------------------------------------------- a real browser


def _browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (.ci/run installs it)")
    playwright = pytest.importorskip("playwright.sync_api")
    return playwright


def test_a_real_browser_shows_every_image_and_asks_for_nothing_outside(comparison_folder, tmp_path):
    sync_api = _browser()
    (html,) = write_report(comparison_folder, tmp_path / "report.html")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()

            def record(route):
                requests.append(route.request.url)
                if route.request.url.startswith(("file://", "data:")):
                    route.continue_()
                else:
                    route.abort()

            page.route("**/*", record)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html.resolve().as_uri(), wait_until="load")
            sizes = page.eval_on_selector_all(
                "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])"
            )
        finally:
            browser.close()
    assert len(sizes) == 4 and all(done and width > 0 for done, width in sizes), sizes
    assert not errors, errors
    outside = [u for u in requests if not u.startswith(("file://", "data:"))]
    assert not outside and requests[0] == html.resolve().as_uri(), requests
