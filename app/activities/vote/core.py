"""The machinery every voting method shares.

* settings: the activity's method and its options (recipe `[vote]`, or edited
  by the facilitator until the first vote);
* `cast_vote`: one request's vote in one transaction — the activity must be
  open, the idempotency key is stored UNIQUE with it (a retry is applied
  once and answered as if new), and the method parses, checks and records;
* turnout per group, and `vote_ranking`, the one place results come from;
* what happens to votes when an idea is hidden or merged.

A method is a `VoteMethod` registered by key in `METHODS`
(`app/activities/vote/methods/`); the core never names a method.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, Callable

from flask import g
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, or_, select

from app.extensions import db
from app.live import notify
from app.models import Activity, Idea, Participant, Voter, VoteReceipt

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class VoteRefused(ValueError):
    """A vote that changes nothing: the message is shown beside the form.

    400 for bad input (unknown idea, value out of range), 409 when the vote's
    state or a limit says no (locked, no dots left).
    """

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Change:
    """What one vote request asks for, parsed and checked, before it is written."""

    idea_id: int | None
    amount: int | None
    data: Any = None
    # What `apply` returned (e.g. dots used and on the idea, from RETURNING): lets `partial`
    # answer without reading again after COMMIT. None when the method returns nothing.
    result: Any = None


class VoteMethod:
    """One way of voting. Subclasses fill in the parts; the core calls them.

    * `defaults` — this method's settings when the recipe gives none;
    * `clean_settings(config)` — checked settings (raise ValueError);
    * `phone_context(activity, participant, ideas, settings)` — for `template`;
    * `parse(activity, form, settings)` -> Change (raise VoteRefused, no writes);
    * `apply(activity, participant, change, settings)` — the guarded writes; may return
      what they RETURNed (kept as `change.result` for `partial`);
    * `ranking(activity, items, groups, settings, _)` -> app.ranking.Ranking;
    * `ideas_merged(activity, source_id, target_id)`, `idea_hidden(activity, idea_id)`;
    * `format_score(value)` — the score as people read it;
    * `partial(activity, participant, change, settings)` -> (template, context) or
      None: a small htmx answer to a vote that was applied (None: the whole box);
    * `refused(activity, participant, refusal, settings)` -> (template, context) or
      None: what an htmx answer to a refused vote shows besides the message
      (None: only the message, the rest of the screen stays).
    """

    key: str = ""
    template: str = ""
    defaults: dict = {}

    def label(self) -> str:  # pragma: no cover - every method overrides
        return self.key

    def clean_settings(self, config: dict) -> dict:
        return {}

    def phone_context(self, activity, participant, ideas, settings) -> dict:
        return {}

    def parse(self, activity, form, settings) -> Change:
        raise NotImplementedError

    def apply(self, activity, participant, change: Change, settings) -> None:
        raise NotImplementedError

    def ranking(self, activity, items: list[str], groups: dict, settings, translate: Callable):
        raise NotImplementedError

    def ideas_merged(self, activity, source_id: int, target_id: int) -> None:
        pass

    def idea_hidden(self, activity, idea_id: int) -> None:
        pass

    def format_score(self, value: float) -> str:
        return f"{value:.1f}"

    def partial(self, activity, participant, change: Change, settings):
        return None

    def refused(self, activity, participant, refusal: VoteRefused, settings):
        return None


METHODS: dict[str, VoteMethod] = {}


def register_method(method: VoteMethod) -> VoteMethod:
    METHODS[method.key] = method
    return method


def method_of(activity: Activity) -> VoteMethod | None:
    return METHODS.get(activity.config.get("method", "dots"))


def settings(activity: Activity) -> dict:
    """The method key and its checked options; recipe values fill the method's defaults."""
    method = method_of(activity)
    config = dict(activity.config)
    if method is None:
        return {"method": config.get("method", "dots")}
    return {"method": method.key, **method.clean_settings({**method.defaults, **config})}


def new_key() -> str:
    """A server-made idempotency key for a form (tandem.js replaces it per tap)."""
    return secrets.token_urlsafe(16)


def dialect_insert(model):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


# The vote hot path runs a handful of small statements per request. Each is a
# Core statement with bind parameters, built once per dialect: no ORM loads,
# no statement building, and SQLAlchemy compiles it once (its cache key is
# memoized on the statement object).
_prepared: dict = {}


def prepared(name: str, build: Callable[[], Any]):
    """The statement `build()` makes, built once per database dialect and kept."""
    key = (name, db.engine.dialect.name)
    statement = _prepared.get(key)
    if statement is None:
        statement = _prepared[key] = build()
    return statement


def run(statement, params):
    """Execute a prepared Core statement on the request's transaction (the ORM session's connection)."""
    return db.session.connection().execute(statement, params)


class IdeaView:
    """A read-only snapshot of an idea row (what a vote checks and shows)."""

    __slots__ = ("id", "workshop_id", "title", "hidden", "merged_into_id")

    def __init__(self, id, workshop_id, title, hidden, merged_into_id):  # noqa: A002
        self.id, self.workshop_id, self.title = id, workshop_id, title
        self.hidden, self.merged_into_id = hidden, merged_into_id

    @property
    def votable(self) -> bool:
        return not self.hidden and self.merged_into_id is None


def ensure_voter(activity: Activity, participant, budget: int | None) -> None:
    """The participant's voter row (and dot budget), made once; never a duplicate."""
    statement = prepared("ensure_voter", lambda: dialect_insert(Voter).on_conflict_do_nothing(
        index_elements=["activity_id", "participant_id"]))
    run(statement, {"activity_id": activity.id, "participant_id": participant.id, "budget": budget, "used": 0})


def _idea_statement():
    return select(Idea.id, Idea.workshop_id, Idea.title, Idea.hidden, Idea.merged_into_id).where(
        Idea.id == bindparam("idea_id"))


def follow_merge(model, activity: Activity, source_id: int, target_id: int, *same: str) -> None:
    """Move one-per-person rows (`model`) from a merged idea to the idea it joined.

    A person who already has a row for the target idea (for the same `same` columns,
    e.g. the criterion of a rating) keeps that one: the merged idea's row goes, so
    nobody counts twice.
    """
    for row in db.session.scalars(select(model).filter_by(activity_id=activity.id, idea_id=source_id)).all():
        both = db.session.scalar(select(model.id).filter_by(
            activity_id=activity.id, participant_id=row.participant_id, idea_id=target_id,
            **{column: getattr(row, column) for column in same}))
        if both is None:
            row.idea_id = target_id
        else:
            db.session.delete(row)
    db.session.flush()


def votable_idea(activity: Activity, raw) -> IdeaView:
    """The idea a vote names, if this vote may count it; otherwise a clear refusal."""
    try:
        idea_id = int(raw)
    except (TypeError, ValueError):
        raise VoteRefused(_("Choose one of the ideas.")) from None
    row = run(prepared("votable_idea", _idea_statement), {"idea_id": idea_id}).first()
    idea = IdeaView(*row) if row is not None else None
    if idea is None or idea.workshop_id != activity.workshop_id:
        raise VoteRefused(_("That idea is not part of this vote."))
    if idea.hidden:
        raise VoteRefused(_("The facilitator has hidden that idea: it cannot get votes."))
    if idea.merged_into_id is not None:
        raise VoteRefused(_("That idea was merged with a similar one: vote for that one instead."))
    return idea


def check_open(activity: Activity) -> None:
    if activity.state != "open" or activity.workshop.status != "live":
        raise VoteRefused(_("Voting is locked: your votes can no longer change."), 409)


def cast_vote(activity: Activity, participant, form) -> Change | None:
    """Record one vote request; returns its Change, or None when the key was seen before (nothing applied).

    The caller commits (or rolls back on VoteRefused). Everything happens in
    the request's one write transaction: the receipt with its UNIQUE key,
    then the method's guarded writes, then the live event.
    """
    check_open(activity)
    method = method_of(activity)
    if method is None:
        raise VoteRefused(_("This voting method is not available yet."), 409)
    key = (form.get("key") or "").strip() or new_key()
    if not KEY_PATTERN.match(key):
        raise VoteRefused(_("This form is out of date: reload the page and try again."))
    current = settings(activity)
    change = method.parse(activity, form, current)
    # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT.
    claimed = run(prepared("receipt", lambda: dialect_insert(VoteReceipt).on_conflict_do_nothing(
        index_elements=["participant_id", "key"]).returning(VoteReceipt.id)), {
        "activity_id": activity.id, "participant_id": participant.id, "key": key,
        "idea_id": change.idea_id, "change": change.amount}).first()
    if claimed is None:
        return None  # a retry of a vote already recorded: answer as if new
    result = method.apply(activity, participant, change, current)
    notify(activity.workshop_id, "votes")
    return change if result is None else replace(change, result=result)


def has_votes(activity: Activity) -> bool:
    return db.session.scalar(select(Voter.id).filter_by(activity_id=activity.id).limit(1)) is not None


def turnout(activity: Activity) -> dict:
    """How many have voted, per group (label, voted, joined), and in all."""
    voted = dict(db.session.execute(
        select(Participant.group_key, func.count())
        .join(Voter, Voter.participant_id == Participant.id)
        .where(Voter.activity_id == activity.id, or_(Voter.budget.is_(None), Voter.used > 0))
        .group_by(Participant.group_key)
    ).all())
    joined = dict(db.session.execute(
        select(Participant.group_key, func.count())
        .where(Participant.workshop_id == activity.workshop_id)
        .group_by(Participant.group_key)
    ).all())
    workshop = activity.workshop
    groups = [(group["key"], group["label"], voted.get(group["key"], 0), joined.get(group["key"], 0))
              for group in workshop.groups]
    return {"groups": groups, "voted": sum(voted.values()), "joined": sum(joined.values())}


def ranked_ideas(activity: Activity) -> list[Idea]:
    """The ideas a vote ranks: the workshop's ideas that are neither hidden nor merged."""
    return list(db.session.scalars(
        select(Idea).filter_by(workshop_id=activity.workshop_id, hidden=False, merged_into_id=None).order_by(Idea.id)
    ))


def participant_groups(activity: Activity) -> dict:
    """participant id -> group label (the names the "why" sentences use)."""
    workshop = activity.workshop
    labels = {group["key"]: group["label"] for group in workshop.groups}
    rows = db.session.execute(
        select(Participant.id, Participant.group_key).filter_by(workshop_id=activity.workshop_id)
    )
    return {pid: labels.get(key, key) for pid, key in rows}


def vote_ranking(activity: Activity):
    """THE ranking of a vote activity (an `app.ranking.Ranking`): projector, phones and PDF all show this.

    Items are idea ids as text; hidden and merged ideas are left out.
    """
    cache = g.setdefault("tandem_vote_rankings", {}) if _has_app_context() else {}
    if activity.id in cache:
        return cache[activity.id]
    method = method_of(activity)
    if method is None:
        return None
    items = [str(idea.id) for idea in ranked_ideas(activity)]
    from flask import has_request_context

    translate = _ if has_request_context() else (lambda text: text)
    result = method.ranking(activity, items, participant_groups(activity), settings(activity), translate)
    cache[activity.id] = result
    return result


def _has_app_context() -> bool:
    from flask import has_app_context

    return has_app_context()


def vote_activities(workshop_id: int) -> list[Activity]:
    return list(db.session.scalars(select(Activity).filter_by(workshop_id=workshop_id, kind="vote")))


def idea_hidden(idea: Idea) -> None:
    for activity in vote_activities(idea.workshop_id):
        method = method_of(activity)
        if method is not None:
            method.idea_hidden(activity, idea.id)


def ideas_merged(source: Idea, target: Idea) -> None:
    for activity in vote_activities(source.workshop_id):
        method = method_of(activity)
        if method is not None:
            method.ideas_merged(activity, source.id, target.id)


def update_settings(activity: Activity, values: dict) -> None:
    """The facilitator changes the method or its options: only before anyone has voted."""
    if has_votes(activity):
        raise VoteRefused(_("People have already voted: the method can no longer change."), 409)
    method = METHODS.get(values.get("method"))
    if method is None:
        raise VoteRefused(_("Choose one of the voting methods."))
    try:
        cleaned = method.clean_settings({**method.defaults, **activity.config, **values})
    except ValueError as error:
        raise VoteRefused(str(error)) from None
    activity.config = {**activity.config, "method": method.key, **cleaned}
    notify(activity.workshop_id, "votes", "stage")
