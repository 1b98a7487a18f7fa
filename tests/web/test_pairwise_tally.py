"""Pairwise: each process's tally of the room stays equal to a fresh count; a stale pair's 409 brings a fresh pair."""
from __future__ import annotations

import itertools
import random
import re
import secrets

from sqlalchemy import insert, select

from app.activities.vote.methods.pairwise import room_tally, votable_ids
from app.extensions import db
from app.models import Activity, PairwiseAnswer, Participant, Workshop
from tests.conftest import join_phone
from tests.web.test_vote_hot_path import watched
from tests.web.votes_helpers import room_comparisons, vote_room

HX = {"HX-Request": "true"}
FIVE = ("Drop-in hub", "Text reminders", "Peer mentors", "Evening hours", "Crèche")


def key():
    return secrets.token_urlsafe(12)


def shown_pair(html):
    found = re.search(r'name="left" value="(\d+)"><input type="hidden" name="right" value="(\d+)"', html)
    return (int(found.group(1)), int(found.group(2))) if found else None


def tally_and_fresh(app, vote_id):
    """(this process's tally, brought up to date; the room's comparisons counted afresh), both as dicts."""
    with app.app_context():
        activity = db.session.get(Activity, vote_id)
        tally = room_tally(activity, votable_ids(activity)).counts.comparisons()
        return tally, {pair: float(count) for pair, count in room_comparisons(activity).items()}


def answer_all(app, room, phones, rng):
    """Each phone answers the pairs it is shown until it has seen them all (a few "can't decide")."""
    for phone in phones:
        html = phone.get(f"/p/{room.workshop.id}").text
        while (pair := shown_pair(html)) is not None:
            choice = rng.choice([str(pair[0]), str(pair[1]), str(pair[0]), "none"])
            response = phone.post(room.url, data={"left": pair[0], "right": pair[1], "choice": choice, "key": key()},
                                  headers=HX)
            assert response.status_code == 200
            html = response.text


def test_the_tally_follows_every_answer_and_a_merge(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="pairwise", ideas=FIVE)
    rng = random.Random(7)
    phones = [join_phone(app, room.workshop) for _ in range(3)]
    answer_all(app, room, phones[:2], rng)
    tally, fresh = tally_and_fresh(app, room.vote_id)
    assert tally == fresh and sum(fresh.values()) > 0
    # answers stored by another worker process (here: written straight to the database) are added too
    a, b, c, d, e = room.idea_ids
    with app.app_context():
        person = db.session.scalar(select(Participant.id).filter_by(workshop_id=room.workshop.id).limit(1))
        other = Participant(workshop_id=room.workshop.id, token=secrets.token_urlsafe(16), group_key="parent")
        db.session.add(other)
        db.session.flush()
        db.session.execute(insert(PairwiseAnswer), [
            {"activity_id": room.vote_id, "participant_id": other.id, "low_id": x, "high_id": y, "winner_id": y}
            for x, y in itertools.combinations(room.idea_ids, 2)])
        db.session.commit()
    assert person is not None
    tally, fresh = tally_and_fresh(app, room.vote_id)
    assert tally == fresh
    # a merge moves and drops answers: the tally is counted again from the database
    assert client.post(f"/f/workshops/{room.workshop.id}/ideas/{e}/merge", data={"into": a}).status_code == 302
    tally, fresh = tally_and_fresh(app, room.vote_id)
    assert tally == fresh and all(e not in pair for pair in fresh)
    answer_all(app, room, phones[2:], rng)  # the third phone: four ideas left
    tally, fresh = tally_and_fresh(app, room.vote_id)
    assert tally == fresh


def test_a_deleted_workshops_tally_never_counts_for_the_next_one(app, client, facilitator):
    first = vote_room(app, facilitator, client, method="pairwise", ideas=FIVE[:3])
    answer_all(app, first, [join_phone(app, first.workshop)], random.Random(1))
    tally, fresh = tally_and_fresh(app, first.vote_id)
    assert tally == fresh and fresh
    with app.app_context():
        title = db.session.get(Workshop, first.workshop.id).title
    assert client.post(f"/f/workshops/{first.workshop.id}/delete", data={"confirm": title}).status_code == 302
    with app.app_context():
        assert db.session.get(Workshop, first.workshop.id) is None
    second = vote_room(app, facilitator, client, method="pairwise", ideas=FIVE[:3])
    # SQLite gives the deleted rows' ids again: the same activity id, a different vote
    with app.app_context():
        assert second.vote_id == first.vote_id or db.engine.dialect.name != "sqlite"
    tally, fresh = tally_and_fresh(app, second.vote_id)
    assert tally == fresh == {}
    answer_all(app, second, [join_phone(app, second.workshop)], random.Random(2))
    tally, fresh = tally_and_fresh(app, second.vote_id)
    assert tally == fresh and fresh


def test_a_pair_answered_before_brings_the_message_and_a_fresh_pair(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="pairwise")
    a, b, c = room.idea_ids
    phone = join_phone(app, room.workshop)
    assert phone.post(room.url, data={"left": a, "right": b, "choice": a, "key": key()}, headers=HX).status_code == 200
    # the same pair from a second tab (a page shown before the first answer): a new key
    response = phone.post(room.url, data={"left": b, "right": a, "choice": b, "key": key()}, headers=HX)
    assert response.status_code == 409
    assert "HX-Retarget" not in response.headers  # the stale pair's box is replaced ...
    assert 'id="pairwise-box"' in response.text and "1 round done." in response.text
    fresh = shown_pair(response.text)
    assert fresh is not None and set(fresh) != {a, b}  # ... by a pair not answered yet
    # ... and the message shows where refusals show, announced
    assert re.search(r'<div id="vote-error" role="alert" hx-swap-oob="true"><p class="flash error">'
                     r"You have already compared these two ideas", response.text)
    for pair in ((a, c), (b, c)):
        phone.post(room.url, data={"left": pair[0], "right": pair[1], "choice": "none", "key": key()}, headers=HX)
    response = phone.post(room.url, data={"left": c, "right": a, "choice": c, "key": key()}, headers=HX)
    assert response.status_code == 409 and "compared every pair" in response.text and shown_pair(response.text) is None
    with app.app_context():
        stored = db.session.execute(select(PairwiseAnswer.low_id, PairwiseAnswer.high_id, PairwiseAnswer.winner_id)
                                    .filter_by(activity_id=room.vote_id).order_by(PairwiseAnswer.id)).all()
    assert stored == [(a, b, a), (a, c, None), (b, c, None)]  # the refused answers changed nothing
    # other refusals still change only the message
    response = phone.post(room.url, data={"left": a, "right": a, "choice": a, "key": key()}, headers=HX)
    assert response.status_code == 400 and response.headers["HX-Retarget"] == "#vote-error"
    assert 'id="pairwise-box"' not in response.text


def test_a_pairwise_answer_is_one_write_transaction_then_reads(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="pairwise", ideas=FIVE)
    phone = join_phone(app, room.workshop)
    pair = shown_pair(phone.get(f"/p/{room.workshop.id}").text)
    with watched(app) as seen:
        response = phone.post(room.url, data={"left": pair[0], "right": pair[1], "choice": pair[1], "key": key()},
                              headers=HX)
    assert response.status_code == 200 and shown_pair(response.text) is not None
    # the write: snapshot, two ideas, receipt, voter, answer, live event; then the next pair is read
    # without the write lock: merged ideas, answers since, the person's pairs, votable ideas, the two shown
    assert seen["begins"] == ["write", "read"], seen["begins"]
    statements = [s for s in seen["statements"] if s != "BEGIN"]
    assert len(statements) <= 12, "\n".join(s[:100] for s in statements)
    assert not any("GROUP BY" in statement for statement in seen["statements"])
