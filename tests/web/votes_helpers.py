"""Shared set-up for vote tests: a workshop with ideas, at its vote activity."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, Idea, PairwiseAnswer


def room_comparisons(activity) -> dict[tuple[int, int], int]:
    """Pairwise: (winner, loser) -> how many times across the room (decided answers only), counted
    afresh from the answers: what each process's tally (`room_tally`) must always equal."""
    rows = db.session.execute(
        select(PairwiseAnswer.low_id, PairwiseAnswer.high_id, PairwiseAnswer.winner_id, func.count())
        .where(PairwiseAnswer.activity_id == activity.id, PairwiseAnswer.winner_id.is_not(None))
        .group_by(PairwiseAnswer.low_id, PairwiseAnswer.high_id, PairwiseAnswer.winner_id)
    )
    return {(winner, high if winner == low else low): count for low, high, winner, count in rows}


def vote_room(app, owner, client, *, method="dots", ideas=("Drop-in hub", "Text reminders", "Peer mentors"),
              recipe="family-support", **settings):
    """A started workshop with ideas added from paper, the room at its vote activity (open)."""
    from tests.conftest import make_workshop

    workshop = make_workshop(app, owner, recipe=recipe)
    vote_id = workshop.activity_ids[workshop.kinds.index("vote")]
    ideas_id = workshop.activity_ids[workshop.kinds.index("ideas")]
    with app.app_context():
        activity = db.session.get(Activity, vote_id)
        activity.config = {**activity.config, "method": method, **settings}
        made = []
        for title in ideas:
            idea = Idea(workshop_id=workshop.id, activity_id=ideas_id, title=title, source="paper")
            db.session.add(idea)
            db.session.flush()
            made.append(idea.id)
        db.session.commit()
    assert client.post(f"/f/workshops/{workshop.id}/goto/{vote_id}").status_code == 302
    return SimpleNamespace(workshop=workshop, vote_id=vote_id, ideas_id=ideas_id, idea_ids=made,
                           url=f"/p/{workshop.id}/vote/{vote_id}")
