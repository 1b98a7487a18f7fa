"""A workshop is an agenda of activities that the facilitator moves the room through."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow

WORKSHOP_STATUSES = ("draft", "live", "closed")
ACTIVITY_STATES = ("hidden", "open", "locked", "revealed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Workshop(db.Model):
    __tablename__ = "workshop"
    __table_args__ = (
        CheckConstraint(_in("status", WORKSHOP_STATUSES), name="status_known"),
        CheckConstraint("join_code IS NULL OR length(join_code) = 8", name="join_code_8_digits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    challenge: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    recipe_key: Mapped[str] = mapped_column(String(80), default="")
    # A copy of the recipe's groups and defaults: editing a recipe later
    # never changes a workshop that was made from it.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    join_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    room_locked: Mapped[bool] = mapped_column(default=False)
    current_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    owner = relationship("User")
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="workshop",
        foreign_keys="Activity.workshop_id",
        order_by="Activity.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    current_activity: Mapped["Activity | None"] = relationship(
        foreign_keys=[current_activity_id], post_update=True
    )
    participants = relationship(
        "Participant", back_populates="workshop", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def groups(self) -> list[dict]:
        return list(self.settings.get("groups", []))

    def group_label(self, key: str) -> str:
        for group in self.groups:
            if group["key"] == key:
                return group["label"]
        return key

    @property
    def is_live(self) -> bool:
        return self.status == "live"

    @property
    def join_code_display(self) -> str:
        code = self.join_code or ""
        return f"{code[:4]} {code[4:]}" if len(code) == 8 else code


class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(_in("state", ACTIVITY_STATES), name="state_known"),
        CheckConstraint("minutes >= 0 AND minutes <= 600", name="minutes_range"),
        CheckConstraint("timer_remaining IS NULL OR timer_remaining >= 0", name="timer_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(default=0)
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="hidden")
    # The timer: running when timer_ends_at is set, paused with timer_remaining seconds left.
    timer_ends_at: Mapped[datetime | None]
    timer_remaining: Mapped[int | None]

    workshop: Mapped[Workshop] = relationship(back_populates="activities", foreign_keys=[workshop_id])

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def is_revealed(self) -> bool:
        return self.state == "revealed"
