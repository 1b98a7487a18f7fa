"""A screen the same for the whole group arrives inside the live stream: the phone shows it without a request."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import join_phone, start_workshop


def _go(page, title: str):
    page.locator("ol.agenda li", has_text=title).get_by_role("button", name="Go here").click()


def test_shared_screens_arrive_pushed_and_personal_ones_are_fetched(live_server, browser):
    laptop, page, code = start_workshop(live_server, browser, "push@example.org", "family-support")
    phone = join_phone(live_server, browser, code, group="Front-line staff", nickname="Rosa")
    errors, fetches = [], []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    phone.on("request", lambda request: fetches.append(request.url) if "/p/" in request.url else None)
    phone.wait_for_timeout(500)

    # the journey map, still blank for this phone: pushed down the stream too, forms and all
    _go(page, "How does getting help feel today?")
    expect(phone.get_by_role("heading", name="How does getting help feel today?")).to_be_visible(timeout=5000)
    phone.wait_for_timeout(300)
    assert fetches == [], fetches
    # its forms work: htmx sends the phone's own CSRF token as a header (the pushed HTML has none)
    phone.get_by_label("Your card").fill("The leaflet was only in English")
    phone.get_by_role("button", name="Add to the map").click()
    expect(phone.get_by_text("Your card is on the map.")).to_be_visible()
    phone.locator("fieldset.feeling-scale").first.locator("label.face").first.click()
    expect(phone.locator(".saved-note").first).to_have_text("Saved")
    posted = len(fetches)

    # back to the welcome screen of this phone's group: pushed down the stream, no request,
    # focus on its heading, and the header still has the nickname
    _go(page, "Welcome and join in")
    expect(phone.get_by_text("You are in as Front-line staff.")).to_be_visible(timeout=5000)
    expect(phone.locator("#activity-h")).to_be_focused()
    expect(phone.locator(".phone-bar")).to_contain_text("Rosa")
    phone.wait_for_timeout(500)
    assert len(fetches) == posted, fetches
    pushed = phone.locator("#stage section.activity").inner_html()
    phone.reload()
    expect(phone.get_by_text("You are in as Front-line staff.")).to_be_visible()
    assert phone.locator("#stage section.activity").inner_html() == pushed

    # the journey again: this phone has a card there now, so it fetches its own screen
    fetches.clear()
    _go(page, "How does getting help feel today?")
    expect(phone.locator(".my-card-text", has_text="The leaflet was only in English")).to_be_visible(timeout=5000)
    expect(phone.locator("fieldset.feeling-scale").first.locator("input").first).to_be_checked()
    assert len(fetches) == 1, fetches
    assert not errors, errors
    laptop.close()
    phone.context.close()


def test_a_slow_fetch_never_overwrites_a_newer_pushed_screen(live_server, browser):
    """Vote (fetched) then welcome (pushed): the vote screen, arriving last, must not win."""
    laptop, page, code = start_workshop(live_server, browser, "push3@example.org", "family-support")
    phone = join_phone(live_server, browser, code)
    held = []

    def hold_stage_fetch(route):
        if route.request.headers.get("hx-target") == "stage":
            held.append((route, route.fetch()))  # rendered now (the journey), answered later
        else:
            route.continue_()

    phone.route("**/p/*", hold_stage_fetch)
    phone.wait_for_timeout(500)
    _go(page, "Which ideas matter most?")
    for _ in range(50):
        if held:
            break
        phone.wait_for_timeout(100)
    assert held, "the phone asked for its vote screen"
    _go(page, "Welcome and join in")
    expect(phone.get_by_role("heading", name="Welcome and join in")).to_be_visible(timeout=5000)
    route, response = held[0]
    assert "Which ideas matter most?" in response.text()
    route.fulfill(response=response)  # the older screen arrives after the newer one
    phone.wait_for_timeout(1000)
    expect(phone.get_by_role("heading", name="Welcome and join in")).to_be_visible()
    expect(phone.get_by_role("heading", name="Which ideas matter most?")).to_have_count(0)
    laptop.close()
    phone.context.close()
