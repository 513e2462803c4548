"""The dashboard app: mesa's SolaraViz over :class:`~.sliders.DashboardModel`, with geosim's panels.

``geosim dashboard`` serves :data:`page` (:mod:`.serve`); solara imports this module in
the server process, and reads the scenario, the sliders and the results root from
the environment variables :data:`ENV_SCENARIO`, :data:`ENV_SLIDERS` and
:data:`ENV_OUT` that the command sets.

The layout is mesa's (SolaraViz): the sidebar holds mesa's controls (step, play,
reset, the play and render intervals), its "Model Parameters" card with one slider
per path (:func:`.sliders.mesa_params`; mesa applies them on Reset, as every mesa app
does), and geosim's cards: the scenario picker, "run 50 replications" and "save as
results folder", and what each slider means.  The main area holds the panels, each
a mesa component (a function of the model) that draws with the figure functions of
:mod:`sim.plots`:

- **balance**: the regional balance with its core/swing split, or the security
  balance (deterrence, reach, blocs), over dates, scheduled events and fired
  reactions marked (:func:`~sim.plots.timeline.balance_figure`,
  :func:`~sim.plots.security.security_figure`);
- **relations network** at a date chosen with its time slider
  (:func:`~sim.plots.relations.network`);
- **actors**: capability (USD bn) and defence burden (% of GDP) per actor
  (:func:`~sim.plots.economy.actors_figure`);
- **paired difference** of the current settings from the reference, same seeds
  (:func:`~sim.plots.compare.comparison_difference`).

Before "run 50 replications" the panels show the watched replication (the mesa
model, up to its current step); after it, the medians and seed bands of the 50
replications of the same settings, with the watched replication drawn over the
balance.  A change of settings (Reset with moved sliders, another scenario) makes
the bands stale: the panels return to the watched replication until the next run.
"""

from __future__ import annotations

import html
import io
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import solara
from matplotlib.figure import Figure

from ..plots.compare import comparison_difference, unit_text
from ..plots.economy import ACTOR_PANELS, actors_figure
from ..plots.formats import METADATA
from ..plots.relations import network, network_data
from ..plots.security import security_figure
from ..plots.style import freeze_date_ticks, plot_style, to_dates
from ..plots.timeline import balance_figure
from ..results import RunResult
from .runs import MEASURES, REPLICATIONS, Bands, run_bands, save_run, scenario_choices
from .serve import ENV_OUT, ENV_SCENARIO, ENV_SLIDERS
from .sliders import (
    DEFAULT_SCENARIO,
    DEFAULT_SLIDERS,
    DashboardModel,
    mesa_params,
    quiet_mesa_hooks,
    slider_specs,
)

with quiet_mesa_hooks():  # mesa 3.3's own hook warning, at import
    from mesa.visualization import SolaraViz
    from mesa.visualization.utils import update_counter

NOTICE = (
    "A tool for exploring scenarios, not a forecast: read differences between "
    "settings, paired on the same random numbers."
)
"""The notice every page shows."""

TITLE = "geosim dashboard · exploring scenarios, not a forecast"
"""The title in the app bar."""

PANEL_SIZE = (7.4, 4.0)
"""Size of a panel's figure in inches (drawn at :data:`PANEL_DPI`, shown at the panel's
width and at most :data:`PANEL_HEIGHT` high)."""

PANEL_HEIGHT = 300
"""Most pixels of height a panel's figure takes: mesa's grid gives each panel 390."""

CSS = f"""
img.geosim-figure {{ width: 100%; height: auto; max-height: {PANEL_HEIGHT}px;
  object-fit: contain; object-position: left top; }}
.geosim-panel {{ overflow: hidden; }}
.geosim-caption {{ font-size: 12px; line-height: 1.3; color: #444; }}
.geosim-slider-help li {{ margin-bottom: 4px; font-size: 13px; }}
"""
"""The dashboard's style sheet: figures fit their panels."""

PANEL_DPI = 90
"""Resolution of the panels' figures."""

ACTOR_MEASURES = ACTOR_PANELS[:2]
"""The actors panel's rows: capability (USD bn) and defence burden (% of GDP)."""


def scenario_file() -> str:
    """The scenario file the app opens on (:data:`ENV_SCENARIO`, else the baseline).

    Relative to the working folder when inside it, as the picker lists the files.
    """
    path = Path(os.environ.get(ENV_SCENARIO) or DEFAULT_SCENARIO)
    full, here = path.resolve(), Path.cwd().resolve()
    return str(full.relative_to(here)) if full.is_relative_to(here) else str(path)


def slider_paths() -> tuple[str, ...]:
    """The slider paths (:data:`ENV_SLIDERS`, else :data:`~.sliders.DEFAULT_SLIDERS`)."""
    text = os.environ.get(ENV_SLIDERS, "")
    paths = tuple(p.strip() for p in text.split(",") if p.strip())
    return paths or DEFAULT_SLIDERS


def results_root() -> str:
    """The results root of "save as results folder" (:data:`ENV_OUT`, else ``results``)."""
    return os.environ.get(ENV_OUT) or "results"


# --------------------------------------------------------------------------- pure helpers


def watched_result(model: DashboardModel) -> RunResult:
    """The watched replication so far as a RunResult of one replication, for the figures.

    Parameters
    ----------
    model : DashboardModel
        The mesa model, at any step.

    Returns
    -------
    RunResult
        Its tidy tables up to the current step.
    """
    return RunResult(model.spec, model.tables(), {"replications": 1, "engine": "mesa"})


def settings_key(model: DashboardModel) -> tuple:
    """What the bands depend on: the scenario file and the overrides the model applies.

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    return (model.scenario_file, tuple(sorted(model.overrides.items())))


def png(fig: Figure, dpi: int = PANEL_DPI) -> bytes:
    """A figure as PNG bytes (date ticks fixed once, as :func:`~sim.plots.style.save_figure`).

    Parameters
    ----------
    fig : Figure
        The figure.
    dpi : int
        Resolution.
    """
    out = io.BytesIO()
    with plot_style():
        restore = freeze_date_ticks(fig)
        try:
            fig.savefig(out, format="png", dpi=dpi, metadata=METADATA["png"])
        finally:
            restore()
    return out.getvalue()


def _span(ax: Any, model: DashboardModel) -> None:
    """The whole run on the x axis, so that the watched replication grows into it."""
    s = model.spec
    first, last = to_dates([s.start, s.date_of(s.steps)])
    ax.set_xlim(first, last)


def draw_balance(model: DashboardModel, bands: Bands | None, view: str = "balance") -> Figure:
    """The balance panel's figure: bands of the 50 replications (if run), else the watched run.

    Parameters
    ----------
    model : DashboardModel
        The watched model; its replication is drawn over the bands.
    bands : Bands or None
        The replications of the current settings.
    view : str
        ``balance`` (balance and its core/swing split) or ``security`` (deterrence,
        reach, blocs).

    Returns
    -------
    Figure
        The figure, over dates, with the events marked.
    """
    result = bands.result if bands is not None else watched_result(model)
    fig = Figure(figsize=PANEL_SIZE, layout="constrained")
    if view == "security":
        security_figure(result, fig=fig)
    else:
        balance_figure(result, fig=fig)
        if bands is not None:
            series = model.series("balance")[0]
            dates = to_dates(model.structure.dates[: len(series)])
            fig.axes[0].plot(
                dates, series, color="#D55E00", linewidth=1.2, label="watched replication"
            )
    for ax in fig.axes:
        _span(ax, model)
    return fig


def balance_caption(model: DashboardModel, bands: Bands | None) -> str:
    """One line under the balance panel: the balance at the end (bands) or now (watched).

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    bands : Bands or None
        The replications of the current settings.
    """
    if bands is not None:
        m = bands.result.measures
        end = m[m["step"] == m["step"].max()]["balance"]
        lo, mid, hi = end.quantile([0.05, 0.5, 0.95])
        n = int(m["replication"].nunique())
        date = model.spec.date_of(model.spec.steps)
        return (
            f"balance at {date}: median {mid:+.3f} (90 % of {n} replications "
            f"{lo:+.3f} .. {hi:+.3f})"
        )
    value = float(model.values["model"]["balance"])
    return (
        f"balance at {model.structure.dates[model.t]}: {value:+.3f} "
        f"(replication {model.replication}, step {model.t} of {model.spec.steps})"
    )


def draw_network(result: RunResult, step: int) -> Figure:
    """The network panel's figure at one step.

    Parameters
    ----------
    result : RunResult
        The replications drawn (medians over them).
    step : int
        The step shown.
    """
    fig = Figure(figsize=(PANEL_SIZE[0], PANEL_SIZE[1]), layout="constrained")
    ax = fig.add_subplot()
    network(result, step, ax=ax, data=network_data(result, [step]))
    return fig


def draw_actors(result: RunResult) -> Figure:
    """The actors panel's figure: capability and burden per actor, with units.

    Parameters
    ----------
    result : RunResult
        The replications drawn.
    """
    n = len(result.scenario.codes)
    # no constrained layout: it took half the drawing time of these twelve-odd panels
    fig = Figure(figsize=(max(PANEL_SIZE[0], 1.3 * n), PANEL_SIZE[1]))
    actors_figure(result, fig=fig, measures=ACTOR_MEASURES)
    fig.subplots_adjust(left=0.115, right=0.99, bottom=0.13, top=0.86, wspace=0.55, hspace=0.12)
    fig.suptitle(
        f"{result.scenario.name}: capability and defence burden per actor (own y scale per panel)"
    )
    for ax in fig.axes:  # a narrow panel: fewer dates on the shared axis
        locator = mdates.AutoDateLocator(minticks=2, maxticks=3)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    return fig


def draw_difference(bands: Bands, measure: str) -> Figure:
    """The paired-difference panel's figure.

    Parameters
    ----------
    bands : Bands
        The current settings' and the reference's replications.
    measure : str
        The measure compared.
    """
    fig = Figure(figsize=PANEL_SIZE, layout="constrained")
    comparison_difference(bands.difference(measure), ax=fig.add_subplot())
    return fig


def difference_caption(bands: Bands, measure: str) -> str:
    """One line under the paired difference: end-state mean, 90 % interval, same sign.

    Parameters
    ----------
    bands : Bands
        The current settings' and the reference's replications.
    measure : str
        The measure compared.
    """
    comparison = bands.difference(measure)
    row = comparison.ranking().iloc[0]
    unit = "" if comparison.unit.startswith("1") else f" {unit_text(comparison.unit)}"
    return (
        f"Δ {measure} at {comparison.end_label}, {bands.reference_note}: mean "
        f"{row['mean_difference']:+.3g}{unit} (90 % interval {row['ci90_low']:+.3g} .. "
        f"{row['ci90_high']:+.3g}; same sign in {row['same_sign_share']:.0%} of "
        f"{int(row['n'])} pairs)"
    )


# --------------------------------------------------------------------------- session state

current_file = solara.reactive(scenario_file())
"""The scenario file shown (per browser session)."""

band_state: solara.Reactive[tuple | None] = solara.reactive(None)
"""(settings key, Bands) of the last "run 50 replications"."""

save_state: solara.Reactive[str] = solara.reactive("")
"""What the last "save as results folder" wrote."""


def bands_for(model: DashboardModel) -> Bands | None:
    """The bands of the model's settings, or None when none were run or they are stale.

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    state = band_state.value
    if state is None or state[0] != settings_key(model):
        return None
    return state[1]


# --------------------------------------------------------------------------- components


def watch(model: DashboardModel) -> int:
    """Subscribe a panel to mesa's step counter; the model's current step.

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    update_counter.get()  # mesa bumps it after each step (and render interval)
    return int(model.t)


@solara.component
def PanelImage(draw: Callable[[], Figure], dependencies: list, name: str):
    """A figure drawn once per change of its dependencies, shown at the panel's width.

    Parameters
    ----------
    draw : callable
        Returns the Figure.
    dependencies : list
        What the figure depends on.
    name : str
        The panel's name: the image gets the CSS class ``geosim-NAME``.
    """

    def make() -> tuple[bytes | None, str]:
        try:
            return png(draw()), ""
        except Exception as exc:  # a panel that cannot draw says why, the app goes on
            traceback.print_exc()
            return None, f"{type(exc).__name__}: {exc}"

    image, error = solara.use_memo(make, dependencies)
    if image is None:
        solara.Error(f"cannot draw the {name} panel: {error}", classes=[f"geosim-{name}-error"])
    else:
        solara.Image(image, classes=["geosim-figure", f"geosim-{name}"])


@solara.component
def BalancePanel(model: DashboardModel):
    """The security-balance measures over dates, events and reactions marked.

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    step = watch(model)
    view, set_view = solara.use_state("balance")
    bands = bands_for(model)
    with solara.Column(classes=["geosim-panel", "geosim-panel-balance"], gap="4px"):
        solara.ToggleButtonsSingle(
            value=view,
            values=["balance", "security"],
            on_value=set_view,
            dense=True,
        )
        PanelImage(
            lambda: draw_balance(model, bands, view),
            [id(model), step, id(bands), view],
            "balance",
        )
        solara.Text(
            balance_caption(model, bands), classes=["geosim-caption", "geosim-balance-caption"]
        )


@solara.component
def NetworkPanel(model: DashboardModel):
    """The relations network with a time slider.

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    step = watch(model)
    bands = bands_for(model)
    last = model.spec.steps if bands is not None else step
    shown, set_shown = solara.use_state(-1)  # -1: follow the last step
    at = last if shown < 0 or shown > last else shown
    result_of = (lambda: bands.result) if bands is not None else (lambda: watched_result(model))
    date = model.structure.dates[at]
    with solara.Column(classes=["geosim-panel", "geosim-panel-network"], gap="4px"):
        solara.SliderInt(
            f"date: {date}",
            value=at,
            min=0,
            max=max(last, 0),
            on_value=lambda v: set_shown(-1 if v >= last else v),
        )
        PanelImage(
            lambda: draw_network(result_of(), at),
            [id(model), at, step if bands is None else -1, id(bands)],
            "network",
        )
        solara.Text(
            "medians over the replications" if bands is not None else "the watched replication",
            classes=["geosim-caption", "geosim-network-caption"],
        )


@solara.component
def ActorsPanel(model: DashboardModel):
    """Capability (USD bn) and defence burden (% of GDP) per actor.

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    step = watch(model)
    bands = bands_for(model)
    result_of = (lambda: bands.result) if bands is not None else (lambda: watched_result(model))

    def draw() -> Figure:
        fig = draw_actors(result_of())
        for ax in fig.axes:
            _span(ax, model)
        return fig

    with solara.Column(classes=["geosim-panel", "geosim-panel-actors"], gap="4px"):
        PanelImage(draw, [id(model), step if bands is None else -1, id(bands)], "actors")


@solara.component
def DifferencePanel(model: DashboardModel):
    """The paired difference from the reference for the current settings (same seeds).

    Parameters
    ----------
    model : DashboardModel
        The watched model.
    """
    watch(model)  # the difference is of the replications: it follows the bands only
    measure, set_measure = solara.use_state("balance")
    bands = bands_for(model)
    choices = list(MEASURES) + [f"capability.{c}" for c in model.spec.codes]
    with solara.Column(classes=["geosim-panel", "geosim-panel-difference"], gap="4px"):
        if bands is None:
            solara.Info(
                f"Press “run {REPLICATIONS} replications” for the paired difference of these "
                "settings from the reference (the baseline, same random numbers).",
                classes=["geosim-difference-empty"],
            )
            return
        solara.Select("measure", value=measure, values=choices, on_value=set_measure)
        PanelImage(lambda: draw_difference(bands, measure), [id(bands), measure], "difference")
        try:
            caption = difference_caption(bands, measure)
        except ValueError as exc:
            caption = str(exc)
        solara.Text(caption, classes=["geosim-caption", "geosim-difference-caption"])


COMPONENTS = [BalancePanel, NetworkPanel, ActorsPanel, DifferencePanel]
"""The panels: solara components of the model, which mesa's SolaraViz lays out as they are
(a plain function would be wrapped anew on every layout change, its figures redrawn)."""


@solara.component
def ScenarioCard(files: list[str]):
    """The notice and the scenario picker (another scenario rebuilds the model at once).

    Parameters
    ----------
    files : list of str
        The scenario files offered.
    """
    with solara.Card("Scenario", classes=["geosim-scenario"]):
        solara.Warning(NOTICE, dense=True, classes=["geosim-notice"])
        solara.Select(
            "scenario file",
            value=current_file.value,
            values=files,
            on_value=current_file.set,
        )


@solara.component
def ReplicationsCard(model: solara.Reactive[DashboardModel]):
    """ "Run 50 replications" and "save as results folder" for the watched model's settings.

    Parameters
    ----------
    model : solara.Reactive of DashboardModel
        The watched model (its scenario and overrides are the settings).
    """
    m = model.value

    def run_them() -> None:
        bands = run_bands(m.scenario_file, m.spec, m.base_spec, m.overrides)
        band_state.set((settings_key(m), bands))

    def save_it() -> None:
        result = save_run(m.scenario_file, m.spec, results_root(), m.overrides)
        save_state.set(f"saved: {result.path}")

    running = solara.lab.use_task(run_them, dependencies=None)
    saving = solara.lab.use_task(save_it, dependencies=None)
    bands = bands_for(m)
    with solara.Card("Replications", classes=["geosim-replications"]):
        with solara.Row():
            solara.Button(
                f"run {REPLICATIONS} replications",
                color="primary",
                on_click=running,
                disabled=running.pending,
                classes=["geosim-run"],
            )
            solara.Button(
                "save as results folder",
                on_click=saving,
                disabled=saving.pending,
                classes=["geosim-save"],
            )
        solara.ProgressLinear(running.pending or saving.pending)
        if running.error:
            solara.Error(f"the run failed: {running.exception}")
        if saving.error:
            solara.Error(f"saving failed: {saving.exception}")
        changes = ", ".join(
            f"{p.split('.')[1]} {p.split('.')[-1]} = {v:g}" for p, v in m.overrides.items()
        )
        solara.Text(
            f"settings: {Path(m.scenario_file).name}" + (f" with {changes}" if changes else ""),
            classes=["geosim-settings"],
        )
        if bands is not None:
            solara.Success(
                f"{REPLICATIONS} replications of these settings and of the reference in "
                f"{bands.seconds:.1f} s (batch engine)",
                dense=True,
                classes=["geosim-run-done"],
            )
        elif band_state.value is not None:
            solara.Text("the settings changed since the last run: run again for bands")
        if save_state.value:
            solara.Text(save_state.value, classes=["geosim-saved"])


@solara.component
def SliderHelp(lines: list[str]):
    """What each slider means: unit, range, meaning; sliders apply on Reset.

    Rendered after SolaraViz, so that the card comes below mesa's in the sidebar.

    Parameters
    ----------
    lines : list of str
        One line per slider (:attr:`.sliders.SliderSpec.help`).
    """
    solara.Style(CSS)
    with solara.Sidebar(), solara.Card("What the sliders mean", classes=["geosim-slider-help"]):
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                "Move a slider under <i>Model Parameters</i>, then press <b>Reset</b>: the "
                f"model is rebuilt with it, and the next run uses it.<ul>{items}</ul>"
            ),
        )


@solara.component
def Page():
    """The dashboard: geosim's cards around mesa's SolaraViz, keyed by the scenario file."""
    file = current_file.value
    folder = Path(scenario_file()).parent
    files = solara.use_memo(lambda: scenario_choices(folder), [str(folder)])
    if file not in files:
        files = [file, *files]

    def build() -> tuple[solara.Reactive, dict, list[str]]:
        model0 = DashboardModel(scenario_file=file)
        specs = slider_specs(model0.base_spec, slider_paths())
        return solara.reactive(model0), mesa_params(specs, file), [s.help for s in specs]

    model, params, help_lines = solara.use_memo(build, [file])
    with solara.Sidebar():
        ScenarioCard(files)
        ReplicationsCard(model)
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=params,
        name=TITLE,
        play_interval=150,
    ).key(f"viz-{file}")
    SliderHelp(help_lines)


page = Page
"""The app solara serves (``SOLARA_APP=sim.dashboard.app:page``)."""
