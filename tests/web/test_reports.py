"""The outcome pack (PDF), CSV and JSON exports, and the command line."""
from __future__ import annotations

import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.models import Participant, ReflectResponse, User, Workshop
from app.moderation import record
from app.reports import exports, pack
from app.reports.pdf import STATIC_BASE, _fetcher_class, write_pdf
from tests.conftest import create_facilitator, join_phone, make_workshop

TITLE = "Korai segítség – árvíztűrő tükörfúrógép"
COMMENTS = ["Őszintén szólva nagyon jó volt, köszönöm!", "Több idő kellene a szülőknek; ünnepnapon is."]
MALICIOUS = ('<img src="file:///etc/passwd"> <b>vastag</b> '
             '<style>body{background:url(http://evil.example/x.png)}</style> '
             '<span style="background: url(http://evil.example/y.png)">x</span>')


def seed(app, owner) -> SimpleNamespace:
    """A Hungarian workshop with people in every group, reflect answers and a moderation entry."""
    info = make_workshop(app, owner)
    phones = [join_phone(app, info, group=g["key"]) for g in info.groups]
    with app.app_context():
        workshop = db.session.get(Workshop, info.id)
        workshop.title = TITLE
        workshop.challenge = "Hogyan segíthetnénk hamarabb a családoknak?"
        workshop.place = "Győr, Városháza"
        workshop.organisation = "Győri Önkormányzat"
        workshop.language = "hu"
        reflect = next(a for a in workshop.activities if a.kind == "reflect")
        people = db.session.scalars(select(Participant).filter_by(workshop_id=info.id).order_by(Participant.id)).all()
        for person, rating, comment in zip(people, (5, 4, 2), COMMENTS + [MALICIOUS]):
            db.session.add(ReflectResponse(activity_id=reflect.id, participant_id=person.id, rating=rating,
                                           comment=comment))
        reflect.state = "revealed"
        record(info.id, owner.id, "hide", "card", 1)
        db.session.commit()
        return SimpleNamespace(id=info.id, reflect_id=reflect.id, phones=phones, groups=info.groups)


@pytest.fixture
def seeded(app, facilitator):
    return seed(app, facilitator)


def _pdf(app, workshop_id, paper="A4") -> bytes:
    with app.test_request_context():
        return pack.pack_pdf(db.session.get(Workshop, workshop_id), paper)


def _struct_elements(node, tag: str) -> list:
    """Every element of the PDF's structure tree with the given /S tag."""
    found, stack = [], [node]
    while stack:
        item = stack.pop().get_object()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not hasattr(item, "get"):
            continue
        if item.get("/S") == tag:
            found.append(item)
        kids = item.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def _text(reader: PdfReader) -> str:
    """The PDF's text with line breaks as spaces (the layout wraps long titles)."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pack_is_a_tagged_pdf_with_metadata_outline_and_accents(app, seeded):
    reader = PdfReader(io.BytesIO(_pdf(app, seeded.id)))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "Győri Önkormányzat"
    assert root["/Lang"] == "hu"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert 3 <= len(reader.pages) <= 12
    page = reader.pages[0].mediabox
    assert round(float(page.width)) == 595 and round(float(page.height)) == 842  # A4 in points
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert TITLE in outline and "Összefoglaló" in outline and "Függelék" in outline
    figures = _struct_elements(root["/StructTreeRoot"], "/Figure")
    assert figures and all(str(figure.get("/Alt", "")).strip() for figure in figures)  # charts have alt text
    assert _struct_elements(root["/StructTreeRoot"], "/TH")  # tables have header cells
    text = _text(reader)
    assert "árvíztűrő tükörfúrógép" in text
    assert "Őszintén szólva nagyon jó volt" in text
    assert "Győr, Városháza" in text
    # People per group on the cover, never a nickname.
    assert "Szülő" in text or "Parent" in text


def test_pack_embeds_only_the_fonts_that_ship_with_tandem(app, seeded):
    reader = PdfReader(io.BytesIO(_pdf(app, seeded.id)))
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("Atkinson-Hyperlegible" in name for name in fonts)


def test_title_and_organisation_stay_text_in_the_metadata(app, seeded):
    title = '</title><meta name="author" content="evil"><link rel="stylesheet" href="http://evil.example/x.css">'
    with app.app_context():
        workshop = db.session.get(Workshop, seeded.id)
        workshop.title = title
        workshop.organisation = 'Org "<b>"'
        db.session.commit()
    with app.test_request_context():
        html = pack.pack_html(db.session.get(Workshop, seeded.id))
    rendered = write_pdf(html)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert reader.metadata.title == title
    assert reader.metadata.author == 'Org "<b>"'
    assert not any("evil" in url for url in rendered.fetched + rendered.refused)


def test_letter_option_and_cache_until_the_workshop_changes(app, seeded):
    letter = PdfReader(io.BytesIO(_pdf(app, seeded.id, "Letter")))
    assert round(float(letter.pages[0].mediabox.width)) == 612
    with app.test_request_context():
        workshop = db.session.get(Workshop, seeded.id)
        assert pack.cached_pdf(workshop, "Letter") is not None
        before = pack.cache_key(workshop, "Letter")
        workshop.place = "Budapest"
        db.session.commit()
        workshop = db.session.get(Workshop, seeded.id)
        assert pack.cache_key(workshop, "Letter") != before
        assert pack.cached_pdf(workshop, "Letter") is None


def test_malicious_text_renders_as_text_and_fetches_nothing(app, seeded):
    with app.test_request_context():
        html = pack.pack_html(db.session.get(Workshop, seeded.id))
    assert "<img src=" not in html and "&lt;img src=" in html
    rendered = write_pdf(html)
    asked = rendered.fetched + rendered.refused
    assert not any("passwd" in url or "evil.example" in url for url in asked)
    assert rendered.refused == []
    assert rendered.fetched and all(url.startswith(STATIC_BASE) for url in rendered.fetched)
    text = _text(PdfReader(io.BytesIO(rendered.pdf)))
    assert '<img src="file:///etc/passwd">' in text


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://evil.example/x.png",
    "https://evil.example/fonts/x.woff",
    "data:text/css,body{}",
    STATIC_BASE + "../app/config.py",
    STATIC_BASE + "%2e%2e/%2e%2e/etc/passwd",
    STATIC_BASE + "js/tandem.js",
    STATIC_BASE + "css/pack.css?x=1",
])
def test_fetcher_refuses_everything_but_own_static_files(url):
    fetcher = _fetcher_class()()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_own_fonts_and_styles():
    fetcher = _fetcher_class()()
    response = fetcher.fetch(STATIC_BASE + "css/pack.css")
    assert response.content_type == "text/css" and b"@page" in response.read()
    assert fetcher.fetch(STATIC_BASE + "fonts/atkinson-hyperlegible-latin-ext-400-normal.woff").read()[:4] == b"wOFF"


def test_a_render_over_its_time_bound_is_stopped():
    from app.reports.pdf import PdfError, render_pdf

    with pytest.raises(PdfError):
        render_pdf("<p>" + "hosszú szöveg " * 20000 + "</p>", timeout=0.2)
    # The next render gets a fresh renderer and works.
    assert render_pdf("<p>rendben</p>", timeout=60).pdf.startswith(b"%PDF")


def test_the_renderer_process_refuses_raw_outside_urls():
    """Even HTML that was never escaped (a template bug) cannot make the renderer fetch anything."""
    from app.reports.pdf import render_pdf

    rendered = render_pdf('<html lang="en"><title>t</title><img src="file:///etc/passwd" alt="x">'
                          '<div style="background: url(http://evil.example/x.png)">y</div>'
                          '<link rel="stylesheet" href="css/pack.css"></html>', timeout=60)
    assert rendered.pdf.startswith(b"%PDF")
    assert "file:///etc/passwd" in rendered.refused and "http://evil.example/x.png" in rendered.refused
    assert rendered.fetched and all(url.startswith(STATIC_BASE) for url in rendered.fetched)


def test_csv_has_bom_accents_and_the_languages_separator(app, client, seeded):
    with app.test_request_context():
        names = list(exports.csv_tables(db.session.get(Workshop, seeded.id)))
    name = next(n for n in names if n.endswith("reflect-answers"))
    response = client.get(f"/f/workshops/{seeded.id}/csv/{name}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0] == "person;group;rating;comment"
    assert COMMENTS[0] in text and "ünnepnapon" in text
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/f/workshops/{seeded.id}/csv.zip").data))
    assert f"{name}.csv" in archive.namelist() and "workshop-groups.csv" in archive.namelist()
    assert archive.read(f"{name}.csv").startswith(b"\xef\xbb\xbf")


def test_csv_never_lets_a_cell_become_a_formula():
    data = exports.csv_bytes(["a", "b"], [["=HYPERLINK(\"x\")", -2], [1.25, "@SUM(A1)"]], "en").decode("utf-8-sig")
    assert "'=HYPERLINK" in data and ",-2" in data and "'@SUM" in data and "1.25" in data
    assert "1,25" in exports.csv_bytes(["a"], [[1.25]], "hu").decode("utf-8-sig")


def _comparable(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data.pop("exported_at")
    data["workshop"].pop("status")
    data["workshop"].pop("closed_at")
    return data


def test_json_export_round_trips_into_another_instance(app, client, seeded, migrated_template, tmp_path):
    from tests.conftest import make_app

    response = client.get(f"/f/workshops/{seeded.id}/export.json")
    assert response.status_code == 200
    exported = response.get_json()
    assert exported["format"] == "tandem-workshop" and exported["version"] == 1
    assert all(set(p) == {"id", "group", "language"} for p in exported["participants"])
    assert "token" not in response.text and "nickname" not in response.text

    (tmp_path / "other").mkdir()
    other = make_app(migrated_template, tmp_path / "other")
    owner = create_facilitator(other, email="masik@example.org")
    with other.app_context():
        restored = exports.import_workshop(exported, db.session.get(User, owner.id))
        db.session.commit()
        assert restored.status == "closed" and restored.join_code is None
        again = exports.export_workshop(db.session.get(Workshop, restored.id))
        assert _comparable(again) == _comparable(exported)
        assert db.session.scalar(select(func.count()).select_from(ReflectResponse)) == 3
    with other.test_request_context():
        html = pack.pack_html(db.session.get(Workshop, restored.id))  # the restored workshop makes the same pack
        assert COMMENTS[0] in html and "Győri Önkormányzat" in html
    with other.app_context():
        db.engine.dispose()


def test_import_refuses_what_is_not_an_export(app, facilitator):
    with app.app_context():
        owner = db.session.get(User, facilitator.id)
        for bad in ({}, {"format": "tandem-workshop", "version": 99},
                    {"format": "tandem-workshop", "version": 1, "workshop": {"title": "x"},
                     "activities": [{"kind": "nonsense"}]}):
            with pytest.raises(exports.ImportProblem):
                exports.import_workshop(bad, owner)
        assert db.session.scalar(select(func.count()).select_from(Workshop)) == 0


def test_cli_builds_pdf_csv_json_and_imports(app, runner, seeded, tmp_path):
    out, folder, data = tmp_path / "pack.pdf", tmp_path / "csv", tmp_path / "w.json"
    result = runner.invoke(args=["workshop", "pack", str(seeded.id), "--out", str(out), "--letter",
                                 "--csv", str(folder), "--json", str(data)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert round(float(PdfReader(out).pages[0].mediabox.width)) == 612
    assert (folder / "workshop-groups.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert json.loads(data.read_text())["workshop"]["title"] == TITLE

    result = runner.invoke(args=["workshop", "import", str(data), "--owner", "FACILITATOR@example.org"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        titles = db.session.scalars(select(Workshop.title)).all()
        assert titles.count(TITLE) == 2
    assert runner.invoke(args=["workshop", "import", str(data), "--owner", "nobody@example.org"]).exit_code != 0
    assert runner.invoke(args=["workshop", "pack", "9999", "--json", str(data)]).exit_code != 0


def test_facilitator_downloads_pack_with_htmx_progress_and_without_js(app, client, seeded):
    page = client.get(f"/f/workshops/{seeded.id}/edit")
    assert page.status_code == 200
    assert 'hx-indicator="#pack-progress"' in page.text and "csv.zip" in page.text
    ready = client.get(f"/f/workshops/{seeded.id}/pack?paper=a4", headers={"HX-Request": "true"})
    assert ready.status_code == 200 and f"/f/workshops/{seeded.id}/pack.pdf?paper=a4" in ready.text
    direct = client.get(f"/f/workshops/{seeded.id}/pack?paper=a4")
    assert direct.status_code == 200 and direct.mimetype == "application/pdf"
    assert "attachment" in direct.headers["Content-Disposition"]
    assert client.get(f"/f/workshops/{seeded.id}/pack.pdf").data == direct.data
