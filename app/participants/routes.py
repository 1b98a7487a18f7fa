"""A participant's path: the code, the join form, then the phone page that follows the room."""
from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_block

from app.access import current_participant, remember_participant
from app.activities import get_kind
from app.extensions import db, limiter
from app.i18n import use_locale
from app.models import Workshop
from app.participants import bp
from app.participants.forms import CodeForm, JoinForm, LanguageForm
from app.participants.joining import JoinRefused, check_open, join, normalise_code, workshop_for_code
from app.participants.stage import stage_snapshot, template_only
from app.workshops.services import seconds_left
from wtforms.fields.choices import SelectChoice

# Only failed attempts count against an address: a whole room shares one.
failed_join_limit = limiter.limit(
    "20/minute;200/hour", deduct_when=lambda response: response.status_code >= 400, methods=["GET", "POST"]
)


def refusal_message(reason: str) -> str:
    return {
        "unknown": _("We could not find a workshop with that code. Check the 8 digits on the screen."),
        "not_started": _("This workshop has not started yet. Wait for the facilitator, then try again."),
        "locked": _("The room is closed to new people. Ask the facilitator to open it."),
        "group": _("Choose one of the groups."),
        "closed": _("This workshop has ended. Thank you for taking part."),
    }[reason]


@bp.route("/", methods=["GET"])
def home():
    return render_template("participants/code.html", form=CodeForm(formdata=None))


@bp.route("/join", methods=["GET", "POST"])
@failed_join_limit
def enter_code():
    if request.method == "GET":
        if not request.args.get("code"):
            return render_template("participants/code.html", form=CodeForm(formdata=None))
        form = CodeForm(request.args, meta={"csrf": False})  # a code typed into a link or QR
    else:
        form = CodeForm()
    if form.validate():
        try:
            workshop = workshop_for_code(form.code.data)
        except JoinRefused as refused:
            form.code.errors.append(refusal_message(refused.reason))
            return render_template("participants/code.html", form=form), 404
        return redirect(url_for("participants.join_workshop", code=workshop.join_code))
    return render_template("participants/code.html", form=form), 400


@bp.route("/join/<code>", methods=["GET", "POST"])
@failed_join_limit
def join_workshop(code: str):
    try:
        workshop = workshop_for_code(code)
    except JoinRefused as refused:
        form = CodeForm(formdata=None, code=code)
        form.code.errors = [refusal_message(refused.reason)]
        return render_template("participants/code.html", form=form), 404
    if current_participant(workshop.id) is not None:
        return redirect(url_for("participants.phone", workshop_id=workshop.id))

    form = JoinForm(language=session.get("lang") or workshop.language)
    form.group.choices = [SelectChoice(group["key"], group["label"]) for group in workshop.groups]
    refusal = None
    try:
        check_open(workshop)
    except JoinRefused as refused:
        refusal = refusal_message(refused.reason)
    if refusal is None and form.validate_on_submit():
        try:
            participant = join(workshop, form.group.data, form.nickname.data or "", form.language.data)
        except JoinRefused as refused:
            refusal = refusal_message(refused.reason)
        else:
            db.session.commit()
            remember_participant(participant)
            session["lang"] = participant.language
            return redirect(url_for("participants.phone", workshop_id=workshop.id))
    status = 200 if request.method == "GET" else 400
    if refusal and request.method == "POST":
        status = 409
    return render_template("participants/join.html", workshop=workshop, form=form, refusal=refusal), status


def _phone_or_join(workshop_id: int):
    participant = current_participant(workshop_id)
    if participant is not None:
        return participant.workshop, participant
    return db.session.get(Workshop, workshop_id), None


def phone_context(workshop, participant, blank: bool = False) -> dict:
    """The phone page's context; `blank`: as for someone with nothing of their own in the activity yet."""
    activity = workshop.current_activity if workshop.status == "live" else None
    kind = get_kind(activity.kind) if activity else None
    context = {"workshop": workshop, "participant": participant, "activity": activity, "kind": kind}
    context["seconds_left"] = seconds_left(activity) if activity else None
    context["timer_running"] = bool(activity and activity.timer_ends_at)
    if kind is not None:
        context.update(kind.blank_phone_context(activity) if blank else kind.phone_context(activity, participant))
    return context


LIVE_TARGETS = ("stage", "timer")  # the regions of the phone page that follow the room


def _live_fragment(workshop_id: int, target: str):
    """The #stage or #timer fragment from one cheap read, or None to take the usual path."""
    token = session.get("participants", {}).get(str(workshop_id))
    snapshot = stage_snapshot(workshop_id, token) if token else None
    if snapshot is None:
        return None
    workshop, participant, activity = snapshot
    if not template_only(activity if workshop.status == "live" else None):
        return None
    if participant.language:
        use_locale(participant.language)
    return render_block("participants/phone.html", target, **phone_context(workshop, participant))
def render_phone(workshop, participant, **extra) -> str:
    """The whole phone page, e.g. with a refusal beside a form posted without JavaScript."""
    if participant.language:
        use_locale(participant.language)
    context = phone_context(workshop, participant)
    context.update({key: value for key, value in extra.items() if value is not None})
    return render_template("participants/phone.html", language_form=LanguageForm(language=participant.language), **context)


@bp.get("/p/<int:workshop_id>")
def phone(workshop_id: int):
    target = htmx_request.htmx.target if htmx_request.htmx else None
    if target in LIVE_TARGETS:
        fragment = _live_fragment(workshop_id, target)
        if fragment is not None:
            return fragment
    workshop, participant = _phone_or_join(workshop_id)
    if participant is None:
        if workshop is not None and workshop.join_code:
            return redirect(url_for("participants.join_workshop", code=workshop.join_code))
        return render_template("participants/ended.html"), 404
    if participant.language:
        use_locale(participant.language)
    context = phone_context(workshop, participant)
    if htmx_request.htmx and htmx_request.htmx.target == "stage":
        return render_block("participants/phone.html", "stage", **context)
    if htmx_request.htmx and htmx_request.htmx.target == "timer":
        return render_block("participants/phone.html", "timer", **context)
    return render_template("participants/phone.html", language_form=LanguageForm(language=participant.language), **context)


@bp.post("/p/<int:workshop_id>/language")
def language(workshop_id: int):
    workshop, participant = _phone_or_join(workshop_id)
    form = LanguageForm()
    if participant is not None and form.validate_on_submit():
        participant.language = form.language.data
        session["lang"] = form.language.data
        db.session.commit()
    return redirect(url_for("participants.phone", workshop_id=workshop_id))
