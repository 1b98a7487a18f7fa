"""What a facilitator does to a workshop, as plain functions (no HTTP).

Each function changes the models and says which live events follow; the
caller commits. Events are sent only if the change commits.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from app.activities import created, get_kind
from app.extensions import db
from app.live import notify
from app.models import Activity, User, Workshop
from app.models.base import utcnow
from app.recipes import Recipe


class WorkshopError(ValueError):
    """A facilitator asked for something the workshop's state does not allow."""


def new_join_code() -> str:
    """8 random digits no open workshop uses (10^8 codes: not guessable at our rate limits)."""
    while True:
        code = f"{secrets.randbelow(10**8):08d}"
        if db.session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code


def create_from_recipe(owner: User, recipe: Recipe, title: str | None = None) -> Workshop:
    workshop = Workshop(
        owner_id=owner.id,
        title=(title or recipe.name).strip(),
        challenge="",
        organisation=owner.organisation,
        language=recipe.language,
        recipe_key=recipe.key,
        settings=recipe.workshop_settings(),
        join_code=new_join_code(),
    )
    for position, item in enumerate(recipe.agenda):
        workshop.activities.append(
            Activity(
                position=position,
                kind=item["kind"],
                title=item["title"],
                instructions=item["instructions"],
                minutes=item["minutes"],
                config={**get_kind(item["kind"]).default_config, **recipe.activity_config(item)},
                timer_remaining=item["minutes"] * 60 or None,
            )
        )
    db.session.add(workshop)
    db.session.flush()
    for activity in workshop.activities:
        created(activity)
    return workshop


def _require_not_closed(workshop: Workshop) -> None:
    if workshop.status == "closed":
        raise WorkshopError("closed")


def start(workshop: Workshop) -> None:
    _require_not_closed(workshop)
    if not workshop.activities:
        raise WorkshopError("empty agenda")
    workshop.status = "live"
    workshop.started_at = workshop.started_at or utcnow()
    if workshop.current_activity is None:
        move_to(workshop, workshop.activities[0])
    notify(workshop.id, "stage")


def move_to(workshop: Workshop, activity: Activity) -> None:
    """Take the room to an activity; a hidden one opens as the room arrives."""
    _require_not_closed(workshop)
    if activity.workshop_id != workshop.id:
        raise WorkshopError("activity of another workshop")
    workshop.current_activity = activity
    if activity.state == "hidden":
        activity.state = "open"
    notify(workshop.id, "stage", "timer")


def step(workshop: Workshop, direction: int) -> None:
    activities = workshop.activities
    if not activities:
        raise WorkshopError("empty agenda")
    current = workshop.current_activity
    index = activities.index(current) if current in activities else -1
    target = min(max(index + direction, 0), len(activities) - 1)
    move_to(workshop, activities[target])


def set_state(activity: Activity, state: str) -> None:
    if state not in ("hidden", "open", "locked", "revealed"):
        raise WorkshopError("unknown state")
    _require_not_closed(activity.workshop)
    activity.state = state
    notify(activity.workshop_id, "stage")


def lock_room(workshop: Workshop, locked: bool) -> None:
    workshop.room_locked = locked
    notify(workshop.id, "people")


def close(workshop: Workshop) -> None:
    """The workshop ends: the join code dies with it."""
    workshop.status = "closed"
    workshop.closed_at = utcnow()
    workshop.join_code = None
    notify(workshop.id, "stage", "people")


def seconds_left(activity: Activity) -> int | None:
    if activity.timer_ends_at is not None:
        return max(0, int((activity.timer_ends_at - utcnow()).total_seconds() + 0.999))
    return activity.timer_remaining


def timer_start(activity: Activity) -> None:
    left = seconds_left(activity)
    if not left:
        left = (activity.minutes or 5) * 60
    activity.timer_ends_at = utcnow() + timedelta(seconds=left)
    activity.timer_remaining = left
    notify(activity.workshop_id, "timer")


def timer_pause(activity: Activity) -> None:
    if activity.timer_ends_at is not None:
        activity.timer_remaining = seconds_left(activity)
        activity.timer_ends_at = None
        notify(activity.workshop_id, "timer")


def timer_reset(activity: Activity) -> None:
    activity.timer_ends_at = None
    activity.timer_remaining = activity.minutes * 60 or None
    notify(activity.workshop_id, "timer")


def set_timer_minutes(activity: Activity, minutes: int) -> None:
    activity.minutes = minutes
    timer_reset(activity)
