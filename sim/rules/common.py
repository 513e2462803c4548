"""Smooth building blocks shared by the rules: gates, bounded updates, smooth minimum.

Nothing in the model is held in range by a hard clamp (``docs/model.md``, Design
concepts): quantities in (-1, 1) or (0, 1) move by exact relaxations between two
non-negative forcings, thresholds are logistic, and a ceiling is a smooth minimum.
Hard clamps would make the map non-differentiable, bias sensitivity analyses and let
the two engines part at the clamp.  The term-by-term sums and products here make a
block of runs round exactly as each run alone, whatever the memory layout.

Every rule takes its array namespace from its array inputs (:func:`namespace`) and
calls only functions of the Array API standard, so that the rules run unchanged on
any conforming library (array-api-strict in the tests, ``docs/gpu.md``).  What the
standard leaves out or numpy does its own way is kept here, behind one helper each:
the memory layout of new arrays (:func:`zeros`, :func:`runs_fastest`), gathers and
scatters with index arrays (:func:`take_last`, :func:`take_pairs`, :func:`place_last`,
:func:`place_pairs`).  On numpy each helper does what the rules did before, call for
call, so that numpy's numbers, layouts and speed do not change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import array_namespace

_HOST = (np.ndarray, np.generic, float, int, complex, type(None))
"""Inputs that need no look-up: numpy arrays and scalars, Python numbers, None."""
_SCALARS = (float, int, complex, type(None))


def namespace(*arrays: Any) -> Any:
    """The array namespace of a rule's array inputs: numpy itself for numpy inputs.

    numpy arrays and scalars, Python numbers and None take a type check and return the
    ``numpy`` module (its main namespace follows the standard since numpy 2.1): a
    tenth of the cost of a full look-up (0.25 against 2.3 microseconds), and the very
    numpy calls the rules made before.  Anything else goes to ``array_api_compat.array_namespace``, which returns
    the library's namespace, or raises TypeError for arrays of two libraries.  (For
    numpy it would return ``array_api_compat.numpy``, whose ``clip`` lays its result
    out in C order and whose ``asarray`` and ``zeros`` are Python wrappers.)

    Parameters
    ----------
    *arrays : array or Python scalar
        The rule's array inputs (structure such as index arrays left out).
    """
    for x in arrays:
        if not isinstance(x, _HOST):
            return array_namespace(*(a for a in arrays if not isinstance(a, _SCALARS)))
    return np


def zeros(xp: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of ``shape`` (float64) in namespace ``xp``, laid out as the batch engine's.

    On numpy the first (run) axis varies fastest (:func:`runs_fastest`); the standard
    has no layout, and other libraries choose their own.

    Parameters
    ----------
    xp : module
        An array namespace (:func:`namespace`).
    shape : tuple of int
        The shape.
    """
    if xp is np:
        return np.zeros(shape, order="F")
    return xp.zeros(shape, dtype=xp.float64)


def _index(index) -> np.ndarray:
    """Host (numpy) integer positions of a structure's index (list, range or array)."""
    return np.asarray(index if not isinstance(index, range) else list(index), dtype=np.intp)


def take_last(x, index):
    """x[..., index]: a gather along the last axis, with the positions on the host.

    Parameters
    ----------
    x : array
        (..., M) values.
    index : sequence of int or ndarray
        Positions along the last axis (a structure, on the host).

    Returns
    -------
    (..., len(index)) values.
    """
    xp = namespace(x)
    if xp is np:
        return x[..., index]
    return xp.take(x, xp.asarray(_index(index)), axis=-1)


def take_pairs(x, rows, cols):
    """x[..., rows[k], cols[k]] for each k: a gather over the last two axes.

    The standard gathers along one axis only: the last two axes are flattened and
    taken at rows * B + cols.

    Parameters
    ----------
    x : array
        (..., A, B) values.
    rows, cols : ndarray
        (K,) host indices into the last two axes.

    Returns
    -------
    (..., K) values.
    """
    xp = namespace(x)
    if xp is np:
        return x[..., rows, cols]
    a, b = x.shape[-2:]
    flat = xp.reshape(x, (*x.shape[:-2], a * b))
    return xp.take(flat, xp.asarray(_index(rows) * b + _index(cols)), axis=-1)


def _scatter_index(index, size: int) -> np.ndarray:
    """(size,) positions into values padded with one zero: index[k] -> k, others -> K."""
    index = _index(index)
    where = np.full(size, len(index), dtype=np.intp)
    where[index] = np.arange(len(index))
    return where


def _scatter(xp, values, index, size: int):
    """(..., size) with values[..., k] at index[k] and zeros elsewhere, by one gather."""
    pad = xp.zeros((*values.shape[:-1], 1), dtype=values.dtype)
    padded = xp.concat([values, pad], axis=-1)
    return xp.take(padded, xp.asarray(_scatter_index(index, size)), axis=-1)


def place_last(values, index, size: int):
    """An array (..., size) holding values[..., k] at index[k], zeros elsewhere.

    The standard has no scatter; elsewhere than numpy this is one gather from the
    values padded with a zero (the positions must differ).

    Parameters
    ----------
    values : array
        (..., K) values.
    index : sequence of int or ndarray
        (K,) distinct positions along the last axis (a structure, on the host).
    size : int
        Length of the last axis of the result.
    """
    xp = namespace(values)
    if xp is np:
        out = np.zeros((*values.shape[:-1], size), order="F")
        out[..., index] = values
        return out
    return _scatter(xp, values, index, size)


def place_pairs(values, rows, cols, n: int):
    """An array (..., n, n) holding values[..., k] at (rows[k], cols[k]), zeros elsewhere.

    Parameters
    ----------
    values : array
        (..., K) values.
    rows, cols : ndarray
        (K,) host indices of distinct cells of the last two axes.
    n : int
        Length of each of the last two axes of the result.
    """
    xp = namespace(values)
    if xp is np:
        out = np.zeros((*values.shape[:-1], n, n), order="F")
        out[..., rows, cols] = values
        return out
    flat = _scatter(xp, values, _index(rows) * n + _index(cols), n * n)
    return xp.reshape(flat, (*values.shape[:-1], n, n))


SMOOTH_MIN_POWER = 6.0
"""Exponent p of the smooth minimum (a^-p + b^-p)^(-1/p); min(a, a) = 0.89 a.

:func:`smooth_min` raises to it by products (r^2 cubed): change both together."""


def sigmoid(x):
    """The logistic function 1 / (1 + e^-x), safe for large |x|.

    About twice as fast as scipy's expit on these arrays.

    Parameters
    ----------
    x : array_like
        Any shape; floored at -700 so that e^-x cannot overflow (the result there is
        below 1e-304 either way).

    Returns
    -------
    ndarray in (0, 1), the shape of ``x``.
    """
    xp = namespace(x)
    return 1.0 / (1.0 + xp.exp(-xp.maximum(x, -700.0)))


def power(base, exponent):
    """base ** exponent elementwise, rounded the same in a block of runs as in one run.

    ``np.power`` with an exponent that is one number for the whole array (a per-run
    parameter broadcast over one run's actors) takes numpy's scalar-exponent loop, which
    turns 2 into ``x * x`` and 0.5 into ``sqrt``; a block, whose exponent differs by
    run, takes the general loop, which on AVX-512 machines rounds differently in the
    last place.  The exponent is therefore spelled out to the result's full shape, so
    that every element goes through the general loop whatever the block.

    Parameters
    ----------
    base, exponent : array_like
        Broadcastable to each other.

    Elsewhere than numpy the exponent is broadcast (``pow`` of the standard).

    Returns
    -------
    ndarray of the broadcast shape, laid out as ``base``.
    """
    xp = namespace(base, exponent)
    base = xp.asarray(base, dtype=xp.float64)
    if xp is not np:
        return xp.pow(*xp.broadcast_arrays(base, xp.asarray(exponent, dtype=xp.float64)))
    shape = np.broadcast_shapes(base.shape, np.shape(exponent))
    full = np.empty_like(base if base.shape == shape else np.broadcast_to(base, shape))
    full[...] = exponent
    return np.power(base, full)


def softplus(x, sharpness=1.0):
    """A smooth max(0, x): log(1 + e^(k x)) / k (Dugas et al. 2001).

    Parameters
    ----------
    x : array_like
        Any shape.
    sharpness : float or array_like
        k > 0, broadcastable to ``x``; larger is closer to max(0, x).

    Returns
    -------
    ndarray >= 0, the broadcast shape.
    """
    xp = namespace(x, sharpness)
    k = xp.asarray(sharpness, dtype=xp.float64)
    return xp.logaddexp(0.0, k * xp.asarray(x, dtype=xp.float64)) / k


def smooth_min(a, b):
    """Smooth minimum of two non-negative arrays: lo (1 + (lo/hi)^p)^(-1/p), 0 if either is 0.

    Equal to (a^-p + b^-p)^(-1/p) with p = :data:`SMOOTH_MIN_POWER`, written so that it
    never exceeds min(a, b) in floating point and can only underflow.

    Parameters
    ----------
    a, b : array_like
        Non-negative, broadcastable to each other.

    Returns
    -------
    ndarray in [0, min(a, b)], the broadcast shape.
    """
    xp = namespace(a, b)
    a = xp.asarray(a, dtype=xp.float64)
    b = xp.asarray(b, dtype=xp.float64)
    lo, hi = xp.minimum(a, b), xp.maximum(a, b)
    ratio = lo / xp.where(hi > 0, hi, 1.0)
    r2 = ratio * ratio  # ratio^6 by products and the root by exp-log1p: pow is slow
    return lo * xp.exp(xp.log1p(r2 * r2 * r2) * (-1.0 / SMOOTH_MIN_POWER))


def relax_signed(x, up, down, dt):
    """Exact step of dx/dt = up (1 - x) - down (1 + x), which keeps x in (-1, 1).

    With non-negative forcings the target is (up - down) / (up + down) and the rate
    up + down; the update is exact over ``dt`` for forcings held over the step.

    Parameters
    ----------
    x : array_like
        Values in (-1, 1).
    up, down : array_like
        Non-negative forcings per year, broadcastable to ``x``.
    dt : float
        Step length, years.

    Returns
    -------
    ndarray in (-1, 1), the broadcast shape.
    """
    xp = namespace(x, up, down)
    total = up + down
    safe = xp.where(total > 0, total, 1.0)
    target = xp.where(total > 0, (up - down) / safe, x)
    return target + (x - target) * xp.exp(-total * dt)


def relax_unit(x, up, down, dt):
    """Exact step of dx/dt = up (1 - x) - down x, which keeps x in (0, 1).

    Parameters
    ----------
    x : array_like
        Values in (0, 1).
    up, down : array_like
        Non-negative forcings per year, broadcastable to ``x``.
    dt : float
        Step length, years.

    Returns
    -------
    ndarray in (0, 1), the broadcast shape.
    """
    xp = namespace(x, up, down)
    total = up + down
    safe = xp.where(total > 0, total, 1.0)
    target = xp.where(total > 0, up / safe, x)
    return target + (x - target) * xp.exp(-total * dt)


def signed_offsets(x0, up, down):
    """Constant forcings (c_up, c_down) >= 0 that make x0 the target of relax_signed.

    Used once at the start so that the initial relations are an equilibrium of the
    deterministic model: the structural affinity that the explicit terms miss.

    Parameters
    ----------
    x0 : array_like
        Starting values in (-1, 1).
    up, down : array_like
        The explicit forcings at the start (per year), broadcastable to ``x0``.

    Returns
    -------
    (c_up, c_down), non-negative, at most one of them non-zero at each position.
    """
    xp = namespace(x0, up, down)
    gap = x0 * (up + down) - (up - down)
    c_up = xp.where(gap > 0, gap / (1.0 - x0), 0.0)
    c_down = xp.where(gap < 0, -gap / (1.0 + x0), 0.0)
    return c_up, c_down


def unit_offsets(x0, up, down):
    """Constant forcings (c_up, c_down) >= 0 that make x0 the target of relax_unit.

    Parameters
    ----------
    x0 : array_like
        Starting values in [0, 1].
    up, down : array_like
        The explicit forcings at the start (per year), broadcastable to ``x0``.

    Returns
    -------
    (c_up, c_down), non-negative, at most one of them non-zero at each position.
    """
    xp = namespace(x0, up, down)
    gap = x0 * (up + down) - up
    c_up = xp.where(gap > 0, gap / xp.where(x0 < 1, 1.0 - x0, 1.0), 0.0)
    c_down = xp.where(gap < 0, -gap / xp.where(x0 > 0, x0, 1.0), 0.0)
    return c_up, c_down


def decay_factor(dt, time_constant):
    """e^(-dt / tau): the share of a memory left after one step.

    Parameters
    ----------
    dt : float
        Step length, years.
    time_constant : array_like
        tau > 0, years.
    """
    xp = namespace(time_constant)
    return xp.exp(-dt / xp.asarray(time_constant, dtype=xp.float64))


def event_probability(hazard, dt):
    """Probability 1 - e^(-h dt) that an event of hazard h (per year) falls in a step.

    Parameters
    ----------
    hazard : array_like
        h >= 0, events per year.
    dt : float
        Step length, years.
    """
    xp = namespace(hazard)
    return -xp.expm1(-xp.asarray(hazard, dtype=xp.float64) * dt)


def perceived_attitude(relation, bias):
    """An attitude as read by a suspicious observer: tanh(atanh(r) - bias), in (-1, 1).

    The bias shifts the attitude in atanh units, so that a reading never leaves the
    open interval however large the bias (Jervis 1976: misperception of intent).

    Parameters
    ----------
    relation : array_like
        Attitudes in (-1, 1).
    bias : array_like
        Suspicion of the observer (atanh units; 0: none), broadcastable to ``relation``.
    """
    xp = namespace(relation, bias)
    return xp.tanh(xp.atanh(relation) - bias)


def event_counts(hazard, dt, uniforms):
    """Number of events of hazard h (per year) in a step of length dt, from keyed uniforms.

    The count is the Poisson(h dt) quantile of 1 - u: an event happens at all exactly
    when u < 1 - e^(-h dt), and raising the hazard only adds events (monotone draws).
    The expected count is h dt, whatever the step length.

    Parameters
    ----------
    hazard : array_like
        h >= 0, events per year.
    dt : float
        Step length, years.
    uniforms : array_like
        Keyed uniforms in (0, 1) (:func:`sim.random.uniforms`), broadcastable to ``hazard``.

    Returns
    -------
    ndarray of counts (whole numbers as floats), at most :data:`MAX_EVENTS_PER_STEP`.
    """
    xp = namespace(hazard, uniforms)
    lam = xp.asarray(hazard, dtype=xp.float64) * dt
    v = 1.0 - xp.asarray(uniforms, dtype=xp.float64)
    lam, v = xp.broadcast_arrays(lam, v)
    term = xp.exp(-lam)
    cdf = term  # never written in place: each step makes a new array
    count = zeros(xp, lam.shape)
    active = v > cdf
    k = 0
    # data-dependent: stops when no element has more events to count (docs/gpu.md)
    while bool(xp.any(active)) and k < MAX_EVENTS_PER_STEP:
        k += 1
        term = term * lam / k
        cdf = cdf + term
        count = count + xp.astype(active, xp.float64)
        active = active & (v > cdf)
    return count


MAX_EVENTS_PER_STEP = 100
"""Cap on the events of one kind counted in one step (never reached at plausible hazards)."""


def memory_update(memory, events, time_constant, dt):
    """M <- M e^(-dt/tau) + events w, w = tau (1 - e^(-dt/tau)) / dt.

    Events fall at a uniform time within the step, so each is worth its mean decay to
    the end of the step; the expected memory under a constant hazard h is then h tau
    for any step length.

    Parameters
    ----------
    memory : array_like
        M at the start of the step (event-years).
    events : array_like
        Events in the step (counts, or expected counts h dt).
    time_constant : array_like
        tau > 0, years.
    dt : float
        Step length, years.
    """
    xp = namespace(memory, events, time_constant)
    tau = xp.asarray(time_constant, dtype=xp.float64)
    keep = xp.exp(-dt / tau)
    return memory * keep + events * tau * (1.0 - keep) / dt


def runs_fastest(x):
    """The same values with the first (run) axis varying fastest in memory.

    The batch engine keeps its arrays in this layout (Fortran order): every elementwise
    operation then runs its innermost loop over the runs, long and contiguous, instead
    of over a handful of actors, and broadcasting a per-run or per-actor array costs
    nothing extra (1.5-2.5x faster on these shapes; sums over actors or categories
    2-3x).  Values, shapes and indexing are unchanged, and numpy's ufuncs give their
    results the layout of their inputs; the few places that create arrays from nothing
    ask for ``order="F"``.

    The standard has no memory layout: arrays of other libraries are returned as they
    are.

    Parameters
    ----------
    x : array_like
        Any array; a block's arrays have the run axis first.  Arrays of fewer than two
        dimensions are returned as they are.
    """
    if type(x) is not np.ndarray:  # the common case first: it is called most
        if not isinstance(x, (list, tuple)) and namespace(x) is not np:
            return x
        x = np.asarray(x)
    return np.asfortranarray(x) if x.ndim >= 2 else x


def _fold(xp, x, index, op: str):
    """x[..., index[0]] op x[..., index[1]] op ..., one term at a time in this order.

    Folding term by term makes a block of runs compute exactly what each run alone
    does, whatever the memory layout (numpy's reductions round differently by layout:
    pairwise along a contiguous axis, in order along a strided one).  An
    ``accumulate`` is sequential along its axis in every layout, so its last element
    is that fold, computed in one numpy call instead of one per term; elsewhere the
    standard's ``cumulative_sum`` and ``cumulative_prod`` (``op``: "add" or "multiply").
    ``x`` is a float64 array of namespace ``xp``.
    """
    if isinstance(index, range) and index.step == 1:
        terms = x[..., index.start : index.stop]
    elif xp is np:
        terms = x[..., list(index)]
    else:
        terms = take_last(x, index)
    if xp is np:
        return getattr(np, op).accumulate(terms, axis=-1)[..., -1]
    fold = xp.cumulative_sum if op == "add" else xp.cumulative_prod
    return fold(terms, axis=-1)[..., -1]


def sum_terms(x, index):
    """x[..., index[0]] + x[..., index[1]] + ..., added one by one (at least one term).

    Parameters
    ----------
    x : array_like
        (..., M) values.
    index : sequence of int
        Positions along the last axis to add, in this order.

    Returns
    -------
    (...) sums.
    """
    xp = namespace(x)
    return _fold(xp, xp.asarray(x, dtype=xp.float64), index, "add")


def sum_last(x):
    """Sum over the last axis, term by term in a fixed order (see :func:`_fold`).

    On the short axes of this model (actors, categories) as fast as a reduction.

    Parameters
    ----------
    x : array_like
        (..., M) values; M = 0 gives zeros.

    Returns
    -------
    (...) sums.
    """
    xp = namespace(x)
    x = xp.asarray(x, dtype=xp.float64)
    if x.shape[-1] == 0:
        return xp.zeros(x.shape[:-1], dtype=xp.float64)
    return _fold(xp, x, range(x.shape[-1]), "add")


def sum_second_last(x):
    """Sum over the second-to-last axis, x[..., i, j] -> (..., j), term by term.

    Parameters
    ----------
    x : array_like
        (..., M, J) values.
    """
    return sum_last(x.mT)


def sum_last_two(x):
    """Sum over the last two axes: x[..., i, j] -> (...).

    Parameters
    ----------
    x : array_like
        (..., I, J) values.
    """
    return sum_last(sum_last(x))


def prod_last(x):
    """Product over the last axis, term by term in a fixed order (see :func:`_fold`).

    Parameters
    ----------
    x : array_like
        (..., M) values; M = 0 gives ones.
    """
    xp = namespace(x)
    x = xp.asarray(x, dtype=xp.float64)
    if x.shape[-1] == 0:
        return xp.ones(x.shape[:-1], dtype=xp.float64)
    return _fold(xp, x, range(x.shape[-1]), "multiply")


def prod_second_last(x):
    """Product over the second-to-last axis, x[..., i, j] -> (..., j), term by term.

    Parameters
    ----------
    x : array_like
        (..., M, J) values.
    """
    return prod_last(x.mT)


def off_diagonal(n: int, like=None) -> Any:
    """Boolean (N, N) mask that is False on the diagonal.

    Parameters
    ----------
    n : int
        N, the number of actors.
    like : array, optional
        An array whose namespace the mask is made in (default numpy).
    """
    xp = namespace(like)
    return ~xp.eye(n, dtype=xp.bool)


def off_diagonal_weights(n: int, like=None) -> Any:
    """The (N, N) mask of :func:`off_diagonal` as float64: 1 off the diagonal, 0 on it.

    Multiplying by it is multiplying by the boolean mask (numpy casts True to 1.0);
    the standard does not mix booleans into arithmetic.

    Parameters
    ----------
    n : int
        N, the number of actors.
    like : array, optional
        An array whose namespace the mask is made in (default numpy).
    """
    xp = namespace(like)
    return xp.astype(off_diagonal(n, like), xp.float64)
