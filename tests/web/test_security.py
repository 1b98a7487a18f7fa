"""Who may do what, CSRF, headers, and rate limits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Participant, ReflectResponse, Workshop
from tests.conftest import create_facilitator, join_phone, login, make_app, make_workshop


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.text and " style=" not in response.text
    assert '"allowEval": false' in response.text


def test_session_cookie_flags(app, workshop):
    phone = app.test_client()
    response = phone.post(f"/join/{workshop.join_code}", data={"group": "staff", "language": "en"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "path",
    ["/f/", "/f/workshops/1/edit", "/f/workshops/1/run", "/f/workshops/1/projector", "/auth/invites"],
)
def test_facilitator_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.location


def test_facilitator_cannot_see_or_control_anothers_workshop(app, client, facilitator):
    other = create_facilitator(app, email="other@example.org")
    theirs = make_workshop(app, other)
    for path in ("edit", "run", "projector"):
        assert client.get(f"/f/workshops/{theirs.id}/{path}").status_code == 404
    for path, data in (("step", {"direction": "next"}), ("close", {}), ("room", {"locked": "1"}), ("timer", {"action": "start"})):
        assert client.post(f"/f/workshops/{theirs.id}/{path}", data=data).status_code == 404
    assert client.post(f"/f/workshops/{theirs.id}/delete", data={"confirm": "x"}).status_code == 404
    assert client.get(f"/live/{theirs.id}").status_code == 403
    with app.app_context():
        w = db.session.get(Workshop, theirs.id)
        assert w.status == "live" and not w.room_locked and w.current_activity.kind == "welcome"
    assert f"/f/workshops/{theirs.id}/" not in client.get("/f/").text


def test_participant_cannot_act_in_a_workshop_they_did_not_join(app, client, facilitator):
    mine = make_workshop(app, facilitator)
    other = make_workshop(app, facilitator)
    phone = join_phone(app, mine)
    reflect_other = other.activity_ids[-1]
    client.post(f"/f/workshops/{other.id}/goto/{reflect_other}")
    assert phone.post(f"/p/{other.id}/reflect/{reflect_other}", data={"rating": "5"}).status_code == 403
    # nor through their own workshop's address with another workshop's activity
    assert phone.post(f"/p/{mine.id}/reflect/{reflect_other}", data={"rating": "5"}).status_code == 404
    assert phone.get(f"/p/{other.id}").status_code == 302
    assert phone.get(f"/f/workshops/{mine.id}/run").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ReflectResponse.id))) == 0


def test_participant_cookie_cannot_be_forged(app, workshop):
    phone = join_phone(app, workshop)
    with app.app_context():
        token = db.session.scalar(select(Participant.token))
    stranger = app.test_client()
    stranger.set_cookie("tandem", f'{{"participants": {{"{workshop.id}": "{token}"}}}}')
    assert stranger.get(f"/p/{workshop.id}").status_code == 302
    assert phone.get(f"/p/{workshop.id}").status_code == 200


@pytest.fixture
def csrf_app(migrated_template, tmp_path):
    return make_app(migrated_template, tmp_path, WTF_CSRF_ENABLED=True)


def test_csrf_required_on_state_changes_including_htmx(csrf_app):
    user = create_facilitator(csrf_app)
    workshop = make_workshop(csrf_app, user)
    client = csrf_app.test_client()
    page = client.get("/auth/login")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/auth/login", data={"email": user.email, "password": "correct horse battery"}).status_code == 400
    assert client.post(
        "/auth/login", data={"email": user.email, "password": "correct horse battery", "csrf_token": token}
    ).status_code == 302
    assert client.post(f"/f/workshops/{workshop.id}/step", data={"direction": "next"}).status_code == 400
    panel = client.get(f"/f/workshops/{workshop.id}/run").text
    header_token = panel.split('"X-CSRFToken": "')[1].split('"')[0]
    moved = client.post(
        f"/f/workshops/{workshop.id}/step", data={"direction": "next"},
        headers={"HX-Request": "true", "X-CSRFToken": header_token},
    )
    assert moved.status_code == 302
    with csrf_app.app_context():
        assert db.session.get(Workshop, workshop.id).current_activity.kind == "journey"


def test_failed_joins_are_rate_limited_by_address_but_successful_ones_are_not(migrated_template, tmp_path):
    app = make_app(migrated_template, tmp_path, RATELIMIT_ENABLED=True)
    user = create_facilitator(app)
    workshop = make_workshop(app, user)
    room = app.test_client()
    for _ in range(30):  # a whole room behind one address joins
        response = app.test_client().post(f"/join/{workshop.join_code}", data={"group": "staff", "language": "en"})
        assert response.status_code == 302
    statuses = [room.post("/join", data={"code": f"{n:08d}"}).status_code for n in range(25)]
    assert statuses[:20] == [404] * 20 if workshop.join_code not in {f"{n:08d}" for n in range(25)} else True
    assert statuses[-1] == 429
    login_page = app.test_client()
    assert login_page.post("/join", data={"code": workshop.join_code}).status_code == 429


def test_user_text_is_escaped_and_user_content_is_hx_disabled(app, client, workshop):
    phone = join_phone(app, workshop, nickname='<img src=x onerror=alert(1)>')
    reflect_id = workshop.activity_ids[-1]
    client.post(f"/f/workshops/{workshop.id}/goto/{reflect_id}")
    phone.post(f"/p/{workshop.id}/reflect/{reflect_id}", data={"rating": "2", "comment": '<script>alert(1)</script> <a hx-get="/f/">x</a>'})
    client.post(f"/f/workshops/{workshop.id}/state", data={"state": "revealed"})
    projector = client.get(f"/f/workshops/{workshop.id}/projector").text
    assert "<script>alert(1)</script>" not in projector and "&lt;script&gt;" in projector
    assert '<ul class="comments" hx-disable>' in projector
    assert "<img src=x" not in phone.get(f"/p/{workshop.id}").text


def test_open_signup_is_off_unless_configured(client):
    assert client.get("/auth/signup").status_code == 404


def test_admin_invites_a_facilitator_with_a_one_time_link(app, client, facilitator):
    response = client.post("/auth/invites", data={"note": "Priya"})
    link = response.text.split('id="invite-link" class="copy" readonly value="')[1].split('"')[0]
    path = link.split("localhost")[1]
    newcomer = app.test_client()
    data = {"name": "Priya", "organisation": "Council", "email": "priya@example.org",
            "password": "a long password", "confirm": "a long password"}
    assert newcomer.post(path, data=data).status_code == 302
    assert newcomer.get("/f/").status_code == 200
    again = app.test_client().post(path, data=data | {"email": "someone@example.org"})
    assert again.status_code == 410
    with app.app_context():
        from app.models import User

        assert not db.session.scalar(select(User).where(User.email == "priya@example.org")).is_admin


def test_only_the_admin_invites(app, client, facilitator):
    create_facilitator(app, email="second@example.org")
    second = app.test_client()
    login(second, "second@example.org")
    assert second.get("/auth/invites").status_code == 403


def test_wrong_password_is_refused_with_a_message(app, client):
    create_facilitator(app)
    response = app.test_client().post("/auth/login", data={"email": "facilitator@example.org", "password": "nope"})
    assert response.status_code == 400 and "do not match" in response.text
