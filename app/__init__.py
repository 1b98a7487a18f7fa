"""Tandem: co-design workshops for public services."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("TANDEM_INSTANCE") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from app import config as settings

    app.config.update(settings.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    if "SQLALCHEMY_ENGINE_OPTIONS" not in app.config:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = settings.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])

    _init_extensions(app)
    _init_features(app)
    _init_error_pages(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import database, i18n, security
    from app.extensions import babel, csrf, db, htmx, limiter, login, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login.init_app(app)
    login.login_view = "auth.login"
    login.login_message = None
    database.init_app(app)
    security.init_app(app)

    from app.models import User

    @login.user_loader
    def _load_user(user_id: str):
        return db.session.get(User, int(user_id))


def _init_features(app: Flask) -> None:
    from app import activities, cli, live, reports, templating
    from app.auth import bp as auth_bp
    from app.participants import bp as participants_bp
    from app.recipes import load_recipes
    from app.workshops import bp as workshops_bp

    app.extensions["tandem_recipes"] = load_recipes(app.config["TANDEM_RECIPES_DIR"])
    activities.init_app(app)
    live.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(participants_bp)
    templating.init_app(app)
    cli.init_app(app)
    reports.init_app(app)


def _init_error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def page(status: int):
        def handler(error):
            return render_template("errors/error.html", status=status, error=error), status

        return handler

    for status in (400, 403, 404, 405, 409, 410, 413, 429, 500):
        app.register_error_handler(status, page(status))
    app.register_error_handler(CSRFError, page(400))
