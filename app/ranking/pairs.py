"""Choosing the next pair to show a participant in pairwise voting."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import repeat
from operator import itemgetter

import numpy as np

#: Weight kept by a pair whose order already looks settled (0..1 scale of
#: uncertainty), so no pair is ever starved completely.
SETTLED_FLOOR = 0.1

#: The quick draw (rejection sampling, see `_propose`) tries this many pairs a round ...
BATCH = 64
#: ... for at most this many rounds before the full search over every open pair.
ROUNDS = 4
#: Up to this many pairs in all, the full search is cheap enough to be the only one.
FULL_SEARCH_PAIRS = 256


@lru_cache(maxsize=16)
def _upper_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    iu, ju = np.triu_indices(n, 1)
    iu.setflags(write=False)
    ju.setflags(write=False)
    return iu, ju


def next_pair(
    items: Sequence,
    answered: Iterable,
    comparisons: Mapping,
    *,
    rng: np.random.Generator | None = None,
    seed: int | None = None,
) -> tuple | None:
    """The next ``(left, right)`` pair for one participant, or ``None`` when they have seen every pair.

    ``items`` are the eligible items; ``answered`` the pairs this participant
    already answered (frozensets or tuples, in any order; never shown
    again); ``comparisons`` maps ``(winner, loser) -> count`` across the
    room. A pair is drawn at random with weight

        (1 / (1 + c_x) + 1 / (1 + c_y)) * (SETTLED_FLOOR + u_xy)

    where ``c`` counts an item's comparisons so far (favouring ideas seen
    little) and ``u_xy`` in (0, 1] is how uncertain the pair's order still
    is: ``exp(-z**2 / 2)`` with ``z`` the distance of the smoothed win rate
    ``(w + 1) / (n + 2)`` from 1/2 in standard errors (1 for a pair never
    compared or evenly split, near 0 for a lopsided, well-tested one). Left
    and right are shuffled. Pass ``rng`` (a numpy Generator) or ``seed``
    for reproducible draws.

    With many items the draw does not weigh every pair: it proposes pairs
    by the first factor (cheap: one item by its weight, a partner at random)
    and accepts one with probability ``(SETTLED_FLOOR + u_xy) / (SETTLED_FLOOR
    + 1)`` if the person has not answered it: exactly the same distribution
    (rejection sampling). Only when a few hundred proposals all fail (the
    person has answered most pairs) does it search every open pair.

    A room whose comparisons grow answer by answer keeps them in a
    :class:`PairCounts` and draws with :meth:`PairCounts.next_pair` (the same
    draw, without rebuilding the counts each time).
    """
    items = list(items)
    n = len(items)
    if n < 2:
        return None
    index = {x: i for i, x in enumerate(items)}
    get = index.get
    wins = np.zeros(n * n)
    if comparisons:
        # map() over C-level callables: no Python frame per room comparison.
        m = len(comparisons)
        keys = comparisons.keys()
        wi = np.fromiter(map(get, map(itemgetter(0), keys), repeat(-1, m)), np.int64, count=m)
        li = np.fromiter(map(get, map(itemgetter(1), keys), repeat(-1, m)), np.int64, count=m)
        counts = np.fromiter(comparisons.values(), dtype=np.float64, count=m)
        ok = (wi >= 0) & (li >= 0) & (wi != li)
        wins = np.bincount(wi[ok] * n + li[ok], weights=counts[ok], minlength=n * n)
    return _draw(items, index, wins.reshape(n, n), answered, _generator(rng, seed))


class PairCounts:
    """The room's ``(winner, loser)`` counts as a matrix that grows: add answers as they come, draw from it.

    Equivalent to the ``comparisons`` mapping of :func:`next_pair`, kept so that
    a new answer costs one addition instead of a rebuild of every count.
    Items are any hashable values; an item never compared has no row yet and
    counts zero. Not thread-safe: callers that share one serialise its use.
    """

    __slots__ = ("_index", "_order", "_wins")

    def __init__(self, comparisons: Mapping | None = None, items: Iterable = ()):
        """``items``: the rows to make first, in the order draws usually name them (then no reordering)."""
        self._index: dict[Hashable, int] = {}
        self._order: list = []
        self._wins = np.zeros((16, 16))
        for item in items:
            self._slot(item)
        for (winner, loser), count in (comparisons or {}).items():
            self.add(winner, loser, count)

    def __len__(self) -> int:
        """How many items have a row (compared at least once, or named when the counts were made)."""
        return len(self._index)

    def _slot(self, item) -> int:
        k = self._index.get(item)
        if k is None:
            k = self._index[item] = len(self._index)
            self._order.append(item)
            size = len(self._wins)
            if k + 1 >= size:  # one row always stays free: the zeros of items never compared
                grown = np.zeros((2 * size, 2 * size))
                grown[:size, :size] = self._wins
                self._wins = grown
        return k

    def add(self, winner, loser, count: float = 1) -> None:
        """``winner`` was preferred to ``loser`` ``count`` more times (a pair with itself is ignored)."""
        if winner != loser:
            i, j = self._slot(winner), self._slot(loser)  # before reading _wins: a new slot may grow it
            self._wins[i, j] += count

    def comparisons(self) -> dict:
        """``(winner, loser) -> count``, as :func:`next_pair` takes them."""
        items = self._order
        rows, cols = np.nonzero(self._wins[:len(items), :len(items)])
        return {(items[i], items[j]): float(self._wins[i, j]) for i, j in zip(rows.tolist(), cols.tolist())}

    def block(self, items: Sequence) -> np.ndarray:
        """Wins among ``items``: ``block[i, j]`` is how often ``items[i]`` beat ``items[j]``."""
        n, size = len(items), len(self._wins)
        if self._order[:n] == items:  # the usual case: the rows are already in this order
            return self._wins[:n, :n].copy()
        free = len(self._index)  # a row of zeros
        rows = np.fromiter(map(self._index.get, items, repeat(free, n)), np.int64, count=n)
        return self._wins.take((rows[:, None] * size + rows).ravel()).reshape(n, n)

    def next_pair(self, items: Sequence, answered: Iterable, *, rng: np.random.Generator | None = None,
                  seed: int | None = None) -> tuple | None:
        """:func:`next_pair` with these counts as the room's comparisons."""
        items = items if isinstance(items, list) else list(items)
        if len(items) < 2:
            return None
        return _draw(items, {x: i for i, x in enumerate(items)}, self.block(items), answered, _generator(rng, seed))


def _generator(rng, seed) -> np.random.Generator:
    return rng if rng is not None else np.random.default_rng(seed)


def _draw(items: list, index: dict, wins: np.ndarray, answered: Iterable, rng: np.random.Generator):
    n = len(items)
    done = np.zeros((n, n), dtype=bool)
    get = index.get
    for pair in answered:
        a, b = tuple(pair) if len(pair) == 2 else (None, None)
        i, j = get(a), get(b)
        if i is not None and j is not None:
            done[i, j] = done[j, i] = True
    little = 1.0 / (1.0 + wins.sum(axis=1) + wins.sum(axis=0))  # 1 / (1 + c) per item
    found = _propose(little, wins, done, rng) if n * (n - 1) // 2 > FULL_SEARCH_PAIRS else None
    if found is None:
        found = _full_search(little, wins, done, rng)
        if found is None:
            return None
    left, right = items[found[0]], items[found[1]]
    if rng.random() < 0.5:
        left, right = right, left
    return left, right


def _uncertainty(w: np.ndarray, m: np.ndarray) -> np.ndarray:
    """u in (0, 1]: 1 for a pair never compared or evenly split, near 0 for a lopsided, well-tested one."""
    p = (w + 1.0) / (m + 2.0)
    z2 = (p - 0.5) ** 2 * (m + 3.0) / (p * (1.0 - p))
    return np.exp(-0.5 * z2)


def _propose(little: np.ndarray, wins: np.ndarray, done: np.ndarray, rng: np.random.Generator):
    """Rejection sampling: the first accepted proposal, or None after ROUNDS * BATCH refusals.

    A proposal takes an item with probability proportional to ``little`` and
    a partner uniformly among the others, so the pair {x, y} comes with
    probability proportional to ``little[x] + little[y]``; accepting it with
    probability ``(SETTLED_FLOOR + u_xy) / (SETTLED_FLOOR + 1)`` (never if
    answered) makes the accepted pair's probability proportional to the
    full weight, exactly as the full search draws.
    """
    n = len(little)
    cumulative = np.cumsum(little)
    for _round in range(ROUNDS):
        anchor = np.searchsorted(cumulative, rng.random(BATCH) * cumulative[-1], side="right")
        np.minimum(anchor, n - 1, out=anchor)
        partner = rng.integers(0, n - 1, BATCH)
        partner += partner >= anchor  # uniform over the other n - 1 items
        i, j = np.minimum(anchor, partner), np.maximum(anchor, partner)
        w = wins[i, j]
        u = _uncertainty(w, w + wins[j, i])
        accepted = (rng.random(BATCH) * (1.0 + SETTLED_FLOOR) < SETTLED_FLOOR + u) & ~done[i, j]
        hits = np.flatnonzero(accepted)
        if hits.size:
            k = hits[0]
            return int(i[k]), int(j[k])
    return None


def _full_search(little, wins, done, rng):
    """Weigh every open pair and draw one (None when every pair is answered)."""
    iu, ju = _upper_pairs(len(little))
    open_ = ~done[iu, ju]
    if not open_.any():
        return None
    iu, ju = iu[open_], ju[open_]
    w = wins[iu, ju]
    weight = (little[iu] + little[ju]) * (SETTLED_FLOOR + _uncertainty(w, w + wins[ju, iu]))
    cumulative = np.cumsum(weight)
    k = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    k = min(k, len(cumulative) - 1)
    return int(iu[k]), int(ju[k])
