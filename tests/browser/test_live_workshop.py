"""A facilitator creates and starts a workshop; two phones join; the room follows "next" without reload."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import flask_cli

PHONE = {"width": 320, "height": 640}
PASSWORD = "a-long-test-password"


def test_facilitator_runs_and_phones_and_projector_follow(live_server, browser):
    base = live_server["url"]
    flask_cli(live_server, "users", "create", "--email", "fac@example.org", "--name", "Fac",
              "--password", PASSWORD)

    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    page = laptop.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "/auth/login")
    page.get_by_label("E-mail").fill("fac@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your workshops")).to_be_visible()

    page.get_by_label("Start from recipe").select_option("family-support")
    page.get_by_label("Title (optional").fill("Browser test workshop")
    page.get_by_role("button", name="Create workshop").click()
    page.get_by_role("button", name="Start the workshop").first.click()
    expect(page.get_by_role("heading", name="Browser test workshop")).to_be_visible()
    code = re.search(r"(\d{4}) (\d{4})", page.locator(".code").inner_text())
    assert code, "the control panel shows the join code"
    code_digits = code.group(1) + code.group(2)

    projector = laptop.new_page()
    projector.goto(page.url.replace("/run", "/projector"))
    expect(projector.locator(".join-code")).to_contain_text(f"{code.group(1)} {code.group(2)}")
    expect(projector.locator(".projector-join svg")).to_be_visible()

    phones = []
    for group, name in (("Parent or carer", "Ana"), ("Front-line staff", "")):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.goto(base + "/")
        phone.get_by_label("Workshop code").fill(f"{code.group(1)} {code.group(2)}")
        phone.get_by_role("button", name="Join").click()
        phone.get_by_label(group).check()
        if name:
            phone.get_by_label("Nickname (optional)").fill(name)
        phone.get_by_role("button", name="Take part").click()
        expect(phone.get_by_role("heading", name="Welcome and join in")).to_be_visible()
        phones.append(phone)

    # the projector counted both, live
    expect(projector.locator(".joined-list")).to_contain_text("1 Parent or carer")
    expect(projector.locator(".joined-list")).to_contain_text("1 Front-line staff")

    # phones are ready and listening before the facilitator moves on
    for phone in phones:
        phone.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")
    projector.wait_for_timeout(500)
    page.get_by_role("button", name="Next").click()
    for phone in phones + [projector]:
        expect(phone.get_by_role("heading", name="How does getting help feel today?")).to_be_visible(timeout=5000)

    # the timer, inside each phone's stage, follows on its own event and counts down there
    page.get_by_role("button", name="Start timer").click()
    for phone in phones:
        expect(phone.locator("#stage #timer [role=timer][data-running='1']")).to_have_attribute("data-ends-at", re.compile(r"\d+"))

    # no page was reloaded: the phones still hold the same document (marker set before)
    assert all(p.evaluate("() => performance.getEntriesByType('navigation').length") == 1 for p in phones)
    # the phone page fits 320 px without sideways scrolling
    assert phones[0].evaluate("() => document.documentElement.scrollWidth") <= 320
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert code_digits
