"""Landscape theory (Axelrod & Bennett 1993) on cases whose minima are known."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim import measures


def _brute(sizes: np.ndarray, prop: np.ndarray) -> dict[tuple[bool, ...], float]:
    """Frustration of every configuration, actor 0 in bloc False, by the definition."""
    n = len(sizes)
    out = {}
    for tail in itertools.product([False, True], repeat=n - 1):
        apart = (False, *tail)
        bad = total = 0.0
        for i, j in itertools.combinations(range(n), 2):
            w = sizes[i] * sizes[j] * abs(prop[i, j])
            total += w
            same = apart[i] == apart[j]
            if (prop[i, j] > 0 and not same) or (prop[i, j] < 0 and same):
                bad += w
        out[apart] = bad / total
    return out


def _camps(n: int, rng: np.random.Generator, noise: float = 0.0):
    """Two planted camps: friends within, foes across, plus symmetric noise."""
    camp = np.arange(n) % 2 == 1
    prop = np.where(camp[:, None] == camp[None, :], 1.0, -1.0)
    x = rng.uniform(-noise, noise, (n, n))
    prop = prop + 0.5 * (x + x.T)
    np.fill_diagonal(prop, 0.0)
    return camp, prop


def test_two_obvious_camps_are_found_without_frustration():
    sizes = np.ones(4)
    camp, prop = _camps(4, np.random.default_rng(0))
    apart, least, gap, polar = measures.landscape(sizes, prop, np.zeros(4, dtype=bool))
    assert list(apart) == list(camp)
    assert least == 0.0
    assert gap > 0.2  # moving any one actor frustrates a third of the weight
    assert polar == pytest.approx(1.0)  # two equal blocs, friends within, foes across


def test_a_frustrated_triangle_has_a_third_frustrated_and_no_unique_minimum():
    """Three mutual enemies: any two must share a bloc (Axelrod & Bennett's example)."""
    sizes = np.ones(3)
    prop = -(np.ones((3, 3)) - np.eye(3))
    apart, least, gap, _ = measures.landscape(sizes, prop, np.zeros(3, dtype=bool))
    assert least == pytest.approx(1 / 3)
    assert gap == pytest.approx(0.0)  # three configurations are equally good
    assert apart.any()  # not all together, which frustrates everything


def test_the_exact_energy_of_every_partition_of_a_small_case():
    """Sizes (1, 2, 3); 0-1 friends (+1), 0-2 foes (-1), 1-2 friends (+0.5).

    Size-weighted |p|: 0-1 2, 0-2 3, 1-2 3; total 8.  By hand: all together frustrates
    the foes, 3/8; {0, 1} | {2} frustrates 1-2, 3/8; {0, 2} | {1} frustrates 0-1, 0-2
    and 1-2, 8/8; {0} | {1, 2} frustrates only 0-1, 2/8.
    """
    sizes = np.array([1.0, 2.0, 3.0])
    prop = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 0.5], [-1.0, 0.5, 0.0]])
    by_hand = {
        (False, False, False): 3 / 8,
        (False, False, True): 3 / 8,
        (False, True, False): 8 / 8,
        (False, True, True): 2 / 8,
    }
    for apart, value in by_hand.items():
        assert measures.frustration(sizes, prop, np.array(apart)) == pytest.approx(value)
    assert _brute(sizes, prop) == pytest.approx(by_hand)
    assert {tuple(bool(x) for x in c) for c in measures.configurations(3)} == set(by_hand)
    apart, least, gap, polar = measures.landscape(sizes, prop, np.zeros(3, dtype=bool))
    assert tuple(apart) == (False, True, True)
    assert least == pytest.approx(2 / 8)
    assert gap == pytest.approx(1 / 8)
    # shares 1/6 and 5/6: 4 s_A s_B = 5/9; cohesion (3 + 3 - 2) / 8 = 1/2
    assert polar == pytest.approx(5 / 18)


def test_six_actors_are_searched_exactly():
    rng = np.random.default_rng(6)
    for _ in range(20):
        sizes = rng.uniform(0.01, 1.0, 6)
        x = rng.uniform(-1, 1, (6, 6))
        prop = 0.5 * (x + x.T)
        np.fill_diagonal(prop, 0.0)
        energies = _brute(sizes, prop)
        best = min(energies, key=energies.__getitem__)
        ranked = sorted(energies.values())
        apart, least, gap, _ = measures.landscape(sizes, prop, np.zeros(6, dtype=bool))
        assert least == pytest.approx(ranked[0])
        assert gap == pytest.approx(ranked[1] - ranked[0])
        assert energies[tuple(apart)] == pytest.approx(ranked[0])
        if ranked[1] - ranked[0] > 1e-9:
            assert tuple(apart) == best


def _global_minimum(sizes: np.ndarray, prop: np.ndarray) -> float:
    """Least frustration over all 2^(n-1) configurations, vectorised in chunks."""
    n = len(sizes)
    i, j = np.triu_indices(n, 1)
    w = sizes[i] * sizes[j] * prop[i, j]
    foes = np.maximum(-w, 0.0).sum()
    total = np.abs(w).sum()
    a = np.zeros((n, n))
    a[i, j] = w
    best = np.inf
    codes = np.arange(2 ** (n - 1))
    for chunk in np.array_split(codes, 16):
        bits = (chunk[:, None] >> np.arange(n - 1)[None, :]) & 1
        s = np.concatenate([-np.ones((len(chunk), 1)), 2.0 * bits - 1.0], axis=1)
        # frustrated = foes + sum_{i<j} w_ij d_ij with d_ij = (1 - s_i s_j) / 2
        energy = foes + 0.5 * (w.sum() - np.einsum("ki,ij,kj->k", s, a, s))
        best = min(best, float(energy.min()))
    return best / total


@pytest.mark.parametrize("noise", [0.5, 1.5])
def test_twenty_actors_use_the_heuristic_and_reach_the_brute_force_minimum(noise):
    """Above 14 actors the landscape is a local search (2^19 = 524,288 configurations
    here are searched by brute force to check it): on planted camps with noise it finds
    the global minimum, and what it returns is always a local minimum."""
    n = 20
    assert n > measures.EXHAUSTIVE_MAX
    rng = np.random.default_rng(20)
    sizes = rng.uniform(0.05, 1.0, n)
    camp, prop = _camps(n, rng, noise)
    start = np.zeros(n, dtype=bool)
    start[: n // 2] = True  # a poor start: the planted camps alternate
    apart, least, gap, _ = measures.landscape(sizes, prop, start)
    assert least == pytest.approx(measures.frustration(sizes, prop, apart))
    assert least == pytest.approx(_global_minimum(sizes, prop), abs=1e-12)
    assert gap >= 0.0  # no single flip improves it
    for a in range(1, n):
        flipped = apart.copy()
        flipped[a] = ~flipped[a]
        assert measures.frustration(sizes, prop, flipped) >= least - 1e-15


def test_the_heuristic_stacks_runs_as_each_run_alone():
    """The stacked-block rule for the heuristic branch (the general stacking test stops
    at 13 actors, inside the exhaustive one)."""
    n, runs = 16, 4
    rng = np.random.default_rng(16)
    sizes = rng.uniform(0, 1, (runs, n))
    x = rng.uniform(-1, 1, (runs, n, n))
    prop = 0.5 * (x + np.swapaxes(x, -1, -2))
    prop[:, np.arange(n), np.arange(n)] = 0.0
    start = np.arange(n) < 3
    stacked = measures.landscape(sizes, prop, start)
    for r in range(runs):
        alone = measures.landscape(sizes[r], prop[r], start)
        for whole, part in zip(stacked, alone, strict=True):
            np.testing.assert_array_equal(whole[r], part)
