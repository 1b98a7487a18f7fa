"""Journey integrity under real concurrency: threads against a real served app and the real database."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from app.extensions import db
from app.models import JourneyCard, JourneyLane, JourneyPhase, ModerationAction, PhaseFeeling
from tests.conftest import TEST_PASSWORD, create_facilitator, make_workshop, serving


@pytest.fixture
def served(app):
    with serving(app) as base:
        yield _journey_room(app, base)


def _journey_room(app, base):
    """A started workshop at its journey activity, and its facilitator logged in over HTTP."""
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    facilitator = requests.Session()
    assert facilitator.post(f"{base}/auth/login", data={"email": user.email, "password": TEST_PASSWORD}).ok
    activity_id = workshop.activity_ids[workshop.kinds.index("journey")]
    assert facilitator.post(f"{base}/f/workshops/{workshop.id}/goto/{activity_id}").ok
    with app.app_context():
        phase = db.session.scalar(select(JourneyPhase.id).filter_by(activity_id=activity_id).order_by(JourneyPhase.position))
        lane = db.session.scalar(select(JourneyLane.id).filter_by(activity_id=activity_id).order_by(JourneyLane.position))
    return {"base": base, "workshop": workshop, "activity": activity_id, "phase": phase, "lane": lane,
            "facilitator": facilitator}


def _phone(served):
    phone = requests.Session()
    assert phone.post(f"{served['base']}/join/{served['workshop'].join_code}",
                      data={"group": "parent", "language": "en"}).ok
    return phone


def test_a_burst_of_ratings_from_one_phone_leaves_exactly_one(app, served):
    phone = _phone(served)
    url = f"{served['base']}/p/{served['workshop'].id}/journey/{served['activity']}/phases/{served['phase']}/feeling"
    values = [-2, -1, 0, 1, 2] * 4
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda v: phone.post(url, data={"feeling": str(v)}, allow_redirects=False).status_code,
                                 values))
    assert set(statuses) == {302}
    with app.app_context():
        rows = list(db.session.scalars(select(PhaseFeeling)))
    assert len(rows) == 1 and rows[0].feeling in values


def test_concurrent_merges_count_every_voice_once(app, served):
    phones = [_phone(served) for _ in range(6)]
    add = f"{served['base']}/p/{served['workshop'].id}/journey/{served['activity']}/cards"
    for index, phone in enumerate(phones):
        assert phone.post(add, data={"phase": served["phase"], "lane": served["lane"], "text": f"Same {index}"}).ok
    with app.app_context():
        ids = list(db.session.scalars(select(JourneyCard.id).order_by(JourneyCard.id)))
    target, duplicates = ids[0], ids[1:]
    base = f"{served['base']}/f/workshops/{served['workshop'].id}/journey/{served['activity']}/cards"
    facilitator = served["facilitator"]
    with ThreadPoolExecutor(max_workers=5) as pool:
        statuses = list(pool.map(
            lambda card: facilitator.post(f"{base}/{card}/merge", data={"into": target}, allow_redirects=False).status_code,
            duplicates))
    assert set(statuses) == {302}
    # two cards merged into each other at the same moment: one merge wins, never a cycle
    phone = phones[0]
    assert phone.post(add, data={"phase": served["phase"], "lane": served["lane"], "text": "Left"}).ok
    assert phone.post(add, data={"phase": served["phase"], "lane": served["lane"], "text": "Right"}).ok
    with app.app_context():
        left, right = db.session.scalars(select(JourneyCard.id).order_by(JourneyCard.id.desc()).limit(2)).all()[::-1]
    with ThreadPoolExecutor(max_workers=2) as pool:
        crossed = list(pool.map(
            lambda pair: facilitator.post(f"{base}/{pair[0]}/merge", data={"into": pair[1]}, allow_redirects=False).status_code,
            [(left, right), (right, left)]))
    assert sorted(crossed) == [302, 400]
    with app.app_context():
        cards = {c.id: c for c in db.session.scalars(select(JourneyCard))}
        merges = db.session.scalars(select(ModerationAction).filter_by(action="merge")).all()
    assert cards[target].count == 6 and all(cards[d].merged_into_id == target for d in duplicates)
    pair = [cards[left], cards[right]]
    assert sorted(c.merged_into_id is None for c in pair) == [False, True]
    assert sum(c.count for c in pair if c.merged_into_id is None) == 2
    assert len(merges) == 6
