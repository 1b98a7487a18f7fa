"""The per-process SQLite write lock is always given back: after commits, refusals and errors."""
from __future__ import annotations

import threading

from app import database
from tests.web.votes_helpers import vote_room
from tests.conftest import join_phone


def lock_is_free() -> bool:
    got = []
    thread = threading.Thread(target=lambda: got.append(database._write_lock.acquire(timeout=1)) or (
        got[-1] and database._write_lock.release()))
    thread.start()
    thread.join()
    return got == [True]


def test_write_lock_is_released_after_every_kind_of_write(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    phone = join_phone(app, room.workshop)
    assert lock_is_free()
    assert phone.post(room.url, data={"idea": room.idea_ids[0], "change": 1, "key": "k" * 20}).status_code == 302
    assert lock_is_free()
    assert phone.post(room.url, data={"idea": "nope", "change": 1, "key": "j" * 20}).status_code == 400
    assert lock_is_free()
    assert phone.post(room.url, data={"idea": room.idea_ids[0], "change": 1, "key": "k" * 20}).status_code == 302
    assert lock_is_free()
    assert phone.post(f"/p/{room.workshop.id}/vote/999999", data={}).status_code == 404
    assert lock_is_free()
    assert app.test_client().post(room.url, data={}).status_code == 403
    assert lock_is_free()
