"""The projector: the room's shared screen, in the workshop's language, updating live."""
from __future__ import annotations

from functools import lru_cache

import segno
from flask import current_app, render_template, url_for
from flask_login import login_required
from htmx_flask import request as htmx_request
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from app.access import facilitator_workshop
from app.activities import get_kind
from app.i18n import use_locale
from app.workshops import bp
from app.workshops.people import joined_by_group
from app.workshops.services import seconds_left


def join_url(workshop) -> str:
    base = current_app.config.get("TANDEM_BASE_URL")
    path = url_for("participants.join_workshop", code=workshop.join_code or "00000000")
    return base.rstrip("/") + path if base else url_for(
        "participants.join_workshop", code=workshop.join_code or "00000000", _external=True
    )


@lru_cache(maxsize=64)
def join_qr_svg(url: str) -> Markup:
    """An inline SVG QR code. The SVG is generated here from our own URL, never from user text.

    Kept per URL: the projector refetches its screen on every live event, and
    drawing the code is the costliest part of that.
    """
    svg = segno.make(url, error="m").svg_inline(scale=8, dark="#000", light="#fff", border=2, omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code" class="qr" ', 1))


def projector_context(workshop) -> dict:
    activity = workshop.current_activity if workshop.status == "live" else None
    kind = get_kind(activity.kind) if activity else None
    url = join_url(workshop)
    context = {
        "workshop": workshop,
        "activity": activity,
        "kind": kind,
        "joined": joined_by_group(workshop),
        "join_url": url,
        "qr": join_qr_svg(url) if workshop.join_code else None,
        "seconds_left": seconds_left(activity) if activity else None,
        "timer_running": bool(activity and activity.timer_ends_at),
        "listen": sorted(kind.projector_events) if kind else [],
    }
    if kind is not None:
        context.update(kind.projector_context(activity))
    return context


@bp.get("/workshops/<int:workshop_id>/projector")
@login_required
def projector(workshop_id: int):
    workshop = facilitator_workshop(workshop_id)
    use_locale(workshop.language)
    context = projector_context(workshop)
    target = htmx_request.htmx.target if htmx_request.htmx else None
    if target in ("stage", "people", "timer", "activity-live"):
        return render_block("projector/page.html", target.replace("-", "_"), **context)
    return render_template("projector/page.html", **context)
