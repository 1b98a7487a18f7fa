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
"""
from __future__ import annotations

import os

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.activities.vote.core import (
    Change, VoteMethod, VoteRefused, dialect_insert, ensure_voter, register_method, votable_idea,
)
from app.extensions import db
from app.models import Idea, PairwiseAnswer
from app.ranking import next_pair, score_pairwise


_rng: dict[int, np.random.Generator] = {}


def process_rng() -> np.random.Generator:
    """One random generator per worker process, made after the fork (so workers never draw alike)."""
    pid = os.getpid()
    if pid not in _rng:
        _rng.clear()
        _rng[pid] = np.random.default_rng()
    return _rng[pid]


def room_comparisons(activity) -> dict[tuple[str, str], int]:
    """(winner, loser) -> how many times, across the room (decided answers only)."""
    rows = db.session.execute(
        select(PairwiseAnswer.low_id, PairwiseAnswer.high_id, PairwiseAnswer.winner_id, func.count())
        .where(PairwiseAnswer.activity_id == activity.id, PairwiseAnswer.winner_id.is_not(None))
        .group_by(PairwiseAnswer.low_id, PairwiseAnswer.high_id, PairwiseAnswer.winner_id)
    )
    comparisons = {}
    for low, high, winner, count in rows:
        loser = high if winner == low else low
        comparisons[str(winner), str(loser)] = count
    return comparisons


def answered_pairs(activity, participant) -> list[tuple[str, str]]:
    return [(str(low), str(high)) for low, high in db.session.execute(
        select(PairwiseAnswer.low_id, PairwiseAnswer.high_id)
        .filter_by(activity_id=activity.id, participant_id=participant.id))]


def votable_ids(activity) -> list[int]:
    """The ids of the ideas `ranked_ideas` gives, without loading 200 ideas for the two shown."""
    return list(db.session.scalars(
        select(Idea.id).filter_by(workshop_id=activity.workshop_id, hidden=False, merged_into_id=None)
        .order_by(Idea.id)))


class PairwiseMethod(VoteMethod):
    key = "pairwise"
    template = "vote/methods/_pairwise.html"
    defaults = {}

    def label(self):
        return _l("Pairwise")

    def pair_for(self, activity, participant, idea_ids: list[int]) -> dict:
        """The participant's next pair (two Ideas, or None when every pair is answered) and rounds done."""
        answered = answered_pairs(activity, participant)
        pair = next_pair([str(i) for i in idea_ids], answered, room_comparisons(activity), rng=process_rng())
        return {"pair": (db.session.get(Idea, int(pair[0])), db.session.get(Idea, int(pair[1]))) if pair else None,
                "rounds_done": len(answered)}

    def phone_context(self, activity, participant, ideas, settings):
        return self.pair_for(activity, participant, [idea.id for idea in ideas])

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
        ensure_voter(activity, participant, None)
        low, high = change.data
        stored = db.session.execute(
            dialect_insert(PairwiseAnswer)
            .values(activity_id=activity.id, participant_id=participant.id, low_id=low, high_id=high,
                    winner_id=change.idea_id)
            .on_conflict_do_nothing(index_elements=["activity_id", "participant_id", "low_id", "high_id"])
            .returning(PairwiseAnswer.id)
        ).first()
        if stored is None:
            raise VoteRefused(_("You have already compared these two ideas: reload the page for another pair."), 409)

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

    def format_score(self, value):
        return f"{value:.0f}"


method = register_method(PairwiseMethod())
