"""Pledges: "I can help with this idea", with hours a month and skills.

People-powered services rest on people helping each other. After voting, a
participant pledges help to any idea (one pledge per person and idea: UNIQUE
with an upsert; CHECK hours 0..200 and skills up to 500 characters), and can
change or withdraw it while the activity is open. The projector shows
people-power per idea: pledgers, hours a month, by group. Pledges stay
anonymous everywhere unless the participant chose to show their nickname;
the facilitator sees the skills and exports every pledge as CSV for follow-up.
Ideas come in the order of the nearest vote before this activity.
"""
from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from htmx_flask import request as htmx_request
from sqlalchemy import delete, select
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from app.access import current_participant, participant_rate_key
from app.activities import ActivityKind, register
from app.database import upsert
from app.extensions import db, limiter
from app.live import notify
from app.models import Activity, Idea, Participant, Pledge
from app.models.base import utcnow

bp = Blueprint("pledge", __name__)

MAX_HOURS = 200


class PledgeRefused(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class PledgeForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST; one token field serves the page's many forms

    hours = IntegerField(
        _l("Hours a month you could give"),
        validators=[InputRequired(message=_l("Give a whole number of hours, from 0 to 200.")),
                    NumberRange(min=0, max=MAX_HOURS, message=_l("Give a whole number of hours, from 0 to 200."))],
    )
    skills = TextAreaField(
        _l("Skills, contacts or what you could do (optional)"),
        validators=[Length(max=500, message=_l("At most 500 characters."))],
    )
    show_name = BooleanField(_l("Show my nickname with this pledge (otherwise it stays anonymous)"))


def pledge_form(idea_id: int, pledge: Pledge | None = None, formdata=None) -> PledgeForm:
    """One idea's form; the prefix keeps every field id unique on the page."""
    if formdata is not None:
        return PledgeForm(formdata=formdata, prefix=f"p{idea_id}")
    return PledgeForm(formdata=None, prefix=f"p{idea_id}", hours=pledge.hours if pledge else None,
                      skills=pledge.skills if pledge else "", show_name=pledge.show_name if pledge else False)


def pledge_ideas(activity: Activity) -> list[Idea]:
    """The ideas one can pledge to: votable ones, in the order of the nearest vote before this activity."""
    from app.activities.vote.core import ranked_ideas, vote_ranking

    ideas = ranked_ideas(activity)
    votes = list(db.session.scalars(
        select(Activity).filter_by(workshop_id=activity.workshop_id, kind="vote").order_by(Activity.position)))
    before = [vote for vote in votes if vote.position < activity.position]
    ranking = vote_ranking(before[-1]) if before else None
    if ranking is None:
        return ideas
    place = {item: index for index, item in enumerate(ranking.order)}
    return sorted(ideas, key=lambda idea: (place.get(str(idea.id), len(place)), idea.id))


def check_open(activity: Activity) -> None:
    if activity.state != "open" or activity.workshop.status != "live":
        raise PledgeRefused(_("Pledges are closed: yours can no longer change."), 409)


def pledgeable_idea(activity: Activity, raw) -> Idea:
    try:
        idea = db.session.get(Idea, int(raw))
    except (TypeError, ValueError):
        idea = None
    if idea is None or idea.workshop_id != activity.workshop_id or not idea.votable:
        raise PledgeRefused(_("That idea is not part of this workshop's pledges."))
    return idea


def save_pledge(activity: Activity, participant, idea: Idea, hours: int, skills: str, show_name: bool) -> None:
    check_open(activity)
    db.session.execute(upsert(
        Pledge,
        {"activity_id": activity.id, "participant_id": participant.id, "idea_id": idea.id, "hours": hours,
         "skills": skills.strip(), "show_name": bool(show_name), "updated_at": utcnow()},
        unique=["activity_id", "participant_id", "idea_id"],
        update=["hours", "skills", "show_name", "updated_at"],
    ))
    notify(activity.workshop_id, "pledges")


def withdraw_pledge(activity: Activity, participant, idea: Idea) -> None:
    check_open(activity)
    db.session.execute(delete(Pledge).where(
        Pledge.activity_id == activity.id, Pledge.participant_id == participant.id, Pledge.idea_id == idea.id))
    notify(activity.workshop_id, "pledges")


def my_pledges(activity: Activity, participant) -> dict[int, Pledge]:
    return {p.idea_id: p for p in db.session.scalars(
        select(Pledge).filter_by(activity_id=activity.id, participant_id=participant.id))}


def pledges_with_people(activity: Activity) -> list[tuple[Pledge, str, str]]:
    """Every pledge with its person's group key and nickname, oldest first."""
    return db.session.execute(
        select(Pledge, Participant.group_key, Participant.nickname)
        .join(Participant, Participant.id == Pledge.participant_id)
        .where(Pledge.activity_id == activity.id).order_by(Pledge.updated_at, Pledge.id)
    ).all()


def people_power(activity: Activity) -> dict:
    """Per idea: pledgers, hours a month, by group, the nicknames people chose to show, and skills.

    Skills are for the facilitator's screen and export; the projector shows counts and names only.
    """
    workshop = activity.workshop
    per_idea: dict[int, dict] = defaultdict(lambda: {
        "pledgers": 0, "hours": 0, "by_group": defaultdict(lambda: [0, 0]), "names": [], "skills": []})
    for pledge, group, nickname in pledges_with_people(activity):
        row = per_idea[pledge.idea_id]
        row["pledgers"] += 1
        row["hours"] += pledge.hours
        row["by_group"][group][0] += 1
        row["by_group"][group][1] += pledge.hours
        if pledge.show_name and nickname:
            row["names"].append(nickname)
        if pledge.skills:
            row["skills"].append(pledge.skills)
    rows = []
    for idea in pledge_ideas(activity):
        if idea.id not in per_idea:
            continue
        row = per_idea[idea.id]
        rows.append({"idea": idea, "pledgers": row["pledgers"], "hours": row["hours"], "names": row["names"],
                     "skills": row["skills"],
                     "by_group": [(group["label"], *row["by_group"][group["key"]])
                                  for group in workshop.groups if group["key"] in row["by_group"]]})
    rows.sort(key=lambda r: (-r["pledgers"], -r["hours"]))
    return {"rows": rows, "people": len({p.participant_id for p, _g, _n in pledges_with_people(activity)}),
            "hours": sum(r["hours"] for r in rows)}


def phone_context(activity, participant) -> dict:
    mine = my_pledges(activity, participant)
    return {"pledge_ideas": pledge_ideas(activity), "my_pledges": mine, "pledge_form": pledge_form,
            "pledge_forms": {}}


def projector_context(activity) -> dict:
    return {"power": people_power(activity)}


def facilitator_context(activity) -> dict:
    number = next(n for n, a in enumerate(activity.workshop.activities, start=1) if a.id == activity.id)
    return {**projector_context(activity), "pledge_csv": f"{number:02d}-pledge-pledges"}


def csv_tables(activity: Activity) -> dict:
    from app.reports.exports import export_ids  # the same anonymous numbers as the JSON export

    numbers = export_ids(activity.workshop)["participant"]
    titles = {idea.id: idea.title for idea in db.session.scalars(
        select(Idea).filter_by(workshop_id=activity.workshop_id))}
    workshop = activity.workshop
    rows = [[numbers[pledge.participant_id], workshop.group_label(group), nickname if pledge.show_name else "",
             pledge.idea_id, titles.get(pledge.idea_id, ""), pledge.hours, pledge.skills]
            for pledge, group, nickname in pledges_with_people(activity)]
    return {"pledges": (["person", "group", "nickname", "idea", "idea_title", "hours_a_month", "skills"], rows)}


kind = register(ActivityKind(
    key="pledge",
    label=lambda: _l("Pledges"),
    projector_events=frozenset({"pledges", "ideas"}),
    blueprint=bp,
    phone_context=phone_context,
    projector_context=projector_context,
    facilitator_context=facilitator_context,
    csv_tables=csv_tables,
))


def _idea_answer(activity, participant, idea, form=None, status=200, error=None, saved=False):
    mine = my_pledges(activity, participant)
    return render_template("pledge/_idea.html", activity=activity, participant=participant, idea=idea,
                           mine=mine.get(idea.id), form=form or pledge_form(idea.id, mine.get(idea.id)),
                           pledge_error=error, saved=saved), status


@bp.post("/p/<int:workshop_id>/pledge/<int:activity_id>")
@limiter.limit("60/minute", key_func=participant_rate_key)
def pledge(workshop_id: int, activity_id: int):
    participant = current_participant(workshop_id) or abort(403)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop_id or activity.kind != "pledge":
        abort(404)
    idea, form = None, None
    try:
        idea = pledgeable_idea(activity, request.form.get("idea"))
        if request.form.get("withdraw"):
            withdraw_pledge(activity, participant, idea)
        else:
            form = pledge_form(idea.id, formdata=request.form)
            if not form.validate():
                raise PledgeRefused("")  # the form shows its own messages beside the fields
            save_pledge(activity, participant, idea, form.hours.data, form.skills.data or "", form.show_name.data)
    except PledgeRefused as refused:
        db.session.rollback()
        message = refused.message or None
        if not htmx_request.htmx:
            from app.participants.routes import render_phone

            return render_phone(activity.workshop, participant, pledge_error=message,
                                pledge_forms={idea.id: form} if form is not None and not message else None,
                                ), refused.status
        if idea is None:
            return render_template("pledge/_error.html", pledge_error=message), refused.status, {
                "HX-Retarget": "#pledge-error", "HX-Reswap": "outerHTML"}
        return _idea_answer(activity, participant, idea, form if not message else None, refused.status, message)
    db.session.commit()
    if not htmx_request.htmx:
        return redirect(url_for("participants.phone", workshop_id=workshop_id, saved=1))
    return _idea_answer(activity, participant, idea, saved=True)
