"""The rules on array-api-strict: every case of test_rules.py, against numpy within 1e-12.

Every function of ``sim/rules`` takes its namespace from its array inputs and calls
only the Array API standard (``docs/gpu.md``).  array-api-strict is the standard and
nothing more: an array method or a function it lacks, a boolean in arithmetic, an
index array where the standard has none, or a numpy array mixed in raises.  Each
case of :data:`test_rules.CASES` is run twice on the same inputs, once on numpy and
once with its array inputs (the state) as array-api-strict arrays, and must return
array-api-strict arrays, not numpy ones (a rule that fell back to numpy would return
those, or raise), of numpy's shapes and dtypes and within 1e-12 of numpy's values.

The shared inputs of a case are passed as they are: the structure (index arrays,
masks and constants of the cast, :class:`~sim.rules.trade.Flows`) is numpy, on the
host, as the batch engine compiles it, and the rules bring what they compute with
into the namespace of the state.  The exemptions are listed in
:data:`NOT_ON_ARRAYS` and :data:`NOT_IN_THE_RULES`, each with its reason.
"""

from __future__ import annotations

import array_api_strict as xps
import numpy as np
import pytest
from array_api_compat import array_namespace
from test_rules import CASES, CATEGORIES, EXEMPT, SIZES, Block, _as_tuple, _inputs

from sim.rules import common, economy, engagement, trade

NOT_IN_THE_RULES = {
    name: "sim/measures.py is not in sim/rules (issue 20 item 7 covers the rules); the "
    "measures run on the recorded state, on numpy"
    for name in CASES
    if name.startswith("measures.")
}
"""Cases of test_rules.py that are not rules: they fail on array-api-strict
(:func:`test_the_measures_are_not_on_the_array_api`), so that a converted measure
shows there, to be moved over."""

NOT_ON_ARRAYS = {
    "common.off_diagonal": "takes N, and a namespace by `like`: test_masks_and_zeros",
    "common.off_diagonal_weights": "takes N, and a namespace by `like`: test_masks_and_zeros",
    "common.zeros": "takes a namespace and a shape: test_masks_and_zeros",
    "common.namespace": "returns a module: test_masks_and_zeros",
    "engagement.upper_pairs": "returns host index arrays (structure), numpy by design",
    "economy.growth_bound": "takes and returns a Python float",
    "measures.configurations": "not in sim/rules; takes only N",
}
"""The EXEMPT functions of test_rules.py (no stacking case) and how each is covered."""

RTOL = 1e-12
STRICT = type(xps.asarray(0.0))


def _strict(value):
    return xps.asarray(value) if isinstance(value, np.ndarray) else value


def _numpy(x) -> np.ndarray:
    return np.from_dlpack(x)


def _check(got, want, name: str) -> None:
    assert len(got) == len(want), name
    for g, w in zip(got, want, strict=True):
        assert isinstance(g, STRICT), f"{name} returned {type(g).__name__} on strict input"
        assert array_namespace(g) is xps, name
        w = np.asarray(w)
        assert g.shape == w.shape, name
        assert _numpy(g).dtype == w.dtype, name
        np.testing.assert_allclose(_numpy(g), w, rtol=RTOL, atol=0.0, err_msg=name)


def test_every_exemption_is_explained():
    assert set(EXEMPT) == set(NOT_ON_ARRAYS)


def _run(name: str, n: int) -> tuple[tuple, tuple]:
    """(numpy's outputs, the outputs on array-api-strict) of a case."""
    block, shared = _inputs(name, n)
    func = CASES[name].func
    with np.errstate(all="ignore"):
        want = _as_tuple(func(**block, **shared))
    got = _as_tuple(func(**{k: _strict(v) for k, v in block.items()}, **shared))
    return want, got


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", sorted(set(CASES) - set(NOT_IN_THE_RULES)))
def test_rule_on_array_api_strict_equals_numpy(name, n):
    want, got = _run(name, n)
    _check(got, want, name)


def test_the_measures_are_not_on_the_array_api():
    """Each measure still needs numpy (it raises, or returns numpy arrays): one that
    runs on array-api-strict belongs in the rules' test above."""
    converted = []
    for name in sorted(NOT_IN_THE_RULES):
        try:
            want, got = _run(name, 6)
            _check(got, want, name)
        except (AssertionError, TypeError, AttributeError, IndexError, ValueError):
            continue
        converted.append(name)
    assert not converted, f"these measures run on the Array API now: {converted}"


@pytest.mark.parametrize("n", [2, 6])
def test_flows_on_array_api_strict_equal_numpy(n):
    """The Flows helpers the rules use, and those the engine calls itself."""
    b = Block(np.random.default_rng(n), n)
    fl = b.flows
    x, dyad, cat = b.flow(), b.dyad(0, 1, 0.3), b.cat()
    some = np.arange(CATEGORIES) % 2 == 0
    for label, call in (
        ("by_dyad", lambda f, a: f.by_dyad(a)),
        ("by_dyad, some categories", lambda f, a: f.by_dyad(a, some)),
        ("dense", lambda f, a: f.dense(a)),
        ("by_category", lambda f, a: f.by_category(a, f.into[0])),
        ("take", lambda f, a: f.take(a, f.source[::-1])),
    ):
        _check((call(fl, xps.asarray(x)),), (call(fl, x),), label)
    _check((fl.of_dyads(xps.asarray(dyad)),), (fl.of_dyads(dyad),), "of_dyads")
    rows, cols = fl.target, fl.category
    _check((fl.at(xps.asarray(cat), rows, cols),), (fl.at(cat, rows, cols),), "at")


def test_masks_and_zeros():
    like = xps.asarray([1.0])
    assert common.namespace(like, 2.0, None) is xps
    assert common.namespace(np.ones(2), 2.0, None) is np
    assert common.namespace(1.0) is np
    with pytest.raises(TypeError):
        common.namespace(like, np.ones(1))  # two libraries in one call
    mask = common.off_diagonal(3, like=like)
    weights = common.off_diagonal_weights(3, like=like)
    assert array_namespace(mask, weights) is xps
    np.testing.assert_array_equal(_numpy(mask), common.off_diagonal(3))
    np.testing.assert_array_equal(_numpy(weights), common.off_diagonal(3).astype(float))
    assert common.zeros(np, (4, 3)).flags.f_contiguous  # the batch engine's layout
    assert common.zeros(xps, (4, 3)).shape == (4, 3)
    i, j = engagement.upper_pairs(4)
    assert isinstance(i, np.ndarray) and isinstance(j, np.ndarray)
    assert economy.growth_bound(0.25) == 2.5
    assert isinstance(trade.Flows.of([(0, 1, 0)], 2, 1).source, np.ndarray)
