"""Every screen passes axe-core's WCAG 2.1 A/AA rules, and phone controls are big enough to tap.

axe-core ships inside the axe-playwright-python package (no download at test
time). Each screen is checked as a real user reaches it: the facilitator's
pages at laptop size, the projector at 1920x1080, the phone's at 320 px.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import join_phone, start_workshop

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
# Controls a thumb must hit: WCAG 2.5.5 (AAA) asks 44x44 CSS px; we hold the phone to it.
TAP_TARGETS = """() => [...document.querySelectorAll(
    'button, input:not([type=hidden]), select, textarea, a[href]:not(.skip-link)')]
  .filter(el => el.offsetParent !== null)
  .map(el => {
    const box = el.getBoundingClientRect();
    // a radio or checkbox counts with its label, which is what the thumb hits
    const label = el.labels && el.labels[0] ? el.labels[0].getBoundingClientRect() : null;
    const height = Math.max(box.height, label ? label.height : 0);
    const width = Math.max(box.width, label ? label.width : 0);
    return {what: el.outerHTML.slice(0, 90), width, height};
  })
  .filter(t => t.height < 44 || t.width < 44)"""


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def check(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    assert not violations, f"{where}: " + "\n".join(violations)


@pytest.fixture
def running_workshop(live_server, browser, request):
    email = f"a11y-{request.node.name.replace('_', '-')}@example.org"
    laptop, page, code = start_workshop(live_server, browser, email, "library-future")
    yield {"base": live_server["url"], "laptop": laptop, "page": page, "run_url": page.url, "code": code}
    laptop.close()


def test_facilitator_screens(running_workshop):
    page = running_workshop["page"]
    check(page, "control panel")
    run_url = running_workshop["run_url"]
    page.goto(run_url.replace("/run", "/edit"))
    check(page, "agenda editor")
    page.goto(running_workshop["base"] + "/f/")
    check(page, "dashboard")


def test_projector_screen(running_workshop):
    projector = running_workshop["laptop"].new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(running_workshop["run_url"].replace("/run", "/projector"))
    check(projector, "projector")
    projector.close()


def test_phone_screens(running_workshop, browser):
    base = running_workshop["base"]
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(base + "/")
    check(phone, "phone: code")
    assert not phone.evaluate(TAP_TARGETS), phone.evaluate(TAP_TARGETS)
    phone.get_by_label("Workshop code").fill(running_workshop["code"])
    phone.get_by_role("button", name="Join").click()
    check(phone, "phone: join form")
    assert not phone.evaluate(TAP_TARGETS), phone.evaluate(TAP_TARGETS)
    phone.get_by_role("radio").first.check()
    phone.get_by_role("button", name="Take part").click()
    phone.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")
    check(phone, "phone: activity")
    assert not phone.evaluate(TAP_TARGETS), phone.evaluate(TAP_TARGETS)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 320
    context.close()


def test_every_activity_open_and_revealed(running_workshop, browser):
    """Walk the whole agenda: each activity on phone, projector and control panel, open then revealed."""
    from app.recipes import load_recipe

    titles = [item["title"] for item in load_recipe("workshops/library-future.toml").agenda]
    base, page = running_workshop["base"], running_workshop["page"]
    phone = join_phone({"url": base}, browser, running_workshop["code"])
    projector = running_workshop["laptop"].new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(running_workshop["run_url"].replace("/run", "/projector"))
    page.goto(running_workshop["run_url"])
    for number, title in enumerate(titles):
        if number:
            page.get_by_role("button", name="Next").click()
        for screen in (phone, projector, page):
            expect(screen.get_by_role("heading", name=title).first).to_be_visible(timeout=5000)
        for state in ("open", "revealed"):
            if state == "revealed":

                page.get_by_role("button", name="Reveal results").click()
                expect(page.get_by_role("button", name="Reveal results")).to_have_count(0)
                projector.wait_for_timeout(600)  # the live refresh lands
            where = f"{title} ({state})"
            check(phone, f"phone: {where}")
            check(projector, f"projector: {where}")
            check(page, f"control panel: {where}")
            assert not phone.evaluate(TAP_TARGETS), (where, phone.evaluate(TAP_TARGETS))
            assert phone.evaluate("() => document.documentElement.scrollWidth") <= 320, where
    phone.context.close()
