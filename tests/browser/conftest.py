"""Browser tests: the real server (gunicorn + gevent, as `make run` starts it) driven by headless Chromium."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TANDEM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI is set but no Chromium was found: install Debian's chromium package")
    skip = pytest.mark.skip(reason="no Chromium on this machine (apt-get install chromium); browser tests skipped")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Migrate a fresh database, then serve it with gunicorn's gevent worker on a free port."""
    instance = tmp_path_factory.mktemp("instance")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(TANDEM_INSTANCE=str(instance), TANDEM_NO_RATELIMIT="1", FLASK_APP="app",
               TANDEM_BASE_URL=f"http://127.0.0.1:{port}")
    for name in ("DATABASE_URL", "REDIS_URL"):  # the suite's PostgreSQL / Redis pass serves from them too
        if os.environ.get(name):
            env[name] = os.environ[name]
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (instance / "server.log").open("wb")
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "app:create_app()"],
        # A file, not a pipe: a pipe nobody reads fills up, and a worker blocked writing a
        # log line stalls with its transaction open (on PostgreSQL the next TRUNCATE waits forever).
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/", timeout=5).ok:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("the server did not start: " + (instance / "server.log").read_text()[-2000:])
    yield {"url": base, "env": env, "log": instance / "server.log"}
    server.send_signal(signal.SIGINT)  # quick shutdown: open live streams need not drain
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)
    log.close()
    errors = [line for line in (instance / "server.log").read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    assert not errors, "the server logged errors: see " + str(instance / "server.log")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_contexts(request):
    """Pages a test opened stop polling when it ends (the server may share its database with later tests)."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()


def flask_cli(live_server, *args) -> str:
    bin_dir = Path(sys.executable).parent
    result = subprocess.run([str(bin_dir / "flask"), *args], cwd=ROOT, env=live_server["env"], check=True,
                            capture_output=True, text=True)
    return result.stdout


PASSWORD = "a-long-test-password"


def start_workshop(live_server, browser, email: str, recipe: str, *, title: str = "",
                   height: int = 800, errors: list | None = None):
    """A facilitator account logs in, creates a workshop from `recipe` (titled `title`) and starts it.

    Returns the laptop's browser context, its page on the control panel, and the join code digits;
    the page's console errors go into `errors` when a list is given.
    """
    import re

    from playwright.sync_api import expect

    flask_cli(live_server, "users", "create", "--email", email, "--name", "Fac", "--password", PASSWORD)
    laptop = browser.new_context(viewport={"width": 1280, "height": height})
    page = laptop.new_page()
    if errors is not None:
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server["url"] + "/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your workshops")).to_be_visible()
    page.get_by_label("Start from recipe").select_option(recipe)
    if title:
        page.get_by_label("Title (optional").fill(title)
    page.get_by_role("button", name="Create workshop").click()
    page.get_by_role("button", name="Start the workshop").first.click()
    if title:
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    code = re.search(r"(\d{4}) (\d{4})", page.locator(".code").inner_text())
    return laptop, page, code.group(1) + code.group(2)


def join_phone(live_server, browser, code: str, group: str | None = None, nickname: str = ""):
    """A phone (320 px, touch) joins with the code; returns its page on the activity screen."""
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(live_server["url"] + "/")
    phone.get_by_label("Workshop code").fill(code)
    phone.get_by_role("button", name="Join").click()
    if group:
        phone.get_by_label(group).check()
    else:
        phone.get_by_role("radio").first.check()
    if nickname:
        phone.get_by_label("Nickname (optional)").fill(nickname)
    phone.get_by_role("button", name="Take part").click()
    phone.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")
    return phone
