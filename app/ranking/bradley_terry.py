"""Bradley–Terry strengths from pairwise comparisons, and the win chance they imply.

Model: ``P(i beats j) = exp(t_i) / (exp(t_i) + exp(t_j))`` with log-strengths
``t``. :func:`bradley_terry` maximises the log-likelihood minus
``alpha * sum(t**2)`` (the same penalty as ``choix.opt_pairwise``; a Gaussian
prior on ``t``). The gradient of the likelihood sums to zero, so with
``alpha > 0`` the estimate is centred by itself; with ``alpha = 0`` it is the
maximum-likelihood estimate, centred to mean 0.

The fit is Newton's method with a backtracking line search on comparison
counts aggregated into unique unordered pairs (``np.unique``/``bincount``), so
its cost grows with the number of distinct pairs, not comparisons. Small
problems solve each Newton step densely; larger ones use matrix-free
preconditioned conjugate gradients (inexact Newton), falling back to a dense
solve when the comparison graph is too poorly connected for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .ballots import sorted_items

#: Below this many items each Newton step is a dense solve (cheap there).
DENSE_BELOW = 50
#: Conjugate-gradient iterations allowed before falling back to a dense solve.
CG_PATIENCE = 250
#: Largest problem the dense fallback may take on.
DENSE_LIMIT = 4000
#: Newton stops when no log-strength moves by more than this.
TOLERANCE = 1e-10
MAX_ITERATIONS = 200


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function without overflow warnings."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@dataclass(frozen=True)
class PairData:
    """Comparisons aggregated by unordered pair ``a < b``.

    ``total[k]`` comparisons between ``a[k]`` and ``b[k]``, of which ``a[k]``
    won ``wins_a[k]``; ``wins[i]`` is item ``i``'s total wins.
    """

    n: int
    a: np.ndarray
    b: np.ndarray
    total: np.ndarray
    wins_a: np.ndarray
    wins: np.ndarray


def aggregate(n: int, winners, losers, counts=None) -> PairData:
    """Aggregate ``(winner, loser, count)`` index arrays into :class:`PairData`."""
    winners = np.asarray(winners, dtype=np.int64)
    losers = np.asarray(losers, dtype=np.int64)
    counts = (
        np.ones(len(winners), dtype=np.float64)
        if counts is None
        else np.asarray(counts, dtype=np.float64)
    )
    keep = counts > 0
    winners, losers, counts = winners[keep], losers[keep], counts[keep]
    if np.any(winners == losers):
        raise ValueError("an item cannot be compared with itself")
    lo = np.minimum(winners, losers)
    hi = np.maximum(winners, losers)
    keys, inverse = np.unique(lo * n + hi, return_inverse=True)
    total = np.bincount(inverse, weights=counts, minlength=len(keys))
    wins_a = np.bincount(inverse, weights=counts * (winners == lo), minlength=len(keys))
    wins = np.bincount(winners, weights=counts, minlength=n)
    return PairData(n, keys // n, keys % n, total, wins_a, wins)


def _dot(x: np.ndarray, y: np.ndarray) -> float:
    """Vector dot product without BLAS.

    Level-1 BLAS calls can stall for milliseconds when OpenBLAS threads wait
    for a busy core (a web server's other workers); these vectors are short.
    """
    return float(np.einsum("i,i->", x, y))


def _norm(x: np.ndarray) -> float:
    return float(np.sqrt(np.einsum("i,i->", x, x)))


def _softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` without overflow."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _objective(d: PairData, theta: np.ndarray, alpha: float) -> float:
    """Penalised log-likelihood: sum over comparisons of log P(winner beats loser)."""
    diff = theta[d.a] - theta[d.b]
    # log(e^ta + e^tb) = tb + softplus(ta - tb)
    ll = _dot(d.wins, theta) - _dot(d.total, theta[d.b] + _softplus(diff))
    return ll - alpha * _dot(theta, theta)


def _gradient_and_weights(d: PairData, theta: np.ndarray, alpha: float):
    p = sigmoid(theta[d.a] - theta[d.b])
    tp = d.total * p
    expected = np.bincount(d.a, weights=tp, minlength=d.n) + np.bincount(
        d.b, weights=d.total - tp, minlength=d.n
    )
    grad = d.wins - expected - 2.0 * alpha * theta
    return grad, tp * (1.0 - p)


def neg_hessian(d: PairData, theta: np.ndarray, alpha: float) -> np.ndarray:
    """Dense negative Hessian of the penalised log-likelihood at ``theta``."""
    _, h = _gradient_and_weights(d, theta, alpha)
    return _dense_hessian(d, h, alpha)


def _dense_hessian(d: PairData, h: np.ndarray, alpha: float) -> np.ndarray:
    n = d.n
    m = np.zeros((n, n))
    m[d.a, d.b] = -h  # pairs are unique, so plain assignment is enough
    m[d.b, d.a] = -h
    diag = np.bincount(d.a, weights=h, minlength=n) + np.bincount(d.b, weights=h, minlength=n)
    m[np.diag_indices(n)] = diag + 2.0 * alpha
    return m


def _newton_step(d: PairData, grad: np.ndarray, h: np.ndarray, alpha: float,
                 rtol: float) -> np.ndarray:
    """Solve ``H step = grad`` (H the negative Hessian) to relative residual ``rtol``."""
    n = d.n
    diag = np.bincount(d.a, weights=h, minlength=n) + np.bincount(d.b, weights=h, minlength=n)
    diag = diag + 2.0 * alpha
    # With alpha = 0 the Hessian is a graph Laplacian, singular along the
    # all-ones direction (shifting every strength changes nothing). Adding
    # c * ones(n, n) removes that null space; because the gradient sums to
    # zero the solution is the Newton step with zero sum.
    shift = float(diag.mean()) / n if alpha == 0 else 0.0

    def dense():
        m = _dense_hessian(d, h, alpha)
        if shift:
            m += shift
        return np.linalg.solve(m, grad)

    if n < DENSE_BELOW:
        return dense()
    # Matrix-free conjugate gradients cost one pass over the distinct pairs
    # per iteration and converge in a few dozen on well-connected comparison
    # graphs; on badly connected ones they stall, and a dense solve (up to
    # DENSE_LIMIT items) takes over.
    step, converged = _conjugate_gradient(d, h, diag, 2.0 * alpha, shift, grad, rtol, CG_PATIENCE)
    if converged:
        return step
    if n <= DENSE_LIMIT:
        return dense()
    step, _ = _conjugate_gradient(d, h, diag, 2.0 * alpha, shift, grad, rtol, 20 * n)
    return step


def _conjugate_gradient(d, h, diag, ridge, shift, rhs, rtol, max_iter):
    """Solve ``(L + ridge * I + shift * J) x = rhs`` matrix-free, Jacobi-preconditioned.

    ``L`` is the Laplacian with pair weights ``h``; ``diag`` its diagonal
    plus ``ridge``.

    Returns ``(x, converged)``.
    """
    a, b, n = d.a, d.b, d.n

    def apply(v):
        hv = h * (v[a] - v[b])
        out = np.bincount(a, weights=hv, minlength=n) - np.bincount(b, weights=hv, minlength=n)
        if ridge:
            out += ridge * v
        if shift:
            out += shift * v.sum()
        return out

    precond = 1.0 / (diag + shift)
    x = np.zeros_like(rhs)
    r = rhs.copy()
    z = precond * r
    p = z.copy()
    rz = _dot(r, z)
    target = rtol * _norm(rhs)
    for _ in range(max_iter):
        if _norm(r) <= target:
            return x, True
        ap = apply(p)
        step = rz / _dot(p, ap)
        x += step * p
        r -= step * ap
        z = precond * r
        rz_new = _dot(r, z)
        p = z + (rz_new / rz) * p
        rz = rz_new
    return x, bool(_norm(r) <= target)


def check_mle_exists(d: PairData, names: Sequence) -> None:
    """Raise ``ValueError`` unless the maximum-likelihood estimate exists.

    It exists exactly when the "beat" graph (an edge from each winner to each
    loser) is strongly connected (Zermelo 1929; Ford 1957).
    """
    n = d.n
    if n <= 1:
        return
    hint = " Pass alpha > 0 to regularise."
    compared = np.bincount(d.a, minlength=n) + np.bincount(d.b, minlength=n)
    if np.any(compared == 0):
        item = names[int(np.nonzero(compared == 0)[0][0])]
        raise ValueError(
            f"no maximum-likelihood estimate: {item!r} was never compared." + hint
        )
    losses = np.bincount(d.a, weights=d.total - d.wins_a, minlength=n) + np.bincount(
        d.b, weights=d.wins_a, minlength=n
    )
    for label, counts in (("won", d.wins), ("lost", losses)):
        if np.any(counts == 0):
            item = names[int(np.nonzero(counts == 0)[0][0])]
            raise ValueError(
                f"no maximum-likelihood estimate: {item!r} never {label}, so its "
                "strength is infinite." + hint
            )
    a_beats_b = d.wins_a > 0
    b_beats_a = d.total - d.wins_a > 0
    src = np.concatenate([d.a[a_beats_b], d.b[b_beats_a]])
    dst = np.concatenate([d.b[a_beats_b], d.a[b_beats_a]])
    if not (_reaches_all(n, src, dst) and _reaches_all(n, dst, src)):
        raise ValueError(
            "no maximum-likelihood estimate: the comparisons split the items "
            "into groups with no win in some direction between them (the "
            "comparison graph is not strongly connected)." + hint
        )


def _reaches_all(n: int, src: np.ndarray, dst: np.ndarray) -> bool:
    order = np.argsort(src, kind="stable")
    targets = dst[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    seen = np.zeros(n, dtype=bool)
    seen[0] = True
    frontier = np.array([0])
    while len(frontier):
        parts = [targets[indptr[i]:indptr[i + 1]] for i in frontier]
        nxt = np.unique(np.concatenate(parts)) if parts else frontier[:0]
        nxt = nxt[~seen[nxt]]
        seen[nxt] = True
        frontier = nxt
    return bool(seen.all())


def fit(d: PairData, alpha: float, names: Sequence | None = None) -> np.ndarray:
    """Centred log-strengths for aggregated comparisons (see module docs)."""
    if alpha < 0:
        raise ValueError("alpha must be >= 0")
    n = d.n
    if n == 0:
        return np.zeros(0)
    if alpha == 0:
        check_mle_exists(d, names if names is not None else list(range(n)))
        if n == 1:
            return np.zeros(1)
    theta = np.zeros(n)
    value = _objective(d, theta, alpha)
    first = None
    for _ in range(MAX_ITERATIONS):
        grad, h = _gradient_and_weights(d, theta, alpha)
        norm = _norm(grad)
        first = first or norm or 1.0
        # Inexact Newton: loose solves far from the optimum, tight close to it.
        rtol = max(1e-13, min(0.1, norm / first))
        step = _newton_step(d, grad, h, alpha, rtol)
        size = float(np.max(np.abs(step))) if n else 0.0
        if size < 1e-6:
            theta = theta + step  # quadratic convergence region: full step
        else:
            slope = _dot(grad, step)
            t = 1.0
            while True:
                trial = theta + t * step
                trial_value = _objective(d, trial, alpha)
                if trial_value >= value + 1e-4 * t * slope or t < 1e-8:
                    break
                t *= 0.5
            theta, value = trial, trial_value
            size *= t
        if size < TOLERANCE:
            break
    else:  # pragma: no cover - Newton converges in a handful of steps
        raise RuntimeError("Bradley-Terry fit did not converge")
    return theta - theta.mean()


def _index_pairs(wins, items):
    if isinstance(wins, Mapping):
        pairs = list(wins.keys())
        counts = np.asarray([float(c) for c in wins.values()], dtype=np.float64)
        if np.any(counts < 0) or not np.all(np.isfinite(counts)):
            raise ValueError("win counts must be finite and non-negative")
    else:
        pairs = list(wins)
        counts = None
    for pair in pairs[:1]:
        if isinstance(pair, (str, bytes)) or len(pair) != 2:
            raise ValueError(f"a comparison must be a (winner, loser) pair, got {pair!r}")
    if items is None:
        names = sorted_items(x for pair in pairs for x in pair)
    else:
        names = list(items)
        if len(set(names)) != len(names):
            raise ValueError("items must not repeat")
    index = {x: i for i, x in enumerate(names)}
    try:
        winners = [index[w] for w, _ in pairs]
        losers = [index[l] for _, l in pairs]
    except KeyError as err:
        raise ValueError(f"comparison names {err.args[0]!r}, which is not an item") from None
    except (TypeError, ValueError):
        raise ValueError("each comparison must be a (winner, loser) pair") from None
    return names, winners, losers, counts


def bradley_terry(wins, items: Sequence | None = None, alpha: float = 0.0) -> dict:
    """Centred Bradley–Terry log-strengths: ``{item: t}`` with mean 0 (natural log).

    ``wins`` is a mapping ``(winner, loser) -> count`` or an iterable of
    ``(winner, loser)`` pairs (each counting once). ``items`` fixes the item
    set and order (default: every item in ``wins``, sorted).

    ``alpha > 0`` maximises the log-likelihood minus ``alpha * sum(t**2)``
    (as ``choix.opt_pairwise``), so sparse data — an item that never won or
    never lost, one never compared, a comparison graph in pieces — still gets
    finite scores. With ``alpha = 0`` the result is the maximum-likelihood
    estimate (agreeing with ``choix.ilsr_pairwise``), and when none exists
    (the beat graph is not strongly connected) a ``ValueError`` says why.
    """
    names, winners, losers, counts = _index_pairs(wins, items)
    data = aggregate(len(names), winners, losers, counts)
    theta = fit(data, float(alpha), names)
    return {x: float(t) for x, t in zip(names, theta)}


def win_chance_array(theta: np.ndarray) -> np.ndarray:
    """Row-wise: chance each item beats a uniformly chosen *other* item.

    ``theta`` may be 1-D (one set of strengths) or 2-D (one row per draw).
    """
    theta = np.asarray(theta, dtype=np.float64)
    n = theta.shape[-1]
    if n < 2:
        return np.full(theta.shape, 0.5)
    # sigmoid(x) = (1 + tanh(x / 2)) / 2; the diagonal contributes 1/2.
    half = theta / 2.0
    total = np.tanh(half[..., :, None] - half[..., None, :]).sum(axis=-1)
    return 0.5 + total / (2.0 * (n - 1))


def win_chance(theta: Mapping) -> dict:
    """``{item: chance}``: each item's chance (0..1) of beating a randomly chosen other item.

    ``theta`` maps items to log-strengths (as from :func:`bradley_terry`). The
    chance is the mean of ``P(i beats j)`` over every other item ``j`` — All
    Our Ideas' score divided by 100. A lone item gets 0.5.
    """
    names = list(theta)
    values = win_chance_array(np.array([float(theta[x]) for x in names]))
    return {x: float(v) for x, v in zip(names, values)}
