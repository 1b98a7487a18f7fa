"""SQLite tuning and transaction rules.

SQLite is the embedded default: WAL so readers never wait for the writer,
a busy timeout so writers queue instead of failing, foreign keys enforced,
and write transactions that take the write lock up front (BEGIN IMMEDIATE):
a deferred transaction that reads and then writes can fail at once with
"database is locked" whatever the busy timeout says.

Requests that cannot write (GET, HEAD, OPTIONS) begin a plain deferred
transaction so the many readers of a live room never queue behind a writer.
"""
from __future__ import annotations

import contextvars
import sqlite3
import threading
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

_read_only: contextvars.ContextVar[bool] = contextvars.ContextVar("tandem_read_only", default=False)

BUSY_TIMEOUT_MS = 10_000


def mark_read_only(value: bool) -> contextvars.Token:
    return _read_only.set(value)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own
    # transaction handling would defer it and ignore IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged write survives a power cut
    cursor.close()


# SQLite's busy wait is C code: under gevent it blocks the whole process,
# including the greenlet that holds the write lock, so two writers in one
# process stall each other for up to the busy timeout. Writers of one process
# therefore queue on this lock first (gevent patches threading before the app
# is imported, so it is a greenlet-aware lock there, and a thread lock under a
# threaded server); SQLite's own lock still orders the processes.
_write_lock = threading.RLock()
_LOCK_KEY = "tandem_write_lock"


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name != "sqlite":
        return
    if _read_only.get():
        connection.exec_driver_sql("BEGIN")
        return
    if _write_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
        connection.info[_LOCK_KEY] = True
    try:
        _begin_immediate(connection.connection.driver_connection)
    except Exception:
        _release_write_lock(connection)
        raise


def _begin_immediate(raw: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for another process's writer with sleeps that yield.

    SQLite's own busy handler sleeps in C for up to 100 ms at a time, freezing
    every greenlet of the process; this loop sleeps with time.sleep (gevent's,
    under gunicorn) in short steps instead.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.0005
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.005)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _release_write_lock(connection, *_args):
    # COMMIT/ROLLBACK run right after this without yielding to another greenlet.
    if connection.info.pop(_LOCK_KEY, False):
        _write_lock.release()


event.listen(Engine, "commit", _release_write_lock)
event.listen(Engine, "rollback", _release_write_lock)


def init_app(app):
    from flask import request

    @app.before_request
    def _choose_transaction_kind():
        mark_read_only(request.method in {"GET", "HEAD", "OPTIONS"})


def upsert(model, values: dict, unique: list[str], update: list[str]):
    """INSERT ... ON CONFLICT (unique) DO UPDATE: one statement, safe under concurrency.

    Works on SQLite and PostgreSQL; returns the statement to execute.
    """
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(**values)
    return statement.on_conflict_do_update(
        index_elements=unique, set_={name: statement.excluded[name] for name in update}
    )
