from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.workshop import _in

MODERATION_ACTIONS = ("add", "edit", "move", "hide", "unhide", "merge", "delete")
MODERATION_TARGETS = ("card", "idea", "phase", "lane")


class ModerationAction(db.Model):
    """Who did what to whose contribution, and when: kept for the outcome pack.

    `detail` is a short human-readable note (e.g. the text before an edit, or
    "merged 3 cards into 17"); it never names a participant.
    """

    __tablename__ = "moderation_action"
    __table_args__ = (
        CheckConstraint(_in("action", MODERATION_ACTIONS), name="action_known"),
        CheckConstraint(_in("target", MODERATION_TARGETS), name="target_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int]
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")
