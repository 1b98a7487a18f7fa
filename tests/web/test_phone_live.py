"""The phone's live fragments: the cheap path must show exactly what the full page shows, never a stale stage."""
from __future__ import annotations

import re
import threading
import time

import pytest
import requests

from app.extensions import db
from app.models import Activity
from tests.conftest import TEST_PASSWORD, create_facilitator, join_phone, make_workshop, serving

STAGE = {"HX-Request": "true", "HX-Target": "stage"}
TIMER = {"HX-Request": "true", "HX-Target": "timer"}


def _region(page: str, region: str) -> str:
    """The inner HTML of <div id="region" ...> in a full phone page."""
    start = page.index(f'<div id="{region}"')
    start = page.index(">", start) + 1
    depth, pos = 1, start
    for tag in re.finditer(r"<(/?)div\b[^>]*>", page[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            pos = start + tag.start()
            break
    return page[start:pos]


def _squash(html: str) -> str:
    """Whitespace folded, and CSRF tokens (signed with the second they were made) blanked."""
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', html)
    return re.sub(r"\s+", " ", html).strip()


def test_fragments_equal_the_full_page_at_every_step_of_the_agenda(app, client, workshop):
    phone = join_phone(app, workshop, group="staff", nickname="Kim")
    for activity_id in workshop.activity_ids:
        client.post(f"/f/workshops/{workshop.id}/goto/{activity_id}")
        for state in ("open", "locked", "revealed"):
            client.post(f"/f/workshops/{workshop.id}/state", data={"state": state})
            page = phone.get(f"/p/{workshop.id}").text
            for region, headers in (("stage", STAGE), ("timer", TIMER)):
                fragment = phone.get(f"/p/{workshop.id}", headers=headers)
                assert fragment.status_code == 200 and "<html" not in fragment.text
                assert _squash(fragment.text) == _squash(_region(page, region)), (activity_id, state, region)


def test_stage_fragment_follows_every_change_at_once(app, client, workshop):
    """Nothing is kept between requests: each change shows on the very next fetch."""
    phone = join_phone(app, workshop)
    assert "Welcome and join in" in phone.get(f"/p/{workshop.id}", headers=STAGE).text
    client.post(f"/f/workshops/{workshop.id}/step", data={"direction": "next"})
    assert "How does getting help feel today?" in phone.get(f"/p/{workshop.id}", headers=STAGE).text
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "locked"})
    assert "Answers are locked now." in phone.get(f"/p/{workshop.id}", headers=STAGE).text
    client.post(f"/f/workshops/{workshop.id}/step", data={"direction": "back"})
    assert "Welcome and join in" in phone.get(f"/p/{workshop.id}", headers=STAGE).text
    with app.app_context():  # an edit made behind the views' back shows too
        activity = db.session.get(Activity, workshop.activity_ids[0])
        activity.title = "Hello again"
        db.session.commit()
    assert "Hello again" in phone.get(f"/p/{workshop.id}", headers=STAGE).text
    client.post(f"/f/workshops/{workshop.id}/close")
    assert "This workshop has ended" in phone.get(f"/p/{workshop.id}", headers=STAGE).text


def test_timer_fragment_follows_the_timer(app, client, workshop):
    phone = join_phone(app, workshop)
    client.post(f"/f/workshops/{workshop.id}/step", data={"direction": "next"})
    assert 'data-running="0"' in phone.get(f"/p/{workshop.id}", headers=TIMER).text
    client.post(f"/f/workshops/{workshop.id}/timer", data={"action": "start"})
    assert 'data-running="1"' in phone.get(f"/p/{workshop.id}", headers=TIMER).text


def test_fragments_speak_the_participants_language(app, client, workshop):
    phone = join_phone(app, workshop)
    phone.post(f"/p/{workshop.id}/language", data={"language": "hu"})
    page = phone.get(f"/p/{workshop.id}").text
    assert _squash(phone.get(f"/p/{workshop.id}", headers=STAGE).text) == _squash(_region(page, "stage"))
    assert 'lang="hu"' in page


def test_personal_views_still_show_own_answers(app, client, workshop):
    """Kinds with personal phone context (reflect: my own answer) take the full path."""
    mine, other = join_phone(app, workshop), join_phone(app, workshop)
    reflect_id = workshop.activity_ids[-1]
    client.post(f"/f/workshops/{workshop.id}/goto/{reflect_id}")
    mine.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "4", "comment": ""})
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "locked"})
    assert "4 / 5" in mine.get(f"/p/{workshop.id}", headers=STAGE).text
    assert "4 / 5" not in other.get(f"/p/{workshop.id}", headers=STAGE).text


def test_a_token_from_another_workshop_or_none_gets_no_fragment(app, client, facilitator, workshop):
    second = make_workshop(app, facilitator)
    phone = join_phone(app, workshop)
    assert phone.get(f"/p/{second.id}", headers=STAGE).status_code == 302
    assert app.test_client().get(f"/p/{workshop.id}", headers=STAGE).status_code == 302


@pytest.fixture
def server(app):
    with serving(app) as url:
        yield url


def _first_message(response, found: list):
    """Event names of the first SSE message that carries any (one write may hold several)."""
    for chunk in response.iter_content(chunk_size=None, decode_unicode=True):
        names = re.findall(r"^event: ([\w-]+)$", chunk, flags=re.M)
        if names:
            found.extend(names)
            return


def test_next_costs_a_phone_one_stage_event_but_the_projector_hears_both(app, server):
    """'next' changes stage and timer; the phone's #timer sits inside #stage, so it needs only 'stage'."""
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    facilitator = requests.Session()
    facilitator.post(f"{server}/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    phone = requests.Session()
    phone.post(f"{server}/join/{workshop.join_code}", data={"group": "staff", "language": "en"})
    page = phone.get(f"{server}/p/{workshop.id}").text
    assert _region(page, "stage").lstrip().startswith('<div id="timer"'), "the stage refresh brings the timer"
    phone_stream = phone.get(f"{server}/live/{workshop.id}", stream=True, timeout=10)
    projector_stream = facilitator.get(f"{server}/live/{workshop.id}", stream=True, timeout=10)
    heard_phone, heard_projector = [], []
    readers = [threading.Thread(target=_first_message, args=(phone_stream, heard_phone)),
               threading.Thread(target=_first_message, args=(projector_stream, heard_projector))]
    for reader in readers:
        reader.start()
    time.sleep(0.5)
    facilitator.post(f"{server}/f/workshops/{workshop.id}/step", data={"direction": "next"})
    for reader in readers:
        reader.join(10)
    phone_stream.close()
    projector_stream.close()
    assert heard_phone == ["stage-html"]  # one message: the journey map, blank for this phone, rendered
    assert heard_projector == ["stage", "timer"]


def test_a_shared_stage_fragment_costs_one_query(app, client, workshop):
    """The whole room refetches at once: a title/instructions screen is one read, not an ORM graph."""
    from sqlalchemy import event

    phone = join_phone(app, workshop)  # the room is on the welcome screen, the same for everyone
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda _conn, _cursor, statement, *_args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert "Welcome and join in" in phone.get(f"/p/{workshop.id}", headers=STAGE).text
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements
