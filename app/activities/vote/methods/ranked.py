"""Ranked: order your top k ideas with move up / move down buttons.

One ballot per person, replaced whole when it changes: every button on the
phone carries the complete ballot it leads to ("3,1,2"), so a request says
what the ballot becomes, never "move this one step" (a repeated or crossed
request cannot scramble it). The ballot is rows in `vote_ranked`, UNIQUE
(participant, position) and (participant, idea); a change deletes the
person's rows and writes the new ones after locking their voter row, so two
changes of one ballot never interleave. Results: Schulze order with Borda
points as the score, the Condorcet winner named when there is one.

Merge rule: where a ballot names both ideas, the kept idea keeps its place
and the merged one drops out; otherwise the merged idea's place goes to the
kept one.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app.activities.vote.core import (
    Change, follow_merge, VoteMethod, VoteRefused, ensure_voter, register_method, votable_idea,
)
from app.extensions import db
from app.models import RankedChoice, Voter
from app.ranking import score_ranked

MAX_TOP = 10


def ballot_with(ballot: list[int], index: int, other: int) -> str:
    """The ballot with places `index` and `other` swapped, as the text a button sends."""
    moved = list(ballot)
    moved[index], moved[other] = moved[other], moved[index]
    return ",".join(map(str, moved))


class RankedMethod(VoteMethod):
    key = "ranked"
    template = "vote/methods/_ranked.html"
    defaults = {"top": 3}

    def label(self):
        return _l("Ranked")

    def clean_settings(self, config):
        try:
            top = int(config.get("top", 3))
        except (TypeError, ValueError):
            raise ValueError(_("The number of ideas to rank must be a whole number.")) from None
        if not 1 <= top <= MAX_TOP:
            raise ValueError(_("People can rank from 1 to %(n)s ideas.", n=MAX_TOP))
        return {"top": top}

    def mine(self, activity, participant) -> list[int]:
        return list(db.session.scalars(
            select(RankedChoice.idea_id).filter_by(activity_id=activity.id, participant_id=participant.id)
            .order_by(RankedChoice.position)))

    def phone_context(self, activity, participant, ideas, settings):
        by_id = {idea.id: idea for idea in ideas}
        ballot = [idea_id for idea_id in self.mine(activity, participant) if idea_id in by_id]
        return {"ballot": ballot, "ballot_ideas": [by_id[i] for i in ballot],
                "unranked": [idea for idea in ideas if idea.id not in ballot],
                "ballot_with": ballot_with}

    def parse(self, activity, form, settings):
        raw = [part.strip() for part in (form.get("ballot") or "").split(",") if part.strip()]
        if len(raw) > settings["top"]:
            raise VoteRefused(_("Rank at most %(n)s ideas.", n=settings["top"]))
        ids = [votable_idea(activity, value).id for value in raw]
        if len(set(ids)) != len(ids):
            raise VoteRefused(_("Each idea can have only one place on your ballot."))
        return Change(ids[0] if ids else None, len(ids), ids)

    def apply(self, activity, participant, change, settings):
        ensure_voter(activity, participant, None)
        # Touch the voter row first: on PostgreSQL this row lock orders two changes of one ballot.
        db.session.execute(
            update(Voter).where(Voter.activity_id == activity.id, Voter.participant_id == participant.id)
            .values(used=len(change.data)).execution_options(synchronize_session=False))
        db.session.execute(delete(RankedChoice).where(
            RankedChoice.activity_id == activity.id, RankedChoice.participant_id == participant.id))
        if change.data:
            db.session.execute(RankedChoice.__table__.insert(), [
                {"activity_id": activity.id, "participant_id": participant.id, "idea_id": idea_id,
                 "position": position}
                for position, idea_id in enumerate(change.data, start=1)])

    def ballots(self, activity) -> dict[int, list[str]]:
        ballots: dict[int, list[str]] = {}
        for pid, idea_id in db.session.execute(
                select(RankedChoice.participant_id, RankedChoice.idea_id).filter_by(activity_id=activity.id)
                .order_by(RankedChoice.participant_id, RankedChoice.position)):
            ballots.setdefault(pid, []).append(str(idea_id))
        return ballots

    def ranking(self, activity, items, groups, settings, translate):
        return score_ranked(list(self.ballots(activity).items()), groups, items, _=translate)

    def ideas_merged(self, activity, source_id, target_id):
        follow_merge(RankedChoice, activity, source_id, target_id)

    def partial(self, activity, participant, change, settings):
        from app.activities.vote.core import ranked_ideas

        return "vote/methods/_ranked_box.html", {
            **self.phone_context(activity, participant, ranked_ideas(activity), settings), "ballot_saved": True}

    def format_score(self, value):
        return f"{value:.0f}"


method = register_method(RankedMethod())
