"""The dashboard's sliders: specs from the parameter registry, overrides, the model.

A slider is one path of :data:`DEFAULT_SLIDERS` (or given with ``geosim dashboard
--slider PATH``): a doctrine parameter of one actor (``actors.CHN.doctrine.compliance``)
or a model-wide one (``model.depreciation``).  :func:`slider_specs` reads its unit,
range and meaning from :mod:`sim.registry` and its starting value from the scenario;
:func:`mesa_params` turns the specs into mesa's ``model_params`` (a
:class:`mesa.visualization.Slider` each, and the scenario file as a fixed
parameter); :func:`overrides_from` turns the values the sliders hold into the
overrides of :func:`sim.scenario.load_scenario` (only those that differ from the
scenario's own value, so that an untouched slider changes nothing).

:class:`DashboardModel` is the :class:`~sim.engine.model.GeoModel` that SolaraViz
builds and rebuilds on Reset, as ``DashboardModel(**model_params)``: mesa passes every
slider as a keyword named by its path, which only a catch-all named exactly
``**kwargs`` accepts (mesa 3.3 checks the name).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine.model import GeoModel
from ..errors import InputError, Problem
from ..registry import DOCTRINE_BY_NAME, MODEL_BY_NAME, Param
from ..scenario import PathError, Scenario, load_tree, parse_path, resolve

DEFAULT_SCENARIO = "scenarios/baseline.yaml"
"""The scenario the dashboard opens on when none is given."""

DEFAULT_SLIDERS: tuple[str, ...] = (
    "actors.RUS.doctrine.transfer_willingness",
    "actors.CHN.doctrine.stability_preference",
    "actors.CHN.doctrine.compliance",
    "actors.PRK.doctrine.provocation_rate",
    "actors.USA.doctrine.grievance",
    "actors.CHN.doctrine.grievance",
)
"""The doctrine paths the dashboard shows as sliders by default: four questions of the
bundled variants (Russia's transfers to North Korea, China restraining Pyongyang and
enforcing sanctions, North Korean provocations) and the two parameters that move the
end-state balance most in the sensitivity analysis of the baseline, the US's and
China's arms grievance (``docs/sensitivity.md``).  A path naming an actor the
scenario lacks is left out."""

TOLERANCE = 1e-9
"""A slider within this of the scenario's value (relative to its range) is untouched."""


@dataclass(frozen=True)
class SliderSpec:
    """One slider: a registry parameter of one actor (or of the model) in a scenario.

    Attributes
    ----------
    path : the path it sets (``actors.CHN.doctrine.compliance``).
    label : the short label beside the slider (``CHN compliance``).
    unit : the parameter's unit, from the registry.
    low, high : its plausible range, from the registry (validation enforces it).
    step : the slider's increment (a round number, about a fiftieth of the range).
    value : the scenario's value of the parameter, where the slider starts.
    doc : the registry's one-sentence meaning.
    source : the registry's source, or ``assumption``.
    """

    path: str
    label: str
    unit: str
    low: float
    high: float
    step: float
    value: float
    doc: str
    source: str

    @property
    def help(self) -> str:
        """Unit, range, scenario value and meaning in one line, for the help beside the sliders."""
        return (
            f"{self.label} ({self.unit}; {self.low:g} to {self.high:g}; scenario "
            f"{self.value:g}): {self.doc}"
        )


def nice_step(low: float, high: float, parts: int = 50) -> float:
    """A round slider increment (1, 2, 2.5 or 5 times a power of ten) near range / parts.

    Parameters
    ----------
    low, high : float
        The range.
    parts : int
        About how many increments the range should have.

    Returns
    -------
    float
        The increment; 1 for an empty range.
    """
    span = high - low
    if not span > 0:
        return 1.0
    raw = span / parts
    power = 10.0 ** math.floor(math.log10(raw))
    for mantissa in (1.0, 2.0, 2.5, 5.0, 10.0):
        if mantissa * power >= raw * (1 - 1e-12):
            return float(f"{mantissa * power:.12g}")
    return float(f"{10.0 * power:.12g}")  # pragma: no cover  (the loop always returns)


def _param_of(path: str, spec: Scenario) -> tuple[Param, str | None]:
    """The registry entry a slider path sets, and its actor (None: model-wide)."""
    try:
        ref = parse_path(path, list(spec.codes))
    except PathError as exc:
        raise InputError([Problem("--slider", path, None, str(exc), exc.hint)]) from None
    if ref.kind == "doctrine":
        return DOCTRINE_BY_NAME[ref.field], ref.a
    if ref.kind == "model":
        return MODEL_BY_NAME[ref.field], None
    raise InputError(
        [
            Problem(
                "--slider",
                path,
                None,
                f"a slider sets a doctrine or model parameter, not a {ref.kind} path",
                "e.g. actors.CHN.doctrine.compliance or model.depreciation",
            )
        ]
    )


def value_at(spec: Scenario, path: str) -> float:
    """The scenario's value of a doctrine or model path.

    Parameters
    ----------
    spec : Scenario
        The resolved scenario.
    path : str
        ``actors.<A>.doctrine.<name>`` or ``model.<name>``.

    Returns
    -------
    float
        The value the scenario gives (its file's, or the registry's default).
    """
    param, actor = _param_of(path, spec)
    if actor is None:
        return float(getattr(spec.model, param.name))
    return float(getattr(spec.actors[actor].doctrine, param.name))


def slider_specs(
    spec: Scenario, paths: tuple[str, ...] | list[str] = DEFAULT_SLIDERS
) -> list[SliderSpec]:
    """The sliders of a scenario: unit, range, meaning from the registry, value from the scenario.

    Parameters
    ----------
    spec : Scenario
        The resolved scenario the sliders start from.
    paths : sequence of str
        Doctrine (``actors.<A>.doctrine.<name>``) or model (``model.<name>``) paths;
        a path that names an actor the scenario lacks is left out, so that the
        default list works for any cast.

    Returns
    -------
    list of SliderSpec
        One per path kept, in order.

    Raises
    ------
    InputError
        A path that does not parse, or that is neither a doctrine nor a model path.
    """
    out = []
    for path in paths:
        parts = path.split(".")
        if parts[0] == "actors" and len(parts) > 1 and parts[1] not in spec.codes:
            try:  # an unknown actor: left out when it is a code, an error otherwise
                parse_path(path)
            except PathError as exc:
                raise InputError([Problem("--slider", path, None, str(exc), exc.hint)]) from None
            continue
        param, actor = _param_of(path, spec)
        label = f"{actor} {param.name}" if actor else param.name
        out.append(
            SliderSpec(
                path=path,
                label=label.replace("_", " "),
                unit=param.unit,
                low=float(param.low),
                high=float(param.high),
                step=nice_step(param.low, param.high),
                value=value_at(spec, path),
                doc=param.doc,
                source=param.source,
            )
        )
    return out


@contextmanager
def quiet_mesa_hooks() -> Iterator[None]:
    """Import mesa's visualization without solara's hook warning about mesa's own code.

    solara checks the rules of hooks when a component is defined; mesa 3.3's
    ``ComponentsView`` calls ``use_state`` after an early return, which solara reports
    as a UserWarning at import.  It is mesa's (fixed in mesa 3.5), not the user's.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*found despite early return", category=UserWarning
        )
        yield


def mesa_params(specs: list[SliderSpec], scenario_file: str | Path) -> dict[str, Any]:
    """mesa's ``model_params`` for SolaraViz: the scenario file, then one Slider per spec.

    Parameters
    ----------
    specs : list of SliderSpec
        The sliders (:func:`slider_specs`).
    scenario_file : str or Path
        The scenario file, a fixed parameter of :class:`DashboardModel`.

    Returns
    -------
    dict
        ``{"scenario_file": str, path: mesa.visualization.Slider, ...}``, each slider
        labelled with its actor, parameter and unit.
    """
    with quiet_mesa_hooks():
        from mesa.visualization import Slider

    params: dict[str, Any] = {"scenario_file": str(scenario_file)}
    for s in specs:
        params[s.path] = Slider(
            f"{s.label} ({s.unit})" if len(s.unit) <= 16 else s.label,
            value=float(s.value),
            min=float(s.low),
            max=float(s.high),
            step=float(s.step),
            dtype=float,
        )
    return params


def overrides_from(values: Mapping[str, Any], spec: Scenario) -> dict[str, float]:
    """The overrides that slider values make: those that differ from the scenario's value.

    Parameters
    ----------
    values : mapping of str to number
        Slider path to the value it holds.
    spec : Scenario
        The scenario as its file gives it (no slider applied).

    Returns
    -------
    dict of str to float
        ``{path: value}`` for :func:`sim.scenario.load_scenario`, in the order given,
        without the sliders left at the scenario's value.

    Raises
    ------
    InputError
        A path that is not a doctrine or model path of the scenario, or a value
        that is not a number.
    """
    out = {}
    for path, value in values.items():
        param, _ = _param_of(path, spec)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InputError(
                [Problem(path, "", None, f"{value!r} is not a number", "move the slider")]
            ) from None
        span = max(abs(param.high - param.low), 1.0)
        if abs(number - value_at(spec, path)) > TOLERANCE * span:
            out[path] = number
    return out


class DashboardModel(GeoModel):
    """The GeoModel the dashboard watches: a scenario file with slider overrides.

    SolaraViz builds it as ``DashboardModel(**model_params)`` and again on Reset with
    the sliders' values.  The run is replication ``replication`` of the scenario, so
    its numbers are those of that replication under ``geosim run`` with the same
    overrides.

    Parameters
    ----------
    scenario_file : str or Path
        The scenario file.
    replication : int
        The replication watched (its seed comes from the root seed and this index).
    **kwargs
        Slider values by path (``actors.CHN.doctrine.compliance=0.3``); a value equal to
        the scenario's is no override.  mesa 3.5 also passes a ``scenario`` object
        of its own on Reset, which is dropped (the scenario here is the file).
    """

    def __init__(
        self, scenario_file: str | Path = DEFAULT_SCENARIO, replication: int = 0, **kwargs: Any
    ):
        kwargs.pop("scenario", None)  # mesa >= 3.5: its experimental Scenario, not ours
        kwargs.pop("rng", None)
        tree = load_tree(scenario_file)
        base = resolve(tree)
        self.scenario_file = str(scenario_file)
        self.base_spec = base
        self.overrides = overrides_from(kwargs, base)
        spec = resolve(tree, dict(self.overrides)) if self.overrides else base
        super().__init__(spec, replication=replication)
