"""The outcome pack with real content: journey, ideas, three vote methods, the summary, the action plan.

The workshop is filled by `app.demo.simulate` (the domain functions phones and
facilitators use), in Hungarian, with a hidden card, a hidden idea and a
malicious idea; the PDF is read back with pypdf.
"""
from __future__ import annotations

import io
import json
import re
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import ActionPlanItem, Activity, Idea, JourneyCard, User, Workshop
from app.reports import exports, pack
from app.reports.pdf import write_pdf
from tests.conftest import create_facilitator, login

TITLE = "Korai segítség – árvíztűrő tükörfúrógép"
HIDDEN_CARD = "Titkos kártya, amit a moderátor elrejtett"
HIDDEN_IDEA = "Ingyenes parkolás"
MALICIOUS = ('<img src="file:///etc/passwd"> <b>vastag</b> '
             '<style>body{background:url(http://evil.example/x.png)}</style> x')
METHODS = ["dots", "approval", "rating"]


def seed(app, owner_id: int, participants: int = 12) -> SimpleNamespace:
    from app.activities.ideas import add_idea
    from app.activities.journey import map as journey
    from app.demo import simulate
    from app.workshops.services import create_from_recipe

    with app.test_request_context():
        user = db.session.get(User, owner_id)
        workshop = create_from_recipe(user, app.extensions["tandem_recipes"]["family-support"])
        workshop.title, workshop.language = TITLE, "hu"
        workshop.organisation = "Győri Önkormányzat"
        db.session.flush()
        ideas_activity = next(a for a in workshop.activities if a.kind == "ideas")
        done = simulate(workshop, participants, seed=7, user_id=owner_id, methods=METHODS)
        journey_activity = next(a for a in workshop.activities if a.kind == "journey")
        phase, lane = journey.parts(journey_activity, "phase")[0], journey.parts(journey_activity, "lane")[0]
        card = JourneyCard(activity_id=journey_activity.id, phase_id=phase.id, lane_id=lane.id, text=HIDDEN_CARD,
                           hidden=True)
        db.session.add(card)
        evil = add_idea(ideas_activity, None, MALICIOUS, "background: url(http://evil.example/y.png)",
                        source="paper", user_id=owner_id)
        db.session.commit()
        return SimpleNamespace(id=workshop.id, done=done, evil_id=evil.id)


@pytest.fixture
def filled(app, facilitator):
    return seed(app, facilitator.id)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _visible_titles(workshop_id: int) -> list[str]:
    return list(db.session.scalars(select(Idea.title).filter_by(
        workshop_id=workshop_id, hidden=False, merged_into_id=None).order_by(Idea.id)))


def test_pack_shows_journey_ideas_rankings_and_summary_in_hungarian(app, filled):
    from app.activities.vote import vote_ranking

    with app.test_request_context():
        workshop = db.session.get(Workshop, filled.id)
        html = pack.pack_html(workshop)
        votes = [a for a in workshop.activities if a.kind == "vote"]
        assert [v.config["method"] for v in votes] == METHODS
        rankings = {v.title: [db.session.get(Idea, int(row.item)).title for row in vote_ranking(v)] for v in votes}
        titles = _visible_titles(filled.id)
        rendered = write_pdf(html)
    assert rendered.refused == []  # nothing outside Tandem's static files was even asked for
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert reader.metadata.title == TITLE and reader.metadata.author == "Győri Önkormányzat"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "hu" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert 6 <= len(reader.pages) <= 30
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    flat = re.sub(r"\s+", "", text)
    assert "árvíztűrő tükörfúrógép" in text
    for title in titles:  # every visible idea, the malicious one as plain text
        assert re.sub(r"\s+", "", title) in flat, title
    assert '<img src="file:///etc/passwd">' in text
    assert HIDDEN_CARD not in text and HIDDEN_IDEA not in text
    assert "Összefoglaló" in text and "Függelék" in text
    # Each vote's table lists the ideas in rank order (after that vote's heading: the summary names it first).
    for vote_title, order in rankings.items():
        start = [m.start() for m in re.finditer(re.escape(re.sub(r"\s+", "", vote_title)), flat)][1]
        positions = [flat.find(re.sub(r"\s+", "", t)[:40], start) for t in order[:6]]
        assert all(p > 0 for p in positions) and positions == sorted(positions), vote_title
    # The summary page: top ideas, the worst steps, the gaps, an empty pledge state.
    summary = " ".join(reader.pages[1].extract_text().split())
    top_dots = rankings[next(iter(rankings))][0]
    assert " ".join(top_dots.split()[:3]) in summary
    assert "Felajánlott segítség" in summary
    if filled.done.pledges:  # the pledge activity records pledges: people-power as counts, never names
        assert "havi" in summary and "órát ajánlott fel" in summary


def test_pack_is_cached_and_action_plan_prints_blank_lines_until_filled(app, client, filled):
    login(client)
    page = client.get(f"/f/workshops/{filled.id}/edit")
    assert page.status_code == 200 and "action-plan" in page.text
    idea_ids = [int(n) for n in re.findall(r'name="owner-(\d+)"', page.text)]
    assert len(idea_ids) == 5
    first = idea_ids[0]
    bad = client.post(f"/f/workshops/{filled.id}/action-plan",
                      data={f"owner-{first}": "Családsegítő csapat", f"due-{first}": "jövő héten"})
    assert bad.status_code == 400 and 'id="due-%d-error"' % first in bad.text
    with app.app_context():
        assert db.session.scalar(select(ActionPlanItem.id)) is None  # nothing saved
    ok = client.post(f"/f/workshops/{filled.id}/action-plan", data={
        f"owner-{first}": "Családsegítő csapat", f"step-{first}": "Űrlapterv a szülőkkel", f"due-{first}": "2027-01-31"})
    assert ok.status_code == 302
    with app.test_request_context():
        text = _text(pack.pack_pdf(db.session.get(Workshop, filled.id)))
    assert "Családsegítő csapat" in text and "Űrlapterv a szülőkkel" in text
    assert text.count("(kitöltendő)") == 4 * 3  # the four empty plans: blank lines to fill in


def test_csv_tables_of_journey_ideas_and_votes(app, filled):
    with app.test_request_context():
        workshop = db.session.get(Workshop, filled.id)
        tables = exports.csv_tables(workshop)
        names = list(tables)
        assert any(n.endswith("journey-cards") for n in names) and any(n.endswith("journey-ratings") for n in names)
        assert any(n.endswith("ideas-ideas") for n in names)
        assert sum(n.endswith("vote-ranking") for n in names) == 3
        cards = next(t for n, t in tables.items() if n.endswith("journey-cards"))
        assert HIDDEN_CARD not in [row[2] for row in cards[1]]
        ideas = next(t for n, t in tables.items() if n.endswith("ideas-ideas"))
        assert HIDDEN_IDEA not in [row[1] for row in ideas[1]]
        ranking = next(t for n, t in tables.items() if n.endswith("vote-ranking"))
        assert [row[0] for row in ranking[1]] == sorted(row[0] for row in ranking[1])
        blob = exports.csv_bytes(*cards, language="hu")
    assert blob.startswith(b"\xef\xbb\xbf") and ";" in blob.decode("utf-8-sig").splitlines()[0]


def _snapshot(workshop: Workshop) -> dict:
    """What the pack shows, by text (ids differ between instances)."""
    from app.activities.journey.map import journey_map
    from app.activities.vote import vote_ranking

    out = {"votes": [], "journey": None}
    for activity in workshop.activities:
        if activity.kind == "journey":
            data = journey_map(activity)
            out["journey"] = {
                "cells": [[sorted((c["text"], c["count"]) for c in cell) for cell in row["cells"]] for row in data["rows"]],
                "curves": [(c["phase"], c["n"], round(c["mean"] or 0, 6)) for c in data["curves"]],
                "gaps": [(g["phase"], g["gap"]) for g in data["gaps"]],
            }
        elif activity.kind == "vote":
            ranking = vote_ranking(activity)
            out["votes"].append([(db.session.get(Idea, int(r.item)).title, r.rank, round(r.score, 6), r.votes,
                                  round(r.low, 6), round(r.high, 6)) for r in ranking])
    return out


def test_json_round_trip_restores_journey_ideas_votes_and_the_same_rankings(app, filled, migrated_template, tmp_path):
    from tests.conftest import make_app

    with app.test_request_context():
        workshop = db.session.get(Workshop, filled.id)
        db.session.add(ActionPlanItem(workshop_id=filled.id, idea_id=filled.evil_id, owner="Ági", next_step="Próba"))
        db.session.commit()
        exported = json.loads(json.dumps(exports.export_workshop(workshop), ensure_ascii=False))
        before = _snapshot(db.session.get(Workshop, filled.id))
    assert "nickname" not in json.dumps(exported) and "token" not in json.dumps(exported)
    vote_data = [a["data"] for a in exported["activities"] if a["kind"] == "vote"]
    assert all(set(row) >= {"participant"} and isinstance(row["participant"], int)
               for data in vote_data for rows in data["tables"].values() for row in rows)

    (tmp_path / "other").mkdir()
    other = make_app(migrated_template, tmp_path / "other")
    owner = create_facilitator(other, email="masik@example.org")
    with other.test_request_context():
        restored = exports.import_workshop(exported, db.session.get(User, owner.id))
        db.session.commit()
        after = _snapshot(db.session.get(Workshop, restored.id))
        plan = db.session.scalars(select(ActionPlanItem)).all()
        assert [(p.owner, p.idea.title) for p in plan] == [("Ági", MALICIOUS)]
        hidden = db.session.scalar(select(JourneyCard).filter_by(text=HIDDEN_CARD))
        assert hidden is not None and hidden.hidden
        assert db.session.scalar(select(Activity.id).filter_by(workshop_id=restored.id, kind="vote")) is not None
        try:
            from app.models import Pledge
        except ImportError:  # pragma: no cover - before pledges exist
            Pledge = None
        if Pledge is not None:
            assert len(db.session.scalars(select(Pledge.id)).all()) == filled.done.pledges
    assert after == before
    assert len(before["votes"]) == 3 and all(before["votes"])


def test_demo_command_simulates_a_whole_run_once(app, runner):
    from app.models import Participant

    result = runner.invoke(args=["demo", "--participants", "9", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Simulated 9 people" in result.output
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        kinds = [a.kind for a in workshop.activities]
        assert kinds.count("vote") >= 2
        assert db.session.scalar(select(JourneyCard.id).filter_by(hidden=True)) is not None  # moderated
        assert db.session.scalar(select(Idea.id).filter(Idea.merged_into_id.is_not(None))) is not None
        people = len(db.session.scalars(select(Participant.id)).all())
    again = runner.invoke(args=["demo", "--participants", "9"])
    assert again.exit_code == 0 and "Simulated" not in again.output
    with app.app_context():
        assert len(db.session.scalars(select(Participant.id)).all()) == people == 9
