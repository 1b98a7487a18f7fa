"""Wilson bound, Bayesian average, group consensus, MaxDiff counts, bootstrap helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import bayesian_average, group_consensus, maxdiff_counts, wilson_lower_bound
from app.ranking.stats import bootstrap_weights, percentile_interval, wilson_lower_bound_array


def wilson_textbook(s, n, z):
    # E. B. Wilson, "Probable inference, the law of succession, and
    # statistical inference", JASA 22 (1927): the score interval's lower end.
    p = s / n
    return (p + z * z / (2 * n) - z * math.sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n)


class TestWilson:
    def test_closed_forms(self):
        assert wilson_lower_bound(0, 10) == 0.0
        assert wilson_lower_bound(0, 0) == 0.0
        # All successes: n / (n + z^2).
        assert wilson_lower_bound(10, 10) == pytest.approx(10 / (10 + 1.96 ** 2))
        assert wilson_lower_bound(5, 10) == pytest.approx(0.23659, abs=1e-5)

    @settings(max_examples=100, deadline=None)
    @given(st.integers(1, 500), st.data(), st.sampled_from([1.0, 1.645, 1.96, 2.576]))
    def test_matches_textbook_formula(self, n, data, z):
        s = data.draw(st.integers(0, n))
        assert wilson_lower_bound(s, n, z) == pytest.approx(wilson_textbook(s, n, z), abs=1e-12)

    def test_increases_with_successes_and_sample_size(self):
        assert wilson_lower_bound(6, 10) > wilson_lower_bound(5, 10)
        assert wilson_lower_bound(60, 100) > wilson_lower_bound(6, 10)

    def test_vectorised_and_errors(self):
        out = wilson_lower_bound_array(np.array([0, 5, 10]), np.array([0, 10, 10]))
        assert out[0] == 0 and out[1] == pytest.approx(wilson_lower_bound(5, 10))
        with pytest.raises(ValueError):
            wilson_lower_bound(3, 2)
        with pytest.raises(ValueError):
            wilson_lower_bound(-1, 2)


def test_bayesian_average():
    assert bayesian_average([5, 5], prior_mean=3, prior_weight=2) == pytest.approx(4.0)
    assert bayesian_average([], prior_mean=3, prior_weight=2) == 3.0
    assert bayesian_average([4, 2], prior_mean=0, prior_weight=0) == 3.0
    assert bayesian_average([], prior_mean=3, prior_weight=0) == 3.0
    # Many solid ratings beat two enthusiastic ones.
    assert bayesian_average([4.5] * 20, 3, 2) > bayesian_average([5, 5], 3, 2)
    with pytest.raises(ValueError):
        bayesian_average([1], 3, -1)


def test_group_consensus():
    # Pol.is: product over groups of (agrees + 1) / (seen + 2).
    assert group_consensus({"residents": (14, 20), "staff": (6, 8)}) == pytest.approx(
        (15 / 22) * (7 / 10)
    )
    assert group_consensus({}) == 1.0
    # One group against pulls the product down.
    assert group_consensus({"a": (9, 10), "b": (0, 10)}) < group_consensus({"a": (5, 10), "b": (5, 10)})
    with pytest.raises(ValueError):
        group_consensus({"a": (3, 2)})


def test_maxdiff_counts():
    choices = [
        (["a", "b", "c", "d"], "a", "d"),
        (["a", "b", "e"], "b", "a"),
        (["c", "d", "e"], "c", "d"),
    ]
    assert maxdiff_counts(choices) == {"a": 0, "b": 1, "c": 1, "d": -2, "e": 0}
    assert maxdiff_counts([]) == {}
    with pytest.raises(ValueError):
        maxdiff_counts([(["a", "b"], "a", "z")])
    with pytest.raises(ValueError):
        maxdiff_counts([(["a", "b"], "a", "a")])


def test_bootstrap_helpers():
    rng = np.random.default_rng(0)
    w = bootstrap_weights(7, rng, size=50)
    assert w.shape == (50, 7) and np.all(w.sum(axis=1) == 7)
    assert bootstrap_weights(0, rng).shape[1] == 0
    low, high = percentile_interval(np.arange(101.0)[:, None])
    assert low[0] == pytest.approx(5.0) and high[0] == pytest.approx(95.0)
