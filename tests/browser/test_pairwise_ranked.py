"""Four phones answer pairwise rounds; one phone builds a ranked ballot by keyboard only; after reveal the
projector and the phones show the ranking that app.ranking computes from what the phones did."""
from __future__ import annotations

from playwright.sync_api import expect

from app.ranking import score_pairwise, score_ranked
from tests.browser.conftest import join_phone, start_workshop
from tests.browser.test_dot_vote import add_paper_idea, go_to, ranking_rows

IDEAS = ["Drop-in hub at the library", "Text reminders before visits", "Peer mentors for new parents",
         "Evening opening hours"]
GROUPS = ["Parent or carer", "Parent or carer", "Front-line staff", "Front-line staff"]
ROUNDS = 4


def prepare(live_server, browser, email, method):
    laptop, page, code = start_workshop(live_server, browser, email, "family-support")
    go_to(page, "How might we make it better?")
    for title in IDEAS:
        add_paper_idea(page, title)
    go_to(page, "Which ideas matter most?")
    page.get_by_text("Change the voting method").click()
    page.get_by_label("Method").select_option(method)
    page.get_by_role("button", name="Save the voting settings").click()
    expect(page.get_by_text("Voting settings saved.")).to_be_visible()
    projector = laptop.new_page()
    projector.goto(page.url.replace("/run", "/projector"))
    return page, projector, code


def reveal(page):
    page.get_by_role("button", name="Lock answers").click()
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Reveal results").click()


def test_four_phones_answer_pairwise_rounds_and_all_screens_agree(live_server, browser):
    page, projector, code = prepare(live_server, browser, "pairs@example.org", "pairwise")
    phones = [join_phone(live_server, browser, code, group) for group in GROUPS]
    answers = []
    ids = {}
    for number, phone in enumerate(phones):
        expect(phone.locator("#pairwise-box")).to_contain_text("0 rounds done.", timeout=8000)
        for round_ in range(ROUNDS):
            buttons = phone.locator("#pairwise-box .pair-choice")
            pair = [buttons.nth(i).get_attribute("data-idea") for i in range(2)]
            titles = [buttons.nth(i).locator(".idea-title").inner_text() for i in range(2)]
            for idea_id, title in zip(pair, titles):
                ids[title] = idea_id
            # the earlier idea in IDEAS wins, except that the last phone can't decide on its first round
            if number == 3 and round_ == 0:
                phone.get_by_role("button", name="Can't decide").click()
                winner = None
            else:
                best = min(range(2), key=lambda i: IDEAS.index(titles[i]))
                buttons.nth(best).click()
                winner = pair[best]
            answers.append((number, winner, pair[0], pair[1]))
            expect(phone.locator("#pairwise-box .rounds")).to_contain_text(f"{round_ + 1} round", timeout=8000)
            assert set(pair) != set(phone.locator("#pairwise-box .pair-choice").evaluate_all(
                "els => els.map(e => e.dataset.idea)"))  # never the same pair twice in a row
    expect(projector.locator(".total-joined")).to_contain_text("4", timeout=8000)
    reveal(page)
    items = sorted(ids.values(), key=int)
    expected = score_pairwise(answers, dict(enumerate(GROUPS)), items)
    shown = ranking_rows(projector)
    assert [(item, int(rank), score) for item, rank, score, _text in shown] == [
        (row.item, row.rank, f"{row.score:.0f}") for row in expected]
    for phone in phones:
        assert ranking_rows(phone) == shown


def tab_to(phone, element_id, limit=80):
    """Press Tab until the element with this id has the focus (keyboard only), then Enter."""
    for _ in range(limit):
        if phone.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            phone.keyboard.press("Enter")
            return
        phone.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_ranked_ballot_submitted_by_keyboard_only(live_server, browser):
    page, projector, code = prepare(live_server, browser, "ranked@example.org", "ranked")
    phone = join_phone(live_server, browser, code, "Front-line staff")
    expect(phone.locator("#ranked-box")).to_contain_text("Your ballot is empty", timeout=8000)
    ids = {}
    for title in IDEAS:
        button = phone.get_by_role("button", name=f"Add to my ballot: {title}")
        ids[title] = button.get_attribute("id").removeprefix("add-")
    c, a, b = IDEAS[2], IDEAS[0], IDEAS[1]
    for step, title in enumerate([c, a, b], start=1):
        tab_to(phone, f"add-{ids[title]}")
        expect(phone.locator("#ranked-box [role=status]")).to_contain_text(f"{step} idea", timeout=8000)
    tab_to(phone, f"up-{ids[b]}")  # ballot c, a, b -> c, b, a
    expect(phone.locator(".ballot li").nth(1)).to_contain_text(b, timeout=8000)
    # focus stays on the moved idea's button, so a second Enter moves it again: c, b, a -> b, c, a
    expect(phone.locator(f"#up-{ids[b]}")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator(".ballot li").first).to_contain_text(b, timeout=8000)
    assert phone.locator(".ballot li .idea-title").all_inner_texts() == [b, c, a]
    assert phone.get_by_role("button", name=f"Add to my ballot: {IDEAS[3]}").is_disabled()  # top 3 is full
    expect(projector.locator(".total-joined")).to_contain_text("1", timeout=8000)
    reveal(page)
    expected = score_ranked([(0, [ids[b], ids[c], ids[a]])], {0: "Front-line staff"}, sorted(ids.values(), key=int))
    shown = ranking_rows(projector)
    assert [(item, int(rank)) for item, rank, _score, _text in shown] == [(row.item, row.rank) for row in expected]
    assert shown[0][0] == ids[b] and expected.extra["condorcet_winner"] == ids[b]
    expect(projector.locator(".condorcet")).to_contain_text(b)
    assert ranking_rows(phone) == shown
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 320
