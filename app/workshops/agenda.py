"""Editing a workshop's details and agenda (before and during the session)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.access import facilitator_workshop
from app.activities import all_kinds, created, get_kind
from app.activities.kinds import KINDS
from app.extensions import db
from app.live import notify
from app.models import Activity
from app.workshops import bp
from app.workshops.forms import ActivityForm, AddActivityForm, WorkshopForm
from wtforms.fields.choices import SelectChoice


def _activity(workshop, activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.workshop_id != workshop.id:
        abort(404)
    return activity


def _renumber(workshop) -> None:
    for position, activity in enumerate(sorted(workshop.activities, key=lambda a: a.position)):
        activity.position = position


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    form = WorkshopForm(obj=workshop)
    if form.validate_on_submit():
        form.populate_obj(workshop)
        notify(workshop.id, "stage")
        db.session.commit()
        flash(_("Saved."))
        return redirect(url_for("workshops.edit", workshop_id=workshop.id))
    return render_edit(workshop, form, 400 if request.method == "POST" else 200)


def render_edit(workshop, form=None, status: int = 200, **extra):
    """The workshop page (also re-shown by other forms on it, e.g. the action plan, with their errors)."""
    from app.reports.routes import panel_context

    form = form or WorkshopForm(obj=workshop, formdata=None)
    add_form = AddActivityForm(formdata=None)
    add_form.kind.choices = [SelectChoice(kind.key, kind.label()) for kind in all_kinds()]
    forms = {a.id: ActivityForm(obj=a, prefix=f"a{a.id}", formdata=None) for a in workshop.activities}
    return render_template(
        "workshops/edit.html", workshop=workshop, form=form, add_form=add_form, activity_forms=forms,
        **panel_context(workshop), **extra,
    ), status


@bp.post("/workshops/<int:workshop_id>/activities")
@login_required
def add_activity(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    form = AddActivityForm()
    form.kind.choices = [SelectChoice(key) for key in KINDS]
    if not form.validate_on_submit():
        flash(_("Choose a kind of activity and give it a title."), "error")
        return redirect(url_for("workshops.edit", workshop_id=workshop.id))
    kind = get_kind(form.kind.data)
    defaults = dict(workshop.settings.get(kind.key, {}))
    activity = Activity(
        position=len(workshop.activities),
        kind=kind.key,
        title=form.title.data.strip(),
        config={**kind.default_config, **defaults},
    )
    workshop.activities.append(activity)
    db.session.flush()
    created(activity)
    notify(workshop.id, "stage")
    db.session.commit()
    return redirect(url_for("workshops.edit", workshop_id=workshop.id, _anchor="agenda"))


@bp.post("/workshops/<int:workshop_id>/activities/<int:activity_id>")
@login_required
def update_activity(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = _activity(workshop, activity_id)
    form = ActivityForm(prefix=f"a{activity.id}")
    if form.validate_on_submit():
        form.populate_obj(activity)
        notify(workshop.id, "stage")
        db.session.commit()
        flash(_("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("workshops.edit", workshop_id=workshop.id, _anchor=f"activity-{activity.id}"))


@bp.post("/workshops/<int:workshop_id>/activities/<int:activity_id>/move")
@login_required
def move_activity(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = _activity(workshop, activity_id)
    ordered = sorted(workshop.activities, key=lambda a: a.position)
    index = ordered.index(activity)
    target = index + (-1 if request.form.get("direction") == "up" else 1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        notify(workshop.id, "stage")
        db.session.commit()
    return redirect(url_for("workshops.edit", workshop_id=workshop.id, _anchor=f"activity-{activity.id}"))


@bp.post("/workshops/<int:workshop_id>/activities/<int:activity_id>/delete")
@login_required
def delete_activity(workshop_id: int, activity_id: int):
    workshop = facilitator_workshop(workshop_id)
    activity = _activity(workshop, activity_id)
    if workshop.current_activity_id == activity.id:
        flash(_("The room is on this activity. Move the room elsewhere before removing it."), "error")
        return redirect(url_for("workshops.edit", workshop_id=workshop.id))
    workshop.activities.remove(activity)
    db.session.flush()
    _renumber(workshop)
    notify(workshop.id, "stage")
    db.session.commit()
    flash(_("Activity removed."))
    return redirect(url_for("workshops.edit", workshop_id=workshop.id, _anchor="agenda"))
