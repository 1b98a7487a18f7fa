"""The live channel: a stage change reaches a connected SSE client of a real server."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.conftest import TEST_PASSWORD, create_facilitator, make_workshop, serving


@pytest.fixture
def server(app):
    with serving(app) as url:
        yield url


def _read_events(response, wanted: str, found: list, timeout: float):
    deadline = time.monotonic() + timeout
    for line in response.iter_lines(decode_unicode=True):
        if line and line.startswith("event: "):
            found.append(line[len("event: "):])
            if found[-1] == wanted:
                return
        if time.monotonic() > deadline:
            return


def test_stage_change_reaches_phone_and_projector_streams(app, server):
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    facilitator = requests.Session()
    facilitator.post(f"{server}/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    phone = requests.Session()
    assert phone.post(f"{server}/join/{workshop.join_code}", data={"group": "staff", "language": "en"}).ok

    phone_stream = phone.get(f"{server}/live/{workshop.id}", stream=True, timeout=10)
    projector_stream = facilitator.get(f"{server}/live/{workshop.id}", stream=True, timeout=10)
    assert phone_stream.headers["Content-Type"].startswith("text/event-stream")
    phone_events, projector_events = [], []
    readers = [
        # the journey map, still blank for this phone: the screen itself comes down the stream
        threading.Thread(target=_read_events, args=(phone_stream, "stage-html", phone_events, 8)),
        threading.Thread(target=_read_events, args=(projector_stream, "stage", projector_events, 8)),
    ]
    for reader in readers:
        reader.start()
    time.sleep(0.5)  # both streams are listening
    started = time.monotonic()
    facilitator.post(f"{server}/f/workshops/{workshop.id}/step", data={"direction": "next"})
    for reader in readers:
        reader.join(10)
    elapsed = time.monotonic() - started
    phone_stream.close()
    projector_stream.close()
    assert "stage-html" in phone_events and "stage" in projector_events
    assert elapsed < 3
    fragment = phone.get(f"{server}/p/{workshop.id}", headers={"HX-Request": "true", "HX-Target": "stage"})
    assert "How does getting help feel today?" in fragment.text


def test_phone_hears_only_what_changes_its_screen(app, server):
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    facilitator = requests.Session()
    facilitator.post(f"{server}/auth/login", data={"email": user.email, "password": TEST_PASSWORD})
    phone = requests.Session()
    phone.post(f"{server}/join/{workshop.join_code}", data={"group": "staff", "language": "en"})
    stream = phone.get(f"{server}/live/{workshop.id}", stream=True, timeout=10)
    events: list[str] = []
    reader = threading.Thread(target=_read_events, args=(stream, "timer", events, 8))
    reader.start()
    time.sleep(0.5)
    requests.post(f"{server}/join/{workshop.join_code}", data={"group": "parent", "language": "en"})  # "people"
    time.sleep(0.3)
    facilitator.post(f"{server}/f/workshops/{workshop.id}/timer", data={"action": "start"})
    reader.join(10)
    stream.close()
    assert events == ["timer"]


def test_stranger_cannot_listen(app, server):
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    assert requests.get(f"{server}/live/{workshop.id}", timeout=5).status_code == 403
