"""The journey map as plain functions: structure, cards, feelings, moderation.

Views call these and commit; each function says which live events follow.
A refused change raises `Refused` (status 400 bad input, 403 not yours,
409 the activity is closed) and changes nothing.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import moderation
from app.database import upsert
from app.extensions import db
from app.live import notify
from app.models import Activity, JourneyCard, JourneyLane, JourneyPhase, Participant, PhaseFeeling
from app.models.base import utcnow
from app.models.journey import CARD_MAX, FEELINGS, NAME_MAX
from app.ranking import feeling_curves

PARTS = {"phase": JourneyPhase, "lane": JourneyLane}
PROJECTOR_PHASES = 4  # phases per projector page: columns stay wide enough to read from the back

FEELING_WORDS = {
    -2: _l("Very bad"),
    -1: _l("Bad"),
    0: _l("Mixed"),
    1: _l("Good"),
    2: _l("Very good"),
}


class Refused(Exception):
    def __init__(self, message, status: int = 400, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.field = field


# --- structure -------------------------------------------------------------

def ensure_structure(activity: Activity) -> None:
    """A new journey activity starts with the recipe's phases and lanes."""
    if activity.kind != "journey" or parts(activity, "phase") or parts(activity, "lane"):
        return
    config = activity.config or {}
    for part, names in (("phase", config.get("phases", [])), ("lane", config.get("lanes", []))):
        for position, name in enumerate(names):
            db.session.add(PARTS[part](activity_id=activity.id, position=position, name=str(name).strip()[:NAME_MAX]))
    db.session.flush()


def parts(activity: Activity, part: str) -> list:
    model = PARTS[part]
    return list(db.session.scalars(select(model).filter_by(activity_id=activity.id).order_by(model.position, model.id)))


def part_of(activity: Activity, part: str, part_id) -> JourneyPhase | JourneyLane | None:
    try:
        part_id = int(part_id)
    except (TypeError, ValueError):
        return None
    item = db.session.get(PARTS[part], part_id)
    return item if item is not None and item.activity_id == activity.id else None


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise Refused(_l("Give it a name."), field="name")
    if len(name) > NAME_MAX:
        raise Refused(_l("At most %(n)s characters.", n=NAME_MAX), field="name")
    return name


def _structure_changed(activity: Activity) -> None:
    notify(activity.workshop_id, "cards", "stage")


def add_part(activity: Activity, part: str, name: str, user_id: int | None):
    name = _clean_name(name)
    existing = parts(activity, part)
    item = PARTS[part](activity_id=activity.id, position=len(existing), name=name)
    db.session.add(item)
    db.session.flush()
    moderation.record(activity.workshop_id, user_id, "add", part, item.id, activity_id=activity.id, detail=name)
    _structure_changed(activity)
    return item


def rename_part(activity: Activity, part: str, item, name: str, user_id: int | None) -> None:
    name = _clean_name(name)
    if name == item.name:
        return
    moderation.record(activity.workshop_id, user_id, "edit", part, item.id, activity_id=activity.id,
                      detail=f"{item.name} -> {name}")
    item.name = name
    _structure_changed(activity)


def move_part(activity: Activity, part: str, item, direction: int, user_id: int | None) -> None:
    ordered = parts(activity, part)
    index = ordered.index(item)
    target = index + (1 if direction > 0 else -1)
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    moderation.record(activity.workshop_id, user_id, "move", part, item.id, activity_id=activity.id,
                      detail=f"{item.name}: {index + 1} -> {target + 1}")
    _structure_changed(activity)


def cards_in(activity: Activity, part: str, item) -> int:
    column = JourneyCard.phase_id if part == "phase" else JourneyCard.lane_id
    return db.session.scalar(select(func.count()).select_from(JourneyCard).where(column == item.id)) or 0


def remove_part(activity: Activity, part: str, item, cards_to, user_id: int | None) -> None:
    """Remove a phase or lane; its cards move to `cards_to` (another one's id) or go with it ("delete")."""
    ordered = parts(activity, part)
    if len(ordered) <= 1:
        raise Refused(_l("A journey needs at least one phase and one lane."), field="cards_to")
    count = cards_in(activity, part, item)
    detail = item.name
    if count:
        if cards_to == "delete":
            detail += f" (deleted {count} cards)"
        else:
            target = part_of(activity, part, cards_to)
            if target is None or target.id == item.id:
                raise Refused(_l("Choose where its cards go."), field="cards_to")
            column = "phase_id" if part == "phase" else "lane_id"
            db.session.execute(
                JourneyCard.__table__.update()
                .where(getattr(JourneyCard, column) == item.id)
                .values({column: target.id})
            )
            detail += f" (moved {count} cards to {target.name})"
    moderation.record(activity.workshop_id, user_id, "delete", part, item.id, activity_id=activity.id, detail=detail)
    db.session.delete(item)
    db.session.flush()
    for position, each in enumerate(parts(activity, part)):
        each.position = position
    db.session.flush()
    db.session.expire_all()  # the moved cards were updated in bulk
    _structure_changed(activity)


# --- participants' cards and feelings ----------------------------------------

def require_open(activity: Activity) -> None:
    if activity.state != "open" or activity.workshop.status != "live":
        raise Refused(_l("This activity is closed: cards and ratings can no longer change."), status=409)


def clean_text(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused(_l("Write something on the card first."), field="text")
    if len(text) > CARD_MAX:
        raise Refused(_l("At most %(n)s characters.", n=CARD_MAX), field="text")
    return text


def _cell(activity: Activity, phase_id, lane_id):
    phase = part_of(activity, "phase", phase_id)
    lane = part_of(activity, "lane", lane_id)
    if phase is None:
        raise Refused(_l("Choose a step of the journey."), field="phase")
    if lane is None:
        raise Refused(_l("Choose a lane."), field="lane")
    return phase, lane


def add_card(activity: Activity, participant: Participant | None, phase_id, lane_id, text: str) -> JourneyCard:
    require_open(activity)
    phase, lane = _cell(activity, phase_id, lane_id)
    card = JourneyCard(activity_id=activity.id, phase_id=phase.id, lane_id=lane.id,
                       participant_id=participant.id if participant else None, text=clean_text(text))
    db.session.add(card)
    db.session.flush()
    notify(activity.workshop_id, "cards")
    return card


def own_card(activity: Activity, participant: Participant, card_id) -> JourneyCard:
    card = db.session.get(JourneyCard, card_id)
    if card is None or card.activity_id != activity.id:
        raise Refused(_l("This card no longer exists."), status=404)
    if card.participant_id != participant.id:
        raise Refused(_l("You can only change your own cards."), status=403)
    return card


def edit_own_card(activity: Activity, participant: Participant, card_id, text: str) -> JourneyCard:
    card = own_card(activity, participant, card_id)
    require_open(activity)
    card.text = clean_text(text)
    card.updated_at = utcnow()
    notify(activity.workshop_id, "cards")
    return card


def delete_own_card(activity: Activity, participant: Participant, card_id) -> None:
    card = own_card(activity, participant, card_id)
    require_open(activity)
    _unmerge_from(card)
    db.session.delete(card)
    notify(activity.workshop_id, "cards")


def _unmerge_from(card: JourneyCard) -> None:
    """A card leaving the map: the card it was merged into counts one fewer voice."""
    if card.merged_into_id is not None:
        db.session.execute(
            JourneyCard.__table__.update()
            .where(JourneyCard.id == card.merged_into_id, JourneyCard.count > card.count)
            .values(count=JourneyCard.count - card.count)
        )
    db.session.execute(
        JourneyCard.__table__.update().where(JourneyCard.merged_into_id == card.id).values(merged_into_id=None)
    )


def parse_feeling(value) -> int:
    try:
        feeling = int(str(value).strip())
    except (TypeError, ValueError):
        feeling = None
    if feeling not in FEELINGS:
        raise Refused(_l("Choose how this step feels, from very bad to very good."), field="feeling")
    return feeling


def rate_phase(activity: Activity, participant: Participant, phase_id, feeling) -> int:
    """One rating per participant per phase: a new rating replaces the old (UNIQUE in the database)."""
    phase = part_of(activity, "phase", phase_id)
    if phase is None:
        raise Refused(_l("This step is not part of this journey."), status=404)
    require_open(activity)
    feeling = parse_feeling(feeling)
    db.session.execute(
        upsert(
            PhaseFeeling,
            {"phase_id": phase.id, "participant_id": participant.id, "feeling": feeling, "updated_at": utcnow()},
            unique=["phase_id", "participant_id"],
            update=["feeling", "updated_at"],
        )
    )
    notify(activity.workshop_id, "cards")
    return feeling


def own_cards(activity: Activity, participant: Participant) -> list[JourneyCard]:
    return list(db.session.scalars(
        select(JourneyCard).filter_by(activity_id=activity.id, participant_id=participant.id).order_by(JourneyCard.id)
    ))


def holders(activity: Activity) -> set[int]:
    """Who has a card or a rating in this journey (their phone screen is their own)."""
    cards = select(JourneyCard.participant_id).where(JourneyCard.activity_id == activity.id)
    feelings = (select(PhaseFeeling.participant_id).join(JourneyPhase, JourneyPhase.id == PhaseFeeling.phase_id)
                .where(JourneyPhase.activity_id == activity.id))
    return set(db.session.scalars(cards.union(feelings)))


def own_feelings(activity: Activity, participant: Participant) -> dict[int, int]:
    rows = db.session.execute(
        select(PhaseFeeling.phase_id, PhaseFeeling.feeling)
        .join(JourneyPhase, JourneyPhase.id == PhaseFeeling.phase_id)
        .where(JourneyPhase.activity_id == activity.id, PhaseFeeling.participant_id == participant.id)
    )
    return {phase_id: feeling for phase_id, feeling in rows}


# --- moderation (the facilitator) --------------------------------------------

def card_of(activity: Activity, card_id) -> JourneyCard:
    try:
        card = db.session.get(JourneyCard, int(card_id))
    except (TypeError, ValueError):
        card = None
    if card is None or card.activity_id != activity.id:
        raise Refused(_l("This card no longer exists."), status=404)
    return card


def set_hidden(activity: Activity, card: JourneyCard, hidden: bool, user_id: int | None) -> None:
    if card.hidden == hidden:
        return
    card.hidden = hidden
    moderation.record(activity.workshop_id, user_id, "hide" if hidden else "unhide", "card", card.id,
                      activity_id=activity.id)
    notify(activity.workshop_id, "cards")


def moderate_text(activity: Activity, card: JourneyCard, text: str, user_id: int | None) -> None:
    text = clean_text(text)
    if text == card.text:
        return
    moderation.record(activity.workshop_id, user_id, "edit", "card", card.id, activity_id=activity.id,
                      detail=card.text)
    card.text = text
    notify(activity.workshop_id, "cards")


def move_card(activity: Activity, card: JourneyCard, phase_id, lane_id, user_id: int | None) -> None:
    phase, lane = _cell(activity, phase_id, lane_id)
    if (card.phase_id, card.lane_id) == (phase.id, lane.id):
        return
    moderation.record(activity.workshop_id, user_id, "move", "card", card.id, activity_id=activity.id,
                      detail=f"{card.phase.name} / {card.lane.name} -> {phase.name} / {lane.name}")
    card.phase_id, card.lane_id = phase.id, lane.id
    # cards merged into this one follow it
    db.session.execute(
        JourneyCard.__table__.update().where(JourneyCard.merged_into_id == card.id)
        .values(phase_id=phase.id, lane_id=lane.id)
    )
    db.session.expire(card, ["phase", "lane"])
    notify(activity.workshop_id, "cards")


def merge_cards(activity: Activity, duplicate: JourneyCard, into_id, user_id: int | None) -> JourneyCard:
    """Fold a duplicate into another card, which then counts everyone who raised either.

    Both rows are locked (in id order, so two crossed merges cannot deadlock)
    and re-read before the checks: on PostgreSQL two facilitators' tabs
    merging A into B and B into A at once leave one merge, never a cycle.
    SQLite's BEGIN IMMEDIATE already serialises the two requests.
    """
    refused = Refused(_l("Choose the card to merge it into."), field="into")
    try:
        target_id = int(into_id)
    except (TypeError, ValueError):
        raise refused from None
    if target_id == duplicate.id:
        raise refused
    locked = db.session.scalars(
        select(JourneyCard)
        .where(JourneyCard.id.in_([duplicate.id, target_id]), JourneyCard.activity_id == activity.id)
        .order_by(JourneyCard.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    cards = {card.id: card for card in locked}
    target, duplicate = cards.get(target_id), cards.get(duplicate.id)
    if target is None or duplicate is None or target.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise refused
    target.count = JourneyCard.count + duplicate.count
    duplicate.merged_into_id = target.id
    db.session.flush()
    db.session.execute(
        JourneyCard.__table__.update().where(JourneyCard.merged_into_id == duplicate.id, JourneyCard.id != duplicate.id)
        .values(merged_into_id=target.id, phase_id=target.phase_id, lane_id=target.lane_id)
    )
    db.session.refresh(target)
    moderation.record(activity.workshop_id, user_id, "merge", "card", target.id, activity_id=activity.id,
                      detail=f"merged card {duplicate.id} into {target.id}: {duplicate.text}")
    notify(activity.workshop_id, "cards")
    return target


def all_cards(activity: Activity) -> list[JourneyCard]:
    """Every card, hidden and merged ones too (the facilitator's view)."""
    return list(db.session.scalars(select(JourneyCard).filter_by(activity_id=activity.id).order_by(JourneyCard.id)))


def set_projector_page(activity: Activity, page: int) -> None:
    pages = projector_pages(len(parts(activity, "phase")))
    activity.config = {**(activity.config or {}), "projector_page": min(max(page, 0), max(pages - 1, 0))}
    notify(activity.workshop_id, "cards")


def projector_pages(phase_count: int) -> int:
    return max(1, -(-phase_count // PROJECTOR_PHASES))


# --- the map as plain data (projector, facilitator, outcome pack) -------------

def feelings_of(activity: Activity, phases: list | None = None):
    """The emotion curves and gaps, keyed by phase id and group key."""
    phases = phases if phases is not None else parts(activity, "phase")
    rows = db.session.execute(
        select(PhaseFeeling.phase_id, Participant.group_key, PhaseFeeling.feeling)
        .join(Participant, Participant.id == PhaseFeeling.participant_id)
        .join(JourneyPhase, JourneyPhase.id == PhaseFeeling.phase_id)
        .where(JourneyPhase.activity_id == activity.id)
        .order_by(PhaseFeeling.id)
    )
    groups = [g["key"] for g in activity.workshop.groups]
    return feeling_curves([p.id for p in phases], list(rows), groups=groups)


def journey_map(activity: Activity, *, include_hidden: bool = False) -> dict:
    """Phases, lanes, the visible cards per cell (with how many raised each), curves and gaps.

    Plain data for the projector, the facilitator and the outcome pack.
    Merged duplicates never appear on their own: the card they were merged
    into carries their count. With include_hidden, hidden cards are included
    (flagged "hidden").
    """
    from app.activities.journey.chart import emotion_chart

    workshop = activity.workshop
    phases = parts(activity, "phase")
    lanes = parts(activity, "lane")
    query = select(JourneyCard).filter_by(activity_id=activity.id, merged_into_id=None).order_by(JourneyCard.id)
    if not include_hidden:
        query = query.filter_by(hidden=False)
    cells: dict[tuple[int, int], list[dict]] = {}
    for card in db.session.scalars(query):
        cells.setdefault((card.phase_id, card.lane_id), []).append(
            {"id": card.id, "text": card.text, "count": card.count, "hidden": card.hidden,
             "phase_id": card.phase_id, "lane_id": card.lane_id}
        )
    feelings = feelings_of(activity, phases)
    names = {p.id: p.name for p in phases}
    group_names = {g["key"]: g["label"] for g in workshop.groups}
    groups = [{"key": key, "label": group_names.get(key, key)} for key in feelings.groups]
    gaps = [
        {"phase_id": g.phase, "phase": names[g.phase], "gap": g.gap, "n": g.n,
         "highest": group_names.get(g.highest_group, g.highest_group),
         "lowest": group_names.get(g.lowest_group, g.lowest_group),
         "means": [{"group": group_names.get(k, k), "mean": v, "n": g.counts[k]} for k, v in g.means.items()]}
        for g in feelings.gaps
    ]
    by_phase = {g["phase_id"]: g for g in gaps}
    curves = [
        {"phase_id": p.phase, "phase": names[p.phase], "n": p.n, "mean": p.mean, "spread": p.spread}
        for p in feelings.overall
    ]
    phase_rows = [{"id": p.id, "name": p.name, "position": p.position} for p in phases]
    return {
        "phases": phase_rows,
        "lanes": [{"id": lane.id, "name": lane.name, "position": lane.position} for lane in lanes],
        "rows": [
            {"lane": {"id": lane.id, "name": lane.name}, "cells": [cells.get((p.id, lane.id), []) for p in phases]}
            for lane in lanes
        ],
        "card_count": sum(len(c) for c in cells.values()),
        "groups": groups,
        "curves": curves,
        "by_group": {
            g: [{"phase_id": p.phase, "n": p.n, "mean": p.mean, "spread": p.spread, "low": p.low, "high": p.high}
                for p in points]
            for g, points in feelings.by_group.items()
        },
        "gaps": gaps,
        "largest_gaps": [by_phase[g.phase] for g in feelings.largest_gaps(3)],
        "lowest_phases": [
            {"phase_id": p.phase, "phase": names[p.phase], "mean": p.mean, "n": p.n}
            for p in feelings.lowest_phases(3)
        ],
        "ratings": feelings.n,
        "chart": emotion_chart(phase_rows, groups, feelings),
        "private": bool((activity.config or {}).get("private")),
        "revealed": activity.state == "revealed",
    }


def feeling_word(value: int) -> str:
    return str(FEELING_WORDS[value])
