"""Scenario discovery: under which parameter combinations does an outcome occur? (PRIM)

The Patient Rule Induction Method (Friedman & Fisher 1999), as EMA Workbench
implements it (Kwakkel 2017; its use for scenario discovery: Bryant & Lempert
2010), finds a box in the space of a sweep's parameters inside which a chosen
outcome (a measure below or above a level) is frequent.  PRIM peels the box one
small slice at a time (``peel_alpha``), each time removing the slice that most
raises the share of cases of interest inside the box (its **density**), and records
the trade-off with the share of all cases of interest it still holds (its
**coverage**).  :func:`discover` runs it on the runs of a sweep folder (every
replication is an experiment) and picks the box with the highest coverage among
those whose density reaches ``min_density``.
"""

from __future__ import annotations

import inspect
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .store import load


@dataclass
class Discovery:
    """A PRIM box and its peeling trajectory.

    Attributes
    ----------
    measure : str
        The reduced measure (``name[.A[.B]]:reducer``).
    condition : str
        ``below`` or ``above``.
    level : float
        The level the measure is compared with.
    cases : int
        Runs in which the outcome occurs.
    runs : int
        Runs of the sweep.
    trajectory : DataFrame
        One row per peeling step: ``id``, ``coverage``, ``density``, ``mass``,
        ``res_dim`` (restricted parameters), ``n`` and ``k`` (runs and cases inside).
    chosen : int
        The trajectory ``id`` of the chosen box.
    limits : DataFrame
        One row per parameter: ``parameter``, ``low``, ``high`` (the box) and
        ``range_low``, ``range_high`` (the sweep's), ``restricted`` (bool).
    """

    measure: str
    condition: str
    level: float
    cases: int
    runs: int
    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame

    @property
    def box(self) -> pd.Series:
        """The chosen box's row of the trajectory."""
        return self.trajectory.set_index("id").loc[self.chosen]


def discover(
    folder: str | Path,
    measure: str,
    below: float | None = None,
    above: float | None = None,
    min_density: float = 0.8,
    peel_alpha: float = 0.05,
) -> Discovery:
    """Run PRIM on a sweep folder's runs for one outcome.

    Parameters
    ----------
    folder : str or Path
        A finished (or partly finished) ``geosim sweep`` folder.
    measure : str
        One of the sweep's reduced measures, as written in its file (``balance:last``).
    below, above : float, optional
        The outcome of interest: the measure below (or above) this level; give one.
    min_density : float
        The chosen box is the one of highest coverage whose density is at least this
        (the densest box if none reaches it).
    peel_alpha : float
        Share of the box peeled per step (EMA Workbench's default, 0.05).

    Returns
    -------
    Discovery

    Raises
    ------
    InputError
        The folder is not a sweep folder, the measure is not one of its measures, the sweep
        varies no numeric parameter, or the outcome never (or always) occurs.
    """
    if (below is None) == (above is None):
        raise InputError(
            [Problem("geosim discover", "", None, "give one of --below and --above", "")]
        )
    try:
        result = load(folder)
    except FileNotFoundError:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "",
                    None,
                    "not a geosim sweep folder (no sweep.yaml)",
                    "give the folder geosim sweep printed after Results:",
                )
            ]
        ) from None
    wide = result.wide()
    measures = list(result.spec.measures)
    if measure not in measures:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "measures",
                    None,
                    f"the sweep has no measure {measure!r}",
                    f"its measures: {', '.join(measures)}",
                )
            ]
        )
    params = [
        p
        for p in result.points.columns
        if p != "point" and pd.api.types.is_numeric_dtype(result.points[p])
    ]
    if not params:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "parameters",
                    None,
                    "the sweep varies no numeric parameter to find a box in",
                    "sweep numeric parameters (a grid, random, lhs or sobol design)",
                )
            ]
        )
    values = wide[measure].to_numpy(dtype=float)
    keep = np.isfinite(values)
    x = wide.loc[keep, params].reset_index(drop=True).astype(float)
    level = float(below if below is not None else above)  # type: ignore[arg-type]
    y = values[keep] < level if below is not None else values[keep] > level
    condition = "below" if below is not None else "above"
    if y.all() or not y.any():
        share = "every" if y.all() else "no"
        raise InputError(
            [
                Problem(
                    str(folder),
                    measure,
                    None,
                    f"{measure} is {condition} {level:g} in {share} run: nothing to discover",
                    f"choose a level between its lowest ({values[keep].min():.4g}) and highest "
                    f"({values[keep].max():.4g}) value",
                )
            ]
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        options: dict[str, float] = {"peel_alpha": peel_alpha}
        if "threshold" in inspect.signature(prim.Prim.__init__).parameters:
            options["threshold"] = min_density  # EMA Workbench 2.x requires it; 3.x dropped it
        box = prim.Prim(x, y, **options).find_box()
    trajectory = box.peeling_trajectory[
        ["id", "coverage", "density", "mass", "res_dim", "n", "k"]
    ].copy()
    good = trajectory[trajectory["density"] >= min_density]
    chosen = int(
        good.sort_values(["coverage", "id"], ascending=[False, True])["id"].iloc[0]
        if len(good)
        else trajectory.sort_values("density")["id"].iloc[-1]
    )
    lims = box.box_lims[chosen]
    low, high = x.min(), x.max()
    limits = pd.DataFrame(
        {
            "parameter": params,
            "low": [float(lims.loc[0, p]) for p in params],
            "high": [float(lims.loc[1, p]) for p in params],
            "range_low": [float(low[p]) for p in params],
            "range_high": [float(high[p]) for p in params],
        }
    )
    limits["restricted"] = (limits["low"] > limits["range_low"]) | (
        limits["high"] < limits["range_high"]
    )
    return Discovery(
        measure, condition, level, int(y.sum()), int(len(y)), trajectory, chosen, limits
    )


def write_discovery(d: Discovery, folder: Path) -> list[Path]:
    """Write ``peeling.csv``, ``box.csv`` and ``discovery.json`` into ``folder`` (created).

    ``discovery.json`` records what was discovered: the measure, the condition
    (``below`` or ``above``), the level, the runs with the outcome (``cases``), the
    runs of the sweep and the chosen box's ``id`` (``geosim report`` reads it).

    Parameters
    ----------
    d : Discovery
        The result.
    folder : Path
        The output folder.

    Returns
    -------
    list of Path
        The files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    peel = d.trajectory.assign(chosen=d.trajectory["id"] == d.chosen)
    peel.to_csv(folder / "peeling.csv", index=False)
    d.limits.to_csv(folder / "box.csv", index=False)
    about = {
        "measure": d.measure,
        "condition": d.condition,
        "level": float(d.level),
        "cases": int(d.cases),
        "runs": int(d.runs),
        "chosen": int(d.chosen),
    }
    (folder / "discovery.json").write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
    return [folder / "peeling.csv", folder / "box.csv", folder / "discovery.json"]
