"""The live channel: changes become named events that every open page hears.

Views call `notify(workshop_id, "stage")` before committing; the event is sent
only if the change commits. Pages listen through the htmx SSE extension and
re-fetch their fragments on `sse:<name>`.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.live.hub import Hub

EVENT_NAMES = frozenset({"stage", "timer", "people", "reflect", "cards", "ideas", "votes", "pledges"})


def broker():
    return current_app.extensions["tandem_live"]


def hub() -> Hub:
    return broker().hub


def notify(workshop_id: int, *names: str) -> None:
    """Send these events to the workshop's pages when the current transaction commits."""
    unknown = set(names) - EVENT_NAMES
    if unknown:
        raise ValueError(f"unknown live event {sorted(unknown)}")
    if names:
        broker().stage(db.session(), workshop_id, names)


def _after_commit(session) -> None:
    pending = session.info.pop("tandem_live", None)
    broker_ = session.info.pop("tandem_broker", None)
    if pending and broker_ is not None:
        broker_.after_commit(pending)


def _after_rollback(session) -> None:
    session.info.pop("tandem_live", None)
    session.info.pop("tandem_broker", None)


_listening = False


def _listen_for_commits() -> None:
    """Publish to Redis only after a commit (registered once per process)."""
    global _listening
    if not _listening:
        _listening = True
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))


def init_app(app) -> None:
    from app.live.brokers import DatabaseBroker, RedisBroker

    live_hub = Hub()
    chosen = RedisBroker(app, live_hub) if app.config.get("REDIS_URL") else DatabaseBroker(app, live_hub)
    app.extensions["tandem_live"] = chosen

    if isinstance(chosen, RedisBroker):
        _listen_for_commits()

    from app.live.stream import bp

    app.register_blueprint(bp)
