"""Small statistics: Wilson bound, Bayesian average, group consensus, MaxDiff, bootstrap."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

#: Resamples used for the bootstrap intervals of the method scorers.
BOOTSTRAP_SAMPLES = 200
#: Central coverage of the intervals (5th to 95th percentile).
INTERVAL_LEVEL = 0.90


def wilson_lower_bound(successes: float, n: float, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for a proportion ``successes / n``.

    ``(p + z²/2n - z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``; 0.0 when ``n``
    is 0. ``z = 1.96`` is the two-sided 95% interval (so a 97.5% one-sided
    lower bound).
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return 0.0
    return float(wilson_lower_bound_array(np.array([successes]), n, z)[0])


def wilson_lower_bound_array(successes, n, z: float = 1.96) -> np.ndarray:
    """Vectorised :func:`wilson_lower_bound` (``n`` may be an array too; 0 gives 0)."""
    s = np.asarray(successes, dtype=np.float64)
    n = np.broadcast_to(np.asarray(n, dtype=np.float64), s.shape)
    safe = np.where(n > 0, n, 1.0)
    p = s / safe
    z2 = z * z
    centre = p + z2 / (2 * safe)
    spread = z * np.sqrt(np.maximum(p * (1 - p) / safe + z2 / (4 * safe * safe), 0.0))
    bound = (centre - spread) / (1 + z2 / safe)
    return np.where(n > 0, np.clip(bound, 0.0, 1.0), 0.0)


def bayesian_average(ratings: Iterable[float], prior_mean: float, prior_weight: float) -> float:
    """``(prior_weight * prior_mean + sum(ratings)) / (prior_weight + len(ratings))``.

    The prior counts as ``prior_weight`` phantom ratings of ``prior_mean``;
    with no ratings and no prior weight the prior mean is returned.
    """
    values = [float(r) for r in ratings]
    if prior_weight < 0:
        raise ValueError("prior_weight must be >= 0")
    denominator = prior_weight + len(values)
    if denominator == 0:
        return float(prior_mean)
    return (prior_weight * prior_mean + math.fsum(values)) / denominator


def group_consensus(groups: Mapping) -> float:
    """Pol.is group-informed consensus: ``prod over groups of (agrees + 1) / (seen + 2)``.

    ``groups`` maps a group to ``(agrees, seen)``. High only when every group
    agrees; one group against pulls the product down. Empty mapping: 1.0.
    """
    result = 1.0
    for group, (agrees, seen) in groups.items():
        if agrees < 0 or seen < agrees:
            raise ValueError(f"group {group!r}: need 0 <= agrees <= seen, got {agrees}/{seen}")
        result *= (agrees + 1) / (seen + 2)
    return result


def maxdiff_counts(choices: Iterable) -> dict:
    """Best–worst (MaxDiff) counts: ``{item: times best - times worst}``.

    ``choices`` is an iterable of ``(shown_items, best, worst)``; every item
    shown appears in the result, with 0 if never picked. ``best`` and
    ``worst`` must be among the items shown and differ.
    """
    counts: dict = {}
    for shown, best, worst in choices:
        shown = list(shown)
        for item in shown:
            counts.setdefault(item, 0)
        if best not in shown or worst not in shown:
            raise ValueError(f"best {best!r} and worst {worst!r} must be among {shown!r}")
        if best == worst:
            raise ValueError(f"{best!r} cannot be both best and worst")
        counts[best] += 1
        counts[worst] -= 1
    return counts


def bootstrap_weights(n: int, rng: np.random.Generator, size: int = BOOTSTRAP_SAMPLES) -> np.ndarray:
    """Resampling participants with replacement, as counts.

    Row ``r`` says how often each of the ``n`` participants is drawn in
    resample ``r`` (``size x n``, float). Any statistic that sums over
    participants (a ``participants x items`` matrix ``X``) is then resampled
    all at once as ``weights @ X``.
    """
    if n == 0:
        return np.zeros((size, 0))
    return rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(np.float64)


def percentile_interval(samples: np.ndarray, level: float = INTERVAL_LEVEL):
    """Columnwise central interval of resampled values: ``(low, high)`` arrays."""
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail], axis=0)
    return low, high
