"""Pairwise answers and ranked ballots under real concurrency: a threaded server, parallel requests, the real database."""
from __future__ import annotations

import itertools
import random
import secrets
from collections import Counter, defaultdict

from sqlalchemy import select

from app.activities.vote import vote_ranking
from app.activities.vote.methods.pairwise import room_tally, votable_ids
from app.extensions import db
from app.models import Activity, PairwiseAnswer, RankedChoice, VoteReceipt
from tests.web.test_vote_integrity import fire, join, open_room, server  # noqa: F401  (server is a fixture)
from tests.web.votes_helpers import room_comparisons


def receipts_of(app, room):
    with app.app_context():
        return db.session.execute(select(VoteReceipt.participant_id, VoteReceipt.key)
                                  .filter_by(activity_id=room.vote_id)).all()


def test_parallel_pairwise_answers_each_pair_once_per_person_and_retries_apply_once(app, server):  # noqa: F811
    room = open_room(app, server, method="pairwise")
    people = [join(server, room, group) for group in ["parent", "staff", "volunteer"] * 4]
    rng = random.Random(3)
    jobs = []
    for cookies in people:
        for left, right in itertools.combinations(room.idea_ids, 2):
            data = {"left": str(left), "right": str(right), "key": secrets.token_urlsafe(12),
                    "choice": rng.choice([str(left), str(right), str(right), "none"])}
            jobs.append((cookies, data))
            if rng.random() < 0.2:  # the same answer retried on bad Wi-Fi: same key
                jobs.append((cookies, dict(data)))
            if rng.random() < 0.1:  # the same pair answered again from a second tab: a new key
                jobs.append((cookies, {**data, "key": secrets.token_urlsafe(12), "choice": "none"}))
    rng.shuffle(jobs)
    results = fire(server, room, jobs, workers=32)
    assert all(status in (200, 409) for _data, status in results), Counter(s for _d, s in results)
    acknowledged = {data["key"]: data for data, status in results if status == 200}
    receipts = receipts_of(app, room)
    assert sorted(key for _pid, key in receipts) == sorted(acknowledged)
    expected = set()
    for pid, key in receipts:
        data = acknowledged[key]
        low, high = sorted((int(data["left"]), int(data["right"])))
        expected.add((pid, low, high, None if data["choice"] == "none" else int(data["choice"])))
    with app.app_context():
        stored = db.session.execute(select(PairwiseAnswer.participant_id, PairwiseAnswer.low_id,
                                           PairwiseAnswer.high_id, PairwiseAnswer.winner_id)
                                    .filter_by(activity_id=room.vote_id)).all()
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
    assert len(stored) == len(set(stored)) == len(acknowledged) == len(people) * 15
    assert set(stored) == expected  # every acknowledged answer stored exactly once, as it was given
    assert ranking.extra["comparisons"] == len(stored) and ranking.turnout == len(people)
    assert ranking.extra["undecided"] == sum(1 for row in stored if row[3] is None)
    # the server's own tally of the room (kept up to date answer by answer) equals a fresh count
    with app.app_context():
        activity = db.session.get(Activity, room.vote_id)
        tally = room_tally(activity, votable_ids(activity)).counts.comparisons()
        assert tally == {pair: float(count) for pair, count in room_comparisons(activity).items()}


def test_parallel_ballot_changes_leave_one_whole_ballot_per_person(app, server):  # noqa: F811
    room = open_room(app, server, method="ranked", top=3)
    people = [join(server, room, group) for group in ["parent", "staff"] * 5]
    rng = random.Random(4)
    jobs = []
    for cookies in people:
        for _ in range(8):
            ballot = rng.sample(room.idea_ids, rng.randint(1, 3))
            jobs.append((cookies, {"ballot": ",".join(map(str, ballot)), "key": secrets.token_urlsafe(12)}))
    rng.shuffle(jobs)
    results = fire(server, room, jobs, workers=32)
    assert all(status == 200 for _data, status in results)
    sent = {data["key"]: [int(x) for x in data["ballot"].split(",")] for data, _status in results}
    by_person = defaultdict(set)
    for pid, key in receipts_of(app, room):
        by_person[pid].add(tuple(sent[key]))
    with app.app_context():
        rows = db.session.execute(select(RankedChoice.participant_id, RankedChoice.position, RankedChoice.idea_id)
                                  .filter_by(activity_id=room.vote_id).order_by(RankedChoice.participant_id,
                                                                                RankedChoice.position)).all()
        ranking = vote_ranking(db.session.get(Activity, room.vote_id))
    ballots = defaultdict(list)
    for pid, position, idea in rows:
        ballots[pid].append((position, idea))
    assert len(ballots) == len(people)
    for pid, places in ballots.items():
        assert [p for p, _i in places] == list(range(1, len(places) + 1))  # no gaps, no mixing
        assert tuple(i for _p, i in places) in by_person[pid]  # one of the ballots this person sent, whole
    assert ranking.turnout == len(people)
    named = Counter(i for _pid, _p, i in rows)
    assert {row.item: row.votes for row in ranking} == {str(i): named.get(i, 0) for i in room.idea_ids}
