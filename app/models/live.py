from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class LiveEvent(db.Model):
    """One "something changed" signal, written in the same transaction as the change.

    Every process polls this table for the workshops it has listeners for
    (when Redis is not configured), so events reach every worker and host.
    Rows are pruned after a few minutes.
    """

    __tablename__ = "live_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
