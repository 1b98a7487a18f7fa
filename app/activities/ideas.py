"""Ideas: phones submit ideas, the projector shows the wall, the facilitator moderates.

Domain functions (`add_idea`, `edit_idea`, `set_hidden`, `merge_ideas`,
`workshop_ideas`) are plain functions the views and tests call; they change the
models and say which live events follow, and the caller commits.

Merging keeps both rows: the merged idea points at the one it joined
(`merged_into_id`), so the kept idea keeps every author, and each vote method
moves the votes already cast (see `app.activities.vote.methods`).
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from htmx_flask import request as htmx_request
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from app import moderation
from app.access import current_participant, facilitator_workshop, participant_rate_key
from app.activities import ActivityKind, register
from app.activities import ideas_report
from app.extensions import db, limiter
from app.live import notify
from app.models import Activity, Idea, JourneyCard, JourneyLane, JourneyPhase

bp = Blueprint("ideas", __name__)


class IdeaRefused(ValueError):
    """A change to an idea that is not allowed now (the message is shown to the person)."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


class IdeaForm(FlaskForm):
    title = StringField(
        _l("Your idea"),
        description=_l("One idea, in a sentence. For example: “How might we …”"),
        validators=[InputRequired(message=_l("Write your idea first.")),
                    Length(max=200, message=_l("At most 200 characters."))],
    )
    description = TextAreaField(
        _l("More detail (optional)"),
        validators=[Length(max=2000, message=_l("At most 2000 characters."))],
    )
    # choices come from the workshop's journey map (link_choices); checked by resolve_link
    link = SelectField(_l("Which step of the journey is it about? (optional)"), choices=[], validate_choice=False)


# Lanes whose cards are pain points, by name (recipes and facilitators name them; English and Hungarian).
PAIN_WORDS = ("pain", "problem", "fájdalom", "nehézség", "probléma")


def _journey_phases(workshop_id: int) -> list[JourneyPhase]:
    return list(db.session.scalars(
        select(JourneyPhase).join(Activity, Activity.id == JourneyPhase.activity_id)
        .where(Activity.workshop_id == workshop_id)
        .order_by(Activity.position, JourneyPhase.position, JourneyPhase.id)
    ))


def _pain_cards(workshop_id: int) -> list[JourneyCard]:
    cards = db.session.execute(
        select(JourneyCard, JourneyLane.name).join(JourneyLane, JourneyLane.id == JourneyCard.lane_id)
        .join(Activity, Activity.id == JourneyCard.activity_id)
        .where(Activity.workshop_id == workshop_id, JourneyCard.hidden.is_(False), JourneyCard.merged_into_id.is_(None))
        .order_by(JourneyCard.phase_id, JourneyCard.id)
    )
    return [card for card, lane in cards if any(word in lane.lower() for word in PAIN_WORDS)]


def link_choices(workshop_id: int) -> list[SelectChoice]:
    """What an idea can be linked to: a step of the journey, or one of its pain-point cards."""
    choices = [SelectChoice("", _("No step in particular"))]
    choices += [SelectChoice(f"phase-{phase.id}", phase.name) for phase in _journey_phases(workshop_id)]
    choices += [SelectChoice(f"card-{card.id}", _("Pain point: %(text)s", text=card.text[:80]))
                for card in _pain_cards(workshop_id)]
    return choices


def resolve_link(workshop_id: int, value: str | None) -> tuple[int | None, int | None]:
    """(phase_id, card_id) for a link choice of this workshop; a card also gives its step."""
    if not value:
        return None, None
    kind, _sep, number = value.partition("-")
    if kind == "phase" and number.isdigit():
        phase = db.session.get(JourneyPhase, int(number))
        if phase is not None and db.session.get(Activity, phase.activity_id).workshop_id == workshop_id:
            return phase.id, None
    if kind == "card" and number.isdigit():
        card = db.session.get(JourneyCard, int(number))
        if (card is not None and not card.hidden and card.merged_into_id is None
                and db.session.get(Activity, card.activity_id).workshop_id == workshop_id):
            return card.phase_id, card.id
    raise IdeaRefused(_("Choose a step of the journey from the list."), 400)


# --------------------------------------------------------------------------- #
# domain


def is_private(activity: Activity) -> bool:
    return bool(activity.config.get("private")) and activity.state != "revealed"


def workshop_ideas(workshop_id: int, *, include_hidden: bool = False) -> list[Idea]:
    """The workshop's ideas, oldest first; merged ideas never, hidden ones on request."""
    query = select(Idea).filter_by(workshop_id=workshop_id, merged_into_id=None).order_by(Idea.id)
    if not include_hidden:
        query = query.filter_by(hidden=False)
    return list(db.session.scalars(query))


def activity_ideas(activity: Activity, *, include_hidden: bool = False) -> list[Idea]:
    query = select(Idea).filter_by(activity_id=activity.id, merged_into_id=None).order_by(Idea.id)
    if not include_hidden:
        query = query.filter_by(hidden=False)
    return list(db.session.scalars(query))


def own_ideas(activity: Activity, participant) -> list[Idea]:
    return list(db.session.scalars(
        select(Idea).filter_by(activity_id=activity.id, participant_id=participant.id).order_by(Idea.id)
    ))


def authors(idea: Idea) -> set[int]:
    """Participant ids of everyone whose idea is (or was merged into) this one."""
    found, frontier = set(), [idea.id]
    if idea.participant_id:
        found.add(idea.participant_id)
    while frontier:
        rows = db.session.execute(
            select(Idea.id, Idea.participant_id).where(Idea.merged_into_id.in_(frontier))
        ).all()
        frontier = [row.id for row in rows]
        found.update(row.participant_id for row in rows if row.participant_id)
    return found


def _clean(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise IdeaRefused(_("Write your idea first."), 400)
    if len(title) > 200 or len(description) > 2000:
        raise IdeaRefused(_("That idea is too long."), 400)
    return title, description


def add_idea(activity: Activity, participant, title: str, description: str = "", *,
             source: str = "phone", user_id: int | None = None, link: str | None = None) -> Idea:
    """A new idea: from a phone while the activity is open, or typed in by the facilitator."""
    title, description = _clean(title, description)
    if source == "phone" and (activity.state != "open" or activity.workshop.status != "live"):
        raise IdeaRefused(_("Ideas are locked now: you can no longer add or change them."))
    phase_id, card_id = resolve_link(activity.workshop_id, link)
    idea = Idea(workshop_id=activity.workshop_id, activity_id=activity.id,
                participant_id=participant.id if participant else None,
                title=title, description=description, source=source, phase_id=phase_id, card_id=card_id)
    db.session.add(idea)
    db.session.flush()
    if source == "paper":
        moderation.record(activity.workshop_id, user_id, "add", "idea", idea.id,
                          activity_id=activity.id, detail=f"added from paper: {title}")
    notify(activity.workshop_id, "ideas")
    return idea


def edit_idea(idea: Idea, title: str, description: str, *, participant=None, user_id: int | None = None) -> None:
    """Participants edit their own idea until the activity locks; the facilitator any time."""
    title, description = _clean(title, description)
    if participant is not None:
        activity = db.session.get(Activity, idea.activity_id)
        if idea.participant_id != participant.id:
            raise IdeaRefused(_("You can only change your own ideas."), 403)
        if activity.state != "open" or activity.workshop.status != "live":
            raise IdeaRefused(_("Ideas are locked now: you can no longer add or change them."))
    else:
        moderation.record(idea.workshop_id, user_id, "edit", "idea", idea.id,
                          activity_id=idea.activity_id, detail=f"was: {idea.title}")
    idea.title, idea.description = title, description
    notify(idea.workshop_id, "ideas", "votes")


def set_hidden(idea: Idea, hidden: bool, *, user_id: int | None = None) -> None:
    """Hide (or show again) an idea. Dots on a hidden idea go back to the people who spent them."""
    from app.activities.vote.core import idea_hidden

    if idea.hidden == hidden:
        return
    idea.hidden = hidden
    moderation.record(idea.workshop_id, user_id, "hide" if hidden else "unhide", "idea", idea.id,
                      activity_id=idea.activity_id, detail=idea.title)
    if hidden:
        idea_hidden(idea)
    notify(idea.workshop_id, "ideas", "votes")


def merge_ideas(source: Idea, target: Idea, *, user_id: int | None = None) -> None:
    """Merge a duplicate into another idea: it keeps the authors, and the votes follow it."""
    from app.activities.vote.core import ideas_merged

    if source.workshop_id != target.workshop_id or source.id == target.id:
        raise IdeaRefused(_("Choose another idea of this workshop to merge into."), 400)
    if target.merged_into_id is not None or source.merged_into_id is not None:
        raise IdeaRefused(_("That idea has already been merged."), 409)
    source.merged_into_id = target.id
    if source.description and source.description not in target.description:
        target.description = (target.description + "\n\n" + source.description).strip()[:2000]
    db.session.flush()
    ideas_merged(source, target)
    moderation.record(source.workshop_id, user_id, "merge", "idea", source.id, activity_id=source.activity_id,
                      detail=f"merged idea {source.id} into {target.id}")
    notify(source.workshop_id, "ideas", "votes")


# --------------------------------------------------------------------------- #
# screens


def idea_form(activity, *, prefix: str = "", posted: bool = True) -> IdeaForm:
    """The idea form with the workshop's link choices; `posted=False` for an empty one to show."""
    form = IdeaForm(prefix=prefix) if posted else IdeaForm(formdata=None, prefix=prefix)
    form.link.choices = link_choices(activity.workshop_id)
    return form


def wall_by_phase(ideas: list[Idea]) -> list[tuple[JourneyPhase | None, list[Idea]]]:
    """The wall grouped by the step each idea is linked to, in journey order; unlinked ideas last."""
    groups: dict[int | None, list[Idea]] = {}
    for idea in ideas:
        groups.setdefault(idea.phase_id, []).append(idea)
    if list(groups) == [None]:
        return [(None, ideas)]
    phases = {phase.id: phase for phase in _journey_phases(ideas[0].workshop_id)} if ideas else {}
    ordered = [(phases[pid], groups[pid]) for pid in phases if pid in groups]
    return ordered + ([(None, groups[None])] if None in groups else [])


def phone_context(activity, participant) -> dict:
    private = is_private(activity)
    return {
        "idea_form": idea_form(activity, posted=False),
        "own_ideas": own_ideas(activity, participant),
        "wall": [] if private else activity_ideas(activity),
        "ideas_private": private,
    }


def blank_phone_context(activity) -> dict:
    """The screen of someone with no idea here yet: the same for the whole room."""
    form = IdeaForm(formdata=None, meta={"csrf": False})  # a pushed screen: htmx sends the token
    form.link.choices = link_choices(activity.workshop_id)
    private = is_private(activity)
    return {"idea_form": form, "own_ideas": [], "wall": [] if private else activity_ideas(activity),
            "ideas_private": private}


def holders(activity) -> set[int]:
    """Who has an idea here (their screen lists their own ideas)."""
    return set(db.session.scalars(
        select(Idea.participant_id).where(Idea.activity_id == activity.id, Idea.participant_id.is_not(None))))


def projector_context(activity) -> dict:
    ideas = activity_ideas(activity)
    return {"wall": ideas, "wall_groups": wall_by_phase(ideas), "ideas_count": len(ideas),
            "ideas_private": is_private(activity)}


def facilitator_context(activity) -> dict:
    everything = activity_ideas(activity, include_hidden=True)
    return {
        "all_ideas": everything,
        "merge_targets": [idea for idea in workshop_ideas(activity.workshop_id)],
        "paper_form": idea_form(activity, prefix="paper", posted=False),
    }


kind = register(
    ActivityKind(
        key="ideas",
        label=lambda: _l("Ideas"),
        projector_events=frozenset({"ideas"}),
        blueprint=bp,
        phone_context=phone_context,
        projector_context=projector_context,
        facilitator_context=facilitator_context,
        report_context=ideas_report.report_context,
        export_data=ideas_report.export_data,
        import_data=ideas_report.import_data,
        csv_tables=ideas_report.csv_tables,
        blank_phone_context=blank_phone_context,
        phone_holders=holders,
    )
)


def _phone_activity(workshop_id: int, activity_id: int):
    participant = current_participant(workshop_id) or abort(403)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop_id or activity.kind != "ideas":
        abort(404)
    return participant, activity


def _phone_reply(activity, participant, *, form=None, error=None, status=200, saved=False):
    if not htmx_request.htmx:
        if status == 200:
            return redirect(url_for("participants.phone", workshop_id=activity.workshop_id, saved=1))
        from app.participants.routes import render_phone

        return render_phone(activity.workshop, participant, idea_form=form, idea_error=error), status
    context = phone_context(activity, participant)
    if form is not None:
        context["idea_form"] = form
    return render_template("ideas/_phone.html", activity=activity, participant=participant,
                           idea_error=error, saved=saved, **context), status


@bp.post("/p/<int:workshop_id>/ideas/<int:activity_id>")
@limiter.limit("30/minute", key_func=participant_rate_key)
def submit(workshop_id: int, activity_id: int):
    participant, activity = _phone_activity(workshop_id, activity_id)
    form = idea_form(activity)
    if not form.validate_on_submit():
        return _phone_reply(activity, participant, form=form, status=400)
    try:
        add_idea(activity, participant, form.title.data, form.description.data, link=form.link.data)
    except IdeaRefused as refused:
        db.session.rollback()
        return _phone_reply(activity, participant, form=form, error=refused.message, status=refused.status)
    db.session.commit()
    return _phone_reply(activity, participant, saved=True)


@bp.post("/p/<int:workshop_id>/ideas/<int:activity_id>/<int:idea_id>")
@limiter.limit("30/minute", key_func=participant_rate_key)
def edit_own(workshop_id: int, activity_id: int, idea_id: int):
    participant, activity = _phone_activity(workshop_id, activity_id)
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.activity_id != activity.id:
        abort(404)
    form = IdeaForm(prefix=f"idea{idea.id}")
    if not form.validate_on_submit():
        return _phone_reply(activity, participant, error=" ".join(form.title.errors + form.description.errors),
                            status=400)
    try:
        edit_idea(idea, form.title.data, form.description.data, participant=participant)
    except IdeaRefused as refused:
        db.session.rollback()
        return _phone_reply(activity, participant, error=refused.message, status=refused.status)
    db.session.commit()
    return _phone_reply(activity, participant, saved=True)


# --------------------------------------------------------------------------- #
# facilitator


def _facilitator_idea(workshop_id: int, idea_id: int) -> Idea:
    workshop = facilitator_workshop(workshop_id)
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.workshop_id != workshop.id:
        abort(404)
    return idea


def _back(workshop_id: int):
    return redirect(url_for("workshops.run", workshop_id=workshop_id))


def _moderate(workshop_id: int, change):
    from flask import flash

    try:
        change()
    except IdeaRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return _back(workshop_id)
    db.session.commit()
    return _back(workshop_id)


@bp.post("/f/workshops/<int:workshop_id>/ideas/<int:idea_id>/hide")
@login_required
def hide(workshop_id: int, idea_id: int):
    idea = _facilitator_idea(workshop_id, idea_id)
    hidden = request.form.get("hidden", "1") == "1"
    return _moderate(workshop_id, lambda: set_hidden(idea, hidden, user_id=current_user.id))


@bp.post("/f/workshops/<int:workshop_id>/ideas/<int:idea_id>/edit")
@login_required
def edit(workshop_id: int, idea_id: int):
    idea = _facilitator_idea(workshop_id, idea_id)
    return _moderate(workshop_id, lambda: edit_idea(
        idea, request.form.get("title", ""), request.form.get("description", ""), user_id=current_user.id))


@bp.post("/f/workshops/<int:workshop_id>/ideas/<int:idea_id>/merge")
@login_required
def merge(workshop_id: int, idea_id: int):
    idea = _facilitator_idea(workshop_id, idea_id)
    target = db.session.get(Idea, request.form.get("into", type=int) or 0)
    if target is None or target.workshop_id != idea.workshop_id:
        target = None

    def change():
        if target is None:
            raise IdeaRefused(_("Choose another idea of this workshop to merge into."), 400)
        merge_ideas(idea, target, user_id=current_user.id)

    return _moderate(workshop_id, change)


@bp.post("/f/workshops/<int:workshop_id>/ideas/<int:activity_id>/paper")
@login_required
def paper(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id or activity.kind != "ideas":
        abort(404)
    form = idea_form(activity, prefix="paper")
    return _moderate(workshop_id, lambda: add_idea(
        activity, None, form.title.data or "", form.description.data or "", source="paper", user_id=current_user.id,
        link=form.link.data))
