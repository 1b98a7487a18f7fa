"""The emotion curve and the perception gap: one pure function the projector and the PDF share."""
from __future__ import annotations

import pytest

from app.ranking import feeling_curves

PHASES = ["finding out", "first contact", "waiting"]


def test_no_ratings_gives_empty_points_and_no_gaps():
    feelings = feeling_curves(PHASES, [], groups=["resident", "staff"])
    assert [p.n for p in feelings.overall] == [0, 0, 0]
    assert all(p.mean is None and p.spread is None for p in feelings.overall)
    assert set(feelings.by_group) == {"resident", "staff"}
    assert all(g.gap is None and g.n == 0 for g in feelings.gaps)
    assert feelings.largest_gaps() == [] and feelings.lowest_phases() == []
    assert feelings.n == 0


def test_mean_and_spread_per_phase_and_group():
    ratings = [("waiting", "resident", -2), ("waiting", "resident", 0), ("waiting", "staff", 1)]
    feelings = feeling_curves(PHASES, ratings, groups=["resident", "staff"])
    waiting = feelings.overall[2]
    assert waiting.n == 3 and waiting.mean == pytest.approx(-1 / 3)
    resident = feelings.by_group["resident"][2]
    assert (resident.n, resident.mean, resident.spread) == (2, -1.0, 1.0)
    assert (resident.low, resident.high) == (-2.0, 0.0)
    assert feelings.by_group["staff"][0].mean is None


def test_spread_band_stays_within_the_scale():
    feelings = feeling_curves(PHASES, [("waiting", "a", -2), ("waiting", "a", 2)])
    point = feelings.overall[2]
    assert point.spread == 2.0 and (point.low, point.high) == (-2, 2)


def test_a_single_rating_has_no_spread():
    feelings = feeling_curves(PHASES, [("first contact", "staff", 1)])
    point = feelings.overall[1]
    assert (point.n, point.mean, point.spread, point.low, point.high) == (1, 1.0, 0.0, 1.0, 1.0)


def test_gap_is_highest_group_mean_minus_lowest_with_the_ratings_behind_it():
    ratings = [
        ("waiting", "resident", -2), ("waiting", "resident", -1),
        ("waiting", "staff", 1), ("waiting", "staff", 2), ("waiting", "staff", 0),
        ("waiting", "partner", 0),
    ]
    gap = feeling_curves(PHASES, ratings, groups=["resident", "staff", "partner"]).gaps[2]
    assert gap.gap == pytest.approx(2.5)
    assert (gap.highest_group, gap.lowest_group, gap.n) == ("staff", "resident", 6)
    assert gap.counts == {"resident": 2, "staff": 3, "partner": 1}


def test_one_group_only_has_curves_but_no_gap():
    ratings = [("finding out", "resident", -1), ("waiting", "resident", -2)]
    feelings = feeling_curves(PHASES, ratings, groups=["resident", "staff"])
    assert all(g.gap is None for g in feelings.gaps)
    assert feelings.gaps[2].n == 1
    assert feelings.largest_gaps() == []
    assert [p.phase for p in feelings.lowest_phases()] == ["waiting", "finding out"]


def test_largest_gaps_and_lowest_phases_are_ordered():
    ratings = [
        ("finding out", "resident", -2), ("finding out", "staff", 2),
        ("first contact", "resident", 0), ("first contact", "staff", 1),
        ("waiting", "resident", -1), ("waiting", "staff", -1),
    ]
    feelings = feeling_curves(PHASES, ratings)
    assert [g.phase for g in feelings.largest_gaps(5)] == ["finding out", "first contact"]
    assert [p.phase for p in feelings.lowest_phases(2)] == ["waiting", "finding out"]
    assert feelings.groups == ["resident", "staff"]


def test_ratings_for_unknown_phases_are_ignored_and_bad_values_refused():
    assert feeling_curves(PHASES, [("elsewhere", "a", 1)]).n == 0
    for bad in (3, -3, 1.5, True, "1"):
        with pytest.raises(ValueError):
            feeling_curves(PHASES, [("waiting", "a", bad)])
