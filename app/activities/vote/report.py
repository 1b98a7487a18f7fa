"""A vote in the outcome pack, the CSV tables and the JSON export/import.

The pack shows exactly what the projector shows: `results_view` (one call of
`vote_ranking`), plus the linked journey phase of each idea.

JSON: every vote table (`vote_*` with an ``activity_id``, receipts left out)
is exported generically, with participants and ideas replaced by the
export's anonymous numbers, so methods added later (pairwise, ranked,
agree) round-trip without code here.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import DateTime, select

from app.extensions import db
from app.models import Activity, Idea
from app.ranking import Ranking

SKIPPED_TABLES = {"vote_receipt"}  # idempotency keys: meaningless elsewhere

# Plain words for the appendix, one per method (methods other helpers add are explained here too).
METHOD_WORDS = {
    "dots": lambda: _("Dot voting: everyone had a few dots to put on the ideas they think matter most, several on "
                      "one idea if they felt strongly. An idea's score is its number of dots; ties go to the idea "
                      "with more supporters, then to the one supported more evenly across the groups."),
    "approval": lambda: _("Approval voting: everyone ticked every idea they could support. The score is a cautious "
                          "estimate of the share of people who approve (it allows for how few voted), so an idea "
                          "ticked by 3 of 4 people does not beat one ticked by 30 of 40."),
    "rating": lambda: _("Rating: everyone rated ideas from 1 to 5 on each criterion (for example impact and ease). "
                        "The score is the weighted average of the criteria, pulled slightly towards the overall "
                        "average when few people rated an idea, so one enthusiastic rating cannot win alone."),
    "pairwise": lambda: _("Pairwise comparison: phones showed two ideas at a time and people picked the better one "
                          "(or said they could not decide). From all the choices a statistical model (Bradley-Terry) "
                          "estimates each idea's chance, from 0 to 100, of being preferred to an average idea."),
    "ranked": lambda: _("Ranked choice: everyone put their favourite ideas in order. The score counts points for "
                        "each place (Borda count); an idea preferred to every other by a majority is marked as "
                        "the Condorcet winner."),
    "agree": lambda: _("Agree or disagree: people saw ideas one at a time and said whether they agree. Ideas are "
                       "ordered by consensus across groups: high only when every group agrees, so an idea loved "
                       "by one group and rejected by another sits lower and is marked as divisive."),
}
INTERVAL_WORDS = lambda: _("Every score comes with a %(level)s interval: where the score would likely be if the "  # noqa: E731
                           "same room voted again. When the intervals of neighbouring ideas overlap, their order "
                           "is not settled and is marked as close.", level="90%")


def _phases(ids: list[int]) -> dict[int, str]:
    ideas = db.session.scalars(select(Idea).where(Idea.id.in_(ids))) if ids else []
    out = {}
    for idea in ideas:
        phase = getattr(idea, "phase", None)
        out[idea.id] = phase.name if phase is not None else ""
    return out


def consensus_of(ranking: Ranking, item: str) -> float | None:
    consensus = ranking.extra.get("consensus") if ranking is not None else None
    return consensus.get(item) if isinstance(consensus, dict) else None


def report_context(activity: Activity) -> dict | None:
    from app.activities.vote import results_view
    from app.activities.vote.core import method_of, turnout

    results = results_view(activity)
    if results is None:
        return None
    ranking = results["ranking"]
    phases = _phases([int(row.item) for row in ranking if row.item.isdigit()])
    for entry in results["rows"]:
        item = entry["row"].item
        entry["phase"] = phases.get(int(item), "") if item.isdigit() else ""
        entry["consensus"] = consensus_of(ranking, item)
    method = method_of(activity)
    lines = []
    if ranking.turnout and len(ranking):
        top = results["rows"][:3]
        lines.append(_("%(num)s people voted (%(method)s). Top: %(ideas)s.", num=ranking.turnout,
                       method=str(method.label()).lower(),
                       ideas="; ".join(f"{e['row'].rank}. {e['title']} ({e['score']})" for e in top)))
    people = turnout(activity)
    words = METHOD_WORDS.get(method.key)
    return {
        "results": results,
        "summary": [],  # the pack's summary part prints the top ideas (app.reports.parts)
        "lines": lines,
        "method": (words() + " " + INTERVAL_WORDS()) if words else INTERVAL_WORDS(),
        "turnout": {key: voted for key, _label, voted, _joined in people["groups"]},
    }


def _vote_tables(prefix: str = "vote_") -> list:
    """Every table (named with `prefix`) tied to an activity, in dependency order (receipts left out)."""
    return [table for table in db.Model.metadata.sorted_tables
            if table.name.startswith(prefix) and table.name not in SKIPPED_TABLES and "activity_id" in table.c]


def _key(column) -> str:
    """The JSON key of a column: references lose their "_id" (they hold export numbers, not ids)."""
    if _reference(column) and column.name.endswith("_id"):
        return column.name[:-3]
    return column.name


def _reference(column) -> str | None:
    for key in column.foreign_keys:
        target = key.column.table.name
        if target in ("participant", "idea"):
            return target
    return None


def export_data(activity: Activity, ids: dict, prefix: str = "vote_") -> dict:
    tables = {}
    for table in _vote_tables(prefix):
        rows = []
        for row in db.session.execute(select(table).where(table.c.activity_id == activity.id).order_by(table.c.id)):
            item = {}
            for column in table.c:
                if column.name in ("id", "activity_id"):
                    continue
                value = row._mapping[column]
                reference = _reference(column)
                if reference == "participant":
                    value = ids["participant"].get(value)
                elif reference == "idea":
                    value = ids.get("idea", {}).get(value)
                elif isinstance(value, datetime):
                    value = value.isoformat(timespec="seconds")
                item[_key(column)] = value
            rows.append(item)
        if rows:
            tables[table.name] = rows
    return {"tables": tables}


def import_data(activity: Activity, data: dict, ids: dict, prefix: str = "vote_") -> None:
    known = {table.name: table for table in _vote_tables(prefix)}
    for name, rows in (data.get("tables") or {}).items():
        table = known.get(name)
        if table is None:
            raise ValueError(f"this Tandem has no vote table {name!r}")
        values = []
        for item in rows:
            row = {"activity_id": activity.id}
            for column in table.c:
                if column.name in ("id", "activity_id") or _key(column) not in item:
                    continue
                value = item[_key(column)]
                reference = _reference(column)
                if value is not None and reference == "participant":
                    value = ids["participant"][int(value)]
                elif value is not None and reference == "idea":
                    value = ids["idea"][int(value)]
                elif value is not None and isinstance(column.type, DateTime):
                    value = datetime.fromisoformat(value)
                row[column.name] = value
            values.append(row)
        if values:
            db.session.execute(table.insert(), values)
    db.session.flush()


def csv_tables(activity: Activity) -> dict:
    report = report_context(activity)
    if report is None:
        return {}
    results = report["results"]
    groups = [g["label"] for g in activity.workshop.groups]
    header = ["rank", "idea", "title", "score", "low_90", "high_90", "votes", "phase", "close", "why"] + \
        [f"score_{label}" for label in groups]
    rows = []
    for entry in results["rows"]:
        row = entry["row"]
        rows.append([row.rank, int(row.item) if row.item.isdigit() else row.item, entry["title"], row.score,
                     row.low, row.high, row.votes, entry["phase"], "yes" if row.close else "", row.why]
                    + [row.by_group.get(label) for label in groups])
    return {"ranking": (header, rows)}
