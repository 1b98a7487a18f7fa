"""The control panel: move the room, lock it, run the timer, close the workshop."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_block

from app.access import facilitator_workshop
from app.activities import get_kind
from app.extensions import db
from app.models import Activity
from app.workshops import bp, services
from app.workshops.people import joined_by_group


def _panel_context(workshop):
    current = workshop.current_activity
    kind = get_kind(current.kind) if current else None
    context = {
        "workshop": workshop,
        "current": current,
        "kind": kind,
        "joined": joined_by_group(workshop),
        "seconds_left": services.seconds_left(current) if current else None,
    }
    if kind is not None:
        context.update(kind.facilitator_context(current))
    return context


@bp.get("/workshops/<int:workshop_id>/run")
@login_required
def run(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    context = _panel_context(workshop)
    if htmx_request.htmx and htmx_request.htmx.target == "panel":
        return render_block("workshops/run.html", "panel", **context)
    return render_template("workshops/run.html", **context)


def _back_to_panel(workshop):
    return redirect(url_for("workshops.run", workshop_id=workshop.id))


def _act(workshop_id: int, action):
    workshop = facilitator_workshop(workshop_id)
    try:
        action(workshop)
    except services.WorkshopError:
        db.session.rollback()
        flash(_("That is not possible now: the workshop is closed or has no activities."), "error")
        return _back_to_panel(workshop)
    db.session.commit()
    return _back_to_panel(workshop)


def _activity_of(workshop, activity_id) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id:
        abort(404)
    return activity


def _current(workshop) -> Activity:
    if workshop.current_activity is None:
        raise services.WorkshopError("no current activity")
    return workshop.current_activity


@bp.post("/workshops/<int:workshop_id>/start")
@login_required
def start(workshop_id: int):
    return _act(workshop_id, services.start)


@bp.post("/workshops/<int:workshop_id>/step")
@login_required
def step(workshop_id: int):
    direction = -1 if request.form.get("direction") == "back" else 1
    return _act(workshop_id, lambda w: services.step(w, direction))


@bp.post("/workshops/<int:workshop_id>/goto/<int:activity_id>")
@login_required
def goto(workshop_id: int, activity_id: int):
    return _act(workshop_id, lambda w: services.move_to(w, _activity_of(w, activity_id)))


@bp.post("/workshops/<int:workshop_id>/state")
@login_required
def state(workshop_id: int):
    wanted = request.form.get("state", "")
    if wanted not in ("open", "locked", "revealed"):
        abort(400)
    return _act(workshop_id, lambda w: services.set_state(_current(w), wanted))


@bp.post("/workshops/<int:workshop_id>/room")
@login_required
def room(workshop_id: int):
    locked = request.form.get("locked") == "1"
    return _act(workshop_id, lambda w: services.lock_room(w, locked))


@bp.post("/workshops/<int:workshop_id>/timer")
@login_required
def timer(workshop_id: int):
    actions = {"start": services.timer_start, "pause": services.timer_pause, "reset": services.timer_reset}
    action = actions.get(request.form.get("action", ""))
    if action is None:
        abort(400)
    return _act(workshop_id, lambda w: action(_current(w)))


@bp.post("/workshops/<int:workshop_id>/close")
@login_required
def close(workshop_id: int):
    return _act(workshop_id, services.close)
