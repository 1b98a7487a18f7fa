from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.auth import bp
from app.auth.accounts import authenticate, create_invite, create_user, usable_invite, use_invite
from app.auth.forms import InviteForm, LoginForm, SignupForm
from app.extensions import db, limiter
from app.models import Invite
from app.models.base import utcnow


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("workshops.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workshops.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=True)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("That e-mail and password do not match an account."))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, open_signup=current_app.config["TANDEM_OPEN_SIGNUP"]), status


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


def _signup(form: SignupForm, invite: Invite | None):
    user = create_user(form.email.data, form.name.data, form.password.data, form.organisation.data or "")
    if invite is not None and not use_invite(invite, user):
        db.session.rollback()
        abort(410)
    db.session.commit()
    login_user(user, remember=True)
    flash(_("Welcome to Tandem, %(name)s.", name=user.name))
    return redirect(url_for("workshops.dashboard"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if not current_app.config["TANDEM_OPEN_SIGNUP"]:
        abort(404)
    form = SignupForm()
    if form.validate_on_submit():
        return _signup(form, None)
    return render_template("auth/signup.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    invite = usable_invite(token)
    if invite is None:
        return render_template("auth/invite_used.html"), 410
    form = SignupForm()
    if form.validate_on_submit():
        return _signup(form, invite)
    return render_template("auth/signup.html", form=form, invite=invite), 400 if request.method == "POST" else 200


@bp.route("/invites", methods=["GET", "POST"])
@login_required
def invites():
    if not current_user.is_admin:
        abort(403)
    form = InviteForm()
    link = None
    if form.validate_on_submit():
        token = create_invite(current_user, form.note.data or "")
        db.session.commit()
        link = url_for("auth.accept_invite", token=token, _external=True)
    pending = db.session.scalars(select(Invite).order_by(Invite.created_at.desc()).limit(50)).all()
    return render_template("auth/invites.html", form=form, link=link, invites=pending, now=utcnow())
