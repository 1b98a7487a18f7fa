"""Facilitator accounts and invitations, callable without HTTP."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import Invite, User
from app.models.base import utcnow

INVITE_DAYS = 7
# Checked against when an e-mail is unknown, so a miss costs the same time as a hit.
_DUMMY_HASH = generate_password_hash("tandem-no-such-account")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None


def create_user(email: str, name: str, password: str, organisation: str = "") -> User:
    """The first account of an instance is its admin."""
    is_first = db.session.scalar(select(func.count(User.id))) == 0
    user = User(email=normalise_email(email), name=name.strip(), organisation=organisation.strip(), is_admin=is_first)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        # Spend the same time as a real check so timing does not reveal accounts.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if user.check_password(password) else None


def create_invite(admin: User, note: str = "") -> str:
    """A one-time token; only its hash is stored."""
    token = secrets.token_urlsafe(24)
    db.session.add(
        Invite(token_hash=_hash(token), created_by_id=admin.id, note=note.strip(), expires_at=utcnow() + timedelta(days=INVITE_DAYS))
    )
    return token


def usable_invite(token: str) -> Invite | None:
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == _hash(token)))
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        return None
    return invite


def use_invite(invite: Invite, user: User) -> bool:
    """Mark the invite used; False if another request used it first (guarded update)."""
    result = db.session.execute(
        update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None)).values(used_at=utcnow(), used_by_id=user.id)
    )
    return result.rowcount == 1
