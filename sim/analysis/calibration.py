"""Calibration of a scenario's free parameters to its observations, by ABC-SMC (pyabc).

A calibration file (``kind: calibration``, :class:`~.spec.CalibrationSpec`; see
``docs/validation.md``) names a scenario with observations, the window of them to
fit, and a uniform or log-uniform prior over each parameter path.
:func:`run_calibration` fits them by approximate Bayesian computation with
sequential Monte Carlo (ABC-SMC: Toni et al. 2009; Beaumont et al. 2009), as
pyabc implements it (Klinger, Rickert & Hasenauer 2018; Schälte et al. 2022):

- **summary statistics** are the observations of the window, each the model's
  value over the observation's period (mean over its steps, or sum of a count:
  :func:`observation_values`), from one replication per particle;
- **distance**: pyabc's adaptive weighted Euclidean distance (Prangle 2017), each
  statistic scaled by its root mean square deviation from the observation over the
  last generation's simulations (a median absolute deviation would be 0, and the
  statistic ignored, for a 0/1 series such as the Panel's mandate on which most
  runs agree) and weighted by one over the number of observations of its series,
  so that every observed series counts the same whatever its number of points;
- **thresholds**: the median of the last generation's distances (pyabc's default);
- **proposals** from a local multivariate normal kernel around each particle of the
  last generation, its covariance that of the particle's nearest quarter of the
  population (pyabc's ``LocalTransition``; Filippi et al. 2013): with a dozen
  parameters, one global kernel left an effective sample size of 3 in 300
  particles by the fourth generation, the local one about 50.

The batch engine runs the particles in blocks (:class:`BlockSampler`): a block's
proposals are drawn, run as one block (or as chunks over a process pool or a Dask
cluster), and then accepted or rejected in proposal order.  The result is exactly
what pyabc's single-core sampler gives with the same model (tested): the
particles, their seeds and every random draw of pyabc are the same, so that a
calibration is reproducible from its seed whatever the block size, workers or
executor.

:func:`write_calibration` writes the posterior (``posterior.parquet``), the
generations (``generations.csv``), the calibrated parameters as a scenario file
that ``extends:`` the base (``calibrated.yaml``: the weighted posterior median of
each parameter), and the scores of the uncalibrated base, the calibrated scenario
and the posterior predictive (``score.csv``), over the calibration window and the
next, against the same observations.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from ..engine.batch import run_batch
from ..engine.compile import compile_structure
from ..engine.initial import copied_at_start
from ..errors import InputError, Problem
from ..random import replication_seed
from ..scenario import PathError, PathRef, Scenario, field_problems, load_tree, parse_path, resolve
from ..scenario.observations import load_observations, window_of
from ..scenario.yamlio import load_file
from .spec import CalibrationSpec

if TYPE_CHECKING:
    from ..engine.batch import BatchResult
    from ..engine.state import Structure

FAR = 10.0
"""How far (in units of the observed value's size) the statistics of a failed run are
put, so that it is rejected."""


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class Calibration:
    """A validated calibration: its file, base scenario, priors and observations.

    Attributes
    ----------
    spec : CalibrationSpec
        The calibration file's fields.
    path : Path
        The calibration file.
    base_path : Path
        The base scenario's file.
    base : Scenario
        The base scenario, resolved.
    refs : dict of str to PathRef
        Each parameter's parsed path, in file order.
    observations : DataFrame
        Every observation of the base (:func:`~sim.scenario.observations.load_observations`).
    fitted : DataFrame
        The observations of the calibration window: the summary statistics.
    """

    spec: CalibrationSpec
    path: Path
    base_path: Path
    base: Scenario
    refs: dict[str, PathRef]
    observations: pd.DataFrame
    fitted: pd.DataFrame
    structure: Structure = field(repr=False, compare=False)

    @property
    def names(self) -> list[str]:
        """The parameter paths, in file order."""
        return list(self.refs)

    @property
    def windows(self) -> dict[str, tuple[str, str]]:
        """The base scenario's scoring windows."""
        obs = self.base.observations
        return {} if obs is None else dict(obs.windows)

    def digest(self) -> str:
        """A stable hash of the calibration file's fields and the resolved base."""
        import hashlib

        text = json.dumps(
            {"spec": self.spec.model_dump(mode="json"), "base": self.base.digest()},
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def is_calibration_file(path: str | Path) -> bool:
    """Whether a YAML file says ``kind: calibration`` (read without validating it).

    Parameters
    ----------
    path : str or Path
        The file.
    """
    try:
        tree = load_file(Path(path))
    except InputError:
        return False
    data = tree.value if isinstance(tree.value, dict) else {}
    kind = data.get("kind")
    return kind is not None and kind.value == "calibration"


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file, its base scenario, priors and observations.

    Parameters
    ----------
    path : str or Path
        The calibration file; its ``base:`` is relative to its folder.

    Returns
    -------
    Calibration

    Raises
    ------
    InputError
        Every problem found: the file's fields, a missing base, a base without
        observations or without the window, a parameter path that is not a model,
        doctrine or reference parameter set at the start, a prior outside the
        parameter's range.
    """
    path = Path(path)
    tree = load_file(path)
    data = tree.value if isinstance(tree.value, dict) else {}
    kind = data.get("kind")
    other = kind.value if kind is not None else ("scenario" if "actors" in data else None)
    if other in ("scenario", "sweep") or (other is None and "extends" in data):
        what = "a sweep file" if other == "sweep" else "a scenario file"
        run = "geosim sweep" if other == "sweep" else "geosim run"
        raise InputError(
            [
                Problem(
                    str(path),
                    "",
                    tree.line,
                    f"this is {what}, not a calibration file",
                    f"run it with {run}, or write a calibration file (kind: calibration, "
                    "base: a scenario with observations, parameters; see docs/validation.md)",
                )
            ]
        )
    try:
        spec = CalibrationSpec.model_validate(tree.plain())
    except ValidationError as exc:
        raise InputError(field_problems(tree, exc, str(path), CalibrationSpec)) from None

    def where(*keys: str) -> int | None:
        node = tree
        for k in keys:
            if isinstance(node.value, dict) and k in node.value:
                node = node.value[k]
        return node.line

    base_path = (path.parent / spec.base).resolve()
    if not base_path.exists():
        raise InputError(
            [
                Problem(
                    str(path),
                    "base",
                    where("base"),
                    f"base scenario {spec.base!r} not found (looked for {base_path})",
                    "base: is relative to the folder of the calibration file",
                )
            ]
        )
    base = resolve(load_tree(base_path))
    problems: list[Problem] = []
    refs: dict[str, PathRef] = {}
    for name, prior in spec.parameters.items():
        line = where("parameters", name)
        try:
            ref = parse_path(name, base.codes, base.categories)
        except PathError as exc:
            problems.append(Problem(str(path), f"parameters.{name}", line, str(exc), exc.hint))
            continue
        if ref.param is None or not copied_at_start(ref):
            problems.append(
                Problem(
                    str(path),
                    f"parameters.{name}",
                    line,
                    "only parameters the start takes as they are can be calibrated",
                    "calibrate doctrine, model or reference parameters "
                    "(see geosim params); not figures other arrays are derived from",
                )
            )
            continue
        low, high = prior.range
        p = ref.param
        inside = (low > p.low if p.open_low else low >= p.low) and high <= p.high
        if not inside:
            problems.append(
                Problem(
                    str(path),
                    f"parameters.{name}.range",
                    line,
                    f"the prior [{low:g}, {high:g}] leaves the parameter's range "
                    f"{'(' if p.open_low else '['}{p.low:g}, {p.high:g}]",
                    "narrow the range to the one geosim params lists",
                )
            )
            continue
        refs[name] = ref
    if base.observations is None:
        problems.append(
            Problem(
                str(path),
                "base",
                where("base"),
                "the base scenario has no observations: to fit",
                "give it an observations: section (docs/scenarios.md)",
            )
        )
    elif spec.window not in base.observations.windows:
        known = ", ".join(base.observations.windows) or "none"
        problems.append(
            Problem(
                str(path),
                "window",
                where("window"),
                f"the base scenario has no window {spec.window!r} (it has: {known})",
                "name one of its observations.windows",
            )
        )
    if problems:
        raise InputError(problems)
    observations = load_observations(base, base_path.parent, str(base_path))
    first, last = base.observations.windows[spec.window]  # type: ignore[union-attr]
    in_window = [
        spec.window in window_of(a, b, {spec.window: (first, last)})
        for a, b in zip(observations["first"], observations["last"], strict=True)
    ]
    fitted = observations[np.array(in_window, dtype=bool)].reset_index(drop=True)
    if spec.measures is not None:
        fitted = fitted[fitted["measure"].isin(spec.measures)].reset_index(drop=True)
        missing = sorted(set(spec.measures) - set(fitted["measure"]))
        if missing:
            raise InputError(
                [
                    Problem(
                        str(path),
                        "measures",
                        where("measures"),
                        f"no observation of {missing[0]} lies in the window {spec.window}",
                        "list measures the base observes inside the window",
                    )
                ]
            )
    if spec.summaries == "yearly" and not fitted.empty:
        fitted = yearly(fitted)
    if fitted.empty:
        raise InputError(
            [
                Problem(
                    str(path),
                    "window",
                    where("window"),
                    f"no observation lies wholly inside the window {spec.window}",
                    "widen the window or observe more of it",
                )
            ]
        )
    return Calibration(
        spec, path, base_path, base, refs, observations, fitted, compile_structure(base)
    )


def yearly(observations: pd.DataFrame) -> pd.DataFrame:
    """Observations of periods shorter than a year, gathered by calendar year.

    A count per quarter becomes the year's count (the sum), a level per quarter the
    year's mean; the year's steps are the union of its periods' (so that the model is
    read over the same steps).  Yearly and longer observations are kept as they are, and
    so are a year's observations that leave gaps or mix period lengths.
    One noisy statistic per quarter dilutes an ABC distance: a year's sum carries the
    same information with less noise (Fearnhead & Prangle 2012 on summary choice).

    Parameters
    ----------
    observations : DataFrame
        Observations (:func:`~sim.scenario.observations.load_observations`), each of
        whole, contiguous periods.
    """
    months = observations["last"].map(_month) - observations["first"].map(_month) + 1
    short = observations[months < 12]
    rows = [observations[months >= 12]]
    for (_, year), group in short.groupby([short["measure"], short["first"].str[:4]], sort=False):
        span = _month(group["last"].max()) - _month(group["first"].min()) + 1
        lengths = group["last"].map(_month) - group["first"].map(_month) + 1
        if lengths.sum() != span or lengths.nunique() > 1:
            rows.append(group)  # gaps or mixed lengths: the observations stay as they are
            continue
        first = group.iloc[0].copy()
        first["period"] = str(year)
        first["first"], first["last"] = group["first"].min(), group["last"].max()
        first["step_first"], first["step_last"] = (
            group["step_first"].min(),
            group["step_last"].max(),
        )
        total = group["value"].sum() if first["how"] == "sum" else group["value"].mean()
        first["value"] = float(total)
        first["lower"] = first["upper"] = np.nan
        first["source"] = f"{len(group)} observations of {year} gathered"
        rows.append(first.to_frame().T)
    out = pd.concat(rows, ignore_index=True).astype(observations.dtypes.to_dict())
    return out.sort_values(["measure", "first"], kind="stable").reset_index(drop=True)


def _month(text: str) -> int:
    from ..scenario import month_index

    return month_index(text)


# --------------------------------------------------------------------------- simulation


def observation_values(result: BatchResult, observations: pd.DataFrame, codes: list[str]):
    """The model's value of each observation in each run of a block, (R, n_obs).

    The value over an observation's period is the mean of the measure over its steps,
    or their sum for a count (as :func:`sim.analysis.observed.model_at_observations`
    reads it from the tidy tables: tested equal).

    Parameters
    ----------
    result : BatchResult
        A block run with ``keep`` naming the observed measures.
    observations : DataFrame
        Observations (:func:`~sim.scenario.observations.load_observations`).
    codes : list of str
        The scenario's actor codes.
    """
    cache: dict[tuple[str, str], np.ndarray] = {}
    out = []
    for row in observations.itertuples(index=False):
        key = (row.name, row.actors)
        if key not in cache:
            actors = tuple(codes.index(c) for c in row.actors.split(".")) if row.actors else ()
            cache[key] = result.series(row.name, actors)
        block = cache[key][:, row.step_first : row.step_last + 1]
        out.append(block.sum(axis=1) if row.how == "sum" else block.mean(axis=1))
    return np.column_stack(out)


def simulate(
    cal: Calibration, params: np.ndarray, seeds: list[int], observations: pd.DataFrame
) -> np.ndarray:
    """Run one replication per parameter row and read the observations, (B, n_obs).

    Parameters
    ----------
    cal : Calibration
        The calibration (its base scenario, structure and parameter paths).
    params : ndarray
        (B, P) parameter values, in the order of :attr:`Calibration.names`.
    seeds : list of int
        One run seed per row.
    observations : DataFrame
        The observations to read (the fitted ones, or all).

    Returns
    -------
    ndarray
        One row per run; a failed run's row is NaN.
    """
    refs = list(cal.refs.values())
    starts = [{ref: float(v) for ref, v in zip(refs, row, strict=True)} for row in params]
    keep = set(observations["name"])
    result = run_batch(
        [cal.base] * len(starts),
        [0] * len(starts),
        seeds=list(seeds),
        keep_log=False,
        keep=keep,
        structure=cal.structure,
        starts=starts,
    )
    values = observation_values(result, observations, cal.base.codes)
    values[result.failed] = np.nan
    return values


_WORKER: dict[str, Any] = {}


def _install(cal: Calibration) -> None:
    _WORKER["cal"] = cal


def _simulate_chunk(job: tuple[np.ndarray, list[int]]) -> np.ndarray:
    cal = _WORKER["cal"]
    return simulate(cal, job[0], job[1], cal.fitted)


class Runner:
    """Runs blocks of particles: here, over a local process pool, or on Dask.

    A run's result depends only on its parameters and seed (a run of a block is
    exactly as it would be alone), so the chunking changes nothing.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    workers : int
        Worker processes (1: in this process).
    executor : str
        ``local`` or ``dask``.
    scheduler : str, optional
        A Dask scheduler's address; default a LocalCluster of ``workers``.
    chunk : int
        Runs per task.
    """

    def __init__(
        self,
        cal: Calibration,
        workers: int = 1,
        executor: str = "local",
        scheduler: str | None = None,
        chunk: int = 500,
    ):
        self.cal, self.workers, self.executor, self.chunk = cal, workers, executor, chunk
        self._pool: Any = None
        self._client: Any = None
        self._cluster: Any = None
        self._remote: Any = None
        if executor == "dask":
            from distributed import Client

            from .executors import local_cluster

            if scheduler is None:
                self._cluster = local_cluster(workers)
                self._client = Client(self._cluster)
            else:
                self._client = Client(scheduler)
            self._remote = self._client.scatter(cal, broadcast=True)
        elif workers > 1:
            from ..parallel import pool

            self._pool = pool(workers, _install, (cal,))

    def __call__(self, params: np.ndarray, seeds: list[int]) -> np.ndarray:
        """(B, n_fitted) observation values of the runs.

        Parameters
        ----------
        params : ndarray
            (B, P) parameter rows.
        seeds : list of int
            Their run seeds.
        """
        n = len(seeds)
        if self._client is None and self._pool is None or n <= self.chunk:
            return simulate(self.cal, params, seeds, self.cal.fitted)
        size = max(self.chunk, math.ceil(n / max(1, self.workers)))
        jobs = [(params[k : k + size], seeds[k : k + size]) for k in range(0, n, size)]
        if self._client is not None:
            futures = self._client.map(_dask_chunk, jobs, cal=self._remote, pure=False)
            parts = self._client.gather(futures)
        else:
            parts = list(self._pool.map(_simulate_chunk, jobs))
        return np.vstack(parts)

    def close(self) -> None:
        """Stop the pool or the Dask client and cluster."""
        if self._pool is not None:
            self._pool.shutdown()
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _dask_chunk(job: tuple[np.ndarray, list[int]], cal: Calibration) -> np.ndarray:
    return simulate(cal, job[0], job[1], cal.fitted)


# --------------------------------------------------------------------------- pyabc


def to_parameter(spec: CalibrationSpec, name: str, z):
    """A parameter's value from its fitted coordinate z (a standard logistic prior).

    theta = low + (high - low) expit(z) for a uniform prior, and
    exp(log low + (log high - log low) expit(z)) for a log-uniform one: the prior
    quantile u = expit(z) mapped through the prior's inverse CDF.  Fitting z keeps every
    proposal inside the prior's bounds (pyabc would otherwise redraw the proposals of
    a dozen bounded parameters about seven times each) and lets the kernels act near
    the bounds.

    Parameters
    ----------
    spec : CalibrationSpec
        The calibration's fields (the priors).
    name : str
        The parameter path.
    z : array_like
        Fitted coordinates.
    """
    from scipy.special import expit

    prior = spec.parameters[name]
    low, high = prior.range
    u = expit(np.asarray(z, dtype=float))
    if prior.distribution == "loguniform":
        return np.exp(np.log(low) + (np.log(high) - np.log(low)) * u)
    return low + (high - low) * u


def _key(k: int) -> str:
    """The name of summary statistic k for pyabc."""
    return f"s{k:03d}"


def _par(k: int) -> str:
    """The name of parameter k for pyabc (paths hold dots)."""
    return f"p{k:02d}"


class _Deferred:
    """The pyabc model of a calibration: records proposals, then replays their results.

    In ``record`` mode :meth:`sample` notes the proposal and returns statistics far
    from the observed ones (a placeholder, rejected without computing its weight:
    those particles are thrown away); in ``replay`` mode it returns the statistics the
    block computed for the same proposal, in order.
    """

    def __init__(self, spec: CalibrationSpec, names: list[str], x0: np.ndarray):
        self.spec = spec
        self.names = names
        self.far = {_key(k): float(v) for k, v in enumerate(x0 + FAR * (np.abs(x0) + 1.0))}
        self.mode = "record"
        self.pending: list[list[float]] = []
        self.results: np.ndarray = np.zeros((0, len(x0)))
        self.pointer = 0

    def sample(self, pars) -> dict[str, float]:
        values = [
            float(to_parameter(self.spec, n, pars[_par(k)])) for k, n in enumerate(self.names)
        ]
        if self.mode == "record":
            self.pending.append(values)
            return dict(self.far)
        if values != self.pending[self.pointer]:
            raise RuntimeError("pyabc's proposals changed between record and replay")
        row = self.results[self.pointer]
        self.pointer += 1
        return {_key(k): float(v) for k, v in enumerate(row)}


def _model(deferred: _Deferred):
    import pyabc

    class BlockModel(pyabc.Model):
        """A pyabc model whose simulations the block sampler runs in blocks."""

        def sample(self, pars):
            return deferred.sample(pars)

    return BlockModel("geosim")


def block_sampler(
    deferred: _Deferred,
    run: Callable[[np.ndarray, list[int]], np.ndarray],
    seed: int,
    x0: np.ndarray,
    max_block: int = 20_000,
    on_sample: Callable[[dict[str, Any]], None] | None = None,
):
    """A pyabc sampler that runs the particles of a generation in blocks.

    Parameters
    ----------
    deferred : _Deferred
        The model of the calibration.
    run : callable
        ``run(params (B, P), seeds) -> (B, n_stats)``, NaN rows for failed runs.
    seed : int
        Root seed: simulation k of the calibration (counted in proposal order over all
        generations, as a single-core sampler makes them) runs with seed
        ``replication_seed(seed, k)``.
    x0 : ndarray
        The observed statistics (a failed run's are put :data:`FAR` from them).
    max_block : int
        Most particles per block.
    on_sample : callable, optional
        Called after each generation's sampling with ``{"generation", "proposals",
        "accepted", "runs"}`` (the prior sample that sets the first scales and
        threshold is generation -1), for progress.
    """
    from pyabc.sampler import Sampler

    far = x0 + FAR * (np.abs(x0) + 1.0)

    class BlockSampler(Sampler):
        """Draw a block of proposals, run them as one block, accept in proposal order.

        The proposals are drawn twice from the same state of numpy's and Python's
        global generators: once to learn them, once (after the block has run) to
        evaluate them.  Only the particles up to the n-th accepted one are kept, and
        the generators are left as a single-core sampler would leave them, so that the
        result is the single-core sampler's.
        """

        def __init__(self):
            super().__init__()
            self.counter = 0  # simulations so far, in proposal order
            self.rate = 1.0
            self.simulations = 0  # including those run past the n-th acceptance

        def sample_until_n_accepted(
            self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
        ):
            # max_eval is ignored, as by pyabc's SingleCoreSampler (check_max_eval=False),
            # whose result this one must give: pyabc's min_acceptance_rate check stops the
            # run after the generation instead of dropping it
            sample = self._create_empty_sample()
            evaluations = 0
            while sample.n_accepted < n:
                need = n - sample.n_accepted
                size = need if all_accepted else math.ceil(1.25 * need / max(self.rate, 1e-3))
                size = int(min(max(size, need), max_block))
                state = np.random.get_state(), random.getstate()  # noqa: NPY002 (pyabc's)
                deferred.mode, deferred.pending = "record", []
                for _ in range(size):
                    simulate_one()
                params = np.array(deferred.pending, dtype=float)
                seeds = [replication_seed(seed, self.counter + k) for k in range(size)]
                values = run(params, seeds)
                values = np.where(np.isfinite(values), values, far)
                self.simulations += size
                np.random.set_state(state[0])  # noqa: NPY002
                random.setstate(state[1])
                deferred.mode, deferred.results, deferred.pointer = "replay", values, 0
                used = 0
                while used < size and sample.n_accepted < n:
                    particle = simulate_one()
                    used += 1
                    sample.append(particle)
                self.counter += used
                evaluations += used
            if on_sample is not None:
                on_sample(
                    {
                        "generation": t,
                        "proposals": evaluations,
                        "accepted": sample.n_accepted,
                        "runs": self.simulations,
                    }
                )
            if not all_accepted and evaluations:
                self.rate = max(sample.n_accepted / evaluations, 1e-3)
            self.nr_evaluations_ = evaluations
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return BlockSampler()


@dataclass
class CalibrationResult:
    """What a calibration found.

    Attributes
    ----------
    posterior : DataFrame
        Every generation's particles: ``generation``, ``weight``, then one column per
        parameter path.
    generations : DataFrame
        Per generation: ``generation``, ``epsilon``, ``particles``, ``simulations``
        (proposals evaluated), ``acceptance``, ``ess`` (effective sample size).
    point : dict of str to float
        The weighted posterior median of each parameter (the calibrated scenario's).
    interval : dict of str to tuple
        Its weighted 5 % and 95 % quantiles.
    simulations : int
        Runs made, including those of blocks past the last acceptance.
    seconds : float
        Wall time of the fit.
    """

    posterior: pd.DataFrame
    generations: pd.DataFrame
    point: dict[str, float]
    interval: dict[str, tuple[float, float]]
    simulations: int
    seconds: float


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of weighted values (the inverse of their weighted CDF, midpoints).

    Parameters
    ----------
    values, weights : ndarray
        The sample and its weights.
    q : float
        The quantile, in [0, 1].
    """
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cdf, v))


def fit(
    cal: Calibration,
    run: Callable[[np.ndarray, list[int]], np.ndarray] | None = None,
    on_generation: Callable[[dict[str, Any]], None] | None = None,
    max_block: int = 20_000,
    reference: bool = False,
) -> CalibrationResult:
    """Fit the calibration's parameters by ABC-SMC (pyabc), reproducibly from its seed.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    run : callable, optional
        The block runner (:class:`Runner`); default in this process.
    on_generation : callable, optional
        Called after each generation's sampling (:func:`block_sampler`'s
        ``on_sample``), for progress.
    max_block : int
        Most particles per block.
    reference : bool
        Run particle by particle through pyabc's own ``SingleCoreSampler`` instead
        (simulation k with the same seed): what the block sampler must equal.

    Returns
    -------
    CalibrationResult
    """
    import pyabc

    spec = cal.spec
    names = cal.names
    started = time.perf_counter()
    x0_values = cal.fitted["value"].to_numpy(dtype=float)
    x0 = {_key(k): float(v) for k, v in enumerate(x0_values)}
    per_series = cal.fitted.groupby("measure")["measure"].transform("size").to_numpy()
    weights = {_key(k): 1.0 / float(c) for k, c in enumerate(per_series)}
    # each parameter is fitted as z = logit(u), u its prior quantile: a standard
    # logistic z is the uniform (or log-uniform) prior, and no proposal leaves it
    priors = {_par(k): pyabc.RV("logistic", 0.0, 1.0) for k in range(len(names))}
    deferred = _Deferred(spec, names, x0_values)
    runner = run or (lambda p, s: simulate(cal, p, s, cal.fitted))
    sampler = block_sampler(deferred, runner, spec.seed, x0_values, max_block, on_generation)
    model = _model(deferred)
    if reference:
        model, sampler = _reference(deferred, runner, spec.seed, x0_values)
    sampler.show_progress = False
    distance = pyabc.AdaptivePNormDistance(
        p=2, fixed_weights=weights, scale_function=pyabc.distance.rmsd
    )
    saved = np.random.get_state(), random.getstate()  # noqa: NPY002 (restored below)
    np.random.seed(spec.seed % 2**32)  # noqa: NPY002 (pyabc draws from numpy's global one)
    random.seed(spec.seed)
    abc = pyabc.ABCSMC(
        model,
        pyabc.Distribution(**priors),
        distance,
        population_size=spec.population,
        sampler=sampler,
        transitions=_TRANSITION(),
    )
    _quiet_pyabc()
    try:
        return _run_abc(abc, x0, spec, names, sampler, started)
    finally:
        np.random.set_state(saved[0])  # noqa: NPY002
        random.setstate(saved[1])


def _run_abc(abc, x0, spec: CalibrationSpec, names, sampler, started) -> CalibrationResult:
    """Run the configured ABCSMC in a temporary database; collect its generations."""
    with tempfile.TemporaryDirectory(prefix="geosim-abc-") as tmp:
        history = abc.new(f"sqlite:///{Path(tmp) / 'abc.db'}", x0)
        history = abc.run(
            max_nr_populations=spec.generations,
            min_acceptance_rate=spec.min_acceptance,
        )
        frames, rows = [], []
        populations = history.get_all_populations()
        for t in range(history.max_t + 1):
            df, w = history.get_distribution(m=0, t=t)
            frame = pd.DataFrame(
                {"generation": t, "weight": np.asarray(w, dtype=float)}, index=range(len(w))
            )
            for k, name in enumerate(names):
                frame[name] = to_parameter(spec, name, df[_par(k)].to_numpy(dtype=float))
            frames.append(frame)
            pop = populations[populations["t"] == t].iloc[0]
            ws = frame["weight"].to_numpy()
            row = {
                "generation": t,
                "epsilon": float(pop["epsilon"]),
                "particles": len(frame),
                "simulations": int(pop["samples"]),
                "acceptance": len(frame) / float(pop["samples"]),
                "ess": float(ws.sum() ** 2 / (ws**2).sum()),
            }
            rows.append(row)
    if not frames:
        raise InputError(
            [
                Problem(
                    spec.name,
                    "min_acceptance",
                    None,
                    "no generation was completed: the first one accepted fewer proposals "
                    f"than min_acceptance ({spec.min_acceptance:g})",
                    "lower min_acceptance, or widen the priors",
                )
            ]
        )
    posterior = pd.concat(frames, ignore_index=True)
    last = posterior[posterior["generation"] == posterior["generation"].max()]
    w = last["weight"].to_numpy()
    point = {n: weighted_quantile(last[n].to_numpy(), w, 0.5) for n in names}
    interval = {
        n: (
            weighted_quantile(last[n].to_numpy(), w, 0.05),
            weighted_quantile(last[n].to_numpy(), w, 0.95),
        )
        for n in names
    }
    return CalibrationResult(
        posterior,
        pd.DataFrame(rows),
        point,
        interval,
        getattr(sampler, "simulations", sampler.nr_evaluations_),
        time.perf_counter() - started,
    )


def _reference(deferred: _Deferred, run, seed: int, x0: np.ndarray):
    """pyabc's single-core sampler with a model that runs one particle at a time."""
    import pyabc

    far = x0 + FAR * (np.abs(x0) + 1.0)
    counter = [0]

    class OneByOne(pyabc.Model):
        def sample(self, pars):
            deferred.mode, deferred.pending = "record", []
            deferred.sample(pars)
            params = np.array(deferred.pending, dtype=float)
            values = run(params, [replication_seed(seed, counter[0])])[0]
            counter[0] += 1
            sampler.simulations = counter[0]
            values = np.where(np.isfinite(values), values, far)
            return {_key(k): float(v) for k, v in enumerate(values)}

    sampler = pyabc.SingleCoreSampler()
    sampler.simulations = 0
    return OneByOne("geosim"), sampler


def _default_transition():
    import pyabc

    return pyabc.LocalTransition()


_TRANSITION: Any = _default_transition


def _quiet_pyabc() -> None:
    """pyabc logs every generation at INFO on the root handler: keep it to warnings."""
    import logging

    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "History", "pyabc"):
        logging.getLogger(name).setLevel(logging.WARNING)
        for sub in ("ABC.Distance", "ABC.Epsilon", "ABC.History", "ABC.Sampler", "ABC.Acceptor"):
            logging.getLogger(sub).setLevel(logging.WARNING)


# --------------------------------------------------------------------------- scores


FITS = ("uncalibrated", "calibrated", "posterior")
"""The ensembles scored against the record: the base scenario as it is, the calibrated
scenario (posterior medians), and the posterior predictive (one run per particle drawn
from the last generation by weight)."""


def ensembles(
    cal: Calibration, result: CalibrationResult, replications: int | None = None
) -> dict[str, np.ndarray]:
    """The value of every observation in each run of the scored ensembles, (R, n_obs).

    The uncalibrated and calibrated ensembles run the base scenario's replication
    seeds, as ``geosim run`` of either scenario does; the posterior predictive the
    same seeds, one particle each, drawn from the last generation by weight with the
    calibration's seed.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    result : CalibrationResult
        Its fit.
    replications : int, optional
        Runs per ensemble; default the calibration's ``replications:``, else the
        base's.
    """
    R = replications or cal.spec.replications or cal.base.replications
    seeds = [replication_seed(cal.base.seed, k) for k in range(R)]
    names = cal.names
    current = np.array([[_current(cal, n) for n in names]] * R, dtype=float)
    point = np.array([[result.point[n] for n in names]] * R, dtype=float)
    last = result.posterior[result.posterior["generation"] == result.posterior["generation"].max()]
    w = last["weight"].to_numpy(dtype=float)
    rng = np.random.default_rng(cal.spec.seed)
    drawn = rng.choice(len(last), size=R, replace=True, p=w / w.sum())
    posterior = last[names].to_numpy(dtype=float)[drawn]
    obs = cal.observations
    return {
        "uncalibrated": simulate(cal, current, seeds, obs),
        "calibrated": simulate(cal, point, seeds, obs),
        "posterior": simulate(cal, posterior, seeds, obs),
    }


def _current(cal: Calibration, name: str) -> float:
    """The base scenario's value of a calibrated parameter (its doctrine, model or
    reference value, or the registry default it takes)."""
    ref = cal.refs[name]
    base = cal.base
    if ref.kind == "model":
        return float(getattr(base.model, ref.field))
    if ref.kind == "reference":
        return float(getattr(base.reference, ref.field))
    actor = base.actors[str(ref.a)]
    if ref.kind == "doctrine":
        return float(getattr(actor.doctrine, ref.field))
    return float(getattr(actor, ref.field))


def scores(cal: Calibration, values: dict[str, np.ndarray]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per observation and per series and window, each ensemble against the record.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    values : dict
        :func:`ensembles`.

    Returns
    -------
    tuple of DataFrame
        (per observation, with a ``fit`` column: :func:`~.observed.beside`'s columns;
        per series and window: :func:`~.observed.score`'s columns after ``fit``).
    """
    from .observed import beside, score

    rows, scored = [], []
    for name, v in values.items():
        per = beside(cal.observations, v.T)
        per.insert(0, "fit", name)
        rows.append(per)
        s = score(per, cal.windows)
        s.insert(0, "fit", name)
        scored.append(s)
    return pd.concat(rows, ignore_index=True), pd.concat(scored, ignore_index=True)


# --------------------------------------------------------------------------- writing


def calibrated_yaml(cal: Calibration, result: CalibrationResult, folder: Path) -> str:
    """The calibrated parameters as a scenario file that ``extends:`` the base.

    Each parameter is set to its weighted posterior median, with its 90 % posterior
    interval and prior beside it.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    result : CalibrationResult
        Its fit.
    folder : Path
        Where the file will be (its ``extends:`` is relative to it).
    """
    import os

    base = os.path.relpath(cal.base_path, Path(folder).resolve())
    lines = [
        f"# Calibrated by geosim calibrate {cal.path.name} (ABC-SMC, pyabc; seed {cal.spec.seed}):",
        f"# weighted posterior medians of the last generation, fitted to the window "
        f"{cal.spec.window} of {cal.base_path.name}.",
        "# Beside each: the 90 % posterior interval, and the prior.",
        "schema_version: 1",
        f"name: {cal.base.name}_calibrated",
        f"extends: {json.dumps(base)}",
    ]
    tree: dict[str, Any] = {}
    for name in cal.names:
        parts = name.split(".")
        node = tree
        for key in parts[:-1]:
            node = node.setdefault(key, {})
        node[parts[-1]] = name

    def emit(node: dict[str, Any], depth: int) -> None:
        for key, sub in node.items():
            pad = "  " * depth
            if isinstance(sub, dict):
                lines.append(f"{pad}{key}:")
                emit(sub, depth + 1)
                continue
            lo, hi = result.interval[sub]
            prior = cal.spec.parameters[sub]
            lines.append(
                f"{pad}{key}: {result.point[sub]!r}   # 90 % posterior [{lo:.3g}, {hi:.3g}]; "
                f"prior {prior.distribution} [{prior.range[0]:g}, {prior.range[1]:g}]"
            )

    emit(tree, 0)
    return "\n".join(lines) + "\n"


def write_calibration(
    cal: Calibration,
    result: CalibrationResult,
    folder: Path,
    replications: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write a calibration's tables into ``folder`` (which exists and is empty).

    ``posterior.parquet``, ``generations.csv``, ``calibrated.yaml``,
    ``observations.csv`` (every observation beside each ensemble's quantiles and
    scores), ``score.csv`` and ``manifest.json``; the figures are
    :func:`sim.plots.calibration.write_calibration_plots`'.

    Parameters
    ----------
    cal : Calibration
        The calibration.
    result : CalibrationResult
        Its fit.
    folder : Path
        The (temporary) results folder.
    replications : int, optional
        Runs per scored ensemble (:func:`ensembles`).

    Returns
    -------
    tuple of DataFrame
        ``observations.csv``'s and ``score.csv``'s tables.
    """
    from ..results import environment
    from .store import atomic_parquet

    folder = Path(folder)
    atomic_parquet(result.posterior, folder / "posterior.parquet")
    result.generations.to_csv(folder / "generations.csv", index=False)
    (folder / "calibrated.yaml").write_text(calibrated_yaml(cal, result, folder), encoding="utf-8")
    values = ensembles(cal, result, replications)
    per, scored = scores(cal, values)
    per.to_csv(folder / "observations.csv", index=False)
    scored.to_csv(folder / "score.csv", index=False)
    manifest = {
        "kind": "calibration",
        "file": str(cal.path),
        "base": str(cal.base_path),
        "base_digest": cal.base.digest(),
        "digest": cal.digest(),
        "seed": cal.spec.seed,
        "window": [cal.spec.window, *cal.windows[cal.spec.window]],
        "fitted_observations": len(cal.fitted),
        "parameters": cal.names,
        "population": cal.spec.population,
        "generations": len(result.generations),
        "simulations": result.simulations,
        "seconds": round(result.seconds, 1),
        "method": "ABC-SMC (pyabc): adaptive p=2 distance scaled by RMSD, median epsilon, "
        "local transition kernel",
        "environment": {**environment(), "pyabc": _version("pyabc")},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return per, scored


def _version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
