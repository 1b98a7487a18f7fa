"""The action plan: for a top idea, who takes it forward, the next step and by when."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

OWNER_MAX = 120
STEP_MAX = 500


class ActionPlanItem(db.Model):
    """One idea's plan, filled in by the facilitator before exporting the pack (blank lines when empty)."""

    __tablename__ = "action_plan_item"
    __table_args__ = (
        UniqueConstraint("workshop_id", "idea_id"),
        CheckConstraint(f"length(owner) <= {OWNER_MAX}", name="owner_length"),
        CheckConstraint(f"length(next_step) <= {STEP_MAX}", name="next_step_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="")
    next_step: Mapped[str] = mapped_column(String(STEP_MAX), default="")
    due: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    idea = relationship("Idea")
