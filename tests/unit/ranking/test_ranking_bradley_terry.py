"""Bradley–Terry: a published example, choix cross-checks, sparse data, properties."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import borda, bradley_terry, win_chance

# The package re-exports the function under the module's name, so fetch the
# module itself by its full name.
bt_module = importlib.import_module("app.ranking.bradley_terry")

choix = pytest.importorskip("choix")

# Wikipedia, "Bradley–Terry model", "Worked example of solution procedure":
# four teams, wins of the row team over the column team (22 games). The
# iteration "converges toward p = [0.640, 1.043, 0.660, 2.270]" (strengths
# normalised to geometric mean 1, i.e. centred log-strengths).
WIKIPEDIA_WINS = {
    ("A", "B"): 2, ("A", "D"): 1,
    ("B", "A"): 3, ("B", "C"): 5,
    ("C", "B"): 3, ("C", "D"): 1,
    ("D", "A"): 4, ("D", "C"): 3,
}


def test_wikipedia_worked_example():
    theta = bradley_terry(WIKIPEDIA_WINS)
    strengths = {team: math.exp(t) for team, t in theta.items()}
    assert strengths == pytest.approx({"A": 0.640, "B": 1.043, "C": 0.660, "D": 2.270}, abs=5e-4)
    assert sum(theta.values()) == pytest.approx(0.0, abs=1e-12)


def test_accepts_pairs_and_items_order():
    pairs = [pair for pair, n in WIKIPEDIA_WINS.items() for _ in range(n)]
    from_pairs = bradley_terry(pairs, items=["D", "C", "B", "A"])
    assert list(from_pairs) == ["D", "C", "B", "A"]
    assert from_pairs == pytest.approx(bradley_terry(WIKIPEDIA_WINS), abs=1e-9)


def random_comparisons(rng, n, m):
    theta = rng.normal(0, 1, n)
    a = rng.integers(0, n, m)
    b = rng.integers(0, n - 1, m)
    b = np.where(b >= a, b + 1, b)
    a_wins = rng.random(m) < 1 / (1 + np.exp(theta[b] - theta[a]))
    return np.where(a_wins, a, b), np.where(a_wins, b, a)


@pytest.mark.parametrize("seed, n, m", [(1, 5, 60), (2, 20, 400), (3, 60, 3000), (4, 150, 6000)])
def test_matches_choix_ilsr_when_the_mle_exists(seed, n, m):
    rng = np.random.default_rng(seed)
    winners, losers = random_comparisons(rng, n, m)
    names = [f"i{k}" for k in range(n)]
    ours = bradley_terry([(names[w], names[l]) for w, l in zip(winners, losers)], items=names)
    theirs = choix.ilsr_pairwise(n, list(zip(winners.tolist(), losers.tolist())),
                                 tol=1e-12, max_iter=10_000)
    theirs = theirs - theirs.mean()
    assert np.max(np.abs(np.array([ours[x] for x in names]) - theirs)) < 1e-4


@pytest.mark.parametrize("alpha", [0.05, 1.0])
def test_regularised_matches_choix_opt_pairwise(alpha):
    # Same penalty as choix.opt_pairwise: alpha * sum(theta ** 2).
    rng = np.random.default_rng(11)
    winners, losers = random_comparisons(rng, 12, 40)  # sparse: maybe no MLE
    names = [f"i{k}" for k in range(12)]
    ours = bradley_terry([(names[w], names[l]) for w, l in zip(winners, losers)],
                         items=names, alpha=alpha)
    theirs = choix.opt_pairwise(12, list(zip(winners.tolist(), losers.tolist())), alpha=alpha,
                                method="Newton-CG")
    theirs = theirs - theirs.mean()
    assert np.max(np.abs(np.array([ours[x] for x in names]) - theirs)) < 1e-4


@pytest.mark.parametrize("shape", ["random", "chain"])
def test_conjugate_gradient_and_dense_solves_agree(monkeypatch, shape):
    rng = np.random.default_rng(5)
    n = 120
    if shape == "random":
        winners, losers = random_comparisons(rng, n, 4000)
    else:  # a long chain of neighbours: badly conditioned for CG
        a = np.repeat(np.arange(n - 1), 6)
        b = a + 1
        a_wins = rng.random(len(a)) < 0.6
        a_wins[::6], a_wins[1::6] = True, False  # every link won both ways
        winners, losers = np.where(a_wins, a, b), np.where(a_wins, b, a)
    data = bt_module.aggregate(n, winners, losers)
    monkeypatch.setattr(bt_module, "DENSE_BELOW", 10**9)
    dense = [bt_module.fit(data, 0.0), bt_module.fit(data, 0.3)]
    monkeypatch.setattr(bt_module, "DENSE_BELOW", 0)
    monkeypatch.setattr(bt_module, "DENSE_LIMIT", 0)  # CG only, however long
    cg_only = [bt_module.fit(data, 0.0), bt_module.fit(data, 0.3)]
    monkeypatch.setattr(bt_module, "DENSE_LIMIT", 10**9)
    monkeypatch.setattr(bt_module, "CG_PATIENCE", 5)  # stall quickly, fall back to dense
    fallback = [bt_module.fit(data, 0.0), bt_module.fit(data, 0.3)]
    for ours in (cg_only, fallback):
        for x, y in zip(ours, dense):
            assert np.max(np.abs(x - y)) < 1e-8


class TestNoMaximumLikelihood:
    def test_never_lost(self):
        with pytest.raises(ValueError, match="'a' never lost"):
            bradley_terry({("a", "b"): 3, ("b", "c"): 1, ("c", "b"): 1})

    def test_never_won(self):
        with pytest.raises(ValueError, match="'c' never won"):
            bradley_terry({("a", "b"): 1, ("b", "a"): 1, ("b", "c"): 1, ("a", "c"): 1})

    def test_never_compared(self):
        with pytest.raises(ValueError, match="'z' was never compared"):
            bradley_terry({("a", "b"): 1, ("b", "a"): 1}, items=["a", "b", "z"])

    def test_disconnected(self):
        wins = {("a", "b"): 1, ("b", "a"): 1, ("c", "d"): 1, ("d", "c"): 1}
        with pytest.raises(ValueError, match="not strongly connected"):
            bradley_terry(wins)
        one_way = {**wins, ("a", "c"): 1}
        with pytest.raises(ValueError, match="not strongly connected"):
            bradley_terry(one_way)

    def test_alpha_gives_finite_centred_scores(self):
        wins = {("a", "b"): 3, ("c", "d"): 1}
        theta = bradley_terry(wins, items=["a", "b", "c", "d", "e"], alpha=0.1)
        assert all(math.isfinite(t) for t in theta.values())
        assert sum(theta.values()) == pytest.approx(0.0, abs=1e-10)
        assert theta["a"] > theta["c"] > theta["e"] == pytest.approx(0.0, abs=1e-12)
        assert theta["e"] > theta["d"] > theta["b"]

    def test_bad_input(self):
        with pytest.raises(ValueError, match="itself"):
            bradley_terry([("a", "a")], alpha=1)
        with pytest.raises(ValueError, match="not an item"):
            bradley_terry([("a", "b")], items=["a"], alpha=1)
        with pytest.raises(ValueError, match="alpha"):
            bradley_terry([("a", "b")], alpha=-1)
        with pytest.raises(ValueError, match="non-negative"):
            bradley_terry({("a", "b"): -1}, alpha=1)


def test_degenerate_sizes():
    assert bradley_terry({}) == {}
    assert bradley_terry({}, items=["solo"]) == {"solo": 0.0}
    assert win_chance({"solo": 0.0}) == {"solo": 0.5}


def test_extreme_strengths_do_not_warn():
    # Nearly separated data: strengths far apart, no overflow warnings
    # (pytest turns warnings into errors here).
    wins = {("a", "b"): 500, ("b", "a"): 1, ("b", "c"): 500, ("c", "b"): 1}
    theta = bradley_terry(wins)
    assert theta["a"] - theta["c"] > 10
    chance = win_chance({k: 40 * v for k, v in theta.items()})
    assert chance["a"] == pytest.approx(1.0) and chance["c"] == pytest.approx(0.0)


def test_win_chance():
    chance = win_chance({"a": 0.0, "b": 0.0})
    assert chance == {"a": 0.5, "b": 0.5}
    theta = {"a": math.log(3), "b": 0.0, "c": 0.0}
    chance = win_chance(theta)
    # a beats b and c each with 3 / (3 + 1).
    assert chance["a"] == pytest.approx(0.75)
    assert chance["b"] == pytest.approx((0.25 + 0.5) / 2)
    assert sum(chance.values()) == pytest.approx(len(theta) / 2)


# --------------------------------------------------------------------------- #


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 6),
    ballots=st.lists(st.permutations(range(6)), min_size=1, max_size=12),
)
def test_borda_and_bradley_terry_order_complete_strict_ballots_alike(n, ballots):
    # Complete strict ballots compare every pair equally often, so the
    # Bradley–Terry (and penalised) estimate is a strictly increasing function
    # of total pairwise wins, which is the Borda score.
    names = [f"x{i}" for i in range(n)]
    ballots = [[names[i] for i in order if i < n] for order in ballots]
    scores = borda([(1, b) for b in ballots], names)
    wins = {}
    for b in ballots:
        for i, x in enumerate(b):
            for y in b[i + 1:]:
                wins[x, y] = wins.get((x, y), 0) + 1
    fits = [bradley_terry(wins, items=names, alpha=0.01)]
    try:
        fits.append(bradley_terry(wins, items=names))  # when the MLE exists
    except ValueError:
        pass
    for theta in fits:
        for x in names:
            for y in names:
                if scores[x] > scores[y]:
                    assert theta[x] > theta[y]
                elif scores[x] == scores[y]:
                    assert theta[x] == pytest.approx(theta[y], abs=1e-8)
