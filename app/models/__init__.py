"""Database models. Limits live in the database (constraints), not only in Python."""
from app.models.people import Invite, Participant, User
from app.models.workshop import ACTIVITY_STATES, WORKSHOP_STATUSES, Activity, Workshop
from app.models.live import LiveEvent
from app.models.reflect import ReflectResponse
from app.models.journey import JourneyCard, JourneyLane, JourneyPhase, PhaseFeeling
from app.models.ideas import IDEA_SOURCES, Approval, DotVote, Idea, Rating, Voter, VoteReceipt
from app.models.moderation import MODERATION_ACTIONS, MODERATION_TARGETS, ModerationAction
from app.models.sharing import ShareLink, WorkshopShare
from app.models.action_plan import ActionPlanItem
from app.models.votes2 import AgreeAnswer, PairwiseAnswer, Pledge, RankedChoice

__all__ = [
    "AgreeAnswer",
    "PairwiseAnswer",
    "Pledge",
    "RankedChoice",
    "ACTIVITY_STATES",
    "ActionPlanItem",
    "WORKSHOP_STATUSES",
    "Activity",
    "Approval",
    "DotVote",
    "IDEA_SOURCES",
    "Idea",
    "Invite",
    "JourneyCard",
    "JourneyLane",
    "JourneyPhase",
    "Rating",
    "VoteReceipt",
    "Voter",
    "LiveEvent",
    "MODERATION_ACTIONS",
    "MODERATION_TARGETS",
    "ModerationAction",
    "Participant",
    "PhaseFeeling",
    "ReflectResponse",
    "ShareLink",
    "User",
    "Workshop",
    "WorkshopShare",
]
