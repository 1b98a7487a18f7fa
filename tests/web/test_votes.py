"""Voting through the test client: every method by htmx and by plain form; refusals change nothing."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import func, select

from app.activities.vote import vote_ranking
from app.extensions import db
from app.models import Activity, Approval, DotVote, Idea, Rating, Voter, VoteReceipt
from tests.conftest import join_phone, make_workshop
from tests.web.votes_helpers import vote_room

HX = {"HX-Request": "true"}


def key():
    return secrets.token_urlsafe(12)


def dots_of(app, vote_id):
    with app.app_context():
        rows = db.session.execute(select(DotVote.participant_id, DotVote.idea_id, DotVote.dots)
                                  .filter_by(activity_id=vote_id).where(DotVote.dots > 0)).all()
        used = dict(db.session.execute(select(Voter.participant_id, Voter.used).filter_by(activity_id=vote_id)).all())
        return sorted(rows), used


def test_dots_by_htmx_show_dots_left_and_respect_budget_and_cap(app, client, facilitator):
    room = vote_room(app, facilitator, client, budget=5, max_per_idea=3)
    phone = join_phone(app, room.workshop)
    page = phone.get(f"/p/{room.workshop.id}").text
    assert "5 of 5 dots left" in page
    a, b, _c = room.idea_ids
    for _ in range(3):
        response = phone.post(room.url, data={"idea": a, "change": 1, "key": key()}, headers=HX)
        assert response.status_code == 200
    # htmx gets only the tapped idea and the count of dots left (swapped out of band)
    assert "2 of 5 dots left" in response.text and 'id="vote-idea-%d"' % a in response.text
    assert 'hx-swap-oob="true"' in response.text and 'id="vote-box"' not in response.text
    response = phone.post(room.url, data={"idea": a, "change": 1, "key": key()}, headers=HX)
    assert response.status_code == 409 and "At most 3 dots" in response.text
    phone.post(room.url, data={"idea": b, "change": 2, "key": key()}, headers=HX)
    response = phone.post(room.url, data={"idea": b, "change": 1, "key": key()}, headers=HX)
    assert response.status_code == 409 and "no dots left" in response.text
    assert response.headers["HX-Retarget"] == "#vote-error"  # a refusal shows its message and changes nothing else
    response = phone.post(room.url, data={"idea": a, "change": -1, "key": key()}, headers=HX)
    assert response.status_code == 200 and "1 of 5 dots left" in response.text
    assert 'id="vote-box"' in response.text  # the first dot back: every + button changes
    rows, used = dots_of(app, room.vote_id)
    assert [(i, d) for _p, i, d in rows] == [(a, 2), (b, 2)] and list(used.values()) == [4]


def test_dots_without_javascript_redirect_and_show_refusals_on_the_page(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    phone = join_phone(app, room.workshop)
    response = phone.post(room.url, data={"idea": room.idea_ids[0], "change": 1, "key": key()})
    assert response.status_code == 302
    assert "4 of 5 dots left" in phone.get(response.headers["Location"]).text
    response = phone.post(room.url, data={"idea": room.idea_ids[0], "change": -2, "key": key()})
    assert response.status_code == 409 and "<html" in response.text and "no dots of yours" in response.text


def test_a_retry_with_the_same_key_is_applied_once_and_answered_as_new(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    phone = join_phone(app, room.workshop)
    same = key()
    for _ in range(3):
        assert phone.post(room.url, data={"idea": room.idea_ids[0], "change": 1, "key": same}, headers=HX).status_code == 200
    rows, used = dots_of(app, room.vote_id)
    assert [d for _p, _i, d in rows] == [1] and list(used.values()) == [1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VoteReceipt)) == 1


@pytest.mark.parametrize("data, message", [
    ({"idea": "999999", "change": 1}, "not part of this vote"),
    ({"idea": "abc", "change": 1}, "Choose one of the ideas"),
    ({"change": 1}, "Choose one of the ideas"),
    ({"idea": "{a}", "change": 0}, "from 1 to 3 dots"),
    ({"idea": "{a}", "change": 4}, "from 1 to 3 dots"),
    ({"idea": "{a}", "change": "lots"}, "from 1 to 3 dots"),
    ({"idea": "{hidden}", "change": 1}, "hidden"),
    ({"idea": "{other}", "change": 1}, "not part of this vote"),
    ({"idea": "{a}", "change": 1, "key": "short"}, "out of date"),
])
def test_bad_dot_votes_are_refused_and_change_nothing(app, client, facilitator, data, message):
    room = vote_room(app, facilitator, client)
    other = make_workshop(app, facilitator)
    with app.app_context():
        hidden = Idea(workshop_id=room.workshop.id, activity_id=room.ideas_id, title="Hidden", hidden=True)
        elsewhere = Idea(workshop_id=other.id, activity_id=other.activity_ids[2], title="Other room")
        db.session.add_all([hidden, elsewhere])
        db.session.commit()
        ids = {"a": room.idea_ids[0], "hidden": hidden.id, "other": elsewhere.id}
    phone = join_phone(app, room.workshop)
    data = {name: str(value).format(**ids) for name, value in data.items()}
    data.setdefault("key", key())
    response = phone.post(room.url, data=data, headers=HX)
    assert response.status_code == 400 and message in response.text
    assert dots_of(app, room.vote_id) == ([], {})


def test_locked_vote_refuses_with_409_and_strangers_cannot_vote(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    phone = join_phone(app, room.workshop)
    client.post(f"/f/workshops/{room.workshop.id}/state", data={"state": "locked"})
    response = phone.post(room.url, data={"idea": room.idea_ids[0], "change": 1, "key": key()}, headers=HX)
    assert response.status_code == 409 and "locked" in response.text
    assert app.test_client().post(room.url, data={"idea": room.idea_ids[0], "change": 1}).status_code == 403
    other = make_workshop(app, facilitator)
    stranger = join_phone(app, other)
    assert stranger.post(room.url, data={"idea": room.idea_ids[0], "change": 1}).status_code == 403
    assert dots_of(app, room.vote_id) == ([], {})


def test_a_vote_is_always_cast_as_the_phone_itself(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    alice, bob = join_phone(app, room.workshop), join_phone(app, room.workshop)
    bob.get(f"/p/{room.workshop.id}")
    alice.post(room.url, data={"idea": room.idea_ids[0], "change": 1, "key": key(), "participant_id": "2",
                               "participant": "2"})
    rows, used = dots_of(app, room.vote_id)
    assert [p for p, _i, _d in rows] == [1] and used == {1: 1}


def test_approval_by_htmx_and_form_sets_the_ticked_ideas(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="approval")
    phone = join_phone(app, room.workshop)
    a, b, c = room.idea_ids
    response = phone.post(room.url, data={"approve": [a, b], "key": key()}, headers=HX)
    assert response.status_code == 200 and "You support 2 ideas." in response.text and 'id="approval-status"' in response.text
    assert phone.post(room.url, data={"approve": [b, c], "key": key()}).status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(select(Approval.idea_id))) == [b, c]
    assert phone.post(room.url, data={"approve": [a, 99999], "key": key()}, headers=HX).status_code == 400
    silent = join_phone(app, room.workshop)
    assert silent.post(room.url, data={"key": key()}, headers=HX).status_code == 200  # took part, ticked none
    with app.app_context():
        assert sorted(db.session.scalars(select(Approval.idea_id))) == [b, c]
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
        assert ranking.turnout == 2 and ranking[str(b)].votes == 1


def test_rating_by_htmx_and_form_one_per_criterion_and_range_checked(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="rating", recipe="library-future")
    phone = join_phone(app, room.workshop)
    a = room.idea_ids[0]
    page = phone.get(f"/p/{room.workshop.id}").text
    assert "Ease of doing it" in page and "Cost to run" in page
    response = phone.post(room.url, data={"idea": a, "c0": 5, "c1": 4, "key": key()}, headers=HX)
    assert response.status_code == 200 and f'id="rating-status-{a}"' in response.text and "Saved." in response.text
    assert phone.post(room.url, data={"idea": a, "c0": 3, "c2": 2, "key": key()}).status_code == 302
    for bad in ("0", "6", "x"):
        response = phone.post(room.url, data={"idea": a, "c0": bad, "key": key()}, headers=HX)
        assert response.status_code == 400 and "from 1 to 5" in response.text
    with app.app_context():
        ratings = sorted(db.session.execute(select(Rating.criterion, Rating.value)).all())
        assert ratings == [("Cost to run", 2), ("Ease of doing it", 4), ("Impact", 3)]
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
        assert ranking.method == "rating" and "quadrants" in ranking.extra


def test_projector_shows_turnout_then_results_only_after_reveal(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    alice = join_phone(app, room.workshop, group="parent")
    join_phone(app, room.workshop, group="staff")
    alice.post(room.url, data={"idea": room.idea_ids[1], "change": 2, "key": key()})
    projector = client.get(f"/f/workshops/{room.workshop.id}/projector", headers={**HX, "HX-Target": "activity-live"})
    assert "1 / 1" in projector.text and "0 / 1" in projector.text and "ranking-list" not in projector.text
    assert "ranking-list" not in alice.get(f"/p/{room.workshop.id}").text
    client.post(f"/f/workshops/{room.workshop.id}/state", data={"state": "revealed"})
    projector = client.get(f"/f/workshops/{room.workshop.id}/projector").text
    phone_page = alice.get(f"/p/{room.workshop.id}").text
    for page in (projector, phone_page):
        assert "ranking-list" in page and 'data-item="%d" data-rank="1"' % room.idea_ids[1] in page


def test_facilitator_changes_method_until_the_first_vote(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    url = f"/f/workshops/{room.workshop.id}/vote/{room.vote_id}/settings"
    client.post(url, data={"method": "dots", "budget": "8", "max_per_idea": "2"})
    with app.app_context():
        assert db.session.get(Activity, room.vote_id).config["budget"] == 8
    client.post(url, data={"method": "dots", "budget": "3", "max_per_idea": "9"})  # refused: cap > budget
    with app.app_context():
        assert db.session.get(Activity, room.vote_id).config["max_per_idea"] == 2
    client.post(url, data={"method": "rating", "criteria": "Impact: impact\nCost: effort, lower is better"})
    with app.app_context():
        config = db.session.get(Activity, room.vote_id).config
        assert config["method"] == "rating" and [c["name"] for c in config["criteria"]] == ["Impact", "Cost"]
    phone = join_phone(app, room.workshop)
    phone.post(room.url, data={"idea": room.idea_ids[0], "c0": 4, "key": key()})
    client.post(url, data={"method": "dots"})
    with app.app_context():
        assert db.session.get(Activity, room.vote_id).config["method"] == "rating"


def test_merging_moves_votes_without_counting_anyone_twice(app, client, facilitator):
    room = vote_room(app, facilitator, client, budget=5, max_per_idea=3)
    a, b, _c = room.idea_ids
    alice, bob = join_phone(app, room.workshop), join_phone(app, room.workshop, group="staff")
    for data in ({"idea": a, "change": 2}, {"idea": b, "change": 3}):
        alice.post(room.url, data={**data, "key": key()})
    bob.post(room.url, data={"idea": b, "change": 1, "key": key()})
    client.post(f"/f/workshops/{room.workshop.id}/ideas/{b}/merge", data={"into": a})
    rows, used = dots_of(app, room.vote_id)
    assert [(i, d) for _p, i, d in rows] == [(a, 5), (a, 1)] and sorted(used.values()) == [1, 5]
    with app.app_context():
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
        assert ranking[str(a)].score == 6 and ranking[str(a)].votes == 2 and str(b) not in ranking.order
    # alice can still take dots back from the merged idea, down to zero
    assert alice.post(room.url, data={"idea": a, "change": -3, "key": key()}).status_code == 302


def test_merging_keeps_one_approval_and_the_kept_ideas_rating_per_person(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="approval")
    a, b, _c = room.idea_ids
    alice, bob = join_phone(app, room.workshop), join_phone(app, room.workshop, group="staff")
    alice.post(room.url, data={"approve": [a, b], "key": key()})
    bob.post(room.url, data={"approve": [b], "key": key()})
    client.post(f"/f/workshops/{room.workshop.id}/ideas/{b}/merge", data={"into": a})
    with app.app_context():
        assert sorted(db.session.scalars(select(Approval.idea_id))) == [a, a]
        assert vote_ranking(db.session.get(Activity, room.vote_id))[str(a)].votes == 2

    room = vote_room(app, facilitator, client, method="rating", recipe="library-future")
    a, b, _c = room.idea_ids
    phone = join_phone(app, room.workshop)
    phone.post(room.url, data={"idea": a, "c0": 5, "key": key()})
    phone.post(room.url, data={"idea": b, "c0": 1, "c1": 2, "key": key()})
    client.post(f"/f/workshops/{room.workshop.id}/ideas/{b}/merge", data={"into": a})
    with app.app_context():
        rows = db.session.execute(select(Rating.idea_id, Rating.criterion, Rating.value)
                                  .filter_by(activity_id=room.vote_id).order_by(Rating.criterion)).all()
        assert rows == [(a, "Ease of doing it", 2), (a, "Impact", 5)]  # the kept idea's Impact wins


def test_hiding_an_idea_gives_its_dots_back(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    alice = join_phone(app, room.workshop)
    alice.post(room.url, data={"idea": room.idea_ids[2], "change": 3, "key": key()})
    client.post(f"/f/workshops/{room.workshop.id}/ideas/{room.idea_ids[2]}/hide", data={"hidden": "1"})
    assert dots_of(app, room.vote_id) == ([], {1: 0})
    assert "5 of 5 dots left" in alice.get(f"/p/{room.workshop.id}").text


def test_results_activity_shows_the_nearest_vote_before_it(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="rating", recipe="library-future")
    phone = join_phone(app, room.workshop)
    phone.post(room.url, data={"idea": room.idea_ids[0], "c0": 5, "c1": 5, "c2": 1, "key": key()})
    results_id = room.workshop.activity_ids[room.workshop.kinds.index("results")]
    client.post(f"/f/workshops/{room.workshop.id}/goto/{results_id}")
    projector = client.get(f"/f/workshops/{room.workshop.id}/projector").text
    assert "ranking-list" in projector and "<svg" in projector and "Quick wins" in projector
    assert 'data-item="%d" data-rank="1"' % room.idea_ids[0] in phone.get(f"/p/{room.workshop.id}").text
    assert "ranking-list" in client.get(f"/f/workshops/{room.workshop.id}/run").text
