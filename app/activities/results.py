"""Results: the ranking of a chosen vote activity, from `vote_ranking` (the one computation).

Config `vote_activity_id` names the vote; by default it is the nearest vote
activity before this one in the agenda (or, failing that, after it).
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from app.activities import ActivityKind, register
from app.access import facilitator_workshop
from app.extensions import db
from app.live import notify
from app.models import Activity

bp = Blueprint("results", __name__)


def vote_activities(activity: Activity) -> list[Activity]:
    return list(db.session.scalars(
        select(Activity).filter_by(workshop_id=activity.workshop_id, kind="vote").order_by(Activity.position)
    ))


def source_vote(activity: Activity) -> Activity | None:
    votes = vote_activities(activity)
    chosen = activity.config.get("vote_activity_id")
    for vote in votes:
        if vote.id == chosen:
            return vote
    before = [v for v in votes if v.position < activity.position]
    if before:
        return before[-1]
    return votes[0] if votes else None


def context(activity: Activity) -> dict:
    from app.activities.vote import results_view

    vote = source_vote(activity)
    return {"results": results_view(vote) if vote is not None else None, "source_vote": vote}


def facilitator_context(activity: Activity) -> dict:
    return {**context(activity), "vote_choices": vote_activities(activity)}


def report_context(activity: Activity) -> dict | None:
    """The results screen showed a vote's ranking: the pack prints it with that vote; here, which one."""
    vote = source_vote(activity)
    return {"source_vote": vote} if vote is not None else None


kind = register(ActivityKind(
    key="results",
    label=lambda: _l("Results"),
    projector_events=frozenset({"votes", "ideas"}),
    blueprint=bp,
    phone_context=lambda activity, _participant: context(activity),
    projector_context=context,
    facilitator_context=facilitator_context,
    report_context=report_context,
    # The same screen for everyone: pushed down the streams when the room moves here.
    blank_phone_context=context,
    phone_holders=lambda _activity: set(),
))


@bp.post("/f/workshops/<int:workshop_id>/results/<int:activity_id>/source")
@login_required
def choose_vote(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id or activity.kind != "results":
        abort(404)
    wanted = request.form.get("vote", type=int)
    if wanted not in {v.id for v in vote_activities(activity)}:
        abort(400)
    activity.config = {**activity.config, "vote_activity_id": wanted}
    notify(workshop_id, "votes", "stage")
    db.session.commit()
    return redirect(url_for("workshops.run", workshop_id=workshop_id))
