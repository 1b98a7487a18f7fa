"""A live refresh never wipes what a person is typing or has ticked but not yet sent."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import join_phone, start_workshop


def test_unsent_answer_survives_a_live_refresh_and_the_refusal_is_clear(live_server, browser):
    laptop, page, code = start_workshop(live_server, browser, "typing@example.org", "family-support")
    phone = join_phone(live_server, browser, code)
    page.get_by_role("button", name="Go here").last.click()  # reflect, the last activity
    expect(phone.get_by_role("heading", name="How was today?")).to_be_visible(timeout=5000)

    phone.get_by_label("Good", exact=True).check()
    comment = phone.get_by_label("Anything you want to tell the organisers? (optional)")
    comment.fill("The waiting part needs a text message")

    # the facilitator locks answers: a live `stage` refresh for the same activity
    page.get_by_role("button", name="Lock answers").click()
    expect(page.get_by_role("button", name="Lock answers")).to_have_count(0)
    phone.wait_for_timeout(1500)  # the event has reached the phone by now
    expect(comment).to_have_value("The waiting part needs a text message")
    expect(phone.get_by_label("Good", exact=True)).to_be_checked()

    # sending it now gets a clear refusal, and the phone then catches up with the locked activity
    phone.get_by_role("button", name="Save my answer").click()
    # the refusal, or (once the phone has caught up) the locked screen, says so
    expect(phone.locator("#stage")).to_contain_text(re.compile("closed|locked"))
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="Save my answer")).to_have_count(0, timeout=5000)

    # the next activity always arrives, even with the caret in a field
    page.get_by_role("button", name="Open", exact=True).click()
    expect(phone.get_by_role("button", name="Save my answer")).to_be_visible(timeout=5000)
    phone.get_by_label("Anything you want to tell the organisers? (optional)").click()
    page.get_by_role("button", name="Back").click()
    expect(phone.get_by_role("heading", name="Who can help?")).to_be_visible(timeout=5000)
    laptop.close()
    phone.context.close()


def test_an_open_disclosure_stays_open_through_live_refreshes(live_server, browser):
    laptop, page, code = start_workshop(live_server, browser, "details@example.org", "library-future")
    phone = join_phone(live_server, browser, code)
    page.get_by_role("button", name="Go here").nth(1).click()  # the ideas activity
    expect(phone.get_by_label("Your idea")).to_be_visible(timeout=5000)
    page.get_by_text("Add an idea from paper").click()
    paper = page.locator("#paper-idea")
    expect(paper).to_have_attribute("open", "")
    phone.get_by_label("Your idea").fill("Quiet room upstairs")
    phone.get_by_role("button", name="Add my idea").click()
    expect(page.locator("#panel")).to_contain_text("Quiet room upstairs", timeout=5000)  # the panel refreshed
    expect(paper).to_have_attribute("open", "")
    laptop.close()
    phone.context.close()
