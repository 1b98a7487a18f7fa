"""Pairwise counts, Schulze, ranked pairs, Kemeny and Borda: published examples and properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import borda, kemeny, pairwise_counts, ranked_pairs, schulze


def letters(rows):
    """[(count, "ACB"), ...] -> [(count, ["A", "C", "B"]), ...]"""
    return [(count, list(order)) for count, order in rows]


# Wikipedia, "Schulze method", section "Example" (45 voters, candidates A..E).
WIKIPEDIA_SCHULZE = letters([
    (5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"),
    (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC"),
])

# Wikipedia's Tennessee capital example (used in "Schulze method", "Ranked
# pairs", "Kemeny–Young method", "Borda count", "Condorcet method"): voters
# near each city, in percent of the electorate.
TENNESSEE = [
    (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
    (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
    (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
    (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
]

# Markus Schulze, "A new monotonic, clone-independent, reversal symmetric, and
# Condorcet-consistent single-winner election method", Social Choice and
# Welfare 36 (2011), section 3.1, example 1 (21 voters): the winner is d.
SCHULZE_2011_EXAMPLE_1 = letters([
    (8, "acdb"), (2, "badc"), (4, "cdba"), (4, "dbac"), (3, "dcba"),
])


class TestPairwiseCounts:
    def test_wikipedia_schulze_matrix(self):
        # The table d[*, *] printed in the Wikipedia example.
        d = pairwise_counts(WIKIPEDIA_SCHULZE)
        expected = {
            "A": {"B": 20, "C": 26, "D": 30, "E": 22},
            "B": {"A": 25, "C": 16, "D": 33, "E": 18},
            "C": {"A": 19, "B": 29, "D": 17, "E": 24},
            "D": {"A": 15, "B": 12, "C": 28, "E": 14},
            "E": {"A": 23, "B": 27, "C": 21, "D": 31},
        }
        assert d == {(x, y): n for x, row in expected.items() for y, n in row.items()}

    def test_ties_and_left_out_items(self):
        ballots = [(2, ["a", {"b", "c"}]), (1, ["d"])]
        d = pairwise_counts(ballots, candidates=["a", "b", "c", "d", "e"])
        assert d["a", "b"] == 2 and d["b", "a"] == 0
        assert d["b", "c"] == 0 and d["c", "b"] == 0  # tied on the ballot
        assert d["b", "d"] == 2 and d["d", "b"] == 1  # d left out of the first ballot
        assert d["d", "e"] == 1 and d["e", "d"] == 0
        assert d["c", "e"] == 2
        assert len(d) == 5 * 4

    def test_long_ballots_take_the_dense_path_and_agree(self):
        cands = [f"c{i}" for i in range(8)]
        full = [(1, cands[::-1]), (3, cands), (2, [cands[:4], *cands[4:]])]
        short = [(1, cands[:2]), (4, [cands[5]])]
        d = pairwise_counts(full + short, candidates=cands)
        assert d["c0", "c1"] == 3 + 0 + 1  # 3 forward, the tied group, the short ballot
        assert d["c1", "c0"] == 1
        assert d["c5", "c6"] == 3 + 2 + 4
        assert d["c7", "c0"] == 1

    def test_errors(self):
        with pytest.raises(ValueError, match="not a candidate"):
            pairwise_counts([(1, ["a", "z"])], candidates=["a", "b"])
        with pytest.raises(ValueError, match="twice"):
            pairwise_counts([(1, ["a", "a"])])
        with pytest.raises(ValueError, match="negative"):
            pairwise_counts([(-1, ["a", "b"])])
        with pytest.raises(ValueError, match="pair"):
            pairwise_counts([["a", "b", "c"]])

    def test_empty(self):
        assert pairwise_counts([]) == {}
        assert schulze([], candidates=["a", "b"]) == [["a", "b"]]
        assert borda([], candidates=["a"]) == {"a": 0.0}


class TestSchulze:
    def test_wikipedia_example(self):
        # Wikipedia: "the Schulze ranking is E > A > C > B > D".
        assert schulze(WIKIPEDIA_SCHULZE) == [["E"], ["A"], ["C"], ["B"], ["D"]]

    def test_tennessee(self):
        # Nashville is the Condorcet winner; Schulze: N > C > K > M.
        assert schulze(TENNESSEE) == [["Nashville"], ["Chattanooga"], ["Knoxville"], ["Memphis"]]

    def test_schulze_2011_example_1(self):
        # Winner d (as in the paper); the rest of the order follows from the
        # strongest paths: p[a,c]=14 > p[c,a]=13, p[c,b]=15 > p[b,c]=13.
        assert schulze(SCHULZE_2011_EXAMPLE_1) == [["d"], ["a"], ["c"], ["b"]]

    def test_ties_share_a_tier_in_candidate_order(self):
        ballots = [(1, ["a", "b", "c"]), (1, ["b", "a", "c"])]
        assert schulze(ballots) == [["a", "b"], ["c"]]
        assert schulze(ballots, candidates=["c", "b", "a"]) == [["b", "a"], ["c"]]


class TestRankedPairs:
    def test_tennessee(self):
        # Wikipedia, "Ranked pairs", Tennessee example: N > C > K > M.
        assert ranked_pairs(TENNESSEE) == [["Nashville"], ["Chattanooga"], ["Knoxville"], ["Memphis"]]

    def test_wikipedia_schulze_profile(self):
        # Locking the majorities of the Wikipedia Schulze example by winning
        # votes: B>D 33, E>D 31, A>D 30, C>B 29, (D>C 28 skipped: cycle),
        # E>B 27, A>C 26, (B>A 25 skipped), C>E 24, (E>A 23 skipped) ...
        # gives A > C > E > B > D (ranked pairs elects A, unlike Schulze's E).
        assert ranked_pairs(WIKIPEDIA_SCHULZE) == [["A"], ["C"], ["E"], ["B"], ["D"]]

    def test_documented_tie_break(self):
        # A perfect three-way cycle: every majority is 2 votes to 1. Equal
        # pairs go in (winner, loser) candidate order. Default order a, b, c:
        # lock (a, b), then (b, c); (c, a) would close the cycle.
        cycle = [(1, ["a", "b", "c"]), (1, ["b", "c", "a"]), (1, ["c", "a", "b"])]
        assert ranked_pairs(cycle) == [["a"], ["b"], ["c"]]
        # Order c, b, a: (c, a) first, then (b, c); (a, b) would close it.
        assert ranked_pairs(cycle, candidates=["c", "b", "a"]) == [["b"], ["c"], ["a"]]

    def test_losing_votes_break_equal_winning_votes(self):
        # b>c 5:4 is locked first. a>b 4:2 and c>a 4:3 have equal winning
        # votes; a>b has fewer losing votes, so it is locked before c>a,
        # which then would close a cycle: a > b > c. Were losing votes
        # ignored, the tie-break order c, a, b would lock c>a first and give
        # b > c > a.
        ballots = [(3, ["a", "b"]), (2, ["b"]), (3, ["c"]), (1, ["c", "a"])]
        d = pairwise_counts(ballots)
        assert (d["b", "c"], d["c", "b"]) == (5, 4)
        assert (d["a", "b"], d["b", "a"]) == (4, 2)
        assert (d["c", "a"], d["a", "c"]) == (4, 3)
        assert ranked_pairs(ballots, candidates=["c", "a", "b"]) == [["a"], ["b"], ["c"]]

    def test_unmajorities_can_share_a_tier(self):
        assert ranked_pairs([(1, ["a", "b"]), (1, ["b", "a"])]) == [["a", "b"]]


class TestKemeny:
    def test_tennessee(self):
        # Wikipedia, "Kemeny–Young method": Nashville > Chattanooga >
        # Knoxville > Memphis with the highest score, 393.
        order = kemeny(TENNESSEE)
        assert order == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
        d = pairwise_counts(TENNESSEE)
        assert sum(d[x, y] for x, y in itertools.combinations(order, 2)) == 393

    def test_refuses_more_than_nine(self):
        cands = [f"c{i}" for i in range(10)]
        with pytest.raises(ValueError, match="up to 9 candidates"):
            kemeny([(1, cands)])
        assert len(kemeny([(1, cands[:9])])) == 9

    def test_optimum_matches_brute_force(self):
        ballots = letters([(3, "abcd"), (2, "dcba"), (2, "bdac"), (1, "cadb")])
        d = pairwise_counts(ballots)

        def agreement(order):
            return sum(d[x, y] for x, y in itertools.combinations(order, 2))

        best = max(agreement(p) for p in itertools.permutations("abcd"))
        assert agreement(kemeny(ballots)) == best

    def test_tie_break_is_earliest_in_candidate_order(self):
        cycle = [(1, ["a", "b", "c"]), (1, ["b", "c", "a"]), (1, ["c", "a", "b"])]
        assert kemeny(cycle) == ["a", "b", "c"]
        assert kemeny(cycle, candidates=["b", "a", "c"]) == ["b", "c", "a"]


class TestBorda:
    def test_tennessee(self):
        # Wikipedia, "Borda count", Tennessee example (100 voters, 3-2-1-0):
        # Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107.
        assert borda(TENNESSEE) == {
            "Nashville": 194.0, "Chattanooga": 173.0, "Memphis": 126.0, "Knoxville": 107.0,
        }

    def test_ties_share_points(self):
        # 4 candidates: a 3 points; b and c share places 2 and 3 (2 + 1) / 2;
        # d, left out, gets the last place's 0.
        assert borda([(1, ["a", ("b", "c")])], candidates="abcd") == {
            "a": 3.0, "b": 1.5, "c": 1.5, "d": 0.0,
        }
        # Left-out items share the bottom places: (1 + 0) / 2 each.
        assert borda([(2, ["a", "b"])], candidates="abcd") == {
            "a": 6.0, "b": 4.0, "c": 1.0, "d": 1.0,
        }


# --------------------------------------------------------------------------- #
# properties

NAMES = "ABCDEF"


@st.composite
def rankings(draw, cands, complete=False, ties=True):
    order = draw(st.permutations(cands))
    if not complete:
        order = order[: draw(st.integers(0, len(cands)))]
    if not ties or not order:
        return list(order)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=len(order))))
    groups, start = [], 0
    for cut in [*cuts, len(order)]:
        if cut > start:
            group = order[start:cut]
            groups.append(group[0] if len(group) == 1 else set(group))
            start = cut
    return groups


@st.composite
def profiles(draw, complete=False, ties=True, min_cands=2, max_cands=6):
    n = draw(st.integers(min_cands, max_cands))
    cands = list(NAMES[:n])
    ballots = draw(
        st.lists(
            st.tuples(st.integers(1, 4), rankings(cands, complete=complete, ties=ties)),
            min_size=1, max_size=8,
        )
    )
    return cands, ballots


def condorcet_winner(d, cands):
    for x in cands:
        if all(d[x, y] > d[y, x] for y in cands if y != x):
            return x
    return None


PROPERTY = settings(max_examples=80, deadline=None)


@PROPERTY
@given(profiles())
def test_condorcet_winner_tops_schulze_ranked_pairs_and_kemeny(profile):
    cands, ballots = profile
    winner = condorcet_winner(pairwise_counts(ballots, cands), cands)
    if winner is None:
        return
    assert schulze(ballots, cands)[0] == [winner]
    assert ranked_pairs(ballots, cands)[0] == [winner]
    assert kemeny(ballots, cands)[0] == winner


def flat(tiers):
    return [x for tier in tiers for x in tier]


@PROPERTY
@given(profiles(complete=True))
def test_reversing_every_ballot_reverses_a_strict_schulze_order(profile):
    cands, ballots = profile
    tiers = schulze(ballots, cands)
    if any(len(t) > 1 for t in tiers):
        return
    reversed_ballots = [(count, list(reversed(r))) for count, r in ballots]
    assert flat(schulze(reversed_ballots, cands)) == flat(tiers)[::-1]


@PROPERTY
@given(profiles(), st.permutations(["p", "q", "r", "s", "t", "u"]))
def test_renaming_items_renames_results(profile, new_names):
    cands, ballots = profile
    rename = dict(zip(NAMES, new_names))

    def renamed(r):
        return [rename[x] if isinstance(x, str) else {rename[y] for y in x} for x in r]

    ballots2 = [(count, renamed(r)) for count, r in ballots]
    cands2 = [rename[x] for x in cands]
    as_sets = lambda tiers: [set(t) for t in tiers]  # noqa: E731
    assert as_sets(schulze(ballots2)) == [{rename[x] for x in t} for t in schulze(ballots)]
    assert ranked_pairs(ballots2, cands2) == [[rename[x] for x in t] for t in ranked_pairs(ballots, cands)]
    assert kemeny(ballots2, cands2) == [rename[x] for x in kemeny(ballots, cands)]
    assert borda(ballots2, cands2) == {rename[x]: v for x, v in borda(ballots, cands).items()}
    assert pairwise_counts(ballots2, cands2) == {
        (rename[x], rename[y]): v for (x, y), v in pairwise_counts(ballots, cands).items()
    }


@PROPERTY
@given(profiles())
def test_duplicating_every_ballot_changes_no_order(profile):
    cands, ballots = profile
    doubled = [(2 * count, r) for count, r in ballots]
    listed_twice = ballots + ballots
    for twice in (doubled, listed_twice):
        assert schulze(twice, cands) == schulze(ballots, cands)
        assert ranked_pairs(twice, cands) == ranked_pairs(ballots, cands)
        assert kemeny(twice, cands) == kemeny(ballots, cands)
        assert borda(twice, cands) == {x: 2 * v for x, v in borda(ballots, cands).items()}


@PROPERTY
@given(profiles())
def test_pairwise_counts_match_a_plain_loop(profile):
    cands, ballots = profile
    expected = {(x, y): 0 for x in cands for y in cands if x != y}
    for count, ranking in ballots:
        level = {}
        for place, element in enumerate(ranking):
            for x in [element] if isinstance(element, str) else element:
                level[x] = place
        for x, y in expected:
            if level.get(x, len(cands)) < level.get(y, len(cands)):
                expected[x, y] += count
    assert pairwise_counts(ballots, cands) == expected
