"""Pairwise: "which of these two is better?", as many rounds as a person likes.

Each answer is one row in `vote_pairwise` with the pair stored in order
(UNIQUE activity, participant, low, high): a person answers each pair once,
whatever the order it was shown in; "can't decide" stores no winner. The
next pair comes from `app.ranking.next_pair` (never a pair already answered,
favouring ideas seen little and pairs whose order is uncertain). Ideas added
mid-vote join the rotation, as every votable idea is eligible.

Merge rule: answers about the merged idea move to the kept one; an answer
that would compare the kept idea with itself, or repeat a pair the person
already answered, is dropped.

The room's comparisons (how often each idea beat each other one, which the
next pair's weights need) are NOT counted again on every answer: each
worker process keeps them in a `RoomTally` and adds only the answers stored
since it last looked (`id > last_id`). That is exact because:
* answers become visible in id order: SQLite writes one transaction at a
  time; on PostgreSQL a transaction-scoped advisory lock per vote, taken
  before the answer's INSERT, makes answers to one vote take their ids and
  commit in turn, so no reader sees an answer while an earlier one is
  still uncommitted;
* stored answers only change in a merge (moved, or dropped), which also
  marks the merged idea: the workshop's number of merged ideas changes and
  the tally is counted again.
The database stays the only record; the tally is a cache rebuilt from it
whenever in doubt (a new process, a merge, a deleted workshop whose
activity id came back).
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, bindparam, func, select

from app.activities.vote.core import (
    Change, VoteMethod, VoteRefused, dialect_insert, ensure_voter, prepared, register_method, run, votable_idea,
)
from app.extensions import db
from app.models import Idea, PairwiseAnswer
from app.ranking import PairCounts, score_pairwise

# pg_advisory_xact_lock(key): the high 32 bits say "pairwise answers", the low ones which vote.
ORDER_LOCK = 0x7061_6972 << 32
# Tallies kept per process (one per pairwise vote recently answered).
KEEP_TALLIES = 32
_tallies_lock = threading.Lock()


class AlreadyCompared(VoteRefused):
    """The person answered this pair before (another tab, a stale page): 409, and a fresh pair comes with it."""

    def __init__(self):
        super().__init__(_("You have already compared these two ideas: here is another pair."), 409)


_rng: dict[int, np.random.Generator] = {}


def process_rng() -> np.random.Generator:
    """One random generator per worker process, made after the fork (so workers never draw alike)."""
    pid = os.getpid()
    if pid not in _rng:
        _rng.clear()
        _rng[pid] = np.random.default_rng()
    return _rng[pid]


class RoomTally:
    """One vote's room comparisons in this process, as of answer `last_id` (see the module's docstring)."""

    __slots__ = ("key", "merged", "last_id", "counts", "lock")

    def __init__(self, key, merged: int, items):
        self.key, self.merged, self.last_id = key, merged, 0
        self.counts = PairCounts(items=items)
        self.lock = threading.Lock()

    def absorb(self, rows) -> None:
        """Add decided answers (id, low, high, winner), in id order, skipping any already added."""
        with self.lock:
            for answer_id, low, high, winner in rows:
                if answer_id > self.last_id:
                    self.counts.add(winner, high if winner == low else low)
                    self.last_id = answer_id

    def next_pair(self, items, answered):
        with self.lock:
            return self.counts.next_pair(items, answered, rng=process_rng())


def _merged_statement():
    return select(func.count(Idea.id)).where(Idea.workshop_id == bindparam("workshop_id"),
                                             Idea.merged_into_id.is_not(None))


def _since_statement():
    """The decided answers after `last_id`, in id order (index vote_pairwise (activity_id, id))."""
    return (select(PairwiseAnswer.id, PairwiseAnswer.low_id, PairwiseAnswer.high_id, PairwiseAnswer.winner_id)
            .where(PairwiseAnswer.activity_id == bindparam("activity_id"), PairwiseAnswer.id > bindparam("last_id"),
                   PairwiseAnswer.winner_id.is_not(None))
            .order_by(PairwiseAnswer.id))


def room_tally(activity, items) -> RoomTally:
    """This process's tally of the vote's room comparisons, brought up to date (two small reads)."""
    merged = run(prepared("pairwise_merged", _merged_statement), {"workshop_id": activity.workshop_id}).scalar()
    # The workshop's creation time tells a vote from one that got the id of a deleted one.
    key = (activity.id, activity.workshop.created_at)
    with _tallies_lock:
        tallies = current_app.extensions.setdefault("tandem_pairwise_tallies", OrderedDict())
        tally = tallies.get(activity.id)
        if tally is None or tally.key != key or tally.merged != merged:
            tally = tallies[activity.id] = RoomTally(key, merged, items)
            while len(tallies) > KEEP_TALLIES:
                tallies.popitem(last=False)
        else:
            tallies.move_to_end(activity.id)
    tally.absorb(run(prepared("pairwise_since", _since_statement),
                     {"activity_id": activity.id, "last_id": tally.last_id}).all())
    return tally


def answered_pairs(activity, participant) -> list[tuple[int, int]]:
    return run(prepared("pairwise_answered", lambda: select(PairwiseAnswer.low_id, PairwiseAnswer.high_id).where(
        PairwiseAnswer.activity_id == bindparam("activity_id"),
        PairwiseAnswer.participant_id == bindparam("participant_id"))),
        {"activity_id": activity.id, "participant_id": participant.id}).all()


def votable_ids(activity) -> list[int]:
    """The ids of the ideas `ranked_ideas` gives, without loading 200 ideas for the two shown."""
    return run(prepared("pairwise_votable", lambda: select(Idea.id).where(
        Idea.workshop_id == bindparam("workshop_id"), Idea.hidden.is_(False), Idea.merged_into_id.is_(None))
        .order_by(Idea.id)), {"workshop_id": activity.workshop_id}).scalars().all()


class PairIdea:
    """What the pairwise box shows of an idea."""

    __slots__ = ("id", "title", "description")

    def __init__(self, id, title, description):  # noqa: A002
        self.id, self.title, self.description = id, title, description


def shown_ideas(pair) -> tuple[PairIdea, PairIdea]:
    rows = run(prepared("pairwise_shown", lambda: select(Idea.id, Idea.title, Idea.description).where(
        Idea.id.in_([bindparam("left"), bindparam("right")]))), {"left": pair[0], "right": pair[1]}).all()
    ideas = {row.id: PairIdea(*row) for row in rows}
    return ideas[pair[0]], ideas[pair[1]]


def _answer_statement():
    return (dialect_insert(PairwiseAnswer)
            .on_conflict_do_nothing(index_elements=["activity_id", "participant_id", "low_id", "high_id"])
            .returning(PairwiseAnswer.id))


def _order_lock_statement():
    return select(func.pg_advisory_xact_lock(bindparam("lock_key", type_=BigInteger)))


class PairwiseMethod(VoteMethod):
    key = "pairwise"
    template = "vote/methods/_pairwise.html"
    defaults = {}

    def label(self):
        return _l("Pairwise")

    def pair_for(self, activity, participant, idea_ids: list[int], ideas: dict | None = None) -> dict:
        """The participant's next pair (two ideas, or None when every pair is answered) and rounds done.

        `ideas` (id -> Idea), when the caller has them loaded, saves reading the two shown.
        """
        answered = answered_pairs(activity, participant)
        pair = room_tally(activity, idea_ids).next_pair(idea_ids, answered)
        if pair is not None:
            pair = (ideas[pair[0]], ideas[pair[1]]) if ideas else shown_ideas(pair)
        return {"pair": pair, "rounds_done": len(answered)}

    def phone_context(self, activity, participant, ideas, settings):
        return self.pair_for(activity, participant, [idea.id for idea in ideas], {idea.id: idea for idea in ideas})

    def parse(self, activity, form, settings):
        left = votable_idea(activity, form.get("left"))
        right = votable_idea(activity, form.get("right"))
        if left.id == right.id:
            raise VoteRefused(_("Choose one of the ideas."))
        choice = (form.get("choice") or "").strip()
        if choice in ("none", "undecided"):
            winner = None
        elif choice in (str(left.id), str(right.id)):
            winner = int(choice)
        else:
            raise VoteRefused(_("Choose one of the two ideas, or “Can't decide”."))
        low, high = sorted((left.id, right.id))
        return Change(winner, 1, (low, high))

    def apply(self, activity, participant, change, settings):
        if db.engine.dialect.name == "postgresql":  # answers to one vote get their ids in commit order
            run(prepared("pairwise_order", _order_lock_statement), {"lock_key": ORDER_LOCK | activity.id})
        ensure_voter(activity, participant, None)
        low, high = change.data
        stored = run(prepared("pairwise_answer", _answer_statement), {
            "activity_id": activity.id, "participant_id": participant.id, "low_id": low, "high_id": high,
            "winner_id": change.idea_id}).first()
        if stored is None:
            raise AlreadyCompared()

    def answers(self, activity):
        return db.session.execute(
            select(PairwiseAnswer.participant_id, PairwiseAnswer.winner_id, PairwiseAnswer.low_id,
                   PairwiseAnswer.high_id).filter_by(activity_id=activity.id)
        ).all()

    def ranking(self, activity, items, groups, settings, translate):
        answers = [(pid, None if winner is None else str(winner), str(low), str(high))
                   for pid, winner, low, high in self.answers(activity)]
        return score_pairwise(answers, groups, items, _=translate)

    def ideas_merged(self, activity, source_id, target_id):
        moving = db.session.scalars(select(PairwiseAnswer).where(
            PairwiseAnswer.activity_id == activity.id,
            (PairwiseAnswer.low_id == source_id) | (PairwiseAnswer.high_id == source_id))).all()
        for row in moving:
            pair = [target_id if x == source_id else x for x in (row.low_id, row.high_id)]
            winner = target_id if row.winner_id == source_id else row.winner_id
            low, high = sorted(pair)
            duplicate = low == high or db.session.scalar(select(PairwiseAnswer.id).filter_by(
                activity_id=activity.id, participant_id=row.participant_id, low_id=low, high_id=high))
            if duplicate:
                db.session.delete(row)
            else:
                row.low_id, row.high_id, row.winner_id = low, high, winner
            db.session.flush()

    def partial(self, activity, participant, change, settings):
        """The next pair (the whole pairwise box; the rest of the page stays)."""
        return "vote/methods/_pairwise_box.html", self.pair_for(activity, participant, votable_ids(activity))

    def refused(self, activity, participant, refusal, settings):
        """A pair answered before: the message comes with a fresh pair, in place of the stale one."""
        if isinstance(refusal, AlreadyCompared):
            return self.partial(activity, participant, None, settings)
        return None

    def format_score(self, value):
        return f"{value:.0f}"


method = register_method(PairwiseMethod())
