"""Samplers of sweep points: grids, random and Latin-hypercube designs, SALib designs.

:func:`sample_points` returns one row per point and one column per parameter path.
Grids are the product of each parameter's values; ``random`` and ``lhs`` draw
uniforms (numpy, ``scipy.stats.qmc.LatinHypercube``) and map them to each
parameter's distribution; ``sobol`` and ``morris`` designs come from SALib's
samplers (Saltelli 2002; Morris 1991).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from .spec import ParamSpec, SweepSpec


def _grid_values(p: ParamSpec) -> list[Any]:
    """A grid parameter's values: its list, or ``steps`` values spaced over its range."""
    if p.values is not None:
        return list(p.values)
    assert p.range is not None and p.steps is not None  # the spec's validator checked
    low, high = p.range
    return [float(x) for x in np.linspace(low, high, p.steps)]


def _scale(u: np.ndarray, p: ParamSpec) -> np.ndarray:
    """Map uniforms in [0, 1) to the parameter's distribution."""
    if p.values is not None:
        idx = np.minimum((u * len(p.values)).astype(int), len(p.values) - 1)
        return np.array(p.values, dtype=object)[idx]
    if p.distribution == "normal":
        from scipy.stats import norm  # imported only here: it takes a second or two

        assert p.mean is not None and p.sd is not None  # the spec's validator checked
        return p.mean + p.sd * norm.ppf(np.clip(u, 1e-12, 1 - 1e-12))
    assert p.range is not None
    low, high = p.range
    if p.distribution == "loguniform":
        return np.exp(np.log(low) + u * (np.log(high) - np.log(low)))
    return low + u * (high - low)


def sample_points(spec: SweepSpec) -> tuple[pd.DataFrame, Any]:
    """The points of a sweep (one row each) and, for sobol/morris, the SALib problem.

    Parameters
    ----------
    spec : SweepSpec
        The validated sweep file: its ``method``, ``parameters``, ``samples``,
        ``sample_seed`` and, for Sobol and Morris, ``groups``, ``levels`` and
        ``second_order``.

    Returns
    -------
    points : pandas.DataFrame
        One row per point, in sample order, and one column per parameter path (in the
        order of ``spec.parameters``), holding the value set at that point in the
        parameter's own unit; object columns that are all numbers are made numeric.
        A grid has the product of the parameters' values (the last parameter varies
        fastest); ``random`` and ``lhs`` have ``samples`` rows; Sobol and Morris the
        rows of SALib's design.
    problem : dict or None
        The SALib problem (:func:`salib_problem`) for ``sobol`` and ``morris``; None
        for the other methods.
    """
    names = list(spec.parameters)
    problem = None
    if spec.method == "grid":
        grids = [_grid_values(spec.parameters[n]) for n in names]
        rows = list(itertools.product(*grids))
        frame = pd.DataFrame(rows, columns=names)
    elif spec.method in ("random", "lhs"):
        assert spec.samples is not None  # the spec's validator checked
        d = len(names)
        if spec.method == "random":
            u = np.random.default_rng(spec.sample_seed).random((spec.samples, d))
        else:
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d=d, seed=spec.sample_seed).random(spec.samples)
        frame = pd.DataFrame({n: _scale(u[:, k], spec.parameters[n]) for k, n in enumerate(names)})
    else:
        problem = salib_problem(spec)
        x = salib_sample(spec, problem)
        frame = pd.DataFrame(x, columns=names)
    for n in names:
        if frame[n].dtype == object:
            try:
                frame[n] = pd.to_numeric(frame[n])
            except (ValueError, TypeError):
                pass
    return frame, problem


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem of a sensitivity file: names, bounds and optional groups.

    Parameters
    ----------
    spec : SweepSpec
        A sensitivity file (``method: sobol`` or ``morris``), every parameter with a
        ``range:``.

    Returns
    -------
    dict
        ``num_vars``, ``names`` (the parameter paths), ``bounds`` (``[low, high]`` per
        parameter, in its unit) and, if the file has ``groups:``, ``groups`` (one group
        name per parameter; a parameter left out is its own group).
    """
    names = list(spec.parameters)
    problem: dict[str, Any] = {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(spec.parameters[n].range or ()) for n in names],
    }
    if spec.groups:
        problem["groups"] = [spec.groups.get(n, n) for n in names]
    return problem


def salib_sample(spec: SweepSpec, problem: dict[str, Any]) -> np.ndarray:
    """The sample points, from SALib's Sobol (Saltelli) or Morris sampler.

    Parameters
    ----------
    spec : SweepSpec
        A sensitivity file: ``method`` (``sobol`` or anything else for Morris),
        ``samples`` (the base sample size N, or the number of Morris trajectories),
        ``second_order``, ``levels`` and ``sample_seed``.
    problem : dict
        The SALib problem of ``spec`` (:func:`salib_problem`).

    Returns
    -------
    numpy.ndarray
        (points, parameters) values in sample order: N (2k + 2) rows for Sobol with
        second-order indices, N (k + 2) without; N (k + 1) for Morris, k being the
        number of parameters or groups.
    """
    if spec.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(
            problem, spec.samples, calc_second_order=spec.second_order, seed=spec.sample_seed
        )
    from SALib.sample import morris

    return morris.sample(problem, spec.samples, num_levels=spec.levels, seed=spec.sample_seed)
