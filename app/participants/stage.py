"""The phone's live fragments (#stage and #timer), made cheap: a whole room asks at once.

When the facilitator presses "next", every phone in the room refetches its
stage (and its timer) within the same second, so this request decides how fast
a room of hundreds follows. It stays exact: every request reads the current
state from the database (nothing is cached between requests, so no phone can
be shown a stale stage), but in ONE prebuilt Core query that returns the
participant (by the token in the signed cookie), the workshop and its current
activity as a single row: no ORM objects, no identity map, no query building.

Only kinds whose phone view is built from the template alone (no
`phone_context`) take this path; a kind that computes personal context (own
answers, own cards, own votes) gets real ORM objects through the usual path,
exactly as before.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select

from app.activities import ActivityKind, get_kind
from app.extensions import db
from app.models import Activity, Participant, Workshop

_NO_PHONE_CONTEXT = ActivityKind.__dataclass_fields__["phone_context"].default


class _View:
    """A read-only snapshot with the attributes (and helpers) of the model it stands for."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is a read-only snapshot")


class WorkshopView(_View):
    groups = Workshop.groups
    group_label = Workshop.group_label
    is_live = Workshop.is_live
    join_code_display = Workshop.join_code_display


class ActivityView(_View):
    is_open = Activity.is_open
    is_revealed = Activity.is_revealed


class ParticipantView(_View):
    pass


_WORKSHOP_COLUMNS = [c.key for c in Workshop.__table__.columns]
_ACTIVITY_COLUMNS = [c.key for c in Activity.__table__.columns]
_PARTICIPANT_COLUMNS = [c.key for c in Participant.__table__.columns]
_statement = None


def _stage_statement():
    """Participant + workshop + current activity in one row (built once, compiled once)."""
    global _statement
    if _statement is None:
        p, w, a = Participant.__table__, Workshop.__table__, Activity.__table__
        _statement = (
            select(
                *[p.c[k].label(f"p_{k}") for k in _PARTICIPANT_COLUMNS],
                *[w.c[k].label(f"w_{k}") for k in _WORKSHOP_COLUMNS],
                *[a.c[k].label(f"a_{k}") for k in _ACTIVITY_COLUMNS],
            )
            .select_from(p.join(w, w.c.id == p.c.workshop_id).outerjoin(a, a.c.id == w.c.current_activity_id))
            .where(p.c.token == bindparam("token"), p.c.workshop_id == bindparam("workshop_id"))
        )
    return _statement


_activity_statement = None


def _named_activity_statement():
    """Participant + workshop + one named activity of that workshop (built once, compiled once)."""
    global _activity_statement
    if _activity_statement is None:
        p, w, a = Participant.__table__, Workshop.__table__, Activity.__table__
        _activity_statement = (
            select(
                *[p.c[k].label(f"p_{k}") for k in _PARTICIPANT_COLUMNS],
                *[w.c[k].label(f"w_{k}") for k in _WORKSHOP_COLUMNS],
                *[a.c[k].label(f"a_{k}") for k in _ACTIVITY_COLUMNS],
            )
            .select_from(p.join(w, w.c.id == p.c.workshop_id).outerjoin(
                a, (a.c.id == bindparam("activity_id")) & (a.c.workshop_id == w.c.id)))
            .where(p.c.token == bindparam("token"), p.c.workshop_id == bindparam("workshop_id"))
        )
    return _activity_statement


def stage_snapshot(workshop_id: int, token: str):
    """(workshop, participant, activity or None) as read-only snapshots, or None if the token is not in this workshop."""
    # A connection of its own, not the ORM session: nothing to track, nothing to flush.
    with db.engine.connect() as connection:
        row = connection.execute(_stage_statement(), {"token": token, "workshop_id": workshop_id}).first()
    return _views(row)


def activity_snapshot(connection, workshop_id: int, token: str, activity_id: int):
    """Like `stage_snapshot`, for a named activity of the workshop (None if it is not one of them).

    Runs on the caller's connection: a write request reads inside its own
    write transaction, so what it checks (open? live?) cannot change before it commits.
    """
    row = connection.execute(
        _named_activity_statement(), {"token": token, "workshop_id": workshop_id, "activity_id": activity_id}
    ).first()
    return _views(row, current=False)


def _views(row, current: bool = True):
    if row is None:
        return None
    values = row._mapping
    workshop = WorkshopView(**{k: values[f"w_{k}"] for k in _WORKSHOP_COLUMNS})
    participant = ParticipantView(workshop=workshop, **{k: values[f"p_{k}"] for k in _PARTICIPANT_COLUMNS})
    activity = None
    if values["a_id"] is not None:
        activity = ActivityView(workshop=workshop, **{k: values[f"a_{k}"] for k in _ACTIVITY_COLUMNS})
    if current:
        object.__setattr__(workshop, "current_activity", activity)
    return workshop, participant, activity


def template_only(activity) -> bool:
    """True when the phone view of this stage needs no personal context: the snapshot is enough."""
    return activity is None or get_kind(activity.kind).phone_context is _NO_PHONE_CONTEXT
