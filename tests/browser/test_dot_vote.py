"""Five phones in two groups vote with dots; the facilitator locks and reveals; everyone sees app.ranking's order."""
from __future__ import annotations

from playwright.sync_api import expect

from app.ranking import score_dots
from tests.browser.conftest import start_workshop

PHONE = {"width": 320, "height": 640}
IDEAS = ["Drop-in hub at the library", "Text reminders before visits", "Peer mentors for new parents"]
# (group label, {idea index: dots}) for each phone
PLAN = [
    ("Parent or carer", {0: 3, 1: 2}),
    ("Parent or carer", {0: 2, 2: 1}),
    ("Parent or carer", {1: 1}),
    ("Front-line staff", {2: 3, 0: 1}),
    ("Front-line staff", {2: 2, 1: 2}),
]


def go_to(page, title):
    """Click "Go here"; the panel may be swapping in a live refresh at that moment, so try again."""
    for _ in range(5):
        page.wait_for_timeout(700)
        page.locator("ol.agenda li", has_text=title).get_by_role("button", name="Go here").click()
        try:
            expect(page.locator("#current-h")).to_contain_text(title, timeout=3000)
            return
        except AssertionError:
            continue
    expect(page.locator("#current-h")).to_contain_text(title)


def add_paper_idea(page, title):
    for _ in range(5):
        page.wait_for_timeout(1000)  # let live refreshes of the panel settle
        try:
            page.get_by_text("Add an idea from paper").click(timeout=3000)
            page.locator("#paper-title").fill(title, timeout=3000)
            page.get_by_role("button", name="Add the idea").click(timeout=3000)
            expect(page.locator(".moderation")).to_contain_text(title, timeout=3000)
            return
        except Exception:  # the panel was swapped under the click: try again
            if page.locator(".moderation", has_text=title).count():
                return
    raise AssertionError(f"could not add {title!r}")


def ranking_rows(page):
    rows = page.locator(".ranking-list > li")
    expect(rows.first).to_be_visible(timeout=8000)
    return [(li.get_attribute("data-item"), li.get_attribute("data-rank"),
             li.locator(".score-value").inner_text(), li.inner_text()) for li in rows.all()]


def test_five_phones_dot_vote_then_lock_and_reveal(live_server, browser):
    base = live_server["url"]
    errors = []
    laptop, page, code = start_workshop(live_server, browser, "dots@example.org", "family-support",
                                        title="Dot vote workshop", height=900, errors=errors)

    go_to(page, "How might we make it better?")
    for title in IDEAS:
        add_paper_idea(page, title)

    projector = laptop.new_page()
    projector.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    projector.goto(page.url.replace("/run", "/projector"))

    phones = []
    for group, _votes in PLAN:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        phone.goto(f"{base}/join/{code}")
        phone.get_by_label(group).check()
        phone.get_by_role("button", name="Take part").click()
        phone.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")
        phones.append(phone)

    projector.wait_for_timeout(500)
    go_to(page, "Which ideas matter most?")
    for phone in phones:
        expect(phone.locator("#dots-left")).to_contain_text("5 of 5 dots left", timeout=8000)

    for phone, (_group, votes) in zip(phones, PLAN):
        left = 5
        for index, dots in votes.items():
            for _ in range(dots):
                phone.get_by_role("button", name=f"Add a dot to: {IDEAS[index]}").click()
                left -= 1
                expect(phone.locator("#dots-left")).to_contain_text(f"{left} of 5 dots left")
    expect(projector.locator(".total-joined")).to_contain_text("5", timeout=8000)
    assert phones[0].get_by_role("button", name=f"Add a dot to: {IDEAS[0]}").is_disabled()  # cap of 3 reached

    ids = {}
    for index, title in enumerate(IDEAS):
        button = phones[0].get_by_role("button", name=f"Add a dot to: {title}")
        ids[index] = button.get_attribute("id").removeprefix("add-")
    page.get_by_role("button", name="Lock answers").click()
    expect(phones[0].get_by_role("button", name=f"Add a dot to: {IDEAS[1]}")).to_have_count(0, timeout=8000)
    page.get_by_role("button", name="Reveal results").click()

    votes = [(n, ids[index], dots) for n, (_g, plan) in enumerate(PLAN) for index, dots in plan.items()]
    groups = {n: group for n, (group, _plan) in enumerate(PLAN)}
    expected = score_dots(votes, groups, sorted(ids.values(), key=int))
    shown = ranking_rows(projector)
    assert [(item, int(rank), float(score)) for item, rank, score, _text in shown] == [
        (row.item, row.rank, row.score) for row in expected]
    for phone in phones:
        assert ranking_rows(phone) == shown  # the same numbers, intervals and sentences everywhere
    assert phones[0].evaluate("() => document.documentElement.scrollWidth") <= 320
    assert not [e for e in errors if "Content Security Policy" in e], errors
