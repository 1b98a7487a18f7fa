"""Integrity under real concurrency: a threaded server, parallel requests, the real database.

Checks after each storm: no budget or per-idea cap exceeded, every
acknowledged vote stored exactly once (receipts = acknowledged keys, and the
stored dots equal the sum of acknowledged changes), and the totals agree with
what `vote_ranking` shows.
"""
from __future__ import annotations

import random
import secrets
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from app.activities.vote import vote_ranking
from app.extensions import db
from app.models import Activity, Approval, DotVote, Rating, Voter, VoteReceipt
from tests.conftest import TEST_PASSWORD, create_facilitator, serving
from tests.web.votes_helpers import vote_room


@pytest.fixture
def server(app):
    with serving(app) as url:
        yield url


def open_room(app, server, **settings):
    user = create_facilitator(app)
    facilitator = requests.Session()
    facilitator.post(f"{server}/auth/login", data={"email": user.email, "password": TEST_PASSWORD})

    class Client:  # vote_room drives the facilitator through this tiny adapter
        def post(self, path, **kwargs):
            return facilitator.post(server + path, allow_redirects=False, **kwargs)

    return vote_room(app, user, Client(), ideas=[f"Idea {n}" for n in range(6)], **settings)


def join(server, room, group):
    session = requests.Session()
    assert session.post(f"{server}/join/{room.workshop.join_code}", data={"group": group, "language": "en"}).ok
    return dict(session.cookies)


def fire(server, room, jobs, workers=24):
    """Send (cookies, data) jobs in parallel; return [(data, status)]."""
    def send(job):
        cookies, data = job
        response = requests.post(server + room.url, data=data, cookies=cookies, headers={"HX-Request": "true"},
                                 timeout=60)
        return data, response.status_code

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(send, jobs))


def stored(app, room):
    with app.app_context():
        dots = db.session.execute(select(DotVote.participant_id, DotVote.idea_id, DotVote.dots, DotVote.cap)
                                  .filter_by(activity_id=room.vote_id)).all()
        voters = db.session.execute(select(Voter.participant_id, Voter.used, Voter.budget)
                                    .filter_by(activity_id=room.vote_id)).all()
        receipts = db.session.execute(select(VoteReceipt.participant_id, VoteReceipt.key, VoteReceipt.idea_id,
                                             VoteReceipt.change).filter_by(activity_id=room.vote_id)).all()
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
    return dots, voters, receipts, ranking


def check_dots(app, room, results, budget, cap):
    dots, voters, receipts, ranking = stored(app, room)
    assert all(status in (200, 409) for _data, status in results), Counter(s for _d, s in results)
    acknowledged = {data["key"]: data for data, status in results if status == 200}
    # every acknowledged vote stored exactly once, nothing else stored
    assert sorted(r.key for r in receipts) == sorted(acknowledged)
    assert len({(r.participant_id, r.key) for r in receipts}) == len(receipts)
    # no budget, no cap exceeded; the budget counter equals the dots placed
    per_person = defaultdict(int)
    for pid, _idea, n, row_cap in dots:
        assert 0 <= n <= cap and row_cap == cap
        per_person[pid] += n
    for pid, used, person_budget in voters:
        assert person_budget == budget and 0 <= used <= budget
        assert used == per_person[pid]
    # stored dots = sum of the acknowledged changes, per person and idea
    changes = defaultdict(int)
    for r in receipts:
        changes[r.participant_id, r.idea_id] += r.change
    assert {k: v for k, v in changes.items() if v} == {(p, i): n for p, i, n, _c in dots if n}
    # the ranking shows exactly these totals
    totals = defaultdict(int)
    for _pid, idea, n, _c in dots:
        totals[str(idea)] += n
    assert {row.item: row.score for row in ranking} == {str(i): float(totals[str(i)]) for i in room.idea_ids}
    assert ranking.turnout == sum(1 for _p, used, _b in voters if used)
    return acknowledged


def test_one_person_cannot_overspend_dots_with_parallel_taps(app, server):
    room = open_room(app, server, budget=5, max_per_idea=3)
    cookies = join(server, room, "parent")
    rng = random.Random(1)
    jobs = []
    for _ in range(60):
        data = {"idea": rng.choice(room.idea_ids[:3]), "change": "1", "key": secrets.token_urlsafe(12)}
        jobs.append((cookies, data))
        if rng.random() < 0.3:  # a retry of the same tap on bad Wi-Fi
            jobs.append((cookies, dict(data)))
    results = fire(server, room, jobs)
    acknowledged = check_dots(app, room, results, budget=5, cap=3)
    assert len(acknowledged) == 5  # exactly the budget got through
    _dots, voters, _receipts, _ranking = stored(app, room)
    assert [used for _p, used, _b in voters] == [5]


def test_many_people_voting_at_once_all_count_exactly_once(app, server):
    room = open_room(app, server, budget=5, max_per_idea=3)
    people = [join(server, room, group) for group in ["parent", "staff", "volunteer"] * 8]
    rng = random.Random(2)
    jobs = []
    for cookies in people:
        for _ in range(9):
            change = rng.choice(["1", "1", "1", "2", "-1"])
            data = {"idea": rng.choice(room.idea_ids), "change": change, "key": secrets.token_urlsafe(12)}
            jobs.append((cookies, data))
            if rng.random() < 0.2:
                jobs.append((cookies, dict(data)))
    rng.shuffle(jobs)
    results = fire(server, room, jobs, workers=32)
    check_dots(app, room, results, budget=5, cap=3)
    assert sum(1 for _d, status in results if status == 200) > len(people)  # plenty got through


def test_parallel_approvals_and_ratings_keep_one_row_per_person_idea_and_criterion(app, server):
    room = open_room(app, server, method="approval")
    people = [join(server, room, group) for group in ["parent", "staff"] * 5]
    jobs = [(cookies, {"approve": room.idea_ids[:2], "key": secrets.token_urlsafe(12)})
            for cookies in people for _ in range(6)]
    results = fire(server, room, jobs)
    assert all(status == 200 for _d, status in results)
    with app.app_context():
        rows = db.session.execute(select(Approval.participant_id, Approval.idea_id)
                                  .filter_by(activity_id=room.vote_id)).all()
        assert len(rows) == len(set(rows)) == 20
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
        assert ranking.turnout == 10 and ranking[str(room.idea_ids[0])].votes == 10
        activity = db.session.get(Activity, room.vote_id)
        activity.config = {**activity.config, "method": "rating"}
        db.session.commit()
    jobs = [(cookies, {"idea": room.idea_ids[0], "c0": str(value), "c1": "3", "key": secrets.token_urlsafe(12)})
            for cookies in people for value in (1, 2, 3, 4, 5)]
    results = fire(server, room, jobs)
    assert all(status == 200 for _d, status in results)
    with app.app_context():
        rows = db.session.execute(select(Rating.participant_id, Rating.idea_id, Rating.criterion)
                                  .filter_by(activity_id=room.vote_id)).all()
        assert len(rows) == len(set(rows)) == 20
