"""The journey map in the outcome pack, the CSV tables and the JSON export/import.

Everything the pack shows comes from `journey_map` (the projector's data):
the visible cards per cell with how many raised them, the emotion curves and
the perception gaps. Hidden cards and merged duplicates never appear in the
pack or the CSV; the JSON keeps them (marked) so a restore is faithful.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from app.activities.journey.map import journey_map, parts
from app.extensions import db
from app.models import Activity, JourneyCard, JourneyLane, JourneyPhase, Participant, PhaseFeeling
from app.models.base import utcnow
from app.models.journey import CARD_MAX, FEELINGS, NAME_MAX


def _signed(value: float) -> str:
    return format_decimal(round(value, 1), format="+0.0;-0.0")


def _turnout(activity: Activity) -> dict:
    """People who added a card or rated a step, per group."""
    card_people = select(JourneyCard.participant_id).where(
        JourneyCard.activity_id == activity.id, JourneyCard.participant_id.is_not(None))
    feeling_people = (select(PhaseFeeling.participant_id)
                      .join(JourneyPhase, JourneyPhase.id == PhaseFeeling.phase_id)
                      .where(JourneyPhase.activity_id == activity.id))
    people = set(db.session.scalars(card_people)) | set(db.session.scalars(feeling_people))
    turnout: dict[str, int] = {}
    if people:
        for group in db.session.scalars(select(Participant.group_key).where(Participant.id.in_(people))):
            turnout[group] = turnout.get(group, 0) + 1
    return turnout


def report_context(activity: Activity) -> dict | None:
    data = journey_map(activity)
    if not data["phases"]:
        return None
    lines = []
    worst = [p for p in data["lowest_phases"] if p["mean"] is not None and p["mean"] < 0]
    if worst:
        lines.append(_("Felt worst: %(phases)s.", phases="; ".join(
            f"{p['phase']} ({_signed(p['mean'])})" for p in worst)))
    if data["largest_gaps"]:
        gap = data["largest_gaps"][0]
        lines.append(_("Largest difference between groups: %(phase)s (%(high)s felt it better than %(low)s, "
                       "by %(gap)s points).", phase=gap["phase"], high=gap["highest"], low=gap["lowest"],
                       gap=format_decimal(round(gap["gap"], 1), format="0.0")))
    lines.append(_("%(cards)s cards on the map; %(ratings)s ratings of how the steps feel.",
                   cards=data["card_count"], ratings=data["ratings"]))
    return {
        "journey": data,
        "summary": [],  # the pack's summary part prints the worst steps and the gaps (app.reports.parts)
        "lines": lines,
        "method": _("Everyone mapped the journey step by step on their phone: cards for what happens, what hurts "
                    "and what works in each step, and how each step feels from very bad (-2) to very good (+2). "
                    "The facilitator merged duplicate cards (the card then shows how many raised it) and hid "
                    "off-topic ones. The curves show the mean feeling per group, the whiskers the spread; "
                    "the gap is the highest group mean minus the lowest."),
        "turnout": _turnout(activity),
    }


def _cards(activity: Activity) -> list[JourneyCard]:
    return list(db.session.scalars(select(JourneyCard).filter_by(activity_id=activity.id).order_by(JourneyCard.id)))


def export_data(activity: Activity, ids: dict) -> dict:
    phases = parts(activity, "phase")
    lanes = parts(activity, "lane")
    # numbers unique across the workshop's journeys (ideas refer to them)
    phase_no = {p.id: n for n, p in enumerate(phases, start=len(ids.get("journey_phase", {})) + 1)}
    lane_no = {lane.id: n for n, lane in enumerate(lanes, start=1)}
    cards = _cards(activity)
    card_no = {c.id: n for n, c in enumerate(cards, start=len(ids.get("journey_card", {})) + 1)}
    # Ideas (and anything after) refer to phases and cards by these numbers.
    ids.setdefault("journey_phase", {}).update(phase_no)
    ids.setdefault("journey_card", {}).update(card_no)
    feelings = db.session.execute(
        select(PhaseFeeling.phase_id, PhaseFeeling.participant_id, PhaseFeeling.feeling)
        .join(JourneyPhase, JourneyPhase.id == PhaseFeeling.phase_id)
        .where(JourneyPhase.activity_id == activity.id).order_by(PhaseFeeling.id))
    return {
        "phases": [{"id": phase_no[p.id], "name": p.name} for p in phases],
        "lanes": [{"id": lane_no[lane.id], "name": lane.name} for lane in lanes],
        "cards": [
            {"id": card_no[c.id], "phase": phase_no[c.phase_id], "lane": lane_no[c.lane_id],
             "participant": ids["participant"].get(c.participant_id), "text": c.text, "count": c.count,
             "hidden": c.hidden, "merged_into": card_no.get(c.merged_into_id),
             "at": c.created_at.isoformat(timespec="seconds")}
            for c in cards
        ],
        "feelings": [
            {"phase": phase_no[phase_id], "participant": ids["participant"][pid], "feeling": feeling}
            for phase_id, pid, feeling in feelings
        ],
    }


def import_data(activity: Activity, data: dict, ids: dict) -> None:
    phase_ids, lane_ids, card_ids = {}, {}, {}
    for model, key, table in ((JourneyPhase, "phases", phase_ids), (JourneyLane, "lanes", lane_ids)):
        for position, item in enumerate(data.get(key) or []):
            row = model(activity_id=activity.id, position=position, name=str(item["name"]).strip()[:NAME_MAX] or "?")
            db.session.add(row)
            db.session.flush()
            table[int(item["id"])] = row.id
    merged = []
    for item in data.get("cards") or []:
        person = item.get("participant")
        card = JourneyCard(
            activity_id=activity.id, phase_id=phase_ids[int(item["phase"])], lane_id=lane_ids[int(item["lane"])],
            participant_id=ids["participant"][int(person)] if person is not None else None,
            text=str(item["text"])[:CARD_MAX], count=max(1, int(item.get("count") or 1)),
            hidden=bool(item.get("hidden")),
            created_at=datetime.fromisoformat(item["at"]) if item.get("at") else utcnow(),
        )
        db.session.add(card)
        db.session.flush()
        card_ids[int(item["id"])] = card.id
        if item.get("merged_into") is not None:
            merged.append((card, int(item["merged_into"])))
    for card, into in merged:
        card.merged_into_id = card_ids[into]
    for item in data.get("feelings") or []:
        feeling = int(item["feeling"])
        if feeling not in FEELINGS:
            raise ValueError(f"a feeling must be -2 to 2, not {feeling}")
        db.session.add(PhaseFeeling(phase_id=phase_ids[int(item["phase"])],
                                    participant_id=ids["participant"][int(item["participant"])], feeling=feeling))
    db.session.flush()
    ids.setdefault("journey_phase", {}).update(phase_ids)
    ids.setdefault("journey_card", {}).update(card_ids)


def csv_tables(activity: Activity) -> dict:
    data = journey_map(activity)
    phase_names = {p["id"]: p["name"] for p in data["phases"]}
    lane_names = {lane["id"]: lane["name"] for lane in data["lanes"]}
    cards = [
        [phase_names[card["phase_id"]], lane_names[card["lane_id"]], card["text"], card["count"]]
        for row in data["rows"] for cell in row["cells"] for card in cell
    ]
    labels = {g["key"]: g["label"] for g in data["groups"]}
    ratings = []
    for index, phase in enumerate(data["phases"]):
        overall = data["curves"][index]
        ratings.append([phase["name"], _("everyone"), overall["n"], overall["mean"], overall["spread"]])
        for key, points in data["by_group"].items():
            point = points[index]
            ratings.append([phase["name"], labels.get(key, key), point["n"], point["mean"], point["spread"]])
    gaps = [[g["phase"], g["gap"], g["highest"], g["lowest"], g["n"]] for g in data["gaps"]]
    return {
        "cards": (["phase", "lane", "text", "raised_by"], cards),
        "ratings": (["phase", "group", "ratings", "mean", "spread"], ratings),
        "gaps": (["phase", "gap", "felt_best_by", "felt_worst_by", "ratings"], gaps),
    }
