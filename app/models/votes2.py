"""Votes of part 2 (pairwise, ranked, agree) and pledges. Every limit lives in the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class PairwiseAnswer(db.Model):
    """One person's answer to one pair: the winner, or NULL for "can't decide".

    The pair is stored in order (`low_id < high_id`) so UNIQUE makes sure a
    person answers each pair at most once, whichever side it was shown on.
    """

    __tablename__ = "vote_pairwise"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id", "low_id", "high_id"),
        CheckConstraint("low_id < high_id", name="pair_in_order"),
        CheckConstraint("winner_id IS NULL OR winner_id = low_id OR winner_id = high_id", name="winner_in_pair"),
        Index("ix_vote_pairwise_activity", "activity_id", "low_id", "high_id", "winner_id"),
        # The answers of a vote after a given one, in order: what each process's tally adds.
        Index("ix_vote_pairwise_since", "activity_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    high_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    winner_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RankedChoice(db.Model):
    """One place on a person's ranked ballot: their ballot is all their rows, best (position 1) first."""

    __tablename__ = "vote_ranked"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id", "position"),
        UniqueConstraint("activity_id", "participant_id", "idea_id"),
        CheckConstraint("position BETWEEN 1 AND 20", name="position_1_to_20"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]


class AgreeAnswer(db.Model):
    """Agree (+1), disagree (-1) or pass (0): one answer per person and idea, changed in place."""

    __tablename__ = "vote_agree"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id", "idea_id"),
        CheckConstraint("value IN (-1, 0, 1)", name="value_agree_disagree_pass"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]


class Pledge(db.Model):
    """"I can help with this idea": hours a month and skills; anonymous unless `show_name`."""

    __tablename__ = "pledge"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id", "idea_id"),
        CheckConstraint("hours BETWEEN 0 AND 200", name="hours_0_to_200"),
        CheckConstraint("length(skills) <= 500", name="skills_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    hours: Mapped[int] = mapped_column(default=0)
    skills: Mapped[str] = mapped_column(Text, default="")
    show_name: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
