"""Agree / disagree / pass on each idea, one at a time (Pol.is style).

One answer per person and idea: UNIQUE with an upsert (a changed mind
replaces the answer), CHECK value IN (-1, 0, 1). Ideas come one at a time
in a fair order: those fewest people have answered first, ties broken by a
shuffle of its own for each person, so every idea gets seen. Results: the
share agreeing per group, group consensus first (ideas every group supports
rank first), and the most divisive ideas shown apart.

Merge rule: where a person answered both ideas, their answer on the kept
idea stands; otherwise the answer moves to the kept idea.
"""
from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.activities.vote.core import (
    Change, follow_merge, VoteMethod, VoteRefused, dialect_insert, ensure_voter, register_method, votable_idea,
)
from app.extensions import db
from app.models import AgreeAnswer
from app.ranking import score_agree

VALUES = {"agree": 1, "disagree": -1, "pass": 0}
WORDS = {1: "agree", -1: "disagree", 0: "pass"}


def shuffle_key(participant_id: int, idea_id: int) -> bytes:
    return hashlib.blake2s(f"{participant_id}:{idea_id}".encode(), digest_size=8).digest()


class AgreeMethod(VoteMethod):
    key = "agree"
    template = "vote/methods/_agree.html"
    defaults = {}

    def label(self):
        return _l("Agree / disagree")

    def mine(self, activity, participant) -> dict[int, int]:
        return dict(db.session.execute(
            select(AgreeAnswer.idea_id, AgreeAnswer.value)
            .filter_by(activity_id=activity.id, participant_id=participant.id)).all())

    def next_idea(self, activity, participant, ideas, mine):
        """The unanswered idea fewest people have answered; a per-person shuffle breaks ties."""
        waiting = [idea for idea in ideas if idea.id not in mine]
        if not waiting:
            return None
        seen = dict(db.session.execute(
            select(AgreeAnswer.idea_id, func.count()).filter_by(activity_id=activity.id)
            .group_by(AgreeAnswer.idea_id)).all())
        return min(waiting, key=lambda idea: (seen.get(idea.id, 0), shuffle_key(participant.id, idea.id)))

    def phone_context(self, activity, participant, ideas, settings):
        mine = self.mine(activity, participant)
        return {"agree_idea": self.next_idea(activity, participant, ideas, mine),
                "agree_mine": mine, "agree_done": sum(1 for idea in ideas if idea.id in mine),
                "agree_total": len(ideas), "agree_ideas": ideas, "agree_words": WORDS}

    def parse(self, activity, form, settings):
        idea = votable_idea(activity, form.get("idea"))
        value = VALUES.get((form.get("answer") or "").strip())
        if value is None:
            raise VoteRefused(_("Answer agree, disagree or pass."))
        return Change(idea.id, value)

    def apply(self, activity, participant, change, settings):
        ensure_voter(activity, participant, None)
        statement = dialect_insert(AgreeAnswer).values(
            activity_id=activity.id, participant_id=participant.id, idea_id=change.idea_id, value=change.amount)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["activity_id", "participant_id", "idea_id"],
            set_={"value": statement.excluded.value}))

    def ranking(self, activity, items, groups, settings, translate):
        answers = [(pid, str(idea_id), value) for pid, idea_id, value in db.session.execute(
            select(AgreeAnswer.participant_id, AgreeAnswer.idea_id, AgreeAnswer.value)
            .filter_by(activity_id=activity.id))]
        return score_agree(answers, groups, items, _=translate)

    def ideas_merged(self, activity, source_id, target_id):
        follow_merge(AgreeAnswer, activity, source_id, target_id)

    def partial(self, activity, participant, change, settings):
        from app.activities.vote.core import ranked_ideas

        return "vote/methods/_agree_box.html", self.phone_context(activity, participant, ranked_ideas(activity), settings)

    def format_score(self, value):
        return f"{value * 100:.0f}%"


method = register_method(AgreeMethod())
