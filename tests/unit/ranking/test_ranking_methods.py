"""The method scorers: Ranking/Scored shape, ranks, intervals, sentences, monotonicity."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import (
    Criterion,
    Ranking,
    Scored,
    score_agree,
    score_approval,
    score_dots,
    score_pairwise,
    score_ranked,
    score_rating,
)
from app.ranking.scored import competition_ranks

GROUPS = {"r1": "residents", "r2": "residents", "r3": "residents", "s1": "staff", "s2": "staff"}
ITEMS = ["1", "2", "3", "4"]


def by_item(ranking):
    return {row.item: row for row in ranking}


# --------------------------------------------------------------------------- #
# shape shared by every method


def all_rankings():
    return [
        score_dots([("r1", "1", 2), ("s1", "2", 1)], GROUPS, ITEMS),
        score_approval([("r1", "1"), ("s1", "2")], GROUPS, ITEMS),
        score_rating([("r1", "1", "use", 4), ("s1", "2", "use", 2)], GROUPS, ITEMS, [("use", 1, "impact")]),
        score_pairwise([("r1", "1", "1", "2"), ("s1", None, "2", "3")], GROUPS, ITEMS),
        score_ranked([("r1", ["1", "2"]), ("s1", ["2"])], GROUPS, ITEMS),
        score_agree([("r1", "1", "agree"), ("s1", "2", "disagree")], GROUPS, ITEMS),
    ]


@pytest.mark.parametrize("ranking", all_rankings(), ids=lambda r: r.method)
def test_every_method_returns_a_complete_ranking(ranking):
    assert isinstance(ranking, Ranking)
    assert sorted(row.item for row in ranking) == ITEMS  # unvoted items appear too
    assert len(ranking) == 4 and ranking[0] is ranking.items[0]
    assert ranking[ranking[1].item] is ranking[1]
    assert ranking.get("nope") is None
    with pytest.raises(KeyError):
        ranking["nope"]
    assert ranking.order == [row.item for row in ranking]
    assert ranking.turnout == 2
    assert ranking.turnout_by_group == {"residents": 1, "staff": 1}
    ranks = [row.rank for row in ranking]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    for row in ranking:
        assert isinstance(row, Scored)
        assert row.low <= row.score <= row.high
        assert isinstance(row.why, str) and row.why
        assert isinstance(row.votes, int)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ranking[0].score = 1.0


def test_scored_field_order():
    names = [f.name for f in dataclasses.fields(Scored)]
    assert names == ["item", "score", "rank", "low", "high", "votes", "by_group", "why", "close"]
    assert [f.name for f in dataclasses.fields(Ranking)] == [
        "items", "method", "turnout", "turnout_by_group", "extra",
    ]


def test_competition_ranks():
    assert competition_ranks([5, 3, 3, 1]) == [1, 2, 2, 4]
    assert competition_ranks([(2, 1), (2, 1), (2, 0)]) == [1, 1, 3]
    assert competition_ranks([]) == []


def test_seeded_results_are_reproducible():
    votes = [(f"p{k}", str(k % 4 + 1), k % 3 + 1) for k in range(30)]
    assert score_dots(votes, {}, ITEMS, seed=3) == score_dots(votes, {}, ITEMS, seed=3)
    answers = [(f"p{k}", str(k % 3 + 1), str(k % 3 + 1), str((k + 1) % 3 + 1)) for k in range(9)]
    assert score_pairwise(answers, {}, ITEMS, seed=1) == score_pairwise(answers, {}, ITEMS, seed=1)


# --------------------------------------------------------------------------- #
# dots


class TestDots:
    def test_scores_ties_and_sentence(self):
        votes = [
            ("r1", "1", 2), ("r2", "1", 1), ("s1", "1", 3),
            ("r1", "2", 3), ("s2", "2", 3),
            ("r3", "3", 6),
            ("r2", "4", 1), ("r2", "4", 2),  # rows add up
        ]
        ranking = score_dots(votes, GROUPS, ITEMS)
        rows = by_item(ranking)
        assert [r.item for r in ranking] == ["1", "2", "3", "4"]
        assert rows["1"].score == rows["2"].score == rows["3"].score == 6.0
        # 6 dots each: three supporters beat two beat one.
        assert [rows[x].rank for x in "1234"] == [1, 2, 3, 4]
        assert rows["4"].score == 3.0 and rows["4"].votes == 1
        assert rows["1"].by_group == {"residents": 3.0, "staff": 3.0}
        assert rows["1"].why == "1st: 2 of 3 residents and 1 of 2 staff put dots on it; residents and staff agree"
        assert rows["3"].why == "3rd: 1 of 3 residents and 0 of 2 staff put dots on it; residents are keener than staff"

    def test_consensus_breaks_equal_supporters(self):
        votes = [("r1", "1", 1), ("r2", "1", 1), ("r1", "2", 1), ("s1", "2", 1)]
        ranking = score_dots(votes, GROUPS, ITEMS)
        # Both: 2 dots from 2 people; "2" has support in both groups.
        assert ranking[0].item == "2" and ranking[1].item == "1"
        assert ranking[0].rank == 1 and ranking[1].rank == 2

    def test_equal_everything_shares_a_rank(self):
        ranking = score_dots([("r1", "1", 1), ("r2", "2", 1)], GROUPS, ITEMS)
        assert [r.rank for r in ranking] == [1, 1, 3, 3]
        assert ranking[0].why.startswith("joint 1st: ")
        assert ranking[2].why == "joint 3rd: nobody has put dots on it yet"
        assert all(r.close for r in ranking)

    def test_unknown_items_ignored_bad_dots_refused(self):
        assert score_dots([("r1", "gone", 3)], GROUPS, ITEMS).turnout == 0
        with pytest.raises(ValueError):
            score_dots([("r1", "1", -1)], GROUPS, ITEMS)
        with pytest.raises(ValueError):
            score_dots([("r1", "1", 1.5)], GROUPS, ITEMS)
        with pytest.raises(ValueError, match="repeat"):
            score_dots([], GROUPS, ["1", "1"])

    def test_no_groups_and_translation_hook(self):
        french = {
            "%(place)s: %(who)s put dots on it": "%(place)s : %(who)s y ont mis des gommettes",
            "%(n)s of %(total)s %(group)s": "%(n)s sur %(total)s %(group)s",
            "%(n)sst": "%(n)ser",
            "participants": "participants·es",
        }
        ranking = score_dots([("x", "1", 1), ("y", "2", 2)], {}, ITEMS,
                             _=lambda s: french.get(s, s))
        assert ranking[0].why == "1er : 1 sur 2 participants·es y ont mis des gommettes"
        assert ranking.turnout_by_group == {"participants·es": 2}

    def test_interval_is_a_bootstrap_over_participants(self):
        votes = [(f"p{k}", "1", 1) for k in range(40)] + [(f"q{k}", "2", 1) for k in range(10)]
        rows = by_item(score_dots(votes, {}, ITEMS))
        assert rows["1"].low < 40 < rows["1"].high
        assert rows["2"].high < rows["1"].low  # clearly separated
        assert not rows["1"].close and not rows["2"].close
        assert rows["3"].close and rows["4"].close  # tied at 0


# --------------------------------------------------------------------------- #
# approval


class TestApproval:
    def test_wilson_score_and_voters(self):
        votes = [("r1", "1"), ("r2", "1"), ("s1", "1"), ("r1", "2"), ("r1", "2")]
        ranking = score_approval(votes, GROUPS, ITEMS, voters=set(GROUPS))
        rows = by_item(ranking)
        assert ranking.turnout == 5
        assert ranking.turnout_by_group == {"residents": 3, "staff": 2}
        from app.ranking import wilson_lower_bound

        assert rows["1"].score == pytest.approx(wilson_lower_bound(3, 5))
        assert rows["2"].score == pytest.approx(wilson_lower_bound(1, 5))  # repeats count once
        assert rows["1"].votes == 3
        assert ranking.extra["share"]["1"] == pytest.approx(0.6)
        assert rows["1"].by_group["staff"] == pytest.approx(wilson_lower_bound(1, 2))
        assert rows["1"].why == "1st: 2 of 3 residents and 1 of 2 staff approved it; residents and staff agree"
        assert rows["3"].why == "joint 3rd: nobody has approved it yet"

    def test_default_voters_are_those_who_approved(self):
        ranking = score_approval([("r1", "1"), ("s1", "2")], GROUPS, ITEMS)
        assert ranking.turnout == 2


# --------------------------------------------------------------------------- #
# rating

CRITERIA = [
    {"name": "impact", "weight": 2, "axis": "impact"},
    ("cost to run", 1, "effort"),
]


class TestRating:
    def test_composite_prior_and_quadrants(self):
        ratings = [
            ("r1", "1", "impact", 5), ("r1", "1", "cost to run", 1),
            ("r2", "1", "impact", 5), ("r2", "1", "cost to run", 2),
            ("r1", "2", "impact", 5), ("r1", "2", "cost to run", 5),
            ("s1", "3", "impact", 1), ("s1", "3", "cost to run", 1),
            ("s1", "4", "impact", 1), ("s1", "4", "cost to run", 5),
            ("s1", "4", "impact", 2),  # replaces the earlier 1
        ]
        ranking = score_rating(ratings, GROUPS, ITEMS, CRITERIA)
        rows = by_item(ranking)
        # item 1: impact (2*3 + 10) / 4 = 4; cost (6 + 3) / 4 = 2.25 -> goodness 3.75.
        assert ranking.extra["criteria"]["1"] == pytest.approx({"impact": 4.0, "cost to run": 2.25})
        assert rows["1"].score == pytest.approx((2 * 4.0 + 3.75) / 3)
        assert ranking.extra["criteria"]["4"]["impact"] == pytest.approx((6 + 2) / 3)
        assert ranking.extra["quadrants"] == {
            "1": "quick win", "2": "big bet", "3": "fill-in", "4": "money pit",
        }
        assert [r.item for r in ranking] == ["1", "2", "3", "4"]
        assert rows["1"].votes == 2
        assert rows["1"].why == (
            "1st: overall 3.9 out of 5 from 2 of 2 residents and 0 of 1 staff; a quick win"
        )
        # Staff did not rate it: their score is the prior's.
        assert rows["1"].by_group == {"residents": pytest.approx(rows["1"].score), "staff": 3.0}

    def test_higher_is_better_is_explicit(self):
        ease = [("ease", 1, "effort", True), ("value", 1, "impact")]
        ranking = score_rating([("r1", "1", "ease", 5), ("r1", "1", "value", 5)], {}, ITEMS, ease)
        assert ranking.extra["quadrants"]["1"] == "quick win"
        assert ranking.extra["effort"]["1"] < 3
        assert Criterion("cost", axis="effort").higher_is_better is False
        assert Criterion("use").higher_is_better is True

    def test_few_enthusiasts_do_not_beat_many_solid_ratings(self):
        ratings = [("a", "1", "q", 5)] + [(f"p{k}", "2", "q", 4) for k in range(20)]
        ranking = score_rating(ratings, {}, ITEMS, ["q"])
        assert ranking[0].item == "2"
        assert "quadrants" not in ranking.extra

    def test_errors(self):
        with pytest.raises(ValueError, match="unknown criterion"):
            score_rating([("a", "1", "nope", 3)], {}, ITEMS, ["q"])
        with pytest.raises(ValueError, match="1 to 5"):
            score_rating([("a", "1", "q", 6)], {}, ITEMS, ["q"])
        with pytest.raises(ValueError, match="axis"):
            score_rating([], {}, ITEMS, [("q", 1, "sideways")])
        with pytest.raises(ValueError):
            score_rating([], {}, ITEMS, [])


# --------------------------------------------------------------------------- #
# pairwise


class TestPairwise:
    def answers(self):
        out = []
        for k in range(6):
            out += [(f"p{k}", "1", "1", "2"), (f"p{k}", "1", "3", "1"), (f"p{k}", "2", "2", "3")]
        out += [("s1", None, "3", "4"), ("s1", "4", "4", "2")]
        return out

    def test_win_chance_scores(self):
        ranking = score_pairwise(self.answers(), GROUPS, ITEMS)
        rows = by_item(ranking)
        assert ranking[0].item == "1"
        assert all(0 <= r.low <= r.score <= r.high <= 100 for r in ranking)
        assert sum(r.score for r in ranking) == pytest.approx(50 * 4)  # mean chance 1/2
        assert rows["3"].votes == 6 + 6 + 1  # "can't decide" still counts as a view
        assert ranking.extra["undecided"] == 1
        assert ranking.extra["comparisons"] == 20
        assert rows["1"].why.startswith("1st: wins ")
        assert "from 12 comparisons" in rows["1"].why
        assert set(rows["1"].by_group) == {"participants", "staff"}

    def test_ideas_the_data_cannot_separate_share_a_rank(self):
        cycle = [("a", "1", "1", "2"), ("b", "2", "2", "3"), ("c", "3", "3", "1")]
        ranking = score_pairwise(cycle, {}, ["1", "2", "3"])
        assert [r.rank for r in ranking] == [1, 1, 1]
        assert all(r.score == pytest.approx(50.0) for r in ranking)

    def test_one_comparison_sentence(self):
        ranking = score_pairwise([("a", "1", "1", "2")], {}, ["1", "2", "3"])
        assert by_item(ranking)["1"].why.endswith("from 1 comparison")
        assert by_item(ranking)["3"].why.endswith("not compared yet")

    def test_errors_and_alpha_zero(self):
        with pytest.raises(ValueError, match="neither"):
            score_pairwise([("a", "3", "1", "2")], {}, ITEMS)
        with pytest.raises(ValueError, match="itself"):
            score_pairwise([("a", "1", "1", "1")], {}, ITEMS)
        with pytest.raises(ValueError, match="maximum-likelihood"):
            score_pairwise([("a", "1", "1", "2")], {}, ITEMS, alpha=0)


# --------------------------------------------------------------------------- #
# ranked

TENNESSEE = (
    [["Memphis", "Nashville", "Chattanooga", "Knoxville"]] * 42
    + [["Nashville", "Chattanooga", "Knoxville", "Memphis"]] * 26
    + [["Chattanooga", "Knoxville", "Nashville", "Memphis"]] * 15
    + [["Knoxville", "Chattanooga", "Nashville", "Memphis"]] * 17
)


class TestRanked:
    def test_tennessee(self):
        # Wikipedia's Tennessee example: Schulze N > C > K > M, Borda 194,
        # 173, 107 (Knoxville), 126 (Memphis, above Knoxville by Borda but
        # below it by Schulze).
        ballots = [(f"v{k}", b) for k, b in enumerate(TENNESSEE)]
        cities = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
        ranking = score_ranked(ballots, {}, cities)
        assert ranking.order == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
        assert [r.score for r in ranking] == [194, 173, 107, 126]
        assert ranking.extra["condorcet_winner"] == "Nashville"
        assert ranking[0].why == "1st: 100 of 100 participants ranked it; it beats every other idea head to head"

    def test_last_ballot_counts_and_ineligible_items_dropped(self):
        ballots = [("a", ["1", "2"]), ("a", ["3", "gone", "1"]), ("b", ["3"])]
        ranking = score_ranked(ballots, {}, ITEMS)
        assert ranking.turnout == 2
        assert ranking[0].item == "3"
        assert by_item(ranking)["2"].votes == 0

    def test_schulze_ties_broken_by_borda(self):
        # 1 and 2 tie head to head (1:1), but 1 is ranked by more people.
        ballots = [("a", ["1", "2"]), ("b", ["2", "1"]), ("c", ["1"])]
        ranking = score_ranked(ballots, {}, ["1", "2", "3"])
        assert ranking.extra["schulze"][0] == ["1"] or ranking.order[0] == "1"
        assert ranking.order == ["1", "2", "3"] and [r.rank for r in ranking] == [1, 2, 3]

    def test_no_ballots(self):
        ranking = score_ranked([], {}, ITEMS)
        assert [r.rank for r in ranking] == [1, 1, 1, 1]
        assert ranking.extra["condorcet_winner"] is None


# --------------------------------------------------------------------------- #
# agree


class TestAgree:
    def test_consensus_share_and_divisive(self):
        answers = (
            [(p, "1", "agree") for p in GROUPS]  # everyone agrees
            + [(p, "2", "agree") for p in ("r1", "r2", "r3")]
            + [(p, "2", "disagree") for p in ("s1", "s2")]  # residents vs staff
            + [("r1", "3", "pass"), ("r2", "3", 1), ("s1", "3", -1), ("s2", "3", 0)]
        )
        ranking = score_agree(answers, GROUPS, ITEMS)
        rows = by_item(ranking)
        assert rows["1"].score == 1.0 and rows["2"].score == pytest.approx(0.6)
        assert rows["3"].score == pytest.approx(0.25) and rows["3"].votes == 4
        assert ranking.order == ["1", "2", "3", "4"]  # unseen "4" last
        assert ranking.extra["consensus"]["1"] == pytest.approx((4 / 5) * (3 / 4))
        # Residents 1/2 vs staff 0/2 on "3" also counts (spread 0.5), after "2".
        assert ranking.extra["divisive"] == ["2", "3"]
        assert ranking.extra["spread"]["2"] == pytest.approx(1.0)
        assert rows["2"].by_group == {"residents": 1.0, "staff": 0.0}
        assert rows["2"].why == "2nd: 3 of 3 residents and 0 of 2 staff agree with it; residents are keener than staff"
        assert rows["1"].why.endswith("; residents and staff see it the same way")
        assert rows["4"].why.endswith("nobody has seen it yet") and rows["4"].by_group == {}

    def test_bad_value(self):
        with pytest.raises(ValueError, match="agree, disagree or pass"):
            score_agree([("a", "1", "maybe")], {}, ITEMS)


# --------------------------------------------------------------------------- #
# monotonicity: adding support to an item never lowers its rank

PIDS = ["p0", "p1", "p2", "p3", "p4", "p5"]
MONO = settings(max_examples=60, deadline=None)
group_maps = st.dictionaries(st.sampled_from(PIDS), st.sampled_from(["g1", "g2"]))


def rank_of(ranking, item):
    return by_item(ranking)[item].rank


@MONO
@given(
    votes=st.lists(st.tuples(st.sampled_from(PIDS), st.sampled_from(ITEMS), st.integers(1, 3)),
                   max_size=15),
    groups=group_maps, pid=st.sampled_from(PIDS + ["new"]), item=st.sampled_from(ITEMS),
)
def test_more_dots_never_lower_the_rank(votes, groups, pid, item):
    before = rank_of(score_dots(votes, groups, ITEMS), item)
    after = rank_of(score_dots(votes + [(pid, item, 1)], groups, ITEMS), item)
    assert after <= before


@MONO
@given(
    votes=st.lists(st.tuples(st.sampled_from(PIDS), st.sampled_from(ITEMS)), max_size=15),
    groups=group_maps, pid=st.sampled_from(PIDS + ["new"]), item=st.sampled_from(ITEMS),
)
def test_more_approval_never_lowers_the_rank(votes, groups, pid, item):
    voters = set(PIDS)
    before = rank_of(score_approval(votes, groups, ITEMS, voters=voters), item)
    after = rank_of(score_approval(votes + [(pid, item)], groups, ITEMS, voters=voters), item)
    assert after <= before
    # A newcomer who approves joins the electorate (everyone's n grows).
    before = rank_of(score_approval(votes, groups, ITEMS), item)
    after = rank_of(score_approval(votes + [(pid, item)], groups, ITEMS), item)
    assert after <= before


RATING_CRITERIA = [("use", 2, "impact"), ("cost", 1, "effort"), ("fit", 1, None)]


@MONO
@given(
    ratings=st.lists(
        st.tuples(st.sampled_from(PIDS), st.sampled_from(ITEMS),
                  st.sampled_from(["use", "cost", "fit"]), st.integers(1, 5)),
        max_size=20,
    ),
    groups=group_maps, pid=st.sampled_from(PIDS + ["new"]), item=st.sampled_from(ITEMS),
    criterion_name=st.sampled_from(["use", "cost", "fit"]), data=st.data(),
)
def test_better_ratings_never_lower_the_rank(ratings, groups, pid, item, criterion_name, data):
    # Support: a rating at least as good as the one it replaces (for "cost",
    # lower is better), or a new one at the best end of the scale.
    old = None
    for p, i, c, v in ratings:
        if (p, i, c) == (pid, item, criterion_name):
            old = v
    if criterion_name == "cost":
        value = data.draw(st.integers(1, old)) if old else 1
    else:
        value = data.draw(st.integers(old, 5)) if old else 5
    before = rank_of(score_rating(ratings, groups, ITEMS, RATING_CRITERIA), item)
    more = ratings + [(pid, item, criterion_name, value)]
    after = rank_of(score_rating(more, groups, ITEMS, RATING_CRITERIA), item)
    assert after <= before


def test_interval_widths_shrink_with_more_participants():
    rng = np.random.default_rng(0)
    small = [(f"p{k}", str(rng.integers(1, 5)), 1) for k in range(20)]
    large = [(f"p{k}", str(rng.integers(1, 5)), 1) for k in range(2000)]
    width = lambda r: np.mean([(x.high - x.low) / max(x.score, 1) for x in r])  # noqa: E731
    assert width(score_dots(large, {}, ITEMS)) < width(score_dots(small, {}, ITEMS))


@pytest.mark.parametrize("items", [[], ["only"]])
def test_empty_and_single_item_rooms(items):
    rankings = [
        score_dots([], {}, items),
        score_approval([], {}, items),
        score_rating([], {}, items, [("use", 1, "impact"), ("cost", 1, "effort")]),
        score_pairwise([], {}, items),
        score_ranked([], {}, items),
        score_agree([], {}, items),
    ]
    for ranking in rankings:
        assert ranking.order == items and ranking.turnout == 0
        assert all(row.rank == 1 and row.low <= row.score <= row.high for row in ranking)
