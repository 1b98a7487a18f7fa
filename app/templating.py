"""Template helpers shared by every page."""
from __future__ import annotations

from flask import current_app, g
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _globals():
        return {"languages": current_app.config["LANGUAGES"], "current_locale": str(get_locale())}

    @app.template_global()
    def csrf_field() -> Markup:
        """A form's hidden CSRF input. Left out of a phone screen rendered once for a whole group
        (app/participants/shared.py): that screen only ever arrives through htmx, which sends the
        phone's own token in the X-CSRFToken header of every request (base.html)."""
        if g.get("shared_screen"):
            return Markup("")
        return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()

    @app.template_filter("ordinal")
    def _ordinal(n: int) -> str:
        if str(get_locale()) == "hu":
            return f"{n}."
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    @app.template_filter("mmss")
    def _mmss(seconds: int | None) -> str:
        if seconds is None:
            return ""
        return f"{seconds // 60}:{seconds % 60:02d}"


def compile_all(app) -> int:
    """Load (compile and cache) every template of the app; returns how many. Run once per worker."""
    env = app.jinja_env
    names = env.list_templates(filter_func=lambda name: name.endswith((".html", ".svg", ".txt")))
    for name in names:
        env.get_template(name)
    return len(names)
