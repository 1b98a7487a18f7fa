"""Database models. Limits live in the database (constraints), not only in Python."""
from app.models.people import Invite, Participant, User
from app.models.workshop import ACTIVITY_STATES, WORKSHOP_STATUSES, Activity, Workshop
from app.models.live import LiveEvent
from app.models.reflect import ReflectResponse

__all__ = [
    "ACTIVITY_STATES",
    "WORKSHOP_STATUSES",
    "Activity",
    "Invite",
    "LiveEvent",
    "Participant",
    "ReflectResponse",
    "User",
    "Workshop",
]
