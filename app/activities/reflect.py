"""Reflect: how was this workshop (1 to 5) and an optional comment."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import format_decimal, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from htmx_flask import request as htmx_request
from sqlalchemy import select
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.access import current_participant, participant_rate_key
from app.activities import ActivityKind, register
from app.database import upsert
from app.extensions import db, limiter
from app.live import notify
from app.models import Activity, Participant, ReflectResponse
from app.models.base import utcnow
from wtforms.fields.choices import SelectChoice

bp = Blueprint("reflect", __name__)

RATING_WORDS = {
    1: _l("Poor"),
    2: _l("Not great"),
    3: _l("OK"),
    4: _l("Good"),
    5: _l("Very good"),
}


class ReflectForm(FlaskForm):
    rating = RadioField(
        _l("How was this workshop for you?"),
        choices=[SelectChoice(str(value), word) for value, word in RATING_WORDS.items()],
        validators=[InputRequired(message=_l("Choose from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Anything you want to tell the organisers? (optional)"),
        validators=[Length(max=1000, message=_l("At most 1000 characters."))],
    )


def own_response(activity: Activity, participant) -> ReflectResponse | None:
    return db.session.scalar(
        select(ReflectResponse).filter_by(activity_id=activity.id, participant_id=participant.id)
    )


def summary(activity: Activity) -> dict:
    """Count, average and distribution of the ratings; comments newest first."""
    responses = db.session.scalars(
        select(ReflectResponse).filter_by(activity_id=activity.id).order_by(ReflectResponse.updated_at.desc())
    ).all()
    counts = Counter(r.rating for r in responses)
    total = len(responses)
    return {
        "count": total,
        "average": sum(r.rating for r in responses) / total if total else None,
        "distribution": [(value, RATING_WORDS[value], counts.get(value, 0)) for value in range(1, 6)],
        "most": max(counts.values(), default=0),
        "comments": [r.comment for r in responses if r.comment.strip()],
    }


def phone_context(activity, participant) -> dict:
    response = own_response(activity, participant)
    form = ReflectForm(
        formdata=None,
        rating=str(response.rating) if response else None,
        comment=response.comment if response else "",
    )
    return {"reflect_form": form, "reflect_response": response, "reflect": summary(activity) if activity.is_revealed else None}


def blank_phone_context(activity) -> dict:
    """The screen of someone who has not answered yet: the same for the whole room."""
    form = ReflectForm(formdata=None, meta={"csrf": False})  # a pushed screen: htmx sends the token
    return {"reflect_form": form, "reflect_response": None, "reflect": summary(activity) if activity.is_revealed else None}


def holders(activity) -> set[int]:
    """Who has answered (their screen shows their answer)."""
    return set(db.session.scalars(select(ReflectResponse.participant_id).filter_by(activity_id=activity.id)))


def projector_context(activity) -> dict:
    return {"reflect": summary(activity)}


def _responses(activity: Activity) -> list[tuple[ReflectResponse, str]]:
    """Every answer with the group of the person who gave it, oldest first."""
    return db.session.execute(
        select(ReflectResponse, Participant.group_key)
        .join(Participant, Participant.id == ReflectResponse.participant_id)
        .where(ReflectResponse.activity_id == activity.id)
        .order_by(ReflectResponse.updated_at, ReflectResponse.id)
    ).all()


def report_context(activity: Activity) -> dict:
    result = summary(activity)
    answers = _responses(activity)
    turnout = Counter(group for _response, group in answers)
    by_group = []
    for group in activity.workshop.groups:
        ratings = [r.rating for r, g in answers if g == group["key"]]
        by_group.append((group["label"], len(ratings), sum(ratings) / len(ratings) if ratings else None))
    lines = []
    if result["count"]:
        lines.append(ngettext(
            "Rated the workshop %(average)s out of 5 (%(num)d answer).",
            "Rated the workshop %(average)s out of 5 (%(num)d answers).",
            result["count"], average=format_decimal(round(result["average"], 1), format="0.0"),
        ))
    return {
        **result,
        "by_group": by_group,
        "summary": lines,
        "method": _("At the end everyone could say how the workshop was for them, from 1 (poor) to 5 (very good), "
                    "and leave a comment for the organisers."),
        "turnout": dict(turnout),
    }


def export_data(activity: Activity, ids: dict) -> dict:
    return {"responses": [
        {"participant": ids["participant"][r.participant_id], "rating": r.rating, "comment": r.comment,
         "at": r.updated_at.isoformat(timespec="seconds")}
        for r, _group in _responses(activity)
    ]}


def import_data(activity: Activity, data: dict, ids: dict) -> None:
    from datetime import datetime

    for answer in data.get("responses", []):
        rating = int(answer["rating"])
        if not 1 <= rating <= 5:
            raise ValueError(f"a reflect rating must be 1 to 5, not {rating}")
        db.session.add(ReflectResponse(
            activity_id=activity.id,
            participant_id=ids["participant"][int(answer["participant"])],
            rating=rating,
            comment=str(answer.get("comment") or "")[:1000],
            updated_at=datetime.fromisoformat(answer["at"]) if answer.get("at") else utcnow(),
        ))


def csv_tables(activity: Activity) -> dict:
    from app.reports.exports import export_ids  # the same anonymous numbers as the JSON export

    numbers = export_ids(activity.workshop)["participant"]
    rows = [[numbers[response.participant_id], activity.workshop.group_label(group), response.rating, response.comment]
            for response, group in _responses(activity)]
    return {"answers": (["person", "group", "rating", "comment"], rows)}


kind = register(
    ActivityKind(
        key="reflect",
        label=lambda: _l("Reflect"),
        projector_events=frozenset({"reflect"}),
        blueprint=bp,
        phone_context=phone_context,
        projector_context=projector_context,
        facilitator_context=projector_context,
        report_context=report_context,
        export_data=export_data,
        import_data=import_data,
        csv_tables=csv_tables,
        blank_phone_context=blank_phone_context,
        phone_holders=holders,
    )
)


@bp.post("/p/<int:workshop_id>/reflect/<int:activity_id>")
@limiter.limit("60/minute", key_func=participant_rate_key)
def answer(workshop_id: int, activity_id: int):
    participant = current_participant(workshop_id) or abort(403)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop_id or activity.kind != "reflect":
        abort(404)
    form = ReflectForm()
    error = None
    if activity.state != "open" or activity.workshop.status != "live":
        error = _("This activity is closed: your answer can no longer change.")
    elif form.validate_on_submit():
        db.session.execute(
            upsert(
                ReflectResponse,
                {
                    "activity_id": activity.id,
                    "participant_id": participant.id,
                    "rating": int(form.rating.data),
                    "comment": (form.comment.data or "").strip(),
                    "updated_at": utcnow(),
                },
                unique=["activity_id", "participant_id"],
                update=["rating", "comment", "updated_at"],
            )
        )
        notify(workshop_id, "reflect")
        db.session.commit()
        if not htmx_request.htmx:
            return redirect(url_for("participants.phone", workshop_id=workshop_id, saved=1))
        context = phone_context(activity, participant)
        return render_template("reflect/_phone.html", activity=activity, participant=participant, saved=True, **context)
    context = phone_context(activity, participant)
    context["reflect_form"] = form
    return render_template(
        "reflect/_phone.html", activity=activity, participant=participant, error=error, **context
    ), 409 if error else 400
