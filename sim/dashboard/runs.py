"""What the dashboard's buttons run: replications with bands, the paired difference, saving.

- :func:`run_bands` ("run 50 replications") runs the scenario the watched model was
  built from through the batch engine (:func:`sim.runner.run`), and the reference
  scenario with the same root seed, so that :func:`paired_difference` pairs them
  replication by replication (common random numbers, :mod:`sim.analysis.compare`).
- :func:`reference_for` picks the reference: the ``baseline.yaml`` beside the
  scenario when it has the same cast, poles and dates, else the scenario file itself
  without the sliders' overrides.
- :func:`save_run` ("save as results folder") writes what ``geosim run`` writes,
  through :func:`sim.runner.run_saved` and :class:`sim.cli.run.RunExtras`.
- :func:`scenario_choices` lists the scenario files the picker offers.

Nothing here draws or knows of solara; :mod:`.app` does.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.compare import Comparison, compare
from ..errors import InputError
from ..results import RunResult
from ..runner import run, run_saved
from ..scenario import Scenario, load_scenario

REPLICATIONS = 50
"""Replications of the "run 50 replications" button."""

BASELINE_NAME = "baseline.yaml"
"""The reference scenario's file name, looked up beside the scenario."""

SETTINGS_NAME = "these settings"
"""The current settings' name in the paired difference when the reference has theirs."""

MEASURES = ("balance", "tension", "conflict_risk_any")
"""Measures the paired-difference panel offers (model-level ones; any actor measure
``capability.PRK`` works too)."""


@dataclass
class Bands:
    """The replications of the current settings and of the reference, paired.

    Attributes
    ----------
    result : the current settings' replications (batch engine).
    reference : the reference scenario's replications, same root seed and count.
    reference_file : the reference's scenario file.
    reference_note : how the reference was chosen, for the panel.
    overrides : the sliders' overrides the current settings apply.
    seconds : wall time of the runs, in seconds.
    comparisons : paired comparisons by measure, computed when first asked for.
    """

    result: RunResult
    reference: RunResult
    reference_file: str
    reference_note: str
    overrides: dict[str, float]
    seconds: float
    comparisons: dict[str, Comparison] = field(default_factory=dict)

    def difference(self, measure: str = "balance") -> Comparison:
        """The paired comparison of the current settings against the reference.

        Parameters
        ----------
        measure : str
            A measure, ``name[.A[.B]][:reducer]`` (default the balance).

        Returns
        -------
        Comparison
            Reference first, the current settings second (:func:`paired_difference`).
        """
        if measure not in self.comparisons:
            self.comparisons[measure] = paired_difference(self.result, self.reference, measure)
        return self.comparisons[measure]


def paired_difference(
    current: RunResult, reference: RunResult, measure: str = "balance"
) -> Comparison:
    """Paired difference of the current settings from the reference (same seeds).

    Parameters
    ----------
    current : RunResult
        The current settings' replications.
    reference : RunResult
        The reference's, run with the same root seed and replications.
    measure : str
        The measure compared.

    Returns
    -------
    Comparison
        :func:`sim.analysis.compare.compare` of ``[reference, current]``; the current
        side is named :data:`SETTINGS_NAME` when both scenarios have one name.
    """
    if current.scenario.name == reference.scenario.name:  # name the sides in the legend
        renamed = current.scenario.model_copy(update={"name": SETTINGS_NAME})
        current = RunResult(renamed, current.tables, current.manifest)
    return compare([reference, current], measure=measure)


def same_frame(a: Scenario, b: Scenario) -> bool:
    """Whether two scenarios can be paired: same actors, poles, start, step and steps.

    Parameters
    ----------
    a, b : Scenario
        The two scenarios.
    """
    blocs_a, blocs_b = a.analysis.blocs, b.analysis.blocs
    return (
        list(a.codes) == list(b.codes)
        and (blocs_a.a, blocs_a.b) == (blocs_b.a, blocs_b.b)
        and (a.start, a.step, a.steps) == (b.start, b.step, b.steps)
    )


def reference_for(scenario_file: str | Path, spec: Scenario) -> tuple[str, Scenario, str]:
    """The reference of the paired difference for a scenario file.

    Parameters
    ----------
    scenario_file : str or Path
        The scenario file the dashboard shows.
    spec : Scenario
        That file as it is, without the sliders' overrides.

    Returns
    -------
    tuple
        (reference file, its scenario, a note saying what it is): the
        ``baseline.yaml`` beside the file when it pairs with it (:func:`same_frame`),
        else the file itself, so that the difference is the sliders' effect alone.
    """
    baseline = Path(scenario_file).parent / BASELINE_NAME
    if baseline.is_file() and Path(scenario_file).resolve() != baseline.resolve():
        try:
            base = load_scenario(baseline)
        except InputError:
            base = None
        if base is not None and same_frame(base, spec):
            return str(baseline), base, f"against {base.name} ({baseline.name})"
    note = f"against {spec.name} without the sliders"
    if baseline.is_file() and Path(scenario_file).resolve() != baseline.resolve():
        note += f" ({baseline.name} has another cast, poles or dates)"
    return str(scenario_file), spec, note


_REFERENCE_RUNS: OrderedDict[tuple, RunResult] = OrderedDict()
_KEPT_REFERENCES = 4


def _reference_run(spec: Scenario, seed: int, replications: int) -> RunResult:
    """The reference's replications, kept for the last few (scenario, seed, count)."""
    key = (spec.digest(), seed, replications)
    if key in _REFERENCE_RUNS:
        _REFERENCE_RUNS.move_to_end(key)
        return _REFERENCE_RUNS[key]
    result = run(spec, replications=replications, seed=seed)
    _REFERENCE_RUNS[key] = result
    while len(_REFERENCE_RUNS) > _KEPT_REFERENCES:
        _REFERENCE_RUNS.popitem(last=False)
    return result


def run_bands(
    scenario_file: str | Path,
    spec: Scenario,
    base_spec: Scenario,
    overrides: dict[str, float],
    replications: int = REPLICATIONS,
) -> Bands:
    """Run the current settings and the reference, paired: what "run 50 replications" does.

    Parameters
    ----------
    scenario_file : str or Path
        The scenario file the settings start from.
    spec : Scenario
        The scenario with the sliders' overrides (the watched model's).
    base_spec : Scenario
        The file as it is, without them.
    overrides : dict of str to float
        The sliders' overrides (recorded, and shown beside the bands).
    replications : int
        Replications of each (default :data:`REPLICATIONS`).

    Returns
    -------
    Bands
        Both runs on the batch engine, the current settings with the scenario's
        root seed and the reference with the same one (reused when run before).
    """
    started = time.perf_counter()
    result = run(spec, replications=replications)
    ref_file, ref_spec, note = reference_for(scenario_file, base_spec)
    reference = _reference_run(ref_spec, spec.seed, replications)
    return Bands(
        result=result,
        reference=reference,
        reference_file=ref_file,
        reference_note=note,
        overrides=dict(overrides),
        seconds=time.perf_counter() - started,
    )


def save_run(
    scenario_file: str | Path,
    spec: Scenario,
    root: str | Path,
    overrides: dict[str, float],
    replications: int = REPLICATIONS,
) -> RunResult:
    """Write a results folder of the current settings, as ``geosim run`` writes one.

    Parameters
    ----------
    scenario_file : str or Path
        The scenario file (its folder holds the observation files of a hindcast).
    spec : Scenario
        The scenario with the sliders' overrides.
    root : str or Path
        The results root (``results`` by default in the dashboard).
    overrides : dict of str to float
        The sliders' overrides, recorded as ``--set`` options of the equivalent
        command in the manifest.
    replications : int
        Replications to run and save.

    Returns
    -------
    RunResult
        With its :attr:`~sim.results.RunResult.path`: ``scenario.yaml``,
        ``manifest.json``, the tables, ``summary.csv`` and ``plots/`` (and the scores
        against the record when the scenario has observations).
    """
    from ..cli.run import RunExtras
    from ..scenario.observations import load_observations

    observed = load_observations(spec, Path(scenario_file).parent, str(scenario_file))
    command = " ".join(
        ["geosim run", str(scenario_file), "-n", str(replications)]
        + [f"--set {path}={value:g}" for path, value in overrides.items()]
    )
    return run_saved(
        spec,
        root,
        replications=replications,
        write_extra=RunExtras(spec, observed),
        command=command + "  # saved from geosim dashboard",
    )


def scenario_choices(folder: str | Path) -> list[str]:
    """The scenario files in a folder and its subfolders, for the picker.

    Parameters
    ----------
    folder : str or Path
        The folder (``scenarios/``).

    Returns
    -------
    list of str
        Paths of the ``*.yaml`` files below it that are scenarios (not sweep or
        calibration files), relative to the working folder when inside it,
        ``baseline.yaml`` first, then by path.
    """
    from ..analysis.calibration import is_calibration_file
    from ..analysis.sweep import is_sweep_file

    root = Path(folder)
    here = Path.cwd().resolve()
    found = []
    for path in sorted(root.rglob("*.yaml")):
        if "data" in path.relative_to(root).parts[:-1]:
            continue
        if is_sweep_file(path) or is_calibration_file(path):
            continue
        full = path.resolve()
        found.append(str(full.relative_to(here)) if full.is_relative_to(here) else str(path))
    return sorted(found, key=lambda p: (Path(p).name != BASELINE_NAME, p))
