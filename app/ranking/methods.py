"""One scorer per voting method: raw votes of an activity in, a :class:`Ranking` out.

All scorers are pure and take plain data:

* ``groups`` maps participant id -> group name. Participants missing from
  it are counted in a group called "participants" (translated with ``_``).
* ``items`` lists every eligible item (idea ids as text). Items with no
  votes still appear; votes for items not listed are ignored.
* ``seed`` seeds the numpy Generator of the bootstrap, so results are
  reproducible.
* ``_`` is a gettext-like callable for the ``why`` sentences (identity by
  default); see :mod:`app.ranking.why`.

Intervals are 90% (5th to 95th percentile) over
:data:`~app.ranking.stats.BOOTSTRAP_SAMPLES` resamples of participants with
replacement, computed for all items at once as ``weights @ X`` over
participant-by-item matrices; pairwise voting uses the Laplace (Gaussian)
approximation of the Bradley–Terry posterior instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np

from .bradley_terry import PairData, aggregate, fit, neg_hessian, win_chance_array
from .ballots import borda_points, is_item, pairwise_matrix, parse_ballots, sorted_items
from .condorcet import _schulze_from_matrix, condorcet_winner_from_matrix
from .scored import Ranking, assemble
from .stats import (
    bootstrap_weights,
    percentile_interval,
    wilson_lower_bound_array,
)
from .why import UNGROUPED, Translate, explain, identity

#: Rating scale used by :func:`score_rating`; quadrants split at its midpoint.
SCALE_LOW, SCALE_HIGH = 1.0, 5.0
SCALE_MID = (SCALE_LOW + SCALE_HIGH) / 2
#: Default regularisation of :func:`score_pairwise` (penalty alpha * sum(t**2)).
PAIRWISE_ALPHA = 0.1
#: An idea is "divisive" (agree voting) when group shares differ by this much.
DIVISIVE_SPREAD = 0.3
#: ... counting only groups in which at least this many people saw it.
DIVISIVE_MIN_SEEN = 2


# --------------------------------------------------------------------------- #
# shared plumbing


@dataclass(frozen=True)
class _Room:
    """Participants who voted, their groups, and resampling weights."""

    pids: list
    index: dict
    names: list  # group names, display order
    membership: np.ndarray  # participants x groups, one-hot floats
    turnout: np.ndarray  # per group (only groups with voters)
    turnout_by_group: dict  # every group named in `groups`, 0 if nobody voted

    def locate(self, pids: Sequence) -> np.ndarray:
        index = self.index
        return np.fromiter((index[p] for p in pids), dtype=np.int64, count=len(pids))

    def group_members(self) -> np.ndarray:
        return self.membership.T  # groups x participants


def _room(pids: Iterable, groups: Mapping, _: Translate) -> _Room:
    pids = sorted_items(pids)
    index = {p: i for i, p in enumerate(pids)}
    default = _(UNGROUPED)
    labels = [str(groups.get(p, default)) for p in pids]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    names = sorted(counts, key=lambda g: (-counts[g], g))
    gindex = {g: k for k, g in enumerate(names)}
    membership = np.zeros((len(pids), len(names)))
    if pids:
        membership[np.arange(len(pids)), [gindex[g] for g in labels]] = 1.0
    everyone = {str(g): 0 for g in groups.values()}
    everyone.update(counts)
    by_group = {g: everyone[g] for g in sorted(everyone, key=lambda g: (-everyone[g], g))}
    turnout = np.array([counts[g] for g in names], dtype=np.int64)
    return _Room(pids, index, names, membership, turnout, by_group)


def _items(items: Sequence) -> tuple[list, dict]:
    items = list(items)
    index = {x: i for i, x in enumerate(items)}
    if len(index) != len(items):
        raise ValueError("items must not repeat")
    return items, index


def _interval(rng, per_participant: np.ndarray, statistic=None):
    """Bootstrap interval of ``statistic(weights @ per_participant)``."""
    weights = bootstrap_weights(per_participant.shape[0], rng)
    boot = weights @ per_participant
    if statistic is not None:
        boot = statistic(boot)
    return percentile_interval(boot)


def _whole(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Real) or value != int(value):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{what} cannot be negative, got {value!r}")
    return int(value)


def _group_triples(room: _Room, counts: np.ndarray, i: int) -> list:
    """``[(group, n, turnout), ...]`` for item ``i`` from a groups x items count matrix."""
    return [
        (name, int(counts[g, i]), int(room.turnout[g])) for g, name in enumerate(room.names)
    ]


# --------------------------------------------------------------------------- #
# dots


def score_dots(votes: Iterable, groups: Mapping, items: Sequence, *, seed=0, _: Translate = identity) -> Ranking:
    """Dot voting: score = total dots.

    ``votes`` is an iterable of ``(participant_id, item, dots)`` (rows for
    the same participant and item add up). Ties in dots are broken by the
    number of distinct supporters, then by group consensus of support
    (:func:`~app.ranking.stats.group_consensus` over groups of
    ``(supporters, turnout)``); items equal on all three share a rank.
    ``votes`` in each row = distinct supporters; ``by_group`` = dots from
    each group. ``extra``: ``supporters`` and ``consensus`` per item.
    """
    items, index = _items(items)
    pids, cols, dots = [], [], []
    for pid, item, value in votes:
        i = index.get(item)
        if i is None:
            continue
        pids.append(pid)
        cols.append(i)
        dots.append(_whole(value, "dots"))
    room = _room(pids, groups, _)
    matrix = np.zeros((len(room.pids), len(items)))
    np.add.at(matrix, (room.locate(pids), np.asarray(cols, dtype=np.int64)), dots)

    total = matrix.sum(axis=0)
    support = (matrix > 0).astype(np.float64)
    supporters = support.sum(axis=0)
    group_support = room.group_members() @ support
    group_dots = room.group_members() @ matrix
    consensus = np.prod(
        (group_support + 1.0) / (room.turnout[:, None] + 2.0), axis=0
    ) if len(room.names) else np.ones(len(items))
    low, high = _interval(np.random.default_rng(seed), matrix)
    by_group = [
        {name: float(group_dots[g, i]) for g, name in enumerate(room.names)}
        for i in range(len(items))
    ]

    def why(i, rank, shared):
        facts = {"rank": rank, "shared": shared, "groups": _group_triples(room, group_support, i)}
        return explain("dots", facts, _)

    keys = [(total[i], supporters[i], consensus[i]) for i in range(len(items))]
    extra = {
        "supporters": {x: int(supporters[i]) for i, x in enumerate(items)},
        "consensus": {x: float(consensus[i]) for i, x in enumerate(items)},
    }
    return assemble("dots", items, keys, total, low, high, supporters, by_group, why,
                    len(room.pids), room.turnout_by_group, extra)


# --------------------------------------------------------------------------- #
# approval


def score_approval(votes: Iterable, groups: Mapping, items: Sequence, *, voters=None, seed=0,
                   _: Translate = identity) -> Ranking:
    """Approval voting: score = Wilson lower bound (z = 1.96) of the share approving.

    ``votes`` is an iterable of ``(participant_id, item)`` approvals
    (repeats count once). ``voters`` is the set of participants who took
    part, approving or not; the share of every item is out of all of them
    (default: everyone appearing in ``votes``; anyone approving is added).
    Ties in the bound (equal approvals) share a rank. ``votes`` per row =
    approvals; ``by_group`` = the Wilson bound within each group.
    ``extra["share"]``: plain share approving.
    """
    items, index = _items(items)
    pids, cols = [], []
    for pid, item in votes:
        i = index.get(item)
        if i is not None:
            pids.append(pid)
            cols.append(i)
    everyone = set(pids) | set(voters or ())
    room = _room(everyone, groups, _)
    n = len(room.pids)
    matrix = np.zeros((n, len(items)))
    matrix[room.locate(pids), np.asarray(cols, dtype=np.int64)] = 1.0

    approvals = matrix.sum(axis=0)
    score = wilson_lower_bound_array(approvals, n)
    group_approvals = room.group_members() @ matrix
    group_score = wilson_lower_bound_array(group_approvals, room.turnout[:, None])
    low, high = _interval(np.random.default_rng(seed), matrix,
                          lambda boot: wilson_lower_bound_array(boot, n))
    by_group = [
        {name: float(group_score[g, i]) for g, name in enumerate(room.names)}
        for i in range(len(items))
    ]

    def why(i, rank, shared):
        facts = {"rank": rank, "shared": shared,
                 "groups": _group_triples(room, group_approvals, i)}
        return explain("approval", facts, _)

    keys = [(score[i], approvals[i]) for i in range(len(items))]
    extra = {"share": {x: (float(approvals[i] / n) if n else 0.0) for i, x in enumerate(items)}}
    return assemble("approval", items, keys, score, low, high, approvals, by_group, why,
                    n, room.turnout_by_group, extra)


# --------------------------------------------------------------------------- #
# rating


@dataclass(frozen=True)
class Criterion:
    """A rating criterion.

    ``axis`` is ``"impact"``, ``"effort"`` or ``None``. ``higher_is_better``
    says which end of the 1..5 scale is good; when not given it is False for
    effort criteria ("cost to run": a high cost is bad) and True otherwise.
    The composite uses the *goodness* of each criterion: the rating, or
    ``6 - rating`` when higher is worse. For the quadrants, impact is the
    goodness of the impact criteria and effort is ``6 - goodness`` of the
    effort criteria (so an effort criterion phrased "ease", with
    ``higher_is_better=True``, also works).
    """

    name: str
    weight: float = 1.0
    axis: str | None = None
    higher_is_better: bool | None = None

    def __post_init__(self):
        if self.axis not in ("impact", "effort", None):
            raise ValueError(f"criterion {self.name!r}: axis must be 'impact', 'effort' or None")
        if not self.weight >= 0:
            raise ValueError(f"criterion {self.name!r}: weight must be >= 0")
        if self.higher_is_better is None:
            object.__setattr__(self, "higher_is_better", self.axis != "effort")


def criterion(spec) -> Criterion:
    """A :class:`Criterion` from a Criterion, dict, ``(name, weight, axis[, higher_is_better])`` or name."""
    if isinstance(spec, Criterion):
        return spec
    if isinstance(spec, str):
        return Criterion(spec)
    if isinstance(spec, Mapping):
        return Criterion(
            str(spec["name"]),
            float(spec.get("weight", 1.0)),
            spec.get("axis"),
            spec.get("higher_is_better"),
        )
    spec = tuple(spec)
    if not 1 <= len(spec) <= 4:
        raise ValueError(f"a criterion is (name, weight, axis[, higher_is_better]), got {spec!r}")
    name, *rest = spec
    weight = float(rest[0]) if len(rest) > 0 else 1.0
    axis = rest[1] if len(rest) > 1 else None
    better = rest[2] if len(rest) > 2 else None
    return Criterion(str(name), weight, axis, better)


def quadrant(impact: float, effort: float) -> str:
    """Impact/effort quadrant; "high" means strictly above the scale midpoint (3)."""
    high_impact = impact > SCALE_MID
    high_effort = effort > SCALE_MID
    if high_impact:
        return "big bet" if high_effort else "quick win"
    return "money pit" if high_effort else "fill-in"


def score_rating(ratings: Iterable, groups: Mapping, items: Sequence, criteria: Sequence, *,
                 prior_weight=2.0, seed=0, prior_mean=SCALE_MID, _: Translate = identity) -> Ranking:
    """Rating on criteria: score = weighted composite of Bayesian averages, 1..5.

    ``ratings`` is an iterable of ``(participant_id, item, criterion,
    value)`` with value in 1..5; a participant's later rating of the same
    item and criterion replaces the earlier one. ``criteria`` lists
    :func:`criterion` specs ``(name, weight, axis)``; unknown criterion
    names raise ``ValueError``.

    Per item and criterion the average is Bayesian: ``prior_weight``
    phantom ratings of ``prior_mean`` (the neutral middle, 3) plus the real
    ones, so a couple of enthusiastic ratings do not beat many solid ones.
    The composite is the weight-averaged goodness (see :class:`Criterion`).
    Ties in the composite are broken by the number of raters.

    ``extra``: ``criteria`` (item -> {criterion: average}), and when there
    are impact and effort criteria ``impact``, ``effort`` and ``quadrants``
    (item -> "quick win" | "big bet" | "fill-in" | "money pit", split at 3).
    """
    items, index = _items(items)
    crits = [criterion(c) for c in criteria]
    if not crits:
        raise ValueError("score_rating needs at least one criterion")
    cindex = {c.name: k for k, c in enumerate(crits)}
    if len(cindex) != len(crits):
        raise ValueError("criteria names must not repeat")
    weights = np.array([c.weight for c in crits])
    if weights.sum() <= 0:
        raise ValueError("criteria weights must not all be 0")
    n_items, n_crit = len(items), len(crits)

    latest: dict = {}
    for pid, item, name, value in ratings:
        k = cindex.get(name)
        if k is None:
            raise ValueError(f"rating for unknown criterion {name!r}")
        i = index.get(item)
        if i is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Real) or not (
            SCALE_LOW <= value <= SCALE_HIGH
        ):
            raise ValueError(f"a rating must be a number from 1 to 5, got {value!r}")
        latest[pid, i, k] = float(value)

    room = _room({key[0] for key in latest}, groups, _)
    n = len(room.pids)
    width = n_items * n_crit
    sums = np.zeros((n, width))
    counts = np.zeros((n, width))
    if latest:
        keys = list(latest)
        rows = room.locate([key[0] for key in keys])
        cols = np.fromiter((key[1] * n_crit + key[2] for key in keys), dtype=np.int64,
                           count=len(keys))
        sums[rows, cols] = list(latest.values())
        counts[rows, cols] = 1.0

    better = np.array([c.higher_is_better for c in crits])
    impact_w = np.array([c.weight if c.axis == "impact" else 0.0 for c in crits])
    effort_w = np.array([c.weight if c.axis == "effort" else 0.0 for c in crits])
    has_impact = any(c.axis == "impact" for c in crits)
    has_effort = any(c.axis == "effort" for c in crits)
    if has_impact and impact_w.sum() == 0:
        impact_w = np.array([1.0 if c.axis == "impact" else 0.0 for c in crits])
    if has_effort and effort_w.sum() == 0:
        effort_w = np.array([1.0 if c.axis == "effort" else 0.0 for c in crits])

    def averages(s, k):
        """Bayesian averages, shape (..., items, criteria)."""
        denominator = prior_weight + k
        numerator = prior_weight * prior_mean + s
        out = np.divide(numerator, denominator, out=np.full(np.shape(s), float(prior_mean)),
                        where=denominator > 0)
        return out.reshape(out.shape[:-1] + (n_items, n_crit))

    def goodness(avg):
        return np.where(better, avg, SCALE_LOW + SCALE_HIGH - avg)

    def composite(avg):
        return goodness(avg) @ weights / weights.sum()

    avg = averages(sums.sum(axis=0), counts.sum(axis=0))
    score = composite(avg)
    low, high = _interval(
        np.random.default_rng(seed), np.hstack([sums, counts]),
        lambda boot: composite(averages(boot[:, :width], boot[:, width:])),
    )
    members = room.group_members()
    group_score = composite(averages(members @ sums, members @ counts))  # groups x items
    rated = (counts.reshape(n, n_items, n_crit).sum(axis=2) > 0).astype(np.float64)
    raters = rated.sum(axis=0)
    group_raters = members @ rated

    extra: dict = {
        "criteria": {
            x: {c.name: float(avg[i, k]) for k, c in enumerate(crits)} for i, x in enumerate(items)
        }
    }
    quadrants: dict = {}
    if has_impact and has_effort:
        good = goodness(avg)
        impact = good @ impact_w / impact_w.sum()
        effort = (SCALE_LOW + SCALE_HIGH) - good @ effort_w / effort_w.sum()
        quadrants = {x: quadrant(impact[i], effort[i]) for i, x in enumerate(items)}
        extra["impact"] = {x: float(impact[i]) for i, x in enumerate(items)}
        extra["effort"] = {x: float(effort[i]) for i, x in enumerate(items)}
        extra["quadrants"] = quadrants

    by_group = [
        {name: float(group_score[g, i]) for g, name in enumerate(room.names)}
        for i in range(n_items)
    ]

    def why(i, rank, shared):
        facts = {"rank": rank, "shared": shared, "overall": float(score[i]),
                 "quadrant": quadrants.get(items[i]),
                 "groups": _group_triples(room, group_raters, i)}
        return explain("rating", facts, _)

    keys = [(score[i], raters[i]) for i in range(n_items)]
    return assemble("rating", items, keys, score, low, high, raters, by_group, why,
                    n, room.turnout_by_group, extra)


# --------------------------------------------------------------------------- #
# pairwise


def _laplace_draws(data: PairData, theta: np.ndarray, alpha: float, rng, size: int):
    """Draws from the Gaussian (Laplace) approximation of the posterior of ``theta``."""
    hessian = neg_hessian(data, theta, alpha)
    values, vectors = np.linalg.eigh(hessian)
    keep = values > values.max() * 1e-12 if len(values) else values > 0
    scale = vectors[:, keep] / np.sqrt(values[keep])
    z = rng.standard_normal((size, int(keep.sum())))
    return theta + z @ scale.T


def score_pairwise(answers: Iterable, groups: Mapping, items: Sequence, *, alpha=PAIRWISE_ALPHA,
                   seed=0, _: Translate = identity) -> Ranking:
    """Pairwise ("which is better?") voting: score = 100 x Bradley–Terry win chance.

    ``answers`` is an iterable of ``(participant_id, winner_or_None, left,
    right)``; ``None`` means "can't decide": no win for either, but a view
    of both. Strengths are fitted with light regularisation ``alpha``
    (:func:`~app.ranking.bradley_terry.bradley_terry`), so ideas with few
    or one-sided comparisons still get finite scores near the middle. The
    score is each idea's chance, 0–100, of beating a randomly chosen other
    idea (All Our Ideas' score); the interval comes from the Laplace
    approximation of the posterior (200 draws). ``votes`` per row =
    comparisons it appeared in; ``by_group`` = the same score fitted on
    each group's answers. ``extra``: ``theta`` (log-strengths),
    ``comparisons`` and ``undecided`` counts.
    """
    items, index = _items(items)
    n_items = len(items)
    pids, winners, losers, decided_pids = [], [], [], []
    views = np.zeros(n_items, dtype=np.int64)
    undecided = 0
    for pid, winner, left, right in answers:
        li, ri = index.get(left), index.get(right)
        if li is None or ri is None:
            continue
        if li == ri:
            raise ValueError(f"an idea cannot be compared with itself: {left!r}")
        views[li] += 1
        views[ri] += 1
        pids.append(pid)
        if winner is None:
            undecided += 1
            continue
        if winner == left:
            won, lost = li, ri
        elif winner == right:
            won, lost = ri, li
        else:
            raise ValueError(f"winner {winner!r} is neither {left!r} nor {right!r}")
        winners.append(won)
        losers.append(lost)
        decided_pids.append(pid)
    room = _room(pids, groups, _)
    winners_a = np.asarray(winners, dtype=np.int64)
    losers_a = np.asarray(losers, dtype=np.int64)

    data = aggregate(n_items, winners_a, losers_a)
    theta = fit(data, float(alpha), items)
    score = 100.0 * win_chance_array(theta)
    rng = np.random.default_rng(seed)
    if n_items >= 2:
        draws = _laplace_draws(data, theta, float(alpha), rng, 200)
        low, high = percentile_interval(100.0 * win_chance_array(draws))
    else:
        low, high = score.copy(), score.copy()

    group_of = {p: room.names[int(np.argmax(row))] for p, row in zip(room.pids, room.membership)}
    decided_groups = np.array([group_of[p] for p in decided_pids], dtype=object)
    group_scores, group_seen = {}, {}
    for name in room.names:
        mask = decided_groups == name if len(decided_groups) else np.zeros(0, dtype=bool)
        gdata = aggregate(n_items, winners_a[mask], losers_a[mask])
        group_scores[name] = 100.0 * win_chance_array(fit(gdata, float(alpha), items))
        group_seen[name] = np.bincount(gdata.a, minlength=n_items) + np.bincount(
            gdata.b, minlength=n_items)
    by_group = [
        {name: float(group_scores[name][i]) for name in room.names} for i in range(n_items)
    ]

    def why(i, rank, shared):
        facts = {"rank": rank, "shared": shared, "percent": float(score[i]),
                 "comparisons": int(views[i]),
                 "group_percent": {name: float(group_scores[name][i])
                                   for name in room.names if group_seen[name][i]}}
        return explain("pairwise", facts, _)

    # Rounded so that ideas the data cannot tell apart (equal strengths up to
    # the fit's precision) share a rank.
    keys = [(round(float(score[i]), 9),) for i in range(n_items)]
    extra = {
        "theta": {x: float(theta[i]) for i, x in enumerate(items)},
        "comparisons": len(pids),
        "undecided": undecided,
    }
    return assemble("pairwise", items, keys, score, low, high, views, by_group, why,
                    len(room.pids), room.turnout_by_group, extra)


# --------------------------------------------------------------------------- #
# ranked


def score_ranked(ballots: Iterable, groups: Mapping, items: Sequence, *, seed=0,
                 _: Translate = identity) -> Ranking:
    """Ranked voting: Schulze order, Borda points as the score.

    ``ballots`` is an iterable of ``(participant_id, ranking)`` with
    ``ranking`` an ordered list of items, best first (top k; items left out
    rank below, tied). A participant's last ballot counts. Ranks follow the
    Schulze tiers; ideas Schulze leaves tied are separated by Borda points,
    and ideas equal on both share a rank. ``votes`` per row = ballots naming
    it; ``by_group`` = Borda points from each group. ``extra``:
    ``condorcet_winner`` (the idea beating every other head to head, or
    None) and ``schulze`` (the tiers).
    """
    items, index = _items(items)
    latest: dict = {}
    for pid, ranking in ballots:
        if is_item(ranking):
            raise ValueError(f"a ranking must be a list of items, got {ranking!r}")
        kept = []
        for element in ranking:
            if is_item(element):
                if element in index:
                    kept.append(element)
            else:
                group = [x for x in element if x in index]
                if group:
                    kept.append(group)
        latest[pid] = kept
    room = _room(latest, groups, _)
    profile = parse_ballots([(1, latest[p]) for p in room.pids], items)
    matrix = pairwise_matrix(profile)
    tiers = _schulze_from_matrix(matrix, items)
    tier_of = {x: t for t, tier in enumerate(tiers) for x in tier}
    points = borda_points(profile)  # participants x items
    score = points.sum(axis=0) if len(points) else np.zeros(len(items))
    low, high = _interval(np.random.default_rng(seed), points)
    members = room.group_members()
    group_points = members @ points
    named = (profile.levels < len(items)).astype(np.float64)
    ballots_naming = named.sum(axis=0)
    group_named = members @ named
    winner = condorcet_winner_from_matrix(matrix, items) if room.pids else None
    by_group = [
        {name: float(group_points[g, i]) for g, name in enumerate(room.names)}
        for i in range(len(items))
    ]

    def why(i, rank, shared):
        facts = {"rank": rank, "shared": shared, "condorcet": items[i] == winner,
                 "groups": _group_triples(room, group_named, i)}
        return explain("ranked", facts, _)

    keys = [(-tier_of[x], score[i]) for i, x in enumerate(items)]
    extra = {"condorcet_winner": winner, "schulze": tiers}
    return assemble("ranked", items, keys, score, low, high, ballots_naming, by_group, why,
                    len(room.pids), room.turnout_by_group, extra)


# --------------------------------------------------------------------------- #
# agree / disagree


_AGREE_VALUES = {"agree": 1, "disagree": -1, "pass": 0, 1: 1, -1: -1, 0: 0}


def score_agree(answers: Iterable, groups: Mapping, items: Sequence, *, seed=0,
                _: Translate = identity) -> Ranking:
    """Agree/disagree/pass statements: score = share agreeing among those who saw it.

    ``answers`` is an iterable of ``(participant_id, item, value)`` with
    value ``"agree"``, ``"disagree"``, ``"pass"`` (or +1, -1, 0); a later
    answer replaces an earlier one. Passing counts as seen. Ranks follow
    Pol.is group-informed consensus first (product over groups of
    ``(agrees + 1) / (seen + 2)``), then the share, then how many saw it;
    ideas nobody has seen yet come last (the formula alone would give them
    a middling 1/2 per group).
    ``votes`` per row = people who saw it; ``by_group`` = share agreeing
    in each group that saw it. ``extra``: ``consensus`` per item,
    ``divisive`` (ideas whose agreement differs between groups by at least
    :data:`DIVISIVE_SPREAD`, counting groups where at least
    :data:`DIVISIVE_MIN_SEEN` saw it; most divisive first) and ``spread``.
    """
    items, index = _items(items)
    latest: dict = {}
    for pid, item, value in answers:
        try:
            code = _AGREE_VALUES[value.lower() if isinstance(value, str) else value]
        except (KeyError, TypeError):
            raise ValueError(f"an answer must be agree, disagree or pass, got {value!r}") from None
        i = index.get(item)
        if i is not None:
            latest[pid, i] = code
    room = _room({key[0] for key in latest}, groups, _)
    n = len(room.pids)
    agree = np.zeros((n, len(items)))
    seen = np.zeros((n, len(items)))
    if latest:
        keys = list(latest)
        rows = room.locate([key[0] for key in keys])
        cols = np.fromiter((key[1] for key in keys), dtype=np.int64, count=len(keys))
        seen[rows, cols] = 1.0
        agree[rows, cols] = np.fromiter(latest.values(), dtype=np.float64, count=len(keys)) > 0

    def share(a, s):
        return np.divide(a, s, out=np.zeros(np.shape(a)), where=s > 0)

    agrees, seens = agree.sum(axis=0), seen.sum(axis=0)
    score = share(agrees, seens)
    low, high = _interval(
        np.random.default_rng(seed), np.hstack([agree, seen]),
        lambda boot: share(boot[:, :len(items)], boot[:, len(items):]),
    )
    members = room.group_members()
    group_agree, group_seen = members @ agree, members @ seen
    group_share = share(group_agree, group_seen)
    consensus = np.prod((group_agree + 1.0) / (group_seen + 2.0), axis=0) if n else np.ones(
        len(items))

    spread = {}
    for i, x in enumerate(items):
        enough = group_seen[:, i] >= DIVISIVE_MIN_SEEN
        if enough.sum() >= 2:
            values = group_share[enough, i]
            spread[x] = float(values.max() - values.min())
    divisive = sorted((x for x in spread if spread[x] >= DIVISIVE_SPREAD),
                      key=lambda x: -spread[x])
    by_group = [
        {name: float(group_share[g, i]) for g, name in enumerate(room.names) if group_seen[g, i]}
        for i in range(len(items))
    ]

    def why(i, rank, shared):
        triples = [(name, int(group_agree[g, i]), int(group_seen[g, i]))
                   for g, name in enumerate(room.names)]
        return explain("agree", {"rank": rank, "shared": shared, "groups": triples}, _)

    keys = [(float(seens[i] > 0), consensus[i], score[i], seens[i]) for i in range(len(items))]
    extra = {
        "consensus": {x: float(consensus[i]) for i, x in enumerate(items)},
        "divisive": divisive,
        "spread": spread,
    }
    return assemble("agree", items, keys, score, low, high, seens, by_group, why,
                    n, room.turnout_by_group, extra)
