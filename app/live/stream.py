"""The SSE endpoint. A stream holds no database session while it waits."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request
from flask_login import current_user

from app.access import can_run, current_participant
from app.extensions import db
from app.i18n import select_locale
from app.live import broker
from app.models import Workshop

bp = Blueprint("live", __name__)

HEARTBEAT_SECONDS = 15
PHONE_EVENTS = frozenset({"stage", "timer"})
# On the phone page a stage refresh also refreshes the timer (#timer sits inside
# #stage), so a "next" that changes both costs each phone one request, not two.
PHONE_IMPLIED = {"stage": frozenset({"timer"})}
# A phone whose new stage is the same for its whole group gets the rendered
# #stage itself in this event instead of "stage" (see app/participants/shared.py).
PUSHED_STAGE = "stage-html"
_LINES = re.compile(r"\r\n|\r|\n")


def sse_message(name: str, data: str) -> str:
    """One SSE message; every line of the data gets its own `data:` field (the browser joins them with \\n)."""
    return f"event: {name}\n" + "".join(f"data: {line}\n" for line in _LINES.split(data)) + "\n"


def _allowed_events(workshop: Workshop) -> frozenset[str] | None:
    """None means every event (projector, facilitator); phones hear only what changes their screen."""
    if current_user.is_authenticated and can_run(current_user, workshop):
        return None
    if current_participant(workshop.id) is not None:
        return PHONE_EVENTS
    abort(403)


@bp.get("/live/<int:workshop_id>")
def stream(workshop_id: int):
    workshop = db.session.get(Workshop, workshop_id) or abort(404)
    names = _allowed_events(workshop)
    if names is not None and request.args.get("only"):
        names = names & frozenset(request.args["only"].split(","))
    screen = None  # (participant id, group, locale) of a phone that may be sent shared screens
    if names is not None and "stage" in names and current_app.config["TANDEM_LIVE_PUSH"]:
        participant = current_participant(workshop.id)
        screen = (participant.id, participant.group_key, participant.language or select_locale())
    app = current_app._get_current_object()
    # Release the session before streaming: an open stream must not hold a connection.
    db.session.remove()

    live = broker()
    live.ensure_started()

    def events():
        listener = live.hub.subscribe(workshop_id, names)
        try:
            yield "retry: 2000\n\n"
            while True:
                fired = listener.wait(HEARTBEAT_SECONDS)
                if not fired:
                    yield ": keep-alive\n\n"
                    continue
                if names is not None:  # a phone
                    fired -= frozenset().union(*(PHONE_IMPLIED.get(name, frozenset()) for name in fired))
                pushed = ""
                if screen is not None and "stage" in fired:
                    html = _shared_screen(app, live.hub, workshop_id, *screen)
                    if html is not None:
                        fired.discard("stage")
                        pushed = sse_message(PUSHED_STAGE, html)
                yield "".join(f"event: {name}\ndata: {name}\n\n" for name in sorted(fired)) + pushed
        finally:
            live.hub.unsubscribe(listener)

    return Response(
        events(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _shared_screen(app, hub, workshop_id: int, participant_id: int, group: str, locale: str) -> str | None:
    """The group's shared #stage, rendered once per process for every phone that heard the same move;
    None for a phone whose screen there is its own (it fetches it)."""
    from app.participants.shared import shared_stage, stage_holders

    # Read after the event woke this stream: the reads start after the change committed.
    generation = hub.generation(workshop_id)
    holders = hub.screens.get(workshop_id, generation, "holders", lambda: stage_holders(app, workshop_id))
    if holders is None or participant_id in holders:
        return None
    return hub.screens.get(workshop_id, generation, (group, locale), lambda: shared_stage(app, workshop_id, group, locale))
