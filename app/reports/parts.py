"""Pack parts that belong to no single activity: the one-page summary and the action plan.

The summary reads the activity sections already gathered (the same
`results_view`/`vote_ranking` and `journey_map`/`feeling_curves` data the
projector shows): no second computation.
"""
from __future__ import annotations

from flask_babel import gettext as _

from app.reports.pack import PackPart, register_part

TOP = 5
AGREE_RATIO = 0.6  # every group's score at least this share of the best group's: the groups agree


def consensus(by_group: dict) -> dict:
    """How evenly the groups back an idea, from its per-group scores (as shown beside it)."""
    values = {name: value for name, value in by_group.items() if value is not None}
    if len(values) < 2:
        return {"agree": None, "text": ""}
    high = max(values, key=values.get)
    low = min(values, key=values.get)
    top = values[high]
    agree = top <= 0 or values[low] >= AGREE_RATIO * top
    if agree:
        return {"agree": True, "text": _("Backed across the groups")}
    return {"agree": False, "text": _("Groups differ: highest %(high)s, lowest %(low)s", high=high, low=low)}


def _people_power(activity) -> dict | None:
    """Pledged people-power through the pledge activity's own `people_power` (counts only, never names)."""
    from app.activities import pledge

    power = getattr(pledge, "people_power", None)
    if power is None:
        return None
    data = power(activity)
    if not data["rows"]:
        return None
    lines = [_("%(people)s people pledged %(hours)s hours a month in all.", people=data["people"], hours=data["hours"])]
    lines += [_("%(idea)s: %(num)s people, %(hours)s hours a month", idea=row["idea"].title, num=row["pledgers"],
                hours=row["hours"]) for row in data["rows"][:3]]
    return {"activity": activity, "lines": lines}


def build_summary(workshop, context) -> dict:
    votes, journeys, pledges = [], [], []
    vote_count = sum(1 for section in context["sections"] if section.kind.key == "vote")
    top_n = {0: TOP, 1: TOP, 2: 3}.get(vote_count, 2)  # the summary stays on one page
    for section in context["sections"]:
        key = section.kind.key
        if key == "vote":
            results = section.context["results"]
            top = []
            for entry in results["rows"][:top_n]:
                row = entry["row"]
                top.append({"rank": row.rank, "title": entry["title"], "score": entry["score"], "low": entry["low"],
                            "high": entry["high"], "close": row.close, "phase": entry.get("phase", ""),
                            "consensus": consensus(row.by_group)})
            votes.append({"activity": section.activity, "method": results["method"].label(),
                          "turnout": results["ranking"].turnout, "top": top})
        elif key == "journey":
            data = section.context["journey"]
            journeys.append({"activity": section.activity, "worst": data["lowest_phases"],
                             "gaps": data["largest_gaps"]})
        elif key == "pledge":
            pledges.append({"activity": section.activity, "lines": section.context.get("summary") or []})
    if not pledges:
        pledges = [p for p in (_people_power(a) for a in workshop.activities if a.kind == "pledge") if p]
    return {"votes": votes, "journeys": journeys, "pledges": pledges, "multiple_journeys": len(journeys) > 1}


register_part(PackPart(key="summary", template="reports/_summary.html", build=build_summary, where="summary"))
