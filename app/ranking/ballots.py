"""Ranked ballots turned into arrays: the common ground of every ranked method.

A ranked ballot is ``(count, ranking)``. ``ranking`` is a sequence whose
elements are an item, or a collection of items tied at that place. Items a
ballot leaves out rank below all it names, tied with each other.

Internally a set of ballots becomes a :class:`Profile`: one row per ballot
with the *level* of every candidate (0 for the first place, 1 for the next,
...; every candidate the ballot leaves out gets the sentinel level ``n``, the
number of candidates, so it sits below everything the ballot names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np

# Above this many pairs per chunk the named-versus-named counting is split up,
# which keeps memory flat whatever the number of ballots.
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class Profile:
    """Ballots as arrays.

    ``levels[b, i]`` is the place of candidate ``i`` on ballot ``b`` (0 is the
    top); candidates the ballot leaves out get ``len(candidates)``.
    ``weights[b]`` is how many voters cast ballot ``b``.
    """

    candidates: list
    levels: np.ndarray
    weights: np.ndarray

    @property
    def n(self) -> int:
        return len(self.candidates)


def is_item(element) -> bool:
    """An element of a ranking is one item unless it is a non-string collection."""
    return isinstance(element, (str, bytes)) or not isinstance(element, Iterable)


def sorted_items(items) -> list:
    """Items in a deterministic order (natural order, or by repr if mixed types)."""
    items = set(items)
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _as_count(count) -> int:
    if isinstance(count, bool) or not isinstance(count, Integral):
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        else:
            raise ValueError(f"a ballot count must be a whole number, got {count!r}")
    if count < 0:
        raise ValueError(f"a ballot count cannot be negative, got {count!r}")
    return int(count)


def parse_ballots(ballots: Iterable, candidates: Sequence | None = None) -> Profile:
    """Turn ``(count, ranking)`` ballots into a :class:`Profile`.

    ``candidates`` fixes the candidate set and its order; when ``None`` it is
    every item named on some ballot, sorted. A ballot naming an item outside
    ``candidates``, or naming an item twice, raises ``ValueError``. Ballots with
    count 0 are dropped.
    """
    # First pass: validate, keep each ranking as a list whose elements are
    # single items or tuples (tied groups).
    rows: list[list] = []
    counts: list[int] = []
    for ballot in ballots:
        try:
            count, ranking = ballot
        except (TypeError, ValueError):
            raise ValueError(
                f"each ballot must be a (count, ranking) pair, got {ballot!r}"
            ) from None
        count = _as_count(count)
        if type(ranking) not in (list, tuple) and is_item(ranking):
            raise ValueError(f"a ranking must be a sequence of items, got {ranking!r}")
        elements = []
        for element in ranking:
            if type(element) is str or is_item(element):
                elements.append(element)
            else:
                group = tuple(element)
                if len(group) == 1:
                    elements.append(group[0])
                elif group:
                    elements.append(group)
        if count:
            rows.append(elements)
            counts.append(count)

    if candidates is None:
        named = set()
        for elements in rows:
            for element in elements:
                if type(element) is tuple:
                    named.update(element)
                else:
                    named.add(element)
        cands = sorted_items(named)
    else:
        cands = list(candidates)
        if len(set(cands)) != len(cands):
            raise ValueError("candidates must not repeat")
    index = {c: i for i, c in enumerate(cands)}
    n = len(cands)

    # Second pass: (ballot, candidate, level) triples, written in one go.
    ballot_of: list[int] = []
    cand_of: list[int] = []
    level_of: list[int] = []
    try:
        for b, elements in enumerate(rows):
            for level, element in enumerate(elements):
                if type(element) is tuple:
                    for x in element:
                        cand_of.append(index[x])
                        ballot_of.append(b)
                        level_of.append(level)
                else:
                    cand_of.append(index[element])
                    ballot_of.append(b)
                    level_of.append(level)
    except KeyError as err:
        raise ValueError(f"ballot names {err.args[0]!r}, which is not a candidate") from None
    levels = np.full((len(rows), n), n, dtype=np.int32)
    if cand_of:
        b_arr = np.asarray(ballot_of, dtype=np.int64)
        c_arr = np.asarray(cand_of, dtype=np.int64)
        cells = b_arr * n + c_arr
        if len(np.unique(cells)) != len(cells):
            seen = np.zeros(len(cells), dtype=bool)
            _, first = np.unique(cells, return_index=True)
            seen[first] = True
            b = int(b_arr[np.nonzero(~seen)[0][0]])
            raise ValueError(f"a ballot names the same item twice: {rows[b]!r}")
        levels[b_arr, c_arr] = level_of
    return Profile(cands, levels, np.asarray(counts, dtype=np.int64))


def pairwise_matrix(profile: Profile) -> np.ndarray:
    """``N[i, j]``: voters who rank candidate ``i`` strictly above ``j``.

    Three vectorised parts: (1) named against unnamed candidates as one matrix
    product of "named" indicator matrices; (2) for short ballots, named against
    named by enumerating the pairs of each ballot (grouped by ballot length) and
    counting them with ``bincount``; (3) for long ballots (most candidates
    named) a direct, chunked comparison of level rows.
    """
    n = profile.n
    levels, weights = profile.levels, profile.weights
    counts = np.zeros((n, n), dtype=np.float64)
    if n == 0 or len(weights) == 0:
        return counts.astype(np.int64)

    named = levels < n
    m_per = named.sum(axis=1)
    long_ballot = m_per.astype(np.int64) ** 2 * 4 > n * n  # names > half the candidates
    w = weights.astype(np.float64)

    short = np.nonzero(~long_ballot)[0]
    if len(short):
        rn = named[short]
        # Integer counts are exact in float32 while every partial sum stays
        # below 2**24, whatever order BLAS adds them in; float32 halves the
        # cost of this, the largest product.
        dtype = np.float32 if w[short].sum() < 2**24 else np.float64
        weighted = rn.astype(dtype) * w[short, None].astype(dtype)
        counts += weighted.T @ (~rn).astype(dtype)
        ms = m_per[short]
        for m in np.unique(ms):
            if m < 2:
                continue
            rows = short[ms == m]
            iu, ju = np.triu_indices(int(m), 1)
            step = max(1, _CHUNK_CELLS // len(iu))
            for start in range(0, len(rows), step):
                chunk = rows[start:start + step]
                lv = levels[chunk]
                order = np.argsort(lv, axis=1, kind="stable")[:, :m]
                lvs = np.take_along_axis(lv, order, axis=1)
                strict = lvs[:, iu] < lvs[:, ju]
                flat = order[:, iu].astype(np.int64) * n + order[:, ju]
                wts = np.broadcast_to(w[chunk, None], flat.shape)
                counts += np.bincount(
                    flat[strict], weights=wts[strict], minlength=n * n
                ).reshape(n, n)

    long_rows = np.nonzero(long_ballot)[0]
    if len(long_rows):
        step = max(1, _CHUNK_CELLS // (n * n))
        lv_all = levels[long_rows]
        w_long = weights[long_rows]
        for value in np.unique(w_long):
            sel = lv_all[w_long == value]
            acc = np.zeros((n, n), dtype=np.int64)
            for start in range(0, len(sel), step):
                lv = sel[start:start + step]
                acc += (lv[:, :, None] < lv[:, None, :]).sum(axis=0, dtype=np.int64)
            counts += acc * float(value)
    return np.rint(counts).astype(np.int64)


def borda_points(profile: Profile) -> np.ndarray:
    """Borda points of every candidate on every ballot (one ballot, not weighted).

    With ``n`` candidates the places are worth ``n-1, ..., 0``; candidates tied
    at a place (including all the candidates a ballot leaves out) share the
    points of the places they occupy: ``n - 1 - above - (tied - 1) / 2``.
    """
    n = profile.n
    levels = profile.levels
    b = len(levels)
    if n == 0 or b == 0:
        return np.zeros((b, n), dtype=np.float64)
    offset = (np.arange(b, dtype=np.int64) * (n + 1))[:, None]
    keys = (levels.astype(np.int64) + offset).ravel()
    ordered = np.sort(keys)
    left = np.searchsorted(ordered, keys, side="left").reshape(b, n)
    right = np.searchsorted(ordered, keys, side="right").reshape(b, n)
    base = (np.arange(b, dtype=np.int64) * n)[:, None]
    above = left - base
    tied = right - left
    return (n - 1) - above - (tied - 1) / 2.0
