"""The journey map: phases (columns), lanes (rows), cards in their cells, and how each phase feels."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

NAME_MAX = 80
CARD_MAX = 200
FEELINGS = (-2, -1, 0, 1, 2)


class JourneyPhase(db.Model):
    """A step of the journey: one column of the map, rated for how it feels."""

    __tablename__ = "journey_phase"
    __table_args__ = (CheckConstraint(f"length(name) BETWEEN 1 AND {NAME_MAX}", name="name_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(NAME_MAX))

    activity = relationship("Activity")


class JourneyLane(db.Model):
    """A kind of observation: one row of the map (doing, pain points, backstage ...)."""

    __tablename__ = "journey_lane"
    __table_args__ = (CheckConstraint(f"length(name) BETWEEN 1 AND {NAME_MAX}", name="name_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(NAME_MAX))

    activity = relationship("Activity")


class JourneyCard(db.Model):
    """One observation in a cell of the map.

    A card merged into another keeps its row (its author still sees it) but
    points at the card that now speaks for it; that card's `count` says how
    many people raised it.
    """

    __tablename__ = "journey_card"
    __table_args__ = (
        CheckConstraint(f"length(text) BETWEEN 1 AND {CARD_MAX}", name="text_length"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("journey_phase.id", ondelete="CASCADE"), index=True)
    lane_id: Mapped[int] = mapped_column(ForeignKey("journey_lane.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(CARD_MAX))
    hidden: Mapped[bool] = mapped_column(default=False)
    count: Mapped[int] = mapped_column(default=1)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("journey_card.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    phase = relationship("JourneyPhase")
    lane = relationship("JourneyLane")
    participant = relationship("Participant")

    @property
    def visible(self) -> bool:
        return not self.hidden and self.merged_into_id is None


class PhaseFeeling(db.Model):
    """How a phase feels to one participant, from -2 (very bad) to +2 (very good)."""

    __tablename__ = "phase_feeling"
    __table_args__ = (
        UniqueConstraint("phase_id", "participant_id"),
        CheckConstraint("feeling BETWEEN -2 AND 2", name="feeling_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The UNIQUE (phase_id, participant_id) index serves lookups by phase.
    phase_id: Mapped[int] = mapped_column(ForeignKey("journey_phase.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    feeling: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    phase = relationship("JourneyPhase")
    participant = relationship("Participant")
