"""Rating: 1 to 5 for each criterion (impact, ease, cost to run ...) of each idea.

One rating per person, idea and criterion: UNIQUE with an upsert, and a
CHECK value BETWEEN 1 AND 5. A request rates one idea on any of its criteria.

Merge rule: where a person rated both ideas on a criterion, their rating of
the kept idea stands and the other is dropped; otherwise the rating moves to
the kept idea. So nobody rates one idea twice.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.activities.vote.core import (
    Change, VoteMethod, VoteRefused, dialect_insert, ensure_voter, follow_merge, prepared, register_method, run,
    votable_idea,
)
from app.extensions import db
from app.models import Rating
from app.ranking import score_rating

DEFAULT_CRITERIA = [
    {"name": "Impact", "weight": 1.0, "axis": "impact", "higher_is_better": True},
    {"name": "Ease of doing it", "weight": 1.0, "axis": "effort", "higher_is_better": True},
]


class RatingMethod(VoteMethod):
    key = "rating"
    template = "vote/methods/_rating.html"
    defaults = {"criteria": DEFAULT_CRITERIA}

    def label(self):
        return _l("Rating")

    def clean_settings(self, config):
        criteria = []
        for spec in config.get("criteria") or DEFAULT_CRITERIA:
            if isinstance(spec, str):
                spec = {"name": spec}
            name = str(spec.get("name", "")).strip()[:80]
            axis = spec.get("axis")
            if not name or axis not in ("impact", "effort", None):
                raise ValueError(_("Each criterion needs a name; its axis is impact, effort or none."))
            better = spec.get("higher_is_better")
            criteria.append({
                "name": name, "weight": float(spec.get("weight", 1.0)), "axis": axis,
                "higher_is_better": (axis != "effort") if better is None else bool(better),
            })
        names = [c["name"] for c in criteria]
        if not criteria or len(set(names)) != len(names) or len(criteria) > 6:
            raise ValueError(_("Give from 1 to 6 criteria, each with its own name."))
        return {"criteria": criteria}

    def mine(self, activity, participant) -> dict[tuple[int, str], int]:
        rows = db.session.execute(
            select(Rating.idea_id, Rating.criterion, Rating.value)
            .filter_by(activity_id=activity.id, participant_id=participant.id)
        )
        return {(idea_id, criterion): value for idea_id, criterion, value in rows}

    def phone_context(self, activity, participant, ideas, settings):
        return {"my_ratings": self.mine(activity, participant), "criteria": settings["criteria"]}

    def parse(self, activity, form, settings):
        idea = votable_idea(activity, form.get("idea"))
        values = {}
        for index, criterion in enumerate(settings["criteria"]):
            raw = (form.get(f"c{index}") or "").strip()
            if not raw:
                continue
            try:
                value = int(raw)
            except ValueError:
                value = 0
            if not 1 <= value <= 5:
                raise VoteRefused(_("A rating is a whole number from 1 to 5."))
            values[criterion["name"]] = value
        if not values:
            raise VoteRefused(_("Choose a rating from 1 to 5 first."))
        return Change(idea.id, len(values), values)

    def apply(self, activity, participant, change, settings):
        ensure_voter(activity, participant, None)
        run(prepared("rating_set", _set), [
            {"activity_id": activity.id, "participant_id": participant.id, "idea_id": change.idea_id,
             "criterion": criterion, "value": value}
            for criterion, value in change.data.items()])

    def ranking(self, activity, items, groups, settings, translate):
        names = {c["name"] for c in settings["criteria"]}
        rows = db.session.execute(
            select(Rating.participant_id, Rating.idea_id, Rating.criterion, Rating.value)
            .filter_by(activity_id=activity.id))
        ratings = [(pid, str(idea_id), name, value) for pid, idea_id, name, value in rows if name in names]
        return score_rating(ratings, groups, items, settings["criteria"], _=translate)

    def ideas_merged(self, activity, source_id, target_id):
        follow_merge(Rating, activity, source_id, target_id, "criterion")

    def partial(self, activity, participant, change, settings):
        return "vote/methods/_rating_status.html", {"idea_id": change.idea_id, "rating_saved": True}

    def format_score(self, value):
        return f"{value:.1f} / 5"


def _set():
    """One rating per person, idea and criterion: the upsert replaces the value."""
    statement = dialect_insert(Rating)
    return statement.on_conflict_do_update(
        index_elements=["activity_id", "participant_id", "idea_id", "criterion"],
        set_={"value": statement.excluded.value})


method = register_method(RatingMethod())
