"""Approval voting: a checkbox per idea, any number.

A request sends the whole set a person approves (the checked boxes); the
approvals become exactly that set: UNIQUE (activity, participant, idea) with
an upsert for each checked idea, a delete for the rest. Turnout counts
everyone who saved their choices, even with no box ticked.

Merge rule: someone who approved both ideas approves the kept one once
(duplicates collapse); an approval of the merged idea moves to the kept one.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select

from app.activities.vote.core import (
    Change, VoteMethod, VoteRefused, dialect_insert, ensure_voter, follow_merge, prepared, register_method, run,
    votable_idea,
)
from app.extensions import db
from app.models import Approval, Voter
from app.ranking import score_approval

MAX_IDEAS = 500


class ApprovalMethod(VoteMethod):
    key = "approval"
    template = "vote/methods/_approval.html"
    defaults = {}

    def label(self):
        return _l("Approval")

    def mine(self, activity, participant) -> set[int]:
        return set(db.session.scalars(
            select(Approval.idea_id).filter_by(activity_id=activity.id, participant_id=participant.id)
        ))

    def phone_context(self, activity, participant, ideas, settings):
        voted = db.session.scalar(
            select(Voter.id).filter_by(activity_id=activity.id, participant_id=participant.id)
        ) is not None
        return {"my_approvals": self.mine(activity, participant), "approval_saved": voted}

    def parse(self, activity, form, settings):
        raw = form.getlist("approve") if hasattr(form, "getlist") else form.get("approve", [])
        if len(raw) > MAX_IDEAS:
            raise VoteRefused(_("Choose one of the ideas."))
        ids = sorted({votable_idea(activity, value).id for value in raw})
        return Change(None, len(ids), ids)

    def apply(self, activity, participant, change, settings):
        ensure_voter(activity, participant, None)
        run(prepared("approval_clear", _clear), {
            "b_activity": activity.id, "b_participant": participant.id, "b_kept": list(change.data)})
        if change.data:
            run(prepared("approval_add", _add), [
                {"activity_id": activity.id, "participant_id": participant.id, "idea_id": idea_id}
                for idea_id in change.data])

    def ranking(self, activity, items, groups, settings, translate):
        votes = [(pid, str(idea_id)) for pid, idea_id in db.session.execute(
            select(Approval.participant_id, Approval.idea_id).filter_by(activity_id=activity.id))]
        voters = set(db.session.scalars(select(Voter.participant_id).filter_by(activity_id=activity.id)))
        return score_approval(votes, groups, items, voters=voters, _=translate)

    def ideas_merged(self, activity, source_id, target_id):
        follow_merge(Approval, activity, source_id, target_id)

    def partial(self, activity, participant, change, settings):
        return "vote/methods/_approval_status.html", {"my_approvals": change.data, "approval_saved": True}

    def format_score(self, value):
        return f"{value * 100:.0f}%"


def _clear():
    """DELETE the person's approvals of ideas not in the new set (:b_kept, possibly empty)."""
    return delete(Approval).where(
        Approval.activity_id == bindparam("b_activity"), Approval.participant_id == bindparam("b_participant"),
        Approval.idea_id.not_in(bindparam("b_kept", expanding=True)))


def _add():
    return dialect_insert(Approval).on_conflict_do_nothing(index_elements=["activity_id", "participant_id", "idea_id"])


method = register_method(ApprovalMethod())
