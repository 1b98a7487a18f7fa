"""Ideas and the votes cast on them. Every limit lives in the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.workshop import _in

IDEA_SOURCES = ("phone", "paper")


class Idea(db.Model):
    """An idea from a phone, or typed in by the facilitator from paper.

    A merged idea keeps its row (and its author) with `merged_into_id` set, so
    the idea it was merged into keeps every author. Hidden and merged ideas
    are never voted on or ranked.
    """

    __tablename__ = "idea"
    __table_args__ = (
        CheckConstraint("length(title) BETWEEN 1 AND 200", name="title_length"),
        CheckConstraint("length(description) <= 2000", name="description_length"),
        CheckConstraint(_in("source", IDEA_SOURCES), name="source_known"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="phone")
    hidden: Mapped[bool] = mapped_column(default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="SET NULL"))
    # Optionally linked to a step of the journey map, or to one of its pain-point cards
    # (then phase_id is that card's step, so the wall can group by step either way).
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("journey_phase.id", ondelete="SET NULL"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("journey_card.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participant = relationship("Participant")
    phase = relationship("JourneyPhase")
    card = relationship("JourneyCard")

    @property
    def votable(self) -> bool:
        return not self.hidden and self.merged_into_id is None


class Voter(db.Model):
    """One row per person who took part in a vote activity.

    For dots it holds the budget and the dots used: spending is a guarded
    `UPDATE ... SET used = used + :n WHERE used + :n <= budget`, and the CHECK
    makes overspending impossible even for a buggy caller.
    """

    __tablename__ = "vote_voter"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id"),
        CheckConstraint("used >= 0", name="used_not_negative"),
        CheckConstraint("budget IS NULL OR used <= budget", name="used_within_budget"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    budget: Mapped[int | None]
    used: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DotVote(db.Model):
    """Dots one person put on one idea; `cap` is the per-idea limit when the row was made."""

    __tablename__ = "vote_dot"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id", "idea_id"),
        CheckConstraint("dots >= 0 AND dots <= cap", name="dots_within_cap"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    dots: Mapped[int] = mapped_column(default=0)
    cap: Mapped[int]


class Approval(db.Model):
    """One person approves one idea (at most once)."""

    __tablename__ = "vote_approval"
    __table_args__ = (UniqueConstraint("activity_id", "participant_id", "idea_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)


class Rating(db.Model):
    """One person's 1 to 5 for one idea on one criterion (changed in place)."""

    __tablename__ = "vote_rating"
    __table_args__ = (
        UniqueConstraint("activity_id", "participant_id", "idea_id", "criterion"),
        CheckConstraint("value BETWEEN 1 AND 5", name="value_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(80))
    value: Mapped[int]


class VoteReceipt(db.Model):
    """The idempotency key of every vote request, stored in the vote's own transaction.

    A retried request carries the same key: the INSERT finds it and the
    change is not applied again. `idea_id` and `change` record what the
    request did (dots added or removed, approvals +1/-1), for audits.
    """

    __tablename__ = "vote_receipt"
    __table_args__ = (
        UniqueConstraint("participant_id", "key"),
        CheckConstraint("length(key) BETWEEN 8 AND 64", name="key_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="SET NULL"))
    change: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
