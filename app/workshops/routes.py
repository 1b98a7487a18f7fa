"""The facilitator's list of workshops and creating one from a recipe."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.access import facilitated_workshops, owner_workshop
from app.extensions import db
from app.workshops import bp
from app.workshops.forms import NewWorkshopForm
from app.workshops.services import create_from_recipe
from wtforms.fields.choices import SelectChoice


def _recipes():
    return current_app.extensions["tandem_recipes"]


@bp.get("/")
@login_required
def dashboard():
    workshops = db.session.scalars(facilitated_workshops(current_user)).all()
    form = NewWorkshopForm()
    form.recipe.choices = [SelectChoice(key, recipe.name) for key, recipe in _recipes().items()]
    return render_template("workshops/dashboard.html", workshops=workshops, form=form, recipes=_recipes())


@bp.post("/workshops")
@login_required
def create():
    form = NewWorkshopForm()
    form.recipe.choices = [SelectChoice(key, recipe.name) for key, recipe in _recipes().items()]
    if not form.validate_on_submit():
        flash(_("Choose a recipe to start from."), "error")
        return redirect(url_for("workshops.dashboard"))
    workshop = create_from_recipe(current_user, _recipes()[form.recipe.data], form.title.data or None)
    db.session.commit()
    flash(_("Workshop created. Check the title, the challenge question and the agenda, then start it."))
    return redirect(url_for("workshops.edit", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/delete")
@login_required
def delete(workshop_id: int):
    workshop = owner_workshop(workshop_id)
    if request.form.get("confirm") != workshop.title:
        flash(_("Type the workshop's title to confirm. Nothing was deleted."), "error")
        return redirect(url_for("workshops.edit", workshop_id=workshop.id, _anchor="danger"))
    db.session.delete(workshop)
    db.session.commit()
    from app.reports.pack import forget as forget_pack

    forget_pack(workshop_id)  # cached outcome packs go with it
    flash(_("The workshop and everything its participants gave were deleted."))
    return redirect(url_for("workshops.dashboard"))
