"""Ideas in the outcome pack, the CSV tables and the JSON export/import.

Only visible ideas (neither hidden nor merged) reach the pack and the CSV;
the JSON keeps every idea, marked, so a restore is faithful and the votes
that point at merged ideas still find them. An idea may link to a journey
phase or card (`Idea.phase_id`, `Idea.card_id`); those links are exported
by the journey's export numbers.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, Idea, Participant
from app.models.base import utcnow


def phase_name(idea) -> str:
    """The journey phase an idea is linked to, or "" (works before and after the link columns exist)."""
    phase = getattr(idea, "phase", None)
    return phase.name if phase is not None else ""


def visible_ideas(activity: Activity) -> list[Idea]:
    return list(db.session.scalars(
        select(Idea).filter_by(activity_id=activity.id, hidden=False, merged_into_id=None).order_by(Idea.id)))


def _turnout(activity: Activity) -> dict:
    rows = db.session.execute(
        select(Participant.group_key, func.count(func.distinct(Idea.participant_id)))
        .join(Participant, Participant.id == Idea.participant_id)
        .where(Idea.activity_id == activity.id)
        .group_by(Participant.group_key))
    return dict(rows.all())


def report_context(activity: Activity) -> dict | None:
    ideas = visible_ideas(activity)
    everything = db.session.scalar(select(func.count()).select_from(Idea).filter_by(activity_id=activity.id))
    paper = sum(1 for idea in ideas if idea.source == "paper")
    lines = [_("%(num)s ideas were put forward (%(paper)s of them from paper).", num=len(ideas), paper=paper)] \
        if ideas else []
    return {
        "ideas": [{"title": idea.title, "description": idea.description, "phase": phase_name(idea),
                   "paper": idea.source == "paper"} for idea in ideas],
        "merged_or_hidden": everything - len(ideas),
        "summary": lines,
        "method": _("Everyone could put forward ideas on their phone, one at a time; ideas written on paper were "
                    "typed in by the facilitator. The facilitator merged duplicates (the merged idea keeps every "
                    "author and its votes) and hid off-topic ones; hidden ideas are not in this pack."),
        "turnout": _turnout(activity),
    }


def export_data(activity: Activity, ids: dict) -> dict:
    ideas = list(db.session.scalars(select(Idea).filter_by(activity_id=activity.id).order_by(Idea.id)))
    table = ids.setdefault("idea", {})
    start = len(table) + 1
    numbers = {idea.id: n for n, idea in enumerate(ideas, start=start)}
    table.update(numbers)
    phases, cards = ids.get("journey_phase", {}), ids.get("journey_card", {})
    return {"ideas": [
        {"id": numbers[idea.id], "participant": ids["participant"].get(idea.participant_id), "title": idea.title,
         "description": idea.description, "source": idea.source, "hidden": idea.hidden,
         "merged_into": table.get(idea.merged_into_id) if idea.merged_into_id else None,
         "phase": phases.get(getattr(idea, "phase_id", None)), "card": cards.get(getattr(idea, "card_id", None)),
         "at": idea.created_at.isoformat(timespec="seconds")}
        for idea in ideas
    ]}


def import_data(activity: Activity, data: dict, ids: dict) -> None:
    table = ids.setdefault("idea", {})
    merged = []
    for item in data.get("ideas") or []:
        person = item.get("participant")
        idea = Idea(
            workshop_id=activity.workshop_id, activity_id=activity.id,
            participant_id=ids["participant"][int(person)] if person is not None else None,
            title=str(item["title"])[:200], description=str(item.get("description") or "")[:2000],
            source=item.get("source") if item.get("source") in ("phone", "paper") else "phone",
            hidden=bool(item.get("hidden")),
            created_at=datetime.fromisoformat(item["at"]) if item.get("at") else utcnow(),
        )
        for column, key, source in (("phase_id", "phase", "journey_phase"), ("card_id", "card", "journey_card")):
            if hasattr(Idea, column) and item.get(key) is not None:
                setattr(idea, column, ids.get(source, {}).get(int(item[key])))
        db.session.add(idea)
        db.session.flush()
        table[int(item["id"])] = idea.id
        if item.get("merged_into") is not None:
            merged.append((idea, int(item["merged_into"])))
    for idea, into in merged:
        idea.merged_into_id = table[into]
    db.session.flush()


def csv_tables(activity: Activity) -> dict:
    rows = [[idea.id, idea.title, idea.description, idea.source, phase_name(idea)] for idea in visible_ideas(activity)]
    return {"ideas": (["idea", "title", "description", "source", "phase"], rows)}
