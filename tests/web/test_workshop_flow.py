"""A live workshop end to end through the Flask test client."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Participant, ReflectResponse, Workshop
from tests.conftest import create_facilitator, join_phone, login, make_workshop


def _workshop(app, workshop_id) -> Workshop:
    return db.session.get(Workshop, workshop_id)


def test_facilitator_creates_a_workshop_from_a_recipe(app, client, facilitator):
    response = client.post("/f/workshops", data={"recipe": "library-future", "title": "Our library in 2030"})
    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert workshop.title == "Our library in 2030"
        assert workshop.status == "draft"
        assert [a.kind for a in workshop.activities] == ["welcome", "journey", "ideas", "vote", "results", "reflect"]
        assert workshop.activities[3].config["method"] == "rating"
        assert re.fullmatch(r"\d{8}", workshop.join_code)
        assert [g["key"] for g in workshop.groups] == ["resident", "librarian", "partner"]


def test_facilitator_edits_title_challenge_and_agenda(app, client, facilitator):
    workshop = make_workshop(app, facilitator, started=False)
    response = client.post(
        f"/f/workshops/{workshop.id}/edit",
        data={"title": "Early help", "challenge": "How might we help sooner?", "organisation": "Council",
              "place": "Town hall", "language": "hu"},
    )
    assert response.status_code == 302
    first = workshop.activity_ids[0]
    client.post(f"/f/workshops/{workshop.id}/activities/{first}",
                data={f"a{first}-title": "Hello everyone", f"a{first}-instructions": "Read this", f"a{first}-minutes": "7"})
    client.post(f"/f/workshops/{workshop.id}/activities", data={"kind": "reflect", "title": "One more thought"})
    client.post(f"/f/workshops/{workshop.id}/activities/{first}/move", data={"direction": "down"})
    with app.app_context():
        w = _workshop(app, workshop.id)
        assert (w.title, w.challenge, w.language) == ("Early help", "How might we help sooner?", "hu")
        titles = [a.title for a in w.activities]
        assert titles[1] == "Hello everyone" and titles[-1] == "One more thought"
        assert w.activities[1].minutes == 7


def test_bad_activity_edit_changes_nothing(app, client, facilitator):
    workshop = make_workshop(app, facilitator, started=False)
    first = workshop.activity_ids[0]
    client.post(f"/f/workshops/{workshop.id}/activities/{first}",
                data={f"a{first}-title": "", f"a{first}-minutes": "9999"})
    with app.app_context():
        activity = db.session.get(Activity, first)
        assert activity.title == "Welcome and join in" and activity.minutes == 10


def test_starting_opens_the_first_activity(app, client, facilitator):
    workshop = make_workshop(app, facilitator, started=False)
    assert client.post(f"/f/workshops/{workshop.id}/start").status_code == 302
    with app.app_context():
        w = _workshop(app, workshop.id)
        assert w.status == "live"
        assert w.current_activity.kind == "welcome" and w.current_activity.state == "open"


def test_participant_joins_with_code_and_lands_on_current_activity(app, workshop):
    phone = app.test_client()
    spaced = f"{workshop.join_code[:4]} {workshop.join_code[4:]}"
    response = phone.post("/join", data={"code": spaced})
    assert response.status_code == 302 and response.location.endswith(f"/join/{workshop.join_code}")
    page = phone.get(response.location)
    assert "Parent or carer" in page.text and "Front-line staff" in page.text
    joined = phone.post(f"/join/{workshop.join_code}", data={"group": "staff", "nickname": "  Sam  ", "language": "en"})
    assert joined.status_code == 302
    landing = phone.get(joined.location)
    assert landing.status_code == 200
    assert "Welcome and join in" in landing.text
    assert "You are in as Front-line staff" in landing.text
    with app.app_context():
        person = db.session.scalar(select(Participant))
        assert (person.group_key, person.nickname) == ("staff", "Sam")


def test_coming_back_on_the_same_phone_resumes_as_the_same_participant(app, workshop):
    phone = join_phone(app, workshop)
    again = phone.get(f"/join/{workshop.join_code}")
    assert again.status_code == 302 and again.location.endswith(f"/p/{workshop.id}")
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Participant.id))) == 1


def test_wrong_code_gets_a_clear_message(app, workshop):
    phone = app.test_client()
    response = phone.post("/join", data={"code": "0000 0000" if workshop.join_code != "00000000" else "1111 1111"})
    assert response.status_code == 404
    assert "We could not find a workshop with that code" in response.text
    assert phone.post("/join", data={"code": "12ab"}).status_code == 404


def test_join_refuses_unknown_group_and_long_nickname(app, workshop):
    phone = app.test_client()
    response = phone.post(f"/join/{workshop.join_code}", data={"group": "mayor", "nickname": "", "language": "en"})
    assert response.status_code == 400
    response = phone.post(f"/join/{workshop.join_code}", data={"group": "staff", "nickname": "x" * 41, "language": "en"})
    assert response.status_code == 400 and "At most 40 characters" in response.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Participant.id))) == 0


def test_draft_workshop_cannot_be_joined_yet(app, client, facilitator):
    workshop = make_workshop(app, facilitator, started=False)
    response = app.test_client().post(f"/join/{workshop.join_code}", data={"group": "staff", "language": "en"})
    assert response.status_code == 409
    assert "has not started yet" in response.text


def test_locked_room_refuses_new_people_but_keeps_those_inside(app, client, workshop):
    phone = join_phone(app, workshop)
    client.post(f"/f/workshops/{workshop.id}/room", data={"locked": "1"})
    late = app.test_client().post(f"/join/{workshop.join_code}", data={"group": "staff", "language": "en"})
    assert late.status_code == 409 and "closed to new people" in late.text
    assert phone.get(f"/p/{workshop.id}").status_code == 200


def test_next_back_and_jump_move_the_room(app, client, workshop):
    phone = join_phone(app, workshop)
    client.post(f"/f/workshops/{workshop.id}/step", data={"direction": "next"})
    assert "How does getting help feel today?" in phone.get(f"/p/{workshop.id}").text
    client.post(f"/f/workshops/{workshop.id}/step", data={"direction": "back"})
    assert "Welcome and join in" in phone.get(f"/p/{workshop.id}").text
    reflect_id = workshop.activity_ids[-1]
    client.post(f"/f/workshops/{workshop.id}/goto/{reflect_id}")
    assert "How was today?" in phone.get(f"/p/{workshop.id}").text


def test_phone_stage_fragment_for_htmx(app, workshop, phone):
    response = phone.get(f"/p/{workshop.id}", headers={"HX-Request": "true", "HX-Target": "stage"})
    assert response.status_code == 200
    assert "<html" not in response.text and "Welcome and join in" in response.text


def test_timer_start_pause_reset(app, client, workshop):
    client.post(f"/f/workshops/{workshop.id}/timer", data={"action": "start"})
    with app.app_context():
        activity = _workshop(app, workshop.id).current_activity
        assert activity.timer_ends_at is not None
    client.post(f"/f/workshops/{workshop.id}/timer", data={"action": "pause"})
    with app.app_context():
        activity = _workshop(app, workshop.id).current_activity
        assert activity.timer_ends_at is None and 0 < activity.timer_remaining <= 600
    client.post(f"/f/workshops/{workshop.id}/timer", data={"action": "reset"})
    with app.app_context():
        assert _workshop(app, workshop.id).current_activity.timer_remaining == 600
    phone = join_phone(app, workshop)
    assert 'role="timer"' in phone.get(f"/p/{workshop.id}").text


def test_closing_kills_the_code(app, client, workshop):
    phone = join_phone(app, workshop)
    client.post(f"/f/workshops/{workshop.id}/close")
    late = app.test_client().get(f"/join/{workshop.join_code}")
    assert late.status_code == 404
    assert "This workshop has ended" in phone.get(f"/p/{workshop.id}").text
    with app.app_context():
        assert _workshop(app, workshop.id).join_code is None


def test_projector_shows_code_qr_and_people_per_group(app, client, workshop):
    join_phone(app, workshop, group="parent")
    join_phone(app, workshop, group="parent")
    join_phone(app, workshop, group="volunteer")
    page = client.get(f"/f/workshops/{workshop.id}/projector")
    assert page.status_code == 200
    assert f"{workshop.join_code[:4]} {workshop.join_code[4:]}" in page.text
    assert "<svg" in page.text and 'aria-label="QR code"' in page.text
    people = client.get(f"/f/workshops/{workshop.id}/projector", headers={"HX-Request": "true", "HX-Target": "people"})
    assert "<html" not in people.text
    assert re.search(r'<span class="count">2</span> Parent or carer', people.text)
    assert re.search(r'<span class="count">1</span> Volunteer or partner', people.text)


def test_projector_follows_the_workshop_language(app, client, facilitator):
    workshop = make_workshop(app, facilitator)
    client.post(f"/f/workshops/{workshop.id}/edit",
                data={"title": "Műhely", "challenge": "", "organisation": "", "place": "", "language": "hu"})
    page = client.get(f"/f/workshops/{workshop.id}/projector")
    assert 'lang="hu"' in page.text and "Csatlakozz a telefonodon" in page.text


def test_reflect_answer_saved_changed_and_revealed(app, client, workshop):
    phone = join_phone(app, workshop)
    reflect_id = workshop.activity_ids[-1]
    client.post(f"/f/workshops/{workshop.id}/goto/{reflect_id}")
    no_js = phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "4", "comment": "Good biscuits"})
    assert no_js.status_code == 302
    htmx = phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "5", "comment": "Great"},
                      headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "your answer is saved" in htmx.text and "<html" not in htmx.text
    with app.app_context():
        answers = db.session.scalars(select(ReflectResponse)).all()
        assert [(a.rating, a.comment) for a in answers] == [(5, "Great")]
    hidden = client.get(f"/f/workshops/{workshop.id}/projector")
    assert "Great" not in hidden.text
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "revealed"})
    shown = client.get(f"/f/workshops/{workshop.id}/projector")
    assert "5.0" in shown.text and "Great" in shown.text
    assert "5.0" in phone.get(f"/p/{workshop.id}").text


def test_reflect_refuses_bad_ratings_and_locked_activity(app, client, workshop):
    phone = join_phone(app, workshop)
    reflect_id = workshop.activity_ids[-1]
    client.post(f"/f/workshops/{workshop.id}/goto/{reflect_id}")
    for bad in ("0", "6", "", "three"):
        response = phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": bad})
        assert response.status_code == 400
    assert phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "3", "comment": "x" * 1001}).status_code == 400
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "locked"})
    locked = phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "3"})
    assert locked.status_code == 409 and "closed" in locked.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ReflectResponse.id))) == 0


def test_deleting_a_workshop_deletes_its_people(app, client, workshop):
    phone = join_phone(app, workshop)
    reflect_id = workshop.activity_ids[-1]
    client.post(f"/f/workshops/{workshop.id}/goto/{reflect_id}")
    phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "4"})
    with app.app_context():
        title = _workshop(app, workshop.id).title
    assert client.post(f"/f/workshops/{workshop.id}/delete", data={"confirm": "wrong"}).status_code == 302
    with app.app_context():
        assert _workshop(app, workshop.id) is not None
    client.post(f"/f/workshops/{workshop.id}/delete", data={"confirm": title})
    with app.app_context():
        for model in (Workshop, Activity, Participant, ReflectResponse):
            assert db.session.scalar(select(db.func.count()).select_from(model)) == 0


def test_control_panel_fragment_renders_alone_for_htmx(app, client):
    """The panel refreshes itself (htmx, HX-Target: panel) after every action and live event."""
    from tests.conftest import create_facilitator, join_phone, login, make_workshop

    user = create_facilitator(app, email="panel@example.org")
    login(client, "panel@example.org")
    workshop = make_workshop(app, user, "library-future", started=True)
    join_phone(app, workshop)
    client.post(f"/f/workshops/{workshop.id}/goto/{workshop.activity_ids[-1]}")  # reflect: its own facilitator view
    for state in ("open", "locked", "revealed"):
        client.post(f"/f/workshops/{workshop.id}/state", data={"state": state})
        response = client.get(f"/f/workshops/{workshop.id}/run", headers={"HX-Request": "true", "HX-Target": "panel"})
        assert response.status_code == 200
        assert 'id="panel"' in response.text and "<html" not in response.text
        assert "Next" in response.text
