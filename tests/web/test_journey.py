"""The journey map through the Flask test client: phones, projector, facilitator, integrity."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import moderation
from app.activities.journey import journey_map
from app.extensions import db
from app.models import Activity, JourneyCard, JourneyLane, JourneyPhase, ModerationAction, PhaseFeeling
from tests.conftest import create_facilitator, join_phone, login, make_workshop

HX = {"HX-Request": "true"}


@pytest.fixture
def room(app, client, facilitator, workshop):
    """The family-support workshop, live, on its journey activity."""
    activity_id = workshop.activity_ids[workshop.kinds.index("journey")]
    assert client.post(f"/f/workshops/{workshop.id}/goto/{activity_id}").status_code == 302
    with app.app_context():
        phases = [p.id for p in db.session.scalars(select(JourneyPhase).filter_by(activity_id=activity_id).order_by(JourneyPhase.position))]
        lanes = [lane.id for lane in db.session.scalars(select(JourneyLane).filter_by(activity_id=activity_id).order_by(JourneyLane.position))]
    workshop.journey = activity_id
    workshop.phases, workshop.lanes = phases, lanes
    workshop.p = f"/p/{workshop.id}/journey/{activity_id}"
    workshop.f = f"/f/workshops/{workshop.id}/journey/{activity_id}"
    return workshop


def _cards(app, **filters):
    with app.app_context():
        return list(db.session.scalars(select(JourneyCard).filter_by(**filters).order_by(JourneyCard.id)))


def _add(phone, room, text, phase=0, lane=0, headers=None):
    return phone.post(f"{room.p}/cards", data={"phase": room.phases[phase], "lane": room.lanes[lane], "text": text},
                      headers=headers or {})


def _set_state(client, room, state):
    assert client.post(f"/f/workshops/{room.id}/state", data={"state": state}).status_code == 302


# --- structure from the recipe -------------------------------------------------

def test_phases_and_lanes_come_from_the_recipe(app, room):
    with app.app_context():
        data = journey_map(db.session.get(Activity, room.journey))
    assert [p["name"] for p in data["phases"]][:2] == ["Noticing a worry", "Finding out where to go"]
    assert len(data["phases"]) == 6 and len(data["lanes"]) == 7
    assert data["lanes"][3]["name"] == "Pain points"
    assert data["private"] is False and data["card_count"] == 0


def test_private_comes_from_the_recipe(app, facilitator):
    workshop = make_workshop(app, facilitator, recipe="shared-lives-care")
    with app.app_context():
        activity = db.session.get(Activity, workshop.activity_ids[workshop.kinds.index("journey")])
        assert journey_map(activity)["private"] is True


# --- the phone ---------------------------------------------------------------------

def test_phone_shows_the_form_faces_and_limit(app, room):
    phone = join_phone(app, room)
    page = phone.get(f"/p/{room.id}").text
    assert "Add a card" in page and "Noticing a worry" in page and "Pain points" in page
    assert "Very bad" in page and page.count('class="face-icon"') == 5 * 6 and "Very good" in page
    assert 'maxlength="200"' in page and "Up to 200 characters." in page
    assert 'data-draft="journey-' in page


def test_phone_adds_a_card_without_javascript(app, room):
    phone = join_phone(app, room)
    response = _add(phone, room, "  Nobody told me where to go  ", phase=1, lane=3)
    assert response.status_code == 302 and "saved=card" in response.location
    [card] = _cards(app)
    assert (card.text, card.phase_id, card.lane_id) == ("Nobody told me where to go", room.phases[1], room.lanes[3])
    page = phone.get(response.location).text
    assert "Your card is on the map." in page and "Nobody told me where to go" in page
    assert "data-draft-clear" in page


def test_phone_adds_a_card_with_htmx_and_keeps_the_cell(app, room):
    phone = join_phone(app, room)
    response = _add(phone, room, "Long wait on the phone", phase=2, lane=1, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="journey-cards">')
    assert "Long wait on the phone" in response.text and "<html" not in response.text
    assert f'<option selected value="{room.phases[2]}">' in response.text
    assert "data-draft-clear" in response.text


@pytest.mark.parametrize("text, message", [
    ("", "Write something on the card first."),
    ("   \n  ", "Write something on the card first."),
    ("x" * 201, "At most 200 characters."),
])
@pytest.mark.parametrize("headers", [{}, HX])
def test_bad_cards_are_refused_beside_the_field(app, room, text, message, headers):
    phone = join_phone(app, room)
    response = _add(phone, room, text, headers=headers)
    assert response.status_code == 400
    assert f'<p class="error" id="text-error">{message}</p>' in response.text
    assert _cards(app) == []
    if not headers:
        assert "<html" in response.text and "How does each step feel?" in response.text


def test_card_for_a_phase_of_another_workshop_is_refused(app, room, facilitator):
    other = make_workshop(app, facilitator)
    with app.app_context():
        foreign = db.session.scalar(select(JourneyPhase.id).join(Activity).where(Activity.workshop_id == other.id))
    phone = join_phone(app, room)
    response = phone.post(f"{room.p}/cards", data={"phase": foreign, "lane": room.lanes[0], "text": "Hello"})
    assert response.status_code == 400 and "Choose a step of the journey." in response.text
    assert _cards(app) == []


def test_participant_edits_and_deletes_own_card(app, room):
    phone = join_phone(app, room)
    _add(phone, room, "Typo hrer")
    [card] = _cards(app)
    response = phone.post(f"{room.p}/cards/{card.id}", data={"text": "Typo here"})
    assert response.status_code == 302
    assert _cards(app)[0].text == "Typo here"
    response = phone.post(f"{room.p}/cards/{card.id}", data={"text": "Typo here!"}, headers=HX)
    assert response.status_code == 200 and "Your card is changed." in response.text
    response = phone.post(f"{room.p}/cards/{card.id}", data={"text": "  "}, headers=HX)
    assert response.status_code == 400 and "Write something on the card first." in response.text
    assert _cards(app)[0].text == "Typo here!"
    response = phone.post(f"{room.p}/cards/{card.id}/delete", headers=HX)
    assert response.status_code == 200 and "Your card is deleted." in response.text
    assert _cards(app) == []


def test_participant_deletes_without_javascript(app, room):
    phone = join_phone(app, room)
    _add(phone, room, "Gone soon")
    [card] = _cards(app)
    response = phone.post(f"{room.p}/cards/{card.id}/delete")
    assert response.status_code == 302 and "saved=deleted" in response.location
    assert _cards(app) == []


def test_participant_cannot_touch_someone_elses_card(app, room):
    author, other = join_phone(app, room), join_phone(app, room)
    _add(author, room, "Mine")
    [card] = _cards(app)
    assert other.post(f"{room.p}/cards/{card.id}", data={"text": "Yours now"}).status_code == 403
    assert other.post(f"{room.p}/cards/{card.id}/delete").status_code == 403
    assert _cards(app)[0].text == "Mine"


def test_strangers_cannot_write(app, room):
    stranger = app.test_client()
    assert _add(stranger, room, "Hello").status_code == 403
    assert _cards(app) == []


def test_locked_activity_refuses_cards_edits_and_ratings(app, client, room):
    phone = join_phone(app, room)
    _add(phone, room, "Before the lock")
    [card] = _cards(app)
    _set_state(client, room, "locked")
    response = _add(phone, room, "After the lock", headers=HX)
    assert response.status_code == 409 and "can no longer change" in response.text
    assert phone.post(f"{room.p}/cards/{card.id}", data={"text": "Changed"}).status_code == 409
    assert phone.post(f"{room.p}/cards/{card.id}/delete").status_code == 409
    assert phone.post(f"{room.p}/phases/{room.phases[0]}/feeling", data={"feeling": "1"}).status_code == 409
    assert [c.text for c in _cards(app)] == ["Before the lock"]
    page = phone.get(f"/p/{room.id}").text
    assert "Before the lock" in page and "Add a card" not in page


# --- ratings --------------------------------------------------------------------------

def test_rating_replaces_the_previous_one(app, room):
    phone = join_phone(app, room)
    url = f"{room.p}/phases/{room.phases[0]}/feeling"
    response = phone.post(url, data={"feeling": "-2"})
    assert response.status_code == 302 and "saved=feeling" in response.location
    response = phone.post(url, data={"feeling": "1"}, headers=HX)
    assert response.status_code == 200 and response.text.lstrip().startswith("<form id=\"phase-")
    assert "Saved" in response.text and 'value="1" checked' in response.text
    with app.app_context():
        assert [f.feeling for f in db.session.scalars(select(PhaseFeeling))] == [1]


@pytest.mark.parametrize("value", ["3", "-3", "", "bad", "1.5"])
def test_rating_outside_the_scale_is_refused(app, room, value):
    phone = join_phone(app, room)
    response = phone.post(f"{room.p}/phases/{room.phases[0]}/feeling", data={"feeling": value}, headers=HX)
    assert response.status_code == 400 and "Choose how this step feels" in response.text
    response = phone.post(f"{room.p}/phases/{room.phases[0]}/feeling", data={"feeling": value})
    assert response.status_code == 400 and "<html" in response.text
    assert f'id="phase-{room.phases[0]}-error" role="alert">Choose how this step feels' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PhaseFeeling)) == 0


def test_rating_a_phase_of_another_workshop_is_refused(app, room, facilitator):
    other = make_workshop(app, facilitator)
    with app.app_context():
        foreign = db.session.scalar(select(JourneyPhase.id).join(Activity).where(Activity.workshop_id == other.id))
    phone = join_phone(app, room)
    assert phone.post(f"{room.p}/phases/{foreign}/feeling", data={"feeling": "1"}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PhaseFeeling)) == 0


def test_the_database_allows_one_rating_per_participant_per_phase(app, room):
    from sqlalchemy.exc import IntegrityError

    phone = join_phone(app, room)
    phone.post(f"{room.p}/phases/{room.phases[0]}/feeling", data={"feeling": "1"})
    with app.app_context():
        existing = db.session.scalar(select(PhaseFeeling))
        db.session.add(PhaseFeeling(phase_id=existing.phase_id, participant_id=existing.participant_id, feeling=2))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(PhaseFeeling(phase_id=existing.phase_id, participant_id=existing.participant_id, feeling=5))
        with pytest.raises(IntegrityError):
            db.session.commit()


# --- projector ---------------------------------------------------------------------------

def test_projector_shows_cards_and_one_curve_per_group(app, client, room):
    parent = join_phone(app, room, group="parent")
    staff = join_phone(app, room, group="staff")
    _add(parent, room, "Scary letter", phase=0, lane=2)
    parent.post(f"{room.p}/phases/{room.phases[0]}/feeling", data={"feeling": "-2"})
    staff.post(f"{room.p}/phases/{room.phases[0]}/feeling", data={"feeling": "1"})
    page = client.get(f"/f/workshops/{room.id}/projector").text
    assert "Scary letter" in page and 'class="journey-map"' in page
    assert "sse:cards" in page
    assert page.count('class="curve-point"') == 2
    assert "Parent or carer (1)" in page and "Front-line staff (1)" in page
    assert 'stroke-dasharray="14 7"' in page  # the second group's line is dashed, not only coloured
    assert " style=" not in page
    # projector paginates by phase: 4 steps at a time, and the fragment alone for htmx
    fragment = client.get(f"/f/workshops/{room.id}/projector", headers={**HX, "HX-Target": "activity-live"}).text
    assert "<html" not in fragment and "Steps 1–4 of 6" in fragment
    assert '<th scope="col">Moving on</th>' not in fragment


def test_projector_page_moves_to_later_phases(app, client, room):
    response = client.post(f"{room.f}/projector-page", data={"page": "1"})
    assert response.status_code == 302
    page = client.get(f"/f/workshops/{room.id}/projector").text
    assert "Steps 5–6 of 6" in page and '<th scope="col">Moving on</th>' in page
    assert client.post(f"{room.f}/projector-page", data={"page": "x"}).status_code == 400


def test_private_cards_show_as_counts_until_revealed(app, client, facilitator):
    workshop = make_workshop(app, facilitator, recipe="shared-lives-care")
    activity_id = workshop.activity_ids[workshop.kinds.index("journey")]
    client.post(f"/f/workshops/{workshop.id}/goto/{activity_id}")
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        data = journey_map(activity)
    phone = join_phone(app, workshop)
    phone.post(f"/p/{workshop.id}/journey/{activity_id}/cards",
               data={"phase": data["phases"][0]["id"], "lane": data["lanes"][0]["id"], "text": "Secret thought"})
    other = join_phone(app, workshop)
    assert "Secret thought" in phone.get(f"/p/{workshop.id}").text
    assert "Secret thought" not in other.get(f"/p/{workshop.id}").text
    page = client.get(f"/f/workshops/{workshop.id}/projector").text
    assert "Secret thought" not in page and "1 card" in page
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "revealed"})
    page = client.get(f"/f/workshops/{workshop.id}/projector").text
    assert "Secret thought" in page


def test_revealed_projector_lists_gaps_and_lowest_phases(app, client, room):
    for group, feeling in (("parent", "-2"), ("parent", "-1"), ("staff", "2")):
        join_phone(app, room, group=group).post(f"{room.p}/phases/{room.phases[3]}/feeling", data={"feeling": feeling})
    page = client.get(f"/f/workshops/{room.id}/projector").text
    assert "Where groups see it differently" not in page
    _set_state(client, room, "revealed")
    page = client.get(f"/f/workshops/{room.id}/projector").text
    assert "Where it hurts most" in page and "Where groups see it differently" in page
    assert "gap 3.5" in page and "3 ratings" in page


def test_journey_map_data_for_the_outcome_pack(app, client, room):
    parent = join_phone(app, room, group="parent")
    _add(parent, room, "A", phase=1, lane=3)
    _add(parent, room, "B", phase=1, lane=3)
    a, b = _cards(app)
    client.post(f"{room.f}/cards/{b.id}/merge", data={"into": a.id})
    parent.post(f"{room.p}/phases/{room.phases[1]}/feeling", data={"feeling": "-1"})
    with app.app_context():
        data = journey_map(db.session.get(Activity, room.journey))
    cell = data["rows"][3]["cells"][1]
    assert [(c["text"], c["count"]) for c in cell] == [("A", 2)]
    assert data["curves"][1]["mean"] == -1 and data["curves"][1]["n"] == 1
    assert data["by_group"]["parent"][1]["mean"] == -1
    assert data["gaps"][1]["gap"] is None and data["gaps"][1]["n"] == 1
    assert data["chart"]["lines"][0]["points"][0]["mean"] == -1


# --- facilitator: structure --------------------------------------------------------------

def test_facilitator_adds_renames_reorders_and_removes_phases(app, client, room):
    assert "Steps of the journey" in client.get(f"{room.f}/structure").text
    assert client.post(f"{room.f}/phases", data={"name": "After care"}).status_code == 302
    first = room.phases[0]
    assert client.post(f"{room.f}/phases/{first}", data={"name": "Worrying"}).status_code == 302
    assert client.post(f"{room.f}/phases/{first}/move", data={"direction": "down"}).status_code == 302
    assert client.post(f"{room.f}/lanes/{room.lanes[-1]}/delete").status_code == 302
    with app.app_context():
        data = journey_map(db.session.get(Activity, room.journey))
        actions = [(m.target, m.action) for m in moderation.log(room.id)]
    names = [p["name"] for p in data["phases"]]
    assert names[:2] == ["Finding out where to go", "Worrying"] and names[-1] == "After care"
    assert len(data["lanes"]) == 6
    assert actions == [("phase", "add"), ("phase", "edit"), ("phase", "move"), ("lane", "delete")]


def test_bad_phase_names_are_refused_beside_the_field(app, client, room):
    response = client.post(f"{room.f}/phases", data={"name": "   "})
    assert response.status_code == 400 and 'id="phase-new-error">Give it a name.' in response.text
    response = client.post(f"{room.f}/phases/{room.phases[0]}", data={"name": "x" * 81})
    assert response.status_code == 400 and "At most 80 characters." in response.text
    with app.app_context():
        assert len(journey_map(db.session.get(Activity, room.journey))["phases"]) == 6


def test_removing_a_phase_with_cards_asks_where_they_go(app, client, room):
    phone = join_phone(app, room)
    _add(phone, room, "Keep me", phase=0)
    assert 'name="cards_to"' in client.get(f"{room.f}/structure").text
    response = client.post(f"{room.f}/phases/{room.phases[0]}/delete")
    assert response.status_code == 400 and "Choose where its cards go." in response.text
    response = client.post(f"{room.f}/phases/{room.phases[0]}/delete", data={"cards_to": room.phases[2]})
    assert response.status_code == 302
    [card] = _cards(app)
    assert card.phase_id == room.phases[2]
    response = client.post(f"{room.f}/phases/{room.phases[2]}/delete", data={"cards_to": "delete"})
    assert response.status_code == 302 and _cards(app) == []


# --- facilitator: moderation ------------------------------------------------------------

def test_facilitator_hides_edits_moves_and_merges(app, client, room):
    phones = [join_phone(app, room) for _ in range(3)]
    for phone, text in zip(phones, ("Long queue", "Long queues!", "my name is Ann Smith")):
        _add(phone, room, text, phase=3, lane=3)
    one, two, three = _cards(app)
    panel = client.get(f"/f/workshops/{room.id}/run").text
    assert "Long queue" in panel and "Edit, move or merge" in panel
    assert "Merge with a duplicate" in client.get(f"{room.f}/cards/{one.id}").text

    assert client.post(f"{room.f}/cards/{two.id}/merge", data={"into": one.id}).status_code == 302
    assert client.post(f"{room.f}/cards/{three.id}/text", data={"text": "my name is [removed]"}).status_code == 302
    assert client.post(f"{room.f}/cards/{three.id}/move", data={"phase": room.phases[4], "lane": room.lanes[2]}).status_code == 302
    assert client.post(f"{room.f}/cards/{one.id}/hide", data={"hidden": "1"}, headers=HX).status_code == 302
    projector = client.get(f"/f/workshops/{room.id}/projector").text
    assert "Long queue" not in projector
    client.post(f"{room.f}/cards/{one.id}/hide", data={"hidden": "0"})
    client.post(f"{room.f}/projector-page", data={"page": "1"})
    projector = client.get(f"/f/workshops/{room.id}/projector").text
    assert "my name is [removed]" in projector and "Ann Smith" not in projector
    client.post(f"{room.f}/projector-page", data={"page": "0"})
    projector = client.get(f"/f/workshops/{room.id}/projector").text
    assert "Long queue" in projector and "×2" in projector and "Long queues!" not in projector
    with app.app_context():
        actions = [(m.action, m.target) for m in db.session.scalars(select(ModerationAction).order_by(ModerationAction.id))]
    assert actions == [("merge", "card"), ("edit", "card"), ("move", "card"), ("hide", "card"), ("unhide", "card")]
    # the author of a merged card still sees it, marked as merged
    assert "merged with a similar card" in phones[1].get(f"/p/{room.id}").text


def test_bad_moderation_input_changes_nothing(app, client, room):
    phone = join_phone(app, room)
    _add(phone, room, "Original")
    [card] = _cards(app)
    response = client.post(f"{room.f}/cards/{card.id}/text", data={"text": " "})
    assert response.status_code == 400 and 'id="card-text-error">Write something on the card first.' in response.text
    response = client.post(f"{room.f}/cards/{card.id}/merge", data={"into": card.id})
    assert response.status_code == 400 and "Choose the card to merge it into." in response.text
    response = client.post(f"{room.f}/cards/{card.id}/move", data={"phase": "999999", "lane": room.lanes[0]})
    assert response.status_code == 400
    [after] = _cards(app)
    assert (after.text, after.count, after.merged_into_id, after.phase_id) == ("Original", 1, None, card.phase_id)
    with app.app_context():
        assert moderation.log(room.id) == []


def test_only_the_facilitator_moderates(app, client, room):
    phone = join_phone(app, room)
    _add(phone, room, "Mine")
    [card] = _cards(app)
    # a participant (not logged in) is sent to the login page
    assert phone.post(f"{room.f}/cards/{card.id}/hide", data={"hidden": "1"}).status_code == 302
    assert phone.post(f"{room.f}/phases", data={"name": "Sneaky"}).status_code == 302
    # another facilitator does not even learn that the workshop exists
    create_facilitator(app, email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    for url, data in ((f"{room.f}/cards/{card.id}/hide", {"hidden": "1"}),
                      (f"{room.f}/cards/{card.id}/text", {"text": "x"}),
                      (f"{room.f}/cards/{card.id}/move", {"phase": room.phases[1], "lane": room.lanes[1]}),
                      (f"{room.f}/phases", {"name": "Sneaky"}),
                      (f"{room.f}/phases/{room.phases[0]}/delete", {})):
        assert other.post(url, data=data).status_code == 404, url
    assert other.get(f"{room.f}/structure").status_code == 404
    assert other.get(f"{room.f}/cards/{card.id}").status_code == 404
    [after] = _cards(app)
    assert (after.text, after.hidden) == ("Mine", False)
    with app.app_context():
        assert len(journey_map(db.session.get(Activity, room.journey))["phases"]) == 6


def test_control_panel_fragment_refreshes_with_the_journey(app, client, room):
    phone = join_phone(app, room)
    _add(phone, room, "Fresh card")
    response = client.get(f"/f/workshops/{room.id}/run", headers={**HX, "HX-Target": "panel"})
    assert response.status_code == 200 and "<html" not in response.text
    assert "Fresh card" in response.text and "Edit steps and lanes" in response.text


def test_steps_and_lanes_can_be_edited_before_the_session(app, client, facilitator):
    workshop = make_workshop(app, facilitator, started=False)
    activity_id = workshop.activity_ids[workshop.kinds.index("journey")]
    edit = client.get(f"/f/workshops/{workshop.id}/edit").text
    assert f"/f/workshops/{workshop.id}/journey/{activity_id}/structure" in edit
    assert client.post(f"/f/workshops/{workshop.id}/journey/{activity_id}/lanes", data={"name": "Feelings"}).status_code == 302
    with app.app_context():
        assert journey_map(db.session.get(Activity, activity_id))["lanes"][-1]["name"] == "Feelings"


def test_a_journey_added_to_the_agenda_gets_the_recipe_structure(app, client, facilitator):
    workshop = make_workshop(app, facilitator, started=False)
    client.post(f"/f/workshops/{workshop.id}/activities", data={"kind": "journey", "title": "Second map"})
    with app.app_context():
        activity = db.session.scalar(select(Activity).filter_by(workshop_id=workshop.id, title="Second map"))
        data = journey_map(activity)
    assert len(data["phases"]) == 6 and len(data["lanes"]) == 7


def test_phone_stage_refresh_renders_the_journey_fragment(app, room):
    phone = join_phone(app, room)
    _add(phone, room, "Still here after a refresh")
    response = phone.get(f"/p/{room.id}", headers={**HX, "HX-Target": "stage"})
    assert response.status_code == 200 and "<html" not in response.text
    assert "Still here after a refresh" in response.text and 'data-draft="journey-' in response.text


def test_emotion_chart_breaks_lines_where_a_group_gave_no_rating():
    from app.activities.journey.chart import emotion_chart
    from app.ranking import feeling_curves

    phases = [{"id": 1, "name": "One"}, {"id": 2, "name": "Two"}, {"id": 3, "name": "Three"}]
    groups = [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}]
    feelings = feeling_curves([1, 2, 3], [(1, "a", -2), (3, "a", 2), (1, "b", 0), (2, "b", 1)], groups=["a", "b"])
    chart = emotion_chart(phases, groups, feelings)
    a, b = chart["lines"]
    assert a["segments"] == [] and len(a["points"]) == 2  # no line across the phase "a" did not rate
    assert len(b["segments"]) == 1 and len(b["points"]) == 2
    assert (a["dash"], a["marker"]) != (b["dash"], b["marker"]) and a["marker"] != b["marker"]
    assert a["points"][0]["y"] > a["points"][1]["y"]  # -2 is drawn below +2
    assert not chart["empty"] and len(chart["legend"]) == 2
