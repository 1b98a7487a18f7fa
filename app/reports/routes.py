"""Downloads (PDF pack, CSV, JSON), sharing with co-facilitators, and read-only share links."""
from __future__ import annotations

import json
import re
import unicodedata

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from htmx_flask import request as htmx_request

from app.access import facilitator_workshop, owner_workshop
from app.extensions import db, limiter
from app.i18n import use_locale
from app.models import Workshop
from app.reports import action_plan, exports, pack, sharing
from app.reports.pdf import PdfError

bp = Blueprint("reports", __name__)


def slug(text: str) -> str:
    """A safe ASCII file name from a workshop title (accents folded, nothing else kept)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "workshop"


def _paper() -> str:
    return "Letter" if request.args.get("paper", "").lower() == "letter" else "A4"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(workshop, paper: str) -> Response:
    filename = f"{slug(workshop.title)}-{paper.lower()}.pdf"
    try:
        data = pack.pack_pdf(workshop, paper)
    except PdfError:
        return render_template("reports/message.html", heading=_("The pack is not ready"),
                               message=_("The outcome pack could not be built in time. Try again in a minute.")), 503
    return _download(data, "application/pdf", filename)


def share_url(token: str) -> str:
    """The address a stakeholder opens: on TANDEM_BASE_URL when set (as the join link is)."""
    base = current_app.config.get("TANDEM_BASE_URL")
    path = url_for("reports.shared_results", token=token)
    return base.rstrip("/") + path if base else url_for("reports.shared_results", token=token, _external=True)


def panel_context(workshop) -> dict:
    """What the workshop page shows about downloads and sharing (the edit page includes it)."""
    return {
        "co_facilitators": sharing.co_facilitators(workshop),
        "share_links": [(link, share_url(sharing.link_token(link))) for link in sharing.links(workshop)],
        "link_days": sharing.LINK_DAYS,
        "csv_names": list(exports.csv_tables(workshop)),
        "is_owner": workshop.owner_id == current_user.id,
        "plan_rows": action_plan.plan_rows(workshop),
    }


# --- facilitator downloads ---------------------------------------------------

@bp.get("/f/workshops/<int:workshop_id>/pack.pdf")
@login_required
def pack_pdf(workshop_id: int):
    return _pdf_response(facilitator_workshop(workshop_id), _paper())


@bp.get("/f/workshops/<int:workshop_id>/pack")
@login_required
def pack_prepare(workshop_id: int):
    """htmx: build (or find) the pack, then offer the finished file. Without htmx: the file itself."""
    workshop = facilitator_workshop(workshop_id)
    paper = _paper()
    if not htmx_request.htmx:
        return _pdf_response(workshop, paper)
    url = url_for("reports.pack_pdf", workshop_id=workshop.id, paper=paper.lower())
    try:
        pack.pack_pdf(workshop, paper)
    except PdfError:
        return render_template("reports/_pack_ready.html", error=True, url=url, paper=paper)
    return render_template("reports/_pack_ready.html", error=False, url=url, paper=paper)


@bp.get("/f/workshops/<int:workshop_id>/export.json")
@login_required
def export_json(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    data = json.dumps(exports.export_workshop(workshop), ensure_ascii=False, indent=1).encode()
    return _download(data, "application/json", f"{slug(workshop.title)}.json")


@bp.get("/f/workshops/<int:workshop_id>/csv.zip")
@login_required
def export_csv_zip(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    return _download(exports.csv_zip(workshop), "application/zip", f"{slug(workshop.title)}-csv.zip")


@bp.get("/f/workshops/<int:workshop_id>/csv/<name>.csv")
@login_required
def export_csv(workshop_id: int, name: str):
    workshop = facilitator_workshop(workshop_id)
    tables = exports.csv_tables(workshop)
    if name not in tables:
        abort(404)
    header, rows = tables[name]
    return _download(exports.csv_bytes(header, rows, workshop.language), "text/csv; charset=utf-8",
                     f"{slug(workshop.title)}-{name}.csv")


# --- sharing -------------------------------------------------------------------

def _back(workshop):
    return redirect(url_for("workshops.edit", workshop_id=workshop.id, _anchor="outcome"))


@bp.post("/f/workshops/<int:workshop_id>/shares")
@login_required
def add_share(workshop_id: int):
    workshop = owner_workshop(workshop_id)
    email = request.form.get("email", "").strip()
    if not email:
        flash(_("Enter the e-mail address of their facilitator account."), "error")
        return _back(workshop)
    try:
        share = sharing.share_with(workshop, email)
    except sharing.SharingProblem as problem:
        flash(str(problem), "error")
        return _back(workshop)
    db.session.commit()
    flash(_("%(name)s can now run, moderate and download this workshop.", name=share.user.name))
    return _back(workshop)


@bp.post("/f/workshops/<int:workshop_id>/shares/<int:share_id>/remove")
@login_required
def remove_share(workshop_id: int, share_id: int):
    workshop = owner_workshop(workshop_id)
    sharing.unshare(workshop, share_id)
    db.session.commit()
    flash(_("Co-facilitator removed."))
    return _back(workshop)


@bp.post("/f/workshops/<int:workshop_id>/links")
@login_required
def add_link(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    try:
        days = int(request.form.get("days", ""))
        sharing.create_link(workshop, current_user, days, request.form.get("label", ""))
    except ValueError:
        flash(_("Choose how long the link works."), "error")
        return _back(workshop)
    db.session.commit()
    flash(_("Read-only link created. Copy it from the list below."))
    return _back(workshop)


@bp.post("/f/workshops/<int:workshop_id>/links/<int:link_id>/revoke")
@login_required
def revoke_link(workshop_id: int, link_id: int):
    workshop = facilitator_workshop(workshop_id)
    sharing.revoke_link(workshop, link_id)
    db.session.commit()
    flash(_("The link no longer works."))
    return _back(workshop)


# --- read-only share links (no account) ------------------------------------------

def _shared(token: str):
    try:
        link = sharing.resolve_link(token)
    except sharing.LinkGone as gone:
        use_locale(db.session.get(Workshop, gone.link.workshop_id).language)
        return None, (render_template("reports/link_gone.html", link=gone.link), 410)
    if link is None:
        abort(404)
    return link, None


@bp.get("/s/<token>")
@limiter.limit("120/minute")
def shared_results(token: str):
    link, gone = _shared(token)
    if gone:
        return gone
    workshop = db.session.get(Workshop, link.workshop_id)
    use_locale(workshop.language)
    response = Response(render_template("reports/results.html", token=token, link=link,
                                        **pack.pack_context(workshop)))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/s/<token>/pack.pdf")
@limiter.limit("20/minute")
def shared_pack(token: str):
    link, gone = _shared(token)
    if gone:
        return gone
    return _pdf_response(db.session.get(Workshop, link.workshop_id), _paper())


# --- action plan ------------------------------------------------------------------

@bp.post("/f/workshops/<int:workshop_id>/action-plan")
@login_required
def save_action_plan(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    try:
        action_plan.save_plan(workshop, request.form)
    except action_plan.PlanProblem as problem:
        db.session.rollback()
        from app.workshops.agenda import render_edit

        return render_edit(db.session.get(Workshop, workshop_id), status=400, plan_errors=problem.errors,
                           plan_form=request.form)
    db.session.commit()
    flash(_("Action plan saved: the pack prints it."), "ok")
    return redirect(url_for("workshops.edit", workshop_id=workshop_id, _anchor="action-plan"))
