"""next_pair: never repeats, favours little-seen ideas and unsettled pairs, seeded, fast."""

from __future__ import annotations

import itertools
import time
from collections import Counter

import numpy as np

from app.ranking import next_pair

ITEMS = [str(k) for k in range(1, 7)]


def test_never_shows_an_answered_pair_and_ends_with_none():
    answered = set()
    rng = np.random.default_rng(0)
    for _ in range(15):
        pair = next_pair(ITEMS, answered, {}, rng=rng)
        assert pair is not None and pair[0] != pair[1]
        assert frozenset(pair) not in answered
        answered.add(frozenset(pair))
    assert len(answered) == 15
    assert next_pair(ITEMS, answered, {}, rng=rng) is None


def test_answered_pairs_may_be_tuples_in_either_order():
    answered = {(b, a) for a, b in itertools.combinations(ITEMS, 2) if (a, b) != ("1", "2")}
    for seed in range(10):
        assert set(next_pair(ITEMS, answered, {}, seed=seed)) == {"1", "2"}


def test_small_inputs():
    assert next_pair([], set(), {}) is None
    assert next_pair(["a"], set(), {}) is None
    assert set(next_pair(["a", "b"], set(), {}, seed=1)) == {"a", "b"}


def test_seeded_and_left_right_shuffled():
    assert next_pair(ITEMS, set(), {}, seed=42) == next_pair(ITEMS, set(), {}, seed=42)
    sides = Counter(next_pair(["a", "b"], set(), {}, seed=s)[0] for s in range(200))
    assert 60 < sides["a"] < 140


def test_favours_ideas_with_few_comparisons():
    # Every pair among 1..5 compared 20 times, evenly split; 6 is new.
    comparisons = {}
    for a, b in itertools.permutations(ITEMS[:5], 2):
        comparisons[a, b] = 10
    rng = np.random.default_rng(3)
    shown = Counter()
    for _ in range(500):
        shown.update(next_pair(ITEMS, set(), comparisons, rng=rng))
    # 6 is in 5 of the 15 pairs (a third) but should appear far more often.
    assert shown["6"] / 500 > 0.8


def test_favours_pairs_whose_order_is_uncertain():
    items = ["a", "b", "c"]
    comparisons = {("a", "b"): 30, ("b", "c"): 15, ("c", "b"): 15, ("a", "c"): 15, ("c", "a"): 15}
    # Every item is compared equally often (60 times), but a > b is settled.
    rng = np.random.default_rng(4)
    pairs = Counter(frozenset(next_pair(items, set(), comparisons, rng=rng)) for _ in range(600))
    assert pairs[frozenset("ab")] < pairs[frozenset("bc")] / 3
    assert pairs[frozenset("ab")] > 0  # never starved completely


def test_fast_for_two_hundred_ideas():
    items = [f"idea{k}" for k in range(200)]
    rng = np.random.default_rng(0)
    comparisons = Counter()
    for _ in range(10_000):
        a, b = rng.choice(200, 2, replace=False)
        comparisons[items[a], items[b]] += 1
    answered = {frozenset((items[a], items[b])) for a, b in rng.choice(200, (40, 2)) if a != b}
    next_pair(items, answered, comparisons, rng=rng)  # warm up
    start = time.perf_counter()
    for _ in range(20):
        pair = next_pair(items, answered, comparisons, rng=rng)
        assert frozenset(pair) not in answered
    per_call = (time.perf_counter() - start) / 20
    assert per_call < 0.05  # generous for CI; typically a few milliseconds
