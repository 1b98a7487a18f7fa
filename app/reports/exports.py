"""CSV and JSON exports of a workshop, and restoring a JSON export into this instance.

JSON: one document with the workshop, its recipe settings (groups and
defaults), the agenda, anonymous participants (a number, a group, a
language: no nickname, no token) and each activity's data from its kind's
``export_data`` hook. `import_workshop` turns it back into a workshop owned
by a facilitator here, closed (no join code), with new participants.

CSV: UTF-8 with a byte-order mark so Excel reads the accents; the separator
and decimal mark follow the workshop's language (Hungarian Excel expects
``;`` and ``,``; English ``,`` and ``.``), so a double-click opens it right.
"""
from __future__ import annotations

import csv
import io
import secrets
import zipfile
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select

from app.activities import get_kind
from app.activities.kinds import KINDS
from app.extensions import db
from app.models import MODERATION_ACTIONS, MODERATION_TARGETS, Activity, ModerationAction, Participant, User, Workshop
from app.models.base import utcnow
from app.moderation import counts as moderation_counts
from app.workshops.people import joined_by_group

FORMAT = "tandem-workshop"
VERSION = 1


class ImportProblem(ValueError):
    """The file is not a Tandem export this version can restore; the message says why."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _time(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise ImportProblem(f"not a date and time: {value!r}") from error


def export_ids(workshop: Workshop) -> dict[str, dict[int, int]]:
    """Anonymous export numbers for database ids: participants in joining order, activities in agenda order."""
    participants = db.session.scalars(
        select(Participant.id).filter_by(workshop_id=workshop.id).order_by(Participant.joined_at, Participant.id)
    ).all()
    return {
        "participant": {pid: n for n, pid in enumerate(participants, start=1)},
        "activity": {a.id: n for n, a in enumerate(workshop.activities, start=1)},
    }


def export_workshop(workshop: Workshop) -> dict:
    ids = export_ids(workshop)
    groups = {p.id: (p.group_key, p.language) for p in db.session.scalars(
        select(Participant).filter_by(workshop_id=workshop.id))}
    activities = []
    for activity in workshop.activities:
        kind = get_kind(activity.kind)
        activities.append({
            "id": ids["activity"][activity.id],
            "kind": activity.kind,
            "title": activity.title,
            "instructions": activity.instructions,
            "minutes": activity.minutes,
            "config": activity.config,
            "state": activity.state,
            "data": kind.export_data(activity, ids) if kind.export_data else _generic_export(activity, ids),
        })
    moderation = [
        {
            "activity": ids["activity"].get(entry.activity_id),
            "action": entry.action,
            "target": entry.target,
            "at": _iso(entry.created_at),
        }
        for entry in db.session.scalars(
            select(ModerationAction).filter_by(workshop_id=workshop.id).order_by(ModerationAction.id))
    ]
    from app.reports.action_plan import export_plan

    return {
        "action_plan": export_plan(workshop, ids),
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(utcnow()),
        "workshop": {
            "title": workshop.title,
            "challenge": workshop.challenge,
            "organisation": workshop.organisation,
            "place": workshop.place,
            "language": workshop.language,
            "recipe": workshop.recipe_key,
            "status": workshop.status,
            "created_at": _iso(workshop.created_at),
            "started_at": _iso(workshop.started_at),
            "closed_at": _iso(workshop.closed_at),
            "settings": workshop.settings,
        },
        "participants": [
            {"id": n, "group": groups[pid][0], "language": groups[pid][1]}
            for pid, n in ids["participant"].items()
        ],
        "activities": activities,
        "moderation": moderation,
    }


def _generic_export(activity: Activity, ids: dict) -> dict:
    """A kind without its own export hook: its tables named after it (e.g. `pledge`), anonymous numbers."""
    from app.activities.vote.report import export_data as export_tables

    return export_tables(activity, ids, prefix=activity.kind) if activity.kind in ("pledge",) else {}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ImportProblem(message)


def import_workshop(data: dict, owner: User) -> Workshop:
    """Restore an export as a new closed workshop of `owner`. The caller commits.

    Raises ImportProblem, before anything is written, when the file is not a
    Tandem export of a known version or names an unknown activity kind.
    """
    _require(isinstance(data, dict) and data.get("format") == FORMAT, "not a Tandem workshop export")
    _require(data.get("version") == VERSION, f"export version {data.get('version')!r}; this Tandem reads {VERSION}")
    info = data.get("workshop")
    _require(isinstance(info, dict) and str(info.get("title", "")).strip() != "", "the workshop has no title")
    activities = data.get("activities") or []
    participants = data.get("participants") or []
    _require(isinstance(activities, list) and isinstance(participants, list), "activities and participants must be lists")
    for item in activities:
        _require(isinstance(item, dict) and item.get("kind") in KINDS, f"unknown activity kind: {item.get('kind')!r}")
    settings = info.get("settings") or {}
    _require(isinstance(settings, dict), "settings must be an object")
    group_keys = {g.get("key") for g in settings.get("groups", []) if isinstance(g, dict)}

    workshop = Workshop(
        owner_id=owner.id,
        title=str(info["title"]).strip()[:200],
        challenge=str(info.get("challenge") or ""),
        organisation=str(info.get("organisation") or "")[:200],
        place=str(info.get("place") or "")[:200],
        language=str(info.get("language") or "en")[:8],
        recipe_key=str(info.get("recipe") or "")[:80],
        settings=settings,
        status="closed",
        join_code=None,
        created_at=_time(info.get("created_at")) or utcnow(),
        started_at=_time(info.get("started_at")),
        closed_at=_time(info.get("closed_at")) or utcnow(),
    )
    db.session.add(workshop)
    db.session.flush()

    ids: dict[str, dict[int, int]] = {"participant": {}, "activity": {}}
    for person in participants:
        group = str(person.get("group", ""))
        _require(not group_keys or group in group_keys, f"participant in an unknown group: {group!r}")
        participant = Participant(
            workshop_id=workshop.id,
            token=secrets.token_urlsafe(32),
            group_key=group[:40],
            language=str(person.get("language") or "")[:8],
        )
        db.session.add(participant)
        db.session.flush()
        ids["participant"][int(person["id"])] = participant.id

    restored = []
    for position, item in enumerate(activities):
        activity = Activity(
            workshop_id=workshop.id,
            position=position,
            kind=item["kind"],
            title=str(item.get("title") or item["kind"])[:200],
            instructions=str(item.get("instructions") or ""),
            minutes=int(item.get("minutes") or 0),
            config=item.get("config") or {},
            state=item.get("state") if item.get("state") in ("hidden", "open", "locked", "revealed") else "revealed",
        )
        db.session.add(activity)
        db.session.flush()
        ids["activity"][int(item["id"])] = activity.id
        restored.append((activity, item))
    for activity, item in restored:
        kind = get_kind(activity.kind)
        if kind.import_data is not None and item.get("data"):
            kind.import_data(activity, item["data"], ids)
        elif item.get("data", {}).get("tables"):
            from app.activities.vote.report import import_data as import_tables

            import_tables(activity, item["data"], ids, prefix=activity.kind)

    from app.reports.action_plan import import_plan

    _require(isinstance(data.get("action_plan") or [], list), "the action plan must be a list")
    import_plan(workshop, data.get("action_plan") or [], ids)

    for entry in data.get("moderation") or []:
        _require(isinstance(entry, dict) and entry.get("action") in MODERATION_ACTIONS
                 and entry.get("target") in MODERATION_TARGETS, "unknown moderation entry")
        db.session.add(ModerationAction(
            workshop_id=workshop.id,
            activity_id=ids["activity"].get(entry.get("activity")),
            user_id=None,
            action=entry["action"],
            target=entry["target"],
            target_id=0,
            created_at=_time(entry.get("at")) or utcnow(),
        ))
    db.session.flush()
    db.session.expire(workshop)
    return workshop


# --- CSV -------------------------------------------------------------------

def csv_tables(workshop: Workshop) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the CSV export, by file name (without .csv), in agenda order."""
    tables: dict[str, tuple[list[str], list[list]]] = {
        "workshop-agenda": (
            ["position", "kind", "title", "state", "minutes"],
            [[a.position + 1, a.kind, a.title, a.state, a.minutes] for a in workshop.activities],
        ),
        "workshop-groups": (
            ["group", "label", "people"],
            [[key, label, n] for key, label, n in joined_by_group(workshop)],
        ),
        "workshop-moderation": (
            ["target", "action", "count"],
            [[target, action, n] for (target, action), n in sorted(moderation_counts(workshop.id).items())],
        ),
    }
    with force_locale(workshop.language or "en"):  # words inside the tables in the workshop's language
        for number, activity in enumerate(workshop.activities, start=1):
            kind = get_kind(activity.kind)
            if kind.csv_tables is None:
                continue
            for name, table in kind.csv_tables(activity).items():
                tables[f"{number:02d}-{activity.kind}-{name}"] = table
    return tables


def csv_format(language: str) -> tuple[str, str]:
    """(separator, decimal mark) that a spreadsheet in this language opens without an import dialog."""
    return (";", ",") if language == "hu" else (",", ".")


def csv_bytes(header: list[str], rows: list[list], language: str = "en") -> bytes:
    separator, decimal = csv_format(language)

    def cell(value):
        if isinstance(value, float):
            return f"{value:.3f}".rstrip("0").rstrip(".").replace(".", decimal)
        if value is None:
            return ""
        if isinstance(value, int):
            return str(value)
        text = str(value)
        # A cell starting with = + - @ is a formula to a spreadsheet: never run a participant's text.
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def csv_zip(workshop: Workshop) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in csv_tables(workshop).items():
            archive.writestr(f"{name}.csv", csv_bytes(header, rows, workshop.language))
    return buffer.getvalue()
