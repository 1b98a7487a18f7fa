"""Fixtures: an app per test on its own freshly migrated database.

The schema comes from the Alembic migrations (run once per session into a
template SQLite file that each test copies), so the tests exercise exactly
what `make run` builds. With DATABASE_URL set (PostgreSQL), the migrations run
once on that database and every test starts from emptied tables.
"""
from __future__ import annotations

import os
import shutil
import threading
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

TEST_PASSWORD = "correct horse battery"


def _config(instance, uri):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "TANDEM_LIVE_POLL_SECONDS": 0.05,
        "SERVER_NAME": None,
        # With REDIS_URL, rate limits live in Redis: keep each app's counters apart.
        "RATELIMIT_KEY_PREFIX": f"tandem-test-{uuid.uuid4().hex}",
    }


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database with every migration applied: a SQLite file, or the PostgreSQL URL."""
    from flask_migrate import upgrade

    pg_url = os.environ.get("DATABASE_URL")
    folder = tmp_path_factory.mktemp("template")
    os.environ.setdefault("TANDEM_INSTANCE", str(folder))
    if pg_url:
        app = create_app(_config(folder, None) | {"SQLALCHEMY_DATABASE_URI": _pg(pg_url)})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        return None
    path = folder / "template.db"
    app = create_app(_config(folder, f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


def _pg(url):
    from app.config import database_url

    os.environ["DATABASE_URL"] = url
    return database_url("")


def make_app(migrated_template, tmp_path, **overrides):
    if migrated_template is None:
        uri = _pg(os.environ["DATABASE_URL"])
    else:
        path = tmp_path / "tandem.db"
        if not path.exists():
            shutil.copy(migrated_template, path)
        uri = f"sqlite:///{path}"
    app = create_app(_config(tmp_path, uri) | overrides)
    _made_apps.append(app)
    if migrated_template is None:
        with app.app_context():
            _empty_tables()
    return app


_made_apps: list = []


@pytest.fixture(autouse=True)
def _close_connections():
    """Every app a test made gives its pooled connections back (PostgreSQL warns about leaked ones)."""
    yield
    while _made_apps:
        with _made_apps.pop().app_context():
            db.engine.dispose()


def _empty_tables():
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(db.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(migrated_template, tmp_path):
    """The app, with no context pushed: each request gets its own, as in production."""
    return make_app(migrated_template, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def serving(app):
    """The app on a real threaded WSGI server on a free loopback port (for tests with real
    concurrency and real SSE streams): yields its base URL, shuts it down afterwards."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


def create_facilitator(app, email="facilitator@example.org", name="Fran Facilitator", organisation="Riverside Council"):
    from app.auth.accounts import create_user

    with app.app_context():
        user = create_user(email, name, TEST_PASSWORD, organisation)
        db.session.commit()
        return SimpleNamespace(id=user.id, email=user.email, is_admin=user.is_admin)


def login(client, email="facilitator@example.org"):
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.text
    return response


@pytest.fixture
def facilitator(app, client):
    user = create_facilitator(app)
    login(client)
    return user


def make_workshop(app, owner, recipe="family-support", started=True):
    from app.models import User
    from app.workshops.services import create_from_recipe, start

    with app.app_context():
        user = db.session.get(User, owner.id)
        workshop = create_from_recipe(user, app.extensions["tandem_recipes"][recipe])
        if started:
            start(workshop)
        db.session.commit()
        return SimpleNamespace(
            id=workshop.id,
            join_code=workshop.join_code,
            groups=workshop.groups,
            activity_ids=[a.id for a in workshop.activities],
            kinds=[a.kind for a in workshop.activities],
        )


@pytest.fixture
def workshop(app, facilitator):
    return make_workshop(app, facilitator)


def join_phone(app, workshop, group=None, nickname=""):
    phone = app.test_client()
    group = group or workshop.groups[0]["key"]
    response = phone.post(f"/join/{workshop.join_code}", data={"group": group, "nickname": nickname, "language": "en"})
    assert response.status_code == 302, response.text
    return phone


@pytest.fixture
def phone(app, workshop):
    return join_phone(app, workshop)
