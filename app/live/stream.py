"""The SSE endpoint. A stream holds no database session while it waits."""
from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from app.access import can_run, current_participant
from app.extensions import db
from app.live import broker
from app.models import Workshop

bp = Blueprint("live", __name__)

HEARTBEAT_SECONDS = 15
PHONE_EVENTS = frozenset({"stage", "timer"})
# On the phone page a stage refresh also refreshes the timer (#timer sits inside
# #stage), so a "next" that changes both costs each phone one request, not two.
PHONE_IMPLIED = {"stage": frozenset({"timer"})}


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
                yield "".join(f"event: {name}\ndata: {name}\n\n" for name in sorted(fired))
        finally:
            live.hub.unsubscribe(listener)

    return Response(
        events(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
