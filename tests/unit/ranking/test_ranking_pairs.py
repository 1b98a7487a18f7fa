"""next_pair: never repeats, favours little-seen ideas and unsettled pairs, seeded, fast; PairCounts draws alike."""

from __future__ import annotations

import itertools
import time
from collections import Counter

import numpy as np

from app.ranking import PairCounts, next_pair
from app.ranking import pairs as pairs_module

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


def room(n_items, n_answers, seed):
    """Items 0..n-1 and a room's (winner, loser) counts, the stronger item winning more often."""
    rng = np.random.default_rng(seed)
    strength = rng.normal(size=n_items) * 2
    comparisons = Counter()
    for _ in range(n_answers):
        a, b = (int(x) for x in rng.choice(n_items, 2, replace=False))
        if rng.random() < 1 / (1 + np.exp(strength[b] - strength[a])):
            comparisons[a, b] += 1
        else:
            comparisons[b, a] += 1
    return list(range(n_items)), comparisons


def weights(items, answered, comparisons):
    """The documented weight of every open pair, normalised: what each draw's chances must be."""
    seen = Counter()
    for (winner, loser), count in comparisons.items():
        seen[winner] += count
        seen[loser] += count
    result = {}
    for x, y in itertools.combinations(items, 2):
        if frozenset((x, y)) in answered:
            continue
        w, m = comparisons.get((x, y), 0), comparisons.get((x, y), 0) + comparisons.get((y, x), 0)
        p = (w + 1) / (m + 2)
        u = np.exp(-0.5 * (p - 0.5) ** 2 * (m + 3) / (p * (1 - p)))
        result[frozenset((x, y))] = (1 / (1 + seen[x]) + 1 / (1 + seen[y])) * (pairs_module.SETTLED_FLOOR + u)
    total = sum(result.values())
    return {pair: weight / total for pair, weight in result.items()}


def test_pair_counts_hold_the_same_comparisons_in_any_order():
    items, comparisons = room(12, 300, 1)
    counts = PairCounts()
    for (winner, loser), count in comparisons.items():
        for _ in range(count):
            counts.add(winner, loser)
    counts.add(3, 3)  # a pair with itself counts nothing
    assert counts.comparisons() == comparisons
    assert PairCounts(comparisons, items=items).comparisons() == comparisons
    order = [5, 0, 11, 99, 7]  # 99 never compared: zeros
    block = counts.block(order)
    for (i, x), (j, y) in itertools.product(enumerate(order), repeat=2):
        assert block[i, j] == comparisons.get((x, y), 0)
    ordered = PairCounts(comparisons, items=items)
    assert (ordered.block(items) == counts.block(items)).all()
    assert (ordered.block(items[:5]) == counts.block(items[:5])).all()


def test_pair_counts_draw_as_next_pair_does_seeded():
    items, comparisons = room(10, 200, 2)
    answered = {frozenset((0, 1)), (2, 3)}
    counts = PairCounts(comparisons, items=items)
    for seed in range(20):
        assert counts.next_pair(items, answered, seed=seed) == next_pair(items, answered, comparisons, seed=seed)


def test_the_quick_draw_gives_each_pair_its_documented_chance():
    # 40 items: 780 pairs, so the draw proposes pairs and accepts by uncertainty (rejection sampling)
    items, comparisons = room(40, 3000, 5)
    rng = np.random.default_rng(6)
    answered = {frozenset(int(x) for x in rng.choice(40, 2, replace=False)) for _ in range(150)}
    expected = weights(items, answered, comparisons)
    counts = PairCounts(comparisons, items=items)
    draws = 8_000
    got = Counter(frozenset(counts.next_pair(items, answered, rng=rng)) for _ in range(draws))
    assert not set(got) - set(expected)  # never an answered pair
    # how often each item is shown: within a few standard errors of its exact chance
    shown, chance = Counter(), Counter()
    for pair, n in got.items():
        for x in pair:
            shown[x] += n / draws
    for pair, p in expected.items():
        for x in pair:
            chance[x] += p
    assert max(abs(shown[x] - chance[x]) for x in items) < 0.012
    # and the pairs themselves: a settled pair is drawn as rarely as its weight says
    settled = min(expected, key=expected.get)
    assert got[settled] / draws < 3 * expected[settled] + 0.001


def test_the_quick_draw_falls_back_to_every_open_pair():
    items = list(range(60))  # 1,770 pairs; the person answered all but three
    left = {frozenset((0, 59)), frozenset((17, 18)), frozenset((30, 44))}
    answered = {frozenset(p) for p in itertools.combinations(items, 2)} - left
    counts = PairCounts(items=items)
    rng = np.random.default_rng(8)
    assert {frozenset(counts.next_pair(items, answered, rng=rng)) for _ in range(60)} == left
    assert counts.next_pair(items, answered | left, rng=rng) is None


def test_an_item_added_late_joins_and_is_favoured():
    items, comparisons = room(60, 6000, 9)
    counts = PairCounts(comparisons, items=items)
    rng = np.random.default_rng(10)
    late = items + ["late"]
    shown = Counter()
    for _ in range(400):
        shown.update(counts.next_pair(late, set(), rng=rng))
    assert shown["late"] / 400 > 0.5  # in 60 of 1,830 pairs, but never compared


def test_pair_counts_draw_fast_for_two_hundred_ideas():
    items, comparisons = room(200, 10_000, 11)
    counts = PairCounts(comparisons, items=items)
    rng = np.random.default_rng(0)
    answered = {frozenset(int(x) for x in rng.choice(200, 2, replace=False)) for _ in range(40)}
    counts.next_pair(items, answered, rng=rng)  # warm up
    start = time.perf_counter()
    for _ in range(50):
        counts.add(*(int(x) for x in rng.choice(200, 2, replace=False)))
        assert frozenset(counts.next_pair(items, answered, rng=rng)) not in answered
    per_call = (time.perf_counter() - start) / 50
    assert per_call < 0.01  # generous for CI; typically well under a millisecond
