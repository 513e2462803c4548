"""Smooth building blocks shared by the rules: gates, bounded updates, smooth minimum.

Nothing in the model is held in range by a hard clamp (``docs/model.md``, Design
concepts): quantities in (-1, 1) or (0, 1) move by exact relaxations between two
non-negative forcings, thresholds are logistic, and a ceiling is a smooth minimum.
Hard clamps would make the map non-differentiable, bias sensitivity analyses and let
the two engines part at the clamp.  The term-by-term sums and products here make a
block of runs round exactly as each run alone, whatever the memory layout.
"""

from __future__ import annotations

import numpy as np

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
    return 1.0 / (1.0 + np.exp(-np.maximum(x, -700.0)))


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

    Returns
    -------
    ndarray of the broadcast shape, laid out as ``base``.
    """
    base = np.asarray(base, dtype=float)
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
    k = np.asarray(sharpness, dtype=float)
    return np.logaddexp(0.0, k * np.asarray(x, dtype=float)) / k


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
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    ratio = lo / np.where(hi > 0, hi, 1.0)
    r2 = ratio * ratio  # ratio^6 by products and the root by exp-log1p: pow is slow
    return lo * np.exp(np.log1p(r2 * r2 * r2) * (-1.0 / SMOOTH_MIN_POWER))


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
    total = up + down
    safe = np.where(total > 0, total, 1.0)
    target = np.where(total > 0, (up - down) / safe, x)
    return target + (x - target) * np.exp(-total * dt)


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
    total = up + down
    safe = np.where(total > 0, total, 1.0)
    target = np.where(total > 0, up / safe, x)
    return target + (x - target) * np.exp(-total * dt)


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
    gap = x0 * (up + down) - (up - down)
    c_up = np.where(gap > 0, gap / (1.0 - x0), 0.0)
    c_down = np.where(gap < 0, -gap / (1.0 + x0), 0.0)
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
    gap = x0 * (up + down) - up
    c_up = np.where(gap > 0, gap / np.where(x0 < 1, 1.0 - x0, 1.0), 0.0)
    c_down = np.where(gap < 0, -gap / np.where(x0 > 0, x0, 1.0), 0.0)
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
    return np.exp(-dt / np.asarray(time_constant, dtype=float))


def event_probability(hazard, dt):
    """Probability 1 - e^(-h dt) that an event of hazard h (per year) falls in a step.

    Parameters
    ----------
    hazard : array_like
        h >= 0, events per year.
    dt : float
        Step length, years.
    """
    return -np.expm1(-np.asarray(hazard, dtype=float) * dt)


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
    return np.tanh(np.arctanh(relation) - bias)


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
    lam = np.asarray(hazard, dtype=float) * dt
    v = 1.0 - np.asarray(uniforms, dtype=float)
    lam, v = np.broadcast_arrays(lam, v)
    term = np.exp(-lam)
    cdf = term.copy(order="K")  # keep the layout (runs fastest in the batch engine)
    count = np.zeros(lam.shape, order="F")  # runs fastest, as the batch engine's arrays
    active = v > cdf
    k = 0
    while np.any(active) and k < MAX_EVENTS_PER_STEP:
        k += 1
        term = term * lam / k
        cdf = cdf + term
        count = count + active
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
    tau = np.asarray(time_constant, dtype=float)
    keep = np.exp(-dt / tau)
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

    Parameters
    ----------
    x : array_like
        Any array; a block's arrays have the run axis first.  Arrays of fewer than two
        dimensions are returned as they are.
    """
    x = np.asarray(x)
    return np.asfortranarray(x) if x.ndim >= 2 else x


def _fold(x, index, op):
    """x[..., index[0]] op x[..., index[1]] op ..., one term at a time in this order.

    Folding term by term makes a block of runs compute exactly what each run alone
    does, whatever the memory layout (numpy's reductions round differently by layout:
    pairwise along a contiguous axis, in order along a strided one).  An
    ``accumulate`` is sequential along its axis in every layout, so its last element
    is that fold, computed in one numpy call instead of one per term.
    """
    x = np.asarray(x, dtype=float)
    if isinstance(index, range) and index.step == 1:
        terms = x[..., index.start : index.stop]
    else:
        terms = x[..., list(index)]
    return op.accumulate(terms, axis=-1)[..., -1]


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
    return _fold(x, index, np.add)


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
    x = np.asarray(x, dtype=float)
    if x.shape[-1] == 0:
        return np.zeros(x.shape[:-1])
    return _fold(x, range(x.shape[-1]), np.add)


def sum_second_last(x):
    """Sum over the second-to-last axis, x[..., i, j] -> (..., j), term by term.

    Parameters
    ----------
    x : array_like
        (..., M, J) values.
    """
    return sum_last(np.swapaxes(x, -1, -2))


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
    x = np.asarray(x, dtype=float)
    if x.shape[-1] == 0:
        return np.ones(x.shape[:-1])
    return _fold(x, range(x.shape[-1]), np.multiply)


def prod_second_last(x):
    """Product over the second-to-last axis, x[..., i, j] -> (..., j), term by term.

    Parameters
    ----------
    x : array_like
        (..., M, J) values.
    """
    return prod_last(np.swapaxes(x, -1, -2))


def off_diagonal(n: int) -> np.ndarray:
    """Boolean (N, N) mask that is False on the diagonal.

    Parameters
    ----------
    n : int
        N, the number of actors.
    """
    return ~np.eye(n, dtype=bool)
