"""Shared phone screens pushed down the live stream: the same HTML a fetch gives, nothing personal, never stale."""
from __future__ import annotations

import re
import threading
import time

import pytest
import requests

from app.extensions import db
from app.live.hub import Hub, ScreenCache
from app.models import Activity, Workshop
from app.participants.shared import GroupMember, PersonalData, shared_stage, stage_holders
from app.workshops import services
from tests.conftest import TEST_PASSWORD, create_facilitator, make_workshop, serving

STAGE = {"HX-Request": "true", "HX-Target": "stage"}


@pytest.fixture
def server(app, monkeypatch):
    import app.live.stream as live_stream

    monkeypatch.setattr(live_stream, "HEARTBEAT_SECONDS", 0.3)  # closed streams end quickly
    with serving(app) as url:
        yield url


class Stream:
    """An open SSE stream of a real server, parsed into (event, data) messages as they arrive."""

    def __init__(self, session: requests.Session, url: str):
        self.response = session.get(url, stream=True, timeout=10)
        assert self.response.status_code == 200
        self.messages: list[tuple[str, str]] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer = ""
        try:
            for chunk in self.response.iter_content(chunk_size=None, decode_unicode=True):
                buffer += chunk.replace(": keep-alive\n\n", "")
                while "\n\n" in buffer:
                    raw, buffer = buffer.split("\n\n", 1)
                    name, data = None, []
                    for line in raw.split("\n"):
                        if line.startswith("event: "):
                            name = line[len("event: "):]
                        elif line.startswith("data:"):
                            data.append(line[6:] if line.startswith("data: ") else line[5:])
                    if name:
                        with self._changed:
                            self.messages.append((name, "\n".join(data)))
                            self._changed.notify_all()
        except Exception:  # closed by the test
            pass

    def wait(self, count: int, timeout: float = 8.0) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return list(self.messages)

    def quiet(self, seconds: float = 1.0) -> list[tuple[str, str]]:
        """Every message, once none has arrived for `seconds`."""
        while True:
            before = len(self.messages)
            time.sleep(seconds)
            if len(self.messages) == before:
                return list(self.messages)

    def close(self):
        self.response.close()


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _facilitator(app, server, user):
    session = requests.Session()
    session.post(f"{server}/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    return session


def _phone(server, workshop, group, nickname="", language="en"):
    session = requests.Session()
    response = session.post(
        f"{server}/join/{workshop.join_code}", data={"group": group, "nickname": nickname, "language": language}
    )
    assert response.status_code == 200 and f"/p/{workshop.id}" in response.url, response.text
    return session


def _fetch_stage(phone, server, workshop) -> str:
    response = phone.get(f"{server}/p/{workshop.id}", headers=STAGE)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def room(app, server):
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    # The agenda's "pledge" slot becomes a second title-only screen ("Who can help?"), so the
    # tests have two shared screens to move between (the real pledge screen is personal).
    with app.app_context():
        slot = db.session.get(Activity, workshop.activity_ids[workshop.kinds.index("pledge")])
        slot.kind = "welcome"
        db.session.commit()
    facilitator = _facilitator(app, server, user)
    return user, workshop, facilitator


def _goto(facilitator, server, workshop, kind):
    activity_id = workshop.activity_ids[workshop.kinds.index(kind)]
    response = facilitator.post(f"{server}/f/workshops/{workshop.id}/goto/{activity_id}")
    assert response.status_code < 400


def test_a_move_to_a_shared_screen_arrives_rendered_and_equals_what_the_phone_would_fetch(app, server, room):
    _user, workshop, facilitator = room
    staff = _phone(server, workshop, "staff", nickname="Kim")
    other_group = next(g["key"] for g in workshop.groups if g["key"] != "staff")
    resident = _phone(server, workshop, other_group, language="hu")
    streams = [Stream(staff, f"{server}/live/{workshop.id}"), Stream(resident, f"{server}/live/{workshop.id}")]
    time.sleep(0.5)
    try:
        expected = 0
        for move in ("pledge", "welcome", "close"):
            if move == "close":
                assert facilitator.post(f"{server}/f/workshops/{workshop.id}/close").status_code < 400
            else:
                _goto(facilitator, server, workshop, move)
            expected += 1
            for stream, phone in zip(streams, (staff, resident)):
                messages = stream.wait(expected)
                assert len(messages) == expected, (move, messages)
                name, html = messages[-1]
                assert name == "stage-html", (move, messages[-1])  # no request needed
                assert _squash(html) == _squash(_fetch_stage(phone, server, workshop)), move
        # the welcome screen is per group and language: each phone got its own group's, in its language
        welcome_staff, welcome_resident = streams[0].messages[1][1], streams[1].messages[1][1]
        assert welcome_staff != welcome_resident
        assert "Kim" not in welcome_staff
        assert "This workshop has ended" in streams[0].messages[2][1]
    finally:
        for stream in streams:
            stream.close()


def test_a_personal_screen_still_sends_the_name_and_the_phone_fetches_its_own(app, server, room):
    _user, workshop, facilitator = room
    phone = _phone(server, workshop, "staff")
    stream = Stream(phone, f"{server}/live/{workshop.id}")
    time.sleep(0.5)
    try:
        for kind in ("vote",):
            _goto(facilitator, server, workshop, kind)
            messages = stream.quiet(0.6)
            assert messages[-1] == ("stage", "stage"), (kind, messages)
            assert not [m for m in messages if m[0] == "stage-html"]
    finally:
        stream.close()


@pytest.mark.parametrize("kind, answer, mine", [
    ("reflect", {"rating": "2", "comment": "Too rushed at the end"}, "Update my answer"),
    ("ideas", {"title": "A named person who rings back", "description": ""}, "A named person who rings back"),
])
def test_ideas_and_reflect_are_pushed_to_who_has_not_answered_and_fetched_by_who_has(app, server, room, kind, answer, mine):
    _user, workshop, facilitator = room
    answered, not_yet = _phone(server, workshop, "staff"), _phone(server, workshop, "staff")
    activity_id = workshop.activity_ids[workshop.kinds.index(kind)]
    _goto(facilitator, server, workshop, kind)
    assert answered.post(f"{server}/p/{workshop.id}/{kind}/{activity_id}", data=answer).status_code < 400
    assert mine in _fetch_stage(answered, server, workshop)
    streams = [Stream(p, f"{server}/live/{workshop.id}") for p in (answered, not_yet)]
    time.sleep(0.5)
    try:
        _goto(facilitator, server, workshop, "welcome")
        _goto(facilitator, server, workshop, kind)
        for stream in streams:
            stream.quiet(0.6)
        assert streams[0].messages[-1] == ("stage", "stage"), streams[0].messages
        name, html = streams[1].messages[-1]
        assert name == "stage-html" and mine not in html
        assert _squash(html) == _squash(_without_csrf_inputs(_fetch_stage(not_yet, server, workshop)))
    finally:
        for stream in streams:
            stream.close()


def _without_csrf_inputs(html: str) -> str:
    return re.sub(r'<input type="hidden" name="csrf_token" value="[^"]*">', "", html)


def test_a_journey_map_is_pushed_while_blank_and_fetched_by_whoever_wrote_on_it(app, server, room):
    """The first arrival at the map: one render for the group. Back at it later: whoever added a
    card or rated a step fetches their own screen; the others still get the blank one pushed."""
    _user, workshop, facilitator = room
    writer, rater, quiet = (_phone(server, workshop, "staff") for _ in range(3))
    streams = [Stream(p, f"{server}/live/{workshop.id}") for p in (writer, rater, quiet)]
    time.sleep(0.5)
    try:
        _goto(facilitator, server, workshop, "journey")
        for stream, phone in zip(streams, (writer, rater, quiet)):
            name, html = stream.wait(1)[-1]
            assert name == "stage-html"
            assert "Add to the map" in html and "Your cards" not in html
            assert _squash(html) == _squash(_without_csrf_inputs(_fetch_stage(phone, server, workshop)))
        journey_id = workshop.activity_ids[workshop.kinds.index("journey")]
        page = writer.get(f"{server}/p/{workshop.id}").text
        phase, lane = re.search(r'<option value="(\d+)"', page).group(1), re.findall(r'name="lane"[^>]*>\s*<option value="(\d+)"', page)[0]
        assert writer.post(f"{server}/p/{workshop.id}/journey/{journey_id}/cards",
                           data={"phase": phase, "lane": lane, "text": "Nobody rang me back"}).status_code < 400
        assert rater.post(f"{server}/p/{workshop.id}/journey/{journey_id}/phases/{phase}/feeling",
                          data={"feeling": "-2"}).status_code < 400
        _goto(facilitator, server, workshop, "welcome")
        _goto(facilitator, server, workshop, "journey")
        for stream in streams:
            stream.quiet(0.6)
        last = [stream.messages[-1] for stream in streams]
        assert last[0] == ("stage", "stage") and last[1] == ("stage", "stage"), last
        assert last[2][0] == "stage-html" and "Nobody rang me back" not in last[2][1]
        assert "Nobody rang me back" in _fetch_stage(writer, server, workshop)
        assert re.search(r'value="-2" checked', _fetch_stage(rater, server, workshop))
    finally:
        for stream in streams:
            stream.close()


def test_pushing_can_be_switched_off(app, server, room):
    _user, workshop, facilitator = room
    app.config["TANDEM_LIVE_PUSH"] = False
    phone = _phone(server, workshop, "staff")
    stream = Stream(phone, f"{server}/live/{workshop.id}")
    time.sleep(0.5)
    try:
        _goto(facilitator, server, workshop, "pledge")
        assert stream.wait(1) == [("stage", "stage")]
    finally:
        stream.close()


def test_a_shared_screen_never_carries_a_csrf_token_nickname_or_token(app, server, room):
    """With CSRF on, the phone page has a token and a nickname; the pushed screen has neither."""
    _user, workshop, _facilitator_session = room
    app.config["WTF_CSRF_ENABLED"] = True
    phone = _phone_with_csrf(server, workshop, "staff", "Zorro Nickname")
    page = phone.get(f"{server}/p/{workshop.id}").text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert "Zorro Nickname" in page
    stream = Stream(phone, f"{server}/live/{workshop.id}")
    time.sleep(0.5)
    try:
        for count, kind in enumerate(("pledge", "welcome", "journey"), start=1):
            with app.app_context():  # the facilitator's move, straight through the domain function
                workshop_row = db.session.get(Workshop, workshop.id)
                services.move_to(workshop_row, db.session.get(Activity, workshop.activity_ids[workshop.kinds.index(kind)]))
                db.session.commit()
            messages = stream.wait(count)
        pushed = [html for name, html in messages if name == "stage-html"]
        assert len(pushed) == 3, messages
        token = next(v for k, v in phone.cookies.items())  # the signed session cookie
        for html in pushed:
            assert csrf not in html and "csrf" not in html
            assert "Zorro" not in html
            assert token not in html
        assert "<form" not in pushed[0] and "<form" not in pushed[1]
        assert "<form" in pushed[2]  # the journey's forms: htmx sends the phone's own token as a header
    finally:
        stream.close()


def _phone_with_csrf(server, workshop, group, nickname):
    session = requests.Session()
    form = session.get(f"{server}/join/{workshop.join_code}").text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = session.post(
        f"{server}/join/{workshop.join_code}",
        data={"group": group, "nickname": nickname, "language": "en", "csrf_token": csrf},
    )
    assert f"/p/{workshop.id}" in response.url, response.text
    return session


def test_a_screen_that_reads_anything_personal_is_not_shared(app, workshop, monkeypatch):
    """The guards: the stand-in participant has a group and a language only, and the session stays unread."""
    with app.app_context():
        workshop_row = db.session.get(Workshop, workshop.id)
        member = GroupMember(workshop_row, "staff", "en")
        for personal in ("nickname", "token", "id", "created_at"):
            with pytest.raises(PersonalData):
                getattr(member, personal)
    assert shared_stage(app, workshop.id, "staff", "en") is not None  # the welcome screen

    import app.participants.shared as shared

    real = shared.render_block

    def reads_nickname(template, block, **context):
        return real(template, block, **context) + str(context["participant"].nickname)

    monkeypatch.setattr(shared, "render_block", reads_nickname)
    assert shared_stage(app, workshop.id, "staff", "en") is None

    def reads_session(template, block, **context):
        from flask_wtf.csrf import generate_csrf

        return real(template, block, **context) + generate_csrf()

    monkeypatch.setattr(shared, "render_block", reads_session)
    assert shared_stage(app, workshop.id, "staff", "en") is None


def test_only_screens_without_personal_context_are_shared(app, client, workshop):
    """Every step of a real agenda, in every state: shared when the kind has no phone context,
    or has a blank one (the journey map); then it equals what a phone with nothing there fetches."""
    from tests.conftest import join_phone

    phone = join_phone(app, workshop, group="staff", nickname="Kim")
    for activity_id, kind in zip(workshop.activity_ids, workshop.kinds):
        client.post(f"/f/workshops/{workshop.id}/goto/{activity_id}")
        for state in ("open", "locked", "revealed"):
            client.post(f"/f/workshops/{workshop.id}/state", data={"state": state})
            html = shared_stage(app, workshop.id, "staff", "en")
            if kind in ("welcome", "journey", "ideas", "reflect", "results"):
                fetched = _without_csrf_inputs(phone.get(f"/p/{workshop.id}", headers=STAGE).text)
                assert html is not None and _squash(html) == _squash(fetched), (kind, state)
                assert stage_holders(app, workshop.id) == frozenset()
            else:
                assert html is None and stage_holders(app, workshop.id) is None, (kind, state)


def test_a_whole_room_shares_one_render(app, server, room, monkeypatch):
    """Twelve phones of one group and language: the screen is rendered once per process, not twelve times."""
    import app.participants.shared as shared

    _user, workshop, facilitator = room
    calls = []
    real = shared.shared_stage

    def counted(*args):
        calls.append(args[1:])
        return real(*args)

    monkeypatch.setattr(shared, "shared_stage", counted)
    phones = [_phone(server, workshop, "staff") for _ in range(12)]
    streams = [Stream(p, f"{server}/live/{workshop.id}") for p in phones]
    time.sleep(0.5)
    try:
        _goto(facilitator, server, workshop, "pledge")
        received = [s.wait(1) for s in streams]
        assert all(r and r[-1][0] == "stage-html" for r in received), received
        assert len({r[-1][1] for r in received}) == 1
        assert calls == [(workshop.id, "staff", "en")]
    finally:
        for stream in streams:
            stream.close()


def test_quick_moves_end_on_the_last_stage_never_an_earlier_one(app, server, room):
    """Shared and personal screens in a fast burst: what a phone ends on is the room's last stage."""
    _user, workshop, facilitator = room
    phone = _phone(server, workshop, "staff")
    stream = Stream(phone, f"{server}/live/{workshop.id}")
    time.sleep(0.5)
    try:
        sequence = ["pledge", "journey", "welcome", "reflect", "pledge", "welcome", "journey", "pledge"]
        for kind in sequence:
            _goto(facilitator, server, workshop, kind)
        messages = stream.quiet(1.0)
        name, data = messages[-1]
        final_id = workshop.activity_ids[workshop.kinds.index("pledge")]
        shown = data if name == "stage-html" else _fetch_stage(phone, server, workshop)
        assert f'data-activity="{final_id}"' in shown, messages
        # every pushed screen is one the room passed through, in the order it did
        order = [workshop.activity_ids[workshop.kinds.index(k)] for k in sequence]
        pushed = [int(re.search(r'data-activity="(\d+)"', html).group(1)) for n, html in messages if n == "stage-html"]
        position = 0
        for activity_id in pushed:
            assert activity_id in order[position:], (pushed, order)
            position = order.index(activity_id, position)
    finally:
        stream.close()


def test_screen_cache_never_serves_an_earlier_generation():
    cache = ScreenCache()
    assert cache.get(1, 1, ("staff", "en"), lambda: "one") == "one"
    assert cache.get(1, 1, ("staff", "en"), lambda: "again") == "one"  # shared within a generation
    assert cache.get(1, 2, ("staff", "en"), lambda: "two") == "two"  # a later event renders afresh
    # a stream that heard generation 1 late may get the newer render, never the older one
    assert cache.get(1, 1, ("staff", "en"), lambda: "stale") == "two"
    assert cache.get(1, 2, ("hu", "hu"), lambda: None) is None  # personal: fetch instead


def test_screen_cache_renders_once_for_concurrent_listeners():
    cache = ScreenCache()
    calls, results = [], []
    gate = threading.Event()

    def render():
        calls.append(1)
        gate.wait(2)
        return "screen"

    threads = [threading.Thread(target=lambda: results.append(cache.get(7, 3, ("g", "en"), render))) for _ in range(20)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert calls == [1] and results == ["screen"] * 20


def test_a_failing_render_falls_back_to_the_name():
    cache = ScreenCache()

    def broken():
        raise RuntimeError("boom")

    assert cache.get(1, 1, ("g", "en"), broken) is None


def test_hub_counts_stage_generations_before_waking_listeners():
    hub = Hub()
    listener = hub.subscribe(5, {"stage", "timer"})
    assert hub.generation(5) == 0
    hub.deliver(5, {"timer"})
    assert hub.generation(5) == 0
    hub.deliver(5, {"stage", "timer"})
    assert listener.wait(0.1) == {"stage", "timer"} and hub.generation(5) == 1
