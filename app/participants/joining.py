"""Joining a workshop by code, as plain functions (no HTTP)."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from app.extensions import db
from app.live import notify
from app.models import Participant, Workshop


class JoinRefused(Exception):
    """The code is wrong, the room is locked, or the workshop has not started or has ended."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_code(raw: str) -> str | None:
    """'1234 5678', '1234-5678' and '12345678' are the same code; anything else is none."""
    digits = re.sub(r"[\s-]", "", raw or "")
    return digits if re.fullmatch(r"\d{8}", digits) else None


def workshop_for_code(raw: str) -> Workshop:
    code = normalise_code(raw)
    workshop = (
        db.session.scalar(select(Workshop).where(Workshop.join_code == code)) if code is not None else None
    )
    if workshop is None or workshop.status == "closed":
        raise JoinRefused("unknown")
    return workshop


def check_open(workshop: Workshop) -> None:
    if workshop.status == "draft":
        raise JoinRefused("not_started")
    if workshop.room_locked:
        raise JoinRefused("locked")


def join(workshop: Workshop, group_key: str, nickname: str = "", language: str = "") -> Participant:
    check_open(workshop)
    if group_key not in {g["key"] for g in workshop.groups}:
        raise JoinRefused("group")
    participant = Participant(
        workshop_id=workshop.id,
        token=secrets.token_urlsafe(24),
        group_key=group_key,
        nickname=" ".join(nickname.split())[:40],
        language=language,
    )
    db.session.add(participant)
    notify(workshop.id, "people")
    return participant
