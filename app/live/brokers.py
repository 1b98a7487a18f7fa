"""How events reach every process: a table that each process polls, or Redis pub/sub.

Database broker (the default): `notify` inserts LiveEvent rows in the session's transaction, so
the signal commits (or rolls back) with the change itself. A background thread
in each process reads new rows for the workshops it has listeners for.

Redis broker (REDIS_URL set): `notify` remembers the names on the session and
publishes them after commit; a background thread in each process subscribes.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import delete, func, insert, select

from app.database import mark_read_only
from app.models import LiveEvent
from app.models.base import utcnow

log = logging.getLogger(__name__)

KEEP_EVENTS = timedelta(minutes=5)
LOOKBACK_IDS = 500  # PostgreSQL ids can commit out of order: look back a little
_INSERT_EVENT = insert(LiveEvent)  # built once; created_at comes from the column default


class DatabaseBroker:
    def __init__(self, app, hub):
        self.app = app
        self.hub = hub
        self.interval = app.config["TANDEM_LIVE_POLL_SECONDS"]
        self._thread = None
        self._start_lock = threading.Lock()

    def stage(self, session, workshop_id: int, names) -> None:
        # A Core INSERT on the session's transaction (not an ORM object to flush at commit):
        # it commits or rolls back with the change, and costs a busy write path little.
        session.connection().execute(_INSERT_EVENT, [{"workshop_id": workshop_id, "name": name} for name in names])

    def after_commit(self, names_by_workshop) -> None:
        pass  # the rows committed with the change

    def ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tandem-live-poller", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        mark_read_only(True)
        with self.app.app_context():
            from app.extensions import db

            engine = db.engine
            state = {"baseline": None, "last_id": 0, "seen": {}, "pruned": time.monotonic()}
            while True:
                try:
                    self._poll(engine, state)
                except Exception:  # a lost connection must not kill the live channel
                    log.exception("live poll failed; retrying")
                    time.sleep(1)
                time.sleep(self.interval)

    def _poll(self, engine, state) -> None:
        watched = self.hub.watched()
        with engine.connect() as conn:
            if state["baseline"] is None:
                newest = conn.execute(select(func.coalesce(func.max(LiveEvent.id), 0))).scalar_one()
                state["baseline"] = state["last_id"] = newest
            if watched:
                floor = max(state["baseline"], state["last_id"] - LOOKBACK_IDS)
                rows = conn.execute(
                    select(LiveEvent.id, LiveEvent.workshop_id, LiveEvent.name)
                    .where(LiveEvent.id > floor, LiveEvent.workshop_id.in_(watched))
                    .order_by(LiveEvent.id)
                ).all()
                self._deliver_new(rows, state)
            conn.rollback()
        if time.monotonic() - state["pruned"] > 60:
            state["pruned"] = time.monotonic()
            self._prune(engine)

    def _deliver_new(self, rows, state) -> None:
        seen = state["seen"]
        fresh = defaultdict(set)
        for event_id, workshop_id, name in rows:
            if event_id not in seen:
                seen[event_id] = True
                fresh[workshop_id].add(name)
            state["last_id"] = max(state["last_id"], event_id)
        for workshop_id, names in fresh.items():
            self.hub.deliver(workshop_id, names)
        floor = state["last_id"] - LOOKBACK_IDS
        for event_id in [e for e in seen if e <= floor]:
            del seen[event_id]

    @staticmethod
    def _prune(engine) -> None:
        mark_read_only(False)
        try:
            with engine.begin() as conn:
                conn.execute(delete(LiveEvent).where(LiveEvent.created_at < utcnow() - KEEP_EVENTS))
        finally:
            mark_read_only(True)


class RedisBroker:
    CHANNEL = "tandem:live:"

    def __init__(self, app, hub):
        import redis

        self.hub = hub
        self.redis = redis.Redis.from_url(app.config["REDIS_URL"])
        self._thread = None
        self._start_lock = threading.Lock()

    def stage(self, session, workshop_id: int, names) -> None:
        session.info["tandem_broker"] = self
        pending = session.info.setdefault("tandem_live", defaultdict(set))
        pending[workshop_id].update(names)

    def after_commit(self, names_by_workshop) -> None:
        # One message per workshop and commit: the names of one change arrive together,
        # as they do from the database broker (a phone then refetches once, not twice).
        for workshop_id, names in names_by_workshop.items():
            self.redis.publish(f"{self.CHANNEL}{workshop_id}", ",".join(sorted(names)))

    def ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tandem-live-redis", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(f"{self.CHANNEL}*")
                for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    workshop_id = int(message["channel"].decode().rsplit(":", 1)[1])
                    self.hub.deliver(workshop_id, set(message["data"].decode().split(",")))
            except Exception:
                log.exception("redis live subscription failed; retrying")
                time.sleep(1)
