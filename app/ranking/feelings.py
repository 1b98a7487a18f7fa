"""How each phase of a journey feels: the emotion curve per group and the perception gap.

Plain data in, plain data out. A rating is ``(phase, group, feeling)`` with
feeling from -2 (very bad) to +2 (very good). Phases and groups are any
hashable keys (ids or names); the caller gives their order.

* :func:`feeling_curves` -> :class:`Feelings`: for every phase, the mean,
  spread and count overall and per group, and the perception gap between
  groups (the highest group mean minus the lowest, with the ratings behind it).
* :meth:`Feelings.largest_gaps` and :meth:`Feelings.lowest_phases` pick the
  phases a room should talk about.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Hashable, Iterable, Sequence

LOWEST, HIGHEST = -2, 2


@dataclass(frozen=True)
class Point:
    """The feeling about one phase among some people: None values when nobody rated it."""

    phase: Hashable
    n: int
    mean: float | None
    spread: float | None  # population standard deviation
    low: float | None  # mean - spread, kept within -2..+2
    high: float | None  # mean + spread, kept within -2..+2


@dataclass(frozen=True)
class Gap:
    """How differently the groups feel about one phase.

    `gap` is None unless at least two groups rated the phase. `n` counts the
    ratings of the groups compared; `means` and `counts` are per group that rated it.
    """

    phase: Hashable
    gap: float | None
    n: int
    highest_group: Hashable | None
    lowest_group: Hashable | None
    means: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Feelings:
    phases: list
    groups: list
    overall: list[Point]
    by_group: dict  # group -> list[Point], one per phase, in phase order
    gaps: list[Gap]

    @property
    def n(self) -> int:
        return sum(point.n for point in self.overall)

    def largest_gaps(self, k: int = 3) -> list[Gap]:
        """Phases where groups differ most (ties: more ratings first, then phase order)."""
        order = {phase: index for index, phase in enumerate(self.phases)}
        known = [gap for gap in self.gaps if gap.gap is not None and gap.gap > 0]
        return sorted(known, key=lambda g: (-g.gap, -g.n, order[g.phase]))[:k]

    def lowest_phases(self, k: int = 3) -> list[Point]:
        """Phases that feel worst overall (only phases with ratings, below zero first)."""
        order = {phase: index for index, phase in enumerate(self.phases)}
        rated = [point for point in self.overall if point.mean is not None]
        return sorted(rated, key=lambda p: (p.mean, -p.n, order[p.phase]))[:k]


def _point(phase, values: list[int]) -> Point:
    if not values:
        return Point(phase, 0, None, None, None, None)
    n = len(values)
    mean = sum(values) / n
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    return Point(phase, n, mean, spread, max(LOWEST, mean - spread), min(HIGHEST, mean + spread))


def feeling_curves(
    phases: Sequence[Hashable],
    ratings: Iterable[tuple[Hashable, Hashable, int]],
    groups: Sequence[Hashable] | None = None,
) -> Feelings:
    """Curves and gaps for `phases` (in order) from `ratings`.

    Ratings for phases not listed are ignored; a feeling outside -2..+2 raises
    ValueError. `groups` fixes the order of the groups (every listed group gets
    a curve, empty if it gave no ratings); groups not listed that appear in the
    ratings follow, in order of first appearance.
    """
    phases = list(phases)
    known = set(phases)
    group_order = list(groups or [])
    values: dict[tuple, list[int]] = {}
    for phase, group, feeling in ratings:
        if isinstance(feeling, bool) or not isinstance(feeling, int) or not LOWEST <= feeling <= HIGHEST:
            raise ValueError(f"feeling must be a whole number from -2 to 2, not {feeling!r}")
        if phase not in known:
            continue
        if group not in group_order:
            group_order.append(group)
        values.setdefault((phase, group), []).append(feeling)

    overall = [_point(phase, [v for g in group_order for v in values.get((phase, g), [])]) for phase in phases]
    by_group = {g: [_point(phase, values.get((phase, g), [])) for phase in phases] for g in group_order}
    gaps = []
    for index, phase in enumerate(phases):
        rated = {g: by_group[g][index] for g in group_order if by_group[g][index].n}
        means = {g: point.mean for g, point in rated.items()}
        counts = {g: point.n for g, point in rated.items()}
        if len(rated) < 2:
            gaps.append(Gap(phase, None, sum(counts.values()), None, None, means, counts))
            continue
        highest = max(rated, key=lambda g: means[g])
        lowest = min(rated, key=lambda g: means[g])
        gaps.append(Gap(phase, means[highest] - means[lowest], sum(counts.values()), highest, lowest, means, counts))
    return Feelings(phases, group_order, overall, by_group, gaps)
