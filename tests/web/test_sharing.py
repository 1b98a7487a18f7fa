"""Sharing a workshop: co-facilitators with accounts, and read-only links without one."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ShareLink, WorkshopShare
from tests.conftest import create_facilitator, login, make_workshop


def _other(app, client_factory, email="colleague@example.org"):
    create_facilitator(app, email=email, name="Kata Kolléga")
    other = client_factory()
    login(other, email)
    return other


def test_co_facilitator_can_run_moderate_and_download(app, client, facilitator):
    workshop = make_workshop(app, facilitator)
    colleague = _other(app, app.test_client)
    assert colleague.get(f"/f/workshops/{workshop.id}/run").status_code == 404

    response = client.post(f"/f/workshops/{workshop.id}/shares", data={"email": "Colleague@Example.org"})
    assert response.status_code == 302
    client.post(f"/f/workshops/{workshop.id}/shares", data={"email": "colleague@example.org"})  # twice: one row
    with app.app_context():
        assert len(db.session.scalars(select(WorkshopShare)).all()) == 1

    assert colleague.get(f"/f/workshops/{workshop.id}/run").status_code == 200
    assert colleague.post(f"/f/workshops/{workshop.id}/step", data={"direction": "next"}).status_code == 302
    assert colleague.get(f"/f/workshops/{workshop.id}/export.json").status_code == 200
    dashboard = colleague.get("/f/")
    assert f"/f/workshops/{workshop.id}/" in dashboard.text and "Fran Facilitator" in dashboard.text
    # Only the owner deletes the workshop or chooses co-facilitators.
    assert colleague.post(f"/f/workshops/{workshop.id}/delete", data={"confirm": "x"}).status_code == 403
    assert colleague.post(f"/f/workshops/{workshop.id}/shares", data={"email": "x@example.org"}).status_code == 403

    with app.app_context():
        share_id = db.session.scalar(select(WorkshopShare.id))
    client.post(f"/f/workshops/{workshop.id}/shares/{share_id}/remove")
    assert colleague.get(f"/f/workshops/{workshop.id}/run").status_code == 404


def test_sharing_with_an_unknown_address_says_so(app, client, facilitator):
    workshop = make_workshop(app, facilitator)
    page = client.post(f"/f/workshops/{workshop.id}/shares", data={"email": "nobody@example.org"},
                       follow_redirects=True)
    assert "No facilitator account has this e-mail address" in page.text


def test_stranger_gets_404_for_every_facilitator_page(app, client, facilitator):
    workshop = make_workshop(app, facilitator)
    stranger = _other(app, app.test_client, "stranger@example.org")
    for path in ("edit", "run", "pack.pdf", "pack", "export.json", "csv.zip", "csv/workshop-groups.csv"):
        assert stranger.get(f"/f/workshops/{workshop.id}/{path}").status_code == 404, path
    for path in ("shares", "links", "links/1/revoke", "shares/1/remove"):
        assert stranger.post(f"/f/workshops/{workshop.id}/{path}", data={"days": "7"}).status_code == 404, path


def _create_link(client, workshop_id, days="7") -> str:
    page = client.post(f"/f/workshops/{workshop_id}/links", data={"days": days, "label": "Polgármesteri hivatal"},
                       follow_redirects=True)
    assert page.status_code == 200
    return re.search(r'value="(https?://[^"]+/s/[^"]+)"', page.text).group(1)


def test_read_only_link_shows_results_and_pack_without_an_account(app, client, facilitator):
    from tests.web.test_reports import TITLE, seed

    workshop = seed(app, facilitator)
    url = _create_link(client, workshop.id)
    path = url.split("://", 1)[1].split("/", 1)[1]
    visitor = app.test_client()
    page = visitor.get("/" + path)
    assert page.status_code == 200
    assert TITLE in page.text and "Őszintén szólva" in page.text
    assert "&lt;img src=" in page.text  # a participant's HTML stays text
    assert page.headers["X-Robots-Tag"] == "noindex"
    pdf = visitor.get("/" + path + "/pack.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # The link opens nothing else.
    assert visitor.get(f"/f/workshops/{workshop.id}/run").status_code == 302  # to the login page


def test_revoked_expired_and_forged_links_are_refused(app, client, facilitator):
    workshop = make_workshop(app, facilitator)
    revoked = "/" + _create_link(client, workshop.id).split("/", 3)[3]
    expired = "/" + _create_link(client, workshop.id, days="1").split("/", 3)[3]
    with app.app_context():
        first, second = db.session.scalars(select(ShareLink).order_by(ShareLink.id)).all()
        second.expires_at = second.created_at - timedelta(seconds=1)
        db.session.commit()
        first_id = first.id
    client.post(f"/f/workshops/{workshop.id}/links/{first_id}/revoke")

    visitor = app.test_client()
    gone = visitor.get(revoked)
    assert gone.status_code == 410 and "withdrew this link" in gone.text
    assert visitor.get(revoked + "/pack.pdf").status_code == 410
    old = visitor.get(expired)
    assert old.status_code == 410 and "expired" in old.text
    assert visitor.get(revoked[:-3] + "abc").status_code == 404  # signature broken
    assert visitor.get("/s/not-a-token").status_code == 404


def test_link_expiry_must_be_one_of_the_offered_choices(app, client, facilitator):
    workshop = make_workshop(app, facilitator)
    page = client.post(f"/f/workshops/{workshop.id}/links", data={"days": "3650"}, follow_redirects=True)
    assert "Choose how long the link works" in page.text
    with app.app_context():
        assert db.session.scalars(select(ShareLink)).all() == []
