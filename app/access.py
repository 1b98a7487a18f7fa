"""Who may see and do what: one helper per kind of person, each aborting when not allowed."""
from __future__ import annotations

from flask import abort, session
from flask_login import current_user
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Participant, Workshop


def facilitator_workshop(workshop_id: int) -> Workshop:
    """The workshop if the logged-in facilitator runs it; 404 otherwise (no hint that it exists)."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not current_user.is_authenticated or not can_run(current_user, workshop):
        abort(404)
    return workshop


def can_run(user, workshop: Workshop) -> bool:
    return workshop.owner_id == user.id


def remember_participant(participant: Participant) -> None:
    tokens = dict(session.get("participants", {}))
    tokens[str(participant.workshop_id)] = participant.token
    session["participants"] = tokens
    session.permanent = True


def current_participant(workshop_id: int) -> Participant | None:
    """The participant this phone joined the workshop as, from the signed session cookie."""
    token = session.get("participants", {}).get(str(workshop_id))
    if not token:
        return None
    # One query for the participant, their workshop and its current activity:
    # every phone asks for this on every live refresh (the statement is built once).
    return db.session.execute(_participant_statement(), {"token": token, "workshop_id": workshop_id}).scalar_one_or_none()


_participant_query = None


def _participant_statement():
    global _participant_query
    if _participant_query is None:
        _participant_query = (
            db.select(Participant)
            .where(Participant.token == bindparam("token"), Participant.workshop_id == bindparam("workshop_id"))
            .options(joinedload(Participant.workshop).joinedload(Workshop.current_activity))
        )
    return _participant_query


def participant_rate_key() -> str:
    """Rate limits on writes are per participant: a whole room shares one venue address."""
    from flask import request

    workshop_id = (request.view_args or {}).get("workshop_id")
    token = session.get("participants", {}).get(str(workshop_id))
    return f"participant:{token}" if token else f"anonymous:{request.remote_addr}"
