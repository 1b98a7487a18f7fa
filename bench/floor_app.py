"""The floor for bench/votes.py: a bare Flask view doing one raw sqlite3 INSERT (WAL), nothing else.

No ORM, no session, no CSRF, no templates. Served by the same gunicorn
configuration as Tandem. The database file comes from TANDEM_FLOOR_DB.
"""
from __future__ import annotations

import os
import sqlite3

from flask import Flask, request

app = Flask(__name__)
_connection = None


def connection() -> sqlite3.Connection:
    """One connection per worker process, opened after the fork."""
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["TANDEM_FLOOR_DB"], isolation_level=None, check_same_thread=False)
        _connection.execute("PRAGMA journal_mode=WAL")
        _connection.execute("PRAGMA busy_timeout=10000")
        _connection.execute("PRAGMA synchronous=FULL")  # as durable as Tandem's writes
    return _connection


@app.post("/vote")
def vote():
    form = request.form
    connection().execute("INSERT INTO vote (key, idea, change) VALUES (?, ?, ?)",
                         (form["key"], int(form.get("idea") or form.get("approve") or 0), int(form.get("change", 1))))
    return "ok"


def create_schema(path: str) -> None:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS vote (id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, "
               "idea INTEGER NOT NULL, change INTEGER NOT NULL)")
    db.commit()
    db.close()
