"""The action plan: who takes each top idea forward, the next step, and by when.

The facilitator fills it in on the workshop page before exporting; the pack
prints it after the activity sections, with blank lines to fill in by hand
where nothing was entered. The top ideas come from `vote_ranking` of the
vote the results screen showed (or the last vote), and an idea that already
has a plan stays in it even if the ranking moved.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.database import upsert
from app.extensions import db
from app.models import ActionPlanItem, Activity, Idea, Workshop
from app.models.action_plan import OWNER_MAX, STEP_MAX
from app.models.base import utcnow
from app.reports.pack import PackPart, register_part

TOP = 5


class PlanProblem(ValueError):
    def __init__(self, errors: dict[int, dict[str, str]]):
        super().__init__("action plan not saved")
        self.errors = errors


def plan_vote(workshop: Workshop) -> Activity | None:
    """The vote whose top ideas the plan is about: the one the results screen showed, else the last vote."""
    from app.activities.results import source_vote

    for activity in reversed(workshop.activities):
        if activity.kind == "results":
            vote = source_vote(activity)
            if vote is not None:
                return vote
    votes = [a for a in workshop.activities if a.kind == "vote"]
    return votes[-1] if votes else None


def plan_rows(workshop: Workshop) -> list[dict]:
    """The top ideas (rank order), then ideas planned earlier; each with its plan (or blanks)."""
    from app.activities.vote import vote_ranking

    vote = plan_vote(workshop)
    ranking = vote_ranking(vote) if vote is not None else None
    ranks = {}
    order = []
    if ranking is not None:
        for row in list(ranking)[:TOP]:
            if row.item.isdigit():
                order.append(int(row.item))
                ranks[int(row.item)] = row.rank
    plans = {item.idea_id: item for item in db.session.scalars(
        select(ActionPlanItem).filter_by(workshop_id=workshop.id).order_by(ActionPlanItem.id))}
    order += [idea_id for idea_id in plans if idea_id not in order]
    ideas = {idea.id: idea for idea in db.session.scalars(select(Idea).where(Idea.id.in_(order)))} if order else {}
    rows = []
    for idea_id in order:
        idea = ideas.get(idea_id)
        if idea is None or not idea.votable:
            continue
        plan = plans.get(idea_id)
        rows.append({"idea_id": idea_id, "title": idea.title, "rank": ranks.get(idea_id),
                     "owner": plan.owner if plan else "", "next_step": plan.next_step if plan else "",
                     "due": plan.due if plan else None,
                     "filled": bool(plan and (plan.owner or plan.next_step or plan.due))})
    return rows


def save_plan(workshop: Workshop, form) -> None:
    """Save every row of the plan form (fields owner-<id>, step-<id>, due-<id>); the caller commits.

    Checks everything first: on any problem nothing is saved and PlanProblem says which field.
    """
    allowed = {row["idea_id"] for row in plan_rows(workshop)}
    values, errors = [], {}
    for idea_id in sorted(allowed):
        owner = (form.get(f"owner-{idea_id}") or "").strip()
        step = (form.get(f"step-{idea_id}") or "").strip()
        raw_due = (form.get(f"due-{idea_id}") or "").strip()
        problems = {}
        if len(owner) > OWNER_MAX:
            problems["owner"] = _("At most %(n)s characters.", n=OWNER_MAX)
        if len(step) > STEP_MAX:
            problems["step"] = _("At most %(n)s characters.", n=STEP_MAX)
        due = None
        if raw_due:
            try:
                due = date.fromisoformat(raw_due)
            except ValueError:
                problems["due"] = _("Give the date as year-month-day, for example 2026-03-31.")
        if problems:
            errors[idea_id] = problems
        values.append({"workshop_id": workshop.id, "idea_id": idea_id, "owner": owner, "next_step": step,
                       "due": due, "updated_at": utcnow()})
    if errors:
        raise PlanProblem(errors)
    for row in values:
        db.session.execute(upsert(ActionPlanItem, row, unique=["workshop_id", "idea_id"],
                                  update=["owner", "next_step", "due", "updated_at"]))


def export_plan(workshop: Workshop, ids: dict) -> list[dict]:
    numbers = ids.get("idea", {})
    return [
        {"idea": numbers.get(item.idea_id), "owner": item.owner, "next_step": item.next_step,
         "due": item.due.isoformat() if item.due else None}
        for item in db.session.scalars(
            select(ActionPlanItem).filter_by(workshop_id=workshop.id).order_by(ActionPlanItem.id))
        if numbers.get(item.idea_id) is not None
    ]


def import_plan(workshop: Workshop, rows: list, ids: dict) -> None:
    for row in rows or []:
        idea_id = ids.get("idea", {}).get(int(row["idea"]))
        if idea_id is None:
            continue
        db.session.add(ActionPlanItem(
            workshop_id=workshop.id, idea_id=idea_id, owner=str(row.get("owner") or "")[:OWNER_MAX],
            next_step=str(row.get("next_step") or "")[:STEP_MAX],
            due=date.fromisoformat(row["due"]) if row.get("due") else None))


def build(workshop: Workshop, context) -> dict | None:
    rows = plan_rows(workshop)
    vote = plan_vote(workshop)
    if vote is None:
        return None
    return {"rows": rows, "vote": vote}


register_part(PackPart(key="action_plan", template="reports/_action_plan_pack.html", build=build, where="after"))
