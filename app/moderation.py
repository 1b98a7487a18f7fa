"""The moderation log: every hide, edit, move and merge a facilitator makes.

Call `record` in the same transaction as the change it describes, so the log
and the data never disagree.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.models.moderation import ModerationAction


def record(workshop_id: int, user_id: int | None, action: str, target: str, target_id: int,
           *, activity_id: int | None = None, detail: str = "") -> ModerationAction:
    entry = ModerationAction(
        workshop_id=workshop_id,
        activity_id=activity_id,
        user_id=user_id,
        action=action,
        target=target,
        target_id=target_id,
        detail=detail[:1000],
    )
    db.session.add(entry)
    return entry


def log(workshop_id: int) -> list[ModerationAction]:
    """The workshop's moderation log, oldest first."""
    return list(db.session.scalars(
        select(ModerationAction).filter_by(workshop_id=workshop_id).order_by(ModerationAction.id)
    ))


def counts(workshop_id: int) -> Counter:
    """How many of each (target, action), e.g. counts[("card", "hide")]."""
    rows = db.session.execute(
        select(ModerationAction.target, ModerationAction.action, db.func.count())
        .filter_by(workshop_id=workshop_id)
        .group_by(ModerationAction.target, ModerationAction.action)
    )
    return Counter({(target, action): n for target, action, n in rows})
