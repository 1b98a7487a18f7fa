"""Configuration read from the environment; instance/ holds what must persist."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def secret_key(instance_path: str) -> str:
    """The SECRET_KEY from the environment, or one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together must not write two keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "tandem.db")
    # Heroku-style URLs name the old driver; psycopg 3 is what we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_options(url: str) -> dict:
    """Connection pool settings for the database the app uses."""
    if url.startswith("sqlite"):
        # A local file never drops a connection (no ping before each use), and a
        # gevent worker serves many requests at once: keep their connections
        # open rather than opening (and tuning) a fresh overflow one per request.
        return {"pool_size": 32, "max_overflow": 32}
    return {"pool_pre_ping": True}


def from_environment(instance_path: str) -> dict:
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "TANDEM_OPEN_SIGNUP": _flag("TANDEM_OPEN_SIGNUP"),
        "TANDEM_BASE_URL": os.environ.get("TANDEM_BASE_URL") or None,
        "TANDEM_RECIPES_DIR": os.environ.get("TANDEM_RECIPES_DIR")
        or str(Path(__file__).resolve().parent.parent / "workshops"),
        "TANDEM_LIVE_POLL_SECONDS": float(os.environ.get("TANDEM_LIVE_POLL_SECONDS", "0.25")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("TANDEM_SECURE_COOKIES"),
        "SESSION_COOKIE_NAME": "tandem",
        "SESSION_REFRESH_EACH_REQUEST": False,  # no new cookie on every live refresh
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
        "WTF_CSRF_TIME_LIMIT": None,  # a workshop lasts longer than an hour
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_ENABLED": not _flag("TANDEM_NO_RATELIMIT"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
        "LANGUAGES": {"en": "English", "hu": "Magyar"},
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    }
