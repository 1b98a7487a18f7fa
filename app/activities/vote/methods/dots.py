"""Dot voting: a budget of N dots per person, at most M on one idea.

Limits under concurrency, all in the database:
* the budget: `UPDATE vote_voter SET used = used + n WHERE ... AND used + n <= budget`
  (and CHECK used <= budget);
* the per-idea cap: an upsert whose DO UPDATE only happens
  `WHERE vote_dot.dots + n <= vote_dot.cap` (and CHECK dots <= cap);
  if either changes no row, the whole request rolls back.
Rows are always locked in the same order (receipt, voter, dot row).

Merge rule: a person's dots on the merged idea move to the idea it joined and
add up there (their budget is unchanged, so nobody gains or loses dots; the
per-idea cap may be exceeded by a merge, never by a vote). Hiding an idea
gives its dots back to the people who spent them.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select, update

from app.activities.vote.core import (
    Change, VoteMethod, VoteRefused, dialect_insert, ensure_voter, new_key, prepared, register_method, run,
    votable_idea,
)
from app.extensions import db
from app.models import DotVote, Idea, Voter
from app.ranking import score_dots

MAX_BUDGET = 50


class Dots(VoteMethod):
    key = "dots"
    template = "vote/methods/_dots.html"
    defaults = {"budget": 5, "max_per_idea": 3}

    def label(self):
        return _l("Dots")

    def clean_settings(self, config):
        try:
            budget = int(config.get("budget", 5))
            cap = int(config.get("max_per_idea", budget))
        except (TypeError, ValueError):
            raise ValueError(_("The number of dots must be a whole number.")) from None
        if not 1 <= budget <= MAX_BUDGET:
            raise ValueError(_("Give each person from 1 to %(n)s dots.", n=MAX_BUDGET))
        if not 1 <= cap <= budget:
            raise ValueError(_("The dots on one idea must be from 1 to the number each person has."))
        return {"budget": budget, "max_per_idea": cap}

    def mine(self, activity, participant) -> tuple[int, dict[int, int]]:
        used = db.session.scalar(
            select(Voter.used).filter_by(activity_id=activity.id, participant_id=participant.id)
        ) or 0
        rows = db.session.execute(
            select(DotVote.idea_id, DotVote.dots).filter_by(activity_id=activity.id, participant_id=participant.id)
        )
        return used, {idea_id: dots for idea_id, dots in rows}

    def phone_context(self, activity, participant, ideas, settings):
        used, mine = self.mine(activity, participant)
        return {"dots_used": used, "dots_left": max(0, settings["budget"] - used), "my_dots": mine}

    def parse(self, activity, form, settings):
        idea = votable_idea(activity, form.get("idea"))
        try:
            change = int(form.get("change", ""))
        except ValueError:
            raise VoteRefused(_("Add or take back from 1 to %(n)s dots.", n=settings["max_per_idea"])) from None
        if change == 0 or abs(change) > settings["max_per_idea"]:
            raise VoteRefused(_("Add or take back from 1 to %(n)s dots.", n=settings["max_per_idea"]))
        # The idea (a snapshot) rides along for `partial`: the answer shows its title.
        return Change(idea.id, change, idea)

    def apply(self, activity, participant, change, settings):
        """The guarded writes; returns {"used": dots used in all, "dots": dots on the idea} (from RETURNING)."""
        n = abs(change.amount)
        ensure_voter(activity, participant, settings["budget"])
        ids = {"b_activity": activity.id, "b_participant": participant.id, "b_n": n}
        if change.amount > 0:
            used = run(prepared("dots_spend", _spend), ids).scalar()
            if used is None:
                raise VoteRefused(_("You have no dots left: take one back from another idea first."), 409)
            dots = run(prepared("dots_place", _place), {
                "activity_id": activity.id, "participant_id": participant.id, "idea_id": change.idea_id,
                "dots": n, "cap": settings["max_per_idea"]}).scalar()
            if dots is None:
                raise VoteRefused(_("At most %(n)s dots can go on one idea.", n=settings["max_per_idea"]), 409)
        else:
            used = run(prepared("dots_give_back", _give_back), ids).scalar()
            dots = None if used is None else run(prepared("dots_take", _take), {
                **ids, "b_idea": change.idea_id}).scalar()
            if dots is None:
                raise VoteRefused(_("There are no dots of yours on that idea to take back."), 409)
        return {"used": used, "dots": dots}

    def votes(self, activity):
        return db.session.execute(
            select(DotVote.participant_id, DotVote.idea_id, DotVote.dots)
            .where(DotVote.activity_id == activity.id, DotVote.dots > 0)
        ).all()

    def ranking(self, activity, items, groups, settings, translate):
        votes = [(pid, str(idea_id), dots) for pid, idea_id, dots in self.votes(activity)]
        return score_dots(votes, groups, items, _=translate)

    def ideas_merged(self, activity, source_id, target_id):
        moving = db.session.scalars(select(DotVote).filter_by(activity_id=activity.id, idea_id=source_id)).all()
        for row in moving:
            kept = db.session.scalar(select(DotVote).filter_by(
                activity_id=activity.id, participant_id=row.participant_id, idea_id=target_id))
            if kept is None:
                row.idea_id = target_id
            else:
                kept.cap = max(kept.cap, kept.dots + row.dots)
                kept.dots = kept.dots + row.dots
                db.session.delete(row)
        db.session.flush()

    def idea_hidden(self, activity, idea_id):
        rows = db.session.execute(
            select(DotVote.participant_id, DotVote.dots).filter_by(activity_id=activity.id, idea_id=idea_id)
        ).all()
        for participant_id, dots in rows:
            if dots:
                db.session.execute(
                    update(Voter).where(Voter.activity_id == activity.id, Voter.participant_id == participant_id)
                    .values(used=Voter.used - dots).execution_options(synchronize_session=False)
                )
        db.session.execute(delete(DotVote).where(DotVote.activity_id == activity.id, DotVote.idea_id == idea_id))

    def format_score(self, value):
        return f"{value:.0f}"

    def partial(self, activity, participant, change, settings):
        """The tapped idea and the dots left; the whole box when every + button changes."""
        if change.result is not None:  # what the guarded writes RETURNed: nothing to read again
            used, mine = change.result["used"], change.result["dots"]
        else:
            used, mine = self._used_and_dots(activity, participant, change.idea_id)
        left = settings["budget"] - used
        if (left == 0) != (left + change.amount == 0):
            return None  # the last dot went on, or the first came back: all + buttons change
        idea = change.data if change.data is not None else db.session.get(Idea, change.idea_id)
        return "vote/methods/_dots_partial.html", {
            "idea": idea, "mine": mine, "dots_left": left, "vote_key": new_key()}


    def _used_and_dots(self, activity, participant, idea_id):
        used = db.session.scalar(
            select(Voter.used).filter_by(activity_id=activity.id, participant_id=participant.id)) or 0
        mine = db.session.scalar(select(DotVote.dots).filter_by(
            activity_id=activity.id, participant_id=participant.id, idea_id=idea_id)) or 0
        return used, mine


# The guarded statements, built once. An UPDATE's bind parameters cannot share
# a column's name (SQLAlchemy would SET that column): :b_activity, :b_participant, :b_idea, :b_n.
def _voter():
    return (Voter.activity_id == bindparam("b_activity")) & (Voter.participant_id == bindparam("b_participant"))


def _spend():
    """UPDATE vote_voter SET used = used + :n WHERE ... AND used + :n <= budget RETURNING used."""
    n = bindparam("b_n")
    return update(Voter).where(_voter(), Voter.used + n <= Voter.budget).values(used=Voter.used + n).returning(Voter.used)


def _give_back():
    n = bindparam("b_n")
    return update(Voter).where(_voter(), Voter.used >= n).values(used=Voter.used - n).returning(Voter.used)


def _place():
    """The per-idea cap: the upsert's DO UPDATE (adding the inserted dots) only happens while dots + n <= cap."""
    statement = dialect_insert(DotVote)
    return statement.on_conflict_do_update(
        index_elements=["activity_id", "participant_id", "idea_id"],
        set_={"dots": DotVote.dots + statement.excluded.dots},
        where=DotVote.dots + statement.excluded.dots <= DotVote.cap,
    ).returning(DotVote.dots)


def _take():
    n = bindparam("b_n")
    return (
        update(DotVote)
        .where(DotVote.activity_id == bindparam("b_activity"), DotVote.participant_id == bindparam("b_participant"),
               DotVote.idea_id == bindparam("b_idea"), DotVote.dots >= n)
        .values(dots=DotVote.dots - n).returning(DotVote.dots)
    )


method = register_method(Dots())
