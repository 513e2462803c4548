"""Keyed, counter-based random numbers shared by both engines.

Every draw is a pure function of (run seed, channel, actor code, partner code,
step): a SplitMix64-style hash of the key gives 52 random bits, mapped to the
open interval (0, 1) exactly.  Nothing depends
on the order in which draws are made, on how many runs are drawn at once, or on
the other actors in the scenario: adding an actor does not disturb the others'
draws, and the mesa model and the batch engine draw any block identically.  Codes
are hashed with CRC-32 (never Python's salted ``hash()``).

A replication's seed depends only on (root seed, replication index), never on the
scenario or parameter values, so that scenarios and sweep points share random
numbers (common random numbers) and their comparisons can be paired.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy.special import ndtri

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MASK63 = (1 << 63) - 1
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser on uint64 arrays (wrapping arithmetic, in place on a copy).

    Integer arrays wrap silently; numpy scalars would warn, hence the errstate there.
    """
    x = np.asarray(x)
    if x.ndim == 0:
        with np.errstate(over="ignore"):
            z = x + _GOLDEN
            z = (z ^ (z >> _S30)) * _M1
            z = (z ^ (z >> _S27)) * _M2
            return z ^ (z >> _S31)
    z = np.add(x, _GOLDEN)
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


def code_key(code: str) -> int:
    """Stable 32-bit key of an actor code or channel name (CRC-32).

    Parameters
    ----------
    code : str
        An ISO code, a channel name or any text.
    """
    return zlib.crc32(code.encode("utf-8"))


def keys(codes: list[str]) -> np.ndarray:
    """uint64 keys of a list of codes, (N,).

    Parameters
    ----------
    codes : list of str
        Actor codes.
    """
    return np.array([code_key(c) for c in codes], dtype=np.uint64)


def replication_seed(root_seed: int, replication: int) -> int:
    """Seed of replication k: a function of (root seed, k) only, in [0, 2^63).

    Parameters
    ----------
    root_seed : int
        The scenario's (or sweep's) root seed.
    replication : int
        k >= 0.
    """
    h = _mix(
        np.array([root_seed], dtype=np.uint64) ^ _mix(np.array([replication + 1], dtype=np.uint64))
    )
    return int(h[0]) & _MASK63


def uniforms(seed, channel: str, actor, partner=0, step: int = 0) -> np.ndarray:
    """Uniforms in (0, 1) keyed by (seed, channel, actor, partner, step).

    Parameters
    ----------
    seed : int or ndarray
        The run seed, or an array of them (e.g. (R, 1) for a block of runs).
    channel : str
        What the draw is for (``provocation``, ``summit``, ...).
    actor, partner : int or ndarray
        uint64 code keys (:func:`keys`) that broadcast with ``seed``; partner 0 for none.
    step : int
        The step of the draw.

    Returns
    -------
    ndarray of the broadcast shape, runs fastest in memory.
    """
    s = np.asarray(seed, dtype=np.uint64)
    a = np.asarray(actor, dtype=np.uint64)
    p = np.asarray(partner, dtype=np.uint64)
    h = _mix(s ^ np.uint64(code_key(channel)))
    h = _mix(h ^ a)
    # the full shape, with the runs fastest in memory like the batch engine's arrays
    h = _mix(np.bitwise_xor(h, p * np.uint64(0x100000001B3), order="F"))
    h = _mix(h ^ np.uint64(step + 1))
    return ((h >> np.uint64(12)).astype(np.float64) + 0.5) * (2.0**-52)


def normals(seed, channel: str, actor, partner=0, step: int = 0) -> np.ndarray:
    """Standard normal draws by the inverse CDF of the keyed uniforms (:func:`uniforms`).

    Parameters
    ----------
    seed, channel, actor, partner, step
        As for :func:`uniforms`.
    """
    return ndtri(uniforms(seed, channel, actor, partner, step))


def seed_for_pairs(seed):
    """The run seed shaped to broadcast against (..., N, N) key grids.

    Parameters
    ----------
    seed : int or ndarray
        A run seed, or (R, 1) seeds of a block.
    """
    return seed if np.ndim(seed) == 0 else np.asarray(seed)[..., None]


def seed_for_runs(seed):
    """The run seed shaped like the leading (run) dimensions, for one draw per run.

    Parameters
    ----------
    seed : int or ndarray
        A run seed, or (R, 1) seeds of a block.
    """
    return seed if np.ndim(seed) == 0 else np.asarray(seed)[..., 0]
