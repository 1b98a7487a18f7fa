"""Positional (scoring) methods on ranked ballots."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .ballots import borda_points, parse_ballots


def borda(ballots: Iterable, candidates: Sequence | None = None) -> dict:
    """Borda count: ``{candidate: points}``.

    With ``n`` candidates a ballot gives ``n-1`` points to its first place,
    ``n-2`` to the next, ..., 0 to the last. Candidates tied at a place share
    the points of the places they take up (their average), and so do all the
    candidates a ballot leaves out, which share the bottom places. Every
    ballot is counted ``count`` times. Points are floats (halves can occur).
    """
    profile = parse_ballots(ballots, candidates)
    points = borda_points(profile)
    totals = profile.weights.astype(float) @ points if len(points) else None
    return {
        c: (float(totals[i]) if totals is not None else 0.0)
        for i, c in enumerate(profile.candidates)
    }
