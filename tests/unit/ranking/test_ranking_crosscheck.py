"""Cross-checks against votelib and pref_voting on random profiles (test extras only)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import kemeny, pairwise_counts, ranked_pairs, schulze

votelib_convert = pytest.importorskip("votelib.convert")
votelib_condorcet = pytest.importorskip("votelib.evaluate.condorcet")
pv_profiles = pytest.importorskip("pref_voting.profiles")
pv_margin = pytest.importorskip("pref_voting.margin_based_methods")
pv_other = pytest.importorskip("pref_voting.other_methods")

CHECK = settings(max_examples=60, deadline=None)


@st.composite
def weak_profiles(draw):
    """Truncated ballots with ties, 2..7 candidates."""
    n = draw(st.integers(2, 7))
    cands = [f"c{i}" for i in range(n)]
    ballots = []
    for _ in range(draw(st.integers(1, 12))):
        order = draw(st.permutations(cands))[: draw(st.integers(1, n))]
        ranking, i = [], 0
        while i < len(order):
            size = draw(st.integers(1, len(order) - i))
            group = order[i:i + size]
            ranking.append(group[0] if size == 1 else frozenset(group))
            i += size
        ballots.append((draw(st.integers(1, 5)), ranking))
    return ballots


def to_votelib(ballots):
    votes = {}
    for count, ranking in ballots:
        key = tuple(ranking)
        votes[key] = votes.get(key, 0) + count
    return votes


@CHECK
@given(weak_profiles())
def test_pairwise_counts_match_votelib(ballots):
    ours = pairwise_counts(ballots)
    theirs = votelib_convert.RankedToCondorcetVotes(unranked_at_bottom=True).convert(
        to_votelib(ballots)
    )
    assert {k: v for k, v in ours.items() if v} == theirs


@CHECK
@given(weak_profiles())
def test_schulze_matches_votelib_beatpaths(ballots):
    counts = votelib_convert.RankedToCondorcetVotes().convert(to_votelib(ballots))
    paths = votelib_condorcet.Schulze.widest_paths(counts)
    ours = schulze(ballots)
    cands = [x for tier in ours for x in tier]

    def beats(x, y):
        return paths.get((x, y), 0) > paths.get((y, x), 0)

    tier_of = {x: t for t, tier in enumerate(ours) for x in tier}
    for x, y in itertools.permutations(cands, 2):
        if beats(x, y):
            assert tier_of[x] < tier_of[y]
        if tier_of[x] == tier_of[y]:
            assert not beats(x, y)
    # Tiers group candidates by beatpath wins, as votelib's evaluate ranks them.
    wins = {x: sum(beats(x, y) for y in cands if y != x) for x in cands}
    expected = [{x for x in cands if wins[x] == w} for w in sorted(set(wins.values()), reverse=True)]
    assert [set(t) for t in ours] == expected


@st.composite
def linear_profiles(draw, max_cands=6):
    """Complete strict ballots with an odd electorate (no pairwise ties)."""
    n = draw(st.integers(2, max_cands))
    rankings = draw(st.lists(st.permutations(range(n)), min_size=1, max_size=9))
    counts = draw(st.lists(st.integers(1, 4), min_size=len(rankings), max_size=len(rankings)))
    if sum(counts) % 2 == 0:
        counts[0] += 1
    return n, rankings, counts


def as_ballots(rankings, counts):
    return [(c, [f"c{i}" for i in r]) for r, c in zip(rankings, counts)]


@CHECK
@given(linear_profiles())
def test_ranked_pairs_matches_pref_voting(profile):
    n, rankings, counts = profile
    cands = [f"c{i}" for i in range(n)]
    prof = pv_profiles.Profile([list(r) for r in rankings], counts)
    # With complete ballots winning votes order the majorities exactly as
    # margins do; ties between equal margins are broken lexicographically by
    # (winner, loser) in candidate order by both.
    theirs = pv_margin.ranked_pairs_defeat_tb(prof, return_list=True)
    ours = ranked_pairs(as_ballots(rankings, counts), candidates=cands)
    assert all(len(t) == 1 for t in ours)
    assert [t[0] for t in ours] == [f"c{i}" for i in theirs]


@CHECK
@given(linear_profiles())
def test_kemeny_is_one_of_pref_votings_optima(profile):
    n, rankings, counts = profile
    cands = [f"c{i}" for i in range(n)]
    prof = pv_profiles.Profile([list(r) for r in rankings], counts)
    optima, _distance = pv_other.kemeny_young_rankings(prof)
    ours = kemeny(as_ballots(rankings, counts), candidates=cands)
    assert tuple(int(x[1:]) for x in ours) in {tuple(int(c) for c in o) for o in optima}
    # ... and the first of them in candidate order (the documented tie-break).
    assert tuple(int(x[1:]) for x in ours) == min(tuple(int(c) for c in o) for o in optima)


def test_schulze_on_a_larger_random_profile_matches_votelib():
    rng = np.random.default_rng(7)
    cands = [f"c{i:02d}" for i in range(25)]
    quality = np.linspace(2.0, 0.0, 25)  # a latent order, so Schulze is strict
    ballots = [
        (1, [cands[i] for i in np.argsort(-(quality + rng.normal(0, 1.5, 25)))[: rng.integers(3, 12)]])
        for _ in range(400)
    ]
    counts = votelib_convert.RankedToCondorcetVotes().convert(to_votelib(ballots))
    theirs = votelib_condorcet.Schulze().evaluate(counts, n_seats=len(cands))
    ours = schulze(ballots, cands)
    assert all(len(t) == 1 for t in ours)
    assert [t[0] for t in ours] == list(theirs)
