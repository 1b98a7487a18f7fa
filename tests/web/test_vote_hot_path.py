"""The vote endpoint's lean path: one write transaction, a handful of statements, nothing read after COMMIT."""
from __future__ import annotations

import secrets
from contextlib import contextmanager

from sqlalchemy import event, select

from app import database
from app.config import engine_options
from app.extensions import db
from app.models import Activity, DotVote, Voter
from tests.conftest import join_phone, make_workshop
from tests.web.votes_helpers import vote_room

HX = {"HX-Request": "true"}


def key():
    return secrets.token_urlsafe(12)


@contextmanager
def watched(app):
    """Record each transaction begun (write or read-only) and each statement run, during the block."""
    seen = {"begins": [], "statements": []}

    def on_begin(_connection):
        seen["begins"].append("read" if database._read_only.get() else "write")

    def on_execute(_conn, _cursor, statement, *_args):
        seen["statements"].append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", on_begin)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", on_begin)
        event.remove(engine, "before_cursor_execute", on_execute)


def test_a_dot_vote_is_one_write_transaction_of_a_few_statements(app, client, facilitator):
    room = vote_room(app, facilitator, client, budget=5, max_per_idea=3)
    phone = join_phone(app, room.workshop)
    a = room.idea_ids[0]
    with watched(app) as seen:
        response = phone.post(room.url, data={"idea": a, "change": 1, "key": key()}, headers=HX)
    assert response.status_code == 200 and "4 of 5 dots left" in response.text
    # snapshot read, idea, receipt, voter, guarded spend, capped upsert, live event: nothing re-read after COMMIT
    assert seen["begins"] == ["write"]
    assert len(seen["statements"]) <= 7, seen["statements"]
    with watched(app) as seen:
        response = phone.post(room.url, data={"idea": a, "change": -1, "key": key()}, headers=HX)
    assert response.status_code == 200 and "5 of 5 dots left" in response.text
    assert seen["begins"] == ["write"]


def test_answers_come_from_what_the_guarded_writes_returned(app, client, facilitator):
    room = vote_room(app, facilitator, client, budget=3, max_per_idea=2)
    phone = join_phone(app, room.workshop)
    a, b, _c = room.idea_ids
    for expected in ("2 of 3 dots left", "1 of 3 dots left"):
        response = phone.post(room.url, data={"idea": a, "change": 1, "key": key()}, headers=HX)
        assert response.status_code == 200 and expected in response.text
    assert 'data-dots="2"' in response.text
    # the last dot goes on: every + button changes, so the whole box comes back, read without the write lock
    with watched(app) as seen:
        response = phone.post(room.url, data={"idea": b, "change": 1, "key": key()}, headers=HX)
    assert response.status_code == 200 and 'id="vote-box"' in response.text and "0 of 3 dots left" in response.text
    assert seen["begins"][0] == "write" and set(seen["begins"][1:]) <= {"read"}
    with app.app_context():
        used = db.session.scalar(select(Voter.used).filter_by(activity_id=room.vote_id))
        dots = dict(db.session.execute(select(DotVote.idea_id, DotVote.dots).filter_by(activity_id=room.vote_id)).all())
    assert used == 3 and dots == {a: 2, b: 1}


def test_approval_and_rating_answer_without_reading_after_commit(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="approval")
    phone = join_phone(app, room.workshop)
    a, b, _c = room.idea_ids
    with watched(app) as seen:
        response = phone.post(room.url, data={"approve": [a, b], "key": key()}, headers=HX)
    assert response.status_code == 200 and "You support 2 ideas." in response.text
    assert seen["begins"] == ["write"]
    response = phone.post(room.url, data={"key": key()}, headers=HX)  # every box unticked
    assert response.status_code == 200 and "You support 0 ideas." in response.text
    with app.app_context():
        activity = db.session.get(Activity, room.vote_id)
        activity.config = {"method": "rating"}
        db.session.commit()
    with watched(app) as seen:
        response = phone.post(room.url, data={"idea": a, "c0": 4, "key": key()}, headers=HX)
    assert response.status_code == 200 and "Saved." in response.text
    assert seen["begins"] == ["write"]


def test_a_vote_only_reaches_a_vote_activity_of_the_phones_own_workshop(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    other = make_workshop(app, facilitator)
    other_vote = other.activity_ids[other.kinds.index("vote")]
    phone = join_phone(app, room.workshop)
    form = {"idea": room.idea_ids[0], "change": 1, "key": key()}
    assert phone.post(f"/p/{room.workshop.id}/vote/{other_vote}", data=form, headers=HX).status_code == 404
    assert phone.post(f"/p/{room.workshop.id}/vote/{room.ideas_id}", data=form, headers=HX).status_code == 404
    assert phone.post(f"/p/{other.id}/vote/{other_vote}", data=form, headers=HX).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Voter.id)) is None


def test_sqlite_keeps_its_pooled_connections_and_postgresql_pings_them():
    assert engine_options("sqlite:////tmp/x.db") == {"pool_size": 32, "max_overflow": 32}
    assert engine_options("postgresql+psycopg://u@h/db") == {"pool_pre_ping": True}
