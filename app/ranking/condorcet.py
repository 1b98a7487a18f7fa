"""Condorcet methods on ranked ballots: pairwise counts, Schulze, ranked pairs, Kemeny.

Ballots are ``(count, ranking)`` pairs as described in :mod:`app.ranking.ballots`.
``candidates`` (optional everywhere) fixes the candidate set and its order,
which is also the order used to list the members of a tied tier and the
documented tie-break of :func:`ranked_pairs` and :func:`kemeny`. When it is
``None`` the candidates are all items named on some ballot, sorted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .ballots import pairwise_matrix, parse_ballots

#: :func:`kemeny` is exact (dynamic programming over subsets) and refuses more
#: candidates than this.
KEMENY_MAX_CANDIDATES = 9


def pairwise_counts(ballots: Iterable, candidates: Sequence | None = None) -> dict:
    """``{(x, y): voters preferring x to y}`` for every ordered pair of distinct candidates.

    Pairs nobody decides are present with 0.
    """
    profile = parse_ballots(ballots, candidates)
    matrix = pairwise_matrix(profile)
    cands = profile.candidates
    return {
        (x, y): int(matrix[i, j])
        for i, x in enumerate(cands)
        for j, y in enumerate(cands)
        if i != j
    }


def _layers(beats: np.ndarray, cands: list) -> list[list]:
    """Tiers of a strict partial order (or any acyclic relation), best first.

    ``beats[i, j]`` means i is above j. Each tier holds the candidates that
    nothing remaining is above; members keep candidate order.
    """
    n = len(cands)
    beaten_by = beats.sum(axis=0).astype(np.int64)
    remaining = np.ones(n, dtype=bool)
    tiers: list[list] = []
    while remaining.any():
        top = np.nonzero(remaining & (beaten_by == 0))[0]
        if len(top) == 0:  # pragma: no cover - the relations we build are acyclic
            raise RuntimeError("the relation has a cycle")
        tiers.append([cands[i] for i in top])
        remaining[top] = False
        beaten_by -= beats[top].sum(axis=0)
    return tiers


def schulze_strengths(matrix: np.ndarray) -> np.ndarray:
    """Strengths of the strongest (widest) paths, Schulze's ``p[i, j]``.

    Links are "winning votes": ``d[i, j]`` when more voters prefer i to j than
    j to i, else 0. Floyd–Warshall on the widest-path semiring, one numpy
    update per intermediate candidate ``k``.
    """
    p = np.where(matrix > matrix.T, matrix, 0).astype(np.int64)
    n = len(p)
    for k in range(n):
        np.maximum(p, np.minimum(p[:, k:k + 1], p[k:k + 1, :]), out=p)
    np.fill_diagonal(p, 0)
    return p


def _schulze_from_matrix(matrix: np.ndarray, cands: list) -> list[list]:
    p = schulze_strengths(matrix)
    wins = (p > p.T).sum(axis=1)
    return [
        [cands[i] for i in np.nonzero(wins == w)[0]]
        for w in sorted(set(wins.tolist()), reverse=True)
    ]


def schulze(ballots: Iterable, candidates: Sequence | None = None) -> list[list]:
    """Schulze's beatpath order as tiers, best first.

    x beats y when the strongest path from x to y (links weighted by winning
    votes) is stronger than the one from y to x; Schulze proved this
    relation transitive. Candidates are tiered by how many others they beat
    so (as votelib ranks them): whoever beats y sits in an earlier tier than
    y, and candidates sharing a tier never beat each other. When the
    relation is a weak order — the usual case — the first tier is exactly
    the Schulze winners and the tiers are its classes. Within a tier
    candidates keep candidate order.
    """
    profile = parse_ballots(ballots, candidates)
    return _schulze_from_matrix(pairwise_matrix(profile), profile.candidates)


def _ranked_pairs_from_matrix(matrix: np.ndarray, cands: list) -> list[list]:
    n = len(cands)
    winners, losers = np.nonzero(matrix > matrix.T)
    wv = matrix[winners, losers]
    lv = matrix[losers, winners]
    # Strongest first: most winning votes, then fewest losing votes, then the
    # tie-break order (winner earlier in `candidates`, then loser earlier).
    order = np.lexsort((losers, winners, lv, -wv))
    reach = np.zeros((n, n), dtype=bool)  # reach[a, b]: locked path a -> b
    locked = np.zeros((n, n), dtype=bool)
    for e in order:
        a, b = winners[e], losers[e]
        if reach[b, a]:
            continue  # locking a over b would close a cycle
        locked[a, b] = True
        if reach[a, b]:
            continue  # already implied; the closure does not change
        sources = reach[:, a].copy()
        sources[a] = True
        targets = reach[b].copy()
        targets[b] = True
        reach[sources] |= targets
    return _layers(locked, cands)


def ranked_pairs(ballots: Iterable, candidates: Sequence | None = None) -> list[list]:
    """Tideman's ranked pairs by winning votes, as tiers best first.

    Every majority x over y is a pair of strength ``(winning votes, losing
    votes)``. Pairs are locked strongest first — more winning votes first,
    then fewer losing votes — unless they would close a cycle with pairs
    already locked. Equal pairs are taken in a fixed tie-break order: the
    order of ``candidates`` (sorted items when ``None``), comparing the
    winners first and then the losers, so ``(a, b)`` comes before ``(a, c)``
    and both before ``(b, c)`` (the lexicographic rule pref_voting's
    ``ranked_pairs_tb`` uses). Pairs with no majority (equal counts) are
    never locked, so candidates they leave unordered can share a tier; the
    tiers are the layers of the locked graph.
    """
    profile = parse_ballots(ballots, candidates)
    return _ranked_pairs_from_matrix(pairwise_matrix(profile), profile.candidates)


def _check_kemeny_size(n: int) -> None:
    if n > KEMENY_MAX_CANDIDATES:
        raise ValueError(
            f"kemeny is exact and only runs on up to {KEMENY_MAX_CANDIDATES} "
            f"candidates; got {n}"
        )


def _kemeny_from_matrix(matrix: np.ndarray, cands: list) -> list:
    n = len(cands)
    _check_kemeny_size(n)
    if n == 0:
        return []
    m = matrix.tolist()
    full = (1 << n) - 1
    # gain[x][S]: voters agreeing that x goes above each member of S.
    gain = [[0] * (1 << n) for _ in range(n)]
    for x in range(n):
        row, gx = m[x], gain[x]
        for s in range(1, 1 << n):
            low = s & -s
            gx[s] = gx[s ^ low] + row[low.bit_length() - 1]
    best = [0] * (1 << n)
    first = [0] * (1 << n)
    for s in range(1, 1 << n):
        top, choice = -1, -1
        rest = s
        while rest:
            low = rest & -rest
            rest ^= low
            x = low.bit_length() - 1
            others = s ^ low
            value = gain[x][others] + best[others]
            if value > top:  # strict: the earliest candidate wins ties
                top, choice = value, x
        best[s] = top
        first[s] = choice
    order = []
    s = full
    while s:
        x = first[s]
        order.append(cands[x])
        s ^= 1 << x
    return order


def kemeny(ballots: Iterable, candidates: Sequence | None = None) -> list:
    """An optimal Kemeny(-Young) order: the strict order agreeing with most voter pairs.

    Exact, by dynamic programming over subsets of candidates (``2^n * n``
    states); refuses more than :data:`KEMENY_MAX_CANDIDATES` candidates with
    ``ValueError``. When several orders are optimal it returns the one that
    is first lexicographically in candidate order (earliest possible
    candidate first, then recursively).
    """
    profile = parse_ballots(ballots, candidates)
    _check_kemeny_size(profile.n)
    return _kemeny_from_matrix(pairwise_matrix(profile), profile.candidates)


def condorcet_winner_from_matrix(matrix: np.ndarray, cands: list):
    """The candidate beating every other head to head, or ``None``."""
    n = len(cands)
    if n < 2:
        return None
    wins = (matrix > matrix.T).sum(axis=1)
    found = np.nonzero(wins == n - 1)[0]
    return cands[found[0]] if len(found) else None
