"""The journey's endpoints: phones add cards and rate phases; the facilitator shapes and moderates the map.

Every form works without JavaScript (POST, then redirect); htmx requests get
the fragment they replace. Refusals change nothing: 400 with the message
beside the field, 403/404 for someone else's things, 409 once closed.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from htmx_flask import request as htmx_request

from app.access import current_participant, facilitator_workshop, participant_rate_key
from app.activities.journey import map as journey
from app.activities.journey.forms import CardForm
from app.activities.journey.map import FEELING_WORDS, Refused
from app.extensions import db, limiter
from app.i18n import use_locale
from app.models import Activity
from app.models.journey import CARD_MAX, FEELINGS

bp = Blueprint("journey", __name__)


# --- contexts for the phone, the projector and the facilitator's panel --------

def feeling_choices() -> list[tuple[int, str]]:
    return [(value, str(FEELING_WORDS[value])) for value in FEELINGS]


def blank_phone_context(activity, card_form=None) -> dict:
    """The phone screen of someone with no card and no rating here yet: the same for a whole group."""
    phases = journey.parts(activity, "phase")
    lanes = journey.parts(activity, "lane")
    form = card_form or CardForm(formdata=None, meta={"csrf": False})  # the template writes the token itself
    form.set_choices(phases, lanes)
    return {
        "journey_phases": phases,
        "journey_lanes": lanes,
        "card_form": form,
        "my_cards": [],
        "my_feelings": {},
        "feeling_choices": feeling_choices(),
        "card_max": CARD_MAX,
        "journey_private": bool((activity.config or {}).get("private")),
        "card_errors": {},
        "card_drafts": {},
    }


def phone_context(activity, participant, card_form=None, **extra) -> dict:
    context = blank_phone_context(activity, card_form)
    context["my_cards"] = journey.own_cards(activity, participant)
    context["my_feelings"] = journey.own_feelings(activity, participant)
    context.update(extra)
    return context


def _page_of(activity, data) -> tuple[dict, dict]:
    """The projector shows a few phases at a time so text stays legible."""
    pages = journey.projector_pages(len(data["phases"]))
    page = min(max(int((activity.config or {}).get("projector_page", 0) or 0), 0), pages - 1)
    start = page * journey.PROJECTOR_PHASES
    end = start + journey.PROJECTOR_PHASES
    shown = {
        "phases": data["phases"][start:end],
        "rows": [{"lane": row["lane"], "cells": row["cells"][start:end]} for row in data["rows"]],
        "first": start + 1,
        "last": min(end, len(data["phases"])),
    }
    return shown, {"page": page, "pages": pages}


def projector_context(activity) -> dict:
    data = journey.journey_map(activity)
    shown, paging = _page_of(activity, data)
    return {"journey": data, "journey_page": shown, "journey_paging": paging}


def facilitator_context(activity) -> dict:
    data = journey.journey_map(activity)  # counts what the room sees; the card list below has everything
    _shown, paging = _page_of(activity, data)
    cards = journey.all_cards(activity)
    return {
        "journey": data,
        "journey_paging": paging,
        "journey_cards": cards,
        "journey_phase_names": {p["id"]: p["name"] for p in data["phases"]},
        "journey_lane_names": {lane["id"]: lane["name"] for lane in data["lanes"]},
    }


# --- the phone ----------------------------------------------------------------

def _phone_activity(workshop_id: int, activity_id: int):
    participant = current_participant(workshop_id) or abort(403)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop_id or activity.kind != "journey":
        abort(404)
    if participant.language:
        use_locale(participant.language)
    return participant, activity


def _phone_page(activity, participant, status: int, **journey_context):
    """The whole phone page again (no JavaScript), with the message beside the field."""
    from app.participants.forms import LanguageForm
    from app.participants.routes import phone_context as page_context

    context = page_context(participant.workshop, participant)
    if context.get("activity") is not None and context["activity"].id == activity.id:
        context.update(phone_context(activity, participant, **journey_context))
    return render_template(
        "participants/phone.html", language_form=LanguageForm(language=participant.language), **context
    ), status


def _cards_reply(activity, participant, status: int = 200, **journey_context):
    if htmx_request.htmx:
        context = phone_context(activity, participant, **journey_context)
        return render_template("journey/_phone_cards.html", activity=activity, participant=participant,
                               **context), status
    return _phone_page(activity, participant, status, **journey_context)


def _back_to_phone(activity, saved: str, anchor: str = "journey-cards"):
    return redirect(url_for("participants.phone", workshop_id=activity.workshop_id, saved=saved, _anchor=anchor))


@bp.post("/p/<int:workshop_id>/journey/<int:activity_id>/cards")
@limiter.limit("60/minute", key_func=participant_rate_key)
def add_card(workshop_id: int, activity_id: int):
    participant, activity = _phone_activity(workshop_id, activity_id)
    form = CardForm()
    try:
        journey.add_card(activity, participant, form.phase.data, form.lane.data, form.text.data)
    except Refused as refused:
        db.session.rollback()
        if refused.field in ("phase", "lane", "text"):
            form.set_choices(journey.parts(activity, "phase"), journey.parts(activity, "lane"))
            form[refused.field].errors = [str(refused.message)]
            return _cards_reply(activity, participant, 400, card_form=form)
        return _cards_reply(activity, participant, refused.status, card_form=form, journey_error=str(refused.message))
    db.session.commit()
    if not htmx_request.htmx:
        return _back_to_phone(activity, "card")
    # Keep the chosen phase and lane for the next card; the text box starts empty.
    kept = CardForm(formdata=None, phase=form.phase.data, lane=form.lane.data)
    return _cards_reply(activity, participant, card_form=kept, journey_saved="card")


@bp.post("/p/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>")
@limiter.limit("60/minute", key_func=participant_rate_key)
def edit_card(workshop_id: int, activity_id: int, card_id: int):
    participant, activity = _phone_activity(workshop_id, activity_id)
    text = request.form.get("text", "")
    try:
        journey.edit_own_card(activity, participant, card_id, text)
    except Refused as refused:
        db.session.rollback()
        if refused.status in (403, 404):
            abort(refused.status)
        if refused.field == "text":
            return _cards_reply(activity, participant, 400, card_errors={card_id: str(refused.message)},
                                card_drafts={card_id: text})
        return _cards_reply(activity, participant, refused.status, journey_error=str(refused.message))
    db.session.commit()
    if not htmx_request.htmx:
        return _back_to_phone(activity, "edited")
    return _cards_reply(activity, participant, journey_saved="edited")


@bp.post("/p/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>/delete")
@limiter.limit("60/minute", key_func=participant_rate_key)
def delete_card(workshop_id: int, activity_id: int, card_id: int):
    participant, activity = _phone_activity(workshop_id, activity_id)
    try:
        journey.delete_own_card(activity, participant, card_id)
    except Refused as refused:
        db.session.rollback()
        if refused.status in (403, 404):
            abort(refused.status)
        return _cards_reply(activity, participant, refused.status, journey_error=str(refused.message))
    db.session.commit()
    if not htmx_request.htmx:
        return _back_to_phone(activity, "deleted")
    return _cards_reply(activity, participant, journey_saved="deleted")


@bp.post("/p/<int:workshop_id>/journey/<int:activity_id>/phases/<int:phase_id>/feeling")
@limiter.limit("120/minute", key_func=participant_rate_key)
def rate(workshop_id: int, activity_id: int, phase_id: int):
    participant, activity = _phone_activity(workshop_id, activity_id)
    error, status = None, 200
    try:
        journey.rate_phase(activity, participant, phase_id, request.form.get("feeling"))
    except Refused as refused:
        db.session.rollback()
        if refused.status == 404:
            abort(404)
        error, status = str(refused.message), refused.status
    else:
        db.session.commit()
        if not htmx_request.htmx:
            return _back_to_phone(activity, "feeling", anchor=f"phase-{phase_id}")
    if not htmx_request.htmx:
        return _phone_page(activity, participant, status, feeling_errors={phase_id: error})
    phase = journey.part_of(activity, "phase", phase_id)
    return render_template(
        "journey/_feeling.html", activity=activity, phase=phase, my_feelings=journey.own_feelings(activity, participant),
        feeling_choices=feeling_choices(), feeling_error=error, feeling_saved=error is None,
    ), status


# --- the facilitator ------------------------------------------------------------

def _facilitator_activity(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id or activity.kind != "journey":
        abort(404)
    return workshop, activity


def _to_panel(workshop):
    return redirect(url_for("workshops.run", workshop_id=workshop.id))


def _structure_page(workshop, activity, status: int = 200, errors: dict | None = None, drafts: dict | None = None):
    phases = journey.parts(activity, "phase")
    lanes = journey.parts(activity, "lane")
    counts = {("phase", p.id): journey.cards_in(activity, "phase", p) for p in phases}
    counts.update({("lane", lane.id): journey.cards_in(activity, "lane", lane) for lane in lanes})
    return render_template(
        "journey/structure.html", workshop=workshop, activity=activity, sections=[("phase", phases), ("lane", lanes)],
        counts=counts, errors=errors or {}, drafts=drafts or {},
    ), status


@bp.get("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/structure")
@login_required
def structure(workshop_id: int, activity_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    return _structure_page(workshop, activity)


def _part_or_404(activity, part: str, part_id: int):
    item = journey.part_of(activity, part, part_id)
    if item is None:
        abort(404)
    return item


def _structure_change(workshop, activity, part: str, key, change):
    try:
        change()
    except Refused as refused:
        db.session.rollback()
        return _structure_page(workshop, activity, refused.status, errors={(part, key): str(refused.message)},
                               drafts={(part, key): request.form.get("name", "")})
    db.session.commit()
    return redirect(url_for("journey.structure", workshop_id=workshop.id, activity_id=activity.id,
                            _anchor=f"{part}s"))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/<any(phase, lane):part>s")
@login_required
def add_part(workshop_id: int, activity_id: int, part: str):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    return _structure_change(workshop, activity, part, "new",
                             lambda: journey.add_part(activity, part, request.form.get("name"), current_user.id))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/<any(phase, lane):part>s/<int:part_id>")
@login_required
def rename_part(workshop_id: int, activity_id: int, part: str, part_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    item = _part_or_404(activity, part, part_id)
    return _structure_change(workshop, activity, part, part_id,
                             lambda: journey.rename_part(activity, part, item, request.form.get("name"), current_user.id))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/<any(phase, lane):part>s/<int:part_id>/move")
@login_required
def move_part(workshop_id: int, activity_id: int, part: str, part_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    item = _part_or_404(activity, part, part_id)
    direction = -1 if request.form.get("direction") == "up" else 1
    return _structure_change(workshop, activity, part, part_id,
                             lambda: journey.move_part(activity, part, item, direction, current_user.id))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/<any(phase, lane):part>s/<int:part_id>/delete")
@login_required
def remove_part(workshop_id: int, activity_id: int, part: str, part_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    item = _part_or_404(activity, part, part_id)
    cards_to = request.form.get("cards_to")
    return _structure_change(workshop, activity, part, part_id,
                             lambda: journey.remove_part(activity, part, item, cards_to, current_user.id))


def _card_page(workshop, activity, card, status: int = 200, errors: dict | None = None, draft: str | None = None):
    others = [c for c in journey.all_cards(activity) if c.id != card.id and c.merged_into_id is None]
    return render_template(
        "journey/card.html", workshop=workshop, activity=activity, card=card, others=others,
        phases=journey.parts(activity, "phase"), lanes=journey.parts(activity, "lane"),
        errors=errors or {}, draft=card.text if draft is None else draft,
    ), status


def _card_or_404(activity, card_id: int):
    try:
        return journey.card_of(activity, card_id)
    except Refused:
        abort(404)


@bp.get("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>")
@login_required
def card(workshop_id: int, activity_id: int, card_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    return _card_page(workshop, activity, _card_or_404(activity, card_id))


def _moderate(workshop, activity, card, change, done: str):
    try:
        change()
    except Refused as refused:
        db.session.rollback()
        card = _card_or_404(activity, card.id)
        return _card_page(workshop, activity, card, refused.status, errors={refused.field: str(refused.message)},
                          draft=request.form.get("text"))
    db.session.commit()
    flash(done, "ok")
    if request.form.get("back") == "card":
        return redirect(url_for("journey.card", workshop_id=workshop.id, activity_id=activity.id, card_id=card.id))
    return _to_panel(workshop)


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>/hide")
@login_required
def hide_card(workshop_id: int, activity_id: int, card_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    card = _card_or_404(activity, card_id)
    hidden = request.form.get("hidden", "1") == "1"
    return _moderate(workshop, activity, card, lambda: journey.set_hidden(activity, card, hidden, current_user.id),
                     _("Card hidden.") if hidden else _("Card shown again."))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>/text")
@login_required
def moderate_text(workshop_id: int, activity_id: int, card_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    card = _card_or_404(activity, card_id)
    return _moderate(workshop, activity, card,
                     lambda: journey.moderate_text(activity, card, request.form.get("text"), current_user.id),
                     _("Card text saved."))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>/move")
@login_required
def move_card(workshop_id: int, activity_id: int, card_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    card = _card_or_404(activity, card_id)
    return _moderate(workshop, activity, card, lambda: journey.move_card(
        activity, card, request.form.get("phase"), request.form.get("lane"), current_user.id), _("Card moved."))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/cards/<int:card_id>/merge")
@login_required
def merge_card(workshop_id: int, activity_id: int, card_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    card = _card_or_404(activity, card_id)
    return _moderate(workshop, activity, card, lambda: journey.merge_cards(
        activity, card, request.form.get("into"), current_user.id), _("Cards merged."))


@bp.post("/f/workshops/<int:workshop_id>/journey/<int:activity_id>/projector-page")
@login_required
def projector_page(workshop_id: int, activity_id: int):
    workshop, activity = _facilitator_activity(workshop_id, activity_id)
    try:
        page = int(request.form.get("page", ""))
    except ValueError:
        abort(400)
    journey.set_projector_page(activity, page)
    db.session.commit()
    return _to_panel(workshop)
