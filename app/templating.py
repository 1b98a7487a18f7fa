"""Template helpers shared by every page."""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale


def init_app(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def _globals():
        return {"languages": current_app.config["LANGUAGES"], "current_locale": str(get_locale())}

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
