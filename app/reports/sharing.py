"""Sharing a workshop, as plain functions: co-facilitators, and read-only links.

A read-only link is ``/s/<token>``: the token is the link's (id, nonce)
signed with the app's secret (itsdangerous), so it cannot be guessed or
forged; the database row decides whether it still works (expiry chosen by
the facilitator, revocation), so a link can be withdrawn at any time.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models import ShareLink, User, Workshop, WorkshopShare
from app.models.base import utcnow

LINK_DAYS = (1, 7, 30, 90)


class SharingProblem(ValueError):
    """The request cannot be done; `str(problem)` is the reason in the user's language."""


class LinkGone(Exception):
    """The link was real but has expired or been revoked."""

    def __init__(self, link: ShareLink):
        super().__init__("share link no longer works")
        self.link = link


def co_facilitators(workshop: Workshop) -> list[WorkshopShare]:
    return list(db.session.scalars(
        select(WorkshopShare).filter_by(workshop_id=workshop.id).order_by(WorkshopShare.created_at)))


def share_with(workshop: Workshop, email: str) -> WorkshopShare:
    """Let another existing facilitator account run, moderate and download the workshop."""
    from flask_babel import gettext as _

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise SharingProblem(_("No facilitator account has this e-mail address. Ask an admin to invite them first."))
    if user.id == workshop.owner_id:
        raise SharingProblem(_("That is the workshop's owner."))
    existing = db.session.scalar(select(WorkshopShare).filter_by(workshop_id=workshop.id, user_id=user.id))
    if existing is not None:
        return existing
    share = WorkshopShare(workshop_id=workshop.id, user_id=user.id)
    db.session.add(share)
    db.session.flush()
    return share


def unshare(workshop: Workshop, share_id: int) -> None:
    share = db.session.get(WorkshopShare, share_id)
    if share is not None and share.workshop_id == workshop.id:
        db.session.delete(share)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="tandem-share-link")


def create_link(workshop: Workshop, user, days: int, label: str = "") -> ShareLink:
    if days not in LINK_DAYS:
        raise ValueError(f"days must be one of {LINK_DAYS}")
    link = ShareLink(
        workshop_id=workshop.id,
        created_by_id=user.id if user is not None else None,
        nonce=secrets.token_hex(16),
        label=label.strip()[:120],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    return link


def link_token(link: ShareLink) -> str:
    return _serializer().dumps([link.id, link.nonce])


def revoke_link(workshop: Workshop, link_id: int) -> None:
    link = db.session.get(ShareLink, link_id)
    if link is not None and link.workshop_id == workshop.id and link.revoked_at is None:
        link.revoked_at = utcnow()


def links(workshop: Workshop) -> list[ShareLink]:
    return list(db.session.scalars(
        select(ShareLink).filter_by(workshop_id=workshop.id).order_by(ShareLink.created_at.desc(), ShareLink.id.desc())))


def resolve_link(token: str) -> ShareLink | None:
    """The link a token names if it still works; None if there is no such link; LinkGone if it ended."""
    try:
        link_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    link = db.session.get(ShareLink, link_id) if isinstance(link_id, int) else None
    if link is None or not secrets.compare_digest(link.nonce, str(nonce)):
        return None
    if not link.is_active():
        raise LinkGone(link)
    return link
