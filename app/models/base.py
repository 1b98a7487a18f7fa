from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL columns without time zone."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
