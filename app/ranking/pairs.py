"""Choosing the next pair to show a participant in pairwise voting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import repeat
from operator import itemgetter

import numpy as np

#: Weight kept by a pair whose order already looks settled (0..1 scale of
#: uncertainty), so no pair is ever starved completely.
SETTLED_FLOOR = 0.1


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
    """
    items = list(items)
    n = len(items)
    if n < 2:
        return None
    if rng is None:
        rng = np.random.default_rng(seed)
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
    wins = wins.reshape(n, n)
    done = np.zeros((n, n), dtype=bool)
    for pair in answered:
        a, b = tuple(pair) if len(pair) == 2 else (None, None)
        i, j = get(a), get(b)
        if i is not None and j is not None:
            done[i, j] = done[j, i] = True

    iu, ju = _upper_pairs(n)
    open_ = ~done[iu, ju]
    if not open_.any():
        return None
    iu, ju = iu[open_], ju[open_]
    total = wins + wins.T
    seen = total.sum(axis=1)
    w = wins[iu, ju]
    m = total[iu, ju]
    p = (w + 1.0) / (m + 2.0)
    z2 = (p - 0.5) ** 2 * (m + 3.0) / (p * (1.0 - p))
    uncertainty = np.exp(-0.5 * z2)
    weight = (1.0 / (1.0 + seen[iu]) + 1.0 / (1.0 + seen[ju])) * (SETTLED_FLOOR + uncertainty)
    cumulative = np.cumsum(weight)
    k = int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))
    k = min(k, len(cumulative) - 1)
    left, right = items[iu[k]], items[ju[k]]
    if rng.random() < 0.5:
        left, right = right, left
    return left, right
