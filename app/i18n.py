"""Languages: English is the source, Hungarian ships complete.

The phone uses the participant's choice, the projector the workshop's language
(views set g.locale), the facilitator their browser's preference or choice.
"""
from __future__ import annotations

from flask import current_app, g, request, session
from wtforms.fields.choices import SelectChoice

# Language names are shown in their own language, never translated.
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("hu", "Magyar")]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    forced = getattr(g, "locale", None)
    if forced in languages:
        return forced
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def use_locale(language: str) -> None:
    """Render this request in a given language (projector: the workshop's)."""
    from flask_babel import refresh

    g.locale = language
    refresh()
