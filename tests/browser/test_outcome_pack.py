"""The outcome pack under the real server: htmx progress, then the file; the worker keeps serving meanwhile."""
from __future__ import annotations

import re
import threading
import time

import requests
from playwright.sync_api import expect

from tests.browser.conftest import flask_cli


def test_pack_download_shows_progress_and_never_blocks_the_worker(live_server, browser):
    base = live_server["url"]
    out = flask_cli(live_server, "demo", "--participants", "6", "--base-url", base)
    email = re.search(r"e-mail (\S+)", out).group(1)
    password = re.search(r"password (\S+)", out).group(1)
    workshop_id = re.search(r"/f/workshops/(\d+)/run", out).group(1)

    laptop = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = laptop.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/f/workshops/{workshop_id}/edit")
    page.wait_for_function("() => window.htmx")

    # While the pack renders (a child process), the same two gevent workers keep answering quickly.
    latencies = []
    stop = threading.Event()

    def ping():
        while not stop.is_set():
            started = time.monotonic()
            requests.get(base + "/", timeout=10)
            latencies.append(time.monotonic() - started)
            time.sleep(0.05)

    pinger = threading.Thread(target=ping)
    pinger.start()
    try:
        page.get_by_role("link", name="Outcome pack (PDF, A4)").click()
        expect(page.locator("#pack-progress")).to_be_visible()
        ready = page.get_by_role("link", name="Download the PDF (A4)")
        expect(ready).to_be_visible(timeout=60_000)
    finally:
        stop.set()
        pinger.join()
    assert latencies and max(latencies) < 1.0, latencies
    with page.expect_download() as download:
        ready.click()
    assert download.value.suggested_filename.endswith("-a4.pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert not [e for e in errors if "Content Security Policy" in e], errors
