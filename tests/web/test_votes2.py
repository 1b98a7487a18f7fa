"""Pairwise, ranked and agree voting through the test client: htmx and plain-form paths, refusals, merges."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select

from app.activities.vote import vote_ranking
from app.extensions import db
from app.models import Activity, AgreeAnswer, Idea, PairwiseAnswer, RankedChoice, VoteReceipt
from tests.conftest import join_phone
from tests.web.votes_helpers import vote_room

HX = {"HX-Request": "true"}
FOUR = ("Drop-in hub", "Text reminders", "Peer mentors", "Evening hours")


def key():
    return secrets.token_urlsafe(12)


def shown_pair(html):
    """The two idea ids of the pair on the page."""
    left = re.search(r'name="left" value="(\d+)"', html)
    right = re.search(r'name="right" value="(\d+)"', html)
    return (int(left.group(1)), int(right.group(1))) if left and right else None


def pairs_of(app, vote_id):
    with app.app_context():
        return sorted(db.session.execute(select(PairwiseAnswer.participant_id, PairwiseAnswer.low_id,
                                                PairwiseAnswer.high_id, PairwiseAnswer.winner_id)
                                         .filter_by(activity_id=vote_id)).all())


# ---------------------------------------------------------------- pairwise

def test_pairwise_by_htmx_answers_every_pair_once_then_says_done(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="pairwise", ideas=FOUR)
    phone = join_phone(app, room.workshop)
    html = phone.get(f"/p/{room.workshop.id}").text
    assert "0 rounds done." in html and "t decide" in html
    seen = set()
    for round_ in range(6):  # four ideas: six pairs
        pair = shown_pair(html)
        assert pair is not None and frozenset(pair) not in seen
        seen.add(frozenset(pair))
        choice = "none" if round_ == 2 else str(pair[0])
        response = phone.post(room.url, data={"left": pair[0], "right": pair[1], "choice": choice, "key": key()},
                              headers=HX)
        assert response.status_code == 200 and 'id="pairwise-box"' in response.text
        assert 'id="vote-box"' not in response.text  # only the pairwise box is swapped
        html = response.text
        assert f"{round_ + 1} round" in html
    assert shown_pair(html) is None and "compared every pair" in html
    answers = pairs_of(app, room.vote_id)
    assert len(answers) == 6 and sum(1 for a in answers if a[3] is None) == 1
    with app.app_context():
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
        assert ranking.method == "pairwise" and ranking.turnout == 1 and ranking.extra["undecided"] == 1
        assert all(0 <= row.low <= row.score <= row.high <= 100 for row in ranking)


def test_pairwise_without_javascript_and_refusals(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="pairwise")
    a, b, c = room.idea_ids
    phone = join_phone(app, room.workshop)
    response = phone.post(room.url, data={"left": b, "right": a, "choice": a, "key": key()})
    assert response.status_code == 302 and "1 round done." in phone.get(response.headers["Location"]).text
    again = phone.post(room.url, data={"left": a, "right": b, "choice": b, "key": key()}, headers=HX)
    assert again.status_code == 409 and "already compared" in again.text
    for data, message in [({"left": a, "right": a, "choice": a}, "Choose one of the ideas"),
                          ({"left": a, "right": c, "choice": b}, "Choose one of the two ideas"),
                          ({"left": a, "right": 99999, "choice": a}, "not part of this vote")]:
        response = phone.post(room.url, data={**data, "key": key()}, headers=HX)
        assert response.status_code == 400 and message in response.text
    same = key()
    for _ in range(3):  # a retry on bad Wi-Fi is applied once
        assert phone.post(room.url, data={"left": a, "right": c, "choice": c, "key": same}, headers=HX).status_code == 200
    assert [row[1:] for row in pairs_of(app, room.vote_id)] == [(a, b, a), (a, c, c)]
    client.post(f"/f/workshops/{room.workshop.id}/state", data={"state": "locked"})
    response = phone.post(room.url, data={"left": b, "right": c, "choice": c, "key": key()}, headers=HX)
    assert response.status_code == 409 and "locked" in response.text


def test_pairwise_new_idea_joins_the_rotation_and_merge_keeps_one_answer(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="pairwise", ideas=FOUR[:2])
    a, b = room.idea_ids
    phone = join_phone(app, room.workshop)
    phone.post(room.url, data={"left": a, "right": b, "choice": a, "key": key()})
    assert "compared every pair" in phone.get(f"/p/{room.workshop.id}").text
    with app.app_context():
        late = Idea(workshop_id=room.workshop.id, activity_id=room.ideas_id, title="Late idea", source="paper")
        db.session.add(late)
        db.session.commit()
        c = late.id
    assert c in shown_pair(phone.get(f"/p/{room.workshop.id}").text)
    phone.post(room.url, data={"left": c, "right": a, "choice": c, "key": key()})
    phone.post(room.url, data={"left": c, "right": b, "choice": c, "key": key()})
    client.post(f"/f/workshops/{room.workshop.id}/ideas/{c}/merge", data={"into": a})
    # (a,b) stays; (a,c) compared a with itself and goes; (b,c) becomes (a,b) again and goes
    assert [row[1:] for row in pairs_of(app, room.vote_id)] == [(a, b, a)]


# ---------------------------------------------------------------- ranked

def test_ranked_ballot_is_built_with_buttons_and_replaced_whole(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="ranked", ideas=FOUR, top=3)
    a, b, c, d = room.idea_ids
    phone = join_phone(app, room.workshop)
    html = phone.get(f"/p/{room.workshop.id}").text
    assert "Your ballot is empty" in html and f'id="add-{a}"' in html
    response = phone.post(room.url, data={"ballot": f"{a}", "key": key()}, headers=HX)
    assert response.status_code == 200 and 'id="ranked-box"' in response.text and "Saved." in response.text
    for ballot in (f"{a},{b}", f"{a},{b},{c}", f"{b},{a},{c}"):
        response = phone.post(room.url, data={"ballot": ballot, "key": key()}, headers=HX)
        assert response.status_code == 200
    # the buttons carry the ballot they lead to: moving a up again restores a,b,c
    assert f'id="up-{a}"' in response.text and f'value="{a},{b},{c}"' in response.text
    assert re.search(rf'value="" id="down-{c}"[^>]*disabled', response.text)
    assert phone.post(room.url, data={"ballot": f"{a},{b},{c},{d}", "key": key()}, headers=HX).status_code == 400
    assert phone.post(room.url, data={"ballot": f"{a},{a}", "key": key()}, headers=HX).status_code == 400
    with app.app_context():
        rows = db.session.execute(select(RankedChoice.idea_id, RankedChoice.position)
                                  .order_by(RankedChoice.position)).all()
        assert rows == [(b, 1), (a, 2), (c, 3)]
    assert phone.post(room.url, data={"ballot": f"{c}", "key": key()}).status_code == 302  # no-JS form
    with app.app_context():
        assert db.session.scalars(select(RankedChoice.idea_id)).all() == [c]


def test_ranked_results_schulze_borda_and_condorcet_winner_on_reveal(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="ranked", ideas=FOUR, top=3)
    a, b, c, d = room.idea_ids
    for group, ballot in [("parent", [b, a, c]), ("staff", [b, c, a]), ("parent", [a, b, d])]:
        phone = join_phone(app, room.workshop, group=group)
        assert phone.post(room.url, data={"ballot": ",".join(map(str, ballot)), "key": key()}).status_code == 302
    client.post(f"/f/workshops/{room.workshop.id}/state", data={"state": "revealed"})
    projector = client.get(f"/f/workshops/{room.workshop.id}/projector").text
    with app.app_context():
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
    assert ranking.order[0] == str(b) and ranking.extra["condorcet_winner"] == str(b)
    assert f'data-item="{b}" data-rank="1"' in projector and "“Text reminders” beats every other idea" in projector


# ---------------------------------------------------------------- agree

def test_agree_one_idea_at_a_time_then_change_an_answer(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="agree")
    phone = join_phone(app, room.workshop)
    html = phone.get(f"/p/{room.workshop.id}").text
    assert "0 of 3 ideas answered." in html
    answered = []
    for answer in ("agree", "disagree", "pass"):
        idea = int(re.search(r'name="idea" value="(\d+)"', html).group(1))
        assert idea not in answered
        answered.append(idea)
        response = phone.post(room.url, data={"idea": idea, "answer": answer, "key": key()}, headers=HX)
        assert response.status_code == 200 and 'id="agree-box"' in response.text
        html = response.text
    assert "3 of 3 ideas answered." in html and "answered every idea" in html
    assert phone.post(room.url, data={"idea": answered[1], "answer": "agree", "key": key()}).status_code == 302
    assert phone.post(room.url, data={"idea": answered[0], "answer": "maybe", "key": key()},
                      headers=HX).status_code == 400
    with app.app_context():
        values = dict(db.session.execute(select(AgreeAnswer.idea_id, AgreeAnswer.value)).all())
        assert values == {answered[0]: 1, answered[1]: 1, answered[2]: 0}
        assert db.session.scalar(select(func.count()).select_from(VoteReceipt)) == 4


def test_agree_fair_order_shows_the_least_answered_idea_first(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="agree")
    a, b, c = room.idea_ids
    for idea in (a, b):
        phone = join_phone(app, room.workshop)
        phone.post(room.url, data={"idea": idea, "answer": "agree", "key": key()})
    newcomer = join_phone(app, room.workshop)
    assert f'name="idea" value="{c}"' in newcomer.get(f"/p/{room.workshop.id}").text


def test_agree_results_consensus_first_and_divisive_shown_apart(app, client, facilitator):
    room = vote_room(app, facilitator, client, method="agree")
    a, b, c = room.idea_ids
    plan = {"parent": {a: "agree", b: "agree", c: "disagree"}, "staff": {a: "agree", b: "disagree", c: "disagree"}}
    for group, answers in plan.items():
        for _ in range(2):
            phone = join_phone(app, room.workshop, group=group)
            for idea, answer in answers.items():
                phone.post(room.url, data={"idea": idea, "answer": answer, "key": key()})
    client.post(f"/f/workshops/{room.workshop.id}/state", data={"state": "revealed"})
    with app.app_context():
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
    assert ranking.order[0] == str(a) and ranking.extra["divisive"] == [str(b)]
    projector = client.get(f"/f/workshops/{room.workshop.id}/projector").text
    assert "Most divisive" in projector and "100%" in projector


def test_facilitator_sets_how_many_ideas_a_ranked_ballot_holds(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    url = f"/f/workshops/{room.workshop.id}/vote/{room.vote_id}/settings"
    client.post(url, data={"method": "ranked", "top": "2"})
    with app.app_context():
        config = db.session.get(Activity, room.vote_id).config
        assert config["method"] == "ranked" and config["top"] == 2
    client.post(url, data={"method": "ranked", "top": "11"})  # refused: at most 10
    with app.app_context():
        assert db.session.get(Activity, room.vote_id).config["top"] == 2
    assert "top 2 ideas" in client.get(f"/f/workshops/{room.workshop.id}/run").text
