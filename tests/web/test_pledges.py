"""Pledges of people-power: save, change, withdraw; anonymous unless a nickname is shown; CSV for follow-up."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Idea, Pledge
from tests.conftest import join_phone
from tests.web.votes_helpers import vote_room

HX = {"HX-Request": "true"}


def pledge_room(app, client, facilitator, **settings):
    room = vote_room(app, facilitator, client, **settings)
    room.pledge_id = room.workshop.activity_ids[room.workshop.kinds.index("pledge")]
    room.pledge_url = f"/p/{room.workshop.id}/pledge/{room.pledge_id}"
    assert client.post(f"/f/workshops/{room.workshop.id}/goto/{room.pledge_id}").status_code == 302
    return room


def pledges(app):
    with app.app_context():
        return sorted(db.session.execute(select(Pledge.participant_id, Pledge.idea_id, Pledge.hours, Pledge.skills,
                                                Pledge.show_name)).all())


def test_pledge_by_htmx_change_and_withdraw(app, client, facilitator):
    room = pledge_room(app, client, facilitator)
    a, b, _c = room.idea_ids
    phone = join_phone(app, room.workshop, nickname="Sam")
    page = phone.get(f"/p/{room.workshop.id}").text
    assert f'id="pledge-idea-{a}"' in page and f'for="p{a}-hours"' in page
    response = phone.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "4", f"p{a}-skills": "Driving"},
                          headers=HX)
    assert response.status_code == 200 and "You pledged 4 hours a month." in response.text
    assert f'id="pledge-idea-{a}"' in response.text and 'id="pledge-box"' not in response.text
    phone.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "6", f"p{a}-skills": "Driving, cooking",
                                      f"p{a}-show_name": "y"}, headers=HX)
    phone.post(room.pledge_url, data={"idea": b, f"p{b}-hours": "1"}, headers=HX)
    assert pledges(app) == [(1, a, 6, "Driving, cooking", True), (1, b, 1, "", False)]
    response = phone.post(room.pledge_url, data={"idea": b, "withdraw": "1"}, headers=HX)
    assert response.status_code == 200 and "withdrawn" in response.text
    assert [row[1] for row in pledges(app)] == [a]


def test_pledge_without_javascript_and_bad_input_shown_beside_the_field(app, client, facilitator):
    room = pledge_room(app, client, facilitator)
    a = room.idea_ids[0]
    phone = join_phone(app, room.workshop)
    response = phone.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "3"})
    assert response.status_code == 302 and "Thank you: your pledge is saved." in phone.get(response.headers["Location"]).text
    for hours in ("-1", "201", "lots", ""):
        response = phone.post(room.pledge_url, data={"idea": a, f"p{a}-hours": hours}, headers=HX)
        assert response.status_code == 400 and f'id="p{a}-hours-error"' in response.text
    response = phone.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "2", f"p{a}-skills": "x" * 501})
    assert response.status_code == 400 and "<html" in response.text and "At most 500 characters." in response.text
    response = phone.post(room.pledge_url, data={"idea": 99999, "p99999-hours": "2"}, headers=HX)
    assert response.status_code == 400 and "not part of this workshop" in response.text
    with app.app_context():
        hidden = Idea(workshop_id=room.workshop.id, activity_id=room.ideas_id, title="Hidden", hidden=True)
        db.session.add(hidden)
        db.session.commit()
        hidden_id = hidden.id
    assert phone.post(room.pledge_url, data={"idea": hidden_id, f"p{hidden_id}-hours": "2"}).status_code == 400
    assert pledges(app) == [(1, a, 3, "", False)]
    client.post(f"/f/workshops/{room.workshop.id}/state", data={"state": "locked"})
    response = phone.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "9"}, headers=HX)
    assert response.status_code == 409 and "closed" in response.text
    assert pledges(app) == [(1, a, 3, "", False)]


def test_projector_shows_people_power_anonymous_unless_a_nickname_is_shown(app, client, facilitator):
    room = pledge_room(app, client, facilitator)
    a, b, _c = room.idea_ids
    sam = join_phone(app, room.workshop, group="parent", nickname="Sam")
    kim = join_phone(app, room.workshop, group="staff", nickname="Kim")
    sam.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "4", f"p{a}-show_name": "y", f"p{a}-skills": "Vans"})
    kim.post(room.pledge_url, data={"idea": a, f"p{a}-hours": "2", f"p{a}-skills": "Spanish"})
    kim.post(room.pledge_url, data={"idea": b, f"p{b}-hours": "1"})
    projector = client.get(f"/f/workshops/{room.workshop.id}/projector").text
    assert "<span class=\"count\">2</span> people have pledged help" in projector and "7 hours a month" in projector
    assert "Sam" in projector and "Kim" not in projector and "Spanish" not in projector
    assert "Parent or carer: 1 · 4 h" in projector and "Front-line staff: 1 · 2 h" in projector
    panel = client.get(f"/f/workshops/{room.workshop.id}/run").text
    assert "Spanish" in panel and "Kim" not in panel
    csv_link = f"/f/workshops/{room.workshop.id}/csv/"
    name = panel.split(csv_link, 1)[1].split('"', 1)[0]
    csv = client.get(csv_link + name).text
    assert "hours_a_month" in csv and "Sam" in csv and "Spanish" in csv and "Kim" not in csv


def test_pledge_ideas_follow_the_vote_ranking(app, client, facilitator):
    room = vote_room(app, facilitator, client)
    voter = join_phone(app, room.workshop)
    voter.post(room.url, data={"idea": room.idea_ids[2], "change": 3, "key": "k" * 12})
    room.pledge_id = room.workshop.activity_ids[room.workshop.kinds.index("pledge")]
    client.post(f"/f/workshops/{room.workshop.id}/goto/{room.pledge_id}")
    page = voter.get(f"/p/{room.workshop.id}").text
    positions = [page.index(f'id="pledge-idea-{idea}"') for idea in room.idea_ids]
    assert positions[2] < positions[0] < positions[1]
    with app.app_context():
        assert db.session.get(Activity, room.pledge_id).kind == "pledge"
