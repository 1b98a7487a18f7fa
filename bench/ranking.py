"""Ranking engine benchmark: app.ranking against the reference libraries, on the same data.

    .venv/bin/python bench/ranking.py            # the issue's sizes (votelib part takes ~1 min)
    .venv/bin/python bench/ranking.py --quick    # smaller sizes, a quick look

Prints, in one run:

1. bradley_terry against choix.ilsr_pairwise (100 items / 10,000 comparisons and
   1,000 / 100,000): time ratio and the max difference of centred log-strengths.
   Goal: at least 5x faster, agreeing within 1e-4.
2. schulze against votelib (RankedToCondorcetVotes + Schulze) on 300 candidates and
   10,000 ranked ballots. Goal: at least 20x faster, identical order.
3. A full Ranking with 90% intervals for 200 ideas and 500 participants, per voting
   method. Goal: under 0.5 s.

Timings are wall-clock, best of a few runs for the fast side (one run for the slow
reference where it takes seconds). choix and votelib are test/bench extras.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import choix  # noqa: E402
import votelib.convert  # noqa: E402
import votelib.evaluate.condorcet as condorcet  # noqa: E402

from app.ranking import (  # noqa: E402
    bradley_terry,
    next_pair,
    schulze,
    score_agree,
    score_approval,
    score_dots,
    score_pairwise,
    score_ranked,
    score_rating,
)


def best_of(fn, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


# --------------------------------------------------------------------------- #
# 1. Bradley-Terry


def bt_data(rng, n, m):
    theta = rng.normal(0.0, 1.0, n)
    a = rng.integers(0, n, m)
    b = rng.integers(0, n - 1, m)
    b = np.where(b >= a, b + 1, b)
    a_wins = rng.random(m) < 1.0 / (1.0 + np.exp(theta[b] - theta[a]))
    return np.where(a_wins, a, b), np.where(a_wins, b, a)


def bench_bradley_terry(sizes):
    print("1. Bradley-Terry: app.ranking.bradley_terry vs choix.ilsr_pairwise (alpha = 0)")
    print(f"   {'items':>6} {'comparisons':>12} {'ours s':>9} {'choix s':>9} {'speed-up':>9} "
          f"{'max |diff|':>11}  goal (>= 5x, <= 1e-4)")
    rng = np.random.default_rng(2024)
    for n, m in sizes:
        winners, losers = bt_data(rng, n, m)
        names = [f"idea{i}" for i in range(n)]
        # Ours is timed end to end from (winner, loser) id strings; choix gets
        # the integer pairs it needs.
        pairs = [(names[w], names[l]) for w, l in zip(winners.tolist(), losers.tolist())]
        index_pairs = list(zip(winners.tolist(), losers.tolist()))
        ours_s, ours = best_of(lambda: bradley_terry(pairs, items=names), 3)
        theirs_s, theirs = best_of(lambda: choix.ilsr_pairwise(n, index_pairs), 1 if n >= 1000 else 3)
        theirs = theirs - theirs.mean()
        diff = float(np.max(np.abs(np.array([ours[x] for x in names]) - theirs)))
        ratio = theirs_s / ours_s
        print(f"   {n:>6} {m:>12,} {ours_s:>9.3f} {theirs_s:>9.3f} {ratio:>8.1f}x {diff:>11.2e}  "
              f"{verdict(ratio >= 5 and diff <= 1e-4)}")


# --------------------------------------------------------------------------- #
# 2. Schulze


def ranked_ballots(rng, n, count, max_len):
    """Top-k ballots (k uniform in 1..max_len) from noisy views of a latent order."""
    quality = np.linspace(2.0, 0.0, n)
    cands = [f"c{i:03d}" for i in range(n)]
    ballots = []
    for _ in range(count):
        k = int(rng.integers(1, max_len + 1))
        order = np.argsort(-(quality + rng.normal(0.0, 1.0, n)))[:k]
        ballots.append((1, [cands[i] for i in order]))
    return cands, ballots


def bench_schulze(n, count, max_len):
    print(f"\n2. Schulze: app.ranking.schulze vs votelib on {n} candidates, {count:,} ballots "
          f"(each ranks its top k, k = 1..{max_len}; the rest tie below)")
    rng = np.random.default_rng(7)
    cands, ballots = ranked_ballots(rng, n, count, max_len)
    never = n - len({x for _c, r in ballots for x in r})
    if never:  # votelib only knows candidates some ballot names
        print(f"   warning: {never} candidates never named; votelib will not see them")
    ours_s, tiers = best_of(lambda: schulze(ballots, cands), 3)

    def with_votelib():
        votes = {}
        for c, ranking in ballots:
            votes[tuple(ranking)] = votes.get(tuple(ranking), 0) + c
        counts = votelib.convert.RankedToCondorcetVotes(unranked_at_bottom=True).convert(votes)
        # The body of votelib's Schulze.evaluate, kept apart so that its scores
        # (beatpath wins) give tiers to compare with ours, ties included.
        paths = condorcet.Schulze.widest_paths(counts)
        scores = dict.fromkeys(cands, 0)
        for winner, _loser in condorcet.pairwise_wins(paths):
            scores[winner] += 1
        return scores

    theirs_s, scores = best_of(with_votelib, 1)
    theirs = [sorted(x for x in cands if scores[x] == v)
              for v in sorted(set(scores.values()), reverse=True)]
    same = [sorted(t) for t in tiers] == theirs
    strict = all(len(t) == 1 for t in tiers)
    ratio = theirs_s / ours_s
    print(f"   ours {ours_s:.3f} s, votelib {theirs_s:.1f} s: {ratio:.0f}x faster; "
          f"{len(tiers)} tiers ({'strict' if strict else 'with ties'}); identical order: {same}  "
          f"goal (>= 20x, identical): {verdict(ratio >= 20 and same)}")
    cands, full = ranked_ballots(np.random.default_rng(8), n, count, n)
    full = [(1, r) for _c, r in full if len(r) == n][: count]
    while len(full) < count:  # complete rankings only
        order = np.argsort(-(np.linspace(3, 0, n) + rng.normal(0, 1, n)))
        full.append((1, [cands[i] for i in order]))
    full_s, _tiers = best_of(lambda: schulze(full, cands), 1)
    print(f"   (ours alone on {count:,} complete rankings of {n}: {full_s:.2f} s; votelib would "
          f"need ~{count * 0.0376:.0f} s just to count those ballots, so it is not run)")


# --------------------------------------------------------------------------- #
# 3. A full Ranking per method


def room(rng, n_ideas, n_people):
    ideas = [str(1000 + i) for i in range(n_ideas)]
    people = [f"p{i}" for i in range(n_people)]
    groups = {p: ("residents", "staff", "partners")[int(g)]
              for p, g in zip(people, rng.choice(3, n_people, p=[0.7, 0.2, 0.1]))}
    appeal = rng.normal(0.0, 1.0, n_ideas)
    return ideas, people, groups, appeal


def pick(rng, appeal, k):
    weights = np.exp(appeal)
    return rng.choice(len(appeal), size=k, replace=False, p=weights / weights.sum())


def bench_methods(n_ideas, n_people):
    print(f"\n3. A full Ranking with 90% intervals: {n_ideas} ideas, {n_people} participants "
          "(3 groups), best of 3")
    rng = np.random.default_rng(11)
    ideas, people, groups, appeal = room(rng, n_ideas, n_people)
    workloads = {}

    dots = []
    for p in people:
        for i in pick(rng, appeal, 3):
            dots.append((p, ideas[i], int(rng.integers(1, 3))))
    workloads["dots"] = (f"{len(dots):,} dot rows", lambda: score_dots(dots, groups, ideas))

    approvals = [(p, ideas[i]) for p in people for i in pick(rng, appeal, 15)]
    workloads["approval"] = (f"{len(approvals):,} approvals",
                             lambda: score_approval(approvals, groups, ideas, voters=set(people)))

    criteria = [("impact", 2, "impact"), ("cost to run", 1, "effort"), ("fairness", 1, None)]
    ratings = []
    for p in people:
        for i in pick(rng, appeal, 20):
            for name, _w, _axis in criteria:
                value = int(np.clip(round(3 + appeal[i] + rng.normal(0, 1)), 1, 5))
                ratings.append((p, ideas[i], name, value))
    workloads["rating"] = (f"{len(ratings):,} ratings (20 ideas x 3 criteria each)",
                           lambda: score_rating(ratings, groups, ideas, criteria))

    answers = []
    for p in people:
        for _ in range(30):
            a, b = rng.choice(n_ideas, 2, replace=False)
            r = rng.random()
            win = 1 / (1 + np.exp(appeal[b] - appeal[a]))
            winner = None if r < 0.1 else (ideas[a] if r < 0.1 + 0.9 * win else ideas[b])
            answers.append((p, winner, ideas[a], ideas[b]))
    workloads["pairwise"] = (f"{len(answers):,} answers (30 each)",
                             lambda: score_pairwise(answers, groups, ideas))

    ballots = [(p, [ideas[i] for i in pick(rng, appeal, 10)]) for p in people]
    workloads["ranked"] = (f"{len(ballots):,} ballots (top 10 each)",
                           lambda: score_ranked(ballots, groups, ideas))

    agree = []
    for p in people:
        for i in rng.choice(n_ideas, 40, replace=False):
            r = rng.random()
            agree.append((p, ideas[i], "pass" if r < 0.1 else
                          ("agree" if r < 0.1 + 0.9 / (1 + np.exp(-appeal[i])) else "disagree")))
    workloads["agree"] = (f"{len(agree):,} answers (40 each)",
                          lambda: score_agree(agree, groups, ideas))

    for name, (what, run) in workloads.items():
        seconds, ranking = best_of(run, 3)
        close = sum(row.close for row in ranking)
        print(f"   {name:<9} {seconds:6.3f} s  {what:<40} top: {ranking[0].item} "
              f"[{ranking[0].low:.3g}, {ranking[0].high:.3g}], {close} rows close  "
              f"goal (< 0.5 s): {verdict(seconds < 0.5)}")

    comparisons = {}
    for _p, winner, a, b in answers:
        if winner is not None:
            loser = b if winner == a else a
            comparisons[winner, loser] = comparisons.get((winner, loser), 0) + 1
    answered = {frozenset((a, b)) for p, _w, a, b in answers if p == people[0]}
    seconds, _pair = best_of(lambda: next_pair(ideas, answered, comparisons, seed=1), 20)
    print(f"   next_pair {seconds * 1000:6.2f} ms for {n_ideas} ideas, "
          f"{len(comparisons):,} distinct (winner, loser) pairs in the room")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a quick look")
    args = parser.parse_args()
    if args.quick:
        bench_bradley_terry([(100, 10_000), (300, 30_000)])
        bench_schulze(60, 2_000, 20)
        bench_methods(100, 200)
    else:
        bench_bradley_terry([(100, 10_000), (1_000, 100_000)])
        bench_schulze(300, 10_000, 20)
        bench_methods(200, 500)


if __name__ == "__main__":
    main()
