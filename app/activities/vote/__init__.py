"""Vote: one method (dots, approval, rating ...) and its settings per activity.

The core (`core.py`) runs the vote transaction, turnout and `vote_ranking`;
each method is a small module in `methods/`. Phones vote here; the projector
shows turnout live and the results once the facilitator reveals them.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from htmx_flask import request as htmx_request

from app.access import current_participant, facilitator_workshop, participant_rate_key
from app.activities import ActivityKind, register
from app.activities.vote import methods  # noqa: F401  (registers the methods)
from app.activities.vote import report as vote_report
from app.activities.vote.core import (
    METHODS, VoteRefused, cast_vote, has_votes, method_of, new_key, ranked_ideas, settings, turnout,
    update_settings, vote_ranking,
)
from app.database import mark_read_only
from app.extensions import db, limiter
from app.models import Activity
from app.participants.stage import activity_snapshot

__all__ = ["vote_ranking", "results_view", "METHODS"]

bp = Blueprint("vote", __name__)

# Sent with every small answer to an applied vote: an earlier refusal's message goes away.
CLEAR_ERROR = '<div id="vote-error" role="alert" hx-swap-oob="true"></div>'


def results_view(activity: Activity) -> dict | None:
    """Everything a results screen shows for a vote activity, as plain data (one computation)."""
    method = method_of(activity)
    if method is None:
        return None
    ranking = vote_ranking(activity)
    ideas = {str(idea.id): idea for idea in ranked_ideas(activity)}
    rows = []
    for row in ranking:
        idea = ideas.get(row.item)
        rows.append({
            "row": row, "title": idea.title if idea else row.item,
            "score": method.format_score(row.score), "low": method.format_score(row.low),
            "high": method.format_score(row.high),
            "by_group": [(name, method.format_score(value)) for name, value in row.by_group.items()],
        })
    matrix = None
    if ranking.extra.get("quadrants"):
        matrix = [
            {"label": str(index + 1), "title": ideas[row.item].title if row.item in ideas else row.item,
             "impact": ranking.extra["impact"][row.item], "effort": ranking.extra["effort"][row.item],
             "quadrant": ranking.extra["quadrants"][row.item]}
            for index, row in enumerate(ranking)
        ]
    return {"ranking": ranking, "rows": rows, "method": method, "matrix": matrix, "vote_activity": activity}


def phone_context(activity, participant) -> dict:
    method = method_of(activity)
    current = settings(activity)
    ideas = ranked_ideas(activity)
    context = {"vote_method": method, "vote_settings": current, "vote_ideas": ideas, "new_vote_key": new_key,
               "results": results_view(activity) if activity.is_revealed else None}
    if method is not None:
        context.update(method.phone_context(activity, participant, ideas, current))
    return context


def projector_context(activity) -> dict:
    return {"vote_method": method_of(activity), "vote_settings": settings(activity), "turnout": turnout(activity),
            "results": results_view(activity) if activity.is_revealed else None}


def facilitator_context(activity) -> dict:
    return {**projector_context(activity), "vote_methods": list(METHODS.values()),
            "vote_settings_locked": has_votes(activity)}


kind = register(
    ActivityKind(
        key="vote",
        label=lambda: _l("Vote"),
        projector_events=frozenset({"votes", "ideas"}),
        blueprint=bp,
        phone_context=phone_context,
        projector_context=projector_context,
        facilitator_context=facilitator_context,
        default_config={"method": "dots"},
        report_context=vote_report.report_context,
        export_data=vote_report.export_data,
        import_data=vote_report.import_data,
        csv_tables=vote_report.csv_tables,
    )
)


@bp.post("/p/<int:workshop_id>/vote/<int:activity_id>")
@limiter.limit("240/minute", key_func=participant_rate_key)
def vote(workshop_id: int, activity_id: int):
    """One vote from a phone: the busiest write of a workshop, so it is kept lean.

    One prebuilt Core read (inside the write transaction, so "open" and "live"
    cannot change before COMMIT) gives the participant, the workshop and this
    activity as read-only snapshots; the method's guarded writes RETURN what
    the answer shows; after COMMIT nothing is read again for the small answer.
    """
    token = session.get("participants", {}).get(str(workshop_id))
    snapshot = activity_snapshot(db.session.connection(), workshop_id, token, activity_id) if token else None
    if snapshot is None:
        abort(403)
    _workshop, participant, activity = snapshot
    if activity is None or activity.kind != "vote":
        abort(404)
    error, status, change, refusal = None, 200, None, None
    try:
        change = cast_vote(activity, participant, request.form)
    except VoteRefused as refused:
        db.session.rollback()
        error, status, refusal = refused.message, refused.status, refused
    else:
        db.session.commit()
    # This request writes nothing more: any later read must not take the write lock.
    mark_read_only(True)
    if not htmx_request.htmx:
        if status == 200:
            return redirect(url_for("participants.phone", workshop_id=workshop_id, saved=1))
        from app.participants.routes import render_phone

        participant = current_participant(workshop_id) or abort(403)
        return render_phone(participant.workshop, participant, vote_error=error), status
    method = method_of(activity)
    current = settings(activity)
    if error:
        # a refusal changes nothing on the screen but its message, beside the ideas; unless the
        # method says what else is out of date (a pair answered before: a fresh pair comes too)
        small = method.refused(activity, participant, refusal, current) if method else None
        if small is not None:
            body = _small_answer(small, activity, participant, current)
            return body + render_template("vote/_error.html", vote_error=error, oob=True), status
        return render_template("vote/_error.html", vote_error=error), status, {
            "HX-Retarget": "#vote-error", "HX-Reswap": "outerHTML"}
    if change is not None and method is not None:
        small = method.partial(activity, participant, change, current)
        if small is not None:
            return _small_answer(small, activity, participant, current) + CLEAR_ERROR
    context = phone_context(activity, participant)
    body = render_template("vote/_phone.html", activity=activity, participant=participant,
                           vote_error=error, saved=status == 200, **context)
    return body, status, {"HX-Retarget": "#vote-box", "HX-Reswap": "outerHTML"}


def _small_answer(small, activity, participant, current) -> str:
    """A method's small htmx answer: (template, context) from `partial` or `refused`, rendered."""
    template, context = small
    return render_template(template, activity=activity, participant=participant, new_vote_key=new_key,
                           vote_settings=current, **context)


@bp.post("/f/workshops/<int:workshop_id>/vote/<int:activity_id>/settings")
@login_required
def edit_settings(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id or activity.kind != "vote":
        abort(404)
    values = {"method": request.form.get("method", "")}
    for name in ("budget", "max_per_idea", "top"):
        if request.form.get(name):
            values[name] = request.form[name]
    if request.form.get("criteria", "").strip():
        values["criteria"] = parse_criteria(request.form["criteria"])
    try:
        update_settings(activity, values)
    except VoteRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(_("Voting settings saved."), "ok")
    return redirect(url_for("workshops.run", workshop_id=workshop_id))


def parse_criteria(text: str) -> list[dict]:
    """One criterion a line: "Impact: impact, higher is better", "Cost to run: effort, lower is better", or a name."""
    criteria = []
    for line in text.splitlines():
        name, _sep, rest = line.partition(":")
        if not name.strip():
            continue
        words = rest.lower()
        axis = "impact" if "impact" in words else "effort" if "effort" in words else None
        spec = {"name": name.strip(), "axis": axis}
        if "lower" in words:
            spec["higher_is_better"] = False
        elif "higher" in words:
            spec["higher_is_better"] = True
        criteria.append(spec)
    return criteria


def format_criterion(criterion: dict) -> str:
    parts = [criterion["axis"]] if criterion.get("axis") else []
    parts.append("higher is better" if criterion.get("higher_is_better", True) else "lower is better")
    return criterion["name"] + (": " + ", ".join(parts) if parts else "")


@bp.app_template_filter("criterion_line")
def _criterion_line(criterion: dict) -> str:
    return format_criterion(criterion)
