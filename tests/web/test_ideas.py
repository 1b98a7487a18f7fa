"""Ideas: phones submit and edit their own, the wall follows privacy, the facilitator moderates."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Idea, ModerationAction
from tests.conftest import create_facilitator, join_phone, login, make_workshop


def go_to(client, workshop, kind):
    activity_id = workshop.activity_ids[workshop.kinds.index(kind)]
    assert client.post(f"/f/workshops/{workshop.id}/goto/{activity_id}").status_code == 302
    return activity_id


def ideas_of(app, workshop_id):
    with app.app_context():
        return db.session.scalars(select(Idea).filter_by(workshop_id=workshop_id).order_by(Idea.id)).all()


def test_phone_adds_an_idea_without_javascript(app, client, workshop, facilitator):
    ideas = go_to(client, workshop, "ideas")
    phone = join_phone(app, workshop)
    response = phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Drop-in hub at the library",
                                                                    "description": "Saturdays"})
    assert response.status_code == 302
    page = phone.get(response.headers["Location"]).text
    assert "Drop-in hub at the library" in page
    [idea] = ideas_of(app, workshop.id)
    assert (idea.title, idea.description, idea.source) == ("Drop-in hub at the library", "Saturdays", "phone")


def test_htmx_submit_returns_the_box_and_empty_title_is_refused(app, client, workshop, facilitator):
    ideas = go_to(client, workshop, "ideas")
    phone = join_phone(app, workshop)
    response = phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "  "}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Write your idea first." in response.text
    assert ideas_of(app, workshop.id) == []
    response = phone.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Text reminders"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="ideas-box"' in response.text and "Text reminders" in response.text


def test_private_ideas_stay_private_until_revealed(app, client, workshop, facilitator):
    ideas = go_to(client, workshop, "ideas")  # family-support: [ideas] private = true
    alice, bob = join_phone(app, workshop), join_phone(app, workshop)
    alice.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Alice's secret idea"})
    assert "Alice&#39;s secret idea" not in bob.get(f"/p/{workshop.id}").text
    projector = client.get(f"/f/workshops/{workshop.id}/projector").text
    assert "secret idea" not in projector and "private until" in projector
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "revealed"})
    assert "Alice&#39;s secret idea" in bob.get(f"/p/{workshop.id}").text
    assert "Alice&#39;s secret idea" in client.get(f"/f/workshops/{workshop.id}/projector").text


def test_own_idea_editable_until_locked_and_never_someone_elses(app, client, workshop, facilitator):
    ideas = go_to(client, workshop, "ideas")
    alice, bob = join_phone(app, workshop), join_phone(app, workshop)
    alice.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "First draft"})
    [idea] = ideas_of(app, workshop.id)
    edit = f"/p/{workshop.id}/ideas/{ideas}/{idea.id}"
    assert bob.post(edit, data={f"idea{idea.id}-title": "Hijacked"}).status_code == 403
    assert alice.post(edit, data={f"idea{idea.id}-title": "Better draft"}).status_code == 302
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "locked"})
    response = alice.post(edit, data={f"idea{idea.id}-title": "Too late"})
    assert response.status_code == 409 and "locked" in response.text
    assert alice.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "New"}).status_code == 409
    assert [i.title for i in ideas_of(app, workshop.id)] == ["Better draft"]


def test_facilitator_hides_edits_adds_from_paper_and_merges(app, client, workshop, facilitator):
    ideas = go_to(client, workshop, "ideas")
    alice, bob = join_phone(app, workshop), join_phone(app, workshop, group="staff")
    alice.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Evening opening"})
    bob.post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Open in the evening", "description": "After work"})
    client.post(f"/f/workshops/{workshop.id}/ideas/{ideas}/paper", data={"paper-title": "Sticky note idea"})
    first, second, paper = ideas_of(app, workshop.id)
    assert paper.source == "paper" and paper.participant_id is None
    assert client.post(f"/f/workshops/{workshop.id}/ideas/{paper.id}/edit",
                       data={"title": "Sticky-note idea", "description": ""}).status_code == 302
    client.post(f"/f/workshops/{workshop.id}/ideas/{paper.id}/hide", data={"hidden": "1"})
    client.post(f"/f/workshops/{workshop.id}/ideas/{second.id}/merge", data={"into": first.id})
    panel = client.get(f"/f/workshops/{workshop.id}/run").text
    assert "Sticky-note idea" in panel
    from app.activities.ideas import authors, workshop_ideas
    with app.app_context():
        assert [i.title for i in workshop_ideas(workshop.id)] == ["Evening opening"]
        kept = db.session.get(Idea, first.id)
        assert authors(kept) == {first.participant_id, second.participant_id}
        assert "After work" in kept.description
        actions = [(m.action, m.target) for m in db.session.scalars(select(ModerationAction))]
        assert actions == [("add", "idea"), ("edit", "idea"), ("hide", "idea"), ("merge", "idea")]


def test_facilitator_of_another_workshop_cannot_moderate(app, client, workshop, facilitator):
    ideas = go_to(client, workshop, "ideas")
    join_phone(app, workshop).post(f"/p/{workshop.id}/ideas/{ideas}", data={"title": "Mine"})
    [idea] = ideas_of(app, workshop.id)
    create_facilitator(app, email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    assert other.post(f"/f/workshops/{workshop.id}/ideas/{idea.id}/hide").status_code == 404
    assert not ideas_of(app, workshop.id)[0].hidden
