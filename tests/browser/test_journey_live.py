"""Journey map live: three phones in two groups add cards and ratings; the projector follows without reload.

The facilitator then merges two cards and hides one, and the projector follows too.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import start_workshop

PHONE = {"width": 320, "height": 640}


def _join(browser, base, code, group):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{base}/join/{code}")
    phone.get_by_label(group).check()
    phone.get_by_role("button", name="Take part").click()
    expect(phone.get_by_role("heading", name="How does getting help feel today?")).to_be_visible()
    phone.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")
    return phone


def _add_card(phone, phase, lane, text):
    phone.get_by_label("Step of the journey").select_option(label=phase)
    phone.get_by_label("Lane", exact=True).select_option(label=lane)
    phone.locator("#text").fill(text)
    phone.get_by_role("button", name="Add to the map").click()
    expect(phone.locator(".my-cards")).to_contain_text(text)
    expect(phone.locator("#text")).to_have_value("")


def _rate(phone, phase, word):
    form = phone.locator("form.feeling-form", has=phone.get_by_role("group", name=phase))
    form.get_by_role("radio", name=re.compile(rf"(^|\s){word}$")).check()
    expect(form.locator(".saved-note")).to_have_text("Saved")


def test_three_phones_map_the_journey_and_the_projector_follows(live_server, browser):
    base = live_server["url"]
    errors = []
    laptop, page, code = start_workshop(live_server, browser, "journey@example.org", "family-support",
                                        title="Journey browser test", errors=errors)
    page.wait_for_function("() => window.htmx")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name=re.compile("Now: How does getting help feel today"))).to_be_visible()

    projector = laptop.new_page()
    projector.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    projector.goto(page.url.replace("/run", "/projector"))
    expect(projector.locator(".journey-map")).to_be_visible()
    projector.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")

    ana = _join(browser, base, code, "Parent or carer")
    bea = _join(browser, base, code, "Parent or carer")
    sam = _join(browser, base, code, "Front-line staff")

    _add_card(ana, "Finding out where to go", "Pain points", "Nobody tells you where to start")
    _add_card(bea, "Finding out where to go", "Pain points", "Nobody tells you where to start!")
    _add_card(sam, "Finding out where to go", "Pain points", "Our leaflet is out of date")
    grid = projector.locator(".journey-map")
    for text in ("Nobody tells you where to start", "Nobody tells you where to start!", "Our leaflet is out of date"):
        expect(grid.get_by_text(text, exact=True)).to_be_visible(timeout=5000)

    _rate(ana, "Finding out where to go", "Very bad")
    _rate(bea, "Finding out where to go", "Bad")
    _rate(sam, "Finding out where to go", "Good")
    _rate(ana, "First contact", "Mixed")
    _rate(sam, "First contact", "Very good")
    # a changed rating replaces the old one
    _rate(sam, "First contact", "Good")

    curve = projector.locator(".emotion-curve")
    expect(curve.locator(".curve-legend")).to_contain_text("Parent or carer (3)", timeout=5000)
    expect(curve.locator(".curve-legend")).to_contain_text("Front-line staff (2)")
    expect(curve.locator("polyline[stroke-width='4']")).to_have_count(2 + 3)  # two curves + legend samples
    expect(curve.locator(".curve-point")).to_have_count(4)

    # text being typed survives a live refresh of the phone (the facilitator renames a lane)
    sam.locator("#text").fill("Half-written thought")
    activity_href = page.get_by_role("link", name="Edit steps and lanes").get_attribute("href")
    structure = laptop.new_page()
    structure.goto(base + activity_href)
    structure.get_by_label("Name of lane 7").fill("Behind the scenes")
    structure.locator("form", has=structure.get_by_label("Name of lane 7")).get_by_role("button", name="Rename").click()
    # the live refresh waits while the card is unsent: nothing typed or chosen is swapped away ...
    sam.wait_for_timeout(1000)
    expect(sam.locator("#text")).to_have_value("Half-written thought")
    # ... and the phone catches up as soon as the card is sent
    sam.get_by_role("button", name="Add to the map").click()
    expect(sam.locator(".my-cards")).to_contain_text("Half-written thought")
    expect(sam.get_by_label("Lane", exact=True).locator("option", has_text="Behind the scenes")).to_have_count(1, timeout=5000)
    structure.close()

    # the facilitator merges the duplicate and hides the out-of-date remark
    page.bring_to_front()
    duplicate = page.locator(".moderation-card", has_text="Nobody tells you where to start!")
    duplicate.get_by_role("link", name=re.compile("Edit, move or merge")).click()
    page.get_by_label("Merge into").select_option(label="Finding out where to go · Pain points · Nobody tells you where to start")
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_text("Cards merged.").first).to_be_visible()
    page.locator(".moderation-card", has_text="Our leaflet is out of date").get_by_role("button", name="Hide").click()
    expect(page.locator(".moderation-card.is-hidden")).to_contain_text("Our leaflet is out of date")

    expect(grid.get_by_text("Our leaflet is out of date")).to_have_count(0, timeout=5000)
    expect(grid.get_by_text("Nobody tells you where to start!")).to_have_count(0)
    expect(grid.locator(".jcard", has_text="Nobody tells you where to start")).to_contain_text("×2")
    expect(bea.locator(".my-cards")).to_contain_text("Nobody tells you where to start!")

    for p in (projector, ana, bea, sam):
        assert p.evaluate("() => performance.getEntriesByType('navigation').length") == 1
    assert sam.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert not [e for e in errors if "Content Security Policy" in e], errors
