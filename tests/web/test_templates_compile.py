"""Every template compiles: gunicorn workers compile them all at start (gunicorn.conf.py), so the
first move of a room to an activity never waits for Jinja, and a broken template fails here."""
from __future__ import annotations

from pathlib import Path

from app.templating import compile_all


def test_every_template_compiles(app):
    folder = Path(app.root_path).parent / "templates"
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".svg", ".txt")]
    assert compile_all(app) == len(files) > 50


def test_gunicorn_workers_compile_templates_before_taking_requests():
    config = {}
    exec((Path(__file__).parents[2] / "gunicorn.conf.py").read_text(), config)
    assert config["worker_class"] == "gevent" and callable(config["post_worker_init"])
