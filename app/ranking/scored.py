"""Results as plain data: :class:`Scored` rows in a :class:`Ranking`, and rank assignment."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Scored:
    """One item's result.

    ``score``
        the method's score (dots, Wilson bound, composite rating, win chance
        0–100, Borda points, share agreeing).
    ``rank``
        1-based competition rank: equal results share a rank (1, 2, 2, 4).
    ``low``, ``high``
        90% interval of the score (bootstrap over participants, or the
        method's posterior); always ``low <= score <= high``.
    ``votes``
        how many took part for this item: distinct supporters (dots),
        approvals, raters, comparisons it appeared in (pairwise, including
        "can't decide"), ballots naming it (ranked), people who saw it (agree).
    ``by_group``
        the same score within each participant group.
    ``why``
        one plain-language sentence.
    ``close``
        True when the interval overlaps a neighbour's in the ranking (or the
        rank is shared): the order there is not settled.
    """

    item: str
    score: float
    rank: int
    low: float
    high: float
    votes: int
    by_group: dict[str, float]
    why: str
    close: bool = False


@dataclass
class Ranking:
    """Ordered :class:`Scored` rows, best first, with the vote's context.

    Iterable and indexable: ``ranking[0]`` is the top row, ``ranking["42"]``
    the row of item ``"42"``, ``len(ranking)`` the number of items.
    ``extra`` holds method-specific data (e.g. ``quadrants``,
    ``condorcet_winner``, ``divisive``).
    """

    items: list[Scored]
    method: str
    turnout: int
    turnout_by_group: dict[str, int]
    extra: dict = field(default_factory=dict)

    def __iter__(self) -> Iterator[Scored]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, key):
        if isinstance(key, str):
            for row in self.items:
                if row.item == key:
                    return row
            raise KeyError(key)
        return self.items[key]

    def get(self, item: str, default=None):
        """The row of ``item``, or ``default``."""
        try:
            return self[item]
        except KeyError:
            return default

    @property
    def order(self) -> list[str]:
        """Item ids, best first."""
        return [row.item for row in self.items]


def competition_ranks(sorted_keys: Sequence) -> list[int]:
    """1-based ranks for keys already sorted best first; equal keys share (1, 2, 2, 4)."""
    ranks: list[int] = []
    for position, key in enumerate(sorted_keys):
        if position and key == sorted_keys[position - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    return ranks


def order_by_keys(keys: Sequence[tuple]) -> list[int]:
    """Indices sorted by key tuples, largest first; equal keys keep input order."""
    return sorted(range(len(keys)), key=lambda i: tuple(-k for k in keys[i]))


def close_flags(ranks: Sequence[int], low: Sequence[float], high: Sequence[float]) -> list[bool]:
    """For rows in ranking order: does a row's interval overlap a neighbour's (or share its rank)?"""
    n = len(ranks)
    flags = [False] * n
    for i in range(n - 1):
        overlap = low[i] <= high[i + 1] and low[i + 1] <= high[i]
        if overlap or ranks[i] == ranks[i + 1]:
            flags[i] = flags[i + 1] = True
    return flags


def assemble(
    method: str,
    items: Sequence[str],
    keys: Sequence[tuple],
    score: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    votes: Sequence[int],
    by_group: Sequence[dict],
    why: Callable[[int, int, bool], str],
    turnout: int,
    turnout_by_group: dict,
    extra: dict,
) -> Ranking:
    """Build a :class:`Ranking` from per-item arrays.

    ``keys[i]`` orders the items (bigger is better; tuples break ties in
    turn); items with equal keys share a rank. ``why(i, rank, shared)``
    makes the sentence of item ``i``. Intervals are widened to contain the
    score.
    """
    order = order_by_keys(keys)
    sorted_keys = [keys[i] for i in order]
    ranks = competition_ranks(sorted_keys)
    counts: dict[int, int] = {}
    for r in ranks:
        counts[r] = counts.get(r, 0) + 1
    lows = [min(float(low[i]), float(score[i])) for i in order]
    highs = [max(float(high[i]), float(score[i])) for i in order]
    flags = close_flags(ranks, lows, highs)
    rows = [
        Scored(
            item=items[i],
            score=float(score[i]),
            rank=ranks[p],
            low=lows[p],
            high=highs[p],
            votes=int(votes[i]),
            by_group=by_group[i],
            why=why(i, ranks[p], counts[ranks[p]] > 1),
            close=flags[p],
        )
        for p, i in enumerate(order)
    ]
    return Ranking(rows, method, int(turnout), dict(turnout_by_group), extra)
