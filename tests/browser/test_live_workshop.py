"""A facilitator creates and starts a workshop; two phones join; the room follows "next" without reload."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import start_workshop

PHONE = {"width": 320, "height": 640}


def test_facilitator_runs_and_phones_and_projector_follow(live_server, browser):
    base = live_server["url"]
    errors = []
    laptop, page, code_digits = start_workshop(live_server, browser, "fac@example.org", "family-support",
                                               title="Browser test workshop", errors=errors)
    shown = f"{code_digits[:4]} {code_digits[4:]}"
    assert shown in page.locator(".code").inner_text(), "the control panel shows the join code"

    projector = laptop.new_page()
    projector.goto(page.url.replace("/run", "/projector"))
    expect(projector.locator(".join-code")).to_contain_text(shown)
    expect(projector.locator(".projector-join svg")).to_be_visible()

    phones = []
    for group, name in (("Parent or carer", "Ana"), ("Front-line staff", "")):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.goto(base + "/")
        phone.get_by_label("Workshop code").fill(shown)
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
