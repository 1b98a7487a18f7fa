"""An idea can say which step of the journey, or which pain point, it answers; the wall groups by step."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Idea, JourneyCard, JourneyLane, JourneyPhase
from tests.conftest import create_facilitator, join_phone, make_workshop
from tests.web.test_ideas import go_to, ideas_of


def journey_parts(app, workshop):
    """The workshop's phases and its pain-point lane, by name."""
    journey_id = workshop.activity_ids[workshop.kinds.index("journey")]
    with app.app_context():
        phases = {p.name: p.id for p in db.session.scalars(select(JourneyPhase).filter_by(activity_id=journey_id))}
        lanes = {lane.name: lane.id for lane in db.session.scalars(select(JourneyLane).filter_by(activity_id=journey_id))}
    return journey_id, phases, lanes


def test_phone_links_an_idea_to_a_step_and_the_wall_groups_by_step(app, client, facilitator):
    workshop = make_workshop(app, facilitator, "library-future")  # ideas are public in this recipe
    _journey, phases, _lanes = journey_parts(app, workshop)
    ideas = go_to(client, workshop, "ideas")
    phone = join_phone(app, workshop)
    form = phone.get(f"/p/{workshop.id}").text
    assert "Which step of the journey is it about?" in form and "Getting there" in form
    step = phases["Getting there"]
    assert phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Bus stop signs", "link": f"phase-{step}"}
                      ).status_code == 302
    assert phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Late opening"}).status_code == 302
    linked, unlinked = ideas_of(app, workshop.id)
    assert (linked.phase_id, linked.card_id, unlinked.phase_id) == (step, None, None)
    wall = client.get(f"/f/workshops/{workshop.id}/projector").text
    assert wall.index("Getting there") < wall.index("Bus stop signs") < wall.index("Not linked to a step") \
        < wall.index("Late opening")
    assert "About: Getting there" in phone.get(f"/p/{workshop.id}").text


def test_an_idea_can_answer_a_pain_point_card(app, client, facilitator):
    workshop = make_workshop(app, facilitator, "library-future")
    journey, phases, lanes = journey_parts(app, workshop)
    go_to(client, workshop, "journey")
    phone = join_phone(app, workshop)
    step = phases["Finding what I need"]
    phone.post(f"/p/{workshop.id}/journey/{journey}/cards",
               data={"phase": step, "lane": lanes["Pain points"], "text": "Shelves are confusing"})
    with app.app_context():
        card = db.session.scalars(select(JourneyCard).filter_by(activity_id=journey)).one()
    ideas = go_to(client, workshop, "ideas")
    assert "Pain point: Shelves are confusing" in phone.get(f"/p/{workshop.id}").text
    phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Colour-coded shelves", "link": f"card-{card.id}"})
    [idea] = ideas_of(app, workshop.id)
    assert (idea.phase_id, idea.card_id) == (step, card.id)


def test_a_link_to_another_workshop_or_nonsense_is_refused_and_changes_nothing(app, client, facilitator):
    workshop = make_workshop(app, facilitator, "library-future")
    other = make_workshop(app, facilitator, "library-future")
    _journey, other_phases, _lanes = journey_parts(app, other)
    ideas = go_to(client, workshop, "ideas")
    phone = join_phone(app, workshop)
    for link in (f"phase-{next(iter(other_phases.values()))}", "phase-999999", "card-abc", "elsewhere"):
        response = phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Sneaky", "link": link},
                              headers={"HX-Request": "true"})
        assert response.status_code == 400, link
        assert "Choose a step of the journey from the list." in response.text
    assert ideas_of(app, workshop.id) == []


def test_without_a_journey_the_phone_shows_no_link_field(app, client, facilitator):
    workshop = make_workshop(app, facilitator, "library-future")
    index = workshop.kinds.index("journey")
    with app.app_context():
        db.session.delete(db.session.get(Activity, workshop.activity_ids[index]))
        db.session.commit()
    del workshop.kinds[index], workshop.activity_ids[index]
    ideas = go_to(client, workshop, "ideas")
    phone = join_phone(app, workshop)
    assert "Which step of the journey" not in phone.get(f"/p/{workshop.id}").text
    assert phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Plain idea"}).status_code == 302
