"""Who may see and do what: one helper per kind of person, each aborting when not allowed."""
from __future__ import annotations

from flask import abort, session
from flask_login import current_user
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Participant, Workshop, WorkshopShare


def facilitator_workshop(workshop_id: int) -> Workshop:
    """The workshop if the logged-in facilitator runs it (owner or co-facilitator); 404 otherwise."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not current_user.is_authenticated or not can_run(current_user, workshop):
        abort(404)
    return workshop


def owner_workshop(workshop_id: int) -> Workshop:
    """The workshop if the logged-in facilitator owns it: deleting it and choosing co-facilitators.

    A co-facilitator gets 403 (they know it exists); anyone else 404.
    """
    workshop = facilitator_workshop(workshop_id)
    if workshop.owner_id != current_user.id:
        abort(403)
    return workshop


def can_run(user, workshop: Workshop) -> bool:
    """The owner and the co-facilitators it was shared with run, moderate and download it."""
    if workshop.owner_id == user.id:
        return True
    return db.session.scalar(
        select(WorkshopShare.id).filter_by(workshop_id=workshop.id, user_id=user.id)
    ) is not None


def facilitated_workshops(user) -> Select:
    """The workshops a facilitator owns or co-facilitates, newest first."""
    shared = select(WorkshopShare.workshop_id).where(WorkshopShare.user_id == user.id)
    return (
        select(Workshop)
        .where(or_(Workshop.owner_id == user.id, Workshop.id.in_(shared)))
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    )


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
