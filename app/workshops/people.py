"""Counting who is in the room, per group (shared by projector and control panel)."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Participant, Workshop


def joined_by_group(workshop: Workshop) -> list[tuple[str, str, int]]:
    """(group key, label, people joined) for every group of the recipe, in its order."""
    counts = dict(
        db.session.execute(
            select(Participant.group_key, func.count(Participant.id))
            .where(Participant.workshop_id == workshop.id)
            .group_by(Participant.group_key)
        ).all()
    )
    return [(g["key"], g["label"], counts.get(g["key"], 0)) for g in workshop.groups]
